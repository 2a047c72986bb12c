"""What the demo portal answers, without the HTTP: the export contract at the clock's time.

Three ways out, as a provincial one-door system offers them:

- a nightly bulk export (CSV per month of receipt for dossiers, whole catalogues for
  agencies and procedures), as of midnight of the current simulated day, with an ETag
  that changes only when a new night's export exists;
- a change feed (JSON pages) of records whose last change falls in a time window, in a
  stable order (change time, then code), resumed with an opaque cursor;
- form 06a of one agency for a period, as XLSX, counted from its dossiers as of now.

Contract v2 adds ratings and PAKN (feed and monthly exports, like dossiers: a rating by
the month of its current ThoiGianDanhGia, a PAKN by its month of receipt) and the
published 766 index (one file, a row per province, month and national-only indicator).

A dossier's "change time" is its latest lifecycle event at the clock's time, so a dossier
that moves from processing to done re-appears in the feed, as re-sent records do.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import polars as pl

from demo_portal import catalogue, satisfaction, simulation
from demo_portal.clock import LOCAL, SimClock
from demo_portal.form06a import form06a_rows, write_form06a
from demo_portal.index766 import DEMO_NOTE, published_index

ENTITIES = ("agencies", "procedures", "dossiers", "ratings", "feedback")
MONTHLY = ("dossiers", "ratings", "feedback")  # exported per month (the others whole)
KEYS = {"agencies": "MaDonVi", "procedures": "MaTTHC", "dossiers": "MaHoSo", "ratings": "MaHoSo", "feedback": "MaPAKN"}
# The month a monthly export files a record under (its column, as the portal sends it).
MONTH_OF = {"dossiers": "NgayTiepNhan", "ratings": "ThoiGianDanhGia", "feedback": "NgayTiepNhan"}
MAX_PAGE = 5000
DEFAULT_PAGE = 1000
HISTORY_START = date(2023, 1, 1)
# Catalogue records carry no history of their own: they "changed" when they came into force.
CATALOGUE_EPOCH = datetime(2023, 1, 1)
EVENT_COLUMNS = (
    "received_at",
    "accepted_at",
    "refused_at",
    "processing_at",
    "supplement_at",
    "supplement_done_at",
    "finished_at",
    "returned_at",
)


class BadRequest(ValueError):
    """A parameter the portal cannot read; the message names it."""


@dataclass(frozen=True)
class Page:
    records: list[dict]
    next_cursor: str | None
    until: datetime


@dataclass(frozen=True)
class Export:
    body: bytes
    etag: str
    as_of: datetime
    rows: int


class DemoPortal:
    def __init__(self, seed: int = catalogue.DEFAULT_SEED, clock: SimClock | None = None) -> None:
        self.seed = seed
        self.clock = clock or SimClock()
        self._lock = threading.Lock()
        self._years: dict[int, pl.DataFrame] = {}
        self._ratings: dict[int, pl.DataFrame] = {}
        self._feedback: dict[int, pl.DataFrame] = {}
        self._exports: dict[tuple, Export] = {}

    # ------------------------------------------------------------------ catalogues

    def agencies(self, now: datetime) -> pl.DataFrame:
        frame = catalogue.agencies(self.seed)
        in_force = pl.col("HieuLucTu").str.to_date(strict=False).cast(pl.Datetime)
        return frame.with_columns(updated_at=pl.coalesce(in_force, pl.lit(CATALOGUE_EPOCH))).filter(
            pl.col("updated_at") <= now
        )

    def procedures(self, now: datetime) -> pl.DataFrame:
        return catalogue.procedures(self.seed).with_columns(updated_at=pl.lit(CATALOGUE_EPOCH))

    # ------------------------------------------------------------------ dossiers

    def lifecycles(self, until: datetime) -> pl.DataFrame:
        """Every dossier received up to `until`, with the time of its last event."""
        with self._lock:
            for year in range(HISTORY_START.year, until.year + 1):
                if year not in self._years:
                    frame = simulation.lifecycles(year, self.seed)
                    self._years[year] = frame.with_columns(last_event_at=pl.max_horizontal(*EVENT_COLUMNS))
            years = [self._years[y] for y in range(HISTORY_START.year, until.year + 1)]
        return pl.concat(years, how="vertical").filter(pl.col("received_at") <= until)

    def dossiers_changed(self, since: datetime | None, until: datetime) -> pl.DataFrame:
        candidates = self.lifecycles(until)
        if since is not None:
            candidates = candidates.filter(pl.col("last_event_at") > since)
        state = simulation.state_at(candidates, until)
        if since is not None:
            state = state.filter(pl.col("updated_at") > since)
        return state

    # ------------------------------------------------------------------ ratings and PAKN

    def _events(self, until: datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Rating and PAKN events of every dossier year up to `until` (some in its future)."""
        self.lifecycles(until)  # the years' dossiers, generated once
        slow = satisfaction.slow_agencies(self.seed, tuple(catalogue.agencies(self.seed)["MaDonVi"].to_list()))
        with self._lock:
            for year in range(HISTORY_START.year, until.year + 1):
                if year not in self._ratings:
                    dossiers = self._years[year]
                    self._ratings[year] = satisfaction.rating_events(dossiers, self.seed, year).with_columns(
                        last_event_at=pl.max_horizontal("rated_at", "rerated_at")
                    )
                    self._feedback[year] = satisfaction.feedback_events(dossiers, self.seed, year, slow).with_columns(
                        last_event_at=pl.max_horizontal(*satisfaction.FEEDBACK_EVENTS)
                    )
            years = range(HISTORY_START.year, until.year + 1)
            return (
                pl.concat([self._ratings[y] for y in years], how="vertical"),
                pl.concat([self._feedback[y] for y in years], how="vertical"),
            )

    def ratings_changed(self, since: datetime | None, until: datetime) -> pl.DataFrame:
        events = self._events(until)[0]
        if since is not None:
            events = events.filter(pl.col("last_event_at") > since)
        state = satisfaction.ratings_at(events, until)
        return state.filter(pl.col("updated_at") > since) if since is not None else state

    def feedback_changed(self, since: datetime | None, until: datetime) -> pl.DataFrame:
        events = self._events(until)[1]
        if since is not None:
            events = events.filter(pl.col("last_event_at") > since)
        state = satisfaction.feedback_at(events, until)
        return state.filter(pl.col("updated_at") > since) if since is not None else state

    # ------------------------------------------------------------------ change feed

    def page(self, entity: str, since: datetime | None, cursor: str | None, limit: int) -> Page:
        if entity not in ENTITIES:
            raise BadRequest(f"unknown entity {entity!r}: one of {', '.join(ENTITIES)}")
        limit = max(1, min(limit, MAX_PAGE))
        if cursor:
            until, after_time, after_code, since = _decode_cursor(cursor)
        else:
            until, after_time, after_code = self.clock.now(), None, None
        frame = self._changed(entity, since, until)
        key = _code_column(entity)
        frame = frame.sort("updated_at", key)
        if after_time is not None:
            frame = frame.filter(
                (pl.col("updated_at") > after_time)
                | ((pl.col("updated_at") == after_time) & (pl.col(key) > after_code))
            )
        chunk = frame.head(limit + 1)
        has_more = chunk.height > limit
        chunk = chunk.head(limit)
        next_cursor = None
        if has_more:
            last = chunk.row(-1, named=True)
            next_cursor = _encode_cursor(until, last["updated_at"], last[key], since)
        records = chunk.with_columns(pl.col("updated_at").dt.strftime("%Y-%m-%dT%H:%M:%S%.f")).to_dicts()
        return Page(records, next_cursor, until)

    def _changed(self, entity: str, since: datetime | None, until: datetime) -> pl.DataFrame:
        if entity == "dossiers":
            return self.dossiers_changed(since, until)
        if entity == "ratings":
            return self.ratings_changed(since, until)
        if entity == "feedback":
            return self.feedback_changed(since, until)
        frame = self.agencies(until) if entity == "agencies" else self.procedures(until)
        return frame.filter(pl.col("updated_at") > since) if since is not None else frame

    # ------------------------------------------------------------------ bulk export

    def export_as_of(self) -> datetime:
        """Midnight of the current simulated day: when the nightly export was made."""
        return datetime.combine(self.clock.now().date(), time())

    def export_months(self) -> list[dict]:
        as_of = self.export_as_of()
        counts = (
            self.lifecycles(as_of)
            .group_by(month=pl.col("received_at").dt.strftime("%Y-%m"))
            .len()
            .sort("month", descending=True)
        )
        return [{"month": m, "rows": n} for m, n in counts.iter_rows()]

    def export_index(self) -> dict:
        """What `/api/v1/export/index.json` answers: the nightly export's moment and files."""
        return {
            "as_of": self.export_as_of().isoformat(),
            "months": self.export_months(),
            "ratings": {"months": self._months_of("ratings")},
            "feedback": {"months": self._months_of("feedback")},
            "index766": {"path": "/api/v1/export/index766.csv", "note": DEMO_NOTE},
        }

    def _months_of(self, entity: str) -> list[dict]:
        counts = (
            self._changed(entity, None, self.export_as_of())
            .group_by(month=pl.col(MONTH_OF[entity]).str.slice(0, 6))
            .len()
            .sort("month", descending=True)
        )
        return [{"month": f"{m[:4]}-{m[4:]}", "rows": n} for m, n in counts.iter_rows()]

    def export(self, entity: str, month: str | None = None) -> Export:
        as_of = self.export_as_of()
        if entity == "index766":
            return self._index_export(as_of)
        if entity in MONTHLY:
            if month is None:
                raise BadRequest(f"the {entity} export is per month: add ?month=YYYY-MM")
            try:
                first = datetime.strptime(month, "%Y-%m")
            except ValueError:
                raise BadRequest(f"month {month!r} is not YYYY-MM") from None
        elif entity not in ENTITIES:
            raise BadRequest(f"unknown export {entity!r}")
        cache_key = (entity, month, as_of)
        with self._lock:
            cached = self._exports.get(cache_key)
        if cached:
            return cached
        if entity == "dossiers":
            following = (first + timedelta(days=32)).replace(day=1)
            rows = self.lifecycles(as_of).filter((pl.col("received_at") >= first) & (pl.col("received_at") < following))
            frame = simulation.state_at(rows, as_of).select(simulation.DOSSIER_COLUMNS)
        elif entity in MONTHLY:
            frame = (
                self._changed(entity, None, as_of)
                .filter(pl.col(MONTH_OF[entity]).str.slice(0, 6) == first.strftime("%Y%m"))
                .sort(KEYS[entity])
                .drop("updated_at")
            )
        else:
            frame = self._changed(entity, None, as_of).drop("updated_at")
        body = frame.write_csv().encode("utf-8")
        digest = hashlib.sha1(f"{self.seed}:{entity}:{month}:{as_of.isoformat()}".encode()).hexdigest()
        export = Export(body, f'"{digest}"', as_of, frame.height)
        with self._lock:
            if len(self._exports) > 64:
                self._exports.clear()
            self._exports[cache_key] = export
        return export

    def _index_export(self, as_of: datetime) -> Export:
        """The published index, whole; its ETag changes every day (the year to date moves on)."""
        frame = published_index(self.seed, as_of.date())
        last = frame["DenNgay"].max() if frame.height else None
        digest = hashlib.sha1(f"{self.seed}:index766:{last}".encode()).hexdigest()
        last_moment = datetime.fromisoformat(last) + timedelta(days=1) if last else as_of
        return Export(frame.write_csv().encode("utf-8"), f'"{digest}"', last_moment, frame.height)

    # ------------------------------------------------------------------ form 06a

    def form06a(self, agency_code: str, date_from: date, date_to: date) -> bytes:
        """Form 06a of one agency (by field) for [date_from, date_to], as XLSX bytes."""
        now = self.clock.now()
        if not agency_code:
            raise BadRequest("agency is required: the MaDonVi of the reporting agency")
        if date_from > date_to:
            raise BadRequest(f"the period starts ({date_from}) after it ends ({date_to})")
        if date_to > now.date():
            raise BadRequest(f"the period ends ({date_to}) after the portal's today ({now.date()})")
        known = self.agencies(now).filter(pl.col("MaDonVi") == agency_code)
        if known.is_empty():
            raise BadRequest(f"unknown agency {agency_code!r}: use a MaDonVi from the agencies feed")
        # Only this agency's dossiers, and none received after the period: they count
        # nowhere, and state_at over the whole province would be the slow part.
        period_end = datetime.combine(date_to + timedelta(days=1), time())
        dossiers = self.lifecycles(now).filter(pl.col("MaDonVi") == agency_code, pl.col("received_at") < period_end)
        rows = form06a_rows(
            simulation.state_at(dossiers, now), [agency_code], date_from, date_to, catalogue.procedures(self.seed)
        )
        body = io.BytesIO()
        write_form06a(rows, known["TenDonVi"].item(), date_from, date_to, body)
        return body.getvalue()


def _code_column(entity: str) -> str:
    return KEYS[entity]


def _encode_cursor(until: datetime, after_time: datetime, after_code: str, since: datetime | None) -> str:
    payload = {
        "u": until.isoformat(),
        "t": after_time.isoformat(),
        "k": after_code,
        "s": since.isoformat() if since else None,
    }
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, datetime, str, datetime | None]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded))
        since = datetime.fromisoformat(payload["s"]) if payload["s"] else None
        return datetime.fromisoformat(payload["u"]), datetime.fromisoformat(payload["t"]), payload["k"], since
    except (ValueError, KeyError, TypeError):
        raise BadRequest("the cursor is not one this portal gave out") from None


def parse_time(text: str | None, name: str) -> datetime | None:
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{name} must be an ISO 8601 time, got {text!r}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(LOCAL).replace(tzinfo=None)
    return parsed


def parse_date(text: str | None, name: str) -> date:
    if not text:
        raise BadRequest(f"{name} is required, as YYYY-MM-DD")
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise BadRequest(f"{name} must be a date as YYYY-MM-DD, got {text!r}") from None
