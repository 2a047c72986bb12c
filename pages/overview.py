"""Tổng quan — the IOC wall: KPI tiles against targets, the 12-month trend, units ranked.

`?wall=1` turns it into the wall screen: dark, large type, no menus, panels rotating
every `?rotate=N` seconds (0: stay on the first), new data shown in place.
"""

from __future__ import annotations

import time

import streamlit as st

from ui import charts, formats, vega_charts, wall_index766
from ui import wall as wall_fit
from ui.data import data_state, kpi_rows, overdue_rows, today, year_on_year_rows
from ui.i18n import LANGS, lang, tr
from ui.labels import RANKABLE, kpi_label
from ui.layout import data_time, empty_state, freshness_banner, reform_note, tile_style
from ui.partial import day_so_far, is_partial, partial_label, yesterday_note
from ui.tiles import channel_note, ranked, tile, year_on_year_text
from ui.url_state import UrlState, parse_int
from warehouse import registry
from warehouse.periods import day, last_months, on_screen, parse_period
from warehouse.query import KpiFilter, OverdueFilter, overdue_summary

PERIODS = ("today", "week", "month", "quarter", "year")
PERIOD_LABELS = {
    "today": ("Hôm nay", "Today"),
    "week": ("Tuần này", "This week"),
    "month": ("Tháng này", "This month"),
    "quarter": ("Quý này", "This quarter"),
    "year": ("Năm nay", "This year"),
}

# (page, its headline rate, icon): under the tiles, off the wall
V2_LINKS = (
    ("pages/online_services.py", "online_service_use_rate", ":material/devices:"),
    ("pages/satisfaction.py", "satisfaction_rate", ":material/sentiment_satisfied:"),
)

language = lang()
url = UrlState("overview")
wall = st.query_params.get("wall") == "1"
rotate = url.get("rotate", default=20, parse=parse_int, clamp=(0, 3600)) if wall else 0
unit = url.get("unit")
big = {"dark": False, "font_size": 14, "scale": 1.0}
# On the wall a chart takes the height the panel leaves it; on a laptop, its own.
chart_height = {"height": "stretch"} if wall else {}

if wall:
    screen = wall_fit.viewport()
    wall_fit.style(screen)
    big = wall_fit.chart_style(screen)
    # the wall also shows fixed periods (a report's wall.png of 2023-02)
    period_name = url.get("period", default="month", parse=lambda text: parse_period(text, today()) and text)
    ranking_kpi = url.get("kpi", default="on_time_rate", options=RANKABLE)
    url.get("lang", default="vi", options=LANGS)
else:
    tile_style()
    st.title(tr("Tổng quan", "Overview"))
    freshness_banner()
    # One row that wraps, each control as wide as its content: in a column, a segmented
    # control too wide for it scrolls ("This year" cut off on a 1366 px laptop).
    top = st.container(horizontal=True, vertical_alignment="bottom")
    period_name = (
        top.segmented_control(
            tr("Kỳ báo cáo", "Period"),
            PERIODS,
            key=url.seed("period", default="month", options=PERIODS),
            required=True,
            format_func=lambda p: PERIOD_LABELS[p][1 if language == "en" else 0],
            width="content",
        )
        or "month"
    )
    ranking_kpi = top.selectbox(
        tr("Xếp hạng đơn vị theo", "Rank units on"),
        RANKABLE,
        key=url.seed("kpi", default="on_time_rate", options=RANKABLE),
        format_func=lambda k: kpi_label(k, language),
        width=260,
    )
    url.write()
    top.link_button(
        tr("Màn hình lớn", "Wall screen"), f"?wall=1&rotate=20&lang={language}", icon=":material/tv:", width="content"
    )

shown = on_screen(period_name, today())[0]
if unit and kpi_rows(KpiFilter(shown.start, shown.end, unit=unit)).message:
    # a unit unknown in the period shown: the whole province, said so, rather than empty panels
    url.rejected["unit"], unit = (unit, None), None
url.note()


def first_row(result) -> dict | None:
    return None if result.frame is None or result.frame.is_empty() else result.frame.row(0, named=True)


