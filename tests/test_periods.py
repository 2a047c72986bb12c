"""What a screen shows for a period name: the part that has happened, and the stretch
of the period before it that the change is measured against."""

from __future__ import annotations

from datetime import date

from warehouse.periods import Period, on_screen


def test_this_month_on_the_21st_compares_with_the_first_21_days_of_last_month() -> None:
    current, previous = on_screen("month", date(2026, 11, 21))
    assert current == Period(date(2026, 11, 1), date(2026, 11, 21), "month")
    assert previous == Period(date(2026, 10, 1), date(2026, 10, 21), "month")


def test_a_past_month_is_whole_and_compares_with_the_month_before() -> None:
    # February 2023 has 28 days: January's first 28 days
    current, previous = on_screen("2023-02", date(2023, 3, 31))
    assert current == Period(date(2023, 2, 1), date(2023, 2, 28), "month")
    assert previous == Period(date(2023, 1, 1), date(2023, 1, 28), "month")


def test_an_unknown_name_shows_this_month() -> None:
    assert on_screen("nonsense", date(2026, 11, 21)) == on_screen("month", date(2026, 11, 21))
