"""The wall screen's fit: every panel fills the screen it is on, with nothing to scroll.

Vega-Lite draws in pixels, so the page needs the screen's size: the browser passes it as
`?vw=1920&vh=1080` (a tiny script adds it to the address, once, and again if the window
is resized), and type, margins and chart text are scaled from it. Heights come from the
layout instead: the main block is exactly one viewport high, a flex column, and the
panel's chart takes what the header and tiles leave (`height="stretch"`).

Sizes are designed on 1920×1080 and scaled by `scale` (3840×2160: 2, 1366×768: 0.71);
CSS lengths use `--u`, 1 % of the width of the largest 16:9 box that fits the screen
(1vw on a 16:9 screen), so a 4:3 or 21:9 screen fits too.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

DESIGN_WIDTH, DESIGN_HEIGHT = 1920, 1080
# Below or above these the numbers are surely not a screen (a mistyped link): the default.
MIN_SIDE, MAX_SIDE = 320, 16384


@dataclass(frozen=True)
class Viewport:
    width: int = DESIGN_WIDTH
    height: int = DESIGN_HEIGHT
    # False when the browser has not said its size yet (first load, AppTest).
    measured: bool = False

    @property
    def scale(self) -> float:
        """How much larger than 1920×1080 the screen is (the smaller of the two ratios)."""
        return min(self.width / DESIGN_WIDTH, self.height / DESIGN_HEIGHT)

    def px(self, design_px: float) -> int:
        """A size designed in pixels on 1920×1080, on this screen."""
        return max(1, round(design_px * self.scale))


def viewport_from(params) -> Viewport:
    """The size in `?vw=&vh=`, or the design size when it is missing or not a screen's."""
    try:
        width, height = int(params.get("vw", "")), int(params.get("vh", ""))
    except (TypeError, ValueError):
        return Viewport()
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        return Viewport()
    return Viewport(width, height, measured=True)


# Puts the window's size in the address when it is not there or no longer right (a reload:
# the wall is a TV, its size changes never; a laptop trying the wall link may resize).
_SIZE_JS = """
<script>
(() => {
  const sync = () => {
    const url = new URL(window.location.href);
    const w = String(window.innerWidth), h = String(window.innerHeight);
    if (url.searchParams.get("vw") === w && url.searchParams.get("vh") === h) return;
    url.searchParams.set("vw", w);
    url.searchParams.set("vh", h);
    window.location.replace(url.toString());
  };
  if (!window.__iocWallSize) {
    window.__iocWallSize = true;
    let timer = null;
    window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(sync, 600); });
  }
  sync();
})();
</script>
"""


def viewport() -> Viewport:
    """This screen's size; the first time (no `?vw=`), the design size while the browser
    reloads the page with its own."""
    st.html(_SIZE_JS, unsafe_allow_javascript=True)
    return viewport_from(st.query_params)


