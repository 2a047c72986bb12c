"""The demo portal's simulated data (DESIGN §6): the figures Thái Nguyên published for
1 January – 20 October 2023, recomputed here in polars from the §4 definitions on what the
portal would send on 1 January 2026; determinism; the 2025 reform; the status rules.

No warehouse: the figures are checked on the portal's own output, so a failure here is
the simulation's, not the KPI SQL's.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from demo_portal.catalogue import DEFAULT_SEED, agencies, procedures
from demo_portal.simulation import DOSSIER_COLUMNS, LIFECYCLE_COLUMNS, lifecycles, state_at

WINDOW = ("20230101", "20231020")
LATER = datetime(2026, 1, 1)
REFORM = datetime(2025, 7, 1)
OTHER_SEED = 7


# ---------------------------------------------------------------------------------------
# Fixtures and the §4 definitions


@pytest.fixture(scope="module")
def lifecycles_2023() -> pl.DataFrame:
    return lifecycles(2023)


@pytest.fixture(scope="module")
def portal_2023(lifecycles_2023: pl.DataFrame) -> pl.DataFrame:
    return state_at(lifecycles_2023, LATER)


@pytest.fixture(scope="module")
def later_years() -> dict[int, pl.DataFrame]:
    return {year: lifecycles(year) for year in (2024, 2025, 2026)}


@pytest.fixture(scope="module")
def portal_2023_other_seed() -> pl.DataFrame:
    return state_at(lifecycles(2023, seed=OTHER_SEED), LATER)


def dai_tu_district(seed: int = DEFAULT_SEED) -> str:
    return agencies(seed).filter(pl.col("Cap") == "HUYEN", pl.col("MaDVHC") == "171")["MaDonVi"].item()


def dai_tu_communes(seed: int = DEFAULT_SEED) -> pl.DataFrame:
    return agencies(seed).filter(pl.col("Cap") == "XA", pl.col("MaDonViCha") == dai_tu_district(seed))


def commune_agency(code: str, seed: int = DEFAULT_SEED) -> str:
    return dai_tu_communes(seed).filter(pl.col("MaDVHC") == code)["MaDonVi"].item()


def in_window(column: str) -> pl.Expr:
    day = pl.col(column).str.slice(0, 8)
    return day.is_between(pl.lit(WINDOW[0]), pl.lit(WINDOW[1]))


def window_kpis(portal: pl.DataFrame, agency_codes: list[str]) -> dict[str, int]:
    counted = portal.filter(pl.col("MaDonVi").is_in(agency_codes), ~pl.col("TrangThaiHoSo").is_in(["1", "3"]))
    received = counted.filter(in_window("NgayTiepNhan"))
    resolved = counted.filter(in_window("NgayKetThucXuLy"))
    finished_day = pl.col("NgayKetThucXuLy").str.slice(0, 8)
    due_day = pl.col("NgayHenTra").str.slice(0, 8)
    late = ((finished_day > due_day).fill_null(False)) | (pl.col("SoLanBoSung").cast(pl.Int64) > 1)
    return {
        "received": received.height,
        "online": received.filter(pl.col("KenhThucHien") == "2").height,
        "resolved": resolved.height,
        "late": resolved.filter(late).height,
    }


def per_commune(portal: pl.DataFrame, seed: int = DEFAULT_SEED) -> pl.DataFrame:
    rows = []
    for code, agency in dai_tu_communes(seed).select("MaDVHC", "MaDonVi").iter_rows():
        kpis = window_kpis(portal, [agency])
        rows.append(
            {
                "code": code,
                "online_rate": kpis["online"] / kpis["received"],
                "on_time_rate": (kpis["resolved"] - kpis["late"]) / kpis["resolved"],
            }
        )
    return pl.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# The published figures


def test_dai_tu_district_receives_4930_of_which_2800_online(portal_2023: pl.DataFrame) -> None:
    kpis = window_kpis(portal_2023, [dai_tu_district()])
    assert (kpis["received"], kpis["online"]) == (4_930, 2_800)
    assert round(100 * kpis["online"] / kpis["received"], 1) == 56.8


def test_dai_tu_district_resolves_about_4400(portal_2023: pl.DataFrame) -> None:
    assert 4_350 <= window_kpis(portal_2023, [dai_tu_district()])["resolved"] <= 4_450


def test_dai_tu_communes_receive_46961_of_which_34000_online(portal_2023: pl.DataFrame) -> None:
    communes = dai_tu_communes()
    assert communes.height == 27
    kpis = window_kpis(portal_2023, communes["MaDonVi"].to_list())
    assert (kpis["received"], kpis["online"]) == (46_961, 34_000)
    assert round(100 * kpis["online"] / kpis["received"], 1) == 72.4


def test_cu_van_resolves_925_with_a_few_late(portal_2023: pl.DataFrame) -> None:
    kpis = window_kpis(portal_2023, [commune_agency("05809")])
    assert kpis["resolved"] == 925
    on_time_rate = (kpis["resolved"] - kpis["late"]) / kpis["resolved"]
    assert 0.99 < on_time_rate < 1.0


def test_my_yen_has_dai_tus_lowest_online_rate(portal_2023: pl.DataFrame) -> None:
    rates = per_commune(portal_2023).sort("online_rate")
    assert rates["code"][0] == "05836"
    assert rates["online_rate"][0] < rates["online_rate"][1]


def test_my_yen_has_dai_tus_lowest_on_time_rate(portal_2023: pl.DataFrame) -> None:
    rates = per_commune(portal_2023).sort("on_time_rate")
    assert rates["code"][0] == "05836"
    assert rates["on_time_rate"][0] < rates["on_time_rate"][1]


def test_dai_tu_receives_each_of_the_163_fully_online_procedures(portal_2023: pl.DataFrame) -> None:
    fully_online = procedures().filter(pl.col("CapThucHien").is_in(["HUYEN", "XA"]), pl.col("MucDo") == "4")
    dai_tu = [dai_tu_district(), *dai_tu_communes()["MaDonVi"].to_list()]
    received = portal_2023.filter(
        pl.col("MaDonVi").is_in(dai_tu), ~pl.col("TrangThaiHoSo").is_in(["1", "3"]), in_window("NgayTiepNhan")
    )
    offered = received.join(fully_online, on="MaTTHC", how="semi")["MaTTHC"].n_unique()
    assert offered == 163


def test_the_figures_hold_for_another_seed(portal_2023_other_seed: pl.DataFrame) -> None:
    seed = OTHER_SEED
    district = window_kpis(portal_2023_other_seed, [dai_tu_district(seed)])
    communes = window_kpis(portal_2023_other_seed, dai_tu_communes(seed)["MaDonVi"].to_list())
    cu_van = window_kpis(portal_2023_other_seed, [commune_agency("05809", seed)])
    rates = per_commune(portal_2023_other_seed, seed)
    assert (district["received"], district["online"]) == (4_930, 2_800)
    assert 4_350 <= district["resolved"] <= 4_450
    assert (communes["received"], communes["online"]) == (46_961, 34_000)
    assert cu_van["resolved"] == 925 and 0 < cu_van["late"] < 0.01 * 925
    assert rates.sort("online_rate")["code"][0] == "05836"
    assert rates.sort("on_time_rate")["code"][0] == "05836"


# ---------------------------------------------------------------------------------------
# Catalogue


def test_163_procedures_fully_online_at_district_and_commune_level() -> None:
    local = procedures().filter(pl.col("CapThucHien").is_in(["HUYEN", "XA"]))
    assert local.filter(pl.col("MucDo") == "4").height == 163


def test_reused_commune_code_05809_names_two_agencies() -> None:
    both = agencies().filter(pl.col("MaDVHC") == "05809").sort("HieuLucTu")
    assert both["TenDonVi"].to_list() == ["UBND xã Cù Vân", "UBND xã An Khánh"]
    assert both["MaDonVi"].n_unique() == 2
    assert both["HieuLucDen"].to_list() == ["2025-06-30", ""]


# ---------------------------------------------------------------------------------------
# Determinism and keys


def test_same_seed_same_lifecycles(lifecycles_2023: pl.DataFrame) -> None:
    assert lifecycles(2023).equals(lifecycles_2023)


def test_another_seed_gives_other_dossiers(lifecycles_2023: pl.DataFrame) -> None:
    other = lifecycles(2024, seed=OTHER_SEED)
    assert not other.equals(lifecycles(2024))
    assert not lifecycles(2023, seed=OTHER_SEED)["MaHoSo"].equals(lifecycles_2023["MaHoSo"])


def test_dossier_codes_unique_across_2023_to_2026(
    lifecycles_2023: pl.DataFrame, later_years: dict[int, pl.DataFrame]
) -> None:
    codes = pl.concat([lifecycles_2023["MaHoSo"], *(frame["MaHoSo"] for frame in later_years.values())])
    assert codes.is_unique().all()


def test_each_year_holds_the_dossiers_received_in_it(later_years: dict[int, pl.DataFrame]) -> None:
    for year, frame in later_years.items():
        assert frame["received_at"].dt.year().unique().to_list() == [year]


def test_years_before_the_demo_are_refused() -> None:
    with pytest.raises(ValueError):
        lifecycles(2022)


# ---------------------------------------------------------------------------------------
# The 2025 reform


def receivers_after_reform(later_years: dict[int, pl.DataFrame]) -> pl.DataFrame:
    received = pl.concat([later_years[2025], later_years[2026]]).filter(pl.col("received_at") >= REFORM)
    return received.select("MaDonVi").unique().join(agencies(), on="MaDonVi", how="left")


def test_no_district_or_old_commune_receives_after_the_reform(later_years: dict[int, pl.DataFrame]) -> None:
    receivers = receivers_after_reform(later_years)
    assert receivers.filter(pl.col("Cap") == "HUYEN").height == 0
    assert receivers.filter(pl.col("HieuLucDen") == "2025-06-30").height == 0
    assert receivers["TenDonVi"].null_count() == 0


def test_bac_kan_receives_nothing_after_the_reform(later_years: dict[int, pl.DataFrame]) -> None:
    assert receivers_after_reform(later_years).filter(pl.col("MaDVHC").str.starts_with("06")).height == 0
    bac_kan = agencies().filter(pl.col("MaDonVi").str.ends_with(".H04"))
    assert bac_kan.height > 100
    assert bac_kan.filter(pl.col("HieuLucDen") != "2025-06-30").height == 0


def test_province_monthly_totals_run_on_across_the_reform(later_years: dict[int, pl.DataFrame]) -> None:
    monthly = later_years[2025].group_by(pl.col("received_at").dt.month().alias("month")).len()
    june = monthly.filter(pl.col("month") == 6)["len"].item()
    july = monthly.filter(pl.col("month") == 7)["len"].item()
    assert 0.9 <= july / june <= 1.1


# ---------------------------------------------------------------------------------------
# state_at: what the portal shows at a moment


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute)


def lifecycle(code: str, **events: datetime | int | None) -> dict:
    row: dict = dict.fromkeys(LIFECYCLE_COLUMNS)
    row.update(
        MaHoSo=code,
        MaTTHC="1.000656",
        MaLinhVuc="HT",
        TenLinhVuc="Hộ tịch",
        MaDonVi="000.14.27.H56",
        KenhThucHien=2,
        received_at=at(4, 8),
        accepted_at=at(4, 10),
        processing_at=at(4, 11),
        finished_at=at(6, 15),
        returned_at=at(7, 9),
        due_at=at(8, 17),
        final_status=10,
        SoLanBoSung=0,
        DuocThanhToanTrucTuyen=0,
        HoSoCoThanhPhanSoHoa=1,
        CoKetQuaDienTu=1,
        CoTaiSuDungDuLieuSoHoa=1,
        DuocLayTuKhoDMQG=0,
        TaiKhoanDuocXacThucVoiVNeID=1,
    )
    row.update(events)
    return row


SCHEMA = {
    **dict.fromkeys(("MaHoSo", "MaTTHC", "MaLinhVuc", "TenLinhVuc", "MaDonVi"), pl.String),
    "KenhThucHien": pl.Int8,
    **dict.fromkeys(
        (
            "received_at",
            "accepted_at",
            "refused_at",
            "processing_at",
            "supplement_at",
            "supplement_done_at",
            "finished_at",
            "returned_at",
            "due_at",
        ),
        pl.Datetime("us"),
    ),
    **dict.fromkeys(
        (
            "final_status",
            "SoLanBoSung",
            "DuocThanhToanTrucTuyen",
            "HoSoCoThanhPhanSoHoa",
            "CoKetQuaDienTu",
            "CoTaiSuDungDuLieuSoHoa",
            "DuocLayTuKhoDMQG",
            "TaiKhoanDuocXacThucVoiVNeID",
        ),
        pl.Int8,
    ),
}

HAND_BUILT = pl.DataFrame(
    [
        lifecycle("RETURNED"),
        lifecycle("DONE", returned_at=None, final_status=9),
        lifecycle("SUPPLEMENT", supplement_at=at(5, 9), supplement_done_at=at(5, 16), SoLanBoSung=2),
        lifecycle(
            "REFUSED",
            accepted_at=None,
            processing_at=None,
            finished_at=None,
            returned_at=None,
            due_at=None,
            refused_at=at(4, 14),
            final_status=3,
            CoKetQuaDienTu=0,
        ),
        lifecycle("WITHDRAWN", returned_at=None, final_status=7, CoKetQuaDienTu=0),
        lifecycle("STUCK", finished_at=None, returned_at=None, final_status=None, CoKetQuaDienTu=0),
        lifecycle(
            "FUTURE",
            received_at=at(9, 8),
            accepted_at=at(9, 10),
            processing_at=at(9, 11),
            finished_at=at(11, 15),
            returned_at=None,
            due_at=at(13, 17),
            final_status=9,
        ),
    ],
    schema=SCHEMA,
)


def status_at(moment: datetime) -> dict[str, str]:
    return dict(state_at(HAND_BUILT, moment).select("MaHoSo", "TrangThaiHoSo").iter_rows())


def test_state_at_columns_are_the_contract_then_the_cursor() -> None:
    portal = state_at(HAND_BUILT, at(10))
    assert portal.columns == [*DOSSIER_COLUMNS, "updated_at"]
    assert all(portal.schema[c] == pl.String for c in DOSSIER_COLUMNS)
    assert portal.schema["updated_at"] == pl.Datetime("us")


def test_state_at_shows_only_dossiers_received_by_then() -> None:
    assert "FUTURE" not in status_at(at(8, 23))
    assert status_at(at(9, 8))["FUTURE"] == "1"


def test_state_at_new_until_accepted_then_processing() -> None:
    assert status_at(at(4, 9))["RETURNED"] == "1"
    assert status_at(at(4, 10, 30))["RETURNED"] == "2"
    assert status_at(at(4, 12))["RETURNED"] == "4"


def test_state_at_supplement_requested_until_answered() -> None:
    assert status_at(at(5, 8))["SUPPLEMENT"] == "4"
    assert status_at(at(5, 12))["SUPPLEMENT"] == "5"
    assert status_at(at(5, 17))["SUPPLEMENT"] == "4"


def test_state_at_done_until_returned_then_returned() -> None:
    assert status_at(at(6, 16))["RETURNED"] == "9"
    assert status_at(at(7, 10))["RETURNED"] == "10"
    assert status_at(at(7, 10))["DONE"] == "9"


def test_state_at_refused_withdrawn_and_stuck() -> None:
    assert status_at(at(4, 13))["REFUSED"] == "1"
    assert status_at(at(4, 15))["REFUSED"] == "3"
    assert status_at(at(6, 16))["WITHDRAWN"] == "7"
    assert status_at(datetime(2030, 1, 1))["STUCK"] == "4"


def test_state_at_end_dates_and_results_appear_when_they_happen() -> None:
    before = state_at(HAND_BUILT, at(5, 12)).filter(pl.col("MaHoSo") == "SUPPLEMENT").row(0, named=True)
    after = state_at(HAND_BUILT, at(7, 10)).filter(pl.col("MaHoSo") == "SUPPLEMENT").row(0, named=True)
    assert (before["NgayKetThucXuLy"], before["NgayTra"], before["CoKetQuaDienTu"]) == (None, None, None)
    assert before["NgayTiepNhan"] == "20240304080000" and before["NgayHenTra"] == "20240308170000"
    assert before["SoLanBoSung"] == "1"
    assert (after["NgayKetThucXuLy"], after["NgayTra"], after["CoKetQuaDienTu"]) == (
        "20240306150000",
        "20240307090000",
        "1",
    )
    assert after["SoLanBoSung"] == "2"


def test_state_at_cursor_is_the_latest_event_so_far() -> None:
    cursor = dict(state_at(HAND_BUILT, at(5, 12)).select("MaHoSo", "updated_at").iter_rows())
    assert cursor["SUPPLEMENT"] == at(5, 9)
    assert cursor["RETURNED"] == at(4, 11)
    assert cursor["REFUSED"] == at(4, 14)
