"""The two pages of contract v2 as a person sees them in Chromium, in both languages:
Dịch vụ công trực tuyến (/dich-vu-cong) and Hài lòng & phản ánh (/hai-long).

A small warehouse of its own (the KPI fixture with the ratings and feedback of
tests/fixtures/pages_v2, loaded through the real loader; "today" 31 March 2023), served
by the real dashboard on 127.0.0.1: no demo pull, so the module stays short.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.load import load_paths
from reports.browser import READY_SELECTOR, open_page, screenshot, serve_dashboard
from warehouse.paths import WarehousePaths

from .conftest import ARTIFACTS, ROOT
from .test_language import GRID, LAPTOP, RAW_COLUMN, shown_text, vietnamese_in

pytestmark = pytest.mark.browser

FIXTURES = ROOT / "tests" / "fixtures"
TODAY = "2023-03-31"
PAGES = {"dich-vu-cong": "Dịch vụ công trực tuyến", "hai-long": "Hài lòng & phản ánh, kiến nghị"}
TITLES_EN = {"dich-vu-cong": "Online services", "hai-long": "Satisfaction & feedback"}


@pytest.fixture(scope="module")
def v2_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    paths = WarehousePaths(tmp_path_factory.mktemp("pages-v2") / "warehouse.duckdb")
    kpi, v2 = FIXTURES / "kpi", FIXTURES / "pages_v2"
    files = [
        kpi / "agencies.csv",
        kpi / "procedures.csv",
        kpi / "dossiers.csv",
        v2 / "ratings.csv",
        v2 / "feedback.csv",
    ]
    result = load_paths(paths, files)
    assert all(report.error is None for report in result.files), result
    with serve_dashboard(Path(paths.database), env={"IOC_TODAY": TODAY}) as url:
        yield url


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_v2_page_shows_its_tiles(new_page, v2_url, path, language):
    page = new_page(*LAPTOP)
    open_page(page, f"{v2_url}/{path}?lang={language}", READY_SELECTOR)
    screenshot(page, ARTIFACTS / f"{path}-{language}-1366x768.png")
    assert page.locator('[data-testid="stException"]').count() == 0
    heading = page.locator('[data-testid="stMain"] h1').first.inner_text().strip()
    assert heading == (PAGES[path] if language == "vi" else TITLES_EN[path])
    values = page.locator('[data-testid="stMetric"] [data-testid="stMetricValue"]').all_inner_texts()
    assert len(values) >= 5 and all(re.search(r"\d", value) for value in values), values
    # rates with one decimal, the language's way (56,8% / 56.8%)
    rates = [v for v in values if v.endswith("%")]
    assert rates and all(re.fullmatch(r"\d{1,3}[,.]\d%", v) for v in rates), rates
    assert all(("," in v) == (language == "vi") for v in rates), rates


@pytest.mark.parametrize("path", PAGES)
def test_v2_page_in_english_speaks_only_english(new_page, v2_url, path):
    page = new_page(*LAPTOP)
    open_page(page, f"{v2_url}/{path}?lang=en", READY_SELECTOR)
    page.locator(GRID).first.wait_for(state="visible")
    text = shown_text(page)
    assert not vietnamese_in(text), f"{path}: Vietnamese interface text in English: {vietnamese_in(text)}"
    headers = page.locator(f"{GRID} [role=columnheader]").all_text_contents()
    assert headers and not [h for h in headers if RAW_COLUMN.fullmatch(h.strip()) or h.strip() == "None"], headers


def test_v2_page_reopens_its_link(new_page, v2_url):
    page = new_page()
    open_page(page, f"{v2_url}/hai-long?period=quarter&level=commune&lang=vi", READY_SELECTOR)
    assert page.get_by_role("combobox", name="Kỳ báo cáo", exact=True).input_value() == "Quý này"
    assert page.get_by_role("combobox", name="Cấp tiếp nhận", exact=True).input_value() == "Cấp xã"
