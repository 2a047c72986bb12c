"""Honest time: a period still running is marked as such wherever it is drawn or counted.

A month two days old is not a collapse, and a day at 09:00 is not a bad day: trends and
sparklines end in an open point, labelled "đến 02/12" ("to 02/12"), and the today tile
says up to what time it counts (no pure functions of Streamlit here).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ui import formats
from ui.formats import Lang


def month_end(month_start: date) -> date:
    return (month_start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def is_partial(month_start: date, through: date | None) -> bool:
    """Whether the month starting `month_start` is still running on `through` (the last day
    the figures cover, today): its figures are not yet those of a whole month."""
    return through is not None and month_start <= through < month_end(month_start)


def partial_label(through: date, lang: Lang) -> str:
    """ "đến 02/12" / "to 02/12"."""
    return f"{'đến' if lang == 'vi' else 'to'} {through:%d/%m}"


def day_so_far(published_at: datetime | None, today: date, lang: Lang) -> str:
    """What to add to a "today" tile's label: " (đến 14:05)" while the data is of today,
    nothing once the day is over in the data (a replayed day, `IOC_TODAY`)."""
    if published_at is None or published_at.date() > today:
        return ""
    if published_at.date() == today:
        return f" ({'đến' if lang == 'vi' else 'to'} {published_at:%H:%M})"
    return f" ({'đến' if lang == 'vi' else 'to'} {formats.moment(published_at, lang)})"


def yesterday_note(today_row: dict | None, yesterday_row: dict | None, so_far: str, lang: Lang) -> str:
    """The today tile's note: the split by channel and, while the day is running (no arrow
    then: part of a day against a whole one is no comparison), yesterday's whole count."""
    parts = [_channels(today_row, lang)]
    if so_far and yesterday_row is not None and yesterday_row.get("received") is not None:
        parts.append(f"{'hôm qua' if lang == 'vi' else 'yesterday'} {formats.count(yesterday_row['received'], lang)}")
    return " · ".join(part for part in parts if part)


def _channels(row: dict | None, lang: Lang) -> str:
    from ui.tiles import channel_note

    return channel_note(row, lang)
