"""A portal cannot hang, loop, flood, rewind, escape the warehouse or leak the token (issue 16).

Each test points the real client at `hostile_portal` on 127.0.0.1, misbehaving in one
way, with short deadlines and small caps from the source's configuration; the command
line is run as a process where its exit code and output are the behaviour.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest
from conftest import raw, run_module
from hostile_portal import NOW, HostileServer, dossier, hostile_portal

from ingest.pull import FEED_WATERMARK, CycleResult, run_cycle
from ingest.sources.config import SourceConfig, SourceConfigError
from ingest.sources.portal.budget import CycleStopped
from ingest.sources.portal.client import PortalClient, RetryPolicy, http_client
from warehouse.lock import writer_lock
from warehouse.paths import WarehousePaths
from warehouse.runlog import recent_runs
from warehouse.snapshot import current_snapshot

FAST_RETRIES = RetryPolicy(attempts=2, backoff_initial=0.05, backoff_max=0.1)
TOKEN = "tok-9f8e7d6c5b4a"


@pytest.fixture
def portal() -> Iterator[HostileServer]:
    with hostile_portal() as server:
        yield server


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> WarehousePaths:
    """A warehouse after one good cycle (catalogues, one month, the feed), copied per test."""
    paths = WarehousePaths(tmp_path_factory.mktemp("template") / "warehouse.duckdb")
    with hostile_portal() as server:
        result = cycle(paths, source(server))
    assert result.status == "ok", result.error
    return paths


@pytest.fixture
def pulled(tmp_path: Path, template: WarehousePaths) -> WarehousePaths:
    paths = WarehousePaths(tmp_path / "wh" / "warehouse.duckdb")
    paths.database.parent.mkdir()
    shutil.copyfile(template.database, paths.database)
    shutil.copytree(template.snapshots, paths.snapshots)
    shutil.copyfile(template.run_log, paths.run_log)
    return paths


def source(server: HostileServer, name: str = "portal", **options) -> SourceConfig:
    options = {"timeout_seconds": 5, **options}
    return SourceConfig(name, server.url, **options)


def cycle(warehouse: WarehousePaths, config: SourceConfig, say=lambda message: None) -> CycleResult:
    with http_client(config) as http:
        return run_cycle(warehouse, config, PortalClient(http, config.name, FAST_RETRIES), progress=say)


def timed(warehouse: WarehousePaths, config: SourceConfig) -> tuple[CycleResult, float]:
    started = time.monotonic()
    result = cycle(warehouse, config)
    return result, time.monotonic() - started


def watermark(warehouse: WarehousePaths) -> str:
    return raw(warehouse, f"select value from watermarks where entity = '{FEED_WATERMARK}'")[0][0]


def last_run(warehouse: WarehousePaths) -> tuple:
    return raw(warehouse, "select status, error from ingest_runs order by started_at desc limit 1")[0]


def sources_file(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return {"IOC_SOURCES": str(path)}


# ------------------------------------------------------------------ hangs


def test_a_dripping_body_fails_at_the_request_deadline(pulled, portal):
    portal.bad.drip = "/api/v1/dossiers"
    result, seconds = timed(pulled, source(portal, request_deadline_seconds=1.5))
    assert result.status == "failed"
    assert "no complete answer within 1.5 s (request_deadline_seconds)" in result.error
    assert seconds < 4
    assert last_run(pulled) == ("failed", result.error)


def test_dripping_headers_fail_at_the_request_deadline(pulled, portal):
    portal.bad.drip, portal.bad.drip_headers = "/api/v1/dossiers", True
    result, seconds = timed(pulled, source(portal, request_deadline_seconds=1.5))
    assert result.status == "failed"
    assert "request_deadline_seconds" in result.error
    assert seconds < 4


def test_the_cycle_deadline_cuts_a_request_with_a_longer_one(pulled, portal):
    portal.bad.drip = "/api/v1/dossiers"
    result, seconds = timed(pulled, source(portal, request_deadline_seconds=60, cycle_deadline_seconds=2))
    assert result.status == "failed"
    assert "the cycle ran past its deadline of 2 s (cycle_deadline_seconds)" in result.error
    assert seconds < 4.5


def test_a_retry_wait_past_the_cycle_deadline_fails_at_once(pulled, portal):
    portal.bad.echo_authorization = 503
    config = source(portal, cycle_deadline_seconds=3)
    started = time.monotonic()
    with http_client(config) as http:
        result = run_cycle(pulled, config, PortalClient(http, config.name, RetryPolicy(attempts=3, backoff_initial=10)))
    assert result.status == "failed"
    assert result.error == (
        f"source portal: {portal.url}/api/v1/export/agencies.csv failed (HTTP 503); waiting 8 s "
        "more would run past the cycle's deadline of 3 s (cycle_deadline_seconds)"
    )
    assert time.monotonic() - started < 3


def test_a_drip_keeps_the_watermark_and_the_published_snapshot(pulled, portal):
    mark, published = watermark(pulled), current_snapshot(pulled).version
    portal.bad.drip = "/api/v1/dossiers"
    cycle(pulled, source(portal, request_deadline_seconds=1))
    assert watermark(pulled) == mark
    assert current_snapshot(pulled).version == published


def test_pull_command_exits_2_on_a_drip_within_its_deadline(tmp_path, portal):
    portal.bad.drip = "/api/v1/export/agencies.csv"
    env = sources_file(
        tmp_path,
        f'[sources.vendor]\nbase_url = "{portal.url}"\ntimeout_seconds = 5\n'
        "request_deadline_seconds = 1.5\nretry_attempts = 1\n",
    )
    started = time.monotonic()
    done = run_module("ingest", "pull", "--warehouse", str(tmp_path / "warehouse.duckdb"), env=env, timeout=60)
    assert done.returncode == 2
    assert [line for line in done.stderr.splitlines() if "failed" in line] == [
        (
            f"vendor: failed: source vendor: {portal.url}/api/v1/export/agencies.csv: "
            "no complete answer within 1.5 s (request_deadline_seconds)"
        )
    ]
    assert "Traceback" not in done.stderr
    assert time.monotonic() - started < 30  # interpreter and imports included


# ------------------------------------------------------------------ loops and floods


def test_a_cursor_that_comes_back_fails_the_cycle(pulled, portal):
    mark = watermark(pulled)
    portal.bad.cursor_loop = True
    result, seconds = timed(pulled, source(portal))
    assert result.status == "failed"
    assert "next_cursor 'A' was already followed in this cycle" in result.error
    assert f"{portal.url}/api/v1/dossiers?limit=1000&cursor=B" in result.error
    assert watermark(pulled) == mark
    assert seconds < 3


def test_pull_command_exits_2_on_a_cursor_loop(tmp_path, portal):
    portal.bad.cursor_loop = True
    env = sources_file(tmp_path, f'[sources.vendor]\nbase_url = "{portal.url}"\ntimeout_seconds = 5\n')
    done = run_module("ingest", "pull", "--warehouse", str(tmp_path / "warehouse.duckdb"), env=env, timeout=60)
    assert done.returncode == 2
    assert "was already followed in this cycle" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_pages_of_a_cycle_are_capped(pulled, portal):
    portal.bad.endless_pages = True
    result = cycle(pulled, source(portal, max_pages=5))
    assert result.status == "failed"
    assert "more than 5 change-feed pages in one cycle (max_pages)" in result.error
    assert sum("/api/v1/dossiers" in path for path in portal.seen) == 5


def test_a_page_larger_than_its_cap_is_refused(pulled, portal):
    portal.bad.page_padding_mb = 8
    result = cycle(pulled, source(portal, max_page_mb=1))
    assert result.status == "failed"
    assert f"{portal.url}/api/v1/dossiers" in result.error
    assert "the answer is larger than 1 MB (max_page_mb)" in result.error


def test_the_bytes_of_a_cycle_are_capped(warehouse, portal):
    portal.bad.endless_export = True
    result, seconds = timed(warehouse, source(portal, max_cycle_mb=3))
    assert result.status == "failed"
    assert "more than 3 MB received in one cycle (max_cycle_mb)" in result.error
    assert f"{portal.url}/api/v1/export/dossiers.csv?month=2023-03" in result.error
    assert not list(warehouse.database.parent.glob(".incoming-*"))  # the partial download is gone
    assert seconds < 10


# ------------------------------------------------------------------ going backwards


def test_the_watermark_never_moves_back(pulled, portal):
    mark = watermark(pulled)
    portal.bad.until = "2023-01-01T00:00:00"
    result = cycle(pulled, source(portal))
    assert result.status == "ok", result.error
    assert watermark(pulled) == mark == NOW.isoformat()


def test_an_older_record_never_replaces_a_newer_one(pulled, portal):
    portal.bad.feed = [dossier("D1", 9, "20230315080000", updated_at="2023-03-15T08:00:00")]
    assert cycle(pulled, source(portal)).status == "ok"
    portal.bad.feed = [dossier("D1", 4, updated_at="2023-03-14T10:00:00")]
    result = cycle(pulled, source(portal))
    assert result.status == "ok", result.error
    assert raw(pulled, "select TrangThaiHoSo from raw_dossiers where MaHoSo = 'D1'") == [(9,)]


def test_a_newer_record_still_replaces_an_older_one(pulled, portal):
    portal.bad.feed = [dossier("D1", 4, updated_at="2023-03-14T10:00:00")]
    assert cycle(pulled, source(portal)).status == "ok"
    portal.bad.feed = [dossier("D1", 9, "20230315080000", updated_at="2023-03-15T08:00:00+07:00")]
    assert cycle(pulled, source(portal)).status == "ok"
    assert raw(pulled, "select TrangThaiHoSo from raw_dossiers where MaHoSo = 'D1'") == [(9,)]


def test_within_one_feed_the_newest_version_wins(pulled, portal):
    portal.bad.feed = [
        dossier("D1", 9, "20230315080000", updated_at="2023-03-15T08:00:00"),
        dossier("D1", 4, updated_at="2023-03-14T10:00:00"),
    ]
    assert cycle(pulled, source(portal)).status == "ok"
    assert raw(pulled, "select TrangThaiHoSo from raw_dossiers where MaHoSo = 'D1'") == [(9,)]


# ------------------------------------------------------------------ names and the file system


def sentinel(tmp_path: Path) -> Path:
    folder = tmp_path / "victim"
    folder.mkdir()
    (folder / "keep.txt").write_text("precious", encoding="utf-8")
    return folder


def test_a_source_name_that_is_a_path_is_refused(tmp_path, portal):
    victim = sentinel(tmp_path)
    warehouse = tmp_path / "a" / "warehouse.duckdb"  # x/../../victim would land on tmp_path/victim
    env = sources_file(tmp_path, f'[sources."x/../../victim"]\nbase_url = "{portal.url}"\n')
    done = run_module("ingest", "pull", "--warehouse", str(warehouse), env=env, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "source name 'x/../../victim' is not allowed" in done.stderr
    assert (victim / "keep.txt").read_text(encoding="utf-8") == "precious"
    assert portal.seen == []


def test_an_unsafe_source_name_cannot_be_built_in_code():
    with pytest.raises(SourceConfigError, match="is not allowed"):
        SourceConfig("../victim", "http://127.0.0.1:1")


def test_an_export_month_that_is_a_path_is_refused(tmp_path, portal):
    victim = sentinel(tmp_path)
    warehouse = WarehousePaths(tmp_path / "a" / "b" / "warehouse.duckdb")
    warehouse.database.parent.mkdir(parents=True)
    before = _outside(tmp_path, warehouse)
    portal.bad.months = [{"month": "2023-03"}, {"month": "../../../victim/keep"}]
    result = cycle(warehouse, source(portal))
    assert result.status == "failed"
    assert result.error == (
        f"source portal: {portal.url}/api/v1/export/index.json names an export month "
        "that is not YYYY-MM: '../../../victim/keep'"
    )
    assert (victim / "keep.txt").read_text(encoding="utf-8") == "precious"
    assert _outside(tmp_path, warehouse) == before
    assert not any("export/dossiers.csv" in path for path in portal.seen)


def _outside(root: Path, warehouse: WarehousePaths) -> list[tuple[str, int]]:
    """Every path under `root` but the warehouse's folder, with its modification time."""
    folder = warehouse.database.parent
    return sorted((str(p), p.stat().st_mtime_ns) for p in root.rglob("*") if p != folder and folder not in p.parents)


