"""Vega-Lite charts (Altair) for the overview and the wall: no `st.*` in here.

The landing page and the wall are the pages a cold first visit lands on; Plotly's bundle
(4.6 MB) made that visit 4.4× a bare Streamlit page, Vega-Lite's (1 MB) 1.2× (README,
"Speed"). The charts show what ui/charts.py's Plotly figures showed: targets as dashed
lines, the month still running as an open point at the end of a dotted segment labelled
"đến 02/12", Okabe–Ito colours, numbers written the language's way (the axes through a
Vega format locale built from Babel's symbols, the labels by ui/formats.py).

Each function returns a Vega-Lite spec (a dict with its rows inline) for
`st.vega_lite_chart(spec=...)`: `width` is "container"; `height` is `height` px, which on
the wall is only the first draw: the element takes the height the panel leaves
(`height="stretch"`).
"""

from __future__ import annotations

from datetime import date

import altair as alt
import polars as pl

from ui import formats
from ui.formats import Lang
from ui.labels import LOWER_IS_BETTER, RATE_KPIS, kpi_label
from ui.palette import BAD, BLUE, GOOD, GREY, SERIES, SKY
from ui.partial import is_partial, partial_label
from ui.scorecard import out_of
from warehouse import registry

LIGHT_TEXT, DARK_TEXT = "#f2f4f8", "#31333f"
# A dot and a dash in the line's widths: the running month's segment, a target.
DOT, DASH = (1.5, 2.5), (7.0, 5.0)
# Bars of a rate: room after 100 % for the text written after a bar; the ticks stop at 100 %.
# (Bars of a count get a third more than the longest for the same.)
RATE_DOMAIN = [0, 1.3]
RATE_AXIS = alt.Axis(format=".0%", values=[0, 0.25, 0.5, 0.75, 1], grid=True)


def number_locale(lang: Lang) -> dict:
    """d3-format's locale for the axes' numbers: 56,8% and 4.930 in Vietnamese."""
    decimal, group = formats.separators(lang)
    return {"decimal": decimal, "thousands": group, "grouping": [3], "currency": ["", ""]}


def _config(lang: Lang, *, dark: bool, font_size: int, scale: float) -> dict:
    """The common look: transparent, type of `font_size`, light text on the dark wall.
    `scale`: the wall's screen against 1920×1080 (padding grows with the type)."""
    text = LIGHT_TEXT if dark else DARK_TEXT
    grid = "#2b3452" if dark else "#e6e9ef"
    return {
        "locale": {"number": number_locale(lang)},
        "background": "transparent",
        "padding": round(6 * scale),
        "font": '"Source Sans", sans-serif',  # Streamlit's own
        "axis": {
            "labelFontSize": font_size,
            "titleFontSize": font_size,
            "labelColor": text,
            "titleColor": text,
            "gridColor": grid,
            "domainColor": grid,
            "tickColor": grid,
            "labelPadding": round(4 * scale),
        },
        "legend": {
            "labelFontSize": font_size,
            "labelColor": text,
            "orient": "top",
            "direction": "horizontal",
            "title": None,
            "labelLimit": 0,
            "symbolStrokeWidth": 3 * scale,
            "symbolSize": round(300 * scale * scale),
            "columnPadding": round(16 * scale),
        },
        "title": {"fontSize": font_size + 2, "color": text, "anchor": "start", "offset": round(8 * scale)},
        "view": {"stroke": None},
    }


