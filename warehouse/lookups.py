"""Lookups for the query API: a unit, field or procedure as a person names it, turned into
the ids the SQL binds; the lists the filters offer; and `fetch_frame`, how every query
module reads a result into polars.

`warehouse.query` (KPIs) and `warehouse.lists` (dossier and overdue lists) build on it;
`warehouse.query` re-exports these names for its callers.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date
from typing import Literal

import duckdb
import polars as pl

from warehouse.dossier_state import ensure_macros
from warehouse.errors import UnitLookupError
from warehouse.models import query_sql
from warehouse.units import CandidateIndex, Resolution, load_candidates, normalize_name, resolve

Level = Literal["province", "district", "commune"]
Channel = Literal["direct", "online", "postal"]
# KenhThucHien (DESIGN §3)
CHANNEL_CODES: dict[str, int] = {"direct": 1, "online": 2, "postal": 3}


@dataclass(frozen=True)
class FieldMatch:
    field_ids: tuple[int, ...]
    code: str | None
    name: str | None


# `con.sql(...)` binds a query once to describe it and again to run it: 30–40 ms of a
# 100 ms KPI query. Executing directly binds once; the extra copy DuckDB warns about is
# of the result only (at most some thousands of rows: lists are limited, KPIs grouped).
warnings.filterwarnings(
    "ignore", message="Arrow output on a DB-API result", category=UserWarning, module=r"warehouse\.lookups"
)


def fetch_frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | list | None = None) -> pl.DataFrame:
    # the one path of every reader's query: the dossier-state macros it may call, on its connection
    ensure_macros(con, sql)
    return pl.from_arrow(con.execute(sql, params).to_arrow_table())


def resolve_unit(con: duckdb.DuckDBPyConnection, text: str, date_from: date, date_to: date) -> Resolution:
    return resolve(text, _candidate_index(con), date_from, date_to)


_indexes: dict[str, CandidateIndex] = {}


def _candidate_index(con: duckdb.DuckDBPyConnection) -> CandidateIndex:
    # Built once per snapshot version: normalising 14,000 unit names costs ~0.3 s.
    version = con.execute("select version from snapshot_info").fetchone()[0]
    # Sessions run in threads: read once, so another thread's clear() cannot fail this one.
    index = _indexes.get(version)
    if index is None:
        index = CandidateIndex(load_candidates(con, units_table="dim_units", agencies_table="dim_agencies"))
        _indexes.clear()
        _indexes[version] = index
    return index


def resolve_field(con: duckdb.DuckDBPyConnection, text: str) -> FieldMatch:
    rows = con.execute("select field_id, field_code, field_name from dim_fields").fetchall()
    by_code = [r for r in rows if r[1] == text.strip()]
    matches = by_code or [r for r in rows if r[2] and normalize_name(r[2]) == normalize_name(text)]
    if not matches:
        close = sorted(
            {f"{r[1] or '—'} {r[2]}" for r in rows if r[2] and normalize_name(text) in normalize_name(r[2])}
        )[:10]
        hint = f"; did you mean: {'; '.join(close)}" if close else ""
        raise UnitLookupError(f"no field with code or name '{text}'{hint}", close)
    return FieldMatch(tuple(r[0] for r in matches), matches[0][1], matches[0][2])


def agency_ids(con: duckdb.DuckDBPyConnection, unit: Resolution) -> list[int]:
    if unit.agency_codes:
        rows = con.execute(
            "select agency_id from dim_agencies where agency_code in (select unnest(?::varchar[]))",
            [list(unit.agency_codes)],
        ).fetchall()
    else:
        rows = con.execute(
            """
            select distinct agency_id from dim_unit_membership
            where ancestor_code in (select unnest(?::varchar[]))
              and unit_version in (select unnest(?::varchar[]))
            """,
            [list(unit.unit_codes), list(unit.unit_versions)],
        ).fetchall()
    return [row[0] for row in rows]


def procedure_ids(con: duckdb.DuckDBPyConnection, text: str) -> list[int]:
    rows = con.execute("select procedure_id from dim_procedures where procedure_code = ?", [text.strip()]).fetchall()
    if not rows:
        raise UnitLookupError(f"no procedure with code '{text}'", [])
    return [row[0] for row in rows]


def unit_choices(
    con: duckdb.DuckDBPyConnection, *, version: str, level: str, parent_code: str | None = None
) -> pl.DataFrame:
    """Units of one registry version and level that have agencies in the data, for filters."""
    return fetch_frame(con, query_sql("unit_choices"), {"version": version, "level": level, "parent_code": parent_code})


def current_unit_choices(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Today's communes that agencies' dossiers reach on today's units (DESIGN §5), for filters."""
    return fetch_frame(con, query_sql("current_unit_choices"))


def field_choices(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return fetch_frame(
        con, "select field_code, field_name from dim_fields where field_code is not null order by field_name"
    )


def procedure_choices(con: duckdb.DuckDBPyConnection, field: str | None = None) -> pl.DataFrame:
    field_ids = list(resolve_field(con, field).field_ids) if field else None
    return fetch_frame(con, query_sql("procedure_choices"), {"field_ids": field_ids})
