"""The dashboard's server, each script run timed and split: `ui.launch` with a stopwatch.

    IOC_BENCH_PROFILE=runs.jsonl python -m bench.profiled_server run app.py [streamlit options]

Appends one JSON line per script run to the file: the page (its URL path, "" for the default
one; `fragment`: a run of a fragment alone), the run's time in the script (Streamlit's exec of app.py, or of the
fragment) and its split: `queries` (ui.data's reads: the warehouse, cached or not, and
the snapshot pointer), `tables` (ui.tables and st.dataframe/st.table: formatting and
serialising), `charts` (ui.charts' figures and st.*_chart: building and serialising);
the rest is the page's own code and the other elements. Times are exclusive: a table
that reads the warehouse counts the read as a query. Nothing else changes: the hooks wrap
module attributes the pages look up on every run.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import threading
import time
from pathlib import Path

CATEGORIES = ("queries", "tables", "charts")
_local = threading.local()
_lock = threading.Lock()


def _state():
    if not hasattr(_local, "totals"):
        _local.totals, _local.stack, _local.page = dict.fromkeys(CATEGORIES, 0.0), [], None
    return _local


def timed(category: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        state = _state()
        frame = [0.0]  # time spent in timed calls inside this one
        state.stack.append(frame)
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - started
            state.stack.pop()
            state.totals[category] += elapsed - frame[0]
            if state.stack:
                state.stack[-1][0] += elapsed

    wrapper.__bench_timed__ = True
    return wrapper


def _wrap_attribute(owner, name: str, category: str) -> None:
    function = getattr(owner, name, None)
    if function is None or getattr(function, "__bench_timed__", False):
        return
    setattr(owner, name, timed(category, function))


def install(out: Path) -> None:
    import streamlit
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.navigation.page import StreamlitPage
    from streamlit.runtime.scriptrunner import script_runner

    from ui import charts, data, tables

    for name in ("read", "runs", "data_state"):
        _wrap_attribute(data, name, "queries")
    for name in ("table", "downloads"):
        _wrap_attribute(tables, name, "tables")
    for name, function in vars(charts).items():
        if inspect.isfunction(function) and function.__module__ == charts.__name__ and not name.startswith("_"):
            _wrap_attribute(charts, name, "charts")
    elements = {
        "tables": ("dataframe", "table", "data_editor"),
        "charts": ("plotly_chart", "altair_chart", "vega_lite_chart", "line_chart", "bar_chart", "area_chart"),
    }
    for category, names in elements.items():
        for name in names:
            _wrap_attribute(DeltaGenerator, name, category)
            # st.dataframe is bound to the main DeltaGenerator at import: bind it again.
            if hasattr(streamlit, name):
                setattr(streamlit, name, getattr(streamlit._main, name))

    page_run = StreamlitPage.run

    def run_page(self):
        _state().page = self.url_path
        return page_run(self)

    StreamlitPage.run = run_page

    execute = script_runner.exec_func_with_error_handling

    def execute_timed(func, ctx):
        state = _state()
        state.totals, state.stack, state.page = dict.fromkeys(CATEGORIES, 0.0), [], None
        started = time.perf_counter()
        try:
            return execute(func, ctx)
        finally:
            record = {
                "t": time.time(),
                "page": state.page or "",
                "fragment": state.page is None,
                "total": time.perf_counter() - started,
                **state.totals,
            }
            with _lock, out.open("a", encoding="utf-8") as file:
                file.write(json.dumps(record) + "\n")

    script_runner.exec_func_with_error_handling = execute_timed


def main() -> None:
    install(Path(os.environ["IOC_BENCH_PROFILE"]))
    from ui.launch import main as launch

    launch()


if __name__ == "__main__":
    main()
