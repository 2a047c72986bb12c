"""Pieces every page shows the same way: the data time, stale and empty states, and the
tiles' look (the wall screen: `ui/wall.py`; tables and downloads: `ui/tables.py`).
Streamlit calls live in `ui/` and pages only."""

from __future__ import annotations

import re

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
        st.info(
            tr(
                "Chưa có dữ liệu. Hệ thống đang nạp dữ liệu lần đầu từ cổng dịch vụ công; trang sẽ tự cập nhật.",
                "No data yet. The first load from the public-service portal is running; this page updates itself.",
            ),
            icon=":material/hourglass_top:",
        )
    elif state.is_stale():
        st.warning(
            tr(
                f"Dữ liệu chưa được cập nhật: lần cập nhật tốt gần nhất lúc {formats.moment(state.published_at, 'vi')}.",
                f"Data is not up to date: the last good update was at {formats.moment(state.published_at, 'en')}.",
            ),
            icon=":material/warning:",
        )
    else:
        st.caption(data_time(state))
    return state


# What the worker writes while the first backfill runs (ingest/pull.py, in Vietnamese).
_BACKFILL = re.compile(r"Đang nạp lịch sử: (\d+)/(\d+) tháng \(đã có từ (\d{2}/\d{4}) đến nay\)")


def backfill_note(progress: str) -> str:
    """The first backfill's progress in the reader's language."""
    if lang() == "vi":
        return progress
    if found := _BACKFILL.fullmatch(progress.strip()):
        done, total, since = found.groups()
        return f"Loading the history: {done}/{total} months (data from {since} on so far)."
    return "Loading the history from the public-service portal; this page updates itself."


def empty_state(message: str | None = None) -> None:
    if message:
        st.warning(
            tr("Không đọc được số liệu: ", "Could not read the figures: ") + md(message), icon=":material/warning:"
        )
    else:
        st.info(tr("Chưa có hồ sơ trong kỳ này.", "No dossiers in this period."), icon=":material/info:")


def reform_note(spans_reform: bool) -> None:
    if spans_reform:
        st.info(
            tr(
                "Kỳ này trải qua ngày 01/07/2025 (sắp xếp đơn vị hành chính): hồ sơ trước ngày này thuộc các huyện, xã cũ, "
                "sau ngày này thuộc các xã mới. Các đơn vị được liệt kê đúng như khi tiếp nhận hồ sơ, không gộp, không đổi tên.",
                "This period spans 1 July 2025 (the administrative reform): dossiers before it belong to the former districts "
                "and communes, after it to the new communes. Units are listed as they were when they received the dossiers, "
                "never merged or renamed.",
            ),
            icon=":material/map:",
        )


# Tile labels and the "vs previous period" note wrap instead of ending in "…": five tiles
# share a 1366 px laptop screen, and "Tỷ lệ giải quyết đúng hạn" does not fit on one line.
TILE_CSS = """
<style>
  [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
  [data-testid="stMetricDeltaDescription"], [data-testid="stMetricDeltaDescription"] * {
      white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
  /* the tiles' sparklines (ui/charts.sparkline_svg); the wall sets the variables in its units */
  .ioc-spark { margin-top: 0.3rem; }
  .ioc-spark-box { position: relative; }
  .ioc-spark-line { display: block; width: 100%; height: var(--ioc-spark-h, 2.6rem); overflow: visible; }
  .ioc-spark-open { position: absolute; width: var(--ioc-spark-dot, 0.65rem); height: var(--ioc-spark-dot, 0.65rem);
      border: var(--ioc-spark-ring, 2px) solid; border-radius: 50%; transform: translate(-50%, -50%);
      box-sizing: border-box; background: var(--ioc-spark-bg, #ffffff); }
  .ioc-spark-label { display: block; text-align: right; font-size: var(--ioc-spark-font, 0.75rem); opacity: 0.85;
      line-height: 1.2; }
  .ioc-spark-key { display: inline-block; width: 0.7em; height: 0.7em; margin-right: 0.3em; border: 1.5px solid;
      border-radius: 50%; vertical-align: middle; box-sizing: border-box; }
</style>
"""


def tile_style() -> None:
    st.html(TILE_CSS)


def tile_row(tiles: list) -> None:
    """KPI tiles side by side (`ui.tiles.Tile`), each a metric with its target below."""
    for column, item in zip(st.columns(len(tiles)), tiles):
        column.metric(item.label, item.value, border=True)
        if item.note:
            column.caption(item.note)


def not_loaded(what_vi: str, what_en: str) -> None:
    """One sentence where a page's figures would be, when the data behind them was never loaded."""
    st.info(tr(what_vi, what_en), icon=":material/info:")
