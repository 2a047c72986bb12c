"""One language at a time, and a laptop's screen (issue #14, parts 3 and 4), in Chromium.

Every page with `?lang=en` shows none of the dashboard's own Vietnamese strings (those
of its `tr(...)` calls and label tables, read from the source, as tests/interface_text.py
finds them: data such as unit names stays as it is) and no raw column name; at 1366×768
the overview's period control shows every option whole and the explorer's table shows its
first KPI column without scrolling.
"""

from __future__ import annotations

import re

import pytest
from interface_text import interface_strings, vietnamese_in
from playwright.sync_api import Page

from reports.browser import READY_SELECTOR, open_page

from .test_browser import HEADING, PAGES

pytestmark = pytest.mark.browser

LAPTOP = (1366, 768)
# A column name as the warehouse writes it (run_id, started_at, rows): what a header must never show.
RAW_COLUMN = re.compile(r"[a-z0-9_]+")
GRID = '[data-testid="stDataFrame"]'


def shown_text(page: Page) -> str:
    """What a reader sees or hears: the page's text, its title, the tables' headers (the
    grid draws on a canvas; its headers are in its accessible table), pictures' alt
    texts and the charts' SVG text."""
    return page.evaluate(
        """(grid) => [
            document.title,
            document.body.innerText,
            ...Array.from(document.querySelectorAll(grid + ' [role=columnheader]'), h => h.textContent),
            ...Array.from(document.querySelectorAll('img[alt]'), i => i.alt),
            ...Array.from(document.querySelectorAll('svg text'), t => t.textContent),
        ].join('\\n')""",
        GRID,
    )


def test_the_source_has_vietnamese_strings_to_look_for():
    strings = interface_strings()
    for expected in ("Tổng quan", "Năm nay", "Bắt đầu", "Mã lần nạp", "Chưa có dữ liệu"):
        assert any(expected in text for text in strings), expected


# every page, and the wall screen on each of its panels
ENGLISH = {name: (f"{path}?lang=en", ready) for name, (path, ready) in PAGES.items()} | {
    f"wall-{panel}": (f"/?wall=1&rotate=0&panel={panel}&lang=en", READY_SELECTOR if panel == 0 else HEADING)
    for panel in range(3)
}


@pytest.mark.parametrize("name", ENGLISH)
def test_english_pages_speak_only_english(new_page, base_url, name):
    path, ready = ENGLISH[name]
    page = new_page(*LAPTOP)
    open_page(page, f"{base_url}{path}", ready)
    if page.locator(GRID).count():
        page.locator(GRID).first.wait_for(state="visible")
    text = shown_text(page)
    assert not vietnamese_in(text), f"{name}: Vietnamese interface text in English: {vietnamese_in(text)}"
    headers = page.locator(f"{GRID} [role=columnheader]").all_text_contents()
    assert not [h for h in headers if RAW_COLUMN.fullmatch(h.strip()) or h.strip() == "None"], headers


def test_data_health_tables_in_english_name_their_columns(new_page, base_url):
    page = new_page(*LAPTOP)
    open_page(page, f"{base_url}/du-lieu?lang=en", GRID)
    headers = [h.strip() for h in page.locator(f"{GRID} [role=columnheader]").all_text_contents()]
    assert headers[:4] == ["Run", "Source", "Started", "Finished"], headers


def _period_buttons(page: Page) -> list[dict]:
    group = page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]').first
    return group.evaluate(
        """(group) => {
            const box = group.getBoundingClientRect();
            const options = group.querySelector('[role=radiogroup]') || group;
            return Array.from(group.querySelectorAll('button'), (b) => {
                const r = b.getBoundingClientRect();
                const text = b.querySelector('p') || b;
                return {text: b.innerText.trim(), scroll: b.scrollWidth, client: b.clientWidth,
                        textScroll: text.scrollWidth, textClient: text.clientWidth,
                        left: r.left, right: r.right, groupLeft: box.left, groupRight: box.right,
                        optionsScroll: options.scrollWidth, optionsClient: options.clientWidth,
                        viewport: window.innerWidth};
            });
        }"""
    )


@pytest.mark.parametrize(("lang", "last"), [("en", "This year"), ("vi", "Năm nay")])
def test_period_control_is_whole_on_a_laptop(new_page, base_url, lang, last):
    page = new_page(*LAPTOP)
    open_page(page, f"{base_url}/?lang={lang}", READY_SELECTOR)
    buttons = _period_buttons(page)
    assert [b["text"] for b in buttons][-1] == last, buttons
    for button in buttons:
        assert button["scroll"] <= button["client"] and button["textScroll"] <= button["textClient"], button
        assert button["groupLeft"] <= button["left"] and button["right"] <= button["groupRight"] + 0.5, button
        assert button["right"] <= button["viewport"], button
    assert buttons[0]["optionsScroll"] <= buttons[0]["optionsClient"], "the period options scroll sideways"


def test_explorer_table_shows_its_first_kpi_column_on_a_laptop(new_page, base_url):
    page = new_page(*LAPTOP)
    open_page(page, f"{base_url}/phan-tich?lang=en", GRID)
    grid = page.locator(GRID).first
    grid.scroll_into_view_if_needed()
    headers = [h.strip() for h in grid.locator("[role=columnheader]").all_text_contents()]
    first_kpi = headers.index("Received")
    box = grid.bounding_box()
    widths = _column_widths(page, grid)
    assert len(widths) > first_kpi, widths
    assert sum(widths[: first_kpi + 1]) <= box["width"], (headers, widths, box)


def _column_widths(page: Page, grid) -> list[float]:
    """Each column's width, from where the header's resize handle is (the cursor changes
    to col-resize over a column's right border)."""
    box = grid.bounding_box()
    y = box["y"] + 17
    widths, last = [], box["x"]
    x = box["x"] + 1
    while x < box["x"] + box["width"] - 1:
        page.mouse.move(x, y)
        cursor = grid.evaluate("(g) => getComputedStyle(g.querySelector('canvas')).cursor")
        if cursor == "col-resize":
            widths.append(x - last)
            last = x
            x += 12
        else:
            x += 2
    return widths
