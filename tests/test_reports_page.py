"""The Báo cáo page (pages/report_exports.py) in Streamlit's AppTest, on a real archive."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import ROOT, copy_warehouse
from streamlit.testing.v1 import AppTest

from reports.config import ExportsConfig
from reports.exports import run_export

PAGE = str(ROOT / "pages" / "report_exports.py")


@pytest.fixture(scope="module")
def archived(kpi_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The KPI fixture with March 2023 exported as the worker does on 1 April; copied for each test."""
    folder = tmp_path_factory.mktemp("archived")
    run_export(
        copy_warehouse(kpi_template, folder),
        ExportsConfig(wall_png=False),
        "monthly",
        now=datetime(2023, 4, 1, 7, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    )
    return folder


@pytest.fixture
def env(archived: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    warehouse = copy_warehouse(archived, tmp_path)
    monkeypatch.setenv("IOC_WAREHOUSE", str(warehouse.database))
    monkeypatch.setenv("IOC_SOURCES", str(tmp_path / "no-sources.toml"))
    monkeypatch.setenv("IOC_TODAY", "2023-04-05")
    return tmp_path


def test_page_lists_the_archived_snapshot_with_downloads(env: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Báo cáo"
    assert any("Tỉnh Thái Nguyên" in m.value and "tháng 03/2023" in m.value for m in at.markdown)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Chỉ số (Excel)",
        "Hồ sơ quá hạn (Excel)",
        "Chỉ số (CSV)",
        "Hồ sơ quá hạn (CSV)",
        "Chỉ số 766 (CSV)",
        "Biểu 06a (XLSX)",
        "Bản tin PDF",
    ]


def test_page_makes_a_snapshot_on_demand(env: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.selectbox[0].set_value("last_month")
    at.text_input[0].input("Cù Vân")
    at.checkbox[0].uncheck()
    at.button[0].click().run()
    assert not at.exception
    assert (env / "reports" / "2023-04-05" / "month-2023-03-cu-van" / "manifest.json").is_file()


def test_page_speaks_english_on_request(env: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert at.title[0].value == "Reports"
