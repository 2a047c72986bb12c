"""Reading an export file into DuckDB as text, whatever its container and encoding.

Every reader leaves a temporary table `batch` in the given connection: the file's own
columns, all VARCHAR, plus `_line` (the row's line in the file, header = 1; for JSON,
the record's position). Rows DuckDB's CSV parser could not split are returned apart,
so they can be quarantined while the rest loads.

A file's column whose name the loader uses itself (anything starting with "_", such as
`_line`, unless it is a contract column's; DuckDB's `rowid`), or that repeats another
one but for case, is kept under a safe name (`file_line`), said in a note: the data is
kept, the loader's columns stay its own.
"""

from __future__ import annotations

import codecs
import json
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from ingest.contract import TABULAR_KINDS
from ingest.encoding import detect_encoding
from ingest.errors import UnreadableFile
from ingest.names import normalize_column

SNIFF_BYTES = 1 << 16
CHUNK = 1 << 20
# An encrypted (password-protected) XLSX is an OLE compound file holding this stream.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
CONTRACT_NAMES = {normalize_column(c) for kind in TABULAR_KINDS for c in kind.columns}
JSON_RECORD_KEYS = ("data", "items", "records", "results", "rows", "value", "dossiers", "hoso")


@dataclass
class ReadResult:
    container: str  # csv | xlsx | json
    columns: list[str]
    rows: int
    notes: list[str] = field(default_factory=list)
    unparsable: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, raw text)


def sniff_container(path: Path) -> str:
    head = path.read_bytes()[:SNIFF_BYTES] if path.stat().st_size < SNIFF_BYTES else _head(path)
    if not head.strip():
        raise UnreadableFile("the file is empty")
    if head.startswith(b"%PDF"):
        raise UnreadableFile("it is a PDF document, not a data export")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith((b"\xd0\xcf\x11\xe0",)):
        if _contains(path, ENCRYPTED_PACKAGE):
            raise UnreadableFile(
                "it is a password-protected (encrypted) Excel workbook: open it in Excel, remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password) and save it again"
            )
        raise UnreadableFile("it is an old binary Excel (.xls) workbook: save it as .xlsx or CSV")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"[", b"{"):
        return "json"
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile("it is a binary file, not a CSV, XLSX or JSON export")
    return "csv"


