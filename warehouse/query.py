"""The typed query API: what the `kpi` command, the pages and the reports all call.

Every function takes an open snapshot connection and returns a polars DataFrame. The
numbers come from `sql/queries/`; this module only turns the user's filter (a unit by
name or code, a field, a level) into ids and bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import duckdb
import polars as pl

from warehouse.errors import UnitLookupError, WarehouseError
from warehouse.models import query_sql
from warehouse.units import CandidateIndex, Resolution, load_candidates, normalize_name, resolve

Level = Literal["province", "district", "commune"]
GroupBy = Literal["unit", "field", "month", "level"]

KEY_COLUMNS = ("unit_code", "unit_name", "level", "field_code", "field_name", "period_start", "period_end")
COUNT_COLUMNS = (
    "received", "received_online", "received_direct", "received_postal", "carried_over",
    "resolved", "resolved_early", "resolved_on_time", "resolved_late",
    "pending", "pending_within_due", "pending_overdue", "refused",
)
RATE_COLUMNS = (
    "online_rate", "online_rate_eligible", "on_time_rate", "on_time_rate_766",
    "digitised_rate", "e_result_rate", "online_payment_rate",
)


@dataclass(frozen=True)
class KpiFilter:
    date_from: date
    date_to: date
    unit: str | None = None
    level: Level | None = None
    field: str | None = None
    by: GroupBy | None = None

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise WarehouseError(f"the period ends ({self.date_to:%d/%m/%Y}) before it starts ({self.date_from:%d/%m/%Y})")


@dataclass(frozen=True)
class FieldMatch:
    field_ids: tuple[int, ...]
    code: str | None
    name: str | None


def kpi(con: duckdb.DuckDBPyConnection, spec: KpiFilter) -> pl.DataFrame:
    unit = resolve_unit(con, spec.unit, spec.date_from, spec.date_to) if spec.unit else None
    field = resolve_field(con, spec.field) if spec.field else None
    agency_ids = _agency_ids(con, unit) if unit else None
    params = {
        "date_from": spec.date_from,
        "date_to": spec.date_to,
        "by": spec.by or "none",
        "agency_ids": agency_ids,
        "unit_codes": list(unit.unit_codes) if unit and unit.unit_codes else ([] if unit else None),
        "level": spec.level,
        "field_ids": list(field.field_ids) if field else None,
    }
    frame = fetch_frame(con, query_sql("kpi"), params)
    if spec.by is None:
        frame = frame.with_columns(
            pl.lit(unit.code if unit else None, dtype=pl.String).alias("unit_code"),
            pl.lit(unit.label if unit else None, dtype=pl.String).alias("unit_name"),
            pl.lit(spec.level, dtype=pl.String).alias("level"),
            pl.lit(field.code if field else None, dtype=pl.String).alias("field_code"),
            pl.lit(field.name if field else None, dtype=pl.String).alias("field_name"),
        )
    return frame.select(*KEY_COLUMNS, *COUNT_COLUMNS, *RATE_COLUMNS)


def fetch_frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | list | None = None) -> pl.DataFrame:
    return con.sql(sql, params=params).pl()


def resolve_unit(con: duckdb.DuckDBPyConnection, text: str, date_from: date, date_to: date) -> Resolution:
    return resolve(text, _candidate_index(con), date_from, date_to)


_indexes: dict[str, CandidateIndex] = {}


def _candidate_index(con: duckdb.DuckDBPyConnection) -> CandidateIndex:
    # Built once per snapshot version: normalising 14,000 unit names costs ~0.3 s.
    version = con.execute("select version from snapshot_info").fetchone()[0]
    if version not in _indexes:
        _indexes.clear()
        _indexes[version] = CandidateIndex(load_candidates(con, units_table="dim_units", agencies_table="dim_agencies"))
    return _indexes[version]


def resolve_field(con: duckdb.DuckDBPyConnection, text: str) -> FieldMatch:
    rows = con.execute("select field_id, field_code, field_name from dim_fields").fetchall()
    by_code = [r for r in rows if r[1] == text.strip()]
    matches = by_code or [r for r in rows if r[2] and normalize_name(r[2]) == normalize_name(text)]
    if not matches:
        close = sorted({f"{r[1] or '—'} {r[2]}" for r in rows if r[2] and normalize_name(text) in normalize_name(r[2])})[:10]
        hint = f"; did you mean: {'; '.join(close)}" if close else ""
        raise UnitLookupError(f"no field with code or name '{text}'{hint}", close)
    return FieldMatch(tuple(r[0] for r in matches), matches[0][1], matches[0][2])


def _agency_ids(con: duckdb.DuckDBPyConnection, unit: Resolution) -> list[int]:
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
