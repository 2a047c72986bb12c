"""The page "Chỉ số 766" and the wall's 766 panel through Streamlit's test harness, on a real
snapshot of the hand-computed KPI fixture (tests/fixtures/kpi) with published figures
loaded as raw rows (as tests/test_index766.py does).

"Today" is 31 March 2023, so "this month" is the whole of March 2023. The March figures
(tests/test_index766.py works them out by hand from tests/test_kpi_exact.py's counts):

    the province: 2.1 20 × 12/19 = 12,63; 3.3 6 (9/16 ≥ 50%); 3.4 6 × 5/9 = 3,33;
    4.1 6 × 5/8 = 3,75; 4.2 4 × 7/16 = 1,75; published here: 1.1 5,5 and 2.1 13 (beside ours)
    the online services (worked out in tests/test_index766.py): 3.1 1,5; 3.2 3,2; 3.5 2;
    5.4 6 × (12/19) / 0.9 = 4,21 (no ratings, no PAKN: the on-time share of resolved + pending)
    -> 12,63 + 6 + 3,33 + 3,75 + 1,75 + 5,5 + 1,5 + 3,2 + 2 + 4,21 = 43,88 of 62 available;
    the other 38 points have no data (national-only 1.2-1.4, 3.6, 4.6, 4.7; 4.3-4.5, whose
    columns the v1 fixture lacks; 5.2, 5.3: no PAKN ever loaded)
    Cù Vân (05809): 2.1 20 × 4/6, 3.3 6, 3.4 0, 4.1 6 × 4/6, 4.2 4 × 3/5, 5.4 6 × (4/6) / 0.9,
        3.1 2 × (2/3) / 0.8, 3.2 4 × 1/2, 3.5 0 -> 33,84 / 56 (rank 1)
    Mỹ Yên (05836): 2.1 20 × 2/4, 3.3 6, 3.4 6 × 1/3, 4.1 6 × 1/2, 4.2 4 × 1/4, 5.4 6 × (2/4) / 0.9,
        3.1 2 × (2/3) / 0.8, 3.2 4, 3.5 2.5 × 1/2 -> 32,25 / 56 (rank 2)
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT, copy_warehouse
from streamlit.testing.v1 import AppTest

from ui import formats
from warehouse.index766 import IndexSpec, scorecard
from warehouse.paths import WarehousePaths
from warehouse.publish import publish
from warehouse.snapshot import open_snapshot
from warehouse.writer import open_writer

TODAY = "2023-03-31"
MARCH = (date(2023, 3, 1), date(2023, 3, 31))
PAGE = "pages/index766.py"


def insert_published(con, name: str, *rows: tuple) -> None:
    """Rows into raw_index766 as a file of kind index766 would bring them."""
    [(file_id,)] = con.execute("select nextval('ingest_file_seq')").fetchall()
    con.execute(
        "insert into ingest_files (file_id, source, original_name, sha256, kind, loaded_at, rows_loaded, rows_quarantined)"
        " values (?, 'file', ?, ?, 'index766', ?, ?, 0)",
        [file_id, name, name, datetime(2023, 4, 1), len(rows)],
    )
    for line, (agency, unit, indicator, points) in enumerate(rows, start=2):
        con.execute(
            "insert into raw_index766 (MaDonVi, MaDVHC, TuNgay, DenNgay, MaChiSo, TuSo, MauSo, Diem, _file_id, _line)"
            " values (?, ?, '2023-03-01', '2023-03-31', ?, null, null, ?, ?, ?)",
            [agency, unit, indicator, points, file_id, line],
        )


@pytest.fixture(scope="module")
def wh(kpi_template: Path, tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    warehouse = copy_warehouse(kpi_template, tmp_path_factory.mktemp("index766-page"))
    with open_writer(warehouse) as con:
        insert_published(
            con,
            "index766.csv",
            (None, "19", "1.1", 5.5),  # the province, national only
            (None, "19", "2.1", 13.0),  # beside ours (12,63)
        )
        publish(con, warehouse)
    return warehouse


def ours(wh: WarehousePaths, **options) -> dict[tuple[str, str], dict]:
    with open_snapshot(wh) as (con, _info):
        frame = scorecard(con, IndexSpec(*MARCH, **options))
    return {(row["unit_code"], row["indicator"]): row for row in frame.to_dicts()}


def open_page(monkeypatch, wh: WarehousePaths, **params: str) -> AppTest:
    monkeypatch.setenv("IOC_WAREHOUSE", str(wh.database))
    monkeypatch.setenv("IOC_TODAY", TODAY)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if "lang" in params:  # the language switch is seeded from the link on the first run
        app.query_params["lang"] = params["lang"]
    app.run()
    app.switch_page(PAGE)
    for name, value in params.items():
        app.query_params[name] = value
    return app.run()


def metric(app: AppTest, label: str) -> str:
    matches = [m.value for m in app.metric if m.label == label]
    assert matches, f"no tile '{label}' among {[m.label for m in app.metric]}"
    return matches[0]


def captions(app: AppTest) -> list[str]:
    return [c.value for c in app.caption]


@pytest.fixture(scope="module")
def province(wh) -> dict[tuple[str, str], dict]:
    return ours(wh)


def test_total_is_the_scorecards_and_says_what_is_missing(monkeypatch, wh, province):
    app = open_page(monkeypatch, wh)
    assert not app.exception
    total = province[("19", "total")]
    # 43,88 of 62 available, 38 without data (see the module's docstring)
    assert total["points"] == pytest.approx(
        240 / 19 + 6 + 10 / 3 + 3.75 + 1.75 + 5.5 + 1.5 + 3.2 + 2 + 6 * (12 / 19) / 0.9
    )
    assert (total["max_available"], total["max_points"]) == (62.0, 100.0)
    assert metric(app, "Tổng điểm") == f"{formats.score(total['points'])} / 62" == "43,9 / 62"
    assert "43,9 / 62 điểm tính được; 38 điểm chưa có dữ liệu" in captions(app)


def test_groups_against_their_maxima(monkeypatch, wh, province):
    app = open_page(monkeypatch, wh)
    # TDGQ: 2.1 alone, 12,63 of 20; CKMB: 1.1 published 5,5 of the 6 available, 12 without data;
    # MDHL: 5.4 alone (4,21 of 6), 5.2 and 5.3 without data (no PAKN ever loaded)
    assert metric(app, "Tiến độ giải quyết") == "12,6 / 20"
    assert metric(app, "Công khai, minh bạch") == "5,5 / 6"
    assert metric(app, "Mức độ hài lòng") == "4,2 / 6"
    assert province[("19", "MDHL")]["points"] == pytest.approx(6 * (12 / 19) / 0.9)
    # CKMB without 1.2-1.4 and MDHL without 5.2, 5.3: 12 points each without data
    assert {"tối đa 18; 12 chưa có dữ liệu", "tối đa 20"} <= set(captions(app))


def test_indicators_show_source_published_figure_and_difference(monkeypatch, wh, province):
    app = open_page(monkeypatch, wh)
    shown = shown_cells(app.dataframe[0]).set_index("Mã chỉ số")
    # every indicator's points as scorecard() gives them, one decimal
    for code in ("2.1", "3.3", "3.4", "4.1", "4.2", "1.1", "3.1", "5.4"):
        assert shown.loc[code, "Điểm"] == formats.score(province[("19", code)]["points"]), code
    # ours 240/19 = 12,63 beside the published 13: difference -0,37
    assert (shown.loc["2.1", "Điểm"], shown.loc["2.1", "Điểm công bố"]) == ("12,6", "13,0")
    assert shown.loc["2.1", "Chênh lệch (tự tính − công bố)"] == "-0,4"
    assert shown.loc["2.1", "Tỷ lệ"] == "63,2%"
    assert shown.loc["2.1", "Nguồn số liệu"] == "Tự tính"
    assert shown.loc["1.1", "Nguồn số liệu"] == "Số liệu công bố"
    # an indicator without inputs (4.3: the v1 fixture has no CoTaiSuDungDuLieuSoHoa column):
    # no points, never 0 and never full marks
    assert shown.loc["4.3", "Nguồn số liệu"] == "Chưa có dữ liệu"
    assert shown.loc["4.3", "Điểm"] == formats.MISSING
    assert shown.loc["3.3", "Điểm"] == "6,0" and shown.loc["3.3", "Điểm bị mất"] == "0,0"


def shown_cells(table):
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    styler = table.proto.arrow_data.styler
    return convert_arrow_bytes_to_pandas_df(styler.display_values) if styler.display_values else table.value


def test_where_the_points_are_sorted_by_loss_with_links(monkeypatch, wh):
    app = open_page(monkeypatch, wh)
    # lost: 2.1 20 − 12,63 = 7,37; 3.4 6 − 3,33 = 2,67; 4.1 6 − 3,75 = 2,25; 4.2 4 − 1,75 = 2,25;
    # 5.4 6 − 4,21 = 1,79; 3.2 4 − 3,2 = 0,8; 1.1 and 3.1 0,5 (the code breaks a tie); 3.3 and 3.5 none
    losses = [m.value for m in app.markdown if "** — mất **" in m.value]
    assert [text.split(" · ")[0].strip("*").replace("\\", "") for text in losses] == [
        "2.1",
        "3.4",
        "4.1",
        "4.2",
        "5.4",
        "3.2",
        "1.1",
        "3.1",
    ]
    assert "mất **7,4** điểm (12,6 / 20)" in losses[0]
    links = {button.proto.label: button.proto.url for button in app.get("link_button")}
    assert links["Hồ sơ đang quá hạn"] == "tre-han"
    assert links["Hồ sơ giải quyết quá hạn"] == "phan-tich?measure=resolved_late"
    assert links["Hồ sơ có phí chưa thanh toán trực tuyến"] == "dich-vu-cong"
    # the communes losing most on 2.1: Mỹ Yên 10, Cù Vân 6,67, each a link to its own scorecard
    assert any(
        "[Xã Mỹ Yên](chi-so-766?unit=05836) (−10,0), [Xã Cù Vân](chi-so-766?unit=05809) (−6,7)" in c
        for c in captions(app)
    )


def test_a_link_restores_the_view(monkeypatch, wh):
    cu_van = ours(wh, unit="05809")[("05809", "total")]
    app = open_page(monkeypatch, wh, unit="05809", period="custom", **{"from": "2023-03-01", "to": "2023-03-31"})
    assert not app.exception
    assert app.subheader[0].value == "Xã Cù Vân · 01/03/2023 – 31/03/2023"
    assert metric(app, "Tổng điểm") == f"{formats.score(cu_van['points'])} / 56" == "33,8 / 56"
    assert (app.query_params["unit"], app.query_params["period"]) == ("05809", "custom")
    # its links carry the commune and the period to the other pages
    links = {button.proto.label: button.proto.url for button in app.get("link_button")}
    assert links["Hồ sơ giải quyết quá hạn"] == (
        "phan-tich?period=custom&from=2023-03-01&to=2023-03-31&commune=05809&measure=resolved_late"
    )
    assert links["Hồ sơ có phí chưa thanh toán trực tuyến"] == (
        "dich-vu-cong?period=custom&from=2023-03-01&to=2023-03-31&commune=05809"
    )
    assert links["Hồ sơ đang quá hạn"] == "tre-han?commune=05809"


def test_a_ranked_row_drills_into_its_scorecard(monkeypatch, wh):
    app = open_page(monkeypatch, wh)
    communes = app.dataframe[-1].value  # the last tab: communes, worst first
    assert list(communes["Đơn vị"]) == ["Xã Mỹ Yên", "Xã Cù Vân"]
    assert list(communes["Hạng"]) == [2, 1]
    app.session_state["rank-commune"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    assert not app.exception
    mỹ_yên = ours(wh, unit="05836")[("05836", "total")]
    assert app.subheader[0].value == "Xã Mỹ Yên · tháng 03/2023"
    assert metric(app, "Tổng điểm") == f"{formats.score(mỹ_yên['points'])} / 56" == "32,2 / 56"
    assert app.query_params["unit"] == "05836"
    # and "Whole province" leaves it, though the row stays selected
    app.button[0].click().run()
    assert app.subheader[0].value == "Tỉnh Thái Nguyên · tháng 03/2023"


def test_in_english(monkeypatch, wh):
    app = open_page(monkeypatch, wh, lang="en")
    assert not app.exception
    assert app.title[0].value == "Index 766"
    assert metric(app, "Total") == "43.9 / 62"
    assert "43.9 / 62 points available; 38 points without data yet" in captions(app)
    assert metric(app, "Progress of handling") == "12.6 / 20"
    shown = shown_cells(app.dataframe[0]).set_index("Code")
    assert shown.loc["4.3", "Source"] == "No data yet"
    assert shown.loc["2.1", "Indicator"] == "Dossiers handled on time"


# ---------------------------------------------------------------- the wall's 766 panel

WALL_PANEL = "3"  # the fourth of the overview's rotation (pages/overview.py PANELS)


def open_wall(monkeypatch, wh: WarehousePaths, **params: str) -> AppTest:
    monkeypatch.setenv("IOC_WAREHOUSE", str(wh.database))
    monkeypatch.setenv("IOC_TODAY", TODAY)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for name, value in {"wall": "1", "rotate": "0", "panel": WALL_PANEL, **params}.items():
        app.query_params[name] = value
    return app.run()


def test_wall_panel_shows_the_total_the_groups_and_the_weakest_units(monkeypatch, wh, province):
    app = open_wall(monkeypatch, wh)
    assert not app.exception
    assert app.header[0].value == "Chỉ số 766 · tháng 03/2023"
    assert metric(app, "Tổng điểm") == "43,9 / 62"
    assert "43,9 / 62 điểm tính được; 38 điểm chưa có dữ liệu" in captions(app)
    groups = {m.label: m.value for m in app.metric if m.label != "Tổng điểm"}
    assert groups == {
        "Công khai, minh bạch": "5,5 / 6",
        "Tiến độ giải quyết": "12,6 / 20",
        "Dịch vụ công trực tuyến": "10,7 / 12",  # 3.1 1,5 + 3.2 3,2 + 3.3 6
        "Thanh toán trực tuyến": "5,3 / 8",  # 3.4 3,33 + 3.5 2; 3.6 national only
        "Mức độ số hóa": "5,5 / 10",  # 4.1 3,75 + 4.2 1,75; 4.3-4.5 without their columns
        "Mức độ hài lòng": "4,2 / 6",  # 5.4
    }
    assert groups["Tiến độ giải quyết"].startswith(formats.score(province[("19", "TDGQ")]["points"]))
    # the weakest communes, lowest first: Mỹ Yên 32,25 / 56, then Cù Vân 33,84 / 56; the one agency
    assert not app.get("plotly_chart")  # the wall draws Vega-Lite only
    # each chart's title in its spec, its bars' rows in the Arrow data Streamlit sends beside it
    bars = {
        json.loads(chart.proto.spec)["title"]: pl.read_ipc_stream(chart.proto.data.data).to_dicts()
        for chart in app.get("vega_lite_chart")
    }
    assert [bar["name"] for bar in bars["5 xã, phường thấp nhất"]] == ["Xã Mỹ Yên", "Xã Cù Vân"]
    assert [bar["text"] for bar in bars["5 xã, phường thấp nhất"]] == ["32,2 / 56", "33,8 / 56"]
    assert [bar["name"] for bar in bars["5 cơ quan thấp nhất"]] == ["Sở Tư pháp"]


def test_wall_panel_in_english(monkeypatch, wh):
    app = open_wall(monkeypatch, wh, lang="en")
    assert not app.exception
    assert app.header[0].value == "Index 766 · 03/2023"
    assert metric(app, "Total") == "43.9 / 62"
    assert metric(app, "Satisfaction") == "4.2 / 6"  # 5.4 alone
