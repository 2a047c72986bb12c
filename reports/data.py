"""Everything one snapshot export shows, read from the published snapshot in one go.

The files of a snapshot must agree with each other, so they are all made from one
`ReportData`, read under one open snapshot (one data version), never re-queried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import polars as pl

from warehouse.errors import WarehouseError
from warehouse.index766 import IndexRulesError, IndexSpec, scorecard
from warehouse.paths import WarehousePaths
from warehouse.periods import TIMEZONE, Period, PeriodError, last_months
from warehouse.query import KpiFilter, OverdueFilter, kpi, overdue_dossiers, resolve_unit, scope_target_level
from warehouse.snapshot import open_snapshot
from warehouse.targets import load_targets
from warehouse.units import Resolution
from warehouse.year_on_year import NO_PAST_NOTE, Change, YearOnYear, change

TREND_MONTHS = 12
# what the briefing compares with the same period a year earlier
YEAR_ON_YEAR_KPIS = ("received", "online_rate", "on_time_rate", "on_time_rate_766")
# 06a goes up one level (Circular 01/2020); the province's own report goes to the Government Office.
GOVERNMENT_OFFICE = "Văn phòng Chính phủ"


@dataclass(frozen=True)
class Scope:
    """Whose report it is: the unit asked for, or the whole province."""

    query: str | None  # the unit as the user typed it (None: the whole province)
    label: str  # "Huyện Đại Từ", "Tỉnh Thái Nguyên"
    level: str | None  # the unit's level; None for the whole province
    reporting_unit: str  # the agency's own name, written on form 06a
    receiving_unit: str
    has_units_below: bool  # a province or district: form 06a and the ranking go by unit
    target_level: str  # the level whose targets apply ("all" when it spans levels; DESIGN §4)


@dataclass(frozen=True)
class ReportData:
    period: Period  # clipped to today: a current month is read up to today
    full_period: Period  # as asked (the label)
    previous: Period  # the same length just before, for the change on each tile
    scope: Scope
    version: str
    published_at: datetime
    made_at: datetime
    total: dict
    previous_total: dict
    by_area: pl.DataFrame  # empty when the scope has no units below it
    by_field: pl.DataFrame
    trend: pl.DataFrame  # by month, the TREND_MONTHS months ending with the period
    overdue: pl.DataFrame  # pending and overdue at the end of the period
    # the Decision 766 scorecard of the scope (warehouse.index766.scorecard); empty, with
    # the reason, when its rules file is wrong (the other files are still made)
    index766: pl.DataFrame | None = None
    index766_error: str | None = None
    # the same period a year earlier, and each YEAR_ON_YEAR_KPIS' change against it
    # (warehouse.year_on_year: on today's units when the reform falls between the two)
    year_on_year: YearOnYear | None = None
    year_on_year_changes: tuple[Change, ...] = ()

    @property
    def as_of(self) -> date:
        return self.period.end


def collect(paths: WarehousePaths, period: Period, unit: str | None, today: date) -> ReportData:
    """Read a snapshot export's figures; raises the warehouse's errors (no data, unknown unit)."""
    clipped = period.clipped(today)
    previous = period.previous_to_date(today)
    targets = load_targets()
    with open_snapshot(paths) as (con, info):
        # "2099" would otherwise be read as the one day of it up to today: a report of nothing
        data_day = min(today, info.published_at.date())
        if period.start > data_day:
            raise PeriodError(
                f"the period {period.start:%d/%m/%Y}–{period.end:%d/%m/%Y} starts after the data time "
                f"({data_day:%d/%m/%Y}): there is no data for it yet"
            )
        scope = _scope(con, unit, clipped)

        def rows(window: Period, by: str | None = None) -> pl.DataFrame:
            # with the parts of rates (the briefing says what each rate divides) and the
            # targets each row is held to (kpi.csv carries them beside the figures)
            return kpi(con, KpiFilter(window.start, window.end, unit=unit, by=by), targets=targets, parts=True)

        total = rows(clipped).to_dicts()[0]
        previous_total = rows(previous).to_dicts()[0]
        by_area = rows(clipped, "area") if scope.has_units_below else rows(clipped).clear()
        by_field = rows(clipped, "field")
        trend_start = last_months(clipped.end, TREND_MONTHS).start
        trend = kpi(con, KpiFilter(trend_start, clipped.end, unit=unit, by="month"))
        overdue = overdue_dossiers(con, OverdueFilter(as_of=clipped.end, unit=unit))
        index766, index766_error = _index766(con, clipped, unit)
        compared = YearOnYear.of(clipped)
        changes = _year_on_year(con, compared, unit)
    return ReportData(
        period=clipped,
        full_period=period,
        previous=previous,
        scope=scope,
        version=info.version,
        published_at=info.published_at,
        made_at=datetime.now(TIMEZONE).replace(microsecond=0),
        total=total,
        previous_total=previous_total,
        by_area=by_area,
        by_field=by_field,
        trend=trend,
        overdue=overdue,
        index766=index766,
        index766_error=index766_error,
        year_on_year=compared,
        year_on_year_changes=changes,
    )


def _year_on_year(con: duckdb.DuckDBPyConnection, compared: YearOnYear, unit: str | None) -> tuple[Change, ...]:
    try:
        now, before = (kpi(con, spec).to_dicts()[0] for spec in compared.filters(unit))
    except WarehouseError:  # the unit is none of today's (an old district), say
        return tuple(Change(k, None, NO_PAST_NOTE) for k in YEAR_ON_YEAR_KPIS)
    return tuple(change(k, now, before) for k in YEAR_ON_YEAR_KPIS)


def _index766(
    con: duckdb.DuckDBPyConnection, period: Period, unit: str | None
) -> tuple[pl.DataFrame | None, str | None]:
    try:
        return scorecard(con, IndexSpec(period.start, period.end, unit=unit)), None
    except IndexRulesError as error:
        return None, str(error)


# --------------------------------------------------------------------------- scope


def _scope(con: duckdb.DuckDBPyConnection, unit: str | None, period: Period) -> Scope:
    if unit is None:
        province = _home_province(con, period)
        return Scope(None, province, None, _ubnd(province), GOVERNMENT_OFFICE, True, scope_target_level(None))
    found = resolve_unit(con, unit, period.start, period.end)
    if found.agency_codes:
        # An agency (a department, a one-stop) reports for itself, to the province.
        return Scope(
            unit,
            found.label,
            found.level,
            found.label,
            _provincial_office(_home_province(con, period)),
            False,
            scope_target_level(found),
        )
    own_name = _agency_name(con, found) or _ubnd(found.label)
    # Before the reform a commune reported to its district; since, communes report to the province.
    parent = _parent_name(con, found) if found.level == "commune" and not period.after_reform else None
    receiving = (
        _ubnd(parent)
        if parent
        else (GOVERNMENT_OFFICE if found.level == "province" else _provincial_office(_home_province(con, period)))
    )
    below = found.level in ("province", "district")
    return Scope(unit, found.label, found.level, own_name, receiving, below, scope_target_level(found))


def _ubnd(unit_name: str) -> str:
    """ "Huyện Đại Từ" → "UBND huyện Đại Từ", as one-door systems name the people's committee."""
    if not unit_name:
        return "UBND"
    return f"UBND {unit_name[0].lower()}{unit_name[1:]}"


