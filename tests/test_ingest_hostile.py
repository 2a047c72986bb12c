"""Hostile exports (issue 11): nothing lost, nothing invisible, nothing personal, no traceback.

Each test loads one hostile file made in the test together with a good file, through the
CLI's `main(argv)` in-process: the hostile file gets exit 2 and one line (refused) or
its bad rows quarantined with a reason (exit 0); never a traceback; the good file loads
and is published, which the KPI shows (January 2023: 2 dossiers before, 3 after).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import kpi_one, load, raw, write_csv
from openpyxl import Workbook

from ingest.__main__ import main
from warehouse.paths import WarehousePaths

HEADER = (
    "MaHoSo,MaTTHC,MaLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,SoLanBoSung"
)
GOOD = "G3,1.000656,G01,XA-CV,2,4,20230115080000,,,0"
HUGE = "9" * 30  # far beyond 64 bits
BEFORE, AFTER = 2, 3  # January's received dossiers without and with G3 (hostile files write February)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    agencies = write_csv(folder / "donvi.csv", "MaDonVi,TenDonVi,Cap,MaDVHC", "XA-CV,UBND xã Cù Vân,XA,05809")
    dossiers = write_csv(
        folder / "hoso.csv",
        HEADER,
        "G1,1.000656,G01,XA-CV,2,9,20230110080000,20230120170000,20230112100000,0",
        "G2,1.000656,G01,XA-CV,1,4,20230111080000,20230120170000,,",
    )
    assert load(WarehousePaths(folder / "wh" / "warehouse.duckdb"), agencies, dossiers).all_read
    return folder / "wh"


@pytest.fixture
def warehouse(template: Path, tmp_path: Path) -> WarehousePaths:
    shutil.copytree(template, tmp_path / "wh")
    paths = WarehousePaths(tmp_path / "wh" / "warehouse.duckdb")
    assert received(paths) == BEFORE
    return paths


def received(warehouse: WarehousePaths) -> int:
    return kpi_one(warehouse, "2023-01-01", "2023-01-31")["received"]


def ingest(capsys: pytest.CaptureFixture[str], warehouse: WarehousePaths, *files: Path) -> tuple[int, str]:
    """`python -m ingest load FILES...` in-process: (exit code, everything it printed)."""
    code = main(["load", "--warehouse", str(warehouse.database), *map(str, files)])
    printed = capsys.readouterr()
    return code, printed.out + printed.err


def good_file(folder: Path) -> Path:
    return write_csv(folder / "hoso_tot.csv", HEADER, GOOD)


def lines_about(output: str, path: Path) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(path.name)]


def quarantined(warehouse: WarehousePaths) -> list[tuple[int, str]]:
    return raw(warehouse, "select line, reason from quarantine order by line")


def assert_refused(code: int, output: str, path: Path, *words: str) -> None:
    assert code == 2 and "Traceback" not in output, output
    (line,) = lines_about(output, path)
    assert "not loaded" in line and all(word in line for word in words), line


def assert_loaded_beside(code: int, output: str, warehouse: WarehousePaths) -> None:
    assert "Traceback" not in output and "published data version" in output, output
    assert "hoso_tot.csv: dossiers: 1 rows loaded" in output
    assert received(warehouse) == AFTER


# ------------------------------------------------------------- values that do not fit


def test_status_beyond_64_bits_quarantines_its_row(capsys, warehouse: WarehousePaths, tmp_path: Path) -> None:
    hostile = write_csv(tmp_path / "trang_thai.csv", HEADER, f"X1,1.000656,G01,XA-CV,2,{HUGE},20230216080000,,,0")
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert code == 0
    assert_loaded_beside(code, output, warehouse)
    assert quarantined(warehouse) == [(2, f"TrangThaiHoSo '{HUGE}' is not a status 1..10")]


def test_counts_beyond_their_type_quarantine_their_row(capsys, warehouse: WarehousePaths, tmp_path: Path) -> None:
    # the channel fits 64 bits but not the stored TINYINT, the supplements not the INTEGER
    hostile = write_csv(
        tmp_path / "so_lan.csv",
        HEADER,
        "X1,1.000656,G01,XA-CV,2,4,20230216080000,,,99999999999",
        "X2,1.000656,G01,XA-CV,99999999999,4,20230216080000,,,0",
        f"X3,1.000656,G01,XA-CV,2,4,20230216080000,,,{HUGE}",
    )
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert code == 0
    assert_loaded_beside(code, output, warehouse)
    assert quarantined(warehouse) == [
        (2, "SoLanBoSung '99999999999' is not a count (0 or more)"),
        (3, "KenhThucHien '99999999999' is not 1, 2 or 3"),
        (4, f"SoLanBoSung '{HUGE}' is not a count (0 or more)"),
    ]


def test_huge_json_number_quarantines_its_row(capsys, warehouse: WarehousePaths, tmp_path: Path) -> None:
    # 5,000 digits: more than Python converts to an int by default
    record = {
        "MaHoSo": "X1",
        "MaTTHC": "1.000656",
        "MaDonVi": "XA-CV",
        "KenhThucHien": 2,
        "TrangThaiHoSo": 4,
        "NgayTiepNhan": "20230216080000",
        "NgayHenTra": None,
        "NgayKetThucXuLy": None,
    }
    text = json.dumps([record, {**record, "MaHoSo": "X2"}]).replace(
        '"TrangThaiHoSo": 4', '"TrangThaiHoSo": ' + "9" * 5000, 1
    )
    hostile = tmp_path / "so_lon.json"
    hostile.write_text(text, encoding="utf-8")
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert code == 0
    assert "so_lon.json: dossiers: 1 rows loaded, 1 quarantined" in output
    assert_loaded_beside(code, output, warehouse)
    assert quarantined(warehouse)[0][0] == 1 and "is not a status" in quarantined(warehouse)[0][1]


def write_06a(path: Path, *rows: list) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for text in ("Đơn vị báo cáo: UBND xã Cù Vân", "Kỳ báo cáo: Từ ngày 01/01/2023 đến ngày 31/01/2023"):
        sheet.append([text])
    sheet.append([f"({n})" for n in range(1, 14)])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_06a_count_beyond_64_bits_quarantines_its_row(capsys, warehouse: WarehousePaths, tmp_path: Path) -> None:
    hostile = write_06a(
        tmp_path / "bieu_06a.xlsx",
        [1, "Hộ tịch", 10, 4, 5, 1, 8, 2, 5, 1, 2, 2, 0],
        [2, "Đất đai", 10**30, 4, 5, 1, 8, 2, 5, 1, 2, 2, 0],
        [3, "Tư pháp", "1" * 5000, 4, 5, 1, 8, 2, 5, 1, 2, 2, 0],
    )
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert code == 0
    assert "bieu_06a.xlsx: form06a: 1 rows loaded, 2 quarantined" in output
    assert_loaded_beside(code, output, warehouse)
    assert quarantined(warehouse) == [
        (5, "column (3) is too large to be a count (1e+30)"),
        (6, "column (3) is too large to be a count (a number of 5000 digits)"),
    ]


# ------------------------------------------------------------- names and shapes


@pytest.mark.parametrize("column", ["_line", "rowid", "_extra", "_LINE"])
def test_column_named_like_the_loaders_own_is_kept_under_a_safe_name(
    capsys, warehouse: WarehousePaths, tmp_path: Path, column: str
) -> None:
    hostile = write_csv(
        tmp_path / "cot_la.csv", f"{HEADER},{column}", "X1,1.000656,G01,XA-CV,2,4,20230216080000,,,0,77"
    )
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert code == 0
    assert "cot_la.csv: dossiers: 1 rows loaded, 0 quarantined" in output
    assert_loaded_beside(code, output, warehouse)
    safe = "file" + column if column.startswith("_") else "file_" + column
    assert raw(warehouse, "select _extra, _line from raw_dossiers where MaHoSo = 'X1'") == [
        (json.dumps({safe: "77"}, separators=(",", ":")), 2)
    ]


def test_column_named_line_in_json_is_kept_under_a_safe_name(capsys, warehouse: WarehousePaths, tmp_path: Path) -> None:
    record = {
        "MaHoSo": "X1",
        "MaTTHC": "1.000656",
        "MaDonVi": "XA-CV",
        "KenhThucHien": 2,
        "TrangThaiHoSo": 4,
        "NgayTiepNhan": "20230216080000",
        "NgayHenTra": None,
        "NgayKetThucXuLy": None,
        "_line": 9,
    }
    hostile = tmp_path / "cot_la.json"
    hostile.write_text(json.dumps([record]), encoding="utf-8")
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert code == 0
    assert_loaded_beside(code, output, warehouse)
    assert raw(warehouse, "select _extra, _line from raw_dossiers where MaHoSo = 'X1'") == [('{"file_line":"9"}', 1)]


def test_deeply_nested_json_is_refused_in_one_line(capsys, warehouse: WarehousePaths, tmp_path: Path) -> None:
    hostile = tmp_path / "long_nhau.json"
    hostile.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert_refused(code, output, hostile, "nested too deeply")
    assert_loaded_beside(code, output, warehouse)


def test_unexpected_error_in_one_file_is_its_one_line(
    capsys, warehouse: WarehousePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a bug nobody foresaw, raised in the middle of the file's transaction (after archiving)
    import ingest.load as loader

    upsert = loader._upsert

    def failing_upsert(con, kind, file_id):
        if con.execute("select count(*) from validated where MaHoSo = 'BUG'").fetchone()[0]:
            raise ZeroDivisionError("a value of the file: 0912345678")
        upsert(con, kind, file_id)

    monkeypatch.setattr(loader, "_upsert", failing_upsert)
    hostile = write_csv(tmp_path / "loi.csv", HEADER, "BUG,1.000656,G01,XA-CV,2,4,20230216080000,,,0")
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert_refused(code, output, hostile, "ZeroDivisionError")
    assert "0912345678" not in output  # the error's text may quote the file: not shown, not stored
    assert_loaded_beside(code, output, warehouse)
    assert not [p for p in warehouse.archive.rglob("*loi*")]


# ------------------------------------------------------------- encodings and containers


def test_legacy_encoded_row_after_64_kib_is_read_as_windows_1258(
    capsys, warehouse: WarehousePaths, tmp_path: Path
) -> None:
    # 1,500 rows of codes and dates only (pure ASCII), then the first Vietnamese name:
    # "Đất đai" as Windows writes it in Windows-1258 (Đ, â + combining acute, t, đ)
    ascii_rows = "".join(f"A{i:05d},1.000656,G01,XA-CV,2,4,20230201080000,,,0,Ho tich\r\n" for i in range(1500))
    hostile = tmp_path / "cu.csv"
    hostile.write_bytes(
        (HEADER + ",TenLinhVuc\r\n" + ascii_rows).encode("ascii")
        + b"X1,1.000656,G01,XA-CV,2,4,20230216080000,,,0,\xd0\xe2\xect \xf0ai\r\n"
    )
    assert hostile.stat().st_size > 1 << 16
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert code == 0 and "cu.csv: dossiers: 1,501 rows loaded, 0 quarantined" in output and "Windows-1258" in output
    assert_loaded_beside(code, output, warehouse)
    assert raw(warehouse, "select TenLinhVuc from raw_dossiers where MaHoSo = 'X1'") == [("Đất đai",)]


# "Đại Từ", "Hà Nội" in TCVN3 (ABC): Đ A7, ạ B9, ừ F5, à B5, ộ E9
TCVN3_ROW = b"X1,1.000656,G01,XA-CV,2,4,20230216080000,,,0,\xa7\xb9i T\xf5 H\xb5 N\xe9i\r\n"


def test_tcvn3_file_is_refused_naming_its_encoding(capsys, warehouse: WarehousePaths, tmp_path: Path) -> None:
    hostile = tmp_path / "abc.csv"
    hostile.write_bytes((HEADER + ",TenLinhVuc\r\n").encode() + TCVN3_ROW * 3)
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert_refused(code, output, hostile, "TCVN3 (ABC)", "UTF-8")
    assert_loaded_beside(code, output, warehouse)


def test_encrypted_xlsx_is_named_as_password_protected(capsys, warehouse: WarehousePaths, tmp_path: Path) -> None:
    # Excel saves a workbook with a password as an OLE compound file holding the streams
    # EncryptionInfo and EncryptedPackage; these are its signature and directory names
    # (no library here writes a real one).
    hostile = tmp_path / "co_mat_khau.xlsx"
    entries = b"".join(
        name.encode("utf-16-le").ljust(64, b"\0") for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage")
    )
    hostile.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(70_000) + entries)
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert_refused(code, output, hostile, "password-protected")
    assert "old binary" not in output
    assert_loaded_beside(code, output, warehouse)


# ------------------------------------------------------------- personal data

PERSONAL_HEADER = HEADER + ",SDT_LienHe,Số CMND,ThuDienTu,Địa chỉ thường trú,NgaySinh,TenNguoiNop,GhiChu"
PERSONAL = (
    "0912345678",
    "001203004567",
    "hoa.nguyen@example.vn",
    "12 Lê Lợi, Thái Nguyên",
    "1990-05-17",
    "Nguyễn Thị Hoa",
)
NOTE = "gọi Hoa 0987000111"  # an unknown column: its value may be anything, even personal data
PERSONAL_ROWS = [
    ["P1", "1.000656", "G01", "XA-CV", "2", "4", "20230216080000", "", "", "0", *PERSONAL, NOTE],
    # status 11 does not exist: quarantined, and must arrive there without the person
    ["P2", "1.000656", "G01", "XA-CV", "2", "11", "20230216080000", "", "", "0", *PERSONAL, NOTE],
]


def write_personal(path: Path, container: str) -> Path:
    header = PERSONAL_HEADER.split(",")
    if container == "csv":
        quoted = [",".join(f'"{value}"' for value in row) for row in PERSONAL_ROWS]
        return write_csv(path.with_suffix(".csv"), PERSONAL_HEADER, *quoted)
    if container == "xlsx":
        workbook = Workbook()
        for row in [header, *PERSONAL_ROWS]:
            workbook.active.append(row)
        workbook.save(path.with_suffix(".xlsx"))
        return path.with_suffix(".xlsx")
    path = path.with_suffix(".json")
    path.write_text(
        json.dumps({"data": [dict(zip(header, row)) for row in PERSONAL_ROWS]}, ensure_ascii=False), encoding="utf-8"
    )
    return path


@pytest.fixture(params=["csv", "xlsx", "json"])
def personal_load(request, capsys, warehouse: WarehousePaths, tmp_path: Path) -> tuple[WarehousePaths, str]:
    path = write_personal(tmp_path / "co_ca_nhan", request.param)
    code, output = ingest(capsys, warehouse, path, good_file(tmp_path))
    assert code == 0 and f"{path.name}: dossiers: 1 rows loaded, 1 quarantined" in output, output
    assert_loaded_beside(code, output, warehouse)
    return warehouse, output


def everything_stored(warehouse: WarehousePaths) -> dict[str, str]:
    """The text of every table of the warehouse and of the snapshot, every archived file,
    and the data-health page's quarantine download."""
    import duckdb

    from ui.tables import csv_bytes
    from warehouse import health
    from warehouse.snapshot import open_snapshot

    def dump(con) -> dict[str, str]:
        tables = [
            row[0] for row in con.execute("select table_name from duckdb_tables() where not temporary").fetchall()
        ]
        return {
            t: json.dumps(con.execute(f'select to_json(t) from "{t}" as t').fetchall(), ensure_ascii=False)
            for t in tables
        }

    con = duckdb.connect(str(warehouse.database), read_only=True)
    try:
        stored = {f"warehouse.{name}": text for name, text in dump(con).items()}
    finally:
        con.close()
    with open_snapshot(warehouse) as (snapshot, _info):
        stored |= {f"snapshot.{name}": text for name, text in dump(snapshot).items()}
        stored["quarantine download"] = csv_bytes(health.quarantine(snapshot)).decode("utf-8-sig")
    for path in warehouse.archive.rglob("*"):
        if path.is_file():
            stored[f"archive {path.name}"] = path.read_bytes().decode("utf-8", errors="replace")
    return stored


