"""The wall fits any screen (issue 14): every panel at 1920×1080, 3840×2160 and 1366×768
fills the screen with nothing to scroll and nothing outside it, type at 4K is about twice
that at 1080p, the wall learns the window's size by itself, and the navigation has no
emoji (an empty box on a machine without an emoji font).

Screenshots of every panel at every size land in tests/artifacts/screenshots/wall-*.png.
"""

from __future__ import annotations

import re

import pytest

from reports.browser import open_page, screenshot, wall_url

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

HEADING = '[data-testid="stMain"] h2'
PANELS = {0: "tiles", 1: "ranking", 2: "overdue", 3: "index766"}
SIZES = [(1920, 1080), (3840, 2160), (1366, 768)]

# What a panel occupies: the document and the main area's scroll sizes, every visible
# element's box, the tile type and the charts' text.
MEASURE_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const boxes = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]')]
    .map(e => e.getBoundingClientRect()).filter(b => b.width > 0 && b.height > 0);
  const size = (selector) => { const e = document.querySelector(selector);
                               return e ? parseFloat(getComputedStyle(e).fontSize) : null; };
  const chartText = [...document.querySelectorAll('[data-testid="stVegaLiteChart"] .role-axis-label text')]
    .map(t => parseFloat(getComputedStyle(t).fontSize));
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(c => {
    const box = c.getBoundingClientRect(), svg = c.querySelector('svg');
    return {height: box.height, svgHeight: svg ? svg.getBoundingClientRect().height : 0};
  });
  // tile cards whose content runs past their box (a clipped figure or label)
  const overflowing = [...document.querySelectorAll('[class*="st-key-ioc-tile-"]')]
    .filter(card => card.scrollHeight > card.clientHeight + 1 || card.scrollWidth > card.clientWidth + 1).length;
  // chart texts drawn over one another: the legend, the running month's label ("đến 02/12") and titles
  const boxesOf = (chart) => [...chart.querySelectorAll('g.role-legend, g.running_label_marks, g.role-title')]
    .map(g => g.getBoundingClientRect()).filter(b => b.width > 0);
  const overlapping = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(boxesOf)
    .map(list => list.some((a, i) => list.slice(i + 1).some(b =>
      a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)))
    .filter(Boolean).length;
  return {
    viewport: [innerWidth, innerHeight], overlapping,
    documentHeight: document.documentElement.scrollHeight, documentWidth: document.documentElement.scrollWidth,
    mainScroll: [main.scrollHeight, main.clientHeight],
    top: Math.min(...boxes.map(b => b.top)), bottom: Math.max(...boxes.map(b => b.bottom)),
    right: Math.max(...boxes.map(b => b.right)),
    tileValue: size('[data-testid="stMetricValue"]'), tileLabel: size('[data-testid="stMetricLabel"] p'),
    heading: size('[data-testid="stMain"] h2'),
    chartText: chartText.length ? Math.min(...chartText) : null, charts, overflowing,
  };
}"""


def open_wall(new_page, base_url: str, panel: int, size: tuple[int, int]):
    page = new_page(*size)
    open_page(page, wall_url(base_url, panel=panel, size=size), HEADING)
    return page, page.evaluate(MEASURE_JS)


def assert_fits(measured: dict, size: tuple[int, int]) -> None:
    width, height = size
    assert measured["viewport"] == [width, height]
    assert measured["documentHeight"] == height, measured
    assert measured["documentWidth"] == width, measured
    scroll, client = measured["mainScroll"]
    assert scroll <= client, f"the main area scrolls: {scroll} px of content in {client} px"
    assert measured["top"] >= 0 and measured["bottom"] <= height + 0.5, measured
    assert measured["right"] <= width + 0.5, measured
    assert measured["overflowing"] == 0, "a tile's content runs past its card"
    assert measured["overlapping"] == 0, "a chart's legend, title or label is drawn over another"
    for chart in measured["charts"]:
        # the chart is drawn at the height its box was given (Vega-Lite followed the layout)
        assert chart["height"] > 0.15 * height, measured["charts"]
        assert abs(chart["svgHeight"] - chart["height"]) <= 2, measured["charts"]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("panel", PANELS, ids=PANELS.get)
def test_wall_panel_fits_the_screen(new_page, base_url, panel, size):
    page, measured = open_wall(new_page, base_url, panel, size)
    screenshot(page, ARTIFACTS / f"wall-{PANELS[panel]}-{size[0]}x{size[1]}.png")
    assert_fits(measured, size)


def test_wall_type_at_4k_is_twice_1080p(new_page, base_url):
    _, full_hd = open_wall(new_page, base_url, 0, (1920, 1080))
    _, uhd = open_wall(new_page, base_url, 0, (3840, 2160))
    for what in ("tileValue", "tileLabel", "heading", "chartText"):
        assert full_hd[what] and uhd[what] >= 1.8 * full_hd[what], (what, full_hd[what], uhd[what])
    # and the trend takes the height 4K gives it, instead of keeping 1080p's
    assert uhd["charts"][0]["height"] >= 1.8 * full_hd["charts"][0]["height"]


@pytest.mark.parametrize("path", ["/", "/?wall=1&rotate=0&vw=1920&vh=1080"], ids=["overview", "wall"])
def test_landing_page_and_wall_fetch_no_plotly(new_page, base_url, path):
    # Plotly's bundle made their cold first visit 2–4× a bare Streamlit page (README, "Speed")
    page = new_page(1920, 1080)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    open_page(page, f"{base_url}{path}", '[data-testid="stVegaLiteChart"] svg')
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 1
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert not [url for url in fetched if "plotly" in url.lower()]


def test_wall_learns_the_window_size_by_itself(new_page, base_url):
    page = new_page(3840, 2160)
    page.goto(f"{base_url}/?wall=1&rotate=0", wait_until="commit")
    page.wait_for_url(re.compile(r"[?&]vw=3840&vh=2160"), timeout=60_000)
    open_page(page, page.url, HEADING)
    assert_fits(page.evaluate(MEASURE_JS), (3840, 2160))


EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u23e9-\u23fa\ufe0f]")


def test_navigation_has_material_icons_and_no_emoji(new_page, base_url):
    page = new_page(1366, 768)
    open_page(page, f"{base_url}/", '[data-testid="stSidebarNav"]')
    nav = page.locator('[data-testid="stSidebarNav"]')
    text = nav.inner_text()
    assert not EMOJI.search(text), text
    assert nav.locator('[data-testid="stIconMaterial"]').count() == 8  # one per page of app.py
    main_text = page.locator('[data-testid="stMain"]').inner_text()
    assert not EMOJI.search(main_text), EMOJI.findall(main_text)


def test_first_visitor_to_a_page_sees_no_page_not_found(browser, demo_warehouse):
    # A server of its own: the dialog came only to the first session after a start.
    from reports.browser import serve_dashboard, wait_ready

    with serve_dashboard(demo_warehouse, env={"IOC_TODAY": "2025-11-15"}) as url:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
        try:
            page = context.new_page()
            page.goto(f"{url}/phan-tich", wait_until="commit")
            wait_ready(page, '[data-testid="stMain"] [data-testid="stHeading"]')
            page.wait_for_timeout(1000)
            assert page.url.rstrip("/").endswith("/phan-tich")
            assert page.locator('[role="dialog"]').filter(has_text="Page not found").count() == 0
        finally:
            context.close()


# Sampled every 50 ms while panels change: faded elements, the document's height, a heading.
TRANSITION_JS = """() => ({
  faded: [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]')]
    .filter(e => parseFloat(getComputedStyle(e).opacity) < 1).length,
  documentHeight: document.documentElement.scrollHeight,
  heading: (document.querySelector('[data-testid="stMain"] h2') || {}).innerText || null,
})"""


def test_wall_panels_change_in_place(new_page, base_url):
    page = new_page(1920, 1080)
    open_page(page, f"{base_url}/?wall=1&rotate=3&vw=1920&vh=1080", HEADING)
    samples, headings = [], set()
    for _ in range(160):  # 8 s: two or three changes
        sample = page.evaluate(TRANSITION_JS)
        samples.append(sample)
        headings.add(sample["heading"])
        page.wait_for_timeout(50)
    assert len(headings - {None}) >= 2, f"no panel change seen: {headings}"
    assert None not in headings, "the heading went away while a panel changed (a blank flash)"
    assert all(s["faded"] == 0 for s in samples), "elements faded while a panel changed"
    assert all(s["documentHeight"] == 1080 for s in samples), {s["documentHeight"] for s in samples}
