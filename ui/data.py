"""What pages read: the typed query API over the published snapshot, cached per data version.

Every read takes the data version as part of its cache key, so a newly published
snapshot is a new entry and nothing stale is served. Every session reads through one
read-only connection per snapshot, so DuckDB's buffer pool keeps what it has read
(a fresh connection per read paid for opening the file and re-reading its tables).
Errors become sentences (`Result.message`); pages never see a traceback or open the
warehouse for writing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import polars as pl
import streamlit as st

from warehouse import health
from warehouse.errors import NoSnapshot, WarehouseError
from warehouse.index766 import IndexSpec, rules_file, scorecard
from warehouse.lists import open_feedback
from warehouse.lookups import current_unit_choices
from warehouse.online_services import OnlineServicesFilter, procedure_list, unused_online_services
from warehouse.paths import WarehousePaths
from warehouse.periods import Period, now_in_vietnam, today_in_vietnam
from warehouse.query import (
    KpiFilter,
    OverdueFilter,
    dossiers,
    field_choices,
    kpi,
    overdue_dossiers,
    procedure_choices,
    unit_choices,
)
from warehouse.snapshot import current_snapshot
from warehouse.targets import load_targets, targets_file
from warehouse.year_on_year import NO_PAST_NOTE, Change, YearOnYear, change, not_comparable


def stale_after() -> timedelta:
    """Data older than this is called stale on every page (the worker pulls every 5
    minutes); `$IOC_STALE_MINUTES` changes it (60 by default)."""
    return timedelta(minutes=int(os.environ.get("IOC_STALE_MINUTES", "60")))


@dataclass(frozen=True)
class Result:
    frame: pl.DataFrame | None
    message: str | None = None

    @property
    def empty(self) -> bool:
        return self.frame is None or self.frame.is_empty()


@dataclass(frozen=True)
class DataState:
    database: str
    version: str | None
    published_at: datetime | None
    file: str | None = None

    @property
    def has_data(self) -> bool:
        return self.version is not None

    def is_stale(self, now: datetime | None = None) -> bool:
        if self.published_at is None:
            return True
        return (now or now_in_vietnam()) - self.published_at > stale_after()


def data_state() -> DataState:
    paths = WarehousePaths.resolve()
    try:
        info = current_snapshot(paths)
    except NoSnapshot:
        return DataState(str(paths.database), None, None)
    return DataState(str(paths.database), info.version, info.published_at, info.file)


def today() -> date:
    """Today in Vietnam; `$IOC_TODAY` (YYYY-MM-DD) replays a past day, e.g. on demo data."""
    fixed = os.environ.get("IOC_TODAY")
    return date.fromisoformat(fixed) if fixed else today_in_vietnam()


_READERS: dict[str, Callable[..., pl.DataFrame]] = {
    # every KPI row a page reads carries its targets and the parts of its rates
    "kpi": lambda con, spec, _targets_version: kpi(con, spec, targets=load_targets(), parts=True),
    "overdue": overdue_dossiers,
    "open_feedback": open_feedback,
    "online_procedures": lambda con, spec: procedure_list(con, _online_filter(spec)),
    "unused_online_services": lambda con, spec: unused_online_services(con, _online_filter(spec)),
    "dossiers": dossiers,
    "units": lambda con, version, level, parent: unit_choices(con, version=version, level=level, parent_code=parent),
    "current_units": current_unit_choices,
    "fields": field_choices,
    "procedures": procedure_choices,
    "quarantine": health.quarantine,
    "quarantine_reasons": health.quarantine_reasons,
    "form06a_violations": health.form06a_violations,
    "unresolved_units": health.unresolved_units,
    "orphan_v2_rows": health.orphan_v2_rows,
    "backfill_progress": health.backfill_progress,
    "index766": lambda con, spec, _rules_version: scorecard(con, spec),
    "index766_months": lambda con, specs, _rules_version: _monthly_scorecards(con, specs),
}


def _online_filter(spec: KpiFilter) -> OnlineServicesFilter:
    return OnlineServicesFilter(spec.date_from, spec.date_to, spec.unit, spec.level, spec.field)


def _monthly_scorecards(con: duckdb.DuckDBPyConnection, specs: tuple[IndexSpec, ...]) -> pl.DataFrame:
    """One scorecard per month (a published figure counts for exactly its month), stacked;
    a month in which the unit did not exist (a commune formed by the reform) is left out."""
    frames = []
    for spec in specs:
        try:
            frame = scorecard(con, spec)
        except WarehouseError:
            continue
        frames.append(
            frame.with_columns(period_start=pl.lit(spec.date_from, pl.Date), period_end=pl.lit(spec.date_to, pl.Date))
        )
    return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()


# One entry: the connection of the current snapshot. When a new one is published, the
# first read of it evicts the old connection (DESIGN §9: none is held across an ingest);
# reads still running on the old one finish on their cursors. Never close it on release:
# closing a connection closes its cursors.
@st.cache_resource(max_entries=1, show_spinner=False)
def _snapshot(database: str, version: str, file: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(WarehousePaths.resolve(database).snapshots / file), read_only=True)


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _read(database: str, version: str, file: str, reader: str, args: tuple) -> Result:
    # `version` is in the key on purpose: a new snapshot is a new entry. A snapshot that
    # cannot be opened raises here, so that failure is not cached: the next run retries.
    connection = _snapshot(database, version, file)
    try:
        # A cursor per read: sessions run in threads, and a DuckDB connection serves one at a time.
        with connection.cursor() as con:
            return Result(_READERS[reader](con, *args))
    except (WarehouseError, duckdb.Error) as error:
        return Result(None, str(error))


def read(reader: str, *args: object) -> Result:
    state = data_state()
    if not state.has_data:
        return Result(None, None)
    try:
        return _read(state.database, state.version, state.file, reader, args)
    except duckdb.Error as error:
        return Result(None, str(error))


def choices(reader: str, *args: object) -> dict[str, str]:
    """A filter's options, code → name (empty when there is no data yet)."""
    frame = read(reader, *args).frame
    return dict(frame.iter_rows()) if frame is not None else {}


