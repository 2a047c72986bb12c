"""The wall's Decision 766 panel: the total against the points available, the six groups,
and the five weakest agencies and communes, readable from five metres.

It follows ui/wall.py: tiles are bordered containers keyed `ioc-tile-…` (the wall's card
style and its fit check), type is in the screen's units, and the charts take the height
the tiles leave (`height="stretch"`), drawn first at `chart_height(screen, "index766")`.
"""

from __future__ import annotations

import streamlit as st

from ui import scorecard as card
from ui import vega_charts
from ui import wall as wall_fit
from ui.data import index766_rows
from ui.formats import Lang
from ui.i18n import tr
from ui.layout import empty_state
from warehouse.index766 import IndexSpec
from warehouse.periods import Period

WEAKEST = 5


def panel(period: Period, unit: str | None, lang: Lang, screen: wall_fit.Viewport, big: dict) -> None:
    result = index766_rows(IndexSpec(period.start, period.end, unit=unit))
    if result.empty:
        empty_state(result.message)
        return
    rules = card.rules()
    rows = card.unit_rows(result.frame)
    total = card.total_row(rows)
    groups = card.groups_table(rows, rules, lang).to_dicts()

    with st.container(key="ioc-766-tiles"):
        left, right = st.columns([1, 3])
        # as the overview's tiles: the figure in the card, what it means under it
        with left:
            with st.container(border=True, key="ioc-tile-766-total"):
                st.metric(tr("Tổng điểm", "Total"), card.out_of(total, lang))
            st.caption(card.summary(total, lang))
        with right:
            for line in (groups[:3], groups[3:]):
                for column, group in zip(st.columns(3), line):
                    with column:
                        with st.container(border=True, key=f"ioc-tile-766-{group['group']}"):
                            st.metric(group["group_name"], card.out_of(group, lang))
                        st.caption(card.group_note(group, lang))

    titles = {
        "agency": tr(f"{WEAKEST} cơ quan thấp nhất", f"Lowest {WEAKEST} agencies"),
        "commune": tr(f"{WEAKEST} xã, phường thấp nhất", f"Lowest {WEAKEST} communes"),
    }
    for column, (by, title) in zip(st.columns(2), titles.items()):
        ranked = index766_rows(IndexSpec(period.start, period.end, unit=unit, by=by))  # type: ignore[arg-type]
        weakest = card.weakest(ranked.frame, WEAKEST) if not ranked.empty else None
        with column:
            if weakest is None or weakest.is_empty():
                empty_state(ranked.message)
                continue
            st.vega_lite_chart(
                spec=vega_charts.index_ranking(
                    weakest, lang, title=title, height=wall_fit.chart_height(screen, "index766"), **big
                ),
                theme=None,
                key=f"index766-{by}",
                height="stretch",
            )
