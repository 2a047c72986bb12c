"""The IOC public-service dashboard (Streamlit). Pages live in pages/; this only routes."""

import streamlit as st

st.set_page_config(page_title="IOC — Dịch vụ công", page_icon="🏛️", layout="wide")

navigation = st.navigation([
    st.Page("pages/kpi_table.py", title="Chỉ số", icon="📊", default=True),
])
navigation.run()
