"""The official 2025 commune conversion table, and what it says about comparability.

``commune_conversion_2025.csv`` (beside this file) lists, for the whole country, every
pre-reform commune (valid until 2025-06-30) with the post-reform commune(s) it went
into on 2025-07-01: one row per (old commune, new commune) pair. It is written by
``build_commune_conversion.py``; this module only reads it and derives from it, with
pure functions of the table (no package, no network, no database):

* :func:`how_each_went` — how each old commune went: ``unchanged``, ``renamed``,
  ``merged`` (wholly, into a new commune with other sources) or ``split`` (its territory
  went into more than one new commune: the official "partly merged"). *Split* is read
  from the mapping itself, never from a flag.
* :func:`comparability` — for each new commune of the table, whether its pre-reform past
  is the sum of its source communes (DESIGN.md §5, "Across the reform"): it is
  **comparable** when every source went into it wholly (``unchanged``, ``renamed`` or
  ``merged``), **not comparable** when a source was split, with a note naming that old
  commune and the new communes it was split between.

Post-reform units that no old commune went into (the five special zones made from island
districts that had no commune: Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) have no
row in the table and none in :func:`comparability`: a reader joining today's units to it
must treat a missing row as "not comparable: no pre-reform commune"
(:data:`NO_SOURCE_NOTE`).

Only the standard library is used, so a maintenance script and the product read the
table the same way. Errors: :class:`ConversionTableError` (the CSV is missing a column,
or a pair appears twice).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path

CONVERSION_CSV = Path(__file__).with_name("commune_conversion_2025.csv")
COMPARABILITY_CSV = Path(__file__).with_name("commune_comparability_2025.csv")

#: Values of ``how``, in the order a person would read them.
HOW = ("unchanged", "renamed", "merged", "split")

#: Why a post-reform commune absent from the table cannot be compared with its past.
NO_SOURCE_NOTE = "no pre-reform commune went into it (made from a district without communes)"

# Vietnamese tone marks (combining, after NFD). Their position in a syllable varies
# between the old and the new spelling ("Thuỷ" / "Thủy", "Hoà" / "Hòa").
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_PUNCTUATION = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-"})


class ConversionTableError(Exception):
    """The conversion table cannot be read as one; the message says why."""


@dataclass(frozen=True)
class ConversionRow:
    """One row of ``commune_conversion_2025.csv``: an old commune and one commune it went into.

    Codes are zero-padded GSO codes (commune 5 digits, district 3, province 2). ``old_name``
    is empty for the few old communes the pre-reform unit list lacks (created between the
    list's date and 2025-06-30). ``package_partly_merged`` is the source package's own flag
    (``1``/``0``), kept to show where it disagrees with ``how``.
    """

    old_code: str
    old_name: str
    old_district_code: str
    old_province_code: str
    new_code: str
    new_name: str
    new_province_code: str
    how: str
    package_partly_merged: str


CONVERSION_HEADER: tuple[str, ...] = tuple(f.name for f in fields(ConversionRow))


@dataclass(frozen=True)
class Comparability:
    """Whether one new commune's pre-reform past can be summed from its source communes."""

    new_code: str
    new_name: str
    new_province_code: str
    old_communes: int
    comparable: bool
    note: str

    def csv_row(self) -> tuple[str, ...]:
        values = astuple(self)
        return tuple(str(v).lower() if isinstance(v, bool) else str(v) for v in values)


COMPARABILITY_HEADER: tuple[str, ...] = tuple(f.name for f in fields(Comparability))


# --------------------------------------------------------------------------- names


def name_key(name: str) -> str:
    """A unit name compared the way a person reads it: case, apostrophe and dash style,
    spacing and the position of the tone mark do not count ("Xã Thanh Thuỷ" ==
    "xã Thanh Thủy"); the type prefix and every letter do ("Thị trấn Yên Châu" !=
    "Xã Yên Châu")."""
    text = unicodedata.normalize("NFD", name.translate(_PUNCTUATION)).casefold()
    words = []
    for word in text.split():
        tones = "".join(ch for ch in word if ch in _TONE_MARKS)
        base = "".join(ch for ch in word if ch not in _TONE_MARKS)
        words.append(unicodedata.normalize("NFC", base) + tones)
    return " ".join(words)


# --------------------------------------------------------------------------- how


def destinations(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Old code -> the new codes it went into, sorted."""
    into: dict[str, set[str]] = defaultdict(set)
    for old, new in pairs:
        into[old].add(new)
    return {old: tuple(sorted(news)) for old, news in into.items()}


def sources(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """New code -> the old codes that went (wholly or in part) into it, sorted."""
    came: dict[str, set[str]] = defaultdict(set)
    for old, new in pairs:
        came[new].add(old)
    return {new: tuple(sorted(olds)) for new, olds in came.items()}


def how_each_went(
    pairs: Iterable[tuple[str, str]], old_names: Mapping[str, str], new_names: Mapping[str, str]
) -> dict[str, str]:
    """Old code -> ``split`` | ``merged`` | ``renamed`` | ``unchanged``, from the mapping.

    ``split``: it went into more than one new commune. ``merged``: into one new commune,
    which has other sources too. Otherwise the old commune is the new one's only source:
    ``unchanged`` if the names match (:func:`name_key`; the code may differ), else
    ``renamed``. An old commune without a known name that is its new commune's only
    source counts as ``renamed`` (it cannot be shown to be unchanged).
    """
    pairs = list(pairs)
    into = destinations(pairs)
    came = sources(pairs)
    how: dict[str, str] = {}
    for old, news in into.items():
        if len(news) > 1:
            how[old] = "split"
        elif len(came[news[0]]) > 1:
            how[old] = "merged"
        elif old_names.get(old) and name_key(old_names[old]) == name_key(new_names.get(news[0], "")):
            how[old] = "unchanged"
        else:
            how[old] = "renamed"
    return how


# --------------------------------------------------------------------------- comparability


def _label(name: str, code: str) -> str:
    return f"{name} ({code})" if name else code


def comparability(rows: Iterable[ConversionRow]) -> list[Comparability]:
    """One :class:`Comparability` per new commune of the table, sorted by new code.

    Comparable when none of its source communes went into another new commune too.
    Otherwise the note names each split source and every new commune it went into, e.g.
    ``"Xã A (00001) was split between Xã X (00010), Xã Y (00011)"``; several split
    sources are joined by ``"; "``. Reads only the codes and names of ``rows``.
    """
    rows = list(rows)
    pairs = [(r.old_code, r.new_code) for r in rows]
    into = destinations(pairs)
    came = sources(pairs)
    old_names = {r.old_code: r.old_name for r in rows}
    new_names = {r.new_code: r.new_name for r in rows}
    new_province = {r.new_code: r.new_province_code for r in rows}
    result = []
    for new in sorted(came):
        split = [old for old in came[new] if len(into[old]) > 1]
        notes = [
            f"{_label(old_names[old], old)} was split between " + ", ".join(_label(new_names[n], n) for n in into[old])
            for old in split
        ]
        result.append(
            Comparability(
                new_code=new,
                new_name=new_names[new],
                new_province_code=new_province[new],
                old_communes=len(came[new]),
                comparable=not split,
                note="; ".join(notes),
            )
        )
    return result


# --------------------------------------------------------------------------- files


def read_conversion(path: Path = CONVERSION_CSV) -> list[ConversionRow]:
    """The rows of a conversion CSV (header :data:`CONVERSION_HEADER`), as written."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in CONVERSION_HEADER if c not in (reader.fieldnames or ())]
        if missing:
            raise ConversionTableError(f"{path} lacks the column(s) {', '.join(missing)}")
        rows = [ConversionRow(**{c: rec[c] for c in CONVERSION_HEADER}) for rec in reader]
    seen: set[tuple[str, str]] = set()
    for r in rows:
        if (r.old_code, r.new_code) in seen:
            raise ConversionTableError(f"{path}: old {r.old_code} -> new {r.new_code} appears twice")
        seen.add((r.old_code, r.new_code))
    return rows


def to_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """CSV text as the reference files are written: header first, ``\\n`` line ends."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def conversion_csv(rows: Iterable[ConversionRow]) -> str:
    return to_csv(CONVERSION_HEADER, (astuple(r) for r in rows))


def comparability_csv(items: Iterable[Comparability]) -> str:
    return to_csv(COMPARABILITY_HEADER, (c.csv_row() for c in items))
