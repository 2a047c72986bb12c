"""The worker against hostile portals (issue 16): one source that hangs or loops never
stalls the others, and SIGTERM stops a cycle in the middle of a drip.

The worker is a real process; the portals are `hostile_portal` servers in this process.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import ROOT, raw
from hostile_portal import hostile_portal

from warehouse.paths import WarehousePaths

QUICK = "schedule_minutes = 0.03\ntimeout_seconds = 5\nretry_attempts = 1\n"  # a tick every 1.8 s


class Worker:
    """`python -m ingest worker` with its output read line by line on a thread."""

    def __init__(self, warehouse: WarehousePaths, sources: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ingest", "worker", "--warehouse", str(warehouse.database)],
            cwd=ROOT,
            env={**os.environ, "IOC_SOURCES": str(sources)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, needle: str, count: int = 1, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while sum(needle in line for line in self.seen) < count:
            try:
                self.seen.append(self.lines.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                raise AssertionError(f"{needle!r} not printed {count} time(s); got:\n{''.join(self.seen)}") from None

    def stop(self) -> float:
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        return time.monotonic() - started

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def test_a_hanging_and_a_looping_source_do_not_stop_the_others(tmp_path):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    with hostile_portal() as good, hostile_portal() as dripping, hostile_portal() as looping:
        dripping.bad.drip = "/api/v1/export/agencies.csv"
        looping.bad.cursor_loop = True
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[sources.good]\nbase_url = "{good.url}"\n{QUICK}'
            f'[sources.drip]\nbase_url = "{dripping.url}"\n{QUICK}request_deadline_seconds = 1.5\n'
            f'[sources.loop]\nbase_url = "{looping.url}"\n{QUICK}'
            "[exports]\nenabled = false\n",
            encoding="utf-8",
        )
        worker = Worker(warehouse, sources)
        try:
            worker.wait_for("drip: failed")
            worker.wait_for("loop: failed")
            okays = sum("good: ok" in line for line in worker.seen)
            worker.wait_for("good: ok", okays + 2)  # still pulled, tick after tick
            assert worker.stop() < 10
        finally:
            worker.kill()
    failures = dict(
        raw(warehouse, "select source, any_value(error) from ingest_runs where status = 'failed' group by 1")
    )
    assert failures["drip"].endswith("no complete answer within 1.5 s (request_deadline_seconds)")
    assert "was already followed in this cycle" in failures["loop"]
    assert "good" not in failures
    # The lock was always free within a tick's wait: no cycle was skipped for it, none crashed.
    assert not [line for line in worker.seen if "another ingest" in line or "crashed" in line or "Traceback" in line]


def test_sigterm_in_the_middle_of_a_drip_stops_the_worker_within_10_s(tmp_path):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    with hostile_portal() as dripping:
        dripping.bad.drip = "/api/v1/export/agencies.csv"
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[sources.drip]\nbase_url = "{dripping.url}"\ntimeout_seconds = 30\n'
            "request_deadline_seconds = 300\ncycle_deadline_seconds = 900\n[exports]\nenabled = false\n",
            encoding="utf-8",
        )
        worker = Worker(warehouse, sources)
        try:
            assert dripping.dripping.wait(60)
            time.sleep(1)  # well inside the drip
            seconds = worker.stop()
        finally:
            worker.kill()
    assert worker.process.returncode == 0
    assert seconds < 10
    assert raw(warehouse, "select status from ingest_runs") == [("stopped",)]
