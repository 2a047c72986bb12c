"""Dossier lifecycles of the demo portal, and what the portal shows of them at a moment.

The model, per calendar year (each year drawn from its own generator, seeded with
(seed, year), so a year never depends on another):

1. Volume. Every agency has a yearly volume, an online propensity, a share of late
   dossiers and a pace (how much of the legal time it uses); these traits depend on the
   seed only, so a unit keeps its character from year to year. The expected number of
   dossiers per agency, day and channel is volume × growth (3 %/year) × channel share ×
   day weight, where the day weight carries the week (busy Monday–Friday, little on
   Saturday, almost only online filings on Sunday), public holidays, a week of near
   silence around Tết, and the start-up of the new communes in July 2025. Counts are
   Poisson draws of that expectation.
2. The 2025 reform. District and pre-reform commune agencies (and all of Bắc Kạn) stop
   receiving on 30 June 2025; from 1 July the 92 new communes of Thái Nguyên take over
   their volume, each from its sources in the official conversion table (see
   `_take_over_at_reform`), and Thái Nguyên's departments take over Bắc Kạn's, so
   province totals and comparable communes run on.
3. Procedure. Online filings pick among the procedures at least partly online (MucDo 3
   or 4), weighted by popularity × the field's online affinity; the other channels pick
   by popularity × (1 − affinity). So Đất đai and Xây dựng come out mostly in person,
   Hộ tịch and Chứng thực mostly online.
4. Lifecycle. Received (in-person within office hours) → accepted (at the desk within
   minutes; online and postal filings the same or next working day) → processing →
   finished on a working day within the legal time (or after it, for the agency's share
   of late dossiers) → result returned (most). A few are refused (instead of accepted),
   withdrawn (7) or stopped (8), a few never finish (stuck). A supplement request sits
   inside the processing time; two requests make a dossier late by definition.
   Due = received day + `SoNgayGiaiQuyet` working days (weekends, fixed public holidays
   and the Tết week skipped) at 17:00; null for procedures without a deadline.

Calibration (DESIGN §6), for 2023 only. The published figures for 1 January – 20 October
2023 are allocated, not hoped for: Đại Từ's district agency and its 27 communes receive
exactly the published numbers of dossiers and of online dossiers in that window (spread
over the days by multinomial draws; the online split between communes is chosen so that
Mỹ Yên's share is the lowest); every fully online district/commune procedure gets at
least one of Đại Từ's window dossiers; then the district's and Cù Vân's finish dates are
nudged across 20 October until exactly the target number are resolved in the window, and
each commune gets an exact number of late dossiers among those resolved (4 for Cù Vân,
9 % for Mỹ Yên, at most 2.5 % for the others). None of this depends on the luck of the
draw, so the figures hold for every seed. The district's own pace leaves about 300 of its
window dossiers open on 20 October; the published 4,400 resolved needs about 530, so the
rest are a backlog: open and mostly overdue on that day, finished (late) over the
following weeks.

Times are naive local time (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import numpy as np
import polars as pl

from demo_portal.catalogue import (
    BAC_KAN,
    DEFAULT_SEED,
    ONE_STOP_CENTRE,
    THAI_NGUYEN,
    agency_table,
    commune_conversion,
    fields,
    procedure_table,
)

DOSSIER_COLUMNS: tuple[str, ...] = (
    "MaHoSo",
    "MaTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "MaDonVi",
    "KenhThucHien",
    "TrangThaiHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "DuocThanhToanTrucTuyen",
    "HoSoCoThanhPhanSoHoa",
    "CoKetQuaDienTu",
    "SoLanBoSung",
    "CoTaiSuDungDuLieuSoHoa",
    "DuocLayTuKhoDMQG",
    "TaiKhoanDuocXacThucVoiVNeID",
)
V2_FLAGS: tuple[str, ...] = DOSSIER_COLUMNS[-3:]
EVENT_COLUMNS: tuple[str, ...] = (
    "received_at",
    "accepted_at",
    "refused_at",
    "processing_at",
    "supplement_at",
    "supplement_done_at",
    "finished_at",
    "returned_at",
)
LIFECYCLE_COLUMNS: tuple[str, ...] = (
    "MaHoSo",
    "MaTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "MaDonVi",
    "KenhThucHien",
    *EVENT_COLUMNS,
    "due_at",
    "final_status",
    "SoLanBoSung",
    "DuocThanhToanTrucTuyen",
    "HoSoCoThanhPhanSoHoa",
    "CoKetQuaDienTu",
    *V2_FLAGS,
)
PORTAL_TIMESTAMP = "%Y%m%d%H%M%S"

FIRST_YEAR = 2023
REFORM_DAY = np.datetime64("2025-07-01", "D")
EPOCH = np.datetime64("2023-01-01", "D")

# Lunar new year's day. Later years simply have no Tết dip (extend the table when needed).
TET = {
    2023: "2023-01-22",
    2024: "2024-02-10",
    2025: "2025-01-29",
    2026: "2026-02-17",
    2027: "2027-02-06",
    2028: "2028-01-26",
    2029: "2029-02-13",
    2030: "2030-02-03",
    2031: "2031-01-23",
    2032: "2032-02-11",
    2033: "2033-01-31",
    2034: "2034-02-19",
    2035: "2035-02-08",
}
FIXED_HOLIDAYS = ("01-01", "04-30", "05-01", "09-02")

IN_PERSON, ONLINE, POSTAL = 0, 1, 2  # channel index = KenhThucHien − 1
CHANNELS = 3
# Monday … Sunday. People file online on weekends; one-stop desks are closed on Sunday.
DOW_WEIGHT = np.array(
    [
        [1.15, 1.05, 1.00, 1.00, 0.95, 0.12, 0.01],
        [1.10, 1.05, 1.00, 1.00, 0.95, 0.45, 0.30],
        [1.00, 1.00, 1.00, 1.00, 1.00, 0.10, 0.00],
    ]
).T
HOLIDAY_WEIGHT = np.array([0.02, 0.30, 0.0])
TET_WEIGHT = np.array([0.03, 0.10, 0.0])
TET_LOW_DAYS = range(-3, 5)  # a week of near silence around Tết
TET_HOLIDAY_DAYS = range(-2, 5)  # the official days off
REFORM_RAMP_DAYS = 14  # the new communes' first fortnight is slower
REFORM_RAMP_FLOOR = 0.75
GROWTH_PER_YEAR = 1.03
POSTAL_SHARE = 0.02  # of the dossiers not filed online
REFUSED_RATE = np.array([0.004, 0.025, 0.01])

SECONDS_PER_SLOT = 1800
OFFICE_OPENS = 7 * 3600 + 1800  # 07:30
DUE_TIME = 17 * 3600

# Online share per level: starts at s0 in January 2023 and approaches cap.
ONLINE_CURVE = {"TINH": (0.55, 0.92), "HUYEN": (0.48, 0.90), "XA": (0.60, 0.93)}
ONLINE_CURVE_YEARS = 2.2

STUCK, WITHDRAWN, STOPPED = 0.0015, 0.004, 0.0015
RETURNED = 0.88
SUPPLEMENT = 0.07
TWO_SUPPLEMENTS_OF_LATE = 0.15

# Stuck dossiers are worked off late (working days past due: geometric, mean ~17), but
# for a couple a year, which stay open for good: a handful province-wide, as in real data.
FOREVER_STUCK_PER_YEAR = 2
STUCK_DELAY_P = 0.06
# Later steps draw from streams of their own, so adding them changed no earlier draw.
STUCK_STREAM, V2_STREAM, PAYMENT_STREAM = 31, 32, 33
# Online payment (766 item 3.4): some agencies lag (a unit's character); Bắc Kạn's
# gateway took most fees, in person too, as its published 2024 figures show.
LOW_PAYMENT_AGENCY_SHARE, LOW_PAYMENT_FACTOR = 0.22, 0.35
BAC_KAN_PAID_ONLINE, BAC_KAN_PAID_LATER = 0.98, 0.70
# Bắc Kạn filed less online than Thái Nguyên before the merger (its July 2024 figures).
BAC_KAN_ONLINE_OFFSET = -1.2


@dataclass(frozen=True)
class Published2023:
    """What Thái Nguyên published for 1 January – 20 October 2023 (DESIGN §6)."""

    window_end: date = date(2023, 10, 20)  # the window opens on the demo's first day
    district: str = "171"  # Huyện Đại Từ
    district_received: int = 4_930
    district_online: int = 2_800
    district_resolved: int = 4_400  # published as "about 4,400"
    communes_received: int = 46_961
    communes_online: int = 34_000
    cu_van: str = "05809"
    cu_van_received: int = 940  # ours: 925 resolved + the usual backlog
    cu_van_resolved: int = 925
    cu_van_late: int = 4
    my_yen: str = "05836"
    my_yen_late_rate: float = 0.09
    other_communes_max_late_rate: float = 0.025


PUBLISHED_2023 = Published2023()


# ---------------------------------------------------------------------------------------
# Calendar


def _holidays(first_year: int, last_year: int) -> np.ndarray:
    days = [np.datetime64(f"{year}-{md}") for year in range(first_year, last_year + 1) for md in FIXED_HOLIDAYS]
    for year in range(first_year, last_year + 1):
        if year in TET:
            tet = np.datetime64(TET[year])
            days += [tet + offset for offset in TET_HOLIDAY_DAYS]
    return np.unique(np.array(days, dtype="datetime64[D]"))


@lru_cache(maxsize=16)
def _working_days(year: int) -> np.busdaycalendar:
    # Deadlines of December dossiers run into the next years.
    return np.busdaycalendar(holidays=_holidays(year - 1, year + 3))


def _year_days(year: int) -> np.ndarray:
    return np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 1}-01-01"), dtype="datetime64[D]")


def _years_since_epoch(days: np.ndarray) -> np.ndarray:
    return (days.astype("datetime64[D]") - EPOCH).astype(np.float64) / 365.25


def _day_weights(days: np.ndarray) -> np.ndarray:
    """Relative filing activity per day and channel, shape (days, 3)."""
    weekday = (days.astype(np.int64) + 3) % 7
    weights = DOW_WEIGHT[weekday].copy()
    month_day = np.array([str(d)[5:] for d in days])
    weights[np.isin(month_day, FIXED_HOLIDAYS)] = HOLIDAY_WEIGHT
    for year in np.unique(days.astype("datetime64[Y]").astype(int) + 1970):
        if int(year) in TET:
            tet = np.datetime64(TET[int(year)])
            weights[np.isin(days, [tet + offset for offset in TET_LOW_DAYS])] = TET_WEIGHT
    ramp = (days >= REFORM_DAY) & (days < REFORM_DAY + REFORM_RAMP_DAYS)
    progress = (days[ramp] - REFORM_DAY).astype(np.float64) / REFORM_RAMP_DAYS
    weights[ramp] *= (REFORM_RAMP_FLOOR + (1 - REFORM_RAMP_FLOOR) * progress)[:, None]
    return weights


@lru_cache(maxsize=1)
def _weight_per_year() -> np.ndarray:
    """Mean day weight per channel over a reference year: volumes are yearly figures."""
    return _day_weights(_year_days(FIRST_YEAR)).mean(axis=0)


def _online_level_share(level: np.ndarray, years: np.ndarray) -> np.ndarray:
    start = np.vectorize(lambda lv: ONLINE_CURVE[lv][0])(level)
    cap = np.vectorize(lambda lv: ONLINE_CURVE[lv][1])(level)
    return cap[:, None] - (cap - start)[:, None] * np.exp(-years[None, :] / ONLINE_CURVE_YEARS)


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.asarray(p, dtype=np.float64)
    return np.log(p / (1 - p))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


# ---------------------------------------------------------------------------------------
# Agencies and their traits (seed only: a unit keeps its character across years)


@dataclass(frozen=True)
class Agencies:
    codes: pl.Series
    role: np.ndarray  # department, district, commune, new_commune
    level: np.ndarray  # TINH, HUYEN, XA
    department: np.ndarray
    province: np.ndarray
    volume: np.ndarray  # dossiers a year at 2023 level (refused not included)
    after_reform: np.ndarray  # volume multiplier from 1 July 2025 (departments absorb Bắc Kạn)
    online_offset: np.ndarray  # logit offset against the level's online curve
    late_rate: np.ndarray
    pace: np.ndarray  # mean share of the legal time used
    seed: int


@dataclass(frozen=True)
class Calibration:
    """Đại Từ's agencies (indices into Agencies) and their exact 2023 window counts."""

    district: int
    communes: np.ndarray
    received: np.ndarray  # per (district, *communes)
    online: np.ndarray
    cu_van: int
    my_yen: int


