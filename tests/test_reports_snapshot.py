"""`reports snapshot` on the hand-computed KPI fixture (tests/fixtures/kpi, see test_kpi_exact.py).

The whole province, March 2023 (local dates). Figures worked out by hand from DESIGN §4:

    received 16 (D01 D02 D03 D04 D05 D06 D07 D08 D09 D10 D11 D12 D16 D18 D19 D26)
      online 9 (D01 D02 D04 D07 D08 D11 D12 D16 D26), direct 5 (D03 D05 D09 D18 D19), postal 2 (D06 D10)
    carried over 3 (D20 D21 D23)
    resolved 12: early 5 (D01 D09 D16 D18 D23), on time 3 (D02 D05 D10), late 4 (D03 D04 D20 D26)
    pending 7: within due 4 (D07 D08 D12 D19), overdue 3 (D06 D11 D21)
    on_time_rate 8/12 = 66,7%; on_time_rate_766 12/19 = 63,2%; digitised 7/16 = 43,8%
    refused 2 (D14 D24)

Overdue at 31/03/2023, in working days after the due date (weekends off, no holiday in March):
    D21 UBND huyện Đại Từ due 15/03 → 12;  D06 UBND huyện Đại Từ due 24/03 → 5;  D11 Sở Tư pháp due 30/03 → 1

By area (the province before the reform: its districts, and the provincial departments as one row):
    Huyện Đại Từ (HDT, XCV, XMY): resolved 10, early 4 (D01 D09 D16 D18) + on time 2 (D02 D05) → 60,0%
    Tỉnh Thái Nguyên (STP): resolved 2, early D23 + on time D10 → 100,0%
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, load, run_main

from reports.snapshot import FILES, make_snapshot
from warehouse import registry
from warehouse.paths import WarehousePaths

KPI_FIXTURES = FIXTURES / "kpi"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) is not installed: ./setup.sh installs it",
)


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    warehouse = WarehousePaths(tmp_path_factory.mktemp("reports") / "warehouse.duckdb")
    result = load(
        warehouse, KPI_FIXTURES / "agencies.csv", KPI_FIXTURES / "procedures.csv", KPI_FIXTURES / "dossiers.csv"
    )
    assert all(report.error is None for report in result.files)
    return warehouse


@pytest.fixture(scope="module")
def march(wh: WarehousePaths, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("march")
    make_snapshot(wh, "2023-03", out, wall=False)
    return out


@pytest.fixture(scope="module")
def text(march: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed: ./setup.sh installs it")
    done = subprocess.run(
        ["pdftotext", "-layout", str(march / "briefing.pdf"), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_snapshot_writes_the_data_files_and_a_manifest(march: Path) -> None:
    assert sorted(p.name for p in march.iterdir()) == sorted([*(f for f in FILES if f != "wall.png"), "manifest.json"])


@needs_poppler
def test_briefing_has_two_a4_pages(march: Path) -> None:
    info = subprocess.run(["pdfinfo", str(march / "briefing.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+2\b", info)
    assert "595.28 x 841.89 pts (A4)" in info


@pytest.fixture(scope="module")
def drawn(march: Path) -> str:
    """The text in the order it is drawn (tile by tile), one space between words."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed: ./setup.sh installs it")
    done = subprocess.run(
        ["pdftotext", "-raw", str(march / "briefing.pdf"), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


@needs_poppler
def test_briefing_title_names_unit_and_period(text: str) -> None:
    assert "BÁO CÁO NHANH TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Tỉnh Thái Nguyên · tháng 03/2023, 01/03/2023 – 31/03/2023" in text


@needs_poppler
def test_briefing_prints_the_data_time(text: str) -> None:
    assert re.search(r"Dữ liệu đến \d\d:\d\d \d\d/\d\d/\d{4}", text)


@needs_poppler
def test_briefing_tiles_show_the_hand_computed_figures(drawn: str) -> None:
    flat = drawn
    # the tiles' labels are the registry's (the dashboard's): one spelling everywhere
    tile = {
        key: registry.measure(key).vi.upper()
        for key in (
            "received",
            "online_rate",
            "resolved",
            "on_time_rate",
            "pending",
            "pending_overdue",
            "on_time_rate_766",
            "digitised_rate",
        )
    }
    for label in tile.values():
        assert label in flat
    assert "Trực tuyến 9 · trực tiếp 5 · bưu chính 2" in flat
    assert "9 / 16 hồ sơ tiếp nhận" in flat
    assert "Trước hạn 5 · đúng hạn 3 · quá hạn 4" in flat
    assert "8 / 12 hồ sơ đã giải quyết" in flat
    assert f"{tile['received']} 16 " in flat
    assert f"{tile['online_rate']} 56,2% " in flat  # 9/16 = 56,25%, rounded half to even
    assert f"{tile['resolved']} 12 " in flat
    assert f"{tile['on_time_rate']} 66,7% " in flat
    assert f"{tile['pending']} 7 " in flat
    assert f"{tile['pending_overdue']} 3 " in flat
    assert f"{tile['on_time_rate_766']} 63,2% " in flat
    assert f"{tile['digitised_rate']} 43,8% " in flat
    assert "Từ chối tiếp nhận: 2 hồ sơ" in flat


@needs_poppler
def test_briefing_tiles_state_the_targets_in_words(text: str) -> None:
    assert "Chỉ tiêu ≥ 95,0% · ✗ Chưa đạt" in text  # on time 66,7% < 95%
    assert "Chỉ tiêu ≥ 50,0% · ✓ Đạt" in text  # online 9/16 ≥ 50% (all levels, 2023)


@needs_poppler
def test_briefing_ranks_the_areas(text: str) -> None:
    first = re.search(r"^\s*1 Tỉnh Thái Nguyên\s+3\s+33,3%\s+2\s+100,0%\s+1$", text, re.M)
    second = re.search(r"^\s*2 Huyện Đại Từ\s+13\s+61,5%\s+10\s+60,0%\s+2$", text, re.M)
    assert first and second


@needs_poppler
def test_briefing_sums_overdue_dossiers_by_agency(text: str) -> None:
    assert "Hồ sơ đang giải quyết quá hạn đến ngày 31/03/2023: 3 hồ sơ" in text
    assert re.search(r"1 UBND huyện Đại Từ\s+2\s+12\s", text)  # D21 (12 working days), D06 (5)
    assert re.search(r"2 Sở Tư pháp\s+1\s+1\s", text)  # D11


@needs_poppler
def test_briefing_renders_to_a_non_blank_png(march: Path, tmp_path: Path) -> None:
    from PIL import Image

    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(march / "briefing.pdf"), str(tmp_path / "page")],
        check=True,
    )
    [png] = list(tmp_path.glob("page*.png"))
    image = Image.open(png).convert("L")
    assert image.size[1] > image.size[0]  # portrait
    dark = sum(image.histogram()[:200])
    assert dark > 0.02 * image.size[0] * image.size[1]  # text, tiles and the chart


