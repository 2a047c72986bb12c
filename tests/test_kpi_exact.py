"""KPI measures and rates (DESIGN §4), one behaviour per test, on a hand-built fixture.

Every expected value below is worked out by hand from DESIGN §4 and the rows of
tests/fixtures/kpi/dossiers.csv, never copied from what the code prints; the comment
next to it lists the dossiers that count. Local dates are Asia/Ho_Chi_Minh (+07:00).

The fixture (main period 2023-03-01..2023-03-31; dates below are local calendar days):

agencies  STP   Sở Tư pháp         TINH  19
          HDT   UBND huyện Đại Từ  HUYEN 171
          XCV   UBND xã Cù Vân     XA    05809 (in Đại Từ)
          XMY   UBND xã Mỹ Yên     XA    05836 (in Đại Từ)
procedures (MucDo, YeuCauKetQuaGiay, CoPhiLePhi)
          P1 1.001193 Hộ tịch     (4, 1, 0)    P2 1.000894 Hộ tịch (3, 1, 1)
          P3 2.000815 Chứng thực  (2, 0, 1)    P4 1.004227 Đất đai (3, 1, 1)
          P5 1.003003 Đất đai     (2, 0, 0)

code agency proc ch st received    due    finished  paid digit eres supp  role in March
D01  XCV    P1   2  10 03-02       03-06  03-03     1    1     1    1     early (1 supplement is not late)
D02  XCV    P1   2  9  03-03       03-08  03-08     0    1     0    0     on time (the due day)
D03  XCV    P2   1  10 03-06       03-09  03-13     0    0     1    0     late by date
D04  XMY    P2   2  10 03-07       03-20  03-10     1    1     1    2     late: 2 supplements, finished early
D05  XMY    P3   "" 10 03-08       -      03-08     0    0     0    0     empty channel = direct; on time (no due)
D06  HDT    P4   3  4  03-09       03-24  -         2    1     -    0     postal; pending overdue
D07  HDT    P4   2  4  03-10       04-10  -         1    1     -    0     pending within due
D08  HDT    P5   2  5  03-13       -      -         0    0     -    1     pending, no due date -> within due
D09  XCV    P1   1  7  03-14       03-17  03-15     0    0     0    0     withdrawn with an end date: resolved early
D10  STP    P3   3  10 03-15       03-16T17:30Z=03-17 local, finished 03-17: on time (not late)
D11  STP    P3   2  9  03-16       03-30  04-03     2    0     1    0     status done but finished after `to`: pending overdue
D12  XMY    P1   2  9  03-20       03-31  03-31T20:00Z = 04-01 local: pending at 03-31, due = `to` -> within
D13  XCV    P2   2  1  03-21       -      -                              status 1: counts nowhere
D14  XMY    P2   1  3  03-22                                              refused (status 3, received in March)
D15  HDT    P4   1  3  02-20                                              refused in February, not in March
D16  XCV    P1   2  10 02-28T18:00Z = 03-01 local: received in March; due 03-03, finished 03-02: early
D17  XMY    P1   2  2  03-31T23:30Z = 04-01 local: NOT received in March (received in April)
D18  HDT    P5   1  10 2023-03-27T14:00 (ISO, no offset = local); due 03-29, finished 03-28: early
D19  STP    P3   1  8  2023-03-27T20:00+00:00 = 03-28 local; stopped, no end date: pending within due (04-11)
D20  XCV    P1   2  10 02-20       02-24  03-06                            carried over, resolved late in March
D21  HDT    P4   1  4  02-15       03-15  -                                carried over, still open: pending overdue
D22  XMY    P2   2  10 02-10       02-20  02-17                            resolved in February: not carried over
D23  STP    P3   1  10 02-28 23:59 03-02  03-01                            carried over (open at the start of 03-01), early
D24  XCV    P1   2  3  03-23       03-28  03-24                            refused with an end date: refused only
D25  HDT    P5   1  10 01-16       02-06  02-03                            carried into February, resolved early there
D26  XMY    P4   2  10 03-21       03-24  03-27     0    0     0    0     late by date
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, kpi_one, kpi_rows, load

from warehouse.paths import WarehousePaths

KPI_FIXTURES = FIXTURES / "kpi"
MARCH = ("2023-03-01", "2023-03-31")

RATES = (
    "online_rate",
    "online_rate_eligible",
    "on_time_rate",
    "on_time_rate_766",
    "digitised_rate",
    "e_result_rate",
    "online_payment_rate",
)
COUNTS = (
    "received",
    "received_online",
    "received_direct",
    "received_postal",
    "carried_over",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_within_due",
    "pending_overdue",
    "refused",
)


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    warehouse = WarehousePaths(tmp_path_factory.mktemp("kpi_exact") / "warehouse.duckdb")
    result = load(
        warehouse, KPI_FIXTURES / "agencies.csv", KPI_FIXTURES / "procedures.csv", KPI_FIXTURES / "dossiers.csv"
    )
    for report in result.files:
        assert report.error is None, report.lines()
    return warehouse


@pytest.fixture(scope="module")
def march(wh: WarehousePaths) -> dict:
    return kpi_one(wh, *MARCH)


# --- the fixture loads whole ------------------------------------------------------------


def test_every_fixture_row_loads(tmp_path: Path):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    result = load(
        warehouse, KPI_FIXTURES / "agencies.csv", KPI_FIXTURES / "procedures.csv", KPI_FIXTURES / "dossiers.csv"
    )
    loaded = {r.path.name: (r.rows_loaded, r.rows_quarantined) for r in result.files}
    assert loaded == {
        "agencies.csv": (4, 0),  # STP, HDT, XCV, XMY
        "procedures.csv": (5, 0),  # P1..P5
        "dossiers.csv": (26, 0),  # D01..D26
    }


# --- received and its channels (March) --------------------------------------------------


def test_received(march):
    # NgayTiepNhan in March (local), status not 1/3:
    # D01 D02 D03 D04 D05 D06 D07 D08 D09 D10 D11 D12 D16 D18 D19 D26 -> 16
    # (not D13 status 1, D14 D24 status 3, D17 = 04-01 local)
    assert march["received"] == 16


def test_received_online(march):
    # channel 2: D01 D02 D04 D07 D08 D11 D12 D16 D26 -> 9
    assert march["received_online"] == 9


def test_received_direct_includes_empty_channel(march):
    # channel 1: D03 D09 D18 D19; empty channel: D05 -> 5
    assert march["received_direct"] == 5


def test_received_postal(march):
    # channel 3: D06 D10 -> 2
    assert march["received_postal"] == 2


def test_received_at_18z_the_day_before_is_inside_the_period(wh):
    # 2023-03-01 local: D16 (2023-02-28T18:00Z = 03-01 01:00 +07) -> 1, online
    day = kpi_one(wh, "2023-03-01", "2023-03-01")
    assert (day["received"], day["received_online"]) == (1, 1)


def test_received_on_the_last_local_day_before_midnight(wh):
    # 2023-02-28 local: D23 (20230228235900, local) -> 1; D16 belongs to 03-01
    day = kpi_one(wh, "2023-02-28", "2023-02-28")
    assert (day["received"], day["received_direct"]) == (1, 1)


def test_received_at_2330z_on_the_last_day_falls_on_the_next_day(wh):
    # 2023-04-01 local: D17 (2023-03-31T23:30Z = 04-01 06:30 +07) -> 1, online
    day = kpi_one(wh, "2023-04-01", "2023-04-01")
    assert (day["received"], day["received_online"]) == (1, 1)


# --- refused, status 1 ------------------------------------------------------------------


def test_refused(march):
    # status 3 received in March: D14 (03-22), D24 (03-23, even with an end date) -> 2
    # (D15 is status 3 but received 02-20)
    assert march["refused"] == 2


def test_refused_counts_in_the_period_it_was_received(wh):
    # February: D15 (status 3, received 02-20) -> 1
    assert kpi_one(wh, "2023-02-01", "2023-02-28")["refused"] == 1


# --- carried over -----------------------------------------------------------------------


def test_carried_over(march):
    # received before 03-01 and open at 03-01:
    # D20 (finished 03-06), D21 (open), D23 (finished 03-01, open when the day began) -> 3
    # (not D22 finished 02-17, D25 finished 02-03, D15 status 3)
    assert march["carried_over"] == 3


# --- resolved and its classes -----------------------------------------------------------


def test_resolved(march):
    # NgayKetThucXuLy in March, status not 1/3:
    # D01 D02 D03 D04 D05 D09 D10 D16 D18 D20 D23 D26 -> 12
    # (not D11 finished 04-03, D12 finished 04-01 local, D24 status 3)
    assert march["resolved"] == 12


def test_resolved_early(march):
    # finished before due (and at most 1 supplement):
    # D01 (03-03 < 03-06, 1 supplement), D09 (withdrawn, 03-15 < 03-17),
    # D16 (03-02 < 03-03), D18 (03-28 < 03-29), D23 (03-01 < 03-02) -> 5
    assert march["resolved_early"] == 5


def test_resolved_on_time(march):
    # the due day or no due date: D02 (03-08 = 03-08), D05 (no due),
    # D10 (due 03-16T17:30Z = 03-17 local, finished 03-17) -> 3
    assert march["resolved_on_time"] == 3


def test_resolved_late(march):
    # D03 (03-13 > 03-09), D04 (2 supplements though finished 03-10 < 03-20),
    # D20 (03-06 > 02-24), D26 (03-27 > 03-24) -> 4
    assert march["resolved_late"] == 4


def test_finished_after_midnight_utc_is_resolved_on_the_local_day(wh):
    # 2023-04-01 local: D12 finished 2023-03-31T20:00Z = 04-01 03:00 +07, due 03-31 -> late
    day = kpi_one(wh, "2023-04-01", "2023-04-01")
    assert (day["resolved"], day["resolved_late"]) == (1, 1)


# --- pending ----------------------------------------------------------------------------


def test_pending(march):
    # received by 03-31 (or carried over), not finished by 03-31:
    # D06 D07 D08 D11 (finished 04-03) D12 (finished 04-01 local) D19 (stopped, no end) D21 -> 7
    assert march["pending"] == 7


def test_pending_within_due(march):
    # due >= 03-31 or none: D07 (04-10), D08 (none), D12 (03-31 = to), D19 (04-11) -> 4
    assert march["pending_within_due"] == 4


def test_pending_overdue(march):
    # due < 03-31: D06 (03-24), D11 (03-30), D21 (03-15) -> 3
    assert march["pending_overdue"] == 3


def test_stocks_balance(march):
    # received + carried_over = resolved + pending: 16 + 3 = 12 + 7
    assert march["received"] + march["carried_over"] == march["resolved"] + march["pending"]


# --- rates (March) ----------------------------------------------------------------------


def test_online_rate(march):
    # received_online / received = 9 / 16
    assert march["online_rate"] == pytest.approx(9 / 16)


def test_online_rate_eligible(march):
    # received of MucDo 3/4 procedures (P1 P2 P4): D01 D02 D03 D04 D06 D07 D09 D12 D16 D26 -> 10
    # of them online: D01 D02 D04 D07 D12 D16 D26 -> 7  (D08, D11 are online but MucDo 2)
    assert march["online_rate_eligible"] == pytest.approx(7 / 10)


def test_on_time_rate(march):
    # (early 5 + on time 3) / resolved 12
    assert march["on_time_rate"] == pytest.approx(8 / 12)


def test_on_time_rate_766(march):
    # (early 5 + on time 3 + pending_within_due 4) / (resolved 12 + pending 7)
    assert march["on_time_rate_766"] == pytest.approx(12 / 19)


def test_digitised_rate(march):
    # received with HoSoCoThanhPhanSoHoa = 1: D01 D02 D04 D06 D07 D10 D16 -> 7, of received 16
    # (D19's empty flag counts as "no"; D13 and D14, flagged 1, are status 1/3)
    assert march["digitised_rate"] == pytest.approx(7 / 16)


def test_e_result_rate(march):
    # resolved of procedures with YeuCauKetQuaGiay = 1 (P1 P2 P4): D01 D02 D03 D04 D09 D16 D20 D26 -> 8
    # of them CoKetQuaDienTu = 1: D01 D03 D04 D16 D20 -> 5
    # (D10, D23 have an e-result but P3 needs no paper result)
    assert march["e_result_rate"] == pytest.approx(5 / 8)


def test_online_payment_rate(march):
    # received of procedures with CoPhiLePhi = 1 (P2 P3 P4): D03 D04 D05 D06 D07 D10 D11 D19 D26 -> 9
    # of them paid online (1 or 2): D04 (1) D06 (2) D07 (1) D10 (1) D11 (2) -> 5
    # (D01 paid 1 but P1 has no fee; D19's empty flag means none)
    assert march["online_payment_rate"] == pytest.approx(5 / 9)


# --- zero denominators ------------------------------------------------------------------


@pytest.fixture(scope="module")
def quiet_days(wh: WarehousePaths) -> dict:
    # 2023-04-04..2023-04-05: nothing received, nothing finished;
    # open since before: D06 D07 D08 D17 D19 D21 (D11 finished 04-03, D12 04-01)
    return kpi_one(wh, "2023-04-04", "2023-04-05")


def test_nothing_resolved_gives_null_on_time_rate(quiet_days):
    assert (quiet_days["resolved"], quiet_days["on_time_rate"]) == (0, None)


def test_nothing_resolved_gives_null_e_result_rate(quiet_days):
    assert quiet_days["e_result_rate"] is None


def test_nothing_received_gives_null_received_rates(quiet_days):
    assert quiet_days["received"] == 0
    assert {
        name: quiet_days[name]
        for name in ("online_rate", "online_rate_eligible", "digitised_rate", "online_payment_rate")
    } == {"online_rate": None, "online_rate_eligible": None, "digitised_rate": None, "online_payment_rate": None}


def test_on_time_rate_766_counts_pending_when_nothing_resolved(quiet_days):
    # carried over and pending at 04-05: D06 D07 D08 D17 D19 D21 -> 6
    # within due (>= 04-05 or none): D07 (04-10) D08 (none) D17 (04-05) D19 (04-11) -> 4
    # overdue: D06 (03-24) D21 (03-15) -> 2
    assert (
        quiet_days["carried_over"],
        quiet_days["pending"],
        quiet_days["pending_within_due"],
        quiet_days["pending_overdue"],
    ) == (6, 6, 4, 2)
    assert quiet_days["on_time_rate_766"] == pytest.approx(4 / 6)


def test_period_without_dossiers_is_one_row_of_zeros(wh):
    rows = kpi_rows(wh, "2020-01-01", "2020-01-31")
    assert len(rows) == 1
    row = rows[0]
    assert {name: row[name] for name in COUNTS} == dict.fromkeys(COUNTS, 0)
    assert {name: row[name] for name in RATES} == dict.fromkeys(RATES, None)


# --- unit and level filters -------------------------------------------------------------

# Cù Vân (XCV) in March:
# received D01 D02 D03 D09 D16 -> 5; online D01 D02 D16 -> 3; direct D03 D09 -> 2
# carried over D20 -> 1; resolved D01 D02 D03 D09 D16 D20 -> 6
# early D01 D09 D16 -> 3; on time D02 -> 1; late D03 D20 -> 2; pending none; refused D24 -> 1
CU_VAN = {
    "received": 5,
    "received_online": 3,
    "received_direct": 2,
    "received_postal": 0,
    "carried_over": 1,
    "resolved": 6,
    "resolved_early": 3,
    "resolved_on_time": 1,
    "resolved_late": 2,
    "pending": 0,
    "pending_within_due": 0,
    "pending_overdue": 0,
    "refused": 1,
}


@pytest.mark.parametrize("unit", ["Cù Vân", "05809"])
def test_unit_restricts_to_the_commune(wh, unit):
    row = kpi_one(wh, *MARCH, unit=unit)
    assert {name: row[name] for name in COUNTS} == CU_VAN


def test_unit_rates_for_the_commune(wh):
    row = kpi_one(wh, *MARCH, unit="Cù Vân")
    assert row["online_rate"] == pytest.approx(3 / 5)  # D01 D02 D16 of 5
    assert row["on_time_rate"] == pytest.approx(4 / 6)  # D01 D09 D16 D02 of 6
    assert row["e_result_rate"] == pytest.approx(4 / 6)  # D01 D03 D16 D20 of D01 D02 D03 D09 D16 D20
    assert row["digitised_rate"] == pytest.approx(3 / 5)  # D01 D02 D16 of 5


def test_unit_rate_that_is_really_zero_is_zero_not_null(wh):
    # fee procedures received at Cù Vân: D03 (P2), not paid online -> 0 / 1
    assert kpi_one(wh, *MARCH, unit="Cù Vân")["online_payment_rate"] == pytest.approx(0 / 1)


def test_commune_level_of_a_district(wh):
    row = kpi_one(wh, *MARCH, unit="Đại Từ", level="commune")
    # XCV: D01 D02 D03 D09 D16; XMY: D04 D05 D12 D26 -> 9
    assert row["received"] == 9
    # online D01 D02 D16 D04 D12 D26 -> 6 / 9
    assert row["online_rate"] == pytest.approx(6 / 9)
    # resolved: D01 D02 D03 D09 D16 D20 D04 D05 D26 -> 9; early D01 D09 D16, on time D02 D05 -> 5 / 9
    assert row["on_time_rate"] == pytest.approx(5 / 9)
    # refused: D14 (XMY), D24 (XCV) -> 2
    assert row["refused"] == 2


def test_district_level_of_a_district(wh):
    row = kpi_one(wh, *MARCH, unit="Đại Từ", level="district")
    # HDT: received D06 D07 D08 D18 -> 4; carried over D21 -> 1; resolved D18 -> 1;
    # pending D06 D07 D08 D21 -> 4
    assert (row["received"], row["carried_over"], row["resolved"], row["pending"]) == (4, 1, 1, 4)


def test_district_without_level_covers_district_and_communes(wh):
    # HDT 4 + XCV 5 + XMY 4 -> 13 (every March dossier but STP's D10 D11 D19)
    assert kpi_one(wh, *MARCH, unit="Đại Từ")["received"] == 13


def test_field_filter(wh):
    # Hộ tịch (P1, P2) received in March: D01 D02 D03 D04 D09 D12 D16 -> 7
    assert kpi_one(wh, *MARCH, field="Hộ tịch")["received"] == 7


# --- channel and procedure filters --------------------------------------------------------
# Online (channel 2) in March: received D01 D02 D04 D07 D08 D11 D12 D16 D26; refused D24;
# carried over D20 (received 02-20, open on 03-01).
# Resolved: D01 D16 early; D02 on time; D04 D20 D26 late. Pending at 03-31: D07 D08 D12
# within due, D11 overdue (due 03-30). Check: 1 + 9 - 6 = 4 pending.
ONLINE_MARCH = {
    "received": 9,
    "received_online": 9,
    "received_direct": 0,
    "received_postal": 0,
    "refused": 1,
    "carried_over": 1,
    "resolved": 6,
    "resolved_early": 2,
    "resolved_on_time": 1,
    "resolved_late": 3,
    "pending": 4,
    "pending_within_due": 3,
    "pending_overdue": 1,
}


def test_channel_filter_from_the_rollups(wh):
    row = kpi_one(wh, *MARCH, channel="online")
    assert {k: row[k] for k in ONLINE_MARCH} == ONLINE_MARCH
    assert row["on_time_rate"] == pytest.approx(3 / 6)


def test_channel_filter_from_the_dossiers_gives_the_same_figures(wh):
    # grouping by procedure re-derives the rollups from the dossiers; the groups add up
    rows = kpi_rows(wh, *MARCH, channel="online", by="procedure")
    summed = {k: sum(r[k] for r in rows) for k in ONLINE_MARCH}
    assert summed == ONLINE_MARCH


def test_channel_and_procedure(wh):
    # Online and P1 (1.001193): received D01 D02 D12 D16; refused D24; carried over D20;
    # resolved D01 D16 early, D02 on time, D20 late; pending D12 (within due)
    row = kpi_one(wh, *MARCH, channel="online", procedure="1.001193")
    assert {k: row[k] for k in ONLINE_MARCH} == {
        "received": 4,
        "received_online": 4,
        "received_direct": 0,
        "received_postal": 0,
        "refused": 1,
        "carried_over": 1,
        "resolved": 4,
        "resolved_early": 2,
        "resolved_on_time": 1,
        "resolved_late": 1,
        "pending": 1,
        "pending_within_due": 1,
        "pending_overdue": 0,
    }


def test_channel_by_area_splits_the_same_total(wh):
    rows = kpi_rows(wh, *MARCH, channel="online", by="area")
    assert sum(r["received"] for r in rows) == 9
    assert sum(r["pending_overdue"] for r in rows) == 1


# --- groupings --------------------------------------------------------------------------


def test_by_unit(wh):
    rows = kpi_rows(wh, *MARCH, by="unit")
    assert {row["unit_code"]: row["received"] for row in rows} == {
        "19": 3,  # STP: D10 D11 D19
        "171": 4,  # HDT: D06 D07 D08 D18
        "05809": 5,  # XCV: D01 D02 D03 D09 D16
        "05836": 4,  # XMY: D04 D05 D12 D26
    }


def test_by_field(wh):
    rows = kpi_rows(wh, *MARCH, by="field")
    assert {row["field_code"]: row["received"] for row in rows} == {
        "HOTICH": 7,  # D01 D02 D03 D04 D09 D12 D16
        "CHUNGTHUC": 4,  # D05 D10 D11 D19
        "DATDAI": 5,  # D06 D07 D08 D18 D26
    }


def test_by_level(wh):
    rows = kpi_rows(wh, *MARCH, by="level")
    assert {row["level"]: row["received"] for row in rows} == {
        "province": 3,  # STP: D10 D11 D19
        "district": 4,  # HDT: D06 D07 D08 D18
        "commune": 9,  # XCV + XMY: D01 D02 D03 D09 D16 D04 D05 D12 D26
    }


@pytest.fixture(scope="module")
def by_month(wh: WarehousePaths) -> list[dict]:
    return kpi_rows(wh, "2023-02-01", "2023-03-31", by="month")


def test_by_month_gives_one_row_per_month(by_month):
    assert [(str(r["period_start"]), str(r["period_end"])) for r in by_month] == [
        ("2023-02-01", "2023-02-28"),
        ("2023-03-01", "2023-03-31"),
    ]


def test_by_month_february(by_month):
    feb = by_month[0]
    # received in February: D20 D21 D22 D23 -> 4 (not D16, 03-01 local)
    # carried over into February: D25 -> 1; resolved: D22 D25 -> 2
    # pending at 02-28: D20 D21 D23 -> 3; within due D21 (03-15) D23 (03-02) -> 2; overdue D20 (02-24) -> 1
    # refused: D15 -> 1
    assert {
        name: feb[name]
        for name in (
            "received",
            "carried_over",
            "resolved",
            "pending",
            "pending_within_due",
            "pending_overdue",
            "refused",
        )
    } == {
        "received": 4,
        "carried_over": 1,
        "resolved": 2,
        "pending": 3,
        "pending_within_due": 2,
        "pending_overdue": 1,
        "refused": 1,
    }


def test_by_month_march(by_month):
    # the same March as the whole-period tests: received 16, carried over 3 (D20 D21 D23),
    # resolved 12, pending 7, refused 2 (D14 D24)
    mar = by_month[1]
    assert {name: mar[name] for name in ("received", "carried_over", "resolved", "pending", "refused")} == {
        "received": 16,
        "carried_over": 3,
        "resolved": 12,
        "pending": 7,
        "refused": 2,
    }


def test_by_month_carried_over_is_the_previous_months_pending(by_month):
    # March carried over (D20 D21 D23) = February pending at 02-28 (D20 D21 D23) = 3
    assert (by_month[0]["pending"], by_month[1]["carried_over"]) == (3, 3)
