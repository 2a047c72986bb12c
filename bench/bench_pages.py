"""Benchmark of the dashboard as a person sees it: Chromium against the real Streamlit
server on 127.0.0.1, over a warehouse of about 2 million dossiers.

    python -m bench.bench_pages [--dossiers 2000000] [--soak-minutes 10] [--out DIR] [--seed-from PATH]

1. Warehouse: the demo portal's whole history pulled over HTTP (its clock frozen at
   now), topped up with synthetic dossiers of other codes to N (as bench_live does);
   kept in DIR/pages/ and reused by later runs (republished, so the marts follow the
   current SQL). `--seed-from` copies a writer database built elsewhere instead.
2. First render of every page: from navigation start until the app is idle with its
   main element on screen. The first visit: a new browser, the server's caches not yet
   filled for that page; the next: a new tab (a new Streamlit session, the browser's
   HTTP cache warm). Where the time goes: loading the page and opening the session,
   the script run on the server, drawing after it. Beside it, the same measure on
   one-line apps (the floors): Streamlit alone, and Streamlit with one tiny Plotly
   chart, the floor of a page that draws Plotly. Target < 2 s.
3. A filter change on Phân tích: from the click on an option until the rerun it
   triggers has finished and nothing is stale. Target < 1 s.
4. Soak: the wall screen rotating every 2 s (`/?wall=1&rotate=2`) for --soak-minutes;
   every 15 s the server's RSS (its children included) and the page's JS heap after a
   forced garbage collection; slope by least squares (MB/min), over the whole run and
   over its second half, after the caches have filled. Target: flat (the second half).

Beside each time, a raw DuckDB figure from the same run: a GROUP BY over the same
dossiers (`select MaDonVi, MaLinhVuc, count(*) ... group by all` on the writer's
database, best of 5), so that the ratio travels between machines.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psutil
from playwright.sync_api import Browser, Page

from bench.bench_data_core import best_of
from reports.browser import (
    Dashboard,
    chromium,
    count_runs,
    open_page,
    run_dashboard,
    run_times,
    runs_finished,
    wait_rerun,
)

ROOT = Path(__file__).resolve().parent.parent
METRIC = '[data-testid="stMetric"]'
HEADING = '[data-testid="stMain"] [data-testid="stHeading"]'
PAGES = {
    "Tổng quan": ("/", METRIC),
    "Phân tích": ("/phan-tich", HEADING),
    "Hồ sơ trễ hạn": ("/tre-han", HEADING),
    "Dữ liệu": ("/du-lieu", HEADING),
    "Báo cáo": ("/bao-cao", HEADING),
}
FILTERS = ("Kênh nộp", "Kỳ báo cáo", "Lĩnh vực")
# A custom range opens date inputs: not a one-click change.
NOT_ONE_CLICK = frozenset({"Tuỳ chọn", "Tùy chọn", "Custom"})
FIRST_RENDER_TARGET_S = 2.0
FILTER_TARGET_S = 1.0
SAMPLE_EVERY_S = 15.0
# Within noise for a process of a few hundred MB sampled over minutes.
FLAT_MB_PER_MIN = 1.0

# ------------------------------------------------------------------ the warehouse


def dossier_count(database: Path) -> int:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute("select count(*) from raw_dossiers").fetchone()[0]
    finally:
        con.close()


def build_warehouse(database: Path, dossiers: int) -> None:
    from bench.bench_live import pull_once
    from bench.synthetic import generate
    from demo_portal.clock import SimClock, local_now
    from demo_portal.portal import DemoPortal
    from demo_portal.server import serve_in_thread
    from ingest.load import load_paths
    from warehouse.paths import WarehousePaths

    paths = WarehousePaths(database)
    shutil.rmtree(database.parent, ignore_errors=True)
    database.parent.mkdir(parents=True)
    started = time.perf_counter()
    with serve_in_thread(DemoPortal(clock=SimClock(local_now(), scale=0))) as server:
        pull_once(paths, server.url)
    have = dossier_count(database)
    if dossiers > have:
        files = generate(database.parent / "synthetic", dossiers - have)
        load_paths(paths, [files["dossiers"]])
        shutil.rmtree(database.parent / "synthetic", ignore_errors=True)
    print(f"built the warehouse ({dossier_count(database):,} dossiers) in {time.perf_counter() - started:.0f} s")


def republish(database: Path) -> None:
    from warehouse.paths import WarehousePaths
    from warehouse.publish import publish
    from warehouse.writer import open_writer

    paths = WarehousePaths(database)
    with open_writer(paths) as con:
        snapshot = publish(con, paths)
    print(f"republished {database} as data version {snapshot.version} (marts: {snapshot.refresh.mode})")


def prepare_warehouse(out: Path, dossiers: int, seed_from: Path | None) -> Path:
    database = out / "pages" / "warehouse.duckdb"
    if seed_from:
        shutil.rmtree(database.parent, ignore_errors=True)
        database.parent.mkdir(parents=True)
        shutil.copyfile(seed_from, database)
    elif not database.exists() or dossier_count(database) < 0.95 * dossiers:
        build_warehouse(database, dossiers)
    # Always: the snapshot must come from the current SQL, whatever built the file.
    republish(database)
    return database


def raw_group_by(database: Path) -> float:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return best_of(
            lambda: con.execute("select MaDonVi, MaLinhVuc, count(*) from raw_dossiers group by all").fetchall()
        )
    finally:
        con.close()


# ------------------------------------------------------------------ measurements


def new_page(browser: Browser, width: int = 1920, height: int = 1080) -> Page:
    # A context per page: a new Streamlit session, as a person opening a link.
    context = browser.new_context(viewport={"width": width, "height": height})
    count_runs(context)
    return context.new_page()


@dataclass(frozen=True)
class Render:
    """One first render, in seconds from navigation start."""

    total: float
    connected: float | None  # the first script run started (page loaded, session open)
    ran: float | None  # its last run before ready finished (the server's work done)

    def parts(self) -> str:
        if self.connected is None or self.ran is None:
            return ""
        return (
            f"load+connect {self.connected:.2f} · script {self.ran - self.connected:.2f} · "
            f"draw {self.total - self.ran:+.2f}"
        )


def _seconds(ms: float | None) -> float | None:
    return ms / 1000 if ms is not None else None


def first_render(browser: Browser, base_url: str, path: str, ready: str, page: Page | None = None) -> Render:
    own_context = page is None
    page = page or new_page(browser)
    try:
        ready_at = open_page(page, f"{base_url}{path}", ready, timeout_s=120, settle_s=0.3, polling_ms=20)
        started, ended = run_times(page)
        # Runs after the page was ready (the data-version check every 15 s) are not its own.
        ended = [ms for ms in ended if ms <= ready_at]
        return Render(
            ready_at / 1000, _seconds(started[0] if started else None), _seconds(ended[-1] if ended else None)
        )
    finally:
        (page.context if own_context else page).close()


def first_renders(browser: Browser, base_url: str) -> dict[str, tuple[Render | str, Render | str]]:
    """Per page: (first visit, next visit), or the error that stopped one.

    The first visit is a new browser (empty HTTP cache) on caches the server has not
    filled for that page; the next visit is a new tab of the same browser: a new
    Streamlit session, as a person reopening the link."""
    # The server's first session imports the app's modules: paid here, not by a page.
    first_render(browser, base_url, "/du-lieu", HEADING)
    results = {}
    for name, (path, ready) in PAGES.items():
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        count_runs(context)
        visits: list[Render | str] = []
        for _ in range(2):
            try:
                visits.append(first_render(browser, base_url, path, ready, context.new_page()))
            except Exception as error:  # noqa: BLE001 (a missing page is a row, not the end)
                visits.append(f"{type(error).__name__}: {str(error).splitlines()[0][:80]}")
        context.close()
        results[name] = (visits[0], visits[1])
    return results


FLOOR_APPS = {
    # What no page can be faster than here: Streamlit itself, and Streamlit with one
    # tiny Plotly chart (the browser evaluates plotly.js, several MB, on every page load).
    "Streamlit": 'import streamlit as st\nst.title("IOC")\n',
    "Streamlit + Plotly": (
        'import plotly.graph_objects as go\nimport streamlit as st\nst.title("IOC")\n'
        "st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])))\n"
    ),
}
# The pages that draw Plotly charts, compared with the Plotly floor.
PLOTLY_PAGES = frozenset({"Tổng quan"})


def floor_renders(browser: Browser, database: Path, scratch: Path) -> dict[str, float]:
    """The same measure on one-line apps (median of 3 next visits each)."""
    scratch.mkdir(parents=True, exist_ok=True)
    floors = {}
    for name, source in FLOOR_APPS.items():
        app = scratch / "floor_app.py"
        app.write_text(source, encoding="utf-8")
        with run_dashboard(database, app=app) as floor:
            first_render(browser, floor.url, "/", HEADING)  # the server's first session imports the modules
            floors[name] = statistics.median(first_render(browser, floor.url, "/", HEADING).total for _ in range(3))
    return floors


def change_option(page: Page, label: str, option: str) -> float:
    """Pick `option` in the selectbox `label`; seconds until its rerun has finished."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    choice = page.get_by_role("option", name=option, exact=True)
    choice.wait_for()
    before = runs_finished(page)
    started = time.perf_counter()
    choice.click()
    wait_rerun(page, before, timeout_s=60, polling_ms=10)
    return time.perf_counter() - started


