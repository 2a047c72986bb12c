"""The demo's Decision 766 groups, computed straight from its generated frames (DESIGN §6).

`python -m bench.calibrate_766` prints, against the published targets, the groups the
calibration aims at: the new province over 1 January – 29 August 2025 (progress TDGQ,
online services DVCTT + online payment TTTT, satisfaction MDHL) and Bắc Kạn in July 2024
(TDGQ, DVCTT, TTTT). It reads the portal's lifecycles, ratings and PAKN as they stand at
AS_OF, applies the §4 definitions and the §10 points formulas, and takes 3.6 from the
published index the demo serves (the mean of the months in the period). It is a
calibration aid, not the product's index (that is `warehouse index766`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from demo_portal import catalogue
from demo_portal.clock import SimClock
from demo_portal.index766 import published_index
from demo_portal.portal import DemoPortal
from demo_portal.satisfaction import CALENDAR, DEADLINE_WORKING_DAYS

AS_OF = datetime(2026, 1, 1)


@dataclass(frozen=True)
class Case:
    name: str
    province_suffixes: tuple[str, ...]  # agency codes end with the province's portal code
    published_province: str
    start: date
    end: date
    targets: dict[str, float]


CASES = (
    Case(
        "Thái Nguyên (new province), 2025-01-01 – 2025-08-29",
        (".H56", ".H04"),
        "19",
        date(2025, 1, 1),
        date(2025, 8, 29),
        {"TDGQ": 19.31, "DVCTT+TTTT": 17.49, "MDHL": 17.86},
    ),
    Case(
        "Bắc Kạn, July 2024",
        (".H04",),
        "06",
        date(2024, 7, 1),
        date(2024, 7, 31),
        {"TDGQ": 19.5, "DVCTT": 7.9, "TTTT": 8.2},
    ),
)


def _day(column: str) -> pl.Expr:
    return pl.col(column).dt.date()


def group_points(portal: DemoPortal, case: Case) -> dict[str, float]:
    start, end = case.start, case.end
    in_case = pl.col("MaDonVi").str.ends_with(case.province_suffixes[0])
    for suffix in case.province_suffixes[1:]:
        in_case |= pl.col("MaDonVi").str.ends_with(suffix)
    dossiers = portal.lifecycles(AS_OF).filter(
        in_case, pl.col("final_status").is_null() | (pl.col("final_status") != 3)
    )
    finished, due = _day("finished_at"), _day("due_at")
    received = dossiers.filter(_day("received_at").is_between(start, end))
    resolved = dossiers.filter(finished.is_between(start, end))
    late = (finished > due).fill_null(False) | (pl.col("SoLanBoSung") > 1)
    pending = dossiers.filter(_day("received_at") <= end, finished.is_null() | (finished > end))
    overdue = (due < end).fill_null(False)
    good = resolved.filter(~late).height + pending.filter(~overdue).height
    counted = resolved.height + pending.height
    points = {"2.1": 20 * good / counted}

    procedures = catalogue.procedures(portal.seed)
    agencies = catalogue.agencies(portal.seed).filter(in_case)
    active = agencies.filter(
        (pl.col("HieuLucTu") == "") | (pl.col("HieuLucTu") <= end.isoformat()),
        (pl.col("HieuLucDen") == "") | (pl.col("HieuLucDen") >= start.isoformat()),
    )
    # A department's competence: the fields it received dossiers in over the 12 months up to `end`.
    fields = (
        dossiers.filter(_day("received_at") > end.replace(year=end.year - 1), _day("received_at") <= end)
        .select("MaDonVi", "MaLinhVuc")
        .unique()
    )
    local = active.filter(pl.col("Cap") != "TINH").join(procedures, left_on="Cap", right_on="CapThucHien")
    province = active.filter(pl.col("Cap") == "TINH").join(fields, on="MaDonVi").join(procedures, on="MaLinhVuc")
    province = province.filter(pl.col("CapThucHien") == "TINH")
    pairs = pl.concat([local.select("MaDonVi", "MaTTHC"), province.select("MaDonVi", "MaTTHC")]).unique()
    in_scope = procedures.join(pairs.select("MaTTHC").unique(), on="MaTTHC")
    online_services = pairs.join(procedures.filter(pl.col("MucDo").is_in(["3", "4"])), on="MaTTHC")
    used = received.filter(pl.col("KenhThucHien") == 2).select("MaDonVi", "MaTTHC").unique()
    rate_31 = in_scope.filter(pl.col("MucDo").is_in(["3", "4"])).height / in_scope.height
    rate_32 = online_services.join(used, on=["MaDonVi", "MaTTHC"]).height / online_services.height
    rate_33 = received.filter(pl.col("KenhThucHien") == 2).height / received.height
    points |= {"3.1": 2 * min(1, rate_31 / 0.8), "3.2": 4 * rate_32, "3.3": 6 * min(1, rate_33 / 0.5)}

    fee_codes = procedures.filter(pl.col("CoPhiLePhi") == "1").select("MaTTHC")
    fee_received = received.join(fee_codes, on="MaTTHC")
    paid = fee_received.filter(pl.col("DuocThanhToanTrucTuyen").is_in([1, 2]))
    fee_in_scope = in_scope.join(fee_codes, on="MaTTHC")
    rate_35 = paid.select("MaTTHC").unique().join(fee_in_scope, on="MaTTHC").height / fee_in_scope.height
    published = published_index(portal.seed, AS_OF.date()).filter(
        pl.col("MaDVHC") == case.published_province,
        pl.col("MaChiSo") == "3.6",
        pl.col("TuNgay") >= start.replace(day=1).isoformat(),
        pl.col("TuNgay") <= end.isoformat(),
    )
    points |= {
        "3.4": 6 * paid.height / fee_received.height,
        "3.5": min(2, 2.5 * rate_35),
        "3.6": published["Diem"].cast(pl.Float64).mean(),
    }

    ratings = portal.ratings_changed(None, AS_OF)
    feedback = portal.feedback_changed(None, AS_OF).filter(in_case)
    moment = pl.col("NgayTiepNhan").str.to_datetime("%Y%m%d%H%M%S")
    feedback = feedback.filter(moment.dt.date().is_between(start, end), pl.col("TrangThaiPAKN") != "4")
    deadlines = [
        CALENDAR.nth_working_day_after(day, DEADLINE_WORKING_DAYS)
        for day in feedback.select(moment.dt.date())["NgayTiepNhan"].to_list()
    ]
    handled = feedback["NgayXuLyXong"].str.to_datetime("%Y%m%d%H%M%S").dt.date().to_list()
    as_of_end = AS_OF.date() if AS_OF.date() < end else end
    on_time = [
        (done is not None and done <= deadline) or (done is None or done > as_of_end) and deadline >= end
        for done, deadline in zip(handled, deadlines, strict=True)
    ]
    frame = feedback.with_columns(on_time=pl.Series(on_time))
    disliked = pl.col("SoKhongThich").cast(pl.Int64).fill_null(0) > pl.col("SoThich").cast(pl.Int64).fill_null(0)
    unsatisfied = frame.filter(disliked | (pl.col("PhanAnhLai") == "1") | ~pl.col("on_time")).height
    n = frame.height
    points |= {"5.2": 6 * frame["on_time"].sum() / n if n else 6.0, "5.3": 6 * (n - unsatisfied) / n if n else 6.0}

    unhappy = set(ratings.filter(pl.col("MucDoHaiLong") == "3")["MaHoSo"].to_list())
    named = set(feedback["MaHoSo"].drop_nulls().to_list())
    counted_codes = pl.concat(
        [resolved.select("MaHoSo", late.alias("bad")), pending.select("MaHoSo", overdue.alias("bad"))]
    )
    counted_codes = counted_codes.with_columns(bad=pl.col("bad") | pl.col("MaHoSo").is_in(list(unhappy | named)))
    rate_54 = 1 - counted_codes["bad"].sum() / counted_codes.height
    points["5.4"] = min(6, 6 * rate_54 / 0.9)

    groups = {
        "TDGQ": points["2.1"],
        "DVCTT": points["3.1"] + points["3.2"] + points["3.3"],
        "TTTT": points["3.4"] + points["3.5"] + points["3.6"],
        "MDHL": points["5.2"] + points["5.3"] + points["5.4"],
    }
    groups["DVCTT+TTTT"] = groups["DVCTT"] + groups["TTTT"]
    return {"indicators": points, "groups": groups, "feedback": n, "rated": resolved.join(ratings, on="MaHoSo").height}


def main() -> None:
    portal = DemoPortal(clock=SimClock(AS_OF, scale=0))
    for case in CASES:
        result = group_points(portal, case)
        print(case.name)
        print("  indicators: " + ", ".join(f"{k} {v:.2f}" for k, v in result["indicators"].items()))
        print(f"  PAKN in the period {result['feedback']:,}, rated dossiers resolved in it {result['rated']:,}")
        for group, target in case.targets.items():
            ours = result["groups"][group]
            verdict = "within ±0.5" if abs(ours - target) <= 0.5 else "OFF"
            print(f"  {group:<11} {ours:6.2f}  target {target:6.2f}  ({ours - target:+.2f}, {verdict})")


if __name__ == "__main__":
    main()
