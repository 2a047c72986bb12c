"""KPIs on today's units ("theo địa giới mới", DESIGN §5 "Across the reform", §7 `kpi --units current`).

Any period, read on the post-reform communes and provinces. The numbers come from the
same KPI SQL and rollups as the default view (`sql/queries/kpi/measures.sql`); only the
agency → unit mapping differs: `dim_agency_current_units` places each agency on today's
units (a pre-reform commune in the new commune it went into wholly, a province-level
agency in today's province as it is, an old district's own one-stop in the province's
totals only). `sql/queries/kpi/units_current.sql`, composed in front of the query
(`warehouse.kpi_sql`), stands in for its agencies, form 06a and unit membership.

Every row carries `comparable` and `note`. A new commune is comparable with its past when
none of the old communes it came from was split (the shipped comparability table); a row
whose period reaches before 1 July 2025 on a commune that is not comparable has null
measures and a note naming the split commune. Rows of a province, of the old districts'
own dossiers and of split communes' dossiers are always comparable (the whole new
province is the sum of the old provinces). A period entirely from 1 July 2025 is
comparable everywhere: it is today's units' own data.

The default view (units as recorded) is untouched: a pre-reform period is never
re-labelled unless this view is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from warehouse import lookups, query
from warehouse.errors import UnitLookupError, WarehouseError
from warehouse.kpi_sql import kpi_sql
from warehouse.kpi_targets import target_level, with_targets
from warehouse.reference.conversion import NO_SOURCE_NOTE
from warehouse.targets import Targets
from warehouse.units import CandidateIndex, load_candidates, resolve

REFORM_START = date(2025, 7, 1)
LAST_PRE_REFORM_DAY = date(2025, 6, 30)

DISTRICT_NOTE = "the old districts' own one-stops: no successor commune, counted in the province's totals only"
SPLIT_NOTE = "pre-reform communes split by the reform (or missing from the conversion table): counted in the province's totals only"


@dataclass(frozen=True)
class CurrentUnit:
    """What a unit filter selects on today's units."""

    label: str
    code: str
    level: str  # 'commune' | 'province'
    agency_ids: list[int]
    agency_code: str | None = None  # a province-level agency's MaDonVi (its published figures carry it)


def resolve_current_unit(con: duckdb.DuckDBPyConnection, text: str) -> CurrentUnit:
    """A code or name of today's unit (or of a province-level or post-reform agency)."""
    try:
        found = resolve(text, _candidate_index(con), REFORM_START, REFORM_START)
    except UnitLookupError as error:
        raise UnitLookupError(f"{error} (on today's units, valid from 01/07/2025)", error.candidates) from None
    if found.agency_codes:
        agency_id, code, level, name, attribution = con.execute(
            """
            select agency_id, current_unit_code, current_unit_level, agency_name, attribution
            from dim_agency_current_units where agency_code = ?
            """,
            [found.agency_codes[0]],
        ).fetchone()
        if level == "commune" and attribution == "unit":  # a new commune's own agency: the commune
            return _unit(con, code, name=None)
        return CurrentUnit(
            label=name, code=code, level="province", agency_ids=[agency_id], agency_code=found.agency_codes[0]
        )
    return _unit(con, found.code, name=found.label)


def _unit(con: duckdb.DuckDBPyConnection, code: str, name: str | None) -> CurrentUnit:
    level, unit_name = con.execute(
        "select unit_level, unit_name from dim_units where unit_code = ? and unit_version = 'post2025'", [code]
    ).fetchone()
    if level == "province":
        where = "current_province_code = ? and attribution <> 'unresolved'"
    else:
        where = "current_unit_code = ? and attribution = 'unit'"
    ids = [
        r[0] for r in con.execute(f"select agency_id from dim_agency_current_units where {where}", [code]).fetchall()
    ]
    return CurrentUnit(label=name or unit_name, code=code, level=level, agency_ids=ids)


_indexes: dict[str, CandidateIndex] = {}


