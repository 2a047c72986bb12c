"""One pull cycle of one source (DESIGN §7 `ingest pull`), under the single-writer lock.

1. The catalogues (agencies, procedures) as bulk exports, downloaded only when their ETag
   changed.
2. Dossiers: from an empty warehouse, the whole history through the nightly bulk export,
   month by month, newest first, publishing complete snapshots as it goes (so the
   dashboard has the recent months within seconds); then the change feed from the stored
   watermark up to the portal's clock.
3. Ratings and PAKN (contract v2) the same way, each from its own watermark
   (`updated_since:ratings`, `updated_since:feedback`): their monthly bulk exports on
   the first pull, then their change feeds; then the published 766 index, downloaded
   when its ETag changed. A portal whose export index lists none of them (a v1 portal)
   is pulled as before.
4. Publish.

Every cycle is a row of `ingest_runs` (source, start, end, rows, status, error, progress).
A failed cycle publishes nothing and leaves the watermark where it was, so the next one
fetches the same changes again; loading is idempotent (the version received last wins).
A cycle killed outright leaves its row "running"; the next cycle marks it interrupted.

A portal cannot stall, flood or rewind the warehouse (issue 16): the cycle spends a
`Budget` (deadlines, page and byte caps, the stop event) and any failure, foreseen or
not, ends it as one line in a failed run, with the token redacted. In the pull path the
feed watermark never moves back, and a feed record older (by `updated_at`) than the
version already taken of the same dossier is dropped (`feed_versions`); files keep "the
version received last wins". File names are built only from a safe source name (checked
by `SourceConfig`) and a month of the form YYYY-MM, inside the cycle's own folder.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from ingest.errors import IngestError, MalformedResponse, PortalError
from ingest.load import FileReport, load_file
from ingest.sources.config import SourceConfig
from ingest.sources.portal.budget import Budget, CycleStopped, Limits
from ingest.sources.portal.client import PortalClient
from ingest.sources.portal.transform import FEED_COLUMNS, VERSION, newest_versions, parse_local, records_to_frame
from ingest.sources.redact import redact
from warehouse.errors import WriterBusy
from warehouse.lock import DEFAULT_WAIT_SECONDS
from warehouse.paths import WarehousePaths
from warehouse.publish import LOCAL, PublishedSnapshot, publish
from warehouse.runlog import append_run
from warehouse.writer import open_writer

CATALOGUES = ("agencies", "procedures")
FEED_WATERMARK = "updated_since:dossiers"
V2_FEEDS = ("ratings", "feedback")  # contract v2: pulled like dossiers, when the portal lists them
INDEX766 = "index766"


@dataclass(frozen=True)
class Feed:
    """A change feed: its records' key, its watermark, and the table of versions taken."""

    entity: str
    key: str
    versions: str

    @property
    def watermark(self) -> str:
        return f"updated_since:{self.entity}"


FEEDS = {
    "dossiers": Feed("dossiers", "MaHoSo", "feed_versions"),
    "ratings": Feed("ratings", "MaHoSo", "feed_versions_ratings"),
    "feedback": Feed("feedback", "MaPAKN", "feed_versions_feedback"),
}
# Backfill publishes after these many months, then every PUBLISH_EVERY months.
EARLY_PUBLISHES = (1, 3)
PUBLISH_EVERY = 6
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

Progress = Callable[[str], None]

# The worker was asked to stop; the cycle ends where it is (inside a read, at the latest
# a fraction of a second later).
Stopped = CycleStopped


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
    lock_wait_seconds: float = DEFAULT_WAIT_SECONDS,
) -> CycleResult:
    """One cycle; waits up to `lock_wait_seconds` for the writer's lock (less if stopped)."""
    stop = stop or threading.Event()
    if warning := source.token_warning():
        progress(warning)
    with _writer(paths, stop, lock_wait_seconds) as con:
        budget = Budget(source.name, Limits.of(source), stop)
        with client.spending(budget):
            return _Cycle(con, paths, source, client, budget, progress).run()


