"""Scheduled snapshots: which period a run covers, where it is archived, how long it is kept.

A run is dated by its local day in Asia/Ho_Chi_Minh (DESIGN §4), whatever the server's
clock zone: 06:30 on 23 November in Hà Nội is 23:30 UTC on the 22nd, and the daily
run then covers the 22nd. Weeks run Monday to Sunday.

The archive:

    <archive>/2026-11-23/day-2026-11-22/{briefing.pdf, form_06a.xlsx, ..., manifest.json}
    <archive>/2026-11-23/week-2026-11-16/...
    <archive>/2026-12-01/month-2026-11-dai-tu/...
    <archive>/runs.jsonl                       one line per scheduled run, failed ones too
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from warehouse.periods import Period, preset, today_in_vietnam

# config kind → the period preset it covers
SCHEDULED = {"daily": "yesterday", "weekly": "last_week", "monthly": "last_month"}
RUN_LOG = "runs.jsonl"
MANIFEST = "manifest.json"


def period_for(kind: str, moment: datetime) -> Period:
    """The period a run of `kind` ("daily" | "weekly" | "monthly") at `moment` covers."""
    return preset(SCHEDULED[kind], today_in_vietnam(moment))


def slug(period: Period, unit: str | None = None) -> str:
    """A folder name that sorts and says what is inside: month-2026-11, week-2026-11-16-dai-tu."""
    if period.kind == "month":
        name = f"month-{period.start:%Y-%m}"
    elif period.kind == "quarter":
        name = f"quarter-{period.start.year}-Q{(period.start.month - 1) // 3 + 1}"
    elif period.kind == "year":
        name = f"year-{period.start.year}"
    elif period.kind in ("day", "week"):
        name = f"{period.kind}-{period.start.isoformat()}"
    else:
        name = f"range-{period.start.isoformat()}-{period.end.isoformat()}"
    return f"{name}-{unit_slug(unit)}" if unit else name


def unit_slug(unit: str) -> str:
    folded = unicodedata.normalize("NFD", unit.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "unit"


def archive_folder(archive: Path, run_day: date, period: Period, unit: str | None = None) -> Path:
    return archive / run_day.isoformat() / slug(period, unit)


def _run_day(folder: Path) -> date | None:
    try:
        return date.fromisoformat(folder.name)
    except ValueError:
        return None


def prune(archive: Path, retention_days: int, today: date) -> list[Path]:
    """Delete the date folders older than `retention_days` days; 0 or less keeps everything.

    Only folders named YYYY-MM-DD are touched: anything else a person put there stays.
    """
    if retention_days <= 0 or not archive.is_dir():
        return []
    oldest_kept = today - timedelta(days=retention_days)
    removed = []
    for folder in sorted(archive.iterdir()):
        day = _run_day(folder)
        if folder.is_dir() and day is not None and day < oldest_kept:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@dataclass(frozen=True)
class Archived:
    """One snapshot folder of the archive, as the Báo cáo page lists it."""

    run_day: date
    folder: Path
    manifest: dict

    @property
    def files(self) -> list[Path]:
        return [self.folder / name for name in self.manifest.get("files", []) if (self.folder / name).is_file()]


def list_archive(archive: Path) -> list[Archived]:
    """Complete snapshots (those with a manifest, written last), newest run day first."""
    found: list[Archived] = []
    if not archive.is_dir():
        return found
    for day_folder in archive.iterdir():
        day = _run_day(day_folder)
        if day is None or not day_folder.is_dir():
            continue
        for folder in day_folder.iterdir():
            try:
                manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            found.append(Archived(day, folder, manifest))
    return sorted(found, key=lambda a: (a.run_day, a.manifest.get("made_at", "")), reverse=True)


def record_run(archive: Path, entry: dict) -> None:
    """Append one run to the archive's run log (JSON lines; one short append per run)."""
    archive.mkdir(parents=True, exist_ok=True)
    with (archive / RUN_LOG).open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")


def read_runs(archive: Path, limit: int = 50) -> list[dict]:
    try:
        lines = (archive / RUN_LOG).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    runs = []
    for line in lines[-limit:]:
        try:
            runs.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by a crash: the others still read
    return list(reversed(runs))
