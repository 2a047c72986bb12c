"""The Decision 766 index (DESIGN §10): what `python -m warehouse index766`, the scorecard
page, the wall and the briefing call.

The rules (maxima, formulas, thresholds, stated cases, the PAKN deadline) are data in
`config/index766.toml` (`$IOC_INDEX766` for another file), read by `load_rules`. The rates
come from the typed KPI API (`warehouse.query.kpi`), which resolves units, levels and
registry versions; `sql/queries/index766.sql` applies the rules to those rows and to the
published figures. This module only picks the units, registers both as relations and
runs that SQL.

    scorecard(con, IndexSpec(date(2025, 1, 1), date(2025, 8, 29), by="commune"))
    scorecard(con, IndexSpec(date(2024, 8, 1), date(2024, 8, 31), unit="05830", units="current"))
    points_lost(frame)        # each indicator's shortfall, the largest first

On today's units (`units="current"`, DESIGN §5 "Across the reform") the `kpi` rows are read
with `units="current"`: a new commune's past is the sum of the old communes that went wholly
into it, and one fed by a split commune has null measures (its computed indicators have no
points). Such a scorecard carries `kpi`'s `comparable` and `note` on every row of the unit,
after the columns of DESIGN §7. A published figure of a period before the reform names a
commune as it then was (the reform re-used codes), so on today's units a commune takes none
for such a period; an agency is the same agency on any units, and the province's figure is
taken under today's code, as for a period that holds both old provinces.

Errors: `IndexRulesError` (a wrong rules file, naming the file and the option) and the
query API's `WarehouseError`s (an unknown unit), each one sentence for a user.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import duckdb
import polars as pl

from warehouse import registry
from warehouse.current_units import REFORM_START, comparability, resolve_current_unit
from warehouse.errors import WarehouseError
from warehouse.lookups import fetch_frame, resolve_unit
from warehouse.models import query_sql
from warehouse.query import KEY_COLUMNS, KpiFilter, Units, kpi

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "config" / "index766.toml"
Formula = Literal["linear", "linear_threshold", "capped"]
IndexBy = Literal["agency", "district", "commune"]
FORMULAS: tuple[str, ...] = ("linear", "linear_threshold", "capped")
# the columns of `index766` rows (DESIGN §7), in this order
COLUMNS = (
    "unit_code",
    "unit_name",
    "level",
    "group",
    "indicator",
    "numerator",
    "denominator",
    "rate",
    "points",
    "max_points",
    "max_available",
    "source",
    "published_points",
    "rank",
)
# what a scorecard on today's units adds to every row, as `kpi --units current` does
CURRENT_UNITS_COLUMNS = ("comparable", "note")
# a unit's keys in the rows `score` reads (published_*: the key its published figures carry)
_UNIT_KEYS = ("unit_code", "unit_name", "level", "published_agency", "published_unit")
NO_DISTRICTS = "there are no districts on today's units (the 2025 reform removed them): rank by commune or by agency"


class IndexRulesError(WarehouseError):
    """The rules file is wrong: the message names the file and the option."""


@dataclass(frozen=True)
class Group:
    code: str
    max_points: float
    vi: str
    en: str


@dataclass(frozen=True)
class Indicator:
    """One indicator: national-only, or a `kpi` rate put through a formula."""

    code: str
    group: str
    max_points: float
    vi: str
    en: str
    national: bool = False
    rate: str | None = None  # the `kpi` measure it reads
    formula: Formula | None = None
    scale: float | None = None  # linear and linear_threshold: points at r = 1 (default: max)
    threshold: float | None = None  # linear_threshold: the rate that earns full points
    factor: float | None = None  # capped: points per unit of rate
    cap: float | None = None  # capped: the most it gives (default: max)
    no_dossiers: float | None = None  # points when the unit had no dossiers
    no_feedback: float | None = None  # points without PAKN in the period, once any PAKN was loaded


@dataclass(frozen=True)
class Rules:
    groups: tuple[Group, ...]
    indicators: tuple[Indicator, ...]
    feedback_deadline_working_days: int  # DESIGN §4: a PAKN's handling deadline
    path: Path

    def table(self) -> pl.DataFrame:
        """The rules as the rows `index766.sql` reads (`index766_rules`)."""
        group_order = {group.code: number for number, group in enumerate(self.groups)}
        rows = []
        for number, item in enumerate(self.indicators):
            known = registry.BY_KEY.get(item.rate) if item.rate else None
            rows.append(
                {
                    "indicator": item.code,
                    "group_code": item.group,
                    "group_order": group_order[item.group],
                    "indicator_order": number,
                    "max_points": item.max_points,
                    "national": item.national,
                    "measure": item.rate,
                    "formula": item.formula,
                    "scale": item.scale if item.scale is not None else item.max_points,
                    "threshold": item.threshold,
                    "factor": item.factor,
                    "cap": item.cap if item.cap is not None else item.max_points,
                    "no_dossiers_points": item.no_dossiers,
                    "no_feedback_points": item.no_feedback,
                    # the parts of its rate, by the registry (none for a measure it lacks yet)
                    "numerator_parts": list(known.numerator) if known else None,
                    "denominator_parts": list(known.denominator) if known else None,
                    "numerator_less": list(known.less) if known else None,
                }
            )
        return pl.DataFrame(rows, schema=_RULE_SCHEMA)


_RULE_SCHEMA = {
    "indicator": pl.String,
    "group_code": pl.String,
    "group_order": pl.Int64,
    "indicator_order": pl.Int64,
    "max_points": pl.Float64,
    "national": pl.Boolean,
    "measure": pl.String,
    "formula": pl.String,
    "scale": pl.Float64,
    "threshold": pl.Float64,
    "factor": pl.Float64,
    "cap": pl.Float64,
    "no_dossiers_points": pl.Float64,
    "no_feedback_points": pl.Float64,
    "numerator_parts": pl.List(pl.String),
    "denominator_parts": pl.List(pl.String),
    "numerator_less": pl.List(pl.String),
}


def rules_file() -> Path:
    return Path(os.environ.get("IOC_INDEX766") or DEFAULT_FILE)


def load_rules(path: Path | None = None) -> Rules:
    """Read and check the rules file (default: `$IOC_INDEX766` or config/index766.toml)."""
    path = path or rules_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:  # TOMLDecodeError is a ValueError
        raise IndexRulesError(f"the Decision 766 rules file {path} cannot be read: {error}") from None
    return _parse(data, path)


GROUP_KEYS = frozenset({"max", "vi", "en"})
INDICATOR_KEYS = frozenset(
    {"code", "group", "max", "vi", "en", "national", "rate", "points"}
    | {"scale", "threshold", "factor", "cap", "no_dossiers", "no_feedback"}
)
# what each formula needs, beyond the rate
FORMULA_NEEDS: dict[str, tuple[str, ...]] = {"linear": (), "linear_threshold": ("threshold",), "capped": ("factor",)}


def _parse(data: dict, path: Path) -> Rules:
    def fail(message: str) -> IndexRulesError:
        return IndexRulesError(f"{path}: {message}")

    def number(value: object, where: str, *, positive: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(f"{where} must be a number, not {value!r}")
        if value < 0 or (positive and value == 0):
            raise fail(f"{where} must be {'above' if positive else 'at least'} 0, not {value!r}")
        return float(value)

    groups = []
    for code, spec in data.get("groups", {}).items():
        unknown = sorted(set(spec) - GROUP_KEYS)
        if unknown:
            raise fail(f"[groups.{code}] has unknown options: {', '.join(unknown)}")
        groups.append(
            Group(
                code,
                number(spec.get("max"), f"[groups.{code}] max", positive=True),
                spec.get("vi", code),
                spec.get("en", code),
            )
        )
    if not groups:
        raise fail("no [groups.CODE] tables")
    known_groups = {group.code for group in groups}

    indicators: list[Indicator] = []
    for spec in data.get("indicators", []):
        code = str(spec.get("code") or "")
        where = f"indicator {code or '(without a code)'}"
        unknown = sorted(set(spec) - INDICATOR_KEYS)
        if unknown:
            raise fail(f"{where} has unknown options: {', '.join(unknown)}")
        if not code or code in {i.code for i in indicators}:
            raise fail(f"{where}: every indicator needs a code of its own")
        if spec.get("group") not in known_groups:
            raise fail(f"{where}: group {spec.get('group')!r} is none of {', '.join(sorted(known_groups))}")
        maximum = number(spec.get("max"), f"{where} max", positive=True)
        national = spec.get("national", False) is True
        if national == ("rate" in spec):
            raise fail(f"{where}: give either national = true or a rate, not both or neither")
        formula = spec.get("points")
        if not national:
            if formula not in FORMULAS:
                raise fail(f"{where}: points must be one of {', '.join(FORMULAS)}, not {formula!r}")
            for needed in FORMULA_NEEDS[formula]:
                if needed not in spec:
                    raise fail(f"{where}: points = {formula!r} needs {needed}")
        no_feedback = spec.get("no_feedback")
        if no_feedback == "full":
            no_feedback = maximum
        optional = {
            key: number(spec[key], f"{where} {key}", positive=key in ("threshold", "factor"))
            for key in ("scale", "threshold", "factor", "cap", "no_dossiers")
            if key in spec
        }
        indicators.append(
            Indicator(
                code=code,
                group=spec["group"],
                max_points=maximum,
                vi=spec.get("vi", code),
                en=spec.get("en", code),
                national=national,
                rate=spec.get("rate"),
                formula=None if national else formula,
                no_feedback=None if no_feedback is None else number(no_feedback, f"{where} no_feedback"),
                **optional,
            )
        )

    # a group's maximum is stated twice (the group, the sum of its indicators): they must agree
    for group in groups:
        total = sum(i.max_points for i in indicators if i.group == group.code)
        if abs(total - group.max_points) > 1e-9:
            raise fail(
                f"group {group.code} has max {group.max_points:g} but its indicators' maxima add up to {total:g}"
            )
    deadline = data.get("feedback", {}).get("deadline_working_days", 15)
    if isinstance(deadline, bool) or not isinstance(deadline, int) or deadline < 1:
        raise fail(f"[feedback] deadline_working_days must be a whole number of days, not {deadline!r}")
    return Rules(tuple(groups), tuple(indicators), deadline, path)


@dataclass(frozen=True)
class IndexSpec:
    """The period and units of an index: the unit itself (None: every agency in the
    warehouse), or with `by` every unit of that kind inside it, ranked; `units` as recorded
    (the default) or today's (DESIGN §5: a unit then means today's unit)."""

    date_from: date
    date_to: date
    unit: str | None = None
    by: IndexBy | None = None
    units: Units = "recorded"

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise WarehouseError(
                f"the period ends ({self.date_to:%d/%m/%Y}) before it starts ({self.date_from:%d/%m/%Y})"
            )


def scorecard(con: duckdb.DuckDBPyConnection, spec: IndexSpec, rules: Rules | None = None) -> pl.DataFrame:
    """The index rows of DESIGN §7: per unit, its indicators, groups and total; on today's
    units each row with its unit's `comparable` and `note` last."""
    rules = rules or load_rules()
    units = unit_rows(con, spec)
    marks = [column for column in CURRENT_UNITS_COLUMNS if column in units.columns]
    frame = score(con, units.drop(marks), rules, spec.date_from, spec.date_to, rank=spec.by is not None)
    if not marks:
        return frame
    # one row per unit in `units` (each unit code once), so the join adds no row
    return frame.join(
        units.select("unit_code", *marks), on="unit_code", how="left", nulls_equal=True, maintain_order="left"
    )


