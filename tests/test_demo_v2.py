"""The demo portal's contract v2 (DESIGN §3, §6): the new columns, ratings, PAKN and the
published index, read from the portal object (no HTTP), on one early month of 2023.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from demo_portal import satisfaction
from demo_portal.catalogue import procedures
from demo_portal.clock import SimClock
from demo_portal.index766 import DEMO_NOTE, INDEX_COLUMNS, MAX_POINTS
from demo_portal.portal import DemoPortal
from demo_portal.simulation import FOREVER_STUCK_PER_YEAR, V2_FLAGS, lifecycles
from warehouse.calendar import WorkingCalendar

NOW = datetime(2023, 4, 10, 9, 0)  # February 2023 is whole and settled by then
MONTH = "2023-02"


@pytest.fixture(scope="module")
def portal() -> DemoPortal:
    return DemoPortal(clock=SimClock(NOW, scale=0))


@pytest.fixture(scope="module")
def february(portal: DemoPortal) -> dict[str, pl.DataFrame]:
    return {
        entity: pl.read_csv(portal.export(entity, MONTH).body, infer_schema=False)
        for entity in ("dossiers", "ratings", "feedback")
    }


def test_same_seed_same_ratings_feedback_and_index(portal: DemoPortal) -> None:
    again = DemoPortal(clock=SimClock(NOW, scale=0))
    for entity, month in (("ratings", MONTH), ("feedback", MONTH), ("index766", None)):
        assert again.export(entity, month).body == portal.export(entity, month).body


def test_procedures_carry_eligibility_most_fully_online_some_partly(portal: DemoPortal) -> None:
    catalogue = pl.read_csv(portal.export("procedures").body, infer_schema=False)
    share = catalogue.group_by("MucDo").agg(pl.col("DuDieuKienToanTrinh").cast(pl.Int64).mean()).sort("MucDo")
    eligible = dict(share.iter_rows())
    assert eligible["2"] == 0
    assert 0.05 < eligible["3"] < 0.4
    assert eligible["4"] > 0.85


def test_dossiers_carry_the_v2_flags(february: dict[str, pl.DataFrame]) -> None:
    dossiers = february["dossiers"]
    assert set(V2_FLAGS) <= set(dossiers.columns)
    for flag in V2_FLAGS:
        assert set(dossiers[flag].unique().to_list()) == {"0", "1"}
    in_person = dossiers.filter(pl.col("KenhThucHien") == "1")
    # The document store and VNeID need an account: only online filings have them.
    assert in_person["DuocLayTuKhoDMQG"].unique().to_list() == ["0"]
    assert in_person["TaiKhoanDuocXacThucVoiVNeID"].unique().to_list() == ["0"]


def test_rated_share_by_channel_and_unhappy_share() -> None:
    dossiers = lifecycles(2023).filter(pl.col("received_at").dt.month() == 2)
    rated = satisfaction.rating_events(dossiers, 2023, 2023)
    done = dossiers.filter(pl.col("final_status").is_in([9, 10]))
    for channel, share in satisfaction.RATED_SHARE.items():
        of_channel = done.filter(pl.col("KenhThucHien") == channel)
        rated_share = of_channel.join(rated, on="MaHoSo", how="semi").height / of_channel.height
        assert abs(rated_share - share) < 0.03, channel
    unhappy = rated.filter(pl.col("level") == 3).height / rated.height
    assert satisfaction.UNHAPPY_SHARE < unhappy < 0.05
    again = rated["rerated_at"].is_not_null().mean()
    assert abs(again - satisfaction.RERATED_SHARE) < 0.01


def test_one_rating_per_dossier_and_a_rerating_replaces_the_first(portal: DemoPortal) -> None:
    ratings = portal.ratings_changed(None, NOW)
    assert ratings["MaHoSo"].is_unique().all()
    events = portal._events(NOW)[0].filter(pl.col("rerated_at") <= NOW).head(1).row(0, named=True)
    shown = ratings.filter(pl.col("MaHoSo") == events["MaHoSo"]).row(0, named=True)
    assert shown["ThoiGianDanhGia"] == events["rerated_at"].strftime("%Y%m%d%H%M%S")
    assert shown["MucDoHaiLong"] == str(events["rerated_level"])


def test_a_few_hundred_pakn_a_month_some_late_refused_open_or_naming_a_dossier(
    february: dict[str, pl.DataFrame],
) -> None:
    feedback = february["feedback"]
    assert 150 <= feedback.height <= 500
    assert feedback["MaPAKN"].is_unique().all()
    assert feedback.filter(pl.col("TrangThaiPAKN") == "4").height > 0
    assert feedback.filter(pl.col("MaHoSo").is_not_null()).height > 0.15 * feedback.height
    calendar = WorkingCalendar()
    received = feedback["NgayTiepNhan"].str.slice(0, 8).str.to_date("%Y%m%d").to_list()
    handled = feedback["NgayXuLyXong"].str.slice(0, 8).str.to_date("%Y%m%d").to_list()
    late = sum(
        done is not None and done > calendar.nth_working_day_after(day, satisfaction.DEADLINE_WORKING_DAYS)
        for day, done in zip(received, handled, strict=True)
    )
    assert 0 < late < 0.1 * feedback.height


def test_some_pakn_disliked_or_raised_again_over_a_year(portal: DemoPortal) -> None:
    events = portal._events(NOW)[1]
    assert events.filter(pl.col("SoKhongThich") > pl.col("SoThich")).height > 0
    assert events.filter(pl.col("PhanAnhLai") == 1).height > 0
    assert events.filter(pl.col("handled_at").is_null()).height > 0  # a few never handled


def test_pakn_feed_moves_through_its_statuses(portal: DemoPortal) -> None:
    event = portal._events(NOW)[1].filter(pl.col("published_at") < NOW).row(0, named=True)

    def status(moment: datetime) -> str:
        shown = satisfaction.feedback_at(pl.DataFrame([event]), moment)
        return shown["TrangThaiPAKN"].item()

    assert status(event["received_at"]) == "1"
    assert status(event["started_at"]) == "2"
    assert status(event["handled_at"]) in ("4", "5")
    assert status(event["published_at"]) == "6"


def test_index766_national_only_indicators_per_month_marked_demo(portal: DemoPortal) -> None:
    index = pl.read_csv(portal.export("index766").body, infer_schema=False)
    assert index.columns == list(INDEX_COLUMNS)
    assert set(index["MaChiSo"]) == set(MAX_POINTS)
    assert set(index["MaDVHC"]) == {"19", "06"}
    # whole months (April has not ended), and the year to date up to yesterday, 9 April
    periods = sorted(set(zip(index["TuNgay"], index["DenNgay"])))
    assert periods == [
        ("2023-01-01", "2023-01-31"),
        ("2023-01-01", "2023-04-09"),
        ("2023-02-01", "2023-02-28"),
        ("2023-03-01", "2023-03-31"),
    ]
    assert (index["GhiChu"] == DEMO_NOTE).all()
    assert index.height == 4 * 2 * len(MAX_POINTS)
    points = index.join(pl.DataFrame({"MaChiSo": list(MAX_POINTS), "max": list(MAX_POINTS.values())}), on="MaChiSo")
    assert (points["Diem"].cast(pl.Float64) <= points["max"]).all()


def test_index_json_lists_the_v2_exports(portal: DemoPortal) -> None:
    index = portal.export_index()
    assert {m["month"] for m in index["ratings"]["months"]} >= {"2023-01", "2023-02", "2023-03"}
    assert index["feedback"]["months"][0]["month"] == "2023-04"
    assert index["index766"]["path"] == "/api/v1/export/index766.csv"


def test_dossiers_stuck_for_good_are_a_couple_a_year() -> None:
    stuck = lifecycles(2024)["final_status"].null_count()
    assert stuck == FOREVER_STUCK_PER_YEAR


def test_procedure_eligibility_has_its_own_stream() -> None:
    # The v1 columns are those drawn before eligibility existed: 163 fully online locally.
    local = procedures().filter(pl.col("CapThucHien").is_in(["HUYEN", "XA"]), pl.col("MucDo") == "4")
    assert local.height == 163
