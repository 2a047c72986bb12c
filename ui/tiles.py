"""The overview's KPI tiles: a value, its change against the comparable previous period and
against the same period a year earlier, its target, and a sparkline, worked out from query
frames (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ui import formats
from ui.formats import Lang
from ui.labels import LOWER_IS_BETTER, RATE_KPIS, kpi_label, note_text
from warehouse import registry
from warehouse.kpi_targets import meets as meets_target
from warehouse.periods import Period
from warehouse.year_on_year import Change


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    delta: str | None
    delta_color: str  # "normal" | "inverse" | "off"
    note: str  # the target, or the split by channel
    sparkline: list[float]
    meets_target: bool | None
    year_on_year: str = ""  # "so với cùng kỳ 2024: +3,2 điểm %" (year_on_year_text)


def _value(row: dict | None, column: str) -> float | int | None:
    return None if row is None else row.get(column)


def _delta(kpi: str, now: float | int | None, before: float | int | None, lang: Lang) -> str | None:
    if now is None or before is None:
        return None
    if kpi in RATE_KPIS:
        return formats.points(now - before, lang)
    return formats.signed_count(int(now - before), lang)


def tile(
    kpi: str,
    current: dict | None,
    previous: dict | None,
    trend: pl.DataFrame | None,
    lang: Lang,
    *,
    label: str | None = None,
    note: str | None = None,
    year_on_year: str = "",
) -> Tile:
    """`current` is a row of `kpi(..., targets=)`: its `<kpi>_target` is the target that applies."""
    now, before = _value(current, kpi), _value(previous, kpi)
    target = _value(current, registry.target_column(kpi))
    is_rate = kpi in RATE_KPIS
    if target is not None:
        sign = "≤" if kpi in LOWER_IS_BETTER else "≥"
        shown = formats.measure(kpi, target, lang)
        target_note = f"{registry.target_word(lang)} {sign} {shown}"
        meets = meets_target(kpi, now, target)
        if meets is not None:
            target_note += " · " + (
                ("đạt" if lang == "vi" else "met") if meets else ("chưa đạt" if lang == "vi" else "not met")
            )
    else:
        target_note, meets = "", None
    spark: list[float] = []
    if trend is not None and not trend.is_empty() and kpi in trend.columns:
        values = trend[kpi].to_list()
        spark = [round(v * 100, 1) if is_rate else v for v in values if v is not None]
    return Tile(
        key=kpi,
        label=label or kpi_label(kpi, lang),
        value=formats.measure(kpi, now, lang),
        delta=_delta(kpi, now, before, lang),
        delta_color="inverse" if kpi in LOWER_IS_BETTER else "normal",
        note=" · ".join(part for part in (note, target_note) if part),
        sparkline=spark,
        meets_target=meets,
        year_on_year=year_on_year,
    )


def year_on_year_text(change: Change, last_year: Period, lang: Lang, *, short: bool = False) -> str:
    """ "so với cùng kỳ 2024: +3,2 điểm %" (a rate), "+12,4%" (a count), or "—" with the
    reason when the unit is not comparable; `short` (the wall) leaves the reason out."""
    year = last_year.start.year
    whole_year = last_year.kind == "year" and last_year.is_whole
    if lang == "vi":
        head = f"so với năm {year}" if whole_year else f"so với cùng kỳ {year}"
    else:
        head = f"vs {year}" if whole_year else f"vs same period {year}"
    return f"{head}: {change_text(change, lang, reason=not short)}"


def change_text(change: Change, lang: Lang, *, reason: bool = True) -> str:
    """A year-on-year change: "+3,2 điểm %" (a rate), "+12,4%" (a count), "—", or "— (không
    so sánh được: …)" with the reason the unit is not comparable."""
    if change.value is None:
        why = note_text(change.note, lang) if reason else ""
        return f"— ({'không so sánh được' if lang == 'vi' else 'not comparable'}: {why})" if why else "—"
    if change.kpi in RATE_KPIS:
        return formats.points(change.value, lang)
    sign = "+" if change.value > 0 else "-" if change.value < 0 else "±"
    return f"{sign}{formats.rate(abs(change.value), lang)}"


def channel_note(row: dict | None, lang: Lang) -> str:
    if row is None:
        return ""
    parts = (
        ("trực tuyến" if lang == "vi" else "online", row.get("received_online")),
        ("trực tiếp" if lang == "vi" else "in person", row.get("received_direct")),
        ("bưu chính" if lang == "vi" else "post", row.get("received_postal")),
    )
    return " · ".join(f"{name} {formats.count(value, lang)}" for name, value in parts if value is not None)


def ranked(frame: pl.DataFrame, kpi: str, *, worst: bool, count: int = 5, min_dossiers: int = 10) -> pl.DataFrame:
    """The `count` worst (or best) units on `kpi`, among units with at least `min_dossiers`
    behind the rate (a commune with two dossiers is not the province's worst)."""
    eligible = frame.filter(pl.col(kpi).is_not_null())
    if kpi in RATE_KPIS:
        # the dossiers behind a rate are its denominator (the frame carries the parts of rates)
        basis = pl.sum_horizontal(registry.measure(kpi).denominator)
        eligible = eligible.filter(basis >= min_dossiers)
    bad_first = kpi not in LOWER_IS_BETTER  # ascending puts the worst first for "higher is better"
    ordered = eligible.sort([kpi, "unit_name"], descending=[not bad_first, False])
    if not worst:
        ordered = eligible.sort([kpi, "unit_name"], descending=[bad_first, False])
    return ordered.head(count)
