"""Which target a KPI figure is held to (DESIGN §4), in one place.

The target of a figure is that of the level its dossiers come from: a commune's figures
take the commune target, a level filter that level's, and a mix of levels (the whole
province, a pre-reform district with its communes) `all`; by the year of the figure's
last day, falling back to earlier years (`Targets.target`). `query.kpi(..., targets=)`
applies it to every row, and the wall, the explorer, the ranking, the briefing, the
XLSX and `kpi --with-targets` all read the `<name>_target` columns it adds.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from warehouse import registry
from warehouse.targets import Targets

ALL_LEVELS = "all"


def target_level(level_filter: str | None, unit_level: str | None, *, one_level: bool = False) -> str:
    """The level whose targets apply.

    `unit_level` is the level of the unit the figure is about (None: the whole province);
    `one_level` says its dossiers all come from agencies of that level (an agency, or a
    unit's own agencies without the units below it). A commune has nothing below it.
    """
    if level_filter:
        return level_filter
    if unit_level and (one_level or unit_level == "commune"):
        return unit_level
    return ALL_LEVELS


def target(targets: Targets, key: str, level: str, year: int) -> float | None:
    """The target of measure `key` at `level` in `year`, or None when it has none."""
    found = registry.BY_KEY.get(key)
    if found is None or found.target is None:
        return None
    return targets.target(found.target, level, year)


def meets(key: str, value: float | None, goal: float | None) -> bool | None:
    """Whether `value` meets `goal`, the way the registry says is good (None: cannot tell)."""
    if value is None or goal is None or value != value:
        return None
    return value <= goal if registry.lower_is_better(key) else value >= goal


def with_targets(frame: pl.DataFrame, targets: Targets, levels: Sequence[str]) -> pl.DataFrame:
    """`frame` with `<name>_target` beside every measure that has a target, row by row:
    `levels[i]` is row i's target level, the year is that of its `period_end`."""
    years = [day.year for day in frame["period_end"].to_list()]
    columns: list[pl.Series | str] = []
    for column in frame.columns:
        columns.append(column)
        if column in registry.WITH_TARGETS:
            values = [target(targets, column, level, year) for level, year in zip(levels, years)]
            columns.append(pl.Series(registry.target_column(column), values, dtype=pl.Float64))
    return frame.select(columns)