def _window_fraction() -> float:
    """Share of a 2023 year's filings that fall in the published window."""
    days = _year_days(FIRST_YEAR)
    totals = _day_weights(days).sum(axis=1)
    return float(totals[days <= np.datetime64(PUBLISHED_2023.window_end)].sum() / totals.sum())


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    short = total - counts.sum()
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return counts


def _allocate_online(received: np.ndarray, logits: np.ndarray, total: int) -> np.ndarray:
    """Online counts per unit summing to `total`, each unit's share following its logit
    shifted by one common amount (so their order is kept)."""
    lo, hi = -20.0, 20.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if (received * _sigmoid(logits + mid)).sum() < total:
            lo = mid
        else:
            hi = mid
    exact = received * _sigmoid(logits + (lo + hi) / 2)
    counts = np.minimum(np.floor(exact).astype(np.int64), received)
    short = total - counts.sum()
    room = np.flatnonzero(counts < received)
    counts[room[np.argsort(-(exact - counts)[room], kind="stable")[:short]]] += 1
    return counts


@lru_cache(maxsize=8)
def _agencies(seed: int) -> tuple[Agencies, Calibration]:
    table = agency_table(seed)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    n = table.height
    role = table["role"].to_numpy()
    province = table["province_code"].to_numpy()
    department = table["department"].fill_null("").to_numpy()
    district = table["district_code"].fill_null("").to_numpy()
    unit_code = table["MaDVHC"].to_numpy()
    is_ward = table["TenDonVi"].str.starts_with("UBND phường").to_numpy()
    tn, bk = province == THAI_NGUYEN, province == BAC_KAN

    volume = np.zeros(n)
    share = {
        "GTVT": 0.22,
        "TNMT": 0.14,
        "TP": 0.12,
        "KHDT": 0.12,
        "LDTBXH": 0.08,
        "SYT": 0.06,
        "SXD": 0.05,
        ONE_STOP_CENTRE: 0.06,
        "GDDT": 0.04,
        "NNPTNT": 0.04,
        "SCT": 0.03,
        "VHTTDL": 0.02,
        "STC": 0.01,
        "SNV": 0.01,
        "TTTT": 0.005,
        "KHCN": 0.005,
        "BDT": 0.003,
        "TTR": 0.005,
    }
    departments = role == "department"
    volume[departments] = np.array([share[k] for k in department[departments]])
    for mask, total in ((departments & tn, 55_000), (departments & bk, 12_000)):
        volume[mask] *= total / volume[mask].sum()
    districts = role == "district"
    volume[districts & tn] = 4_000 * rng.lognormal(0, 0.3, (districts & tn).sum())
    volume[districts & bk] = 2_000 * rng.lognormal(0, 0.3, (districts & bk).sum())
    communes = role == "commune"
    volume[communes & tn] = 750 * rng.lognormal(0, 0.45, (communes & tn).sum())
    volume[communes & bk] = 380 * rng.lognormal(0, 0.45, (communes & bk).sum())
    volume[communes & is_ward] *= 1.6

    level = np.where(departments, "TINH", np.where(districts, "HUYEN", "XA"))
    online_offset = np.clip(rng.normal(0, 0.4, n), -1.0, 1.0)
    chronic = rng.random(n) < 0.12
    late_rate = np.where(chronic, rng.uniform(0.05, 0.15, n), rng.uniform(0.002, 0.02, n))
    pace = np.where(level == "HUYEN", rng.uniform(0.45, 0.75, n), rng.uniform(0.25, 0.6, n))

    calibration = _calibrate_dai_tu(rng, role, district, unit_code, volume, online_offset, late_rate, pace)
    online_offset[bk] += BAC_KAN_ONLINE_OFFSET

    # The new communes take over from their sources in the official conversion table (the
    # last draw of this generator used to share the volume out at random; dropping it
    # changed none of the draws above, so no trait of a pre-reform unit moved).
    _take_over_at_reform(role, district, unit_code, volume, online_offset, late_rate, pace, level)
    after_reform = np.ones(n)
    after_reform[departments & tn] = volume[departments].sum() / volume[departments & tn].sum()
    # The old districts' own one-stops close; their work goes to the provincial public
    # administration service centre, which opens branches in the old districts.
    centre = departments & tn & (department == ONE_STOP_CENTRE)
    after_reform[centre] += volume[districts].sum() / volume[centre].sum()

    agencies = Agencies(
        codes=table["MaDonVi"],
        role=role,
        level=level,
        department=department,
        province=province,
        volume=volume,
        after_reform=after_reform,
        online_offset=online_offset,
        late_rate=late_rate,
        pace=pace,
        seed=seed,
    )
    return agencies, calibration