def test_briefing_embeds_fonts_from_the_python_dependencies(march: Path) -> None:
    # DejaVu from matplotlib's data, subset into the file: no OS font is needed to read it.
    assert b"DejaVuSans" in (march / "briefing.pdf").read_bytes()


def _csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def test_kpi_csv_has_total_areas_and_fields(march: Path) -> None:
    rows = _csv(march / "kpi.csv")
    groups = [(r["group_by"], r["unit_name"] or r["field_name"]) for r in rows]
    assert groups[0] == ("total", "")
    assert sorted(groups[1:]) == [
        ("area", "Huyện Đại Từ"),
        ("area", "Tỉnh Thái Nguyên"),
        ("field", "Chứng thực"),
        ("field", "Hộ tịch"),
        ("field", "Đất đai"),
    ]
    total = rows[0]
    assert [total[k] for k in ("received", "received_online", "resolved", "pending_overdue")] == ["16", "9", "12", "3"]
    assert float(total["on_time_rate"]) == pytest.approx(8 / 12)


def test_overdue_csv_lists_the_dossiers_most_overdue_first(march: Path) -> None:
    rows = _csv(march / "overdue.csv")
    assert [(r["dossier_code"], r["agency_name"], r["days_overdue"]) for r in rows] == [
        ("D21", "UBND huyện Đại Từ", "12"),
        ("D06", "UBND huyện Đại Từ", "5"),
        ("D11", "Sở Tư pháp", "1"),
    ]


