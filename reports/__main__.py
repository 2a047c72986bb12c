"""`python -m reports snapshot --period P [--unit CODE_OR_NAME] [--out DIR] [--lang vi|en]` (DESIGN §7).

Prints one line per file made and the data version. Exit status: 0 every file made;
1 the data files were made but the wall PNG was not (the reason on stderr); 2 nothing was
made (a bad period, an unknown or ambiguous unit, no published data), one line on stderr.

Without `--out`, the snapshot goes into the archive the Báo cáo page lists:
`<archive>/<today>/<period>[-<unit>]`, the archive being `[exports] archive_dir` of the
sources file, by default `reports/` beside the warehouse file (data/reports/).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from reports.config import load_exports
from reports.errors import PartialSnapshot, ReportError
from reports.schedule import archive_folder
from warehouse.errors import WarehouseError
from warehouse.paths import WarehousePaths
from warehouse.periods import PeriodError, parse_period, today_in_vietnam

WAREHOUSE_HELP = "warehouse file (default: $IOC_WAREHOUSE or data/warehouse.duckdb)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reports", description="Snapshot exports of the IOC warehouse.")
    commands = parser.add_subparsers(dest="command", required=True)
    snapshot = commands.add_parser(
        "snapshot",
        help="briefing.pdf, form_06a.xlsx, kpi.csv/.xlsx, overdue.csv/.xlsx and wall.png for a period and unit",
    )
    snapshot.add_argument("--warehouse", help=WAREHOUSE_HELP)
    snapshot.add_argument(
        "--period",
        required=True,
        help="day, week, month, quarter, year (the current one), or YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD",
    )
    snapshot.add_argument("--unit", help="unit or agency code or name (default: the whole province)")
    snapshot.add_argument("--out", type=Path, help="folder to write into (default: the archive, by today's date)")
    snapshot.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
        help="language of kpi.xlsx and overdue.xlsx (default: vi); the CSVs keep their column names",
    )
    snapshot.add_argument("--no-wall", action="store_true", help="skip wall.png (no browser on this machine)")
    args = parser.parse_args(argv)

    from reports.snapshot import make_snapshot  # heavy imports (matplotlib, fpdf) after argument errors

    try:
        paths = WarehousePaths.resolve(args.warehouse)
        # $IOC_TODAY replays a past day, as the dashboard does (demo data, checks).
        today = date.fromisoformat(os.environ["IOC_TODAY"]) if os.environ.get("IOC_TODAY") else today_in_vietnam()
        out = args.out
        if out is None:
            period = parse_period(args.period, today)
            out = archive_folder(load_exports().archive(paths.database), today, period, args.unit)
        result = make_snapshot(
            paths,
            args.period,
            out.absolute(),
            unit=args.unit,
            today=today,
            wall=not args.no_wall,
            lang=args.lang,
            progress=lambda name: print(f"making {name}", file=sys.stderr),
        )
    except PartialSnapshot as partial:
        _report(partial.result)
        print(f"reports: {partial}", file=sys.stderr)
        return 1
    except (WarehouseError, PeriodError, ReportError) as error:
        print(f"reports: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 (the edge: one line, never a traceback; nothing was renamed)
        print(
            f"reports: the snapshot could not be made, nothing was written: {type(error).__name__}: {error}",
            file=sys.stderr,
        )
        return 2
    _report(result)
    return 0


def _report(result) -> None:
    for name in result.made:
        print(result.folder / name)
    data = result.data
    print(
        f"{data.scope.label}, {data.period.start:%d/%m/%Y}–{data.period.end:%d/%m/%Y}: "
        f"data version {data.version} (published {data.published_at:%H:%M %d/%m/%Y})"
    )


if __name__ == "__main__":
    sys.exit(main())
