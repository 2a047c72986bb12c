"""The demo portal's simulated clock.

With scale 1 the simulated time is the wall-clock time in Asia/Ho_Chi_Minh, so a portal
restarted later serves the same history. A larger scale makes a day pass in minutes
(1440: a day per minute) for demos; tests start it at a fixed moment and advance it.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def local_now() -> datetime:
    return datetime.now(LOCAL).replace(tzinfo=None)


class SimClock:
    def __init__(self, start: datetime | None = None, scale: float = 1.0) -> None:
        self._start = start or local_now()
        self._scale = scale
        self._started = time.monotonic()
        self._advanced = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Naive local time: the portal's timestamps carry no offset (DESIGN §3)."""
        elapsed = (time.monotonic() - self._started) * self._scale
        with self._lock:
            return self._start + self._advanced + timedelta(seconds=elapsed)

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._advanced += delta
        return self.now()

    @property
    def scale(self) -> float:
        return self._scale
