"""One scheduled export run, as the worker calls it: snapshots into the archive, logged, pruned.

A run makes one snapshot for the whole province and one per configured unit, each into
`<archive>/<run day>/<period>[-<unit>]/`, and appends one line per snapshot to
`<archive>/runs.jsonl` (status ok | partial | failed | no_data, the error, the data
version). The run log lives in the archive, not in the warehouse's `ingest_runs`:
writing there needs the single writer's lock, which a pull cycle (a backfill: a minute
and more) holds, so an export would wait on, or fail because of, something unrelated to
it; and the page would see the row only after the next publish. The archive's log is
beside the files it describes and readable at once.

A run that is not ok is tried again later by the worker (`retry_minutes`,
`retry_attempts`), for the same period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from reports.config import ExportsConfig
from reports.errors import PartialSnapshot
from reports.schedule import archive_folder, period_for, prune, record_run
from reports.snapshot import make_snapshot
from warehouse.errors import NoSnapshot, WarehouseError
from warehouse.paths import WarehousePaths
from warehouse.periods import TIMEZONE, Period, PeriodError, today_in_vietnam


@dataclass
class ExportRun:
    kind: str
    period: Period
    outcomes: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(outcome["status"] == "ok" for outcome in self.outcomes)


def run_export(
    paths: WarehousePaths,
    config: ExportsConfig,
    kind: str,
    *,
    now: datetime | None = None,
    period: Period | None = None,
    attempt: int = 1,
    say: Callable[[str], None] = lambda message: None,
) -> ExportRun:
    """Make the `kind` ("daily" | "weekly" | "monthly") snapshots due at `now`, or for
    `period` when a retry repeats an earlier run."""
    now = (now or datetime.now(TIMEZONE)).astimezone(TIMEZONE)
    today = today_in_vietnam(now)
    period = period or period_for(kind, now)
    archive = config.archive(paths.database)
    run = ExportRun(kind, period)
    for unit in (None, *config.units):
        folder = archive_folder(archive, today, period, unit)
        started = datetime.now(TIMEZONE)
        entry = {
            "kind": kind,
            "attempt": attempt,
            "period_start": period.start,
            "period_end": period.end,
            "unit": unit,
            "folder": str(folder.relative_to(archive)),
            "started_at": started.isoformat(timespec="seconds"),
        }
        try:
            result = make_snapshot(paths, period, folder, unit=unit, today=today, wall=config.wall_png)
            entry |= {"status": "ok", "version": result.data.version, "files": result.made}
        except PartialSnapshot as partial:
            entry |= {
                "status": "partial",
                "version": partial.result.data.version,
                "files": partial.result.made,
                "error": str(partial),
            }
        except NoSnapshot as error:
            entry |= {"status": "no_data", "error": str(error)}
        except (WarehouseError, PeriodError) as error:
            entry |= {"status": "failed", "error": str(error)}
        except Exception as error:  # noqa: BLE001 (a worker outlives any one export)
            entry |= {"status": "failed", "error": f"{type(error).__name__}: {error}"}
        entry["finished_at"] = datetime.now(TIMEZONE).isoformat(timespec="seconds")
        record_run(archive, entry)
        run.outcomes.append(entry)
        label = f"export {kind} {period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}{f' {unit}' if unit else ''}"
        say(f"{label}: {entry['status']}" + (f": {entry['error']}" if entry.get("error") else f" → {folder}"))
    removed = prune(archive, config.retention_days, today)
    if removed:
        say(f"exports: removed {len(removed)} archive folder(s) older than {config.retention_days} days")
    return run
