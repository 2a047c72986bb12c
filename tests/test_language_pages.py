"""One language at a time (issue #14): the data-health tables name their columns in the
reader's language, write times to the minute and "—" for nothing; the backfill banner
and the language switch speak the chosen language (Streamlit's test harness, the KPI
fixture of tests/test_pages.py with two runs in the run log)."""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
import pytest
from conftest import ROOT, load
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest
from test_pages import TODAY
from test_reports_page import archived, env  # noqa: F401 (fixtures: an archived month)

from ui import formats
from warehouse.runlog import append_run

HEALTH = "pages/data_health.py"
OK_RUN = {
    "run_id": "demo-1",
    "source": "demo",
    "started_at": datetime(2023, 3, 31, 14, 5),
    "finished_at": datetime(2023, 3, 31, 14, 7),
    "status": "ok",
    "rows": 4930,
    "error": None,
}
# a run still going: no end yet, nothing counted, no error
RUNNING = {
    "run_id": "demo-2",
    "source": "demo",
    "started_at": datetime(2023, 3, 31, 15, 0),
    "finished_at": None,
    "status": "running",
    "rows": None,
    "error": None,
}


@pytest.fixture
def logged(kpi_loaded):
    warehouse = kpi_loaded
    append_run(warehouse, OK_RUN)
    append_run(warehouse, RUNNING)
    return warehouse


def open_in(monkeypatch, warehouse, language: str, page: str = HEALTH) -> AppTest:
    """The page as a link with `?lang=` opens it: the language is in the link from the first run."""
    monkeypatch.setenv("IOC_WAREHOUSE", str(warehouse.database))
    monkeypatch.setenv("IOC_TODAY", TODAY)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    app.query_params["lang"] = language
    app.run()
    app.switch_page(page)
    return app.run()


def shown(table) -> pd.DataFrame:
    """A table as the reader sees it: each cell's text as the Styler wrote it."""
    frame = table.value
    styler = table.proto.arrow_data.styler
    if styler.display_values:
        frame = convert_arrow_bytes_to_pandas_df(styler.display_values)
    return frame


def runs_shown(app: AppTest) -> pd.DataFrame:
    frame = shown(app.dataframe[0])
    return frame.set_index(frame.columns[0])


@pytest.mark.parametrize(
    ("language", "headers", "running", "ok"),
    [
        (
            "vi",
            ["Mã lần nạp", "Nguồn", "Bắt đầu", "Kết thúc", "Trạng thái", "Số dòng", "Lỗi"],
            "Đang chạy",
            "Thành công",
        ),
        ("en", ["Run", "Source", "Started", "Finished", "Status", "Rows", "Error"], "Running", "Succeeded"),
    ],
)
def test_data_health_runs_table_speaks_the_language(monkeypatch, logged, language, headers, running, ok):
    app = open_in(monkeypatch, logged, language)
    assert not app.exception
    frame = runs_shown(app)
    assert list(frame.reset_index().columns) == headers
    started, finished, status, _, error = headers[2], headers[3], headers[4], headers[5], headers[6]
    # times to the minute, the Vietnamese way in both languages (DESIGN §2: 14:05 21/11/2026)
    assert frame.loc["demo-1", started] == "14:05 31/03/2023" == formats.moment(OK_RUN["started_at"], language)
    assert frame.loc["demo-1", finished] == "14:07 31/03/2023"
    assert frame.loc["demo-1", status] == ok and frame.loc["demo-2", status] == running
    # nothing is "—", never "None" (nor an empty cell the grid draws as "None")
    assert frame.loc["demo-1", error] == formats.MISSING
    assert frame.loc["demo-2", finished] == formats.MISSING and frame.loc["demo-2", error] == formats.MISSING
    assert frame.loc["demo-2", headers[5]] == formats.MISSING and frame.loc["demo-1", headers[5]] == formats.count(
        4930, language
    )


def test_data_health_in_english_has_no_raw_names_and_no_none(monkeypatch, logged):
    app = open_in(monkeypatch, logged, "en")
    for table in app.dataframe:
        frame = shown(table)
        assert not [c for c in frame.columns if "_" in str(c) or str(c).islower()], list(frame.columns)
        cells = frame.astype(str).to_numpy().ravel().tolist()
        assert "None" not in cells and "nan" not in cells and "NaT" not in cells, frame
        # and the grid, which draws a missing value as "None" whatever the text: none missing
        assert not table.value.isna().any().any(), table.value
    assert [s.value for s in app.subheader][:2] == ["Sources", "Recent runs"]