# The period is worked out in each panel, not once per page: the wall page stays open
# for weeks and only its fragment reruns, so "this month" must move on by itself.
def tiles_panel() -> None:
    current, previous = on_screen(period_name, today())
    now = first_row(kpi_rows(KpiFilter(current.start, current.end, unit=unit)))
    before = first_row(kpi_rows(KpiFilter(previous.start, previous.end, unit=unit)))
    window = last_months(current.end, 12)
    # Up to today, not the month's end: pending and overdue in the running month are as of today.
    trend_result = kpi_rows(KpiFilter(window.start, current.end, unit=unit, by="month"))
    trend = trend_result.frame
    if now is None:
        empty_state(trend_result.message)
        return
    period_label = current.label(language)
    last_year = year_on_year_rows(current, unit)

    def year_on_year(kpi: str) -> str:
        # on the wall, short: the reason would not fit
        return year_on_year_text(last_year.change(kpi), last_year.compared.last, language, short=wall)

    today_tiles = []
    # A past period (a report's wall.png of last quarter, say) has no "today" to show.
    if current.end >= today():
        today_row = first_row(kpi_rows(KpiFilter(today(), today(), unit=unit)))
        yesterday = day(today()).previous()
        yesterday_row = first_row(kpi_rows(KpiFilter(yesterday.start, yesterday.end, unit=unit)))
        # A day still running has no whole day to compare with: yesterday is said, not subtracted.
        so_far = day_so_far(data_state().published_at, today(), language)
        today_tiles.append(
            tile(
                "received",
                today_row,
                None if so_far else yesterday_row,
                None,
                language,
                label=tr("Tiếp nhận hôm nay", "Received today") + so_far,
                note=yesterday_note(today_row, yesterday_row, so_far, language),
            )
        )
    tiles = today_tiles + [
        tile(
            "received",
            now,
            before,
            trend,
            language,
            label=tr(f"Tiếp nhận {period_label}", f"Received, {period_label}"),
            note=channel_note(now, language),
            year_on_year=year_on_year("received"),
        ),
        tile("online_rate", now, before, trend, language, year_on_year=year_on_year("online_rate")),
        tile("on_time_rate", now, before, trend, language, year_on_year=year_on_year("on_time_rate")),
        tile(
            "pending_overdue",
            now,
            before,
            trend,
            language,
            label=tr("Hồ sơ đang quá hạn", "Pending overdue"),
            year_on_year=year_on_year("pending_overdue"),
        ),
    ]
    # The month still running is an open point at the end of a dotted segment, "đến 02/12".
    running = (
        partial_label(current.end, language)
        if trend is not None and not trend.is_empty() and is_partial(trend["period_start"][-1], current.end)
        else None
    )
    for number, (column, item) in enumerate(zip(st.columns(len(tiles)), tiles)):
        with column, st.container(border=True, key=f"ioc-tile-{number}"):
            # On a laptop five tiles leave no room beside the change: one caption below says it.
            st.metric(
                item.label,
                item.value,
                item.delta,
                delta_color=item.delta_color,
                delta_description=tr("so với kỳ trước", "vs previous period") if item.delta and wall else None,
            )
            ends_running = running if item.sparkline and trend[item.key][-1] is not None else None
            if spark := charts.sparkline_svg(
                item.sparkline,
                colour=charts.tile_colour(item.meets_target),
                partial=ends_running,
                line_px=2.5 * big["scale"],
                lang=language,
            ):
                st.html(spark)
        column.caption(item.note)
        if item.year_on_year:
            column.caption(item.year_on_year)
    if not wall:
        st.caption(
            tr(
                f"Mũi tên: thay đổi so với {previous.label('vi')} (cùng số ngày)."
                + (" So với cùng kỳ năm trước: theo địa giới mới." if last_year.compared.units == "current" else ""),
                f"Arrows: change against {previous.label('en')} (the same number of days)."
                + (
                    " Against the same period last year: on today's units."
                    if last_year.compared.units == "current"
                    else ""
                ),
            )
        )
        # the v2 rates a leader asks about next, each a link to its page
        online, satisfied = st.columns(2)
        for column, (page, kpi, icon) in zip((online, satisfied), V2_LINKS):
            column.page_link(
                page, label=f"{kpi_label(kpi, language)}: {formats.rate(now.get(kpi), language)}", icon=icon
            )
    if trend is not None and not trend.is_empty():
        kpis = ["online_rate", "on_time_rate"]
        st.subheader(tr("Xu hướng 12 tháng", "12-month trend"))
        st.vega_lite_chart(
            spec=vega_charts.trend(
                trend,
                kpis,
                {k: now.get(registry.target_column(k)) for k in kpis},
                language,
                height=wall_fit.chart_height(screen, "trend") if wall else 380,
                through=current.end,
                **big,
            ),
            theme=None if wall else "streamlit",
            key=f"trend-{wall}",
            **chart_height,
        )


