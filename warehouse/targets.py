"""Targets per KPI, level and year (config/targets.toml).

Targets are configuration, not data (DESIGN §4): a province edits the file, the tiles,
charts and reports follow. `$IOC_TARGETS` points at another file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "config" / "targets.toml"
Direction = Literal["higher", "lower"]


@dataclass(frozen=True)
class Targets:
    # kpi → level ("all" | province | district | commune) → year → target
    values: dict[str, dict[str, dict[int, float]]]
    # as the file says; which way is good is the registry's (kpi_targets.meets)
    directions: dict[str, Direction]
    holidays: tuple[date, ...]  # legacy `[calendar] holidays`: provincial days off (warehouse/calendar.py)

    def target(self, kpi: str, level: str | None, year: int) -> float | None:
        """The target for `year`, or the latest earlier year's; a level without one falls
        back to "all". Which level applies to a figure is `kpi_targets.target_level`'s rule."""
        by_level = self.values.get(kpi, {})
        for key in (level, "all") if level else ("all",):
            earlier = [y for y in by_level.get(key, {}) if y <= year]
            if earlier:
                return by_level[key][max(earlier)]
        return None


@cache
def _load(path: str, mtime: float) -> Targets:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    values: dict[str, dict[str, dict[int, float]]] = {}
    directions: dict[str, Direction] = {}
    for kpi, spec in data.get("kpi", {}).items():
        directions[kpi] = spec.get("direction", "higher")
        values[kpi] = {
            level: {int(year): float(value) for year, value in years.items()}
            for level, years in spec.items()
            if isinstance(years, dict)
        }
    holidays = tuple(sorted(date.fromisoformat(d) for d in data.get("calendar", {}).get("holidays", [])))
    return Targets(values, directions, holidays)


def load_targets(path: Path | None = None) -> Targets:
    path = path or targets_file()
    return _load(str(path), path.stat().st_mtime)


def targets_file() -> Path:
    return Path(os.environ.get("IOC_TARGETS") or DEFAULT_FILE)
