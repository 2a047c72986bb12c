"""Pieces every page shows the same way: the data time, stale and empty states, and the
wall screen's look (tables and downloads: `ui/tables.py`). Streamlit calls live in `ui/` and pages only."""

from __future__ import annotations

import streamlit as st

from ui import formats
from ui.data import DataState, data_state
from ui.i18n import lang, tr
from ui.text import md


def data_time(state: DataState | None = None) -> str:
    state = state or data_state()
    if not state.has_data:
        return ""
    return tr("dữ liệu đến ", "data as of ") + formats.moment(state.published_at, lang())


def freshness_banner(state: DataState | None = None) -> DataState:
    """The data time under the title; a warning in words when the data is old or missing."""
    state = state or data_state()
    if not state.has_data:
        st.info(tr(
            "Chưa có dữ liệu. Hệ thống đang nạp dữ liệu lần đầu từ cổng dịch vụ công; trang sẽ tự cập nhật.",
            "No data yet. The first load from the public-service portal is running; this page updates itself.",
        ), icon="⏳")
    elif state.is_stale():
        st.warning(tr(
            f"Dữ liệu chưa được cập nhật: lần cập nhật tốt gần nhất lúc {formats.moment(state.published_at, 'vi')}.",
            f"Data is not up to date: the last good update was at {formats.moment(state.published_at, 'en')}.",
        ), icon="⚠️")
    else:
        st.caption(data_time(state))
    return state


def empty_state(message: str | None = None) -> None:
    if message:
        st.warning(tr("Không đọc được số liệu: ", "Could not read the figures: ") + md(message), icon="⚠️")
    else:
        st.info(tr("Chưa có hồ sơ trong kỳ này.", "No dossiers in this period."), icon="ℹ️")


def reform_note(spans_reform: bool) -> None:
    if spans_reform:
        st.info(tr(
            "Kỳ này trải qua ngày 01/07/2025 (sắp xếp đơn vị hành chính): hồ sơ trước ngày này thuộc các huyện, xã cũ, "
            "sau ngày này thuộc các xã mới. Các đơn vị được liệt kê đúng như khi tiếp nhận hồ sơ, không gộp, không đổi tên.",
            "This period spans 1 July 2025 (the administrative reform): dossiers before it belong to the former districts "
            "and communes, after it to the new communes. Units are listed as they were when they received the dossiers, "
            "never merged or renamed.",
        ), icon="🗺️")


WALL_CSS = """
<style>
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
      background: #0b1020 !important; color: #f2f4f8 !important; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], #MainMenu, footer {
      display: none !important; }
  .block-container, [data-testid="stMainBlockContainer"] { padding: 1.2vw 2vw !important; max-width: 100% !important; }
  h1, h2, h3, [data-testid="stHeading"] * { color: #f2f4f8 !important; }
  h1 { font-size: 2.6vw !important; } h2 { font-size: 2.0vw !important; } h3 { font-size: 1.6vw !important; }
  [data-testid="stMetric"] { background: #151c33; border-radius: 0.8vw; padding: 1vw 1.2vw !important; }
  [data-testid="stMetricLabel"] * { font-size: 1.35vw !important; color: #c9d1e3 !important; }
  [data-testid="stMetricValue"] { font-size: 3.6vw !important; color: #ffffff !important; line-height: 1.1; }
  [data-testid="stMetricDelta"] * { font-size: 1.2vw !important; }
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { font-size: 1.1vw !important; color: #c9d1e3 !important; }
  [data-testid="stAlert"] * { font-size: 1.2vw !important; }
  /* the sparklines are drawn for the light theme: no white card, a faint area under the line */
  [data-testid="stMetricChart"] svg { background-color: transparent !important; }
  [data-testid="stMetricChart"] .mark-area path { opacity: 0.25 !important; }
</style>
"""


# Tile labels and the "vs previous period" note wrap instead of ending in "…": five tiles
# share a 1366 px laptop screen, and "Tỷ lệ giải quyết đúng hạn" does not fit on one line.
TILE_CSS = """
<style>
  [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
  [data-testid="stMetricDeltaDescription"], [data-testid="stMetricDeltaDescription"] * {
      white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
</style>
"""


def tile_style() -> None:
    st.html(TILE_CSS)


def wall_style() -> None:
    st.html(WALL_CSS + TILE_CSS)
