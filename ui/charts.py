"""Plotly figures from query frames: one palette (ui/palette.py), targets as lines, no `st.*` in here.

The analyst's pages draw these. The overview and the wall draw Vega-Lite instead
(ui/vega_charts.py): a cold first visit there must not fetch Plotly's bundle.
"""

from __future__ import annotations

import base64
import html
from datetime import date
from html import escape

import plotly.graph_objects as go
import polars as pl

from ui import formats
from ui.formats import Lang
from ui.labels import kpi_label
from ui.palette import BAD, BLUE, GOOD, GREY, ORANGE, SERIES, SKY
from ui.partial import is_partial, partial_label
from ui.scorecard import out_of
from warehouse import registry


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
    frame: pl.DataFrame,
    kpis: list[str],
    targets: dict[str, float | None],
    lang: Lang,
    *,
    dark: bool = False,
    height: int = 380,
    font_size: int = 14,
    scale: float = 1.0,
    through: date | None = None,
) -> go.Figure:
    """Monthly rates as lines, each with its target as a dashed line of the same colour.

    `through`: the last day the figures cover (today). When the last month is still
    running on it, its point is an open marker at the end of a dotted segment, labelled
    "đến 02/12": a month two days old is not read as a collapse."""
    figure = go.Figure()
    months = frame["period_start"].to_list()
    labels = [formats.month(m, lang) for m in months]
    partial = bool(months) and is_partial(months[-1], through)
    whole = len(labels) - 1 if partial else len(labels)
    line_width, marker_size = 3 * scale, 7 * scale
    for colour, kpi in zip(SERIES, kpis):
        values = frame[kpi].to_list()
        shown = [v * 100 if v is not None else None for v in values]
        hover = [formats.rate(v, lang) for v in values]
        figure.add_trace(
            go.Scatter(
                x=labels[:whole],
                y=shown[:whole],
                name=kpi_label(kpi, lang),
                legendgroup=kpi,
                mode="lines+markers",
                line={"color": colour, "width": line_width},
                marker={"size": marker_size},
                hovertext=hover[:whole],
                hoverinfo="text+name",
            )
        )
        if partial:
            figure.add_trace(
                go.Scatter(
                    x=labels[-2:],
                    y=shown[-2:],
                    name=f"{kpi_label(kpi, lang)} ({partial_label(through, lang)})",
                    legendgroup=kpi,
                    showlegend=False,
                    mode="lines+markers",
                    line={"color": colour, "width": line_width, "dash": "dot"},
                    marker={"size": [0, marker_size * 1.6], "symbol": "circle-open", "line": {"width": 2 * scale}},
                    hovertext=["", f"{hover[-1]} ({partial_label(through, lang)})"],
                    hoverinfo="text+name",
                    meta="partial",
                )
            )
        target = targets.get(kpi)
        if target is not None:
            figure.add_trace(
                go.Scatter(
                    x=labels,
                    y=[target * 100] * len(labels),
                    mode="lines",
                    name=f"{registry.target_word(lang)} {formats.rate(target, lang, 0)}",
                    line={"color": colour, "width": 2 * scale, "dash": "dash"},
                    hoverinfo="skip",
                )
            )
    if partial:
        figure.add_annotation(
            x=labels[-1],
            y=1,
            yref="paper",
            yanchor="bottom",
            text=partial_label(through, lang),
            showarrow=False,
            font={"size": font_size},
            bgcolor="rgba(11,16,32,0.6)" if dark else "rgba(255,255,255,0.8)",
            name="partial",
        )
    figure.update_yaxes(ticksuffix="%", rangemode="normal")
    figure.update_xaxes(type="category")
    return _layout(figure, dark=dark, height=height, font_size=font_size, scale=scale)


def channels(
    frame: pl.DataFrame, lang: Lang, *, dark: bool = False, height: int = 300, font_size: int = 14
) -> go.Figure:
    """Received dossiers by channel and month, stacked."""
    figure = go.Figure()
    labels = [formats.month(m, lang) for m in frame["period_start"].to_list()]
    for colour, column in zip((BLUE, ORANGE, GREY), ("received_online", "received_direct", "received_postal")):
        figure.add_trace(go.Bar(x=labels, y=frame[column].to_list(), name=kpi_label(column, lang), marker_color=colour))
    figure.update_layout(barmode="stack")
    figure.update_xaxes(type="category")
    return _layout(figure, dark=dark, height=height, font_size=font_size)


