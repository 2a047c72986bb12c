"""Extracts: the KPI table and the overdue list, once for scripts and once for people.

For scripts, `kpi.csv` and `overdue.csv`: UTF-8 with a BOM, columns named as in
`kpi --format json` (DESIGN §7), values as the data holds them (levels and channels as
codes: `commune`, `online`), counts as integers, rates as unrounded fractions 0..1, dates
ISO, nulls empty. Text fields are quoted, numbers are not, so a reader that honours the
quotes keeps a code such as `05809` as text. These columns do not change with the language.

For people, `kpi.xlsx` and `overdue.xlsx` (and the dashboard's downloads, `ui/tables.py`):
headers and values labelled in the reader's language from the registry and `ui/labels.py`
("Tỷ lệ giải quyết đúng hạn", "Cấp xã"); codes as text cells (a spreadsheet turns the
CSV's 05809 into 5809, and no CSV spelling keeps it in both Excel and LibreOffice on a
double-click); counts and rates as numbers (rates formatted as percentages, so 0,5625
shows 56,3% in a Vietnamese Excel), dates as dates. A CSV for people is offered only by
the dashboard (labelled, with a BOM); its codes are as safe as the program opening it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO

import polars as pl
import xlsxwriter

from reports.data import ReportData
from ui.formats import Lang
from ui.labels import VALUE_LABELS, kpi_label, label, note_text
from warehouse import registry
from warehouse.index766 import COLUMNS as INDEX766_COLUMNS
from warehouse.query import COUNT_COLUMNS, KEY_COLUMNS, RATE_COLUMNS

TARGET_COLUMNS = tuple(registry.target_column(key) for key in registry.WITH_TARGETS)
# the figures, then the target each row is held to (DESIGN §4: the level its dossiers come from)
KPI_COLUMNS = ("group_by", *KEY_COLUMNS, *COUNT_COLUMNS, *RATE_COLUMNS, *TARGET_COLUMNS)
SHEET_NAMES = {"kpi": ("Chỉ số", "KPIs"), "overdue": ("Hồ sơ quá hạn", "Overdue dossiers")}
DATE_FORMAT, MOMENT_FORMAT, RATE_FORMAT, COUNT_FORMAT = "dd/mm/yyyy", "dd/mm/yyyy hh:mm", "0.0%", "#,##0"


def kpi_table(data: ReportData) -> pl.DataFrame:
    """The total row first, then one row per area (when there are units below), then per field."""
    total = pl.DataFrame([data.total], schema=data.by_field.schema)
    parts = [("total", total), ("area", data.by_area), ("field", data.by_field)]
    frames = [
        frame.select(*KEY_COLUMNS, *COUNT_COLUMNS, *RATE_COLUMNS, *TARGET_COLUMNS)
        .with_columns(pl.lit(group).alias("group_by"))
        .select(KPI_COLUMNS)
        for group, frame in parts
        if frame.height
    ]
    template = data.by_field.clear().with_columns(pl.lit(None, pl.String).alias("group_by")).select(KPI_COLUMNS)
    return pl.concat([template, *frames], how="vertical_relaxed")


# ---------------------------------------------------------------------- for scripts


def write_kpi_csv(data: ReportData, target: Path) -> None:
    _write(kpi_table(data), target)


def write_overdue_csv(data: ReportData, target: Path) -> None:
    _write(data.overdue, target)


def write_index766_csv(data: ReportData, target: Path) -> None:
    """The Decision 766 scorecard, with the columns of `index766 --format csv` (DESIGN §7);
    only its heading when the index could not be computed (the briefing says why)."""
    frame = data.index766 if data.index766 is not None else pl.DataFrame(schema=dict.fromkeys(INDEX766_COLUMNS))
    _write(frame.select(INDEX766_COLUMNS), target)


def _write(frame: pl.DataFrame, target: Path) -> None:
    # polars writes the BOM itself; floats keep full precision (rates are fractions).
    frame.write_csv(target, include_bom=True, date_format="%Y-%m-%d", null_value="", quote_style="non_numeric")


# ---------------------------------------------------------------------- for people


def write_kpi_xlsx(data: ReportData, target: Path, lang: Lang = "vi") -> None:
    write_xlsx(kpi_table(data), target, lang, sheet=_sheet("kpi", lang), caption=caption(data, lang))


def write_overdue_xlsx(data: ReportData, target: Path, lang: Lang = "vi") -> None:
    write_xlsx(data.overdue, target, lang, sheet=_sheet("overdue", lang), caption=caption(data, lang))


def caption(data: ReportData, lang: Lang) -> list[str]:
    """Whose figures, for when, and from which data version (DESIGN §2: on every export)."""
    period = f"{data.period.start:%d/%m/%Y} – {data.period.end:%d/%m/%Y}"
    return [
        f"{data.scope.label} · {data.full_period.label(lang)} ({period})",
        data_line(data.published_at, data.version, lang),
    ]


def data_line(published_at: datetime, version: str, lang: Lang) -> str:
    """ "Dữ liệu đến 14:05 31/03/2023 (phiên bản …)": which data a file was made from."""
    vi = lang != "en"
    return f"{'Dữ liệu đến' if vi else 'Data as of'} {published_at:%H:%M %d/%m/%Y} ({'phiên bản' if vi else 'version'} {version})"


def _sheet(name: str, lang: Lang) -> str:
    return label(SHEET_NAMES, name, lang)


def header(column: str, lang: Lang) -> str:
    """A column's heading: the registry's label for a measure, `ui.labels` for the rest."""
    return kpi_label(column, lang)


def labelled(frame: pl.DataFrame, lang: Lang) -> pl.DataFrame:
    """`frame` as people read it: headings and coded values (levels, channels, states) in `lang`.
    Numbers, dates and codes keep their values."""
    columns = []
    for column in frame.columns:
        expression = pl.col(column)
        if column in VALUE_LABELS:
            names = {code: label(VALUE_LABELS[column], code, lang) for code in VALUE_LABELS[column]}
            expression = expression.cast(pl.String).replace(names)
        elif column == "note":
            expression = expression.map_elements(lambda note: note_text(note, lang), return_dtype=pl.String)
        columns.append(expression.alias(header(column, lang)))
    return frame.select(columns)


def is_rate(column: str) -> bool:
    return registry.is_rate(column.removesuffix("_target")) or column.endswith("_rate")


def xlsx_bytes(frame: pl.DataFrame, lang: Lang | None, sheet: str, caption: Sequence[str] = ()) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(frame, buffer, lang, sheet=sheet, caption=caption)
    return buffer.getvalue()


def write_xlsx(
    frame: pl.DataFrame, target: Path | IO[bytes], lang: Lang | None, *, sheet: str, caption: Sequence[str] = ()
) -> None:
    """One sheet: `caption` lines, a blank line, then the table with a frozen, filterable heading.

    `frame` has the data's own column names (`unit_code`, `on_time_rate`): they decide each
    column's cells (text, count, rate, date). With `lang`, headings and coded values are
    labelled in it; with None, `frame` is written as it is (already labelled by the caller)."""
    workbook = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target, {"in_memory": True})
    try:
        formats = {
            "title": workbook.add_format({"bold": True}),
            "head": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1}),
            "text": workbook.add_format({"num_format": "@"}),
            "count": workbook.add_format({"num_format": COUNT_FORMAT}),
            "number": workbook.add_format(),
            "rate": workbook.add_format({"num_format": RATE_FORMAT}),
            "date": workbook.add_format({"num_format": DATE_FORMAT}),
            "moment": workbook.add_format({"num_format": MOMENT_FORMAT}),
        }
        worksheet = workbook.add_worksheet(_sheet_name(sheet))
        for row, line in enumerate(caption):
            worksheet.write_string(row, 0, line, formats["title"])
        top = len(caption) + 1 if caption else 0
        shown = labelled(frame, lang) if lang else frame
        for col, (column, dtype) in enumerate(frame.schema.items()):
            heading = shown.columns[col]
            worksheet.write_string(top, col, heading, formats["head"])
            kind = _kind(column, dtype)
            values = shown.to_series(col).to_list()
            for row, value in enumerate(values, start=top + 1):
                _write_cell(worksheet, row, col, value, kind, formats)
            texts = [len(str(v)) for v in values[:500] if v is not None]
            width = max([len(heading) // 2 + 2, *(n + 2 for n in texts), 8 if kind != "text" else 6])
            worksheet.set_column(col, col, min(width, 48), formats["text"] if kind == "text" else None)
        worksheet.freeze_panes(top + 1, 0)
        if frame.width:
            worksheet.autofilter(top, 0, top + frame.height, frame.width - 1)
    finally:
        workbook.close()


def _sheet_name(name: str) -> str:
    # Excel refuses these characters in a sheet name, and more than 31 of any
    cleaned = "".join("-" if c in "[]:*?/\\" else c for c in name).strip("'")
    return cleaned[:31] or "Sheet1"


def _kind(column: str, dtype: pl.DataType) -> str:
    if is_rate(column) and dtype.is_numeric():
        return "rate"
    if dtype == pl.Boolean:
        return "bool"
    if dtype.is_integer():
        return "count"
    if dtype.is_numeric():
        return "number"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "moment"
    return "text"


def _write_cell(worksheet, row: int, col: int, value: object, kind: str, formats: dict) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return  # an empty cell: a rate with nothing to divide is no number at all (DESIGN §4)
    if kind in ("count", "number", "rate"):
        worksheet.write_number(row, col, value, formats[kind])
    elif kind == "bool":
        worksheet.write_boolean(row, col, bool(value))
    elif kind == "moment" and isinstance(value, datetime):
        # Excel has no time zones: the wall-clock time the data holds (Asia/Ho_Chi_Minh)
        worksheet.write_datetime(row, col, value.replace(tzinfo=None), formats["moment"])
    elif kind == "date" and isinstance(value, date):
        worksheet.write_datetime(row, col, value, formats["date"])
    else:
        # write_string, never write(): a code stays "05809" and a name starting "=" stays text
        worksheet.write_string(row, col, str(value), formats["text"])
