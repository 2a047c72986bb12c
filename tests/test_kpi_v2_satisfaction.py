"""Dossier v2 flags, ratings, satisfaction and feedback (DESIGN §4 v2), on a hand-built fixture.

Every expected value is worked out by hand from DESIGN §4 and the rows below, never copied
from program output; the comment next to it names the rows that count. Until ingest knows
the v2 kinds, the rows go straight into the raw tables (sql/raw/tables.sql), each batch as
a file of its kind in `ingest_files`, then a publish, as a load would do.

Agencies and procedures: tests/fixtures/kpi (XCV = H56.DAITU.CUVAN, commune; STP = H56.STP,
province). P1 = 1.001193 Hộ tịch (HOTICH), P3 = 2.000815 Chứng thực (CHUNGTHUC).
Main period: April 2026. Working days of April-May 2026 (national calendar): 27/4 off
(Hùng Kings, observed for Sunday 26/4), 30/4 and 1/5 off, weekends off.

dossier agency proc recv  due   finished reuse store vneid rating (latest)   in April
A1      XCV    P1   04-01 04-03 04-02    1     1     0     3                 resolved early, unsatisfied
A2      XCV    P1   04-02 04-06 04-08    0     0     1     3                 resolved late and unsatisfied (once)
A3      XCV    P1   04-03 04-10 04-09    1     0     0     3 at 04-10, then 1 at 04-11 -> 1
A4      XCV    P1   04-06 04-20 -        -     -     -     -                 pending overdue; named by F? none
A5      STP    P3   04-07 05-15 -        -     -     1     -                 pending within due, named by F2
A6      STP    P3   04-08 04-20 04-20    0     0     -     2                 resolved on time
A7      XCV    P1   03-20 04-15 04-14    -     -     -     2                 resolved early; named by F3 (status 4)
A8      XCV    P1   03-25 05-10 -        -     -     -     -                 pending within due; named by F4 (March)
A9      XCV    P1   04-09 04-15 04-14    0     0     0     3                 early; its rating loaded before it
(`-` flag: the file lacked the column, NULL. A rating of ZZZ, a dossier never loaded, counts nowhere.)

PAKN  agency  recv        handled     status dossier likes/dislikes again  deadline (15 working days)
F1    XCV     04-20 Mon   -           2      -                      0      05-14
F2    STP     04-15 Wed   04-28       5      A5      1/3            0      05-11
F3    XCV     04-20       -           4      A7                     0      (status 4: counts nowhere)
F4    XCV     03-28 Sat   04-02       5      A8                     0      (March)
F5    XCV     04-09 Thu   05-05       5      A2                     1      05-05
F6    XCV     04-01 Wed   04-29       6      -                      0      04-22
F7    XCV     04-02 Thu   -           1      -                      0      04-23
F8    NOWHERE 04-10       -           1      -                      0      (unknown agency: counts nowhere)
F9    XCV     04-13 Mon   04-20       5      ZZZ     5/2            0      05-07
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import FIXTURES, kpi_one, kpi_rows, load

from warehouse.calendar import load_calendar
from warehouse.lists import open_feedback
from warehouse.marts import refresh_marts
from warehouse.paths import WarehousePaths
from warehouse.publish import publish
from warehouse.query import KpiFilter, kpi
from warehouse.snapshot import open_snapshot
from warehouse.writer import open_writer

APRIL = ("2026-04-01", "2026-04-30")
XCV, STP, P1, P3 = "H56.DAITU.CUVAN", "H56.STP", "1.001193", "2.000815"


def _day(text: str | None, hour: int = 8) -> datetime | None:
    return datetime.fromisoformat(f"2026-{text}").replace(hour=hour) if text else None


# MaHoSo, MaDonVi, MaTTHC, received, due, finished, reuse, store, vneid (None: column absent)
DOSSIERS = [
    ("A1", XCV, P1, "04-01", "04-03", "04-02", 1, 1, 0),
    ("A2", XCV, P1, "04-02", "04-06", "04-08", 0, 0, 1),
    ("A3", XCV, P1, "04-03", "04-10", "04-09", 1, 0, 0),
    ("A4", XCV, P1, "04-06", "04-20", None, None, None, None),
    ("A5", STP, P3, "04-07", "05-15", None, None, None, 1),
    ("A6", STP, P3, "04-08", "04-20", "04-20", 0, 0, None),
    ("A7", XCV, P1, "03-20", "04-15", "04-14", None, None, None),
    ("A8", XCV, P1, "03-25", "05-10", None, None, None, None),
]
A9 = [("A9", XCV, P1, "04-09", "04-15", "04-14", 0, 0, 0)]
# MaHoSo, ThoiGianDanhGia, MucDoHaiLong
RATINGS_FIRST = [
    ("A1", "04-03", 3),
    ("A2", "04-09", 3),
    ("A3", "04-10", 3),
    ("A6", "04-21", 2),
    ("A7", "04-15", 2),
    ("A9", "04-15", 3),  # before A9 is loaded
    ("ZZZ", "04-15", 3),  # a dossier never loaded
]
RATINGS_AGAIN = [("A3", "04-11", 1)]
# MaPAKN, MaDonVi, received, handled, status, MaHoSo, likes, dislikes, raised again
FEEDBACK = [
    ("F1", XCV, "04-20", None, 2, None, None, None, 0),
    ("F2", STP, "04-15", "04-28", 5, "A5", 1, 3, 0),
    ("F3", XCV, "04-20", None, 4, "A7", None, None, 0),
    ("F4", XCV, "03-28", "04-02", 5, "A8", None, None, 0),
    ("F5", XCV, "04-09", "05-05", 5, "A2", None, None, 1),
    ("F6", XCV, "04-01", "04-29", 6, None, None, None, 0),
    ("F7", XCV, "04-02", None, 1, None, None, None, 0),
    ("F8", "H56.NOWHERE", "04-10", None, 1, None, None, None, 0),
    ("F9", XCV, "04-13", "04-20", 5, "ZZZ", 5, 2, 0),
]


def _new_file(con: duckdb.DuckDBPyConnection, kind: str, rows: int) -> int:
    file_id = con.execute("select nextval('ingest_file_seq')").fetchone()[0]
    con.execute(
        "insert into ingest_files values (?, 'file', ?, ?, ?, null, now()::timestamp, ?, 0, null)",
        [file_id, f"{kind}-{file_id}.csv", f"sha-{file_id}", kind, rows],
    )
    return file_id


def add_dossiers(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    file_id = _new_file(con, "dossiers", len(rows))
    for line, (code, agency, procedure, received, due, finished, reuse, store, vneid) in enumerate(rows, start=2):
        con.execute(
            """
            insert into raw_dossiers (MaHoSo, MaTTHC, MaDonVi, KenhThucHien, TrangThaiHoSo, NgayTiepNhan, NgayHenTra,
                NgayKetThucXuLy, SoLanBoSung, CoTaiSuDungDuLieuSoHoa, DuocLayTuKhoDMQG, TaiKhoanDuocXacThucVoiVNeID,
                _file_id, _line)
            values (?, ?, ?, 2, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)
            """,
            [
                code,
                procedure,
                agency,
                9 if finished else 4,
                _day(received),
                _day(due, 17),
                _day(finished, 10),
                reuse,
                store,
                vneid,
                file_id,
                line,
            ],
        )


def add_ratings(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    file_id = _new_file(con, "ratings", len(rows))
    for line, (code, rated, level) in enumerate(rows, start=2):
        con.execute(
            "insert into raw_ratings (MaHoSo, ThoiGianDanhGia, MucDoHaiLong, KenhDanhGia, _file_id, _line) "
            "values (?, ?, ?, 1, ?, ?)",
            [code, _day(rated, 9), level, file_id, line],
        )


def add_feedback(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    file_id = _new_file(con, "feedback", len(rows))
    for line, (code, agency, received, handled, status, dossier, likes, dislikes, again) in enumerate(rows, start=2):
        con.execute(
            """
            insert into raw_feedback (MaPAKN, MaDonVi, NgayTiepNhan, NgayXuLyXong, TrangThaiPAKN, PhanLoai, MaHoSo,
                SoThich, SoKhongThich, PhanAnhLai, _file_id, _line)
            values (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
            """,
            [code, agency, _day(received), _day(handled, 15), status, dossier, likes, dislikes, again, file_id, line],
        )


def _publish(warehouse: WarehousePaths, *steps) -> str:
    with open_writer(warehouse) as con:
        for add, rows in steps:
            add(con, rows)
        return publish(con, warehouse).refresh.mode


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The fixture loaded in four publishes; what `kpi` said for April after each."""
    warehouse = WarehousePaths(tmp_path_factory.mktemp("kpi_v2") / "warehouse.duckdb")
    kpi_dir = FIXTURES / "kpi"
    assert load(warehouse, kpi_dir / "agencies.csv", kpi_dir / "procedures.csv").all_read
    steps = {
        "first": _publish(warehouse, (add_dossiers, DOSSIERS), (add_ratings, RATINGS_FIRST)),
        "re_rated": _publish(warehouse, (add_ratings, RATINGS_AGAIN)),
        "feedback": _publish(warehouse, (add_feedback, FEEDBACK)),
        "a9": _publish(warehouse, (add_dossiers, A9)),
    }
    return {"warehouse": warehouse, "modes": steps}


@pytest.fixture(scope="module")
def wh(story: dict) -> WarehousePaths:
    return story["warehouse"]


@pytest.fixture(scope="module")
def april(wh: WarehousePaths) -> dict:
    return kpi_one(wh, *APRIL)


# --- the v2 dossier flags (received in April: A1 A2 A3 A4 A5 A6 A9) ----------------------


def test_reuse_rate_leaves_out_dossiers_whose_file_lacked_the_column(april):
    # known: A1 A2 A3 A6 A9 (A4 A5 NULL) -> 5; re-used: A1 A3 -> 2
    assert april["reuse_rate"] == pytest.approx(2 / 5)


def test_personal_store_rate(april):
    # known: A1 A2 A3 A6 A9 -> 5; from the store: A1 -> 1
    assert april["personal_store_rate"] == pytest.approx(1 / 5)


def test_citizen_data_rate_is_known_when_its_or_is(april):
    # VNeID or store: A1 (store 1) yes, A2 (VNeID 1) yes, A5 (VNeID 1, store NULL) yes,
    # A3 and A9 (0, 0) no; A4 (NULL, NULL) and A6 (store 0, VNeID NULL) unknown -> 3 / 5
    assert april["citizen_data_rate"] == pytest.approx(3 / 5)


def test_v2_flag_rates_are_null_when_no_file_had_the_columns(wh):
    # March: received A7 A8, both from a file without the columns
    march = kpi_one(wh, "2026-03-01", "2026-03-31")
    assert march["received"] == 2
    assert (march["reuse_rate"], march["personal_store_rate"], march["citizen_data_rate"]) == (None, None, None)


# --- ratings (resolved in April: A1 A2 A3 A6 A7 A9) ----------------------------------------


def test_rated_counts_resolved_dossiers_with_a_rating(april):
    # A1 A2 A3 A6 A7 A9; not ZZZ (never loaded), not A4 A5 A8 (pending)
    assert april["rated"] == 6


def test_a_re_rated_dossier_keeps_its_latest_rating(april):
    # A3: 3 at 04-10, then 1 at 04-11 -> satisfied; unsatisfied: A1 A2 A9 -> 3
    assert april["rated_unsatisfied"] == 3


def test_satisfaction_rate(april):
    # 1 - 3 / 6
    assert april["satisfaction_rate"] == pytest.approx(0.5)


# --- dossier satisfaction, 766 item 5.4 -------------------------------------------------


def test_dossier_satisfaction_counts_each_unhappy_dossier_once(april):
    # resolved 6 (A1 A2 A3 A6 A7 A9) + pending 3 (A4 A5 A8) = 9
    # unhappy: A2 (late, also rated 3 and named by F5: once), A4 (overdue), A1 and A9 (rated 3),
    # A5 (named by F2, received 04-15); not A7 (named only by F3, status 4), not A8 (F4 is March)
    assert (april["resolved"], april["pending"]) == (6, 3)
    assert april["dossier_satisfaction_rate"] == pytest.approx((9 - 5) / 9)


def test_dossier_satisfaction_by_month_reads_each_month_s_pakn(wh):
    # March: pending at 03-31 A7 (due 04-15) and A8 (due 05-10), both within due;
    # A8 is named by F4, received 03-28 -> (2 - 1) / 2. April as above.
    march, april = kpi_rows(wh, "2026-03-01", "2026-04-30", by="month")
    assert march["dossier_satisfaction_rate"] == pytest.approx(1 / 2)
    assert april["dossier_satisfaction_rate"] == pytest.approx(4 / 9)


def test_dossier_satisfaction_with_a_procedure_filter(wh):
    # P1 only (XCV's dossiers): resolved A1 A2 A3 A7 A9 + pending A4 A8 = 7;
    # unhappy A2 (late), A4 (overdue), A1 A9 (rated 3) -> (7 - 4) / 7; a PAKN has no procedure
    row = kpi_one(wh, *APRIL, procedure=P1)
    assert row["dossier_satisfaction_rate"] == pytest.approx(3 / 7)
    assert (row["feedback"], row["feedback_on_time_rate"]) == (None, None)


def test_dossier_satisfaction_by_level(wh):
    # commune (XCV): resolved A1 A2 A3 A7 A9 + pending A4 A8 = 7, unhappy A1 A2 A4 A9 -> 3 / 7
    # province (STP): resolved A6 + pending A5 = 2, unhappy A5 (named by F2) -> 1 / 2
    rows = {r["level"]: r for r in kpi_rows(wh, *APRIL, by="level")}
    assert rows["commune"]["dossier_satisfaction_rate"] == pytest.approx(3 / 7)
    assert rows["province"]["dossier_satisfaction_rate"] == pytest.approx(1 / 2)


def test_dossier_satisfaction_on_today_s_units(wh):
    # the whole province on today's units: the same dossiers and PAKN as recorded
    row = kpi_one(wh, *APRIL, units="current")
    assert row["dossier_satisfaction_rate"] == pytest.approx(4 / 9)
    assert row["feedback"] == 6


# --- feedback (PAKN), 766 items 5.2 and 5.3 ---------------------------------------------


def test_feedback_leaves_out_status_4_unknown_agencies_and_other_months(april):
    # F1 F2 F5 F6 F7 F9; not F3 (status 4), F4 (March), F8 (unknown agency)
    assert april["feedback"] == 6


def test_feedback_on_time_and_overdue(april):
    # on time: F1 (open, deadline 05-14 >= 04-30), F2 (04-28 <= 05-11), F5 (open at 04-30,
    # deadline 05-05), F9 (04-20 <= 05-07); overdue: F6 (handled 04-29 > 04-22), F7 (open, 04-23 < 04-30)
    assert (april["feedback_on_time"], april["feedback_overdue"]) == (4, 2)
    assert april["feedback_on_time_rate"] == pytest.approx(4 / 6)


def test_feedback_satisfied_rate(april):
    # 6 minus F2 (3 dislikes > 1 like), F5 (raised again), F6 F7 (overdue) -> F1 F9 = 2
    assert april["feedback_satisfied_rate"] == pytest.approx(2 / 6)


def test_a_pakn_takes_the_field_of_the_dossier_it_names(wh):
    # F2 names A5 (Chứng thực), F5 names A2 (Hộ tịch); F1 F6 F7 name none and F9 an unknown
    # dossier: the unknown field
    rows = {r["field_code"]: r["feedback"] for r in kpi_rows(wh, *APRIL, by="field")}
    assert rows == {"CHUNGTHUC": 1, "HOTICH": 1, None: 4}
    assert kpi_one(wh, *APRIL, field="CHUNGTHUC")["feedback"] == 1


def test_feedback_by_level_is_by_the_handling_agency(wh):
    rows = {r["level"]: r["feedback"] for r in kpi_rows(wh, *APRIL, by="level")}
    # commune (XCV): F1 F5 F6 F7 F9; province (STP): F2
    assert rows == {"commune": 5, "province": 1}


def test_pakn_deadline_counts_15_working_days_across_the_hung_kings_holiday(wh):
    # F1 received Monday 20/4/2026. Working days after it: 21, 22, 23, 24 (1-4); 25-26
    # weekend; 27 off (Hùng Kings, observed); 28, 29 (5-6); 30/4 and 1/5 off; 2-3 weekend;
    # 4, 5, 6, 7, 8 May (7-11); 9-10 weekend; 11, 12, 13, 14 May (12-15) -> 14/5/2026
    with open_snapshot(wh) as (con, _info):
        deadline = con.execute("select deadline from fct_feedback where feedback_code = 'F1'").fetchone()[0]
    assert deadline == date(2026, 5, 14)
    assert load_calendar().nth_working_day_after(date(2026, 4, 20), 15) == deadline


def test_no_feedback_ever_loaded_gives_zero_counts_and_null_rates(wh):
    # 2025 is before every PAKN of the fixture: counts 0, rates null
    row = kpi_one(wh, "2025-01-01", "2025-12-31")
    assert (row["feedback"], row["feedback_on_time"], row["feedback_overdue"]) == (0, 0, 0)
    assert (row["feedback_on_time_rate"], row["feedback_satisfied_rate"]) == (None, None)
    assert (row["satisfaction_rate"], row["dossier_satisfaction_rate"]) == (None, None)


def test_open_feedback_lists_open_and_late_pakn_in_working_days(wh):
    with open_snapshot(wh) as (con, _info):
        frame = open_feedback(con, KpiFilter(date(2026, 4, 1), date(2026, 4, 30)))
    rows = {r["feedback_code"]: (r["state"], r["days_left"], r["days_late"]) for r in frame.to_dicts()}
    assert rows == {
        # F6 handled 29/4, deadline 22/4: 23, 24, 28, 29 (27 off) -> 4 late
        "F6": ("handled_late", None, 4),
        # F7 open, deadline 23/4: 24, 28, 29 (27 and 30 off) -> 3 late
        "F7": ("open_overdue", None, 3),
        # F5 open at 30/4, deadline 5/5: 4, 5 May (1/5 off) -> 2 left
        "F5": ("open", 2, None),
        # F1 open, deadline 14/5: 4-8 May and 11-14 May -> 9 left
        "F1": ("open", 9, None),
    }
    assert "agency_code" in frame.columns and not {"MaPAKN", "content"} & set(frame.columns)


# --- incremental refresh ----------------------------------------------------------------


def test_each_publish_after_the_first_refreshed_incrementally(story):
    assert story["modes"] == {
        "first": "full",
        "re_rated": "incremental",
        "feedback": "incremental",
        "a9": "incremental",
    }


def test_a_rating_loaded_before_its_dossier_counts_once_the_dossier_arrives(tmp_path: Path):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    kpi_dir = FIXTURES / "kpi"
    assert load(warehouse, kpi_dir / "agencies.csv", kpi_dir / "procedures.csv").all_read
    _publish(warehouse, (add_dossiers, DOSSIERS), (add_ratings, RATINGS_FIRST + RATINGS_AGAIN))
    # A1 A2 A3 A6 A7 rated; A9's rating waits for its dossier
    assert kpi_one(warehouse, *APRIL)["rated"] == 5
    assert _publish(warehouse, (add_dossiers, A9)) == "incremental"
    after = kpi_one(warehouse, *APRIL)
    assert (after["rated"], after["rated_unsatisfied"]) == (6, 3)


def test_incremental_and_full_builds_give_the_same_numbers(wh):
    tables = ("fct_dossiers", "kpi_daily", "kpi_monthly", "fct_feedback", "fct_unhappy_dossiers")
    spec = KpiFilter(date(2026, 3, 1), date(2026, 4, 30), by="month")
    with open_snapshot(wh) as (con, _info):
        figures = kpi(con, spec)
    with open_writer(wh) as con:
        before = {t: con.sql(f"select * from {t} order by all").pl() for t in tables}
        assert refresh_marts(con, force_full=True).mode == "full"
        after = {t: con.sql(f"select * from {t} order by all").pl() for t in tables}
        publish(con, wh)
    for table in tables:
        assert before[table].equals(after[table]), table
    with open_snapshot(wh) as (con, _info):
        assert kpi(con, spec).equals(figures)
    assert isinstance(figures, pl.DataFrame)
