"""`[exports]` of the sources file: the snapshot exports the worker makes on schedule (issue 5).

    # config/sources.toml (or the file named by $IOC_SOURCES)
    [exports]
    daily = "07:00"
    weekly = "mon 07:00"
    monthly = "1 07:00"

The `[sources.*]` tables of the same file are read by `ingest.sources.config`; an error in
either part is a `warehouse.errors.ConfigError` (ingest calls it `SourceConfigError`).
See config/sources.example.toml for every option.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from warehouse.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "config" / "sources.toml"


_TIME = r"(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)"
_SCHEDULES = {
    "daily": re.compile(rf"^{_TIME}$"),
    "weekly": re.compile(rf"^(?P<day_of_week>mon|tue|wed|thu|fri|sat|sun)\s+{_TIME}$"),
    "monthly": re.compile(rf"^(?P<day>[1-9]|1\d|2[0-8])\s+{_TIME}$"),
}


@dataclass(frozen=True)
class ExportsConfig:
    """`[exports]`: the snapshot exports the worker makes on schedule (issue 5).

    Each schedule is local time in Asia/Ho_Chi_Minh; an empty string turns that one off.
    A daily run covers the previous day, a weekly run the previous week (Monday to
    Sunday), a monthly run the previous month.
    """

    enabled: bool = True
    daily: str = "07:00"  # "HH:MM"
    weekly: str = "mon 07:00"  # "mon..sun HH:MM"
    monthly: str = "1 07:00"  # "D HH:MM", D = 1..28
    # Where snapshots are archived, by run date; empty: "reports" beside the warehouse file.
    archive_dir: str = ""
    retention_days: int = 90  # date folders older than this are deleted; 0 keeps all
    units: tuple[str, ...] = ()  # more units (code or name) exported besides the whole province
    wall_png: bool = True  # the wall page in headless Chromium (needs Debian's chromium)
    retry_minutes: float = 15.0  # a failed export is tried again this much later...
    retry_attempts: int = 3  # ...at most this many more times

    def schedule(self, kind: str) -> dict[str, int | str] | None:
        """APScheduler cron fields for "daily" | "weekly" | "monthly", or None when turned off."""
        text = getattr(self, kind).strip().lower()
        if not text:
            return None
        match = _SCHEDULES[kind].match(text)
        assert match is not None  # checked by load_exports
        return {name: int(value) if value.isdigit() else value for name, value in match.groupdict().items()}

    def archive(self, warehouse_database: Path) -> Path:
        if not self.archive_dir:
            return warehouse_database.parent / "reports"
        path = Path(self.archive_dir).expanduser()
        return path if path.is_absolute() else ROOT / path


def load_exports(path: Path | None = None) -> ExportsConfig:
    path = path or Path(os.environ.get("IOC_SOURCES", DEFAULT_FILE))
    if not path.exists():
        return ExportsConfig()
    try:
        options = dict(tomllib.loads(path.read_text(encoding="utf-8")).get("exports") or {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    known = {f.name for f in fields(ExportsConfig)}
    unknown = set(options) - known
    if unknown:
        raise ConfigError(f"{path}: [exports] has unknown option(s) {', '.join(sorted(unknown))}")
    for kind, pattern in _SCHEDULES.items():
        text = str(options.get(kind, getattr(ExportsConfig, kind))).strip().lower()
        if text and not pattern.match(text):
            example = {"daily": "07:00", "weekly": "mon 07:00", "monthly": "1 07:00"}[kind]
            raise ConfigError(f"{path}: [exports] {kind} = {text!r} is not a time like {example!r}")
    if "units" in options:
        options["units"] = tuple(str(unit) for unit in options["units"])
    return ExportsConfig(**options)