def backfill_progress() -> str | None:
    frame = read("backfill_progress").frame
    return frame["progress"][0] if frame is not None and not frame.is_empty() else None


def kpi_rows(spec: KpiFilter) -> Result:
    """KPI rows with `<name>_target` columns (warehouse/kpi_targets.py) and the parts of rates."""
    path = targets_file()
    # the targets file's time is in the cache key: an edited file shows at once
    return read("kpi", spec, f"{path}:{path.stat().st_mtime if path.exists() else 0}")


def _file_version(path) -> str:
    # a file's time in the cache key: an edited file shows at once
    return f"{path}:{path.stat().st_mtime if path.exists() else 0}"


@dataclass(frozen=True)
class YearOnYearRows:
    """A unit's KPI row for a period and for the same period a year earlier, on the same
    units (warehouse.year_on_year); `failed` when the unit cannot be read on them."""

    compared: YearOnYear
    now: dict | None
    before: dict | None
    failed: bool = False

    def change(self, kpi: str) -> Change:
        return Change(kpi, None, NO_PAST_NOTE) if self.failed else change(kpi, self.now, self.before)


def year_on_year_rows(period: Period, unit: str | None) -> YearOnYearRows:
    """`unit` (as a page's filter names it) in `period` and a year earlier, for the change."""
    compared = YearOnYear.of(period)
    now, before = (kpi_rows(spec) for spec in compared.filters(unit))
    first = [None if r.empty else r.frame.row(0, named=True) for r in (now, before)]
    return YearOnYearRows(compared, first[0], first[1], failed=bool(now.message or before.message))


def index766_rows(spec: IndexSpec) -> Result:
    """The Decision 766 scorecard (warehouse.index766.scorecard) of `spec`."""
    return read("index766", spec, _file_version(rules_file()))


@dataclass(frozen=True)
class Index766YearOnYear:
    """A unit's Decision 766 scorecard for a period and the same period a year earlier, both
    on the same units (`compared.units`: today's when the reform lies between them, as the
    overview's tiles compare), or `note` saying why they do not compare."""

    compared: YearOnYear
    now: pl.DataFrame | None  # this period on the compared units (None: no rows)
    before: pl.DataFrame | None
    note: str | None = None


def index766_year_on_year(spec: IndexSpec, kind: str) -> Index766YearOnYear:
    """`spec`'s unit (its own scorecard, not a ranking) in its period and a year earlier;
    `kind`: the period's (warehouse.periods)."""
    compared = YearOnYear.of(Period(spec.date_from, spec.date_to, kind))
    now, before = (
        index766_rows(IndexSpec(period.start, period.end, unit=spec.unit, units=compared.units))
        for period in (compared.this, compared.last)
    )
    if now.message or before.message:  # an old commune or district is no unit of today
        return Index766YearOnYear(compared, None, None, NO_PAST_NOTE)
    frames = [None if result.empty else result.frame for result in (now, before)]
    # on today's units every row of a unit carries its `comparable` and `note`
    first = [None if frame is None else frame.row(0, named=True) for frame in frames]
    row = not_comparable(first[0], first[1])
    return Index766YearOnYear(compared, frames[0], frames[1], None if row is None else row.get("note"))


def index766_months(specs: tuple[IndexSpec, ...]) -> Result:
    """The scorecards of several months at once, each row with its period_start and period_end."""
    return read("index766_months", specs, _file_version(rules_file()))


def overdue_rows(spec: OverdueFilter) -> Result:
    return read("overdue", spec)


def dossier_rows(spec: KpiFilter, measure: str) -> Result:
    return read("dossiers", spec, measure)


def online_procedure_rows(spec: KpiFilter) -> Result:
    """Each procedure in scope of the filter's agencies: received, filed online, online rate."""
    return read("online_procedures", spec)


def unused_online_procedure_rows(spec: KpiFilter) -> Result:
    """The fully online services (agency × procedure) that received no online dossier in the period."""
    return read("unused_online_services", spec)


def open_feedback_rows(spec: KpiFilter) -> Result:
    """The PAKN open at the period's end or handled late in it, with working days left or late."""
    return read("open_feedback", spec)


def runs(limit: int = 200) -> pl.DataFrame:
    """Recent ingest runs (the run log is read fresh each time: it is one small file)."""
    state = data_state()
    paths = WarehousePaths.resolve(state.database)
    if not state.has_data:
        return health.runs(None, paths, limit)
    try:
        with _snapshot(state.database, state.version, state.file).cursor() as con:
            return health.runs(con, paths, limit)
    except (WarehouseError, duckdb.Error):
        return health.runs(None, paths, limit)
