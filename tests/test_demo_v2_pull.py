"""The pull of contract v2 over real HTTP: the demo portal on 127.0.0.1 over a short
history (1 January – 15 March 2023), the real client, a real warehouse. Ratings, PAKN and
the published index land in their raw tables as the portal serves them, and the v2 feeds
move their own watermarks.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx
import pytest
from conftest import raw

from demo_portal.clock import SimClock
from demo_portal.portal import DemoPortal
from demo_portal.server import serve_in_thread
from ingest.pull import CycleResult, run_cycle
from ingest.sources.config import SourceConfig
from ingest.sources.portal.client import PortalClient, http_client
from warehouse.paths import WarehousePaths

START = datetime(2023, 3, 15, 9, 0)


def cycle(warehouse: WarehousePaths, url: str) -> CycleResult:
    source = SourceConfig("demo", url)
    with http_client(source) as http:
        return run_cycle(warehouse, source, PortalClient(http, source.name))


def mark(warehouse: WarehousePaths, entity: str) -> str:
    return raw(warehouse, f"select value from watermarks where entity = '{entity}'")[0][0]


def count(warehouse: WarehousePaths, table: str) -> int:
    return raw(warehouse, f"select count(*) from {table}")[0][0]


@pytest.fixture(scope="module")
def pulled(tmp_path_factory) -> tuple[WarehousePaths, DemoPortal]:
    portal = DemoPortal(clock=SimClock(START, scale=0))
    warehouse = WarehousePaths(Path(tmp_path_factory.mktemp("v2")) / "warehouse.duckdb")
    with serve_in_thread(portal) as server:
        result = cycle(warehouse, server.url)
        assert result.status == "ok", result.error
        first = {
            "ratings": mark(warehouse, "updated_since:ratings"),
            "feedback": mark(warehouse, "updated_since:feedback"),
            "index": count(warehouse, "raw_index766"),
        }
        httpx.post(f"{server.url}/admin/clock", json={"advance_minutes": 3 * 24 * 60}).raise_for_status()
        second = cycle(warehouse, server.url)
        assert second.status == "ok", second.error
    portal.first = first  # type: ignore[attr-defined]
    portal.second = second  # type: ignore[attr-defined]
    return warehouse, portal


def test_ratings_in_raw_are_those_the_portal_serves(pulled) -> None:
    warehouse, portal = pulled
    assert count(warehouse, "raw_ratings") == portal.ratings_changed(None, portal.clock.now()).height > 0


def test_feedback_in_raw_is_what_the_portal_serves(pulled) -> None:
    warehouse, portal = pulled
    served = portal.feedback_changed(None, portal.clock.now())
    assert count(warehouse, "raw_feedback") == served.height > 0
    handled = raw(warehouse, "select count(*) from raw_feedback where NgayXuLyXong is not null")[0][0]
    assert handled == served.filter(served["NgayXuLyXong"].is_not_null()).height


def test_published_index_in_raw_with_the_demo_note(pulled) -> None:
    warehouse, portal = pulled
    # the first cycle (15/03) took Jan and Feb and the year to 14/03; the second (18/03) the
    # year to 17/03 beside them: every period the portal served is kept, by its own dates
    served = portal.export("index766").rows
    assert portal.first["index"] == served == 2 * 3 * 7  # 2 provinces × (2 months + the year to date) × 7
    assert count(warehouse, "raw_index766") == served + 2 * 7
    periods = raw(warehouse, "select distinct TuNgay::varchar, DenNgay::varchar from raw_index766 order by 1, 2")
    assert periods == [
        ("2023-01-01", "2023-01-31"),
        ("2023-01-01", "2023-03-14"),
        ("2023-01-01", "2023-03-17"),
        ("2023-02-01", "2023-02-28"),
    ]
    notes = raw(warehouse, "select distinct _extra->>'GhiChu' from raw_index766")
    assert notes == [("dữ liệu minh họa (demo)",)]


def test_v2_feeds_move_their_own_watermarks(pulled) -> None:
    warehouse, portal = pulled
    now = portal.clock.now().isoformat()
    assert mark(warehouse, "updated_since:ratings") == now != portal.first["ratings"]
    assert mark(warehouse, "updated_since:feedback") == now != portal.first["feedback"]


def test_second_cycle_takes_ratings_and_feedback_from_their_feeds(pulled) -> None:
    _, portal = pulled
    kinds = {report.kind for report in portal.second.files}
    assert {"dossiers", "ratings", "feedback"} <= kinds
    names = [report.path.name for report in portal.second.files]
    assert any("feedback-changes" in name for name in names)
    assert not any(name.startswith("demo-feedback-2023") for name in names)  # no second backfill
