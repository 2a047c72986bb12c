"""The data-health page names ratings and PAKN that point at nothing loaded (issue 12 item 5),
in the reader's language, from the published snapshot (Streamlit's test harness)."""

from __future__ import annotations

import pytest
from conftest import ROOT, load, write_csv
from streamlit.testing.v1 import AppTest
from test_ingest_v2 import FEEDBACK_HEADER, GOOD_FEEDBACK, RATINGS_HEADER, write_table

from warehouse.paths import WarehousePaths

HEALTH = "pages/data_health.py"


@pytest.fixture(scope="module")
def orphaned(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    """Agency XA-CV and no dossier: two ratings and a PAKN of unknown dossiers, a PAKN of an unknown agency."""
    folder = tmp_path_factory.mktemp("v2-health")
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    agencies = write_csv(folder / "donvi.csv", "MaDonVi,TenDonVi,Cap,MaDVHC", "XA-CV,UBND xã Cù Vân,XA,05809")
    ratings = write_table(
        folder / "danhgia",
        "csv",
        RATINGS_HEADER,
        [["H1", "20230120100000", "1", "1"], ["H2", "20230120100000", "3", "1"]],
    )
    other_agency = ["P2", "XA-KHAC", *GOOD_FEEDBACK[2:6], "", *GOOD_FEEDBACK[7:]]
    feedback = write_table(folder / "pakn", "csv", FEEDBACK_HEADER, [GOOD_FEEDBACK, other_agency])
    assert load(warehouse, agencies, ratings, feedback).all_read
    return warehouse


def open_health(monkeypatch: pytest.MonkeyPatch, warehouse: WarehousePaths, language: str) -> AppTest:
    monkeypatch.setenv("IOC_WAREHOUSE", str(warehouse.database))
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    app.query_params["lang"] = language
    app.run()
    app.switch_page(HEALTH)
    return app.run()


# ratings of H1 and H2; P1 names H1, P2 an agency nobody loaded
EXPECTED = {
    "vi": (
        "Đánh giá, phản ánh chưa khớp dữ liệu",
        ["Loại", "Tham chiếu tới (chưa nạp)", "Số dòng", "Số mã", "Ví dụ"],
        [
            ["Đánh giá hài lòng", "Hồ sơ", "2", "2", "H1, H2"],
            ["Phản ánh, kiến nghị", "Hồ sơ", "1", "1", "H1"],
            ["Phản ánh, kiến nghị", "Cơ quan", "1", "1", "XA-KHAC"],
        ],
    ),
    "en": (
        "Ratings and feedback naming what is not loaded",
        ["Kind", "Refers to (not loaded)", "Rows", "Codes", "Examples"],
        [
            ["Ratings", "Dossier", "2", "2", "H1, H2"],
            ["Feedback (PAKN)", "Dossier", "1", "1", "H1"],
            ["Feedback (PAKN)", "Agency", "1", "1", "XA-KHAC"],
        ],
    ),
}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_page_lists_rows_naming_what_is_not_loaded(
    monkeypatch: pytest.MonkeyPatch, orphaned: WarehousePaths, language: str
) -> None:
    title, headers, rows = EXPECTED[language]
    app = open_health(monkeypatch, orphaned, language)
    assert not app.exception
    assert title in [s.value for s in app.subheader]
    [orphans] = [table.value for table in app.dataframe if list(table.value.columns) == headers]
    assert orphans.astype(str).to_numpy().tolist() == rows
