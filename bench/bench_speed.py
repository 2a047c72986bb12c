"""Speed of the dashboard (issue 14 item 6): each figure beside its floor, measured in the same run.

    python -m bench.bench_speed [--out /work/bench-data] [--dossiers 2000000]
                                [--sessions 20] [--browsers 2] [--walls 2] [--minutes 5]
                                [--only runs,visits,switch,filters,load]

The warehouse is bench_pages' (DIR/pages/warehouse.duckdb, about 2 M dossiers, built once
and reused). The server is `bench.profiled_server`: the app as `ui.launch` runs it, with
every script run timed and split (queries, tables, charts) into a JSON-lines file.

1. runs     The server's script run of every page (target < 300 ms): the first run of a
            new session (the thin client, bench/st_client.py: no browser) and its split.
            Floor: the raw DuckDB GROUP BY over the dossiers.
2. visits   The cold first visit of every page (a new browser context: empty HTTP cache)
            against one-line apps: Streamlit alone (the floor; target ≤ 1.3×), and with one
            tiny chart by each renderer Streamlit ships that the pages could use (Plotly,
            st.line_chart, st.altair_chart), the bytes each makes the browser fetch.
3. switch   A page switch inside a session (a click in the sidebar, Chromium) until the
            new page is idle (target: median < 1 s). Floor: the same click between two
            pages of a one-line two-page app.
4. filters  A filter change on Phân tích (Chromium; target: p95 < 1 s), beside the
            server's script run of the same changes.
5. load     N concurrent sessions for M minutes: W walls rotating (thin clients, with the
            wall's fragment timer), the rest analysts changing a filter after a think time
            (all thin clients but --browsers in Chromium). Targets: no error, p95 of a
            filter change < 2 s, server memory flat after warm-up. Where the time goes:
            the client's wait against the server's script time, CPU of each process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.bench_pages import (
    FILTERS,
    HEADING,
    METRIC,
    NOT_ONE_CLICK,
    change_option,
    dossier_count,
    new_page,
    options_of,
    prepare_warehouse,
    process_tree_rss_mb,
    raw_group_by,
    slope,
)
from bench.st_client import ClientError, Session
from reports import browser as rb

ROOT = Path(__file__).resolve().parent.parent
# URL path → (the title in the sidebar, the element that says the page is drawn).
# The default page's path is "" (it is at /).
PAGES = {
    "": ("Tổng quan", METRIC),
    "phan-tich": ("Phân tích", HEADING),
    "chi-so-766": ("Chỉ số 766", METRIC),
    "dich-vu-cong": ("Dịch vụ công trực tuyến", METRIC),
    "hai-long": ("Hài lòng & phản ánh", METRIC),
    "tre-han": ("Hồ sơ trễ hạn", HEADING),
    "du-lieu": ("Dữ liệu", HEADING),
    "bao-cao": ("Báo cáo", HEADING),
}
WALL_QUERY = "wall=1&rotate={rotate}&vw=1920&vh=1080"
SCRIPT_TARGET_S, SWITCH_TARGET_S, FILTER_TARGET_S, LOAD_FILTER_TARGET_S = 0.3, 1.0, 1.0, 2.0
COLD_VISIT_RATIO = 1.3
FLAT_MB_PER_MIN = 1.0

FLOOR_APPS = {
    "Streamlit": 'import streamlit as st\nst.title("IOC")\n',
    "+ Plotly": (
        'import plotly.graph_objects as go\nimport streamlit as st\nst.title("IOC")\n'
        "st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])))\n"
    ),
    "+ st.line_chart": 'import streamlit as st\nst.title("IOC")\nst.line_chart({"y": [1, 3, 2]})\n',
    "+ st.altair_chart": (
        'import altair as alt\nimport pandas as pd\nimport streamlit as st\nst.title("IOC")\n'
        'st.altair_chart(alt.Chart(pd.DataFrame({"x": [1, 2, 3], "y": [1, 3, 2]})).mark_line().encode(x="x", y="y"))\n'
    ),
}
TWO_PAGES_APP = """import streamlit as st
def a():
    st.title("Alpha")
