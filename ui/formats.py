"""Numbers and dates the way each language writes them (Babel's CLDR data, not hand-made).

Vietnamese: 4.930 hồ sơ, 56,8%, 21/11/2026. English: 4,930, 56.8%, 21/11/2026 (the
date stays day-first: the audience is Vietnamese either way). A missing value (a rate
whose denominator is 0, DESIGN §4) is an em dash, never 0.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import NumberPattern, parse_pattern

from warehouse import registry

Lang = Literal["vi", "en"]
MISSING = "—"
_LOCALES = {"vi": "vi_VN", "en": "en_GB"}


@cache
def _locale(lang: str) -> Locale:
    # Parsed once: a table formats thousands of cells, and parsing the locale name
    # and the pattern on every call was most of Babel's cost (27 µs a cell, now 6–11).
    return Locale.parse(_LOCALES.get(lang, "vi_VN"))


@cache
def _pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


def separators(lang: Lang = "vi") -> tuple[str, str]:
    """The decimal and the thousands separators: (",", ".") in Vietnamese (charts' axes)."""
    symbols = _locale(lang).number_symbols["latn"]
    return symbols["decimal"], symbols["group"]


def count(value: int | float | None, lang: Lang = "vi") -> str:
    if value is None:
        return MISSING
    return _pattern("#,##0").apply(round(value), _locale(lang))


def rate(value: float | None, lang: Lang = "vi", decimals: int = 1) -> str:
    """A fraction 0..1 as a percentage with one decimal: 0.568 → 56,8%."""
    if value is None or value != value:
        return MISSING
    return _pattern("#,##0." + "0" * decimals + "%" if decimals else "#,##0%").apply(value, _locale(lang))


def measure(key: str, value: float | None, lang: Lang = "vi") -> str:
    """A value of a registry measure, in its display format (`Measure.format`: rate or count)."""
    return rate(value, lang) if registry.measure(key).format == "rate" else count(value, lang)


def points(value: float | None, lang: Lang = "vi") -> str:
    """A change between two rates, in percentage points with a sign: +1,2 đ.%."""
    if value is None or value != value:
        return MISSING
    number = _pattern("#,##0.0").apply(abs(value) * 100, _locale(lang))
    # an ASCII minus: Streamlit reads a delta's direction (arrow, colour) from it
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    return f"{sign}{number} {'điểm %' if lang == 'vi' else 'pp'}"


def score(value: float | None, lang: Lang = "vi") -> str:
    """Decision 766 points with one decimal: 74.6 → 74,6 (DESIGN §10); none → "—"."""
    if value is None or value != value:
        return MISSING
    return _pattern("#,##0.0").apply(value, _locale(lang))


def signed_score(value: float | None, lang: Lang = "vi") -> str:
    """A difference of points with its sign: +1,5 or -2,0 (ours against the published figure)."""
    if value is None or value != value:
        return MISSING
    sign = "+" if value > 0.05 else "-" if value < -0.05 else "±"
    return sign + _pattern("#,##0.0").apply(abs(value), _locale(lang))


def signed_count(value: int | None, lang: Lang = "vi") -> str:
    if value is None:
        return MISSING
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    return sign + _pattern("#,##0").apply(abs(value), _locale(lang))


def day(value: date | None, lang: Lang = "vi") -> str:
    if value is None:
        return MISSING
    return format_date(value, "dd/MM/yyyy", locale=_locale(lang))


def month(value: date, lang: Lang = "vi") -> str:
    """A month as an axis label: 11/2026 in both languages (short, unambiguous)."""
    return format_date(value, "MM/yyyy", locale=_locale(lang))


def moment(value: datetime | None, lang: Lang = "vi") -> str:
    """A data time as DESIGN §2 prints it: 14:05 21/11/2026."""
    if value is None:
        return MISSING
    return format_datetime(value, "HH:mm dd/MM/yyyy", locale=_locale(lang))
