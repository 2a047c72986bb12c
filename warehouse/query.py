"""The typed query API: what the `kpi` command, the pages and the reports all call.

Every function takes an open snapshot connection and returns a polars DataFrame. The
numbers come from `sql/queries/`; this module only turns the user's filter (a unit by
name or code, a field, a level) into ids and bound parameters.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import duckdb
import polars as pl

from warehouse import registry
from warehouse.calendar import WorkingCalendar, load_calendar
from warehouse.errors import UnitLookupError, WarehouseError
from warehouse.kpi_targets import target_level, with_targets
from warehouse.models import mart, query_sql
from warehouse.targets import Targets
from warehouse.units import CandidateIndex, Resolution, load_candidates, normalize_name, resolve

Level = Literal["province", "district", "commune"]
GroupBy = Literal["unit", "area", "field", "procedure", "month", "level"]
Channel = Literal["direct", "online", "postal"]
Units = Literal["recorded", "current"]  # as recorded (the default), or on today's units (DESIGN §5)
# KenhThucHien (DESIGN §3)
CHANNEL_CODES: dict[str, int] = {"direct": 1, "online": 2, "postal": 3}

KEY_COLUMNS = ("unit_code", "unit_name", "level", "field_code", "field_name", "period_start", "period_end")
# the measures and rates, and the parts of rates that are no measure of their own (registry)
COUNT_COLUMNS = registry.COUNTS
RATE_COLUMNS = registry.RATES
PART_COLUMNS = registry.PARTS


@dataclass(frozen=True)
class KpiFilter:
    date_from: date
    date_to: date
    unit: str | None = None
    level: Level | None = None
    field: str | None = None
    by: GroupBy | None = None
    procedure: str | None = None  # a procedure code (MaTTHC)
    channel: Channel | None = None
    units: Units = "recorded"

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise WarehouseError(
                f"the period ends ({self.date_to:%d/%m/%Y}) before it starts ({self.date_from:%d/%m/%Y})"
            )
        if self.channel is not None and self.channel not in CHANNEL_CODES:
            raise WarehouseError(f"no channel '{self.channel}': use one of {', '.join(CHANNEL_CODES)}")

    @property
    def needs_dossiers(self) -> bool:
        """Whether the rollups (agency × field × channel × day) can answer, or only the dossiers can."""
        return self.procedure is not None or self.by == "procedure"

    @property
    def dossiers_only(self) -> bool:
        """Whether only dossiers can answer: a form 06a has no procedure or channel."""
        return self.procedure is not None or self.channel is not None or self.by == "procedure"


@dataclass(frozen=True)
class FieldMatch:
    field_ids: tuple[int, ...]
    code: str | None
    name: str | None


def kpi(
    con: duckdb.DuckDBPyConnection, spec: KpiFilter, *, targets: Targets | None = None, parts: bool = False
) -> pl.DataFrame:
    """KPI rows (DESIGN §7); with `targets`, `<name>_target` beside every measure that has
    one (DESIGN §4's rule, `kpi_targets`); with `parts`, the parts of rates that are no
    measure of their own last (what a ranking or an explanation divides by)."""
    if spec.units == "current":  # on today's units: same SQL, agencies placed on today's units
        from warehouse.current_units import kpi_current

        return kpi_current(con, spec)
    unit = resolve_unit(con, spec.unit, spec.date_from, spec.date_to) if spec.unit else None
    field = resolve_field(con, spec.field) if spec.field else None
    procedure_ids = _procedure_ids(con, spec.procedure) if spec.procedure else None
    agency_ids = _agency_ids(con, unit) if unit else None
    params = {
        "date_from": spec.date_from,
        "date_to": spec.date_to,
        "by": "field" if spec.by == "procedure" else (spec.by or "none"),
        "agency_ids": agency_ids,
        "window_from": unit.valid_from if unit else None,
        "window_to": unit.valid_to if unit else None,
        "unit_codes": list(unit.unit_codes) if unit and unit.unit_codes else ([] if unit else None),
        "level": spec.level,
        "field_ids": list(field.field_ids) if field else None,
        "area_parents": list(unit.unit_codes) if unit and unit.unit_codes else None,
        "area_versions": list(unit.unit_versions) if unit and unit.unit_codes else None,
        "dossiers_only": spec.dossiers_only,
        "channel": CHANNEL_CODES[spec.channel] if spec.channel else None,
    }
    if spec.needs_dossiers:
        sql = _from_dossiers(query_sql("kpi"), by_procedure=spec.by == "procedure")
        params |= {"procedure_ids": procedure_ids, "dossier_field_ids": params["field_ids"]}
        if spec.by == "procedure":
            params["field_ids"] = None  # applied to the dossiers; the groups are procedures
    else:
        sql = query_sql("kpi")
    frame = fetch_frame(con, sql, params)
    if spec.by is None:
        frame = frame.with_columns(
            pl.lit(unit.code if unit else None, dtype=pl.String).alias("unit_code"),
            pl.lit(unit.label if unit else None, dtype=pl.String).alias("unit_name"),
            pl.lit(spec.level, dtype=pl.String).alias("level"),
            pl.lit(field.code if field else None, dtype=pl.String).alias("field_code"),
            pl.lit(field.name if field else None, dtype=pl.String).alias("field_name"),
        )
    levels = _target_levels(frame, spec, unit) if targets is not None else None
    keys = KEY_COLUMNS
    if spec.by == "procedure":
        frame = frame.rename({"field_code": "procedure_code", "field_name": "procedure_name"})
        keys = PROCEDURE_KEY_COLUMNS
    frame = frame.select(*keys, *COUNT_COLUMNS, *RATE_COLUMNS, *(PART_COLUMNS if parts else ()))
    return with_targets(frame, targets, levels) if targets is not None and levels is not None else frame


def scope_target_level(unit: Resolution | None, level: Level | None = None) -> str:
    """The target level of a filter's figures: a unit or agency (None: the whole province),
    and a level filter."""
    return target_level(level, unit.level if unit else None, one_level=bool(unit and unit.agency_codes))


def _target_levels(frame: pl.DataFrame, spec: KpiFilter, unit: Resolution | None) -> list[str]:
    """Each row's target level: that of the agencies its dossiers come from (DESIGN §4)."""
    if spec.level is not None or spec.by not in ("unit", "area", "level"):
        # one figure of the filter's scope (by field, month or procedure: the same scope)
        return [scope_target_level(unit, spec.level)] * frame.height
    if spec.by == "level":
        return [target_level(level, None) for level in frame["level"]]
    if spec.by == "unit":
        # an agency's own unit: its agencies sit at that unit's level
        return [target_level(None, level, one_level=True) for level in frame["level"]]
    # by area: the parents' own agencies (the province's departments) are one level; a child
    # unit is a commune, or a district with its communes
    parents = set(unit.unit_codes) if unit and unit.unit_codes else None
    return [
        target_level(None, level, one_level=(code in parents) if parents is not None else level == "province")
        for code, level in zip(frame["unit_code"], frame["level"])
    ]


PROCEDURE_KEY_COLUMNS = ("procedure_code", "procedure_name", "period_start", "period_end")


def _from_dossiers(kpi_sql: str, *, by_procedure: bool) -> str:
    """The KPI query over rollups rebuilt from the matching dossiers, not the stored ones.

    A procedure is finer than the stored rollups (agency × field × channel × day), so the
    same mart SQL that builds them at publish runs here over just the dossiers that match,
    as CTEs that shadow the stored tables: one definition of every measure, whichever path.
    For groups by procedure, procedures stand in for fields.
    """
    # Dossiers finished before the period add +1 and -1 to every stock before it begins,
    # and nothing to its flows: leaving them out changes no number and saves most of the work.
    selected = """(
        select * from fct_dossiers
        where received_date <= $date_to::date
          and (finished_date is null or finished_date >= $date_from::date)
          and ($agency_ids is null or agency_id in (select unnest($agency_ids::bigint[])))
          and ($procedure_ids is null or procedure_id in (select unnest($procedure_ids::bigint[])))
          and ($channel is null or channel = $channel)
          and ($dossier_field_ids is null or field_id in (select unnest($dossier_field_ids::bigint[])))
    )"""
    if by_procedure:
        selected = f"(select * replace (procedure_id as field_id) from {selected})"
    ctes = [
        f"fct_kpi_events as ({mart('fct_kpi_events').reading(fct_dossiers=selected)})",
        f"kpi_daily as materialized ({mart('kpi_daily').sql})",
        f"kpi_monthly as ({mart('kpi_monthly').sql})",
    ]
    if by_procedure:
        ctes.append(
            "dim_fields as (select procedure_id as field_id, procedure_code as field_code,"
            " procedure_name as field_name from dim_procedures)"
        )
    body = re.sub(r"^with\s", ",\n", kpi_sql, count=1, flags=re.MULTILINE)
    return "with " + ",\n".join(ctes) + body


def _procedure_ids(con: duckdb.DuckDBPyConnection, text: str) -> list[int]:
    rows = con.execute("select procedure_id from dim_procedures where procedure_code = ?", [text.strip()]).fetchall()
    if not rows:
        raise UnitLookupError(f"no procedure with code '{text}'", [])
    return [row[0] for row in rows]


# `con.sql(...)` binds a query once to describe it and again to run it: 30–40 ms of a
# 100 ms KPI query. Executing directly binds once; the extra copy DuckDB warns about is
# of the result only (at most some thousands of rows: lists are limited, KPIs grouped).
warnings.filterwarnings(
    "ignore", message="Arrow output on a DB-API result", category=UserWarning, module=r"warehouse\.query"
)


def fetch_frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | list | None = None) -> pl.DataFrame:
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


