"""What one pull cycle may still spend: time, change-feed pages, bytes; and whether to stop.

A portal is run by a vendor and can hang (an answer that drips a byte a second), loop (a
cursor that returns to an earlier page) or flood (a page of tens of MB). `timeout_seconds`
bounds silence only, so a cycle carries a `Budget`: a deadline for the whole cycle, one
for each request, caps on pages and bytes, and the worker's stop event. The client spends
it; `ingest.sources.portal.network` enforces the deadlines inside every socket read, so
that neither a drip nor SIGTERM waits for a read to end on its own.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from ingest.errors import DeadlineExceeded, LimitExceeded
from ingest.sources.config import SourceConfig

MB = 1 << 20


class CycleStopped(Exception):
    """The worker was asked to stop (SIGTERM, Ctrl-C): the cycle ends where it is."""


@dataclass(frozen=True)
class Limits:
    request_seconds: float = SourceConfig.request_deadline_seconds
    cycle_seconds: float = SourceConfig.cycle_deadline_seconds
    max_pages: int = SourceConfig.max_pages
    max_page_bytes: int = int(SourceConfig.max_page_mb * MB)
    max_cycle_bytes: int = int(SourceConfig.max_cycle_mb * MB)

    @classmethod
    def of(cls, source: SourceConfig) -> Limits:
        return cls(
            request_seconds=source.request_deadline_seconds,
            cycle_seconds=source.cycle_deadline_seconds,
            max_pages=source.max_pages,
            max_page_bytes=int(source.max_page_mb * MB),
            max_cycle_bytes=int(source.max_cycle_mb * MB),
        )


class Budget:
    def __init__(self, source_name: str, limits: Limits = Limits(), stop: threading.Event | None = None) -> None:
        self.source_name, self.limits = source_name, limits
        self.stop = stop or threading.Event()
        self.started = time.monotonic()
        self.deadline = self.started + limits.cycle_seconds
        self.pages = 0
        self.bytes = 0

    # ------------------------------------------------------------------ time

    def check(self) -> None:
        """Raise when the cycle must end now: asked to stop, or past its deadline."""
        if self.stop.is_set():
            raise CycleStopped
        if time.monotonic() >= self.deadline:
            raise self.cycle_deadline_passed()

    def check_stop(self) -> None:
        if self.stop.is_set():
            raise CycleStopped

    def request_deadline(self) -> float:
        """The monotonic moment a request starting now must be over by."""
        return min(time.monotonic() + self.limits.request_seconds, self.deadline)

    def sleep(self, seconds: float, why: str) -> None:
        """Wait between two attempts; a wait that would outlast the cycle fails it now.

        `why` names the source, the request and its failure."""
        if time.monotonic() + seconds >= self.deadline:
            raise DeadlineExceeded(
                f"{why}; waiting {seconds:g} s more would run past the cycle's deadline "
                f"of {self.limits.cycle_seconds:g} s (cycle_deadline_seconds)"
            )
        if self.stop.wait(seconds):
            raise CycleStopped

    def cycle_deadline_passed(self, during: str = "") -> DeadlineExceeded:
        where = f" while waiting for {during}" if during else ""
        return DeadlineExceeded(
            f"source {self.source_name}: the cycle ran past its deadline of {self.limits.cycle_seconds:g} s "
            f"(cycle_deadline_seconds){where}"
        )

    # ------------------------------------------------------------------ pages and bytes

    def take_page(self, url: str) -> None:
        self.pages += 1
        if self.pages > self.limits.max_pages:
            raise LimitExceeded(
                f"source {self.source_name}: more than {self.limits.max_pages:,} change-feed pages in one cycle "
                f"(max_pages); stopped before {url}"
            )

    def take_bytes(self, count: int, url: str) -> None:
        self.bytes += count
        if self.bytes > self.limits.max_cycle_bytes:
            raise LimitExceeded(
                f"source {self.source_name}: more than {_mb(self.limits.max_cycle_bytes)} received in one cycle "
                f"(max_cycle_mb); stopped while reading {url}"
            )


def _mb(count: int) -> str:
    return f"{count / MB:,.6g} MB"
