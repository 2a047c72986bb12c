"""`python -m ingest load PATH...`, `pull [--source NAME]`, `worker` (DESIGN §7)."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from ingest.errors import IngestError
from warehouse.errors import WarehouseError
from warehouse.paths import WarehousePaths

WAREHOUSE_HELP = "warehouse file (default: $IOC_WAREHOUSE or data/warehouse.duckdb)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Load portal exports into the IOC warehouse.")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser(
        "load",
        help="load export files (dossiers, procedures, agencies, ratings, feedback, the published 766 index, form 06a)",
    )
    load.add_argument("--warehouse", help=WAREHOUSE_HELP)
    load.add_argument("paths", nargs="+", type=Path)
    pull = commands.add_parser("pull", help="one pull cycle from the configured portal(s), then publish")
    pull.add_argument("--warehouse", help=WAREHOUSE_HELP)
    pull.add_argument("--source", help="only this source (demo: the built-in demo portal)")
    worker = commands.add_parser("worker", help="pull every source on its schedule")
    worker.add_argument("--warehouse", help=WAREHOUSE_HELP)
    args = parser.parse_args(argv)

    try:
        paths = WarehousePaths.resolve(args.warehouse)
        if args.command == "load":
            return _load(paths, args.paths)
        if args.command == "pull":
            return _pull(paths, args.source)
        return _worker(paths)
    except (WarehouseError, IngestError) as error:
        print(f"ingest: {error}", file=sys.stderr)
        return 2


def _load(paths: WarehousePaths, files: list[Path]) -> int:
    from ingest.load import load_paths

    result = load_paths(paths, files)
    for report in result.files:
        for line in report.lines():
            print(line)
    if result.snapshot:
        print(f"published data version {result.snapshot.version}")
    return 0 if result.all_read else 2


def _pull(paths: WarehousePaths, source_name: str | None) -> int:
    from ingest.pull import run_cycle
    from ingest.sources.config import find_source, load_sources
    from ingest.sources.demo import portal_running
    from ingest.sources.portal.client import PortalClient, RetryPolicy, http_client
    from ingest.worker import say

    failed = False
    for source in find_source(load_sources(), source_name):
        with portal_running(source, say), http_client(source) as http:
            client = PortalClient(http, source.name, RetryPolicy(attempts=source.retry_attempts))
            result = run_cycle(
                paths, source, client, progress=lambda message: print(message, file=sys.stderr, flush=True)
            )
        if result.status == "ok":
            print(f"{source.name}: ok, {result.rows:,} rows loaded, published data version {result.snapshot.version}")
        else:
            failed = True
            print(f"{source.name}: {result.status}: {result.error}", file=sys.stderr)
    return 2 if failed else 0


def _worker(paths: WarehousePaths) -> int:
    from ingest.sources.config import load_sources
    from ingest.worker import run_worker, stop_on_signals

    stop = threading.Event()
    stop_on_signals(stop)
    run_worker(paths, load_sources(), stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
