"""What a person sees: the dashboard served on 127.0.0.1 and opened in Debian's Chromium.

    with serve_dashboard(Path("data/warehouse.duckdb")) as base_url:
        render_png(f"{base_url}/?wall=1&rotate=0", Path("out/wall.png"))

    render_wall_png(Path("data/warehouse.duckdb"), Path("out/wall.png"), period="2025-Q3")

Playwright drives the system's `/usr/bin/chromium` (package `chromium`): Playwright's
own browser download does not work on every network, and one browser for the tests,
the benchmark and the exports is one browser to keep up to date.

A page is *ready* when Streamlit says its script is not running (the `stApp` element's
`data-test-script-state`), nothing on it is stale or a loading skeleton, and the
element the caller waits for is on screen. Fixed sleeps are only the short settle
after that, for charts to finish drawing.

Exceptions:

    BrowserError                  anything here that went wrong
    ├── NoBrowser                 /usr/bin/chromium is not installed
    ├── ServerError               the dashboard did not start, or died (its stderr's tail)
    └── RenderError               the page never became ready, or the app has no such page
        └── PageException         the page shows a Streamlit exception (its text)
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
# No sandbox: the exports run as root in containers, where Chromium's sandbox cannot
# start. /dev/shm is 64 MB in Docker, too small for a 1920×1080 page's compositor.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")
READY_SELECTOR = '[data-testid="stMetric"]'
EXCEPTION_SELECTOR = '[data-testid="stException"]'
SERVER_START_TIMEOUT_S = 60.0
# After the app is idle: plotly draws its figures a frame or two later.
SETTLE_S = 0.5


class BrowserError(Exception):
    """Anything that went wrong serving or rendering the dashboard."""


class NoBrowser(BrowserError):
    """Debian's Chromium is not installed."""


class ServerError(BrowserError):
    """The dashboard's Streamlit server did not start, or stopped."""


class RenderError(BrowserError):
    """The page did not become ready in time."""


class PageException(RenderError):
    """The page shows a Streamlit exception instead of (or beside) its content."""


# ------------------------------------------------------------------ the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(port: int, app: Path = APP) -> list[str]:
    return [
        # ui.launch is `streamlit run` without the false "Page not found" of a first visit
        sys.executable,
        "-m",
        "ui.launch",
        "run",
        str(app),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        # A served dashboard never edits its own source: watching it only costs inotify handles.
        "--server.fileWatcherType",
        "none",
    ]


@dataclass(frozen=True)
class Dashboard:
    url: str
    # The server process, for whoever measures it (the benchmark samples its memory).
    process: subprocess.Popen


