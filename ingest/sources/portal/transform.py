"""Pure functions from the portal's answers to contract frames (no I/O, no state)."""

from __future__ import annotations

import polars as pl

# Feed bookkeeping, not part of the export contract: kept out of raw `_extra`.
FEED_COLUMNS = ("updated_at",)


def records_to_frame(records: list[dict]) -> pl.DataFrame:
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
    return frame.drop([c for c in FEED_COLUMNS if c in frame.columns])


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
