"""The run log: failures that published nothing still reach the data-health page."""

from datetime import datetime, timedelta

from warehouse import health
from warehouse.runlog import append_run


def test_a_failed_run_is_seen_without_a_snapshot(warehouse):
    append_run(
        warehouse,
        {
            "run_id": "r1",
            "source": "demo",
            "started_at": datetime(2026, 11, 22, 8, 0),
            "finished_at": datetime(2026, 11, 22, 8, 1),
            "status": "ok",
            "rows": 5,
            "error": None,
        },
    )
    append_run(
        warehouse,
        {
            "run_id": "r2",
            "source": "demo",
            "started_at": datetime(2026, 11, 22, 8, 5),
            "finished_at": datetime(2026, 11, 22, 8, 6),
            "status": "failed",
            "rows": 0,
            "error": "portal down",
        },
    )
    [demo] = health.sources(health.runs(None, warehouse))
    assert demo.last_ok == datetime(2026, 11, 22, 8, 1)
    assert (demo.last_status, demo.last_error) == ("failed", "portal down")
    # the failure does not refresh the data: an hour after the last good pull, it is stale
    assert demo.is_stale(datetime(2026, 11, 22, 9, 2), threshold=timedelta(hours=1))
    assert not demo.is_stale(datetime(2026, 11, 22, 8, 30), threshold=timedelta(hours=1))