def _spec(chart: alt.LayerChart, lang: Lang, *, height: int, dark: bool, font_size: int, scale: float) -> dict:
    """The Vega-Lite spec Streamlit draws (`st.vega_lite_chart(spec=...)`), its rows inline.

    Altair builds the layers; the size and the look are set on its dict rather than by
    `.properties()` / `.configure_*()`, each of which deep-copies the whole chart, and the
    dict is taken without Altair's JSON-schema check: the two cost about 125 ms of a page's
    script run per chart (tests/test_wall_charts.py checks every chart against the schema)."""
    spec = chart.to_dict(validate=False)
    spec["width"], spec["height"] = "container", height
    spec["config"] = _config(lang, dark=dark, font_size=font_size, scale=scale)
    return spec


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
) -> dict:
    """Monthly rates as lines, each with its target as a dashed line of the same colour.

    `through`: the last day the figures cover (today). When the last month is still
    running on it, its point is an open circle at the end of a dotted segment, labelled
    "đến 02/12": a month two days old is not read as a collapse."""
    months = frame["period_start"].to_list()
    labels = [formats.month(m, lang) for m in months]
    running = partial_label(through, lang) if months and is_partial(months[-1], through) else None
    whole = len(labels) - 1 if running else len(labels)
    names = [kpi_label(kpi, lang) for kpi in kpis]
    goals = {kpi: targets.get(kpi) for kpi in kpis}
    target_names = {
        kpi: f"{registry.target_word(lang)} {formats.rate(goal, lang, 0)}"
        for kpi, goal in goals.items()
        if goal is not None
    }
    # One legend for both: a series is a solid line, its target a dashed one of its colour.
    domain = names + list(target_names.values())
    colours = list(SERIES[: len(kpis)]) + [SERIES[kpis.index(kpi)] for kpi in target_names]
    dashes = [[1, 0]] * len(names) + [[d * scale for d in DASH]] * len(target_names)
    # (the legend's look here, not in the config: Streamlit's theme would draw filled circles)
    legend = alt.Legend(
        orient="top", symbolType="stroke", symbolStrokeWidth=3 * scale, symbolSize=round(600 * scale * scale)
    )
    colour = alt.Color("series:N", scale=alt.Scale(domain=domain, range=colours), sort=domain, legend=legend)
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=domain, range=dashes), sort=domain)

    points = [
        {"month": label, "series": name, "value": value, "text": formats.rate(value, lang)}
        for kpi, name in zip(kpis, names)
        for label, value in zip(labels, frame[kpi].to_list())
    ]
    for point in points:
        point["tip"] = f"{point['series']} · {point['month']}: {point['text']}"
    solid = [point for point in points if point["month"] in labels[:whole]]
    x = alt.X("month:O", sort=labels, title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True))
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(format=".0%", tickCount=5))
    tooltip = alt.Tooltip("tip:N")  # one line, written out: "Tỷ lệ … · 11/2025: 56,8%"
    line_width, point_size = 3 * scale, round(60 * scale * scale)
    # each layer has its own rows (no filter in the browser): what each draws is in the spec
    layers = [
        alt.Chart(alt.Data(values=solid), name="series")
        .mark_line(strokeWidth=line_width, point=alt.OverlayMarkDef(size=point_size, filled=True))
        .encode(x=x, y=y, color=colour, strokeDash=dash, tooltip=tooltip)
    ]
    if target_names:
        rules = [{"series": target_names[kpi], "value": goal} for kpi, goal in goals.items() if goal is not None]
        layers.append(
            alt.Chart(alt.Data(values=rules), name="targets")
            .mark_rule(strokeWidth=2 * scale)
            .encode(y=alt.Y("value:Q"), color=colour, strokeDash=dash)
        )
    if running:
        segment = [point for point in points if point["month"] in labels[-2:]]
        last = [
            {**point, "text": f"{point['text']} ({running})", "tip": f"{point['tip']} ({running})"}
            for point in segment
            if point["month"] == labels[-1]
        ]
        layers += [
            alt.Chart(alt.Data(values=segment), name="running")
            .mark_line(strokeWidth=line_width, strokeDash=[d * line_width for d in DOT])
            .encode(x=x, y=y, color=colour),
            alt.Chart(alt.Data(values=last), name="running-point")
            .mark_point(filled=False, size=round(point_size * 2.6), strokeWidth=2 * scale, opacity=1)
            .encode(x=x, y=y, color=colour, tooltip=tooltip),
            # the label, above the chart over the running month, right of the legend
            alt.Chart(alt.Data(values=[{"month": labels[-1], "text": running}]), name="running-label")
            .mark_text(
                y=0,
                dy=-round(8 * scale),
                baseline="bottom",
                align="right",
                fontSize=font_size,
                color=LIGHT_TEXT if dark else DARK_TEXT,
            )
            .encode(x=x, text="text:N"),
        ]
    chart = alt.layer(*layers, description="Xu hướng theo tháng" if lang == "vi" else "Monthly trend")
    return _spec(chart, lang, height=height, dark=dark, font_size=font_size, scale=scale)