def b():
    st.title("Beta")
st.navigation([st.Page(a, title="Alpha", url_path="a", default=True), st.Page(b, title="Beta", url_path="b")]).run()
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def summary(values: list[float]) -> str:
    if not values:
        return "no sample"
    return (
        f"median {statistics.median(values):.3f} s, p95 {percentile(values, 0.95):.3f} s, "
        f"max {max(values):.3f} s (n={len(values)})"
    )


# ------------------------------------------------------------------ the server


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    profile: Path

    def profiled_runs(self, since: float = 0.0) -> list[dict]:
        if not self.profile.exists():
            return []
        lines = self.profile.read_text(encoding="utf-8").splitlines()
        return [run for run in map(json.loads, lines) if run["t"] >= since]


@contextlib.contextmanager
def profiled_server(warehouse: Path, app: Path = rb.APP) -> Iterator[Server]:
    """reports.browser.run_dashboard, the server being bench.profiled_server."""
    port = rb.free_port()
    command = ["bench.profiled_server" if part == "ui.launch" else part for part in rb.streamlit_command(port, app)]
    handle, profile = tempfile.mkstemp(prefix="ioc-runs-", suffix=".jsonl")
    os.close(handle)
    environment = {**os.environ, "IOC_WAREHOUSE": str(warehouse.absolute()), "IOC_BENCH_PROFILE": profile}
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
        )
        try:
            rb._wait_healthy(process, f"http://127.0.0.1:{port}", stderr)
            yield Server(f"http://127.0.0.1:{port}", process, Path(profile))
        finally:
            rb._stop(process)
            Path(profile).unlink(missing_ok=True)


# ------------------------------------------------------------------ 1. script runs


def script_runs(server: Server, repeat: int = 5) -> dict[str, list[dict]]:
    """Per page: the server's record of the first run of `repeat` new sessions (after one
    session that warmed the caches), the client's time beside it (`client`)."""

    async def measure() -> dict[str, list[dict]]:
        results = {}
        for page in PAGES:
            since = time.time()
            async with Session.open(server.url, page, auto_rerun=False):
                pass  # the caches this page fills, filled
            await asyncio.sleep(0.2)
            first = [r["total"] for r in server.profiled_runs(since) if r["page"] == page and not r["fragment"]]
            records = []
            for _ in range(repeat):
                since = time.time()
                async with Session.open(server.url, page, auto_rerun=False) as session:
                    client = session.runs[-1].total_s
                await asyncio.sleep(0.2)
                runs = [r for r in server.profiled_runs(since) if r["page"] == page and not r["fragment"]]
                if runs:
                    records.append({**runs[-1], "client": client, "cold": first[0] if first else float("nan")})
            results[page] = records
        return results

    return asyncio.run(measure())


def print_script_runs(results: dict[str, list[dict]], raw_s: float) -> None:
    print(
        f"\n1. server's script run of each page (new session, caches warm; median of {len(next(iter(results.values())))})"
    )
    print(
        f"   floor: raw DuckDB GROUP BY over the dossiers {raw_s * 1000:.0f} ms; target < {SCRIPT_TARGET_S * 1000:.0f} ms"
    )
    print(
        f"   {'page':24s} {'script':>8s} {'queries':>8s} {'tables':>8s} {'charts':>8s} {'other':>8s} {'client':>8s} {'caches cold':>12s}"
    )
    for page, records in results.items():
        page = PAGES[page][0]
        if not records:
            print(f"   {page:24s} no run recorded")
            continue
        median = {
            key: statistics.median(r[key] for r in records)
            for key in ("total", "queries", "tables", "charts", "client")
        }
        other = median["total"] - median["queries"] - median["tables"] - median["charts"]
        print(
            f"   {page:24s} {median['total'] * 1000:6.0f} ms {median['queries'] * 1000:6.0f} ms "
            f"{median['tables'] * 1000:6.0f} ms {median['charts'] * 1000:6.0f} ms {other * 1000:6.0f} ms "
            f"{median['client'] * 1000:6.0f} ms {records[0]['cold'] * 1000:9.0f} ms  "
            f"{verdict(median['total'] < SCRIPT_TARGET_S)}"
        )


