"""Parse the official form 06a XLSX (Biểu số II.06a/VPCP/KSTT, Circular 01/2020/TT-VPCP).

"Tình hình, kết quả giải quyết TTHC": one row per field (Lĩnh vực) or per unit
(Đơn vị), thirteen numbered columns, a period and a reporting unit in the lines
above the header. This module is pure: it reads one file and returns a
`Form06aReport`; it never touches the warehouse.

Everything is located by content, never by fixed positions: the header is the row
that numbers the columns "(1)" .. "(13)" (or 1 .. 13 in consecutive cells), and the
column positions are taken from that row, so a sheet shifted down or right parses
the same way.

A row that breaks an identity is kept and flagged (`Form06aRow.violations`); a row
with a negative or non-integer count is set aside in `Form06aReport.rejected`; the
file is refused only when it cannot be a 06a at all.

Exception hierarchy:

    Exception
    └── Form06aError    the file is not a readable form 06a: not an XLSX (or a corrupt
                        one), no column-numbering row, no or an invalid "Kỳ báo cáo"
                        period, no "Đơn vị báo cáo". The message is one sentence
                        naming the reason, fit to show to a user.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

__all__ = ["COUNT_COLUMNS", "Form06aError", "Form06aReport", "Form06aRow", "looks_like_form06a", "parse_form06a"]

COUNT_COLUMNS: tuple[int, ...] = tuple(range(3, 14))

# (sum column, addends): the form's own arithmetic, in the order it is reported.
_IDENTITIES: tuple[tuple[int, tuple[int, ...]], ...] = ((3, (4, 5, 6)), (7, (8, 9, 10)), (11, (12, 13)), (3, (7, 11)))

# The numbering row sits right under the title block; no real form has it lower.
_HEADER_SCAN_ROWS = 200
_MAX_COLUMNS = 64
# A sheet formatted down to row 1,048,576 must not make us walk a million blanks.
_MAX_BLANK_RUN = 200


class Form06aError(Exception):
    """The file is not a readable form 06a; the message says why in one sentence."""


@dataclass(frozen=True)
class Form06aRow:
    line: int
    label: str
    counts: dict[int, int | None]
    violations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Form06aReport:
    reporting_unit: str
    receiving_unit: str | None
    period_start: date
    period_end: date
    row_kind: str
    rows: tuple[Form06aRow, ...]
    total: Form06aRow | None
    total_mismatches: tuple[str, ...]
    rejected: tuple[tuple[int, str], ...]


# --------------------------------------------------------------------------- text


def _clean(value: Any) -> str:
    """Cell text as a person reads it: NFC, whitespace runs (newlines too) → one space."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return " ".join(text.split())


