"""One target rule (DESIGN §4): a figure takes the target of the level its dossiers come
from (a commune's → commune; a level filter → that level; a mix of levels, the whole
province or a pre-reform district with its communes → `all`), by year, falling back to
the latest earlier year. The wall's tiles, the explorer's, the briefing and
`kpi --with-targets` all show the same one.

The fixture is tests/fixtures/kpi (Sở Tư pháp at province level; huyện Đại Từ, code
171, with its communes Cù Vân 05809 and Mỹ Yên); the targets file below is written for
these tests, with a different online-filing target per level so that each case can only
pass with the right level:

    online_rate   all 2021: 61%, 2024: 99%   province 2023: 81%   district 2022: 71%
                  commune 2023: 51%, 2025: 55%
    on_time_rate  all 2023: 93%  (no per-level entry: every level falls back to all)
    pending_overdue  all 2023: ≤ 2

Hand-worked, March 2023 (year 2023):
    Cù Vân (commune)              online 51% (commune 2023)   on time 93% (all)
    Đại Từ with its communes      online 61% (all, from 2021)
    level = district              online 71% (district, from 2022)
    the whole province            online 61%
    by area, the province:        its departments 81% (province), Đại Từ with its communes 61%
    by area, Đại Từ:              its own one-stop 71% (district), each commune 51%
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, load, run_main
from streamlit.testing.v1 import AppTest

from reports.snapshot import make_snapshot
from warehouse.kpi_targets import target_level
from warehouse.paths import WarehousePaths
from warehouse.query import KpiFilter, kpi
from warehouse.snapshot import open_snapshot
from warehouse.targets import load_targets

KPI = FIXTURES / "kpi"
TARGETS = """
[kpi.online_rate]
direction = "higher"
[kpi.online_rate.all]
2021 = 0.61
2024 = 0.99
[kpi.online_rate.province]
2023 = 0.81
[kpi.online_rate.district]
2022 = 0.71
[kpi.online_rate.commune]
2023 = 0.51
2025 = 0.55

[kpi.on_time_rate]
direction = "higher"
[kpi.on_time_rate.all]
2023 = 0.93

