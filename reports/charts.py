"""The briefing's trend chart: twelve months of rates against their targets, and the volume.

matplotlib's object API with the Agg canvas (no pyplot): it holds no global state, so
the worker can draw in its scheduler threads. Colours are Okabe–Ito (readable with every
common colour-vision deficiency), and each series also differs by marker and line style,
so nothing depends on colour alone.
"""

from __future__ import annotations

import io

import polars as pl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ui import formats
from ui.partial import is_partial, partial_label
from warehouse import registry
from warehouse.kpi_targets import target
from warehouse.targets import Targets

BLUE, ORANGE, SKY, GREY, BLACK = "#0072B2", "#E69F00", "#56B4E9", "#B8B8B8", "#222222"
FONT = "DejaVu Sans"  # matplotlib's own font: Vietnamese diacritics on any machine


def trend_png(
    trend: pl.DataFrame,
    targets: Targets,
    level: str | None,
    *,
    width_mm: float = 186,
    height_mm: float = 92,
    dpi: int = 200,
) -> bytes:
    """A PNG: on top the online and on-time rates by month with their targets (dashed),
    below the dossiers received by channel."""
    # Months before the data begins are not "zero": leave them off the axis.
    activity = trend["received"].fill_null(0) + trend["carried_over"].fill_null(0) + trend["resolved"].fill_null(0)
    if activity.sum() > 0:
        trend = trend.slice(int((activity > 0).arg_true()[0]))
    months = trend["period_start"].to_list()
    labels = [formats.month(m) for m in months]
    x = list(range(len(months)))
    # A month still running when the report is made (its rows end before the month does) is
    # drawn as such: an open point at the end of a dotted segment, a paler bar, "đến 02/12".
    through = trend["period_end"][-1] if months and "period_end" in trend.columns else None
    partial = bool(months) and is_partial(months[-1], through)
    if partial:
        labels[-1] += f"\n({partial_label(through, 'vi')})"
    whole = len(months) - 1 if partial else len(months)

    figure = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=dpi)
    FigureCanvasAgg(figure)
    figure.set_layout_engine("constrained")
    grid = figure.add_gridspec(2, 1, height_ratios=(3, 2))
    rates = figure.add_subplot(grid[0])
    volume = figure.add_subplot(grid[1], sharex=rates)
    _style(rates)
    _style(volume)

    series = (("online_rate", BLUE, "o"), ("on_time_rate", ORANGE, "s"))
    for kpi_name, colour, marker in series:
        label = registry.measure(kpi_name).vi
        values = [v if v is not None else float("nan") for v in trend[kpi_name].to_list()]
        rates.plot(x[:whole], values[:whole], color=colour, marker=marker, markersize=3.5, linewidth=1.6, label=label)
        if partial:
            rates.plot(x[-2:], values[-2:], color=colour, linestyle=(0, (1, 1.5)), linewidth=1.6)
            rates.plot(
                x[-1:],
                values[-1:],
                color=colour,
                marker=marker,
                markersize=4.5,
                markerfacecolor="white",
                markeredgewidth=1.2,
                linestyle="none",
            )
        goal = [target(targets, kpi_name, level, m.year) for m in months]
        if any(g is not None for g in goal):
            rates.step(
                x,
                [g if g is not None else float("nan") for g in goal],
                where="mid",
                color=colour,
                linestyle=(0, (4, 2)),
                linewidth=1.0,
                label=f"{registry.target_word()}: {label[0].lower()}{label[1:]}",
            )
    rates.set_ylim(0, 1.05)
    rates.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: formats.rate(v, decimals=0)))
    rates.legend(loc="lower left", fontsize=6, ncols=2, frameon=False)
    rates.set_title("Tỷ lệ theo tháng so với chỉ tiêu", fontsize=8, loc="left", family=FONT, color=BLACK)

    online = [int(v or 0) for v in trend["received_online"].to_list()]
    other = [int(a or 0) + int(b or 0) for a, b in zip(trend["received_direct"], trend["received_postal"])]
    volume.bar(x, online, color=SKY, width=0.7, label="Trực tuyến")
    volume.bar(
        x,
        other,
        bottom=online,
        color=GREY,
        width=0.7,
        label="Trực tiếp, bưu chính",
        hatch="///",
        edgecolor="white",
        linewidth=0,
    )
    if partial:
        # paler, with a dotted outline: a part of a month, not a fall
        volume.bar(x[-1:], [online[-1] + other[-1]], width=0.7, color="white", alpha=0.55, linewidth=0)
        volume.bar(
            x[-1:],
            [online[-1] + other[-1]],
            width=0.7,
            fill=False,
            edgecolor=BLACK,
            linestyle=(0, (1, 1.5)),
            linewidth=0.8,
        )
    volume.yaxis.set_major_locator(MaxNLocator(4, integer=True))
    volume.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: formats.count(v)))
    volume.legend(loc="upper left", fontsize=6, ncols=2, frameon=False)
    volume.set_title("Hồ sơ tiếp nhận theo kênh", fontsize=8, loc="left", family=FONT, color=BLACK)
    volume.set_xticks(x, labels, fontsize=6)
    volume.set_ylim(0, max([a + b for a, b in zip(online, other)] + [1]) * 1.25)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _style(axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=6, colors=BLACK)
    axes.grid(axis="y", color="#E5E5E5", linewidth=0.6)
    axes.set_axisbelow(True)
