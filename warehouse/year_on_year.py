"""The change against the same period a year earlier ("so với cùng kỳ năm trước", issue 15).

Year-end reports compare a period with the same stretch of the year before. When the 2025
reform falls between the two, both are read on today's units (DESIGN §5 "Across the
reform"): a new commune's past is the sum of the old communes that went wholly into it, and
one fed by a split commune has no past (null measures and a `note` saying why). Otherwise
both are read as recorded: one registry version, so a code means the same unit in both.

    compared = YearOnYear.of(period)
    this_year, last_year = compared.filters(unit)   # two KpiFilters on the same units
    change("received", kpi(this_year), kpi(last_year))

The Decision 766 index is not computed on today's units (`warehouse.index766.IndexSpec` has
no such option), so `index766_note` compares a scorecard with its past only where the unit
is the same one in both periods.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse import registry
from warehouse.periods import Period, reform_between, same_period_last_year
from warehouse.query import KpiFilter, Units

# why a Decision 766 scorecard has no past to compare with (ui/labels.NOTE_PHRASES_VI translates it)
INDEX766_REDRAWN_NOTE = "re-drawn by the reform: the Decision 766 index is not computed on today's units"
# a unit that cannot be read on the compared units (an old district on today's units, say)
NO_PAST_NOTE = "the unit cannot be read on the same units a year earlier"


@dataclass(frozen=True)
class YearOnYear:
    this: Period
    last: Period  # the same period one year earlier
    units: Units  # "current" when the reform falls between them

    @classmethod
    def of(cls, period: Period) -> YearOnYear:
        last = same_period_last_year(period)
        return cls(period, last, "current" if reform_between(last, period) else "recorded")

    def filters(self, unit: str | None, **options: object) -> tuple[KpiFilter, KpiFilter]:
        """This period's and last year's KPI filters for `unit`, on the same units."""
        return (
            KpiFilter(self.this.start, self.this.end, unit=unit, units=self.units, **options),  # type: ignore[arg-type]
            KpiFilter(self.last.start, self.last.end, unit=unit, units=self.units, **options),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Change:
    """`value`: a rate's difference (a fraction: 0.032 is 3.2 points) or a count's relative
    change (0.124 is +12.4%); None when there is nothing to compare, with `note` saying why
    when the unit is not comparable (English; ui/labels.note_text translates it)."""

    kpi: str
    value: float | None
    note: str | None = None


def change(kpi: str, now: dict | None, before: dict | None) -> Change:
    """The change of `kpi` from `before` (last year's row) to `now`; rows of `kpi(...)`."""
    for row in (before, now):
        if row is not None and row.get("comparable") is False:
            return Change(kpi, None, row.get("note"))
    current = None if now is None else now.get(kpi)
    past = None if before is None else before.get(kpi)
    if current is None or past is None:
        return Change(kpi, None)
    if registry.is_rate(kpi):
        return Change(kpi, current - past)
    # a count that was 0 has no relative change
    return Change(kpi, (current - past) / past if past else None)


def index766_note(con: duckdb.DuckDBPyConnection, unit_code: str | None, compared: YearOnYear) -> str | None:
    """None when `unit_code` (a scorecard's unit; None: every agency) is the same unit last
    year, so its Decision 766 scorecards compare; else why not. The whole province and an
    agency are always the same; across the reform a commune is the same only when it is the
    one old commune of its code, unchanged or renamed (a re-used code is another unit)."""
    if unit_code is None or compared.units == "recorded":
        return None
    if con.execute("select count(*) from dim_agencies where agency_code = ?", [unit_code]).fetchall()[0][0]:
        return None
    sources = con.execute(
        "select old_code, how, new_comparable, new_note from dim_commune_conversion where new_code = ?", [unit_code]
    ).fetchall()
    if not sources:  # a province or a district: re-drawn too (today's Thái Nguyên holds old Bắc Kạn)
        return INDEX766_REDRAWN_NOTE
    if len(sources) == 1 and sources[0][0] == unit_code and sources[0][1] in ("unchanged", "renamed"):
        return None
    comparable, note = sources[0][2], sources[0][3]
    return INDEX766_REDRAWN_NOTE if comparable else note
