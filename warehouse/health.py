"""What the data-health page reads: runs, sources' freshness, quarantine, 06a problems,
ratings and feedback that name what is not loaded.

Runs come from two places: the run log beside the warehouse (every run, failures
included, readable while the writer works) and the snapshot's own `ingest_runs` (what
the published data was made from), for warehouses older than the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import polars as pl

from warehouse.lookups import fetch_frame
from warehouse.models import query_sql
from warehouse.paths import WarehousePaths
from warehouse.runlog import recent_runs

RUN_COLUMNS = {
    "run_id": pl.String,
    "source": pl.String,
    "started_at": pl.Datetime,
    "finished_at": pl.Datetime,
    "status": pl.String,
    "rows": pl.Int64,
    "error": pl.String,
}


@dataclass(frozen=True)
class SourceHealth:
    source: str
    last_ok: datetime | None
    last_run: datetime | None
    last_status: str | None
    last_error: str | None

    def age(self, now: datetime) -> timedelta | None:
        return now - self.last_ok if self.last_ok else None

    def is_stale(self, now: datetime, threshold: timedelta) -> bool:
        age = self.age(now)
        return age is None or age > threshold


def runs(con: duckdb.DuckDBPyConnection | None, paths: WarehousePaths, limit: int = 200) -> pl.DataFrame:
    """Recent runs, newest first: the run log's, then the snapshot's older ones."""
    logged_runs = recent_runs(paths, limit)
    logged = None
    if logged_runs:
        # JSON carries times as ISO text
        text = pl.DataFrame(logged_runs, schema={name: pl.String for name in RUN_COLUMNS}, strict=False)
        logged = text.with_columns(
            pl.col("started_at", "finished_at").str.to_datetime(time_unit="us", strict=False),
            pl.col("rows").cast(pl.Int64, strict=False),
        )
    published = None
    if con is not None:
        published = fetch_frame(
            con, "select run_id, source, started_at, finished_at, status, rows, error from ingest_runs"
        ).cast(RUN_COLUMNS)  # type: ignore[arg-type]
    frames = [frame for frame in (logged, published) if frame is not None]
    if not frames:
        return pl.DataFrame(schema=RUN_COLUMNS)
    # the log's line is the later word on a run (a run is "running" in the snapshot it published)
    return (
        pl.concat(frames, how="vertical_relaxed")
        .unique(subset="run_id", keep="first", maintain_order=True)
        .sort("started_at", descending=True)
        .head(limit)
    )


def sources(all_runs: pl.DataFrame) -> list[SourceHealth]:
    result = []
    for source in sorted(set(all_runs["source"].to_list())):
        own = all_runs.filter(pl.col("source") == source).sort("started_at", descending=True)
        ok = own.filter(pl.col("status") == "ok")
        latest = own.row(0, named=True)
        result.append(
            SourceHealth(
                source,
                ok["finished_at"][0] if not ok.is_empty() else None,
                latest["finished_at"] or latest["started_at"],
                latest["status"],
                latest["error"],
            )
        )
    return result


def quarantine(con: duckdb.DuckDBPyConnection, limit: int = 1000) -> pl.DataFrame:
    return fetch_frame(con, query_sql("quarantine"), {"row_limit": limit})


def quarantine_reasons(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return fetch_frame(con, query_sql("quarantine_reasons"))


def form06a_violations(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return fetch_frame(con, query_sql("form06a_violations"))


def unresolved_units(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return fetch_frame(con, query_sql("unresolved_units"))


def orphan_v2_rows(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Ratings and PAKN naming a dossier or agency not loaded: computed at publish (raw is not in the snapshot)."""
    return fetch_frame(con, "select * from orphan_v2_rows")


def backfill_progress(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """What a long cycle still running (the first backfill) has done so far, as published."""
    return fetch_frame(
        con,
        "select progress from ingest_runs where status = 'running' and progress is not null"
        " order by started_at desc limit 1",
    )
