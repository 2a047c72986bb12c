"""The single-writer rule: one process at a time holds the warehouse for writing.

An advisory `flock` on a file beside the database, so a crashed writer never leaves a
stale lock behind (the kernel drops it with the process).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.errors import WriterBusy

DEFAULT_WAIT_SECONDS = 60.0


@contextmanager
def writer_lock(lock_path: Path, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+")
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    raise WriterBusy(
                        f"another ingest (pid {holder}) is writing to {lock_path.with_suffix('')}; "
                        f"waited {wait_seconds:.0f} s, try again when it has finished"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()