def _candidate_index(con: duckdb.DuckDBPyConnection) -> CandidateIndex:
    version = con.execute("select version from snapshot_info").fetchone()[0]
    index = _indexes.get(version)
    if index is None:
        named = {
            r[0]
            for r in con.execute(
                """
                select agency_code from dim_agency_current_units
                where attribution = 'unit' and (unit_version = 'post2025' or agency_level = 'province')
                """
            ).fetchall()
        }
        candidates = [
            c
            for c in load_candidates(con, units_table="dim_units", agencies_table="dim_agencies")
            if (c.kind == "unit" and c.version == "post2025") or (c.kind == "agency" and c.code in named)
        ]
        index = CandidateIndex(candidates)
        _indexes.clear()
        _indexes[version] = index
    return index


def comparability(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[bool, str | None]]:
    """Post-reform commune code -> (comparable, note); a commune the table lacks is not."""
    known = {
        code: (comparable, note)
        for code, comparable, note in con.execute(
            "select distinct new_code, new_comparable, new_note from dim_commune_conversion"
        ).fetchall()
    }
    communes = con.execute(
        "select unit_code from dim_units where unit_version = 'post2025' and unit_level = 'commune'"
    ).fetchall()
    return {code: known.get(code, (False, NO_SOURCE_NOTE)) for (code,) in communes}


def mark_comparability(
    con: duckdb.DuckDBPyConnection,
    frame: pl.DataFrame,
    measures: tuple[str, ...],
    unit: CurrentUnit | None,
    by_unit: bool,
) -> pl.DataFrame:
    """Add `comparable` and `note`; null the measures of rows that are not comparable."""
    table = comparability(con)
    comparable: list[bool] = []
    notes: list[str | None] = []
    for row in frame.iter_rows(named=True):
        if by_unit:  # each row is a unit of today (or a share of a province's totals)
            code, level = row["unit_code"], row["level"]
        elif unit is not None:
            code, level = unit.code, unit.level
        else:
            code, level = None, None
        reaches_past = row["period_start"] is not None and row["period_start"] <= LAST_PRE_REFORM_DAY
        if level == "commune" and code in table:
            ok, note = table[code]
            comparable.append(ok or not reaches_past)
            notes.append(None if ok or not reaches_past else note)
        elif by_unit and level == "district":
            comparable.append(True)
            notes.append(DISTRICT_NOTE if reaches_past else None)
        elif by_unit and level == "commune" and code is not None:  # split communes, under the province
            comparable.append(True)
            notes.append(SPLIT_NOTE if reaches_past else None)
        else:
            comparable.append(True)
            notes.append(None)
    flags = pl.Series("comparable", comparable, dtype=pl.Boolean)
    return frame.with_columns(
        *(pl.when(flags).then(pl.col(m)).otherwise(None).alias(m) for m in measures),
        flags,
        pl.Series("note", notes, dtype=pl.String),
    )