# ------------------------------------------------------------------ 2. cold first visits


@dataclass(frozen=True)
class Visit:
    seconds: float
    kilobytes: float  # transferred (compressed) bytes of the visit's responses


def cold_visit(browser, url: str, ready: str) -> Visit:
    """A new context (empty HTTP cache, a new Streamlit session): navigation start → the
    app idle with `ready` on screen; and what it downloaded."""
    page = new_page(browser)
    client = page.context.new_cdp_session(page)
    client.send("Network.enable")
    received = [0]
    client.on(
        "Network.loadingFinished", lambda event: received.__setitem__(0, received[0] + event["encodedDataLength"])
    )
    try:
        at = rb.open_page(page, url, ready, timeout_s=120, settle_s=0.3, polling_ms=20)
        return Visit(at / 1000, received[0] / 1024)
    finally:
        page.context.close()


def median_visit(visits: list[Visit]) -> Visit:
    return Visit(statistics.median(v.seconds for v in visits), statistics.median(v.kilobytes for v in visits))


def floor_visits(browser, warehouse: Path, scratch: Path, repeat: int) -> dict[str, Visit]:
    scratch.mkdir(parents=True, exist_ok=True)
    floors = {}
    for name, source in FLOOR_APPS.items():
        app = scratch / "floor_app.py"
        app.write_text(source, encoding="utf-8")
        with rb.run_dashboard(warehouse, app=app) as floor:
            cold_visit(browser, floor.url, HEADING)  # the server's first session imports the modules
            floors[name] = median_visit([cold_visit(browser, floor.url, HEADING) for _ in range(repeat)])
    return floors


def page_visits(browser, server: Server, repeat: int) -> dict[str, Visit | str]:
    cold_visit(browser, f"{server.url}/du-lieu", HEADING)  # the first session imports the app
    results: dict[str, Visit | str] = {}
    for path, (title, ready) in PAGES.items():
        try:
            cold_visit(browser, f"{server.url}/{path}", ready)  # the server's caches for this page filled
            results[title] = median_visit([cold_visit(browser, f"{server.url}/{path}", ready) for _ in range(repeat)])
        except rb.BrowserError as error:
            results[title] = f"{type(error).__name__}: {str(error).splitlines()[0][:100]}"
    try:
        results["wall (rotate=0)"] = median_visit(
            [cold_visit(browser, f"{server.url}/?{WALL_QUERY.format(rotate=0)}", HEADING) for _ in range(repeat)]
        )
    except rb.BrowserError as error:
        results["wall (rotate=0)"] = f"{type(error).__name__}: {str(error).splitlines()[0][:100]}"
    return results


def print_visits(floors: dict[str, Visit], pages: dict[str, Visit | str], repeat: int) -> None:
    bare = floors["Streamlit"].seconds
    print(f"\n2. cold first visit (new browser context, empty HTTP cache; median of {repeat})")
    print(f"   {'one-line app (floors)':24s} {'time':>8s} {'÷ bare':>7s} {'fetched':>10s}")
    for name, visit in floors.items():
        print(f"   {name:24s} {visit.seconds:6.2f} s {visit.seconds / bare:6.2f}× {visit.kilobytes:8.0f} kB")
    print(f"   {'page':24s} {'time':>8s} {'÷ bare':>7s} {'fetched':>10s}  target ≤ {COLD_VISIT_RATIO}× bare")
    for name, visit in pages.items():
        if isinstance(visit, str):
            print(f"   {name:24s} {visit}")
            continue
        ratio = visit.seconds / bare
        print(
            f"   {name:24s} {visit.seconds:6.2f} s {ratio:6.2f}× {visit.kilobytes:8.0f} kB  "
            f"{verdict(ratio <= COLD_VISIT_RATIO)}"
        )


# ------------------------------------------------------------------ 3. page switches


