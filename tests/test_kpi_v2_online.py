"""Online services (DESIGN §4 v2, 766 items 3.1, 3.2, 3.5), exact values on a hand-built fixture.

Every expected value is worked out by hand from DESIGN §4 and the rows below (inserted
straight into the raw tables), never copied from what the code prints; the comment next
to it names the procedures or pairs that count. Main period: March 2024, `to` = 2024-03-31,
so a province-level agency's fields are those it received dossiers in after 2023-03-31.

agencies  STP  Sở Tư pháp          TINH   19
          HDT  UBND huyện Đại Từ   HUYEN  171
          XCV  UBND xã Cù Vân      XA     05809 (in Đại Từ)
          XMY  UBND xã Mỹ Yên      XA     05836 (in Đại Từ)

procedures  field  CapThucHien            MucDo  fee  DuDieuKienToanTrinh
  T1        LLTP   TINH                   4      1    1
  T2        LLTP   TINH                   3      0    1
  T3        QT     Cấp Tỉnh               2      1    0
  T4        BT     TINH                   4      0    1
  T5        NN     TINH                   3      0    1
  B1        CT     Cấp Huyện; Cấp Xã      4      1    1      (two levels)
  D1        DD     HUYEN                  3      1    NULL   (its file lacked the column)
  D2        DD     HUYEN                  4      0    NULL
  C1        HT     XA                     4      0    1
  C2        HT     Cấp Xã                 3      1    NULL
  C3        HT     XA                     2      0    0

dossiers  agency proc  channel status received          paid   role
  S1      STP    T1    2       10     2024-03-05        1      LLTP in; T1 used online, paid
  S2      STP    T2    1       10     2024-03-06        0      LLTP in; in person
  S3      STP    T3    1       10     2023-04-01        0      QT in on 2024-03-31 (the day after the year-earlier day)
  S4      STP    T4    2       10     2023-03-31        0      BT: out on 2024-03-31 (the year-earlier day), in on 03-30 and in February
  S5      STP    T5    2       3      2024-03-10        0      refused: not `received`, so NN is never STP's
  H1      HDT    D1    2       10     2024-03-07        2      D1 used online at HDT, paid
  H2      HDT    B1    1       10     2024-03-08        0      B1 in person at HDT
  H3      HDT    D2    2       1      2024-03-09        0      status 1: counts nowhere
  X1      XCV    C1    2       10     2024-03-01        0      C1 used online at XCV
  X2      XCV    C2    2       10     2024-03-31        1      C2 used online at XCV, paid
  X3      XCV    B1    2       10     2024-02-15        1      February: B1 used online and paid at XCV then
  M1      XMY    C1    1       10     2024-03-12        0      C1 in person at XMY
  M2      XMY    B1    2       10     2024-03-13        0      B1 used online at XMY, not paid online
  M3      XMY    C1    2       10     2024-04-01        0      April: not in March

Competence on 2024-03-31: STP {T1, T2, T3} (LLTP, QT; not BT, NN); HDT {B1, D1, D2};
XCV and XMY {C1, C2, C3, B1}. Online services (pairs with MucDo 3 or 4): STP-T1, STP-T2,
HDT-B1, HDT-D1, HDT-D2, XCV-C1, XCV-C2, XCV-B1, XMY-C1, XMY-C2, XMY-B1 = 11; used in
March: STP-T1 (S1), HDT-D1 (H1), XCV-C1 (X1), XCV-C2 (X2), XMY-B1 (M2) = 5.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import kpi_one, kpi_rows

from warehouse.online_services import OnlineServicesFilter, procedure_list, unused_online_services
from warehouse.paths import WarehousePaths
from warehouse.publish import publish
from warehouse.snapshot import open_snapshot
from warehouse.writer import open_writer

MARCH = ("2024-03-01", "2024-03-31")

AGENCIES = [
    ("STP", "Sở Tư pháp", "TINH", "19", None),
    ("HDT", "UBND huyện Đại Từ", "HUYEN", "171", None),
    ("XCV", "UBND xã Cù Vân", "XA", "05809", "HDT"),
    ("XMY", "UBND xã Mỹ Yên", "XA", "05836", "HDT"),
]
FIELD_NAMES = {
    "LLTP": "Lý lịch tư pháp",
    "QT": "Quốc tịch",
    "BT": "Bồi thường nhà nước",
    "NN": "Nuôi con nuôi",
    "CT": "Chứng thực",
    "DD": "Đất đai",
    "HT": "Hộ tịch",
}
PROCEDURES = [  # code, field, CapThucHien, MucDo, CoPhiLePhi, DuDieuKienToanTrinh
    ("T1", "LLTP", "TINH", 4, 1, 1),
    ("T2", "LLTP", "TINH", 3, 0, 1),
    ("T3", "QT", "Cấp Tỉnh", 2, 1, 0),
    ("T4", "BT", "TINH", 4, 0, 1),
    ("T5", "NN", "TINH", 3, 0, 1),
    ("B1", "CT", "Cấp Huyện; Cấp Xã", 4, 1, 1),
    ("D1", "DD", "HUYEN", 3, 1, None),
    ("D2", "DD", "HUYEN", 4, 0, None),
    ("C1", "HT", "XA", 4, 0, 1),
    ("C2", "HT", "Cấp Xã", 3, 1, None),
    ("C3", "HT", "XA", 2, 0, 0),
]
DOSSIERS = [  # code, agency, procedure, channel, status, received, paid online
    ("S1", "STP", "T1", 2, 10, "2024-03-05", 1),
    ("S2", "STP", "T2", 1, 10, "2024-03-06", 0),
    ("S3", "STP", "T3", 1, 10, "2023-04-01", 0),
    ("S4", "STP", "T4", 2, 10, "2023-03-31", 0),
    ("S5", "STP", "T5", 2, 3, "2024-03-10", 0),
    ("H1", "HDT", "D1", 2, 10, "2024-03-07", 2),
    ("H2", "HDT", "B1", 1, 10, "2024-03-08", 0),
    ("H3", "HDT", "D2", 2, 1, "2024-03-09", 0),
    ("X1", "XCV", "C1", 2, 10, "2024-03-01", 0),
    ("X2", "XCV", "C2", 2, 10, "2024-03-31", 1),
    ("X3", "XCV", "B1", 2, 10, "2024-02-15", 1),
    ("M1", "XMY", "C1", 1, 10, "2024-03-12", 0),
    ("M2", "XMY", "B1", 2, 10, "2024-03-13", 0),
    ("M3", "XMY", "C1", 2, 10, "2024-04-01", 0),
]
ONLINE = (
    "procedures",
    "procedures_full",
    "procedures_partial",
    "procedures_eligible_full",
    "online_services",
    "online_services_used",
    "online_service_rate",
    "full_online_rate",
    "online_service_use_rate",
    "fee_procedures_paid_rate",
)


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    warehouse = WarehousePaths(tmp_path_factory.mktemp("kpi_v2_online") / "warehouse.duckdb")
    with open_writer(warehouse) as con:
        con.executemany(
            "insert into raw_agencies (MaDonVi, TenDonVi, Cap, MaDVHC, MaDonViCha) values (?, ?, ?, ?, ?)", AGENCIES
        )
        con.executemany(
            """
            insert into raw_procedures
                (MaTTHC, TenTTHC, MaLinhVuc, TenLinhVuc, CapThucHien, MucDo, CoPhiLePhi, DuDieuKienToanTrinh)
            values (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [(code, f"Thủ tục {code}", field, FIELD_NAMES[field], *rest) for code, field, *rest in PROCEDURES],
        )
        fields = {code: field for code, field, *_ in PROCEDURES}
        con.executemany(
            """
            insert into raw_dossiers
                (MaHoSo, MaTTHC, MaLinhVuc, TenLinhVuc, MaDonVi, KenhThucHien, TrangThaiHoSo,
                 NgayTiepNhan, NgayHenTra, NgayKetThucXuLy, DuocThanhToanTrucTuyen)
            values (?, ?, ?, ?, ?, ?, ?,
                    ?::timestamp + interval 9 hour, ?::timestamp + interval 5 day,
                    case when ? = 10 then ?::timestamp + interval 1 day end, ?)
            """,
            [
                (
                    code,
                    proc,
                    fields[proc],
                    FIELD_NAMES[fields[proc]],
                    agency,
                    channel,
                    status,
                    day,
                    day,
                    status,
                    day,
                    paid,
                )
                for code, agency, proc, channel, status, day, paid in DOSSIERS
            ],
        )
        publish(con, warehouse)
    return warehouse


