"""Ratings and PAKN (phản ánh, kiến nghị) of the demo portal: contract v2 (DESIGN §3).

Both are drawn per year of the dossiers they grow from (each year from its own random
stream, seeded with (seed, year, stream), so adding them changed no dossier draw), as
events in time; `ratings_at` and `feedback_at` say what the portal shows at a moment,
as `simulation.state_at` does for dossiers.

Ratings: a share of the dossiers finished with a result (statuses 9/10) is rated, some
time after the result; most are happy, a dossier finished late is more often not; a few
are rated again later (the later rating replaces the first).

PAKN: about PAKN_PER_THOUSAND dossiers in a thousand give rise to one (a few hundred a
month for the province), at the agency that received the dossier, some naming it
(MaHoSo). The handling deadline is the 15th working day after the day of receipt
(`warehouse.calendar`, the calendar the KPIs use); a few agencies handle many late, the
rest rarely; some are refused as not within competence (status 4), a few never handled.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

import numpy as np
import polars as pl

from demo_portal.catalogue import DEFAULT_SEED
from demo_portal.simulation import PORTAL_TIMESTAMP
from warehouse.calendar import WorkingCalendar

RATING_COLUMNS = ("MaHoSo", "ThoiGianDanhGia", "MucDoHaiLong", "KenhDanhGia")
FEEDBACK_COLUMNS = (
    "MaPAKN",
    "MaDonVi",
    "NgayTiepNhan",
    "NgayXuLyXong",
    "TrangThaiPAKN",
    "PhanLoai",
    "MaHoSo",
    "SoThich",
    "SoKhongThich",
    "PhanAnhLai",
)
FEEDBACK_EVENTS = ("received_at", "started_at", "asked_at", "answered_at", "handled_at", "published_at")
RATING_STREAM, FEEDBACK_STREAM, SLOW_AGENCY_STREAM = 21, 22, 23

# Ratings (the shares the README's demo section quotes).
RATED_SHARE = {1: 0.20, 2: 0.40, 3: 0.10}  # by KenhThucHien of the dossier
UNHAPPY_SHARE = 0.01  # MucDoHaiLong 3 of an on-time dossier
UNHAPPY_SHARE_LATE = 0.25  # ... of a late one
VERY_HAPPY_SHARE = 0.70  # MucDoHaiLong 1 among the happy
RERATED_SHARE = 0.04

# PAKN.
PAKN_PER_THOUSAND = 9.0  # per thousand dossiers received: ~300 a month for the province
DEADLINE_WORKING_DAYS = 15
SLOW_AGENCY_SHARE = 0.04  # agencies that handle many PAKN late
LATE_SHARE_SLOW, LATE_SHARE = 0.30, 0.004
REFUSED_SHARE = 0.05  # status 4: not within competence
NEVER_HANDLED_SHARE = 0.002
PUBLISHED_SHARE = 0.40  # handled ones published (status 6) on DVCQG
SUPPLEMENT_SHARE = 0.05
NAMES_DOSSIER_SHARE = 0.30
DISLIKED_SHARE = 0.004  # more dislikes than likes
RAISED_AGAIN_SHARE = 0.004
CALENDAR = WorkingCalendar()  # national days off: the demo has no provincial file


def _stamp(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime(PORTAL_TIMESTAMP)


# ---------------------------------------------------------------------------------------
# Ratings


def rating_events(lifecycles: pl.DataFrame, seed: int, year: int) -> pl.DataFrame:
    """One row per rated dossier of `lifecycles` (one year's): MaHoSo, rated_at,
    level, channel, rerated_at and rerated_level (null when rated once)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, year, RATING_STREAM]))
    done = lifecycles.filter(pl.col("final_status").is_in([9, 10]))
    n = done.height
    channel = done["KenhThucHien"].to_numpy()
    share = np.select([channel == 1, channel == 2], [RATED_SHARE[1], RATED_SHARE[2]], RATED_SHARE[3])
    late = (
        (done["finished_at"].dt.date() > done["due_at"].dt.date()).fill_null(False) | (done["SoLanBoSung"] > 1)
    ).to_numpy()
    rated = rng.random(n) < share
    after = done["returned_at"].fill_null(done["finished_at"]).to_numpy().astype("datetime64[s]")
    rated_at = after + rng.integers(300, 3 * 24 * 3600, n).astype("timedelta64[s]")
    level = _levels(rng, np.where(late, UNHAPPY_SHARE_LATE, UNHAPPY_SHARE))
    kiosk_or_other = np.where(rng.random(n) < 0.8, 3, 4)
    rated_on = np.select([channel == 2, channel == 1], [np.where(rng.random(n) < 0.55, 1, 2), kiosk_or_other], 4)
    again = rng.random(n) < RERATED_SHARE
    rerated_at = rated_at + rng.integers(24 * 3600, 10 * 24 * 3600, n).astype("timedelta64[s]")
    rerated_level = _levels(rng, np.where(late, UNHAPPY_SHARE_LATE, UNHAPPY_SHARE))
    frame = pl.DataFrame(
        {
            "MaHoSo": done["MaHoSo"],
            "rated_at": pl.Series(rated_at.astype("datetime64[us]")),
            "level": level.astype(np.int8),
            "channel": rated_on.astype(np.int8),
            "rerated_at": pl.Series(np.where(again, rerated_at, np.datetime64("NaT")).astype("datetime64[us]")),
            "rerated_level": pl.Series(np.where(again, rerated_level, 0).astype(np.int8)),
        }
    )
    return frame.filter(pl.Series(rated)).with_columns(
        rerated_level=pl.when(pl.col("rerated_at").is_not_null()).then("rerated_level")
    )


