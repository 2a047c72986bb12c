"""Cost of the v2 satisfaction and feedback measures in `kpi` (DESIGN §4 v2).

    python -m bench.bench_satisfaction [--dossiers N] [--out DIR]

Generates N synthetic dossiers (bench.synthetic) and loads them; adds ratings and PAKN at
realistic rates straight into the raw tables (a third of the resolved dossiers rated,
8% of ratings unsatisfied; one PAKN per 400 dossiers, a third naming a dossier, 5% refused
as outside competence), each batch as a file of its kind, and publishes (incremental).
Then times, best of 5, beside a raw GROUP BY over the same dossiers (the floor): each
query shape of bench.bench_data_core with every v2 measure (and one by procedure), the
online-service lists, the open-feedback list and the Decision 766 scorecard (the
province, by agency, by commune).
"""

from __future__ import annotations

import argparse
import shutil
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
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.bench_data_core import QUERIES
    from warehouse import query
    from warehouse.index766 import IndexSpec, scorecard
    from warehouse.lists import open_feedback
    from warehouse.online_services import OnlineServicesFilter, procedure_list, unused_online_services
    from warehouse.paths import WarehousePaths
    from warehouse.snapshot import open_snapshot

    work = args.out / f"satisfaction-n{args.dossiers}"
    paths = WarehousePaths(work / "warehouse.duckdb")
    if not (args.reuse and paths.database.exists()):
        build(work, paths, args.dossiers)

    year = dict(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
    shapes = dict(QUERIES)
    shapes["year by procedure"] = dict(year, by="procedure")
    with open_snapshot(paths) as (con, _):
        [(dossiers,)] = con.execute("select count(*) from fct_dossiers").fetchall()
        # the floor, in the same run: one GROUP BY over every dossier of the snapshot
        floor = best_of(
            lambda: con.execute("select agency_id, field_id, count(*) from fct_dossiers group by all").fetchall()
        )
        print(f"{dossiers:,} dossiers; raw GROUP BY floor {floor * 1000:.1f} ms")

        def timed(name: str, fn) -> None:
            took = best_of(fn)
            print(f"{name:44s} {took * 1000:7.1f} ms  ({took / floor:4.1f}× the floor)")

        for name, options in shapes.items():
            spec = query.KpiFilter(**options)
            timed(f"kpi {name}", lambda spec=spec: query.kpi(con, spec))
        online = OnlineServicesFilter(year["date_from"], year["date_to"])
        timed("online services: per procedure, a year", lambda: procedure_list(con, online))
        timed("online services: unused, a year", lambda: unused_online_services(con, online))
        timed("open feedback (PAKN), a year", lambda: open_feedback(con, query.KpiFilter(**year)))
        for by in (None, "agency", "commune"):
            spec = IndexSpec(date(2025, 1, 1), date(2025, 8, 29), by=by)
            timed(f"index766 01/01–29/08/2025 by {by or 'province'}", lambda spec=spec: scorecard(con, spec))


if __name__ == "__main__":
    main()