def wall_css() -> str:
    return """
<style>
  :root { --u: min(1vw, 1.7778vh); --ioc-spark-h: calc(var(--u) * 3); --ioc-spark-dot: calc(var(--u) * 0.75);
          --ioc-spark-ring: calc(var(--u) * 0.13); --ioc-spark-font: calc(var(--u) * 0.95); --ioc-spark-bg: #151c33; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
      background: #0b1020 !important; color: #f2f4f8 !important; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], #MainMenu, footer {
      display: none !important; }
  /* one screen, nothing to scroll: the main block is the viewport, a flex column */
  [data-testid="stMain"] { overflow: hidden !important; }
  .block-container, [data-testid="stMainBlockContainer"] {
      padding: calc(var(--u) * 1.0) calc(var(--u) * 2) !important; max-width: 100% !important;
      height: 100vh !important; box-sizing: border-box !important; display: flex !important; flex-direction: column; }
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] { flex: 1 1 0 !important; min-height: 0 !important; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: calc(var(--u) * 0.8) !important; }
  /* the fragment's block, a row of charts and a chart itself take the height that is left */
  [data-testid="stMainBlockContainer"] [data-testid="stLayoutWrapper"]:has([data-testid="stVegaLiteChart"]),
  [data-testid="stMainBlockContainer"] [data-testid="stLayoutWrapper"]:has([data-testid="stVegaLiteChart"]) > [data-testid="stVerticalBlock"],
  [data-testid="stMainBlockContainer"] [data-testid="stHorizontalBlock"]:has([data-testid="stVegaLiteChart"]),
  [data-testid="stMainBlockContainer"] [data-testid="stColumn"]:has([data-testid="stVegaLiteChart"]),
  [data-testid="stMainBlockContainer"] [data-testid="stColumn"]:has([data-testid="stVegaLiteChart"]) > [data-testid="stVerticalBlock"],
  [data-testid="stElementContainer"]:has([data-testid="stVegaLiteChart"]) {
      flex: 1 1 0 !important; min-height: 0 !important; }
  [data-testid="stElementContainer"]:has([data-testid="stVegaLiteChart"]) > * { height: 100% !important; }
  /* panels change in place: what is being replaced stays as it is, never faded */
  [data-stale="true"], [data-testid="stElementContainer"], [data-testid="stVerticalBlock"] {
      opacity: 1 !important; transition: none !important; }
  /* and what is left of the old panel after the new one's elements is gone at once, not squeezed */
  [data-stale="false"] ~ [data-stale="true"] { display: none !important; }
  h1, h2, h3, [data-testid="stHeading"] * { color: #f2f4f8 !important; }
  h1 { font-size: calc(var(--u) * 2.6) !important; } h2 { font-size: calc(var(--u) * 2.0) !important; padding: 0 !important; }
  h3 { font-size: calc(var(--u) * 1.6) !important; padding: 0 !important; }
  /* a tile: its card (a bordered container keyed ioc-tile-N), the figure, the sparkline */
  [class*="st-key-ioc-tile-"] { background: #151c33; border: none !important; border-radius: calc(var(--u) * 0.8);
      padding: calc(var(--u) * 0.8) calc(var(--u) * 1.2) !important; gap: calc(var(--u) * 0.3) !important; }
  /* the Decision 766 panel's tiles keep their height; its charts take what is left */
  [data-testid="stLayoutWrapper"]:has(> .st-key-ioc-766-tiles), .st-key-ioc-766-tiles,
  /* (nested columns sized from a 0 % basis come out a few pixels short of their tiles) */
  .st-key-ioc-766-tiles [data-testid="stHorizontalBlock"], .st-key-ioc-766-tiles [data-testid="stVerticalBlock"],
  .st-key-ioc-766-tiles [data-testid="stLayoutWrapper"], .st-key-ioc-766-tiles [data-testid="stElementContainer"] {
      flex: 0 0 auto !important; }
  [data-testid="stMetric"] { background: transparent; padding: 0 !important; }
  [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { font-size: calc(var(--u) * 1.35) !important; color: #c9d1e3 !important; }
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: calc(var(--u) * 3.4) !important; color: #ffffff !important; line-height: 1.1; }
  [data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * { font-size: calc(var(--u) * 1.1) !important; }
  [data-testid="stMetricDelta"] svg { width: calc(var(--u) * 1.1) !important; height: calc(var(--u) * 1.1) !important; }
  [data-testid="stMetricDeltaDescription"], [data-testid="stMetricDeltaDescription"] * { font-size: calc(var(--u) * 1.0) !important; }
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * { font-size: calc(var(--u) * 1.0) !important; color: #c9d1e3 !important; }
  [data-testid="stAlert"] * { font-size: calc(var(--u) * 1.2) !important; }
  [data-testid="stAlert"] svg { width: calc(var(--u) * 1.3) !important; height: calc(var(--u) * 1.3) !important; }
</style>
"""


def style(screen: Viewport) -> None:
    from ui.layout import TILE_CSS

    st.html(wall_css() + TILE_CSS)


def chart_style(screen: Viewport) -> dict:
    """The keyword arguments of ui/charts.py's figures on this screen: dark, and type
    that scales with it (22 px on 1920×1080, 44 px on 3840×2160)."""
    return {"dark": True, "font_size": screen.px(22), "scale": screen.scale}


# The share of the screen's height each panel's chart gets (measured on 1920×1080, the
# same on any 16:9 screen): the figure is drawn at it first, so that it does not jump
# from a default height to its box's when a panel comes up.
CHART_SHARE = {"trend": 0.53, "ranking": 0.9, "overdue": 0.79, "index766": 0.55}


def chart_height(screen: Viewport, chart: str) -> int:
    return round(screen.height * CHART_SHARE[chart])


def first_panel(params, count: int) -> int:
    """`?panel=N` (from 0): the panel a still wall (`rotate=0`) shows; the first by default."""
    try:
        index = int(params.get("panel", "0") or 0)
    except (TypeError, ValueError):
        return 0
    return index if 0 <= index < count else 0
