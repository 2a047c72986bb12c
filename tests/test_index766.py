"""The Decision 766 index (DESIGN §10): the configured rules applied to `kpi` rows.

The rules are tested on `kpi` rows built by hand (a frame per test, scored by the same
`warehouse.index766.score` the CLI runs), so the v2 rates that other branches add
(online_service_rate, reuse_rate, feedback_on_time_rate, ...) are exercised before they
exist in the warehouse. Every expected value is worked out by hand from the §10 table:

    2.1  20 × r; 0 without dossiers          3.1  2 × min(1, r / 0.8)
    3.2  4 × r                               3.3  6 × min(1, r / 0.5)
    3.4  6 × r                               3.5  min(2, 2.5 × r)
    4.1  6 × r     4.2  4 × r                4.3  min(2, 2 × r / 0.8) = 2 × min(1, r / 0.8)
    4.4  4 × r     4.5  2 × r
    5.2, 5.3  6 × r; 6 without PAKN in the period once the warehouse has PAKN at all
    5.4  min(6, 6 × r / 0.9) = 6 × min(1, r / 0.9); 0 without dossiers
    national only: 1.1 (6) 1.2 (4) 1.3 (2) 1.4 (6) 3.6 (2) 4.6 (2) 4.7 (2)

End to end (the v1 indicators that work today: 2.1, 3.3, 3.4, 4.1, 4.2) on
tests/fixtures/kpi, whose March 2023 counts tests/test_kpi_exact.py works out by hand.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import FIXTURES, kpi_rows, load, run_module

from warehouse.__main__ import main
from warehouse.index766 import (
    COLUMNS,
    IndexRulesError,
    IndexSpec,
    has_feedback,
    load_rules,
    points_lost,
    reconciliation,
    score,
    scorecard,
)
from warehouse.paths import WarehousePaths
from warehouse.publish import publish
from warehouse.snapshot import open_snapshot
from warehouse.writer import open_writer

MARCH = (date(2023, 3, 1), date(2023, 3, 31))
RULES = load_rules()
NATIONAL = ("1.1", "1.2", "1.3", "1.4", "3.6", "4.6", "4.7")
GROUPS = ("CKMB", "TDGQ", "DVCTT", "TTTT", "MDSH", "MDHL")


# --- helpers: hand-made kpi rows, scored ------------------------------------------------


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def with_feedback_data(con: duckdb.DuckDBPyConnection) -> None:
    """The warehouse has held a PAKN (what the snapshot's mart says)."""
    con.execute("create table index766_data_present as select true as has_feedback")


def with_published(con: duckdb.DuckDBPyConnection, *rows: tuple) -> None:
    """Published figures as the snapshot's mart holds them:
    (agency_code, unit_code, indicator, numerator, denominator, points) for March."""
    con.execute(
        "create table fct_published_index (agency_code varchar, unit_code varchar, period_start date,"
        " period_end date, indicator varchar, numerator double, denominator double, points double)"
    )
    for agency, unit, indicator, numerator, denominator, points in rows:
        con.execute(
            "insert into fct_published_index values (?, ?, ?, ?, ?, ?, ?, ?)",
            [agency, unit, *MARCH, indicator, numerator, denominator, points],
        )


def scored(con, *units: dict, rules=RULES, rank=False) -> dict[tuple[str, str], dict]:
    """Rows by (unit_code, indicator); each unit is a `kpi` row's measures by name (a
    unit's dossiers are resolved + pending: given as 1 + 0 unless the test says)."""
    frame = pl.DataFrame([{"resolved": 1, "pending": 0, **unit} for unit in units])
    result = score(con, frame, rules, *MARCH, rank=rank)
    return {(row["unit_code"], row["indicator"]): row for row in result.to_dicts()}


def points(con, indicator: str, **measures) -> float | None:
    return scored(con, {"unit_code": "X", **measures})[("X", indicator)]["points"]


# --- each formula and threshold, on both sides --------------------------------------------


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (0.8, 2.0),  # 2 × min(1, 0.8 / 0.8) = 2
        (0.79, 2 * 0.79 / 0.8),  # 1.975
        (0.81, 2.0),  # 2 × min(1, 1.0125) = 2
    ],
)
def test_3_1_online_services_reach_full_points_at_80_percent(con, rate, expected):
    assert points(con, "3.1", online_service_rate=rate) == pytest.approx(expected)


