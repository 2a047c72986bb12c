"""Which unit a person means (DESIGN §5, §7): a code (padded or not), a full name
(case- and diacritics-insensitive, agencies' names included), a name without its prefix
as a fallback; ambiguous and unknown names are errors listing candidates; a code means
the unit valid in the period read (the 2025 reform re-used codes).

The data: three agencies of Đại Từ (Thái Nguyên, 19), four dossiers in February 2023
and one (D5) received by Cù Vân on 03/03/2025, still open.

    H-DT   UBND huyện Đại Từ   HUYEN  171     D1
    XA-CV  UBND xã Cù Vân      XA     05809   D2 D3 (D5)
    XA-MY  UBND xã Mỹ Yên      XA     05836   D4
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import kpi_one, kpi_rows, load, raw, run_main, write_csv

from warehouse.errors import UnitLookupError
from warehouse.paths import WarehousePaths
from warehouse.query import KpiFilter, OverdueFilter, dossiers, overdue_dossiers, resolve_unit
from warehouse.snapshot import open_snapshot

FEB = ("2023-02-01", "2023-02-28")
DOSSIERS = "MaHoSo,MaTTHC,MaLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy"


@pytest.fixture(scope="module")
def units_warehouse(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    folder = tmp_path_factory.mktemp("units")
    agencies = write_csv(
        folder / "donvi.csv",
        "MaDonVi,TenDonVi,Cap,MaDVHC",
        "H-DT,UBND huyện Đại Từ,HUYEN,171",
        "XA-CV,UBND xã Cù Vân,XA,05809",
        "XA-MY,UBND xã Mỹ Yên,XA,05836",
    )
    dossiers = write_csv(
        folder / "hoso.csv",
        DOSSIERS,
        "D1,1.000656,G01,H-DT,1,4,20230201080000,,",
        "D2,1.000656,G01,XA-CV,2,4,20230202080000,,",
        "D3,1.000656,G01,XA-CV,2,4,20230203080000,,",
        "D4,1.000656,G01,XA-MY,1,4,20230204080000,,",
        # received by Cù Vân before the reform, still open after it
        "D5,1.000656,G01,XA-CV,1,4,20250303080000,,",
    )
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    assert load(warehouse, agencies, dossiers).all_read
    return warehouse


def selected(warehouse: WarehousePaths, unit: str, period: tuple[str, str] = FEB) -> tuple[str | None, str | None, int]:
    row = kpi_one(warehouse, *period, unit=unit)
    return row["unit_code"], row["unit_name"], row["received"]


def resolve_in(warehouse: WarehousePaths, text: str, start: date, end: date):
    with open_snapshot(warehouse) as (con, _info):
        return resolve_unit(con, text, start, end)


def kpi_cli(warehouse: WarehousePaths, unit: str, period: tuple[str, str] = FEB):
    return run_main(
        "warehouse",
        "kpi",
        "--warehouse",
        str(warehouse.database),
        "--from",
        period[0],
        "--to",
        period[1],
        "--unit",
        unit,
        "--format",
        "json",
    )


def test_everything_is_four_dossiers(units_warehouse: WarehousePaths) -> None:
    assert kpi_one(units_warehouse, *FEB)["received"] == 4


# ------------------------------------------------------------------ codes


def test_commune_code(units_warehouse: WarehousePaths) -> None:
    assert selected(units_warehouse, "05809") == ("05809", "Xã Cù Vân", 2)


def test_unpadded_commune_code(units_warehouse: WarehousePaths) -> None:
    assert selected(units_warehouse, "5809") == ("05809", "Xã Cù Vân", 2)


def test_district_code_includes_the_units_below_it(units_warehouse: WarehousePaths) -> None:
    assert selected(units_warehouse, "171") == ("171", "Huyện Đại Từ", 4)


def test_province_code_includes_the_units_below_it(units_warehouse: WarehousePaths) -> None:
    assert selected(units_warehouse, "19") == ("19", "Tỉnh Thái Nguyên", 4)


# ------------------------------------------------------------------ names


@pytest.mark.parametrize("name", ["xa cu van", "XÃ CÙ VÂN"])
def test_full_name_ignores_case_diacritics_and_spacing(units_warehouse: WarehousePaths, name: str) -> None:
    assert selected(units_warehouse, name) == ("05809", "Xã Cù Vân", 2)


def test_agency_name(units_warehouse: WarehousePaths) -> None:
    code, _name, received = selected(units_warehouse, "UBND xã Cù Vân")
    assert (code, received) == ("05809", 2)


def test_agency_name_selects_that_agency_only(units_warehouse: WarehousePaths) -> None:
    # the district's own one-stop: not the communes' dossiers (DESIGN §4, "Level")
    _code, name, received = selected(units_warehouse, "UBND huyện Đại Từ")
    assert (name, received) == ("UBND huyện Đại Từ", 1)


def test_name_without_prefix_falls_back_to_the_unit(units_warehouse: WarehousePaths) -> None:
    # "Xã Đại Tự" (Vĩnh Phúc) differs only by a tone mark: the accents typed come first
    assert selected(units_warehouse, "Đại Từ") == ("171", "Huyện Đại Từ", 4)


def test_name_typed_without_accents_prefers_the_datas_province(units_warehouse: WarehousePaths) -> None:
    # "dai tu" is Huyện Đại Từ (19) and Xã Đại Tự (26): the data comes from Thái Nguyên
    assert selected(units_warehouse, "dai tu") == ("171", "Huyện Đại Từ", 4)


def test_name_shared_with_another_province_prefers_the_datas_province(units_warehouse: WarehousePaths) -> None:
    # there is a Xã Mỹ Yên in Long An (80) too
    assert selected(units_warehouse, "Mỹ Yên") == ("05836", "Xã Mỹ Yên", 1)


def test_ambiguous_name_is_an_error_listing_candidates(units_warehouse: WarehousePaths) -> None:
    done = kpi_cli(units_warehouse, "Thái Nguyên", ("2023-01-01", "2023-12-31"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Tỉnh Thái Nguyên" in done.stderr and "Thành phố Thái Nguyên" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_name_is_an_error(units_warehouse: WarehousePaths) -> None:
    done = kpi_cli(units_warehouse, "Xã Không Có Thật")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Không Có Thật" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_code_is_an_error(units_warehouse: WarehousePaths) -> None:
    with pytest.raises(UnitLookupError):
        resolve_in(units_warehouse, "99999", date(2023, 2, 1), date(2023, 2, 28))


# ------------------------------------------------------------------ the 2025 reform


def test_code_means_the_unit_of_the_period_before_the_reform(units_warehouse: WarehousePaths) -> None:
    found = resolve_in(units_warehouse, "05809", date(2025, 1, 1), date(2025, 6, 30))
    assert (found.code, found.label) == ("05809", "Xã Cù Vân")


def test_reused_code_means_the_new_commune_after_the_reform(units_warehouse: WarehousePaths) -> None:
    found = resolve_in(units_warehouse, "05809", date(2025, 7, 1), date(2025, 9, 30))
    assert (found.code, found.label) == ("05809", "Xã An Khánh")


def test_reused_code_in_a_kpi_after_the_reform(units_warehouse: WarehousePaths) -> None:
    assert selected(units_warehouse, "05809", ("2025-08-01", "2025-08-31"))[:2] == ("05809", "Xã An Khánh")


def test_reused_code_before_the_reform_selects_the_old_communes_dossiers(units_warehouse: WarehousePaths) -> None:
    assert selected(units_warehouse, "05809", ("2025-03-01", "2025-03-31")) == ("05809", "Xã Cù Vân", 1)


def test_reused_code_after_the_reform_does_not_relabel_the_old_communes_dossiers(
    units_warehouse: WarehousePaths,
) -> None:
    # D5 belongs to Xã Cù Vân, which received it; the new Xã An Khánh (05809) did not
    row = kpi_one(units_warehouse, "2025-08-01", "2025-08-31", unit="05809")
    assert (row["unit_name"], row["carried_over"], row["pending"]) == ("Xã An Khánh", 0, 0)


def test_district_code_is_gone_after_the_reform(units_warehouse: WarehousePaths) -> None:
    # from 1 July 2025 there are no districts
    with pytest.raises(UnitLookupError):
        resolve_in(units_warehouse, "171", date(2025, 8, 1), date(2025, 8, 31))


# ------------------------------------------------------------------ a stray dossier (issue #11)
#
# Cù Vân's agency has its 2023 history plus one dossier dated 2026 (a stray: after the
# reform, when 05809 means Xã An Khánh) and one dated 2099 (a typo year). Expected, by hand:
#
#     H-DT   D1  01/02/2023 in person                   Đại Từ
#     XA-CV  D2  02/02/2023 online, finished 10/02/2023  Cù Vân, Đại Từ
#     XA-CV  D3  03/02/2023 online, still open           Cù Vân, Đại Từ (never Xã An Khánh's)
#     XA-MY  D4  04/02/2023 in person                   Mỹ Yên, Đại Từ
#     XA-CV  S26 15/01/2026 in person                   loads: counts in January 2026 only
#     XA-CV  S99 15/01/2099                             quarantined: a date in the future
#     XA-CV  S19 15/01/1999                             quarantined: a date before 2000


@pytest.fixture(scope="module")
def stray_warehouse(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    folder = tmp_path_factory.mktemp("stray")
    agencies = write_csv(
        folder / "donvi.csv",
        "MaDonVi,TenDonVi,Cap,MaDVHC",
        "H-DT,UBND huyện Đại Từ,HUYEN,171",
        "XA-CV,UBND xã Cù Vân,XA,05809",
        "XA-MY,UBND xã Mỹ Yên,XA,05836",
    )
    dossiers = write_csv(
        folder / "hoso.csv",
        DOSSIERS,
        "D1,1.000656,G01,H-DT,1,4,20230201080000,,",
        "D2,1.000656,G01,XA-CV,2,9,20230202080000,20230215170000,20230210100000",
        "D3,1.000656,G01,XA-CV,2,4,20230203080000,20230215170000,",
        "D4,1.000656,G01,XA-MY,1,4,20230204080000,,",
        "S26,1.000656,G01,XA-CV,1,4,20260115080000,,",
        "S99,1.000656,G01,XA-CV,1,4,20990115080000,,",
        "S19,1.000656,G01,XA-CV,1,4,19990115080000,,",
    )
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    assert load(warehouse, agencies, dossiers).all_read
    return warehouse


def test_stray_dossier_leaves_the_communes_2023_history_in_place(stray_warehouse: WarehousePaths) -> None:
    row = kpi_one(stray_warehouse, *FEB, unit="05809")
    # D2 and D3, both online; D2 finished on 10/02
    assert (row["unit_name"], row["received"], row["received_online"], row["resolved"]) == ("Xã Cù Vân", 2, 2, 1)


def test_stray_dossier_leaves_the_districts_2023_history_in_place(stray_warehouse: WarehousePaths) -> None:
    row = kpi_one(stray_warehouse, *FEB, unit="171")
    # D1, D2, D3, D4: two online (D2, D3), three pending (D1, D3, D4)
    assert (row["received"], row["received_online"], row["pending"]) == (4, 2, 3)


def test_commune_code_names_the_2023_unit_in_a_table_by_unit(stray_warehouse: WarehousePaths) -> None:
    rows = kpi_rows(stray_warehouse, *FEB, by="unit")
    assert {(r["unit_code"], r["unit_name"], r["received"]) for r in rows} == {
        ("171", "Huyện Đại Từ", 1),
        ("05809", "Xã Cù Vân", 2),
        ("05836", "Xã Mỹ Yên", 1),
    }


def test_commune_code_names_the_2023_unit_in_the_districts_areas(stray_warehouse: WarehousePaths) -> None:
    rows = kpi_rows(stray_warehouse, *FEB, unit="171", by="area")
    assert ("05809", "Xã Cù Vân", 2) in {(r["unit_code"], r["unit_name"], r["received"]) for r in rows}


def test_stray_dossier_counts_where_and_when_it_was_received(stray_warehouse: WarehousePaths) -> None:
    # S26 alone: received in 2026 by an agency whose 05809 then means Xã An Khánh; D3,
    # still open, stays Xã Cù Vân's and is carried over into nothing of Xã An Khánh
    row = kpi_one(stray_warehouse, "2026-01-01", "2026-01-31", unit="05809")
    assert (row["unit_name"], row["received"], row["carried_over"], row["pending"]) == ("Xã An Khánh", 1, 0, 1)


def test_typo_years_are_quarantined_as_implausible(stray_warehouse: WarehousePaths) -> None:
    quarantined = raw(stray_warehouse, "select reason from quarantine order by reason")
    assert quarantined == [("a date is before 2000 (15/01/1999)",), ("a date is in the future (15/01/2099)",)]


def test_dossiers_behind_a_unit_count_are_those_of_its_version(stray_warehouse: WarehousePaths) -> None:
    # Cù Vân from January 2023 to the end of 2026: D2 and D3; S26 is Xã An Khánh's
    with open_snapshot(stray_warehouse) as (con, _info):
        listed = dossiers(con, KpiFilter(date(2023, 1, 1), date(2026, 12, 31), unit="Xã Cù Vân"), "received")
    assert sorted(listed["dossier_code"]) == ["D2", "D3"]


def test_overdue_list_of_the_new_unit_leaves_the_old_communes_dossiers_out(stray_warehouse: WarehousePaths) -> None:
    # on 20/01/2026 D3 (due 15/02/2023) is overdue, and Xã Cù Vân's, not Xã An Khánh's
    with open_snapshot(stray_warehouse) as (con, _info):
        listed = overdue_dossiers(con, OverdueFilter(date(2026, 1, 20), unit="05809"))
    assert listed.is_empty()


def test_old_commune_over_a_period_spanning_the_reform_counts_its_own_days_only(
    stray_warehouse: WarehousePaths,
) -> None:
    # 2023 to 2026: D2 and D3 (received while Xã Cù Vân existed), not S26; D3 still open
    row = kpi_one(stray_warehouse, "2023-01-01", "2026-12-31", unit="Xã Cù Vân")
    assert (row["received"], row["pending"]) == (2, 1)


def test_a_pulled_date_after_the_portals_clock_is_quarantined(tmp_path) -> None:
    # the portal's clock stands at 01/03/2023 08:00: a dossier received on 05/03 is a typo
    from datetime import datetime

    from ingest.load import load_file
    from warehouse.writer import open_writer

    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    dossiers = write_csv(
        tmp_path / "hoso.csv",
        DOSSIERS,
        "D1,1.000656,G01,XA-CV,1,4,20230302070000,,",
        "D2,1.000656,G01,XA-CV,1,4,20230305080000,,",
    )
    with open_writer(warehouse) as con:
        report = load_file(con, warehouse, dossiers, source="pull:test", clock=datetime(2023, 3, 1, 8, 0))
    assert (report.rows_loaded, report.reasons) == (1, [("a date is in the future (05/03/2023)", 1)])
