"""The marts, kept materialised in the writer's database and refreshed after each ingest.

A full build runs every mart's SQL over all the data. After a cycle that brought only
dossiers (the worker's usual case), the build is incremental: the changed dossiers are
re-derived, and the daily and monthly rollups are corrected by the difference between
the changed dossiers' old and new KPI events (every rollup column is a sum, so this is
exact). Both paths run the same SQL files (`Model.reading` points a mart at the changed
rows only). A full build happens when nothing was built yet, when the SQL or DuckDB
changed, when the procedure or field dimension changed (they colour every dossier), or
when so many dossiers changed that re-deriving them all is cheaper.

Publishing then only copies tables into the snapshot file (`warehouse.publish`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import duckdb

from warehouse.feedback_deadlines import rules_fingerprint, write_deadlines
from warehouse.models import Model, mart, mart_models, models_fingerprint

# Above this share of changed dossiers a full build is the faster one.
FULL_BUILD_SHARE = 0.2
# The marts maintained by difference; every other mart is small and simply rebuilt.
INCREMENTAL = ("fct_dossiers", "fct_kpi_events", "kpi_daily", "kpi_monthly")
# The dimensions whose content decides the columns of fct_dossiers.
DOSSIER_DIMENSIONS = ("dim_procedures", "dim_fields")
ROLLUP_KEY = ("agency_id", "field_id", "channel", "received_after_reform", "day")
EVENT_KEY = ("agency_id", "field_id", "procedure_id", "channel", "received_after_reform", "day")


@dataclass(frozen=True)
class Refresh:
    mode: Literal["full", "incremental", "unchanged"]
    dossiers: int  # dossiers whose facts were (re-)derived


def refresh_marts(con: duckdb.DuckDBPyConnection, force_full: bool = False) -> Refresh:
    """Bring the materialised marts up to date with the raw tables, in one transaction."""
    con.execute("create table if not exists mart_state (key varchar primary key, value varchar)")
    state = dict(con.execute("select key, value from mart_state").fetchall())
    # the PAKN deadline rule (N working days, the province's calendar) colours fct_feedback
    build_id = f"{models_fingerprint()}:{duckdb.__version__}:{rules_fingerprint()}"
    last_file = con.execute("select coalesce(max(file_id), 0) from ingest_files").fetchone()[0]
    built_before = state.get("build") == build_id and not force_full
    if built_before and state.get("file_id") == str(last_file):
        return Refresh("unchanged", 0)

    con.begin()
    try:
        write_deadlines(con)  # read by fct_feedback, rebuilt on either path
        if built_before:
            result = _incremental(con, state)
        else:
            result = _full(con)
        con.executemany(
            "insert or replace into mart_state values (?, ?)",
            [("build", build_id), ("file_id", str(last_file)), ("dimensions", _dimensions_fingerprint(con))],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return result


def _full(con: duckdb.DuckDBPyConnection, built: frozenset[str] = frozenset()) -> Refresh:
    """Every mart from scratch, but those in `built` (just rebuilt by a failed incremental try)."""
    for model in mart_models():
        if model.name not in built:
            _rebuild(con, model)
    _drop_ephemeral(con)
    return Refresh("full", con.execute("select count(*) from fct_dossiers").fetchone()[0])


def _incremental(con: duckdb.DuckDBPyConnection, state: dict[str, str]) -> Refresh:
    dimensions = frozenset(m.name for m in mart_models() if m.name not in INCREMENTAL and not _reads_facts(m))
    for model in mart_models():
        if model.name in dimensions:
            _rebuild(con, model)
    if _dimensions_fingerprint(con) != state.get("dimensions"):
        return _full(con, built=dimensions)

    con.execute(
        """
        create or replace temp table changed_dossiers as
        select MaHoSo as dossier_code from raw_dossiers where _file_id in (
            select file_id from ingest_files where file_id > $since and kind = 'dossiers'
        )
        -- a new rating re-derives its dossier (a rating of a dossier not loaded yet re-derives
        -- nothing: the dossier takes it when it arrives)
        union
        select MaHoSo from raw_ratings where _file_id in (
            select file_id from ingest_files where file_id > $since and kind = 'ratings'
        )
        """,
        {"since": int(state.get("file_id", 0))},
    )
    changed = con.execute("select count(*) from changed_dossiers").fetchone()[0]
    total = con.execute("select count(*) from fct_dossiers").fetchone()[0]
    if changed > FULL_BUILD_SHARE * max(total, 1):
        return _full(con, built=dimensions)
    if changed:
        _apply_changed_dossiers(con)
    for model in mart_models():
        if model.name not in INCREMENTAL and _reads_facts(model):
            _rebuild(con, model)
    for table in ("changed_dossiers", "old_facts", "new_facts", "delta_daily", "delta_monthly"):
        con.execute(f"drop table if exists temp.{table}")
    con.execute("drop view if exists temp.delta_events")
    return Refresh("incremental", changed)


def _apply_changed_dossiers(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create or replace temp table old_facts as "
        "select * from fct_dossiers where dossier_code in (select dossier_code from changed_dossiers)"
    )
    con.execute("delete from fct_dossiers where dossier_code in (select dossier_code from changed_dossiers)")
    con.execute(
        "create or replace temp view changed_stg_dossiers as "
        "select * from stg_dossiers where dossier_code in (select dossier_code from changed_dossiers)"
    )
    con.execute("insert into fct_dossiers " + mart("fct_dossiers").reading(stg_dossiers="changed_stg_dossiers"))
    con.execute("drop view temp.changed_stg_dossiers")
    con.execute(
        "create or replace temp table new_facts as "
        "select * from fct_dossiers where dossier_code in (select dossier_code from changed_dossiers)"
    )

    events = mart("fct_kpi_events")
    key = ", ".join(EVENT_KEY)
    con.execute(
        f"""
        create or replace temp view delta_events as
        select * from ({events.reading(fct_dossiers="new_facts")})
        union all
        select {key}, -columns(* exclude ({key})) from ({events.reading(fct_dossiers="old_facts")})
        """
    )
    con.execute(
        "create or replace temp table delta_daily as " + mart("kpi_daily").reading(fct_kpi_events="delta_events")
    )
    con.execute("create or replace temp table delta_monthly as " + mart("kpi_monthly").reading(kpi_daily="delta_daily"))
    _add_into(con, "kpi_daily", "delta_daily")
    _add_into(con, "kpi_monthly", "delta_monthly")


def _add_into(con: duckdb.DuckDBPyConnection, rollup: str, delta: str) -> None:
    """rollup += delta, row by row on the rollup's key (rows absent on one side count 0)."""
    key = ", ".join(ROLLUP_KEY)
    matches = " and ".join(f"{rollup}.{column} = {delta}.{column}" for column in ROLLUP_KEY)
    con.execute(
        f"""
        create or replace temp table merged as
        select {key}, sum(columns(* exclude ({key})))
        from (
            select {rollup}.* from {rollup} semi join {delta} using ({key})
            union all
            select * from {delta}
        )
        group by {key}
        """
    )
    con.execute(f"delete from {rollup} using {delta} where {matches}")
    # A row whose every sum became 0 (a dossier moved to another channel, say) is one
    # a full build would not have: left out, so both builds hold the same rows.
    con.execute(
        f"insert into {rollup} select * from merged "
        f"where greatest(*columns(* exclude ({key}))) <> 0 or least(*columns(* exclude ({key}))) <> 0"
    )
    con.execute("drop table temp.merged")


def _rebuild(con: duckdb.DuckDBPyConnection, model: Model) -> None:
    if model.is_ephemeral:
        con.execute(f"create or replace temp view {model.name} as\n{model.sql}")
    else:
        con.execute(f"create or replace table {model.name} as\n{model.sql}")


def _drop_ephemeral(con: duckdb.DuckDBPyConnection) -> None:
    for model in mart_models():
        if model.is_ephemeral:
            con.execute(f"drop view if exists temp.{model.name}")


def _reads_facts(model: Model) -> bool:
    """Whether a mart depends (directly or not) on the incrementally kept facts."""
    return any(name in INCREMENTAL for name in _dependencies(model))


def _dependencies(model: Model) -> set[str]:
    names = {other.name for other in mart_models()}
    found: set[str] = set()
    pending = [model]
    while pending:
        for name in pending.pop().references(names - found):
            found.add(name)
            pending.append(mart(name))
    return found


def _dimensions_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    parts = []
    for table in DOSSIER_DIMENSIONS:
        parts.append(
            con.execute(
                f"select md5(coalesce(string_agg(t::varchar, chr(10) order by t::varchar), '')) from {table} as t"
            ).fetchone()[0]
        )
    return ":".join(parts)