def online(row: dict) -> dict:
    return {key: row[key] for key in ONLINE}


# --- the whole province ------------------------------------------------------------------


def test_province_march(wh):
    assert online(kpi_one(wh, *MARCH)) == {
        # in scope: T1 T2 T3 (STP) + B1 D1 D2 (HDT) + C1 C2 C3 B1 (communes) = 9 distinct
        "procedures": 9,
        "procedures_full": 4,  # T1 B1 D2 C1
        "procedures_partial": 3,  # T2 D1 C2
        "procedures_eligible_full": 4,  # T1 T2 B1 C1 (T3 C3 are 0; D1 D2 C2 unknown)
        "online_services": 11,  # the pairs in the module docstring
        "online_services_used": 5,  # STP-T1 HDT-D1 XCV-C1 XCV-C2 XMY-B1
        "online_service_rate": 7 / 9,
        "full_online_rate": 3 / 4,  # fully online among the eligible: T1 B1 C1 (D2 unknown: in neither)
        "online_service_use_rate": 5 / 11,
        # fee-bearing in scope: T1 T3 B1 D1 C2; paid online in March: T1 (S1) D1 (H1) C2 (X2); B1's M2 not paid
        "fee_procedures_paid_rate": 3 / 5,
    }


def test_fee_parts_are_in_the_rows_asked_with_parts(wh):
    with open_snapshot(wh) as (con, _info):
        from warehouse.query import KpiFilter, kpi

        row = kpi(con, KpiFilter(date(2024, 3, 1), date(2024, 3, 31)), parts=True).row(0, named=True)
    # T1 T3 B1 D1 C2; of them T1 D1 C2 paid; fully online and eligible: T1 B1 C1
    assert (row["fee_procedures"], row["fee_procedures_paid"], row["procedures_full_eligible"]) == (5, 3, 3)


