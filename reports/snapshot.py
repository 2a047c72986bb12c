"""One snapshot export: the files of DESIGN §7 for a period and unit, complete or not at all.

Everything is first written into a hidden staging folder inside the target folder (the
same file system, so a rename is atomic), then renamed into place file by file, and the
manifest last. The files made from the data (PDF, form 06a, the extracts) stand or fall
together: if one of them fails, none is renamed and the folder keeps what it had. The
wall PNG needs a browser and a running dashboard, so its failure is reported on its own
(`PartialSnapshot`) and the others still land.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import polars as pl

from reports import extracts
from reports.briefing import write_briefing
from reports.data import ReportData, collect
from reports.errors import PartialSnapshot, ReportError
from reports.form06a import FormRow, FormSheet, form_counts, write_form06a
from reports.schedule import MANIFEST
from ui.formats import Lang
from warehouse.paths import WarehousePaths
from warehouse.periods import Period, parse_period, preset, today_in_vietnam

BRIEFING, FORM, KPI_CSV, OVERDUE_CSV, WALL = "briefing.pdf", "form_06a.xlsx", "kpi.csv", "overdue.csv", "wall.png"
KPI_XLSX, OVERDUE_XLSX, INDEX766_CSV = "kpi.xlsx", "overdue.xlsx", "index766.csv"
FILES = (BRIEFING, FORM, KPI_CSV, OVERDUE_CSV, KPI_XLSX, OVERDUE_XLSX, INDEX766_CSV, WALL)
# Who each extract is for (reports/extracts.py), as the manifest says it.
EXTRACTS = {
    KPI_CSV: "scripts",
    OVERDUE_CSV: "scripts",
    INDEX766_CSV: "scripts",
    KPI_XLSX: "people",
    OVERDUE_XLSX: "people",
}


@dataclass
class SnapshotResult:
    folder: Path
    data: ReportData
    made: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures


Step = Callable[[ReportData, Path], None]


def make_snapshot(
    paths: WarehousePaths,
    period: str | Period,
    out: Path,
    *,
    unit: str | None = None,
    today: date | None = None,
    wall: bool = True,
    lang: Lang = "vi",
    progress: Callable[[str], None] = lambda message: None,
) -> SnapshotResult:
    """Write the snapshot into `out`. Raises the warehouse's errors (bad period, unknown
    unit, no published data) before anything is written, and `PartialSnapshot` when the
    data files landed but the PNG did not. `lang` is the language of the people's extracts
    (kpi.xlsx, overdue.xlsx); the briefing and form 06a are Vietnamese documents."""
    today = today or today_in_vietnam()
    if isinstance(period, str):
        period_text, period = period, parse_period(period, today)
    else:
        period_text = period_param(period, today)
    clock = time.perf_counter()
    data = collect(paths, period, unit, today)
    result = SnapshotResult(out, data, seconds={"read": time.perf_counter() - clock})

    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=out))
    try:
        for name, step in _data_steps(lang):
            progress(name)
            clock = time.perf_counter()
            step(data, staging / name)
            result.seconds[name] = time.perf_counter() - clock
        made = [name for name, _step in _data_steps(lang)]
        if wall:
            progress(WALL)
            clock = time.perf_counter()
            try:
                _wall(paths, staging / WALL, unit=unit, period=period_text)
                made.append(WALL)
            except Exception as error:  # noqa: BLE001 (any browser failure: report it, keep the rest)
                result.failures[WALL] = _reason(error)
            result.seconds[WALL] = time.perf_counter() - clock
        for name in made:
            os.replace(staging / name, out / name)
        if WALL not in made:
            # An older run's PNG would show another data version beside these files.
            (out / WALL).unlink(missing_ok=True)
        result.made = made
        _write_manifest(result, period_text, unit, lang, staging / MANIFEST)
        os.replace(staging / MANIFEST, out / MANIFEST)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if result.failures:
        raise PartialSnapshot(result)
    return result


def period_param(period: Period, today: date) -> str:
    """The `--period` / `?period=` text naming `period` (a week has no fixed form: its preset)."""
    if period.kind == "month":
        return f"{period.start:%Y-%m}"
    if period.kind == "quarter":
        return f"{period.start.year}-Q{(period.start.month - 1) // 3 + 1}"
    if period.kind == "year":
        return str(period.start.year)
    if period.kind == "week":
        for name in ("week", "last_week"):
            if preset(name, today) == period:
                return name
    return period.start.isoformat()


def _data_steps(lang: Lang = "vi") -> list[tuple[str, Step]]:
    return [
        # people's files first: the Báo cáo page offers them in this order
        (KPI_XLSX, partial(extracts.write_kpi_xlsx, lang=lang)),
        (OVERDUE_XLSX, partial(extracts.write_overdue_xlsx, lang=lang)),
        (KPI_CSV, extracts.write_kpi_csv),
        (OVERDUE_CSV, extracts.write_overdue_csv),
        (INDEX766_CSV, extracts.write_index766_csv),
        (FORM, write_form),
        (BRIEFING, write_briefing),
    ]


def _wall(paths: WarehousePaths, target: Path, *, unit: str | None, period: str) -> None:
    try:
        from reports.browser import render_wall_png
    except ImportError as error:
        raise ReportError(f"the wall renderer is not available ({error})") from None
    render_wall_png(paths.database, target, unit=unit, period=period)
    if not target.is_file() or target.stat().st_size == 0:
        raise ReportError("the browser made no image")


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# ---------------------------------------------------------------------- form 06a


def form_sheets(data: ReportData) -> list[FormSheet]:
    """By field on the first sheet (the one a loader reads); by unit on a second when
    the unit has units below it. Rows with nothing to handle are left out."""
    by_field = [
        FormRow(row["field_name"] or row["field_code"] or "Chưa rõ lĩnh vực", form_counts(row))
        for row in data.by_field.sort(_folded("field_name"), "field_code", nulls_last=True).iter_rows(named=True)
    ]
    sheets = [FormSheet("Biểu 06a", "field", [row for row in by_field if not row.is_empty])]
    if data.scope.has_units_below and data.by_area.height:
        by_unit = [
            FormRow(row["unit_name"] or row["unit_code"] or "Chưa rõ đơn vị", form_counts(row))
            for row in data.by_area.iter_rows(named=True)
        ]
        sheets.append(FormSheet("Theo đơn vị", "unit", [row for row in by_unit if not row.is_empty]))
    return sheets


def _folded(column: str) -> pl.Expr:
    # Byte order would put every "Đ…" field after "Y tế"; a reader looks for it under D.
    return (
        pl.col(column)
        .str.normalize("NFD")
        .str.replace_all(r"\p{M}", "")
        .str.replace_all("[đĐ]", "d")
        .str.to_lowercase()
    )


def write_form(data: ReportData, target: Path) -> None:
    write_form06a(
        form_sheets(data),
        data.scope.reporting_unit,
        data.period.start,
        data.period.end,
        target,
        receiving_unit=data.scope.receiving_unit,
        signed_on=data.made_at.date(),
    )


# ---------------------------------------------------------------------- manifest


def _write_manifest(result: SnapshotResult, period_text: str, unit: str | None, lang: Lang, target: Path) -> None:
    data = result.data
    manifest = {
        "period": {
            "text": period_text,
            "kind": data.full_period.kind,
            "label": data.full_period.label("vi"),
            "start": data.period.start.isoformat(),
            "end": data.period.end.isoformat(),
        },
        "unit": unit,
        "scope": data.scope.label,
        "reporting_unit": data.scope.reporting_unit,
        "version": data.version,
        "published_at": data.published_at.isoformat(),
        "made_at": data.made_at.isoformat(),
        "files": result.made,
        "lang": lang,
        # kpi.csv / overdue.csv keep the `kpi --format json` column names in any language
        "extracts": {
            name: {
                "for": EXTRACTS[name],
                **(
                    {"lang": lang}
                    if EXTRACTS[name] == "people"
                    else {"columns": "stable snake_case keys (DESIGN §7); codes, ISO dates, rates as fractions 0..1"}
                ),
            }
            for name in result.made
            if name in EXTRACTS
        },
        "failures": result.failures,
        "seconds": {name: round(value, 2) for name, value in result.seconds.items()},
    }
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
