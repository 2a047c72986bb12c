"""The demo's Decision 766 groups against what Thái Nguyên published (DESIGN §6), computed
by the product itself: the demo portal's history pulled over HTTP into a warehouse, then
`warehouse.index766.scorecard`, the same rules as the page and `warehouse index766`.

    python -m bench.calibrate_766 [--dir DIR]

The portal's clock stands at 30 August 2025, 08:00: the day after the stretch the
province's published figures cover (1 January – 29 August 2025), so the published index
the demo serves has that year-to-date row and fills the national-only indicators. The
warehouse is kept in DIR and reused (a pull takes a few minutes). Printed: the province's
groups against the published ones (±0.5 is the calibration's tolerance), Bắc Kạn's July
2024 (a weaker province before the merger), and per group the communes and agencies
losing most (the scorecard must have something to point at).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from warehouse.index766 import IndexSpec, scorecard
from warehouse.paths import WarehousePaths
from warehouse.snapshot import open_snapshot

CLOCK = datetime(2025, 8, 30, 8, 0)
TOLERANCE = 0.5


@dataclass(frozen=True)
class Case:
    name: str
    unit: str | None
    start: date
    end: date
    targets: dict[str, float]  # a group code, or codes joined by "+" (their points added)


CASES = (
    Case(
        "Thái Nguyên (the new province), 01/01–29/08/2025",
        None,
        date(2025, 1, 1),
        date(2025, 8, 29),
        {"TDGQ": 19.31, "DVCTT+TTTT": 17.49, "MDHL": 17.86},
    ),
    Case("Bắc Kạn, 07/2024", "06", date(2024, 7, 1), date(2024, 7, 31), {"TDGQ": 19.5, "DVCTT": 7.9, "TTTT": 8.2}),
)
BAC_KAN_TOTAL_JULY_2024 = 82.88


def pull(warehouse: WarehousePaths, clock: datetime = CLOCK) -> None:
    """The demo portal's whole history up to `clock`, over HTTP, into `warehouse`."""
    from demo_portal.clock import SimClock
    from demo_portal.portal import DemoPortal
    from demo_portal.server import serve_in_thread
    from ingest.pull import run_cycle
    from ingest.sources.config import SourceConfig
    from ingest.sources.portal.client import PortalClient, http_client

    portal = DemoPortal(clock=SimClock(clock, scale=0))
    with serve_in_thread(portal) as server:
        source = SourceConfig("demo", server.url)
        with http_client(source) as http:
            result = run_cycle(warehouse, source, PortalClient(http, source.name))
    if result.status != "ok":
        raise SystemExit(f"the pull failed: {result.error}")


def group_points(card: pl.DataFrame, codes: str) -> float | None:
    """The points of a group (or of groups joined by "+") on a one-unit scorecard."""
    rows = card.filter(pl.col("indicator").is_in(codes.split("+")))
    points = rows["points"].to_list()
    return None if not points or any(p is None for p in points) else sum(points)


def case_card(warehouse: WarehousePaths, case: Case) -> pl.DataFrame:
    with open_snapshot(warehouse) as (con, _info):
        return scorecard(con, IndexSpec(case.start, case.end, unit=case.unit))


def losers(warehouse: WarehousePaths, case: Case, by: str, groups: tuple[str, ...], top: int = 3) -> pl.DataFrame:
    """Per group, the units of `by` that lose the most points on it."""
    with open_snapshot(warehouse) as (con, _info):
        card = scorecard(con, IndexSpec(case.start, case.end, by=by))
    return (
        card.filter(pl.col("indicator").is_in(groups), pl.col("points").is_not_null())
        .with_columns(lost=pl.col("max_available") - pl.col("points"))
        .sort(["indicator", "lost"], descending=[False, True])
        .group_by("indicator", maintain_order=True)
        .head(top)
        .select("indicator", "unit_name", "points", "max_available", "lost")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("data/calibration"))
    args = parser.parse_args()
    warehouse = WarehousePaths(args.dir / "warehouse.duckdb")
    if not warehouse.current_pointer.exists():
        print(f"pulling the demo's history up to {CLOCK:%d/%m/%Y %H:%M} into {args.dir} ...")
        args.dir.mkdir(parents=True, exist_ok=True)
        pull(warehouse)
    for case in CASES:
        card = case_card(warehouse, case)
        total = card.filter(pl.col("indicator") == "total").row(0, named=True)
        print(f"{case.name}: total {total['points']:.2f} of {total['max_available']:.0f} available")
        for codes, target in case.targets.items():
            points = group_points(card, codes)
            shown = "—" if points is None else f"{points:6.2f}"
            ok = points is not None and abs(points - target) <= TOLERANCE
            print(f"  {codes:<11} {shown}  published {target:6.2f}  {'within' if ok else 'OUTSIDE'} ±{TOLERANCE}")
    groups = ("TDGQ", "DVCTT", "TTTT", "MDHL")
    for by in ("commune", "agency"):
        print(f"losing most, by {by} ({CASES[0].name}):")
        print(losers(warehouse, CASES[0], by, groups))


if __name__ == "__main__":
    main()