def _take_over_at_reform(
    role: np.ndarray,
    district: np.ndarray,
    unit_code: np.ndarray,
    volume: np.ndarray,
    online_offset: np.ndarray,
    late_rate: np.ndarray,
    pace: np.ndarray,
    level: np.ndarray,
) -> None:
    """Set the new communes' traits from their sources (DESIGN §5); adjusts the arrays in place.

    Who feeds a new commune, per the official conversion table:
    * an old commune that went wholly into it (merged, renamed or unchanged): all of its volume;
    * an old commune split between several new communes: an equal share for each (the table
      names where it went, not how much of it);
    * an old district's own one-stop, which ends with the reform, feeds none: its work goes
      to the province's public administration service centre (its branches in the old
      districts; see `_agencies`), a province-level agency, just as today's units count the
      old district desks' dossiers in the province's totals only (DESIGN §5).
    So a new commune formed wholly from old communes receives what they received: it runs
    on at the reform on today's units, and so do the province's totals. Its online share,
    late rate and pace are the means of its
    sources' weighted by the volume each contributes, the online share taken at the reform
    day, so the online rate runs on too.
    """
    new = np.flatnonzero(role == "new_commune")
    communes = np.flatnonzero(role == "commune")
    row_of_new = {str(code): row for row, code in enumerate(unit_code[new])}
    column_of = {str(code): index for index, code in zip(communes, unit_code[communes])}
    # fed[j, a]: the share of agency a's volume that goes to new commune j
    fed = np.zeros((new.size, role.size))
    conversion = commune_conversion()
    for old_code, new_code, ways in conversion.join(
        conversion.group_by("old_code").len("ways"), on="old_code"
    ).iter_rows():
        fed[row_of_new[new_code], column_of[old_code]] += 1.0 / ways
    assert np.allclose(fed.sum(axis=0)[communes], 1.0), "every old commune goes somewhere"

    contributed = fed * volume[None, :]
    volume[new] = contributed.sum(axis=1)
    reform_years = _years_since_epoch(np.array([REFORM_DAY]))
    online_share = _sigmoid(_logit(_online_level_share(level, reform_years)[:, 0]) + online_offset)
    new_online = contributed @ online_share / volume[new]
    online_offset[new] = _logit(new_online) - _logit(_online_level_share(level[new], reform_years)[:, 0])
    late_rate[new] = contributed @ late_rate / volume[new]
    pace[new] = contributed @ pace / volume[new]


def _calibrate_dai_tu(
    rng: np.random.Generator,
    role: np.ndarray,
    district: np.ndarray,
    unit_code: np.ndarray,
    volume: np.ndarray,
    online_offset: np.ndarray,
    late_rate: np.ndarray,
    pace: np.ndarray,
) -> Calibration:
    """Pin Đại Từ's traits to the published 2023 window; adjusts the arrays in place."""
    p = PUBLISHED_2023
    mid_window = _years_since_epoch(np.array([np.datetime64("2023-05-26")]))
    fraction = _window_fraction()

    (district_index,) = np.flatnonzero((role == "district") & (unit_code == p.district))
    communes = np.flatnonzero((role == "commune") & (district == p.district))
    cu_van = int(communes[unit_code[communes] == p.cu_van][0])
    my_yen = int(communes[unit_code[communes] == p.my_yen][0])

    # Who receives how much: Cù Vân's count is fixed, the rest follows each commune's size.
    received = np.zeros(communes.size, dtype=np.int64)
    others = communes != cu_van
    received[~others] = p.cu_van_received
    received[others] = _largest_remainder(p.communes_received - p.cu_van_received, rng.lognormal(0, 0.35, others.sum()))
    # Mỹ Yên files the least online; the common shift in _allocate_online keeps it last.
    offsets = np.clip(rng.normal(0, 0.3, communes.size), -0.6, 0.6)
    offsets[communes == my_yen] = -1.3
    online = _allocate_online(received, offsets, p.communes_online)

    xa_level = _online_level_share(np.array(["XA"]), mid_window)[0, 0]
    online_offset[communes] = _logit(online / received) - _logit(xa_level)
    huyen_level = _online_level_share(np.array(["HUYEN"]), mid_window)[0, 0]
    online_offset[district_index] = _logit(p.district_online / p.district_received) - _logit(huyen_level)
    volume[communes] = received / fraction
    volume[district_index] = p.district_received / fraction

    late_rate[communes] = rng.uniform(0.002, p.other_communes_max_late_rate, communes.size)
    late_rate[my_yen] = p.my_yen_late_rate
    late_rate[cu_van] = p.cu_van_late / p.cu_van_resolved
    pace[district_index] = 0.9  # Đại Từ's district desk used most of its legal time in 2023

    return Calibration(
        district=int(district_index),
        communes=communes,
        received=np.concatenate([[p.district_received], received]),
        online=np.concatenate([[p.district_online], online]),
        cu_van=cu_van,
        my_yen=my_yen,
    )


