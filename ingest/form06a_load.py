"""Loading a parsed form 06a: resolve its unit, store its rows, flag what does not add up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from ingest.form06a import COUNT_COLUMNS, Form06aError, Form06aReport, parse_form06a
from warehouse.errors import UnitLookupError
from warehouse.units import CandidateIndex, Resolution, load_candidates, normalize_name, resolve

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path


@dataclass
class Form06aLoad:
    """What loading one form 06a did; `ingest.load` copies it into the file's `FileReport`."""

    rows_loaded: int = 0
    rows_quarantined: int = 0
    reasons: list[tuple[str, int]] = field(default_factory=list)  # (reason, count), the first 8
    notes: list[str] = field(default_factory=list)


def load_form06a(con: duckdb.DuckDBPyConnection, path: Path, file_id: int) -> Form06aLoad:
    form = parse_form06a(path)
    report = Form06aLoad()
    # Normalising every unit name once per report, not once per row it resolves.
    candidates = CandidateIndex(load_candidates(con, units_table="stg_admin_units", agencies_table="stg_agencies"))

    agency_code, unit_code, note = _resolve(form.reporting_unit, candidates, form.period_start, form.period_end)
    if note:
        report.notes.append(f"reporting unit {note}")
    _quarantine(con, file_id, form.rejected, report)
    if not form.rows:
        # Every row rejected (a layout shifted by a column, say): this is no report, so
        # it replaces nothing; the one loaded earlier for this unit and period stays.
        report.notes.append(
            f"no good row for '{form.reporting_unit}', {form.period_start:%d/%m/%Y}–{form.period_end:%d/%m/%Y}: "
            "nothing changed (a report loaded earlier for that unit and period stays)"
        )
        return report

    # A report sent again for the same unit and period replaces the earlier one.
    same_unit = _same_unit_and_period(con, form)
    if same_unit:
        con.execute("delete from raw_form06a_rows where report_id in (select unnest(?::integer[]))", [same_unit])
        con.execute("delete from raw_form06a_reports where report_id in (select unnest(?::integer[]))", [same_unit])
        report.notes.append("replaces the report loaded earlier for the same unit and period")

    con.execute(
        "insert into raw_form06a_reports values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file_id,
            form.reporting_unit,
            form.receiving_unit,
            form.period_start,
            form.period_end,
            form.row_kind,
            agency_code,
            unit_code,
            note,
            list(form.total_mismatches),
        ],
    )
    resolved = [(None, None)] * len(form.rows)
    if form.row_kind == "unit":
        resolved = []
        for row in form.rows:
            row_agency, row_unit, row_note = _resolve(row.label, candidates, form.period_start, form.period_end)
            if row_note:
                report.notes.append(f"row {row.line} '{row.label}': {row_note}")
            resolved.append((row_agency, row_unit))
    # One insert of all rows: a statement per row took minutes for a 200,000-row form.
    rows = pl.DataFrame(
        {
            "report_id": [file_id] * len(form.rows),
            "line": [row.line for row in form.rows],
            "label": [row.label for row in form.rows],
            "agency_code": [agency for agency, _ in resolved],
            "unit_code": [unit for _, unit in resolved],
            **{f"c{column}": [row.counts.get(column) or 0 for row in form.rows] for column in COUNT_COLUMNS},
            "violations": [list(row.violations) for row in form.rows],
        },
        schema={
            "report_id": pl.Int32,
            "line": pl.Int32,
            "label": pl.String,
            "agency_code": pl.String,
            "unit_code": pl.String,
            **{f"c{column}": pl.Int64 for column in COUNT_COLUMNS},
            "violations": pl.List(pl.String),
        },
    )
    con.register("form06a_rows_frame", rows)
    try:
        con.execute("insert into raw_form06a_rows by name select * from form06a_rows_frame")
    finally:
        con.unregister("form06a_rows_frame")
    flagged = sum(bool(row.violations) for row in form.rows)

    report.rows_loaded = len(form.rows)
    if flagged:
        report.notes.append(f"{flagged} row(s) break an identity of the form: loaded and flagged")
    for mismatch in form.total_mismatches:
        report.notes.append(f"total row does not match the rows: {mismatch}")
    report.notes.append(
        f"unit '{form.reporting_unit}', period {form.period_start:%d/%m/%Y}–{form.period_end:%d/%m/%Y}, rows by {form.row_kind}"
    )
    return report


def lost_to_a_report_with_no_row(con: duckdb.DuckDBPyConnection, path: Path, file_id: int) -> bool:
    """Whether an earlier load of this file no longer counts because a later report of its
    unit and period with no row replaced it.

    Before a form with every row rejected stopped replacing anything, such a re-send
    wiped the good report, and the good file was then refused as already loaded. Loading
    it again must restore it, so for such a file "already loaded" does not apply.
    """
    if con.execute("select report_id from raw_form06a_reports where report_id = ?", [file_id]).fetchall():
        return False
    try:
        form = parse_form06a(path)
    except Form06aError:
        return False
    standing = _same_unit_and_period(con, form)
    return not con.execute(
        "select report_id from raw_form06a_rows where report_id in (select unnest(?::integer[])) limit 1", [standing]
    ).fetchall()


def _same_unit_and_period(con: duckdb.DuckDBPyConnection, form: Form06aReport) -> list[int]:
    return [
        report_id
        for report_id, unit in con.execute(
            "select report_id, reporting_unit from raw_form06a_reports where period_start = ? and period_end = ?",
            [form.period_start, form.period_end],
        ).fetchall()
        if normalize_name(unit) == normalize_name(form.reporting_unit)
    ]


def _quarantine(
    con: duckdb.DuckDBPyConnection, file_id: int, rejected: tuple[tuple[int, str], ...], report: Form06aLoad
) -> None:
    frame = pl.DataFrame(
        {"line": [line for line, _ in rejected], "reason": [reason for _, reason in rejected]},
        schema={"line": pl.Int64, "reason": pl.String},
    )
    con.register("form06a_rejected_frame", frame)
    try:
        con.execute(
            "insert into quarantine select ?, 'form06a', line, reason, null from form06a_rejected_frame", [file_id]
        )
    finally:
        con.unregister("form06a_rejected_frame")
    report.rows_quarantined = len(rejected)
    report.reasons = [(reason, 1) for _, reason in rejected][:8]


def _resolve(
    text: str, candidates: CandidateIndex, period_start: date, period_end: date
) -> tuple[str | None, str | None, str | None]:
    """(agency code, unit code, note): an official unit is also matched to the one agency serving it."""
    try:
        found: Resolution = resolve(text, candidates, period_start, period_end)
    except UnitLookupError as error:
        return None, None, f"not resolved: {error}"
    if found.agency_codes:
        return found.agency_codes[0], None, None
    unit_code = found.unit_codes[0]
    serving = [
        c.code
        for c in candidates.candidates
        if c.kind == "agency" and c.unit_code == unit_code and c.level == found.level
    ]
    return (serving[0] if len(serving) == 1 else None), unit_code, None