# --- a province-level agency: its fields over the year before `to` -----------------------


def test_province_level_agency_keeps_the_fields_received_after_the_year_earlier_day(wh):
    assert online(kpi_one(wh, *MARCH, unit="STP")) == {
        # LLTP (S1 S2) and QT (S3 on 2023-04-01, after 2023-03-31): T1 T2 T3. Not BT (S4 on
        # 2023-03-31 itself), not NN (S5 refused)
        "procedures": 3,
        "procedures_full": 1,  # T1
        "procedures_partial": 1,  # T2
        "procedures_eligible_full": 2,  # T1 T2
        "online_services": 2,  # STP-T1 STP-T2
        "online_services_used": 1,  # STP-T1 (S1)
        "online_service_rate": 2 / 3,
        "full_online_rate": 1 / 2,  # T1 of T1 T2
        "online_service_use_rate": 1 / 2,
        "fee_procedures_paid_rate": 1 / 2,  # T1 paid (S1) of T1 T3
    }


def test_a_dossier_on_the_year_earlier_day_counts_until_the_day_before(wh):
    # to = 2024-03-30: the year-earlier day is 2023-03-30, so S4 (2023-03-31) keeps BT: T1 T2 T3 T4
    row = kpi_one(wh, "2024-03-01", "2024-03-30", unit="STP")
    assert (row["procedures"], row["procedures_full"], row["online_services"]) == (4, 2, 3)  # full T1 T4; T1 T2 T4


# --- a commune, a district ---------------------------------------------------------------