def score(
    con: duckdb.DuckDBPyConnection,
    units: pl.DataFrame,
    rules: Rules,
    date_from: date,
    date_to: date,
    *,
    rank: bool = False,
) -> pl.DataFrame:
    """The rules applied to `units`: one row per unit with unit_code, unit_name, level,
    published_agency, published_unit and its `kpi` measures (what `unit_rows` gives; a
    frame built by hand works the same, which is how the rules are tested)."""
    cursor = con.cursor()  # relations registered here are seen by this query alone
    try:
        cursor.register("index766_kpi", _as_doubles(units).to_arrow())
        cursor.register("index766_rules", rules.table().to_arrow())
        if not _has_table(cursor, "fct_published_index"):  # a snapshot published before the mart
            cursor.register("fct_published_index", _NO_PUBLISHED.to_arrow())
        params = {"date_from": date_from, "date_to": date_to, "has_feedback": has_feedback(cursor), "rank": rank}
        return fetch_frame(cursor, query_sql("index766"), params)
    finally:
        cursor.close()


def unit_rows(con: duckdb.DuckDBPyConnection, spec: IndexSpec) -> pl.DataFrame:
    """The units of `spec`, each with its `kpi` row (measures and the parts of rates)."""
    if spec.units == "current":
        return _current_unit_rows(con, spec)
    unit = resolve_unit(con, spec.unit, spec.date_from, spec.date_to) if spec.unit else None

    def rows(by: str | None, level: str | None = None, unit_text: str | None = spec.unit) -> pl.DataFrame:
        return kpi(con, KpiFilter(spec.date_from, spec.date_to, unit_text, level, by=by), parts=True)  # type: ignore[arg-type]

    if spec.by is None:
        frame = rows(None)
        if unit is None:
            code, name = _province(con, spec.date_from, spec.date_to)
            frame = frame.with_columns(unit_code=pl.lit(code, pl.String), unit_name=pl.lit(name, pl.String))
            frame = frame.with_columns(level=pl.lit("province"), published_agency=pl.lit(None, pl.String))
        elif unit.agency_codes:  # an agency: its published figures carry its MaDonVi
            frame = frame.with_columns(
                unit_code=pl.lit(unit.agency_codes[0]),
                level=pl.lit(unit.level, pl.String),
                published_agency=pl.lit(unit.agency_codes[0]),
            )
        else:
            frame = frame.with_columns(level=pl.lit(unit.level, pl.String), published_agency=pl.lit(None, pl.String))
    elif spec.by == "agency":  # the province-level agencies, one by one
        frame = rows("agency", "province").with_columns(published_agency=pl.col("unit_code"))
    elif spec.by == "commune":  # each commune's own one-stop
        frame = rows("unit", "commune").filter(pl.col("level") == "commune")
        frame = frame.with_columns(published_agency=pl.lit(None, pl.String))
    elif unit is not None and unit.level == "district" and not unit.agency_codes:  # the district with its communes
        frame = rows(None).with_columns(level=pl.lit("district"), published_agency=pl.lit(None, pl.String))
    else:  # each district with its communes (before the reform)
        frame = rows("area").filter(pl.col("level") == "district")
        frame = frame.with_columns(published_agency=pl.lit(None, pl.String))
    keys = ("unit_code", "unit_name", "level", "published_agency")
    measures = [c for c in frame.columns if c not in KEY_COLUMNS and c not in keys]
    return frame.select(*keys, *measures)


