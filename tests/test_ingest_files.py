"""Reading export files: every container and encoding the portal and Excel produce.

The same three dossiers are written in each form; whatever the form, they must load
as the same rows and give the same KPI. Expected values are worked out by hand:

    H1  online (2)  finished 12/01 (due 15/01: early)    received 10/01
    H2  direct (1)  open, due 20/01 (< 31/01: overdue)   received 11/01
    H3  postal (3)  open, no due date (within due)       received 12/01

so January 2023 has received 3 = 1 online + 1 direct + 1 postal, resolved 1 (early),
pending 2 (1 within due, 1 overdue).
"""

from __future__ import annotations

import codecs
import json
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import kpi_one, load, raw, write_csv
from openpyxl import Workbook

from warehouse.paths import WarehousePaths

HEADER = [
    "MaHoSo",
    "MaTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "MaDonVi",
    "KenhThucHien",
    "TrangThaiHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
]
ROWS = [
    ["H1", "1.000656", "G01", "Hộ tịch", "XA-CV", "2", "9", "20230110080000", "20230115170000", "20230112100000"],
    ["H2", "1.000656", "G01", "Hộ tịch", "XA-CV", "1", "4", "20230111080000", "20230120170000", ""],
    ["H3", "2.000123", "G02", "Đất đai", "XA-CV", "3", "4", "20230112080000", "", ""],
]
# every form also carries a column the contract does not know
EXTRA_HEADER = HEADER + ["GhiChu"]
EXTRA_ROWS = [row + [note] for row, note in zip(ROWS, ["nộp thay", "", "x"])]
JANUARY = {
    "received": 3,
    "received_online": 1,
    "received_direct": 1,
    "received_postal": 1,
    "resolved": 1,
    "resolved_early": 1,
    "pending": 2,
    "pending_within_due": 1,
    "pending_overdue": 1,
}
AGENCIES = "MaDonVi,TenDonVi,Cap,MaDVHC"


# ------------------------------------------------------------------ writers


def _csv_text(header: list[str], rows: list[list[str]], sep: str = ",", newline: str = "\n") -> str:
    return newline.join(sep.join(row) for row in [header, *rows]) + newline


def _typed(value: str, column: str) -> Any:
    """A cell as a spreadsheet or a JSON API holds it: numbers as numbers, empty as nothing."""
    if value == "":
        return None
    if column in ("KenhThucHien", "TrangThaiHoSo"):
        return int(value)
    return value


def _records(header: list[str], rows: list[list[str]]) -> list[dict[str, Any]]:
    return [{column: _typed(value, column) for column, value in zip(header, row)} for row in rows]


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes it: base letters (â, ơ, đ...) precomposed, tone marks combining."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        out += (base + "".join(c for c in parts if c in _TONE_MARKS)).encode("cp1258")
    return bytes(out)


