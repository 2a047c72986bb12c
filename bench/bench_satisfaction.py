"""Cost of the v2 satisfaction and feedback measures in `kpi` (DESIGN §4 v2).

    python -m bench.bench_satisfaction [--dossiers N] [--out DIR]

Generates N synthetic dossiers (bench.synthetic) and loads them; adds ratings and PAKN at
realistic rates straight into the raw tables (a third of the resolved dossiers rated,
8% of ratings unsatisfied; one PAKN per 400 dossiers, a third naming a dossier, 5% refused
as outside competence), each batch as a file of its kind, and publishes (incremental).
Then times each query shape of bench.bench_data_core (and one by procedure), best of 5,
with the current `sql/queries/kpi.sql` and with the one before the v2 measures
(`--baseline REV`, default the first parent of the commit that added them).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def add_ratings_and_feedback(con) -> tuple[int, int]:
    """Ratings and PAKN for the loaded dossiers, as two files; returns their row counts."""

    def new_file(kind: str) -> int:
        file_id = con.execute("select nextval('ingest_file_seq')").fetchone()[0]
        con.execute(
            "insert into ingest_files values (?, 'bench', ?, ?, ?, null, now()::timestamp, 0, 0, null)",
            [file_id, f"{kind}.csv", f"bench-{kind}", kind],
        )
        return file_id

    ratings = new_file("ratings")
    con.execute(
        """
        insert into raw_ratings (MaHoSo, ThoiGianDanhGia, MucDoHaiLong, KenhDanhGia, _file_id, _line)
        select MaHoSo, NgayKetThucXuLy + interval 1 day,
               case when hash(MaHoSo || 'level') % 100 < 8 then 3 when hash(MaHoSo) % 2 = 0 then 1 else 2 end,
               1 + hash(MaHoSo || 'channel') % 4, ?, row_number() over ()
        from raw_dossiers
        where NgayKetThucXuLy is not null and hash(MaHoSo || 'rated') % 3 = 0
        """,
        [ratings],
    )
    feedback = new_file("feedback")
    con.execute(
        """
        insert into raw_feedback (MaPAKN, MaDonVi, NgayTiepNhan, NgayXuLyXong, TrangThaiPAKN, PhanLoai, MaHoSo,
            SoThich, SoKhongThich, PhanAnhLai, _file_id, _line)
        select 'PAKN-' || MaHoSo, MaDonVi, NgayTiepNhan + interval 2 day,
               case when hash(MaHoSo || 'open') % 10 < 8 then NgayTiepNhan + interval (2 + hash(MaHoSo) % 30) day end,
               case when hash(MaHoSo || 'status') % 20 = 0 then 4 when hash(MaHoSo || 'open') % 10 < 8 then 5 else 2 end,
               1 + hash(MaHoSo || 'kind') % 3,
               case when hash(MaHoSo || 'names') % 3 = 0 then MaHoSo end,
               hash(MaHoSo || 'likes') % 6, hash(MaHoSo || 'dislikes') % 4, (hash(MaHoSo || 'again') % 10 = 0)::int,
               ?, row_number() over ()
        from raw_dossiers
        where hash(MaHoSo || 'pakn') % 400 = 0
        """,
        [feedback],
    )
    counts = con.execute("select (select count(*) from raw_ratings), (select count(*) from raw_feedback)").fetchone()
    return counts[0], counts[1]


def build(work: Path, paths, dossiers: int) -> None:
    """Synthetic exports loaded, then ratings and PAKN added and published."""
    from bench.synthetic import generate
    from ingest.load import load_paths
    from warehouse.publish import publish
    from warehouse.writer import open_writer

    shutil.rmtree(work, ignore_errors=True)
    files = generate(work / "exports", dossiers)
    started = time.perf_counter()
    load_paths(paths, [files["agencies"], files["procedures"], files["dossiers"]])
    print(f"loaded {dossiers:,} dossiers in {time.perf_counter() - started:.1f} s")
    with open_writer(paths) as con:
        rated, pakn = add_ratings_and_feedback(con)
        started = time.perf_counter()
        refresh = publish(con, paths).refresh
        print(f"{rated:,} ratings, {pakn:,} PAKN: publish ({refresh.mode}) {time.perf_counter() - started:.1f} s")


def best_of(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=2_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--reuse", action="store_true", help="time the queries on the warehouse of an earlier run")
    parser.add_argument("--baseline", default="84f053d", help="git revision of the kpi.sql to compare with")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.bench_data_core import QUERIES
    from warehouse import query
    from warehouse.paths import WarehousePaths
    from warehouse.snapshot import open_snapshot

    work = args.out / f"satisfaction-n{args.dossiers}"
    paths = WarehousePaths(work / "warehouse.duckdb")
    if not (args.reuse and paths.database.exists()):
        build(work, paths, args.dossiers)

    current_sql = query.query_sql("kpi")
    baseline_sql = subprocess.run(
        ["git", "show", f"{args.baseline}:sql/queries/kpi.sql"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    v2 = set(V2_MEASURES)
    variants = {
        # the SQL before v2 returns none of the v2 columns: select only the others
        "before": (
            baseline_sql,
            tuple(c for c in query.COUNT_COLUMNS if c not in v2),
            tuple(c for c in query.RATE_COLUMNS if c not in v2),
        ),
        "v2": (current_sql, query.COUNT_COLUMNS, query.RATE_COLUMNS),
    }
    shapes = dict(QUERIES)
    shapes["year by procedure"] = dict(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31), by="procedure")
    with open_snapshot(paths) as (con, _):
        for name, options in shapes.items():
            spec = query.KpiFilter(**options)
            timings = {}
            for label, (sql, counts, rates) in variants.items():
                # kpi() reads its SQL by name and selects these columns: pointed at one variant
                query.query_sql = lambda _name, sql=sql: sql
                query.COUNT_COLUMNS, query.RATE_COLUMNS = counts, rates
                timings[label] = best_of(lambda spec=spec: query.kpi(con, spec))
            print(f"kpi {name:34s} before {timings['before'] * 1000:7.1f} ms   with v2 {timings['v2'] * 1000:7.1f} ms")


V2_MEASURES = (
    "rated",
    "rated_unsatisfied",
    "feedback",
    "feedback_on_time",
    "feedback_overdue",
    "reuse_rate",
    "personal_store_rate",
    "citizen_data_rate",
    "satisfaction_rate",
    "dossier_satisfaction_rate",
    "feedback_on_time_rate",
    "feedback_satisfied_rate",
)


if __name__ == "__main__":
    main()