def read_into_batch(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    container = sniff_container(path)
    _drop_batch(con)
    if container == "csv":
        return _read_csv(con, path)
    if container == "xlsx":
        return _read_xlsx(con, path)
    return _read_json(con, path)


def _head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(SNIFF_BYTES)


def _contains(path: Path, needle: bytes) -> bool:
    """Whether the file holds these bytes anywhere (read in chunks that overlap by the needle's length)."""
    tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False


def safe_names(columns: Iterable[str]) -> dict[str, str]:
    """{file's name: safe name} for the columns that must be renamed (see the module's docstring)."""
    columns = list(columns)
    taken = {c.lower() for c in columns}
    seen: set[str] = set()
    renamed: dict[str, str] = {}
    for column in columns:
        lower = column.lower()
        # "_MaHoSo" is still the contract's column, however odd its spelling
        loaders = lower.startswith("_") and normalize_column(column) not in CONTRACT_NAMES
        if loaders or lower == "rowid" or lower in seen:
            base = "file" + column if column.startswith("_") else "file_" + column
            safe, number = base, 2
            while safe.lower() in taken:
                safe, number = f"{base}_{number}", number + 1
            taken.add(safe.lower())
            renamed[column] = safe
        seen.add(lower)
    return renamed


def _renamed_note(renamed: dict[str, str]) -> list[str]:
    if not renamed:
        return []
    pairs = ", ".join(f"'{old}' as '{new}'" for old, new in renamed.items())
    return [f"column(s) whose name the loader uses itself, or repeated, kept under another name: {pairs}"]


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    notes: list[str] = []
    source, encoding_note, cleanup = _as_utf8(path)
    if encoding_note:
        notes.append(encoding_note)
    try:
        # The reject tables outlive a scan, and a scan without errors adds no row to them:
        # without emptying them, a clean file would take the previous file's bad lines.
        con.execute("drop table if exists reject_errors; drop table if exists reject_scans")
        con.execute(
            """
            create or replace temp table batch_text as
            select * from read_csv(?, all_varchar = true, header = true, store_rejects = true,
                                   rejects_limit = 0, null_padding = false)
            """,
            [str(source)],
        )
        rejects = con.execute(
            "select line, error_type || ': ' || error_message, csv_line from reject_errors order by line"
        ).fetchall()
    except duckdb.Error as error:
        raise UnreadableFile(f"it cannot be read as CSV ({str(error).splitlines()[0]})") from None
    finally:
        if cleanup:
            source.unlink(missing_ok=True)
    columns = [row[0] for row in con.execute("select column_name from (describe batch_text)").fetchall()]
    renamed = safe_names(columns)
    for old, new in renamed.items():
        con.execute(f'alter table batch_text rename column "{_quote(old)}" to "{_quote(new)}"')
    columns = [renamed.get(c, c) for c in columns]
    notes += _renamed_note(renamed)
    # rowid follows the file's order (header = line 1). Inside a transaction a new table's
    # rowids start at a large offset, hence the minimum. Rewriting a column of millions of
    # rows is costly, so the common case is a view; only rejected lines need a rewrite.
    first_rowid = con.execute("select coalesce(min(rowid), 0) from batch_text").fetchone()[0]
    line = f"rowid - {int(first_rowid)} + 2"
    if not rejects:
        con.execute(f"create or replace temp view batch as select *, {line} as _line from batch_text")
    else:
        con.execute(f"create or replace temp table batch as select *, {line} as _line from batch_text")
        # Each line the parser rejected pushes the rows after it one line further down.
        for line in sorted({int(line) for line, _, _ in rejects}):  # a line may be reported twice
            con.execute("update batch set _line = _line + 1 where _line >= ?", [line])
    rows = con.execute("select count(*) from batch").fetchone()[0]
    unparsable = _unparsable(rejects)
    return ReadResult("csv", columns, rows, notes, unparsable)


def _unparsable(rejects: list[tuple]) -> list[tuple[int, str, str]]:
    """One (line, reason, text) per rejected line: DuckDB may report a line once per error in it."""
    by_line: dict[int, tuple[str, str]] = {}
    for line, reason, raw in rejects:
        if int(line) in by_line:
            continue
        if reason.startswith("INVALID ENCODING"):
            by_line[int(line)] = ("the line is not valid text in the file's encoding (UTF-8)", raw)
        else:
            by_line[int(line)] = (f"the line cannot be split into the header's columns ({reason})", raw)
    return [(line, reason, raw) for line, (reason, raw) in sorted(by_line.items())]


def _as_utf8(path: Path) -> tuple[Path, str | None, bool]:
    """The file itself if it is UTF-8 (with or without BOM), else a UTF-8 copy of it."""
    encoding = detect_encoding(path)
    if encoding.name == "utf-8":
        return path, None, False
    return _transcode(path, encoding.name), encoding.note, True


def _transcode(path: Path, encoding: str) -> Path:
    out = Path(tempfile.mkstemp(suffix=".csv", prefix="ioc-ingest-")[1])
    # Windows-1258 writes Vietnamese with combining accents; NFC makes "Đại Từ" compare
    # equal to the same name typed anywhere else. Line by line, so no character is split.
    try:
        with open(path, encoding=encoding, newline="") as src, open(out, "w", encoding="utf-8", newline="") as dst:
            for line in src:
                dst.write(unicodedata.normalize("NFC", line))
    except UnicodeError as error:
        # Windows-1258 leaves a few bytes undefined (0x81, 0x8A, 0x90...): such a file is
        # neither UTF-8 nor Windows-1258, and guessing would store garbled names.
        out.unlink(missing_ok=True)
        name = {"cp1258": "Windows-1258", "utf-16": "UTF-16"}.get(encoding, encoding)
        raise UnreadableFile(
            f"it is neither UTF-8 nor {name} text (byte {error.object[error.start : error.start + 1].hex(' ')} "
            f"at position {error.start:,} of a block): save it as UTF-8"
        ) from None
    return out


def _read_xlsx(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    try:
        frame = pl.read_excel(path, engine="calamine", infer_schema_length=0)
    except Exception as error:  # calamine raises its own types for corrupt or foreign zips
        raise UnreadableFile(f"it cannot be read as an XLSX workbook ({str(error).splitlines()[0][:160]})") from None
    frame = frame.select(pl.all().cast(pl.String))
    return _register(con, frame, "xlsx", first_line=2)


def _read_json(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    try:
        # Numbers stay the text they were written as: a number of any size is then a value
        # that does not fit (its row quarantined), never an error of the whole file.
        document = json.loads(path.read_bytes().decode("utf-8-sig"), parse_int=str, parse_float=str, parse_constant=str)
        records = _find_records(document)
        if records is None:
            raise UnreadableFile("the JSON holds no list of records (expected a list, or an object holding one)")
        columns: dict[str, None] = {}
        for record in records:
            columns.update(dict.fromkeys(record))
        values = {name: [_as_text(record.get(name)) for record in records] for name in columns}
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableFile(f"it is not valid JSON ({error})") from None
    except RecursionError:
        raise UnreadableFile("its JSON is nested too deeply (hundreds of levels) to be an export of records") from None
    frame = pl.DataFrame(values, schema={name: pl.String for name in columns})
    return _register(con, frame, "json", first_line=1)


def _find_records(document: object) -> list[dict] | None:
    if isinstance(document, list):
        return document if all(isinstance(item, dict) for item in document) else None
    if isinstance(document, dict):
        for key in JSON_RECORD_KEYS:
            if isinstance(document.get(key), list):
                return _find_records(document[key])
        for value in document.values():
            if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
                return value
    return None


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _register(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, container: str, first_line: int) -> ReadResult:
    renamed = safe_names(frame.columns)
    columns = [renamed.get(c, c) for c in frame.columns]
    frame = (
        frame.rename(renamed).with_row_index("_line", offset=first_line).with_columns(pl.col("_line").cast(pl.Int64))
    )
    con.register("batch_frame", frame)
    con.execute("create or replace temp table batch as select * from batch_frame")
    con.unregister("batch_frame")
    return ReadResult(container, columns, frame.height, _renamed_note(renamed))


def release_batch(con: duckdb.DuckDBPyConnection) -> None:
    """Frees the file's rows once loaded, so a many-file load holds one file at a time."""
    _drop_batch(con)
    con.execute("drop table if exists batch_text")


def _quote(name: str) -> str:
    return name.replace('"', '""')


def _drop_batch(con: duckdb.DuckDBPyConnection) -> None:
    # `batch` is a view over the CSV's text table, or a table of its own: drop either.
    for (kind,) in con.execute(
        "select table_type from information_schema.tables where table_catalog = 'temp' and table_name = 'batch'"
    ).fetchall():
        con.execute("drop view batch" if kind == "VIEW" else "drop table batch")
