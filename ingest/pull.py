"""One pull cycle of one source (DESIGN §7 `ingest pull`), under the single-writer lock.

1. The catalogues (agencies, procedures) as bulk exports, downloaded only when their ETag
   changed.
2. Dossiers: from an empty warehouse, the whole history through the nightly bulk export,
   month by month, newest first, publishing complete snapshots as it goes (so the
   dashboard has the recent months within seconds); then the change feed from the stored
   watermark up to the portal's clock.
3. Publish.

Every cycle is a row of `ingest_runs` (source, start, end, rows, status, error, progress).
A failed cycle publishes nothing and leaves the watermark where it was, so the next one
fetches the same changes again; loading is idempotent (the version received last wins).
A cycle killed outright leaves its row "running"; the next cycle marks it interrupted.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ingest.errors import IngestError, MalformedResponse, PortalError
from ingest.load import FileReport, load_file
from ingest.sources.config import SourceConfig
from ingest.sources.portal.client import PortalClient
from ingest.sources.portal.transform import records_to_frame
from warehouse.paths import WarehousePaths
from warehouse.runlog import append_run
from warehouse.publish import LOCAL, PublishedSnapshot, publish
from warehouse.writer import open_writer

CATALOGUES = ("agencies", "procedures")
FEED_WATERMARK = "updated_since:dossiers"
# Backfill publishes after these many months, then every PUBLISH_EVERY months.
EARLY_PUBLISHES = (1, 3)
PUBLISH_EVERY = 6

Progress = Callable[[str], None]


class Stopped(Exception):
    """The worker was asked to stop; the cycle ends between two files."""


@dataclass
class CycleResult:
    source: str
    run_id: str
    status: str  # ok | failed | stopped
    rows: int = 0
    error: str | None = None
    snapshot: PublishedSnapshot | None = None
    files: list[FileReport] = field(default_factory=list)


def run_cycle(
    paths: WarehousePaths,
    source: SourceConfig,
    client: PortalClient,
    stop: threading.Event | None = None,
    progress: Progress = lambda message: None,
) -> CycleResult:
    with open_writer(paths) as con:
        cycle = _Cycle(con, paths, source, client, stop or threading.Event(), progress)
        return cycle.run()


class _Cycle:
    def __init__(
        self, con: duckdb.DuckDBPyConnection, paths: WarehousePaths, source: SourceConfig,
        client: PortalClient, stop: threading.Event, progress: Progress,
    ) -> None:
        self.con, self.paths, self.source, self.client = con, paths, source, client
        self.stop, self.say = stop, progress
        self.started = _now()
        self.result = CycleResult(source.name, f"{source.name}-{self.started:%Y%m%dT%H%M%S%f}", "running")
        self.incoming = paths.database.parent / f".incoming-{source.name}"

    def run(self) -> CycleResult:
        self._begin_run()
        try:
            self.incoming.mkdir(parents=True, exist_ok=True)
            for entity in CATALOGUES:
                self._catalogue(entity)
            if self._mark(FEED_WATERMARK) is None:
                self._backfill()
            self._change_feed()
        except Stopped:
            return self._end_run("stopped", "stopped before the cycle finished; the next one resumes from the watermark")
        except (PortalError, IngestError) as error:
            return self._end_run("failed", str(error))
        finally:
            shutil.rmtree(self.incoming, ignore_errors=True)
        self._end_run("ok")
        try:
            self.result.snapshot = publish(self.con, self.paths)
        except BaseException as error:
            self._end_run("failed", f"publish failed: {error}")
            raise
        return self.result

    # ------------------------------------------------------------------ steps

    def _catalogue(self, entity: str) -> None:
        self._export(entity, f"export:{entity}", f"{entity}.csv")

    def _backfill(self) -> None:
        months = sorted((m["month"] for m in self.client.export_index().get("months", [])), reverse=True)
        as_ofs: list[datetime] = []
        self.say(f"{self.source.name}: backfill of {len(months)} months, newest first")
        for done, month in enumerate(months, start=1):
            self._check_stop()
            as_ofs.append(self._export("dossiers", f"export:dossiers:{month}", f"dossiers-{month}.csv", {"month": month}))
            self._progress(f"Đang nạp lịch sử: {done}/{len(months)} tháng (đã có từ {_month_vi(month)} đến nay)")
            self.say(f"{self.source.name}: month {month} loaded ({done}/{len(months)}), {self.result.rows:,} rows so far")
            if done in EARLY_PUBLISHES or done % PUBLISH_EVERY == 0:
                snapshot = publish(self.con, self.paths)
                self.say(f"{self.source.name}: published data version {snapshot.version} ({done}/{len(months)} months)")
        # The change feed takes over from the oldest export moment: the overlap is re-sent
        # and harmless (the version received last wins).
        self._set_mark(FEED_WATERMARK, _iso(min(as_ofs) if as_ofs else self.started))

    def _export(self, entity: str, key: str, name: str, params: dict | None = None) -> datetime:
        """Download one bulk export unless its ETag is the one loaded last; load it.

        Returns the moment the loaded export was made (the portal's `X-As-Of`)."""
        previous = json.loads(self._mark(key) or "null")
        download = self.client.download(
            f"/api/v1/export/{entity}.csv", self.incoming / f"{self.source.name}-{name}",
            params=params, etag=previous["etag"] if previous else None,
        )
        if download is None:
            return datetime.fromisoformat(previous["as_of"]) if previous["as_of"] else self.started
        as_of = download.as_of or self.started
        self._load(download.path, entity, clock=as_of)
        self._set_mark(key, json.dumps({"etag": download.etag, "as_of": _iso(as_of)}))
        return as_of

    def _change_feed(self) -> None:
        since = datetime.fromisoformat(self._mark(FEED_WATERMARK))
        records: list[dict] = []
        until = since
        for page in self.client.pages("dossiers", since, self.source.page_size):
            self._check_stop()
            records += page.records
            until = page.until
        frame = records_to_frame(records)
        if frame.height:
            target = self.incoming / f"{self.source.name}-dossiers-changes-{until:%Y%m%dT%H%M%S}.csv"
            frame.write_csv(target)
            self._load(target, "dossiers", clock=until)
        self.say(f"{self.source.name}: {frame.height:,} changed dossiers since {since:%Y-%m-%d %H:%M:%S}")
        self._set_mark(FEED_WATERMARK, _iso(until))

    # ------------------------------------------------------------------ loading

    def _load(self, path: Path, expected: str, clock: datetime | None = None) -> None:
        report = load_file(self.con, self.paths, path, source=f"pull:{self.source.name}", clock=clock)
        self.result.files.append(report)
        if report.error:
            raise MalformedResponse(f"source {self.source.name}: the {expected} export could not be loaded: {report.error}")
        if report.kind != expected and not report.already_loaded:
            raise MalformedResponse(f"source {self.source.name}: asked for {expected}, received {report.kind}")
        self.result.rows += report.rows_loaded

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise Stopped

    # ------------------------------------------------------------------ bookkeeping

    def _begin_run(self) -> None:
        # We hold the writer lock: a run of this source still "running" was killed.
        self.con.execute(
            """
            update ingest_runs set status = 'failed', finished_at = coalesce(finished_at, started_at),
                   error = 'interrupted: the process stopped in the middle of the cycle'
            where source = ? and status = 'running'
            """,
            [self.source.name],
        )
        self.con.execute(
            "insert into ingest_runs (run_id, source, started_at, status, rows) values (?, ?, ?, 'running', 0)",
            [self.result.run_id, self.source.name, self.started],
        )

    def _progress(self, text: str) -> None:
        self.con.execute(
            "update ingest_runs set progress = ?, rows = ? where run_id = ?", [text, self.result.rows, self.result.run_id]
        )

    def _end_run(self, status: str, error: str | None = None) -> CycleResult:
        self.result.status, self.result.error = status, error
        self.con.execute(
            "update ingest_runs set status = ?, finished_at = ?, rows = ?, error = ?, progress = null where run_id = ?",
            [status, _now(), self.result.rows, error, self.result.run_id],
        )
        append_run(self.paths, {
            "run_id": self.result.run_id, "source": self.source.name, "started_at": self.started,
            "finished_at": _now(), "status": status, "rows": self.result.rows, "error": error,
        })
        return self.result

    def _mark(self, entity: str) -> str | None:
        row = self.con.execute(
            "select value from watermarks where source = ? and entity = ?", [self.source.name, entity]
        ).fetchone()
        return row[0] if row else None

    def _set_mark(self, entity: str, value: str) -> None:
        self.con.execute("insert or replace into watermarks values (?, ?, ?)", [self.source.name, entity, value])


def _now() -> datetime:
    return datetime.now(LOCAL).replace(tzinfo=None)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _month_vi(month: str) -> str:
    year, number = month.split("-")
    return f"{number}/{year}"

