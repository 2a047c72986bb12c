"""form_06a.xlsx of `reports snapshot`: cell by cell against a hand-made sheet, and back
through `ingest load` to the same figures.

The fixture is tests/fixtures/kpi (see test_kpi_exact.py); the whole province, March 2023.
Columns (3)..(13) by field, by hand (DESIGN §3 mapping: (4) online, (5) in person + postal,
(6) carried over, (3) = (4)+(5)+(6)):

    Chứng thực  received D05("" direct) D10(postal) D11(online) D19(direct): (4)=1 (5)=3; carried D23: (6)=1; (3)=5
                resolved D05(on time, no due) D10(on time) D23(early): (7)=3 (8)=1 (9)=2 (10)=0
                pending D11(due 30/03: overdue) D19(due 11/04: within): (11)=2 (12)=1 (13)=1
    Đất đai     received D06(postal) D07(online) D08(online) D18(direct) D26(online): (4)=3 (5)=2; carried D21: (6)=1; (3)=6
                resolved D18(early) D26(late): (7)=2 (8)=1 (9)=0 (10)=1
                pending D06(overdue) D07(within) D08(no due: within) D21(overdue): (11)=4 (12)=2 (13)=2
    Hộ tịch     received D01 D02 D04 D12 D16 (online) D03 D09 (direct): (4)=5 (5)=2; carried D20: (6)=1; (3)=8
                resolved D01 D09 D16 (early) D02 (on time) D03 D04 D20 (late): (7)=7 (8)=3 (9)=1 (10)=3
                pending D12 (due 31/03 = to: within): (11)=1 (12)=1 (13)=0

By unit (second sheet): Tỉnh Thái Nguyên = Sở Tư pháp (D10 D11 D19 received, D23 carried),
Huyện Đại Từ = everything else.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import FIXTURES, kpi_cli_json, load, run_main

from reports.snapshot import make_snapshot
from warehouse.paths import WarehousePaths

KPI_FIXTURES = FIXTURES / "kpi"
MEASURES = (
    "received",
    "received_online",
    "received_direct",
    "carried_over",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_within_due",
    "pending_overdue",
)

BY_FIELD = [
    # STT, label, (3)..(13)
    [1, "Chứng thực", 5, 1, 3, 1, 3, 1, 2, 0, 2, 1, 1],
    [2, "Đất đai", 6, 3, 2, 1, 2, 1, 0, 1, 4, 2, 2],
    [3, "Hộ tịch", 8, 5, 2, 1, 7, 3, 1, 3, 1, 1, 0],
]
TOTAL = ["Tổng cộng", None, 19, 9, 7, 3, 12, 5, 3, 4, 7, 4, 3]
BY_UNIT = {"Tỉnh Thái Nguyên": [4, 1, 2, 1, 2, 1, 1, 0, 2, 1, 1], "Huyện Đại Từ": [15, 8, 5, 2, 10, 4, 2, 4, 5, 3, 2]}
HEADER_CELLS = {
    "A1": "Biểu số II.06a/VPCP/KSTT",
    "A2": "Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020",
    "D1": "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
    "D2": "Kỳ báo cáo: Từ ngày 01/03/2023 đến ngày 31/03/2023",
    "K1": "Đơn vị báo cáo: UBND tỉnh Thái Nguyên",
    "K2": "Đơn vị nhận báo cáo: Văn phòng Chính phủ",
    "K3": "Đơn vị tính: Số hồ sơ (HS)",
    "A5": "STT",
    "B5": "Lĩnh vực giải quyết",
    "C5": "Số hồ sơ nhận giải quyết",
    "G5": "Số hồ sơ đã giải quyết",
    "K5": "Số hồ sơ đang giải quyết",
    "C6": "Tổng số",
    "D6": "Trực tuyến",
    "E6": "Trực tiếp, dịch vụ bưu chính",
    "F6": "Từ kỳ trước",
    "G6": "Tổng số",
    "H6": "Giải quyết trước hạn",
    "I6": "Giải quyết đúng hạn",
    "J6": "Giải quyết quá hạn",
    "K6": "Tổng số",
    "L6": "Trong hạn",
    "M6": "Quá hạn",
}
MERGED = {
    "A1:C1",
    "A2:C2",
    "D1:J1",
    "D2:J2",
    "K1:M1",
    "K2:M2",
    "K3:M3",
    "A5:A6",
    "B5:B6",
    "C5:F5",
    "G5:J5",
    "K5:M5",
    "A11:B11",
}


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    warehouse = WarehousePaths(tmp_path_factory.mktemp("form") / "warehouse.duckdb")
    load(warehouse, KPI_FIXTURES / "agencies.csv", KPI_FIXTURES / "procedures.csv", KPI_FIXTURES / "dossiers.csv")
    return warehouse


@pytest.fixture(scope="module")
def xlsx(wh: WarehousePaths, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("march")
    make_snapshot(wh, "2023-03", out, wall=False)
    return out / "form_06a.xlsx"


@pytest.fixture(scope="module")
def sheet(xlsx: Path):
    return openpyxl.load_workbook(xlsx).worksheets[0]


def test_header_lines_cell_by_cell(sheet) -> None:
    assert {ref: sheet[ref].value for ref in HEADER_CELLS} == HEADER_CELLS


def test_merged_ranges_of_the_title_and_the_two_row_header(sheet) -> None:
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert MERGED <= merged
    assert not {r for r in merged if r.startswith(("C6", "D6", "E6", "G6", "K6"))}  # sub-headers are single cells


def test_numbering_row(sheet) -> None:
    assert [sheet.cell(7, c).value for c in range(1, 14)] == [f"({n})" for n in range(1, 14)]


def test_rows_by_field_cell_by_cell(sheet) -> None:
    assert [[sheet.cell(r, c).value for c in range(1, 14)] for r in (8, 9, 10)] == BY_FIELD


def test_counts_are_numeric_cells(sheet) -> None:
    assert all(isinstance(sheet.cell(r, c).value, int) for r in range(8, 12) for c in range(3, 14))


def test_total_row_holds_numbers_not_formulas(sheet) -> None:
    assert [sheet.cell(11, c).value for c in range(1, 14)] == TOTAL


def test_second_sheet_goes_by_unit(xlsx: Path) -> None:
    ws = openpyxl.load_workbook(xlsx).worksheets[1]
    assert ws["B5"].value == "Đơn vị"
    rows = {ws.cell(r, 2).value: [ws.cell(r, c).value for c in range(3, 14)] for r in range(8, 8 + len(BY_UNIT))}
    assert rows == BY_UNIT
    assert [ws.cell(8 + len(BY_UNIT), c).value for c in range(3, 14)] == TOTAL[2:]


def test_commune_form_has_one_sheet_and_the_agencys_own_name(wh: WarehousePaths, tmp_path: Path) -> None:
    make_snapshot(wh, "2023-03", tmp_path, unit="05809", wall=False)
    workbook = openpyxl.load_workbook(tmp_path / "form_06a.xlsx")
    assert len(workbook.worksheets) == 1
    assert workbook.worksheets[0]["K1"].value == "Đơn vị báo cáo: UBND xã Cù Vân"


def test_round_trip_through_ingest_load(xlsx: Path, tmp_path: Path) -> None:
    fresh = WarehousePaths(tmp_path / "fresh.duckdb")
    done = run_main("ingest", "load", "--warehouse", str(fresh.database), str(xlsx))
    assert done.returncode == 0, done.stderr
    assert "form06a: 3 rows loaded, 0 quarantined" in done.stdout
    [total] = kpi_cli_json(fresh, "--from", "2023-03-01", "--to", "2023-03-31")
    #  received (4)+(5) = 16, online (4) = 9, direct (5) = 7 (postal folded in), the rest column by column
    assert [total[m] for m in MEASURES] == [16, 9, 7, 3, 12, 5, 3, 4, 7, 4, 3]
    assert total["received_postal"] is None


def test_round_trip_keeps_the_fields(xlsx: Path, tmp_path: Path) -> None:
    fresh = WarehousePaths(tmp_path / "fresh.duckdb")
    assert run_main("ingest", "load", "--warehouse", str(fresh.database), str(xlsx)).returncode == 0
    rows = kpi_cli_json(fresh, "--from", "2023-03-01", "--to", "2023-03-31", "--by", "field")
    by_name = {row["field_name"]: [row[m] for m in ("carried_over", "resolved", "pending_overdue")] for row in rows}
    assert by_name == {"Chứng thực": [1, 3, 1], "Đất đai": [1, 2, 2], "Hộ tịch": [1, 7, 0]}


def test_round_trip_of_a_current_period_names_its_days(wh: WarehousePaths, tmp_path: Path) -> None:
    # "month" on 15/03/2023 is read up to that day, and the form says so.
    make_snapshot(wh, "month", tmp_path, wall=False, today=date(2023, 3, 15))
    ws = openpyxl.load_workbook(tmp_path / "form_06a.xlsx").worksheets[0]
    assert ws["D2"].value == "Kỳ báo cáo: Từ ngày 01/03/2023 đến ngày 15/03/2023"
