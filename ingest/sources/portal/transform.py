"""Pure functions from the portal's answers to contract frames (no I/O, no state)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
# Feed bookkeeping, not part of the export contract: kept out of raw `_extra`.
FEED_COLUMNS = ("updated_at",)
VERSION = "_version"  # a record's `updated_at`, parsed; null when absent or unreadable


def records_to_frame(records: list[dict], keep: tuple[str, ...] = ()) -> pl.DataFrame:
    """Change-feed records as text columns, as the loader reads every export.

    Everything is text so that the loader's validation, not JSON typing, decides what a
    value means ("2", 2 and 2.0 are the same channel; a bad date is quarantined there).
    """
    if not records:
        return pl.DataFrame()
    columns = list(dict.fromkeys(key for record in records for key in record))
    frame = pl.DataFrame(
        {column: [_text(record.get(column)) for record in records] for column in columns},
        schema={column: pl.String for column in columns},
    )
    return frame.drop([c for c in FEED_COLUMNS if c in frame.columns and c not in keep])


def newest_versions(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """One row per `key`: the newest by `updated_at` (a tie: the later row), with `_version`.

    A row without a readable `updated_at` has no version: it loses to any row that has
    one, and among such rows the later wins, as in a file.
    """
    if frame.is_empty() or key not in frame.columns:
        return frame.with_columns(pl.lit(None, pl.Datetime("us")).alias(VERSION))
    times = frame["updated_at"] if "updated_at" in frame.columns else pl.Series([None] * frame.height, dtype=pl.String)
    versions = pl.Series(VERSION, [parse_local(text) for text in times.to_list()], dtype=pl.Datetime("us"))
    return (
        frame.with_columns(versions)
        .with_row_index("_order")
        .sort([VERSION, "_order"], nulls_last=False)
        .unique(subset=[key], keep="last", maintain_order=True)
        .sort("_order")
        .drop("_order")
    )


def parse_local(text: str | None) -> datetime | None:
    """An ISO 8601 time as local (Asia/Ho_Chi_Minh) time without an offset; None if unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(LOCAL).replace(tzinfo=None) if moment.tzinfo else moment


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