def test_commune_snapshot_has_no_ranking_and_names_the_commune(wh: WarehousePaths, tmp_path: Path) -> None:
    # Cù Vân in March: received D01 D02 D03 D09 D16 -> 5; no units below it
    result = make_snapshot(wh, "2023-03", tmp_path, unit="Cù Vân", wall=False)
    assert result.data.scope.reporting_unit == "UBND xã Cù Vân"
    assert result.data.scope.receiving_unit == "UBND huyện Đại Từ"  # before the reform: its district
    assert result.data.by_area.is_empty()
    assert result.data.total["received"] == 5


# ---------------------------------------------------------------------- the Decision 766 index
# The province in March (tests/test_index766.py works them out): 2.1 20 × 12/19 = 12,63;
# 3.3 6 (9/16 ≥ 50%); 3.4 6 × 5/9 = 3,33; 4.1 6 × 5/8 = 3,75; 4.2 4 × 7/16 = 1,75; 3.1 1,5;
# 3.2 3,2; 3.5 2; 5.4 6 × (12/19) / 0.9 = 4,21; nothing published in this warehouse -> 38,38
# of 56 available, 44 without data. Groups (points / available): CKMB —, TDGQ 12,6 / 20,
# DVCTT 1,5 + 3,2 + 6 = 10,7 / 12, TTTT 3,33 + 2 = 5,3 / 8, MDSH 5,5 / 10, MDHL 4,2 / 6.
# Lost: 2.1 7,37; 3.4 2,67; 4.1 2,25 (4.2 also 2,25: the indicator code breaks the tie).


@needs_poppler
def test_briefing_has_the_766_total_groups_and_three_biggest_losses(text: str, drawn: str) -> None:
    assert "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)" in text
    assert "Tổng điểm: 38,4 / 56 điểm tính được; 44 điểm chưa có dữ liệu" in text
    # the six groups against their maxima, in the rules' order; no data: "—", never 0
    assert re.search(r"—\s+12,6 / 20\s+10,7 / 12\s+5,3 / 8\s+5,5 / 10\s+4,2 / 6", text), (
        "the groups' row: CKMB TDGQ DVCTT TTTT MDSH MDHL"
    )
    assert "(tối đa 18)" in drawn and "(tối đa 22)" in drawn
    losses = re.findall(r"• (\d\.\d) [^:]+: mất ([\d,]+) điểm \(([\d,]+ / \d+)\)", text)
    assert losses[:2] == [("2.1", "7,4", "12,6 / 20"), ("3.4", "2,7", "3,3 / 6")]
    assert [code for code, _, _ in losses] == ["2.1", "3.4", "4.1"]


def test_index766_csv_is_the_scorecard_with_the_cli_columns(march: Path, wh: WarehousePaths) -> None:
    from warehouse.index766 import COLUMNS

    rows = _csv(march / "index766.csv")
    assert tuple(rows[0]) == COLUMNS
    # the province's 21 indicators, 6 groups and its total
    assert len(rows) == 28 and {r["unit_code"] for r in rows} == {"19"}
    by_indicator = {r["indicator"]: r for r in rows}
    assert float(by_indicator["2.1"]["points"]) == pytest.approx(20 * 12 / 19)
    assert (by_indicator["2.1"]["numerator"], by_indicator["2.1"]["denominator"]) == ("12.0", "19.0")
    assert (by_indicator["4.3"]["points"], by_indicator["4.3"]["source"]) == ("", "unavailable")
    total = by_indicator["total"]
    assert float(total["points"]) == pytest.approx(
        240 / 19 + 6 + 10 / 3 + 3.75 + 1.75 + 1.5 + 3.2 + 2 + 6 * (12 / 19) / 0.9
    )
    assert (total["max_points"], total["max_available"]) == ("100.0", "56.0")
    # the same rows as `python -m warehouse index766 --format csv` for the same period
    done = run_main(
        "warehouse",
        "index766",
        "--warehouse",
        str(wh.database),
        "--from",
        "2023-03-01",
        "--to",
        "2023-03-31",
        "--format",
        "csv",
    )
    assert done.returncode == 0, done.stderr
    cli = list(csv.DictReader(done.stdout.splitlines()))
    assert [(r["indicator"], r["source"]) for r in cli] == [(r["indicator"], r["source"]) for r in rows]
    assert [float(r["points"]) for r in cli if r["points"]] == [float(r["points"]) for r in rows if r["points"]]
