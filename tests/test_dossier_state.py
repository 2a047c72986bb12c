"""The dossier states as of a day (DESIGN §4: pending, pending overdue, carried over), said
once in sql/macros/dossier_state.sql and read by the KPI events, the dossiers behind a
number and the overdue watchlist. One behaviour per test, on hand-made dossier rows
(worked by hand in the comments) and on the KPI fixture (tests/test_kpi_exact.py lists it).

The dossier most tests ask about (D03 of the KPI fixture): received 06/03/2023 (d1),
due 09/03 (d2), finished 13/03 (d3).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from conftest import kpi_one

from warehouse.dossier_state import define_macros
from warehouse.models import mart
from warehouse.paths import WarehousePaths
from warehouse.query import KpiFilter, OverdueFilter, dossiers, overdue_dossiers
from warehouse.snapshot import open_snapshot

D1, D2, D3 = date(2023, 3, 6), date(2023, 3, 9), date(2023, 3, 13)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    define_macros(connection)
    yield connection
    connection.close()


def ask(con: duckdb.DuckDBPyConnection, expression: str, **days: date | None) -> object:
    return con.execute(f"select {expression}", days).fetchone()[0]


def pending_on(con, received, finished, d) -> bool:
    return ask(con, "is_pending($r::date, $f::date, $d::date)", r=received, f=finished, d=d)


def overdue_on(con, received, due, finished, d) -> bool:
    return ask(
        con, "is_pending_overdue($r::date, $due::date, $f::date, $d::date)", r=received, due=due, f=finished, d=d
    )


def carried_into(con, received, finished, date_from) -> bool:
    return ask(con, "is_carried_over($r::date, $f::date, $d::date)", r=received, f=finished, d=date_from)


def test_pending_from_the_received_day_up_to_the_finished_day(con):
    # 05/03: not yet received; 06/03 (d1): received by then; 12/03: still open;
    # 13/03 (d3): finished by then, so no longer pending
    days = [date(2023, 3, 5), D1, date(2023, 3, 12), D3]
    assert [pending_on(con, D1, D3, d) for d in days] == [False, True, True, False]


def test_pending_overdue_from_the_day_after_the_due_day_up_to_the_finished_day(con):
    # 09/03 (d2): due that day, not before it -> within due; 10/03: due 09/03 < 10/03 -> overdue;
    # 12/03: still overdue; 13/03 (d3): finished -> not pending at all
    days = [D1, D2, date(2023, 3, 10), date(2023, 3, 12), D3]
    assert [overdue_on(con, D1, D2, D3, d) for d in days] == [False, False, True, True, False]
    # the first overdue day, what the events write their +1 on
    assert ask(con, "overdue_from($r::date, $due::date)", r=D1, due=D2) == date(2023, 3, 10)


def test_received_after_its_due_day_is_overdue_from_the_day_received(con):
    # received 20/03, due 10/03, open: not pending on 19/03; on 20/03 pending with 10/03 < 20/03
    received, due = date(2023, 3, 20), date(2023, 3, 10)
    assert ask(con, "overdue_from($r::date, $due::date)", r=received, due=due) == received
    assert [overdue_on(con, received, due, None, d) for d in (date(2023, 3, 19), received)] == [False, True]


def test_without_a_due_date_never_overdue(con):
    # received 06/03, no due date, open: pending within due on every day after it
    assert pending_on(con, D1, None, date(2024, 1, 1))
    assert overdue_on(con, D1, None, None, date(2024, 1, 1)) is False


def test_carried_over_when_received_before_the_start_and_not_finished_before_it(con):
    # period starting 06/03 (d1): received on the start itself, not before it -> no;
    # 07/03: received before, open -> yes; 13/03 (d3): finished on the start itself, so carried
    # over and resolved (DESIGN §4); 14/03: finished before the start -> no
    starts = [D1, date(2023, 3, 7), D3, date(2023, 3, 14)]
    assert [carried_into(con, D1, D3, start) for start in starts] == [False, True, True, False]


def test_finished_the_day_received_is_never_pending(con):
    # received and finished 08/03 (D05 of the KPI fixture): pending at no day's end
    day = date(2023, 3, 8)
    assert [pending_on(con, day, day, d) for d in (date(2023, 3, 7), day)] == [False, False]


# --- the events are written from the same spans ------------------------------------------


def deltas(con: duckdb.DuckDBPyConnection, received, due, finished) -> list[tuple]:
    """The stock deltas fct_kpi_events writes for one counted dossier: (day, pending, overdue)."""
    con.execute(
        """
        create or replace temp table fct_dossiers as
        select 1 as agency_id, 1 as field_id, 1 as procedure_id, 2::tinyint as channel,
               $r::date as received_date, $due::date as due_date, $f::date as finished_date,
               true as counts_in_kpis, false as is_refused, true as is_online_eligible,
               null::int as has_digitised_component, false as has_fees, null::int as paid_online,
               null::int as reused_digitised_data, null::int as from_personal_store, null::int as vneid_verified,
               'late' as resolution_class, false as needs_paper_result, null::int as has_e_result,
               null::int as satisfaction
        """,
        {"r": received, "due": due, "f": finished},
    )
    return con.execute(
        f"""
        select day, sum(pending_delta)::int, sum(overdue_delta)::int
        from ({mart("fct_kpi_events").sql})
        group by day having sum(pending_delta) <> 0 or sum(overdue_delta) <> 0 order by day
        """
    ).fetchall()


def test_events_open_and_close_the_spans_the_predicates_read(con):
    # received 06/03: pending +1; overdue from 10/03: +1; finished 13/03: both -1
    # (running sums: pending 1 on 06/03..12/03, overdue 1 on 10/03..12/03, as the tests above)
    assert deltas(con, D1, D2, D3) == [(D1, 1, 0), (date(2023, 3, 10), 0, 1), (D3, -1, -1)]


def test_events_of_a_dossier_finished_by_its_due_day_carry_no_overdue(con):
    # received 06/03, due 09/03, finished 09/03: overdue from 10/03, after it ended -> no span
    assert deltas(con, D1, D2, D2) == [(D1, 1, 0), (D2, -1, 0)]


# --- the three readers agree on the KPI fixture ------------------------------------------

# Pending overdue at the end of each day, by hand from the fixture's counted dossiers and
# their overdue spans [day after due, finished): D03 10/03-12/03, D06 from 25/03, D11
# 31/03-02/04, D20 25/02-05/03, D21 from 16/03, D26 25/03-26/03 (D12 due 31/03 finished
# 01/04, D10 and D09 finished by their due day: never overdue).
OVERDUE_ON = {
    date(2023, 3, 5): ["D20"],
    date(2023, 3, 6): [],  # D20 finished 06/03
    date(2023, 3, 10): ["D03"],
    date(2023, 3, 13): [],  # D03 finished 13/03
    date(2023, 3, 16): ["D21"],  # due 15/03
    date(2023, 3, 25): ["D06", "D21", "D26"],  # D06 and D26 due 24/03
    date(2023, 3, 31): ["D06", "D11", "D21"],  # D11 due 30/03; D26 finished 27/03
    date(2023, 4, 3): ["D06", "D21"],  # D11 finished 03/04
}


@pytest.mark.parametrize("day", sorted(OVERDUE_ON), ids=str)
def test_the_kpi_the_dossier_list_and_the_watchlist_agree_on_pending_overdue(kpi_read_only: WarehousePaths, day):
    expected = OVERDUE_ON[day]
    kpi_count = kpi_one(kpi_read_only, day.isoformat(), day.isoformat())["pending_overdue"]
    with open_snapshot(kpi_read_only) as (con, _info):
        listed = sorted(dossiers(con, KpiFilter(day, day), "pending_overdue")["dossier_code"])
        watchlist = overdue_dossiers(con, OverdueFilter(day))
    overdue_rows = sorted(watchlist.filter(watchlist["state"] == "overdue")["dossier_code"])
    assert (kpi_count, listed, overdue_rows) == (len(expected), expected, expected)


def test_a_snapshot_holding_no_macros_answers_the_lists_on_each_cursor(kpi_read_only: WarehousePaths):
    # Snapshots store no macro (as one published before them): the dashboard's reads, each on
    # a new cursor of the read-only snapshot, define them where they run. 31/03: D06 D11 D21.
    with open_snapshot(kpi_read_only) as (con, _info):
        stored = con.execute("select count(*) from duckdb_functions() where function_name = 'is_pending'").fetchone()
        answers = []
        for _ in range(2):
            with con.cursor() as cursor:
                listed = dossiers(cursor, KpiFilter(date(2023, 3, 31), date(2023, 3, 31)), "pending_overdue")
                answers.append(sorted(listed["dossier_code"]))
    assert stored == (0,)
    assert answers == [["D06", "D11", "D21"]] * 2