@pytest.mark.parametrize("months", [[{"month": 202303}], [None], "2023-03", [{"month": "2023-13"}]])
def test_odd_export_months_fail_in_one_line(warehouse, portal, months):
    portal.bad.months = months
    result = cycle(warehouse, source(portal))
    assert result.status == "failed"
    assert "\n" not in result.error and "export/index.json" in result.error
    assert last_run(warehouse)[0] == "failed"


def test_a_304_to_a_first_request_fails_in_one_line(warehouse, portal):
    portal.bad.always_304 = True
    result = cycle(warehouse, source(portal))
    assert result.status == "failed"
    assert result.error == (
        f"source portal: {portal.url}/api/v1/export/agencies.csv answered 304 Not Modified to a request without an ETag"
    )
    assert last_run(warehouse) == ("failed", result.error)


# ------------------------------------------------------------------ secrets and messages


def test_an_echoed_token_is_stored_and_printed_nowhere(tmp_path):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    with hostile_portal() as portal:
        env = {
            **sources_file(tmp_path, f'[sources.vendor]\nbase_url = "{portal.url}"\ntoken_env = "IOC_TEST_TOKEN"\n'),
            "IOC_TEST_TOKEN": TOKEN,
        }
        portal.bad.echo_authorization = 403
        refused = run_module("ingest", "pull", "--warehouse", str(warehouse.database), env=env, timeout=60)
        portal.bad.echo_authorization = None
        accepted = run_module("ingest", "pull", "--warehouse", str(warehouse.database), env=env, timeout=60)
    assert refused.returncode == 2 and accepted.returncode == 0, accepted.stderr
    assert "HTTP 403 (is the token right?)" in refused.stderr and "Bearer ***" in refused.stderr
    printed = refused.stdout + refused.stderr + accepted.stdout + accepted.stderr
    logged = warehouse.run_log.read_text(encoding="utf-8")
    stored = _every_text(warehouse.database) + _every_text(warehouse.snapshots / current_snapshot(warehouse).file)
    assert "token refused" in stored  # the error was stored, without the secret
    for text in (printed, logged, stored):
        assert TOKEN not in text
    assert [run["status"] for run in recent_runs(warehouse)] == ["ok", "failed"]