def test_personal_values_are_stored_nowhere(personal_load) -> None:
    warehouse, _output = personal_load
    found = {
        (where, value) for where, text in everything_stored(warehouse).items() for value in PERSONAL if value in text
    }
    assert found == set()


def test_personal_columns_are_named_as_dropped(personal_load) -> None:
    _warehouse, output = personal_load
    assert (
        "dropped personal-data columns: SDT_LienHe, Số CMND, ThuDienTu, Địa chỉ thường trú, NgaySinh, TenNguoiNop"
        in output
    )


def test_unknown_column_keeps_its_value_in_raw_only(personal_load) -> None:
    warehouse, _output = personal_load
    stored = everything_stored(warehouse)
    assert NOTE in stored["warehouse.raw_dossiers"]
    assert [
        where
        for where, text in stored.items()
        if NOTE in text and "raw_dossiers" not in where and "archive" not in where
    ] == []


def test_quarantine_record_keeps_contract_values_and_other_columns_names(personal_load) -> None:
    warehouse, _output = personal_load
    ((record,),) = raw(warehouse, "select record from quarantine")
    record = json.loads(record)
    assert record["MaHoSo"] == "P2" and record["TrangThaiHoSo"] == "11"
    assert record["_other_columns"] == ["GhiChu"]


def test_utf8_file_with_one_broken_line_stays_utf8(capsys, warehouse: WarehousePaths, tmp_path: Path) -> None:
    # reading it all as Windows-1258 would garble every good name to save one bad line
    hostile = tmp_path / "hon_hop.csv"
    hostile.write_bytes(
        (
            HEADER
            + ",TenLinhVuc\n"
            + "".join(f"X{i},1.000656,G01,XA-CV,2,4,20230216080000,,,0,Đất đai\n" for i in range(1, 6))
        ).encode("utf-8")
        + b"X6,1.000656,G01,XA-CV,2,4,20230216080000,,,0,\xd0\xe2\xect \xf0ai\n"
        + "X7,1.000656,G01,XA-CV,2,4,20230216080000,,,0,Hộ tịch\n".encode()
    )
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert code == 0 and "Windows-1258" not in output
    assert_loaded_beside(code, output, warehouse)
    assert raw(
        warehouse, "select MaHoSo, TenLinhVuc, _line from raw_dossiers where MaHoSo in ('X1', 'X7') order by 1"
    ) == [
        ("X1", "Đất đai", 2),
        ("X7", "Hộ tịch", 8),  # a line reported twice moves the next ones down once
    ]
    assert quarantined(warehouse) == [(7, "the line is not valid text in the file's encoding (UTF-8)")]


