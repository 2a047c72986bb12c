"""Chỉ số — the KPI table for a period, by unit: the first page, until the dashboard lands."""

from datetime import date

import streamlit as st

from warehouse.views import kpi_table, snapshot_label

st.title("Chỉ số giải quyết thủ tục hành chính")

today = date.today()
period = st.date_input("Kỳ báo cáo", value=(date(today.year, 1, 1), today), format="DD/MM/YYYY")
group = st.segmented_control(
    "Nhóm theo", options=["unit", "field", "month", "level"], default="unit",
    format_func={"unit": "Đơn vị", "field": "Lĩnh vực", "month": "Tháng", "level": "Cấp"}.get,
)

if isinstance(period, tuple) and len(period) == 2:
    result = kpi_table(period[0], period[1], group)
    if result.message:
        st.info(result.message)
    else:
        st.caption(snapshot_label(result.published_at))
        st.dataframe(result.frame, hide_index=True, width="stretch")
