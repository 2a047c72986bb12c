"""Bad input: a clear one-line message, and nothing already loaded is lost (DESIGN §7, §8).

A file that cannot be read or recognised: `ingest load` exits 2 with one line naming the
file and the reason, and the warehouse keeps exactly what it had. A bad row: quarantined
with its reason and line (header = line 1) while the good rows load, exit 0.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, kpi_one, load, raw, run_main, write_csv

from warehouse.paths import WarehousePaths

FORM06A = FIXTURES / "form06a"
HEADER = (
    "MaHoSo,MaTTHC,MaLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,SoLanBoSung"
)
GOOD = "G1,1.000656,G01,XA-CV,2,9,20230110080000,20230120170000,20230112100000,0"
GOOD_2 = "G2,1.000656,G01,XA-CV,1,4,20230111080000,20230120170000,,"

# labels and columns (3)..(13) of sample_fields.xlsx (tests/fixtures/form06a/make_fixtures.py)
SAMPLE_ROWS = [
    ("Đất đai", (100, 30, 50, 20, 80, 40, 35, 5, 20, 15, 5)),
    ("Hộ tịch", (330, 120, 200, 10, 310, 250, 60, 0, 20, 20, 0)),
    ("Tư pháp", (45, 15, 25, 5, 40, 10, 28, 2, 5, 4, 1)),
    ("Lao động - Thương binh và Xã hội", (1234, 1000, 200, 34, 1204, 900, 300, 4, 30, 25, 5)),
]


def state(warehouse: WarehousePaths) -> dict:
    """Everything a bad file must leave as it was: raw rows, files, quarantine, the KPI."""
    tables = ("raw_dossiers", "raw_agencies", "raw_form06a_reports", "raw_form06a_rows", "quarantine", "ingest_files")
    out = {table: raw(warehouse, f"select count(*) from {table}")[0][0] for table in tables}
    out["dossiers"] = raw(warehouse, "select MaHoSo, TrangThaiHoSo from raw_dossiers order by all")
    out["kpi"] = kpi_one(warehouse, "2023-01-01", "2023-03-31")
    return out


# ------------------------------------------------------------------ whole files


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A warehouse holding agencies, two dossiers and a form 06a, and its state; tests work on copies."""
    folder = tmp_path_factory.mktemp("template")
    agencies = write_csv(
        folder / "donvi.csv",
        "MaDonVi,TenDonVi,Cap,MaDVHC",
        "XA-CV,UBND xã Cù Vân,XA,05809",
        "H-DT,UBND huyện Đại Từ,HUYEN,171",
    )
    dossiers = write_csv(folder / "hoso.csv", HEADER, GOOD, GOOD_2)
    warehouse = WarehousePaths(folder / "wh" / "warehouse.duckdb")
    result = load(warehouse, agencies, dossiers, FORM06A / "sample_fields.xlsx")
    assert result.all_read and [f.rows_loaded for f in result.files] == [2, 2, 4]
    return folder / "wh", state(warehouse)


@pytest.fixture
def loaded(loaded_template: tuple[Path, dict], tmp_path: Path) -> WarehousePaths:
    shutil.copytree(loaded_template[0], tmp_path / "wh")
    return WarehousePaths(tmp_path / "wh" / "warehouse.duckdb")


@pytest.fixture
def before(loaded_template: tuple[Path, dict]) -> dict:
    """The state of `loaded` before the test touches it."""
    return loaded_template[1]


