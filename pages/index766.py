"""Chỉ số 766 — the Decision 766 index (DESIGN §10): the total against the points that
could be computed, the six groups, each indicator with its source and the published
figure beside ours, the change against the same period a year earlier (on today's units
when the reform lies between them), where the points are lost and what wins them back,
the monthly trend, and the agencies and communes ranked worst first, each drilling into
its own card."""

from __future__ import annotations

import streamlit as st

from ui import charts, formats
from ui import scorecard as card
from ui.data import index766_months, index766_rows, index766_year_on_year
from ui.filters import period_filter
from ui.i18n import lang, tr
from ui.labels import note_text
from ui.layout import empty_state, freshness_banner, tile_style
from ui.tables import downloads, table
from ui.text import md
from ui.url_state import UrlState
from warehouse.index766 import IndexSpec
from warehouse.periods import REFORM_DAY

# the portal ranks monthly: a month by default, the presets of the other pages besides
PERIODS = ("month", "last_month", "quarter", "year", "custom")

language = lang()
url = UrlState("index766")
rules = card.rules()
st.title(tr("Chỉ số 766", "Index 766"))
state = freshness_banner()

# ---------------------------------------------------------------- period (in the link)
with st.sidebar:
    st.subheader(tr("Bộ lọc", "Filters"))
    period = period_filter(url, presets=PERIODS)
    period_name = url.value("period")

# ---------------------------------------------------------------- units ranked (agencies and communes apart)
RANKINGS = {
    "agency": tr("Cơ quan cấp tỉnh", "Province agencies"),
    **({"district": tr("Huyện (đến 30/06/2025)", "Districts (until 30/06/2025)")} if period.start < REFORM_DAY else {}),
    "commune": tr("Xã, phường", "Communes"),
}
ranked = {by: index766_rows(IndexSpec(period.start, period.end, by=by)) for by in RANKINGS}  # type: ignore[arg-type]
unit_names = {
    code: name
    for result in ranked.values()
    if not result.empty
    for code, name in card.ranking_table(result.frame).select("unit_code", "unit_name").iter_rows()
}

# a row picked in a ranking below (the run before this one) opens that unit's scorecard
if (picked := st.session_state.pop("index766.drill", None)) is not None:
    st.session_state[url.key("unit")] = picked

with st.sidebar:
    unit = st.selectbox(
        tr("Đơn vị", "Unit"),
        list(unit_names),
        index=None,
        key=url.seed("unit", options=unit_names),
        placeholder=tr("Toàn tỉnh", "Whole province"),
        format_func=unit_names.get,
    )
    url.write()

result = index766_rows(IndexSpec(period.start, period.end, unit=unit))
if not state.has_data:
    st.stop()
if result.empty:
    empty_state(result.message)
    st.stop()

rows = card.unit_rows(result.frame)
total = card.total_row(rows)
level = rows["level"][0]
view = card.View(period_name, period.start, period.end, unit, level, language)


def back_to_province() -> None:
    st.session_state[url.key("unit")] = None


# ---------------------------------------------------------------- the total and the six groups
head, back = st.columns([4, 1], vertical_alignment="bottom")
head.subheader(f"{md(rows['unit_name'][0])} · {period.label(language)}")
if unit:
    back.button(tr("Toàn tỉnh", "Whole province"), icon=":material/arrow_back:", on_click=back_to_province)

# the same period a year earlier: both periods on the same units (today's when the reform
# lies between them), as the overview compares; the scorecard above stays as recorded
past = index766_year_on_year(IndexSpec(period.start, period.end, unit=unit), period.kind)
last_year, past_note = past.compared.last, past.note
compared_rows = [None if frame is None else card.unit_rows(frame) for frame in (past.now, past.before)]
compared_totals = [None if frame is None else card.total_row(frame) for frame in compared_rows]
compared_groups = [
    {} if frame is None else {g["group"]: g for g in card.groups_table(frame, rules, language).to_dicts()}
    for frame in compared_rows
]

tile_style()
first, rest = st.columns([1, 3])
first.metric(tr("Tổng điểm", "Total"), card.out_of(total, language), border=True)
first.caption(card.summary(total, language))
if past_note:
    first.caption(
        card.year_on_year(None, None, last_year, language)
        + f" ({tr('không so sánh được', 'not comparable')}: {note_text(past_note, language)})"
    )
else:
    first.caption(card.year_on_year(*compared_totals, last_year, language))
if past.compared.units == "current":
    first.caption(tr("Cùng kỳ năm trước: theo địa giới mới.", "Same period last year: on today's units."))
groups = card.groups_table(rows, rules, language).to_dicts()
with rest:
    for line in (groups[:3], groups[3:]):
        for column, group in zip(st.columns(3), line):
            column.metric(group["group_name"], card.out_of(group, language), border=True)
            column.caption(card.group_note(group, language))
            if not past_note:
                now_group, past_group = (by_group.get(group["group"]) for by_group in compared_groups)
                column.caption(card.year_on_year(now_group, past_group, last_year, language))

