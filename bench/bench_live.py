"""Benchmark of the live feed, with raw DuckDB figures from the same machine and run.

    python -m bench.bench_live [--out DIR] [--dossiers N]

1. Backfill: an empty warehouse pulls the demo portal's whole history (2023-01-01 to
   today) through the real HTTP client, as `ingest pull` does (publishes included);
   rows/s. Baseline: DuckDB `read_csv` of the same monthly exports into one table.
2. Incremental cycle: a warehouse of N dossiers (default 2 million: the synthetic export
   plus the demo history) receives one change-feed cycle of about 1,000 changed dossiers,
   publish included (target: under 10 s). Shown beside it: a full rebuild of the marts
   and a raw DuckDB copy of the dossier table, on the same warehouse.
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from bench.synthetic import generate
from demo_portal.clock import SimClock, local_now
from demo_portal.portal import DemoPortal
from demo_portal.server import serve_in_thread
from ingest.load import load_paths
from ingest.pull import FEED_WATERMARK, run_cycle
from ingest.sources.config import SourceConfig
from ingest.sources.portal.client import PortalClient, http_client
from warehouse.marts import refresh_marts
from warehouse.paths import WarehousePaths
from warehouse.writer import open_writer

CHANGED_TARGET = 1000


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def pull_once(paths: WarehousePaths, url: str):
    source = SourceConfig("demo", url)
    with http_client(source) as http:
        result = run_cycle(paths, source, PortalClient(http, source.name))
    assert result.status == "ok", result.error
    return result


def backfill(out: Path, portal: DemoPortal, url: str) -> WarehousePaths:
    paths = WarehousePaths(out / "backfill" / "warehouse.duckdb")
    shutil.rmtree(paths.database.parent, ignore_errors=True)
    result, seconds = timed(lambda: pull_once(paths, url))
    rows = sum(r.rows_loaded for r in result.files)

    archived = sorted(paths.archive.rglob("*-dossiers-*.csv"))
    con = duckdb.connect()
    _, raw_seconds = timed(
        lambda: con.execute(
            "create table d as select * from read_csv(?, header = true, all_varchar = true)",
            [[str(p) for p in archived]],
        )
    )
    print(
        f"backfill: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s "
        f"(publishes included); raw read_csv of the same {len(archived)} exports {raw_seconds:.1f} s "
        f"→ {seconds / raw_seconds:.1f}×"
    )
    return paths


def incremental(out: Path, portal: DemoPortal, url: str, backfilled: WarehousePaths, dossiers: int) -> None:
    paths = WarehousePaths(out / "incremental" / "warehouse.duckdb")
    shutil.rmtree(paths.database.parent, ignore_errors=True)
    paths.database.parent.mkdir(parents=True)
    # The demo history, plus synthetic dossiers (other codes) up to the size asked for.
    shutil.copyfile(backfilled.database, paths.database)
    have = (
        duckdb.connect(str(paths.database), read_only=True).execute("select count(*) from raw_dossiers").fetchone()[0]
    )
    if dossiers > have:
        files = generate(out / "synthetic", dossiers - have)
        load_paths(paths, [files["dossiers"]])

    # Move the clock on until about 1,000 dossiers changed since the watermark.
    with open_writer(paths) as con:
        since = datetime.fromisoformat(
            con.execute("select value from watermarks where entity = ?", [FEED_WATERMARK]).fetchone()[0]
        )
        total = con.execute("select count(*) from raw_dossiers").fetchone()[0]
    minutes = 1.0
    while portal.dossiers_changed(since, since + timedelta(minutes=minutes)).height < CHANGED_TARGET:
        minutes *= 1.1
    portal.clock = SimClock(since + timedelta(minutes=minutes), scale=0)
    changed = portal.dossiers_changed(since, portal.clock.now()).height

    result, seconds = timed(lambda: pull_once(paths, url))
    refresh = result.snapshot.refresh
    print(
        f"incremental cycle: {changed:,} changed dossiers on a warehouse of {total:,}: {seconds:.2f} s "
        f"(refresh {refresh.mode}, {refresh.dossiers:,} re-derived; publish included) — target < 10 s"
    )

    with open_writer(paths) as con:
        _, full_seconds = timed(lambda: refresh_marts(con, force_full=True))
        _, copy_seconds = timed(lambda: con.execute("create temp table copy_of_raw as select * from raw_dossiers"))
    print(
        f"  for scale: a full rebuild of the marts {full_seconds:.1f} s; "
        f"raw DuckDB copy of the {total:,}-row dossier table {copy_seconds:.1f} s "
        f"→ cycle = {seconds / copy_seconds:.1f}× that copy"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    parser.add_argument("--dossiers", type=int, default=2_000_000)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    portal = DemoPortal(clock=SimClock(local_now(), scale=0))
    with serve_in_thread(portal) as server:
        backfilled = backfill(args.out, portal, server.url)
        incremental(args.out, portal, server.url, backfilled, args.dossiers)


if __name__ == "__main__":
    main()
