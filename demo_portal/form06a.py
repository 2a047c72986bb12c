"""Form 06a (Biểu số II.06a/VPCP/KSTT, Circular 01/2020/TT-VPCP) as a one-door system prints it.

Two steps, kept apart so that the arithmetic can be tested without a workbook:

- `form06a_rows` counts dossiers (contract rows, as `simulation.state_at` returns them)
  into the form's columns (3)..(13), one row per field, by the KPI definitions of
  DESIGN §4 and the column mapping of DESIGN §3;
- `write_form06a` lays those rows out in the official XLSX layout, the one
  `ingest.form06a.parse_form06a` reads back.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import IO, Any

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

__all__ = ["FORM_COLUMNS", "form06a_rows", "write_form06a"]

# Column number on the form → column of `form06a_rows`.
FORM_COLUMNS: dict[int, str] = {
    3: "to_handle",
    4: "received_online",
    5: "received_direct",
    6: "carried_over",
    7: "resolved",
    8: "resolved_early",
    9: "resolved_on_time",
    10: "resolved_late",
    11: "pending",
    12: "pending_within_due",
    13: "pending_overdue",
}

ONLINE = "2"
NOT_COUNTED_STATUSES = ("1", "3")   # new (not yet accepted) and refused: in no column


# ------------------------------------------------------------------------ counting


def _day(column: str) -> pl.Expr:
    # yyyyMMddHHmmss in local time: the calendar date is its first eight digits.
    return pl.col(column).str.slice(0, 8).str.to_date("%Y%m%d", strict=False)


def _flags(date_from: date, date_to: date) -> list[pl.Expr]:
    """One boolean per counted column, for one dossier."""
    received, due, finished = pl.col("_received"), pl.col("_due"), pl.col("_finished")
    in_period = received.is_between(date_from, date_to)
    # Still open at the start of date_from: finishing on date_from itself is in the period.
    carried = (received < date_from) & (finished.is_null() | (finished >= date_from))
    to_handle = in_period | carried
    resolved = to_handle & finished.is_between(date_from, date_to)
    # Late wins over early: two supplement requests make a dossier late whatever its dates.
    late = resolved & ((finished > due).fill_null(False) | (pl.col("_supplements") > 1))
    early = resolved & ~late & (finished < due).fill_null(False)
    pending = to_handle & (finished.is_null() | (finished > date_to))
    overdue = pending & (due < date_to).fill_null(False)
    online = pl.col("KenhThucHien").fill_null("") == ONLINE
    return [
        to_handle.alias("to_handle"),
        (in_period & online).alias("received_online"),
        # In person (1 or empty) and postal (3) share one column on the form.
        (in_period & ~online).alias("received_direct"),
        carried.alias("carried_over"),
        resolved.alias("resolved"),
        early.alias("resolved_early"),
        (resolved & ~late & ~early).alias("resolved_on_time"),
        late.alias("resolved_late"),
        pending.alias("pending"),
        (pending & ~overdue).alias("pending_within_due"),
        overdue.alias("pending_overdue"),
    ]


def _sort_key(column: str) -> pl.Expr:
    # Byte order would put every "Đ…" field after "Y tế"; a reader looks for it under D.
    return (
        pl.col(column).str.normalize("NFD").str.replace_all(r"\p{M}", "")
        .str.replace_all("[đĐ]", "d").str.to_lowercase()
    )


def _field_names(procedures: pl.DataFrame) -> pl.DataFrame:
    """The catalogue's name of each field: a dossier may carry an older spelling."""
    return (
        procedures.select("MaLinhVuc", pl.col("TenLinhVuc").alias("_catalogue_name"))
        .drop_nulls("MaLinhVuc")
        .unique("MaLinhVuc", keep="first", maintain_order=True)
    )


def form06a_rows(
    state: pl.DataFrame,
    agency_codes: list[str],
    date_from: date,
    date_to: date,
    procedures: pl.DataFrame,
) -> pl.DataFrame:
    """Columns (3)..(13) of form 06a per field for the dossiers of `agency_codes`.

    `state` holds contract rows (strings, timestamps `yyyyMMddHHmmss` in local time).
    Returns `MaLinhVuc`, `TenLinhVuc` and the `FORM_COLUMNS` counts (Int64), one row
    per field with at least one dossier to handle, sorted by field name (diacritics
    folded). The name is the catalogue's (`procedures`), else the dossiers' own.
    """
    columns = list(FORM_COLUMNS.values())
    return (
        state.lazy()
        .filter(
            pl.col("MaDonVi").is_in(agency_codes),
            ~pl.col("TrangThaiHoSo").is_in(NOT_COUNTED_STATUSES).fill_null(False),
        )
        .with_columns(
            _received=_day("NgayTiepNhan"),
            _due=_day("NgayHenTra"),
            _finished=_day("NgayKetThucXuLy"),
            _supplements=pl.col("SoLanBoSung").cast(pl.Int64, strict=False).fill_null(0),
        )
        .select("MaLinhVuc", "TenLinhVuc", *_flags(date_from, date_to))
        .filter(pl.col("to_handle"))
        .group_by("MaLinhVuc")
        .agg(pl.col("TenLinhVuc").first(), *(pl.col(c).sum().cast(pl.Int64) for c in columns))
        .join(_field_names(procedures).lazy(), on="MaLinhVuc", how="left")
        .with_columns(TenLinhVuc=pl.coalesce("_catalogue_name", "TenLinhVuc", "MaLinhVuc"))
        .select("MaLinhVuc", "TenLinhVuc", *columns)
        .sort(_sort_key("TenLinhVuc"), "MaLinhVuc")
        .collect()
    )


