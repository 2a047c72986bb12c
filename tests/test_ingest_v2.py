"""Contract v2 by file (issue 12 items 1 and 5; DESIGN §3, §4 unknown-column rule, §7).

The three new kinds (ratings, feedback, the published 766 index) are told from their
columns, never confused with a dossier export; every bad value is quarantined with its
reason while the good rows load; a dossier rated again keeps its latest rating; the
v2 flags of dossiers and procedures follow the flags' unknown rule (no column: NULL,
empty cell: 0); and a v1 file loads as it always did. Fixtures are written by each test.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from conftest import load, raw, write_csv
from openpyxl import Workbook

from ingest.__main__ import main
from ingest.contract import AGENCIES, DOSSIERS, FEEDBACK, INDEX766, PROCEDURES, RATINGS, detect_kind
from ingest.load import FileReport, load_file
from warehouse import health
from warehouse.paths import WarehousePaths
from warehouse.snapshot import open_snapshot
from warehouse.writer import open_writer

RATINGS_HEADER = ["MaHoSo", "ThoiGianDanhGia", "MucDoHaiLong", "KenhDanhGia"]
FEEDBACK_HEADER = [
    "MaPAKN",
    "MaDonVi",
    "NgayTiepNhan",
    "NgayXuLyXong",
    "TrangThaiPAKN",
    "PhanLoai",
    "MaHoSo",
    "SoThich",
    "SoKhongThich",
    "PhanAnhLai",
]
INDEX_HEADER = ["MaDonVi", "MaDVHC", "TuNgay", "DenNgay", "MaChiSo", "TuSo", "MauSo", "Diem"]
DOSSIER_HEADER = [
    "MaHoSo",
    "MaTTHC",
    "MaLinhVuc",
    "MaDonVi",
    "KenhThucHien",
    "TrangThaiHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
]
PROCEDURE_HEADER = ["MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "MucDo", "CapThucHien"]

GOOD_RATING = ["H1", "20230120100000", "1", "1"]
GOOD_FEEDBACK = ["P1", "XA-CV", "20230110080000", "20230112080000", "5", "1", "H1", "3", "1", "0"]
GOOD_INDEX = ["", "05809", "2023-01-01", "2023-12-31", "2.1", "9", "10", "1.8"]
H1 = ["H1", "1.000656", "G01", "XA-CV", "2", "9", "20230110080000", "20230120170000", "20230115100000"]


def write_table(path: Path, container: str, header: list[str], rows: list[list[str]]) -> Path:
    """The rows as a CSV, an XLSX or a JSON export (`{"data": [records]}`, as the portal answers)."""
    if container == "csv":
        quoted = [",".join(f'"{value}"' for value in row) for row in rows]
        return write_csv(path.with_suffix(".csv"), ",".join(header), *quoted)
    if container == "xlsx":
        workbook = Workbook()
        for row in [header, *rows]:
            workbook.active.append(row)
        workbook.save(path.with_suffix(".xlsx"))
        return path.with_suffix(".xlsx")
    path = path.with_suffix(".json")
    records = [dict(zip(header, row)) for row in rows]
    path.write_text(json.dumps({"data": records}, ensure_ascii=False), encoding="utf-8")
    return path


def load_raw(warehouse: WarehousePaths, path: Path) -> FileReport:
    """The loader without the publish after it (building the marts is most of a load's time):
    for tests that read only raw tables and the quarantine."""
    with open_writer(warehouse) as con:
        return load_file(con, warehouse, path)


def ingest(capsys: pytest.CaptureFixture[str], warehouse: WarehousePaths, *files: Path) -> tuple[int, str]:
    """`python -m ingest load FILES...` in-process: (exit code, everything it printed)."""
    code = main(["load", "--warehouse", str(warehouse.database), *map(str, files)])
    printed = capsys.readouterr()
    return code, printed.out + printed.err


def lines_about(output: str, path: Path) -> list[str]:
    """The file's report: its first line and the indented lines under it."""
    lines, mine = [], False
    for line in output.splitlines():
        if not line.startswith(" "):
            mine = line.startswith(f"{path.name}:")
        if mine:
            lines.append(line)
    return lines


def orphans(warehouse: WarehousePaths) -> list[tuple]:
    with open_snapshot(warehouse) as (con, _info):
        return health.orphan_v2_rows(con).rows()


# ------------------------------------------------------------------ detection


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        (RATINGS_HEADER, RATINGS),
        (RATINGS_HEADER[:3], RATINGS),
        (FEEDBACK_HEADER, FEEDBACK),
        (FEEDBACK_HEADER[:5], FEEDBACK),
        (INDEX_HEADER, INDEX766),
        (["MaDVHC", "TuNgay", "DenNgay", "MaChiSo", "Diem"], INDEX766),
        (["ma_don_vi", "tu_ngay", "den_ngay", "ma_chi_so", "diem"], INDEX766),
        # a ratings export that also names the dossier's agency and reception: still ratings
        (RATINGS_HEADER + ["MaDonVi", "NgayTiepNhan", "MaTTHC"], RATINGS),
    ],
    ids=[
        "ratings",
        "ratings-required",
        "feedback",
        "feedback-required",
        "index",
        "index-by-area",
        "index-snake",
        "ratings+context",
    ],
)
def test_new_kinds_are_detected_from_their_columns(columns: list[str], kind) -> None:
    assert detect_kind(columns) is kind


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        (list(DOSSIERS.columns), DOSSIERS),
        (list(DOSSIERS.required), DOSSIERS),
        (list(PROCEDURES.columns), PROCEDURES),
        (list(PROCEDURES.required), PROCEDURES),
        (list(AGENCIES.columns), AGENCIES),
        (list(AGENCIES.required), AGENCIES),
        # a v1 dossier export lacking columns is still named a dossier export (its message says which)
        (["MaHoSo", "MaTTHC", "MaDonVi", "NgayTiepNhan"], DOSSIERS),
        # a dossier export carrying its rating and a PAKN code stays a dossier export
        (list(DOSSIERS.columns) + ["ThoiGianDanhGia", "MucDoHaiLong", "MaPAKN"], DOSSIERS),
        # an agencies export with a period: not a published index
        (list(AGENCIES.columns) + ["TuNgay", "DenNgay"], AGENCIES),
    ],
    ids=[
        "dossiers",
        "dossiers-required",
        "procedures",
        "procedures-required",
        "agencies",
        "agencies-required",
        "dossiers-incomplete",
        "dossiers+rating",
        "agencies+period",
    ],
)
def test_v1_and_dossier_exports_keep_their_kind(columns: list[str], kind) -> None:
    assert detect_kind(columns) is kind


