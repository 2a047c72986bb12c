"""Publishing: the writer turns the warehouse into a new read-only snapshot file.

The marts are brought up to date in the writer's database (`warehouse.marts`), then
copied with the tables readers need into a new file, which is renamed into place and
then named in CURRENT.json (written to a temporary file and renamed over the old one).
A reader therefore sees the old snapshot or the new one, never a half-written file; a
killed publish leaves only a `.tmp` file that the next publish removes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from warehouse.marts import Refresh, refresh_marts
from warehouse.models import mart_models
from warehouse.paths import WarehousePaths

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
KEEP_SNAPSHOTS = 3

# Writer tables that readers need as they are (data health, unit resolution).
COPIED_TABLES = ("ingest_files", "quarantine", "ingest_runs", "raw_form06a_reports", "raw_form06a_rows")
SORTED_BY_DAY = frozenset({"kpi_daily", "kpi_monthly"})


@dataclass(frozen=True)
class PublishedSnapshot:
    version: str
    path: Path
    published_at: datetime
    refresh: Refresh


def publish(con: duckdb.DuckDBPyConnection, paths: WarehousePaths) -> PublishedSnapshot:
    paths.snapshots.mkdir(parents=True, exist_ok=True)
    for stale in paths.snapshots.glob("*.tmp"):
        stale.unlink(missing_ok=True)

    published_at = datetime.now(LOCAL).replace(tzinfo=None)
    version = published_at.strftime("%Y%m%dT%H%M%S%f")
    final_path = paths.snapshots / f"{version}.duckdb"
    tmp_path = paths.snapshots / f"{version}.duckdb.tmp"

    refresh = refresh_marts(con)
    writer_db = con.execute("select current_database()").fetchone()[0]
    con.execute(f"attach '{tmp_path}' as snap")
    try:
        for table in COPIED_TABLES + tuple(m.name for m in mart_models() if not m.is_ephemeral):
            # Rollups are read by day ranges: sorted, their zone maps skip the other days.
            order = " order by day" if table in SORTED_BY_DAY else ""
            con.execute(f'create table snap.{table} as select * from "{writer_db}".main.{table}{order}')
        con.execute(
            f"""
            create table snap.snapshot_info as
            select ?::varchar as version, ?::timestamp as published_at,
                   (select max(NgayTiepNhan) from "{writer_db}".main.raw_dossiers) as data_through
            """,
            [version, published_at],
        )
    finally:
        con.execute("detach snap")

    _fsync(tmp_path)
    os.replace(tmp_path, final_path)
    _point_to(paths, final_path, version, published_at)
    _remove_old_snapshots(paths, keep=final_path)
    return PublishedSnapshot(version, final_path, published_at, refresh)


def _point_to(paths: WarehousePaths, snapshot: Path, version: str, published_at: datetime) -> None:
    pointer_tmp = paths.current_pointer.with_suffix(".json.tmp")
    pointer_tmp.write_text(
        json.dumps({"version": version, "file": snapshot.name, "published_at": published_at.isoformat()}),
        encoding="utf-8",
    )
    _fsync(pointer_tmp)
    os.replace(pointer_tmp, paths.current_pointer)


def _remove_old_snapshots(paths: WarehousePaths, keep: Path) -> None:
    # A reader that still has an old file open keeps reading it: unlinking only removes
    # the name. Keeping a few spares covers readers that read CURRENT.json just before.
    snapshots = sorted(paths.snapshots.glob("*.duckdb"))
    for old in snapshots[:-KEEP_SNAPSHOTS]:
        if old != keep:
            old.unlink(missing_ok=True)
            Path(str(old) + ".wal").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