def test_commune(wh):
    assert online(kpi_one(wh, *MARCH, unit="05809")) == {
        "procedures": 4,  # C1 C2 C3 B1: every procedure of its level
        "procedures_full": 2,  # C1 B1
        "procedures_partial": 1,  # C2
        "procedures_eligible_full": 2,  # C1 B1 (C2 unknown, C3 0)
        "online_services": 3,  # XCV-C1 XCV-C2 XCV-B1
        "online_services_used": 2,  # XCV-C1 (X1) XCV-C2 (X2); XCV-B1's X3 is February's
        "online_service_rate": 3 / 4,
        "full_online_rate": 1.0,  # C1 B1 of C1 B1
        "online_service_use_rate": 2 / 3,
        "fee_procedures_paid_rate": 1 / 2,  # C2 paid (X2) of C2 B1
    }


def test_district_own_one_stop(wh):
    assert online(kpi_one(wh, *MARCH, unit="171", level="district")) == {
        "procedures": 3,  # B1 (listed for two levels) D1 D2
        "procedures_full": 2,  # B1 D2
        "procedures_partial": 1,  # D1
        "procedures_eligible_full": 1,  # B1 (D1 D2 unknown)
        "online_services": 3,  # HDT-B1 HDT-D1 HDT-D2
        "online_services_used": 1,  # HDT-D1 (H1); H2 in person, H3 status 1
        "online_service_rate": 1.0,
        "full_online_rate": 1.0,  # B1 of B1
        "online_service_use_rate": 1 / 3,
        "fee_procedures_paid_rate": 1 / 2,  # D1 paid (H1) of B1 D1
    }


def test_district_with_its_communes_counts_each_procedure_once(wh):
    row = kpi_one(wh, *MARCH, unit="171")
    # B1 D1 D2 (HDT) + C1 C2 C3 B1 (communes): 6 procedures, B1 once; full B1 D2 C1, partial D1 C2;
    # pairs 3 + 3 + 3 = 9, used HDT-D1 XCV-C1 XCV-C2 XMY-B1; fee B1 D1 C2, paid D1 C2
    assert (row["procedures"], row["online_service_rate"]) == (6, 5 / 6)
    assert (row["online_services"], row["online_services_used"]) == (9, 4)
    assert row["fee_procedures_paid_rate"] == 2 / 3


def test_by_level(wh):
    rows = {r["level"]: r for r in kpi_rows(wh, *MARCH, by="level")}
    # communes: C1 C2 C3 B1; pairs XCV-C1 XCV-C2 XCV-B1 XMY-C1 XMY-C2 XMY-B1, used XCV-C1 XCV-C2 XMY-B1
    assert (rows["commune"]["procedures"], rows["commune"]["online_services"]) == (4, 6)
    assert rows["commune"]["online_service_use_rate"] == 3 / 6
    assert rows["commune"]["fee_procedures_paid_rate"] == 1 / 2  # C2 paid (X2) of C2 B1
    assert (rows["district"]["procedures"], rows["district"]["online_services_used"]) == (3, 1)  # B1 D1 D2; HDT-D1
    assert (rows["province"]["procedures"], rows["province"]["online_services_used"]) == (3, 1)  # T1 T2 T3; STP-T1


def test_by_unit_gives_each_unit_its_own_scope(wh):
    rows = {r["unit_code"]: r for r in kpi_rows(wh, *MARCH, by="unit")}
    assert {code: rows[code]["procedures"] for code in ("19", "171", "05809", "05836")} == {
        "19": 3,  # STP: T1 T2 T3
        "171": 3,  # HDT's own: B1 D1 D2
        "05809": 4,  # C1 C2 C3 B1
        "05836": 4,
    }
    # XMY: pairs C1 C2 B1, used XMY-B1 (M2) only
    assert rows["05836"]["online_service_use_rate"] == 1 / 3


# --- by field, a field filter, and the unknown-column rule ---------------------------------