def _every_text(database: Path) -> str:
    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = [row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()]
        return json.dumps([con.execute(f'select * from "{table}"').fetchall() for table in tables], default=str)
    finally:
        con.close()


def test_an_unset_token_variable_is_named_in_a_warning(pulled, portal, monkeypatch):
    monkeypatch.delenv("IOC_TEST_UNSET_TOKEN", raising=False)
    said: list[str] = []
    cycle(pulled, source(portal, token_env="IOC_TEST_UNSET_TOKEN"), said.append)
    assert any("warning" in line and "IOC_TEST_UNSET_TOKEN" in line for line in said)


def test_error_lines_name_the_full_url_with_the_base_path(warehouse):
    with hostile_portal(prefix="/ioc-export") as portal:
        portal.bad.echo_authorization = 404
        result = cycle(warehouse, source(portal))
    assert result.error.startswith(
        f"source portal: http://127.0.0.1:{portal.server_address[1]}/ioc-export/api/v1/export/agencies.csv: HTTP 404"
    )


def test_an_injected_plain_client_still_keeps_to_the_request_deadline(pulled, portal):
    # Without the bounded transport (e.g. behind a proxy) the deadline is checked between chunks.
    portal.bad.drip = "/api/v1/dossiers"
    config = source(portal, request_deadline_seconds=1.5)
    started = time.monotonic()
    with httpx.Client(base_url=config.base_url, timeout=5) as http:
        result = run_cycle(pulled, config, PortalClient(http, config.name, FAST_RETRIES))
    assert result.status == "failed"
    assert "request_deadline_seconds" in result.error
    assert time.monotonic() - started < 5