# ---------------------------------------------------------------------------------------
# Step 1: how many dossiers, where, when, by which channel


def _expected_counts(agencies: Agencies, days: np.ndarray) -> np.ndarray:
    """Expected dossiers per (agency, day, channel), refused ones not included."""
    years = _years_since_epoch(days)
    online = _sigmoid(_logit(_online_level_share(agencies.level, years)) + agencies.online_offset[:, None])
    share = np.stack([(1 - online) * (1 - POSTAL_SHARE), online, (1 - online) * POSTAL_SHARE], axis=2)
    weights = _day_weights(days) / _weight_per_year()
    growth = GROWTH_PER_YEAR**years
    pre_reform_unit = (agencies.role != "new_commune") & ~(
        (agencies.role == "department") & (agencies.province == THAI_NGUYEN)
    )
    after = days >= REFORM_DAY
    active = np.where(pre_reform_unit[:, None], ~after[None, :], True)
    active &= (agencies.role != "new_commune")[:, None] | after[None, :]
    volume = agencies.volume[:, None] * np.where(after[None, :], agencies.after_reform[:, None], 1.0)
    return (volume / 365.0 * growth[None, :] * active)[:, :, None] * share * weights[None, :, :]


def _calibrate_expected(
    expected: np.ndarray, days: np.ndarray, calibration: Calibration, rng: np.random.Generator
) -> dict:
    """Đại Từ's 2023 rates follow its exact window totals; returns those totals per
    (agency, channel), which the counts then meet exactly."""
    in_window = days <= np.datetime64(PUBLISHED_2023.window_end)
    shape = _day_weights(days) * (GROWTH_PER_YEAR ** _years_since_epoch(days))[:, None]
    exact = {}
    agencies = np.concatenate([[calibration.district], calibration.communes])
    for agency, received, online in zip(agencies, calibration.received, calibration.online):
        postal = int(rng.binomial(received - online, POSTAL_SHARE))
        totals = {IN_PERSON: int(received - online - postal), ONLINE: int(online), POSTAL: postal}
        for channel, total in totals.items():
            expected[agency, :, channel] = total * shape[:, channel] / shape[in_window, channel].sum()
            exact[(int(agency), channel)] = total
    return exact


def _draw_counts(rng: np.random.Generator, expected: np.ndarray, exact: dict, in_window: np.ndarray) -> np.ndarray:
    counts = rng.poisson(expected)
    for (agency, channel), total in exact.items():
        rate = expected[agency, in_window, channel]
        counts[agency, in_window, channel] = rng.multinomial(total, rate / rate.sum()) if total else 0
    return counts


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(agency, day, channel) index of every dossier from the count cube."""
    flat = counts.ravel()
    cells = np.repeat(np.arange(flat.size), flat)
    agency, day, channel = np.unravel_index(cells, counts.shape)
    return agency, day, channel


def _slot_weights() -> np.ndarray:
    """Half-hour slots of the day (48) per channel."""
    slots = np.zeros((CHANNELS, 48))
    slots[IN_PERSON, 15:23] = [0.7, 1, 1, 1, 1, 0.9, 0.8, 0.5]  # 07:30–11:30
    slots[IN_PERSON, 27:34] = [0.7, 1, 1, 0.9, 0.8, 0.7, 0.4]  # 13:30–17:00
    hourly = [
        0.15,
        0.08,
        0.05,
        0.04,
        0.05,
        0.15,
        0.4,
        0.8,
        1.2,
        1.4,
        1.4,
        1.1,
        0.7,
        0.8,
        1.2,
        1.3,
        1.2,
        1.0,
        0.8,
        0.8,
        0.9,
        0.9,
        0.6,
        0.3,
    ]
    slots[ONLINE] = np.repeat(hourly, 2)
    slots[POSTAL, 16:23] = 1
    slots[POSTAL, 27:34] = 1
    return slots / slots.sum(axis=1, keepdims=True)


SLOT_WEIGHTS = _slot_weights()


def _at(days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[s]") + seconds.astype(np.int64).astype("timedelta64[s]")


def _day_of(stamps: np.ndarray) -> np.ndarray:
    return stamps.astype("datetime64[D]")


def _filled(days: np.ndarray, fill: np.datetime64) -> np.ndarray:
    """numpy's working-day functions refuse NaT: stand in a date, mask the result after."""
    return np.where(np.isnat(days), fill, days)


def _office_time(rng: np.random.Generator, days: np.ndarray, hours: float = 9.0) -> np.ndarray:
    return _at(days, OFFICE_OPENS + rng.integers(0, int(hours * 3600), days.size))


def _receipt_times(rng: np.random.Generator, days: np.ndarray, channel: np.ndarray) -> np.ndarray:
    seconds = np.empty(days.size, dtype=np.int64)
    for c in range(CHANNELS):
        mask = channel == c
        slot = rng.choice(48, size=int(mask.sum()), p=SLOT_WEIGHTS[c])
        seconds[mask] = slot * SECONDS_PER_SLOT + rng.integers(0, SECONDS_PER_SLOT, slot.size)
    return _at(days, seconds)


# ---------------------------------------------------------------------------------------
# Step 2: which procedure


@dataclass(frozen=True)
class Procedures:
    table: pl.DataFrame
    level: np.ndarray
    department: np.ndarray
    days: np.ndarray  # legal working days, NaN = no deadline
    mucdo: np.ndarray
    fee: np.ndarray
    paper: np.ndarray
    popularity: np.ndarray
    affinity: np.ndarray


@lru_cache(maxsize=8)
def _procedures(seed: int) -> Procedures:
    table = procedure_table(seed).join(fields().select("MaLinhVuc", "department"), on="MaLinhVuc", how="left")
    return Procedures(
        table=table,
        level=table["CapThucHien"].to_numpy(),
        department=table["department"].to_numpy(),
        days=table["SoNgayGiaiQuyet"].cast(pl.Float64).fill_null(np.nan).to_numpy(),
        mucdo=table["MucDo"].cast(pl.Int64).to_numpy(),
        fee=table["CoPhiLePhi"].to_numpy() == "1",
        paper=table["YeuCauKetQuaGiay"].to_numpy() == "1",
        popularity=table["popularity"].to_numpy(),
        affinity=table["online_affinity"].to_numpy(),
    )


def _procedure_weights(agencies: Agencies, procedures: Procedures) -> tuple[np.ndarray, np.ndarray]:
    """Per agency kind (group) the weight of every procedure: (groups × procedures) for
    offline and online filings, and each agency's group."""
    group_of = np.where(agencies.role == "department", "dept:" + agencies.department, agencies.role)
    groups, agency_group = np.unique(group_of, return_inverse=True)
    base = np.zeros((groups.size, procedures.level.size))
    for g, name in enumerate(groups):
        if name == "dept:" + ONE_STOP_CENTRE:
            base[g] = procedures.popularity * (procedures.level == "TINH")
        elif name.startswith("dept:"):
            base[g] = procedures.popularity * ((procedures.level == "TINH") & (procedures.department == name[5:]))
        elif name == "district":
            base[g] = procedures.popularity * (procedures.level == "HUYEN")
        elif name == "commune":
            base[g] = procedures.popularity * (procedures.level == "XA")
        else:  # new communes do what districts and old communes did
            base[g] = procedures.popularity * np.select(
                [procedures.level == "HUYEN", procedures.level == "XA"], [0.2, 0.8], 0.0
            )
    online_possible = procedures.mucdo >= 3
    online = base * procedures.affinity * online_possible
    offline = base * (1 - procedures.affinity * online_possible)
    return np.stack([offline, online]), agency_group