def tile_colour(meets_target: bool | None) -> str:
    """A tile's sparkline: blue when it meets its target, vermillion when not, sky without one."""
    return SKY if meets_target is None else GOOD if meets_target else BAD


def sparkline_svg(
    values: list[float | None],
    *,
    colour: str = BLUE,
    partial: str | None = None,
    line_px: float = 2.0,
    lang: Lang = "vi",
) -> str:
    """A tile's 12-month sparkline as inline SVG (no chart library: it scales with its box).

    `partial`: the label of a last value that is a month still running ("đến 02/12"): that
    point is an open circle at the end of a dotted segment, the label under it. `line_px`:
    the line's width in CSS pixels, whatever the box's size."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    width, height, pad = 100.0, 30.0, 3.0
    low = min(v for _, v in points)
    high = max(v for _, v in points)
    span = (high - low) or 1.0
    last_index = len(values) - 1

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * i / max(last_index, 1)
        y = height - pad - (height - 2 * pad) * (v - low) / span
        return round(x, 2), round(y, 2)

    coords = [xy(i, v) for i, v in points]
    ends_partial = partial is not None and points[-1][0] == last_index
    solid = coords[:-1] if ends_partial else coords
    path = " ".join(f"{x},{y}" for x, y in solid)
    base = f"{solid[0][0]},{height} {path} {solid[-1][0]},{height}"
    parts = [
        f'<polygon points="{base}" fill="{colour}" fill-opacity="0.18" stroke="none"/>',
        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="{line_px:g}" '
        'vector-effect="non-scaling-stroke" stroke-linejoin="round"/>',
    ]
    label = ""
    if ends_partial:
        (x0, y0), (x1, y1) = coords[-2], coords[-1]
        parts.append(
            f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="{colour}" stroke-width="{line_px:g}" '
            f'stroke-dasharray="{line_px:g} {line_px * 1.5:g}" vector-effect="non-scaling-stroke" class="partial"/>'
        )
        label = f'<span class="ioc-spark-label"><i class="ioc-spark-key"></i>{escape(partial)}</span>'
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" preserveAspectRatio="none">'
        f"{''.join(parts)}</svg>"
    )
    # As an image: st.html keeps no inline <svg>, and an image stretches with its box just as well.
    alt = "12 tháng" if lang == "vi" else "12 months"
    image = (
        f'<img class="ioc-spark-line" alt="{alt}" '
        f'src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">'
    )
    marker = ""
    if ends_partial:
        # The open circle is HTML over the SVG, so that it stays round however the box stretches.
        x1, y1 = coords[-1]
        marker = (
            f'<i class="ioc-spark-open" style="left:{x1 / width * 100:.2f}%;top:{y1 / height * 100:.2f}%;'
            f'border-color:{colour}"></i>'
        )
    return (
        f'<div class="ioc-spark" data-partial="{str(ends_partial).lower()}">'
        f'<div class="ioc-spark-box">{image}{marker}</div>{label}</div>'
    )


def index_trend(
    frame: pl.DataFrame,
    series: dict[str, str],
    lang: Lang,
    *,
    dark: bool = False,
    height: int = 340,
    font_size: int = 14,
    scale: float = 1.0,
) -> go.Figure:
    """Decision 766 points by month, a line per series (`series`: code → name, in order;
    `frame` as ui.scorecard.trend_table). A month without data for a series is a gap, not 0."""
    figure = go.Figure()
    months = sorted(set(frame["period_start"].to_list()))
    labels = [formats.month(m, lang) for m in months]
    for colour, (code, name) in zip(SERIES * 2, series.items()):
        rows = {row["period_start"]: row for row in frame.filter(pl.col("series") == code).iter_rows(named=True)}
        points = [rows[m]["points"] if m in rows else None for m in months]
        available = [rows[m]["max_available"] if m in rows else None for m in months]
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=points,
                name=html.escape(name, quote=False),
                mode="lines+markers",
                line={"color": colour, "width": 3 * scale},
                marker={"size": 7 * scale},
                hovertext=[out_of({"points": p, "max_available": a}, lang) for p, a in zip(points, available)],
                hoverinfo="text+name",
                connectgaps=False,
            )
        )
    figure.update_xaxes(type="category")
    figure.update_yaxes(rangemode="tozero", separatethousands=True)
    if lang == "vi":
        figure.update_layout(separators=",.")
    return _layout(figure, dark=dark, height=height, font_size=font_size, scale=scale)
