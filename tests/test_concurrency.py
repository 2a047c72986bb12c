"""One writer at a time, readers never blocked and never shown half-written data (DESIGN §2).

Three ~50k-row dossier files, all received in January 2023:

    A  D000000..D049999 open                               -> received 50,000, resolved 0
    B  the same 50,000 finished on 28/01, + 2,000 new open -> received 52,000, resolved 50,000
    C  all 52,000 of A and B open again, + 1,000 new       -> received 53,000, resolved 0

A is loaded first; then B and C are loaded by two `ingest load` processes started at the
same time (the second one waits for the first one's lock), while a reader process reads
the KPI from the published snapshot in a loop. Whatever the order of B and C, every
state the reader may see is one of: A; A+B; A+C; A+B+C; A+C+B.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from conftest import ROOT, load, run_module

from warehouse.errors import WriterBusy
from warehouse.lock import writer_lock
from warehouse.paths import WarehousePaths

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER = "MaHoSo,MaTTHC,MaLinhVuc,MaDonVi,KenhThucHien,TrangThaiHoSo,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy"

COMPLETE_STATES = {
    (50_000, 0),  # A
    (52_000, 50_000),  # A then B
    (53_000, 0),  # A then C, or A, B then C
    (53_000, 50_000),  # A, C then B
}

READER = r"""
import json, sys
from datetime import date
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from warehouse.paths import WarehousePaths
from warehouse.query import KpiFilter, kpi
from warehouse.snapshot import open_snapshot

paths, stop = WarehousePaths(Path(sys.argv[2])), Path(sys.argv[3])
spec = KpiFilter(date(2023, 1, 1), date(2023, 1, 31))
while True:
    last = stop.exists()
    with open_snapshot(paths) as (con, info):
        row = kpi(con, spec).to_dicts()[0]
        dossiers = con.execute("select count(*) from fct_dossiers").fetchone()[0]
    print(json.dumps([info.version, row["received"], row["resolved"], dossiers]), flush=True)
    if last:
        break
"""

HOLDER = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from warehouse.lock import writer_lock

with writer_lock(Path(sys.argv[2])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[3]))
    print(time.time(), flush=True)  # still holding the lock
"""


def write_dossiers(path: Path, *parts: tuple[range, bool]) -> Path:
    """Dossiers D{key} received in January 2023; each part: (keys, finished on 28/01?)."""
    lines = [HEADER]
    for keys, finished in parts:
        status, end = ("9", "20230128100000") if finished else ("4", "")
        lines += [
            f"D{i:06d},1.000656,G01,XA-CV,{1 + i % 2},{status},202301{1 + i % 27:02d}080000,20230131170000,{end}"
            for i in keys
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_holder(lock: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(ROOT), str(lock), str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


# ------------------------------------------------------------------ readers during writes


def test_reader_sees_only_complete_snapshots_while_writers_load(tmp_path: Path, warehouse: WarehousePaths) -> None:
    file_a = write_dossiers(tmp_path / "a.csv", (range(50_000), False))
    file_b = write_dossiers(tmp_path / "b.csv", (range(50_000), True), (range(50_000, 52_000), False))
    file_c = write_dossiers(tmp_path / "c.csv", (range(53_000), False))

    assert load(warehouse, file_a).files[0].rows_loaded == 50_000

    stop = tmp_path / "stop"
    log = (tmp_path / "reader.log").open("w")
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(ROOT), str(warehouse.database), str(stop)],
        stdout=log,
        stderr=subprocess.PIPE,
        text=True,
    )
    writers: list[subprocess.Popen] = []
    try:
        time.sleep(0.5)  # the reader is reading before the writers start
        writers += [
            subprocess.Popen(
                [sys.executable, "-m", "ingest", "load", "--warehouse", str(warehouse.database), str(path)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for path in (file_b, file_c)
        ]
        outcomes = [writer.communicate(timeout=120) for writer in writers]
        stop.touch()
        _, reader_errors = reader.communicate(timeout=60)
    finally:
        for process in (reader, *writers):
            if process.poll() is None:
                process.kill()
        log.close()

    for writer, (out, err) in zip(writers, outcomes):
        assert writer.returncode == 0, out + err
    assert reader.returncode == 0, reader_errors

    reads = [json.loads(line) for line in (tmp_path / "reader.log").read_text().splitlines()]
    assert len(reads) >= 3
    seen = {(received, resolved) for _version, received, resolved, _rows in reads}
    assert seen <= COMPLETE_STATES, f"partial states seen: {seen - COMPLETE_STATES}"
    # the dossier table and the KPI of one read come from the same snapshot
    assert all(rows == received for _version, received, _resolved, rows in reads)
    # the last read, after both writers finished, sees everything
    assert reads[-1][1] == 53_000
    assert len({version for version, *_ in reads}) >= 2


# ------------------------------------------------------------------ the writer lock


def test_second_writer_gives_up_with_a_clear_message(tmp_path: Path) -> None:
    lock = tmp_path / "warehouse.duckdb.lock"
    holder = start_holder(lock, 30)
    try:
        started = time.monotonic()
        with pytest.raises(WriterBusy) as caught:
            with writer_lock(lock, wait_seconds=0.5):
                pass
        assert 0.4 <= time.monotonic() - started < 5
        assert str(holder.pid) in str(caught.value)
    finally:
        holder.kill()
        holder.communicate()


def test_second_writer_waits_for_the_first(tmp_path: Path) -> None:
    lock = tmp_path / "warehouse.duckdb.lock"
    holder = start_holder(lock, 1.0)
    try:
        started = time.monotonic()
        with writer_lock(lock, wait_seconds=20):
            waited = time.monotonic() - started
            assert holder.poll() is not None or holder.wait(timeout=5) == 0
        assert waited >= 0.5
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.communicate()


def test_killed_writer_leaves_no_stale_lock(tmp_path: Path) -> None:
    lock = tmp_path / "warehouse.duckdb.lock"
    holder = start_holder(lock, 30)
    os.kill(holder.pid, signal.SIGKILL)
    holder.communicate()
    with writer_lock(lock, wait_seconds=2):
        pass


def test_ingest_load_waits_for_a_writer_holding_the_lock(tmp_path: Path, warehouse: WarehousePaths) -> None:
    path = write_dossiers(tmp_path / "small.csv", (range(3), False))
    holder = start_holder(warehouse.lock, 2.5)
    try:
        done = run_module("ingest", "load", "--warehouse", str(warehouse.database), str(path))
        assert done.returncode == 0, done.stderr
        released_at = datetime.fromtimestamp(float(holder.stdout.readline()), LOCAL).replace(tzinfo=None)
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.communicate()
    con = duckdb.connect(str(warehouse.database), read_only=True)
    try:
        [(loaded_at,)] = con.execute("select loaded_at from ingest_files").fetchall()
    finally:
        con.close()
    assert loaded_at >= released_at  # it waited for the lock, then loaded