def _choose_procedures(
    rng: np.random.Generator, agencies: Agencies, procedures: Procedures, agency: np.ndarray, channel: np.ndarray
) -> np.ndarray:
    weights, agency_group = _procedure_weights(agencies, procedures)
    group = agency_group[agency]
    online = (channel == ONLINE).astype(np.int64)
    chosen = np.empty(agency.size, dtype=np.int64)
    for is_online in (0, 1):
        for g in range(weights.shape[1]):
            mask = (group == g) & (online == is_online)
            if mask.any():
                w = weights[is_online, g]
                chosen[mask] = rng.choice(w.size, size=int(mask.sum()), p=w / w.sum())
    return chosen


def _cover_fully_online(
    rng: np.random.Generator, procedures: Procedures, chosen: np.ndarray, candidates_by_level: dict[str, np.ndarray]
) -> None:
    """Give every fully online procedure of a level one of the candidate dossiers."""
    for level, candidates in candidates_by_level.items():
        needed = np.flatnonzero((procedures.level == level) & (procedures.mucdo == 4))
        picked = rng.choice(candidates, size=needed.size, replace=False)
        chosen[picked] = rng.permutation(needed)


# ---------------------------------------------------------------------------------------
# Step 3: lifecycle


@dataclass
class Lifecycle:
    """Per dossier, in numpy arrays; datetimes as datetime64[s] with NaT for 'never'."""

    received: np.ndarray
    first_touch: np.ndarray  # accepted, or refused
    processing: np.ndarray
    due: np.ndarray
    finished: np.ndarray
    supplements: np.ndarray  # SoLanBoSung
    outcome: np.ndarray  # 0 done, 7 withdrawn, 8 stopped, -1 stuck (never finishes)


NAT = np.datetime64("NaT", "s")


def _first_touch(
    rng: np.random.Generator, received: np.ndarray, channel: np.ndarray, calendar: np.busdaycalendar
) -> np.ndarray:
    """At the desk: minutes after arrival. Online: the same working day if filed before
    16:00, else the next. Post: the next working day."""
    day = _day_of(received)
    seconds_in_day = (received - day.astype("datetime64[s]")).astype(np.int64)
    late_or_closed = ~np.is_busday(day, busdaycal=calendar) | (seconds_in_day >= 16 * 3600)
    next_day = np.busday_offset(day, 1, roll="forward", busdaycal=calendar)
    same_day = np.busday_offset(day, 0, roll="forward", busdaycal=calendar)
    touch_day = np.where(channel == POSTAL, next_day, np.where(late_or_closed, next_day, same_day))
    office = _office_time(rng, touch_day)
    soon_after = received + rng.integers(300, 5400, received.size).astype("timedelta64[s]")
    remote = np.where(office > soon_after, office, soon_after)
    at_desk = received + rng.integers(120, 1500, received.size).astype("timedelta64[s]")
    return np.where(channel == IN_PERSON, at_desk, remote)


def _finish_after(rng: np.random.Generator, start: np.ndarray, finish_day: np.ndarray) -> np.ndarray:
    """A finishing moment on `finish_day`, after `start` when both fall on the same day."""
    same_day = finish_day == _day_of(start)
    later = start + rng.integers(600, 3 * 3600, start.size).astype("timedelta64[s]")
    return np.where(same_day, later, _office_time(rng, finish_day, hours=10.0))


def _lifecycle(
    rng: np.random.Generator,
    agencies: Agencies,
    procedures: Procedures,
    agency: np.ndarray,
    proc: np.ndarray,
    channel: np.ndarray,
    received: np.ndarray,
    refused: np.ndarray,
    calendar: np.busdaycalendar,
) -> Lifecycle:
    n = received.size
    first_touch = _first_touch(rng, received, channel, calendar)
    processing = np.where(refused, NAT, first_touch + rng.integers(60, 3600, n).astype("timedelta64[s]"))

    legal_days = procedures.days[proc]
    has_due = ~np.isnan(legal_days) & ~refused
    due = np.full(n, NAT)
    due_day = np.busday_offset(
        _day_of(received[has_due]), legal_days[has_due].astype(np.int64), roll="forward", busdaycal=calendar
    )
    due[has_due] = _at(due_day, np.full(due_day.size, DUE_TIME))

    roll = rng.random(n)
    outcome = np.select([roll < STUCK, roll < STUCK + WITHDRAWN, roll < STUCK + WITHDRAWN + STOPPED], [-1, 7, 8], 0)
    outcome[refused] = 0
    ends = ~refused & (outcome != -1)

    late = rng.random(n) < agencies.late_rate[agency]
    two_supplements = late & ((rng.random(n) < TWO_SUPPLEMENTS_OF_LATE) | ~has_due)
    after_due = late & ~two_supplements

    start_day = np.full(n, np.datetime64("NaT", "D"))
    start_day[ends] = np.busday_offset(_day_of(processing[ends]), 0, roll="forward", busdaycal=calendar)
    offset = np.zeros(n, dtype=np.int64)
    within = ends & has_due & ~after_due
    available = np.busday_count(start_day[within], _day_of(due[within]), busdaycal=calendar).clip(0)
    pace = agencies.pace[agency[within]]
    used = rng.beta(pace * 3, (1 - pace) * 3)
    offset[within] = np.minimum(np.floor(used * (available + 1)), available)
    open_ended = ends & ~has_due
    offset[open_ended] = rng.poisson(2 + 6 * agencies.pace[agency[open_ended]])

    finish_day = np.full(n, np.datetime64("NaT", "D"))
    on_schedule = ends & ~after_due
    finish_day[on_schedule] = np.busday_offset(start_day[on_schedule], offset[on_schedule], busdaycal=calendar)
    overdue = ends & after_due
    finish_day[overdue] = np.busday_offset(
        _day_of(due[overdue]), rng.geometric(0.3, int(overdue.sum())), roll="forward", busdaycal=calendar
    )
    finished = np.full(n, NAT)
    finished[ends] = _finish_after(rng, processing[ends], finish_day[ends])

    supplements = np.where(two_supplements, 2, (rng.random(n) < SUPPLEMENT).astype(np.int64))
    supplements[~ends] = 0
    return Lifecycle(received, first_touch, processing, due, finished, supplements, outcome)


# ---------------------------------------------------------------------------------------
# Step 4 (2023 only): meet the published figures exactly


def _window_bounds(calendar: np.busdaycalendar) -> tuple[np.datetime64, np.datetime64, np.datetime64]:
    cutoff = np.datetime64(PUBLISHED_2023.window_end)
    last_working_day = np.busday_offset(cutoff, 0, roll="backward", busdaycal=calendar)
    first_after = np.busday_offset(cutoff + 1, 0, roll="forward", busdaycal=calendar)
    return cutoff, last_working_day, first_after


