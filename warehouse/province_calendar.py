"""The province's own changes to the national working-day calendar (config/calendar_province.toml).

Vietnam's calendar comes from a maintained library (warehouse/calendar.py); this file
holds only what the province decides on top of it, typically a day off its People's
Committee announces too late for any library. Two kinds of entry:

    [[day_off]]          an addition: a day that is not worked (a weekday, usually)
    date = "2027-03-15"
    name = "Nghỉ theo Quyết định 123/QĐ-UBND"

    [[working_day]]      a removal: a day that is worked although it is off
    date = "2027-03-20"  (a make-up Saturday, or a national day off the offices work)
    name = "Làm bù cho ngày 15/03/2027"

`$IOC_CALENDAR` points at another file. A missing file means no changes.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from warehouse.errors import WarehouseError

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "config" / "calendar_province.toml"
# The name given to the days off still listed under `[calendar] holidays` in a targets
# file written before the national calendar came from the library.
LEGACY_NAME = "Ngày nghỉ (config/targets.toml)"


@dataclass(frozen=True)
class ProvinceDay:
    day: date
    working: bool  # False: an added day off; True: a day worked although otherwise off
    name: str


@dataclass(frozen=True)
class ProvinceCalendar:
    """The entries in file order; a date may appear twice (the data-health page says so)."""

    entries: tuple[ProvinceDay, ...] = ()

    def by_date(self) -> dict[date, ProvinceDay]:
        """One entry per date: the first one written wins."""
        chosen: dict[date, ProvinceDay] = {}
        for entry in self.entries:
            chosen.setdefault(entry.day, entry)
        return chosen

    def repeated(self) -> list[date]:
        """Dates named more than once, in date order."""
        seen = [entry.day for entry in self.entries]
        return sorted({day for day in seen if seen.count(day) > 1})


def load_province(path: Path | None = None, legacy_days_off: Iterable[date] = ()) -> ProvinceCalendar:
    """The provincial file's entries, then any legacy days off (as additions)."""
    path = path or Path(os.environ.get("IOC_CALENDAR") or DEFAULT_FILE)
    legacy = tuple(ProvinceDay(day, False, LEGACY_NAME) for day in legacy_days_off)
    if not path.exists():
        return ProvinceCalendar(legacy)
    return ProvinceCalendar(_read(str(path), path.stat().st_mtime) + legacy)


@cache
def _read(path: str, mtime: float) -> tuple[ProvinceDay, ...]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return tuple(
            _entry(item, working)
            for key, working in (("day_off", False), ("working_day", True))
            for item in data.get(key, [])
        )
    except (tomllib.TOMLDecodeError, ValueError, TypeError) as error:
        raise WarehouseError(f"the provincial calendar {path} cannot be read: {error}") from None


def _entry(item: dict, working: bool) -> ProvinceDay:
    if "date" not in item:
        raise ValueError(f"an entry has no date: {item}")
    text = item["date"]
    # TOML has its own date type; a quoted "YYYY-MM-DD" is accepted too.
    day = text if isinstance(text, date) else date.fromisoformat(str(text))
    return ProvinceDay(day, working, str(item.get("name") or ("Ngày làm việc" if working else "Ngày nghỉ")))
