"""`python -m reports snapshot` as a process: errors are one line and exit 2; a failure
mid-way leaves no partial file; scheduled runs are logged in the archive and retried."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from conftest import FIXTURES, load, run_module

from ingest.worker import export_tick
from reports.config import ExportsConfig
from reports.exports import run_export
from reports.schedule import read_runs
from warehouse.paths import WarehousePaths

KPI_FIXTURES = FIXTURES / "kpi"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    warehouse = WarehousePaths(tmp_path_factory.mktemp("cli") / "warehouse.duckdb")
    load(warehouse, KPI_FIXTURES / "agencies.csv", KPI_FIXTURES / "procedures.csv", KPI_FIXTURES / "dossiers.csv")
    return warehouse


def snapshot(wh: WarehousePaths, *args: str, env: dict[str, str] | None = None):
    return run_module("reports", "snapshot", "--warehouse", str(wh.database), "--no-wall", *args, env=env)


def test_cli_writes_the_files_and_prints_the_data_version(wh: WarehousePaths, tmp_path: Path) -> None:
    done = snapshot(wh, "--period", "2023-03", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert {Path(line).name for line in done.stdout.splitlines()[:-1]} == {
        "briefing.pdf",
        "form_06a.xlsx",
        "index766.csv",
        "kpi.csv",
        "overdue.csv",
        "kpi.xlsx",
        "overdue.xlsx",
    }
    assert "Tỉnh Thái Nguyên, 01/03/2023–31/03/2023: data version " in done.stdout


def test_cli_default_folder_is_the_archive_by_today(wh: WarehousePaths, tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[exports]\narchive_dir = "{tmp_path / "archive"}"\n', encoding="utf-8")
    done = snapshot(
        wh, "--period", "month", "--unit", "Cù Vân", env={"IOC_SOURCES": str(sources), "IOC_TODAY": "2023-03-20"}
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "archive" / "2023-03-20" / "month-2023-03-cu-van" / "briefing.pdf").is_file()


def test_unknown_unit_is_one_line_with_candidates(wh: WarehousePaths, tmp_path: Path) -> None:
    done = snapshot(wh, "--period", "2023-03", "--unit", "Cù", "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.startswith("reports: no unit or agency named or coded 'Cù'")
    assert "; did you mean: " in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_bad_period_is_one_line(wh: WarehousePaths, tmp_path: Path) -> None:
    done = snapshot(wh, "--period", "2023-13", "--out", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip() == "reports: '2023-13' is not a real date"


def test_no_published_data_is_one_line(tmp_path: Path) -> None:
    done = snapshot(WarehousePaths(tmp_path / "empty.duckdb"), "--period", "month", "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "no data has been published" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_failure_mid_way_leaves_the_earlier_snapshot_and_no_partial_file(wh: WarehousePaths, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert snapshot(wh, "--period", "2023-03", "--out", str(out)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # A broken targets file fails the PDF, the last step: the CSVs and the XLSX of this
    # run were already written (into the staging folder) when it failed.
    broken = tmp_path / "targets.toml"
    broken.write_text("[kpi.online_rate\n", encoding="utf-8")
    done = snapshot(wh, "--period", "2023-02", "--out", str(out), env={"IOC_TARGETS": str(broken)})
    assert done.returncode == 2
    assert "nothing was written" in done.stderr and "Traceback" not in done.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # not one file of February


@pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed: ./setup.sh installs it"
)
def test_wall_png_is_rendered_at_full_hd(wh: WarehousePaths, tmp_path: Path) -> None:
    pytest.importorskip("reports.browser", reason="reports.browser (the wall renderer) is not there yet")
    from PIL import Image

    done = run_module(
        "reports",
        "snapshot",
        "--warehouse",
        str(wh.database),
        "--period",
        "2023-03",
        "--out",
        str(tmp_path),
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    width, height = Image.open(tmp_path / "wall.png").size
    assert width >= 1920 and height >= 1080


# ------------------------------------------------------------------ scheduled runs


def test_scheduled_monthly_run_archives_by_run_day_and_logs_it(wh: WarehousePaths, tmp_path: Path) -> None:
    config = ExportsConfig(archive_dir=str(tmp_path), wall_png=False)
    run = run_export(wh, config, "monthly", now=datetime(2023, 4, 1, 7, 0, tzinfo=HCM))
    assert run.ok
    folder = tmp_path / "2023-04-01" / "month-2023-03"
    assert sorted(p.name for p in folder.iterdir()) == [
        "briefing.pdf",
        "form_06a.xlsx",
        "index766.csv",
        "kpi.csv",
        "kpi.xlsx",
        "manifest.json",
        "overdue.csv",
        "overdue.xlsx",
    ]
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["period"]["start"] == "2023-03-01"
    [entry] = read_runs(tmp_path)
    assert (entry["status"], entry["kind"], entry["folder"]) == ("ok", "monthly", "2023-04-01/month-2023-03")


def test_scheduled_run_without_data_is_logged_not_raised(tmp_path: Path) -> None:
    empty = WarehousePaths(tmp_path / "empty.duckdb")
    config = ExportsConfig(archive_dir=str(tmp_path / "archive"), wall_png=False)
    run = run_export(empty, config, "daily", now=datetime(2026, 11, 23, 7, 0, tzinfo=HCM))
    assert not run.ok
    [entry] = read_runs(tmp_path / "archive")
    assert entry["status"] == "no_data" and "no data has been published" in entry["error"]
    assert not (tmp_path / "archive" / "2026-11-23").exists()


def test_failed_export_is_retried_later_for_the_same_period(tmp_path: Path) -> None:
    empty = WarehousePaths(tmp_path / "empty.duckdb")
    config = ExportsConfig(archive_dir=str(tmp_path / "archive"), wall_png=False, retry_minutes=15, retry_attempts=2)
    scheduler = BackgroundScheduler(timezone="Asia/Ho_Chi_Minh")
    export_tick(scheduler, empty, config, "weekly", threading.Event())
    [job] = scheduler.get_jobs()
    assert job.id == "export:weekly:retry"
    period, attempt = job.args[5], job.args[6]
    assert attempt == 2 and period.kind == "week" and period.start.weekday() == 0


def test_retries_stop_after_the_configured_attempts(tmp_path: Path) -> None:
    empty = WarehousePaths(tmp_path / "empty.duckdb")
    config = ExportsConfig(archive_dir=str(tmp_path / "archive"), wall_png=False, retry_attempts=2)
    scheduler = BackgroundScheduler(timezone="Asia/Ho_Chi_Minh")
    export_tick(scheduler, empty, config, "daily", threading.Event(), None, 3)
    assert scheduler.get_jobs() == []


def test_period_after_the_data_time_is_refused(wh: WarehousePaths, tmp_path: Path) -> None:
    # 2099 would otherwise be read as its one day up to today: a report of nothing
    done = snapshot(wh, "--period", "2099", "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.startswith("reports: the period 01/01/2099–31/12/2099 starts after the data time")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
