"""The wall's fit and honest time, below the browser: the viewport from the address, the
charts' scale, and the marks of a period still running (trend, sparkline, today tile).

The browser half (every panel fits at 1920×1080, 3840×2160 and 1366×768) is in
tests/browser/test_wall_fit.py.
"""

from __future__ import annotations

import base64
import re
from datetime import date, datetime

import polars as pl
import pytest

from ui import charts, vega_charts
from ui.palette import BAD, BLUE, GOOD, ORANGE
from ui.partial import day_so_far, is_partial, partial_label, yesterday_note
from ui.wall import Viewport, chart_style, first_panel, viewport_from

KPIS = ["online_rate", "on_time_rate"]


def months_to(last: date, count: int = 12) -> pl.DataFrame:
    index = last.year * 12 + last.month - 1
    starts = [date((index - k) // 12, (index - k) % 12 + 1, 1) for k in reversed(range(count))]
    return pl.DataFrame(
        {
            "period_start": starts,
            "online_rate": [0.6 + k / 100 for k in range(count)],
            "on_time_rate": [0.95] * (count - 1) + [0.4],
        }
    )


def layers(chart) -> dict[str, dict]:
    """A chart's named layers (ui/vega_charts.py), as Vega-Lite dicts, each with its rows
    (Altair moves rows that every layer shares to the top)."""
    spec = chart
    return {layer["name"]: {"data": spec.get("data"), **layer} for layer in spec["layer"] if "name" in layer}


def months_of(layer: dict, series: str) -> list[str]:
    return [row["month"] for row in layer["data"]["values"] if row["series"] == series]


RUNNING = ("running", "running-point", "running-label")


def test_trend_marks_the_month_still_running_on_the_2nd():
    frame = months_to(date(2026, 12, 1))
    chart = vega_charts.trend(frame, KPIS, {"online_rate": 0.6, "on_time_rate": 0.95}, "vi", through=date(2026, 12, 2))
    drawn = layers(chart)
    names = ["Tỷ lệ nộp trực tuyến", "Tỷ lệ giải quyết đúng hạn"]
    for name in names:
        # a dotted segment from the last whole month to the running one, ending in an open circle
        assert months_of(drawn["running"], name) == ["11/2026", "12/2026"]
        assert months_of(drawn["running-point"], name) == ["12/2026"]
        # the solid lines stop at the last whole month
        assert months_of(drawn["series"], name)[-1] == "11/2026"
    assert drawn["running"]["mark"]["strokeDash"][0] < drawn["running"]["mark"]["strokeDash"][1]  # dots
    assert drawn["running-point"]["mark"]["filled"] is False
    # its value says what it covers: 0,6 + 11/100 and the running month's 0,4
    assert [row["text"] for row in drawn["running-point"]["data"]["values"]] == [
        "71,0% (đến 02/12)",
        "40,0% (đến 02/12)",
    ]
    assert drawn["running-label"]["data"]["values"] == [{"month": "12/2026", "text": "đến 02/12"}]


def test_trend_of_a_past_month_has_no_mark():
    frame = months_to(date(2026, 11, 1))
    for through in (date(2026, 11, 30), None):
        drawn = layers(vega_charts.trend(frame, KPIS, {}, "en", through=through))
        assert not set(RUNNING) & set(drawn)
        assert months_of(drawn["series"], "Online-filing rate")[-1] == "11/2026"


def test_trend_in_english_says_to():
    drawn = layers(vega_charts.trend(months_to(date(2026, 12, 1)), KPIS, {}, "en", through=date(2026, 12, 2)))
    assert drawn["running-label"]["data"]["values"][0]["text"] == "to 02/12"


def test_trend_targets_are_dashed_lines_of_their_series_colour():
    drawn = layers(
        vega_charts.trend(months_to(date(2026, 11, 1)), KPIS, {"online_rate": 0.6, "on_time_rate": None}, "vi")
    )
    assert drawn["targets"]["data"]["values"] == [{"series": "Chỉ tiêu 60%", "value": 0.6}]
    colour = drawn["series"]["encoding"]["color"]["scale"]
    dash = drawn["series"]["encoding"]["strokeDash"]["scale"]
    assert colour["domain"] == ["Tỷ lệ nộp trực tuyến", "Tỷ lệ giải quyết đúng hạn", "Chỉ tiêu 60%"]
    # Okabe–Ito: the target has its series' blue; solid lines, a dashed target
    assert colour["range"] == [BLUE, ORANGE, BLUE]
    assert dash["range"][0] == [1, 0] and dash["range"][2][1] > 0


def test_charts_write_numbers_the_vietnamese_way():
    chart = vega_charts.trend(months_to(date(2026, 11, 1)), KPIS, {}, "vi")
    assert chart["config"]["locale"]["number"]["decimal"] == ","
    assert chart["config"]["locale"]["number"]["thousands"] == "."
    english = vega_charts.trend(months_to(date(2026, 11, 1)), KPIS, {}, "en")
    assert english["config"]["locale"]["number"]["decimal"] == "."
    assert [row["text"] for row in chart["data"]["values"]][:2] == ["60,0%", "61,0%"]


def test_ranking_colours_units_against_their_own_target_and_writes_counts():
    frame = pl.DataFrame(
        {
            "unit_name": ['<a href="http://evil.example">x</a>', "Xã B", "Xã C"],
            "on_time_rate": [0.97, 0.93, 0.5],
            "on_time_rate_target": [0.95, 0.9, 0.95],
        }
    )
    rows = vega_charts.ranking(frame, "on_time_rate", None, "vi", title="5 đơn vị")["data"]["values"]
    # Xã B meets its own 90 %, Xã C misses 95 %; a name from the data is text, never markup
    assert [(r["name"], r["text"], r["colour"]) for r in rows] == [
        ('<a href="http://evil.example">x</a>', "97,0%", GOOD),
        ("Xã B", "93,0%", GOOD),
        ("Xã C", "50,0%", BAD),
    ]
    overdue = pl.DataFrame({"unit_name": ["Sở Tư pháp"], "overdue": [1234]})
    counts = vega_charts.ranking(overdue, "overdue", None, "vi", title="")
    assert counts["data"]["values"][0]["text"] == "1.234"


def test_every_chart_is_valid_vega_lite():
    # the pages take the specs without Altair's schema check (ui/vega_charts._spec): it is made here
    import altair as alt
    import jsonschema

    scorecard_rows = pl.DataFrame(
        {"unit_name": ["Xã A"], "points": [40.0], "max_available": [60.0], "points_rate": [2 / 3]}
    )
    specs = [
        vega_charts.trend(months_to(date(2026, 12, 1)), KPIS, {"online_rate": 0.6}, "vi", through=date(2026, 12, 2)),
        vega_charts.ranking(
            pl.DataFrame({"unit_name": ["Xã A"], "on_time_rate": [0.9]}), "on_time_rate", 0.95, "en", title="t"
        ),
        vega_charts.ranking(pl.DataFrame({"unit_name": ["Sở A"], "overdue": [3]}), "overdue", None, "vi", title="t"),
        vega_charts.index_ranking(scorecard_rows, "vi", title="t", **chart_style(Viewport(3840, 2160))),
    ]
    for spec in specs:
        alt.LayerChart.from_dict(spec, validate=True)  # raises on a spec Vega-Lite would refuse
    with pytest.raises(jsonschema.ValidationError):  # the check can fail
        alt.LayerChart.from_dict({**specs[0], "height": "tall"}, validate=True)


def test_wall_chart_text_scales_with_the_screen():
    frame = months_to(date(2026, 11, 1))
    full_hd = vega_charts.trend(frame, KPIS, {}, "vi", **chart_style(Viewport(1920, 1080)))["config"]
    uhd = vega_charts.trend(frame, KPIS, {}, "vi", **chart_style(Viewport(3840, 2160)))["config"]
    assert uhd["axis"]["labelFontSize"] == 2 * full_hd["axis"]["labelFontSize"]
    assert uhd["legend"]["labelFontSize"] == 2 * full_hd["legend"]["labelFontSize"]
    assert full_hd["axis"]["labelColor"] == "#f2f4f8"  # light on the dark wall


@pytest.mark.parametrize(
    ("month_start", "through", "expected"),
    [
        (date(2026, 12, 1), date(2026, 12, 2), True),
        (date(2026, 12, 1), date(2026, 12, 1), True),
        (date(2026, 12, 1), date(2026, 12, 31), False),  # the last day: the month is whole
        (date(2026, 2, 1), date(2026, 2, 28), False),
        (date(2026, 11, 1), date(2026, 12, 2), False),  # a month already over
        (date(2026, 12, 1), None, False),
    ],
)
def test_is_partial(month_start, through, expected):
    assert is_partial(month_start, through) is expected


def svg_of(html: str) -> str:
    encoded = re.search(r'base64,([A-Za-z0-9+/=]+)"', html)[1]
    return base64.b64decode(encoded).decode()


def test_sparkline_ends_in_an_open_point_when_the_month_runs():
    html = charts.sparkline_svg([10, 12, 11, 2], partial=partial_label(date(2026, 12, 2), "vi"))
    assert 'data-partial="true"' in html
    assert "ioc-spark-open" in html and "đến 02/12" in html
    assert "stroke-dasharray" in svg_of(html)


def test_sparkline_of_whole_months_is_plain():
    html = charts.sparkline_svg([10, 12, 11, 13])
    assert 'data-partial="false"' in html
    assert "ioc-spark-open" not in html and "stroke-dasharray" not in svg_of(html)
    assert charts.sparkline_svg([5]) == ""


def test_today_tile_says_up_to_what_time():
    today = date(2026, 12, 2)
    assert day_so_far(datetime(2026, 12, 2, 14, 5), today, "vi") == " (đến 14:05)"
    assert day_so_far(datetime(2026, 12, 2, 9, 30), today, "en") == " (to 09:30)"
    assert day_so_far(datetime(2026, 12, 1, 23, 55), today, "vi") == " (đến 23:55 01/12/2026)"
    # a replayed day (IOC_TODAY): the data goes past it, the day is whole
    assert day_so_far(datetime(2026, 12, 3, 8, 0), today, "vi") == ""
    assert day_so_far(None, today, "vi") == ""


def test_a_running_day_names_yesterday_instead_of_an_arrow():
    now, before = {"received": 12, "received_online": 9}, {"received": 930}
    assert yesterday_note(now, before, " (đến 09:30)", "vi").endswith("hôm qua 930")
    assert "hôm qua" not in yesterday_note(now, before, "", "vi")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"vw": "3840", "vh": "2160"}, (3840, 2160, True, 2.0)),
        ({"vw": "1366", "vh": "768"}, (1366, 768, True, 768 / 1080)),
        ({}, (1920, 1080, False, 1.0)),
        ({"vw": "wide", "vh": "1080"}, (1920, 1080, False, 1.0)),
        ({"vw": "99999", "vh": "1080"}, (1920, 1080, False, 1.0)),
    ],
)
def test_viewport_from_the_address(params, expected):
    view = viewport_from(params)
    assert (view.width, view.height, view.measured) == expected[:3]
    assert view.scale == pytest.approx(expected[3])


