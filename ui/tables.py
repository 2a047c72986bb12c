"""Tables as people read them: labelled columns, Vietnamese numbers and dates, rates
shaded against their targets; and the same table as CSV and Excel.

Two ways to draw, chosen by size. Up to `STYLED_MAX_ROWS` rows a pandas Styler carries
each cell's text as Babel writes it (4.930, 56,8%) beside its value, so sorting a column
still sorts numbers. A Styler formats cell by cell in Python (about 20 µs each: 5,000
dossiers × 8 columns was 3 s of a page's run), so longer lists, which are lists of
dossiers with codes, dates and small counts, go as native columns: dates through the
grid's own day-first format, labels mapped in one polars expression.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl
import streamlit as st

from reports import extracts
from ui import formats
from ui.data import data_state
from ui.formats import Lang
from ui.i18n import lang
from ui.labels import POINT_COLUMNS, RATE_KPIS, VALUE_LABELS, kpi_label, label, note_text
from warehouse import kpi_targets, registry
from warehouse.targets import Targets

STYLED_MAX_ROWS = 500
GOOD_CELL = "background-color: rgba(0, 114, 178, 0.22)"
BAD_CELL = "background-color: rgba(213, 94, 0, 0.32)"
# Columns holding codes that a label in the reader's language stands for.
LABELLED = VALUE_LABELS


def is_rate(column: str) -> bool:
    return column in RATE_KPIS or column.endswith("_rate")


def names_of(column: str, language: Lang) -> dict[str, str]:
    """code → label for a LABELLED column."""
    return {code: label(LABELLED[column], code, language) for code in LABELLED[column]}


def table(
    frame: pl.DataFrame,
    targets: Targets | None = None,
    level: str | None = None,
    year: int | None = None,
    **options: object,
):
    """Show `frame` with st.dataframe; `options` (a key, on_select...) are passed on."""
    language = lang()
    # Shading against targets needs the Styler, however long the table.
    if frame.height <= STYLED_MAX_ROWS or targets is not None or _goals(frame):
        return st.dataframe(styled(frame, language, targets, level, year), hide_index=True, **options)
    shown, config = native(frame, language)
    return st.dataframe(shown, hide_index=True, column_config=config, **options)


def formatter(column: str, dtype: pl.DataType, language: Lang) -> Callable[[object], str]:
    """How one column's cells are written, decided once per column rather than per cell."""
    if is_rate(column):  # (a rate written out already, with "—" for none, stays as it is)
        return lambda v: v if isinstance(v, str) else formats.rate(v, language)  # type: ignore[arg-type]
    if column == "note":
        return lambda v: note_text(v, language)  # type: ignore[arg-type]
    # points (one decimal); a column with gaps is text already ("—", by _missing_as_dash)
    if column in POINT_COLUMNS:
        return lambda v: v if isinstance(v, str) else formats.score(v, language)  # type: ignore[arg-type]
    if column == "difference":
        return lambda v: v if isinstance(v, str) else formats.signed_score(v, language)  # type: ignore[arg-type]
    if column in LABELLED:
        names = names_of(column, language)
        return lambda v: formats.MISSING if v is None else names.get(str(v), str(v))
    if dtype == pl.Boolean:
        return lambda v: "✓" if v else ""
    if dtype.is_numeric():
        return lambda v: formats.MISSING if v is None or v != v else formats.count(v, language)  # type: ignore[arg-type]
    if isinstance(dtype, pl.Datetime):  # a run's or a file's time: 14:05 21/11/2026
        return lambda v: formats.moment(v, language)  # type: ignore[arg-type]
    if dtype == pl.Date:
        return lambda v: formats.day(v, language)  # type: ignore[arg-type]
    return lambda v: formats.MISSING if v is None else str(v)


def styled(
    frame: pl.DataFrame,
    language: Lang,
    targets: Targets | None = None,
    level: str | None = None,
    year: int | None = None,
):
    """A pandas Styler: labelled columns, each cell's text, rates shaded against their targets
    (blue: meets it; vermillion: below it; Okabe–Ito, safe for colour-blind readers).

    Each row's targets are its `<rate>_target` columns (`kpi(..., targets=)`: a commune's
    row and a district's may differ), which are not shown; without them, `targets` at
    `level` (None: all levels) in `year`."""
    goals = _goals(frame)
    frame = frame.drop([registry.target_column(column) for column in goals])
    if not goals and targets is not None and year is not None:
        goals = {
            column: [kpi_targets.target(targets, column, level or kpi_targets.ALL_LEVELS, year)] * frame.height
            for column in frame.columns
            if column in RATE_KPIS
        }
    frame = _missing_as_dash(frame, language)
    pandas = frame.to_pandas()
    labels = [kpi_label(column, language) for column in frame.columns]
    pandas.columns = labels
    styler = pandas.style.format(
        {shown: formatter(column, dtype, language) for shown, (column, dtype) in zip(labels, frame.schema.items())},
        na_rep=formats.MISSING,
    )
    for shown, column in zip(labels, frame.columns):
        if column in goals:
            styler = styler.apply(
                lambda cells, c=column: [_shade(c, v, t) for v, t in zip(cells, goals[c])], subset=[shown], axis=0
            )
    return styler.hide(axis="index")