# ------------------------------------------------------------------ the writer's lock


def test_a_cycle_waits_for_the_lock_in_short_turns_as_long_as_it_is_told(pulled, portal):
    config = source(portal)
    with http_client(config) as http:
        with writer_lock(pulled.lock):
            waiter = _Background(lambda: run_cycle(pulled, config, PortalClient(http, "portal"), lock_wait_seconds=10))
            time.sleep(2.5)  # past the 1 s turns
        assert waiter.result(timeout=30).status == "ok"


def test_a_stop_ends_the_wait_for_the_lock_within_a_second(pulled, portal):
    config, stop = source(portal), threading.Event()
    with http_client(config) as http, writer_lock(pulled.lock):
        waiter = _Background(
            lambda: run_cycle(pulled, config, PortalClient(http, "portal"), stop=stop, lock_wait_seconds=600)
        )
        time.sleep(0.5)
        stopped_at = time.monotonic()
        stop.set()
        with pytest.raises(CycleStopped):
            waiter.result(timeout=5)
        assert time.monotonic() - stopped_at < 1.5


class _Background:
    def __init__(self, call) -> None:
        self.outcome: list = []
        self.thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self.thread.start()

    def _run(self, call) -> None:
        try:
            self.outcome.append(("value", call()))
        except BaseException as error:  # noqa: BLE001 (handed to the test)
            self.outcome.append(("error", error))

    def result(self, timeout: float):
        self.thread.join(timeout)
        assert self.outcome, "still running"
        kind, value = self.outcome[0]
        if kind == "error":
            raise value
        return value
