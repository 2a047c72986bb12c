"""The KPI query is composed from `sql/queries/kpi/` (warehouse/kpi_sql.py): its body reads
the relations its header lists, and each other way of providing them is a block of CTEs
of its own, composed in front of the body, never a rewrite of it.

The numbers of every composition are checked where they are worked out by hand
(test_kpi_exact.py, test_current_units.py, test_kpi_v2_*.py); here, the composition itself.
"""

from __future__ import annotations

import re
from itertools import product
from typing import get_args

from warehouse.kpi_sql import REBUILT_FROM, Rollups, Units, kpi_sql, rebuilt_rollups
from warehouse.models import SQL_DIR, query_sql

KPI_DIR = SQL_DIR / "queries" / "kpi"
# what a query may read from the warehouse: dimensions, facts and rollups
TABLE = re.compile(r"\b(?:dim|fct|kpi)_\w+\b")
CTE = re.compile(r"^(\w+) as (?:materialized )?\(", re.MULTILINE)
# kpi/measures.sql's header: the relations it reads
BODY_INPUTS = {
    "kpi_daily",
    "kpi_monthly",
    "fct_unhappy_dossiers",
    "dim_fields",
    "dim_procedure_levels",
    "fct_agency_field_spans",
    "dim_agencies",
    "dim_unit_membership",
    "fct_form06a",
    "dim_units",
    "fct_feedback",
    "kpi_procedure_daily",
    "kpi_procedure_monthly",
}


def code_of(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def stand_ins(sql: str) -> set[str]:
    """The tables a block's CTEs stand in for: those it defines under a table's name."""
    return {name for name in CTE.findall(code_of(sql)) if TABLE.fullmatch(name)}


def test_the_plain_kpi_query_is_the_stored_rollups_on_the_units_as_recorded() -> None:
    # what `query_sql("kpi")` reads (tests/test_registry.py checks its columns) is one of the compositions
    assert query_sql("kpi") == kpi_sql("stored", "recorded") == "with " + query_sql("kpi/measures").strip()


def test_the_body_reads_only_the_relations_its_header_lists() -> None:
    body = code_of(query_sql("kpi/measures"))
    assert set(TABLE.findall(body)) == BODY_INPUTS
    assert stand_ins(body) == set()  # it defines none of them itself


def test_each_block_stands_in_for_inputs_of_the_body_only() -> None:
    # a CTE named after a table the body does not read would change nothing, silently
    assert stand_ins(query_sql("kpi/units_current")) == {"dim_agencies", "dim_unit_membership", "fct_form06a"}
    assert stand_ins(query_sql("kpi/from_dossiers")) == set()
    assert stand_ins(query_sql("kpi/by_field")) == {"dim_procedure_levels"}
    assert stand_ins(query_sql("kpi/by_procedure")) == {"fct_agency_field_spans", "dim_fields", "dim_procedure_levels"}
    # the rebuilt rollups, and the events they are summed from
    rebuilt = stand_ins(rebuilt_rollups("matching_dossiers"))
    assert rebuilt - BODY_INPUTS == {"fct_kpi_events"}
    assert rebuilt & BODY_INPUTS == {"kpi_daily", "kpi_monthly", "fct_unhappy_dossiers"}


def test_the_rebuilt_rollups_read_the_matching_dossiers_in_place_of_fct_dossiers() -> None:
    for rollups, dossiers in REBUILT_FROM.items():
        sql = code_of(kpi_sql(rollups))
        assert "fct_dossiers" not in rebuilt_rollups(dossiers)
        # fct_dossiers is read once: by the matching dossiers of kpi/from_dossiers.sql
        assert sql.count("fct_dossiers") == 1, rollups
        assert f"from {dossiers}\n" in sql, rollups


def test_every_composition_puts_today_s_units_last_and_ends_with_the_body() -> None:
    # the units block last: no other block reads the agencies on today's units
    body = query_sql("kpi/measures").strip()
    current = query_sql("kpi/units_current").strip()
    for rollups, units in product(get_args(Rollups), get_args(Units)):
        sql = kpi_sql(rollups, units)
        assert sql.endswith(body)
        assert (current + ",\n\n" + body in sql) == (units == "current"), (rollups, units)


def test_every_part_states_what_it_holds_and_ends_in_code() -> None:
    # a part ending in a comment would swallow the comma that joins it to the next one
    for path in sorted(KPI_DIR.glob("*.sql")):
        lines = path.read_text(encoding="utf-8").strip().splitlines()
        assert lines[0].startswith("-- "), path.name
        assert not lines[-1].lstrip().startswith("--"), path.name