def test_a_file_of_no_kind_is_refused_naming_the_new_kinds(capsys, warehouse: WarehousePaths, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "khac.csv", "Foo,Bar,Baz", "1,2,3")
    code, output = ingest(capsys, warehouse, path)
    (line,) = lines_about(output, path)
    assert code == 2 and "not a portal export" in line
    assert all(word in line for word in ("dossiers", "ratings", "feedback", "766 index")), line


def test_an_index_without_a_unit_column_names_both(capsys, warehouse: WarehousePaths, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "chiso.csv", "TuNgay,DenNgay,MaChiSo,Diem", "2023-01-01,2023-12-31,2.1,1.8")
    code, output = ingest(capsys, warehouse, path)
    assert code == 2
    assert "an index766 export must have the column(s) MaDonVi or MaDVHC" in lines_about(output, path)[0]


def test_a_feedback_file_without_its_handled_date_is_refused(capsys, warehouse: WarehousePaths, tmp_path: Path) -> None:
    header = [c for c in FEEDBACK_HEADER if c != "NgayXuLyXong"]
    row = [v for c, v in zip(FEEDBACK_HEADER, GOOD_FEEDBACK) if c != "NgayXuLyXong"]
    path = write_table(tmp_path / "pakn", "csv", header, [row])
    code, output = ingest(capsys, warehouse, path)
    assert code == 2 and "a feedback export must have the column(s) NgayXuLyXong" in output, output
    assert raw(warehouse, "select count(*) from raw_feedback") == [(0,)]


# ------------------------------------------------------------------ one of each container per kind


