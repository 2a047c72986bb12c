"""The change against the same period a year earlier (issue 15 item 4), across the reform,
worked by hand on a tiny fixture spanning 2024–2025. The units are real rows of the shipped
conversion table, as in tests/test_current_units.py:

    new 05830 Xã Đại Từ   <- 05821 Khôi Kỳ, 05830 Bình Thuận, 05833 Lục Ba, 05836 Mỹ Yên (all wholly)
    new 05908 Xã Phú Bình <- 05908 Hương Sơn (wholly) + part of 05932 Thượng Đình -> not comparable

agencies      Cap    MaDVHC
    KK  UBND xã Khôi Kỳ         XA    05821   pre-reform
    BT  UBND xã Bình Thuận      XA    05830   pre-reform (05830 is Xã Đại Từ from 1 July 2025)
    LB  UBND xã Lục Ba          XA    05833   pre-reform
    TD  UBND xã Thượng Đình     XA    05932   pre-reform, split
    HS  UBND thị trấn Hương Sơn XA    05908   pre-reform
    HDT UBND huyện Đại Từ       HUYEN 171     an old district's own one-stop
    STP Sở Tư pháp tỉnh Thái Nguyên  TINH 19  across the reform
    DTN UBND xã Đại Từ          XA    05830   post-reform
    PBN UBND xã Phú Bình        XA    05908   post-reform

dossiers (ch 2 = online, 1 = direct; every one resolved)
    code agency ch received   due         finished
    A1   KK     2  2024-08-05 2024-08-12  2024-08-08  early
    A2   BT     1  2024-08-06 2024-08-13  2024-08-20  late
    A3   LB     2  2024-08-07 2024-08-14  2024-08-14  on time (the due day)
    A4   KK     1  2024-08-12 2024-08-19  2024-08-16  early
    A5   TD     2  2024-08-05 2024-08-12  2024-08-09  early
    A6   HS     1  2024-08-05 2024-08-12  2024-08-09  early
    A7   STP    2  2024-08-10 2024-08-20  2024-08-15  early
    A8   HDT    1  2024-08-10 2024-08-20  2024-08-25  late
    B1   DTN    2  2025-08-04 2025-08-11  2025-08-06  early
    B2   DTN    2  2025-08-05 2025-08-12  2025-08-12  on time
    B3   DTN    1  2025-08-06 2025-08-13  2025-08-11  early
    B4   DTN    2  2025-08-07 2025-08-14  2025-08-20  late
    B5   DTN    2  2025-08-11 2025-08-18  2025-08-15  early
    B6   STP    2  2025-08-10 2025-08-20  2025-08-12  early
    B7   PBN    1  2025-08-12 2025-08-19  2025-08-14  early

August 2025 against August 2024; the reform lies between them, so both on today's units:
    Xã Đại Từ 05830, Aug 2025 = B1..B5: received 5, online 4 (B1 B2 B4 B5) = 80%, on time
        (early + on time) 4 (B1 B2 B3 B5) of 5 resolved = 80%
    Xã Đại Từ 05830, Aug 2024 = KK + BT + LB = A1 A2 A3 A4: received 4, online 2 (A1 A3) = 50%,
        on time 3 (A1 A3 A4) of 4 = 75%
        -> received (5 − 4) / 4 = +25,0%; online +30,0 points; on time +5,0 points
    Xã Phú Bình 05908: Thượng Đình was split -> "—", with the reason
    The whole province, Aug 2025 = B1..B7: received 7, online 5 = 71,4%, on time 6/7 = 85,7%
    The whole province, Aug 2024 = A1..A8: received 8, online 4 (A1 A3 A5 A7) = 50%, on time
        6 (A1 A3 A4 A5 A6 A7) of 8 = 75%
        -> received (7 − 8) / 8 = −12,5%; online +21,4 points (5/7 − 1/2); on time +10,7 points (6/7 − 3/4)
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, load, write_csv

from warehouse.paths import WarehousePaths
from warehouse.periods import Period, day, month_of, quarter_of, same_period_last_year, year_of
from warehouse.query import kpi
from warehouse.snapshot import open_snapshot
from warehouse.year_on_year import YearOnYear, change

AGENCIES = (
    "MaDonVi,TenDonVi,Cap,MaDVHC",
    "KK,UBND xã Khôi Kỳ,XA,05821",
    "BT,UBND xã Bình Thuận,XA,05830",
    "LB,UBND xã Lục Ba,XA,05833",
    "TD,UBND xã Thượng Đình,XA,05932",
    "HS,UBND thị trấn Hương Sơn,XA,05908",
    "HDT,UBND huyện Đại Từ,HUYEN,171",
    "STP,Sở Tư pháp tỉnh Thái Nguyên,TINH,19",
    "DTN,UBND xã Đại Từ,XA,05830",
    "PBN,UBND xã Phú Bình,XA,05908",
)


def _dossier(code: str, agency: str, channel: int, received: str, due: str, finished: str) -> str:
    def stamp(text: str, hour: str) -> str:
        return text.replace("-", "") + hour

    return (
        f"{code},1.000656,G01,Hộ tịch,{agency},{channel},10,"
        f"{stamp(received, '080000')},{stamp(due, '170000')},{stamp(finished, '100000')}"
    )


DOSSIERS = (
    "MaHoSo,MaTTHC,MaLinhVuc,TenLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy",
    _dossier("A1", "KK", 2, "2024-08-05", "2024-08-12", "2024-08-08"),
    _dossier("A2", "BT", 1, "2024-08-06", "2024-08-13", "2024-08-20"),
    _dossier("A3", "LB", 2, "2024-08-07", "2024-08-14", "2024-08-14"),
    _dossier("A4", "KK", 1, "2024-08-12", "2024-08-19", "2024-08-16"),
    _dossier("A5", "TD", 2, "2024-08-05", "2024-08-12", "2024-08-09"),
    _dossier("A6", "HS", 1, "2024-08-05", "2024-08-12", "2024-08-09"),
    _dossier("A7", "STP", 2, "2024-08-10", "2024-08-20", "2024-08-15"),
    _dossier("A8", "HDT", 1, "2024-08-10", "2024-08-20", "2024-08-25"),
    _dossier("B1", "DTN", 2, "2025-08-04", "2025-08-11", "2025-08-06"),
    _dossier("B2", "DTN", 2, "2025-08-05", "2025-08-12", "2025-08-12"),
    _dossier("B3", "DTN", 1, "2025-08-06", "2025-08-13", "2025-08-11"),
    _dossier("B4", "DTN", 2, "2025-08-07", "2025-08-14", "2025-08-20"),
    _dossier("B5", "DTN", 2, "2025-08-11", "2025-08-18", "2025-08-15"),
    _dossier("B6", "STP", 2, "2025-08-10", "2025-08-20", "2025-08-12"),
    _dossier("B7", "PBN", 1, "2025-08-12", "2025-08-19", "2025-08-14"),
)

AUGUST = month_of(date(2025, 8, 1))
TODAY = "2025-08-31"
SPLIT_VI = "Xã Thượng Đình (05932) bị chia tách vào Xã Phú Bình (05908), Xã Điềm Thụy (05941)"
SPLIT_EN = "Xã Thượng Đình (05932) was split between Xã Phú Bình (05908), Xã Điềm Thụy (05941)"


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    folder: Path = tmp_path_factory.mktemp("yoy")
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    result = load(warehouse, write_csv(folder / "donvi.csv", *AGENCIES), write_csv(folder / "hoso.csv", *DOSSIERS))
    assert result.all_read
    return warehouse


# ------------------------------------------------------------------ the same period a year earlier


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # a month cut at today: the same days
        (
            Period(date(2026, 12, 1), date(2026, 12, 21), "month"),
            Period(date(2025, 12, 1), date(2025, 12, 21), "month"),
        ),
        # a whole month, quarter, year: the whole one, whatever its length
        (month_of(date(2025, 2, 1)), Period(date(2024, 2, 1), date(2024, 2, 29), "month")),
        (month_of(date(2024, 2, 1)), Period(date(2023, 2, 1), date(2023, 2, 28), "month")),
        (quarter_of(date(2025, 8, 1)), Period(date(2024, 7, 1), date(2024, 9, 30), "quarter")),
        (year_of(date(2026, 1, 1)), Period(date(2025, 1, 1), date(2025, 12, 31), "year")),
        # 29 February has no day a year earlier: 28 February
        (day(date(2024, 2, 29)), day(date(2023, 2, 28))),
        (Period(date(2024, 1, 1), date(2024, 2, 29), "range"), Period(date(2023, 1, 1), date(2023, 2, 28), "range")),
        (Period(date(2024, 2, 29), date(2024, 3, 10), "range"), Period(date(2023, 2, 28), date(2023, 3, 10), "range")),
    ],
)
def test_same_period_last_year(period: Period, expected: Period) -> None:
    assert same_period_last_year(period) == expected


def test_todays_units_only_when_the_reform_falls_between() -> None:
    assert YearOnYear.of(AUGUST).units == "current"  # Aug 2024 is before it, Aug 2025 after
    assert YearOnYear.of(year_of(date(2025, 1, 1))).units == "current"  # 2025 spans it
    assert YearOnYear.of(year_of(date(2026, 1, 1))).units == "current"  # 2026 against 2025, which spans it
    assert YearOnYear.of(month_of(date(2025, 5, 1))).units == "recorded"  # May 2025 and May 2024: both before
    assert YearOnYear.of(month_of(date(2026, 8, 1))).units == "recorded"  # Aug 2026 and Aug 2025: both after


# ------------------------------------------------------------------ the figures


def _changes(wh: WarehousePaths, unit: str | None) -> dict[str, tuple[float | None, str | None]]:
    this, last = YearOnYear.of(AUGUST).filters(unit)
    with open_snapshot(wh) as (con, _info):
        now, before = kpi(con, this).to_dicts()[0], kpi(con, last).to_dicts()[0]
    return {k: (c.value, c.note) for k in ("received", "online_rate", "on_time_rate") for c in [change(k, now, before)]}


def test_a_merged_commune_against_its_old_communes(wh: WarehousePaths) -> None:
    changes = _changes(wh, "05830")
    assert changes["received"] == (pytest.approx((5 - 4) / 4), None)  # B1..B5 against A1 A2 A3 A4
    assert changes["online_rate"] == (pytest.approx(4 / 5 - 2 / 4), None)  # B1 B2 B4 B5; A1 A3
    assert changes["on_time_rate"] == (pytest.approx(4 / 5 - 3 / 4), None)  # B1 B2 B3 B5; A1 A3 A4


def test_the_whole_province_against_both_old_tiers(wh: WarehousePaths) -> None:
    changes = _changes(wh, None)
    assert changes["received"] == (pytest.approx((7 - 8) / 8), None)  # B1..B7 against A1..A8
    assert changes["online_rate"] == (pytest.approx(5 / 7 - 4 / 8), None)
    assert changes["on_time_rate"] == (pytest.approx(6 / 7 - 6 / 8), None)


def test_a_commune_fed_by_a_split_commune_has_no_change(wh: WarehousePaths) -> None:
    changes = _changes(wh, "05908")
    assert changes["received"] == (None, SPLIT_EN)  # B7 is its own, but Thượng Đình's 2024 went in part
    assert changes["online_rate"] == (None, SPLIT_EN)


# ------------------------------------------------------------------ on the overview


def overview(monkeypatch: pytest.MonkeyPatch, wh: WarehousePaths, **params: str):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("IOC_WAREHOUSE", str(wh.database))
    monkeypatch.setenv("IOC_TODAY", TODAY)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for name, value in params.items():
        app.query_params[name] = value
    return app.run()


def captions(app) -> list[str]:
    return [c.value for c in app.caption]


def test_overview_tiles_show_the_change_against_last_year(monkeypatch: pytest.MonkeyPatch, wh: WarehousePaths):
    app = overview(monkeypatch, wh, unit="05830")
    assert not app.exception
    shown = captions(app)
    assert "so với cùng kỳ 2024: +25,0%" in shown  # received: 5 against 4
    assert "so với cùng kỳ 2024: +30,0 điểm %" in shown  # online: 80% against 50%
    assert "so với cùng kỳ 2024: +5,0 điểm %" in shown  # on time: 80% against 75%


def test_overview_in_english_for_the_province(monkeypatch: pytest.MonkeyPatch, wh: WarehousePaths):
    app = overview(monkeypatch, wh, lang="en")
    assert not app.exception
    shown = captions(app)
    assert "vs same period 2024: -12.5%" in shown  # received: 7 against 8
    assert "vs same period 2024: +21.4 pp" in shown  # online: 5/7 against 4/8
    assert "vs same period 2024: +10.7 pp" in shown  # on time: 6/7 against 6/8


def test_overview_says_why_a_commune_does_not_compare(monkeypatch: pytest.MonkeyPatch, wh: WarehousePaths):
    app = overview(monkeypatch, wh, unit="05908")
    assert not app.exception
    assert f"so với cùng kỳ 2024: — (không so sánh được: {SPLIT_VI})" in captions(app)
    english = overview(monkeypatch, wh, unit="05908", lang="en")
    assert f"vs same period 2024: — (not comparable: {SPLIT_EN})" in captions(english)


def test_the_wall_keeps_it_short(monkeypatch: pytest.MonkeyPatch, wh: WarehousePaths):
    app = overview(monkeypatch, wh, unit="05908", wall="1", rotate="0")
    assert not app.exception
    shown = captions(app)
    assert "so với cùng kỳ 2024: —" in shown
    assert not any("chia tách" in text for text in shown)


# ------------------------------------------------------------------ the briefing


def briefing_text(wh: WarehousePaths, out: Path, unit: str | None) -> str:
    from reports.snapshot import make_snapshot

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed: ./setup.sh installs it")
    make_snapshot(wh, "2025-08", out, unit=unit, today=date(2025, 8, 31), wall=False)
    done = subprocess.run(["pdftotext", "-raw", str(out / "briefing.pdf"), "-"], capture_output=True, text=True)
    return " ".join(done.stdout.split())


def test_briefing_compares_the_province_with_last_year_on_todays_units(wh: WarehousePaths, tmp_path: Path):
    text = briefing_text(wh, tmp_path, None)
    assert (
        "So với cùng kỳ năm 2024 (01/08/2024 – 31/08/2024, theo địa giới mới): Tiếp nhận -12,5% · "
        "Tỷ lệ nộp trực tuyến +21,4 điểm % · Tỷ lệ giải quyết đúng hạn +10,7 điểm % · "
        "Tiến độ giải quyết (QĐ 766) +10,7 điểm %"  # nothing pending: the same as on time
    ) in text


def test_briefing_of_a_merged_commune(wh: WarehousePaths, tmp_path: Path):
    text = briefing_text(wh, tmp_path, "05830")
    assert "Tiếp nhận +25,0% · Tỷ lệ nộp trực tuyến +30,0 điểm % · Tỷ lệ giải quyết đúng hạn +5,0 điểm %" in text


def test_briefing_says_why_a_commune_does_not_compare(wh: WarehousePaths, tmp_path: Path):
    text = briefing_text(wh, tmp_path, "05908")
    assert f"theo địa giới mới): — (không so sánh được: {SPLIT_VI})" in text


# ------------------------------------------------------------------ the Decision 766 page


def scorecard_page(monkeypatch: pytest.MonkeyPatch, wh: WarehousePaths, **params: str):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("IOC_WAREHOUSE", str(wh.database))
    monkeypatch.setenv("IOC_TODAY", TODAY)
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if "lang" in params:  # the language is read on the first run
        app.query_params["lang"] = params["lang"]
    app.run()
    app.switch_page("pages/index766.py")
    for name, value in params.items():
        app.query_params[name] = value
    return app.run()


def test_766_page_compares_the_province_and_an_agency_with_their_past(monkeypatch, wh: WarehousePaths):
    for params in ({}, {"unit": "STP"}):  # every agency in both years; the department is the same one
        app = scorecard_page(monkeypatch, wh, **params)
        assert not app.exception
        lines = [c for c in captions(app) if c.startswith("so với cùng kỳ 2024: ")]
        assert len(lines) == 7, captions(app)  # the total and the six groups
        assert "không so sánh được" not in " ".join(lines)


def test_766_page_says_why_a_commune_has_no_comparable_past(monkeypatch, wh: WarehousePaths):
    split = scorecard_page(monkeypatch, wh, unit="05908")
    assert not split.exception
    assert f"so với cùng kỳ 2024: — (không so sánh được: {SPLIT_VI})" in captions(split)
    assert "Cùng kỳ năm trước: theo địa giới mới." in captions(split)
    english = scorecard_page(monkeypatch, wh, unit="05908", lang="en")
    assert f"vs same period 2024: — (not comparable: {SPLIT_EN})" in captions(english)


# Xã Đại Từ on the 766 page, August 2025 against August 2024 on today's units. The rules with
# inputs here (config/index766.toml; no catalogue, no v2 column, no PAKN, nothing published):
# 2.1 = 20 × on_time_rate_766, 3.3 = 6 × min(1, online_rate / 0.5), 5.4 = min(6, 6 × r / 0.9).
#   Aug 2025 = B1..B5: 2.1 (B1 B3 B5 early, B2 on time) 4/5 -> 16; 3.3 (B1 B2 B4 B5) 4/5 -> 6;
#       5.4 (5 less B4, late) 4/5 -> 6 × 0.8 / 0.9 = 5.33; total 27.33 of 32 available
#   Aug 2024 = KK + BT + LB = A1..A4: 2.1 (A1 A4 early, A3 on time) 3/4 -> 15; 3.3 (A1 A3)
#       2/4 -> 6; 5.4 (4 less A2, late) 3/4 -> 6 × 0.75 / 0.9 = 5; total 26 of 32
#   -> total +1.33 (26.0 / 32); TDGQ +1.0 (15.0 / 20); DVCTT ±0.0 (6.0 / 6); MDHL +0.33 (5.0 / 6);
#      CKMB, TTTT and MDSH have no points either year: "—"
def test_766_page_compares_a_merged_commune_with_its_old_communes(monkeypatch, wh: WarehousePaths):
    merged = scorecard_page(monkeypatch, wh, unit="05830")
    assert not merged.exception
    shown = captions(merged)
    assert "27,3 / 32 điểm tính được; 68 điểm chưa có dữ liệu" in shown  # the month itself, as recorded
    lines = [c for c in shown if c.startswith("so với cùng kỳ 2024: ")]
    assert lines == [
        "so với cùng kỳ 2024: +1,3 điểm (26,0 / 32)",  # the total
        "so với cùng kỳ 2024: —",  # CKMB
        "so với cùng kỳ 2024: +1,0 điểm (15,0 / 20)",  # TDGQ
        "so với cùng kỳ 2024: ±0,0 điểm (6,0 / 6)",  # DVCTT
        "so với cùng kỳ 2024: —",  # TTTT
        "so với cùng kỳ 2024: —",  # MDSH
        "so với cùng kỳ 2024: +0,3 điểm (5,0 / 6)",  # MDHL
    ]
    assert "Cùng kỳ năm trước: theo địa giới mới." in shown
    english = scorecard_page(monkeypatch, wh, unit="05830", lang="en")
    assert "vs same period 2024: +1.3 points (26.0 / 32)" in captions(english)
    assert "Same period last year: on today's units." in captions(english)