# ------------------------------------------------------------------------ workbook

TITLE = (
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, "
    "ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
)
GROUPS = (
    (3, 6, "Số hồ sơ nhận giải quyết"),
    (7, 10, "Số hồ sơ đã giải quyết"),
    (11, 13, "Số hồ sơ đang giải quyết"),
)
SUBHEADERS = (
    "Tổng số", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước",
    "Tổng số", "Giải quyết trước hạn", "Giải quyết đúng hạn", "Giải quyết quá hạn",
    "Tổng số", "Trong hạn", "Quá hạn",
)
HEADER_ROW = 5          # two rows, 5 and 6; the numbering row is 7
FIRST_DATA_ROW = 8
WIDTHS = {1: 6, 2: 34} | {n: 12 for n in range(3, 14)}

BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
THIN = Side(style="thin")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _put(ws: Any, row: int, col: int, value: Any, *, to_row: int | None = None,
         to_col: int | None = None, bold: bool = False) -> None:
    cell = ws.cell(row, col, value)
    if bold:
        cell.font = BOLD
    if to_row is not None or to_col is not None:
        ws.merge_cells(start_row=row, start_column=col, end_row=to_row or row, end_column=to_col or col)
        cell.alignment = CENTER


def _title_block(ws: Any, reporting_unit: str, date_from: date, date_to: date) -> None:
    _put(ws, 1, 1, "Biểu số II.06a/VPCP/KSTT", to_col=3, bold=True)
    _put(ws, 2, 1, "Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020", to_col=3)
    _put(ws, 1, 4, TITLE, to_col=10, bold=True)
    _put(ws, 2, 4, f"Kỳ báo cáo: Từ ngày {date_from:%d/%m/%Y} đến ngày {date_to:%d/%m/%Y}", to_col=10)
    _put(ws, 1, 11, f"Đơn vị báo cáo: {reporting_unit}", to_col=13)
    _put(ws, 3, 11, "Đơn vị tính: Số hồ sơ (HS)", to_col=13)
    ws.row_dimensions[1].height = 48


def _table_header(ws: Any) -> None:
    top, sub = HEADER_ROW, HEADER_ROW + 1
    _put(ws, top, 1, "STT", to_row=sub, bold=True)
    _put(ws, top, 2, "Lĩnh vực giải quyết", to_row=sub, bold=True)
    for first, last, text in GROUPS:
        _put(ws, top, first, text, to_col=last, bold=True)
    for offset, text in enumerate(SUBHEADERS):
        _put(ws, sub, 3 + offset, text, bold=True)
        ws.cell(sub, 3 + offset).alignment = CENTER
    for n in range(1, 14):
        _put(ws, sub + 1, n, f"({n})")
        ws.cell(sub + 1, n).alignment = CENTER


def _grid(ws: Any, last_row: int) -> None:
    for row in ws.iter_rows(min_row=HEADER_ROW, max_row=last_row, min_col=1, max_col=13):
        for cell in row:
            cell.border = GRID


def write_form06a(
    rows: pl.DataFrame,
    reporting_unit: str,
    date_from: date,
    date_to: date,
    target: str | Path | IO[bytes],
) -> None:
    """Write `form06a_rows` output as the official form, on the workbook's first sheet.

    `reporting_unit` is the agency's own name (TenDonVi), so that a loader resolves the
    file to that agency. Counts are numeric cells and the total row holds numbers, not
    formulas: a reader that never recalculates (openpyxl, the loader) sees them.
    """
    columns = list(FORM_COLUMNS.values())
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 06a"
    _title_block(ws, reporting_unit, date_from, date_to)
    _table_header(ws)

    line = FIRST_DATA_ROW
    for number, record in enumerate(rows.select("TenLinhVuc", *columns).iter_rows(), start=1):
        label, *counts = record
        _put(ws, line, 1, number)
        _put(ws, line, 2, label)
        ws.cell(line, 2).alignment = WRAP
        for offset, value in enumerate(counts):
            _put(ws, line, 3 + offset, int(value or 0))
        line += 1
    totals = rows.select(pl.col(c).sum() for c in columns).row(0) if rows.height else (0,) * len(columns)
    _put(ws, line, 1, "Tổng cộng", to_col=2, bold=True)
    for offset, value in enumerate(totals):
        _put(ws, line, 3 + offset, int(value or 0), bold=True)
    _grid(ws, line)

    _put(ws, line + 2, 2, "Người lập biểu", bold=True)
    _put(ws, line + 2, 10, "THỦ TRƯỞNG ĐƠN VỊ", to_col=13, bold=True)
    _put(ws, line + 3, 2, "(Ký, ghi rõ họ tên)")
    _put(ws, line + 3, 10, "(Ký, ghi rõ họ tên, đóng dấu)", to_col=13)

    for col, width in WIDTHS.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 3)
    wb.save(target)