@pytest.mark.parametrize("container", ["csv", "xlsx", "json"])
def test_ratings_load_from_every_container(container: str, warehouse: WarehousePaths, tmp_path: Path) -> None:
    path = write_table(
        tmp_path / "danhgia", container, RATINGS_HEADER, [GOOD_RATING, ["H2", "2023-01-21 09:30:00", "3", ""]]
    )
    report = load_raw(warehouse, path)
    assert (report.error, report.kind, report.rows_loaded, report.rows_quarantined) == (None, "ratings", 2, 0)
    assert raw(warehouse, "select * exclude (_file_id, _line) from raw_ratings order by MaHoSo") == [
        ("H1", datetime(2023, 1, 20, 10, 0), 1, 1, None),
        ("H2", datetime(2023, 1, 21, 9, 30), 3, None, None),  # an empty channel is no channel
    ]


@pytest.mark.parametrize("container", ["csv", "xlsx", "json"])
def test_feedback_loads_from_every_container(container: str, warehouse: WarehousePaths, tmp_path: Path) -> None:
    still_open = ["P2", "XA-CV", "20230111080000", "", "2", "", "", "", "", ""]
    path = write_table(tmp_path / "pakn", container, FEEDBACK_HEADER, [GOOD_FEEDBACK, still_open])
    report = load_raw(warehouse, path)
    assert (report.error, report.kind, report.rows_loaded, report.rows_quarantined) == (None, "feedback", 2, 0)
    assert raw(warehouse, "select * exclude (_file_id, _line) from raw_feedback order by MaPAKN") == [
        ("P1", "XA-CV", datetime(2023, 1, 10, 8), datetime(2023, 1, 12, 8), 5, 1, "H1", 3, 1, 0, None),
        # empty likes, dislikes and "raised again" of a file that has the columns: 0
        ("P2", "XA-CV", datetime(2023, 1, 11, 8), None, 2, None, None, 0, 0, 0, None),
    ]


@pytest.mark.parametrize("container", ["csv", "xlsx", "json"])
def test_index_loads_from_every_container(container: str, warehouse: WarehousePaths, tmp_path: Path) -> None:
    by_agency = ["XA-CV", "", "01/01/2023", "31/12/2023", "3.3", "", "", "0.5"]
    path = write_table(tmp_path / "chiso766", container, INDEX_HEADER, [GOOD_INDEX, by_agency])
    report = load_raw(warehouse, path)
    assert (report.error, report.kind, report.rows_loaded, report.rows_quarantined) == (None, "index766", 2, 0)
    assert raw(warehouse, "select * exclude (_file_id, _line) from raw_index766 order by MaChiSo") == [
        (None, "05809", datetime(2023, 1, 1).date(), datetime(2023, 12, 31).date(), "2.1", 9.0, 10.0, 1.8, None),
        ("XA-CV", None, datetime(2023, 1, 1).date(), datetime(2023, 12, 31).date(), "3.3", None, None, 0.5, None),
    ]


# ------------------------------------------------------------------ bad values: quarantined with their reason


def _with(row: list[str], header: list[str], **changes: str) -> list[str]:
    return [changes.get(column, value) for column, value in zip(header, row)]