@pytest.mark.parametrize(("rate", "expected"), [(0.5, 6.0), (0.49, 6 * 0.49 / 0.5), (0.51, 6.0), (0.0, 0.0)])
def test_3_3_online_filing_reaches_full_points_at_50_percent(con, rate, expected):
    # 6 × min(1, r / 0.5): 0.49 -> 5.88; a real 0 is 0 points, not unavailable
    assert points(con, "3.3", online_rate=rate) == pytest.approx(expected)


@pytest.mark.parametrize(("rate", "expected"), [(0.8, 2.0), (0.7, 2 * 0.7 / 0.8), (0.9, 2.0)])
def test_4_3_reuse_reaches_full_points_at_80_percent(con, rate, expected):
    # min(2, 2 × r / 0.8): 0.7 -> 1.75
    assert points(con, "4.3", reuse_rate=rate) == pytest.approx(expected)


@pytest.mark.parametrize(("rate", "expected"), [(0.9, 6.0), (0.81, 6 * 0.81 / 0.9), (0.95, 6.0)])
def test_5_4_dossier_satisfaction_reaches_full_points_at_90_percent(con, rate, expected):
    # min(6, 6 × r / 0.9): 0.81 -> 5.4
    assert points(con, "5.4", dossier_satisfaction_rate=rate) == pytest.approx(expected)


@pytest.mark.parametrize(("rate", "expected"), [(0.4, 1.0), (0.8, 2.0), (0.9, 2.0), (1.0, 2.0)])
def test_3_5_fee_procedures_paid_is_capped_at_2(con, rate, expected):
    # min(2, 2.5 × r): 0.4 -> 1.0; 0.8 -> exactly the cap; 0.9 -> 2.25 capped to 2
    assert points(con, "3.5", fee_procedures_paid_rate=rate) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("indicator", "measure", "rate", "expected"),
    [
        ("2.1", "on_time_rate_766", 12 / 19, 20 * 12 / 19),
        ("3.2", "online_service_use_rate", 0.25, 1.0),  # 4 × 0.25
        ("3.4", "online_payment_rate", 0.5, 3.0),  # 6 × 0.5
        ("4.1", "e_result_rate", 0.625, 3.75),  # 6 × 5/8
        ("4.2", "digitised_rate", 7 / 16, 1.75),  # 4 × 7/16
        ("4.4", "personal_store_rate", 0.3, 1.2),  # 4 × 0.3
        ("4.5", "citizen_data_rate", 0.5, 1.0),  # 2 × 0.5
        ("5.2", "feedback_on_time_rate", 0.5, 3.0),  # 6 × 0.5 (PAKN in the period: the rate counts)
        ("5.3", "feedback_satisfied_rate", 0.75, 4.5),  # 6 × 0.75
    ],
)
def test_linear_indicators(con, indicator, measure, rate, expected):
    extra = {"feedback": 4} if indicator.startswith("5.") else {}
    row = scored(con, {"unit_code": "X", measure: rate, **extra})[("X", indicator)]
    assert (row["points"], row["source"], row["rate"]) == (pytest.approx(expected), "computed", rate)


def test_numerator_and_denominator_are_the_registry_parts_of_the_rate(con):
    # on_time_rate_766 = (early 5 + on time 3 + pending within due 4) / (resolved 12 + pending 7)
    row = scored(
        con,
        {
            "unit_code": "X",
            "resolved": 12,
            "pending": 7,
            "resolved_early": 5,
            "resolved_on_time": 3,
            "pending_within_due": 4,
            "on_time_rate_766": 12 / 19,
        },
    )[("X", "2.1")]
    assert (row["numerator"], row["denominator"]) == (12, 19)


# --- stated cases, and what is unavailable -----------------------------------------------


def test_no_dossiers_gives_0_for_2_1_and_5_4(con):
    # resolved 0 + pending 0: on_time_rate_766 and dossier_satisfaction_rate are null
    rows = scored(
        con,
        {"unit_code": "X", "resolved": 0, "pending": 0, "on_time_rate_766": None, "dossier_satisfaction_rate": None},
    )
    assert [(rows[("X", i)]["points"], rows[("X", i)]["source"]) for i in ("2.1", "5.4")] == [
        (0.0, "computed"),
        (0.0, "computed"),
    ]


