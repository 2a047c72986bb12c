"""Hài lòng & phản ánh — satisfaction and feedback (Decision 766 group 5): the satisfaction
rates against their targets with their monthly trend, ratings and feedback (PAKN) by
agency, and the open PAKN with the days left or the days late."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ui import charts, formats
from ui.data import kpi_rows, open_feedback_rows
from ui.filters import scope_filters
from ui.i18n import lang, tr
from ui.layout import empty_state, freshness_banner, not_loaded, reform_note, tile_row
from ui.tables import downloads, table, target_columns
from ui.text import md
from ui.tiles import tile
from ui.url_state import UrlState
from warehouse import registry
from warehouse.periods import last_months
from warehouse.query import KpiFilter

RATES = ("satisfaction_rate", "dossier_satisfaction_rate", "feedback_on_time_rate", "feedback_satisfied_rate")
FEEDBACK_COUNTS = ("feedback", "feedback_on_time", "feedback_overdue", "feedback_satisfied")
RATINGS_BY_AGENCY = ("rated", "rated_unsatisfied", "satisfaction_rate", "dossier_satisfaction_rate")
# codes and agencies only: a PAKN's content and its author are never loaded
OPEN_COLUMNS = (
    "feedback_code",
    "agency_name",
    "field_name",
    "dossier_code",
    "received_date",
    "deadline",
    "handled_date",
    "state",
    "days_left",
    "days_late",
)
FEEDBACK_BY_AGENCY = ("feedback", "feedback_overdue", "feedback_on_time_rate", "feedback_satisfied_rate")

language = lang()
url = UrlState("satisfaction")
st.title(tr("Hài lòng & phản ánh, kiến nghị", "Satisfaction & feedback"))
state = freshness_banner()

chosen = scope_filters(url)
period, scope = chosen.period, chosen.filters
st.markdown(" › ".join(md(part) for part in chosen.trail))
reform_note(period.spans_reform)

summary = kpi_rows(KpiFilter(period.start, period.end, **scope))
if not state.has_data:
    st.stop()
if summary.empty:
    empty_state(summary.message)
    st.stop()
now = summary.frame.row(0, named=True)
window = last_months(period.end, 12)
trend = kpi_rows(KpiFilter(window.start, period.end, **scope, by="month")).frame
if not (now["rated"] or now["feedback"]) and (trend is None or not (trend["rated"].sum() or trend["feedback"].sum())):
    not_loaded(
        "Chưa có dữ liệu đánh giá mức độ hài lòng hay phản ánh, kiến nghị trong 12 tháng đến hết kỳ này.",
        "No satisfaction ratings or feedback have been loaded for the 12 months up to the end of this period.",
    )
    st.stop()

# ---------------------------------------------------------------- the rates, against their targets
tile_row([tile(kpi, now, None, None, language) for kpi in RATES])
rated, unsatisfied = formats.count(now["rated"], language), formats.count(now["rated_unsatisfied"], language)
st.caption(
    tr(
        f"{rated} hồ sơ đã giải quyết được đánh giá, {unsatisfied} không hài lòng. "
        "Hài lòng về giải quyết TTHC (QĐ 766, mục 5.4): hồ sơ không trễ hạn, không bị đánh giá không hài lòng "
        "và không bị phản ánh, trên tổng số hồ sơ đã và đang giải quyết.",
        f"{rated} resolved dossiers were rated, {unsatisfied} unsatisfied. "
        "Dossier satisfaction (Decision 766, item 5.4): dossiers neither late, rated unsatisfied nor named in "
        "feedback, over all dossiers resolved or pending.",
    )
)

if trend is not None and not trend.is_empty():
    kpis = ["satisfaction_rate", "dossier_satisfaction_rate"]
    st.subheader(tr("Xu hướng 12 tháng", "12-month trend"))
    st.plotly_chart(
        charts.trend(trend, kpis, {k: now.get(registry.target_column(k)) for k in kpis}, language, through=period.end),
        config={"displayModeBar": False},
        key="satisfaction-trend",
    )

# ---------------------------------------------------------------- feedback (PAKN)
st.subheader(tr("Phản ánh, kiến nghị (PAKN)", "Feedback (PAKN)"))
tile_row([tile(kpi, now, None, None, language) for kpi in FEEDBACK_COUNTS])
st.caption(
    tr(
        "Hạn xử lý: ngày làm việc thứ 15 kể từ ngày tiếp nhận. Đúng hạn: xử lý xong trước hạn, "
        "hoặc đang xử lý và chưa đến hạn.",
        "Deadline: the 15th working day after receipt. On time: handled by the deadline, or open and not yet due.",
    )
)

# ---------------------------------------------------------------- by agency
by_unit = kpi_rows(KpiFilter(period.start, period.end, **scope, by="unit"))
span = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
ratings_tab, feedback_tab, open_tab = st.tabs(
    [
        tr("Đánh giá theo cơ quan", "Ratings by agency"),
        tr("PAKN theo cơ quan", "Feedback by agency"),
        tr("PAKN đang xử lý, trễ hạn", "Open and late feedback"),
    ]
)
with ratings_tab:
    if by_unit.empty:
        empty_state(by_unit.message)
    else:
        rows = by_unit.frame.filter((pl.col("rated") > 0) | (pl.col("resolved") + pl.col("pending") > 0))
        ratings = rows.sort(["satisfaction_rate", "rated"], descending=[False, True], nulls_last=True).select(
            "unit_name", "level", *RATINGS_BY_AGENCY, *target_columns(rows, RATINGS_BY_AGENCY)
        )
        table(ratings)
        downloads(ratings, tr("hai-long-co-quan", "satisfaction-by-agency") + f"-{span}", key="ratings")
with feedback_tab:
    if by_unit.empty:
        empty_state(by_unit.message)
    else:
        rows = by_unit.frame.filter(pl.col("feedback") > 0)
        feedback = rows.sort(["feedback_overdue", "feedback"], descending=True).select(
            "unit_name", "level", *FEEDBACK_BY_AGENCY, *target_columns(rows, FEEDBACK_BY_AGENCY)
        )
        table(feedback)
        downloads(feedback, tr("pakn-co-quan", "feedback-by-agency") + f"-{span}", key="feedback")
with open_tab:
    listed = open_feedback_rows(KpiFilter(period.start, period.end, **scope))
    if listed.message:
        empty_state(listed.message)
    elif listed.empty:
        st.success(
            tr("Không có PAKN đang xử lý hay xử lý trễ hạn.", "No feedback open or handled late."),
            icon=":material/check_circle:",
        )
    else:
        st.caption(
            tr(
                "PAKN chưa xử lý xong đến hết kỳ, và PAKN xử lý xong trong kỳ nhưng quá hạn: "
                "số ngày làm việc còn lại đến hạn xử lý, hoặc số ngày trễ hạn.",
                "Feedback still open at the end of the period, and feedback handled in it after the deadline: "
                "working days left to the deadline, or days late.",
            )
        )
        pakn = listed.frame.select(OPEN_COLUMNS)
        table(pakn)
        downloads(pakn, tr("pakn-dang-xu-ly", "open-feedback") + f"-{span}", key="open")