# The switch is over when the new page's title is up, the app idle and nothing stale left.
# (Not the run counter of reports/browser.py: a one-line page's run can start and end
# between two looks of its observer, and would never be counted.)
_SWITCHED_JS = """
([path, title]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (window.location.pathname.replace(/\\/$/, '') !== path) return false;
    if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')) return false;
    const heading = document.querySelector('[data-testid="stMain"] h1');
    return !!heading && heading.innerText.trim().startsWith(title);
}
"""


def sidebar_click(page, title: str, path: str) -> float:
    link = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first
    started = time.perf_counter()
    link.click()
    page.wait_for_function(_SWITCHED_JS, arg=[f"/{path}" if path else "", title], timeout=60_000, polling=10)
    return time.perf_counter() - started


def page_switches(
    browser, base_url: str, titles: dict[str, tuple[str, str]], rounds: int
) -> tuple[dict[str, list[float]], float]:
    """Per page: the time of a click on it in the sidebar (coming from the page before it);
    and when the first click was (time.time(): the server's runs after it are the clicks')."""
    page = new_page(browser)
    results: dict[str, list[float]] = {title: [] for title in titles}
    try:
        first = next(iter(titles))
        rb.open_page(page, f"{base_url}/{titles[first][0]}", titles[first][1], timeout_s=120)
        clicks_from = time.time()
        order = list(titles)[1:] + [first]
        for _ in range(rounds):
            for title in order:
                results[title].append(sidebar_click(page, title, titles[title][0]))
    finally:
        page.context.close()
    return results, clicks_from


def floor_switches(browser, warehouse: Path, scratch: Path, rounds: int) -> list[float]:
    app = scratch / "two_pages.py"
    app.write_text(TWO_PAGES_APP, encoding="utf-8")
    with rb.run_dashboard(warehouse, app=app) as floor:
        switches, _ = page_switches(browser, floor.url, {"Alpha": ("", HEADING), "Beta": ("b", HEADING)}, rounds)
    return [s for times in switches.values() for s in times]


def print_switches(switches: dict[str, list[float]], floor: list[float], server_runs: dict[str, float]) -> None:
    every = [s for times in switches.values() for s in times]
    print("\n3. page switch inside a session (a click in the sidebar → the page idle, Chromium)")
    print(f"   floor: the same click in a one-line two-page app: {summary(floor)}")
    for title, times in switches.items():
        script = server_runs.get(title)
        print(
            f"   {title:16s} {summary(times)}"
            + (f"; server's script {script * 1000:.0f} ms (median)" if script is not None else "")
        )
    median = statistics.median(every)
    print(
        f"   all pages: {summary(every)}; {median / statistics.median(floor):.1f}× the floor  "
        f"target: median < {SWITCH_TARGET_S:.0f} s {verdict(median < SWITCH_TARGET_S)}"
    )


# ------------------------------------------------------------------ 4. filter changes


def browser_filter_changes(browser, base_url: str, rounds: int) -> list[tuple[str, float]]:
    """Every one-click option of each filter of Phân tích, then back, `rounds` times."""
    page = new_page(browser)
    times = []
    try:
        rb.open_page(page, f"{base_url}/phan-tich", HEADING, timeout_s=120)
        for _ in range(rounds):
            for label in FILTERS:
                current, options = options_of(page, label)
                picks = [o for o in options if o != current and o not in NOT_ONE_CLICK][:4]
                picks += [current] if current in options else []
                times += [(label, change_option(page, label, option)) for option in picks]
    finally:
        page.context.close()
    return times


def print_filters(changes: list[tuple[str, float]], server_runs: list[dict], raw_s: float) -> None:
    every = [seconds for _, seconds in changes]
    print("\n4. filter change on Phân tích (a click on an option → the rerun finished, nothing stale; Chromium)")
    for label in FILTERS:
        print(f"   {label:12s} {summary([s for name, s in changes if name == label])}")
    p95 = percentile(every, 0.95)
    print(f"   all: {summary(every)}  target: p95 < {FILTER_TARGET_S:.0f} s {verdict(p95 < FILTER_TARGET_S)}")
    if server_runs:
        split = {k: statistics.median(r[k] for r in server_runs) for k in ("total", "queries", "tables", "charts")}
        print(
            f"   the server's script run of these changes: {summary([r['total'] for r in server_runs])}; "
            f"median split: queries {split['queries'] * 1000:.0f} ms, tables {split['tables'] * 1000:.0f} ms, "
            f"charts {split['charts'] * 1000:.0f} ms; floor (raw GROUP BY) {raw_s * 1000:.0f} ms"
        )


