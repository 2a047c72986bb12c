"""Test-only: make the writer kill itself (SIGKILL) at a named moment.

`IOC_TEST_KILL_AT=<point>` kills the process the first time it reaches that point,
`<point>#<n>` the n-th time (the second file of a load, say). A `kill -9` from outside
lands at a random moment; this lands exactly where a crash matters, so the recovery
tests (tests/test_publish_recovery.py) are deterministic. Unset, it is one dictionary
lookup. The points:

- `load:before-commit`  a file's rows are written, its transaction not yet committed
- `publish:start`       the files are committed, nothing of the publish done yet
- `publish:copied`      the new snapshot is written in its temporary file (and WAL),
                        not yet renamed into place
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "IOC_TEST_KILL_AT"
POINTS = frozenset({"load:before-commit", "publish:start", "publish:copied"})

_reached: Counter[str] = Counter()


def crash_point(point: str) -> None:
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    name, _, nth = wanted.partition("#")
    if name != point:
        return
    _reached[point] += 1
    if _reached[point] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
