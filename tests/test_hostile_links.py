"""Links and names nobody checked (issue #11): every URL parameter of every page is
checked against its choices (the default, or the nearest end of a range, is used and a
quiet note says so, never a traceback), and names from the data are shown as text.

The data is the hand-computed KPI fixture (tests/test_kpi_exact.py), "today" 31/03/2023.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, copy_warehouse, load, write_csv
from streamlit.testing.v1 import AppTest

from reports.schedule import archive_folder
from reports.snapshot import make_snapshot
from ui.text import md
from warehouse.paths import WarehousePaths
from warehouse.periods import parse_period

TODAY = "2023-03-31"
NOTE = "Liên kết có giá trị không hợp lệ"
EVIL = "[Bấm vào đây](http://evil.example)"


@pytest.fixture(scope="module")
def loaded(kpi_template: Path, tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    return copy_warehouse(kpi_template, tmp_path_factory.mktemp("hostile"))


def open_page(monkeypatch, warehouse: WarehousePaths, page: str | None = None, **params: str) -> AppTest:
    monkeypatch.setenv("IOC_WAREHOUSE", str(warehouse.database))
    monkeypatch.setenv("IOC_TODAY", TODAY)
    monkeypatch.setenv("IOC_SOURCES", str(warehouse.database.parent / "no-sources.toml"))
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if page:
        app.run()
        app.switch_page(page)
    for name, value in params.items():
        app.query_params[name] = value
    return app.run()


def notes(app: AppTest) -> str:
    """The page's notes about link values it did not use, as one text."""
    return " ".join(c.value for c in app.caption if c.value.startswith(NOTE))


def metric_labels(app: AppTest) -> list[str]:
    return [m.label for m in app.metric]


# ---------------------------------------------------------------- Tổng quan and the wall


def test_overview_with_unknown_values_uses_the_defaults(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, period="decade", kpi="bogus", unit="Nowhere")
    assert not app.exception
    assert "Tiếp nhận tháng 03/2023" in metric_labels(app)  # period: this month
    assert app.selectbox[0].value == "on_time_rate"  # kpi: the default
    assert all(shown in notes(app) for shown in ("period=decade", "kpi=bogus", "unit=Nowhere"))


def test_wall_with_unknown_values_uses_the_defaults(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, wall="1", rotate="-5", kpi="bogus", period="2023-13", lang="klingon")
    assert not app.exception
    # rotate -5 is clamped to 0: the first panel stays, for this month
    assert app.header[0].value == "Chỉ số chính · tháng 03/2023"
    assert all(shown in notes(app) for shown in ("rotate=\\-5 → 0", "kpi=bogus", "lang=klingon"))


def test_wall_ranking_panel_with_an_unknown_kpi_ranks_on_the_default(monkeypatch, loaded):
    # rotate=1000 at 1000.5 s past the epoch shows the second panel, the ranking
    monkeypatch.setattr("time.time", lambda: 1000.5)
    app = open_page(monkeypatch, loaded, wall="1", rotate="1000", kpi="<script>")
    assert not app.exception
    assert app.header[0].value.startswith("Xếp hạng đơn vị")


def test_language_switch_with_an_unknown_language_speaks_vietnamese(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, lang="klingon")
    assert not app.exception
    assert app.title[0].value == "Tổng quan"
    assert "lang=klingon" in notes(app)


# ---------------------------------------------------------------- Phân tích


def test_explorer_with_unknown_filters_uses_the_defaults(monkeypatch, loaded):
    app = open_page(
        monkeypatch,
        loaded,
        "pages/explorer.py",
        period="forever",
        level="galaxy",
        channel="fax",
        district="999",
        field="nope",
        procedure="9.999",
        measure="DROP TABLE",
    )
    assert not app.exception
    assert "Tiếp nhận" in metric_labels(app)
    assert app.sidebar.selectbox[0].value == "month"
    note = notes(app)
    for shown in (
        "period=forever",
        "level=galaxy",
        "channel=fax",
        "district=999",
        "field=nope",
        "procedure=9\\.999",
        "measure=DROP TABLE",
    ):
        assert shown in note