# ------------------------------------------------------------------ 5. concurrent sessions


@dataclass
class Load:
    changes: list[float] = field(default_factory=list)  # analysts' filter changes (thin), seconds
    waits: list[float] = field(default_factory=list)  # their first message (the server started)
    browser_changes: list[float] = field(default_factory=list)
    wall_runs: list[float] = field(default_factory=list)
    wall_panels: int = 0
    errors: list[str] = field(default_factory=list)
    opened: int = 0
    minutes: list[float] = field(default_factory=list)
    server_mb: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)


async def thin_analyst(base_url: str, deadline: float, think: tuple[float, float], load: Load, seed: int) -> None:
    chance = random.Random(seed)
    try:
        async with Session.open(base_url, "phan-tich") as session:
            load.opened += 1
            while time.monotonic() < deadline:
                await asyncio.sleep(chance.uniform(*think))
                label = chance.choice(FILTERS)
                options = [o for o in session.widget(label).options if o not in NOT_ONE_CLICK]
                run = await session.choose(label, chance.choice(options))
                load.changes.append(run.total_s)
                load.waits.append(run.first_s or 0.0)
                if run.exceptions:
                    load.errors.append(f"analyst {seed}: an exception on the page after choosing {label}")
    except (ClientError, OSError, TimeoutError) as error:
        load.errors.append(f"analyst {seed}: {type(error).__name__}: {error}")


async def thin_wall(base_url: str, deadline: float, rotate: int, load: Load, number: int) -> None:
    try:
        async with Session.open(base_url, "", WALL_QUERY.format(rotate=rotate)) as session:
            load.opened += 1
            while time.monotonic() < deadline and not session.closed:
                await asyncio.sleep(1)
            fragment_runs = [run.total_s for run in session.runs if run.kind == "fragment"]
            load.wall_runs += fragment_runs
            load.wall_panels += len(fragment_runs)
            if session.exceptions:
                load.errors.append(f"wall {number}: {session.exceptions} exceptions shown")
            if session.closed and time.monotonic() < deadline:
                load.errors.append(f"wall {number}: the connection closed")
    except (ClientError, OSError, TimeoutError) as error:
        load.errors.append(f"wall {number}: {type(error).__name__}: {error}")


def browser_analysts(base_url: str, count: int, deadline: float, think: tuple[float, float], load: Load) -> None:
    """`count` analysts in one Chromium (a context each), taking turns: a thread of its own."""
    chance = random.Random(1000)
    with rb.chromium() as browser:
        pages = []
        for _ in range(count):
            page = new_page(browser)
            try:
                rb.open_page(page, f"{base_url}/phan-tich", HEADING, timeout_s=120)
                pages.append(page)
                load.opened += 1
            except rb.BrowserError as error:
                load.errors.append(f"browser analyst: {type(error).__name__}: {str(error).splitlines()[0]}")
        while pages and time.monotonic() < deadline:
            time.sleep(chance.uniform(*think) / len(pages))
            page = chance.choice(pages)
            label = chance.choice(FILTERS)
            try:
                current, options = options_of(page, label)
                picks = [o for o in options if o != current and o not in NOT_ONE_CLICK]
                load.browser_changes.append(change_option(page, label, chance.choice(picks)))
            except Exception as error:  # noqa: BLE001 (an error is a finding, counted)
                load.errors.append(f"browser analyst: {type(error).__name__}: {str(error).splitlines()[0][:100]}")
        for page in pages:
            page.context.close()


