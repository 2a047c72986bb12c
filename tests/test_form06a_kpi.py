"""Form 06a reports as KPI facts (DESIGN §3): mapped column by column, counted only when
the whole report period lies in the queried range, never on top of dossier-level data.

sample_fields.xlsx (tests/fixtures/form06a/make_fixtures.py): UBND huyện Đại Từ by field,
01/01/2023–31/03/2023; columns (3)..(13):

    Đất đai      100   30   50  20   80   40  35  5   20  15  5
    Hộ tịch      330  120  200  10  310  250  60  0   20  20  0
    Tư pháp       45   15   25   5   40   10  28  2    5   4  1
    LĐ-TB&XH    1234 1000  200  34 1204  900 300  4   30  25  5
    Tổng cộng   1709 1165  475  69 1634 1200 423 11   75  64 11

so received = (4)+(5) = 1165 + 475 = 1640, received_online = 1165, received_direct = 475,
carried_over = 69, resolved = 1634 (1200 early, 423 on time, 11 late), pending = 75
(64 within due, 11 overdue).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, kpi_cli_json, kpi_one, kpi_rows, load, raw, write_csv
from openpyxl import load_workbook

from warehouse.paths import WarehousePaths

SAMPLE = FIXTURES / "form06a" / "sample_fields.xlsx"
AGENCIES = ("MaDonVi,TenDonVi,Cap,MaDVHC", "H-DT,UBND huyện Đại Từ,HUYEN,171", "XA-CV,UBND xã Cù Vân,XA,05809")
DOSSIERS = (
    "MaHoSo,MaTTHC,MaLinhVuc,TenLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy"
)
Q1 = ("2023-01-01", "2023-03-31")

FORM_TOTALS = {
    "received": 1640,
    "received_online": 1165,
    "received_direct": 475,
    "carried_over": 69,
    "resolved": 1634,
    "resolved_early": 1200,
    "resolved_on_time": 423,
    "resolved_late": 11,
    "pending": 75,
    "pending_within_due": 64,
    "pending_overdue": 11,
}
BY_FIELD_RECEIVED = {
    "Đất đai": 30 + 50,
    "Hộ tịch": 120 + 200,
    "Tư pháp": 15 + 25,
    "Lao động - Thương binh và Xã hội": 1000 + 200,
}


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    """Agencies and the Q1 2023 form of Đại Từ; no dossier-level data."""
    folder = tmp_path_factory.mktemp("form06a")
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    result = load(warehouse, write_csv(folder / "donvi.csv", *AGENCIES), SAMPLE)
    assert result.all_read and result.files[1].kind == "form06a"
    return warehouse


# ------------------------------------------------------------------ resolution of the reporting unit


def test_reporting_unit_is_resolved(reported: WarehousePaths) -> None:
    [(agency_code, unit_code)] = raw(reported, "select agency_code, unit_code from raw_form06a_reports")
    assert agency_code == "H-DT" or unit_code == "171"


def test_unknown_reporting_unit_is_kept_unresolved_with_a_note(tmp_path: Path, warehouse: WarehousePaths) -> None:
    workbook = load_workbook(SAMPLE)
    sheet = workbook.active
    assert sheet["K1"].value == "Đơn vị báo cáo: UBND huyện Đại Từ"
    sheet["K1"].value = "Đơn vị báo cáo: UBND xã Không Có Thật"
    path = tmp_path / "bao_cao_don_vi_la.xlsx"
    workbook.save(path)

    report = load(warehouse, path).files[0]
    assert (report.error, report.kind, report.rows_loaded) == (None, "form06a", 4)
    assert any("Không Có Thật" in note or "not resolved" in note for note in report.notes)
    [(unit, agency_code, unit_code, note)] = raw(
        warehouse, "select reporting_unit, agency_code, unit_code, resolution_note from raw_form06a_reports"
    )
    assert (unit, agency_code, unit_code) == ("UBND xã Không Có Thật", None, None)
    assert note


# ------------------------------------------------------------------ the form's numbers


def test_kpi_command_gives_the_forms_totals(reported: WarehousePaths) -> None:
    [row] = kpi_cli_json(reported, "--from", Q1[0], "--to", Q1[1], "--unit", "Đại Từ")
    assert {key: row[key] for key in FORM_TOTALS} == FORM_TOTALS
    assert row["unit_code"] == "171"


def test_received_postal_is_null_with_only_06a_data(reported: WarehousePaths) -> None:
    # (5) is in person and postal together: the postal share is unknown, not 0
    assert kpi_one(reported, *Q1, unit="171")["received_postal"] is None


def test_rates_follow_from_the_forms_counts(reported: WarehousePaths) -> None:
    row = kpi_one(reported, *Q1, unit="171")
    assert row["online_rate"] == pytest.approx(1165 / 1640)
    assert row["on_time_rate"] == pytest.approx((1200 + 423) / 1634)
    assert row["on_time_rate_766"] == pytest.approx((1200 + 423 + 64) / (1634 + 75))


def test_rates_the_form_cannot_give_are_null(reported: WarehousePaths) -> None:
    row = kpi_one(reported, *Q1, unit="171")
    assert [row[k] for k in ("digitised_rate", "e_result_rate", "online_payment_rate", "online_rate_eligible")] == [
        None
    ] * 4


def test_total_row_is_checked_not_added(reported: WarehousePaths) -> None:
    received = kpi_one(reported, *Q1)["received"]
    assert received == sum(BY_FIELD_RECEIVED.values()) == 1640


@pytest.mark.parametrize(
    "period", [("2023-01-01", "2023-02-28"), ("2023-02-01", "2023-03-31"), ("2023-01-02", "2023-03-31")]
)
def test_period_not_containing_the_whole_report_excludes_it(reported: WarehousePaths, period: tuple[str, str]) -> None:
    row = kpi_one(reported, *period, unit="171")
    assert (row["received"], row["resolved"], row["pending"], row["carried_over"]) == (0, 0, 0, 0)


def test_period_containing_the_report_includes_it(reported: WarehousePaths) -> None:
    row = kpi_one(reported, "2022-12-01", "2023-06-30", unit="171")
    assert (row["received"], row["resolved"], row["carried_over"]) == (1640, 1634, 69)


def test_by_field_gives_one_row_per_label(reported: WarehousePaths) -> None:
    rows = kpi_rows(reported, *Q1, unit="171", by="field")
    assert {row["field_name"]: row["received"] for row in rows} == BY_FIELD_RECEIVED
    assert len(rows) == 4
    assert all(row["field_code"] is None for row in rows)  # labels matching no known field


def test_field_filter_by_label(reported: WarehousePaths) -> None:
    row = kpi_one(reported, *Q1, field="Hộ tịch")
    assert (row["received"], row["resolved"], row["pending"]) == (320, 310, 20)


def test_by_procedure_leaves_the_form_out(reported: WarehousePaths) -> None:
    # a form 06a counts by field, never by procedure: grouped by procedure, nothing shows
    assert kpi_rows(reported, *Q1, by="procedure") == []


def test_channel_filter_leaves_the_form_out(reported: WarehousePaths) -> None:
    # the form counts online filings but carries no channel to filter its rows by
    assert kpi_one(reported, *Q1, channel="online")["received"] == 0


def test_level_of_the_reporting_agency(reported: WarehousePaths) -> None:
    assert kpi_one(reported, *Q1, level="district")["received"] == 1640
    assert kpi_one(reported, *Q1, level="commune")["received"] == 0


def test_report_does_not_count_for_another_unit(reported: WarehousePaths) -> None:
    assert kpi_one(reported, *Q1, unit="05809")["received"] == 0


# ------------------------------------------------------------------ no double counting


@pytest.fixture
def reported_copy(reported: WarehousePaths, tmp_path: Path) -> WarehousePaths:
    """A copy of `reported` (agencies and the form), to add dossiers to."""
    shutil.copytree(reported.database.parent, tmp_path / "copy")
    return WarehousePaths(tmp_path / "copy" / reported.database.name)


def load_dossiers(warehouse: WarehousePaths, *rows: str) -> None:
    path = write_csv(warehouse.database.parent / "hoso.csv", DOSSIERS, *rows)
    result = load(warehouse, path)
    assert result.all_read and result.files[0].rows_loaded == len(rows)


def test_dossiers_of_the_agency_in_the_period_replace_the_report(reported_copy: WarehousePaths) -> None:
    load_dossiers(reported_copy, "D1,1.000656,G01,Hộ tịch,H-DT,2,4,20230215080000,20230301170000,")
    row = kpi_one(reported_copy, *Q1, unit="171")
    assert (row["received"], row["received_online"], row["resolved"], row["pending"]) == (1, 1, 0, 1)


def test_dossiers_not_covering_the_agency_and_period_leave_the_report(reported_copy: WarehousePaths) -> None:
    # the district one-stop sends dossiers only from April (Q1 is not covered), and
    # Cù Vân, a commune inside Đại Từ, sends one in February (another agency)
    load_dossiers(
        reported_copy,
        "D1,1.000656,G01,Hộ tịch,H-DT,2,4,20230415080000,20230501170000,",
        "D2,1.000656,G01,Hộ tịch,XA-CV,2,4,20230215080000,20230301170000,",
    )
    assert kpi_one(reported_copy, *Q1, unit="171")["received"] == 1640 + 1


# ------------------------------------------------------------------ a re-sent form with no good row


def shifted_by_a_column(path: Path) -> Path:
    """The sample with its rows one column to the right of the header: every row is rejected."""
    workbook = load_workbook(SAMPLE)
    sheet = workbook.active
    sheet.unmerge_cells("A12:B12")  # the total row's label
    sheet.move_range("A8:M12", cols=1)
    sheet.merge_cells("B12:C12")
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def resent_badly(reported: WarehousePaths, tmp_path_factory: pytest.TempPathFactory):
    """A copy of `reported` (agencies, the good form), then the same unit and period with every row rejected."""
    folder = tmp_path_factory.mktemp("resent") / "copy"
    shutil.copytree(reported.database.parent, folder)
    warehouse = WarehousePaths(folder / reported.database.name)
    before = kpi_one(warehouse, *Q1, unit="171")
    result = load(warehouse, shifted_by_a_column(folder / "gui_lai_lech_cot.xlsx"))
    return warehouse, before, result


def test_resent_form_with_no_good_row_leaves_the_kpis(resent_badly) -> None:
    warehouse, before, _result = resent_badly
    assert kpi_one(warehouse, *Q1, unit="171") == before
    assert {key: before[key] for key in FORM_TOTALS} == FORM_TOTALS


def test_resent_form_with_no_good_row_says_nothing_changed(resent_badly) -> None:
    _warehouse, _before, result = resent_badly
    report = result.files[0]
    assert (report.error, report.rows_loaded, report.rows_quarantined) == (None, 0, 4)
    assert (
        report.lines()[0]
        == "gui_lai_lech_cot.xlsx: form06a: 0 rows loaded, 4 quarantined; no good row, nothing changed"
    )


def test_resent_form_with_no_good_row_keeps_its_rejected_rows_in_quarantine(resent_badly) -> None:
    warehouse, _before, _result = resent_badly
    [(reports,)] = raw(warehouse, "select count(*) from raw_form06a_reports")
    [(quarantined,)] = raw(warehouse, "select count(*) from quarantine where kind = 'form06a'")
    assert (reports, quarantined) == (1, 4)


def test_good_form_loaded_again_after_a_resend_with_no_good_row_is_not_refused(resent_badly) -> None:
    warehouse, before, _result = resent_badly
    again = load(warehouse, SAMPLE)
    # its report is the one in force, so the same bytes again are "already loaded": no error
    assert again.all_read and again.files[0].already_loaded
    assert kpi_one(warehouse, *Q1, unit="171") == before


def test_good_form_wiped_before_the_fix_loads_again(reported_copy: WarehousePaths) -> None:
    # The state a re-send with no good row left before the fix: the good report's rows
    # gone, an empty report of the same unit and period in its place.
    warehouse = reported_copy
    con = duckdb.connect(str(warehouse.database))
    try:
        [(good,)] = con.execute("select report_id from raw_form06a_reports").fetchall()
        con.execute("insert into raw_form06a_reports select 1000, * exclude (report_id) from raw_form06a_reports")
        con.execute("delete from raw_form06a_rows where report_id = ?", [good])
        con.execute("delete from raw_form06a_reports where report_id = ?", [good])
    finally:
        con.close()

    again = load(warehouse, SAMPLE).files[0]
    assert (again.already_loaded, again.rows_loaded) == (False, 4)
    row = kpi_one(warehouse, *Q1, unit="171")
    assert {key: row[key] for key in FORM_TOTALS} == FORM_TOTALS