def test_chart_type_doubles_on_4k():
    assert chart_style(Viewport(3840, 2160))["font_size"] == 2 * chart_style(Viewport(1920, 1080))["font_size"]


@pytest.mark.parametrize(("value", "expected"), [("2", 2), ("0", 0), ("7", 0), ("x", 0), (None, 0)])
def test_first_panel(value, expected):
    assert first_panel({} if value is None else {"panel": value}, 3) == expected


# ---------------------------------------------------------------- the overview, in AppTest


def overview_trend(monkeypatch, warehouse, today: str, **params: str) -> tuple[dict, list[str]]:
    """The overview's trend chart (its Vega-Lite layers by name) and its tile labels on `today`."""
    import json

    from conftest import FIXTURES, ROOT, load
    from streamlit.testing.v1 import AppTest

    kpi = FIXTURES / "kpi"
    load(warehouse, kpi / "agencies.csv", kpi / "procedures.csv", kpi / "dossiers.csv")
    monkeypatch.setenv("IOC_WAREHOUSE", str(warehouse.database))
    monkeypatch.setenv("IOC_TODAY", today)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for name, value in params.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception
    assert not app.get("plotly_chart"), "the overview draws Vega-Lite only: a cold visit fetches no Plotly"
    charts_shown = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    trend = next(c for c in charts_shown if any(layer.get("name") == "series" for layer in c["layer"]))
    named = {layer["name"]: {"data": trend.get("data"), **layer} for layer in trend["layer"] if "name" in layer}
    return named, [m.label for m in app.metric]