def concurrent_sessions(
    server: Server, sessions: int, browsers: int, walls: int, minutes: float, rotate: int, think: tuple[float, float]
) -> tuple[Load, list[dict]]:
    load = Load()
    started_at = time.time()
    deadline = time.monotonic() + minutes * 60
    analysts = sessions - walls - browsers
    server_process = psutil.Process(server.process.pid)
    me = psutil.Process()

    def sample_memory(stop: threading.Event) -> None:
        begin = time.monotonic()
        while not stop.is_set():
            load.minutes.append((time.monotonic() - begin) / 60)
            load.server_mb.append(process_tree_rss_mb(server.process.pid))
            stop.wait(10)

    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(stop,), daemon=True)
    browser_thread = threading.Thread(
        target=browser_analysts, args=(server.url, browsers, deadline, think, load), daemon=True
    )

    def chromium_cpu() -> float:
        total = 0.0
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                times = child.cpu_times()
                total += times.user + times.system
        return total

    cpu_before = {"server": server_process.cpu_times(), "bench (thin clients)": me.cpu_times()}
    browser_cpu = 0.0
    wall_before = time.monotonic()
    sampler.start()
    if browsers:
        browser_thread.start()

    async def thin() -> None:
        tasks = [thin_wall(server.url, deadline, rotate, load, n) for n in range(walls)]
        tasks += [thin_analyst(server.url, deadline, think, load, n) for n in range(analysts)]
        await asyncio.gather(*tasks)

    asyncio.run(thin())
    if browsers:
        browser_cpu = chromium_cpu()  # before the browser closes: its processes' times so far
        browser_thread.join()
    stop.set()
    sampler.join()
    elapsed = time.monotonic() - wall_before
    cpu_after = {"server": server_process.cpu_times(), "bench (thin clients)": me.cpu_times()}
    for name in cpu_before:
        used = (cpu_after[name].user + cpu_after[name].system) - (cpu_before[name].user + cpu_before[name].system)
        load.cpu[name] = used / elapsed
    load.cpu["Chromium (its processes)"] = browser_cpu / elapsed
    return load, server.profiled_runs(started_at)


def print_load(load: Load, runs: list[dict], args) -> None:
    analysts = args.sessions - args.walls - args.browsers
    print(
        f"\n5. {args.sessions} concurrent sessions for {args.minutes:g} min: {args.walls} walls rotating every "
        f"{args.rotate} s, {analysts} analysts on the thin client and {args.browsers} in Chromium, each changing a "
        f"filter of Phân tích after {args.think[0]:g}–{args.think[1]:g} s; {load.opened} sessions opened"
    )
    print(f"   errors: {len(load.errors)}" + "".join(f"\n     {e}" for e in load.errors[:10]))
    every = load.changes + load.browser_changes
    p95 = percentile(every, 0.95) if every else float("inf")
    print(f"   filter change, thin clients: {summary(load.changes)}")
    print(f"   filter change, Chromium:     {summary(load.browser_changes)}")
    print(f"   all: p95 {p95:.3f} s  target < {LOAD_FILTER_TARGET_S:.0f} s {verdict(p95 < LOAD_FILTER_TARGET_S)}")
    print(f"   wall panel changes (fragment runs, client's time): {summary(load.wall_runs)}")
    explorer = [r for r in runs if r["page"] == "phan-tich"]
    fragments = [r for r in runs if r["fragment"]]
    print("   where the time of a change goes:")
    print(f"     the wait until the server started on it (first message): {summary(load.waits)}")
    if explorer:
        split = {k: statistics.median(r[k] for r in explorer) for k in ("total", "queries", "tables", "charts")}
        print(
            f"     the server's script run of Phân tích: {summary([r['total'] for r in explorer])}; median split: "
            f"queries {split['queries'] * 1000:.0f} ms, tables {split['tables'] * 1000:.0f} ms, charts "
            f"{split['charts'] * 1000:.0f} ms"
        )
    print(f"     fragment runs on the server (walls' panels, data checks): {summary([r['total'] for r in fragments])}")
    busy = sum(r["total"] for r in runs) / (args.minutes * 60)
    print(
        f"     script time summed over all sessions: {busy:.2f} s per second (one Python process: runs share one "
        "interpreter lock)"
    )
    print("     CPU (cores busy on average): " + ", ".join(f"{k} {v:.2f}" for k, v in load.cpu.items()))
    if runs:
        # What a change costs the server in CPU, whatever waited for it: the capacity measure.
        cpu_s = load.cpu["server"] * args.minutes * 60
        print(f"     server CPU per script run: {cpu_s / len(runs) * 1000:.0f} ms ({len(runs)} runs)")
    values, minutes = load.server_mb, load.minutes
    if len(values) >= 4:
        half = len(values) // 2
        settled = slope(minutes[half:], values[half:])
        print(
            f"   server memory (RSS with children): {values[0]:.0f} MB → {values[half]:.0f} MB at half-time → "
            f"{values[-1]:.0f} MB; slope in the second half {settled:+.2f} MB/min  "
            f"not growing (slope < {FLAT_MB_PER_MIN:g}): {verdict(settled < FLAT_MB_PER_MIN)}"
        )