# ---------------------------------------------------------------- each indicator
st.subheader(tr("Các chỉ số thành phần", "The indicators"))
indicators = card.indicators_table(rows, rules, language)
table(card.rates_as_text(indicators, language), key="indicators")
st.caption(
    tr(
        "Điểm: tự tính theo công thức của QĐ 766, hoặc số liệu Cổng DVCQG công bố khi không tự tính được; "
        "chỉ số chưa có dữ liệu không có điểm (không tính 0). Chênh lệch: điểm tự tính trừ điểm công bố.",
        "Points: computed by the Decision 766 formulas, or the figure the national portal published when ours "
        "cannot be computed; an indicator without data has no points (never 0). Difference: ours minus published.",
    )
)
downloads(indicators, tr("chi-so-766", "index-766") + f"-{period.start:%Y%m%d}-{period.end:%Y%m%d}", key="indicators")

# ---------------------------------------------------------------- where the points are
st.subheader(tr("Điểm bị mất ở đâu", "Where the points are"))
lost = card.losses(rows, rules, language)
if lost.is_empty():
    st.info(
        tr("Không chỉ số nào bị mất điểm trong kỳ này.", "No indicator lost points in this period."),
        icon=":material/check_circle:",
    )
for item in lost.iter_rows(named=True):
    with st.container(border=True, key=f"loss-{item['indicator'].replace('.', '-')}"):
        text, actions = st.columns([3, 2], vertical_alignment="center")
        text.markdown(
            f"**{md(item['indicator'])} · {md(item['indicator_name'])}** — "
            + tr(
                f"mất **{formats.score(item['points_lost'], 'vi')}** điểm "
                f"({formats.score(item['points'], 'vi')} / {card.maximum(item['max_points'], 'vi')})",
                f"**{formats.score(item['points_lost'], 'en')}** points lost "
                f"({formats.score(item['points'], 'en')} / {card.maximum(item['max_points'], 'en')})",
            )
        )
        remedies = card.REMEDIES.get(item["indicator"], ())
        if not remedies:
            text.caption(
                tr("Do Cổng DVCQG chấm: cải thiện trên Cổng DVCQG.", "Scored by the national portal: improved there.")
            )
        for remedy in remedies:
            actions.link_button(remedy.text(language), card.link(remedy, view), icon=":material/open_in_new:")
        if unit is None:
            losing = [
                f"[{md(u['unit_name'])}]({card.unit_link(u['unit_code'], view)}) "
                f"(−{formats.score(u['points_lost'], language)})"
                for by in ranked
                if not ranked[by].empty
                for u in card.units_losing(ranked[by].frame, item["indicator"]).iter_rows(named=True)
            ]
            if losing:
                text.caption(tr("Đơn vị mất nhiều điểm nhất: ", "Units losing most: ") + ", ".join(losing))
unavailable = indicators.filter(indicators["index_source"] == "unavailable")
if unavailable.height:
    st.caption(
        tr(
            f"Chưa có dữ liệu ({card.maximum(unavailable['max_points'].sum(), 'vi')} điểm): ",
            f"No data yet ({card.maximum(unavailable['max_points'].sum(), 'en')} points): ",
        )
        + ", ".join(unavailable["indicator"].to_list())
    )

# ---------------------------------------------------------------- the monthly trend
st.subheader(tr("Diễn biến theo tháng", "Month by month"))
months = index766_months(card.month_specs(period.end, unit))
trend = card.trend_table(months.frame, rules) if not months.empty else None
if trend is None or trend.is_empty():
    empty_state(months.message)
else:
    left, right = st.columns(2)
    left.plotly_chart(
        charts.index_trend(trend, {card.TOTAL: tr("Tổng điểm", "Total")}, language, height=340),
        config={"displayModeBar": False},
        key="trend-total",
    )
    right.plotly_chart(
        charts.index_trend(trend, card.group_names(rules, language), language, height=340),
        config={"displayModeBar": False},
        key="trend-groups",
    )
    st.caption(
        tr(
            "Điểm của từng tháng trên điểm tính được của tháng đó (di chuột để xem).",
            "Each month's points against that month's available points (hover to see).",
        )
    )


# ---------------------------------------------------------------- units ranked, worst first
def drill(by: str, selected: list[int], codes: list[str]) -> None:
    """A newly selected row opens that unit's own scorecard (on the next run: the unit
    filter above is drawn already). A selection already followed is not followed again,
    so that "Whole province" can leave it."""
    picked = (by, codes[selected[0]]) if selected else None
    if picked and picked != st.session_state.get("index766.drilled"):
        st.session_state["index766.drilled"] = picked
        st.session_state["index766.drill"] = picked[1]
        st.rerun()


st.subheader(tr("Xếp hạng, thấp nhất trước", "Units ranked, lowest first"))
st.caption(
    tr(
        "Xếp hạng theo tỷ lệ điểm đạt trên điểm tính được. Chọn một dòng để xem chỉ số của đơn vị đó.",
        "Ranked on the share of the available points. Select a row to open that unit's scorecard.",
    )
)
for tab, by in zip(st.tabs(list(RANKINGS.values())), RANKINGS):
    with tab:
        if ranked[by].empty:
            empty_state(ranked[by].message)
            continue
        ranking = card.ranking_table(ranked[by].frame)
        shown = ranking.drop("unit_code")
        event = table(shown, key=f"rank-{by}", on_select="rerun", selection_mode="single-row")
        downloads(
            shown,
            tr(f"xep-hang-766-{by}", f"index-766-ranking-{by}") + f"-{period.start:%Y%m%d}-{period.end:%Y%m%d}",
            key=f"rank-{by}",
        )
        drill(by, event.selection.rows, ranking["unit_code"].to_list())
