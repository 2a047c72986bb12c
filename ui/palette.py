"""The charts' colours, whatever draws them (Plotly, Vega-Lite, a tile's SVG).

Okabe–Ito: safe for the common colour-vision deficiencies; good and bad are blue and
vermillion, never red and green.
"""

from __future__ import annotations

BLUE, ORANGE, SKY, GREEN, YELLOW, VERMILLION, PURPLE, GREY = (
    "#0072B2",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#D55E00",
    "#CC79A7",
    "#999999",
)
SERIES = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION)
GOOD, BAD = BLUE, VERMILLION