def _missing_as_dash(frame: pl.DataFrame, language: Lang) -> pl.DataFrame:
    """The grid draws a missing cell as "None" whatever the Styler says: a missing text is
    "—", and a date, time or count column with gaps becomes its text (a run still running
    has no end and no rows yet). Rates keep their numbers, to sort by."""
    gappy = [
        c
        for c, t in frame.schema.items()
        if t == pl.String
        or ((t in (pl.Date, pl.Datetime) or (t.is_numeric() and not is_rate(c))) and frame[c].has_nulls())
    ]
    return frame.with_columns(
        pl.col(c)
        .map_elements(formatter(c, frame.schema[c], language), return_dtype=pl.String, skip_nulls=False)
        .fill_null(formats.MISSING)
        if frame.schema[c] != pl.String
        else pl.col(c).fill_null(formats.MISSING)
        for c in gappy
    )


def _goals(frame: pl.DataFrame) -> dict[str, list[float | None]]:
    """rate → each row's target, from the frame's `<rate>_target` columns."""
    return {
        column: frame[registry.target_column(column)].to_list()
        for column in frame.columns
        if column in RATE_KPIS and registry.target_column(column) in frame.columns
    }


def _shade(column: str, value: float | None, goal: float | None) -> str:
    met = kpi_targets.meets(column, value, goal)
    return "" if met is None else GOOD_CELL if met else BAD_CELL


def native(frame: pl.DataFrame, language: Lang) -> tuple[pl.DataFrame, dict[str, object]]:
    """A long list as native columns: labels mapped, rates written out, dates day-first.

    Rates become text here (sorted as text): long lists are lists of dossiers, which
    carry none; a table of rates against targets always takes the Styler."""
    columns, config = [], {}
    for column, dtype in frame.schema.items():
        shown = kpi_label(column, language)
        expression = pl.col(column)
        if column in LABELLED:
            expression = expression.cast(pl.String).replace(names_of(column, language)).fill_null(formats.MISSING)
        elif is_rate(column):
            expression = expression.map_elements(lambda v: formats.rate(v, language), return_dtype=pl.String).fill_null(
                formats.MISSING
            )
        elif frame[column].has_nulls() and (dtype in (pl.Date, pl.Datetime) or dtype.is_numeric()):
            # the grid would draw "None": a column with gaps is its text, "—" for nothing
            expression = expression.map_elements(
                formatter(column, dtype, language), return_dtype=pl.String, skip_nulls=False
            ).fill_null(formats.MISSING)
        elif isinstance(dtype, pl.Datetime):
            config[shown] = st.column_config.DatetimeColumn(format="HH:mm DD/MM/YYYY")
        elif dtype == pl.Date:
            config[shown] = st.column_config.DateColumn(format="DD/MM/YYYY")
        elif dtype == pl.String:  # the grid writes a missing text as "None"
            expression = expression.fill_null(formats.MISSING)
        columns.append(expression.alias(shown))
    return frame.select(columns), config


def localized(frame: pl.DataFrame, language: Lang) -> pl.DataFrame:
    """Column headers and coded values (levels, channels, states) in the reader's language,
    for files people open in Excel."""
    return extracts.labelled(frame, language)


def csv_bytes(frame: pl.DataFrame) -> bytes:
    # The BOM makes Excel read the file as UTF-8: Vietnamese stays intact.
    return "\ufeff".encode() + frame.write_csv().encode("utf-8")


def xlsx_bytes(frame: pl.DataFrame, sheet: str, language: Lang | None = None, caption: Sequence[str] = ()) -> bytes:
    """`frame` as one sheet: codes as text cells, counts and rates as numbers (rates shown as
    percentages), dates as dates. With `language`, `frame` has the data's column names and is
    labelled here (rates are known by their names); without, it is written as it is."""
    return extracts.xlsx_bytes(frame, language, sheet, caption)


def downloads(frame: pl.DataFrame, name: str, key: str) -> None:
    """CSV (UTF-8 with BOM) and XLSX of exactly this table, headings and values labelled in
    the reader's language, made only when clicked: writing an Excel file of 5,000 rows on
    every rerun cost over a second. The XLSX says above the table which data version it
    was made from; the CSV stays a bare table, for whatever reads it next."""
    language = lang()
    state = data_state()
    caption = [extracts.data_line(state.published_at, state.version, language)] if state.version else []
    left, right, _ = st.columns([1, 1, 6])
    left.download_button(
        "CSV",
        lambda: csv_bytes(localized(frame, language)),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        "Excel",
        lambda: xlsx_bytes(frame, name, language, caption),
        file_name=f"{name}.xlsx",
        key=f"{key}-xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
    )


def target_columns(frame: pl.DataFrame, columns: tuple[str, ...] | list[str]) -> list[str]:
    """The `<rate>_target` columns `frame` carries for `columns`: put beside them, they shade
    the rates and go into the downloads (`kpi(..., targets=)`)."""
    return [registry.target_column(c) for c in columns if registry.target_column(c) in frame.columns]