@contextmanager
def serve_dashboard(warehouse: Path, port: int | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run the dashboard on 127.0.0.1 over `warehouse`'s published snapshot; yields its base URL."""
    with run_dashboard(warehouse, port, env) as dashboard:
        yield dashboard.url


@contextmanager
def run_dashboard(
    warehouse: Path, port: int | None = None, env: dict[str, str] | None = None, *, app: Path = APP
) -> Iterator[Dashboard]:
    """serve_dashboard, yielding the server process beside the URL (`app`: another
    Streamlit script, for a benchmark's baseline)."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, **(env or {}), "IOC_WAREHOUSE": str(Path(warehouse).absolute())}
    with tempfile.TemporaryFile() as stderr:
        # A file, not a pipe: nobody reads the server's output while it runs, and a full
        # pipe would block it.
        process = subprocess.Popen(
            streamlit_command(port, app),
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
        try:
            _wait_healthy(process, base_url, stderr)
            yield Dashboard(base_url, process)
        finally:
            _stop(process)


def _wait_healthy(process: subprocess.Popen, base_url: str, stderr) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"the dashboard exited with code {process.returncode}:\n{_tail(stderr)}")
        try:
            if httpx.get(f"{base_url}/_stcore/health", timeout=2).text.strip() == "ok":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise ServerError(
        f"the dashboard did not answer {base_url}/_stcore/health within "
        f"{SERVER_START_TIMEOUT_S:.0f} s:\n{_tail(stderr)}"
    )


def _tail(stream, lines: int = 30) -> str:
    stream.seek(0)
    text = stream.read().decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:]) or "(nothing on stderr)"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# ------------------------------------------------------------------ the browser


def check_browser() -> None:
    if not CHROMIUM.exists():
        raise NoBrowser(f"{CHROMIUM} is missing: install Debian's chromium (./setup.sh does, as root)")


def launch(playwright: Playwright) -> Browser:
    check_browser()
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))


@contextmanager
def chromium() -> Iterator[Browser]:
    """One headless Chromium, closed on exit."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


# Evaluated in the page: false (not yet), or what it found and when (ms since navigation).
_READY_JS = """
([selector, exceptionSelector]) => {
    const found = (state) => ({state, at: performance.now()});
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return false;
    if (document.querySelector(exceptionSelector)) return found('exception');
    if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')) return false;
    const element = document.querySelector(selector);
    if (!element) return false;
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 ? found('ready') : false;
}
"""


def wait_ready(
    page: Page,
    ready_selector: str = READY_SELECTOR,
    timeout_s: float = 60,
    settle_s: float = SETTLE_S,
    polling_ms: float = 50,
) -> float:
    """Wait until the app is idle and shows `ready_selector`, and still is after `settle_s`.

    Returns when it was first seen ready, in ms since the page's navigation started.
    Raises PageException as soon as a Streamlit exception shows, RenderError on timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        remaining_ms = max(1.0, (deadline - time.monotonic()) * 1000)
        try:
            found = page.wait_for_function(
                _READY_JS, arg=[ready_selector, EXCEPTION_SELECTOR], timeout=remaining_ms, polling=polling_ms
            ).json_value()
        except PlaywrightTimeout:
            raise RenderError(
                f"{page.url}: not ready after {timeout_s:.0f} s (waited for {ready_selector} "
                f"with the app idle; script state {_script_state(page)!r})"
            ) from None
        if found["state"] == "exception":
            raise PageException(f"{page.url} shows an exception:\n{exception_text(page)}")
        # A page may rerun itself right after its first run (query parameters written
        # back, a state change): ready means ready twice, `settle_s` apart.
        page.wait_for_timeout(settle_s * 1000)
        again = page.evaluate(_READY_JS, [ready_selector, EXCEPTION_SELECTOR])
        if again and again["state"] == "ready":
            return found["at"]


# Counts the script runs that finished (stApp's script state going back to notRunning),
# so that a rerun is waited for even when it ends before Python looks.
_RUN_COUNTER_JS = """
window.__streamlitRuns = {finished: 0, state: null, started: [], ended: []};
new MutationObserver(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    const runs = window.__streamlitRuns;
    if (state === runs.state) return;
    if (state === 'running') runs.started.push(performance.now());
    if (state === 'notRunning' && runs.state) {
        runs.finished += 1;
        runs.ended.push(performance.now());
    }
    runs.state = state;
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
"""
_RERUN_DONE_JS = """
(before) => window.__streamlitRuns.finished > before && window.__streamlitRuns.state === 'notRunning'
    && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')
"""


def count_runs(context: BrowserContext) -> None:
    """Count finished script runs in every page of `context` (see runs_finished)."""
    context.add_init_script(_RUN_COUNTER_JS)


def runs_finished(page: Page) -> int:
    return page.evaluate("window.__streamlitRuns ? window.__streamlitRuns.finished : 0")


def run_times(page: Page) -> tuple[list[float], list[float]]:
    """When script runs started and ended, in ms since navigation start."""
    runs = page.evaluate("window.__streamlitRuns || {started: [], ended: []}")
    return runs["started"], runs["ended"]


def wait_rerun(page: Page, before: int, timeout_s: float = 60, polling_ms: float = 20) -> None:
    """Wait until a run after the `before`-th has finished and nothing is stale.

    Needs count_runs on the page's context; take `before` just before the click."""
    try:
        page.wait_for_function(_RERUN_DONE_JS, arg=before, timeout=timeout_s * 1000, polling=polling_ms)
    except PlaywrightTimeout:
        raise RenderError(f"{page.url}: no rerun finished within {timeout_s:.0f} s") from None
    if page.locator(EXCEPTION_SELECTOR).count():
        raise PageException(f"{page.url} shows an exception:\n{exception_text(page)}")


def open_page(
    page: Page,
    url: str,
    ready_selector: str = READY_SELECTOR,
    timeout_s: float = 60,
    settle_s: float = SETTLE_S,
    polling_ms: float = 50,
) -> float:
    """Go to `url` and wait_ready; RenderError when the app has no page there.

    Returns wait_ready's moment (ms since navigation start)."""
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    at = wait_ready(page, ready_selector, timeout_s, settle_s, polling_ms)
    asked, shown = urlsplit(url).path.rstrip("/"), urlsplit(page.url).path.rstrip("/")
    if asked != shown:
        # Streamlit runs its default page instead, and moves the address there.
        raise RenderError(f"{url}: the dashboard has no page at {asked or '/'} (Streamlit showed {shown or '/'})")
    _dismiss_false_page_not_found(page)
    return at


def _dismiss_false_page_not_found(page: Page) -> None:
    # Streamlit 1.67 says "Page not found" to the first session after the server starts
    # even when it then runs the page asked for; the address (checked above) is right.
    # A server started by ui.launch (as here) does not; one started by `streamlit run` may.
    dialog = page.locator('[role="dialog"]').filter(has_text="Page not found")
    if dialog.count():
        dialog.get_by_role("button", name="Close").click()
        dialog.wait_for(state="hidden")


def exception_text(page: Page) -> str:
    shown = page.locator(EXCEPTION_SELECTOR)
    return "\n---\n".join(text.strip()[:2000] for text in shown.all_inner_texts()) or "(no text)"


def _script_state(page: Page) -> str | None:
    try:
        return page.get_attribute('[data-testid="stApp"]', "data-test-script-state", timeout=1000)
    except PlaywrightError:
        return None


def screenshot(page: Page, path: Path) -> Path:
    """The viewport as PNG, written beside `path` and renamed over it: never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".png", dir=path.parent)
    os.close(handle)
    try:
        page.screenshot(path=temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def render_png(
    url: str,
    path: Path,
    width: int = 1920,
    height: int = 1080,
    ready_selector: str = READY_SELECTOR,
    timeout_s: float = 60,
) -> Path:
    """Open `url` in a fresh headless Chromium at width×height and save what shows as PNG."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        open_page(page, url, ready_selector, timeout_s)
        return screenshot(page, path)


def wall_url(
    base_url: str,
    *,
    unit: str | None = None,
    period: str | None = None,
    lang: str = "vi",
    size: tuple[int, int] | None = None,
    panel: int | None = None,
) -> str:
    # rotate=0: the export shows the first panel (or `panel`), still. `size`: the window's,
    # which the wall otherwise reloads itself once to learn (ui/wall.py).
    params = {"wall": "1", "rotate": "0"}
    params.update({name: value for name, value in (("unit", unit), ("period", period)) if value})
    if panel is not None:
        params["panel"] = str(panel)
    params["lang"] = lang
    if size:
        params.update(vw=str(size[0]), vh=str(size[1]))
    return f"{base_url}/?{urlencode(params)}"


def render_wall_png(
    warehouse: Path,
    out: Path,
    *,
    unit: str | None = None,
    period: str | None = None,
    lang: str = "vi",
    width: int = 1920,
    height: int = 1080,
) -> Path:
    """The wall screen (first panel, no rotation) for `unit` and `period`, as PNG at `out`."""
    check_browser()
    with serve_dashboard(warehouse) as base_url:
        return render_png(
            wall_url(base_url, unit=unit, period=period, lang=lang, size=(width, height)), out, width, height
        )