def split_destinations(
    con: duckdb.DuckDBPyConnection, agency_ids: list[int] | None, level: str | None
) -> list[tuple[str, str]]:
    """(code, name) of the new communes the selected split communes went into."""
    if level not in (None, "commune"):
        return []
    rows = con.execute(
        """
        select distinct destination.unit_code, destination.unit_name
        from (select unnest(split_into) as new_code, agency_id from dim_agency_current_units
              where attribution = 'split') as split
        inner join dim_units as destination
            on destination.unit_code = split.new_code and destination.unit_version = 'post2025'
        where $agency_ids is null or split.agency_id in (select unnest($agency_ids::bigint[]))
        order by 1
        """,
        {"agency_ids": agency_ids},
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def with_split_communes(frame: pl.DataFrame, destinations: list[tuple[str, str]]) -> pl.DataFrame:
    """Rows grouped by unit, plus an empty row for each new commune fed by a split commune
    that no agency counts for (its figures are '—' whatever they would be)."""
    if frame.is_empty() or not destinations:
        return frame
    present = set(frame.filter(pl.col("level") == "commune")["unit_code"].to_list())
    start, end = frame["period_start"][0], frame["period_end"][0]
    missing = [(code, name) for code, name in destinations if code not in present]
    if not missing:
        return frame
    extra = pl.DataFrame(
        {
            "unit_code": [c for c, _ in missing],
            "unit_name": [n for _, n in missing],
            "level": ["commune"] * len(missing),
            "period_start": [start] * len(missing),
            "period_end": [end] * len(missing),
        }
    )
    return pl.concat([frame, extra], how="diagonal_relaxed").sort("period_start", "unit_code", "level", nulls_last=True)


def check_spec(by: str | None) -> str | None:
    """Groupings on today's units: by unit (also for 'area': today's units have one tier
    under the province), agency, field, month, level, procedure; none."""
    if by == "area":
        return "unit"
    if by not in (None, "unit", "agency", "field", "month", "level", "procedure"):
        raise WarehouseError(f"no grouping '{by}' on today's units")
    return by


def kpi_current(
    con: duckdb.DuckDBPyConnection, spec: query.KpiFilter, *, targets: Targets | None = None, parts: bool = False
) -> pl.DataFrame:
    """`query.kpi(spec)` on today's units: the same rows, plus `comparable` and `note`; with
    `targets`, `<name>_target` beside every measure that has one; with `parts`, the parts of
    rates last (as `query.kpi` does)."""
    by = check_spec(spec.by)
    unit = resolve_current_unit(con, spec.unit) if spec.unit else None
    field = lookups.resolve_field(con, spec.field) if spec.field else None
    agency_ids = unit.agency_ids if unit else None
    params = {
        "date_from": spec.date_from,
        "date_to": spec.date_to,
        "by": "field" if by == "procedure" else (by or "none"),
        "agency_ids": agency_ids,
        "window_from": None,
        "window_to": None,
        # a form 06a sent without an agency is known only by its recorded unit: in totals only
        "unit_codes": [] if unit else None,
        "level": spec.level,
        "field_ids": list(field.field_ids) if field else None,
        "area_parents": None,
        "area_versions": None,
        "dossiers_only": spec.dossiers_only,
        "channel": lookups.CHANNEL_CODES[spec.channel] if spec.channel else None,
    }
    if spec.needs_dossiers:
        procedure_ids = lookups.procedure_ids(con, spec.procedure) if spec.procedure else None
        params |= {"procedure_ids": procedure_ids, "dossier_field_ids": params["field_ids"]}
        if by == "procedure":
            params["field_ids"] = None
    frame = lookups.fetch_frame(con, kpi_sql(query.rollups_of(spec), units="current"), params)
    if by is None:
        frame = frame.with_columns(
            pl.lit(unit.code if unit else None, dtype=pl.String).alias("unit_code"),
            pl.lit(unit.label if unit else None, dtype=pl.String).alias("unit_name"),
            pl.lit(spec.level, dtype=pl.String).alias("level"),
            pl.lit(field.code if field else None, dtype=pl.String).alias("field_code"),
            pl.lit(field.name if field else None, dtype=pl.String).alias("field_name"),
        )
    if by == "unit" and spec.date_from <= LAST_PRE_REFORM_DAY:
        frame = with_split_communes(frame, split_destinations(con, agency_ids, spec.level))
    measures = (*query.COUNT_COLUMNS, *query.RATE_COLUMNS)
    frame = mark_comparability(con, frame, measures, unit, by_unit=by == "unit")
    levels = _target_levels(frame, by, spec.level, unit)
    keys = query.KEY_COLUMNS
    if by == "procedure":
        frame = frame.rename({"field_code": "procedure_code", "field_name": "procedure_name"})
        keys = query.PROCEDURE_KEY_COLUMNS
    frame = frame.select(*keys, *measures, "comparable", "note", *(query.PART_COLUMNS if parts else ()))
    return with_targets(frame, targets, levels) if targets is not None else frame


def _target_levels(frame: pl.DataFrame, by: str | None, level: str | None, unit: CurrentUnit | None) -> list[str]:
    """Each row's target level (DESIGN §4) on today's units: a commune is the commune level;
    a province-level agency its own; the province mixes levels (its totals hold the old
    districts' own dossiers)."""
    if level is not None or by not in ("unit", "level"):
        one_level = unit is not None and (unit.level == "commune" or len(unit.agency_ids) == 1)
        return [target_level(level, unit.level if unit else None, one_level=one_level)] * frame.height
    if by == "level":
        return [target_level(row_level, None) for row_level in frame["level"]]
    return [target_level(None, row_level, one_level=row_level == "commune") for row_level in frame["level"]]
