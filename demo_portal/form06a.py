"""Form 06a (Biểu số II.06a/VPCP/KSTT, Circular 01/2020/TT-VPCP) as a one-door system prints it.

Two steps, kept apart so that the arithmetic can be tested without a workbook:

- `form06a_rows` counts dossiers (contract rows, as `simulation.state_at` returns them)
  into the form's columns (3)..(13), one row per field, by the KPI definitions of
  DESIGN §4 and the column mapping of DESIGN §3;
- `write_form06a` lays those rows out in the official XLSX layout (`reports.form06a`,
  shared with the snapshot export), the one `ingest.form06a.parse_form06a` reads back.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import IO

import polars as pl

from reports.form06a import FormRow, FormSheet
from reports.form06a import write_form06a as write_official_form

__all__ = ["FORM_COLUMNS", "form06a_rows", "write_form06a"]

# Column number on the form → column of `form06a_rows`.
FORM_COLUMNS: dict[int, str] = {
    3: "to_handle",
    4: "received_online",
    5: "received_direct",
    6: "carried_over",
    7: "resolved",
    8: "resolved_early",
    9: "resolved_on_time",
    10: "resolved_late",
    11: "pending",
    12: "pending_within_due",
    13: "pending_overdue",
}

ONLINE = "2"
NOT_COUNTED_STATUSES = ("1", "3")  # new (not yet accepted) and refused: in no column


# ------------------------------------------------------------------------ counting


def _day(column: str) -> pl.Expr:
    # yyyyMMddHHmmss in local time: the calendar date is its first eight digits.
    return pl.col(column).str.slice(0, 8).str.to_date("%Y%m%d", strict=False)


def _flags(date_from: date, date_to: date) -> list[pl.Expr]:
    """One boolean per counted column, for one dossier."""
    received, due, finished = pl.col("_received"), pl.col("_due"), pl.col("_finished")
    in_period = received.is_between(date_from, date_to)
    # Still open at the start of date_from: finishing on date_from itself is in the period.
    carried = (received < date_from) & (finished.is_null() | (finished >= date_from))
    to_handle = in_period | carried
    resolved = to_handle & finished.is_between(date_from, date_to)
    # Late wins over early: two supplement requests make a dossier late whatever its dates.
    late = resolved & ((finished > due).fill_null(False) | (pl.col("_supplements") > 1))
    early = resolved & ~late & (finished < due).fill_null(False)
    pending = to_handle & (finished.is_null() | (finished > date_to))
    overdue = pending & (due < date_to).fill_null(False)
    online = pl.col("KenhThucHien").fill_null("") == ONLINE
    return [
        to_handle.alias("to_handle"),
        (in_period & online).alias("received_online"),
        # In person (1 or empty) and postal (3) share one column on the form.
        (in_period & ~online).alias("received_direct"),
        carried.alias("carried_over"),
        resolved.alias("resolved"),
        early.alias("resolved_early"),
        (resolved & ~late & ~early).alias("resolved_on_time"),
        late.alias("resolved_late"),
        pending.alias("pending"),
        (pending & ~overdue).alias("pending_within_due"),
        overdue.alias("pending_overdue"),
    ]


def _sort_key(column: str) -> pl.Expr:
    # Byte order would put every "Đ…" field after "Y tế"; a reader looks for it under D.
    return (
        pl.col(column)
        .str.normalize("NFD")
        .str.replace_all(r"\p{M}", "")
        .str.replace_all("[đĐ]", "d")
        .str.to_lowercase()
    )


def _field_names(procedures: pl.DataFrame) -> pl.DataFrame:
    """The catalogue's name of each field: a dossier may carry an older spelling."""
    return (
        procedures.select("MaLinhVuc", pl.col("TenLinhVuc").alias("_catalogue_name"))
        .drop_nulls("MaLinhVuc")
        .unique("MaLinhVuc", keep="first", maintain_order=True)
    )


def form06a_rows(
    state: pl.DataFrame, agency_codes: list[str], date_from: date, date_to: date, procedures: pl.DataFrame
) -> pl.DataFrame:
    """Columns (3)..(13) of form 06a per field for the dossiers of `agency_codes`.

    `state` holds contract rows (strings, timestamps `yyyyMMddHHmmss` in local time).
    Returns `MaLinhVuc`, `TenLinhVuc` and the `FORM_COLUMNS` counts (Int64), one row
    per field with at least one dossier to handle, sorted by field name (diacritics
    folded). The name is the catalogue's (`procedures`), else the dossiers' own.
    """
    columns = list(FORM_COLUMNS.values())
    return (
        state.lazy()
        .filter(
            pl.col("MaDonVi").is_in(agency_codes), ~pl.col("TrangThaiHoSo").is_in(NOT_COUNTED_STATUSES).fill_null(False)
        )
        .with_columns(
            _received=_day("NgayTiepNhan"),
            _due=_day("NgayHenTra"),
            _finished=_day("NgayKetThucXuLy"),
            _supplements=pl.col("SoLanBoSung").cast(pl.Int64, strict=False).fill_null(0),
        )
        .select("MaLinhVuc", "TenLinhVuc", *_flags(date_from, date_to))
        .filter(pl.col("to_handle"))
        .group_by("MaLinhVuc")
        .agg(pl.col("TenLinhVuc").first(), *(pl.col(c).sum().cast(pl.Int64) for c in columns))
        .join(_field_names(procedures).lazy(), on="MaLinhVuc", how="left")
        .with_columns(TenLinhVuc=pl.coalesce("_catalogue_name", "TenLinhVuc", "MaLinhVuc"))
        .select("MaLinhVuc", "TenLinhVuc", *columns)
        .sort(_sort_key("TenLinhVuc"), "MaLinhVuc")
        .collect()
    )


# ------------------------------------------------------------------------ workbook


def write_form06a(
    rows: pl.DataFrame, reporting_unit: str, date_from: date, date_to: date, target: str | Path | IO[bytes]
) -> None:
    """Write `form06a_rows` output as the official form, on the workbook's first sheet.

    The layout is `reports.form06a`'s, the one the snapshot export writes too.
    `reporting_unit` is the agency's own name (TenDonVi), so that a loader resolves the
    file to that agency.
    """
    columns = list(FORM_COLUMNS.values())
    form_rows = [
        FormRow(label, tuple(int(value or 0) for value in counts))
        for label, *counts in rows.select("TenLinhVuc", *columns).iter_rows()
    ]
    write_official_form([FormSheet("Biểu 06a", "field", form_rows)], reporting_unit, date_from, date_to, target)
