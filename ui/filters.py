"""The analysts' sidebar filters, drawn the same way on every page that has them: the
period (presets or two dates), the receiving level, the district (before the reform),
the commune and the field, each kept in the link with codes (`ui/url_state.py`).

A page draws the ones it needs inside `with st.sidebar:` and reads what was chosen;
`url.write()` stays the page's call, after its last widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from ui import formats
from ui.data import choices, today
from ui.i18n import lang, tr
from ui.labels import LEVELS, label
from ui.url_state import UrlState, parse_date
from warehouse.periods import REFORM_DAY, Period, preset

FIRST_DAY = date(2000, 1, 1)  # the portal's dates before it are quarantined as typos

PERIODS = ("today", "week", "month", "quarter", "year", "last_month", "custom")
PERIOD_LABELS = {
    "today": ("Hôm nay", "Today"),
    "week": ("Tuần này", "This week"),
    "month": ("Tháng này", "This month"),
    "quarter": ("Quý này", "This quarter"),
    "year": ("Năm nay", "This year"),
    "last_month": ("Tháng trước", "Last month"),
    "custom": ("Tuỳ chọn", "Custom"),
}


# a period before the reform, as recorded (the default: history is never relabelled
# silently) or on today's units (DESIGN §5 "Across the reform")
UNIT_VIEWS = ("recorded", "current")
UNIT_VIEW_LABELS = {
    "recorded": ("Như khi tiếp nhận", "As units were"),
    "current": ("Theo địa giới mới", "Today's units"),
}


@dataclass(frozen=True)
class Place:
    """The district and commune chosen (codes), with the names they were offered under."""

    district: str | None
    commune: str | None
    district_names: dict[str, str]
    commune_names: dict[str, str]

    @property
    def unit(self) -> str | None:
        return self.commune or self.district

    def trail(self) -> list[str]:
        """The names of what narrows the view, widest first (for a "Province › ..." line)."""
        names = (
            self.district_names.get(self.district) if self.district else None,
            self.commune_names.get(self.commune) if self.commune else None,
        )
        return [name for name in names if name]


def period_filter(url: UrlState, default: str = "month", presets: tuple[str, ...] = PERIODS) -> Period:
    """A preset period up to today (of `presets`, from PERIODS), or two dates
    (`?period=custom&from=...&to=...`)."""
    language = lang()
    name = st.selectbox(
        tr("Kỳ báo cáo", "Period"),
        presets,
        key=url.seed("period", default=default, options=presets),
        format_func=lambda p: PERIOD_LABELS[p][1 if language == "en" else 0],
    )
    if name == "custom":
        days = (FIRST_DAY, today())
        start = st.date_input(
            tr("Từ ngày", "From"),
            key=url.seed("from", default=today().replace(day=1), parse=parse_date, clamp=days),
            min_value=days[0],
            max_value=days[1],
            format="DD/MM/YYYY",
        )
        end = st.date_input(
            tr("Đến ngày", "To"),
            key=url.seed("to", default=today(), parse=parse_date, clamp=days),
            min_value=days[0],
            max_value=days[1],
            format="DD/MM/YYYY",
        )
        period = Period(min(start, end), max(start, end), "range")
    else:
        period = preset(name, today()).clipped(today())
    st.caption(f"{formats.day(period.start, language)} – {formats.day(period.end, language)}")
    return period


def level_filter(url: UrlState) -> str | None:
    language = lang()
    return st.selectbox(
        tr("Cấp tiếp nhận", "Level"),
        list(LEVELS),
        index=None,
        key=url.seed("level", options=LEVELS),
        placeholder=tr("Tất cả các cấp", "All levels"),
        format_func=lambda v: label(LEVELS, v, language),
    )


def units_view_filter(url: UrlState, period: Period) -> str:
    """For a period before the reform: its units as recorded, or today's ("recorded" | "current")."""
    if period.start >= REFORM_DAY:
        return "recorded"
    language = lang()
    return st.segmented_control(
        tr("Đơn vị hành chính", "Units"),
        UNIT_VIEWS,
        key=url.seed("units", default="recorded", options=UNIT_VIEWS),
        required=True,
        format_func=lambda v: label(UNIT_VIEW_LABELS, v, language),
    )


def place_filter(url: UrlState, period: Period, on_today: bool = False) -> Place:
    """A district (periods before 1 July 2025 only) and a commune of the period's registry;
    `on_today`: a commune of today, whatever the period (no district)."""
    district = None
    district_names: dict[str, str] = {}
    if period.start < REFORM_DAY and not on_today:
        district_names = choices("units", "pre2025", "district", None)
        district = st.selectbox(
            tr("Huyện (đến 30/06/2025)", "District (until 30/06/2025)"),
            list(district_names),
            index=None,
            key=url.seed("district", options=district_names),
            placeholder=tr("Toàn tỉnh", "Whole province"),
            format_func=district_names.get,
        )
    if on_today:
        commune_names = choices("current_units")
    else:
        commune_names = choices("units", "post2025" if period.start >= REFORM_DAY else "pre2025", "commune", district)
    commune = st.selectbox(
        tr("Xã, phường", "Commune"),
        list(commune_names),
        index=None,
        key=url.seed("commune", options=commune_names),
        placeholder=tr("Tất cả", "All"),
        format_func=commune_names.get,
    )
    return Place(district, commune, district_names, commune_names)


def field_filter(url: UrlState) -> tuple[str | None, dict[str, str]]:
    """The field chosen (a code) and the names of all fields."""
    field_names = choices("fields")
    field = st.selectbox(
        tr("Lĩnh vực", "Field"),
        list(field_names),
        index=None,
        key=url.seed("field", options=field_names),
        placeholder=tr("Tất cả lĩnh vực", "All fields"),
        format_func=field_names.get,
    )
    return field, field_names


@dataclass(frozen=True)
class Scope:
    """What the period, level, place and field filters chose, as the v2 pages read it."""

    period: Period
    filters: dict  # unit, level, field: the KpiFilter arguments besides the period
    trail: list[str]  # "Toàn tỉnh › Huyện … › Xã …", widest first


def scope_filters(url: UrlState) -> Scope:
    """The period, level, place and field filters in the sidebar, kept in the link."""
    with st.sidebar:
        st.subheader(tr("Bộ lọc", "Filters"))
        period = period_filter(url)
        level = level_filter(url)
        place = place_filter(url, period)
        field, field_names = field_filter(url)
        url.write()
    trail = [tr("Toàn tỉnh", "Province"), *place.trail(), *([field_names.get(field, field)] if field else [])]
    return Scope(period, dict(unit=place.unit, level=level, field=field), trail)
