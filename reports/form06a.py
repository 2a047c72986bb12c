"""Form 06a (Biểu số II.06a/VPCP/KSTT, Circular 01/2020/TT-VPCP): the official XLSX layout.

The one place that knows where each line, merge and number of the form goes. The demo
portal prints its reports with it and the snapshot export writes `form_06a.xlsx` with it;
`ingest.form06a.parse_form06a` reads both back.

- `form_counts` maps a KPI row (DESIGN §4 measures) to the form's columns (3)..(13),
  as DESIGN §3 maps them the other way;
- `write_form06a` lays out one sheet per `FormSheet`: the first is the one a loader
  reads (rows by field, counts as numeric cells), a second may break the same
  figures down by unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

__all__ = ["FORM_MEASURES", "FormRow", "FormSheet", "form_counts", "write_form06a"]

# Form column → the DESIGN §4 measures it holds (summed). (3) is everything to handle:
# received in the period plus carried over; (5) is in person and by post together.
FORM_MEASURES: dict[int, tuple[str, ...]] = {
    3: ("received", "carried_over"),
    4: ("received_online",),
    5: ("received_direct", "received_postal"),
    6: ("carried_over",),
    7: ("resolved",),
    8: ("resolved_early",),
    9: ("resolved_on_time",),
    10: ("resolved_late",),
    11: ("pending",),
    12: ("pending_within_due",),
    13: ("pending_overdue",),
}


@dataclass(frozen=True)
class FormRow:
    label: str
    counts: tuple[int, ...]  # columns (3)..(13)

    @property
    def is_empty(self) -> bool:
        return not any(self.counts)


@dataclass(frozen=True)
class FormSheet:
    title: str  # the worksheet's tab name
    row_kind: Literal["field", "unit"]
    rows: Sequence[FormRow]


def form_counts(row: Mapping[str, Any]) -> tuple[int, ...]:
    """Columns (3)..(13) of one KPI row; a measure a source lacks (null) counts 0."""
    return tuple(sum(int(row.get(m) or 0) for m in FORM_MEASURES[n]) for n in range(3, 14))


# ------------------------------------------------------------------------ layout

TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
FORM_NUMBER = "Biểu số II.06a/VPCP/KSTT"
ISSUED_BY = "Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020"
UNIT_OF_MEASURE = "Đơn vị tính: Số hồ sơ (HS)"
GROUPS = ((3, 6, "Số hồ sơ nhận giải quyết"), (7, 10, "Số hồ sơ đã giải quyết"), (11, 13, "Số hồ sơ đang giải quyết"))
SUBHEADERS = (
    "Tổng số",
    "Trực tuyến",
    "Trực tiếp, dịch vụ bưu chính",
    "Từ kỳ trước",
    "Tổng số",
    "Giải quyết trước hạn",
    "Giải quyết đúng hạn",
    "Giải quyết quá hạn",
    "Tổng số",
    "Trong hạn",
    "Quá hạn",
)
ROW_HEADINGS = {"field": "Lĩnh vực giải quyết", "unit": "Đơn vị"}
HEADER_ROW = 5  # two rows, 5 and 6; the numbering row is 7
NUMBERING_ROW = 7
FIRST_DATA_ROW = 8
WIDTHS = {1: 6, 2: 34} | {n: 12 for n in range(3, 14)}

BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
THIN = Side(style="thin")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E8EEF4")
COUNT_FORMAT = "#,##0"


def _put(
    ws: Any, row: int, col: int, value: Any, *, to_row: int | None = None, to_col: int | None = None, bold: bool = False
) -> None:
    cell = ws.cell(row, col, value)
    if bold:
        cell.font = BOLD
    if to_row is not None or to_col is not None:
        ws.merge_cells(start_row=row, start_column=col, end_row=to_row or row, end_column=to_col or col)
        cell.alignment = CENTER


def _title_block(ws: Any, reporting_unit: str, receiving_unit: str | None, date_from: date, date_to: date) -> None:
    _put(ws, 1, 1, FORM_NUMBER, to_col=3, bold=True)
    _put(ws, 2, 1, ISSUED_BY, to_col=3)
    _put(ws, 1, 4, TITLE, to_col=10, bold=True)
    _put(ws, 2, 4, f"Kỳ báo cáo: Từ ngày {date_from:%d/%m/%Y} đến ngày {date_to:%d/%m/%Y}", to_col=10)
    _put(ws, 1, 11, f"Đơn vị báo cáo: {reporting_unit}", to_col=13)
    if receiving_unit:
        _put(ws, 2, 11, f"Đơn vị nhận báo cáo: {receiving_unit}", to_col=13)
    _put(ws, 3, 11, UNIT_OF_MEASURE, to_col=13)
    ws.row_dimensions[1].height = 48
    ws.row_dimensions[2].height = 32


def _table_header(ws: Any, row_kind: str) -> None:
    top, sub = HEADER_ROW, HEADER_ROW + 1
    _put(ws, top, 1, "STT", to_row=sub, bold=True)
    _put(ws, top, 2, ROW_HEADINGS[row_kind], to_row=sub, bold=True)
    for first, last, text in GROUPS:
        _put(ws, top, first, text, to_col=last, bold=True)
    for offset, text in enumerate(SUBHEADERS):
        _put(ws, sub, 3 + offset, text, bold=True)
        ws.cell(sub, 3 + offset).alignment = CENTER
    for n in range(1, 14):
        _put(ws, NUMBERING_ROW, n, f"({n})")
        ws.cell(NUMBERING_ROW, n).alignment = CENTER
    for row in ws.iter_rows(min_row=top, max_row=NUMBERING_ROW, min_col=1, max_col=13):
        for cell in row:
            cell.fill = HEADER_FILL
    ws.row_dimensions[sub].height = 45


def _grid(ws: Any, last_row: int) -> None:
    for row in ws.iter_rows(min_row=HEADER_ROW, max_row=last_row, min_col=1, max_col=13):
        for cell in row:
            cell.border = GRID


def _sheet(
    ws: Any,
    sheet: FormSheet,
    reporting_unit: str,
    receiving_unit: str | None,
    date_from: date,
    date_to: date,
    signed_on: date | None,
) -> None:
    ws.title = sheet.title
    _title_block(ws, reporting_unit, receiving_unit, date_from, date_to)
    _table_header(ws, sheet.row_kind)

    line = FIRST_DATA_ROW
    for number, row in enumerate(sheet.rows, start=1):
        _put(ws, line, 1, number)
        ws.cell(line, 1).alignment = CENTER
        _put(ws, line, 2, row.label)
        ws.cell(line, 2).alignment = WRAP
        for offset, value in enumerate(row.counts):
            _put(ws, line, 3 + offset, int(value or 0))
            ws.cell(line, 3 + offset).number_format = COUNT_FORMAT
        line += 1
    # Numbers, not formulas: a reader that never recalculates (openpyxl, the loader) sees them.
    totals = [sum(row.counts[i] for row in sheet.rows) for i in range(11)]
    _put(ws, line, 1, "Tổng cộng", to_col=2, bold=True)
    for offset, value in enumerate(totals):
        _put(ws, line, 3 + offset, int(value), bold=True)
        ws.cell(line, 3 + offset).number_format = COUNT_FORMAT
    _grid(ws, line)

    if signed_on is not None:
        _put(
            ws, line + 2, 10, f"…, ngày {signed_on.day:02d} tháng {signed_on.month:02d} năm {signed_on.year}", to_col=13
        )
        line += 1
    _put(ws, line + 2, 2, "Người lập biểu", bold=True)
    _put(ws, line + 2, 10, "THỦ TRƯỞNG ĐƠN VỊ", to_col=13, bold=True)
    _put(ws, line + 3, 2, "(Ký, ghi rõ họ tên)")
    _put(ws, line + 3, 10, "(Ký, ghi rõ họ tên, đóng dấu)", to_col=13)

    for col, width in WIDTHS.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{NUMBERING_ROW}"


def write_form06a(
    sheets: Sequence[FormSheet],
    reporting_unit: str,
    date_from: date,
    date_to: date,
    target: str | Path | IO[bytes],
    *,
    receiving_unit: str | None = None,
    signed_on: date | None = None,
) -> None:
    """Write the form, one worksheet per sheet; the first is the one a loader reads.

    `reporting_unit` is the agency's own name (TenDonVi), so that a loader resolves the
    file to that agency or its area.
    """
    if not sheets:
        raise ValueError("form 06a needs at least one sheet")
    wb = Workbook()
    for index, sheet in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet()
        _sheet(ws, sheet, reporting_unit, receiving_unit, date_from, date_to, signed_on)
    wb.save(target)