def test_explorer_dates_outside_the_data_are_clamped(monkeypatch, loaded):
    app = open_page(
        monkeypatch, loaded, "pages/explorer.py", period="custom", **{"from": "1900-01-01", "to": "2099-12-31"}
    )
    assert not app.exception
    assert [d.value for d in app.sidebar.date_input] == [date(2000, 1, 1), date(2023, 3, 31)]
    assert "from=1900\\-01\\-01 → 2000\\-01\\-01" in notes(app) and "to=2099\\-12\\-31 → 2023\\-03\\-31" in notes(app)


def test_explorer_date_that_is_no_date_uses_the_default(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, "pages/explorer.py", period="custom", **{"from": "2023-02-31"})
    assert not app.exception
    assert app.sidebar.date_input[0].value == date(2023, 3, 1)


# ---------------------------------------------------------------- Hồ sơ trễ hạn, Dữ liệu, Báo cáo


def test_due_soon_window_over_30_days_is_clamped_and_said(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, "pages/overdue.py", days="45")
    assert not app.exception
    assert app.sidebar.number_input[0].value == 30
    assert "Đến hạn trong 30 ngày làm việc" in metric_labels(app)
    assert "days=45 → 30" in notes(app)


def test_overdue_with_unknown_filters_uses_the_defaults(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, "pages/overdue.py", days="soon", district="999", commune="x", field="?")
    assert not app.exception
    assert app.sidebar.number_input[0].value == 3
    assert "days=soon" in notes(app) and "district=999" in notes(app)


def test_data_health_with_an_unknown_language(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, "pages/data_health.py", lang="xx")
    assert not app.exception
    assert app.title[0].value == "Dữ liệu"


def test_reports_page_with_an_unknown_period_uses_the_default(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, "pages/report_exports.py", period="2099")
    assert not app.exception
    assert app.selectbox[0].value == "month"
    assert "period=2099" in notes(app)


# ---------------------------------------------------------------- names are text


def test_markdown_is_escaped_to_literal_text():
    # a word joiner (U+2060) after "http:" keeps the bare URL from being linked
    assert md(EVIL) == "\\[Bấm vào đây\\]\\(http\\:\u2060//evil\\.example\\)"


@pytest.fixture(scope="module")
def evil_archive(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    """An agency named with a Markdown link, and an archived report of it."""
    folder = tmp_path_factory.mktemp("evil")
    agencies = write_csv(folder / "donvi.csv", "MaDonVi,TenDonVi,Cap,MaDVHC", f'EVIL,"{EVIL}",XA,05809')
    dossiers = write_csv(
        folder / "hoso.csv",
        "MaHoSo,MaTTHC,MaLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy",
        "E1,1.000656,G01,EVIL,2,4,20230302080000,,",
    )
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    assert load(warehouse, agencies, dossiers).all_read
    today = date.fromisoformat(TODAY)
    period = parse_period("2023-03", today)
    make_snapshot(
        warehouse,
        period,
        archive_folder(folder / "reports", today, period, "EVIL"),
        unit="EVIL",
        today=today,
        wall=False,
    )
    return warehouse


def test_reports_page_shows_a_markdown_name_as_text(monkeypatch, evil_archive):
    app = open_page(monkeypatch, evil_archive, "pages/report_exports.py")
    assert not app.exception
    listed = [m.value for m in app.markdown if "Bấm vào đây" in m.value]
    assert listed and all(md(EVIL) in m and "](http" not in m for m in listed)


def test_chart_labels_show_tags_in_names_as_text():
    import polars as pl

    from ui.vega_charts import ranking

    # Vega-Lite writes a label as text (an SVG text node), never as markup: the name goes as it is
    frame = pl.DataFrame({"unit_name": ['<a href="http://evil.example">x</a>'], "received": [3]})
    chart = ranking(frame, "received", None, "vi", title="")
    assert [row["name"] for row in chart["data"]["values"]] == ['<a href="http://evil.example">x</a>']
    assert all("href" not in layer["encoding"] for layer in chart["layer"])