MEASURES = COUNT_COLUMNS
DOSSIER_LIST_LIMIT = 5000


def dossiers(
    con: duckdb.DuckDBPyConnection, spec: KpiFilter, measure: str, limit: int = DOSSIER_LIST_LIMIT
) -> pl.DataFrame:
    """The dossiers a count of `kpi(spec)` is made of (dossier-level data only, never a 06a)."""
    if measure not in MEASURES:
        raise WarehouseError(f"no measure '{measure}': use one of {', '.join(MEASURES)}")
    unit = resolve_unit(con, spec.unit, spec.date_from, spec.date_to) if spec.unit else None
    field = resolve_field(con, spec.field) if spec.field else None
    params = {
        "date_from": spec.date_from,
        "date_to": spec.date_to,
        "window_from": unit.valid_from if unit else None,
        "window_to": unit.valid_to if unit else None,
        "measure": measure,
        "agency_ids": _agency_ids(con, unit) if unit else None,
        "level": spec.level,
        "field_ids": list(field.field_ids) if field else None,
        "procedure_ids": _procedure_ids(con, spec.procedure) if spec.procedure else None,
        "channel": CHANNEL_CODES[spec.channel] if spec.channel else None,
        "row_limit": limit,
    }
    return fetch_frame(con, query_sql("dossiers"), params)