BAD = [
    (
        "ratings",
        RATINGS_HEADER,
        _with(GOOD_RATING, RATINGS_HEADER, MucDoHaiLong="7"),
        "MucDoHaiLong '7' is not a level 1..3",
    ),
    (
        "ratings",
        RATINGS_HEADER,
        _with(GOOD_RATING, RATINGS_HEADER, MucDoHaiLong=""),
        "MucDoHaiLong '' is not a level 1..3",
    ),
    (
        "ratings",
        RATINGS_HEADER,
        _with(GOOD_RATING, RATINGS_HEADER, KenhDanhGia="5"),
        "KenhDanhGia '5' is not a channel 1..4",
    ),
    ("ratings", RATINGS_HEADER, _with(GOOD_RATING, RATINGS_HEADER, ThoiGianDanhGia=""), "ThoiGianDanhGia is empty"),
    (
        "ratings",
        RATINGS_HEADER,
        _with(GOOD_RATING, RATINGS_HEADER, ThoiGianDanhGia="20990101080000"),
        "ThoiGianDanhGia is in the future (01/01/2099)",
    ),
    (
        "ratings",
        RATINGS_HEADER,
        _with(GOOD_RATING, RATINGS_HEADER, ThoiGianDanhGia="19990101080000"),
        "ThoiGianDanhGia is before 2000 (01/01/1999)",
    ),
    (
        "feedback",
        FEEDBACK_HEADER,
        _with(GOOD_FEEDBACK, FEEDBACK_HEADER, TrangThaiPAKN="7"),
        "TrangThaiPAKN '7' is not a status 1..6",
    ),
    (
        "feedback",
        FEEDBACK_HEADER,
        _with(GOOD_FEEDBACK, FEEDBACK_HEADER, PhanLoai="4"),
        "PhanLoai '4' is not a category 1..3",
    ),
    (
        "feedback",
        FEEDBACK_HEADER,
        _with(GOOD_FEEDBACK, FEEDBACK_HEADER, SoThich="-1"),
        "SoThich '-1' is not a count (0 or more)",
    ),
    (
        "feedback",
        FEEDBACK_HEADER,
        _with(GOOD_FEEDBACK, FEEDBACK_HEADER, SoKhongThich="x"),
        "SoKhongThich 'x' is not a count (0 or more)",
    ),
    (
        "feedback",
        FEEDBACK_HEADER,
        _with(GOOD_FEEDBACK, FEEDBACK_HEADER, PhanAnhLai="2"),
        "PhanAnhLai '2' is not 0 or 1",
    ),
    ("feedback", FEEDBACK_HEADER, _with(GOOD_FEEDBACK, FEEDBACK_HEADER, MaDonVi=""), "MaDonVi is empty"),
    (
        "feedback",
        FEEDBACK_HEADER,
        _with(GOOD_FEEDBACK, FEEDBACK_HEADER, NgayXuLyXong="20230105080000"),
        "NgayXuLyXong 05/01/2023 is before NgayTiepNhan 10/01/2023 (handled before it was received)",
    ),
    (
        "feedback",
        FEEDBACK_HEADER,
        _with(GOOD_FEEDBACK, FEEDBACK_HEADER, NgayTiepNhan="19980110080000", NgayXuLyXong=""),
        "a date is before 2000 (10/01/1998)",
    ),
    (
        "feedback",
        FEEDBACK_HEADER,
        _with(GOOD_FEEDBACK, FEEDBACK_HEADER, NgayXuLyXong="20990112080000"),
        "a date is in the future (12/01/2099)",
    ),
    (
        "index766",
        INDEX_HEADER,
        _with(GOOD_INDEX, INDEX_HEADER, TuNgay="2024-01-01"),
        "TuNgay 01/01/2024 is after DenNgay 31/12/2023",
    ),
    ("index766", INDEX_HEADER, _with(GOOD_INDEX, INDEX_HEADER, Diem="abc"), "Diem 'abc' is not a number"),
    ("index766", INDEX_HEADER, _with(GOOD_INDEX, INDEX_HEADER, Diem="nan"), "Diem 'nan' is not a number"),
    # a decimal comma is not guessed: "1,8" is 1.8 in Vietnamese and 18 in English
    ("index766", INDEX_HEADER, _with(GOOD_INDEX, INDEX_HEADER, Diem="1,8"), "Diem '1,8' is not a number"),
    ("index766", INDEX_HEADER, _with(GOOD_INDEX, INDEX_HEADER, MauSo="-3"), "MauSo '-3' is not a number (0 or more)"),
    ("index766", INDEX_HEADER, _with(GOOD_INDEX, INDEX_HEADER, MaDVHC=""), "both MaDonVi and MaDVHC are empty"),
    (
        "index766",
        INDEX_HEADER,
        _with(GOOD_INDEX, INDEX_HEADER, TuNgay="1999-01-01"),
        "a date is before 2000 (01/01/1999)",
    ),
]


