"""Browser tests: the real dashboard on 127.0.0.1 over demo data, seen in Debian's Chromium.

One warehouse per session: the demo portal, its clock frozen at 15 November 2025, pulled
over real HTTP; the backfill keeps the months from June 2025 so that both sides of the
1 July 2025 reform have data and the pull stays short. One Streamlit server and one
Chromium serve every test; each test gets its own browser context.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from demo_portal.clock import SimClock
from demo_portal.portal import DemoPortal
from demo_portal.server import serve_in_thread
from ingest.pull import run_cycle
from ingest.sources.config import SourceConfig
from ingest.sources.portal.client import PortalClient, http_client
from reports.browser import CHROMIUM, count_runs, serve_dashboard
from warehouse.paths import WarehousePaths

ROOT = Path(__file__).resolve().parents[2]
DEMO_NOW = datetime(2025, 11, 15, 10, 0)
FIRST_MONTH = "2025-06"
ARTIFACTS = ROOT / "tests" / "artifacts" / "screenshots"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives the real dashboard in Debian's Chromium (needs /usr/bin/chromium)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install Debian's chromium (./setup.sh does, as root)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


class RecentMonths(PortalClient):
    """The real client, with the backfill limited to the months from FIRST_MONTH."""

    def export_index(self) -> dict:
        index = super().export_index()
        return {**index, "months": [m for m in index.get("months", []) if m["month"] >= FIRST_MONTH]}


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = WarehousePaths(tmp_path_factory.mktemp("browser-demo") / "warehouse.duckdb")
    portal = DemoPortal(clock=SimClock(DEMO_NOW, scale=0))
    with serve_in_thread(portal) as server:
        source = SourceConfig("demo", server.url)
        with http_client(source) as http:
            result = run_cycle(paths, source, RecentMonths(http, source.name))
    assert result.status == "ok", result.error
    return paths.database


@pytest.fixture(scope="session")
def base_url(demo_warehouse: Path) -> Iterator[str]:
    # The dashboard's "today" is the demo clock's, so "this month" has data.
    with serve_dashboard(demo_warehouse, env={"IOC_TODAY": DEMO_NOW.date().isoformat()}) as url:
        yield url


# Package scope: Playwright's sync API keeps an event loop running in the main thread while
# it is open, and `asyncio.run` fails in every later test (tests/test_st_client.py).
@pytest.fixture(scope="package")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    from reports.browser import launch

    with sync_playwright() as playwright:
        launched = launch(playwright)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser) -> Iterator:
    """Pages at a viewport size, in one fresh browser context per test (no shared state)."""
    contexts = []

    def make(width: int = 1920, height: int = 1080):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        count_runs(context)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
