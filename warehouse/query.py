"""The typed query API: what the `kpi` command, the pages and the reports all call.

Every function takes an open snapshot connection and returns a polars DataFrame. The
numbers come from `sql/queries/`; this module only turns the user's filter (a unit by
name or code, a field, a level) into ids and bound parameters, and picks which inputs
the KPI query reads: the stored rollups, or rollups rebuilt from the dossiers that match
a procedure filter or a grouping by procedure (`rollups_of`), on the units as recorded
or today's (`warehouse.kpi_sql` composes the files of `sql/queries/kpi/`).

By concept: the KPIs here (`KpiFilter`, `kpi`); unit, field and procedure lookups and the
filters' choices in `warehouse.lookups`; dossier and overdue lists in `warehouse.lists`.
Their names are re-exported here, so `from warehouse.query import ...` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import duckdb
import polars as pl

from warehouse import lookups, registry
from warehouse.errors import WarehouseError
from warehouse.kpi_sql import Rollups, Units, kpi_sql
from warehouse.kpi_targets import target_level, with_targets
from warehouse.lists import DOSSIER_LIST_LIMIT, MEASURES, OverdueFilter, dossiers, overdue_dossiers, overdue_summary
from warehouse.lookups import (
    CHANNEL_CODES,
    Channel,
    FieldMatch,
    Level,
    fetch_frame,
    field_choices,
    procedure_choices,
    resolve_field,
    resolve_unit,
    unit_choices,
)
from warehouse.targets import Targets
from warehouse.units import Resolution

GroupBy = Literal["unit", "area", "agency", "field", "procedure", "month", "level"]

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


def kpi(
    con: duckdb.DuckDBPyConnection, spec: KpiFilter, *, targets: Targets | None = None, parts: bool = False
) -> pl.DataFrame:
    """KPI rows (DESIGN §7); with `targets`, `<name>_target` beside every measure that has
    one (DESIGN §4's rule, `kpi_targets`); with `parts`, the parts of rates that are no
    measure of their own last (what a ranking or an explanation divides by)."""
    if spec.units == "current":  # on today's units: same SQL, agencies placed on today's units
        from warehouse.current_units import kpi_current

        return kpi_current(con, spec, targets=targets, parts=parts)
    unit = resolve_unit(con, spec.unit, spec.date_from, spec.date_to) if spec.unit else None
    field = resolve_field(con, spec.field) if spec.field else None
    procedure_ids = lookups.procedure_ids(con, spec.procedure) if spec.procedure else None
    agency_ids = lookups.agency_ids(con, unit) if unit else None
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
        params |= {"procedure_ids": procedure_ids, "dossier_field_ids": params["field_ids"]}
        if spec.by == "procedure":
            params["field_ids"] = None  # applied to the dossiers; the groups are procedures
    frame = fetch_frame(con, kpi_sql(rollups_of(spec)), params)
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
    if spec.level is not None or spec.by not in ("unit", "area", "agency", "level"):
        # one figure of the filter's scope (by field, month or procedure: the same scope)
        return [scope_target_level(unit, spec.level)] * frame.height
    if spec.by == "level":
        return [target_level(level, None) for level in frame["level"]]
    if spec.by in ("unit", "agency"):
        # an agency's own unit (or the agency itself): its agencies sit at that unit's level
        return [target_level(None, level, one_level=True) for level in frame["level"]]
    # by area: the parents' own agencies (the province's departments) are one level; a child
    # unit is a commune, or a district with its communes
    parents = set(unit.unit_codes) if unit and unit.unit_codes else None
    return [
        target_level(None, level, one_level=(code in parents) if parents is not None else level == "province")
        for code, level in zip(frame["unit_code"], frame["level"])
    ]


PROCEDURE_KEY_COLUMNS = ("procedure_code", "procedure_name", "period_start", "period_end")


def rollups_of(spec: KpiFilter) -> Rollups:
    """Which rollups answer `spec` (`warehouse.kpi_sql`): a procedure is finer than the
    stored ones (agency × field × channel × day), so a procedure filter or a grouping by
    procedure rebuilds them from just the matching dossiers."""
    if not spec.needs_dossiers:
        return "stored"
    return "by_procedure" if spec.by == "procedure" else "by_field"


__all__ = [
    "CHANNEL_CODES",
    "COUNT_COLUMNS",
    "DOSSIER_LIST_LIMIT",
    "KEY_COLUMNS",
    "MEASURES",
    "PART_COLUMNS",
    "PROCEDURE_KEY_COLUMNS",
    "RATE_COLUMNS",
    "Channel",
    "FieldMatch",
    "GroupBy",
    "KpiFilter",
    "Level",
    "OverdueFilter",
    "Units",
    "dossiers",
    "fetch_frame",
    "field_choices",
    "kpi",
    "overdue_dossiers",
    "overdue_summary",
    "procedure_choices",
    "resolve_field",
    "resolve_unit",
    "scope_target_level",
    "unit_choices",
]