def test_text_neither_utf8_nor_windows_1258_is_refused_in_one_line(
    capsys, warehouse: WarehousePaths, tmp_path: Path
) -> None:
    # 0x90 is undefined in Windows-1258, and the file is not UTF-8 either
    hostile = tmp_path / "la.csv"
    hostile.write_bytes((HEADER + "\n").encode() + b"X1,1.000656,G01,XA-CV,2,4,20230216080000,,,0\x90\xd0\n")
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert_refused(code, output, hostile, "neither UTF-8 nor Windows-1258", "90")
    assert_loaded_beside(code, output, warehouse)


def test_clean_file_after_one_with_a_bad_line_takes_none_of_its_bad_lines(
    capsys, warehouse: WarehousePaths, tmp_path: Path
) -> None:
    hostile = write_csv(tmp_path / "thua_cot.csv", HEADER, "X1,1.000656,G01,XA-CV,2,4,20230216080000,,,0,extra")
    code, output = ingest(capsys, warehouse, hostile, good_file(tmp_path))
    assert code == 0
    assert_loaded_beside(code, output, warehouse)
    assert raw(warehouse, "select file_id, line from quarantine") == [(3, 2)]
    assert raw(warehouse, "select _line from raw_dossiers where MaHoSo = 'G3'") == [(2,)]
