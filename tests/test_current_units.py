"""KPIs on today's units (DESIGN §5 "Across the reform", §7 `kpi --units current`), worked by
hand on a small fixture built from real rows of the shipped conversion table
(warehouse/reference/commune_conversion_2025.csv, Thái Nguyên 19 and Bắc Kạn 06):

    new 05830 Xã Đại Từ     <- 05821 Khôi Kỳ, 05830 Bình Thuận, 05833 Lục Ba, 05836 Mỹ Yên  (all wholly)
    new 05908 Xã Phú Bình   <- 05908 Hương Sơn (wholly) + part of 05932 Thượng Đình, ...  -> not comparable
    new 05941 Xã Điềm Thụy  <- 05941 Điềm Thụy, ... + part of 05932 Thượng Đình            -> not comparable
    new 05719 Xã Sảng Mộc   <- 05719 Sảng Mộc (unchanged)
    new 01957 Xã Thượng Quan (province 19) <- 01957 Thượng Quan of Bắc Kạn 06 (unchanged)

agencies      Cap    MaDVHC
    KK  UBND xã Khôi Kỳ         XA    05821   pre-reform
    BT  UBND xã Bình Thuận      XA    05830   pre-reform (05830 is re-used: Xã Đại Từ from 1 July 2025)
    LB  UBND xã Lục Ba          XA    05833   pre-reform (Mỹ Yên, the fourth source, has no dossier)
    TD  UBND xã Thượng Đình     XA    05932   pre-reform, split
    HS  UBND thị trấn Hương Sơn XA    05908   pre-reform
    SM  UBND xã Sảng Mộc        XA    05719   pre-reform
    HDT UBND huyện Đại Từ       HUYEN 171     an old district's own one-stop
    STP Sở Tư pháp tỉnh Thái Nguyên  TINH 19  across the reform
    TQ  UBND xã Thượng Quan     XA    01957   Bắc Kạn, pre-reform
    BKP Sở Tư pháp tỉnh Bắc Kạn TINH  06      Bắc Kạn, pre-reform
    DTN UBND xã Đại Từ          XA    05830   post-reform (received only from July 2025)

dossiers (2025; ch 2 = online, 1 = direct; every one of them status 10 or 4)
    code agency ch received due    finished   in the first half (H1 = 01/01–30/06/2025)
    KK1  KK     2  02-03    02-10  02-05      early
    KK2  KK     1  03-03    03-10  03-12      late
    BT1  BT     2  04-01    04-10  04-10      on time (the due day)
    LB1  LB     1  05-05    05-15  -          pending, overdue at 30/06
    TD1  TD     2  02-10    02-20  02-15      early
    TD2  TD     1  03-10    03-20  -          pending, overdue
    HS1  HS     2  03-01    03-10  03-05      early
    SM1  SM     2  04-02    04-12  04-03      early
    SM2  SM     1  04-03    04-12  04-15      late
    DH1  HDT    2  01-20    01-30  01-25      early
    DH2  HDT    1  02-20    03-01  02-27      early
    TP1  STP    2  01-15    01-25  01-20      early
    TQ1  TQ     1  05-02    05-12  05-10      early
    BK1  BKP    2  06-02    06-12  06-05      early
    TP2  STP    2  08-01    08-11  08-04      (after the reform)
    DN1  DTN    2  07-10    07-20  07-12      (after the reform)
    DN2  DTN    1  08-05    08-15  -          (after the reform; pending)

On today's units, H1 2025:
    Xã Đại Từ 05830  = KK1 KK2 BT1 LB1: received 4, online 2 (KK1 BT1), resolved 3 (early KK1,
                       on time BT1, late KK2), pending 1 overdue (LB1); comparable
    Xã Sảng Mộc 05719 = SM1 SM2; Xã Thượng Quan 01957 = TQ1 (from Bắc Kạn)
    Xã Phú Bình 05908 (HS1 wholly, but Thượng Đình split) and Xã Điềm Thụy 05941: "—", note
    Tỉnh Thái Nguyên 19, province-level agencies as they are: TP1 (Thái Nguyên) + BK1 (Bắc Kạn)
    Tỉnh Thái Nguyên 19, the old districts' own one-stops: DH1 DH2 (province totals only)
    Tỉnh Thái Nguyên 19, split communes' dossiers: TD1 TD2 (province totals only)
    The whole province: all 14 H1 dossiers = old Thái Nguyên 12 + old Bắc Kạn 2 (TQ1 BK1).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, kpi_cli_json, kpi_one, kpi_rows, load, write_csv

from warehouse.errors import UnitLookupError
from warehouse.paths import WarehousePaths
from warehouse.snapshot import open_snapshot
from warehouse.writer import open_writer

H1 = ("2025-01-01", "2025-06-30")
YEAR = ("2025-01-01", "2025-12-31")
AFTER = ("2025-07-01", "2025-12-31")
CURRENT = {"units": "current"}

AGENCIES = (
    "MaDonVi,TenDonVi,Cap,MaDVHC",
    "KK,UBND xã Khôi Kỳ,XA,05821",
    "BT,UBND xã Bình Thuận,XA,05830",
    "LB,UBND xã Lục Ba,XA,05833",
    "TD,UBND xã Thượng Đình,XA,05932",
    "HS,UBND thị trấn Hương Sơn,XA,05908",
    "SM,UBND xã Sảng Mộc,XA,05719",
    "HDT,UBND huyện Đại Từ,HUYEN,171",
    "STP,Sở Tư pháp tỉnh Thái Nguyên,TINH,19",
    "TQ,UBND xã Thượng Quan,XA,01957",
    "BKP,Sở Tư pháp tỉnh Bắc Kạn,TINH,06",
    "DTN,UBND xã Đại Từ,XA,05830",
)


def _dossier(code: str, agency: str, channel: int, received: str, due: str, finished: str) -> str:
    status = 10 if finished else 4
    end = f"2025{finished.replace('-', '')}100000" if finished else ""
    return (
        f"{code},1.000656,G01,Hộ tịch,{agency},{channel},{status},"
        f"2025{received.replace('-', '')}080000,2025{due.replace('-', '')}170000,{end}"
    )


DOSSIERS = (
    "MaHoSo,MaTTHC,MaLinhVuc,TenLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy",
    _dossier("KK1", "KK", 2, "02-03", "02-10", "02-05"),
    _dossier("KK2", "KK", 1, "03-03", "03-10", "03-12"),
    _dossier("BT1", "BT", 2, "04-01", "04-10", "04-10"),
    _dossier("LB1", "LB", 1, "05-05", "05-15", ""),
    _dossier("TD1", "TD", 2, "02-10", "02-20", "02-15"),
    _dossier("TD2", "TD", 1, "03-10", "03-20", ""),
    _dossier("HS1", "HS", 2, "03-01", "03-10", "03-05"),
    _dossier("SM1", "SM", 2, "04-02", "04-12", "04-03"),
    _dossier("SM2", "SM", 1, "04-03", "04-12", "04-15"),
    _dossier("DH1", "HDT", 2, "01-20", "01-30", "01-25"),
    _dossier("DH2", "HDT", 1, "02-20", "03-01", "02-27"),
    _dossier("TP1", "STP", 2, "01-15", "01-25", "01-20"),
    _dossier("TQ1", "TQ", 1, "05-02", "05-12", "05-10"),
    _dossier("BK1", "BKP", 2, "06-02", "06-12", "06-05"),
    _dossier("TP2", "STP", 2, "08-01", "08-11", "08-04"),
    _dossier("DN1", "DTN", 2, "07-10", "07-20", "07-12"),
    _dossier("DN2", "DTN", 1, "08-05", "08-15", ""),
)

SPLIT_NOTE = "Xã Thượng Đình (05932) was split between Xã Phú Bình (05908), Xã Điềm Thụy (05941)"


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    folder: Path = tmp_path_factory.mktemp("current")
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    result = load(warehouse, write_csv(folder / "donvi.csv", *AGENCIES), write_csv(folder / "hoso.csv", *DOSSIERS))
    assert result.all_read
    return warehouse


@pytest.fixture(scope="module")
def h1_by_unit(wh: WarehousePaths) -> dict[tuple[str, str], dict]:
    return {(r["unit_code"], r["level"]): r for r in kpi_rows(wh, *H1, by="unit", **CURRENT)}


def _counts(row: dict, *names: str) -> dict:
    return {name: row[name] for name in names}


# ------------------------------------------------------------------ re-aggregated figures


def test_merged_commune_is_the_sum_of_its_old_communes(h1_by_unit) -> None:
    row = h1_by_unit[("05830", "commune")]
    assert row["unit_name"] == "Xã Đại Từ"
    assert row["comparable"] is True and row["note"] is None
    # KK1 KK2 BT1 LB1
    assert _counts(
        row,
        "received",
        "received_online",
        "received_direct",
        "resolved",
        "resolved_early",
        "resolved_on_time",
        "resolved_late",
        "pending",
        "pending_overdue",
        "carried_over",
    ) == {
        "received": 4,
        "received_online": 2,
        "received_direct": 2,
        "resolved": 3,
        "resolved_early": 1,
        "resolved_on_time": 1,
        "resolved_late": 1,
        "pending": 1,
        "pending_overdue": 1,
        "carried_over": 0,
    }
    assert row["online_rate"] == 2 / 4  # KK1 BT1 of 4
    assert row["on_time_rate"] == 2 / 3  # KK1 early + BT1 on time, of KK1 KK2 BT1
    assert row["on_time_rate_766"] == (2 + 0) / (3 + 1)  # LB1 is overdue


def test_unchanged_communes_keep_their_own_figures(h1_by_unit) -> None:
    sang_moc = h1_by_unit[("05719", "commune")]  # SM1 SM2
    assert (sang_moc["received"], sang_moc["received_online"], sang_moc["resolved_late"]) == (2, 1, 1)
    assert sang_moc["comparable"] is True
    thuong_quan = h1_by_unit[("01957", "commune")]  # TQ1, from Bắc Kạn, now in Thái Nguyên
    assert (thuong_quan["unit_name"], thuong_quan["received"], thuong_quan["comparable"]) == ("Xã Thượng Quan", 1, True)


def test_communes_fed_by_a_split_commune_are_not_comparable(h1_by_unit) -> None:
    phu_binh = h1_by_unit[("05908", "commune")]  # HS1 went wholly into it, but Thượng Đình only in part
    diem_thuy = h1_by_unit[("05941", "commune")]  # no agency of its own in the data: listed anyway
    for row in (phu_binh, diem_thuy):
        assert row["comparable"] is False
        assert row["note"] == SPLIT_NOTE
        assert row["received"] is None and row["resolved"] is None and row["online_rate"] is None
    assert (phu_binh["unit_name"], diem_thuy["unit_name"]) == ("Xã Phú Bình", "Xã Điềm Thụy")


def test_province_rows_district_and_split_dossiers_count_in_the_province_only(h1_by_unit) -> None:
    departments = h1_by_unit[("19", "province")]  # TP1 (Thái Nguyên) + BK1 (Bắc Kạn), as they are
    assert (departments["unit_name"], departments["received"], departments["comparable"]) == (
        "Tỉnh Thái Nguyên",
        2,
        True,
    )
    districts = h1_by_unit[("19", "district")]  # DH1 DH2
    assert (districts["received"], districts["resolved_early"], districts["comparable"]) == (2, 2, True)
    assert "no successor commune" in districts["note"]
    split = h1_by_unit[("19", "commune")]  # TD1 TD2
    assert (split["received"], split["pending"], split["comparable"]) == (2, 1, True)
    # no row names an old district or an old commune
    assert {code for code, _ in h1_by_unit} == {"05830", "05719", "01957", "05908", "05941", "19"}


def test_a_province_by_unit_is_the_same_rows(wh: WarehousePaths, h1_by_unit) -> None:
    rows = kpi_rows(wh, *H1, unit="Tỉnh Thái Nguyên", by="unit", **CURRENT)
    assert {(r["unit_code"], r["level"]): (r["received"], r["comparable"], r["note"]) for r in rows} == {
        key: (r["received"], r["comparable"], r["note"]) for key, r in h1_by_unit.items()
    }


def test_the_new_province_is_the_sum_of_the_old_provinces(wh: WarehousePaths, h1_by_unit) -> None:
    province = kpi_one(wh, *H1, unit="19", **CURRENT)
    assert (province["unit_code"], province["unit_name"], province["comparable"], province["note"]) == (
        "19",
        "Tỉnh Thái Nguyên",
        True,
        None,
    )
    assert province["received"] == 14  # every H1 dossier: 12 of old Thái Nguyên + TQ1 BK1
    bac_kan = kpi_one(wh, *H1, unit="06")  # the default view: old Bắc Kạn as it was
    assert bac_kan["received"] == 2
    everything = kpi_one(wh, *H1)  # the default view, all agencies (both old provinces)
    for name in (
        "received",
        "received_online",
        "resolved",
        "resolved_early",
        "resolved_late",
        "pending",
        "pending_overdue",
    ):
        assert province[name] == everything[name], name
    # and the rows by unit add up to it (the "—" rows hold nothing but Hương Sơn's HS1)
    assert sum(r["received"] or 0 for r in h1_by_unit.values()) + 1 == 14


# ------------------------------------------------------------------ re-used codes, both views


def test_a_reused_code_means_the_unit_of_each_view(wh: WarehousePaths) -> None:
    recorded = kpi_one(wh, *H1, unit="05830")  # as recorded: 05830 was Bình Thuận (BT1)
    assert (recorded["unit_name"], recorded["received"]) == ("Xã Bình Thuận", 1)
    assert "comparable" not in recorded  # the default view is unchanged
    current = kpi_one(wh, *H1, unit="05830", **CURRENT)  # today's 05830: Xã Đại Từ (KK1 KK2 BT1 LB1)
    assert (current["unit_name"], current["received"], current["comparable"]) == ("Xã Đại Từ", 4, True)
    after = kpi_one(wh, *AFTER, unit="05830")  # after the reform the code is Xã Đại Từ in both views (DN1 DN2)
    assert (after["unit_name"], after["received"]) == ("Xã Đại Từ", 2)
    year = kpi_one(wh, *YEAR, unit="Xã Đại Từ", **CURRENT)  # the 4 old + the 2 new, one series
    assert (year["received"], year["received_online"], year["pending"]) == (6, 3, 2)  # + DN1 online, DN2 open


def test_an_old_name_is_no_unit_of_today(wh: WarehousePaths) -> None:
    with pytest.raises(UnitLookupError, match="today's units"):
        kpi_one(wh, *H1, unit="Khôi Kỳ", **CURRENT)  # merged into Xã Đại Từ; no unit of today
    # a name only an old unit here had means today's unit of that name elsewhere (Sơn La's
    # Xã Bình Thuận 03724), never the old commune, and nothing of ours counts in it
    elsewhere = kpi_one(wh, *H1, unit="Xã Bình Thuận", **CURRENT)
    assert (elsewhere["unit_code"], elsewhere["received"]) == ("03724", 0)


def test_new_communes_agency_name_means_the_commune(wh: WarehousePaths) -> None:
    row = kpi_one(wh, *H1, unit="UBND xã Đại Từ", **CURRENT)
    assert (row["unit_code"], row["received"]) == ("05830", 4)


def test_not_comparable_only_for_the_months_before_the_reform(wh: WarehousePaths) -> None:
    rows = kpi_rows(wh, "2025-06-01", "2025-07-31", unit="05908", by="month", **CURRENT)
    june, july = rows
    assert (june["comparable"], june["note"], june["received"]) == (False, SPLIT_NOTE, None)
    assert (july["comparable"], july["note"], july["received"]) == (True, None, 0)  # no dossier of its own yet


def test_a_period_after_the_reform_is_comparable_everywhere(wh: WarehousePaths) -> None:
    rows = kpi_rows(wh, *AFTER, by="unit", **CURRENT)
    assert all(r["comparable"] for r in rows)
    by_key = {(r["unit_code"], r["level"]): r["received"] for r in rows if r["received"]}
    assert by_key == {("05830", "commune"): 2, ("19", "province"): 1}  # DN1 DN2; TP2
    # stocks carried over from before the reform stay where they count: LB1 in Xã Đại Từ,
    # TD2 (a split commune's) in the province only
    carried = {(r["unit_code"], r["level"]): r["carried_over"] for r in rows if r["carried_over"]}
    assert carried == {("05830", "commune"): 1, ("19", "commune"): 1}


def test_default_view_of_the_past_is_as_recorded(wh: WarehousePaths) -> None:
    rows = kpi_rows(wh, *H1, by="unit")
    codes = {r["unit_code"] for r in rows}
    assert {"05821", "05830", "05833", "05932", "171", "06"} <= codes  # old communes, district, Bắc Kạn
    assert next(r for r in rows if r["unit_code"] == "05830")["unit_name"] == "Xã Bình Thuận"


# ------------------------------------------------------------------ the command line


def test_cli_units_current_json_rows_carry_comparable_and_note(wh: WarehousePaths) -> None:
    rows = kpi_cli_json(wh, "--from", H1[0], "--to", H1[1], "--units", "current", "--by", "unit")
    by_key = {(r["unit_code"], r["level"]): r for r in rows}
    assert all(type(r["comparable"]) is bool and "note" in r for r in rows)
    dai_tu = by_key[("05830", "commune")]
    assert (dai_tu["received"], dai_tu["comparable"], dai_tu["note"]) == (4, True, None)
    phu_binh = by_key[("05908", "commune")]
    assert (phu_binh["received"], phu_binh["online_rate"], phu_binh["comparable"], phu_binh["note"]) == (
        None,
        None,
        False,
        SPLIT_NOTE,
    )
    one = kpi_cli_json(wh, "--from", H1[0], "--to", H1[1], "--units", "current", "--unit", "05830")
    assert [(r["unit_code"], r["unit_name"], r["received"], r["comparable"]) for r in one] == [
        ("05830", "Xã Đại Từ", 4, True)
    ]
    recorded = kpi_cli_json(wh, "--from", H1[0], "--to", H1[1], "--unit", "05830")
    assert [(r["unit_name"], r["received"]) for r in recorded] == [("Xã Bình Thuận", 1)]
    assert "comparable" not in recorded[0]


def test_cli_units_current_with_targets_takes_the_level_of_todays_unit(wh: WarehousePaths) -> None:
    # config/targets.toml, online_rate for 2025: all 60% (2025), commune 50% (from 2023),
    # province 80% (from 2023). Xã Đại Từ is a commune; the whole province mixes levels; a
    # province-level agency is its own level (DESIGN §4).
    def online_target(*args: str) -> list[tuple[str, float]]:
        rows = kpi_cli_json(wh, "--from", H1[0], "--to", H1[1], "--units", "current", "--with-targets", *args)
        return [(r["unit_code"], r["online_rate_target"]) for r in rows]

    assert online_target("--unit", "05830") == [("05830", 0.5)]
    assert online_target() == [(None, 0.6)]
    assert online_target("--unit", "Sở Tư pháp tỉnh Bắc Kạn") == [("19", 0.8)]
    by_unit = dict(online_target("--by", "unit", "--level", "commune"))
    assert by_unit["05830"] == 0.5


def test_the_dossiers_behind_a_number_on_todays_units(wh: WarehousePaths) -> None:
    from datetime import date

    from warehouse.lists import dossiers
    from warehouse.query import KpiFilter

    def listed(unit: str, measure: str, units: str) -> list[str]:
        spec = KpiFilter(date.fromisoformat(H1[0]), date.fromisoformat(H1[1]), unit=unit, units=units)
        with open_snapshot(wh) as (con, _info):
            return sorted(dossiers(con, spec, measure)["dossier_code"])

    # today's Xã Đại Từ in H1 2025 = its four old communes' dossiers (module docstring)
    assert listed("05830", "received", "current") == ["BT1", "KK1", "KK2", "LB1"]
    assert listed("05830", "pending_overdue", "current") == ["LB1"]
    # as recorded, 05830 in H1 2025 is Xã Bình Thuận
    assert listed("05830", "received", "recorded") == ["BT1"]


# ------------------------------------------------------------------ agencies, other groupings


def test_a_province_level_agency_stays_as_it_is(wh: WarehousePaths) -> None:
    row = kpi_one(wh, *H1, unit="Sở Tư pháp tỉnh Bắc Kạn", **CURRENT)  # BK1, now in today's Thái Nguyên
    assert (row["unit_code"], row["unit_name"], row["received"], row["comparable"]) == (
        "19",
        "Sở Tư pháp tỉnh Bắc Kạn",
        1,
        True,
    )


def test_by_level_keeps_the_receiving_agencys_level(wh: WarehousePaths) -> None:
    rows = {r["level"]: r["received"] for r in kpi_rows(wh, *H1, by="level", **CURRENT)}
    # province TP1 BK1; district DH1 DH2; commune the other 10
    assert rows == {"province": 2, "district": 2, "commune": 10}


def test_a_commune_by_month_channel_and_procedure(wh: WarehousePaths) -> None:
    months = kpi_rows(wh, *H1, unit="05830", by="month", **CURRENT)
    # KK1 in February, KK2 in March, BT1 in April, LB1 in May
    assert [r["received"] for r in months] == [0, 1, 1, 1, 1, 0]
    assert all(r["comparable"] for r in months)
    online = kpi_one(wh, *H1, unit="05830", channel="online", **CURRENT)  # KK1 BT1
    assert (online["received"], online["comparable"]) == (2, True)
    by_procedure = kpi_rows(wh, *H1, unit="05908", by="procedure", **CURRENT)
    assert [(r["procedure_code"], r["received"], r["comparable"], r["note"]) for r in by_procedure] == [
        ("1.000656", None, False, SPLIT_NOTE)
    ]


# ------------------------------------------------------------------ form 06a


def test_a_districts_form_06a_counts_in_the_province_only(tmp_path: Path) -> None:
    """tests/fixtures/form06a/sample_fields.xlsx: UBND huyện Đại Từ, Q1 2023, 1,640 received
    (1,165 online + 475 direct; tests/test_form06a_kpi.py), no dossier-level data."""
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    agencies = write_csv(tmp_path / "donvi.csv", "MaDonVi,TenDonVi,Cap,MaDVHC", "H-DT,UBND huyện Đại Từ,HUYEN,171")
    assert load(warehouse, agencies, FIXTURES / "form06a" / "sample_fields.xlsx").all_read
    q1 = ("2023-01-01", "2023-03-31")
    rows = kpi_rows(warehouse, *q1, by="unit", **CURRENT)
    assert [(r["unit_code"], r["level"], r["received"], r["comparable"]) for r in rows] == [
        ("19", "district", 1640, True)
    ]
    assert kpi_one(warehouse, *q1, unit="19", **CURRENT)["received"] == 1640
    assert kpi_one(warehouse, *q1, unit="Xã Đại Từ", **CURRENT)["received"] == 0


# ------------------------------------------------------------------ the reference in the warehouse


def test_every_snapshot_carries_the_conversion_table(wh: WarehousePaths) -> None:
    with open_snapshot(wh) as (con, _info):
        pairs, new, not_comparable = con.execute(
            "select count(*), count(distinct new_code), count(distinct new_code) filter (where not new_comparable)"
            " from dim_commune_conversion"
        ).fetchone()
        placed = dict(
            con.execute(
                "select agency_code, attribution || ' ' || coalesce(current_unit_code, '') from dim_agency_current_units"
            ).fetchall()
        )
    assert (pairs, new, not_comparable) == (10_565, 3_316, 415)  # as warehouse/reference/README.md counts
    assert placed == {
        "KK": "unit 05830",
        "BT": "unit 05830",
        "LB": "unit 05830",
        "DTN": "unit 05830",
        "TD": "split 19",
        "HS": "unit 05908",
        "SM": "unit 05719",
        "TQ": "unit 01957",
        "HDT": "district 19",
        "STP": "unit 19",
        "BKP": "unit 19",
    }


def test_the_writer_rereads_the_table_when_the_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import warehouse.reference_conversion as reference

    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    with open_writer(warehouse) as con:
        assert con.execute("select count(*) from ref_commune_conversion").fetchone()[0] == 10_565
    tiny = tmp_path / "conversion.csv"
    lines = reference.CONVERSION_CSV.read_text(encoding="utf-8").splitlines()
    tiny.write_text(
        "\n".join([lines[0], *(line for line in lines if line.split(",")[4] == "05830")]) + "\n", encoding="utf-8"
    )
    monkeypatch.setattr(reference, "CONVERSION_CSV", tiny)
    with open_writer(warehouse) as con:  # another file: read again
        assert con.execute("select old_code from ref_commune_conversion order by 1").fetchall() == [
            ("05821",),
            ("05830",),
            ("05833",),
            ("05836",),
        ]
    monkeypatch.undo()
    with open_writer(warehouse) as con:  # the shipped file again
        assert con.execute("select count(*) from ref_commune_conversion").fetchone()[0] == 10_565


# ------------------------------------------------------------------ on screen


def explorer(monkeypatch: pytest.MonkeyPatch, wh: WarehousePaths, **params: str):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("IOC_WAREHOUSE", str(wh.database))
    monkeypatch.setenv("IOC_TODAY", "2025-09-30")
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    app.run()
    app.switch_page("pages/explorer.py")
    for name, value in {"period": "custom", "from": H1[0], "to": H1[1], **params}.items():
        app.query_params[name] = value
    return app.run()


def test_explorer_switch_reads_the_past_on_todays_communes(monkeypatch: pytest.MonkeyPatch, wh: WarehousePaths):
    app = explorer(monkeypatch, wh, units="current", commune="05830")
    assert not app.exception
    received = next(m.value for m in app.metric if m.label == "Tiếp nhận")
    assert received == "4"  # KK1 KK2 BT1 LB1: today's Xã Đại Từ, not 1 (Bình Thuận as recorded)
    assert app.query_params["units"] == ["current"] or app.query_params["units"] == "current"


def test_explorer_switch_says_why_a_commune_is_not_comparable(monkeypatch: pytest.MonkeyPatch, wh: WarehousePaths):
    app = explorer(monkeypatch, wh, units="current", commune="05908")
    assert not app.exception
    assert next(m.value for m in app.metric if m.label == "Tiếp nhận") == "—"
    infos = [i.value for i in app.info]
    assert any("bị chia tách vào" in text and "Thượng Đình" in text for text in infos), infos


def test_explorer_as_recorded_stays_the_default(monkeypatch: pytest.MonkeyPatch, wh: WarehousePaths):
    app = explorer(monkeypatch, wh, commune="05830")
    assert not app.exception
    assert next(m.value for m in app.metric if m.label == "Tiếp nhận") == "1"  # BT1 only: Xã Bình Thuận
