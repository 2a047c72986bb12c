"""The writer's connection: the only read-write handle on the warehouse file.

Open it with `open_writer`, which takes the single-writer lock first, so ingest cycles
never overlap; readers never touch this file (they read published snapshots). Opening
it first publishes whatever an interrupted writer committed but never published
(`warehouse.catchup`), so every command that writes (`ingest load`, `ingest pull`, the
worker) makes lost-from-view data visible again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.catchup import catch_up
from warehouse.dossier_state import define_macros
from warehouse.lock import DEFAULT_WAIT_SECONDS, writer_lock
from warehouse.models import macros_sql, raw_ddl, staging_models
from warehouse.paths import WarehousePaths
from warehouse.reference_conversion import load_commune_conversion
from warehouse.units import register_sql_functions

ADMIN_UNITS_CSV = Path(__file__).resolve().parent / "reference" / "admin_units.csv"
LOCAL_TIMEZONE = "Asia/Ho_Chi_Minh"
# Keeps a 10-million-dossier load well under 4 GiB; DuckDB spills past it.
WRITER_MEMORY_LIMIT = "3GB"


@contextmanager
def open_writer(
    paths: WarehousePaths, wait_seconds: float = DEFAULT_WAIT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    with writer_lock(paths.lock, wait_seconds):
        paths.database.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(paths.database))
        try:
            prepare(con)
            catch_up(con, paths)
            yield con
        finally:
            con.close()


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Session settings, raw tables, reference data, macros and staging views."""
    # First: registering a function needs a connection with no result pending.
    register_sql_functions(con)  # normalize_name(s), used by the SQL models
    con.execute(f"set TimeZone = '{LOCAL_TIMEZONE}'")
    con.execute(f"set memory_limit = '{WRITER_MEMORY_LIMIT}'")
    con.execute(raw_ddl())
    _load_reference_units(con)
    load_commune_conversion(con)
    con.execute(macros_sql())
    define_macros(con)  # the dossier states the KPI events are written from
    for model in staging_models():
        con.execute(f"create or replace view {model.name} as\n{model.sql}")


def _load_reference_units(con: duckdb.DuckDBPyConnection) -> None:
    # Re-read whenever the shipped file changes (a new registry release), else once.
    stamp = hashlib.sha256(ADMIN_UNITS_CSV.read_bytes()).hexdigest()
    con.execute("create table if not exists ref_meta (key varchar primary key, value varchar)")
    current = con.execute("select value from ref_meta where key = 'admin_units'").fetchone()
    if current and current[0] == stamp:
        return
    con.execute(
        """
        create or replace table ref_admin_units as
        select code, name, short_name, level, nullif(parent_code, '') as parent_code, province_code,
               nullif(valid_from, '')::date as valid_from, nullif(valid_to, '')::date as valid_to
        from read_csv(?, header = true, all_varchar = true)
        """,
        [str(ADMIN_UNITS_CSV)],
    )
    con.execute("insert or replace into ref_meta values ('admin_units', ?)", [stamp])
