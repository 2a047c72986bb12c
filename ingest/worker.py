"""`python -m ingest worker`: pull every source on its schedule, publish after each cycle.

APScheduler 3.x in this process only (never inside the app). One job per source, with
`max_instances=1` (never two cycles of a source at once) and `coalesce=True` (a tick
missed while a long cycle ran is run once, not replayed). A failed cycle is recorded and
simply tried again on the next tick; the last good snapshot keeps being served.
SIGTERM or Ctrl-C asks a running cycle to stop between two files, then exits.
"""

from __future__ import annotations

import signal
import threading
from contextlib import ExitStack
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler

from ingest.pull import run_cycle
from ingest.sources.config import SourceConfig
from ingest.sources.demo import portal_running
from ingest.sources.portal.client import PortalClient, RetryPolicy, http_client
from warehouse.errors import WarehouseError
from warehouse.paths import WarehousePaths
from warehouse.publish import LOCAL


def say(message: str) -> None:
    print(f"{datetime.now(LOCAL):%H:%M:%S} {message}", flush=True)


def run_worker(paths: WarehousePaths, sources: list[SourceConfig], stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    scheduler = BackgroundScheduler(
        timezone="Asia/Ho_Chi_Minh",
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600},
    )
    with ExitStack() as stack:
        for source in sources:
            stack.enter_context(portal_running(source, say))
            http = stack.enter_context(http_client(source))
            client = PortalClient(http, source.name, RetryPolicy(attempts=source.retry_attempts))
            scheduler.add_job(
                tick, "interval", args=[paths, source, client, stop],
                seconds=source.schedule_minutes * 60, id=f"pull:{source.name}",
                name=f"pull {source.name}", next_run_time=datetime.now(LOCAL),
            )
            say(f"{source.name}: every {source.schedule_minutes:g} min from {source.base_url}")
        scheduler.start()
        try:
            stop.wait()
        finally:
            say("stopping: letting a running cycle end between two files")
            scheduler.shutdown(wait=True)
    say("stopped")


def tick(paths: WarehousePaths, source: SourceConfig, client: PortalClient, stop: threading.Event) -> None:
    if stop.is_set():
        return
    try:
        result = run_cycle(paths, source, client, stop, progress=say)
    except WarehouseError as error:  # the lock is busy: another writer; the next tick retries
        say(f"{source.name}: skipped: {error}")
        return
    except Exception as error:  # noqa: BLE001 (a worker outlives any one cycle)
        say(f"{source.name}: cycle crashed: {type(error).__name__}: {error}")
        return
    if result.status == "ok":
        version = result.snapshot.version if result.snapshot else "—"
        say(f"{source.name}: ok, {result.rows:,} rows, published data version {version}")
    else:
        say(f"{source.name}: {result.status}: {result.error}")


def stop_on_signals(stop: threading.Event) -> None:
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
