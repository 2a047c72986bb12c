"""The worker and the pull command as processes: schedules, SIGTERM, kill -9 mid-cycle.

The demo portal runs in this test process (frozen clock); the commands under test are
real subprocesses pointed at it through a sources file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, raw, run_module

from demo_portal.clock import SimClock
from demo_portal.portal import DemoPortal
from demo_portal.server import PortalServer, serve_in_thread
from warehouse.paths import WarehousePaths
from warehouse.snapshot import current_snapshot, open_snapshot

START = datetime(2023, 3, 15, 9, 0)  # a Wednesday morning, far from Tết


@pytest.fixture(scope="module")
def shared_portal() -> DemoPortal:
    return DemoPortal()


@pytest.fixture
def server(shared_portal: DemoPortal) -> Iterator[PortalServer]:
    shared_portal.clock = SimClock(START, scale=0)
    with serve_in_thread(shared_portal) as running:
        yield running


def sources_file(tmp_path: Path, server: PortalServer, schedule_seconds: float = 2) -> dict[str, str]:
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[sources.demo]\nbase_url = "{server.url}"\nschedule_minutes = {schedule_seconds / 60}\n'
        "retry_attempts = 2\ntimeout_seconds = 5\n",
        encoding="utf-8",
    )
    return {"IOC_SOURCES": str(path)}


def start(module: str, *args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_line(process: subprocess.Popen, needle: str, timeout: float = 90) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} never printed; got:\n{''.join(lines)}")


def fault(server: PortalServer, **spec) -> None:
    httpx.post(f"{server.url}/admin/faults", json=spec).raise_for_status()


def test_pull_command_runs_one_cycle_and_publishes(tmp_path, server):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    done = run_module(
        "ingest", "pull", "--source", "demo", "--warehouse", str(warehouse.database), env=sources_file(tmp_path, server)
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("demo: ok, ")
    assert current_snapshot(warehouse).version in done.stdout


def test_pull_command_reports_a_failed_cycle_with_exit_2(tmp_path, server):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    fault(server, kind="status", status=500, times=10)
    done = run_module("ingest", "pull", "--warehouse", str(warehouse.database), env=sources_file(tmp_path, server))
    assert done.returncode == 2
    assert "demo: failed: source demo:" in done.stderr and "HTTP 500" in done.stderr


def test_pull_demo_starts_the_demo_portal_when_none_answers(tmp_path):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    # No sources file and a free port: `--source demo` starts its own portal at today's
    # date. The whole history would take a minute; the first published month is enough.
    env = {"IOC_SOURCES": str(tmp_path / "none.toml"), "IOC_DEMO_PORT": "18799"}
    process = start("ingest", "pull", "--source", "demo", "--warehouse", str(warehouse.database), env=env)
    try:
        wait_for_line(process, "started the demo portal on http://127.0.0.1:18799")
        wait_for_line(process, "published data version")
    finally:
        process.kill()
        process.wait()
    # killed mid-backfill: what was published is complete and readable
    with open_snapshot(warehouse) as (con, _info):
        assert con.execute("select count(*) from fct_dossiers").fetchone()[0] > 0


def test_worker_pulls_on_schedule_and_stops_on_sigterm(tmp_path, server):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    worker = start("ingest", "worker", "--warehouse", str(warehouse.database), env=sources_file(tmp_path, server))
    try:
        wait_for_line(worker, "demo: ok")
        wait_for_line(worker, "demo: ok")  # the next tick, two seconds on
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        worker.kill()
    statuses = [row[0] for row in raw(warehouse, "select status from ingest_runs")]
    assert statuses.count("ok") >= 2


def test_worker_retries_a_failed_cycle_on_the_next_tick(tmp_path, server):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    fault(server, kind="status", status=500, times=2)  # both attempts of the first request
    worker = start("ingest", "worker", "--warehouse", str(warehouse.database), env=sources_file(tmp_path, server))
    try:
        wait_for_line(worker, "demo: failed")
        wait_for_line(worker, "demo: ok")
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    finally:
        worker.kill()
    statuses = [row[0] for row in raw(warehouse, "select status from ingest_runs order by started_at")]
    assert statuses[:2] == ["failed", "ok"]


def test_kill_9_mid_cycle_leaves_the_published_snapshot_and_loses_nothing(tmp_path, server, shared_portal):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    env = sources_file(tmp_path, server)
    assert run_module("ingest", "pull", "--warehouse", str(warehouse.database), env=env).returncode == 0
    published = current_snapshot(warehouse)
    httpx.post(f"{server.url}/admin/clock", json={"advance_minutes": 600}).raise_for_status()
    fault(server, kind="slow", seconds=30, times=1, path="/api/v1/dossiers")
    puller = start("ingest", "pull", "--warehouse", str(warehouse.database), env=env)
    time.sleep(3)  # it holds the lock and waits for the slow change feed
    puller.kill()
    puller.wait()

    assert current_snapshot(warehouse) == published
    with open_snapshot(warehouse) as (con, _info):
        assert con.execute("select count(*) from fct_dossiers").fetchone()[0] > 0
    assert not list(warehouse.snapshots.glob("*.tmp"))

    done = run_module("ingest", "pull", "--warehouse", str(warehouse.database), env=env)
    assert done.returncode == 0, done.stderr
    statuses = [row[0] for row in raw(warehouse, "select status from ingest_runs order by started_at")]
    assert statuses == ["ok", "failed", "ok"]
    assert raw(warehouse, "select error from ingest_runs order by started_at")[1][0].startswith("interrupted")
    expected = shared_portal.dossiers_changed(None, shared_portal.clock.now()).height
    assert raw(warehouse, "select count(*) from raw_dossiers")[0][0] == expected


def test_sigterm_mid_backfill_stops_between_months_and_records_it(tmp_path, server):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    fault(server, kind="slow", seconds=1, times=3, path="/api/v1/export/dossiers.csv")
    worker = start("ingest", "worker", "--warehouse", str(warehouse.database), env=sources_file(tmp_path, server, 600))
    try:
        wait_for_line(worker, "backfill of")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        worker.kill()
    assert raw(warehouse, "select status, rows < 100000 from ingest_runs") == [("stopped", True)]