def _current_unit_rows(con: duckdb.DuckDBPyConnection, spec: IndexSpec) -> pl.DataFrame:
    """`unit_rows` on today's units: the same `kpi` rows read with units="current", plus
    `comparable` and `note`; the key a unit's published figures carry (see the module's
    docstring)."""
    if spec.by == "district":
        raise WarehouseError(NO_DISTRICTS)

    def rows(by: str | None, level: str | None = None) -> pl.DataFrame:
        spec_of_kpi = KpiFilter(spec.date_from, spec.date_to, spec.unit, level, by=by, units="current")  # type: ignore[arg-type]
        return kpi(con, spec_of_kpi, parts=True)

    no_key = pl.lit(None, pl.String)
    # a commune's published figures before the reform are those of the old unit of its code
    commune_key = pl.col("unit_code") if spec.date_from >= REFORM_START else no_key
    if spec.by is None:
        frame = rows(None)
        unit = resolve_current_unit(con, spec.unit) if spec.unit else None
        if unit is None:
            code, name = _province_today(con)
            frame = frame.with_columns(unit_code=pl.lit(code, pl.String), unit_name=pl.lit(name, pl.String))
            keys = {"level": pl.lit("province"), "published_agency": no_key, "published_unit": pl.col("unit_code")}
        elif unit.agency_code:  # a province-level agency: its published figures carry its MaDonVi
            frame = frame.with_columns(unit_code=pl.lit(unit.agency_code))
            keys = {"level": pl.lit("province"), "published_agency": pl.col("unit_code"), "published_unit": no_key}
        else:
            province = unit.level == "province"
            keys = {
                "level": pl.lit(unit.level, pl.String),
                "published_agency": no_key,
                "published_unit": pl.col("unit_code") if province else commune_key,
            }
    elif spec.by == "agency":  # the province-level agencies, one by one
        frame = rows("agency", "province")
        keys = {"published_agency": pl.col("unit_code"), "published_unit": no_key}
    else:  # today's communes (their own one-stops): not the province's share of split communes' dossiers
        frame = rows("unit", "commune").filter(
            (pl.col("level") == "commune") & pl.col("unit_code").is_in(list(comparability(con)))
        )
        keys = {"published_agency": no_key, "published_unit": commune_key}
    frame = frame.with_columns(**{name: value.cast(pl.String) for name, value in keys.items()})
    # kpi nulls a row's measures and rates when it is not comparable; its parts of rates too
    # here, so that no indicator shows a numerator or denominator of a past it cannot stand by
    measures = [c for c in frame.columns if c not in (*KEY_COLUMNS, *_UNIT_KEYS, *CURRENT_UNITS_COLUMNS)]
    frame = frame.with_columns(pl.when(pl.col("comparable")).then(pl.col(m)).alias(m) for m in measures)
    return frame.select(*_UNIT_KEYS, *measures, *CURRENT_UNITS_COLUMNS)


