"""DESIGN §6: the demo portal, pulled over HTTP, reproduces Thái Nguyên's published 2023
figures through `python -m warehouse kpi` (1 January – 20 October 2023).

The portal's clock stands at 1 November 2023, so that dossiers filed on the evening of
20 October have been accepted (a dossier not yet accepted counts in no measure).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import kpi_cli_json

from demo_portal.clock import SimClock
from demo_portal.portal import DemoPortal
from demo_portal.server import serve_in_thread
from ingest.pull import run_cycle
from ingest.sources.config import SourceConfig
from ingest.sources.portal.client import PortalClient, http_client
from warehouse.paths import WarehousePaths
from warehouse.snapshot import open_snapshot

WINDOW = ("--from", "2023-01-01", "--to", "2023-10-20")


@pytest.fixture(scope="module")
def demo_2023(tmp_path_factory) -> WarehousePaths:
    paths = WarehousePaths(tmp_path_factory.mktemp("demo") / "warehouse.duckdb")
    portal = DemoPortal(clock=SimClock(datetime(2023, 11, 1), scale=0))
    with serve_in_thread(portal) as server:
        source = SourceConfig("demo", server.url)
        with http_client(source) as http:
            result = run_cycle(paths, source, PortalClient(http, source.name))
    assert result.status == "ok", result.error
    return paths


def one(warehouse: WarehousePaths, *args: str) -> dict:
    rows = kpi_cli_json(warehouse, *WINDOW, *args)
    assert len(rows) == 1
    return rows[0]


def test_dai_tu_district_level(demo_2023):
    row = one(demo_2023, "--unit", "171", "--level", "district")
    assert (row["received"], row["received_online"]) == (4930, 2800)
    assert round(row["online_rate"], 3) == 0.568
    assert abs(row["resolved"] - 4400) <= 50


def test_dai_tu_commune_level(demo_2023):
    row = one(demo_2023, "--unit", "171", "--level", "commune")
    assert (row["received"], row["received_online"]) == (46961, 34000)
    assert round(row["online_rate"], 3) == 0.724


def test_dai_tu_by_name_is_the_district(demo_2023):
    row = one(demo_2023, "--unit", "Đại Từ", "--level", "district")
    assert (row["unit_code"], row["received"]) == ("171", 4930)


def test_cu_van_resolved_and_on_time(demo_2023):
    row = one(demo_2023, "--unit", "UBND xã Cù Vân")
    assert row["resolved"] == 925
    assert 0.99 < row["on_time_rate"] < 1.0


def test_my_yen_is_dai_tu_lowest_commune(demo_2023):
    rows = kpi_cli_json(demo_2023, *WINDOW, "--unit", "171", "--level", "commune", "--by", "unit")
    assert len(rows) == 27
    assert min(rows, key=lambda r: r["online_rate"])["unit_code"] == "05836"
    assert min(rows, key=lambda r: r["on_time_rate"])["unit_code"] == "05836"


def test_dai_tu_offers_163_procedures_fully_online(demo_2023):
    with open_snapshot(demo_2023) as (con, _info):
        offered = con.execute(
            """
            select count(distinct procedures.procedure_code)
            from fct_dossiers as dossiers
            inner join dim_procedures as procedures using (procedure_id)
            inner join dim_unit_membership as membership using (agency_id)
            where membership.ancestor_code = '171' and membership.unit_version = 'pre2025'
              and procedures.online_level = 4
              and dossiers.received_date between date '2023-01-01' and date '2023-10-20'
            """
        ).fetchone()[0]
    assert offered == 163