def test_no_dossiers_gives_0_for_5_4_even_before_satisfaction_data_exists(con):
    # no dossier_satisfaction_rate column at all, but no dossiers either: 0 by the stated case
    row = scored(con, {"unit_code": "X", "resolved": 0, "pending": 0})[("X", "5.4")]
    assert (row["points"], row["source"]) == (0.0, "computed")


def test_a_rate_without_denominator_other_than_the_stated_cases_is_unavailable(con):
    # received 0: online_rate null -> 3.3 unavailable: null points, never 0, never full marks
    row = scored(con, {"unit_code": "X", "received": 0, "received_online": 0, "online_rate": None})[("X", "3.3")]
    assert (row["points"], row["source"], row["max_available"]) == (None, "unavailable", 0.0)


def test_a_measure_the_kpi_rows_lack_is_unavailable(con):
    # no reuse_rate column (the v2 flag no file carried, or the branch not merged)
    row = scored(con, {"unit_code": "X", "on_time_rate_766": 1.0})[("X", "4.3")]
    assert (row["points"], row["source"]) == (None, "unavailable")


def test_no_feedback_in_the_period_gives_full_5_2_and_5_3_once_the_warehouse_has_feedback(con):
    with_feedback_data(con)
    # feedback 0 in the period: the rates are null, the stated case gives 6 each
    rows = scored(
        con, {"unit_code": "X", "feedback": 0, "feedback_on_time_rate": None, "feedback_satisfied_rate": None}
    )
    assert [(rows[("X", i)]["points"], rows[("X", i)]["source"]) for i in ("5.2", "5.3")] == [
        (6.0, "computed"),
        (6.0, "computed"),
    ]


def test_no_feedback_when_the_warehouse_never_had_any_is_unavailable(con):
    # no PAKN ever loaded: feedback 0 means nothing; 5.2 and 5.3 unavailable, not 6
    rows = scored(
        con, {"unit_code": "X", "feedback": 0, "feedback_on_time_rate": None, "feedback_satisfied_rate": None}
    )
    assert [(rows[("X", i)]["points"], rows[("X", i)]["source"]) for i in ("5.2", "5.3")] == [
        (None, "unavailable"),
        (None, "unavailable"),
    ]


def test_feedback_data_is_known_from_raw_feedback_in_the_writers_database(con):
    con.execute("create table raw_feedback (MaPAKN varchar)")
    assert has_feedback(con) is False
    con.execute("insert into raw_feedback values ('P1')")
    assert has_feedback(con) is True


def test_national_indicators_are_unavailable_without_a_published_figure(con):
    rows = scored(con, {"unit_code": "X", "on_time_rate_766": 1.0})
    assert {i: (rows[("X", i)]["points"], rows[("X", i)]["source"]) for i in NATIONAL} == dict.fromkeys(
        NATIONAL, (None, "unavailable")
    )


# --- published figures: filling, reconciling ----------------------------------------------


def test_a_published_figure_fills_an_indicator_without_inputs(con):
    # 1.1 national only; 3.1 without online_service_rate: both take the published figure
    with_published(con, (None, "X", "1.1", None, None, 5.5), (None, "X", "3.1", 7, 10, 1.75))
    rows = scored(con, {"unit_code": "X", "on_time_rate_766": 1.0})
    one_one, three_one = rows[("X", "1.1")], rows[("X", "3.1")]
    assert (one_one["points"], one_one["source"], one_one["published_points"]) == (5.5, "published", 5.5)
    # its numerator and denominator are the published ones, and the rate their ratio 7 / 10
    assert (three_one["points"], three_one["numerator"], three_one["denominator"]) == (1.75, 7, 10)
    assert three_one["rate"] == pytest.approx(0.7)


def test_our_figure_stands_beside_the_published_one(con):
    # ours: 20 × 0.5 = 10; published 12 -> difference -2
    with_published(con, (None, "X", "2.1", None, None, 12.0))
    frame = score(
        con, pl.DataFrame([{"unit_code": "X", "resolved": 1, "pending": 0, "on_time_rate_766": 0.5}]), RULES, *MARCH
    )
    row = frame.filter(pl.col("indicator") == "2.1").to_dicts()[0]
    assert (row["points"], row["source"], row["published_points"]) == (10.0, "computed", 12.0)
    assert reconciliation(frame).select("indicator", "difference").to_dicts() == [
        {"indicator": "2.1", "difference": -2.0}
    ]


