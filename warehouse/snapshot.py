"""Readers' side: open the published snapshot, read-only, and know its version."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import duckdb

from warehouse.errors import NoSnapshot
from warehouse.paths import WarehousePaths


@dataclass(frozen=True)
class SnapshotInfo:
    version: str
    published_at: datetime
    file: str


def current_snapshot(paths: WarehousePaths) -> SnapshotInfo:
    try:
        pointer = json.loads(paths.current_pointer.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NoSnapshot(
            f"no data has been published for {paths.database} yet: run `python -m ingest load` or `python -m ingest pull` first"
        ) from None
    return SnapshotInfo(pointer["version"], datetime.fromisoformat(pointer["published_at"]), pointer["file"])


@contextmanager
def open_snapshot(paths: WarehousePaths) -> Iterator[tuple[duckdb.DuckDBPyConnection, SnapshotInfo]]:
    """The current snapshot, read-only. Retries once if it was replaced while opening."""
    for attempt in range(3):
        info = current_snapshot(paths)
        try:
            con = duckdb.connect(str(paths.snapshots / info.file), read_only=True)
            break
        except duckdb.IOException:
            if attempt == 2:
                raise
    try:
        yield con, info
    finally:
        con.close()
