"""The change against the same period a year earlier ("so với cùng kỳ năm trước", issue 15).

Year-end reports compare a period with the same stretch of the year before. When the 2025
reform falls between the two, both are read on today's units (DESIGN §5 "Across the
reform"): a new commune's past is the sum of the old communes that went wholly into it, and
one fed by a split commune has no past (null measures and a `note` saying why). Otherwise
both are read as recorded: one registry version, so a code means the same unit in both.

    compared = YearOnYear.of(period)
    this_year, last_year = compared.filters(unit)   # two KpiFilters on the same units
    change("received", kpi(this_year), kpi(last_year))

The Decision 766 scorecard compares the same way: both periods' scorecards on
`compared.units` (`warehouse.index766.IndexSpec(..., units=compared.units)`), whose rows carry
`comparable` and `note` on today's units; `not_comparable` says why two rows do not compare.
"""

from __future__ import annotations

from dataclasses import dataclass

from warehouse import registry
from warehouse.periods import Period, reform_between, same_period_last_year
from warehouse.query import KpiFilter, Units

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
    if (row := not_comparable(now, before)) is not None:
        return Change(kpi, None, row.get("note"))
    current = None if now is None else now.get(kpi)
    past = None if before is None else before.get(kpi)
    if current is None or past is None:
        return Change(kpi, None)
    if registry.is_rate(kpi):
        return Change(kpi, current - past)
    # a count that was 0 has no relative change
    return Change(kpi, (current - past) / past if past else None)


def not_comparable(now: dict | None, before: dict | None) -> dict | None:
    """The row, last year's first, that is not comparable (a unit fed by a split commune: its
    `note` says why), or None when both compare; rows of `kpi` or of a 766 scorecard."""
    for row in (before, now):
        if row is not None and row.get("comparable") is False:
            return row
    return None
