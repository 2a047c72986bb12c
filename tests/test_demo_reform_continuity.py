"""The demo across the 2025 reform (DESIGN §5 "Across the reform", §6): each new commune
receives what its sources in the official conversion table received, so a comparable
commune's volume runs on at 1 July 2025, and so does the province's.

A new commune's sources, as the demo forms it: every old commune that went wholly into it,
and an equal share of each old commune split between it and others. The old districts'
own one-stops, closed by the reform, feed no commune: their work goes to the provincial
public administration service centre (a province-level agency), as today's units count
them in the province's totals only (DESIGN §5). The shares are taken here from the
dossiers counted before the reform, from the portal's own frames and the shipped table.

Windows: the 3 months before the reform (1 April – 30 June 2025: 63 working days) and the
3 months after the new communes' start-up fortnight (15 July – 14 October 2025: 65 working
days). Dossiers received per working day (every channel, refused ones included) are
compared. Tolerance: the demo's trend is 3 %/year, +0.9 % over the 3.5 months between the
windows' midpoints, and the two windows' mix of weekdays and holidays moves the rate per
working day by under 1 %: 2 % in all, plus four standard deviations of the Poisson noise
of the two counts (sqrt(1/before + 1/after); for Xã Đại Từ about 3,000 dossiers a side,
so 4σ ≈ 10 %, 12 % in all). The random shares the demo used before this rule put Xã Đại Từ at less
than half its sources.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from demo_portal.catalogue import agency_table, commune_conversion
from demo_portal.simulation import FIXED_HOLIDAYS, REFORM_RAMP_DAYS, lifecycles

REFORM = date(2025, 7, 1)
BEFORE = (date(2025, 4, 1), REFORM)  # [first, end)
AFTER = (REFORM + timedelta(days=REFORM_RAMP_DAYS), date(2025, 10, 15))
TREND_AND_CALENDAR = 0.02
NOISE_SIGMAS = 4
MEANINGFUL = 500  # dossiers in the 3 months before: 8 a working day; 4σ of the ratio ≤ 25 %

XA_DAI_TU = "05830"
XA_DAI_TU_SOURCES = {"05821", "05830", "05833", "05836"}  # Khôi Kỳ, Bình Thuận, Lục Ba, Mỹ Yên


def working_days(first: date, end: date) -> int:
    holidays = [np.datetime64(f"{first.year}-{month_day}") for month_day in FIXED_HOLIDAYS]
    return int(np.busday_count(np.datetime64(first), np.datetime64(end), holidays=holidays))


@pytest.fixture(scope="module")
def received() -> pl.DataFrame:
    """Dossiers received per agency in each window: agency, role, unit, district, window, n, online."""
    agencies = agency_table().select("MaDonVi", "role", "MaDVHC", "district_code")
    frames = []
    for name, (first, end) in (("before", BEFORE), ("after", AFTER)):
        frames.append(
            lifecycles(2025)
            .filter(pl.col("received_at") >= first, pl.col("received_at") < end)
            .group_by("MaDonVi")
            .agg(pl.len().alias("n"), (pl.col("KenhThucHien") == 2).sum().alias("online"))
            .with_columns(pl.lit(name).alias("window"))
        )
    return pl.concat(frames).join(agencies, on="MaDonVi")


@pytest.fixture(scope="module")
def sources_before(received: pl.DataFrame) -> pl.DataFrame:
    """Per new commune: its sources' dossiers (n, online) before the reform, and whether it
    is comparable (no split source)."""
    conversion = commune_conversion().join(commune_conversion().group_by("old_code").len("ways"), on="old_code")
    before = received.filter(pl.col("window") == "before")
    communes = (
        before.filter(pl.col("role") == "commune")
        .join(conversion, left_on="MaDVHC", right_on="old_code")
        .select("new_code", "district_code", "ways", pl.col("n") / pl.col("ways"), pl.col("online") / pl.col("ways"))
    )
    comparable = communes.group_by("new_code").agg((pl.col("ways").max() == 1).alias("comparable"))
    return (
        communes.select("new_code", "n", "online")
        .group_by("new_code")
        .agg(pl.col("n").sum(), pl.col("online").sum())
        .join(comparable, on="new_code")
    )


def rate_per_working_day(count: float, window: tuple[date, date]) -> float:
    return count / working_days(*window)


def within_tolerance(before: float, after: float) -> tuple[float, float]:
    """The after/before ratio of dossiers per working day, and the tolerance around 1."""
    ratio = rate_per_working_day(after, AFTER) / rate_per_working_day(before, BEFORE)
    return ratio, TREND_AND_CALENDAR + NOISE_SIGMAS * (1 / before + 1 / after) ** 0.5


def new_communes_after(received: pl.DataFrame) -> pl.DataFrame:
    return received.filter(pl.col("window") == "after", pl.col("role") == "new_commune").select(
        pl.col("MaDVHC").alias("new_code"), pl.col("n").alias("after_n"), pl.col("online").alias("after_online")
    )


def test_windows_have_the_stated_working_days() -> None:
    # April 22 weekdays − 30/4, May 22 − 1/5, June 21; July 15–31 13, August 21, September 22 − 2/9, October 1–14 10
    assert (working_days(*BEFORE), working_days(*AFTER)) == (63, 65)


def test_xa_dai_tu_receives_what_its_sources_did(received: pl.DataFrame, sources_before: pl.DataFrame) -> None:
    conversion = commune_conversion()
    assert set(conversion.filter(pl.col("new_code") == XA_DAI_TU)["old_code"]) == XA_DAI_TU_SOURCES
    source = sources_before.filter(pl.col("new_code") == XA_DAI_TU).row(0, named=True)
    after = new_communes_after(received).filter(pl.col("new_code") == XA_DAI_TU).row(0, named=True)
    assert source["comparable"]
    ratio, tolerance = within_tolerance(source["n"], after["after_n"])
    assert abs(ratio - 1) <= tolerance, f"Xã Đại Từ: {ratio:.3f} of its sources' rate (tolerance {tolerance:.3f})"


def test_every_comparable_commune_of_meaningful_volume_runs_on(
    received: pl.DataFrame, sources_before: pl.DataFrame
) -> None:
    compared = sources_before.filter(pl.col("comparable"), pl.col("n") >= MEANINGFUL).join(
        new_communes_after(received), on="new_code"
    )
    assert compared.height >= 40  # 44 of the 92 new communes had 500 dossiers or more before
    jumps = []
    for new_code, before, after in compared.select("new_code", "n", "after_n").iter_rows():
        ratio, tolerance = within_tolerance(before, after)
        if abs(ratio - 1) > tolerance:
            jumps.append(f"{new_code}: {ratio:.3f} (tolerance {tolerance:.3f})")
    assert not jumps, jumps


def test_xa_dai_tu_files_online_as_its_sources_did(received: pl.DataFrame, sources_before: pl.DataFrame) -> None:
    # The commune level's online curve rises about 1.4 points over the 3.5 months between
    # the windows; 4σ of the two shares (about 3,000 dossiers a side, ~84 % online) is 4
    # points: the shares stay within 6 points.
    source = sources_before.filter(pl.col("new_code") == XA_DAI_TU).row(0, named=True)
    after = new_communes_after(received).filter(pl.col("new_code") == XA_DAI_TU).row(0, named=True)
    assert abs(after["after_online"] / after["after_n"] - source["online"] / source["n"]) <= 0.06


def test_province_total_runs_on(received: pl.DataFrame) -> None:
    totals = dict(received.group_by("window").agg(pl.col("n").sum()).iter_rows())
    ratio, tolerance = within_tolerance(totals["before"], totals["after"])
    assert abs(ratio - 1) <= tolerance, f"province: {ratio:.3f} of its rate before (tolerance {tolerance:.3f})"


def test_the_old_district_desks_work_goes_to_the_provincial_centre(received: pl.DataFrame) -> None:
    # before: the district desks of both provinces and the centre; after: the centre alone
    # (Bắc Kạn's departments' work goes to Thái Nguyên's, the centre among them, by its share)
    agencies = agency_table().select("MaDonVi", "TenDonVi")
    named = received.join(agencies, on="MaDonVi")
    centre = pl.col("TenDonVi").str.starts_with("Trung tâm Phục vụ hành chính công")
    desks = received.filter(pl.col("window") == "before", pl.col("role") == "district")["n"].sum()
    centre_before = named.filter(pl.col("window") == "before", centre)["n"].sum()
    centre_after = named.filter(pl.col("window") == "after", centre, pl.col("MaDonVi").str.ends_with(".H56"))["n"].sum()
    ratio, tolerance = within_tolerance(desks + centre_before, centre_after)
    assert abs(ratio - 1) <= tolerance, f"centre after: {ratio:.3f} of the desks and centres before"
