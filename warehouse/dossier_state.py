"""The dossier states as of a day (DESIGN §4: pending, pending overdue, carried over) are
DuckDB macros in `sql/macros/dossier_state.sql`; this defines them on a connection.

They are TEMP macros, never stored in a snapshot: a temp macro is seen only by the
connection that created it (a cursor is a connection of its own), so each connection
whose query calls them defines them first, once. Snapshots published before the macros
existed therefore answer the same queries.
"""

from __future__ import annotations

import re
import threading
import weakref
from functools import cache, lru_cache

import duckdb

from warehouse.models import SQL_DIR

MACROS_FILE = SQL_DIR / "macros" / "dossier_state.sql"

# The connections (cursors included) that have the macros; a closed and collected one leaves.
_defined: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()
_lock = threading.Lock()  # sessions run in threads; WeakSet is not safe to share unlocked


@cache
def macros_sql() -> str:
    return MACROS_FILE.read_text(encoding="utf-8")


@lru_cache(maxsize=64)
def calls_macros(sql: str) -> bool:
    """Whether `sql` calls one of the macros. A scan of a 40 kB query costs ~1 ms, so it
    is kept per text: the queries are a few files and their variants."""
    names = re.findall(r"create or replace temp macro (\w+)\(", macros_sql())
    return re.search(rf"\b(?:{'|'.join(names)})\s*\(", sql) is not None


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define (or redefine) the macros on `con`."""
    con.execute(macros_sql())
    with _lock:
        _defined.add(con)


def ensure_macros(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Define the macros on `con` if `sql` calls one and `con` does not have them yet."""
    if not calls_macros(sql):
        return
    with _lock:
        known = con in _defined
    if not known:
        define_macros(con)
