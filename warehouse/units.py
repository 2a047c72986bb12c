"""Finding the unit a person means: by code, by full name, or by a name without its prefix.

Order (DESIGN §7): an exact code; an exact full name (case- and diacritics-insensitive,
agencies' names included, e.g. "UBND xã Cù Vân"); only then names stripped of prefixes
such as "UBND", "huyện", "xã". Only units valid in the period being read take part, so a
re-used code means the unit of that period. Several different matches are an error that
lists them; nothing is guessed.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from duckdb.sqltypes import VARCHAR

from warehouse.errors import UnitLookupError

ORGANISATION_PREFIXES = ("uy ban nhan dan", "ubnd", "bo phan mot cua", "trung tam phuc vu hanh chinh cong")
TYPE_PREFIXES = ("thanh pho", "thi xa", "thi tran", "tinh", "huyen", "quan", "xa", "phuong", "tp", "tx", "tt")


# Cached: every publish rebuilds the marts, and each rebuild normalises the same unit and
# field names again (some 1,600 distinct names, 15 times a load: half a small load's time).
@lru_cache(maxsize=1 << 16)
def normalize_name(text: str, keep_accents: bool = False) -> str:
    """The one name normaliser: case-, diacritics-, punctuation- and spacing-insensitive.

    "Tư pháp - Hộ tịch", "TƯ PHÁP – HỘ TỊCH" and "tu phap ho tich" all give "tu phap ho tich".
    The SQL models call this same function as `normalize_name(s)` (`register_sql_functions`).
    """
    text = unicodedata.normalize("NFC", text).lower()
    if not keep_accents:
        text = unicodedata.normalize("NFD", text.replace("đ", "d"))
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = re.sub(r"[.,;:()\-–]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _normalize_names(names: pa.ChunkedArray | pa.Array) -> pa.Array:
    # Names repeat (a field name on every dossier): each distinct one is normalised once.
    distinct = pc.unique(names)
    normal = pa.array([None if name is None else normalize_name(name) for name in distinct.to_pylist()], pa.string())
    result = pc.take(normal, pc.index_in(names, value_set=distinct))
    return result.combine_chunks() if isinstance(result, pa.ChunkedArray) else result


def register_sql_functions(con: duckdb.DuckDBPyConnection) -> None:
    """`normalize_name(s)` in SQL: the Python `normalize_name`, vectorised over distinct names."""
    with contextlib.suppress(duckdb.InvalidInputException, duckdb.CatalogException):
        con.remove_function("normalize_name")
    con.create_function("normalize_name", _normalize_names, [VARCHAR], VARCHAR, type="arrow")


def strip_prefixes(normal: str, prefixes: tuple[str, ...]) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            if normal.startswith(prefix + " "):
                normal = normal[len(prefix) + 1 :].strip()
                changed = True
    return normal


@dataclass(frozen=True)
class Candidate:
    kind: str  # "unit" (official administrative unit) or "agency"
    code: str
    name: str
    level: str | None
    unit_code: str | None  # the area: a unit's own code, an agency's MaDVHC
    valid_from: date
    valid_to: date
    province_code: str | None = None

    @property
    def version(self) -> str:
        """The registry version: the 2025 reform ended one and started the other."""
        return "pre2025" if self.valid_to < date(9999, 1, 1) else "post2025"

    def describe(self) -> str:
        if self.kind == "agency":
            return f"{self.name} (agency {self.code})"
        span = ""
        if self.valid_to < date(9999, 1, 1):
            span = f", until {self.valid_to:%d/%m/%Y}"
        elif self.valid_from > date(1900, 1, 1):
            span = f", from {self.valid_from:%d/%m/%Y}"
        return f"{self.name} ({self.code}{span})"


@dataclass(frozen=True)
class Resolution:
    """What a unit filter selects: official units (with everything below them) or agencies."""

    label: str
    code: str | None
    unit_codes: tuple[str, ...] = ()
    unit_versions: tuple[str, ...] = ()  # a re-used code means the version of the period read
    agency_codes: tuple[str, ...] = ()
    level: str | None = None
    # the days the matched unit versions are valid: their agencies count only for these
    # (DESIGN §5); None for an agency, which is the same agency on any date
    valid_from: date | None = None
    valid_to: date | None = None


RULES = (
    lambda name: name,
    lambda name: strip_prefixes(name, ORGANISATION_PREFIXES),
    lambda name: strip_prefixes(name, ORGANISATION_PREFIXES + TYPE_PREFIXES),
)


class CandidateIndex:
    """Candidates with their names normalised once, looked up by each matching rule."""

    def __init__(self, candidates: list[Candidate]) -> None:
        self.candidates = candidates
        self.by_code: dict[str, list[Candidate]] = {}
        self.by_name: dict[tuple[int, bool, str], list[Candidate]] = {}
        for candidate in candidates:
            self.by_code.setdefault(candidate.code, []).append(candidate)
            for keep_accents in (True, False):
                normal = normalize_name(candidate.name, keep_accents)
                for number, rule in enumerate(RULES):
                    self.by_name.setdefault((number, keep_accents, rule(normal)), []).append(candidate)
        self.home_provinces = {c.province_code for c in candidates if c.kind == "agency" and c.province_code}


def resolve(
    text: str, candidates: list[Candidate] | CandidateIndex, period_start: date, period_end: date
) -> Resolution:
    index = candidates if isinstance(candidates, CandidateIndex) else CandidateIndex(candidates)
    query = text.strip()

    def live(found: list[Candidate]) -> list[Candidate]:
        return [c for c in found if c.kind == "agency" or (c.valid_from <= period_end and c.valid_to >= period_start)]

    by_code = live(index.by_code.get(query, []))
    if not by_code and query.isdigit():
        # spreadsheets drop leading zeros: 5809 is 05809
        by_code = [
            c for width in (2, 3, 5) for c in live(index.by_code.get(query.zfill(width), [])) if c.kind == "unit"
        ]
    if by_code:
        return _one(query, by_code)

    # Each rule is tried with the accents as typed first ("Đại Từ" is not "Đại Tự"), then
    # without; and units of the provinces the data comes from before those elsewhere.
    for number, rule in enumerate(RULES):
        for keep_accents in (True, False):
            wanted = rule(normalize_name(query, keep_accents))
            matches = live(index.by_name.get((number, keep_accents, wanted), [])) if wanted else []
            local = [c for c in matches if c.kind == "agency" or c.province_code in index.home_provinces]
            if local or matches:
                return _one(query, local or matches)

    bare = strip_prefixes(normalize_name(query), ORGANISATION_PREFIXES + TYPE_PREFIXES)
    close = sorted({c.describe() for c in live(index.candidates) if bare and bare in normalize_name(c.name)})[:10]
    hint = f"; did you mean: {'; '.join(close)}" if close else ""
    raise UnitLookupError(
        f"no unit or agency named or coded '{query}' in {period_start:%d/%m/%Y}–{period_end:%d/%m/%Y}{hint}", close
    )


def _one(query: str, matches: list[Candidate]) -> Resolution:
    units = [m for m in matches if m.kind == "unit"]
    agencies = [m for m in matches if m.kind == "agency"]
    unit_codes = {m.code for m in units}
    # An agency serving exactly the matched unit's area is the same thing said twice.
    agencies = [a for a in agencies if a.unit_code not in unit_codes]
    if len(unit_codes) + len(agencies) > 1:
        described = sorted({m.describe() for m in units + agencies})
        raise UnitLookupError(f"'{query}' is ambiguous: it could be {'; '.join(described)}", described)
    if units:
        return Resolution(
            label=units[0].name,
            code=units[0].code,
            unit_codes=tuple(sorted(unit_codes)),
            unit_versions=tuple(sorted({u.version for u in units})),
            level=units[0].level,
            valid_from=min(u.valid_from for u in units),
            valid_to=max(u.valid_to for u in units),
        )
    agency = agencies[0]
    return Resolution(
        label=agency.name, code=agency.unit_code or agency.code, agency_codes=(agency.code,), level=agency.level
    )


def load_candidates(con: duckdb.DuckDBPyConnection, *, units_table: str, agencies_table: str) -> list[Candidate]:
    """Candidates from a connection: the snapshot's dim_units/dim_agencies, or the writer's staging views."""
    rows = con.execute(
        f"""
        select 'unit', unit_code, unit_name, unit_level, unit_code, valid_from, valid_to, province_code
        from {units_table}
        union all
        select 'agency', agency.agency_code, agency.agency_name, agency.agency_level, agency.unit_code,
               date '1900-01-01', date '9999-12-31', min(unit.province_code)
        from {agencies_table} as agency
        left join {units_table} as unit on unit.unit_code = agency.unit_code
        where agency.agency_name is not null
        group by all
        """
    ).fetchall()
    return [Candidate(*row) for row in rows]
