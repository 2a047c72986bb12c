"""Working days (DESIGN §4): Vietnam's national calendar plus the province's changes.

A working day is Monday to Friday, except the national days off (New Year, Tết, Hùng
Kings, 30/4, 1/5, National Day, Vietnam Cultural Day, their observed days and the
government's swapped bridge days), plus the weekend days worked to make up for a swap
(Saturday 26/4/2025 for Friday 2/5/2025). The national part comes from the maintained
`holidays` package, so nobody has to type next year's Tết; the province's additions and
removals come from config/calendar_province.toml (warehouse/province_calendar.py).

Every working-day figure goes through `WorkingCalendar`: days overdue, "due within N
working days", and the PAKN handling deadline (`nth_working_day_after`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

import holidays
import numpy as np

from warehouse.province_calendar import ProvinceCalendar, load_province
from warehouse.targets import load_targets

Source = Literal["national", "province"]
# repeated: a date named twice; already_off: a day off added on a day already off;
# not_off: a working day set on a day already worked (a removal of a day that is not off)
Problem = Literal["repeated", "already_off", "not_off"]


@dataclass(frozen=True)
class CalendarDay:
    """An exception to "Monday to Friday": a weekday off, or a weekend day worked."""

    day: date
    working: bool
    name: str
    source: Source


@dataclass(frozen=True)
class OverrideProblem:
    """A provincial entry that changes nothing or says two things (shown on the data-health page)."""

    day: date
    problem: Problem


def _weekday(day: date) -> bool:
    return day.weekday() < 5


@cache
def national_days(year: int) -> tuple[CalendarDay, ...]:
    """The national exceptions of `year`, by date, named in Vietnamese."""
    # A swap can cross New Year (31/12/2018 off, made up on Saturday 5/1/2019), so the
    # neighbouring years are built too and only this year's days kept.
    # `language` is given: without it the names follow the process's $LANG.
    country = holidays.country_holidays("VN", years=(year - 1, year, year + 1), language="vi")
    off = [
        CalendarDay(day, False, name, "national") for day, name in country.items() if day.year == year and _weekday(day)
    ]
    # holidays 0.109 exposes the make-up days in `weekend_workdays` ("working days moved to
    # weekends") but gives them no name; the day off each one pays for is named
    # "Ngày nghỉ (thay cho ngày 26/04/2025)", which is how the two are paired here.
    make_up = [
        CalendarDay(day, True, _make_up_name(country, day), "national")
        for day in country.weekend_workdays
        if day.year == year
    ]
    return tuple(sorted(off + make_up, key=lambda d: d.day))


def _make_up_name(country: holidays.HolidayBase, day: date) -> str:
    mention = day.strftime("%d/%m/%Y")
    paid_for = sorted(off for off, name in country.items() if mention in name)
    return f"Làm bù cho ngày nghỉ {paid_for[0]:%d/%m/%Y}" if paid_for else "Ngày làm bù"


@lru_cache(maxsize=64)
def _exceptions(province: ProvinceCalendar, year: int) -> dict[date, CalendarDay]:
    days = {d.day: d for d in national_days(year)}
    for day, entry in province.by_date().items():
        if day.year != year:
            continue
        national_working = days[day].working if day in days else _weekday(day)
        if entry.working == national_working:
            continue  # changes nothing (the data-health page says so)
        if entry.working == _weekday(day):
            del days[day]  # back to the plain weekday/weekend rule
        else:
            days[day] = CalendarDay(day, entry.working, entry.name, "province")
    return dict(sorted(days.items()))


@lru_cache(maxsize=64)
def _span(province: ProvinceCalendar, first_year: int, last_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Weekdays off and weekend days worked over whole years, as numpy day arrays."""
    days = [d for year in range(first_year, last_year + 1) for d in _exceptions(province, year).values()]
    off = np.array([d.day for d in days if not d.working], dtype="datetime64[D]")
    worked = np.array(sorted(d.day for d in days if d.working), dtype="datetime64[D]")
    return off, worked


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days: Monday to Friday, with the national and provincial exceptions."""

    province: ProvinceCalendar = field(default_factory=ProvinceCalendar)

    def days(self, year: int) -> list[CalendarDay]:
        """The exceptions of `year` to Monday-to-Friday, by date (what `warehouse calendar` prints)."""
        return list(_exceptions(self.province, year).values())

    def is_working(self, day: date) -> bool:
        known = _exceptions(self.province, day.year).get(day)
        return known.working if known else _weekday(day)

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The `n`th working day after `day` (n ≥ 1), e.g. a PAKN's deadline, 15 after its receipt."""
        if n < 1:
            raise ValueError("n counts working days after the day: 1 or more")
        while n:
            day += timedelta(days=1)
            n -= self.is_working(day)
        return day

    def add(self, start: date, working_days: int) -> date:
        """The date `working_days` working days after `start` (0: `start`, or the next working day)."""
        while not self.is_working(start):
            start += timedelta(days=1)
        return self.nth_working_day_after(start, working_days) if working_days else start

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 1 for a due date yesterday when today is a working day;
        minus the working days in (end, start] when `end` is earlier."""
        return int(self.between_many(np.array([start], dtype="datetime64[D]"), end)[0])

    def between_many(self, starts: np.ndarray, end: date) -> np.ndarray:
        """`between(start, end)` for many starts at once (a column of due dates)."""
        starts = starts.astype("datetime64[D]")
        stop = np.datetime64(end, "D")
        if starts.size == 0:
            return np.zeros(0, dtype=np.int64)
        first = min(starts.min(), stop).astype(date).year
        last = max(starts.max(), stop).astype(date).year
        off, worked = _span(self.province, first, last)
        origin = np.datetime64(f"{first}-01-01", "D")

        # Working days in [origin, day]: Monday-to-Friday minus the weekdays off, plus the
        # weekend days worked (numpy's calendar has no notion of a working Saturday).
        def rank(days: np.ndarray) -> np.ndarray:
            weekdays = np.busday_count(origin, days + np.timedelta64(1, "D"), holidays=off)
            return weekdays + np.searchsorted(worked, days, side="right")

        return (rank(np.array([stop])) - rank(starts)).astype(np.int64)


def province_problems(calendar: WorkingCalendar) -> list[OverrideProblem]:
    """Provincial entries that name a date twice, add a day off on a day already off, or
    make a working day of a day already worked: each is a slip in the file."""
    problems = [OverrideProblem(day, "repeated") for day in calendar.province.repeated()]
    for entry in calendar.province.entries:
        national = {d.day: d for d in national_days(entry.day.year)}.get(entry.day)
        working = national.working if national else _weekday(entry.day)
        if entry.working == working:
            problems.append(OverrideProblem(entry.day, "not_off" if working else "already_off"))
    return sorted(set(problems), key=lambda p: (p.day, p.problem))


def load_calendar(province_file: Path | None = None) -> WorkingCalendar:
    """The national calendar with the provincial file (`$IOC_CALENDAR`, or
    config/calendar_province.toml); days off still listed under `[calendar] holidays` in
    the targets file count as provincial additions."""
    return WorkingCalendar(load_province(province_file, load_targets().holidays))
