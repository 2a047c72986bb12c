"""The app's first page, through Streamlit's own test harness, on a real snapshot."""

from datetime import date

from streamlit.testing.v1 import AppTest

from conftest import FIXTURES, ROOT, load

KPI = FIXTURES / "kpi"


def run_app(monkeypatch, warehouse) -> AppTest:
    monkeypatch.setenv("IOC_WAREHOUSE", str(warehouse.database))
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    return app.run()


def test_page_shows_kpi_table_for_loaded_data(monkeypatch, warehouse):
    load(warehouse, KPI / "agencies.csv", KPI / "procedures.csv", KPI / "dossiers.csv")
    app = run_app(monkeypatch, warehouse)
    assert not app.exception
    app.date_input[0].set_value((date(2023, 3, 1), date(2023, 3, 31))).run()
    assert not app.exception
    frame = app.dataframe[0].value
    assert "received" in frame.columns
    # by unit, March 2023: 19 → 3, 171 → 4, 05809 → 5, 05836 → 4 (see test_kpi_exact)
    assert sorted(frame["received"].tolist()) == [3, 4, 4, 5]


def test_page_explains_an_empty_warehouse(monkeypatch, warehouse):
    app = run_app(monkeypatch, warehouse)
    assert not app.exception
    assert "Chưa có dữ liệu" in app.info[0].value