def ranking_panel() -> None:
    current, _ = on_screen(period_name, today())
    result = kpi_rows(KpiFilter(current.start, current.end, unit=unit, by="area"))
    if result.empty:
        empty_state(result.message)
        return
    reform_note(current.spans_reform)
    left, right = st.columns(2)
    for column, worst in ((left, True), (right, False)):
        rows = ranked(result.frame, ranking_kpi, worst=worst)
        title = tr("5 đơn vị thấp nhất", "Worst five") if worst else tr("5 đơn vị cao nhất", "Best five")
        with column:
            if rows.is_empty():
                empty_state()
            else:
                st.vega_lite_chart(
                    spec=vega_charts.ranking(
                        rows,
                        ranking_kpi,
                        None,
                        language,
                        title=title,
                        height=wall_fit.chart_height(screen, "ranking") if wall else 320,
                        **big,
                    ),
                    theme=None if wall else "streamlit",
                    key=f"rank-{worst}-{wall}",
                    **chart_height,
                )


def overdue_panel() -> None:
    result = overdue_rows(OverdueFilter(today(), unit=unit))
    if result.message:
        empty_state(result.message)
        return
    if result.empty:
        st.success(tr("Không có hồ sơ quá hạn.", "No overdue dossiers."), icon=":material/check_circle:")
        return
    by_agency = overdue_summary(result.frame, "agency").head(10)
    st.metric(tr("Hồ sơ đang quá hạn", "Pending overdue"), formats.count(result.frame.height, language))
    st.vega_lite_chart(
        spec=vega_charts.ranking(
            by_agency.rename({"agency_name": "unit_name"}),
            "overdue",
            None,
            language,
            title=tr("Cơ quan có nhiều hồ sơ quá hạn nhất", "Agencies with the most overdue dossiers"),
            height=wall_fit.chart_height(screen, "overdue") if wall else 360,
            **big,
        ),
        theme=None if wall else "streamlit",
        key=f"overdue-{wall}",
        **chart_height,
    )


def index766_panel() -> None:
    wall_index766.panel(on_screen(period_name, today())[0], unit, language, screen, big)


PANELS = (
    (tiles_panel, ("Chỉ số chính", "Key figures")),
    (ranking_panel, ("Xếp hạng đơn vị", "Units ranked")),
    (overdue_panel, ("Hồ sơ quá hạn", "Overdue dossiers")),
    (index766_panel, ("Chỉ số 766", "Index 766")),
)


# With rotate=0 the panel stays; the fragment still wakes to show newly published data.
@st.fragment(run_every=rotate if rotate > 0 else 15)
def wall_screen() -> None:
    # Panels follow the wall clock, so every screen in the room shows the same one.
    index = (
        int(time.time() // rotate) % len(PANELS) if rotate > 0 else wall_fit.first_panel(st.query_params, len(PANELS))
    )
    render, (title_vi, title_en) = PANELS[index]
    state = data_state()
    head, stamp = st.columns([3, 2])
    head.header(f"{tr(title_vi, title_en)} · {on_screen(period_name, today())[0].label(language)}")
    if state.has_data and state.is_stale():
        stamp.warning(
            tr("Dữ liệu chưa cập nhật — ", "Data not up to date — ") + data_time(state), icon=":material/warning:"
        )
    elif state.has_data:
        stamp.caption(data_time(state))
    else:
        stamp.info(tr("Chưa có dữ liệu", "No data yet"), icon=":material/hourglass_top:")
    if state.has_data:
        render()


if wall:
    wall_screen()
else:
    tiles_panel()
    st.subheader(
        tr(
            f"Xếp hạng theo {kpi_label(ranking_kpi, language).lower()}",
            f"Units ranked on {kpi_label(ranking_kpi, language).lower()}",
        )
    )
    ranking_panel()
