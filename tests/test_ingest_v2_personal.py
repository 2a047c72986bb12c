"""Nothing personal, no free text, from a ratings or feedback export (issue 12 item 4; DESIGN §3).

A PAKN's content and a rater's comment are free text about a person whatever their
column is called, so these two kinds keep no column outside their contract: `_extra`
stays NULL, the archived copy has the contract's columns only, a quarantined row keeps
its contract values and the other columns' names. Each export below (CSV, XLSX, JSON)
plants personal details and content in named columns (HoTen, Email, SoDienThoai, DiaChi,
NoiDung, NhanXet) and in an innocently named one (ThongTinKhac; in JSON an object), in a
good row and in a quarantined one; then every value of every table of the warehouse and
of the published snapshot, and every other file beside the warehouse (the archive above
all), is searched for them.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import load, raw
from test_ingest_v2 import FEEDBACK_HEADER, GOOD_FEEDBACK, GOOD_RATING, RATINGS_HEADER, write_table

from warehouse.paths import WarehousePaths
from warehouse.snapshot import open_snapshot

NAME, EMAIL, PHONE, ADDRESS = "Nguyễn Thị Hoa", "hoa.nguyen@example.vn", "0912345678", "12 Lê Lợi, Thái Nguyên"
CONTENT = "Cán bộ một cửa hẹn tôi ba lần"
COMMENT = "Rất chậm, gọi tôi 0987000111"
HIDDEN = "CCCD 001203004567"  # under a column whose name says nothing
PLANTED = (NAME, EMAIL, PHONE, ADDRESS, CONTENT, COMMENT, HIDDEN, "0987000111", "001203004567")

OTHER_FEEDBACK = ["NoiDung", "HoTen", "Email", "SoDienThoai", "DiaChi", "ThongTinKhac"]
OTHER_RATINGS = ["HoTen", "SoDienThoai", "NhanXet", "ThongTinKhac"]


def feedback_rows() -> list[list[str]]:
    person = [CONTENT, NAME, EMAIL, PHONE, ADDRESS, HIDDEN]
    bad_status = [v if c != "TrangThaiPAKN" else "9" for c, v in zip(FEEDBACK_HEADER, GOOD_FEEDBACK)]
    return [GOOD_FEEDBACK + person, ["P2", *bad_status[1:]] + person]


def ratings_rows() -> list[list[str]]:
    person = [NAME, PHONE, COMMENT, HIDDEN]
    return [GOOD_RATING + person, ["H2", "20230121100000", "7", "1"] + person]


def write_export(path: Path, container: str, header: list[str], rows: list[list[str]]) -> Path:
    if container != "json":
        return write_table(path, container, header, rows)
    # a JSON export may nest a person in an object: the column is still not the contract's
    records = [{**dict(zip(header, row)), "ThongTinKhac": {"giay_to": HIDDEN}} for row in rows]
    path = path.with_suffix(".json")
    path.write_text(json.dumps({"data": records}, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["csv", "xlsx", "json"])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(f"v2-personal-{request.param}")
    feedback = write_export(folder / "pakn", request.param, FEEDBACK_HEADER + OTHER_FEEDBACK, feedback_rows())
    ratings = write_export(folder / "danhgia", request.param, RATINGS_HEADER + OTHER_RATINGS, ratings_rows())
    warehouse = WarehousePaths(folder / "wh" / "warehouse.duckdb")
    result = load(warehouse, feedback, ratings)
    assert result.all_read and result.snapshot is not None
    return warehouse, result


def everything_stored(warehouse: WarehousePaths) -> dict[str, str]:
    """Every table's rows as JSON text (warehouse and snapshot), and every other file beside them."""

    def dump(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
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
    for path in warehouse.database.parent.rglob("*"):
        if path.is_file() and not path.name.endswith((".duckdb", ".wal")):
            stored[f"file {path.relative_to(warehouse.database.parent)}"] = path.read_bytes().decode(
                "utf-8", errors="replace"
            )
    return stored


def test_both_files_load_their_good_row_and_quarantine_the_bad_one(loaded) -> None:
    _warehouse, result = loaded
    assert [(r.kind, r.rows_loaded, r.rows_quarantined) for r in result.files] == [
        ("feedback", 1, 1),
        ("ratings", 1, 1),
    ]


def test_no_planted_value_is_stored_anywhere(loaded) -> None:
    warehouse, _result = loaded
    stored = everything_stored(warehouse)
    # the search reaches what it must: the tables of both files, the snapshot, the archive
    assert {"warehouse.raw_feedback", "warehouse.raw_ratings", "warehouse.quarantine", "snapshot.quarantine"} <= set(
        stored
    )
    assert len([where for where in stored if where.startswith("file ") and ".archive" in where]) == 2
    assert "P1" in stored["warehouse.raw_feedback"] and "H1" in stored["warehouse.raw_ratings"]
    found = {(where, value) for where, text in stored.items() for value in PLANTED if value in text}
    assert found == set()


def test_raw_keeps_no_other_column(loaded) -> None:
    warehouse, _result = loaded
    assert raw(warehouse, "select count(*), count(_extra) from raw_feedback") == [(1, 0)]
    assert raw(warehouse, "select count(*), count(_extra) from raw_ratings") == [(1, 0)]


def test_the_archived_copies_hold_only_the_contract_columns(loaded) -> None:
    warehouse, _result = loaded
    archived = sorted(p for p in warehouse.archive.rglob("*") if p.is_file())
    assert [p.name.split("-", 1)[1] for p in archived] == ["pakn.redacted.csv", "danhgia.redacted.csv"]
    headers = [p.read_text(encoding="utf-8").splitlines()[0] for p in archived]
    assert headers == [",".join(FEEDBACK_HEADER), ",".join(RATINGS_HEADER)]


def test_a_quarantined_row_keeps_contract_values_and_the_other_columns_names(loaded) -> None:
    warehouse, _result = loaded
    records = {kind: json.loads(record) for kind, record in raw(warehouse, "select kind, record from quarantine")}
    assert records["feedback"]["MaPAKN"] == "P2" and records["feedback"]["TrangThaiPAKN"] == "9"
    assert set(records["feedback"]) == set(FEEDBACK_HEADER) | {"_other_columns"}
    assert records["feedback"]["_other_columns"] == ["NoiDung", "ThongTinKhac"]
    assert records["ratings"]["MucDoHaiLong"] == "7"
    assert set(records["ratings"]) == set(RATINGS_HEADER) | {"_other_columns"}
    assert records["ratings"]["_other_columns"] == ["NhanXet", "ThongTinKhac"]


def test_the_report_names_every_dropped_column(loaded) -> None:
    _warehouse, result = loaded
    feedback, ratings = result.files
    assert "dropped personal-data columns: HoTen, Email, SoDienThoai, DiaChi" in feedback.notes
    assert (
        "dropped columns outside the contract (a feedback export keeps none): NoiDung, ThongTinKhac" in feedback.notes
    )
    assert "dropped personal-data columns: HoTen, SoDienThoai" in ratings.notes
    assert "dropped columns outside the contract (a ratings export keeps none): NhanXet, ThongTinKhac" in ratings.notes