@pytest.mark.parametrize(("kind", "header", "bad", "reason"), BAD, ids=[reason for *_, reason in BAD])
def test_bad_value_is_quarantined_with_its_reason_and_the_good_row_loads(
    kind: str, header: list[str], bad: list[str], reason: str, warehouse: WarehousePaths, tmp_path: Path
) -> None:
    good = {"ratings": GOOD_RATING, "feedback": GOOD_FEEDBACK, "index766": GOOD_INDEX}[kind]
    # the bad row names another key, so that it is not a repeat of the good one
    other = _with(bad, header, MaHoSo="H9", MaPAKN="P9", MaChiSo="9.9")
    report = load_raw(warehouse, write_table(tmp_path / kind, "csv", header, [good, other]))
    assert (report.kind, report.rows_loaded, report.rows_quarantined) == (kind, 1, 1)
    assert raw(warehouse, "select kind, line, reason from quarantine") == [(kind, 3, reason)]
    assert raw(warehouse, f"select count(*) from raw_{kind}") == [(1,)]


# ------------------------------------------------------------------ re-sent rows


def test_a_dossier_rated_again_keeps_its_latest_rating(warehouse: WarehousePaths, tmp_path: Path) -> None:
    def rate(name: str, when: str, level: str):
        report = load_raw(warehouse, write_table(tmp_path / name, "csv", RATINGS_HEADER, [["H1", when, level, "1"]]))
        return report, raw(warehouse, "select MucDoHaiLong from raw_ratings where MaHoSo = 'H1'")

    assert rate("first", "20230120100000", "1")[1] == [(1,)]
    assert rate("later", "20230125100000", "3")[1] == [(3,)]  # a later rating replaces it
    # an older rating loaded afterwards (a late export) does not: the latest rating stays
    report, levels = rate("late_export", "20230122100000", "2")
    assert levels == [(3,)]
    assert "1 row(s) older by ThoiGianDanhGia than the version already loaded: that one is kept" in report.notes
    # the same time again: the later load wins
    assert rate("same_time", "20230125100000", "2")[1] == [(2,)]


def test_a_dossier_rated_twice_in_one_file_keeps_the_later_rating(warehouse: WarehousePaths, tmp_path: Path) -> None:
    rows = [
        ["H1", "20230125100000", "3", "1"],  # the latest rating, though not the last row
        ["H1", "20230120100000", "1", "1"],
        ["H2", "20230120100000", "1", "1"],
        ["H2", "20230120100000", "2", "1"],  # the same time: the later row
    ]
    report = load_raw(warehouse, write_table(tmp_path / "danhgia", "csv", RATINGS_HEADER, rows))
    assert (report.rows_loaded, report.rows_quarantined) == (2, 2)
    assert raw(warehouse, "select MaHoSo, MucDoHaiLong from raw_ratings order by 1") == [("H1", 3), ("H2", 2)]
    assert raw(warehouse, "select line, reason from quarantine order by line") == [
        (3, "MaHoSo H1 appears again at line 2 of this file (the row with the latest ThoiGianDanhGia wins)"),
        (4, "MaHoSo H2 appears again at line 5 of this file (the row with the latest ThoiGianDanhGia wins)"),
    ]


def test_feedback_loaded_last_wins(warehouse: WarehousePaths, tmp_path: Path) -> None:
    handled = GOOD_FEEDBACK
    reopened = _with(GOOD_FEEDBACK, FEEDBACK_HEADER, NgayXuLyXong="", TrangThaiPAKN="2")
    load_raw(warehouse, write_table(tmp_path / "first", "csv", FEEDBACK_HEADER, [handled]))
    load_raw(warehouse, write_table(tmp_path / "second", "csv", FEEDBACK_HEADER, [reopened]))
    assert raw(warehouse, "select MaPAKN, TrangThaiPAKN, NgayXuLyXong from raw_feedback") == [("P1", 2, None)]


