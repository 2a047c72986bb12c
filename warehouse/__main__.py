"""`python -m warehouse kpi ...`: KPI rows from the published snapshot (DESIGN §7);
`python -m warehouse index766 ...`: the Decision 766 index (DESIGN §10);
`python -m warehouse calendar --year YYYY`: the working-day calendar's exceptions."""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date

import polars as pl

from warehouse import registry
from warehouse.calendar import load_calendar
from warehouse.errors import WarehouseError
from warehouse.index766 import IndexSpec, scorecard
from warehouse.paths import WarehousePaths
from warehouse.query import KpiFilter, kpi
from warehouse.snapshot import open_snapshot
from warehouse.targets import load_targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse", description="Read the IOC warehouse.")
    commands = parser.add_subparsers(dest="command", required=True)
    kpi_parser = commands.add_parser("kpi", help="KPI rows computed by the dashboard's own SQL")
    kpi_parser.add_argument("--warehouse", help="warehouse file (default: $IOC_WAREHOUSE or data/warehouse.duckdb)")
    kpi_parser.add_argument("--from", dest="date_from", required=True, type=_date, metavar="YYYY-MM-DD")
    kpi_parser.add_argument("--to", dest="date_to", required=True, type=_date, metavar="YYYY-MM-DD")
    kpi_parser.add_argument("--unit", help="unit or agency code or name")
    kpi_parser.add_argument("--level", choices=["province", "district", "commune"])
    kpi_parser.add_argument("--field", help="field code (or name)")
    kpi_parser.add_argument("--by", choices=["unit", "field", "month", "level"])
    kpi_parser.add_argument("--format", choices=["json", "csv", "table"], default="table")
    kpi_parser.add_argument(
        "--units",
        choices=["recorded", "current"],
        default="recorded",
        help="units as recorded (default), or today's units: adds comparable and note",
    )
    index_parser = commands.add_parser("index766", help="the Decision 766 index: indicators, groups, total")
    index_parser.add_argument("--warehouse", help="warehouse file (default: $IOC_WAREHOUSE or data/warehouse.duckdb)")
    index_parser.add_argument("--from", dest="date_from", required=True, type=_date, metavar="YYYY-MM-DD")
    index_parser.add_argument("--to", dest="date_to", required=True, type=_date, metavar="YYYY-MM-DD")
    index_parser.add_argument("--unit", help="unit or agency code or name (default: every agency)")
    index_parser.add_argument(
        "--by", choices=["agency", "district", "commune"], help="every unit of that kind inside it, ranked"
    )
    index_parser.add_argument("--format", choices=["json", "csv", "table"], default="table")
    index_parser.add_argument(
        "--units",
        choices=["recorded", "current"],
        default="recorded",
        help="units as recorded (default), or today's units: adds comparable and note",
    )
    calendar_parser = commands.add_parser("calendar", help="weekdays off and weekend days worked in a year")
    calendar_parser.add_argument("--warehouse", help="accepted like every subcommand's; the calendar needs none")
    calendar_parser.add_argument("--year", required=True, type=_year, metavar="YYYY")
    calendar_parser.add_argument("--format", choices=["json", "table"], default="table")
    kpi_parser.add_argument(
        "--with-targets",
        action="store_true",
        help="add <name>_target beside every measure that has a target (DESIGN §4)",
    )
    args = parser.parse_args(argv)
    if args.command == "calendar":
        return _calendar(args.year, args.format)
    if args.command == "index766":
        return _index766(args)

    try:
        spec = KpiFilter(args.date_from, args.date_to, args.unit, args.level, args.field, args.by, units=args.units)
        with open_snapshot(WarehousePaths.resolve(args.warehouse)) as (con, info):
            frame = kpi(con, spec, targets=load_targets() if args.with_targets else None)
        print(f"data version {info.version} (published {info.published_at:%H:%M %d/%m/%Y})", file=sys.stderr)
    except WarehouseError as error:
        print(f"kpi: {error}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as error:  # an unreadable targets file (TOMLDecodeError is a ValueError)
        print(f"kpi: the targets file cannot be read: {error}", file=sys.stderr)
        return 2
    _write(frame, args.format)
    return 0


def _index766(args: argparse.Namespace) -> int:
    try:
        spec = IndexSpec(args.date_from, args.date_to, args.unit, args.by, units=args.units)
        with open_snapshot(WarehousePaths.resolve(args.warehouse)) as (con, info):
            frame = scorecard(con, spec)
        print(f"data version {info.version} (published {info.published_at:%H:%M %d/%m/%Y})", file=sys.stderr)
    except WarehouseError as error:  # an unknown unit, no snapshot, a wrong rules file
        print(f"index766: {error}", file=sys.stderr)
        return 2
    _write(frame, args.format)
    return 0


def _write(frame: pl.DataFrame, form: str) -> None:
    if form == "json":
        rows = [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dicts()]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
    elif form == "csv":
        sys.stdout.write(frame.write_csv())
    else:
        with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=250, fmt_str_lengths=40):
            print(frame.rename(_table_headers(frame.columns)))


def _table_headers(columns: list[str]) -> dict[str, str]:
    """The registry's labels for people reading a table (scripts read json or csv)."""
    headers = {}
    for column in columns:
        key = column.removesuffix("_target")
        if key in registry.BY_KEY:
            headers[column] = registry.measure(key).vi + (" (chỉ tiêu)" if column != key else "")
    return headers


def _calendar(year: int, form: str) -> int:
    try:
        days = load_calendar().days(year)
    except WarehouseError as error:
        print(f"calendar: {error}", file=sys.stderr)
        return 2
    rows = [{"date": d.day.isoformat(), "working": d.working, "name": d.name, "source": d.source} for d in days]
    if form == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
    else:
        for d in days:
            print(f"{d.day:%Y-%m-%d} {d.day:%a}  {'working' if d.working else 'off':<7}  {d.source:<8}  {d.name}")
    return 0


def _json_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date YYYY-MM-DD") from None


def _year(text: str) -> int:
    # the calendar library's lunar tables, and Vietnam's rules, cover modern years only
    if not (text.isdigit() and 1901 <= int(text) <= 2099):
        raise argparse.ArgumentTypeError(f"'{text}' is not a year from 1901 to 2099")
    return int(text)


if __name__ == "__main__":
    sys.exit(main())
