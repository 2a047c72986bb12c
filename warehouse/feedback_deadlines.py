"""PAKN handling deadlines (DESIGN §4): the Nth working day after the day received.

SQL has no holiday calendar, so the writer computes the deadline of every day a PAKN was
received with the one calendar of the product (`WorkingCalendar.nth_working_day_after`)
and writes them as a lookup table, `feedback_deadlines` (received_date → deadline), which
`sql/marts/fct_feedback.sql` joins. N comes from config/feedback.toml (`$IOC_FEEDBACK`).
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from pathlib import Path

import duckdb
import polars as pl

from warehouse.calendar import WorkingCalendar, load_calendar

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "config" / "feedback.toml"
DEFAULT_WORKING_DAYS = 15


def handling_working_days(path: Path | None = None) -> int:
    """The handling deadline in working days after receipt (15 unless the file says otherwise)."""
    path = path or Path(os.environ.get("IOC_FEEDBACK") or DEFAULT_FILE)
    if not path.exists():
        return DEFAULT_WORKING_DAYS
    days = tomllib.loads(path.read_text(encoding="utf-8")).get("handling_working_days", DEFAULT_WORKING_DAYS)
    if not isinstance(days, int) or days < 1:
        raise ValueError(f"{path}: handling_working_days must be a whole number of working days, 1 or more")
    return days


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
