"""The writer keeps the marts materialised and, after a cycle that only re-sent some
dossiers, corrects them incrementally. The result must equal a full build of the same
raw data, row for row: that is the whole contract of `warehouse.marts`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import load

from bench.synthetic import generate
from warehouse.marts import refresh_marts
from warehouse.paths import WarehousePaths
from warehouse.writer import open_writer

MATERIALISED = {
    "fct_dossiers": "dossier_code",
    "kpi_daily": "agency_id, field_id, channel, received_after_reform, day",
    "kpi_monthly": "agency_id, field_id, channel, received_after_reform, day",
    "kpi_procedure_daily": "agency_id, procedure_id, received_after_reform, day",
    "kpi_procedure_monthly": "agency_id, procedure_id, received_after_reform, day",
    "fct_agency_field_spans": "agency_id, field_id, competent_from",
}


def table_contents(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    contents = {}
    for table, key in MATERIALISED.items():
        # Compared row for row: an incremental correction leaves no row whose sums all
        # came back to 0, as a full build writes none.
        contents[table] = con.sql(f"select * from {table} order by {key}").pl()
    return contents


def changed_export(source: Path, out: Path) -> Path:
    """Re-send 150 of the dossiers with a new status, channel, agency or end date."""
    frame = pl.read_csv(source, infer_schema=False).head(150)
    row = pl.int_range(pl.len())
    frame = frame.with_columns(
        pl.when(row % 7 == 0)
        .then(pl.lit("3"))
        .when(row % 3 == 0)
        .then(pl.lit("9"))
        .otherwise(pl.col("TrangThaiHoSo"))
        .alias("TrangThaiHoSo"),
        pl.when(row % 3 == 0)
        .then(pl.lit("20230305100000"))
        .otherwise(pl.col("NgayKetThucXuLy"))
        .alias("NgayKetThucXuLy"),
        pl.when(row % 5 == 0).then(pl.lit("2")).otherwise(pl.col("KenhThucHien")).alias("KenhThucHien"),
    )
    frame.write_csv(out)
    return out


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("synthetic"), dossiers=3000)


def test_resent_dossiers_refresh_incrementally(tmp_path: Path, exports: dict[str, Path]):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    load(warehouse, *exports.values())
    result = load(warehouse, changed_export(exports["dossiers"], tmp_path / "changed.csv"))
    assert result.snapshot.refresh.mode == "incremental"
    # rows the validation refused (an end before the receipt) re-derive nothing
    assert result.snapshot.refresh.dossiers == result.files[0].rows_loaded > 50


def test_incremental_refresh_equals_a_full_build(tmp_path: Path, exports: dict[str, Path]):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    load(warehouse, *exports.values())
    load(warehouse, changed_export(exports["dossiers"], tmp_path / "changed.csv"))
    with open_writer(warehouse) as con:
        incremental = table_contents(con)
        assert refresh_marts(con, force_full=True).mode == "full"
        full = table_contents(con)
    for table in MATERIALISED:
        assert incremental[table].equals(full[table]), table


def test_no_new_file_means_nothing_to_refresh(tmp_path: Path, exports: dict[str, Path]):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    load(warehouse, *exports.values())
    with open_writer(warehouse) as con:
        assert refresh_marts(con).mode == "unchanged"


def test_a_new_procedure_catalogue_forces_a_full_build(tmp_path: Path, exports: dict[str, Path]):
    warehouse = WarehousePaths(tmp_path / "warehouse.duckdb")
    load(warehouse, *exports.values())
    procedures = pl.read_csv(exports["procedures"], infer_schema=False).head(5)
    procedures = procedures.with_columns(pl.lit("4").alias("MucDo"))
    procedures.write_csv(tmp_path / "procedures_changed.csv")
    result = load(warehouse, tmp_path / "procedures_changed.csv")
    assert result.snapshot.refresh.mode == "full"