@dataclass(frozen=True)
class OverdueFilter:
    as_of: date
    unit: str | None = None
    level: Level | None = None
    field: str | None = None
    due_within_days: int = 0  # also list dossiers due within this many working days


def overdue_dossiers(
    con: duckdb.DuckDBPyConnection, spec: OverdueFilter, calendar: WorkingCalendar | None = None
) -> pl.DataFrame:
    """Pending dossiers past their due date on `as_of` (and those due soon), most overdue first.

    `days_overdue` counts working days (warehouse/calendar.py: national and provincial days off excluded):
    1 for a dossier due on the last working day before `as_of`; 0 or less for one not yet due.
    """
    calendar = calendar or load_calendar()
    unit = resolve_unit(con, spec.unit, spec.as_of, spec.as_of) if spec.unit else None
    field = resolve_field(con, spec.field) if spec.field else None
    due_by = (
        calendar.add(spec.as_of, spec.due_within_days) if spec.due_within_days > 0 else spec.as_of - timedelta(days=1)
    )
    frame = fetch_frame(
        con,
        query_sql("overdue"),
        {
            "as_of": spec.as_of,
            "due_by": due_by,
            "agency_ids": _agency_ids(con, unit) if unit else None,
            "window_from": unit.valid_from if unit else None,
            "window_to": unit.valid_to if unit else None,
            "level": spec.level,
            "field_ids": list(field.field_ids) if field else None,
        },
    )
    days = calendar.between_many(frame["due_date"].to_numpy(), spec.as_of)
    return frame.with_columns(pl.Series("days_overdue", days, dtype=pl.Int32)).sort(
        ["days_overdue", "dossier_code"], descending=[True, False]
    )


def unit_choices(
    con: duckdb.DuckDBPyConnection, *, version: str, level: str, parent_code: str | None = None
) -> pl.DataFrame:
    """Units of one registry version and level that have agencies in the data, for filters."""
    return fetch_frame(con, query_sql("unit_choices"), {"version": version, "level": level, "parent_code": parent_code})


def field_choices(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return fetch_frame(
        con, "select field_code, field_name from dim_fields where field_code is not null order by field_name"
    )


def procedure_choices(con: duckdb.DuckDBPyConnection, field: str | None = None) -> pl.DataFrame:
    field_ids = list(resolve_field(con, field).field_ids) if field else None
    return fetch_frame(con, query_sql("procedure_choices"), {"field_ids": field_ids})


def overdue_summary(frame: pl.DataFrame, by: Literal["agency", "field"]) -> pl.DataFrame:
    """Counts of a watchlist by agency or by field: overdue, due soon, and the longest delay."""
    keys = ["agency_code", "agency_name"] if by == "agency" else ["field_code", "field_name"]
    return (
        frame.group_by(keys)
        .agg(
            (pl.col("state") == "overdue").sum().alias("overdue"),
            (pl.col("state") == "due_soon").sum().alias("due_soon"),
            pl.col("days_overdue").max().alias("max_days_overdue"),
        )
        .sort(["overdue", "due_soon"], descending=True)
    )