def test_backfill_banner_and_switch_in_english(monkeypatch, logged):
    app = open_in(monkeypatch, logged, "en", "pages/overview.py")
    assert app.sidebar.get("button_group")[0].proto.label == "Language"
    from ui import layout

    monkeypatch.setattr(layout, "lang", lambda: "en")
    assert layout.backfill_note("Đang nạp lịch sử: 3/36 tháng (đã có từ 09/2025 đến nay)") == (
        "Loading the history: 3/36 months (data from 09/2025 on so far)."
    )
    assert layout.backfill_note("something new").isascii()
    monkeypatch.setattr(layout, "lang", lambda: "vi")
    assert layout.backfill_note("Đang nạp lịch sử: 3/36 tháng (đã có từ 09/2025 đến nay)").startswith("Đang nạp")


def test_every_data_health_table_in_english(monkeypatch, logged, tmp_path):
    # a row with an impossible date (quarantined), a form 06a that does not add up, and an
    # agency outside the unit registry: every table of the page has rows
    bad = tmp_path / "hoso.csv"
    bad.write_text(
        "MaHoSo,MaTTHC,MaLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,"
        "NgayKetThucXuLy,SoLanBoSung\nB1,1.000656,G01,XA-CV,1,4,31/02/2023,,,\n",
        encoding="utf-8",
    )
    load(logged, bad, ROOT / "tests" / "fixtures" / "form06a" / "identity_broken.xlsx")
    app = open_in(monkeypatch, logged, "en")
    assert not app.exception
    tables = [shown(table) for table in app.dataframe]
    headers = [list(frame.columns) for frame in tables]
    assert ["Reason", "Rows", "Files"] in headers, headers
    assert any(h[:3] == ["Reporting unit", "From", "To"] for h in headers), headers
    for table, frame in zip(app.dataframe, tables):
        assert not [c for c in frame.columns if "_" in str(c) or str(c).islower()], list(frame.columns)
        cells = frame.astype(str).to_numpy().ravel().tolist()
        assert "None" not in cells and "nan" not in cells and "NaT" not in cells, frame
        assert not table.value.isna().any().any(), table.value


def test_report_archive_and_schedule_in_english(env):  # noqa: F811 (the fixture)
    # the archived month of tests/test_reports_page.py: its manifest keeps the Vietnamese label
    at = AppTest.from_file(str(ROOT / "pages" / "report_exports.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert any("Tỉnh Thái Nguyên" in m.value and "· 03/2023 (01/03/2023 – 31/03/2023)" in m.value for m in at.markdown)
    assert not any("tháng" in m.value for m in at.markdown)
    schedule = at.dataframe[0].value
    assert list(schedule.columns) == ["At", "Kind", "Period", "Unit", "Result", "Error"]
    run = schedule.iloc[0]
    assert run["Kind"] == "Monthly" and run["Period"] == "01/03/2023 – 31/03/2023" and run["Unit"] == "Province"
    assert re.fullmatch(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", run["At"]), run["At"]


def test_report_schedule_in_vietnamese(env):  # noqa: F811 (the fixture)
    at = AppTest.from_file(str(ROOT / "pages" / "report_exports.py"), default_timeout=60).run()
    run = at.dataframe[0].value.iloc[0]
    assert run["Loại"] == "Hằng tháng" and run["Kỳ báo cáo"] == "01/03/2023 – 31/03/2023"
    assert re.fullmatch(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", run["Lúc"]), run["Lúc"]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_long_lists_write_nothing_as_a_dash(language):
    # a list of dossiers (over 500 rows: native columns): a pending dossier has no end date
    import polars as pl

    from ui.tables import native, styled

    frame = pl.DataFrame(
        {
            "dossier_code": ["D1", None],
            "received_date": [datetime(2023, 3, 1).date()] * 2,
            "finished_date": [datetime(2023, 3, 2).date(), None],
            "days_overdue": [3, None],
        }
    )
    shown_native, config = native(frame, language)
    assert shown_native.null_count().sum_horizontal().item() == 0
    assert shown_native.row(1)[2:] == (formats.MISSING, formats.MISSING)
    assert shown_native.row(0)[2] == "02/03/2023"
    assert config and shown_native.schema[shown_native.columns[1]] == pl.Date  # no gap: still a date, sorts as one
    assert not styled(frame, language).data.isna().any().any()
