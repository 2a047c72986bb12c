"""Plotly figures from query frames: one palette, targets as lines, no `st.*` in here.

The palette is Okabe–Ito (safe for the common colour-vision deficiencies); good and
bad are blue and vermillion, never red and green.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from ui import formats
from ui.formats import Lang
from ui.labels import LOWER_IS_BETTER, RATE_KPIS, kpi_label

BLUE, ORANGE, SKY, GREEN, YELLOW, VERMILLION, PURPLE, GREY = (
    "#0072B2", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#D55E00", "#CC79A7", "#999999",
)
SERIES = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION)
GOOD, BAD = BLUE, VERMILLION


def _layout(figure: go.Figure, *, dark: bool, height: int, font_size: int, scale: float = 1.0) -> go.Figure:
    """The common look. `scale`: the wall's screen against 1920×1080 (margins and lines
    grow with the type, so that 4K draws what 1080p draws, twice as large)."""
    figure.update_layout(
        template="plotly_dark" if dark else "plotly_white",
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        height=height,
        margin={"l": round(10 * scale), "r": round(10 * scale), "t": round(40 * scale), "b": round(10 * scale)},
        # Explicit on dark: the wall draws with theme=None, so nothing else sets a light text colour.
        font={"size": font_size, **({"color": "#f2f4f8"} if dark else {})},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font_size": font_size},
    )
    return figure


def trend(
    frame: pl.DataFrame, kpis: list[str], targets: dict[str, float | None], lang: Lang,
    *, dark: bool = False, height: int = 380, font_size: int = 14, scale: float = 1.0,
) -> go.Figure:
    """Monthly rates as lines, each with its target as a dashed line of the same colour."""
    figure = go.Figure()
    months = frame["period_start"].to_list()
    labels = [formats.month(m, lang) for m in months]
    for colour, kpi in zip(SERIES, kpis):
        values = frame[kpi].to_list()
        figure.add_trace(go.Scatter(
            x=labels, y=[v * 100 if v is not None else None for v in values], name=kpi_label(kpi, lang),
            mode="lines+markers", line={"color": colour, "width": 3},
            hovertext=[formats.rate(v, lang) for v in values], hoverinfo="text+name",
        ))
        target = targets.get(kpi)
        if target is not None:
            figure.add_trace(go.Scatter(
                x=labels, y=[target * 100] * len(labels), mode="lines",
                name=f"{'Chỉ tiêu' if lang == 'vi' else 'Target'} {formats.rate(target, lang, 0)}",
                line={"color": colour, "width": 2, "dash": "dash"}, hoverinfo="skip",
            ))
    figure.update_yaxes(ticksuffix="%", rangemode="normal")
    figure.update_xaxes(type="category")
    return _layout(figure, dark=dark, height=height, font_size=font_size, scale=scale)


def ranking(
    frame: pl.DataFrame, kpi: str, target: float | None, lang: Lang, *, title: str,
    dark: bool = False, height: int = 320, font_size: int = 14, scale: float = 1.0,
) -> go.Figure:
    """Units as horizontal bars on one KPI, coloured by whether they meet the target."""
    is_rate = kpi in RATE_KPIS
    lower_better = kpi in LOWER_IS_BETTER
    values = frame[kpi].to_list()
    names = frame["unit_name"].to_list()

    def meets(value: float | None) -> bool:
        if value is None or target is None:
            return True
        return value <= target if lower_better else value >= target

    figure = go.Figure(go.Bar(
        x=[(v * 100 if is_rate else v) if v is not None else 0 for v in values],
        y=names, orientation="h",
        marker_color=[GOOD if meets(v) else BAD for v in values],
        text=[formats.rate(v, lang) if is_rate else formats.count(v, lang) for v in values],
        textposition="auto", hoverinfo="y+text",
    ))
    if target is not None and (is_rate or target > 0):
        figure.add_vline(x=target * 100 if is_rate else target, line_dash="dash", line_color=GREY, line_width=2)
    figure.update_yaxes(autorange="reversed")
    if is_rate:
        figure.update_xaxes(ticksuffix="%")
    figure.update_layout(title={"text": title, "font": {"size": font_size + 2}})
    return _layout(figure, dark=dark, height=height, font_size=font_size, scale=scale)


def channels(frame: pl.DataFrame, lang: Lang, *, dark: bool = False, height: int = 300, font_size: int = 14) -> go.Figure:
    """Received dossiers by channel and month, stacked."""
    figure = go.Figure()
    labels = [formats.month(m, lang) for m in frame["period_start"].to_list()]
    for colour, column in zip((BLUE, ORANGE, GREY), ("received_online", "received_direct", "received_postal")):
        figure.add_trace(go.Bar(x=labels, y=frame[column].to_list(), name=kpi_label(column, lang), marker_color=colour))
    figure.update_layout(barmode="stack")
    figure.update_xaxes(type="category")
    return _layout(figure, dark=dark, height=height, font_size=font_size)