def test_an_agencys_published_figure_is_matched_by_its_agency_code(con):
    # an agency carries MaDonVi; a figure keyed by the area code 19 is the province's, not its
    with_published(con, ("H56.STP", "19", "1.4", None, None, 6.0), (None, "19", "1.3", None, None, 2.0))
    frame = pl.DataFrame(
        [{"unit_code": "H56.STP", "published_agency": "H56.STP", "resolved": 1, "pending": 0, "on_time_rate_766": 1.0}]
    )
    rows = {r["indicator"]: r for r in score(con, frame, RULES, *MARCH).to_dicts()}
    assert (rows["1.4"]["points"], rows["1.3"]["points"]) == (6.0, None)


# --- groups, total, max_available ----------------------------------------------------------


def test_groups_and_total_add_the_points_that_exist(con):
    with_feedback_data(con)
    with_published(con, (None, "X", "1.1", None, None, 5.0))
    rows = scored(
        con,
        {
            "unit_code": "X",
            "on_time_rate_766": 0.9,  # 2.1: 18
            "online_service_rate": 0.4,  # 3.1: 2 × 0.4 / 0.8 = 1
            "online_rate": 0.25,  # 3.3: 6 × 0.25 / 0.5 = 3   (3.2 unavailable)
            "online_payment_rate": 0.5,  # 3.4: 3   (3.5 unavailable; 3.6 national)
            "e_result_rate": 1.0,  # 4.1: 6
            "digitised_rate": 0.5,  # 4.2: 2   (4.3-4.7 unavailable)
            "feedback": 0,  # 5.2, 5.3: 6 each (no PAKN in the period)
            "dossier_satisfaction_rate": 0.45,  # 5.4: 6 × 0.45 / 0.9 = 3
        },
    )
    summary = {
        g: (rows[("X", g)]["points"], rows[("X", g)]["max_points"], rows[("X", g)]["max_available"])
        for g in (*GROUPS, "total")
    }
    assert summary == {
        "CKMB": (5.0, 18.0, 6.0),  # 1.1 published 5 of 6
        "TDGQ": (18.0, 20.0, 20.0),
        "DVCTT": (pytest.approx(4.0), 12.0, 8.0),  # 3.1 (2) + 3.3 (6)
        "TTTT": (3.0, 10.0, 6.0),  # 3.4 (6)
        "MDSH": (8.0, 22.0, 10.0),  # 4.1 (6) + 4.2 (4)
        "MDHL": (15.0, 18.0, 18.0),
        "total": (pytest.approx(53.0), 100.0, 68.0),  # 5 + 18 + 4 + 3 + 8 + 15; 6 + 20 + 8 + 6 + 10 + 18
    }


def test_a_group_with_nothing_available_has_null_points_and_0_available(con):
    rows = scored(con, {"unit_code": "X", "on_time_rate_766": 1.0})
    assert (rows[("X", "CKMB")]["points"], rows[("X", "CKMB")]["max_available"]) == (None, 0.0)


def test_every_unit_has_its_indicators_groups_and_total_in_order(con):
    rows = list(scored(con, {"unit_code": "X", "on_time_rate_766": 1.0}))
    indicators = [indicator for _, indicator in rows]
    assert indicators == [
        *("1.1", "1.2", "1.3", "1.4", "CKMB", "2.1", "TDGQ", "3.1", "3.2", "3.3", "DVCTT"),
        *("3.4", "3.5", "3.6", "TTTT", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "MDSH"),
        *("5.2", "5.3", "5.4", "MDHL", "total"),
    ]


# --- ranks ---------------------------------------------------------------------------------


def test_units_rank_on_points_over_max_available_and_ties_share_a_rank(con):
    rows = scored(
        con,
        {"unit_code": "A", "on_time_rate_766": 0.5},  # 10 / 20 = 0.5
        {"unit_code": "B", "on_time_rate_766": 0.25, "online_rate": 1.0},  # (5 + 6) / 26 = 0.423
        {"unit_code": "C", "on_time_rate_766": 0.35, "online_rate": 0.6},  # (7 + 6) / 26 = 0.5: ties A
        {"unit_code": "D", "on_time_rate_766": 0.9},  # 18 / 20 = 0.9
        {"unit_code": "E", "resolved": None, "pending": None},  # nothing available: no rank
        rank=True,
    )
    assert {u: rows[(u, "total")]["rank"] for u in "ABCDE"} == {"D": 1, "A": 2, "C": 2, "B": 4, "E": None}