# ------------------------------------------------------------------ the run


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def machine_load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("/work/bench-data"))
    parser.add_argument("--dossiers", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="samples per page (runs, visits)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of page switches and of filter changes")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--browsers", type=int, default=2)
    parser.add_argument("--walls", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--rotate", type=int, default=20, help="the walls' panel time (s)")
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0), help="an analyst's think time (s)")
    parser.add_argument("--only", default="runs,visits,switch,filters,load")
    args = parser.parse_args()
    only = set(args.only.split(","))

    database = prepare_warehouse(args.out, args.dossiers, None)
    raw_s = raw_group_by(database)
    print(f"{dossier_count(database):,} dossiers; raw DuckDB GROUP BY (best of 5): {raw_s * 1000:.0f} ms")
    print(f"start: {machine_load()}")
    scratch = args.out / "speed"
    scratch.mkdir(parents=True, exist_ok=True)

    with profiled_server(database) as server:
        if "runs" in only:
            runs = script_runs(server, args.repeat)
            print_script_runs(runs, raw_s)
            print(f"   ({machine_load()})")
        if {"visits", "switch", "filters"} & only:
            with rb.chromium() as browser:
                if "visits" in only:
                    # floors before and after the pages, so that a load that changes during
                    # the run weighs on both sides of the ratio
                    before = floor_visits(browser, database, scratch, args.repeat)
                    pages = page_visits(browser, server, args.repeat)
                    after = floor_visits(browser, database, scratch, args.repeat)
                    floors = {name: median_visit([before[name], after[name]]) for name in before}
                    print(
                        "   floors before / after the pages: "
                        + "; ".join(f"{n} {before[n].seconds:.2f} / {after[n].seconds:.2f} s" for n in before)
                    )
                    print_visits(floors, pages, args.repeat)
                    print(f"   ({machine_load()})")
                if "switch" in only:
                    titles = {title: (path, ready) for path, (title, ready) in PAGES.items()}
                    switches, since = page_switches(browser, server.url, titles, args.rounds)
                    by_page: dict[str, list[float]] = {}
                    for run in server.profiled_runs(since):
                        if not run["fragment"]:
                            by_page.setdefault(PAGES.get(run["page"], (run["page"],))[0], []).append(run["total"])
                    floor = floor_switches(browser, database, scratch, args.rounds * 2)
                    print_switches(switches, floor, {t: statistics.median(v) for t, v in by_page.items()})
                    print(f"   ({machine_load()})")
                if "filters" in only:
                    since = time.time()
                    changes = browser_filter_changes(browser, server.url, args.rounds)
                    explorer = [r for r in server.profiled_runs(since) if r["page"] == "phan-tich"][1:]
                    print_filters(changes, explorer, raw_s)
                    print(f"   ({machine_load()})")
        if "load" in only:
            print(f"\n   (before the load: {machine_load()})")
            load, runs = concurrent_sessions(
                server, args.sessions, args.browsers, args.walls, args.minutes, args.rotate, tuple(args.think)
            )
            print_load(load, runs, args)
            print(f"   (after the load: {machine_load()})")


if __name__ == "__main__":
    main()