def _fold(text: str) -> str:
    """Lower-case and strip diacritics, one character for one, so that a match
    position in the folded text is the same position in the original."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[0].lower()
        out.append(base[0] if base else ch)
    return "".join(out)


def _lines(value: Any) -> list[str]:
    # A merged title cell often holds several header lines separated by newlines.
    if value is None:
        return []
    return [line for line in (_clean(part) for part in str(value).splitlines()) if line]


# ------------------------------------------------------------------ header lines

_NUMBER_LABEL = re.compile(r"^\(\s*(\d{1,2})\s*\)$")
_BARE_NUMBER = re.compile(r"^(\d{1,2})$")
_REPORTING = re.compile(r"don vi bao cao\s*:?\s*")
_RECEIVING = re.compile(r"don vi nhan bao cao\s*:?\s*")
_DATE = r"(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4})"
_PERIOD = re.compile(r"tu\s*(?:ngay\s*)?" + _DATE + r"\s*,?\s*den\s*(?:het\s*)?(?:ngay\s*)?" + _DATE)
_TITLE = re.compile(r"tinh hinh,? ket qua giai quyet")
_FORM_CODE = re.compile(r"ii\.?\s*06a")


def _numbering_columns(row: Sequence[Any]) -> dict[int, int] | None:
    """Map 1..13 to 1-based column positions when `row` is the numbering row."""
    found: dict[int, tuple[int, bool]] = {}
    for index, value in enumerate(row):
        if isinstance(value, bool) or value is None:
            continue
        number: int | None = None
        in_parens = False
        if isinstance(value, int):
            number = value
        elif isinstance(value, float):
            if value.is_integer():
                number = int(value)
        else:
            text = _clean(value)
            if match := _NUMBER_LABEL.match(text):
                number, in_parens = int(match.group(1)), True
            elif match := _BARE_NUMBER.match(text):
                number = int(match.group(1))
        if number is not None and 1 <= number <= 13 and number not in found:
            found[number] = (index + 1, in_parens)
    if len(found) < 13:
        return None
    columns = {n: found[n][0] for n in range(1, 14)}
    if any(columns[n + 1] <= columns[n] for n in range(1, 13)):
        return None
    # "(1)".."(13)" is unmistakable even with gaps; bare numbers could be data,
    # so they count only as thirteen consecutive cells.
    if not all(found[n][1] for n in range(1, 14)):
        if any(columns[n + 1] != columns[n] + 1 for n in range(1, 13)):
            return None
    return columns


def _find_numbering(rows: Iterable[Sequence[Any]]) -> tuple[int, dict[int, int]] | None:
    for line, row in enumerate(rows, start=1):
        if line > _HEADER_SCAN_ROWS:
            break
        columns = _numbering_columns(row)
        if columns is not None:
            return line, columns
    return None


def _find_unit(rows: Sequence[Sequence[Any]], pattern: re.Pattern[str]) -> str | None:
    for row in rows:
        for index, value in enumerate(row):
            lines = _lines(value)
            for position, line in enumerate(lines):
                match = pattern.search(_fold(line))
                if match is None:
                    continue
                name = line[match.end() :].strip(" :-–\t")
                if not name and position == len(lines) - 1:
                    # "Đơn vị báo cáo:" in one cell, the name in the next one.
                    name = next((_clean(v) for v in row[index + 1 :] if _clean(v)), "")
                if name:
                    return name
    return None


def _parse_date(text: str, which: str) -> date:
    day, month, year = (int(part) for part in re.split(r"\s*[/.\-]\s*", text))
    try:
        return date(year, month, day)
    except ValueError:
        raise Form06aError(
            f"the period {which} date {text.replace(' ', '')} in 'Kỳ báo cáo' is not a valid date"
        ) from None


def _find_period(rows: Sequence[Sequence[Any]]) -> tuple[date, date]:
    # Whole-row text: the dates may sit in the cell after "Kỳ báo cáo:".
    for row in rows:
        text = " ".join(line for value in row for line in _lines(value))
        match = _PERIOD.search(_fold(text))
        if match is None:
            continue
        start = _parse_date(match.group(1), "start")
        end = _parse_date(match.group(2), "end")
        if end < start:
            raise Form06aError(f"the period in 'Kỳ báo cáo' ends ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y})")
        return start, end
    raise Form06aError("no 'Kỳ báo cáo: Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy' line was found above the header")


# ----------------------------------------------------------------------- counts

_THOUSANDS = re.compile(r"^-?\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$")
_INTEGER = re.compile(r"^-?\d+$")
_BLANK_MARKS = {"", "-", "–", "—"}
# The warehouse stores counts as BIGINT; a larger "count" is a typo or garbage, and must
# set its row aside rather than fail the whole report when it is stored.
_MAX_COUNT = 2**63 - 1


@dataclass(frozen=True)
class _Count:
    value: int | None = None
    problem: str | None = None  # set when the cell cannot be a count
    numeric: bool = False  # the cell held a number, even a bad one


def _parse_count(raw: Any) -> _Count:
    if raw is None:
        return _Count()
    if isinstance(raw, bool):
        return _Count(problem=f"is not a number ({raw})")
    number: int | float | None = None
    if isinstance(raw, (int, float)):
        number = raw
    elif isinstance(raw, str):
        text = _clean(raw).replace("\u00a0", "")
        if text in _BLANK_MARKS:
            # Vietnamese forms write "-" for "nothing here"; it is a blank, not text.
            return _Count()
        digits = re.sub(r"[.,\s-]", "", text)
        if (_INTEGER.match(text) or _THOUSANDS.match(text)) and len(digits) > 19:
            # before int(): Python refuses to convert text of thousands of digits
            return _Count(problem=f"is too large to be a count (a number of {len(digits)} digits)", numeric=True)
        if _INTEGER.match(text):
            number = int(text)
        elif _THOUSANDS.match(text):
            # "1.234" is Vietnamese for 1234; "1,234" and "1 234" are met too.
            number = int(re.sub(r"[.,\s]", "", text))
        else:
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                return _Count(problem=f"is not a number ({text!r})")
    else:
        return _Count(problem=f"is not a number ({_clean(raw)!r})")
    if isinstance(number, float) and not number.is_integer():  # NaN and infinity too
        return _Count(problem=f"is not a whole number ({_shown(raw)})", numeric=True)
    number = int(number)
    if number > _MAX_COUNT:
        return _Count(problem=f"is too large to be a count ({_shown(raw)})", numeric=True)
    if number < 0:
        return _Count(problem=f"is negative ({number})", numeric=True)
    return _Count(value=number, numeric=True)


def _shown(value: Any) -> str:
    # a value of thousands of digits would make the reason unreadable
    text = str(value) if not isinstance(value, int) or value < 10**40 else "more than 40 digits"
    return text if len(text) <= 60 else text[:57] + "..."


def _violations(counts: dict[int, int | None]) -> tuple[str, ...]:
    def v(column: int) -> int:
        return counts.get(column) or 0

    found = []
    for target, parts in _IDENTITIES:
        expected = sum(v(p) for p in parts)
        if v(target) != expected:
            rhs = "+".join(f"({p})" for p in parts)
            found.append(f"({target}) ≠ {rhs}: {v(target)} ≠ {expected}")
    return tuple(found)


def _total_mismatches(total: Form06aRow, rows: Sequence[Form06aRow]) -> tuple[str, ...]:
    found = []
    for column in COUNT_COLUMNS:
        summed = sum(row.counts[column] or 0 for row in rows)
        stated = total.counts[column]
        if (stated or 0) != summed:
            shown = "blank" if stated is None else str(stated)
            found.append(f"({column}): total {shown} ≠ sum of rows {summed}")
    return tuple(found)


# ---------------------------------------------------------------------- rows

_TOTAL = re.compile(r"^(tong cong|tong so|tong)\b(?!\s*hop)")
_HEADING_MARK = re.compile(r"^(?:[ivxlc]+|[a-z])\s*[.)]?$")
_FOOTER = re.compile(
    r"nguoi lap bieu|thu truong|ghi chu|ky,? ghi ro|"
    r"\bngay\b.*\bthang\b.*\bnam\b"
)


def _is_total(*texts: str) -> bool:
    return any(_TOTAL.match(_fold(text).strip(" .:")) for text in texts if text)


def _open(path: Path, *, data_only: bool = True) -> openpyxl.Workbook:
    try:
        # A file object, not a name: openpyxl refuses names not ending in .xlsx,
        # and uploads arrive under temporary names.
        with path.open("rb") as stream:
            return openpyxl.load_workbook(stream, data_only=data_only)
    except OSError as exc:
        raise Form06aError(f"the file {path.name} cannot be opened ({exc.strerror})") from exc
    except Exception as exc:  # openpyxl raises whatever the zip/XML layer raises
        reason = "not an XLSX workbook" if isinstance(exc, zipfile.BadZipFile) else "a damaged XLSX workbook"
        raise Form06aError(f"the file {path.name} is {reason} and cannot be read") from exc


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (an `<f>` element)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as part:
                    tail = b""
                    while chunk := part.read(1 << 20):
                        if re.search(rb"<(?:\w+:)?f[ >/]", tail + chunk):
                            return True
                        tail = chunk[-16:]
    return False


class _Sheet:
    """Cell values of one worksheet, with merged ranges resolved for labels."""

    def __init__(self, ws: Any, path: Path) -> None:
        self._ws = ws
        self._path = path
        self._formulas: Any = None
        width = min(ws.max_column or 1, _MAX_COLUMNS)
        self.rows: list[tuple[Any, ...]] = [
            tuple(row) for row in ws.iter_rows(min_row=1, max_col=width, values_only=True)
        ]
        # cell -> the top-left cell of its merge, built once: looking it up for every row
        # of a 200,000-row form walked every merged range each time.
        self._merged: dict[tuple[int, int], tuple[int, int]] = {}
        for r in ws.merged_cells.ranges:
            if (r.max_row - r.min_row + 1) * (r.max_col - r.min_col + 1) > 100_000:
                continue  # a whole-column merge says nothing about a label
            for line in range(r.min_row, r.max_row + 1):
                for column in range(r.min_col, r.max_col + 1):
                    self._merged[(line, column)] = (r.min_row, r.min_col)
        self._has_formulas: bool | None = None

    def value(self, line: int, column: int) -> Any:
        row = self.rows[line - 1] if 0 < line <= len(self.rows) else ()
        return row[column - 1] if 0 < column <= len(row) else None

    def resolved(self, line: int, column: int) -> Any:
        # Only the top-left cell of a merge holds the text ("Tổng cộng" across STT
        # and label, a header spanning two rows).
        return self.value(*self._merged.get((line, column), (line, column)))

    def bold(self, line: int, column: int) -> bool:
        return bool(self._ws.cell(line, column).font.b)

    def unsaved_formula(self, line: int, column: int) -> bool:
        # data_only reads a formula's saved result; a file written by a library
        # that never computed it reads as blank, which would silently be 0.
        if self._has_formulas is None:
            # Opening the workbook again costs as much as the first time: only when it has a formula at all.
            self._has_formulas = _has_formulas(self._path)
        if not self._has_formulas:
            return False
        if self._formulas is None:
            self._formulas = _open(self._path, data_only=False).worksheets[0]
        value = self._formulas.cell(line, column).value
        return isinstance(value, str) and value.startswith("=")


def _row_kind(sheet: _Sheet, header_line: int, label_column: int) -> str:
    for line in range(header_line - 1, max(0, header_line - 5), -1):
        text = _fold(_clean(sheet.resolved(line, label_column)))
        if "don vi tinh" in text or "bao cao" in text:
            break  # the title block: the header is below it
        if "linh vuc" in text:
            return "field"
        if "don vi" in text:
            return "unit"
    return "field"  # the form's default wording


def parse_form06a(path: Path) -> Form06aReport:
    """Read a form 06a XLSX; raise `Form06aError` when it cannot be one."""
    path = Path(path)
    workbook = _open(path)
    try:
        sheet = _Sheet(workbook.worksheets[0], path)
    finally:
        workbook.close()
    numbering = _find_numbering(sheet.rows)
    if numbering is None:
        raise Form06aError("no header row numbering the columns (1) to (13) was found")
    header_line, columns = numbering
    above = sheet.rows[: header_line - 1]
    period_start, period_end = _find_period(above)
    reporting_unit = _find_unit(above, _REPORTING)
    if reporting_unit is None:
        raise Form06aError("no 'Đơn vị báo cáo:' line naming the reporting unit was found")

    rows: list[Form06aRow] = []
    rejected: list[tuple[int, str]] = []
    total: Form06aRow | None = None
    seen_data = False
    after_blank = False
    blank_run = 0
    for line in range(header_line + 1, len(sheet.rows) + 1):
        values = sheet.rows[line - 1]
        texts = [_clean(v) for v in values]
        if not any(texts):
            after_blank = True
            blank_run += 1
            if blank_run > _MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        number = _clean(sheet.resolved(line, columns[1]))
        label = _clean(sheet.resolved(line, columns[2]))
        parsed = {c: _parse_count(sheet.value(line, columns[c])) for c in COUNT_COLUMNS}
        has_numbers = any(p.numeric for p in parsed.values())
        heading_mark = bool(_HEADING_MARK.match(_fold(number)))
        if not has_numbers and any(_FOOTER.search(_fold(t)) for t in texts):
            break
        if not has_numbers and seen_data and after_blank and not heading_mark:
            break  # blank rows, then text: the signature block
        after_blank = False
        is_total = _is_total(number, label)

        if all(p.value is None and p.problem is None for p in parsed.values()) and not is_total:
            if heading_mark or not (number or label) or label.isupper() or sheet.bold(line, columns[2]):
                continue  # section heading ("I", "A", bold or upper-case text)

        problems = []
        for column, count in parsed.items():
            if count.problem is None and count.value is None and sheet.value(line, columns[column]) is None:
                if sheet.unsaved_formula(line, columns[column]):
                    problems.append(f"column ({column}) holds a formula with no saved result")
            elif count.problem is not None:
                problems.append(f"column ({column}) {count.problem}")
        seen_data = True
        if problems:
            rejected.append((line, "; ".join(problems)))
            continue

        counts = {column: parsed[column].value for column in COUNT_COLUMNS}
        row = Form06aRow(
            line=line, label=(label or number) if is_total else label, counts=counts, violations=_violations(counts)
        )
        if not is_total:
            rows.append(row)
        elif total is None:
            total = row
        else:
            rejected.append((line, "a second total row; only the first one is checked"))

    return Form06aReport(
        reporting_unit=reporting_unit,
        receiving_unit=_find_unit(above, _RECEIVING),
        period_start=period_start,
        period_end=period_end,
        row_kind=_row_kind(sheet, header_line, columns[2]),
        rows=tuple(rows),
        total=total,
        total_mismatches=_total_mismatches(total, rows) if total is not None else (),
        rejected=tuple(rejected),
    )


def looks_like_form06a(path: Path) -> bool:
    """Cheap guess for kind detection: the first sheet of an XLSX carries the
    column-numbering row, or the 06a title (or form code) with "Đơn vị báo cáo"."""
    path = Path(path)
    try:
        if not zipfile.is_zipfile(path):
            return False
        # read_only streams the sheet, so the stream must stay open while we read.
        with path.open("rb") as stream:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
            try:
                ws = workbook.worksheets[0]
                head = [
                    tuple(row) for row in ws.iter_rows(min_row=1, max_row=60, max_col=_MAX_COLUMNS, values_only=True)
                ]
            finally:
                workbook.close()
    except Exception:  # any unreadable file is simply "not a 06a"
        return False
    if _find_numbering(head) is not None:
        return True
    text = _fold(" ".join(line for row in head for value in row for line in _lines(value)))
    return bool(_REPORTING.search(text)) and bool(_TITLE.search(text) or _FORM_CODE.search(text))
