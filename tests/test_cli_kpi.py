"""`python -m warehouse kpi` as scripts use it (DESIGN §7): stdout is one JSON array and
nothing else, the field names are the documented ones, counts are integers, rates are
unrounded fractions or null.

Three dossiers in January 2023 (none elsewhere):

    K1  online   finished 12/01, due 20/01 (early)
    K2  direct   open, due 25/01 (overdue at 31/01)
    K3  direct   open, no due date

received 3, received_online 1 -> online_rate exactly 1/3; resolved 1 (early) ->
on_time_rate 1.0; no procedures file and no digitisation flags -> those rates are null.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import kpi_one, kpi_rows, load, run_main, run_module, write_csv

from warehouse.errors import WarehouseError
from warehouse.paths import WarehousePaths
from warehouse.query import KpiFilter

JANUARY = ("--from", "2023-01-01", "--to", "2023-01-31")
KEY_FIELDS = {"unit_code", "unit_name", "level", "field_code", "field_name", "period_start", "period_end"}
COUNT_FIELDS = {
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
    # v2: satisfaction and feedback (DESIGN §4)
    "rated",
    "rated_unsatisfied",
    "feedback",
    "feedback_on_time",
    "feedback_overdue",
    "procedures",
    "procedures_full",
    "procedures_partial",
    "online_services",
    "online_services_used",
}
# a count that is null when no procedure in scope says whether it is eligible (DESIGN §4 v2)
UNKNOWN_COUNT_FIELDS = {"procedures_eligible_full"}
RATE_FIELDS = {
    "online_rate",
    "online_rate_eligible",
    "on_time_rate",
    "on_time_rate_766",
    "digitised_rate",
    "e_result_rate",
    "online_payment_rate",
    # v2: dossier flags, satisfaction and feedback (DESIGN §4)
    "reuse_rate",
    "personal_store_rate",
    "citizen_data_rate",
    "satisfaction_rate",
    "dossier_satisfaction_rate",
    "feedback_on_time_rate",
    "feedback_satisfied_rate",
    "online_service_rate",
    "full_online_rate",
    "online_service_use_rate",
    "fee_procedures_paid_rate",
}
DOSSIERS = (
    "MaHoSo,MaTTHC,MaLinhVuc,TenLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy",
    "K1,1.000656,G01,Hộ tịch,XA-CV,2,9,20230110080000,20230120170000,20230112100000",
    "K2,1.000656,G01,Hộ tịch,XA-CV,1,4,20230111080000,20230125170000,",
    "K3,2.000123,G02,Đất đai,XA-CV,1,4,20230112080000,,",
)


@pytest.fixture(scope="module")
def cli_warehouse(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    folder = tmp_path_factory.mktemp("cli")
    warehouse = WarehousePaths(folder / "warehouse.duckdb")
    agencies = write_csv(folder / "donvi.csv", "MaDonVi,TenDonVi,Cap,MaDVHC", "XA-CV,UBND xã Cù Vân,XA,05809")
    assert load(warehouse, agencies, write_csv(folder / "hoso.csv", *DOSSIERS)).all_read
    return warehouse


def kpi_cli(*args: str, env: dict[str, str] | None = None):
    return run_main("warehouse", "kpi", *args, env=env)


# the options in another order than the help lists them, all after the subcommand
JSON_ARGS = ("--format", "json", "--to", "2023-01-31", "--warehouse", "{warehouse}", "--from", "2023-01-01")


@pytest.fixture(scope="module")
def json_run(cli_warehouse: WarehousePaths):
    # a real process: `python -m warehouse kpi` as scripts call it
    return run_module("warehouse", "kpi", *(arg.format(warehouse=cli_warehouse.database) for arg in JSON_ARGS))


@pytest.fixture(scope="module")
def json_row(json_run) -> dict:
    return json.loads(json_run.stdout)[0]


# ------------------------------------------------------------------ the JSON document


def test_options_in_any_order_after_the_subcommand(json_run) -> None:
    assert json_run.returncode == 0, json_run.stderr


def test_stdout_is_exactly_one_json_array(json_run) -> None:
    document = json.loads(json_run.stdout)  # fails on anything else before or after it
    assert isinstance(document, list)
    assert json_run.stdout.strip().startswith("[") and json_run.stdout.strip().endswith("]")


def test_logs_go_to_stderr(json_run) -> None:
    assert "data version" in json_run.stderr
    assert "data version" not in json_run.stdout


def test_without_by_exactly_one_row(json_run) -> None:
    assert len(json.loads(json_run.stdout)) == 1


def test_field_names_are_the_documented_ones(json_row: dict) -> None:
    assert set(json_row) == KEY_FIELDS | COUNT_FIELDS | UNKNOWN_COUNT_FIELDS | RATE_FIELDS


def test_counts_are_integers(json_row: dict) -> None:
    not_int = {k: json_row[k] for k in COUNT_FIELDS if type(json_row[k]) is not int}
    assert not_int == {}


def test_counts_are_the_hand_computed_ones(json_row: dict) -> None:
    assert {
        k: json_row[k]
        for k in (
            "received",
            "received_online",
            "received_direct",
            "received_postal",
            "resolved",
            "resolved_early",
            "pending",
            "pending_within_due",
            "pending_overdue",
            "carried_over",
            "refused",
        )
    } == {
        "received": 3,
        "received_online": 1,
        "received_direct": 2,
        "received_postal": 0,
        "resolved": 1,
        "resolved_early": 1,
        "pending": 2,
        "pending_within_due": 1,
        "pending_overdue": 1,
        "carried_over": 0,
        "refused": 0,
    }


def test_rates_are_unrounded_fractions(json_row: dict) -> None:
    assert json_row["online_rate"] == 1 / 3
    assert json_row["on_time_rate"] == 1.0
    assert json_row["on_time_rate_766"] == (1 + 1) / (1 + 2)


def test_rates_without_inputs_are_null(json_run, json_row: dict) -> None:
    # no procedures (MucDo, YeuCauKetQuaGiay, CoPhiLePhi) and no digitisation flags were sent
    assert [
        json_row[k] for k in ("online_rate_eligible", "digitised_rate", "e_result_rate", "online_payment_rate")
    ] == [None] * 4
    assert "NaN" not in json_run.stdout


def test_rates_are_fractions_or_null(json_row: dict) -> None:
    bad = {
        k: json_row[k]
        for k in RATE_FIELDS
        if not (json_row[k] is None or (isinstance(json_row[k], float) and 0 <= json_row[k] <= 1))
    }
    assert bad == {}


def test_period_is_written_as_iso_dates(json_row: dict) -> None:
    assert (json_row["period_start"], json_row["period_end"]) == ("2023-01-01", "2023-01-31")


# ------------------------------------------------------------------ other shapes and options


def test_csv_format_has_a_header(cli_warehouse: WarehousePaths) -> None:
    done = kpi_cli("--warehouse", str(cli_warehouse.database), *JANUARY, "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 1
    assert set(rows[0]) == KEY_FIELDS | COUNT_FIELDS | UNKNOWN_COUNT_FIELDS | RATE_FIELDS
    assert rows[0]["received"] == "3"


def test_ioc_warehouse_selects_the_warehouse(cli_warehouse: WarehousePaths, json_run) -> None:
    done = kpi_cli(*JANUARY, "--format", "json", env={"IOC_WAREHOUSE": str(cli_warehouse.database)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(json_run.stdout)


def test_ioc_warehouse_selects_where_ingest_loads(tmp_path: Path) -> None:
    database = tmp_path / "elsewhere" / "wh.duckdb"
    path = write_csv(tmp_path / "hoso.csv", *DOSSIERS)
    done = run_module("ingest", "load", str(path), env={"IOC_WAREHOUSE": str(database)})
    assert done.returncode == 0, done.stderr
    assert database.exists()
    assert WarehousePaths(database).current_pointer.exists()


def test_reading_before_anything_was_published(tmp_path: Path) -> None:
    done = kpi_cli("--warehouse", str(tmp_path / "empty.duckdb"), *JANUARY, "--format", "json")
    assert done.returncode == 2
    assert done.stdout == ""
    message = done.stderr.strip().splitlines()
    assert len(message) == 1 and "Traceback" not in done.stderr
    assert "ingest" in message[0]  # says how to get data in
    assert not (tmp_path / "empty.duckdb").exists()  # a reader creates nothing


def test_period_ending_before_it_starts() -> None:
    with pytest.raises(WarehouseError, match="before it starts"):
        KpiFilter(date(2023, 2, 1), date(2023, 1, 1))


# ------------------------------------------------------------------ the same rows through the API


def test_empty_period_gives_zero_counts_and_null_rates(cli_warehouse: WarehousePaths) -> None:
    row = kpi_one(cli_warehouse, "2022-01-01", "2022-12-31")
    assert row["received"] == 0 and row["resolved"] == 0
    assert {row[k] for k in RATE_FIELDS} == {None}


def test_by_month_gives_one_row_per_month(cli_warehouse: WarehousePaths) -> None:
    rows = kpi_rows(cli_warehouse, "2023-01-01", "2023-03-31", by="month")
    assert [(r["period_start"].isoformat(), r["period_end"].isoformat(), r["received"]) for r in rows] == [
        ("2023-01-01", "2023-01-31", 3),
        ("2023-02-01", "2023-02-28", 0),
        ("2023-03-01", "2023-03-31", 0),
    ]


def test_by_field_gives_one_row_per_field(cli_warehouse: WarehousePaths) -> None:
    rows = kpi_rows(cli_warehouse, "2023-01-01", "2023-01-31", by="field")
    assert sorted((r["field_code"], r["received"]) for r in rows) == [("G01", 2), ("G02", 1)]
