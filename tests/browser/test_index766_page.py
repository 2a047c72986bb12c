"""The page "Chỉ số 766" and the wall's 766 panel in Chromium, over the demo data (conftest):
they open without an exception in both languages, the total reads "x / max_available", the
English page shows none of the dashboard's Vietnamese strings, and the period in the link
comes back. The panel's fit at three screen sizes is in test_wall_fit.py.

Screenshots land in tests/artifacts/screenshots/chi-so-766-*.png.
"""

from __future__ import annotations

import re

import pytest

from reports.browser import open_page, screenshot

from .conftest import ARTIFACTS
from .test_browser import HEADING
from .test_language import GRID, LAPTOP, shown_text, vietnamese_in

pytestmark = pytest.mark.browser

PATH = "/chi-so-766"
OUT_OF = re.compile(r"\d+[,.]\d / \d+([,.]\d)?")
TOTAL = {"vi": "Tổng điểm", "en": "Total"}
IN_WORDS = {"vi": "điểm tính được", "en": "points available"}


def metrics(page) -> dict[str, str]:
    labels = page.locator('[data-testid="stMain"] [data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMain"] [data-testid="stMetricValue"]').all_inner_texts()
    return {label.strip(): value.strip() for label, value in zip(labels, values)}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_opens_in_both_languages(new_page, base_url, lang):
    page = new_page(*LAPTOP)
    open_page(page, f"{base_url}{PATH}?lang={lang}", HEADING)
    page.locator(GRID).first.wait_for(state="visible")
    screenshot(page, ARTIFACTS / f"chi-so-766-{lang}-{LAPTOP[0]}x{LAPTOP[1]}.png")
    assert page.locator('[data-testid="stException"]').count() == 0
    shown = metrics(page)
    assert OUT_OF.fullmatch(shown[TOTAL[lang]]), shown
    # the six groups beside the total, each "x / y" or "—" (no data yet, never 0)
    assert len(shown) == 7 and all(OUT_OF.fullmatch(v) or v == "—" for v in shown.values()), shown
    text = shown_text(page)
    assert IN_WORDS[lang] in text
    if lang == "en":
        assert not vietnamese_in(text), f"Vietnamese interface text in English: {vietnamese_in(text)}"


def test_the_period_in_the_link_comes_back(new_page, base_url):
    page = new_page(*LAPTOP)
    open_page(page, f"{base_url}{PATH}?period=last_month", HEADING)
    # the demo's today is 15/11/2025: last month is October
    assert page.locator('[data-testid="stMain"] h3').first.inner_text().endswith("tháng 10/2025")
    assert "period=last_month" in page.url


def test_the_wall_panel_in_english(new_page, base_url):
    page = new_page(1920, 1080)
    open_page(page, f"{base_url}/?wall=1&rotate=0&panel=3&lang=en&vw=1920&vh=1080", '[data-testid="stMain"] h2')
    assert page.locator('[data-testid="stMain"] h2').first.inner_text().startswith("Index 766")
    assert OUT_OF.fullmatch(metrics(page)["Total"])
    text = shown_text(page)
    assert not vietnamese_in(text), f"Vietnamese interface text in English: {vietnamese_in(text)}"
