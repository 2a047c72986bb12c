"""Nothing lost, nothing invisible: a writer killed at any moment (DESIGN §2, issue 11).

A real `python -m ingest load` process kills itself with SIGKILL at a named point
(`IOC_TEST_KILL_AT`, warehouse/crashpoints.py); then the next command that opens the
writer runs. What the published KPIs say is read before and after. In January 2023:

    a.csv  H1..H3   -> received 3 (loaded and published before each test)
    b.csv  H4, H5   -> received 5
    c.csv  H6       -> received 6 (with b)
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from conftest import kpi_one, load, raw, run_module, write_csv

from warehouse.paths import WarehousePaths
from warehouse.writer import open_writer

HEADER = "MaHoSo,MaTTHC,MaLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy"


def dossiers(*keys: int) -> list[str]:
    return [f"H{key},1.000656,G01,XA-CV,2,4,202301{10 + key:02d}080000,20230130170000," for key in keys]


@pytest.fixture
def files(tmp_path: Path, warehouse: WarehousePaths) -> dict[str, Path]:
    made = {
        "a": write_csv(tmp_path / "a.csv", HEADER, *dossiers(1, 2, 3)),
        "b": write_csv(tmp_path / "b.csv", HEADER, *dossiers(4, 5)),
        "c": write_csv(tmp_path / "c.csv", HEADER, *dossiers(6)),
    }
    assert load(warehouse, made["a"]).snapshot is not None
    return made


def received(warehouse: WarehousePaths) -> int:
    """January's received count, as published (what the dashboard and `kpi` show)."""
    return kpi_one(warehouse, "2023-01-01", "2023-01-31")["received"]


def stored(warehouse: WarehousePaths) -> int:
    """Dossiers in the writer's database, published or not."""
    return raw(warehouse, "select count(*) from raw_dossiers")[0][0]


def ingest_load(warehouse: WarehousePaths, *paths: Path, kill_at: str | None = None):
    env = {"IOC_TEST_KILL_AT": kill_at} if kill_at else None
    return run_module("ingest", "load", "--warehouse", str(warehouse.database), *map(str, paths), env=env)


def killed(warehouse: WarehousePaths, *paths: Path, at: str) -> None:
    done = ingest_load(warehouse, *paths, kill_at=at)
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr


def leftovers(warehouse: WarehousePaths) -> list[str]:
    return sorted(p.name for p in warehouse.snapshots.iterdir() if p.name.endswith((".tmp", ".wal")))


# ------------------------------------------------------------------ the three moments


def test_killed_before_commit_changes_nothing_and_the_retry_loads(warehouse: WarehousePaths, files) -> None:
    killed(warehouse, files["b"], at="load:before-commit")
    assert (received(warehouse), stored(warehouse)) == (3, 3)

    retry = load(warehouse, files["b"]).files[0]
    assert (retry.already_loaded, retry.rows_loaded) == (False, 2)
    assert received(warehouse) == 5


def test_killed_after_commit_the_same_file_again_publishes_it(warehouse: WarehousePaths, files) -> None:
    killed(warehouse, files["b"], at="publish:start")
    assert (received(warehouse), stored(warehouse)) == (3, 5)  # committed, invisible

    retry = ingest_load(warehouse, files["b"])
    assert retry.returncode == 0, retry.stderr
    assert "b.csv: already loaded" in retry.stdout
    assert "published data version" in retry.stderr  # says why the data changed anyway
    assert received(warehouse) == 5


def test_killed_during_publish_the_next_load_publishes_and_cleans_up(warehouse: WarehousePaths, files) -> None:
    before = warehouse.current_pointer.read_text()
    killed(warehouse, files["b"], at="publish:copied")
    assert warehouse.current_pointer.read_text() == before
    assert received(warehouse) == 3
    assert any(name.endswith(".tmp.wal") for name in leftovers(warehouse))

    assert load(warehouse, files["c"]).all_read
    assert received(warehouse) == 6
    assert leftovers(warehouse) == []
    assert not Path(f"{warehouse.database}.wal").exists()  # the writer's own, replayed and checkpointed


def test_crash_in_a_later_file_is_published_by_the_next_writer(warehouse: WarehousePaths, files) -> None:
    killed(warehouse, files["b"], files["c"], at="load:before-commit#2")
    assert (received(warehouse), stored(warehouse)) == (3, 5)

    with open_writer(warehouse):  # what `ingest pull` and the worker open too
        pass
    assert received(warehouse) == 5


# ------------------------------------------------------------------ nothing owed, nothing done


def test_a_writer_with_nothing_unpublished_publishes_nothing(warehouse: WarehousePaths, files) -> None:
    before = warehouse.current_pointer.read_text()
    with open_writer(warehouse):
        pass
    assert warehouse.current_pointer.read_text() == before


def test_the_published_snapshot_names_the_last_file_it_holds(warehouse: WarehousePaths, files) -> None:
    load(warehouse, files["b"])
    [(last,)] = raw(warehouse, "select max(file_id) from ingest_files")
    assert f'"file_id": {last}' in warehouse.current_pointer.read_text()


def test_a_pointer_from_before_the_counter_is_published_over_once(warehouse: WarehousePaths, files) -> None:
    pointer = json.loads(warehouse.current_pointer.read_text())
    del pointer["file_id"]
    warehouse.current_pointer.write_text(json.dumps(pointer))
    with open_writer(warehouse):
        pass
    republished = warehouse.current_pointer.read_text()
    assert json.loads(republished)["version"] != pointer["version"]
    with open_writer(warehouse):
        pass
    assert warehouse.current_pointer.read_text() == republished