def _settle_resolved(
    rng: np.random.Generator, life: Lifecycle, members: np.ndarray, target: int, calendar: np.busdaycalendar
) -> None:
    """Move finish dates across the window's end until exactly `target` of `members`
    finish inside it: the last finishers wait until after the window (those whose
    deadline allows it first, so they stay on time), or the first of the open ones
    finish before it."""
    cutoff, last_working_day, first_after = _window_bounds(calendar)
    finish_day = _day_of(life.finished[members])
    resolved = members[finish_day <= cutoff]
    if resolved.size > target:
        due_day = _day_of(life.due[resolved])
        deadline_allows = ~(due_day <= cutoff)  # due after the window, or no due at all
        order = np.lexsort((-life.finished[resolved].astype(np.int64), ~deadline_allows))
        moved = resolved[order[: resolved.size - target]]
        due_day = _day_of(life.due[moved])
        days_to_due = np.busday_count(first_after, _filled(due_day, first_after), busdaycal=calendar)
        # Those whose deadline has passed are the backlog, worked off over the next weeks.
        wait = np.where(
            due_day > cutoff, rng.integers(0, days_to_due.clip(0, 10) + 1), rng.geometric(0.12, moved.size) - 1
        )
        new_day = np.busday_offset(first_after, wait, busdaycal=calendar)
        life.finished[moved] = _finish_after(rng, life.processing[moved], new_day)
    elif resolved.size < target:
        start = np.busday_offset(_day_of(life.processing[members]), 0, roll="forward", busdaycal=calendar)
        can_finish = (finish_day > cutoff) & (life.outcome[members] != -1) & (start <= last_working_day)
        candidates = members[can_finish]
        if candidates.size < target - resolved.size:
            raise RuntimeError("not enough open dossiers to meet the published resolved count")
        pulled = candidates[np.argsort(life.finished[candidates], kind="stable")[: target - resolved.size]]
        start = np.busday_offset(_day_of(life.processing[pulled]), 0, roll="forward", busdaycal=calendar)
        span = np.busday_count(start, last_working_day, busdaycal=calendar)
        new_day = np.busday_offset(start, rng.integers(0, span + 1), busdaycal=calendar)
        life.finished[pulled] = _finish_after(rng, life.processing[pulled], new_day)


def _is_late(life: Lifecycle, index: np.ndarray) -> np.ndarray:
    """DESIGN §4: finished on a later day than due, or more than one supplement request."""
    return (_day_of(life.finished[index]) > _day_of(life.due[index])) | (life.supplements[index] > 1)


def _settle_late(
    rng: np.random.Generator, life: Lifecycle, resolved: np.ndarray, target: int, calendar: np.busdaycalendar
) -> None:
    """Exactly `target` of the `resolved` dossiers late, keeping every finish in the window."""
    _, last_working_day, _ = _window_bounds(calendar)
    late = _is_late(life, resolved)
    already, fine = resolved[late], resolved[~late]
    if already.size >= target:
        chosen = rng.choice(already, size=target, replace=False)
    else:
        chosen = np.concatenate([already, rng.choice(fine, size=target - already.size, replace=False)])

    relieved = np.setdiff1d(already, chosen)
    life.supplements[relieved] = np.minimum(life.supplements[relieved], 1)
    overdue = relieved[_day_of(life.finished[relieved]) > _day_of(life.due[relieved])]
    life.finished[overdue] = _finish_after(rng, life.processing[overdue], _day_of(life.due[overdue]))

    made_late = np.setdiff1d(chosen, already)
    due_day = _day_of(life.due[made_late])
    room = ~np.isnat(due_day) & (
        np.busday_offset(_filled(due_day, last_working_day), 1, roll="forward", busdaycal=calendar) <= last_working_day
    )
    past_due = made_late[room]
    late_day = np.busday_offset(due_day[room], rng.geometric(0.4, past_due.size), busdaycal=calendar)
    late_day = np.minimum(late_day, last_working_day)
    life.finished[past_due] = _office_time(rng, late_day, hours=10.0)
    life.supplements[made_late[~room]] = 2


def _settle_published_figures(
    rng: np.random.Generator,
    life: Lifecycle,
    agency: np.ndarray,
    refused: np.ndarray,
    agencies: Agencies,
    calibration: Calibration,
    calendar: np.busdaycalendar,
) -> None:
    p = PUBLISHED_2023
    cutoff = np.datetime64(p.window_end)
    in_window = ~refused & (_day_of(life.received) <= cutoff)
    _settle_resolved(
        rng, life, np.flatnonzero(in_window & (agency == calibration.district)), p.district_resolved, calendar
    )
    _settle_resolved(rng, life, np.flatnonzero(in_window & (agency == calibration.cu_van)), p.cu_van_resolved, calendar)

    resolved_in_window = in_window & (_day_of(life.finished) <= cutoff)
    resolved = {int(c): np.flatnonzero(resolved_in_window & (agency == c)) for c in calibration.communes}
    my_yen_late = int(np.ceil(p.my_yen_late_rate * resolved[calibration.my_yen].size))
    my_yen_share = my_yen_late / resolved[calibration.my_yen].size
    for commune, index in resolved.items():
        if commune == calibration.cu_van:
            target = p.cu_van_late
        elif commune == calibration.my_yen:
            target = my_yen_late
        else:  # strictly fewer late (as a share) than Mỹ Yên, whatever the rounding
            target = min(round(agencies.late_rate[commune] * index.size), int(np.ceil(my_yen_share * index.size)) - 1)
        _settle_late(rng, life, index, target, calendar)


# ---------------------------------------------------------------------------------------
# Step 5: everything that follows from the lifecycle, and the frame


def _supplement_times(rng: np.random.Generator, life: Lifecycle) -> tuple[np.ndarray, np.ndarray]:
    """The (first) supplement request and its completion, inside processing → finish."""
    n = life.received.size
    asked, answered = np.full(n, NAT), np.full(n, NAT)
    has = ~np.isnat(life.finished) & (life.supplements >= 1)
    span = (life.finished[has] - life.processing[has]).astype(np.int64)
    asked[has] = life.processing[has] + (span * rng.uniform(0.1, 0.5, span.size)).astype("timedelta64[s]")
    rest = (life.finished[has] - asked[has]).astype(np.int64)
    answered[has] = asked[has] + (rest * rng.uniform(0.2, 0.7, rest.size)).astype("timedelta64[s]")
    return asked, answered


def _returned_times(rng: np.random.Generator, life: Lifecycle, calendar: np.busdaycalendar) -> np.ndarray:
    n = life.received.size
    returned = np.full(n, NAT)
    gets_result = ~np.isnat(life.finished) & (life.outcome == 0) & (rng.random(n) < RETURNED)
    finished = life.finished[gets_result]
    delay = rng.choice(4, size=finished.size, p=[0.55, 0.25, 0.12, 0.08])
    same_day = finished + rng.integers(120, 3 * 3600, finished.size).astype("timedelta64[s]")
    later_day = np.busday_offset(_day_of(finished), delay, roll="forward", busdaycal=calendar)
    returned[gets_result] = np.where(delay == 0, same_day, _office_time(rng, later_day))
    return returned


