"""Re-sent data (DESIGN §3): the version received last wins (later load, then later row
in a file), and loading the same file twice changes nothing.

Dossier H1 is received 10/01/2023, due 20/01; it is first sent open (status 4), then
finished on 15/01 (status 9, early). H2 stays open. In January 2023:

    H1 open      -> resolved 0, pending 2
    H1 finished  -> resolved 1 (early), pending 1
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import kpi_one, load, raw, write_csv

from warehouse.paths import WarehousePaths

HEADER = "MaHoSo,MaTTHC,MaLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy"
H1_OPEN = "H1,1.000656,G01,XA-CV,2,4,20230110080000,20230120170000,"
H1_DONE = "H1,1.000656,G01,XA-CV,2,9,20230110080000,20230120170000,20230115100000"
H2_OPEN = "H2,1.000656,G01,XA-CV,1,4,20230111080000,20230125170000,"
BAD_ROW = "B1,1.000656,G01,XA-CV,1,11,20230112080000,,"


def january(warehouse: WarehousePaths) -> tuple[int, int, int]:
    row = kpi_one(warehouse, "2023-01-01", "2023-01-31")
    return row["received"], row["resolved"], row["pending"]


def statuses(warehouse: WarehousePaths) -> list[tuple]:
    return raw(warehouse, "select MaHoSo, TrangThaiHoSo from raw_dossiers order by MaHoSo")


# ------------------------------------------------------------------ the same file twice


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory):
    """One file (with a bad row) loaded, its state taken, then loaded again."""
    folder = tmp_path_factory.mktemp("twice")
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    path = write_csv(folder / "hoso.csv", HEADER, H1_OPEN, H2_OPEN, BAD_ROW)

    def snapshot_of_state():
        tables = ("raw_dossiers", "quarantine", "ingest_files")
        counts = {t: raw(warehouse, f"select count(*) from {t}")[0][0] for t in tables}
        return counts, kpi_one(warehouse, "2023-01-01", "2023-01-31"), warehouse.current_pointer.read_text()

    first = load(warehouse, path)
    after_first = snapshot_of_state()
    second = load(warehouse, path)
    return first, after_first, second, snapshot_of_state(), folder, warehouse


def test_first_load_loads(twice) -> None:
    first, (counts, kpi, _pointer), *_ = twice
    assert (first.files[0].rows_loaded, first.files[0].rows_quarantined) == (2, 1)
    assert counts == {"raw_dossiers": 2, "quarantine": 1, "ingest_files": 1}
    assert (kpi["received"], kpi["pending"]) == (2, 2)


def test_second_load_is_reported_as_already_loaded(twice) -> None:
    _first, _after_first, second, *_ = twice
    report = second.files[0]
    assert report.already_loaded
    assert (report.error, report.rows_loaded, report.rows_quarantined) == (None, 0, 0)
    assert second.all_read


def test_second_load_changes_no_row_and_no_kpi(twice) -> None:
    _first, (counts, kpi, _), _second, (counts_again, kpi_again, _), *_ = twice
    assert counts_again == counts
    assert kpi_again == kpi


def test_second_load_publishes_no_new_data_version(twice) -> None:
    _first, (_, _, pointer), second, (_, _, pointer_again), *_ = twice
    assert second.snapshot is None
    assert pointer_again == pointer


def test_same_content_under_another_name_is_already_loaded(twice) -> None:
    *_, folder, warehouse = twice
    renamed = folder / "hoso_gui_lai.csv"
    shutil.copyfile(folder / "hoso.csv", renamed)
    assert load(warehouse, renamed).files[0].already_loaded


# ------------------------------------------------------------------ re-sent dossiers


def test_resent_dossier_replaces_its_earlier_version(tmp_path: Path, warehouse: WarehousePaths) -> None:
    load(warehouse, write_csv(tmp_path / "ngay1.csv", HEADER, H1_OPEN, H2_OPEN))
    assert january(warehouse) == (2, 0, 2)
    load(warehouse, write_csv(tmp_path / "ngay2.csv", HEADER, H1_DONE))
    assert january(warehouse) == (2, 1, 1)
    assert statuses(warehouse) == [("H1", 9), ("H2", 4)]


def test_later_load_wins_whatever_the_status(tmp_path: Path, warehouse: WarehousePaths) -> None:
    # re-opened: the version received last is the truth, not the "most advanced" status
    load(warehouse, write_csv(tmp_path / "ngay1.csv", HEADER, H1_DONE, H2_OPEN))
    load(warehouse, write_csv(tmp_path / "ngay2.csv", HEADER, H1_OPEN))
    assert january(warehouse) == (2, 0, 2)
    assert statuses(warehouse) == [("H1", 4), ("H2", 4)]


def test_files_of_one_command_apply_in_the_order_given(tmp_path: Path, warehouse: WarehousePaths) -> None:
    first = write_csv(tmp_path / "ngay1.csv", HEADER, H1_OPEN, H2_OPEN)
    second = write_csv(tmp_path / "ngay2.csv", HEADER, H1_DONE)
    load(warehouse, first, second)
    assert january(warehouse) == (2, 1, 1)


def test_reloading_an_older_file_does_not_undo_a_later_one(tmp_path: Path, warehouse: WarehousePaths) -> None:
    older = write_csv(tmp_path / "ngay1.csv", HEADER, H1_OPEN, H2_OPEN)
    load(warehouse, older, write_csv(tmp_path / "ngay2.csv", HEADER, H1_DONE))
    assert load(warehouse, older).files[0].already_loaded
    assert statuses(warehouse) == [("H1", 9), ("H2", 4)]


def test_within_one_file_the_later_row_wins(tmp_path: Path, warehouse: WarehousePaths) -> None:
    report = load(warehouse, write_csv(tmp_path / "hoso.csv", HEADER, H1_OPEN, H2_OPEN, H1_DONE)).files[0]
    assert (report.rows_loaded, report.rows_quarantined) == (2, 1)
    assert january(warehouse) == (2, 1, 1)
    assert statuses(warehouse) == [("H1", 9), ("H2", 4)]


def test_resent_agency_replaces_its_earlier_version(tmp_path: Path, warehouse: WarehousePaths) -> None:
    agencies = "MaDonVi,TenDonVi,Cap,MaDVHC"
    first = write_csv(tmp_path / "donvi1.csv", agencies, "XA-CV,UBND xa Cu Van,XA,05809")
    second = write_csv(tmp_path / "donvi2.csv", agencies, "XA-CV,UBND xã Cù Vân,XA,05809")
    load(warehouse, first, second)
    assert raw(warehouse, "select MaDonVi, TenDonVi from raw_agencies") == [("XA-CV", "UBND xã Cù Vân")]
