"""Numbers and dates the way each language writes them (Babel's CLDR data, not hand-made).

Vietnamese: 4.930 hồ sơ, 56,8%, 21/11/2026. English: 4,930, 56.8%, 21/11/2026 (the
date stays day-first: the audience is Vietnamese either way). A missing value (a rate
whose denominator is 0, DESIGN §4) is an em dash, never 0.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

Lang = Literal["vi", "en"]
MISSING = "—"
_LOCALES = {"vi": "vi_VN", "en": "en_GB"}


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, "vi_VN")


def count(value: int | float | None, lang: Lang = "vi") -> str:
    if value is None:
        return MISSING
    return format_decimal(round(value), locale=_locale(lang))


def rate(value: float | None, lang: Lang = "vi", decimals: int = 1) -> str:
    """A fraction 0..1 as a percentage with one decimal: 0.568 → 56,8%."""
    if value is None or value != value:
        return MISSING
    pattern = "#,##0." + "0" * decimals + "%" if decimals else "#,##0%"
    return format_percent(value, format=pattern, locale=_locale(lang))


def points(value: float | None, lang: Lang = "vi") -> str:
    """A change between two rates, in percentage points with a sign: +1,2 đ.%."""
    if value is None or value != value:
        return MISSING
    number = format_decimal(abs(value) * 100, format="#,##0.0", locale=_locale(lang))
    # an ASCII minus: Streamlit reads a delta's direction (arrow, colour) from it
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    return f"{sign}{number} {'điểm %' if lang == 'vi' else 'pp'}"


def signed_count(value: int | None, lang: Lang = "vi") -> str:
    if value is None:
        return MISSING
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    return sign + format_decimal(abs(value), locale=_locale(lang))


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
