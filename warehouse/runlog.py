"""The run log: every ingest run's outcome, readable while the writer holds the database.

A failed cycle publishes nothing (DESIGN §2), so the published snapshot never shows the
failures the data-health page exists to show. Each run's end is therefore also appended
to a JSON-lines file beside the warehouse, which readers open without any lock.
"""

from __future__ import annotations

import json
import os
from collections import deque
from datetime import datetime
from typing import Any

from warehouse.paths import WarehousePaths

KEEP_LINES = 1000  # trimmed back to this when the file reaches twice as many


def append_run(paths: WarehousePaths, run: dict[str, Any]) -> None:
    line = json.dumps(run, default=_iso, ensure_ascii=False) + "\n"
    log = paths.run_log
    log.parent.mkdir(parents=True, exist_ok=True)
    # one write() in append mode: a reader sees whole lines, two writers never interleave
    with open(log, "a", encoding="utf-8") as file:
        file.write(line)
    if log.stat().st_size > 400 * KEEP_LINES:
        _trim(paths)


def recent_runs(paths: WarehousePaths, limit: int = 200) -> list[dict[str, Any]]:
    """The last `limit` runs, newest first."""
    try:
        with open(paths.run_log, encoding="utf-8") as file:
            lines = deque(file, maxlen=limit)
    except FileNotFoundError:
        return []
    runs = []
    for line in reversed(lines):
        try:
            runs.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut by a crash mid-write: skip it, keep the rest
    return runs


def _trim(paths: WarehousePaths) -> None:
    with open(paths.run_log, encoding="utf-8") as file:
        kept = deque(file, maxlen=KEEP_LINES)
    temporary = paths.run_log.with_suffix(".tmp")
    temporary.write_text("".join(kept), encoding="utf-8")
    os.replace(temporary, paths.run_log)


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")
