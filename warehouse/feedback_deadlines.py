"""PAKN handling deadlines (DESIGN §4): the Nth working day after the day received.

SQL has no holiday calendar, so the writer computes the deadline of every day a PAKN was
received with the one calendar of the product (`WorkingCalendar.nth_working_day_after`)
and writes them as a lookup table, `feedback_deadlines` (received_date → deadline), which
`sql/marts/fct_feedback.sql` joins. N is the Decision 766 rules' `[feedback] deadline_working_days`
(config/index766.toml, `$IOC_INDEX766`): the index's 5.2 and the KPI read one rule.
"""

from __future__ import annotations

import hashlib

import duckdb
import polars as pl

from warehouse.calendar import WorkingCalendar, load_calendar


def handling_working_days() -> int:
    """The handling deadline in working days after receipt (DESIGN §4: 15, configurable)."""
    from warehouse.index766 import load_rules  # the rules read the registry, which needs no marts

    return load_rules().feedback_deadline_working_days


def rules_fingerprint(calendar: WorkingCalendar | None = None) -> str:
    """Changes when the deadline rule does (N, or the province's calendar): the marts are then rebuilt."""
    calendar = calendar or load_calendar()
    # repr, not hash(): a str's hash differs from one process to the next
    entries = hashlib.sha256(repr(calendar.province.entries).encode()).hexdigest()[:16]
    return f"{handling_working_days()}:{entries}"


def write_deadlines(con: duckdb.DuckDBPyConnection, calendar: WorkingCalendar | None = None) -> None:
    """(Re)write `feedback_deadlines` for every day a PAKN in `raw_feedback` was received."""
    calendar = calendar or load_calendar()
    days = handling_working_days()
    received = [r[0] for r in con.execute("select distinct NgayTiepNhan::date from raw_feedback").fetchall() if r[0]]
    deadlines = pl.DataFrame(
        {"received_date": received, "deadline": [calendar.nth_working_day_after(d, days) for d in received]},
        schema={"received_date": pl.Date, "deadline": pl.Date},
    )
    con.register("new_feedback_deadlines", deadlines)
    con.execute("create or replace table feedback_deadlines as select * from new_feedback_deadlines")
    con.unregister("new_feedback_deadlines")
