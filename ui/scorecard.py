"""The Decision 766 scorecard as people read it (DESIGN §10): the total said in words, the
groups and indicators as tables, the units ranked worst first, and for each indicator's
lost points what would win them back, as links to the pages that list it.

Frames in, frames and text out: no `st.*` here (the page and the wall panel draw them).
The figures are `warehouse.index766.scorecard` rows, never recomputed: this module only
picks, labels and orders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

import polars as pl

from ui import formats
from ui.formats import Lang
from warehouse.index766 import IndexSpec, Rules, load_rules, points_lost, reconciliation
from warehouse.periods import Period, last_months, month_of

PAGE_PATH = "chi-so-766"
TOTAL = "total"


def rules() -> Rules:
    return load_rules()


def group_codes(rule_set: Rules) -> list[str]:
    return [group.code for group in rule_set.groups]


def _name(item, lang: Lang) -> str:
    return item.en if lang == "en" else item.vi


def group_names(rule_set: Rules, lang: Lang) -> dict[str, str]:
    return {group.code: _name(group, lang) for group in rule_set.groups}


def indicator_names(rule_set: Rules, lang: Lang) -> dict[str, str]:
    return {item.code: _name(item, lang) for item in rule_set.indicators}


# ------------------------------------------------------------------------ one unit


def unit_rows(frame: pl.DataFrame, unit_code: str | None = None) -> pl.DataFrame:
    """One unit's rows (the first unit's when none is named)."""
    if frame.is_empty():
        return frame
    code = unit_code if unit_code is not None else frame["unit_code"][0]
    return frame.filter(pl.col("unit_code") == code)


def total_row(frame: pl.DataFrame) -> dict | None:
    rows = frame.filter(pl.col("indicator") == TOTAL)
    return rows.row(0, named=True) if rows.height else None


def maximum(value: float | None, lang: Lang) -> str:
    """A maximum as the rules state it: 82 (a whole number), or 1,5."""
    if value is not None and float(value).is_integer():
        return formats.count(value, lang)
    return formats.score(value, lang)


def out_of(row: dict | None, lang: Lang) -> str:
    """ "74,6 / 82": the points against the points that could be computed; "—" with none."""
    if row is None or row["points"] is None:
        return formats.MISSING
    return f"{formats.score(row['points'], lang)} / {maximum(row['max_available'], lang)}"


def missing_points(row: dict) -> float:
    return row["max_points"] - (row["max_available"] or 0.0)


def summary(row: dict | None, lang: Lang) -> str:
    """The total in words (DESIGN §10): "74,6 / 82 điểm tính được; 18 điểm chưa có dữ liệu"."""
    if row is None or row["points"] is None:
        return (
            "No indicator has data yet for this period."
            if lang == "en"
            else "Chưa có dữ liệu cho chỉ số nào trong kỳ này."
        )
    missing = missing_points(row)
    if lang == "en":
        text = f"{out_of(row, lang)} points available"
        return text + (f"; {maximum(missing, lang)} points without data yet" if missing > 0 else "")
    text = f"{out_of(row, lang)} điểm tính được"
    return text + (f"; {maximum(missing, lang)} điểm chưa có dữ liệu" if missing > 0 else "")


def group_note(row: dict, lang: Lang) -> str:
    """Under a group's figure: its maximum, and how much of it has no data."""
    missing = missing_points(row)
    most = maximum(row["max_points"], lang)
    if row["points"] is None:
        return f"max {most}; no data yet" if lang == "en" else f"tối đa {most}; chưa có dữ liệu"
    if missing > 0:
        gap = maximum(missing, lang)
        return f"max {most}; {gap} without data" if lang == "en" else f"tối đa {most}; {gap} chưa có dữ liệu"
    return f"max {most}" if lang == "en" else f"tối đa {most}"


def groups_table(frame: pl.DataFrame, rule_set: Rules, lang: Lang) -> pl.DataFrame:
    """One unit's six groups, in the rules' order: points against maxima and what is available."""
    names = group_names(rule_set, lang)
    rows = frame.filter(pl.col("indicator").is_in(list(names)))
    order = {code: number for number, code in enumerate(names)}
    return (
        rows.with_columns(group_name=pl.col("group").replace_strict(names, default=None))
        .sort(pl.col("group").replace_strict(order, default=len(order)))
        .select("group", "group_name", "points", "max_points", "max_available")
    )