def test_overview_trend_on_the_2nd_of_a_month_is_marked(monkeypatch, warehouse):
    trend, _ = overview_trend(monkeypatch, warehouse, "2023-03-02")
    assert trend["running-label"]["data"]["values"] == [{"month": "03/2023", "text": "đến 02/03"}]
    assert {row["month"] for row in trend["running"]["data"]["values"]} == {"02/2023", "03/2023"}


def test_overview_trend_of_a_past_month_is_not_marked(monkeypatch, warehouse):
    trend, _ = overview_trend(monkeypatch, warehouse, "2023-03-31", wall="1", rotate="0", period="2023-02")
    assert "series" in trend
    assert not set(RUNNING) & set(trend)


def test_briefing_trend_draws_a_running_month():
    from reports.charts import trend_png
    from warehouse.targets import load_targets

    frame = months_to(date(2026, 12, 1)).with_columns(
        period_end=pl.col("period_start").dt.month_end(),
        received=pl.lit(100),
        carried_over=pl.lit(0),
        resolved=pl.lit(90),
        received_online=pl.lit(70),
        received_direct=pl.lit(30),
        received_postal=pl.lit(0),
    )
    running = frame.with_columns(
        period_end=pl.when(pl.col("period_start") == date(2026, 12, 1))
        .then(date(2026, 12, 2))
        .otherwise(pl.col("period_end"))
    )
    for each in (frame, running):
        assert trend_png(each, load_targets(), None, dpi=50).startswith(b"\x89PNG")