def _flags(
    rng: np.random.Generator,
    life: Lifecycle,
    channel: np.ndarray,
    proc: np.ndarray,
    procedures: Procedures,
    refused: np.ndarray,
    payment_factor: np.ndarray,
    province: np.ndarray,
) -> dict[str, np.ndarray]:
    """Online payment, digitised components and electronic results, all rising over the years."""
    n = life.received.size
    years = _years_since_epoch(_day_of(life.received))
    online = channel == ONLINE
    growth = 1 - np.exp(-years / 1.5)

    digitised = rng.random(n) < np.clip(0.30 + 0.62 * growth + 0.05 * online, 0, 1)
    done = ~np.isnat(life.finished) & (life.outcome == 0)
    electronic = procedures.paper[proc] & done & (rng.random(n) < np.clip(0.25 + 0.6 * growth + 0.1 * online, 0, 1))
    fee = procedures.fee[proc] & ~refused
    bac_kan = province == BAC_KAN
    pays_online = np.where(bac_kan, BAC_KAN_PAID_ONLINE, (0.30 + 0.6 * growth) * payment_factor)
    paid_online = fee & online & (rng.random(n) < pays_online)
    paid_later = fee & ~online & (rng.random(n) < np.where(bac_kan, BAC_KAN_PAID_LATER, 0.03))
    gateway = np.where(rng.random(n) < 0.35, 1, 2)  # 1 DVCQG, 2 the provincial gateway
    payment = np.where(paid_online, gateway, np.where(paid_later, 2, 0))
    return {
        "DuocThanhToanTrucTuyen": payment.astype(np.int8),
        "HoSoCoThanhPhanSoHoa": digitised.astype(np.int8),
        "CoKetQuaDienTu": electronic.astype(np.int8),
    }


@lru_cache(maxsize=8)
def _payment_factors(seed: int, count: int) -> np.ndarray:
    rng = np.random.default_rng(np.random.SeedSequence([seed, PAYMENT_STREAM]))
    return np.where(rng.random(count) < LOW_PAYMENT_AGENCY_SHARE, LOW_PAYMENT_FACTOR, 1.0)


def _payment_factor(agencies: Agencies) -> np.ndarray:
    """Per agency, its online-payment propensity against the province's curve."""
    return _payment_factors(agencies.seed, agencies.codes.len())


def _sequence_in_day(agency: np.ndarray, received: np.ndarray) -> np.ndarray:
    """1, 2, 3 … per agency and day, in order of receipt: the tail of MaHoSo."""
    day = _day_of(received).astype(np.int64)
    order = np.lexsort((received.astype(np.int64), day, agency))
    key = agency[order] * 1_000_000 + day[order]
    starts = np.r_[True, key[1:] != key[:-1]]
    position = np.arange(order.size)
    sequence = np.empty(order.size, dtype=np.int64)
    sequence[order] = position - np.maximum.accumulate(np.where(starts, position, 0)) + 1
    return sequence


def _datetime_series(name: str, values: np.ndarray) -> pl.Series:
    return pl.Series(name, values.astype("datetime64[us]"))


def _assemble(
    rng: np.random.Generator,
    life: Lifecycle,
    agency: np.ndarray,
    proc: np.ndarray,
    channel: np.ndarray,
    refused: np.ndarray,
    agencies: Agencies,
    procedures: Procedures,
    calendar: np.busdaycalendar,
) -> pl.DataFrame:
    asked, answered = _supplement_times(rng, life)
    returned = _returned_times(rng, life, calendar)
    final_status = np.select(
        [refused, life.outcome == -1, life.outcome == 7, life.outcome == 8, ~np.isnat(returned)], [3, -1, 7, 8, 10], 9
    )
    flags = _flags(
        rng, life, channel, proc, procedures, refused, _payment_factor(agencies)[agency], agencies.province[agency]
    )
    catalogue = procedures.table
    frame = pl.DataFrame(
        [
            agencies.codes.gather(agency).alias("MaDonVi"),
            pl.Series("sequence", _sequence_in_day(agency, life.received)),
            catalogue["MaTTHC"].gather(proc),
            catalogue["MaLinhVuc"].gather(proc),
            catalogue["TenLinhVuc"].gather(proc),
            pl.Series("KenhThucHien", (channel + 1).astype(np.int8)),
            _datetime_series("received_at", life.received),
            _datetime_series("accepted_at", np.where(refused, NAT, life.first_touch)),
            _datetime_series("refused_at", np.where(refused, life.first_touch, NAT)),
            _datetime_series("processing_at", life.processing),
            _datetime_series("supplement_at", asked),
            _datetime_series("supplement_done_at", answered),
            _datetime_series("finished_at", life.finished),
            _datetime_series("returned_at", returned),
            _datetime_series("due_at", life.due),
            pl.Series("final_status", final_status.astype(np.int8)),
            pl.Series("SoLanBoSung", life.supplements.astype(np.int8)),
            *(pl.Series(name, values) for name, values in flags.items()),
        ]
    )
    return (
        frame.with_columns(
            MaHoSo=pl.format(
                "{}-{}-{}",
                "MaDonVi",
                pl.col("received_at").dt.strftime("%y%m%d"),
                pl.col("sequence").cast(pl.String).str.zfill(4),
            ),
            final_status=pl.when(pl.col("final_status") >= 0).then("final_status"),
        )
        .select(c for c in LIFECYCLE_COLUMNS if c not in V2_FLAGS)
        .sort("received_at", "MaHoSo")
    )


def _work_off_stuck(
    frame: pl.DataFrame, seed: int, year: int, agencies: Agencies, calibration: Calibration, calendar: np.busdaycalendar
) -> pl.DataFrame:
    """All but FOREVER_STUCK_PER_YEAR of the stuck dossiers finish, late. Đại Từ's 2023
    ones finish after the published window, so its figures stay as allocated."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, year, STUCK_STREAM]))
    stuck = np.flatnonzero(frame["final_status"].is_null().to_numpy())
    forever = rng.choice(stuck, size=min(FOREVER_STUCK_PER_YEAR, stuck.size), replace=False)
    freed = np.setdiff1d(stuck, forever)
    if freed.size == 0:
        return frame
    due = frame["due_at"].to_numpy().astype("datetime64[s]")[freed]
    processing = frame["processing_at"].to_numpy().astype("datetime64[s]")[freed]
    base = np.where(np.isnat(due), _day_of(processing) + 10, _day_of(due))
    finish_day = np.busday_offset(base, rng.geometric(STUCK_DELAY_P, freed.size), roll="forward", busdaycal=calendar)
    if year == FIRST_YEAR:
        dai_tu = agencies.codes.gather(np.concatenate([[calibration.district], calibration.communes])).to_list()
        held = np.isin(frame["MaDonVi"].to_numpy()[freed], dai_tu)
        _, _, first_after = _window_bounds(calendar)
        finish_day[held] = np.maximum(finish_day[held], first_after + rng.integers(0, 30, int(held.sum())))
        finish_day[held] = np.busday_offset(finish_day[held], 0, roll="forward", busdaycal=calendar)
    finished = _office_time(rng, finish_day)
    returned = finished + rng.integers(600, 4 * 3600, freed.size).astype("timedelta64[s]")
    gets_result = rng.random(freed.size) < RETURNED

    def put(column: str, values: np.ndarray) -> pl.Series:
        if values.dtype.kind == "M":
            values = values.astype("datetime64[us]")
        return frame[column].clone().scatter(freed, pl.Series(values).cast(frame.schema[column]))

    return frame.with_columns(
        put("finished_at", finished),
        put("returned_at", np.where(gets_result, returned, NAT)),
        put("final_status", np.where(gets_result, 10, 9)),
    )


def _with_v2_flags(frame: pl.DataFrame, seed: int, year: int) -> pl.DataFrame:
    """Contract v2 flags, rising over the years: re-used digitised data (766 item 4.3, any
    channel), a component from the citizen's store on DVCQG (4.4) and a VNeID-verified
    account (4.5), the last two only for online filings (they need an account)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, year, V2_STREAM]))
    n = frame.height
    years = _years_since_epoch(_day_of(frame["received_at"].to_numpy().astype("datetime64[s]")))
    growth = 1 - np.exp(-years / 1.5)
    online = frame["KenhThucHien"].to_numpy() == ONLINE + 1
    reuse = rng.random(n) < np.clip(0.15 + 0.45 * growth + 0.10 * online, 0, 1)
    store = online & (rng.random(n) < 0.10 + 0.40 * growth)
    vneid = online & (rng.random(n) < 0.30 + 0.60 * growth)
    return frame.with_columns(
        pl.Series(name, values.astype(np.int8)) for name, values in zip(V2_FLAGS, (reuse, store, vneid), strict=True)
    )