def options_of(page: Page, label: str) -> tuple[str, list[str]]:
    box = page.get_by_role("combobox", name=label, exact=True)
    current = box.input_value()
    box.click()
    options = [text.strip() for text in page.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    return current, options


def filter_changes(browser: Browser, base_url: str) -> dict[str, list[float] | str]:
    """Per filter of Phân tích: the time of each change (every option, then back)."""
    page = new_page(browser)
    results: dict[str, list[float] | str] = {}
    try:
        open_page(page, f"{base_url}/phan-tich", HEADING, timeout_s=120)
        for label in FILTERS:
            try:
                current, options = options_of(page, label)
                picks = [o for o in options if o != current and o not in NOT_ONE_CLICK][:4]
                # ...and back, when the filter had a value (an empty one shows its placeholder).
                picks += [current] if current in options else []
                results[label] = [change_option(page, label, option) for option in picks]
            except Exception as error:  # noqa: BLE001
                results[label] = f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"
    finally:
        page.context.close()
    return results


@dataclass
class Soak:
    minutes: list[float] = field(default_factory=list)
    server_mb: list[float] = field(default_factory=list)
    heap_mb: list[float] = field(default_factory=list)
    headings: set[str] = field(default_factory=set)
    runs: int = 0
    exceptions: int = 0


def process_tree_rss_mb(pid: int) -> float:
    process = psutil.Process(pid)
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


def soak(browser: Browser, dashboard: Dashboard, minutes: float) -> Soak:
    page = new_page(browser)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    result = Soak()
    try:
        open_page(page, f"{dashboard.url}/?wall=1&rotate=2", HEADING, timeout_s=120)
        started = time.monotonic()
        while True:
            elapsed = time.monotonic() - started
            # Collected first: what is left is what the page holds on to.
            cdp.send("HeapProfiler.collectGarbage")
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            result.minutes.append(elapsed / 60)
            result.heap_mb.append(metrics["JSHeapUsedSize"] / 2**20)
            result.server_mb.append(process_tree_rss_mb(dashboard.process.pid))
            result.exceptions = max(result.exceptions, page.locator('[data-testid="stException"]').count())
            if elapsed >= minutes * 60:
                break
            # Sample the rotation between memory readings: it must keep turning.
            until = time.monotonic() + min(SAMPLE_EVERY_S, minutes * 60 - elapsed)
            while time.monotonic() < until:
                heading = page.locator(HEADING).first.inner_text(timeout=5000) if page.locator(HEADING).count() else ""
                result.headings.add(heading.strip())
                page.wait_for_timeout(1000)
        result.runs = runs_finished(page)
    finally:
        page.context.close()
    return result


def slope(xs: list[float], ys: list[float]) -> float:
    return statistics.linear_regression(xs, ys).slope


# ------------------------------------------------------------------ the report


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_renders(renders: dict, raw_s: float, floors: dict[str, float]) -> None:
    print(
        f"\nfirst render (navigation start → app idle, main element shown); raw GROUP BY {raw_s * 1000:.0f} ms; "
        + "; ".join(f"one-line app, {name}: {seconds:.2f} s" for name, seconds in floors.items())
        + " (the floors)"
    )
    print(
        f"{'page':16s} {'first visit':>12s} {'next visit':>12s} {'× raw':>8s} {'× floor':>8s}  target < {FIRST_RENDER_TARGET_S:.0f} s"
        f"   where the next visit's time goes (s)"
    )
    for name, (cold, warm) in renders.items():
        if isinstance(cold, str) or isinstance(warm, str):
            print(
                f"{name:16s} {cold if isinstance(cold, str) else f'{cold.total:.2f} s'}  /  "
                f"{warm if isinstance(warm, str) else f'{warm.total:.2f} s'}"
            )
            continue
        floor = floors["Streamlit + Plotly" if name in PLOTLY_PAGES else "Streamlit"]
        print(
            f"{name:16s} {cold.total:10.2f} s {warm.total:10.2f} s {cold.total / raw_s:7.0f}× {warm.total / floor:7.1f}×  "
            f"{verdict(max(cold.total, warm.total) < FIRST_RENDER_TARGET_S):6s}  {warm.parts()}"
        )


def print_filters(changes: dict, raw_s: float) -> None:
    print("\nfilter change on Phân tích (click → rerun finished)")
    print(f"{'filter':16s} {'median':>9s} {'max':>9s} {'× raw':>8s}  target < {FILTER_TARGET_S:.0f} s")
    for label, times in changes.items():
        if isinstance(times, str):
            print(f"{label:16s} {times}")
            continue
        median, worst = statistics.median(times), max(times)
        print(
            f"{label:16s} {median:7.2f} s {worst:7.2f} s {median / raw_s:7.0f}×  "
            f"{verdict(worst < FILTER_TARGET_S)}  ({len(times)} changes)"
        )


def print_soak(result: Soak, minutes: float) -> None:
    print(
        f"\nwall soak /?wall=1&rotate=2 for {minutes:g} min: {len(result.minutes)} samples, "
        f"{result.runs} script runs, {len(result.headings)} distinct panel headings, "
        f"exceptions seen: {result.exceptions}"
    )
    # The first half fills caches (DuckDB's buffer pool, Streamlit's caches, plotly.js in
    # the page): growth there is warm-up. A leak keeps growing: judged on the second half.
    half = len(result.minutes) // 2
    for name, values in (("server RSS (with children)", result.server_mb), ("page JS heap after GC", result.heap_mb)):
        if len(values) < 4:
            print(f"{name:28s} {values[-1]:7.1f} MB ({len(values)} samples: too few for a slope)")
            continue
        whole = slope(result.minutes, values)
        settled = slope(result.minutes[half:], values[half:])
        print(
            f"{name:28s} first {values[0]:7.1f} MB, at half-time {values[half]:7.1f} MB, last {values[-1]:7.1f} MB; "
            f"slope {whole:+6.2f} MB/min overall, {settled:+6.2f} MB/min in the second half  "
            f"{verdict(abs(settled) < FLAT_MB_PER_MIN)} (flat: |slope| < {FLAT_MB_PER_MIN:g} in the second half)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=2_000_000)
    parser.add_argument("--soak-minutes", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--seed-from", type=Path, help="copy this writer database instead of building one")
    args = parser.parse_args()

    database = prepare_warehouse(args.out, args.dossiers, args.seed_from)
    dossiers = dossier_count(database)
    raw_s = raw_group_by(database)
    print(f"{dossiers:,} dossiers; raw DuckDB GROUP BY over them (best of 5): {raw_s * 1000:.0f} ms")

    with chromium() as browser:
        floors = floor_renders(browser, database, args.out / "pages")
        with run_dashboard(database) as dashboard:
            renders = first_renders(browser, dashboard.url)
            changes = filter_changes(browser, dashboard.url)
            soaked = soak(browser, dashboard, args.soak_minutes)
    print_renders(renders, raw_s, floors)
    print_filters(changes, raw_s)
    print_soak(soaked, args.soak_minutes)


if __name__ == "__main__":
    main()