# Unreadable or unrecognisable files, and the words their one-line message must contain.
BAD_FILES: dict[str, tuple[str, ...]] = {
    "hoso_rong.csv": ("empty",),  # 0 bytes
    "baocao.xlsx": ("PDF",),  # a PDF renamed .xlsx
    "thieu_cot.csv": ("NgayTiepNhan",),  # a required column is missing
    "doi_ten_cot.csv": ("MaHoSo", "SoHoSo"),  # the key column renamed
    "linh_tinh.csv": ("export",),  # not an export at all: columns a, b, c
    "bad_period_date.xlsx": ("31/02/2023",),  # form 06a "Từ ngày 31/02/2023"
    "renamed_pdf.xlsx": ("PDF",),  # the 06a fixture that is a PDF
}


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    (folder / "hoso_rong.csv").write_bytes(b"")
    (folder / "baocao.xlsx").write_bytes(
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    write_csv(
        folder / "thieu_cot.csv",
        "MaHoSo,MaTTHC,MaLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayHenTra,NgayKetThucXuLy",
        "N1,1.000656,G01,XA-CV,1,4,20230120170000,",
    )
    write_csv(
        folder / "doi_ten_cot.csv",
        "SoHoSo,MaTTHC,MaLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy",
        "N1,1.000656,G01,XA-CV,1,4,20230110080000,20230120170000,",
    )
    write_csv(folder / "linh_tinh.csv", "a,b,c", "1,2,3", "4,5,6")
    for name in ("bad_period_date.xlsx", "renamed_pdf.xlsx"):
        shutil.copyfile(FORM06A / name, folder / name)
    return {name: folder / name for name in BAD_FILES}


@pytest.fixture(scope="module")
def cli_run(loaded_template: tuple[Path, dict], bad_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    """`ingest load` of every bad file at once, on a copy of the loaded warehouse."""
    folder = tmp_path_factory.mktemp("cli") / "wh"
    shutil.copytree(loaded_template[0], folder)
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    done = run_main("ingest", "load", "--warehouse", str(warehouse.database), *map(str, bad_files.values()))
    return done, warehouse


def test_baseline_state_is_what_was_loaded(before: dict) -> None:
    # the yardstick of the tests below: 2 dossiers of Cù Vân in January, plus the 06a's
    # Q1 received (4)+(5) = 1165 + 475 of Đại Từ's own one-stop, which sent no dossiers
    assert before["dossiers"] == [("G1", 9), ("G2", 4)]
    assert before["kpi"]["received"] == 2 + 1640


def test_unreadable_files_exit_2(cli_run) -> None:
    done, _warehouse = cli_run
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_unreadable_file_gets_one_line_naming_it_and_the_reason(cli_run, name: str) -> None:
    done, _warehouse = cli_run
    lines = [line for line in (done.stdout + done.stderr).splitlines() if name in line]
    assert len(lines) == 1, done.stdout + done.stderr
    assert all(word in lines[0] for word in BAD_FILES[name]), lines[0]


def test_unreadable_files_leave_the_warehouse_untouched(cli_run, before: dict) -> None:
    _done, warehouse = cli_run
    assert state(warehouse) == before


def test_good_files_beside_a_bad_one_still_load(loaded: WarehousePaths, tmp_path: Path) -> None:
    # one unreadable file in a batch: it is reported, the others load and are published
    empty = tmp_path / "rong.csv"
    empty.write_bytes(b"")
    good = write_csv(tmp_path / "hoso_moi.csv", HEADER, "G3,1.000656,G01,XA-CV,2,4,20230115080000,,,")
    result = load(loaded, empty, good)
    assert not result.all_read and result.files[1].rows_loaded == 1
    assert kpi_one(loaded, "2023-01-01", "2023-01-31")["received"] == 3


# ------------------------------------------------------------------ bad rows


def load_rows(warehouse: WarehousePaths, tmp_path: Path, *rows: str, header: str = HEADER):
    """Load a file of the given rows; return its report and the quarantine as (line, reason, record)."""
    report = load(warehouse, write_csv(tmp_path / "hoso.csv", header, *rows)).files[0]
    assert report.error is None
    quarantined = raw(warehouse, "select line, reason, record from quarantine order by line")
    return report, quarantined


def test_impossible_date_is_quarantined(warehouse: WarehousePaths, tmp_path: Path) -> None:
    report, quarantined = load_rows(warehouse, tmp_path, GOOD, "B1,1.000656,G01,XA-CV,1,4,31/02/2023,,,")
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    [(line, reason, record)] = quarantined
    assert line == 3
    assert "NgayTiepNhan" in reason and "31/02/2023" in reason
    assert json.loads(record)["MaHoSo"] == "B1"


def test_negative_supplement_count_is_quarantined(warehouse: WarehousePaths, tmp_path: Path) -> None:
    report, quarantined = load_rows(warehouse, tmp_path, GOOD, "B1,1.000656,G01,XA-CV,1,4,20230110080000,,,-1")
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    [(line, reason, _record)] = quarantined
    assert line == 3
    assert "SoLanBoSung" in reason and "-1" in reason


def test_unknown_status_is_quarantined(warehouse: WarehousePaths, tmp_path: Path) -> None:
    report, quarantined = load_rows(warehouse, tmp_path, GOOD, "B1,1.000656,G01,XA-CV,1,11,20230110080000,,,")
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    [(line, reason, _record)] = quarantined
    assert line == 3
    assert "TrangThaiHoSo" in reason and "11" in reason


def test_end_before_received_is_quarantined(warehouse: WarehousePaths, tmp_path: Path) -> None:
    report, quarantined = load_rows(
        warehouse, tmp_path, GOOD, "B1,1.000656,G01,XA-CV,1,9,20230110080000,20230120170000,20230105080000,"
    )
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    [(line, reason, _record)] = quarantined
    assert line == 3
    assert "NgayKetThucXuLy" in reason and "NgayTiepNhan" in reason


def test_dossier_twice_in_one_file_keeps_the_later_row(warehouse: WarehousePaths, tmp_path: Path) -> None:
    report, quarantined = load_rows(
        warehouse,
        tmp_path,
        "D1,1.000656,G01,XA-CV,1,4,20230110080000,20230120170000,,",
        "D1,1.000656,G01,XA-CV,1,9,20230110080000,20230120170000,20230115080000,",
    )
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    [(line, reason, _record)] = quarantined
    assert line == 2
    assert "D1" in reason and "line 3" in reason
    assert raw(warehouse, "select MaHoSo, TrangThaiHoSo, _line from raw_dossiers") == [("D1", 9, 3)]


def test_line_with_too_many_fields_is_quarantined(warehouse: WarehousePaths, tmp_path: Path) -> None:
    report, quarantined = load_rows(
        warehouse, tmp_path, GOOD, "B1,1.000656,G01,XA-CV,1,4,20230110080000,,,0,thừa", GOOD_2
    )
    assert (report.rows_loaded, report.rows_quarantined) == (2, 1)
    [(line, reason, record)] = quarantined
    assert line == 3
    assert "column" in reason
    assert "B1" in json.loads(record)
    # the rows after it keep their own line numbers
    assert raw(warehouse, "select MaHoSo, _line from raw_dossiers order by MaHoSo") == [("G1", 2), ("G2", 4)]


def test_bad_rows_exit_zero_and_are_reported(warehouse: WarehousePaths, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "hoso_loi.csv",
        HEADER,
        GOOD,
        "B1,1.000656,G01,XA-CV,1,4,31/02/2023,,,",
        "B2,1.000656,G01,XA-CV,1,11,20230110080000,,,",
        "B3,1.000656,G01,XA-CV,1,4,20230110080000,,,-1",
    )
    done = run_main("ingest", "load", "--warehouse", str(warehouse.database), str(path))
    assert done.returncode == 0, done.stderr
    assert re.search(r"\b1 rows? loaded, 3 quarantined", done.stdout), done.stdout
    assert "31/02/2023" in done.stdout and "TrangThaiHoSo" in done.stdout and "SoLanBoSung" in done.stdout
    # quarantined rows count in no KPI
    assert kpi_one(warehouse, "2023-01-01", "2023-01-31")["received"] == 1


# ------------------------------------------------------------------ form 06a


def test_06a_shifted_header_loads_like_the_sample(warehouse: WarehousePaths) -> None:
    report = load(warehouse, FORM06A / "shifted_header.xlsx").files[0]
    assert (report.kind, report.rows_loaded, report.rows_quarantined) == ("form06a", 4, 0)
    rows = raw(
        warehouse, "select label, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13 from raw_form06a_rows order by line"
    )
    assert [(label, tuple(counts)) for label, *counts in rows] == SAMPLE_ROWS
    assert raw(
        warehouse, "select reporting_unit, period_start::varchar, period_end::varchar from raw_form06a_reports"
    ) == [("UBND huyện Đại Từ", "2023-01-01", "2023-03-31")]


def test_06a_broken_identity_loads_and_is_flagged(warehouse: WarehousePaths) -> None:
    report = load(warehouse, FORM06A / "identity_broken.xlsx").files[0]
    assert (report.error, report.rows_loaded, report.rows_quarantined) == (None, 4, 0)
    flagged = raw(warehouse, "select label, c4 from raw_form06a_rows where len(violations) > 0")
    assert flagged == [("Đất đai", 29)]


def test_06a_negative_count_quarantines_its_row(warehouse: WarehousePaths) -> None:
    # Tư pháp (5) = -25 and Hộ tịch (9) = "6O": two bad rows, at worksheet lines 10 and 9
    report = load(warehouse, FORM06A / "negative_count.xlsx").files[0]
    assert (report.error, report.rows_loaded, report.rows_quarantined) == (None, 2, 2)
    assert [label for (label,) in raw(warehouse, "select label from raw_form06a_rows order by line")] == [
        "Đất đai",
        "Lao động - Thương binh và Xã hội",
    ]
    quarantined = raw(warehouse, "select kind, line, reason from quarantine order by line")
    assert [(kind, line) for kind, line, _ in quarantined] == [("form06a", 9), ("form06a", 10)]
    assert "6O" in quarantined[0][2]
    assert "-25" in quarantined[1][2]
