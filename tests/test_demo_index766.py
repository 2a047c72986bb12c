"""The demo's Decision 766 calibration (DESIGN §6, issue 13 item 5), computed by the product:
the demo portal's history pulled over real HTTP up to 30 August 2025, 08:00, then the
scorecard of `warehouse.index766` (bench/calibrate_766.py prints the same figures).

The published figures it reproduces, within ±0.5: the new province over 1 January –
29 August 2025, progress (TDGQ) 19.31 / 20, online services and online payment (DVCTT +
TTTT) 17.49 / 22, satisfaction (MDHL) 17.86 / 18; Bắc Kạn in July 2024, before the merger,
progress 19.5, online services 7.9 / 12, online payment 8.2 / 10, a lower total.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bench.calibrate_766 import CASES, TOLERANCE, case_card, group_points, losers, pull
from warehouse.paths import WarehousePaths

PROVINCE, BAC_KAN = CASES


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    warehouse = WarehousePaths(Path(tmp_path_factory.mktemp("calibration")) / "warehouse.duckdb")
    pull(warehouse)
    return warehouse


@pytest.fixture(scope="module")
def province(warehouse: WarehousePaths) -> pl.DataFrame:
    return case_card(warehouse, PROVINCE)


@pytest.mark.parametrize("codes", list(PROVINCE.targets))
def test_the_province_reproduces_its_published_groups(province: pl.DataFrame, codes: str) -> None:
    assert group_points(province, codes) == pytest.approx(PROVINCE.targets[codes], abs=TOLERANCE)


def test_the_published_index_fills_the_national_only_indicators(province: pl.DataFrame) -> None:
    # the demo serves the year to date up to the day before its clock: 01/01–29/08/2025
    national = province.filter(pl.col("indicator").is_in(["1.1", "1.2", "1.3", "1.4", "3.6", "4.6", "4.7"]))
    assert set(national["source"]) == {"published"}
    total = province.filter(pl.col("indicator") == "total").row(0, named=True)
    assert (total["unit_code"], total["max_available"]) == ("19", 100.0)


@pytest.mark.parametrize("codes", list(BAC_KAN.targets))
def test_bac_kan_before_the_merger_reproduces_its_groups(warehouse: WarehousePaths, codes: str) -> None:
    card = case_card(warehouse, BAC_KAN)
    assert group_points(card, codes) == pytest.approx(BAC_KAN.targets[codes], abs=TOLERANCE)


def test_bac_kan_scores_lower_than_the_province(warehouse: WarehousePaths, province: pl.DataFrame) -> None:
    bac_kan = case_card(warehouse, BAC_KAN).filter(pl.col("indicator") == "total").row(0, named=True)
    whole = province.filter(pl.col("indicator") == "total").row(0, named=True)
    assert bac_kan["points"] / bac_kan["max_available"] < whole["points"] / whole["max_available"] - 0.03


def test_some_units_clearly_lose_points_on_one_group(warehouse: WarehousePaths) -> None:
    # online payment, online services, PAKN handled late: a commune loses at least a third of a group
    worst = losers(warehouse, PROVINCE, "commune", ("DVCTT", "TTTT", "MDHL"), top=1)
    shares = dict(zip(worst["indicator"], worst["lost"] / worst["max_available"]))
    assert shares["TTTT"] > 1 / 3 and shares["MDHL"] > 1 / 3
    assert shares["DVCTT"] > 0.2
