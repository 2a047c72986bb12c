"""The online-service lists a leader acts on (DESIGN §4 v2, "Online services"):

- `procedure_list`: each procedure in scope of the filter's agencies, with its dossiers
  received in the period, those filed online and the online rate, its MucDo, and whether
  it is a fully online procedure (MucDo 4) that received no online dossier;
- `unused_online_services`: the fully online services (agency × MucDo 4 procedure in its
  competence) that received no online dossier in the period, by agency.

Both read `sql/queries/online_services.sql` (one row per agency and procedure in scope),
which applies the same competence rules as the `kpi` measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from warehouse.errors import WarehouseError
from warehouse.lookups import Level, agency_ids, fetch_frame, resolve_field, resolve_unit
from warehouse.models import query_sql

FULLY_ONLINE = 4  # MucDo 4: toàn trình

PROCEDURE_COLUMNS = (
    "procedure_code",
    "procedure_name",
    "field_code",
    "field_name",
    "online_level",
    "received",
    "received_online",
    "online_rate",
    "fully_online_unused",
)
UNUSED_COLUMNS = (
    "agency_code",
    "agency_name",
    "agency_level",
    "procedure_code",
    "procedure_name",
    "field_code",
    "field_name",
    "received",
)


@dataclass(frozen=True)
class OnlineServicesFilter:
    date_from: date
    date_to: date  # competence is judged on this day
    unit: str | None = None
    level: Level | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise WarehouseError(
                f"the period ends ({self.date_to:%d/%m/%Y}) before it starts ({self.date_from:%d/%m/%Y})"
            )


def procedure_list(con: duckdb.DuckDBPyConnection, spec: OnlineServicesFilter) -> pl.DataFrame:
    """One row per procedure in scope: fully online ones without an online dossier first,
    then the most received."""
    pairs = _pairs(con, spec)
    in_scope = pairs.filter(pl.col("in_competence")).select("procedure_code").unique()
    return (
        pairs.join(in_scope, on="procedure_code")
        .group_by("procedure_code", "procedure_name", "field_code", "field_name", "online_level")
        .agg(pl.col("received").sum(), pl.col("received_online").sum())
        .with_columns(
            pl.when(pl.col("received") > 0)
            .then(pl.col("received_online") / pl.col("received"))
            .otherwise(None)
            .alias("online_rate"),
            ((pl.col("online_level") == FULLY_ONLINE) & (pl.col("received_online") == 0))
            .fill_null(False)
            .alias("fully_online_unused"),
        )
        .sort(["fully_online_unused", "received", "procedure_code"], descending=[True, True, False])
        .select(PROCEDURE_COLUMNS)
    )


def unused_online_services(con: duckdb.DuckDBPyConnection, spec: OnlineServicesFilter) -> pl.DataFrame:
    """The fully online services of the filter's agencies with no dossier filed online in
    the period, by agency (with the dossiers the agency received otherwise)."""
    return (
        _pairs(con, spec)
        .filter(pl.col("in_competence"), pl.col("online_level") == FULLY_ONLINE, pl.col("received_online") == 0)
        .sort("agency_name", "agency_code", "procedure_code")
        .select(UNUSED_COLUMNS)
    )


def _pairs(con: duckdb.DuckDBPyConnection, spec: OnlineServicesFilter) -> pl.DataFrame:
    unit = resolve_unit(con, spec.unit, spec.date_from, spec.date_to) if spec.unit else None
    field = resolve_field(con, spec.field) if spec.field else None
    return fetch_frame(
        con,
        query_sql("online_services"),
        {
            "date_from": spec.date_from,
            "date_to": spec.date_to,
            "agency_ids": agency_ids(con, unit) if unit else None,
            "window_from": unit.valid_from if unit else None,
            "window_to": unit.valid_to if unit else None,
            "level": spec.level,
            "field_ids": list(field.field_ids) if field else None,
        },
    )
