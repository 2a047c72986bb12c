"""The name normaliser exists once: the SQL models call the Python `normalize_name` (issue 17)."""

from __future__ import annotations

import duckdb
import pytest

from warehouse.units import normalize_name, register_sql_functions
from warehouse.writer import prepare

SAME = ["Tư pháp - Hộ tịch", "TƯ PHÁP – HỘ TỊCH", "tu phap ho tich", "  Tư  pháp -  Hộ tịch. "]


@pytest.fixture
def con():
    connection = duckdb.connect()
    register_sql_functions(connection)
    yield connection
    connection.close()


def _sql(con: duckdb.DuckDBPyConnection, names: list[str | None]) -> list[str | None]:
    return [row[0] for row in con.execute("select normalize_name(unnest(?::varchar[]))", [names]).fetchall()]


def test_spellings_of_one_name_normalise_the_same_in_python_and_sql(con) -> None:
    python = {normalize_name(name) for name in SAME}
    sql = set(_sql(con, SAME))
    assert python == sql == {"tu phap ho tich"}


def test_sql_agrees_with_python_name_by_name(con) -> None:
    names = ["Đại  Từ", "UBND xã Cù Vân", "Thành phố Thái Nguyên", "Sở Tư pháp", "", "Đất đai (cấp tỉnh)", None]
    assert _sql(con, names) == [None if name is None else normalize_name(name) for name in names]


def test_registering_twice_is_harmless(con) -> None:
    register_sql_functions(con)
    assert _sql(con, ["Đại Từ"]) == ["dai tu"]


def test_the_writer_connection_has_it(tmp_path) -> None:
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        prepare(connection)
        assert _sql(connection, SAME) == ["tu phap ho tich"] * len(SAME)
    finally:
        connection.close()
