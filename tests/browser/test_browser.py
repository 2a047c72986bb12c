"""What a person sees in Chromium: every page loads without an exception at the wall's and
a laptop's size, tiles show numbers, a copied link restores the filters, the wall screen
rotates with nothing to click on, and `?lang=en` speaks English.

Screenshots of every page land in tests/artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
import time

import pytest
from interface_text import looks_vietnamese
from playwright.sync_api import Page, expect

from reports.browser import READY_SELECTOR, open_page, runs_finished, screenshot, wait_rerun

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

HEADING = '[data-testid="stMain"] [data-testid="stHeading"]'
PAGES = {
    # name: (path, what shows once the page has its content)
    "tong-quan": ("/", READY_SELECTOR),
    "phan-tich": ("/phan-tich", HEADING),
    "tre-han": ("/tre-han", HEADING),
    "du-lieu": ("/du-lieu", HEADING),
    "bao-cao": ("/bao-cao", HEADING),
}
SIZES = [(1920, 1080), (1366, 768)]
ROTATION_WAIT_S = 12


def visit(page: Page, base_url: str, path_and_query: str, ready: str = HEADING) -> Page:
    open_page(page, f"{base_url}{path_and_query}", ready)
    return page


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_exception(new_page, base_url, name, size):
    path, ready = PAGES[name]
    page = visit(new_page(*size), base_url, path, ready)
    screenshot(page, ARTIFACTS / f"{name}-{size[0]}x{size[1]}.png")
    # open_page raises on an exception shown before the page is idle; this is the one after.
    assert page.locator('[data-testid="stException"]').count() == 0


def test_overview_tiles_show_numbers(new_page, base_url):
    # The dashboard's today is the demo data's last day (conftest): this month has dossiers.
    page = visit(new_page(), base_url, "/", READY_SELECTOR)
    values = page.locator('[data-testid="stMetric"] [data-testid="stMetricValue"]').all_inner_texts()
    assert values, "no st.metric tiles on the overview"
    assert all(re.search(r"\d", value) for value in values), values


def combobox(page: Page, label: str):
    return page.get_by_role("combobox", name=label, exact=True)


def choose_other(page: Page, label: str) -> str:
    """Pick, in the selectbox `label`, an option other than the one shown; returns it."""
    box = combobox(page, label)
    current = box.input_value()
    box.click()
    options = [text.strip() for text in page.get_by_role("option").all_inner_texts()]
    other = next((text for text in options if text != current), None)
    assert other, f"{label}: no option besides {current!r} ({options})"
    before = runs_finished(page)
    page.get_by_role("option", name=other, exact=True).click()
    wait_rerun(page, before)
    expect(box).to_have_value(other)
    return other


def test_copied_link_restores_the_filters(new_page, base_url):
    page = visit(new_page(), base_url, "/phan-tich?period=last_month&lang=vi")
    before = page.url
    channel = choose_other(page, "Kênh nộp")
    expect(page).not_to_have_url(before)
    period = combobox(page, "Kỳ báo cáo").input_value()

    copy = visit(new_page(), base_url, page.url.removeprefix(base_url))
    assert combobox(copy, "Kênh nộp").input_value() == channel
    assert combobox(copy, "Kỳ báo cáo").input_value() == period


GRID_HEADER_PX = 35
GRID_ROW_PX = 35


def test_selecting_a_row_drills_down(new_page, base_url):
    # This month's heat table lists communes; the first rows may be the province's own
    # agencies, which go nowhere, so the first rows are tried in turn.
    page = visit(new_page(), base_url, "/phan-tich?period=month&lang=vi")
    expect(page.get_by_text("Theo xã, phường", exact=True)).to_be_visible()
    grid = page.locator('[data-testid="stDataFrame"]').first
    for row in range(4):
        box = grid.bounding_box()
        before = runs_finished(page)
        # the row-marker column (first 30 px) selects the row
        page.mouse.click(box["x"] + 15, box["y"] + GRID_HEADER_PX + GRID_ROW_PX * row + GRID_ROW_PX / 2)
        wait_rerun(page, before)
        if "commune=" in page.url:
            break
    assert "commune=" in page.url, "no row of the first four drilled down"
    expect(page.get_by_text("Theo lĩnh vực", exact=True)).to_be_visible()
    assert combobox(page, "Xã, phường").input_value(), "the commune filter shows the drilled row"


def visible_heading(page: Page) -> str:
    return page.evaluate(
        """(selector) => {
            for (const h of document.querySelectorAll(selector)) {
                const box = h.getBoundingClientRect();
                if (box.width > 0 && box.height > 0) return h.innerText.trim();
            }
            return null;
        }""",
        HEADING,
    )


def test_wall_rotates_with_no_chrome(new_page, base_url):
    page = visit(new_page(), base_url, "/?wall=1&rotate=3")
    first = visible_heading(page)
    assert first
    screenshot(page, ARTIFACTS / "wall-1920x1080.png")
    deadline = time.monotonic() + ROTATION_WAIT_S
    while visible_heading(page) in (first, None) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert visible_heading(page) not in (first, None), f"still {first!r} after {ROTATION_WAIT_S} s"
    for chrome in ("stSidebar", "stToolbar", "stMainMenu"):
        expect(page.locator(f'[data-testid="{chrome}"]')).to_be_hidden()


def test_lang_en_shows_english_labels(new_page, base_url):
    vi = visit(new_page(), base_url, "/", READY_SELECTOR)
    en = visit(new_page(), base_url, "/?lang=en", READY_SELECTOR)
    labels = '[data-testid="stMetric"] [data-testid="stMetricLabel"]'
    vi_labels, en_labels = vi.locator(labels).all_inner_texts(), en.locator(labels).all_inner_texts()
    assert any(looks_vietnamese(label) for label in vi_labels), vi_labels
    assert en_labels and not any(looks_vietnamese(label) for label in en_labels), en_labels