def _bars(
    rows: list[dict],
    lang: Lang,
    *,
    title: str,
    domain: list[float] | None,
    axis: alt.Axis,
    rule: float | None,
    dark: bool,
    height: int,
    font_size: int,
    scale: float,
) -> dict:
    """Horizontal bars in the given order (`rows`: name, value, text, colour), each value's
    text beside its bar, and `rule` as a dashed grey line."""
    rows = [{**row, "tip": f"{row['name']}: {row['text']}"} for row in rows]
    names = [row["name"] for row in rows]
    y = alt.Y(
        "name:N",
        sort=names,
        title=None,
        # a long name is cut (…) at 40 % of the chart's width, wherever it is drawn
        axis=alt.Axis(labelLimit={"expr": "containerSize()[0] * 0.4"}, ticks=False, domain=False),
    )
    x = alt.X("value:Q", title=None, axis=axis, scale=alt.Scale(domain=domain) if domain else alt.Undefined)
    tooltip = alt.Tooltip("tip:N")
    layers = [
        alt.Chart()
        .mark_bar(cornerRadiusEnd=round(2 * scale))
        .encode(y=y, x=x, color=alt.Color("colour:N", scale=None)),
        alt.Chart()
        .mark_text(align="left", dx=round(6 * scale), fontSize=font_size, color=LIGHT_TEXT if dark else DARK_TEXT)
        .encode(y=y, x=x, text="text:N", tooltip=tooltip),
    ]
    if rule is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"value": rule}]))
            .mark_rule(color=GREY, strokeWidth=2 * scale, strokeDash=[d * scale for d in DASH])
            .encode(x="value:Q")
        )
    # the bars' rows at the top, shared by the bars and their texts
    chart = alt.layer(*layers, data=alt.Data(values=rows), title=title, description=title)
    return _spec(chart, lang, height=height, dark=dark, font_size=font_size, scale=scale)


def ranking(
    frame: pl.DataFrame,
    kpi: str,
    target: float | None,
    lang: Lang,
    *,
    title: str,
    dark: bool = False,
    height: int = 320,
    font_size: int = 14,
    scale: float = 1.0,
) -> dict:
    """Units as horizontal bars on one KPI, coloured by whether they meet the target: each
    row's own (`<kpi>_target`, a commune's and a district's may differ), else `target`."""
    is_rate = kpi in RATE_KPIS
    lower_better = kpi in LOWER_IS_BETTER
    values = frame[kpi].to_list()
    own = registry.target_column(kpi)
    goals = frame[own].to_list() if own in frame.columns else [target] * frame.height
    if own in frame.columns:
        shared = {g for g in goals if g is not None}
        target = shared.pop() if len(shared) == 1 else None  # one line only when one target applies

    def meets(value: float | None, goal: float | None) -> bool:
        if value is None or goal is None:
            return True
        return value <= goal if lower_better else value >= goal

    rows = [
        {
            "name": name or formats.MISSING,
            "value": value or 0,
            "text": formats.rate(value, lang) if is_rate else formats.count(value, lang),
            "colour": GOOD if meets(value, goal) else BAD,
        }
        for name, value, goal in zip(frame["unit_name"].to_list(), values, goals)
    ]
    top = max([row["value"] for row in rows] + ([target] if target is not None else []), default=0)
    rule = target if target is not None and (is_rate or target > 0) else None
    return _bars(
        rows,
        lang,
        title=title,
        domain=RATE_DOMAIN if is_rate else [0, (top or 1) * 1.34],
        axis=RATE_AXIS if is_rate else alt.Axis(format=",d", tickCount=5, grid=True),
        rule=rule,
        dark=dark,
        height=height,
        font_size=font_size,
        scale=scale,
    )


def index_ranking(
    frame: pl.DataFrame,
    lang: Lang,
    *,
    title: str,
    dark: bool = False,
    height: int = 320,
    font_size: int = 14,
    scale: float = 1.0,
) -> dict:
    """Units as bars of their share of the points that could be computed (what they are
    ranked on), each written "61,2 / 82"; `frame` as ui.scorecard.ranking_table, in order."""
    rows = [
        {
            "name": row["unit_name"] or formats.MISSING,
            "value": row["points_rate"] or 0,
            "text": out_of(row, lang),
            "colour": SKY if dark else BLUE,
        }
        for row in frame.iter_rows(named=True)
    ]
    return _bars(
        rows,
        lang,
        title=title,
        domain=RATE_DOMAIN,
        axis=RATE_AXIS,
        rule=None,
        dark=dark,
        height=height,
        font_size=font_size,
        scale=scale,
    )