def write_utf8(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path = path.with_suffix(".csv")
    path.write_bytes(_csv_text(header, rows).encode("utf-8"))
    return path


def write_utf8_bom(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    # Excel's "CSV UTF-8 (Comma delimited)"
    path = path.with_suffix(".csv")
    path.write_bytes(codecs.BOM_UTF8 + _csv_text(header, rows, newline="\r\n").encode("utf-8"))
    return path


def write_utf16_tab(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    # Excel's "Unicode Text (*.txt)": UTF-16LE with a BOM, TAB-separated, CRLF
    path = path.with_suffix(".txt")
    path.write_bytes(codecs.BOM_UTF16_LE + _csv_text(header, rows, sep="\t", newline="\r\n").encode("utf-16-le"))
    return path


def write_cp1258(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path = path.with_suffix(".csv")
    path.write_bytes(encode_cp1258(_csv_text(header, rows, newline="\r\n")))
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path = path.with_suffix(".xlsx")
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for record in _records(header, rows):
        ws.append(list(record.values()))
    wb.save(path)
    return path


def write_json_list(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path = path.with_suffix(".json")
    path.write_text(json.dumps(_records(header, rows), ensure_ascii=False), encoding="utf-8")
    return path


def write_json_object(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    # a JSON API page: {"data": [...], "total": n}
    path = path.with_suffix(".json")
    page = {"total": len(rows), "page": 1, "data": _records(header, rows)}
    path.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    return path


FORMS: dict[str, Callable[[Path, list[str], list[list[str]]], Path]] = {
    "csv-utf8": write_utf8,
    "csv-utf8-bom": write_utf8_bom,
    "utf16-tab": write_utf16_tab,
    "csv-windows-1258": write_cp1258,
    "xlsx": write_xlsx,
    "json-list": write_json_list,
    "json-object": write_json_object,
}


# ------------------------------------------------------------------ every form


@pytest.fixture(scope="module", params=list(FORMS))
def loaded_form(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(request.param)
    path = FORMS[request.param](folder / "hoso", EXTRA_HEADER, EXTRA_ROWS)
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    return request.param, warehouse, load(warehouse, path).files[0]


def test_each_form_is_read_as_dossiers(loaded_form) -> None:
    _form, _warehouse, report = loaded_form
    assert report.error is None
    assert (report.kind, report.rows_loaded, report.rows_quarantined) == ("dossiers", 3, 0)


def test_each_form_gives_the_same_kpi(loaded_form) -> None:
    _form, warehouse, _report = loaded_form
    row = kpi_one(warehouse, "2023-01-01", "2023-01-31")
    assert {key: row[key] for key in JANUARY} == JANUARY


def test_each_form_keeps_the_vietnamese_text(loaded_form) -> None:
    # the same text as typed, in the composed (NFC) form every other source uses
    _form, warehouse, _report = loaded_form
    names = raw(warehouse, "select MaHoSo, TenLinhVuc from raw_dossiers order by MaHoSo")
    assert names == [("H1", "Hộ tịch"), ("H2", "Hộ tịch"), ("H3", "Đất đai")]


def test_each_form_keeps_the_dossier_codes_and_dates(loaded_form) -> None:
    _form, warehouse, _report = loaded_form
    rows = raw(
        warehouse,
        "select MaHoSo, KenhThucHien, TrangThaiHoSo, strftime(NgayTiepNhan, '%Y-%m-%d %H:%M'), "
        "NgayKetThucXuLy is null from raw_dossiers order by MaHoSo",
    )
    assert rows == [
        ("H1", 2, 9, "2023-01-10 08:00", False),
        ("H2", 1, 4, "2023-01-11 08:00", True),
        ("H3", 3, 4, "2023-01-12 08:00", True),
    ]


def test_each_form_keeps_the_unknown_column_in_extra(loaded_form) -> None:
    _form, warehouse, _report = loaded_form
    extra = raw(warehouse, "select _extra from raw_dossiers where MaHoSo = 'H1'")[0][0]
    # (how the text is composed is test_each_form_keeps_the_vietnamese_text's business)
    assert json.loads(unicodedata.normalize("NFC", extra)) == {"GhiChu": "nộp thay"}


ENCODING_NOTES = {"utf16-tab": "UTF-16", "csv-windows-1258": "Windows-1258"}


def test_each_form_reports_the_encoding_it_was_read_in(loaded_form) -> None:
    form, _warehouse, report = loaded_form
    encoding_notes = [note for note in report.notes if "read as" in note]
    if form in ENCODING_NOTES:
        assert len(encoding_notes) == 1 and ENCODING_NOTES[form] in encoding_notes[0]
    else:
        assert encoding_notes == []


def test_json_object_under_another_key_is_found(tmp_path: Path, warehouse: WarehousePaths) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"ketQua": _records(HEADER, ROWS)}, ensure_ascii=False), encoding="utf-8")
    report = load(warehouse, path).files[0]
    assert (report.kind, report.rows_loaded) == ("dossiers", 3)


def test_xlsx_date_cells_load_as_local_times(tmp_path: Path, warehouse: WarehousePaths) -> None:
    # an analyst who re-typed the dates in Excel: real date cells, not text
    from datetime import datetime

    path = tmp_path / "hoso.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(
        [
            "X1",
            "1.000656",
            "G01",
            "Hộ tịch",
            "XA-CV",
            1,
            9,
            datetime(2023, 1, 10, 8, 0),
            datetime(2023, 1, 15, 17, 0),
            datetime(2023, 1, 12, 10, 0),
        ]
    )
    wb.save(path)
    assert load(warehouse, path).files[0].rows_loaded == 1
    assert raw(
        warehouse,
        "select strftime(NgayTiepNhan, '%Y-%m-%d %H:%M'), strftime(NgayKetThucXuLy, '%d/%m') from raw_dossiers",
    ) == [("2023-01-10 08:00", "12/01")]


# ------------------------------------------------------------------ column names


@pytest.mark.parametrize(
    "header",
    [
        [
            "ma_ho_so",
            "ma_tthc",
            "ma_linh_vuc",
            "ten_linh_vuc",
            "ma_don_vi",
            "kenh_thuc_hien",
            "trang_thai_ho_so",
            "ngay_tiep_nhan",
            "ngay_hen_tra",
            "ngay_ket_thuc_xu_ly",
        ],
        [
            "Mã hồ sơ",
            "Mã TTHC",
            "Mã lĩnh vực",
            "Tên lĩnh vực",
            "Mã đơn vị",
            "Kênh thực hiện",
            "Trạng thái hồ sơ",
            "Ngày tiếp nhận",
            "Ngày hẹn trả",
            "Ngày kết thúc xử lý",
        ],
    ],
    ids=["snake_case", "vietnamese-words"],
)
def test_column_names_match_loosely(tmp_path: Path, warehouse: WarehousePaths, header: list[str]) -> None:
    report = load(warehouse, write_utf8(tmp_path / "hoso", header, ROWS)).files[0]
    assert (report.error, report.kind, report.rows_loaded) == (None, "dossiers", 3)
    assert kpi_one(warehouse, "2023-01-01", "2023-01-31")["received_online"] == 1


def test_file_with_only_the_required_columns_counts(tmp_path: Path, warehouse: WarehousePaths) -> None:
    # MaLinhVuc/TenLinhVuc are optional and no procedures file was sent: the dossiers
    # have no known field, and still count in every total
    required = [c for c in HEADER if c not in ("MaLinhVuc", "TenLinhVuc")]
    rows = [[v for c, v in zip(HEADER, row) if c in required] for row in ROWS]
    assert load(warehouse, write_utf8(tmp_path / "hoso", required, rows)).files[0].rows_loaded == 3
    row = kpi_one(warehouse, "2023-01-01", "2023-01-31")
    assert {key: row[key] for key in JANUARY} == JANUARY


# ------------------------------------------------------------------ personal data

PERSONAL_HEADER = HEADER + ["HoTenNguoiNop", "SoCCCD", "SoDienThoai", "GhiChu"]
NAME, ID_NUMBER, PHONE = "Nguyễn Thị Hoa", "001203004567", "0912345678"
PERSONAL_ROWS = [
    ["P1", "1.000656", "G01", "Hộ tịch", "XA-CV", "2", "4", "20230110080000", "", "", NAME, ID_NUMBER, PHONE, "ok"],
    # status 11 does not exist: this row goes to quarantine, and must arrive there without the person
    [
        "P2",
        "1.000656",
        "G01",
        "Hộ tịch",
        "XA-CV",
        "2",
        "11",
        "20230110080000",
        "",
        "",
        "Lê Văn Nam",
        "001099000111",
        "0987654321",
        "bad",
    ],
]
SECRETS = (NAME, ID_NUMBER, PHONE, "Lê Văn Nam", "001099000111", "0987654321")
PERSONAL_COLUMNS = ("HoTenNguoiNop", "SoCCCD", "SoDienThoai")


@pytest.fixture(scope="module", params=["csv-utf8", "xlsx"])
def personal_load(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("personal-" + request.param)
    path = FORMS[request.param](folder / "hoso_co_ten", PERSONAL_HEADER, PERSONAL_ROWS)
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    return warehouse, load(warehouse, path).files[0]


def test_personal_data_file_still_loads(personal_load) -> None:
    _warehouse, report = personal_load
    assert (report.kind, report.rows_loaded, report.rows_quarantined) == ("dossiers", 1, 1)


def test_personal_data_columns_are_reported_dropped(personal_load) -> None:
    _warehouse, report = personal_load
    notes = " ".join(report.notes)
    assert all(column in notes for column in PERSONAL_COLUMNS)


def test_personal_data_is_not_in_raw_dossiers(personal_load) -> None:
    warehouse, _report = personal_load
    (extra,) = raw(warehouse, "select _extra from raw_dossiers where MaHoSo = 'P1'")[0]
    assert json.loads(extra) == {"GhiChu": "ok"}
    everything = json.dumps(raw(warehouse, "select to_json(raw_dossiers) from raw_dossiers"), ensure_ascii=False)
    assert not [secret for secret in SECRETS + PERSONAL_COLUMNS if secret in everything]


def test_personal_data_is_not_in_quarantine(personal_load) -> None:
    warehouse, _report = personal_load
    records = raw(warehouse, "select record from quarantine")
    assert len(records) == 1 and "P2" in records[0][0]
    text = json.dumps(records, ensure_ascii=False)
    assert not [secret for secret in SECRETS + PERSONAL_COLUMNS if secret in text]


def test_personal_data_is_not_in_the_archived_file(personal_load) -> None:
    warehouse, _report = personal_load
    archived = [p for p in warehouse.archive.rglob("*") if p.is_file()]
    assert len(archived) == 1
    content = archived[0].read_bytes()
    assert b"P1" in content  # it is the file, readable as text
    text = content.decode("utf-8")
    assert not [secret for secret in SECRETS + PERSONAL_COLUMNS if secret in text]


def test_personal_data_is_not_in_the_published_snapshot(personal_load) -> None:
    from warehouse.snapshot import open_snapshot

    warehouse, _report = personal_load
    with open_snapshot(warehouse) as (con, _info):
        tables = [row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()]
        dumped = " ".join(
            json.dumps(con.execute(f'select to_json(t) from "{table}" as t').fetchall(), ensure_ascii=False)
            for table in tables
        )
    assert not [secret for secret in SECRETS if secret in dumped]


# ------------------------------------------------------------------ unit codes


@pytest.fixture(scope="module")
def unpadded(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    folder = tmp_path_factory.mktemp("unpadded")
    agencies = write_csv(
        folder / "donvi.csv",
        AGENCIES,
        "XA-CV,UBND xã Cù Vân,XA,5809",
        "H-DT,UBND huyện Đại Từ,HUYEN,171",
        "S-TN,Trung tâm Phục vụ hành chính công tỉnh Thái Nguyên,TINH,19",
    )
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    result = load(warehouse, agencies, write_utf8(folder / "hoso", HEADER, ROWS))
    assert [f.rows_loaded for f in result.files] == [3, 3]
    return warehouse


def test_unpadded_unit_codes_are_padded(unpadded: WarehousePaths) -> None:
    assert raw(unpadded, "select MaDonVi, MaDVHC from raw_agencies order by MaDonVi") == [
        ("H-DT", "171"),
        ("S-TN", "19"),
        ("XA-CV", "05809"),
    ]


def test_padded_agency_counts_under_its_commune(unpadded: WarehousePaths) -> None:
    row = kpi_one(unpadded, "2023-01-01", "2023-01-31", unit="05809")
    assert (row["unit_name"], row["received"]) == ("Xã Cù Vân", 3)


def test_unit_code_typed_as_a_number_in_xlsx_is_padded(tmp_path: Path, warehouse: WarehousePaths) -> None:
    path = tmp_path / "donvi.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["MaDonVi", "TenDonVi", "Cap", "MaDVHC"])
    ws.append(["XA-CV", "UBND xã Cù Vân", "XA", 5809])
    ws.append(["H-DT", "UBND huyện Đại Từ", "HUYEN", 171])
    wb.save(path)
    assert load(warehouse, path).files[0].rows_loaded == 2
    assert raw(warehouse, "select MaDonVi, MaDVHC from raw_agencies order by MaDonVi") == [
        ("H-DT", "171"),
        ("XA-CV", "05809"),
    ]
