"""Benchmark of the data core, as ratios to raw DuckDB on the same machine in the same run.

    python -m bench.bench_data_core [--dossiers N] [--out DIR]

1. Generates N dossiers (default 1 million) in the contract's CSV form (bench.synthetic).
2. Raw DuckDB baseline: `read_csv` of the dossiers file into a table; one `GROUP BY`.
3. `ingest load` of the three files into an empty warehouse, in a child process so that
   its peak memory (max RSS) is measured: the load (parse, validate, upsert) and the
   publish (snapshot with materialised marts) are timed apart.
4. Each KPI query shape of `warehouse kpi`, best of 5, against the published snapshot.

Targets (issue #2, at 10 million): load ≤ 2× read_csv; publish ≤ 1× more; every KPI
query < 300 ms and ≤ 3× the raw GROUP BY; peak memory of the load < 4 GiB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
QUERIES = {
    "year, one row": dict(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)),
    "Jan–20 Oct 2023, one row": dict(date_from=date(2023, 1, 1), date_to=date(2023, 10, 20)),
    "one day, one row": dict(date_from=date(2026, 11, 19), date_to=date(2026, 11, 19)),
    "year by unit": dict(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31), by="unit"),
    "year by field": dict(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31), by="field"),
    "whole history by month": dict(date_from=date(2023, 1, 1), date_to=date(2026, 11, 20), by="month"),
    "year by level": dict(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31), by="level"),
    "district Đại Từ, commune level": dict(
        date_from=date(2023, 1, 1), date_to=date(2023, 10, 20), unit="Đại Từ", level="commune"
    ),
    "one field, quarter": dict(date_from=date(2024, 4, 1), date_to=date(2024, 6, 30), field="DD"),
}


def best_of(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def child_load(warehouse: str, files: list[str]) -> None:
    """Runs in the child process: load, then publish, timed apart; prints JSON."""
    sys.path.insert(0, str(ROOT))
    from ingest.load import load_file
    from warehouse.paths import WarehousePaths
    from warehouse.publish import publish
    from warehouse.writer import open_writer

    paths = WarehousePaths.resolve(warehouse)
    with open_writer(paths) as con:
        started = time.perf_counter()
        reports = [load_file(con, paths, Path(f)) for f in files]
        loaded = time.perf_counter()
        publish(con, paths)
        published = time.perf_counter()
    errors = [r.error for r in reports if r.error]
    print(
        json.dumps(
            {
                "load_s": loaded - started,
                "publish_s": published - loaded,
                "errors": errors,
                "rows": sum(r.rows_loaded for r in reports),
                "quarantined": sum(r.rows_quarantined for r in reports),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--child-load", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_load:
        child_load(args.child_load[0], args.child_load[1:])
        return

    sys.path.insert(0, str(ROOT))
    from bench.synthetic import generate
    from warehouse.paths import WarehousePaths
    from warehouse.query import KpiFilter, kpi
    from warehouse.snapshot import open_snapshot

    work = args.out / f"n{args.dossiers}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.perf_counter()
    files = generate(work / "exports", args.dossiers)
    size_mb = files["dossiers"].stat().st_size / 1e6
    print(f"generated {args.dossiers:,} dossiers ({size_mb:,.0f} MB CSV) in {time.perf_counter() - started:.1f} s")

    raw = duckdb.connect(str(work / "raw.duckdb"))
    started = time.perf_counter()
    raw.execute("create table dossiers as select * from read_csv(?)", [str(files["dossiers"])])
    raw_read_csv = time.perf_counter() - started
    raw_group_by = best_of(lambda: raw.execute("select MaDonVi, count(*) from dossiers group by MaDonVi").fetchall())
    raw.close()

    warehouse = work / "warehouse.duckdb"
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bench_data_core",
            "--child-load",
            str(warehouse),
            str(files["agencies"]),
            str(files["procedures"]),
            str(files["dossiers"]),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(child.stdout.strip().splitlines()[-1])
    peak_gib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    if loaded["errors"]:
        raise SystemExit(f"load failed: {loaded['errors']}")

    print(f"\nraw DuckDB read_csv                {raw_read_csv * 1000:9.0f} ms")
    print(f"raw DuckDB GROUP BY (best of 5)    {raw_group_by * 1000:9.1f} ms")
    print(
        f"ingest load (parse, validate, upsert) {loaded['load_s'] * 1000:6.0f} ms  = {loaded['load_s'] / raw_read_csv:4.2f}× read_csv   (target ≤ 2×)"
    )
    print(
        f"publish (snapshot + marts)         {loaded['publish_s'] * 1000:9.0f} ms  = {loaded['publish_s'] / raw_read_csv:4.2f}× read_csv   (target ≤ 1×)"
    )
    print(f"peak memory of the load process    {peak_gib:9.2f} GiB                 (target < 4 GiB)")
    print(f"rows loaded {loaded['rows']:,}, quarantined {loaded['quarantined']:,}\n")

    paths = WarehousePaths.resolve(warehouse)
    worst = 0.0
    with open_snapshot(paths) as (con, _):
        for name, options in QUERIES.items():
            spec = KpiFilter(**options)
            rows = kpi(con, spec).height
            seconds = best_of(lambda spec=spec: kpi(con, spec))
            worst = max(worst, seconds)
            flag = "ok" if seconds < 0.3 and seconds <= 3 * raw_group_by else "MISS"
            print(
                f"kpi {name:34s} {seconds * 1000:7.1f} ms = {seconds / raw_group_by:5.2f}× GROUP BY  ({rows} rows) {flag}"
            )
    print(
        f"\nslowest KPI query {worst * 1000:.1f} ms = {worst / raw_group_by:.2f}× raw GROUP BY (targets: < 300 ms, ≤ 3×)"
    )


if __name__ == "__main__":
    main()
