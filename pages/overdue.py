"""Hồ sơ trễ hạn — the overdue watchlist: pending dossiers past due, and those due within
N working days, by agency and field, with days overdue; the list with dossier codes."""

from __future__ import annotations

import streamlit as st

from ui import formats
from ui.data import choices, overdue_rows, today
from ui.i18n import lang, tr
from ui.layout import empty_state, freshness_banner
from ui.tables import downloads, table
from ui.url_state import UrlState, parse_int
from warehouse.periods import REFORM_DAY
from warehouse.query import OverdueFilter, overdue_summary

language = lang()
url = UrlState("overdue")
st.title(tr("Hồ sơ trễ hạn", "Overdue dossiers"))
state = freshness_banner()
as_of = today()

with st.sidebar:
    st.subheader(tr("Bộ lọc", "Filters"))
    days = st.number_input(
        tr("Sắp đến hạn trong (ngày làm việc)", "Due within (working days)"),
        min_value=0,
        max_value=30,
        step=1,
        key=url.seed("days", default=3, parse=parse_int, clamp=(0, 30)),
    )
    district = None
    if as_of < REFORM_DAY:
        district_names = choices("units", "pre2025", "district", None)
        district = st.selectbox(
            tr("Huyện", "District"),
            list(district_names),
            index=None,
            key=url.seed("district", options=district_names),
            placeholder=tr("Toàn tỉnh", "Whole province"),
            format_func=district_names.get,
        )
    commune_names = choices("units", "post2025" if as_of >= REFORM_DAY else "pre2025", "commune", district)
    commune = st.selectbox(
        tr("Xã, phường", "Commune"),
        list(commune_names),
        index=None,
        key=url.seed("commune", options=commune_names),
        placeholder=tr("Tất cả", "All"),
        format_func=commune_names.get,
    )
    field_names = choices("fields")
    field = st.selectbox(
        tr("Lĩnh vực", "Field"),
        list(field_names),
        index=None,
        key=url.seed("field", options=field_names),
        placeholder=tr("Tất cả lĩnh vực", "All fields"),
        format_func=field_names.get,
    )
    url.write()

result = overdue_rows(OverdueFilter(as_of, unit=commune or district, field=field, due_within_days=int(days)))
if not state.has_data:
    st.stop()
if result.message or result.frame is None:
    empty_state(result.message)
    st.stop()

watch = result.frame
overdue = watch.filter(watch["state"] == "overdue")
due_soon = watch.filter(watch["state"] == "due_soon")
first, second, third = st.columns(3)
first.metric(tr("Đang quá hạn", "Overdue now"), formats.count(overdue.height, language), border=True)
second.metric(
    tr(f"Đến hạn trong {days} ngày làm việc", f"Due within {days} working days"),
    formats.count(due_soon.height, language),
    border=True,
)
third.metric(
    tr("Quá hạn lâu nhất", "Longest overdue"),
    tr(
        f"{formats.count(overdue['days_overdue'].max(), 'vi')} ngày",
        f"{formats.count(overdue['days_overdue'].max(), 'en')} days",
    )
    if overdue.height
    else formats.MISSING,
    border=True,
)
st.caption(
    tr(
        f"Tính đến ngày {formats.day(as_of, 'vi')}; số ngày tính theo ngày làm việc (trừ cuối tuần và ngày lễ).",
        f"As of {formats.day(as_of, 'en')}; days are working days (weekends and public holidays excluded).",
    )
)

if watch.is_empty():
    st.success(
        tr("Không có hồ sơ quá hạn hoặc sắp đến hạn.", "No dossiers overdue or due soon."),
        icon=":material/check_circle:",
    )
    st.stop()

by_agency, by_field, listing = st.tabs(
    [tr("Theo cơ quan", "By agency"), tr("Theo lĩnh vực", "By field"), tr("Danh sách hồ sơ", "Dossiers")]
)
with by_agency:
    agencies = overdue_summary(watch, "agency")
    table(agencies)
    downloads(agencies, tr("tre-han-co-quan", "overdue-by-agency") + f"-{as_of:%Y%m%d}", key="agency")
with by_field:
    fields = overdue_summary(watch, "field")
    table(fields)
    downloads(fields, tr("tre-han-linh-vuc", "overdue-by-field") + f"-{as_of:%Y%m%d}", key="field")
with listing:
    table(
        watch.select(
            "dossier_code",
            "agency_name",
            "field_name",
            "procedure_name",
            "received_date",
            "due_date",
            "days_overdue",
            "state",
        )
    )
    downloads(watch, tr("tre-han-ho-so", "overdue-dossiers") + f"-{as_of:%Y%m%d}", key="list")
