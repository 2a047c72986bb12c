"""The KPI registry (warehouse/registry.py) is the one list of measures: the SQL's `kpi`
columns and the registry agree exactly, and the dashboard and the PDF briefing name
every measure with its label.

The fixture is tests/fixtures/kpi (see test_kpi_exact.py), March 2023, whole province.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT, copy_warehouse, run_main
from streamlit.testing.v1 import AppTest

from reports.snapshot import make_snapshot
from ui.tiles import ranked
from warehouse import registry
from warehouse.__main__ import _table_headers
from warehouse.models import query_sql
from warehouse.paths import WarehousePaths
from warehouse.query import KEY_COLUMNS, KpiFilter, fetch_frame, kpi
from warehouse.snapshot import open_snapshot
from warehouse.targets import load_targets


@pytest.fixture(scope="module")
def wh(kpi_template: Path, tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    return copy_warehouse(kpi_template, tmp_path_factory.mktemp("registry"))


def sql_columns(wh: WarehousePaths) -> list[str]:
    """The columns the KPI query (`sql/queries/kpi/measures.sql`) itself returns (not what query.py selects of them)."""
    params = {
        "date_from": date(2023, 3, 1),
        "date_to": date(2023, 3, 31),
        "by": "none",
        "agency_ids": None,
        "window_from": None,
        "window_to": None,
        "unit_codes": None,
        "level": None,
        "field_ids": None,
        "area_parents": None,
        "area_versions": None,
        "dossiers_only": False,
        "channel": None,
    }
    with open_snapshot(wh) as (con, _info):
        return fetch_frame(con, query_sql("kpi"), params).columns


def test_every_kpi_column_of_the_sql_has_exactly_one_registry_entry_and_back(wh: WarehousePaths) -> None:
    measures = [column for column in sql_columns(wh) if column not in KEY_COLUMNS]
    assert measures == [m.key for m in registry.MEASURES]  # same names, same order, no duplicates
    assert len(set(measures)) == len(measures)


def test_kpi_rows_carry_the_shown_measures_and_parts_only_when_asked(wh: WarehousePaths) -> None:
    with open_snapshot(wh) as (con, _info):
        plain = kpi(con, KpiFilter(date(2023, 3, 1), date(2023, 3, 31)))
        parts = kpi(con, KpiFilter(date(2023, 3, 1), date(2023, 3, 31)), parts=True)
    assert plain.columns == [*KEY_COLUMNS, *registry.COUNTS, *registry.RATES]
    assert parts.columns == [*plain.columns, *registry.PARTS]
    # digitised 7 of 16 received, every one with the flag known (test_reports_snapshot's figures)
    assert parts.row(0, named=True)["received_digitised_known"] == 16


def test_every_rate_is_a_ratio_of_registry_counts() -> None:
    for rate in (m for m in registry.MEASURES if m.is_rate):
        assert rate.numerator and rate.denominator, rate.key
        for part in (*rate.numerator, *rate.denominator):
            assert registry.measure(part).kind == "count", (rate.key, part)


def test_labels_have_one_spelling_of_so_hoa() -> None:
    # "số hoá" (old-style accent) on the dashboard and "số hóa" in the PDF was the drift
    labels = [m.vi for m in registry.MEASURES]
    assert not [text for text in labels if "hoá" in text]
    assert "Tỷ lệ số hóa hồ sơ" in labels


@pytest.fixture(scope="module")
def briefing_text(wh: WarehousePaths, tmp_path_factory: pytest.TempPathFactory) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed: ./setup.sh installs it")
    out = tmp_path_factory.mktemp("briefing")
    make_snapshot(wh, "2023-03", out, wall=False)
    done = subprocess.run(
        ["pdftotext", "-raw", str(out / "briefing.pdf"), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


def test_dashboard_and_briefing_name_the_rates_alike(wh: WarehousePaths, briefing_text: str, monkeypatch) -> None:
    monkeypatch.setenv("IOC_WAREHOUSE", str(wh.database))
    monkeypatch.setenv("IOC_TODAY", "2023-03-31")
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    app.switch_page("pages/explorer.py").run()
    tiles = [m.label for m in app.metric]
    for key in ("online_rate", "on_time_rate", "on_time_rate_766"):
        label = registry.measure(key).vi
        assert label in tiles  # the explorer's tile
        assert label.upper() in briefing_text  # the briefing's tile (drawn in capitals)
    heat = app.dataframe[0].value.columns  # the explorer's table headers
    assert registry.measure("digitised_rate").vi in heat
    assert registry.measure("digitised_rate").vi.upper() in briefing_text


def test_cli_table_format_heads_columns_with_registry_labels(wh: WarehousePaths) -> None:
    done = run_main(
        "warehouse",
        "kpi",
        "--warehouse",
        str(wh.database),
        "--from",
        "2023-03-01",
        "--to",
        "2023-03-31",
        "--format",
        "table",
        "--with-targets",
    )
    assert done.returncode == 0, done.stderr
    # 27 columns wrap their headers in the terminal: the headers are checked where they are made
    headers = _table_headers(["unit_name", "digitised_rate", "online_rate_target"])
    assert headers == {"digitised_rate": "Tỷ lệ số hóa hồ sơ", "online_rate_target": "Tỷ lệ nộp trực tuyến (chỉ tiêu)"}


def test_the_dossiers_behind_a_number_know_every_count() -> None:
    # the explorer offers every count measure's dossiers: dossiers.sql must select each one
    listed = set(re.findall(r"when '(\w+)'\s+then", query_sql("dossiers")))
    assert listed == set(registry.DOSSIER_COUNTS)


def test_ranking_counts_the_dossiers_behind_a_rate_from_its_denominator() -> None:
    # A: 4 resolved + 7 pending = 11 behind its 766 rate (≥ 10: ranked), though only 4 resolved.
    # B: 30 received, but the digitisation flag known for 3 only (< 10: not ranked on digitisation).
    frame = pl.DataFrame(
        {
            "unit_name": ["A", "B"],
            "received": [12, 30],
            "resolved": [4, 20],
            "pending": [7, 0],
            "received_digitised_known": [12, 3],
            "on_time_rate_766": [0.5, 0.9],
            "digitised_rate": [0.25, 1.0],
        }
    )
    assert ranked(frame, "on_time_rate_766", worst=True)["unit_name"].to_list() == ["A", "B"]
    assert ranked(frame, "digitised_rate", worst=True)["unit_name"].to_list() == ["A"]


def test_the_targets_file_agrees_with_the_registry() -> None:
    # the file keeps its `direction` for other tools; the registry decides, so they must agree
    targets = load_targets(ROOT / "config" / "targets.toml")
    by_target = {m.target: m for m in registry.MEASURES if m.target}
    assert set(targets.values) <= set(by_target)
    for key, direction in targets.directions.items():
        assert by_target[key].better == direction, key


def test_briefing_explains_a_rate_by_its_registry_ratio(briefing_text: str) -> None:
    # March 2023, whole province (test_reports_snapshot's hand count): on time (QĐ 766) =
    # (early 5 + on time 3 + pending within due 4) / (resolved 12 + pending 7) = 12 / 19;
    # digitised 7 of 16 received, every flag known
    assert "12 / 19 hồ sơ đã và đang giải quyết" in briefing_text
    assert "7 / 16 hồ sơ có thông tin số hóa" in briefing_text
