"""Page-facing reads: cached on the data version, errors turned into sentences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
import streamlit as st

from warehouse.errors import NoSnapshot, WarehouseError
from warehouse.paths import WarehousePaths
from warehouse.query import KpiFilter, kpi
from warehouse.snapshot import current_snapshot, open_snapshot


@dataclass(frozen=True)
class TableResult:
    frame: pl.DataFrame | None
    published_at: datetime | None
    message: str | None = None


def kpi_table(date_from: date, date_to: date, by: str | None) -> TableResult:
    paths = WarehousePaths.resolve()
    try:
        version = current_snapshot(paths).version
    except NoSnapshot:
        return TableResult(None, None, "Chưa có dữ liệu: hãy nạp dữ liệu (python -m ingest load ...).")
    return _kpi_table(str(paths.database), version, date_from, date_to, by)


@st.cache_data(ttl=3600, max_entries=64, show_spinner="Đang tính chỉ số…")
def _kpi_table(database: str, version: str, date_from: date, date_to: date, by: str | None) -> TableResult:
    # `version` is part of the cache key: a new snapshot is a new entry.
    try:
        with open_snapshot(WarehousePaths.resolve(database)) as (con, info):
            frame = kpi(con, KpiFilter(date_from, date_to, by=by))
        if frame.is_empty():
            return TableResult(None, info.published_at, "Chưa có hồ sơ trong kỳ này.")
        return TableResult(frame, info.published_at)
    except WarehouseError as error:
        return TableResult(None, None, str(error))


@dataclass(frozen=True)
class Freshness:
    version: str | None
    published_at: datetime | None
    # what a long ingest cycle (the first backfill) has done so far, when one is running
    progress: str | None = None


def freshness() -> Freshness:
    """The data version now published, read from the pointer file (cheap: no database)."""
    paths = WarehousePaths.resolve()
    try:
        info = current_snapshot(paths)
    except NoSnapshot:
        return Freshness(None, None)
    return Freshness(info.version, info.published_at, _progress(str(paths.database), info.version))


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _progress(database: str, version: str) -> str | None:
    try:
        with open_snapshot(WarehousePaths.resolve(database)) as (con, _info):
            row = con.execute(
                "select progress from ingest_runs where status = 'running' order by started_at desc limit 1"
            ).fetchone()
    except WarehouseError:
        return None
    return row[0] if row else None


def snapshot_label(published_at: datetime | None) -> str:
    return f"dữ liệu đến {published_at:%H:%M %d/%m/%Y}" if published_at else ""
