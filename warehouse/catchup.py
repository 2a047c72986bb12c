"""The publish a writer owes: changes committed but in no snapshot, published at its next start.

A load that dies after a file's transaction commits (a crash in a later file, a kill
during the publish) leaves rows in the writer's database that no reader sees. Retrying
the same file would be skipped as already loaded, so nothing else would ever publish
them. The writer therefore compares, each time it opens, the last file in its database
with the last file the current snapshot holds (CURRENT.json), and publishes when the
database is ahead. It also deletes what a killed publish left behind.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import duckdb

from warehouse.paths import WarehousePaths
from warehouse.publish import PublishedSnapshot, last_file_id, publish, published_file_id, remove_leftovers


def unpublished(con: duckdb.DuckDBPyConnection, paths: WarehousePaths) -> bool:
    """Whether the database holds a file the current snapshot does not."""
    published = published_file_id(paths)
    # No snapshot, or one from before snapshots named their last file: any file counts.
    return last_file_id(con) > (published or 0)


def catch_up(
    con: duckdb.DuckDBPyConnection, paths: WarehousePaths, say: Callable[[str], None] | None = None
) -> PublishedSnapshot | None:
    """Clean up after a killed publish, then publish what is committed but unpublished."""
    say = say or _to_stderr
    removed = remove_leftovers(paths)
    if removed:
        say(f"removed {len(removed)} file(s) left by an interrupted publish: {', '.join(p.name for p in removed)}")
    if not unpublished(con, paths):
        return None
    snapshot = publish(con, paths)
    say(f"published data version {snapshot.version}: changes an interrupted ingest had loaded but not published")
    return snapshot


def _to_stderr(message: str) -> None:
    print(f"warehouse: {message}", file=sys.stderr, flush=True)