def _provincial_office(province: str) -> str:
    return f"Văn phòng UBND {province[0].lower()}{province[1:]}" if province else "Văn phòng UBND tỉnh"


def _home_province(con: duckdb.DuckDBPyConnection, period: Period) -> str:
    # The province most agencies serve (the data's own), in the registry version of the period.
    rows = con.execute(
        """
        select any_value(units.unit_name)
        from dim_agencies as agencies
        inner join dim_units as units
            on units.unit_code = agencies.province_code and units.unit_level = 'province'
           and units.valid_from <= ? and units.valid_to >= ?
        group by agencies.province_code
        order by count(*) desc, agencies.province_code
        limit 1
        """,
        [period.end, period.start],
    ).fetchall()
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection.
    return rows[0][0] if rows else "Toàn tỉnh"


def _agency_name(con: duckdb.DuckDBPyConnection, found: Resolution) -> str | None:
    """The agency serving exactly this unit at its own level: "UBND xã Cù Vân" for Cù Vân."""
    rows = con.execute(
        """
        select agency_name from dim_agencies
        where unit_code = ? and agency_level = ? and unit_version in (select unnest(?::varchar[]))
        order by agency_code limit 1
        """,
        [found.code, found.level, list(found.unit_versions) or ["pre2025", "post2025"]],
    ).fetchall()
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection.
    return rows[0][0] if rows else None


def _parent_name(con: duckdb.DuckDBPyConnection, found: Resolution) -> str | None:
    rows = con.execute(
        """
        select parent.unit_name from dim_units as child
        inner join dim_units as parent
            on parent.unit_code = child.parent_code and parent.unit_version = child.unit_version
        where child.unit_code = ? and child.unit_version in (select unnest(?::varchar[]))
        limit 1
        """,
        [found.code, list(found.unit_versions)],
    ).fetchall()
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection.
    return rows[0][0] if rows else None