@contextmanager
def _writer(paths: WarehousePaths, stop: threading.Event, wait_seconds: float) -> Iterator[duckdb.DuckDBPyConnection]:
    """The writer's connection, waited for in short turns so that a stop is seen within a second."""
    deadline = time.monotonic() + wait_seconds
    with ExitStack() as stack:
        while True:
            try:
                con = stack.enter_context(
                    open_writer(paths, wait_seconds=min(1.0, max(0.0, deadline - time.monotonic())))
                )
                break
            except WriterBusy:
                if stop.is_set():
                    raise CycleStopped from None
                if time.monotonic() >= deadline:
                    raise WriterBusy(
                        f"another ingest ({_holder(paths)}) is writing to {paths.database}; waited {wait_seconds:.0f} s, "
                        "try again when it has finished"
                    ) from None
        yield con


def _holder(paths: WarehousePaths) -> str:
    try:
        return f"pid {paths.lock.read_text(encoding='utf-8').strip() or 'unknown'}"
    except OSError:
        return "pid unknown"


class _Cycle:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        paths: WarehousePaths,
        source: SourceConfig,
        client: PortalClient,
        budget: Budget,
        progress: Progress,
    ) -> None:
        self.con, self.paths, self.source, self.client = con, paths, source, client
        self.budget, self.say = budget, progress
        self.started = _now()
        self.result = CycleResult(source.name, f"{source.name}-{self.started:%Y%m%dT%H%M%S%f}", "running")
        # source.name is a slug (SourceConfig checks it): the folder is beside the warehouse.
        self.incoming = paths.database.parent / f".incoming-{source.name}"

    def run(self) -> CycleResult:
        self._begin_run()
        try:
            self.incoming.mkdir(parents=True, exist_ok=True)
            for entity in CATALOGUES:
                self._catalogue(entity)
            index = None
            if self._mark(FEED_WATERMARK) is None:
                index = self.client.export_index()
                self._backfill(index)
            self._change_feed(FEEDS["dossiers"])
            self._v2(index)
        except Stopped:
            return self._end_run(
                "stopped", "stopped before the cycle finished; the next one resumes from the watermark"
            )
        except (PortalError, IngestError) as error:
            return self._end_run("failed", str(error))
        except Exception as error:  # noqa: BLE001 (an answer nobody foresaw still ends as one line)
            return self._end_run("failed", f"source {self.source.name}: unexpected {type(error).__name__}: {error}")
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

    def _v2(self, index: object | None) -> None:
        """Ratings, PAKN and the published index, when the portal offers them. The export
        index is asked for only while one of them has never been pulled."""
        offered = {entity for entity in (*V2_FEEDS, INDEX766) if self._mark(self._v2_mark(entity)) is not None}
        if len(offered) < len(V2_FEEDS) + 1:
            index = index if index is not None else self.client.export_index()
            if isinstance(index, dict):
                offered |= {entity for entity in (*V2_FEEDS, INDEX766) if entity in index}
        for entity in V2_FEEDS:
            if entity not in offered:
                continue
            feed = FEEDS[entity]
            if self._mark(feed.watermark) is None:
                self._backfill_feed(feed, index)
            self._change_feed(feed)
        if INDEX766 in offered:
            self._export(INDEX766, f"export:{INDEX766}", f"{INDEX766}.csv")

    def _v2_mark(self, entity: str) -> str:
        return f"export:{INDEX766}" if entity == INDEX766 else FEEDS[entity].watermark

    def _backfill_feed(self, feed: Feed, index: object) -> None:
        """A v2 kind's monthly exports, newest first; its feed then takes over."""
        listed = index.get(feed.entity) if isinstance(index, dict) else None
        months = self._export_months(listed if isinstance(listed, dict) else {})
        as_ofs = []
        for month in months:
            self._check_stop()
            as_ofs.append(
                self._export(
                    feed.entity, f"export:{feed.entity}:{month}", f"{feed.entity}-{month}.csv", {"month": month}
                )
            )
        self.say(f"{self.source.name}: {feed.entity}: {len(months)} monthly exports loaded")
        self._set_mark(feed.watermark, _iso(min(as_ofs) if as_ofs else self.started))

    def _backfill(self, index: object) -> None:
        months = self._export_months(index)
        as_ofs: list[datetime] = []
        self.say(f"{self.source.name}: backfill of {len(months)} months, newest first")
        for done, month in enumerate(months, start=1):
            self._check_stop()
            as_ofs.append(
                self._export("dossiers", f"export:dossiers:{month}", f"dossiers-{month}.csv", {"month": month})
            )
            self._progress(f"Đang nạp lịch sử: {done}/{len(months)} tháng (đã có từ {_month_vi(month)} đến nay)")
            self.say(
                f"{self.source.name}: month {month} loaded ({done}/{len(months)}), {self.result.rows:,} rows so far"
            )
            if done in EARLY_PUBLISHES or done % PUBLISH_EVERY == 0:
                snapshot = publish(self.con, self.paths)
                self.say(f"{self.source.name}: published data version {snapshot.version} ({done}/{len(months)} months)")
        # The change feed takes over from the oldest export moment: the overlap is re-sent
        # and harmless (the version received last wins).
        self._set_mark(FEED_WATERMARK, _iso(min(as_ofs) if as_ofs else self.started))

    def _export_months(self, index: object) -> list[str]:
        """The index's months, newest first; anything but YYYY-MM ends the cycle (it names a file)."""
        url = self.client.url("/api/v1/export/index.json")
        months = index.get("months", []) if isinstance(index, dict) else None
        if not isinstance(months, list):
            raise MalformedResponse(f"source {self.source.name}: {url}: months is not a list")
        found = set()
        for entry in months:
            month = entry.get("month") if isinstance(entry, dict) else entry
            if not isinstance(month, str) or not _MONTH.match(month):
                raise MalformedResponse(
                    f"source {self.source.name}: {url} names an export month that is not YYYY-MM: {str(month)[:40]!r}"
                )
            found.add(month)
        return sorted(found, reverse=True)

    def _export(self, entity: str, key: str, name: str, params: dict | None = None) -> datetime:
        """Download one bulk export unless its ETag is the one loaded last; load it.

        Returns the moment the loaded export was made (the portal's `X-As-Of`)."""
        previous = json.loads(self._mark(key) or "null")
        download = self.client.download(
            f"/api/v1/export/{entity}.csv",
            self._incoming_file(f"{self.source.name}-{name}"),
            params=params,
            etag=previous["etag"] if previous else None,
        )
        if download is None:
            if not previous:  # the client refuses such a 304; an injected one might not
                raise MalformedResponse(
                    f"source {self.source.name}: the {entity} export answered 304 to a first request"
                )
            return datetime.fromisoformat(previous["as_of"]) if previous["as_of"] else self.started
        as_of = download.as_of or self.started
        self._load(download.path, entity, clock=as_of)
        self._set_mark(key, json.dumps({"etag": download.etag, "as_of": _iso(as_of)}))
        return as_of

    def _change_feed(self, feed: Feed) -> None:
        since = _local(datetime.fromisoformat(self._mark(feed.watermark)))
        # Each page becomes a compact text frame at once: a long feed is not held as dicts.
        pages: list[pl.DataFrame] = []
        until = since
        for page in self.client.pages(feed.entity, since, self.source.page_size):
            self._check_stop()
            pages.append(records_to_frame(page.records, keep=FEED_COLUMNS))
            until = _local(page.until)
        received = pl.concat(pages, how="diagonal") if pages else pl.DataFrame()
        frame = self._newer_than_taken(feed, newest_versions(received, feed.key))
        if frame.height:
            stamp = f"{max(since, until):%Y%m%dT%H%M%S}"
            target = self._incoming_file(f"{self.source.name}-{feed.entity}-changes-{stamp}.csv")
            frame.drop([c for c in (*FEED_COLUMNS, VERSION) if c in frame.columns]).write_csv(target)
            self._load(target, feed.entity, clock=until)
            self._take_versions(feed, frame)
        older = received.height - frame.height
        note = f" ({older:,} older or repeated versions dropped)" if older else ""
        self.say(f"{self.source.name}: {frame.height:,} changed {feed.entity} since {since:%Y-%m-%d %H:%M:%S}{note}")
        if until < since:
            self.say(
                f"{self.source.name}: the feed's until {until:%Y-%m-%d %H:%M:%S} is earlier than the watermark; "
                "the watermark stays"
            )
        self._set_mark(feed.watermark, _iso(max(since, until)))

    def _newer_than_taken(self, feed: Feed, frame: pl.DataFrame) -> pl.DataFrame:
        """Drop records older than the version of the same record taken by an earlier feed."""
        if frame.is_empty() or feed.key not in frame.columns:
            return frame
        self._ensure_versions_table(feed)
        # Table and column names come from FEEDS, never from the portal.
        rows = self.con.execute(
            f"select {feed.key}, updated_at from {feed.versions} where {feed.key} in (select unnest(?::varchar[]))",
            [frame[feed.key].drop_nulls().to_list()],
        ).fetchall()
        if not rows:
            return frame
        taken = pl.DataFrame(rows, schema={feed.key: pl.String, "updated_at": pl.Datetime("us")}, orient="row")
        joined = frame.join(taken.rename({"updated_at": "_taken"}), on=feed.key, how="left")
        keep = pl.col(VERSION).is_null() | pl.col("_taken").is_null() | (pl.col(VERSION) >= pl.col("_taken"))
        return joined.filter(keep).drop("_taken")

    def _take_versions(self, feed: Feed, frame: pl.DataFrame) -> None:
        versions = frame.select(feed.key, pl.col(VERSION).alias("updated_at")).drop_nulls()
        if versions.is_empty():
            return
        self._ensure_versions_table(feed)
        self.con.register("taken_versions", versions.to_arrow())
        try:
            self.con.execute(
                f"insert or replace into {feed.versions} select {feed.key}, updated_at from taken_versions"
            )
        finally:
            self.con.unregister("taken_versions")

    def _ensure_versions_table(self, feed: Feed) -> None:
        # The pull path's own bookkeeping: the newest change time taken per record.
        self.con.execute(
            f"create table if not exists {feed.versions} "
            f"({feed.key} varchar primary key, updated_at timestamp not null)"
        )

    def _incoming_file(self, name: str) -> Path:
        target = self.incoming / name
        if target.resolve().parent != self.incoming.resolve():
            raise MalformedResponse(f"source {self.source.name}: refused to write {name!r} outside {self.incoming}")
        return target

    # ------------------------------------------------------------------ loading

    def _load(self, path: Path, expected: str, clock: datetime | None = None) -> None:
        report = load_file(self.con, self.paths, path, source=f"pull:{self.source.name}", clock=clock)
        self.result.files.append(report)
        if report.error:
            raise MalformedResponse(
                f"source {self.source.name}: the {expected} export could not be loaded: {report.error}"
            )
        if report.kind != expected and not report.already_loaded:
            raise MalformedResponse(f"source {self.source.name}: asked for {expected}, received {report.kind}")
        self.result.rows += report.rows_loaded

    def _check_stop(self) -> None:
        self.budget.check()  # stopped, or past the cycle's deadline

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
            "update ingest_runs set progress = ?, rows = ? where run_id = ?",
            [text, self.result.rows, self.result.run_id],
        )

    def _end_run(self, status: str, error: str | None = None) -> CycleResult:
        # One line, without the token: it is printed, logged, stored and published.
        error = " ".join(redact(error, [self.source.token]).split()) if error else error
        self.result.status, self.result.error = status, error
        self.con.execute(
            "update ingest_runs set status = ?, finished_at = ?, rows = ?, error = ?, progress = null where run_id = ?",
            [status, _now(), self.result.rows, error, self.result.run_id],
        )
        append_run(
            self.paths,
            {
                "run_id": self.result.run_id,
                "source": self.source.name,
                "started_at": self.started,
                "finished_at": _now(),
                "status": status,
                "rows": self.result.rows,
                "error": error,
            },
        )
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


def _local(moment: datetime) -> datetime:
    return parse_local(moment.isoformat()) or moment


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _month_vi(month: str) -> str:
    year, number = month.split("-")
    return f"{number}/{year}"