def indicators_table(frame: pl.DataFrame, rule_set: Rules, lang: Lang) -> pl.DataFrame:
    """One unit's indicators: rate, points, points lost, where the points come from, and
    the published figure beside ours with the difference where both exist."""
    names = indicator_names(rule_set, lang)
    rows = frame.filter(pl.col("indicator").is_in(list(names)))
    differences = reconciliation(rows).select("unit_code", "indicator", "difference")
    order = {code: number for number, code in enumerate(names)}
    return (
        rows.join(differences, on=["unit_code", "indicator"], how="left")
        .with_columns(
            indicator_name=pl.col("indicator").replace_strict(names, default=None),
            points_lost=pl.col("max_points") - pl.col("points"),
        )
        .sort(pl.col("indicator").replace_strict(order, default=len(order)))
        .select(
            "indicator",
            "indicator_name",
            pl.col("rate").alias("index_rate"),
            "points",
            "max_points",
            "points_lost",
            pl.col("source").alias("index_source"),
            "published_points",
            "difference",
        )
    )


def rates_as_text(frame: pl.DataFrame, lang: Lang) -> pl.DataFrame:
    """The indicators' rates written out for the screen ("—" without one: the grid would
    draw a missing number as "None"); downloads keep the numbers."""
    return frame.with_columns(
        pl.col("index_rate").map_elements(lambda v: formats.rate(v, lang), return_dtype=pl.String, skip_nulls=False)
    )


# ------------------------------------------------------------------------ units ranked