def test_index_rows_are_keyed_by_unit_period_and_indicator(warehouse: WarehousePaths, tmp_path: Path) -> None:
    first = [
        GOOD_INDEX,  # 05809 (an area), 2023, 2.1: 1.8
        _with(GOOD_INDEX, INDEX_HEADER, MaChiSo="3.3", Diem="0.4"),  # another indicator
        _with(GOOD_INDEX, INDEX_HEADER, TuNgay="2022-01-01", DenNgay="2022-12-31", Diem="1.5"),  # another period
        _with(GOOD_INDEX, INDEX_HEADER, MaDonVi="XA-CV", Diem="1.6"),  # named by its agency: another unit
    ]
    load_raw(warehouse, write_table(tmp_path / "first", "csv", INDEX_HEADER, first))
    # the later load wins for its key only: (05809, 2023, 2.1)
    load(
        warehouse, write_table(tmp_path / "second", "csv", INDEX_HEADER, [_with(GOOD_INDEX, INDEX_HEADER, Diem="1.9")])
    )
    rows = raw(
        warehouse, "select coalesce(MaDonVi, MaDVHC), year(TuNgay), MaChiSo, Diem from raw_index766 order by all"
    )
    assert rows == [
        ("05809", 2022, "2.1", 1.5),
        ("05809", 2023, "2.1", 1.9),
        ("05809", 2023, "3.3", 0.4),
        ("XA-CV", 2023, "2.1", 1.6),
    ]


def test_an_index_row_twice_in_one_file_keeps_the_later_row(warehouse: WarehousePaths, tmp_path: Path) -> None:
    rows = [GOOD_INDEX, _with(GOOD_INDEX, INDEX_HEADER, Diem="1.9")]
    report = load_raw(warehouse, write_table(tmp_path / "chiso", "csv", INDEX_HEADER, rows))
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    assert raw(warehouse, "select Diem from raw_index766") == [(1.9,)]
    assert raw(warehouse, "select reason from quarantine") == [
        ("the key (05809, 2023-01-01, 2023-12-31, 2.1) appears again at line 3 of this file (the later row wins)",)
    ]


@pytest.mark.parametrize(
    ("header", "rows", "table"),
    [
        (RATINGS_HEADER, [GOOD_RATING], "raw_ratings"),
        (FEEDBACK_HEADER, [GOOD_FEEDBACK], "raw_feedback"),
        (INDEX_HEADER, [GOOD_INDEX], "raw_index766"),
    ],
    ids=["ratings", "feedback", "index766"],
)
def test_the_same_file_twice_changes_nothing(
    header: list[str], rows: list[list[str]], table: str, warehouse: WarehousePaths, tmp_path: Path
) -> None:
    path = write_table(tmp_path / "export", "csv", header, rows)
    load(warehouse, path)
    before = raw(warehouse, f"select * from {table}"), raw(warehouse, "select count(*) from ingest_files")
    pointer = warehouse.current_pointer.read_text()
    again = load(warehouse, path)
    assert again.files[0].already_loaded and again.snapshot is None
    assert (raw(warehouse, f"select * from {table}"), raw(warehouse, "select count(*) from ingest_files")) == before
    assert warehouse.current_pointer.read_text() == pointer


# ------------------------------------------------------------------ v2 flags of v1 kinds; v1 files unchanged

FLAGS = ["CoTaiSuDungDuLieuSoHoa", "DuocLayTuKhoDMQG", "TaiKhoanDuocXacThucVoiVNeID"]


def dossier_flags(warehouse: WarehousePaths) -> list[tuple]:
    return raw(warehouse, f"select MaHoSo, {', '.join(FLAGS)} from raw_dossiers order by MaHoSo")


def test_dossier_v2_flags_empty_cell_is_0_and_value_is_kept(warehouse: WarehousePaths, tmp_path: Path) -> None:
    rows = [H1 + ["1", "", "0"], _with(H1, DOSSIER_HEADER, MaHoSo="H2") + ["", "1", "1"]]
    load_raw(warehouse, write_table(tmp_path / "hoso", "csv", DOSSIER_HEADER + FLAGS, rows))
    assert dossier_flags(warehouse) == [("H1", 1, 0, 0), ("H2", 0, 1, 1)]


def test_dossier_file_without_the_v2_columns_leaves_them_unknown(warehouse: WarehousePaths, tmp_path: Path) -> None:
    # one flag present (empty: 0), the two others absent from the file: NULL
    load_raw(warehouse, write_table(tmp_path / "hoso", "csv", DOSSIER_HEADER + ["DuocLayTuKhoDMQG"], [H1 + [""]]))
    assert dossier_flags(warehouse) == [("H1", None, 0, None)]


