"""Issue #11 in Chromium: a hostile `?kpi=` on the wall and an agency named with a
Markdown link on Báo cáo show no traceback and no live link.

Its own tiny warehouse (the KPI fixture plus that agency and an archived report of it),
not the session's demo one: nothing here needs the demo's months.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from conftest import FIXTURES, load, write_csv

from reports.browser import EXCEPTION_SELECTOR, open_page, serve_dashboard
from reports.schedule import archive_folder
from reports.snapshot import make_snapshot
from warehouse.paths import WarehousePaths
from warehouse.periods import parse_period

pytestmark = pytest.mark.browser

KPI = FIXTURES / "kpi"
TODAY = date(2023, 3, 31)
EVIL = "[Bấm vào đây](http://evil.example)"
HEADING = '[data-testid="stMain"] [data-testid="stHeading"]'


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile-browser")
    evil = write_csv(folder / "donvi.csv", "MaDonVi,TenDonVi,Cap,MaDVHC", f'EVIL,"{EVIL}",XA,05809')
    dossiers = write_csv(
        folder / "hoso.csv",
        "MaHoSo,MaTTHC,MaLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy",
        "E1,1.000656,G01,EVIL,2,4,20230302080000,,",
    )
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    assert load(warehouse, KPI / "agencies.csv", KPI / "procedures.csv", KPI / "dossiers.csv", evil, dossiers).all_read
    period = parse_period("2023-03", TODAY)
    make_snapshot(
        warehouse,
        period,
        archive_folder(folder / "reports", TODAY, period, "EVIL"),
        unit="EVIL",
        today=TODAY,
        wall=False,
    )
    env = {"IOC_TODAY": TODAY.isoformat(), "IOC_SOURCES": str(folder / "no-sources.toml")}
    with serve_dashboard(warehouse.database, env=env) as url:
        yield url


def shows_no_traceback(page) -> bool:
    return page.locator(EXCEPTION_SELECTOR).count() == 0 and "Traceback" not in page.inner_text("body")


def test_wall_with_a_hostile_kpi_shows_no_traceback(new_page, hostile_url):
    page = new_page()
    open_page(page, f"{hostile_url}/?wall=1&rotate=1&kpi=%3Cimg%20src%3Dx%3E")
    # every panel, the ranking among them, comes round within three seconds
    for _ in range(4):
        assert shows_no_traceback(page)
        time.sleep(1)
    assert "kpi=<img src=x>" in page.inner_text("body")


def test_reports_page_shows_a_markdown_name_as_text(new_page, hostile_url):
    page = new_page()
    open_page(page, f"{hostile_url}/bao-cao", HEADING)
    name = page.get_by_text("Bấm vào đây").first
    name.wait_for(timeout=30_000)
    # shown as typed (an invisible word joiner aside), and not as a link
    assert EVIL in name.inner_text().replace("\u2060", "")
    assert page.locator('a[href*="evil.example"]').count() == 0
    assert shows_no_traceback(page)