def ranking_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Each unit's total, worst first (rank is 1 for the best, on points / max_available);
    a unit without any points last."""
    return (
        frame.filter(pl.col("indicator") == TOTAL)
        .with_columns(points_rate=pl.col("points") / pl.col("max_available"))
        .sort(["rank", "unit_name"], descending=[True, False], nulls_last=True)
        .select("rank", "unit_code", "unit_name", "points", "max_available", "points_rate")
    )


def weakest(frame: pl.DataFrame, count: int = 5) -> pl.DataFrame:
    return ranking_table(frame).filter(pl.col("points").is_not_null()).head(count)


def units_losing(frame: pl.DataFrame, indicator: str, count: int = 3) -> pl.DataFrame:
    """The units of a ranked scorecard losing most points on `indicator`."""
    return (
        frame.filter((pl.col("indicator") == indicator) & pl.col("points").is_not_null())
        .with_columns(points_lost=pl.col("max_points") - pl.col("points"))
        .filter(pl.col("points_lost") > 0)
        .sort(["points_lost", "unit_name"], descending=[True, False])
        .head(count)
        .select("unit_code", "unit_name", "points_lost")
    )


# ------------------------------------------------------------------------ where the points are


@dataclass(frozen=True)
class Remedy:
    """What would win an indicator's points back, and the page that lists it."""

    vi: str
    en: str
    path: str  # a page's url_path (app.py); "dich-vu-cong" and "hai-long" are the v2 pages
    params: tuple[tuple[str, str], ...] = ()
    period: bool = True  # the page reads a period from the link (the overdue list is as of today)

    def text(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.vi


OVERDUE = Remedy("Hồ sơ đang quá hạn", "Dossiers overdue now", "tre-han", period=False)
REMEDIES: dict[str, tuple[Remedy, ...]] = {
    "2.1": (
        OVERDUE,
        Remedy("Hồ sơ giải quyết quá hạn", "Dossiers resolved late", "phan-tich", (("measure", "resolved_late"),)),
    ),
    "3.1": (Remedy("Thủ tục chưa cung cấp trực tuyến", "Procedures not offered online", "dich-vu-cong"),),
    "3.2": (Remedy("Dịch vụ trực tuyến chưa có hồ sơ nào", "Online services nobody used", "dich-vu-cong"),),
    "3.3": (
        Remedy("Hồ sơ nộp trực tiếp", "Dossiers filed in person", "phan-tich", (("measure", "received_direct"),)),
        Remedy("Hồ sơ nộp qua bưu chính", "Dossiers sent by post", "phan-tich", (("measure", "received_postal"),)),
    ),
    "3.4": (Remedy("Hồ sơ có phí chưa thanh toán trực tuyến", "Fee-bearing dossiers not paid online", "dich-vu-cong"),),
    "3.5": (
        Remedy(
            "Thủ tục có phí chưa phát sinh thanh toán trực tuyến",
            "Fee-bearing procedures not paid online",
            "dich-vu-cong",
        ),
    ),
    "4.1": (Remedy("Tỷ lệ kết quả điện tử theo đơn vị", "Electronic results by unit", "phan-tich"),),
    "4.2": (Remedy("Tỷ lệ số hóa theo đơn vị", "Digitisation by unit", "phan-tich"),),
    "4.3": (Remedy("Tỷ lệ số hóa theo đơn vị", "Digitisation by unit", "phan-tich"),),
    "4.4": (Remedy("Tỷ lệ số hóa theo đơn vị", "Digitisation by unit", "phan-tich"),),
    "4.5": (Remedy("Tỷ lệ số hóa theo đơn vị", "Digitisation by unit", "phan-tich"),),
    "5.2": (Remedy("Phản ánh, kiến nghị xử lý quá hạn", "PAKN handled late", "hai-long"),),
    "5.3": (Remedy("Phản ánh, kiến nghị chưa hài lòng", "PAKN not satisfied", "hai-long"),),
    "5.4": (Remedy("Hồ sơ bị đánh giá chưa hài lòng", "Dossiers rated unsatisfied", "hai-long"), OVERDUE),
}


@dataclass(frozen=True)
class View:
    """What a link carries from this page: the period as the other pages read it
    (`period=month` or `period=custom&from=…&to=…`), the unit's area, the language."""

    period: str
    date_from: date
    date_to: date
    unit_code: str | None = None
    level: str | None = None  # the unit's: a commune or district narrows the other pages
    lang: Lang = "vi"

    def period_params(self) -> list[tuple[str, str]]:
        if self.period == "custom":
            return [("period", "custom"), ("from", self.date_from.isoformat()), ("to", self.date_to.isoformat())]
        return [] if self.period == "month" else [("period", self.period)]

    def area_params(self) -> list[tuple[str, str]]:
        if self.unit_code and self.level in ("commune", "district"):
            return [(self.level, self.unit_code)]
        return []

    def lang_params(self) -> list[tuple[str, str]]:
        return [("lang", "en")] if self.lang == "en" else []


def link(remedy: Remedy, view: View) -> str:
    """A relative link (it works under any base path) with the filters in it."""
    params = (view.period_params() if remedy.period else []) + view.area_params() + list(remedy.params)
    query = urlencode(params + view.lang_params())
    return f"{remedy.path}?{query}" if query else remedy.path


def unit_link(unit_code: str, view: View) -> str:
    """This page on another unit's scorecard, same period and language."""
    return f"{PAGE_PATH}?{urlencode([('unit', unit_code), *view.period_params(), *view.lang_params()])}"


def losses(frame: pl.DataFrame, rule_set: Rules, lang: Lang) -> pl.DataFrame:
    """One unit's indicators that lost points, the largest loss first (`points_lost`)."""
    names = indicator_names(rule_set, lang)
    return (
        points_lost(frame)
        .filter(pl.col("points_lost") > 0)
        .with_columns(indicator_name=pl.col("indicator").replace_strict(names, default=None))
        .select("indicator", "indicator_name", "points", "max_points", "points_lost", "source")
    )


# ------------------------------------------------------------------------ monthly trend


def month_specs(through: date, unit: str | None, count: int = 12) -> tuple[IndexSpec, ...]:
    """The `count` months up to `through`'s, each a scorecard of its own (the portal ranks
    monthly, and a published figure counts for exactly its month); the month running on
    `through` is read up to it."""
    start = last_months(through, count).start
    specs = []
    while start <= through:
        month = month_of(start)
        specs.append(IndexSpec(month.start, min(month.end, through), unit=unit))
        start = month.end + timedelta(days=1)
    return tuple(specs)


def trend_table(months: pl.DataFrame, rule_set: Rules) -> pl.DataFrame:
    """The total's and each group's points by month: period_start, series, points, max_available.
    Months before the data begins are left off (no dossiers is not a score of 0)."""
    series = [TOTAL, *group_codes(rule_set)]
    if months.is_empty():
        return pl.DataFrame(
            schema={"period_start": pl.Date, "series": pl.String, "points": pl.Float64, "max_available": pl.Float64}
        )
    counted = ((pl.col("source") == "computed") & (pl.col("denominator") > 0)) | (pl.col("source") == "published")
    active = months.filter(counted)["period_start"]
    if active.is_empty():
        return months.clear().select("period_start", pl.col("indicator").alias("series"), "points", "max_available")
    return (
        months.filter(pl.col("indicator").is_in(series) & (pl.col("period_start") >= active.min()))
        .select("period_start", pl.col("indicator").alias("series"), "points", "max_available")
        .sort("period_start")
    )


def year_on_year(now: dict | None, before: dict | None, last_year: Period, lang: Lang) -> str:
    """Under a total or a group: "so với cùng kỳ 2024: +3,5 điểm (62,5 / 80)", last year's
    points against last year's available points beside the change; "—" when either has none."""
    year = last_year.start.year
    whole = last_year.kind == "year" and last_year.is_whole
    if lang == "en":
        head, unit = (f"vs {year}" if whole else f"vs same period {year}"), "points"
    else:
        head, unit = (f"so với năm {year}" if whole else f"so với cùng kỳ {year}"), "điểm"
    if now is None or before is None or now["points"] is None or before["points"] is None:
        return f"{head}: {formats.MISSING}"
    return f"{head}: {formats.signed_score(now['points'] - before['points'], lang)} {unit} ({out_of(before, lang)})"
