"""The IOC public-service dashboard (Streamlit). Pages live in pages/; this only routes."""

import streamlit as st

from warehouse.views import freshness

# How often an open dashboard looks for a newer published snapshot.
REFRESH_SECONDS = 15

st.set_page_config(page_title="IOC — Dịch vụ công", page_icon="🏛️", layout="wide")


@st.fragment(run_every=REFRESH_SECONDS)
def follow_new_data() -> None:
    """Re-run the page when the worker has published a new data version."""
    current = freshness()
    seen = st.session_state.setdefault("data_version", current.version)
    if current.version != seen:
        st.session_state["data_version"] = current.version
        st.rerun(scope="app")
    if current.progress:
        st.info(current.progress, icon="⏳")


navigation = st.navigation([
    st.Page("pages/kpi_table.py", title="Chỉ số", icon="📊", default=True),
])
follow_new_data()
navigation.run()
