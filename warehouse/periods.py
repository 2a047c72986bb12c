"""Reporting periods: the presets people name ("this month", "2025-Q3") as date ranges.

`today` is a calendar date in Asia/Ho_Chi_Minh (DESIGN §4); weeks start on Monday.
A period knows the one before it, of the same kind, so that every tile can show
its change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
REFORM_DAY = date(2025, 7, 1)

PRESETS = ("today", "week", "month", "quarter", "year", "last_month")
KINDS = ("day", "week", "month", "quarter", "year", "range")


class PeriodError(ValueError):
    """A period text that is none of the accepted forms."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: str  # one of KINDS

    def previous(self) -> Period:
        """The period just before, of the same kind (a range: the same number of days)."""
        if self.kind == "month":
            end = self.start - timedelta(days=1)
            return Period(end.replace(day=1), end, "month")
        if self.kind == "quarter":
            end = self.start - timedelta(days=1)
            return Period(date(end.year, end.month - 2, 1), end, "quarter")
        if self.kind == "year":
            return Period(date(self.start.year - 1, 1, 1), date(self.start.year - 1, 12, 31), "year")
        length = (self.end - self.start).days + 1
        return Period(self.start - timedelta(days=length), self.start - timedelta(days=1), self.kind)

    def clipped(self, today: date) -> Period:
        """The part that has happened: a current month is read up to today."""
        return Period(self.start, min(self.end, max(today, self.start)), self.kind)

    def previous_to_date(self, today: date) -> Period:
        """What to compare the part of this period up to `today` with: as many days of the
        previous period (the first 21 days of last month, for this month on the 21st)."""
        current = self.clipped(today)
        before = self.previous()
        return Period(before.start, min(before.end, before.start + (current.end - current.start)), self.kind)

    @property
    def is_whole(self) -> bool:
        """A whole calendar month, quarter or year (not one cut at today)."""
        whole = {"month": month_of, "quarter": quarter_of, "year": year_of}.get(self.kind)
        return whole is not None and whole(self.start) == Period(self.start, self.end, self.kind)

    @property
    def spans_reform(self) -> bool:
        return self.start < REFORM_DAY <= self.end

    @property
    def after_reform(self) -> bool:
        return self.start >= REFORM_DAY

    def label(self, lang: str = "vi") -> str:
        vi = lang == "vi"
        if self.kind == "day":
            return f"{'ngày' if vi else ''} {self.start:%d/%m/%Y}".strip()
        if self.kind == "month":
            return f"{'tháng' if vi else ''} {self.start:%m/%Y}".strip()
        if self.kind == "quarter":
            return f"{'quý' if vi else 'Q'}{'' if not vi else ' '}{(self.start.month - 1) // 3 + 1}/{self.start.year}"
        if self.kind == "year":
            return f"{'năm' if vi else ''} {self.start.year}".strip()
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def _a_year_before(d: date) -> date:
    # 29 February has no day of its own a year before: the last day of that February
    return d.replace(year=d.year - 1, day=28) if (d.month, d.day) == (2, 29) else d.replace(year=d.year - 1)


def same_period_last_year(period: Period) -> Period:
    """The same stretch one year earlier ("cùng kỳ năm trước"): the same dates (1–21/12/2026
    → 1–21/12/2025, as many days unless a 29 February is in either), a whole month, quarter
    or year the whole one (February 2025 → the 29 days of February 2024)."""
    if period.is_whole:
        whole = {"month": month_of, "quarter": quarter_of, "year": year_of}[period.kind]
        return whole(_a_year_before(period.start))
    return Period(_a_year_before(period.start), _a_year_before(period.end), period.kind)


def reform_between(earlier: Period, later: Period) -> bool:
    """Whether the 2025 reform falls between the start of `earlier` and the end of `later`:
    the two are then compared on today's units (DESIGN §5), otherwise as recorded (both in
    one registry version, so a code means the same unit in both)."""
    return earlier.start < REFORM_DAY <= later.end


def now_in_vietnam() -> datetime:
    """Wall-clock time in Vietnam, naive, as the warehouse stamps runs and snapshots."""
    return datetime.now(TIMEZONE).replace(tzinfo=None)


def today_in_vietnam(now: datetime | None = None) -> date:
    return (now or datetime.now(TIMEZONE)).astimezone(TIMEZONE).date()


def day(d: date) -> Period:
    return Period(d, d, "day")


def week_of(d: date) -> Period:
    start = d - timedelta(days=d.weekday())
    return Period(start, start + timedelta(days=6), "week")


def month_of(d: date) -> Period:
    start = d.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return Period(start, end, "month")


def quarter_of(d: date) -> Period:
    first_month = 3 * ((d.month - 1) // 3) + 1
    start = date(d.year, first_month, 1)
    end = month_of(date(d.year, first_month + 2, 1)).end
    return Period(start, end, "quarter")


def year_of(d: date) -> Period:
    return Period(date(d.year, 1, 1), date(d.year, 12, 31), "year")


def last_months(end: date, count: int) -> Period:
    """The `count` whole months up to and including `end`'s month (a trend's window)."""
    month_index = end.year * 12 + end.month - 1 - (count - 1)
    return Period(date(month_index // 12, month_index % 12 + 1, 1), month_of(end).end, "range")


def preset(name: str, today: date) -> Period:
    """A named period around `today`: the whole current week, month... (not clipped)."""
    match name:
        case "today" | "day":
            return day(today)
        case "yesterday":
            return day(today - timedelta(days=1))
        case "week":
            return week_of(today)
        case "last_week":
            return week_of(today - timedelta(days=7))
        case "month":
            return month_of(today)
        case "last_month":
            return month_of(today.replace(day=1) - timedelta(days=1))
        case "quarter":
            return quarter_of(today)
        case "year":
            return year_of(today)
    raise PeriodError(f"unknown period '{name}'")


_FIXED = (
    (re.compile(r"^(\d{4})$"), lambda m: year_of(date(int(m[1]), 1, 1))),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), lambda m: quarter_of(date(int(m[1]), 3 * int(m[2]) - 2, 1))),
    (re.compile(r"^(\d{4})-(\d{2})$"), lambda m: month_of(date(int(m[1]), int(m[2]), 1))),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), lambda m: day(date(int(m[1]), int(m[2]), int(m[3])))),
)


def parse_period(text: str, today: date | None = None) -> Period:
    """`day`, `week`, `month`, `quarter`, `year` (current), `last_month`..., or a fixed
    `YYYY`, `YYYY-Qn`, `YYYY-MM`, `YYYY-MM-DD` (DESIGN §7)."""
    text = text.strip()
    for pattern, build in _FIXED:
        if match := pattern.match(text):
            try:
                return build(match)
            except ValueError:
                raise PeriodError(f"'{text}' is not a real date") from None
    try:
        return preset(text.lower(), today or today_in_vietnam())
    except PeriodError:
        raise PeriodError(
            f"'{text}' is not a period: use day, week, month, quarter, year, or YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD"
        ) from None


def on_screen(text: str, today: date) -> tuple[Period, Period]:
    """What a screen shows for `text` on `today`: the period so far (an unknown text
    shows this month), and the same stretch of the period before it, for the change."""
    try:
        chosen = parse_period(text, today)
    except PeriodError:
        chosen = preset("month", today)
    return chosen.clipped(today), chosen.previous_to_date(today)
