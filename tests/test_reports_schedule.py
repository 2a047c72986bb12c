"""Scheduled exports: which period a run covers (Asia/Ho_Chi_Minh; weeks start on Monday),
when the configured triggers fire, the archive's layout and retention."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from ingest.sources.config import SourceConfigError
from reports.config import ExportsConfig, load_exports
from reports.schedule import archive_folder, list_archive, period_for, prune, slug
from warehouse.periods import Period

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = UTC


def test_monday_run_covers_the_previous_monday_to_sunday() -> None:
    assert period_for("weekly", datetime(2026, 11, 23, 7, 0, tzinfo=HCM)) == Period(
        date(2026, 11, 16), date(2026, 11, 22), "week"
    )


def test_run_on_the_first_covers_the_previous_month() -> None:
    assert period_for("monthly", datetime(2026, 12, 1, 7, 0, tzinfo=HCM)) == Period(
        date(2026, 11, 1), date(2026, 11, 30), "month"
    )


def test_january_run_covers_last_december() -> None:
    assert period_for("monthly", datetime(2027, 1, 1, 7, 0, tzinfo=HCM)) == Period(
        date(2026, 12, 1), date(2026, 12, 31), "month"
    )


def test_daily_run_covers_yesterday() -> None:
    assert period_for("daily", datetime(2026, 11, 21, 7, 0, tzinfo=HCM)) == Period(
        date(2026, 11, 20), date(2026, 11, 20), "day"
    )


def test_local_day_not_utc_day_decides() -> None:
    # 22/11 17:30 UTC is 23/11 00:30 in Hà Nội: "yesterday" is the 22nd, not the 21st
    assert period_for("daily", datetime(2026, 11, 22, 17, 30, tzinfo=UTC)).start == date(2026, 11, 22)
    # 22/11 16:59 UTC is 23:59 on the 22nd locally: yesterday is the 21st
    assert period_for("daily", datetime(2026, 11, 22, 16, 59, tzinfo=UTC)).start == date(2026, 11, 21)


def test_sunday_night_utc_is_already_monday_in_vietnam() -> None:
    # Sunday 22/11 23:30 UTC = Monday 23/11 06:30 +07: last week is 16–22/11
    assert period_for("weekly", datetime(2026, 11, 22, 23, 30, tzinfo=UTC)).start == date(2026, 11, 16)


def _fires(config: ExportsConfig, kind: str, after: datetime) -> datetime:
    trigger = CronTrigger(timezone="Asia/Ho_Chi_Minh", **config.schedule(kind))
    return trigger.get_next_fire_time(None, after)


def test_default_triggers_fire_at_seven_local_time() -> None:
    config = ExportsConfig()
    after = datetime(2026, 11, 21, 8, 0, tzinfo=HCM)  # a Saturday, after 07:00
    assert _fires(config, "daily", after) == datetime(2026, 11, 22, 7, 0, tzinfo=HCM)
    assert _fires(config, "weekly", after) == datetime(2026, 11, 23, 7, 0, tzinfo=HCM)  # Monday
    assert _fires(config, "monthly", after) == datetime(2026, 12, 1, 7, 0, tzinfo=HCM)
    assert _fires(config, "daily", after).astimezone(UTC).hour == 0  # 07:00 +07 = 00:00 UTC


def test_schedule_settings_are_read_from_the_sources_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[exports]\ndaily = "06:30"\nweekly = ""\nmonthly = "5 08:15"\nretention_days = 7\nunits = ["171"]\n',
        encoding="utf-8",
    )
    config = load_exports(path)
    assert config.schedule("daily") == {"hour": 6, "minute": 30}
    assert config.schedule("weekly") is None
    assert config.schedule("monthly") == {"day": 5, "hour": 8, "minute": 15}
    assert (config.retention_days, config.units) == (7, ("171",))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[exports]\ndaily = "7h"\n', "daily = '7h' is not a time like '07:00'"),
        ('[exports]\nweekly = "monday 07:00"\n', "is not a time like 'mon 07:00'"),
        ("[exports]\nkeep = 3\n", "unknown option(s) keep"),
    ],
)
def test_bad_schedule_settings_are_one_sentence(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceConfigError, match=".*") as caught:
        load_exports(path)
    assert words in str(caught.value)


def test_archive_is_beside_the_warehouse_by_default(tmp_path: Path) -> None:
    assert ExportsConfig().archive(tmp_path / "warehouse.duckdb") == tmp_path / "reports"


def test_archive_folders_by_run_day_and_period(tmp_path: Path) -> None:
    week = Period(date(2026, 11, 16), date(2026, 11, 22), "week")
    assert archive_folder(tmp_path, date(2026, 11, 23), week) == tmp_path / "2026-11-23" / "week-2026-11-16"
    assert slug(Period(date(2026, 11, 1), date(2026, 11, 30), "month"), "Đại Từ") == "month-2026-11-dai-tu"
    assert slug(Period(date(2026, 10, 1), date(2026, 12, 31), "quarter")) == "quarter-2026-Q4"


def test_retention_deletes_only_older_date_folders(tmp_path: Path) -> None:
    for name in ("2026-08-24", "2026-08-25", "2026-11-23", "notes"):
        (tmp_path / name / "day-x").mkdir(parents=True)
    (tmp_path / "runs.jsonl").write_text("", encoding="utf-8")
    removed = prune(tmp_path, 90, date(2026, 11, 23))  # keeps 25/08/2026 (= today − 90 days) and later
    assert [p.name for p in removed] == ["2026-08-24"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-08-25", "2026-11-23", "notes", "runs.jsonl"]


def test_zero_retention_keeps_everything(tmp_path: Path) -> None:
    (tmp_path / "2020-01-01").mkdir()
    assert prune(tmp_path, 0, date(2026, 11, 23)) == []
    assert (tmp_path / "2020-01-01").is_dir()


def test_archive_lists_only_snapshots_with_a_manifest(tmp_path: Path) -> None:
    done = tmp_path / "2026-11-23" / "day-2026-11-22"
    half = tmp_path / "2026-11-23" / "week-2026-11-16"
    done.mkdir(parents=True)
    half.mkdir(parents=True)
    (done / "manifest.json").write_text(
        '{"files": ["kpi.csv"], "made_at": "2026-11-23T07:00:05+07:00"}', encoding="utf-8"
    )
    (done / "kpi.csv").write_text("x", encoding="utf-8")
    (half / "kpi.csv").write_text("x", encoding="utf-8")
    [listed] = list_archive(tmp_path)
    assert (listed.run_day, listed.folder, [f.name for f in listed.files]) == (date(2026, 11, 23), done, ["kpi.csv"])