def test_only_total_rows_carry_a_rank(con):
    rows = scored(con, {"unit_code": "A", "on_time_rate_766": 0.5}, rank=True)
    assert {i for (_, i), row in rows.items() if row["rank"] is not None} == {"total"}


def test_without_ranking_no_row_has_a_rank(con):
    rows = scored(con, {"unit_code": "A", "on_time_rate_766": 0.5})
    assert {row["rank"] for row in rows.values()} == {None}


# --- points lost ----------------------------------------------------------------------------


def test_points_lost_orders_indicators_by_max_minus_points(con):
    frame = score(
        con,
        pl.DataFrame(
            [
                {
                    "unit_code": "X",
                    "resolved": 1,
                    "pending": 0,
                    "on_time_rate_766": 0.9,
                    "online_rate": 0.25,
                    "e_result_rate": 0.5,
                }
            ]
        ),
        RULES,
        *MARCH,
    )
    lost = points_lost(frame).filter(pl.col("points_lost").is_not_null())
    # 3.3: 6 - 3 = 3; 4.1: 6 - 3 = 3; 2.1: 20 - 18 = 2 (ties by indicator code)
    assert lost.select("indicator", "points_lost").to_dicts() == [
        {"indicator": "3.3", "points_lost": 3.0},
        {"indicator": "4.1", "points_lost": 3.0},
        {"indicator": "2.1", "points_lost": pytest.approx(2.0)},
    ]
    # the unavailable ones follow, with nothing known to win back
    assert points_lost(frame).height == 21


# --- the rules are configuration ------------------------------------------------------------