def _levels(rng: np.random.Generator, unhappy: np.ndarray) -> np.ndarray:
    draw = rng.random(unhappy.size)
    happy = np.where(rng.random(unhappy.size) < VERY_HAPPY_SHARE, 1, 2)
    return np.where(draw < unhappy, 3, happy)


def ratings_at(events: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """RATING_COLUMNS (strings) and `updated_at` of every dossier rated by `now`."""
    moment = pl.lit(now, dtype=pl.Datetime("us"))
    again = pl.col("rerated_at") <= moment
    when = pl.when(again).then("rerated_at").otherwise("rated_at")
    return (
        events.lazy()
        .filter(pl.col("rated_at") <= moment)
        .select(
            "MaHoSo",
            when.dt.strftime(PORTAL_TIMESTAMP).alias("ThoiGianDanhGia"),
            pl.when(again).then("rerated_level").otherwise("level").cast(pl.String).alias("MucDoHaiLong"),
            pl.col("channel").cast(pl.String).alias("KenhDanhGia"),
            when.alias("updated_at"),
        )
        .collect()
    )


# ---------------------------------------------------------------------------------------
# PAKN


@lru_cache(maxsize=8)
def slow_agencies(seed: int, agency_codes: tuple[str, ...]) -> frozenset[str]:
    """The agencies that handle many PAKN late (a unit's character: the seed only)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, SLOW_AGENCY_STREAM]))
    codes = np.array(sorted(agency_codes))
    return frozenset(codes[rng.random(codes.size) < SLOW_AGENCY_SHARE].tolist())


def feedback_events(lifecycles: pl.DataFrame, seed: int, year: int, slow: frozenset[str]) -> pl.DataFrame:
    """One row per PAKN arising from one year's dossiers, with the times it moves:
    received_at, started_at (status 2), asked_at/answered_at (3, supplement), handled_at
    (5, or 4 when refused), published_at (6), and its fixed attributes."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, year, FEEDBACK_STREAM]))
    counted = lifecycles.filter(pl.col("final_status").is_null() | (pl.col("final_status") != 3))
    n = int(rng.poisson(PAKN_PER_THOUSAND * counted.height / 1000))
    source = counted[np.sort(rng.choice(counted.height, size=n, replace=False)).tolist()]
    received = source["received_at"].to_numpy().astype("datetime64[s]") + (
        rng.integers(0, 20 * 24 * 3600, n).astype("timedelta64[s]")
    )
    received_day = received.astype("datetime64[D]")
    agency = source["MaDonVi"].to_numpy()
    late_share = np.where(np.isin(agency, list(slow)), LATE_SHARE_SLOW, LATE_SHARE)
    late = rng.random(n) < late_share
    refused = rng.random(n) < REFUSED_SHARE
    never = ~refused & (rng.random(n) < NEVER_HANDLED_SHARE)
    # On time: within the 15 working days (refusals come early); late: past the deadline.
    taken = np.where(refused, rng.integers(1, 6, n), rng.integers(2, DEADLINE_WORKING_DAYS + 1, n))
    taken = np.where(late & ~refused, DEADLINE_WORKING_DAYS + rng.geometric(0.15, n), taken)
    handled_day = np.array(
        [_working_day_after(day, int(k)) for day, k in zip(received_day.tolist(), taken, strict=True)],
        dtype="datetime64[D]",
    )
    started = received + rng.integers(3600, 2 * 24 * 3600, n).astype("timedelta64[s]")
    handled = handled_day.astype("datetime64[s]") + rng.integers(8 * 3600, 17 * 3600, n).astype("timedelta64[s]")
    handled = np.maximum(handled, started + np.timedelta64(600, "s"))
    handled[never] = np.datetime64("NaT")
    supplement = ~refused & ~never & (rng.random(n) < SUPPLEMENT_SHARE)
    asked = started + ((handled - started) * 0.3).astype("timedelta64[s]")
    answered = started + ((handled - started) * 0.6).astype("timedelta64[s]")
    published = ~refused & ~never & (rng.random(n) < PUBLISHED_SHARE)
    published_at = handled + rng.integers(3600, 5 * 24 * 3600, n).astype("timedelta64[s]")
    disliked = ~refused & (rng.random(n) < DISLIKED_SHARE)
    likes = rng.poisson(3, n)
    dislikes = np.where(disliked, likes + 1 + rng.poisson(2, n), np.minimum(rng.poisson(0.5, n), likes))
    nat = np.datetime64("NaT")

    def times(values: np.ndarray, keep: np.ndarray | None = None) -> pl.Series:
        values = values if keep is None else np.where(keep, values, nat)
        return pl.Series(values.astype("datetime64[us]"))

    return (
        pl.DataFrame(
            {
                "MaDonVi": pl.Series(agency, dtype=pl.String),
                "MaHoSo": source["MaHoSo"].zip_with(
                    pl.Series(rng.random(n) < NAMES_DOSSIER_SHARE), pl.Series([None] * n, dtype=pl.String)
                ),
                "PhanLoai": rng.choice([1, 2, 3], size=n, p=[0.55, 0.15, 0.30]).astype(np.int8),
                "SoThich": likes.astype(np.int32),
                "SoKhongThich": dislikes.astype(np.int32),
                "PhanAnhLai": (~refused & (rng.random(n) < RAISED_AGAIN_SHARE)).astype(np.int8),
                "refused": refused,
                "received_at": times(received),
                "started_at": times(started, ~refused),
                "asked_at": times(asked, supplement),
                "answered_at": times(answered, supplement),
                "handled_at": times(handled),
                "published_at": times(published_at, published),
            }
        )
        .sort("received_at", "MaDonVi", maintain_order=True)
        .with_columns(
            MaPAKN=pl.format("PAKN-{}-{}", pl.lit(year), (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(6))
        )
    )


@lru_cache(maxsize=4096)
def _working_day_after(day: date, n: int) -> date:
    return CALENDAR.nth_working_day_after(day, n)


def feedback_at(events: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """FEEDBACK_COLUMNS (strings) and `updated_at` of every PAKN received by `now`.

    TrangThaiPAKN: 1 on receipt, 2 in progress, 3 while a supplement is asked, 5 handled
    (4 for a refusal), 6 once published; likes and dislikes show once handled."""
    moment = pl.lit(now, dtype=pl.Datetime("us"))

    def happened(column: str) -> pl.Expr:
        return (pl.col(column) <= moment).fill_null(False)

    status = (
        pl.when(happened("published_at"))
        .then(6)
        .when(happened("handled_at"))
        .then(pl.when("refused").then(4).otherwise(5))
        .when(happened("asked_at") & ~happened("answered_at"))
        .then(3)
        .when(happened("started_at"))
        .then(2)
        .otherwise(1)
    )
    handled = happened("handled_at")
    events_so_far = (pl.when(happened(c)).then(pl.col(c)) for c in FEEDBACK_EVENTS)
    return (
        events.lazy()
        .filter(pl.col("received_at") <= moment)
        .select(
            "MaPAKN",
            "MaDonVi",
            _stamp("received_at").alias("NgayTiepNhan"),
            pl.when(handled).then(_stamp("handled_at")).alias("NgayXuLyXong"),
            status.cast(pl.String).alias("TrangThaiPAKN"),
            pl.col("PhanLoai").cast(pl.String),
            "MaHoSo",
            pl.when(handled).then(pl.col("SoThich").cast(pl.String)).alias("SoThich"),
            pl.when(handled).then(pl.col("SoKhongThich").cast(pl.String)).alias("SoKhongThich"),
            pl.col("PhanAnhLai").cast(pl.String),
            pl.max_horizontal(*events_so_far).alias("updated_at"),
        )
        .collect()
    )


def default_events(year: int, seed: int = DEFAULT_SEED) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Ratings and PAKN events of one year's dossiers (for scripts and tests)."""
    from demo_portal.catalogue import agencies
    from demo_portal.simulation import lifecycles

    frame = lifecycles(year, seed)
    slow = slow_agencies(seed, tuple(agencies(seed)["MaDonVi"].to_list()))
    return rating_events(frame, seed, year), feedback_events(frame, seed, year, slow)