# ---------------------------------------------------------------------------------------
# Public API


def lifecycles(year: int, seed: int = DEFAULT_SEED) -> pl.DataFrame:
    """Every dossier received in `year` (from 2023 on), with its whole lifecycle, some of
    which may lie in the future of whoever reads it. One row per dossier:

    MaHoSo, MaTTHC, MaLinhVuc, TenLinhVuc, MaDonVi (String); KenhThucHien (Int8: 1 in
    person, 2 online, 3 postal); received_at, accepted_at, refused_at, processing_at,
    supplement_at, supplement_done_at, finished_at, returned_at, due_at (Datetime[us],
    naive local time, null = never); final_status (Int8: 9, 10, 7, 8, 3 refused; null
    for a stuck dossier that never finishes); SoLanBoSung, DuocThanhToanTrucTuyen,
    HoSoCoThanhPhanSoHoa, CoKetQuaDienTu, CoTaiSuDungDuLieuSoHoa, DuocLayTuKhoDMQG,
    TaiKhoanDuocXacThucVoiVNeID (Int8).
    """
    if year < FIRST_YEAR:
        raise ValueError(f"the demo portal starts in {FIRST_YEAR}, not {year}")
    rng = np.random.default_rng(np.random.SeedSequence([seed, year]))
    agencies, calibration = _agencies(seed)
    procedures = _procedures(seed)
    calendar = _working_days(year)
    days = _year_days(year)
    calibrated = year == FIRST_YEAR
    in_window = days <= np.datetime64(PUBLISHED_2023.window_end)

    expected = _expected_counts(agencies, days)
    exact = _calibrate_expected(expected, days, calibration, rng) if calibrated else {}
    counts = _draw_counts(rng, expected, exact, in_window)
    refused_counts = rng.poisson(expected * REFUSED_RATE)

    parts = [_expand(counts), _expand(refused_counts)]
    agency, day, channel = (np.concatenate([a[i] for a in parts]) for i in range(3))
    refused = np.repeat([False, True], [parts[0][0].size, parts[1][0].size])
    received = _receipt_times(rng, days[day], channel)

    proc = _choose_procedures(rng, agencies, procedures, agency, channel)
    if calibrated:
        eligible = ~refused & (channel == ONLINE) & in_window[day]
        _cover_fully_online(
            rng,
            procedures,
            proc,
            {
                "HUYEN": np.flatnonzero(eligible & (agency == calibration.district)),
                "XA": np.flatnonzero(eligible & np.isin(agency, calibration.communes)),
            },
        )

    life = _lifecycle(rng, agencies, procedures, agency, proc, channel, received, refused, calendar)
    if calibrated:
        _settle_published_figures(rng, life, agency, refused, agencies, calibration, calendar)
    frame = _assemble(rng, life, agency, proc, channel, refused, agencies, procedures, calendar)
    frame = _work_off_stuck(frame, seed, year, agencies, calibration, calendar)
    return _with_v2_flags(frame, seed, year)


def state_at(lifecycles: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """What the portal sends at `now` for each dossier received by then: DOSSIER_COLUMNS
    (strings; timestamps as yyyyMMddHHmmss; null until the event has happened) and
    `updated_at` (the latest lifecycle event so far: the change-feed cursor).

    TrangThaiHoSo: 1 until accepted, 2 accepted, 4 processing, 5 while a supplement is
    outstanding, then the final status from the end of processing (9 until the result is
    returned, 10 from then); 3 from a refusal. NgayHenTra appears on acceptance (the
    appointment slip); SoLanBoSung counts the first request once made, all of them once
    processing ends.
    """
    moment = pl.lit(now, dtype=pl.Datetime("us"))

    def happened(column: str) -> pl.Expr:
        return pl.col(column) <= moment

    def stamp(column: str, when: pl.Expr | None = None) -> pl.Expr:
        return pl.when(happened(column) if when is None else when).then(pl.col(column).dt.strftime(PORTAL_TIMESTAMP))

    status = (
        pl.when(happened("refused_at"))
        .then(3)
        .when(happened("returned_at"))
        .then(10)
        .when(happened("finished_at"))
        .then(pl.when(pl.col("final_status") == 10).then(9).otherwise(pl.col("final_status")))
        .when(happened("supplement_at") & ~happened("supplement_done_at").fill_null(False))
        .then(5)
        .when(happened("processing_at"))
        .then(4)
        .when(happened("accepted_at"))
        .then(2)
        .otherwise(1)
    )
    supplements = (
        pl.when(happened("finished_at"))
        .then(pl.col("SoLanBoSung"))
        .when(happened("supplement_at"))
        .then(pl.col("SoLanBoSung").clip(upper_bound=1))
        .otherwise(0)
    )
    return (
        lifecycles.lazy()
        .filter(pl.col("received_at") <= moment)
        .select(
            "MaHoSo",
            "MaTTHC",
            "MaLinhVuc",
            "TenLinhVuc",
            "MaDonVi",
            pl.col("KenhThucHien").cast(pl.String),
            status.cast(pl.String).alias("TrangThaiHoSo"),
            pl.col("received_at").dt.strftime(PORTAL_TIMESTAMP).alias("NgayTiepNhan"),
            stamp("due_at", when=happened("accepted_at")).alias("NgayHenTra"),
            stamp("finished_at").alias("NgayKetThucXuLy"),
            stamp("returned_at").alias("NgayTra"),
            pl.col("DuocThanhToanTrucTuyen").cast(pl.String),
            pl.col("HoSoCoThanhPhanSoHoa").cast(pl.String),
            pl.when(happened("finished_at")).then(pl.col("CoKetQuaDienTu").cast(pl.String)).alias("CoKetQuaDienTu"),
            supplements.cast(pl.String).alias("SoLanBoSung"),
            *(pl.col(flag).cast(pl.String) for flag in V2_FLAGS),
            pl.max_horizontal(*(pl.when(happened(c)).then(pl.col(c)) for c in EVENT_COLUMNS)).alias("updated_at"),
        )
        .collect()
    )