[kpi.pending_overdue]
direction = "lower"
[kpi.pending_overdue.all]
2023 = 2
"""
MARCH = ("--from", "2023-03-01", "--to", "2023-03-31")


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    warehouse = WarehousePaths(tmp_path_factory.mktemp("targets") / "warehouse.duckdb")
    assert load(warehouse, KPI / "agencies.csv", KPI / "procedures.csv", KPI / "dossiers.csv").all_read
    return warehouse


@pytest.fixture(scope="module")
def targets_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "targets.toml"
    path.write_text(TARGETS, encoding="utf-8")
    return path


def kpi_with_targets(wh: WarehousePaths, targets_file: Path, *args: str) -> list[dict]:
    done = run_main(
        "warehouse",
        "kpi",
        "--warehouse",
        str(wh.database),
        "--format",
        "json",
        "--with-targets",
        *args,
        env={"IOC_TARGETS": str(targets_file)},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# ------------------------------------------------------------------ the rule itself


def test_rule_commune_level_filter_and_mixes() -> None:
    assert target_level(None, "commune") == "commune"
    assert target_level("district", None) == "district"
    assert target_level("commune", "district") == "commune"  # a filter wins over the unit
    assert target_level(None, "district") == "all"  # a district with its communes
    assert target_level(None, None) == "all"  # the whole province
    assert target_level(None, "province", one_level=True) == "province"  # the province's own agencies


# ------------------------------------------------------------------ kpi --with-targets


def test_cli_commune_takes_the_commune_target(wh, targets_file) -> None:
    [row] = kpi_with_targets(wh, targets_file, *MARCH, "--unit", "05809")
    assert row["online_rate_target"] == 0.51
    assert row["on_time_rate_target"] == 0.93  # no commune entry: all


def test_cli_district_with_its_communes_takes_all(wh, targets_file) -> None:
    [row] = kpi_with_targets(wh, targets_file, *MARCH, "--unit", "171")
    assert row["online_rate_target"] == 0.61


def test_cli_level_filter_takes_that_level(wh, targets_file) -> None:
    [row] = kpi_with_targets(wh, targets_file, *MARCH, "--level", "district")
    assert row["online_rate_target"] == 0.71


def test_cli_whole_province_takes_all(wh, targets_file) -> None:
    [row] = kpi_with_targets(wh, targets_file, *MARCH)
    assert row["online_rate_target"] == 0.61
    assert row["pending_overdue_target"] == 2


def test_cli_by_level_rows_take_their_own_level(wh, targets_file) -> None:
    rows = kpi_with_targets(wh, targets_file, *MARCH, "--by", "level")
    assert {row["level"]: row["online_rate_target"] for row in rows} == {
        "province": 0.81,
        "district": 0.71,
        "commune": 0.51,
    }


def test_cli_by_month_falls_back_to_the_latest_earlier_year(wh, targets_file) -> None:
    rows = kpi_with_targets(wh, targets_file, "--from", "2023-12-01", "--to", "2024-01-31", "--by", "month")
    assert [row["online_rate_target"] for row in rows] == [0.61, 0.99]  # all: 2021's, then 2024's


def test_cli_targets_sit_beside_their_measure_and_only_where_one_exists(wh, targets_file) -> None:
    [row] = kpi_with_targets(wh, targets_file, *MARCH)
    names = list(row)
    assert names[names.index("online_rate") + 1] == "online_rate_target"
    assert names[names.index("pending_overdue") + 1] == "pending_overdue_target"
    assert row["digitised_rate_target"] is None  # a target key, but none in this file
    assert "online_rate_eligible_target" not in row  # no target at all (registry)
    assert "received_target" not in row


def test_cli_without_the_option_has_no_targets(wh, targets_file) -> None:
    done = run_main(
        "warehouse",
        "kpi",
        "--warehouse",
        str(wh.database),
        "--format",
        "json",
        *MARCH,
        env={"IOC_TARGETS": str(targets_file)},
    )
    assert not [name for name in json.loads(done.stdout)[0] if name.endswith("_target")]


# ------------------------------------------------------------------ rows by area (the ranking, the explorer's table)


def area_targets(wh: WarehousePaths, targets_file: Path, unit: str | None) -> dict[str, float | None]:
    spec = KpiFilter(date(2023, 3, 1), date(2023, 3, 31), unit=unit, by="area")
    with open_snapshot(wh) as (con, _info):
        frame = kpi(con, spec, targets=load_targets(targets_file))
    return dict(zip(frame["unit_name"], frame["online_rate_target"]))


def test_area_rows_of_the_province(wh, targets_file) -> None:
    # the province's own departments are of one level; the district comes with its communes
    assert area_targets(wh, targets_file, None) == {"Tỉnh Thái Nguyên": 0.81, "Huyện Đại Từ": 0.61}


def test_area_rows_of_a_district(wh, targets_file) -> None:
    # the district's own one-stop, then each commune
    assert area_targets(wh, targets_file, "171") == {"Huyện Đại Từ": 0.71, "Xã Cù Vân": 0.51, "Xã Mỹ Yên": 0.51}


# ------------------------------------------------------------------ the dashboard's tiles


def open_page(monkeypatch, wh: WarehousePaths, targets_file: Path, page: str | None = None, **params: str) -> AppTest:
    monkeypatch.setenv("IOC_WAREHOUSE", str(wh.database))
    monkeypatch.setenv("IOC_TODAY", "2023-03-31")
    monkeypatch.setenv("IOC_TARGETS", str(targets_file))
    monkeypatch.chdir(ROOT)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if page:
        app.run()
        app.switch_page(page)
    for name, value in params.items():
        app.query_params[name] = value
    return app.run()


def online_tile_target(app: AppTest) -> str:
    """The caption under the online-filing tile (the second tile after the received ones)."""
    assert not app.exception
    notes = [c.value for c in app.caption if c.value.startswith("Chỉ tiêu ≥ ") and "93,0%" not in c.value]
    assert len(notes) == 1, notes
    return notes[0].split(" · ")[0]


def test_wall_tile_commune_by_name(monkeypatch, wh, targets_file) -> None:
    app = open_page(monkeypatch, wh, targets_file, unit="Cù Vân")
    assert online_tile_target(app) == "Chỉ tiêu ≥ 51,0%"


def test_wall_tile_district_with_its_communes(monkeypatch, wh, targets_file) -> None:
    app = open_page(monkeypatch, wh, targets_file, unit="171")
    assert online_tile_target(app) == "Chỉ tiêu ≥ 61,0%"


def test_wall_tile_whole_province(monkeypatch, wh, targets_file) -> None:
    app = open_page(monkeypatch, wh, targets_file)
    assert online_tile_target(app) == "Chỉ tiêu ≥ 61,0%"


def test_explorer_tile_level_filter(monkeypatch, wh, targets_file) -> None:
    app = open_page(monkeypatch, wh, targets_file, "pages/explorer.py", level="district")
    assert online_tile_target(app) == "Chỉ tiêu ≥ 71,0%"


def test_explorer_tile_commune(monkeypatch, wh, targets_file) -> None:
    app = open_page(monkeypatch, wh, targets_file, "pages/explorer.py", district="171", commune="05809")
    assert online_tile_target(app) == "Chỉ tiêu ≥ 51,0%"


# ------------------------------------------------------------------ the briefing


def briefing(wh: WarehousePaths, out: Path, unit: str | None) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed: ./setup.sh installs it")
    make_snapshot(wh, "2023-03", out, unit=unit, wall=False)
    done = subprocess.run(
        ["pdftotext", "-raw", str(out / "briefing.pdf"), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


def online_briefing_target(text: str) -> str:
    # the online tile: its label, value, detail, then "Chỉ tiêu ≥ x%"
    after = text.split("TỶ LỆ NỘP TRỰC TUYẾN", 1)[1]
    return "Chỉ tiêu ≥ " + after.split("Chỉ tiêu ≥ ", 1)[1].split(" ", 1)[0]


def test_briefing_commune(monkeypatch, wh, targets_file, tmp_path) -> None:
    monkeypatch.setenv("IOC_TARGETS", str(targets_file))
    assert online_briefing_target(briefing(wh, tmp_path, "Cù Vân")) == "Chỉ tiêu ≥ 51,0%"


def test_briefing_district_with_its_communes(monkeypatch, wh, targets_file, tmp_path) -> None:
    monkeypatch.setenv("IOC_TARGETS", str(targets_file))
    assert online_briefing_target(briefing(wh, tmp_path, "171")) == "Chỉ tiêu ≥ 61,0%"


def test_briefing_whole_province(monkeypatch, wh, targets_file, tmp_path) -> None:
    monkeypatch.setenv("IOC_TARGETS", str(targets_file))
    text = briefing(wh, tmp_path, None)
    assert online_briefing_target(text) == "Chỉ tiêu ≥ 61,0%"
    assert "Chỉ tiêu ≥ 93,0%" in text  # on time, all levels


def test_briefing_agency_of_a_level(monkeypatch, wh, targets_file, tmp_path) -> None:
    # an agency's own dossiers are of one level: the briefing of UBND huyện Đại Từ itself
    monkeypatch.setenv("IOC_TARGETS", str(targets_file))
    assert online_briefing_target(briefing(wh, tmp_path, "H56.DAITU")) == "Chỉ tiêu ≥ 71,0%"