def has_feedback(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse ever held a PAKN: the snapshot's `index766_data_present`, or
    in the writer's own database `raw_feedback`."""
    if _has_table(con, "index766_data_present"):
        [(present,)] = con.execute(
            "select coalesce(bool_or(has_feedback), false) from index766_data_present"
        ).fetchall()
        return present
    if _has_table(con, "raw_feedback"):
        [(present,)] = con.execute("select exists (select 1 from raw_feedback)").fetchall()
        return present
    return False


def points_lost(frame: pl.DataFrame) -> pl.DataFrame:
    """Each indicator row with `points_lost` = max_points − points, the largest first;
    unavailable indicators (no points: nothing known to win back) last."""
    indicators = frame.filter(~pl.col("indicator").is_in(["total", *_group_codes(frame)]))
    # equal losses by arithmetic (2 − 2 × 0.6 / 0.8 and 6 − 5.5) compare equal: rounded, as ranks are
    return indicators.with_columns(points_lost=pl.col("max_points") - pl.col("points")).sort(
        [pl.col("points_lost").round(9), "unit_code", "indicator"], descending=[True, False, False], nulls_last=True
    )


def reconciliation(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows where our figure and the published one both exist, with `difference` =
    ours − published (DESIGN §10: reconciling the province's view with the national one)."""
    ours = pl.col("source") == "computed"
    return frame.filter(ours & pl.col("published_points").is_not_null()).with_columns(
        difference=pl.col("points") - pl.col("published_points")
    )


def _group_codes(frame: pl.DataFrame) -> list[str]:
    return [code for code in frame["group"].unique().to_list() if code is not None]


_NO_PUBLISHED = pl.DataFrame(
    schema={
        "agency_code": pl.String,
        "unit_code": pl.String,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "indicator": pl.String,
        "numerator": pl.Float64,
        "denominator": pl.Float64,
        "points": pl.Float64,
    }
)


def _as_doubles(units: pl.DataFrame) -> pl.DataFrame:
    keys = ("unit_code", "unit_name", "level", "published_agency", "published_unit")
    for key in keys[:-1]:
        if key not in units.columns:
            units = units.with_columns(pl.lit(None, pl.String).alias(key))
    if "published_unit" not in units.columns:  # an area's published figures carry its own code
        units = units.with_columns(
            published_unit=pl.when(pl.col("published_agency").is_null()).then(pl.col("unit_code"))
        )
    measures = [c for c in units.columns if c not in keys]
    return units.select(
        pl.int_range(pl.len()).alias("unit_key"),
        *(pl.col(k).cast(pl.String) for k in keys),
        *(pl.col(m).cast(pl.Float64) for m in measures),
    )


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    # fetchall: a result left unfinished would block the connection's next query
    [(found,)] = con.execute(
        "select count(*) from duckdb_tables() where table_name = ? and not temporary", [name]
    ).fetchall()
    return found > 0


def _province(con: duckdb.DuckDBPyConnection, date_from: date, date_to: date) -> tuple[str | None, str]:
    """The province of every agency in the warehouse: the one of the period's registry, or,
    when the period holds two (Bắc Kạn merged into Thái Nguyên on 1 July 2025), the one of
    today they went into, whose code the national portal publishes its figures under."""
    recorded = fetch_frame(
        con,
        """
        select distinct units.unit_code, units.unit_name
        from dim_agencies
        inner join dim_units as units
            on units.unit_code = dim_agencies.province_code and units.unit_level = 'province'
        where units.valid_from <= $date_to and units.valid_to >= $date_from
        order by units.unit_code
        """,
        {"date_from": date_from, "date_to": date_to},
    )
    if recorded["unit_code"].n_unique() == 1:
        return recorded["unit_code"][0], recorded["unit_name"][0]
    code, name = _province_today(con)
    if code is not None:
        return code, name
    names = list(dict.fromkeys(recorded["unit_name"].to_list()))
    return None, " + ".join(names) or "—"


def _province_today(con: duckdb.DuckDBPyConnection) -> tuple[str | None, str]:
    """Today's province of every agency in the warehouse (None when they are in several)."""
    today = fetch_frame(
        con,
        """
        select distinct placed.current_province_code as unit_code, units.unit_name
        from dim_agency_current_units as placed
        inner join dim_units as units
            on units.unit_code = placed.current_province_code and units.unit_version = 'post2025'
        where placed.current_province_code is not null
        """,
    )
    if today.height == 1:
        return today["unit_code"][0], today["unit_name"][0]
    return None, " + ".join(today["unit_name"].to_list()) or "—"
