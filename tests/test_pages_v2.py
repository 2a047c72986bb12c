"""The two pages of contract v2 through Streamlit's test harness: Dịch vụ công trực tuyến
(/dich-vu-cong) and Hài lòng & phản ánh (/hai-long), on a real snapshot of the KPI fixture
(tests/test_kpi_exact.py) with the ratings and feedback of tests/fixtures/pages_v2.

"Today" is 31 March 2023 (`$IOC_TODAY`), so "this month" is March 2023. Tiles are
checked against the typed query API for the same filter (the v2 measures' exact values
are tested where they are computed); here: that the pages show them, keep their filters
in the link, speak one language at a time, and say in one sentence when there is nothing.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, copy_warehouse, load
from streamlit.testing.v1 import AppTest
from test_language_pages import shown
from test_pages import TODAY, metric

from ui import formats
from warehouse import registry
from warehouse.paths import WarehousePaths
from warehouse.query import KpiFilter, kpi
from warehouse.snapshot import open_snapshot

V2 = FIXTURES / "pages_v2"
ONLINE = "pages/online_services.py"
SATISFACTION = "pages/satisfaction.py"
MARCH = ("2023-03-01", TODAY)
# letters only Vietnamese writes: an English page shows none outside data (names of units)
VIETNAMESE = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.IGNORECASE)


@pytest.fixture
def v1_only(kpi_read_only):
    return kpi_read_only


@pytest.fixture(scope="module")
def loaded(kpi_template: Path, tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    """The KPI fixture, then the ratings and the feedback: loaded once, read by every test."""
    warehouse = copy_warehouse(kpi_template, tmp_path_factory.mktemp("pages-v2"))
    result = load(warehouse, V2 / "ratings.csv", V2 / "feedback.csv")
    assert all(report.error is None for report in result.files), result
    return warehouse


def open_page(monkeypatch, warehouse, page: str, **params: str) -> AppTest:
    """The page opened from a link carrying `params` (the language included)."""
    monkeypatch.setenv("IOC_WAREHOUSE", str(warehouse.database))
    monkeypatch.setenv("IOC_TODAY", TODAY)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    # the language from the first run (the link's); the page's own filters once on the page
    if "lang" in params:
        app.query_params["lang"] = params.pop("lang")
    app.run()
    app.switch_page(page)
    for name, value in params.items():
        app.query_params[name] = value
    return app.run()


def kpi_one(warehouse, date_from: str, date_to: str, **options) -> dict:
    """The one KPI row of a filter through the typed API the pages use, with the parts of rates."""
    spec = KpiFilter(date.fromisoformat(date_from), date.fromisoformat(date_to), **options)
    with open_snapshot(warehouse) as (con, _info):
        [row] = kpi(con, spec, parts=True).to_dicts()
    return row


def label(key: str, language: str = "vi") -> str:
    return registry.measure(key).label(language)


def interface_texts(app: AppTest) -> list[str]:
    """What the page itself writes (not the data in its tables' cells)."""
    texts = [e.value for kind in ("title", "subheader", "caption", "info", "success", "warning") for e in app.get(kind)]
    texts += [m.label for m in app.metric] + [t.label for t in app.tabs]
    texts += [str(c) for table in app.dataframe for c in shown(table).columns]
    return texts


# ---------------------------------------------------------------- Dịch vụ công trực tuyến


def test_online_page_tiles_match_the_kpi_rows(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, ONLINE)
    assert not app.exception
    march = kpi_one(loaded, *MARCH)
    assert march["procedures"] > 0
    for key in ("procedures", "procedures_full", "procedures_partial", "online_service_rate"):
        assert metric(app, label(key)) == formats.measure(key, march[key]), key
    assert metric(app, label("online_service_use_rate")) == formats.measure(
        "online_service_use_rate", march["online_service_use_rate"]
    )
    assert metric(app, label("online_rate")) == formats.rate(march["online_rate"])
    assert re.fullmatch(r"\d+,\d%", metric(app, label("online_rate")))  # one decimal, the Vietnamese way


def test_online_page_shows_tables_and_downloads(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, ONLINE)
    assert [t.label for t in app.tabs][:3] == ["Theo cấp", "Theo lĩnh vực", "Theo cơ quan"]
    assert len(app.dataframe) >= 4  # by level, field, agency; by procedure (and the list to act on)
    by_procedure = shown(app.dataframe[3])
    assert {"Mã thủ tục", label("received"), label("online_rate")} <= set(by_procedure.columns)
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels.count("CSV") >= 4 and labels.count("Excel") >= 4


def test_online_page_filters_restore_from_the_link(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, ONLINE, period="last_month", level="commune", field="HOTICH")
    assert not app.exception
    assert app.selectbox(key="online.period").value == "last_month"
    assert app.selectbox(key="online.level").value == "commune"
    assert app.selectbox(key="online.field").value == "HOTICH"
    february = kpi_one(loaded, "2023-02-01", "2023-02-28", level="commune", field="HOTICH")
    assert metric(app, label("procedures")) == formats.count(february["procedures"])
    assert metric(app, label("online_rate")) == formats.rate(february["online_rate"])


def test_online_page_in_english(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, ONLINE, lang="en")
    assert not app.exception
    assert app.title[0].value == "Online services"
    march = kpi_one(loaded, *MARCH)
    assert metric(app, label("online_service_rate", "en")) == formats.rate(march["online_service_rate"], "en")
    texts = interface_texts(app)
    assert not [t for t in texts if VIETNAMESE.search(t)], [t for t in texts if VIETNAMESE.search(t)]
    assert not [c for t in app.dataframe for c in shown(t).columns if "_" in str(c)]


# ---------------------------------------------------------------- Hài lòng & phản ánh


def test_satisfaction_page_tiles_match_the_kpi_rows(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, SATISFACTION)
    assert not app.exception
    march = kpi_one(loaded, *MARCH)
    assert march["rated"] == 4 and march["feedback"] == 4  # tests/fixtures/pages_v2/README.md
    for key in ("satisfaction_rate", "dossier_satisfaction_rate", "feedback_on_time_rate", "feedback_satisfied_rate"):
        assert metric(app, label(key)) == formats.rate(march[key]), key
    for key in ("feedback", "feedback_on_time", "feedback_overdue", "feedback_satisfied"):
        assert metric(app, label(key)) == formats.count(march[key]), key
    # its target on the tile (config/targets.toml: satisfaction ≥ 90%)
    assert any("Chỉ tiêu ≥ 90,0%" in c.value for c in app.caption)


def test_satisfaction_page_lists_the_open_feedback_with_days(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, SATISFACTION)
    listed = shown(app.dataframe[-1]).set_index("Mã PAKN")
    # open at 31/03: PAKN-02 past its deadline, PAKN-03 not yet due (the README of the fixture)
    assert sorted(listed.index) == ["PAKN-02", "PAKN-03"]
    assert listed.loc["PAKN-02", "Tình trạng"] == "Đang xử lý, quá hạn"
    assert listed.loc["PAKN-02", "Số ngày làm việc trễ hạn"] not in ("", formats.MISSING)
    assert listed.loc["PAKN-03", "Tình trạng"] == "Đang xử lý, trong hạn"
    assert listed.loc["PAKN-03", "Số ngày làm việc còn lại"] not in ("", formats.MISSING)
    # codes and agencies only
    assert set(listed.columns) >= {"Cơ quan tiếp nhận", "Hạn xử lý"}


def test_satisfaction_page_filters_restore_from_the_link(monkeypatch, loaded):
    app = open_page(
        monkeypatch, loaded, SATISFACTION, period="custom", **{"from": "2023-03-01", "to": "2023-03-15"}, district="171"
    )
    assert not app.exception
    assert app.selectbox(key="satisfaction.period").value == "custom"
    assert app.date_input(key="satisfaction.from").value == date(2023, 3, 1)
    assert app.date_input(key="satisfaction.to").value == date(2023, 3, 15)
    assert app.selectbox(key="satisfaction.district").value == "171"
    part = kpi_one(loaded, "2023-03-01", "2023-03-15", unit="171")
    assert metric(app, label("feedback")) == formats.count(part["feedback"])
    assert metric(app, label("satisfaction_rate")) == formats.rate(part["satisfaction_rate"])


def test_satisfaction_page_in_english(monkeypatch, loaded):
    app = open_page(monkeypatch, loaded, SATISFACTION, lang="en")
    assert not app.exception
    march = kpi_one(loaded, *MARCH)
    assert metric(app, label("satisfaction_rate", "en")) == formats.rate(march["satisfaction_rate"], "en")
    texts = interface_texts(app)
    assert not [t for t in texts if VIETNAMESE.search(t)], [t for t in texts if VIETNAMESE.search(t)]
    listed = shown(app.dataframe[-1])
    assert "Feedback code" in listed.columns and set(listed["State"]) == {"Open, overdue", "Open, within the deadline"}


# ---------------------------------------------------------------- nothing to show


def test_satisfaction_page_says_so_before_any_rating_or_feedback(monkeypatch, v1_only):
    app = open_page(monkeypatch, v1_only, SATISFACTION)
    assert not app.exception
    assert [i.value for i in app.info] == [
        "Chưa có dữ liệu đánh giá mức độ hài lòng hay phản ánh, kiến nghị trong 12 tháng đến hết kỳ này."
    ]
    assert not app.metric and not app.dataframe


@pytest.mark.parametrize("page", [ONLINE, SATISFACTION])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_empty_warehouse_says_so(monkeypatch, warehouse, page, language):
    app = open_page(monkeypatch, warehouse, page, lang=language)
    assert not app.exception
    assert [i.value[:14] for i in app.info] == [("Chưa có dữ liệu" if language == "vi" else "No data yet. T")[:14]]
    assert not app.metric and not app.dataframe


# ---------------------------------------------------------------- the PDF briefing


def test_briefing_has_the_online_and_satisfaction_block(loaded, tmp_path):
    import shutil
    import subprocess

    from reports.snapshot import make_snapshot

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed: ./setup.sh installs it")
    make_snapshot(loaded, "2023-03", tmp_path, wall=False)
    pdf = tmp_path / "briefing.pdf"
    text = " ".join(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    march = kpi_one(loaded, *MARCH)
    assert "Dịch vụ công trực tuyến và mức độ hài lòng" in text
    # satisfaction 1 - 1/4 = 75,0% (D03 unsatisfied of D01 D02 D03 D05), against 90%
    assert f"{label('satisfaction_rate')}: {formats.rate(march['satisfaction_rate'])} (chỉ tiêu 90,0%)" in text
    assert f"{label('feedback_on_time_rate')}: {formats.rate(march['feedback_on_time_rate'])}" in text
    assert "Pages: 2" in " ".join(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.split())
