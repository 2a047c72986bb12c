"""Form 06a as the demo portal serves it: the counting on a hand-built state, and the XLSX
over real HTTP, read back by the real parser and loaded by the real loader.

The hand-built state, period 01/03/2023 – 31/03/2023, agency A (timestamps yyyyMMddHHmmss):

    code  field  channel  status  received        due         finished        supplements
    D1    HT     2        10      05/03 09:00     10/03       08/03           0   online, early
    D2    HT     (empty)  9       06/03 10:00     10/03 17h   10/03 19:45     0   direct, on the due day
    D3    DD     3        10      20/02 (before)  02/03       03/03           0   carried, late (later day)
    D4    DD     1        4       25/02 (before)  05/04       —               0   carried, pending within due
    D5    HT     2        5       20/03           30/03       —               1   online, pending overdue (30/03 < 31/03)
    D6    HT     3        10      15/03           25/03       22/03           2   postal, late by two supplements
    D7    DD     1        9       01/01           —           28/02           0   finished before the period: nowhere
    D8    HT     2        3       10/03           —           —               0   refused: nowhere
    D9    HT     1        1       30/03           —           —               0   not yet accepted: nowhere
    D10   DD     2        10      31/03 23:30     —           05/04 (after)   0   online, pending, no due date → within
    D11   HT     2        10      05/03 (agency B) 10/03      08/03           0   another agency: nowhere
    D12   DD     1        7       10/02 (before)  —           01/03 (from)    0   carried, resolved on time (no due)

so, columns (3)..(13):

    Đất đai  (D3 D4 D10 D12)  (4)=1 D10  (5)=0  (6)=3 D3 D4 D12   (3)=4
                              (7)=2 D3 D12: (8)=0 (9)=1 D12 (10)=1 D3
                              (11)=2 D4 D10: (12)=2 (13)=0
    Hộ tịch  (D1 D2 D5 D6)    (4)=2 D1 D5  (5)=2 D2 D6  (6)=0     (3)=4
                              (7)=3 D1 D2 D6: (8)=1 D1 (9)=1 D2 (10)=1 D6
                              (11)=1 D5: (12)=0 (13)=1 D5

The dossiers spell the field "ĐẤT ĐAI"; the row takes the catalogue's name "Đất đai".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import httpx
import polars as pl
import pytest
from conftest import kpi_one, load

from demo_portal import catalogue
from demo_portal.clock import SimClock
from demo_portal.form06a import FORM_COLUMNS, form06a_rows, write_form06a
from demo_portal.portal import DemoPortal
from demo_portal.server import PortalServer, serve_in_thread
from demo_portal.simulation import DOSSIER_COLUMNS
from ingest.form06a import COUNT_COLUMNS, Form06aReport, parse_form06a
from warehouse.paths import WarehousePaths

MARCH = (date(2023, 3, 1), date(2023, 3, 31))
WINDOW = ("2023-01-01", "2023-10-20")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# code, agency, field, channel, status, received, due, finished, supplements
DOSSIERS = [
    ("D1", "A", "HT", "2", "10", "20230305090000", "20230310170000", "20230308110000", "0"),
    ("D2", "A", "HT", "", "9", "20230306100000", "20230310170000", "20230310194500", "0"),
    ("D3", "A", "DD", "3", "10", "20230220090000", "20230302170000", "20230303090000", "0"),
    ("D4", "A", "DD", "1", "4", "20230225090000", "20230405170000", None, "0"),
    ("D5", "A", "HT", "2", "5", "20230320090000", "20230330170000", None, "1"),
    ("D6", "A", "HT", "3", "10", "20230315090000", "20230325170000", "20230322090000", "2"),
    ("D7", "A", "DD", "1", "9", "20230101090000", None, "20230228090000", "0"),
    ("D8", "A", "HT", "2", "3", "20230310090000", None, None, "0"),
    ("D9", "A", "HT", "1", "1", "20230330090000", None, None, "0"),
    ("D10", "A", "DD", "2", "10", "20230331233000", None, "20230405090000", "0"),
    ("D11", "B", "HT", "2", "10", "20230305090000", "20230310170000", "20230308110000", "0"),
    ("D12", "A", "DD", "1", "7", "20230210090000", None, "20230301090000", "0"),
]
NAMES = {"HT": "Hộ tịch", "DD": "ĐẤT ĐAI"}
PROCEDURES = pl.DataFrame(
    {"MaTTHC": ["1.000001", "1.000002"], "MaLinhVuc": ["DD", "HT"], "TenLinhVuc": ["Đất đai", "Hộ tịch"]}
)
EXPECTED = {
    # field: (3)..(13)
    "Đất đai": [4, 1, 0, 3, 2, 0, 1, 1, 2, 2, 0],
    "Hộ tịch": [4, 2, 2, 0, 3, 1, 1, 1, 1, 0, 1],
}


def state(rows: list[tuple]) -> pl.DataFrame:
    """Contract rows (all strings) with the columns the test does not vary filled in."""
    records = [
        {
            "MaHoSo": code,
            "MaTTHC": "1.000001",
            "MaLinhVuc": field,
            "TenLinhVuc": NAMES[field],
            "MaDonVi": agency,
            "KenhThucHien": channel,
            "TrangThaiHoSo": status,
            "NgayTiepNhan": received,
            "NgayHenTra": due,
            "NgayKetThucXuLy": finished,
            "NgayTra": None,
            "DuocThanhToanTrucTuyen": "0",
            "HoSoCoThanhPhanSoHoa": "0",
            "CoKetQuaDienTu": None,
            "SoLanBoSung": supplements,
        }
        for code, agency, field, channel, status, received, due, finished, supplements in rows
    ]
    return pl.DataFrame(records, schema={name: pl.String for name in DOSSIER_COLUMNS})


def counts(frame: pl.DataFrame) -> dict[str, list[int]]:
    return {row[0]: list(row[1:]) for row in frame.select("TenLinhVuc", *FORM_COLUMNS.values()).iter_rows()}


def report_counts(report: Form06aReport) -> dict[str, list[int | None]]:
    return {row.label: [row.counts[c] for c in COUNT_COLUMNS] for row in report.rows}


# ------------------------------------------------------------------ counting


def test_rows_count_every_column_by_hand() -> None:
    rows = form06a_rows(state(DOSSIERS), ["A"], *MARCH, PROCEDURES)
    assert rows["MaLinhVuc"].to_list() == ["DD", "HT"]
    assert counts(rows) == EXPECTED


def test_rows_keep_the_form_identities() -> None:
    rows = form06a_rows(state(DOSSIERS), ["A"], *MARCH, PROCEDURES)
    for c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13 in counts(rows).values():
        assert (c3, c7, c11) == (c4 + c5 + c6, c8 + c9 + c10, c12 + c13)
        assert c3 == c7 + c11


def test_rows_of_an_agency_without_dossiers_are_empty_and_write_a_zero_total(tmp_path: Path) -> None:
    rows = form06a_rows(state(DOSSIERS), ["C"], *MARCH, PROCEDURES)
    assert rows.is_empty() and rows.columns == ["MaLinhVuc", "TenLinhVuc", *FORM_COLUMNS.values()]
    write_form06a(rows, "UBND xã Không Hồ Sơ", *MARCH, tmp_path / "empty.xlsx")
    report = parse_form06a(tmp_path / "empty.xlsx")
    assert report.rows == () and report.total is not None
    assert [report.total.counts[c] for c in COUNT_COLUMNS] == [0] * 11


def test_written_form_parses_back_to_the_same_numbers(tmp_path: Path) -> None:
    rows = form06a_rows(state(DOSSIERS), ["A"], *MARCH, PROCEDURES)
    write_form06a(rows, "UBND xã A", *MARCH, tmp_path / "a.xlsx")
    report = parse_form06a(tmp_path / "a.xlsx")
    assert (report.reporting_unit, report.period_start, report.period_end) == ("UBND xã A", *MARCH)
    assert report.row_kind == "field"
    assert report_counts(report) == EXPECTED
    assert report.total is not None and report.total_mismatches == () and report.rejected == ()
    assert [report.total.counts[c] for c in COUNT_COLUMNS] == [8, 3, 2, 3, 5, 1, 2, 2, 3, 2, 1]


# ------------------------------------------------------------------ over HTTP


@pytest.fixture(scope="module")
def server() -> Iterator[PortalServer]:
    with serve_in_thread(DemoPortal(clock=SimClock(datetime(2023, 11, 1), scale=0))) as running:
        yield running


@pytest.fixture(scope="module")
def cu_van() -> str:
    agencies = catalogue.agencies()
    [code] = agencies.filter(pl.col("MaDVHC") == "05809", pl.col("HieuLucDen") != "")["MaDonVi"].to_list()
    return code


@pytest.fixture(scope="module")
def downloaded(server: PortalServer, cu_van: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    answer = httpx.get(
        f"{server.url}/api/v1/reports/form06a.xlsx",
        params={"agency": cu_van, "from": WINDOW[0], "to": WINDOW[1]},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX
    disposition = answer.headers["content-disposition"]
    match = re.fullmatch(r'attachment; filename="([^"/]+\.xlsx)"', disposition)
    assert match, disposition
    path = tmp_path_factory.mktemp("download") / match.group(1)
    path.write_bytes(answer.content)
    return path


def test_endpoint_serves_cu_van_with_the_published_figures(downloaded: Path) -> None:
    report = parse_form06a(downloaded)
    assert report.reporting_unit == "UBND xã Cù Vân"
    assert (report.period_start, report.period_end) == (date(2023, 1, 1), date(2023, 10, 20))
    assert report.total is not None and report.total_mismatches == () and report.rejected == ()
    total = report.total.counts
    assert total[7] == 925
    assert total[4] + total[5] == 940
    assert 0 < total[10] < total[7] * 0.01  # a few late, on-time rate above 99 %
    assert all(row.violations == () for row in report.rows)


def test_downloaded_form_loads_into_an_empty_warehouse(downloaded: Path, warehouse: WarehousePaths) -> None:
    result = load(warehouse, downloaded)
    assert result.all_read and result.files[0].kind == "form06a"
    assert kpi_one(warehouse, *WINDOW)["resolved"] == 925


def test_faults_apply_to_the_report_route(server: PortalServer, cu_van: str) -> None:
    httpx.post(
        f"{server.url}/admin/faults", json={"kind": "status", "status": 503, "path": "/api/v1/reports/"}
    ).raise_for_status()
    answer = httpx.get(
        f"{server.url}/api/v1/reports/form06a.xlsx", params={"agency": cu_van, "from": "2023-03-01", "to": "2023-03-31"}
    )
    assert answer.status_code == 503


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"agency": "000.99.99.H56", "from": "2023-01-01", "to": "2023-01-31"}, "unknown agency"),
        ({"from": "2023-01-01", "to": "2023-01-31"}, "agency is required"),
        ({"agency": "CU_VAN", "from": "2023-02-01", "to": "2023-01-31"}, "starts (2023-02-01) after it ends"),
        ({"agency": "CU_VAN", "from": "2023-01-01", "to": "2023-02-30"}, "to must be a date"),
        ({"agency": "CU_VAN", "from": "2023-10-01", "to": "2023-11-02"}, "after the portal's today"),
    ],
)
def test_bad_requests_answer_400_with_a_sentence(
    server: PortalServer, cu_van: str, params: dict[str, str], words: str
) -> None:
    if params.get("agency") == "CU_VAN":
        params = {**params, "agency": cu_van}
    answer = httpx.get(f"{server.url}/api/v1/reports/form06a.xlsx", params=params)
    assert answer.status_code == 400
    message = answer.json()["error"]
    assert words in message and len(message.split()) >= 4