def test_by_field_procedures_count_in_their_own_field(wh):
    rows = {r["field_code"]: r for r in kpi_rows(wh, *MARCH, by="field")}
    assert {code: rows[code]["procedures"] for code in ("LLTP", "QT", "CT", "DD", "HT")} == {
        "LLTP": 2,  # T1 T2
        "QT": 1,  # T3
        "CT": 1,  # B1
        "DD": 2,  # D1 D2
        "HT": 3,  # C1 C2 C3
    }
    assert rows["BT"]["procedures"] == 0  # S4's field, out of STP's competence on 2024-03-31
    assert rows["QT"]["online_service_use_rate"] is None  # T3 is MucDo 2: no online service
    # CT: B1 at HDT, XCV, XMY; used at XMY only (M2); fee-bearing, not paid online in March
    assert (rows["CT"]["online_services"], rows["CT"]["online_services_used"]) == (3, 1)
    assert rows["CT"]["fee_procedures_paid_rate"] == 0.0
    # HT: pairs XCV-C1 XCV-C2 XMY-C1 XMY-C2, used XCV-C1 XCV-C2
    assert rows["HT"]["online_service_use_rate"] == 2 / 4


def test_eligibility_unknown_for_every_procedure_in_scope_is_null(wh):
    # DD: D1 D2 both without DuDieuKienToanTrinh: neither a count of 0 nor a rate
    row = kpi_one(wh, *MARCH, field="DD")
    assert (row["procedures_eligible_full"], row["full_online_rate"]) == (None, None)
    assert (row["procedures"], row["online_service_rate"]) == (2, 1.0)  # D2 full, D1 partial


def test_eligibility_known_for_some_counts_only_those(wh):
    # HT: C1 eligible, C3 not, C2 unknown -> eligible C1; fully online among them C1
    row = kpi_one(wh, *MARCH, field="HT")
    assert (row["procedures_eligible_full"], row["full_online_rate"]) == (1, 1.0)


# --- by month: each month's own `to` ---------------------------------------------------------


def test_by_month_competence_follows_each_months_last_day(wh):
    february, march = kpi_rows(wh, "2024-02-01", "2024-03-31", by="month")
    assert online(february) == {
        # to = 2024-02-29: STP has QT (S3) and BT (S4 on 2023-03-31, after 2023-02-28), not yet
        # LLTP (S1 S2 are March's): T3 T4 + B1 D1 D2 + C1 C2 C3 = 8
        "procedures": 8,
        "procedures_full": 4,  # T4 B1 D2 C1
        "procedures_partial": 2,  # D1 C2
        "procedures_eligible_full": 3,  # T4 B1 C1
        "online_services": 10,  # STP-T4 + 3 HDT + 3 XCV + 3 XMY
        "online_services_used": 1,  # XCV-B1 (X3)
        "online_service_rate": 6 / 8,
        "full_online_rate": 1.0,  # T4 B1 C1
        "online_service_use_rate": 1 / 10,
        "fee_procedures_paid_rate": 1 / 4,  # fee-bearing T3 B1 D1 C2; B1 paid (X3)
    }
    assert online(march) == online(kpi_one(wh, *MARCH))


# --- filters and paths -------------------------------------------------------------------------


def test_a_channel_filter_leaves_the_online_service_measures_null(wh):
    row = kpi_one(wh, *MARCH, channel="online")
    assert {key: row[key] for key in ONLINE} == dict.fromkeys(ONLINE)


def test_procedure_filter_narrows_the_scope_to_that_procedure(wh):
    # B1 in Đại Từ: HDT-B1 XCV-B1 XMY-B1, used XMY-B1 (M2); fee-bearing, none paid online in March
    row = kpi_one(wh, *MARCH, unit="171", procedure="B1")
    assert (row["procedures"], row["procedures_full"], row["online_services"], row["online_services_used"]) == (
        1,
        1,
        3,
        1,
    )
    assert row["fee_procedures_paid_rate"] == 0.0


def test_by_procedure_each_row_carries_its_own(wh):
    rows = {r["procedure_code"]: r for r in kpi_rows(wh, *MARCH, by="procedure")}
    # the procedures with dossiers in March get rows (as before); T3 C3 D2 have none
    assert (rows["C1"]["online_services"], rows["C1"]["online_services_used"]) == (2, 1)  # XCV-C1 used, XMY-C1 not
    assert rows["T1"]["fee_procedures_paid_rate"] == 1.0  # S1
    assert rows["D1"]["online_service_use_rate"] == 1.0  # HDT-D1 (H1)
    assert "T3" not in rows and "D2" not in rows  # D2's H3 is status 1: counts nowhere