def edited_rules(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = (Path(__file__).resolve().parent.parent / "config" / "index766.toml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "index766.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_changed_maximum_changes_the_points(con, tmp_path):
    # 2.1 and TDGQ worth 25: 25 × 0.5 = 12.5 (the shipped file gives 20 × 0.5 = 10)
    path = edited_rules(
        tmp_path,
        ("[groups.TDGQ]\nmax = 20", "[groups.TDGQ]\nmax = 25"),
        ('code = "2.1"\ngroup = "TDGQ"\nmax = 20', 'code = "2.1"\ngroup = "TDGQ"\nmax = 25'),
    )
    rows = scored(con, {"unit_code": "X", "on_time_rate_766": 0.5}, rules=load_rules(path))
    assert (rows[("X", "2.1")]["points"], rows[("X", "2.1")]["max_points"], rows[("X", "total")]["max_points"]) == (
        12.5,
        25.0,
        105.0,
    )


def test_a_changed_threshold_changes_the_points(con, tmp_path):
    # 3.3 with threshold 0.6: 6 × min(1, 0.5 / 0.6) = 5 (the shipped 0.5 gives 6)
    path = edited_rules(tmp_path, ("threshold = 0.5", "threshold = 0.6"))
    rows = scored(con, {"unit_code": "X", "online_rate": 0.5}, rules=load_rules(path))
    assert rows[("X", "3.3")]["points"] == pytest.approx(5.0)


def test_the_rules_file_comes_from_the_environment(tmp_path, monkeypatch):
    path = edited_rules(tmp_path, ("deadline_working_days = 15", "deadline_working_days = 10"))
    monkeypatch.setenv("IOC_INDEX766", str(path))
    assert load_rules().feedback_deadline_working_days == 10


def test_the_shipped_rules_sum_to_100_in_six_groups():
    assert [(g.code, g.max_points) for g in RULES.groups] == [
        ("CKMB", 18),
        ("TDGQ", 20),
        ("DVCTT", 12),
        ("TTTT", 10),
        ("MDSH", 22),
        ("MDHL", 18),
    ]
    assert sum(i.max_points for i in RULES.indicators) == 100
    assert RULES.feedback_deadline_working_days == 15


def test_a_group_maximum_its_indicators_do_not_add_up_to_is_an_error(tmp_path):
    path = edited_rules(tmp_path, ("[groups.TDGQ]\nmax = 20", "[groups.TDGQ]\nmax = 21"))
    with pytest.raises(IndexRulesError, match="group TDGQ has max 21 but its indicators' maxima add up to 20"):
        load_rules(path)


def test_a_misspelt_option_is_an_error_naming_it(tmp_path):
    path = edited_rules(tmp_path, ("threshold = 0.5", "treshold = 0.5"))
    with pytest.raises(IndexRulesError, match=r"indicator 3.3 has unknown options: treshold"):
        load_rules(path)


# --- end to end: a real warehouse, published figures loaded as raw rows ------------------------

KPI_FIXTURES = FIXTURES / "kpi"


def insert_published(con: duckdb.DuckDBPyConnection, name: str, *rows: tuple) -> None:
    """Rows into raw_index766 as a file of kind index766 would bring them (ingest_files
    is the change counter the marts follow)."""
    [(file_id,)] = con.execute("select nextval('ingest_file_seq')").fetchall()
    con.execute(
        "insert into ingest_files (file_id, source, original_name, sha256, kind, loaded_at, rows_loaded, rows_quarantined)"
        " values (?, 'file', ?, ?, 'index766', ?, ?, 0)",
        [file_id, name, name, datetime(2023, 4, 1), len(rows)],
    )
    for line, (agency, unit, start, end, indicator, numerator, denominator, points) in enumerate(rows, start=2):
        con.execute(
            "insert into raw_index766 (MaDonVi, MaDVHC, TuNgay, DenNgay, MaChiSo, TuSo, MauSo, Diem, _file_id, _line)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [agency, unit, start, end, indicator, numerator, denominator, points, file_id, line],
        )


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    warehouse = WarehousePaths(tmp_path_factory.mktemp("index766") / "warehouse.duckdb")
    result = load(
        warehouse, KPI_FIXTURES / "agencies.csv", KPI_FIXTURES / "procedures.csv", KPI_FIXTURES / "dossiers.csv"
    )
    assert all(report.error is None for report in result.files)
    march, february = ("2023-03-01", "2023-03-31"), ("2023-02-01", "2023-02-28")
    with open_writer(warehouse) as con:
        insert_published(
            con,
            "index766-a.csv",
            (None, "19", *march, "1.1", None, None, 5.5),  # the province, national only
            (None, "19", *march, "1.2", None, None, 3.0),  # replaced by the later file
            (None, "19", *march, "2.1", 13, 19, 13.0),  # beside ours
            (None, "19", *march, "TDGQ", None, None, 13.0),  # a published group figure
            ("H56.STP", None, *march, "1.4", None, None, 6.0),  # an agency's
            (None, "05809", *february, "1.1", None, None, 4.0),  # another period: not March's
        )
        insert_published(con, "index766-b.csv", (None, "19", *march, "1.2", None, None, 4.0))
        publish(con, warehouse)
    return warehouse


def card(wh: WarehousePaths, **options) -> dict[tuple[str, str], dict]:
    with open_snapshot(wh) as (con, _info):
        frame = scorecard(con, IndexSpec(*MARCH, **options))
    return {(row["unit_code"], row["indicator"]): row for row in frame.to_dicts()}


@pytest.fixture(scope="module")
def province(wh) -> dict[tuple[str, str], dict]:
    return card(wh)


def test_province_v1_indicators_end_to_end(province):
    # March, every agency (tests/test_kpi_exact.py): on_time_rate_766 12/19, online_rate 9/16,
    # online_payment_rate 5/9, e_result_rate 5/8, digitised_rate 7/16
    got = {
        i: (province[("19", i)]["numerator"], province[("19", i)]["denominator"], province[("19", i)]["points"])
        for i in ("2.1", "3.3", "3.4", "4.1", "4.2")
    }
    assert got == {
        "2.1": (12, 19, pytest.approx(20 * 12 / 19)),  # 12.6316
        "3.3": (9, 16, 6.0),  # 6 × min(1, 0.5625 / 0.5)
        "3.4": (5, 9, pytest.approx(6 * 5 / 9)),  # 3.3333
        "4.1": (5, 8, 3.75),  # 6 × 5/8
        "4.2": (7, 16, 1.75),  # 4 × 7/16
    }


def test_province_is_the_warehouses_one_province(province):
    row = province[("19", "total")]
    assert (row["unit_name"], row["level"], row["rank"]) == ("Tỉnh Thái Nguyên", "province", None)


def test_published_rows_fill_national_indicators_the_later_load_winning(province):
    # 1.1: 5.5; 1.2: 4 (file b replaced file a's 3); 1.3, 1.4 (only the agency has one): unavailable
    assert [(province[("19", i)]["points"], province[("19", i)]["source"]) for i in ("1.1", "1.2", "1.3", "1.4")] == [
        (5.5, "published"),
        (4.0, "published"),
        (None, "unavailable"),
        (None, "unavailable"),
    ]


def test_published_figures_stand_beside_ours(province):
    # 2.1 ours 240/19, published 13; the TDGQ group: ours 240/19, published 13
    assert (province[("19", "2.1")]["source"], province[("19", "2.1")]["published_points"]) == ("computed", 13.0)
    assert province[("19", "TDGQ")]["published_points"] == 13.0


# Online services of the fixture in March 2023 (DESIGN §4 v2). Procedures: P1 1.001193
# (Xã, MucDo 4, no fee), P2 1.000894 (Xã, 3, fee), P3 2.000815 (Tỉnh; Huyện; Xã, 2, fee),
# P4 1.004227 (Huyện, 3, fee), P5 1.003003 (Huyện, 2, no fee). Competence: the communes
# P1 P2 P3, the district P3 P4 P5, STP (TINH) P3 (it received Chứng thực: D10 D11 D19 D23).
# Used online in March (received, so not status 1 or 3, on channel 2): Cù Vân P1 (D01), not
# P2 (D03 in person, D13 status 1); Mỹ Yên P1 (D12), P2 (D04); the district P4 (D07). D26 (P4
# at Mỹ Yên) is outside Mỹ Yên's competence. Paid online in March: P2 (D04), P3 (D10), P4 (D06).
# 5.4 (dossier satisfaction) = the on-time share of resolved + pending here, as there are no
# ratings or PAKN: min(6, 6 × r / 0.9).


def test_province_total_and_max_available(province):
    # v1: 240/19 + 6 + 10/3 + 3.75 + 1.75 (computed) + 5.5 + 4 (published) = 36.9649
    # 3.1: P1..P5 in scope, full P1 + partial P2 P4 = 3/5 -> 2 × min(1, 0.6 / 0.8) = 1.5
    # 3.2: services Cù Vân P1 P2, Mỹ Yên P1 P2, district P4 = 5; used 4 -> 4 × 0.8 = 3.2
    # 3.5: fee-bearing P2 P3 P4, all paid online -> min(2, 2.5 × 1) = 2
    # 5.4: 12/19 -> 6 × (12/19) / 0.9 = 4.2105
    # of 52 + 2 + 4 + 2 + 6 = 66 available (3.6, 4.3-4.7, 5.2, 5.3 and 1.3, 1.4 unavailable)
    total = province[("19", "total")]
    assert (total["points"], total["max_points"], total["max_available"]) == (
        pytest.approx(240 / 19 + 6 + 10 / 3 + 3.75 + 1.75 + 5.5 + 4 + 1.5 + 3.2 + 2 + 6 * (12 / 19) / 0.9),
        100.0,
        66.0,
    )


def test_dossier_satisfaction_numerator_takes_the_unhappy_dossiers_off(province):
    # 5.4 = (resolved + pending - late - overdue - rated 3 - named by PAKN) / (resolved + pending):
    # 19 - 7 late or overdue (no ratings, no PAKN) = 12 of 19
    row = province[("19", "5.4")]
    assert (row["numerator"], row["denominator"], row["source"]) == (12, 19, "computed")


def test_by_commune_ranks_the_communes(wh):
    rows = card(wh, by="commune")
    # Cù Vân: 2.1 20 × 4/6, 3.3 6 (3/5), 3.4 0 (0/1), 4.1 6 × 4/6, 4.2 4 × 3/5 -> 25.7333; 5.4 6 × (4/6) / 0.9;
    #   3.1 P1 P2 of P1 P2 P3: 2 × (2/3) / 0.8; 3.2 P1 of P1 P2: 4 × 1/2; 3.5 P2 P3 none paid: 0 -> of 56
    # Mỹ Yên: 2.1 20 × 2/4 (D05 on time, D12 pending within due of D04 D05 D26 D12),
    #   3.3 6 (3/4), 3.4 6 × 1/3 (D04 of D04 D05 D26), 4.1 6 × 1/2 (D04 of D04 D26), 4.2 4 × 1/4 (D04) -> 22;
    #   5.4 6 × (2/4) / 0.9; 3.1 2 × (2/3) / 0.8; 3.2 4 × 2/2; 3.5 P2 paid (D04), P3 not (D05): 2.5 × 1/2 -> of 56
    totals = {
        code: (row["points"], row["max_available"], row["rank"]) for (code, i), row in rows.items() if i == "total"
    }
    assert totals == {
        "05809": (pytest.approx(40 / 3 + 6 + 0 + 4 + 2.4 + 6 * (4 / 6) / 0.9 + 2 * (2 / 3) / 0.8 + 2 + 0), 56.0, 1),
        "05836": (pytest.approx(22.0 + 6 * 0.5 / 0.9 + 2 * (2 / 3) / 0.8 + 4 + 1.25), 56.0, 2),
    }


def test_by_agency_lists_the_province_level_agencies_with_their_published_figures(wh):
    rows = card(wh, by="agency")
    # STP alone is a TINH agency: 2.1 (D10 on time, D23 early, D11 overdue, D19 within due) 3/4 -> 15
    assert {code for code, _ in rows} == {"H56.STP"}
    assert (rows[("H56.STP", "2.1")]["points"], rows[("H56.STP", "1.4")]["source"]) == (15.0, "published")
    assert rows[("H56.STP", "total")]["rank"] == 1


def test_by_district_is_each_district_with_its_communes(wh):
    rows = card(wh, by="district")
    # Đại Từ with Cù Vân and Mỹ Yên: received 13, online 8 (test_kpi_exact) -> 3.3 at 8/13 -> 6
    assert {code for code, _ in rows} == {"171"}
    assert (rows[("171", "3.3")]["numerator"], rows[("171", "3.3")]["denominator"]) == (8, 13)


def test_kpi_by_agency_gives_one_row_per_receiving_agency(wh):
    # received in March: STP D10 D11 D19; HDT D06 D07 D08 D18; XCV D01 D02 D03 D09 D16; XMY D04 D05 D12 D26
    rows = kpi_rows(wh, "2023-03-01", "2023-03-31", by="agency")
    assert {r["unit_code"]: (r["unit_name"], r["level"], r["received"]) for r in rows} == {
        "H56.STP": ("Sở Tư pháp", "province", 3),
        "H56.DAITU": ("UBND huyện Đại Từ", "district", 4),
        "H56.DAITU.CUVAN": ("UBND xã Cù Vân", "commune", 5),
        "H56.DAITU.MYYEN": ("UBND xã Mỹ Yên", "commune", 4),
    }


def test_the_snapshot_knows_whether_feedback_was_ever_loaded(wh):
    with open_snapshot(wh) as (con, _info):
        assert has_feedback(con) is False


def test_cli_json_is_one_array_of_the_documented_rows(wh):
    done = run_module(
        "warehouse",
        "index766",
        "--warehouse",
        str(wh.database),
        *("--from", "2023-03-01", "--to", "2023-03-31", "--by", "commune", "--format", "json"),
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    # 2 communes × (21 indicators + 6 groups + total)
    assert len(rows) == 2 * 28
    assert {tuple(row) for row in rows} == {COLUMNS}
    assert [row["indicator"] for row in rows if row["group"] is None] == ["total", "total"]
    assert {row["rank"] for row in rows if row["indicator"] == "total"} == {1, 2}


def test_cli_unknown_unit_is_one_line_and_exit_2(wh, capsys):
    code = main(
        ["index766", "--warehouse", str(wh.database), "--from", "2023-03-01", "--to", "2023-03-31", "--unit", "Nowhere"]
    )
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("index766: no unit or agency named or coded 'Nowhere'")
    assert len(err.strip().splitlines()) == 1


def test_cli_a_broken_rules_file_is_one_line_and_exit_2(wh, tmp_path, monkeypatch, capsys):
    broken = edited_rules(tmp_path, ("max = 18", "max = 17"))  # the CKMB group's
    monkeypatch.setenv("IOC_INDEX766", str(broken))
    code = main(["index766", "--warehouse", str(wh.database), "--from", "2023-03-01", "--to", "2023-03-31"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.strip() == f"index766: {broken}: group CKMB has max 17 but its indicators' maxima add up to 18"
