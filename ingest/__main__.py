"""`python -m ingest load PATH...` (DESIGN §7)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warehouse.errors import WarehouseError
from warehouse.paths import WarehousePaths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Load portal exports into the IOC warehouse.")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="load export files (dossiers, procedures, agencies, form 06a)")
    load.add_argument("--warehouse", help="warehouse file (default: $IOC_WAREHOUSE or data/warehouse.duckdb)")
    load.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)

    from ingest.load import load_paths

    try:
        result = load_paths(WarehousePaths.resolve(args.warehouse), args.paths)
    except WarehouseError as error:
        print(f"ingest: {error}", file=sys.stderr)
        return 2
    for report in result.files:
        for line in report.lines():
            print(line)
    if result.snapshot:
        print(f"published data version {result.snapshot.version}")
    return 0 if result.all_read else 2


if __name__ == "__main__":
    sys.exit(main())