def test_on_todays_units_the_province_has_the_same_figures(wh):
    # a pre-reform period on today's units: the whole province is the same agencies
    assert online(kpi_one(wh, *MARCH, units="current")) == online(kpi_one(wh, *MARCH))


# --- the lists ------------------------------------------------------------------------------------


def test_procedure_list(wh):
    with open_snapshot(wh) as (con, _info):
        frame = procedure_list(con, OnlineServicesFilter(date(2024, 3, 1), date(2024, 3, 31)))
    rows = {r["procedure_code"]: r for r in frame.to_dicts()}
    assert {code: (r["received"], r["received_online"], r["online_rate"]) for code, r in rows.items()} == {
        "T1": (1, 1, 1.0),  # S1
        "T2": (1, 0, 0.0),  # S2
        "T3": (0, 0, None),
        "B1": (2, 1, 0.5),  # H2 in person, M2 online (X3 is February's)
        "D1": (1, 1, 1.0),  # H1
        "D2": (0, 0, None),  # H3 status 1
        "C1": (2, 1, 0.5),  # X1 online, M1 in person (M3 is April's)
        "C2": (1, 1, 1.0),  # X2
        "C3": (0, 0, None),
    }
    # fully online (T1 B1 D2 C1) with no online dossier: D2 only, listed first
    assert frame["procedure_code"][0] == "D2"
    assert [code for code, r in rows.items() if r["fully_online_unused"]] == ["D2"]
    assert rows["D2"]["online_level"] == 4


def test_unused_fully_online_services_by_agency(wh):
    with open_snapshot(wh) as (con, _info):
        frame = unused_online_services(con, OnlineServicesFilter(date(2024, 3, 1), date(2024, 3, 31)))
    # MucDo 4 pairs: STP-T1 (used) HDT-B1 HDT-D2 XCV-C1 (used) XCV-B1 XMY-C1 XMY-B1 (used)
    assert {(r["agency_code"], r["procedure_code"], r["field_code"], r["received"]) for r in frame.to_dicts()} == {
        ("HDT", "B1", "CT", 1),  # H2 in person
        ("HDT", "D2", "DD", 0),  # H3 status 1
        ("XCV", "B1", "CT", 0),  # X3 is February's
        ("XMY", "C1", "HT", 1),  # M1 in person
    }


def test_unused_list_takes_the_level_and_field_filters(wh):
    with open_snapshot(wh) as (con, _info):
        communes = unused_online_services(
            con, OnlineServicesFilter(date(2024, 3, 1), date(2024, 3, 31), level="commune")
        )
        hotich = unused_online_services(con, OnlineServicesFilter(date(2024, 3, 1), date(2024, 3, 31), field="HT"))
        daitu = procedure_list(con, OnlineServicesFilter(date(2024, 3, 1), date(2024, 3, 31), unit="171"))
    assert set(zip(communes["agency_code"], communes["procedure_code"])) == {("XCV", "B1"), ("XMY", "C1")}
    assert set(zip(hotich["agency_code"], hotich["procedure_code"])) == {("XMY", "C1")}
    # Đại Từ's scope: B1 D1 D2 C1 C2 C3 (not STP's T1 T2 T3)
    assert sorted(daitu["procedure_code"]) == ["B1", "C1", "C2", "C3", "D1", "D2"]


def test_with_targets_carries_the_online_service_targets(wh):
    from warehouse.query import KpiFilter, kpi
    from warehouse.targets import load_targets

    with open_snapshot(wh) as (con, _info):
        row = kpi(con, KpiFilter(date(2024, 3, 1), date(2024, 3, 31)), targets=load_targets()).row(0, named=True)
    # config/targets.toml: 3.1 and 3.5 take full marks from 80%; every service in use counts for 3.2
    assert (row["online_service_rate_target"], row["fee_procedures_paid_rate_target"]) == (0.8, 0.8)
    assert row["online_service_use_rate_target"] == 0.8
