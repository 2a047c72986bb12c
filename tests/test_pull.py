"""The pull path over real HTTP: the demo portal on 127.0.0.1, the real client, a real
warehouse. The portal's clock is frozen (scale 0) and moved on by hand, so every cycle
sees exactly the changes the test made happen. Faults are queued on the portal itself.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from conftest import raw

from demo_portal.clock import SimClock
from demo_portal.portal import DemoPortal
from demo_portal.server import PortalServer, serve_in_thread
from ingest.pull import FEED_WATERMARK, INDEX766, CycleResult, run_cycle
from ingest.sources.config import SourceConfig
from ingest.sources.portal.client import PortalClient, RetryPolicy, http_client
from warehouse.paths import WarehousePaths
from warehouse.snapshot import current_snapshot, open_snapshot

START = datetime(2023, 3, 15, 9, 0)  # a Wednesday morning, far from Tết
FAST_RETRIES = RetryPolicy(attempts=3, backoff_initial=0.05, backoff_max=0.2)


@pytest.fixture(scope="module")
def shared_portal() -> DemoPortal:
    # Generating a year of lifecycles takes a moment: one portal object per module,
    # each test gets its own clock.
    return DemoPortal()


@pytest.fixture
def portal(shared_portal: DemoPortal) -> DemoPortal:
    shared_portal.clock = SimClock(START, scale=0)
    return shared_portal


@pytest.fixture
def server(portal: DemoPortal) -> Iterator[PortalServer]:
    with serve_in_thread(portal) as running:
        yield running


@pytest.fixture(scope="module")
def template(tmp_path_factory, shared_portal: DemoPortal) -> WarehousePaths:
    """A warehouse after its first cycle at START, built once and copied per test."""
    shared_portal.clock = SimClock(START, scale=0)
    paths = WarehousePaths(tmp_path_factory.mktemp("template") / "warehouse.duckdb")
    with serve_in_thread(shared_portal) as running:
        assert cycle(paths, source_for(running)).status == "ok"
    return paths


@pytest.fixture
def pulled(tmp_path: Path, template: WarehousePaths, portal: DemoPortal) -> WarehousePaths:
    paths = WarehousePaths(tmp_path / "warehouse.duckdb")
    shutil.copyfile(template.database, paths.database)
    shutil.copytree(template.snapshots, paths.snapshots)
    return paths


def source_for(server: PortalServer, **options) -> SourceConfig:
    return SourceConfig("demo", server.url, **options)


def cycle(warehouse: WarehousePaths, source: SourceConfig) -> CycleResult:
    with http_client(source) as http:
        return run_cycle(warehouse, source, PortalClient(http, source.name, FAST_RETRIES))


def dossier_rows(result: CycleResult) -> int:
    """Dossier rows a cycle loaded (ratings and PAKN come in the same cycle, in files of their own)."""
    return sum(report.rows_loaded for report in result.files if report.kind == "dossiers")


def fault(server: PortalServer, **spec) -> None:
    httpx.post(f"{server.url}/admin/faults", json=spec).raise_for_status()


def advance(server: PortalServer, minutes: float) -> None:
    httpx.post(f"{server.url}/admin/clock", json={"advance_minutes": minutes}).raise_for_status()


def watermark(warehouse: WarehousePaths) -> str:
    return raw(warehouse, f"select value from watermarks where entity = '{FEED_WATERMARK}'")[0][0]


def dossier_count(warehouse: WarehousePaths) -> int:
    return raw(warehouse, "select count(*) from raw_dossiers")[0][0]


def runs(warehouse: WarehousePaths) -> list[tuple]:
    return raw(warehouse, "select status, error from ingest_runs order by started_at")


# ------------------------------------------------------------------ the happy path


def test_first_cycle_loads_the_history_through_the_bulk_export(warehouse, server, portal):
    result = cycle(warehouse, source_for(server))
    assert result.status == "ok", result.error
    expected = portal.dossiers_changed(None, portal.clock.now()).height
    assert dossier_count(warehouse) == expected
    loaded = [report.path.name for report in result.files]
    assert "demo-dossiers-2023-03.csv" in loaded
    assert current_snapshot(warehouse).version == result.snapshot.version


def test_watermark_is_the_export_moment_then_the_portal_clock(warehouse, server, portal):
    cycle(warehouse, source_for(server))
    assert datetime.fromisoformat(watermark(warehouse)) == portal.clock.now()


def test_next_cycle_fetches_only_what_changed(pulled, server, portal):
    warehouse = pulled
    before = portal.clock.now()
    advance(server, 90)
    changed = portal.dossiers_changed(before, portal.clock.now())
    result = cycle(warehouse, source_for(server))
    assert result.status == "ok"
    assert dossier_rows(result) == changed.height > 0
    kinds = [r.kind for r in result.files]
    assert "agencies" not in kinds and "procedures" not in kinds  # catalogues answered 304
    assert INDEX766 not in kinds  # so did the published index
    statuses = dict(raw(warehouse, "select MaHoSo, TrangThaiHoSo from raw_dossiers"))
    for code, status in changed.select("MaHoSo", "TrangThaiHoSo").iter_rows():
        assert statuses[code] == int(status)


def test_every_run_is_recorded(pulled):
    rows = raw(pulled, "select source, status, rows > 0, finished_at >= started_at, error from ingest_runs")
    assert rows == [("demo", "ok", True, True, None)]


def test_feed_pages_are_followed_to_the_end(pulled, server, portal):
    warehouse = pulled
    before = portal.clock.now()
    advance(server, 240)
    expected = portal.dossiers_changed(before, portal.clock.now()).height
    assert expected > 30
    result = cycle(warehouse, source_for(server, page_size=10))
    assert dossier_rows(result) == expected


# ------------------------------------------------------------------ faults


def test_500_then_200_is_retried_within_the_cycle(pulled, server):
    fault(server, kind="status", status=500, times=2)
    result = cycle(pulled, source_for(server))
    assert result.status == "ok"


def test_429_waits_as_long_as_retry_after_says(pulled, server):
    warehouse = pulled
    fault(server, kind="status", status=429, retry_after=0.5, times=1, path="/api/v1/dossiers")
    started = time.monotonic()
    result = cycle(warehouse, source_for(server))
    assert result.status == "ok"
    assert time.monotonic() - started >= 0.5


def test_portal_down_fails_the_run_and_the_last_snapshot_stays(pulled, portal):
    warehouse = pulled
    with serve_in_thread(portal) as running:
        source = source_for(running)
    published = current_snapshot(warehouse).version
    result = cycle(warehouse, source)  # nobody listens on that port any more
    assert result.status == "failed"
    assert "cannot connect" in result.error
    assert current_snapshot(warehouse).version == published
    assert [status for status, _ in runs(warehouse)] == ["ok", "failed"]


def test_failed_run_is_retried_by_the_next_cycle(pulled, server):
    fault(server, kind="status", status=503, times=3)
    assert cycle(pulled, source_for(server)).status == "failed"
    assert cycle(pulled, source_for(server)).status == "ok"
    assert [status for status, _ in runs(pulled)] == ["ok", "failed", "ok"]


def test_slow_portal_times_out_as_a_failed_run(pulled, server):
    fault(server, kind="slow", seconds=1.5, times=3)
    result = cycle(pulled, source_for(server, timeout_seconds=0.5))
    assert result.status == "failed"
    assert "timeout" in result.error


def test_break_mid_pagination_loads_nothing_and_keeps_the_watermark(pulled, server, portal):
    warehouse = pulled
    mark = watermark(warehouse)
    statuses = raw(warehouse, "select MaHoSo, TrangThaiHoSo from raw_dossiers order by 1")
    advance(server, 240)
    fault(server, kind="break_pagination", times=3)
    result = cycle(warehouse, source_for(server, page_size=10))
    assert result.status == "failed"
    assert "connection broke" in result.error
    assert watermark(warehouse) == mark
    assert raw(warehouse, "select MaHoSo, TrangThaiHoSo from raw_dossiers order by 1") == statuses


def test_resumes_from_the_watermark_after_a_failure(pulled, server, portal):
    warehouse = pulled
    before = portal.clock.now()
    advance(server, 240)
    fault(server, kind="break_pagination", times=3)
    cycle(warehouse, source_for(server, page_size=10))
    result = cycle(warehouse, source_for(server, page_size=10))
    assert result.status == "ok"
    assert dossier_rows(result) == portal.dossiers_changed(before, portal.clock.now()).height


def test_malformed_json_fails_the_run(pulled, server):
    warehouse = pulled
    fault(server, kind="malformed", times=1, path="/api/v1/dossiers")
    result = cycle(warehouse, source_for(server))
    assert result.status == "failed"
    assert "not JSON" in result.error


def test_wrong_token_is_rejected_with_a_hint(warehouse, portal):
    with serve_in_thread(portal, token="s3cret") as running:
        result = cycle(warehouse, source_for(running))
    assert result.status == "failed"
    assert "HTTP 401 (is the token right?)" in result.error


def test_token_from_the_environment_is_sent(pulled, portal, monkeypatch):
    monkeypatch.setenv("TEST_PORTAL_TOKEN", "s3cret")
    with serve_in_thread(portal, token="s3cret") as running:
        result = cycle(pulled, source_for(running, token_env="TEST_PORTAL_TOKEN"))
    assert result.status == "ok", result.error


# ------------------------------------------------------------------ readers


def test_a_reader_keeps_reading_while_cycles_publish(pulled, server, portal):
    warehouse = pulled
    errors: list[BaseException] = []
    seen: set[str] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                with open_snapshot(warehouse) as (con, info):
                    received = con.execute("select sum(received) from kpi_daily").fetchone()[0]
                    assert (
                        received == con.execute("select count(*) from fct_dossiers where counts_in_kpis").fetchone()[0]
                    )
                    seen.add(info.version)
            except BaseException as error:  # noqa: BLE001 (reported below)
                errors.append(error)
                return

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(3):
        advance(server, 120)
        assert cycle(warehouse, source_for(server)).status == "ok"
    done.set()
    reader.join()
    assert not errors
    assert len(seen) >= 2
