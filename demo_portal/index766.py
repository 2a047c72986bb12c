"""The published Decision 766 index of the demo portal (contract v2, DESIGN §3 and §10).

Only the indicators the national portal alone computes (1.1–1.4, 3.6, 4.6, 4.7), for the
province as a whole (MaDVHC), one row per whole month: Thái Nguyên from January 2023,
Bắc Kạn until June 2025 (it then merged into Thái Nguyên); and the year to date up to
yesterday, as the national portal shows it on the day a province downloads it (the
figures DESIGN §6 quotes are such a stretch: 1 January – 29 August 2025). Points are each province's
usual share of the maximum with a little month-to-month noise, drawn from a stream of
their own; Bắc Kạn's are lower, as its published totals were. Every row says it is demo
data (`GhiChu`, an extra column that ingest keeps in raw `_extra`).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from demo_portal.catalogue import BAC_KAN, PRE_REFORM_END, THAI_NGUYEN

INDEX_COLUMNS = ("MaDonVi", "MaDVHC", "TuNgay", "DenNgay", "MaChiSo", "TuSo", "MauSo", "Diem", "GhiChu")
DEMO_NOTE = "dữ liệu minh họa (demo)"
INDEX_STREAM = 24
FIRST_MONTH = date(2023, 1, 1)
MAX_POINTS = {"1.1": 6.0, "1.2": 4.0, "1.3": 2.0, "1.4": 6.0, "3.6": 2.0, "4.6": 2.0, "4.7": 2.0}
# Usual share of the maximum per province (the calibration in the README's demo section).
SHARE = {
    THAI_NGUYEN: {"1.1": 0.97, "1.2": 0.96, "1.3": 1.0, "1.4": 0.98, "3.6": 0.90, "4.6": 0.90, "4.7": 0.85},
    BAC_KAN: {"1.1": 0.85, "1.2": 0.80, "1.3": 0.90, "1.4": 0.92, "3.6": 0.75, "4.6": 0.60, "4.7": 0.50},
}
NOISE = 0.03


def months_published(today: date) -> list[date]:
    """First days of the whole months before `today`'s month."""
    months, month = [], FIRST_MONTH
    while month < today.replace(day=1):
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def published_index(seed: int, today: date) -> pl.DataFrame:
    """Every published row up to the last whole month before `today`, and the year to date
    up to yesterday (strings)."""
    rows = []
    for number, first in enumerate(months_published(today)):
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        for province in (THAI_NGUYEN, BAC_KAN):
            if province == BAC_KAN and last.isoformat() > PRE_REFORM_END:
                continue
            rng = np.random.default_rng(np.random.SeedSequence([seed, INDEX_STREAM, number, int(province)]))
            for code, maximum in MAX_POINTS.items():
                share = min(1.0, SHARE[province][code] + rng.uniform(-NOISE, NOISE))
                rows.append(
                    (None, province, first.isoformat(), last.isoformat(), code, None, None, f"{maximum * share:.2f}")
                )
    rows += _year_to_date(seed, today)
    frame = pl.DataFrame(rows, schema={c: pl.String for c in INDEX_COLUMNS[:-1]}, orient="row")
    return frame.with_columns(GhiChu=pl.lit(DEMO_NOTE))


def _year_to_date(seed: int, today: date) -> list[tuple]:
    """1 January to yesterday, per province that existed all of it (none on 1 January itself)."""
    yesterday = today - timedelta(days=1)
    first = yesterday.replace(month=1, day=1)
    if yesterday < FIRST_MONTH or today.month == 1 and today.day == 1:
        return []
    rows = []
    for province in (THAI_NGUYEN, BAC_KAN):
        if province == BAC_KAN and yesterday.isoformat() > PRE_REFORM_END:
            continue
        rng = np.random.default_rng(np.random.SeedSequence([seed, INDEX_STREAM, yesterday.toordinal(), int(province)]))
        for code, maximum in MAX_POINTS.items():
            # a stretch of months: the usual share, with less noise than one month has
            share = min(1.0, SHARE[province][code] + rng.uniform(-NOISE, NOISE) / 3)
            rows.append(
                (None, province, first.isoformat(), yesterday.isoformat(), code, None, None, f"{maximum * share:.2f}")
            )
    return rows
