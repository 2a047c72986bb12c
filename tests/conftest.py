"""Shared test helpers: a real warehouse file per test, loaded through the real loader."""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KPI = FIXTURES / "kpi"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.load import LoadResult, load_paths  # noqa: E402
from warehouse.paths import WarehousePaths  # noqa: E402
from warehouse.query import KpiFilter, kpi  # noqa: E402
from warehouse.snapshot import open_snapshot  # noqa: E402

# Modules whose tests pull over HTTP, start processes or a browser, or build the demo's
# history: `./test.sh -m "not slow"` leaves them out (a quick check while working). Every
# test marked `browser` is slow too, listed here or not (its session pulls the demo over HTTP).
SLOW_MODULES = frozenset(
    {
        "browser/test_browser.py",
        "browser/test_wall_fit.py",
        "browser/test_hostile_links.py",
        "browser/test_pages_v2.py",
        "test_pull.py",
        "test_pull_bounds.py",
        "test_worker.py",
        "test_worker_bounds.py",
        "test_reports_cli.py",
        "test_concurrency.py",
        "test_publish_recovery.py",
        "test_demo_figures.py",
        "test_demo_simulation.py",
        "test_demo_form06a.py",
        "test_demo_v2_pull.py",
        "test_demo_index766.py",
        "test_demo_reform_continuity.py",
        "browser/test_index766_page.py",
    }
)


def pytest_configure(config: pytest.Config) -> None:
    # warehouse/query.py silences this at import; pytest resets filters for each test.
    config.addinivalue_line("filterwarnings", "ignore:Arrow output on a DB-API result:UserWarning")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests = Path(__file__).resolve().parent
    for item in items:
        if item.path.relative_to(tests).as_posix() in SLOW_MODULES or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def warehouse(tmp_path: Path) -> WarehousePaths:
    return WarehousePaths(tmp_path / "warehouse.duckdb")


def load(warehouse: WarehousePaths, *files: Path) -> LoadResult:
    return load_paths(warehouse, list(files))


def copy_warehouse(template: Path, folder: Path) -> WarehousePaths:
    """A copy of the warehouse built in `template` (its database, snapshots, archive and
    reports beside it) into `folder`: the test's own, to read or write."""
    shutil.copytree(template, folder, dirs_exist_ok=True)
    return WarehousePaths(folder / "warehouse.duckdb")


# The hand-computed KPI fixture (tests/test_kpi_exact.py lists its dossiers) is what most
# page and report tests look at: it is loaded once, and each test gets a copy (a load through
# the real loader takes 1-2 s, a copy some milliseconds).
@pytest.fixture(scope="session")
def kpi_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the KPI fixture loaded through the real loader; copy it, never open it."""
    folder = tmp_path_factory.mktemp("kpi-template")
    result = load(
        WarehousePaths(folder / "warehouse.duckdb"), KPI / "agencies.csv", KPI / "procedures.csv", KPI / "dossiers.csv"
    )
    assert result.all_read and all(report.rows_loaded for report in result.files), result
    return folder


@pytest.fixture(scope="module")
def kpi_read_only(kpi_template: Path, tmp_path_factory: pytest.TempPathFactory) -> WarehousePaths:
    """The KPI fixture shared by a module's tests that only read it (pages in AppTest): the
    dashboard's cached reads, keyed by the warehouse's path and data version, then serve the
    module's later tests as they serve a later visitor. A test that writes takes `kpi_loaded`."""
    return copy_warehouse(kpi_template, tmp_path_factory.mktemp("kpi-read-only"))


@pytest.fixture
def kpi_loaded(kpi_template: Path, warehouse: WarehousePaths) -> WarehousePaths:
    """`warehouse` holding the KPI fixture, as if the test had loaded it."""
    return copy_warehouse(kpi_template, warehouse.database.parent)


def kpi_rows(warehouse: WarehousePaths, date_from: str, date_to: str, **options) -> list[dict]:
    """KPI rows through the same typed API the pages and the CLI use."""
    spec = KpiFilter(date.fromisoformat(date_from), date.fromisoformat(date_to), **options)
    with open_snapshot(warehouse) as (con, _info):
        return kpi(con, spec).to_dicts()


def kpi_one(warehouse: WarehousePaths, date_from: str, date_to: str, **options) -> dict:
    rows = kpi_rows(warehouse, date_from, date_to, **options)
    assert len(rows) == 1
    return rows[0]


def run_module(
    module: str, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run `python -m module args...` from the repository root, as scripts do."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def run_main(module: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`module.__main__.main(args)` in this process, answered like `run_module`: for tests of what
    a command prints and returns. Each CLI keeps a test through `run_module` for its entry point;
    starting an interpreter and importing the project costs ~1.5 s a call."""
    main = importlib.import_module(f"{module}.__main__").main
    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    os.environ.update(env or {})
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit:  # argparse's usage errors
                code = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 1
                if isinstance(exit.code, str):
                    print(exit.code, file=sys.stderr)
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess([module, *args], code, out.getvalue(), err.getvalue())


def kpi_cli_json(warehouse: WarehousePaths, *args: str) -> list[dict]:
    done = run_main("warehouse", "kpi", "--warehouse", str(warehouse.database), "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def write_csv(path: Path, header: str, *rows: str, encoding: str = "utf-8") -> Path:
    path.write_text("\n".join((header, *rows)) + "\n", encoding=encoding)
    return path


def raw(warehouse: WarehousePaths, sql: str) -> list[tuple]:
    """Rows from the writer's database itself (raw tables, quarantine), read-only."""
    con = duckdb.connect(str(warehouse.database), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