@pytest.mark.parametrize("flag", FLAGS)
def test_dossier_v2_flag_not_0_or_1_is_quarantined(flag: str, warehouse: WarehousePaths, tmp_path: Path) -> None:
    report = load_raw(warehouse, write_table(tmp_path / "hoso", "csv", DOSSIER_HEADER + [flag], [H1 + ["2"]]))
    assert (report.rows_loaded, report.rows_quarantined) == (0, 1)
    assert raw(warehouse, "select reason from quarantine") == [(f"{flag} '2' is not 0 or 1",)]


def test_procedure_eligibility_follows_the_unknown_rule(warehouse: WarehousePaths, tmp_path: Path) -> None:
    header = PROCEDURE_HEADER + ["DuDieuKienToanTrinh"]
    rows = [
        ["1.000656", "Đăng ký khai sinh", "G01", "Hộ tịch", "4", "XA", "1"],
        ["1.000657", "Đăng ký kết hôn", "G01", "Hộ tịch", "3", "XA", ""],
        ["1.000658", "Trích lục", "G01", "Hộ tịch", "3", "XA", "x"],
    ]
    report = load_raw(warehouse, write_table(tmp_path / "thutuc", "csv", header, rows))
    assert (report.rows_loaded, report.rows_quarantined) == (2, 1)
    assert raw(warehouse, "select reason from quarantine") == [("DuDieuKienToanTrinh 'x' is not 0 or 1",)]
    # a v1 catalogue (no such column) sent later: its procedures' eligibility is unknown
    load_raw(warehouse, write_table(tmp_path / "thutuc_v1", "csv", PROCEDURE_HEADER, [rows[0][:-1]]))
    assert raw(warehouse, "select MaTTHC, DuDieuKienToanTrinh from raw_procedures order by 1") == [
        ("1.000656", None),
        ("1.000657", 0),
    ]


def test_v1_dossier_file_loads_as_before(warehouse: WarehousePaths, tmp_path: Path) -> None:
    rows = [H1, _with(H1, DOSSIER_HEADER, MaHoSo="H2", TrangThaiHoSo="4", NgayKetThucXuLy="")]
    report = load_raw(warehouse, write_table(tmp_path / "hoso", "csv", DOSSIER_HEADER, rows))
    assert (report.error, report.kind, report.rows_loaded, report.rows_quarantined, report.notes) == (
        None,
        "dossiers",
        2,
        0,
        [],
    )
    assert raw(
        warehouse,
        "select MaHoSo, TrangThaiHoSo, NgayKetThucXuLy, HoSoCoThanhPhanSoHoa, _extra from raw_dossiers order by 1",
    ) == [("H1", 9, datetime(2023, 1, 15, 10), None, None), ("H2", 4, None, None, None)]
    assert dossier_flags(warehouse) == [("H1", None, None, None), ("H2", None, None, None)]


# ------------------------------------------------------------------ unknown dossiers and agencies


def test_ratings_before_their_dossiers_load_and_stop_being_orphans(warehouse: WarehousePaths, tmp_path: Path) -> None:
    agencies = write_csv(tmp_path / "donvi.csv", "MaDonVi,TenDonVi,Cap,MaDVHC", "XA-CV,UBND xã Cù Vân,XA,05809")
    ratings = write_table(
        tmp_path / "danhgia", "csv", RATINGS_HEADER, [GOOD_RATING, ["H2", "20230121100000", "3", "2"]]
    )
    report = load(warehouse, agencies, ratings).files[1]
    assert (report.rows_loaded, report.rows_quarantined) == (2, 0)  # kept, not quarantined
    assert any(note.startswith("2 row(s) name a dossier not loaded (yet), e.g. H1, H2") for note in report.notes)
    assert orphans(warehouse) == [("ratings", "dossier", 2, 2, "H1, H2")]
    # H1 arrives: only H2's rating is still an orphan
    load(warehouse, write_table(tmp_path / "hoso", "csv", DOSSIER_HEADER, [H1]))
    assert orphans(warehouse) == [("ratings", "dossier", 1, 1, "H2")]
    assert raw(warehouse, "select count(*) from raw_ratings") == [(2,)]


