"""Lists of dossiers: those a KPI count is made of (`dossiers`), the overdue watchlist
(`overdue_dossiers`) and its counts by agency or field (`overdue_summary`); and the PAKN
(feedback) still open or handled late (`open_feedback`).

Filters are resolved by `warehouse.lookups`; the rows come from `sql/queries/`.
`warehouse.query` re-exports these names for its callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

import duckdb
import polars as pl

from warehouse import registry
from warehouse.calendar import WorkingCalendar, load_calendar
from warehouse.errors import WarehouseError
from warehouse.lookups import CHANNEL_CODES, Level, agency_ids, fetch_frame, procedure_ids, resolve_field, resolve_unit
from warehouse.models import query_sql

if TYPE_CHECKING:
    from warehouse.query import KpiFilter

MEASURES = registry.DOSSIER_COUNTS
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
        "agency_ids": agency_ids(con, unit) if unit else None,
        "level": spec.level,
        "field_ids": list(field.field_ids) if field else None,
        "procedure_ids": procedure_ids(con, spec.procedure) if spec.procedure else None,
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
            "agency_ids": agency_ids(con, unit) if unit else None,
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


def open_feedback(
    con: duckdb.DuckDBPyConnection, spec: KpiFilter, calendar: WorkingCalendar | None = None
) -> pl.DataFrame:
    """The PAKN open at `spec.date_to` and those handled late in the period, latest deadline last.

    `state` is `open` (within its deadline), `open_overdue` or `handled_late`; `days_left`
    counts the working days from `date_to` to the deadline (0: due today) and `days_late`
    those past it, up to `date_to` or, handled late, to the day handled (one of them is null).
    A PAKN has no procedure or channel: such a filter is an error, not an empty list.
    """
    if spec.procedure is not None or spec.channel is not None:
        raise WarehouseError("feedback (PAKN) has no procedure or channel: leave those filters out")
    calendar = calendar or load_calendar()
    unit = resolve_unit(con, spec.unit, spec.date_from, spec.date_to) if spec.unit else None
    field = resolve_field(con, spec.field) if spec.field else None
    frame = fetch_frame(
        con,
        query_sql("open_feedback"),
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
    deadlines = frame["deadline"].to_numpy()
    # working days in (deadline, end]: past the deadline when positive
    late_at_end = calendar.between_many(deadlines, spec.date_to)
    handled = frame["state"] == "handled_late"
    late_handled = [
        calendar.between(deadline, day) if late else 0
        for deadline, day, late in zip(frame["deadline"], frame["handled_date"], handled)
    ]
    late = pl.Series(late_handled, dtype=pl.Int32).zip_with(handled, pl.Series(late_at_end, dtype=pl.Int32))
    within = pl.col("state") == "open"
    return (
        frame.with_columns(late.alias("late"))
        .with_columns(
            pl.when(within).then(-pl.col("late")).cast(pl.Int32).alias("days_left"),
            pl.when(within).then(None).otherwise(pl.col("late")).cast(pl.Int32).alias("days_late"),
        )
        .drop("late")
    )
