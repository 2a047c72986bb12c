"""The IOC public-service dashboard (Streamlit). Pages live in pages/; this only routes."""

import streamlit as st

from ui.data import backfill_progress, data_state
from ui.i18n import tr
from ui.layout import backfill_note
from ui.url_state import UrlState

# How often an open dashboard looks for a newer published snapshot.
REFRESH_SECONDS = 15

st.set_page_config(
    page_title=tr("IOC — Dịch vụ công", "IOC — Public services"), page_icon=":material/account_balance:", layout="wide"
)
wall = st.query_params.get("wall") == "1"


@st.fragment(run_every=REFRESH_SECONDS)
def follow_new_data() -> None:
    """Re-run the page when the worker has published a new data version."""
    version = data_state().version
    seen = st.session_state.setdefault("data_version", version)
    if version != seen:
        st.session_state["data_version"] = version
        st.rerun(scope="app")
    if progress := backfill_progress():
        st.info(backfill_note(progress), icon=":material/hourglass_top:")


def language_switch() -> None:
    url = UrlState("app")
    st.sidebar.segmented_control(
        tr("Ngôn ngữ", "Language"),
        ["vi", "en"],
        key=url.seed("lang", default="vi", options=("vi", "en")),
        required=True,
        format_func={"vi": "Tiếng Việt", "en": "English"}.get,
    )
    url.write()


pages = [
    st.Page(
        "pages/overview.py",
        title=tr("Tổng quan", "Overview"),
        icon=":material/account_balance:",
        url_path="tong-quan",
        default=True,
    ),
    st.Page(
        "pages/explorer.py", title=tr("Phân tích", "Explorer"), icon=":material/query_stats:", url_path="phan-tich"
    ),
    st.Page(
        "pages/index766.py", title=tr("Chỉ số 766", "Index 766"), icon=":material/leaderboard:", url_path="chi-so-766"
    ),
    st.Page("pages/overdue.py", title=tr("Hồ sơ trễ hạn", "Overdue"), icon=":material/alarm:", url_path="tre-han"),
    st.Page(
        "pages/online_services.py",
        title=tr("Dịch vụ công trực tuyến", "Online services"),
        icon=":material/devices:",
        url_path="dich-vu-cong",
    ),
    st.Page(
        "pages/satisfaction.py",
        title=tr("Hài lòng & phản ánh", "Satisfaction & feedback"),
        icon=":material/sentiment_satisfied:",
        url_path="hai-long",
    ),
    st.Page(
        "pages/data_health.py", title=tr("Dữ liệu", "Data health"), icon=":material/monitor_heart:", url_path="du-lieu"
    ),
    st.Page(
        "pages/report_exports.py", title=tr("Báo cáo", "Reports"), icon=":material/description:", url_path="bao-cao"
    ),
]
navigation = st.navigation(pages, position="hidden" if wall else "sidebar")
if not wall:
    # On the wall, the rotating fragment reads each new snapshot itself: a whole-page
    # rerun there would flash.
    language_switch()
    follow_new_data()
navigation.run()
