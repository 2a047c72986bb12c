"""`python -m ingest worker`: pull every source on its schedule, publish after each cycle.

APScheduler 3.x in this process only (never inside the app). One job per source, with
`max_instances=1` (never two cycles of a source at once) and `coalesce=True` (a tick
missed while a long cycle ran is run once, not replayed). A failed cycle is recorded and
simply tried again on the next tick; the last good snapshot keeps being served.
SIGTERM or Ctrl-C stops a running cycle within a second, even in the middle of a read
(the cycle's `Budget`), records it as stopped, then exits. Every cycle also has a
deadline, so a portal that hangs holds the writer's lock for about
`cycle_deadline_seconds` (a load or publish under way finishes first); the other
sources' ticks wait for the lock that long, instead of being skipped, and then run.

The same scheduler makes the snapshot exports (`[exports]` in the sources file, see
`ExportsConfig`): cron jobs `export:daily`, `export:weekly`, `export:monthly` in
Asia/Ho_Chi_Minh time. An export that is not ok is tried again `retry_minutes` later
(job `export:<kind>:retry`, the same period), at most `retry_attempts` times.

This is the one place where `ingest` depends on `reports` (its configuration, and
`reports.exports.run_export` when an export runs); `reports` never imports `ingest`.
"""

from __future__ import annotations

import signal
import threading
from contextlib import ExitStack
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from ingest.pull import run_cycle
from ingest.sources.config import SourceConfig
from ingest.sources.demo import portal_running
from ingest.sources.portal.budget import CycleStopped
from ingest.sources.portal.client import PortalClient, RetryPolicy, http_client
from ingest.sources.redact import redact
from reports.config import ExportsConfig, load_exports
from warehouse.errors import WarehouseError
from warehouse.lock import DEFAULT_WAIT_SECONDS
from warehouse.paths import WarehousePaths
from warehouse.publish import LOCAL


def say(message: str) -> None:
    print(f"{datetime.now(LOCAL):%H:%M:%S} {message}", flush=True)


TIMEZONE = "Asia/Ho_Chi_Minh"
# Beyond the longest cycle deadline: the load and publish that a cycle finishes after it.
LOCK_WAIT_MARGIN_SECONDS = 300.0


def run_worker(
    paths: WarehousePaths,
    sources: list[SourceConfig],
    stop: threading.Event | None = None,
    exports: ExportsConfig | None = None,
) -> None:
    stop = stop or threading.Event()
    exports = exports if exports is not None else load_exports()
    scheduler = BackgroundScheduler(
        timezone=TIMEZONE, job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600}
    )
    # A tick waits for the writer's lock as long as another source's cycle may hold it,
    # so a portal that hangs until its deadline delays the others but never skips them.
    lock_wait = max((s.cycle_deadline_seconds for s in sources), default=0) + LOCK_WAIT_MARGIN_SECONDS
    with ExitStack() as stack:
        for source in sources:
            stack.enter_context(portal_running(source, say))
            http = stack.enter_context(http_client(source))
            client = PortalClient(http, source.name, RetryPolicy(attempts=source.retry_attempts))
            scheduler.add_job(
                tick,
                "interval",
                args=[paths, source, client, stop, lock_wait],
                seconds=source.schedule_minutes * 60,
                id=f"pull:{source.name}",
                name=f"pull {source.name}",
                next_run_time=datetime.now(LOCAL),
            )
            say(f"{source.name}: every {source.schedule_minutes:g} min from {source.base_url}")
        schedule_exports(scheduler, paths, exports, stop)
        scheduler.start()
        try:
            stop.wait()
        finally:
            say("stopping: a running cycle ends within a second")
            scheduler.shutdown(wait=True)
    say("stopped")


def tick(
    paths: WarehousePaths,
    source: SourceConfig,
    client: PortalClient,
    stop: threading.Event,
    lock_wait: float = DEFAULT_WAIT_SECONDS,
) -> None:
    if stop.is_set():
        return
    try:
        result = run_cycle(paths, source, client, stop, progress=say, lock_wait_seconds=lock_wait)
    except CycleStopped:  # stopped while waiting for the lock: nothing was begun
        say(f"{source.name}: stopped while waiting for the writer's lock")
        return
    except WarehouseError as error:  # the lock is busy: another writer; the next tick retries
        say(f"{source.name}: skipped: {error}")
        return
    except Exception as error:  # noqa: BLE001 (a worker outlives any one cycle)
        say(redact(f"{source.name}: cycle crashed: {type(error).__name__}: {error}", [source.token]))
        return
    if result.status == "ok":
        version = result.snapshot.version if result.snapshot else "—"
        say(f"{source.name}: ok, {result.rows:,} rows, published data version {version}")
    else:
        say(f"{source.name}: {result.status}: {result.error}")


def stop_on_signals(stop: threading.Event) -> None:
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())


# ------------------------------------------------------------------ snapshot exports


def schedule_exports(
    scheduler: BackgroundScheduler, paths: WarehousePaths, exports: ExportsConfig, stop: threading.Event
) -> None:
    if not exports.enabled:
        say("exports: turned off ([exports] enabled = false)")
        return
    for kind in ("daily", "weekly", "monthly"):
        fields = exports.schedule(kind)
        if fields is None:
            continue
        scheduler.add_job(
            export_tick,
            CronTrigger(timezone=TIMEZONE, **fields),
            args=[scheduler, paths, exports, kind, stop],
            id=f"export:{kind}",
            name=f"export {kind}",
        )
        say(f"exports: {kind} at {getattr(exports, kind)} into {exports.archive(paths.database)}")


def export_tick(
    scheduler: BackgroundScheduler,
    paths: WarehousePaths,
    exports: ExportsConfig,
    kind: str,
    stop: threading.Event,
    period=None,
    attempt: int = 1,
) -> None:
    if stop.is_set():
        return
    try:
        # Imported here: matplotlib and fpdf load only when an export runs, and a broken
        # report module never stops the pulls.
        from reports.exports import run_export

        run = run_export(paths, exports, kind, period=period, attempt=attempt, say=say)
    except Exception as error:  # noqa: BLE001 (a worker outlives any one export)
        say(f"export {kind}: crashed: {type(error).__name__}: {error}")
        ok, period = False, period
    else:
        ok, period = run.ok, run.period
    if ok or attempt > exports.retry_attempts or stop.is_set():
        return
    scheduler.add_job(
        export_tick,
        "date",
        run_date=datetime.now(LOCAL) + timedelta(minutes=exports.retry_minutes),
        args=[scheduler, paths, exports, kind, stop, period, attempt + 1],
        id=f"export:{kind}:retry",
        name=f"export {kind} retry {attempt}",
        replace_existing=True,
    )
    say(f"export {kind}: tried {attempt} time(s); trying again in {exports.retry_minutes:g} min")
