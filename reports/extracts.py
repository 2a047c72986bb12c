"""CSV extracts: the KPI table and the overdue list, UTF-8 with a BOM.

Excel opens a CSV without a BOM in the machine's legacy code page and turns "Cù Vân"
into mojibake; with the BOM it reads UTF-8. Columns are the `kpi --format json` names
(DESIGN §7): counts as integers, rates as unrounded fractions, dates ISO, nulls empty.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from reports.data import ReportData
from warehouse.query import COUNT_COLUMNS, KEY_COLUMNS, RATE_COLUMNS

KPI_COLUMNS = ("group_by", *KEY_COLUMNS, *COUNT_COLUMNS, *RATE_COLUMNS)


def kpi_table(data: ReportData) -> pl.DataFrame:
    """The total row first, then one row per area (when there are units below), then per field."""
    total = pl.DataFrame([data.total], schema=data.by_field.schema)
    parts = [("total", total), ("area", data.by_area), ("field", data.by_field)]
    frames = [
        frame.select(*KEY_COLUMNS, *COUNT_COLUMNS, *RATE_COLUMNS)
        .with_columns(pl.lit(group).alias("group_by"))
        .select(KPI_COLUMNS)
        for group, frame in parts if frame.height
    ]
    template = data.by_field.clear().with_columns(pl.lit(None, pl.String).alias("group_by")).select(KPI_COLUMNS)
    return pl.concat([template, *frames], how="vertical_relaxed")


def write_kpi_csv(data: ReportData, target: Path) -> None:
    _write(kpi_table(data), target)


def write_overdue_csv(data: ReportData, target: Path) -> None:
    _write(data.overdue, target)


def _write(frame: pl.DataFrame, target: Path) -> None:
    # polars writes the BOM itself; floats keep full precision (rates are fractions).
    frame.write_csv(target, include_bom=True, date_format="%Y-%m-%d", null_value="")