def test_feedback_naming_an_unknown_agency_or_dossier_is_kept_and_reported(
    warehouse: WarehousePaths, tmp_path: Path
) -> None:
    agencies = write_csv(tmp_path / "donvi.csv", "MaDonVi,TenDonVi,Cap,MaDVHC", "XA-CV,UBND xã Cù Vân,XA,05809")
    dossiers = write_table(tmp_path / "hoso", "csv", DOSSIER_HEADER, [H1])
    rows = [
        GOOD_FEEDBACK,  # XA-CV and H1: both known
        _with(GOOD_FEEDBACK, FEEDBACK_HEADER, MaPAKN="P2", MaDonVi="XA-KHAC"),
        _with(GOOD_FEEDBACK, FEEDBACK_HEADER, MaPAKN="P3", MaHoSo="H7"),
        _with(GOOD_FEEDBACK, FEEDBACK_HEADER, MaPAKN="P4", MaHoSo=""),  # about no dossier: nothing missing
    ]
    report = load(warehouse, agencies, dossiers, write_table(tmp_path / "pakn", "csv", FEEDBACK_HEADER, rows)).files[2]
    assert (report.rows_loaded, report.rows_quarantined) == (4, 0)
    assert orphans(warehouse) == [("feedback", "dossier", 1, 1, "H7"), ("feedback", "agency", 1, 1, "XA-KHAC")]


# ------------------------------------------------------------------ `ingest load`: one clear report per bad file


def test_ingest_load_reports_each_bad_v2_file_and_loads_the_good_rows(
    capsys, warehouse: WarehousePaths, tmp_path: Path
) -> None:
    level_7 = write_table(
        tmp_path / "danhgia_muc7", "csv", RATINGS_HEADER, [GOOD_RATING, ["H2", "20230121100000", "7", "1"]]
    )
    handled_early = write_table(
        tmp_path / "pakn_ngay",
        "csv",
        FEEDBACK_HEADER,
        [GOOD_FEEDBACK, _with(GOOD_FEEDBACK, FEEDBACK_HEADER, MaPAKN="P2", NgayXuLyXong="20230101080000")],
    )
    content = write_table(
        tmp_path / "pakn_noidung",
        "xlsx",
        FEEDBACK_HEADER + ["NoiDung"],
        [_with(GOOD_FEEDBACK, FEEDBACK_HEADER, MaPAKN="P5") + ["Tôi là Trần Văn Bình, 0912000111"]],
    )
    early_ratings = write_table(tmp_path / "danhgia_som", "json", RATINGS_HEADER, [["H8", "20230121100000", "2", "1"]])
    code, output = ingest(capsys, warehouse, level_7, handled_early, content, early_ratings)
    assert code == 0 and "Traceback" not in output, output

    assert lines_about(output, level_7)[:2] == [
        "danhgia_muc7.csv: ratings: 1 rows loaded, 1 quarantined",
        "  quarantined 1 × MucDoHaiLong '7' is not a level 1..3",
    ]
    assert lines_about(output, handled_early)[:2] == [
        "pakn_ngay.csv: feedback: 1 rows loaded, 1 quarantined",
        "  quarantined 1 × NgayXuLyXong 01/01/2023 is before NgayTiepNhan 10/01/2023 (handled before it was received)",
    ]
    report = lines_about(output, content)
    assert report[0] == "pakn_noidung.xlsx: feedback: 1 rows loaded, 0 quarantined"
    assert "  note: dropped columns outside the contract (a feedback export keeps none): NoiDung" in report
    report = lines_about(output, early_ratings)
    assert report[0] == "danhgia_som.json: ratings: 1 rows loaded, 0 quarantined"
    assert any(line.startswith("  note: 1 row(s) name a dossier not loaded (yet), e.g. H8: kept") for line in report)
    assert "published data version" in output
    assert raw(warehouse, "select count(*) from raw_ratings") == [(2,)]
    assert raw(warehouse, "select count(*) from raw_feedback") == [(2,)]
