"""Errors of the snapshot exports.

    Exception
    └── ReportError            the message is one sentence fit to show a user
        └── PartialSnapshot    the data files were made and some other file (the wall PNG)
                               was not; `.result.failures` names each and why

Errors met before anything is written (an unknown unit, a bad period, no published data)
are the warehouse's own (`WarehouseError`, `PeriodError`), turned into one line at the
edges (the CLI, the page, the worker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.snapshot import SnapshotResult


class ReportError(Exception):
    """Base class: the message is one sentence fit to show a user."""


class PartialSnapshot(ReportError):
    """Some files were made and some not; `result.failures` maps each missing file to the reason."""

    def __init__(self, result: SnapshotResult) -> None:
        missing = "; ".join(f"{name}: {reason}" for name, reason in result.failures.items())
        super().__init__(f"made {', '.join(result.made)} in {result.folder}, but not {missing}")
        self.result = result
