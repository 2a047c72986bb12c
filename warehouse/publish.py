"""Publishing: the writer turns the warehouse into a new read-only snapshot file.

The marts are brought up to date in the writer's database (`warehouse.marts`), then
copied with the tables readers need into a new file, which is renamed into place and
then named in CURRENT.json (written to a temporary file and renamed over the old one).
A reader therefore sees the old snapshot or the new one, never a half-written file.

CURRENT.json also names the last file (`ingest_files.file_id`) the snapshot holds, so a
writer can tell at its start whether the database holds changes no snapshot has
(`warehouse.catchup`). A killed publish leaves a `.tmp` file, its `.tmp.wal`, perhaps a
snapshot renamed into place but never named: `remove_leftovers` deletes them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from warehouse.crashpoints import crash_point
from warehouse.marts import Refresh, refresh_marts
from warehouse.models import mart_models, query_sql
from warehouse.paths import WarehousePaths

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
KEEP_SNAPSHOTS = 3

# Writer tables that readers need as they are (data health, unit resolution).
COPIED_TABLES = ("ingest_files", "quarantine", "ingest_runs", "raw_form06a_reports", "raw_form06a_rows")
SORTED_BY_DAY = frozenset({"kpi_daily", "kpi_monthly"})
# Small reports over raw tables the snapshot does not carry (sql/queries/, with their
# parameters for the whole warehouse), kept as tables of the same name.
PUBLISHED_QUERIES = {"orphan_v2_rows": {"file_id": None}}


@dataclass(frozen=True)
class PublishedSnapshot:
    version: str
    path: Path
    published_at: datetime
    refresh: Refresh


def publish(con: duckdb.DuckDBPyConnection, paths: WarehousePaths) -> PublishedSnapshot:
    crash_point("publish:start")
    paths.snapshots.mkdir(parents=True, exist_ok=True)
    remove_leftovers(paths)

    published_at = datetime.now(LOCAL).replace(tzinfo=None)
    version = published_at.strftime("%Y%m%dT%H%M%S%f")
    final_path = paths.snapshots / f"{version}.duckdb"
    tmp_path = paths.snapshots / f"{version}.duckdb.tmp"

    refresh = refresh_marts(con)
    last_file = last_file_id(con)
    writer_db = con.execute("select current_database()").fetchone()[0]
    con.execute(f"attach '{tmp_path}' as snap")
    try:
        for table in COPIED_TABLES + tuple(m.name for m in mart_models() if not m.is_ephemeral):
            # Rollups are read by day ranges: sorted, their zone maps skip the other days.
            order = " order by day" if table in SORTED_BY_DAY else ""
            con.execute(f'create table snap.{table} as select * from "{writer_db}".main.{table}{order}')
        for name, parameters in PUBLISHED_QUERIES.items():
            con.execute(f"create table snap.{name} as {query_sql(name)}", parameters)
        con.execute(
            f"""
            create table snap.snapshot_info as
            select ?::varchar as version, ?::timestamp as published_at,
                   (select max(NgayTiepNhan) from "{writer_db}".main.raw_dossiers) as data_through
            """,
            [version, published_at],
        )
        crash_point("publish:copied")
    finally:
        con.execute("detach snap")

    _fsync(tmp_path)
    os.replace(tmp_path, final_path)
    _point_to(paths, final_path, version, published_at, last_file)
    _remove_old_snapshots(paths, keep=final_path)
    return PublishedSnapshot(version, final_path, published_at, refresh)


def last_file_id(con: duckdb.DuckDBPyConnection) -> int:
    """The change counter: every change to the data is a file, recorded in `ingest_files`
    in the same transaction as its rows, with an id that only grows."""
    # fetchall: a result left unfinished would block the caller's next relation (`con.sql`).
    [(last,)] = con.execute("select coalesce(max(file_id), 0) from ingest_files").fetchall()
    return last


def published_file_id(paths: WarehousePaths) -> int | None:
    """The last file the current snapshot holds; None without a snapshot, for a pointer
    written before it recorded one, or an unreadable one (publishing rewrites it)."""
    try:
        pointer = _read_pointer(paths)
    except ValueError:
        return None
    return pointer.get("file_id") if pointer else None


def remove_leftovers(paths: WarehousePaths) -> list[Path]:
    """Delete what a killed publish left in the snapshots folder; returns what it deleted.

    Its temporary snapshot and that file's WAL, the temporary pointer, and a snapshot
    renamed into place but never named in CURRENT.json (newer than the one named there):
    no reader can have opened such a file, since readers open only what CURRENT.json names.
    """
    if not paths.snapshots.is_dir():
        return []
    leftovers = [*paths.snapshots.glob("*.tmp"), *paths.snapshots.glob("*.tmp.wal")]
    try:
        pointer = _read_pointer(paths)
    except ValueError:  # unreadable pointer: leave the snapshots alone
        pointer = {"file": "~"}
    current = pointer["file"] if pointer else ""
    for snapshot in paths.snapshots.glob("*.duckdb"):
        if snapshot.name > current:
            leftovers += [snapshot, Path(f"{snapshot}.wal")]
    removed = [path for path in leftovers if path.exists()]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _read_pointer(paths: WarehousePaths) -> dict | None:
    try:
        return json.loads(paths.current_pointer.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _point_to(paths: WarehousePaths, snapshot: Path, version: str, published_at: datetime, last_file: int) -> None:
    pointer_tmp = paths.current_pointer.with_suffix(".json.tmp")
    pointer_tmp.write_text(
        json.dumps(
            {"version": version, "file": snapshot.name, "published_at": published_at.isoformat(), "file_id": last_file}
        ),
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
