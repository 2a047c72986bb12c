"""`ingest load`: export files into the warehouse, each in its own transaction.

For each file: archive it as received (personal-data columns removed), read it, detect
its kind, validate every row inside DuckDB, upsert the good rows (the row received last
wins), quarantine the others with their reason and line. A file that cannot be read
changes nothing; a file already loaded (same bytes) is skipped. One publish at the end,
whenever the database holds a file no snapshot has (this run's, or an interrupted one's).

What is stored of a quarantined row: its contract columns' values and the names of its
other columns, never their values (no list of personal-data names is complete; DESIGN §3).

Whatever goes wrong inside one file (even an error nobody foresaw) ends as that file's
one-line error: its transaction is rolled back and the other files load and publish.
"""

from __future__ import annotations

import difflib
import hashlib
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ingest.contract import TABULAR_KINDS, ColumnMapping, Kind, detect_kind, map_columns
from ingest.errors import IngestError, MissingColumns, UnrecognisedExport
from ingest.form06a import Form06aError, looks_like_form06a
from ingest.form06a_load import load_form06a, lost_to_a_report_with_no_row
from ingest.readers import read_into_batch, release_batch, sniff_container
from warehouse.catchup import unpublished
from warehouse.crashpoints import crash_point
from warehouse.errors import WarehouseError
from warehouse.models import SQL_DIR
from warehouse.paths import WarehousePaths
from warehouse.publish import LOCAL, PublishedSnapshot, publish
from warehouse.writer import open_writer

RAW_TABLES = {kind.name: f"raw_{kind.name}" for kind in TABULAR_KINDS}


@dataclass
class FileReport:
    path: Path
    kind: str | None = None
    rows_loaded: int = 0
    rows_quarantined: int = 0
    reasons: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    archived: Path | None = None
    error: str | None = None
    already_loaded: bool = False

    def lines(self) -> list[str]:
        name = self.path.name
        if self.error:
            return [f"{name}: not loaded: {self.error}"]
        if self.already_loaded:
            return [f"{name}: already loaded (same content); nothing changed"]
        out = [f"{name}: {self.kind}: {self.rows_loaded:,} rows loaded, {self.rows_quarantined:,} quarantined"]
        if self.rows_loaded == 0:  # no good row: whatever was loaded before stays as it was
            out[0] += "; no good row, nothing changed"
        # a reason quotes the value: one of thousands of digits must not flood the terminal
        out += [f"  quarantined {count:,} × {_short(reason)}" for reason, count in self.reasons]
        out += [f"  note: {note}" for note in self.notes]
        if self.archived:
            out.append(f"  archived as {self.archived.name}")
        return out


@dataclass
class LoadResult:
    files: list[FileReport]
    snapshot: PublishedSnapshot | None

    @property
    def all_read(self) -> bool:
        return all(report.error is None for report in self.files)


def load_paths(paths: WarehousePaths, files: list[Path], source: str = "file") -> LoadResult:
    with open_writer(paths) as con:
        reports = [load_file(con, paths, path, source) for path in files]
        # Decided by the data, not by the reports: "already loaded" never hides rows.
        changed = unpublished(con, paths)
        snapshot = publish(con, paths) if changed or not paths.current_pointer.exists() else None
    return LoadResult(reports, snapshot)


def load_file(
    con: duckdb.DuckDBPyConnection,
    paths: WarehousePaths,
    path: Path,
    source: str = "file",
    clock: datetime | None = None,
) -> FileReport:
    """`clock`: the portal's time when pulled (dates later than it plus a day are quarantined); now for a file."""
    report = FileReport(path)
    clock = clock.astimezone(LOCAL).replace(tzinfo=None) if clock and clock.tzinfo else clock
    con.execute(
        f"set variable ingest_clock = timestamp '{(clock or datetime.now(LOCAL).replace(tzinfo=None)).isoformat(sep=' ')}'"
    )
    try:
        if not path.is_file():
            raise IngestError("no such file")
        digest = _sha256(path)
        if _already_loaded(con, path, digest):
            report.already_loaded = True
            return report
        con.begin()
        try:
            file_id = con.execute("select nextval('ingest_file_seq')").fetchone()[0]
            _load_contents(con, paths, path, file_id, report)
            _record_file(con, file_id, source, path, digest, report)
            crash_point("load:before-commit")
            con.commit()
        except BaseException:
            con.rollback()
            raise
    except IngestError as error:
        report.error = str(error)
    except Form06aError as error:
        report.error = str(error)
    except WarehouseError as error:  # its message is written for a user
        report.error = str(error)
        _discard_archive(report)
    except Exception as error:  # noqa: BLE001 - the last resort: a bug must not cost the other files
        # Only the error's type: its text may quote a value of the file, and this message
        # is stored (a pull's run) and shown.
        report.error = (
            f"an unexpected error ({type(error).__name__}) stopped it; nothing of it was stored "
            "(please send the file to the maintainers)"
        )
        _discard_archive(report)
    return report


def _already_loaded(con: duckdb.DuckDBPyConnection, path: Path, digest: str) -> bool:
    last = con.execute(
        "select file_id, kind from ingest_files where sha256 = ? and kind is not null order by file_id desc limit 1",
        [digest],
    ).fetchall()
    if not last:
        return False
    [(file_id, kind)] = last
    # A good form 06a wiped by a re-send with no good row (before that was fixed) loads again.
    return not (kind == "form06a" and lost_to_a_report_with_no_row(con, path, file_id))


def _discard_archive(report: FileReport) -> None:
    # The file was not recorded in ingest_files: an archived copy would belong to nothing.
    if report.archived is not None:
        report.archived.unlink(missing_ok=True)
        report.archived = None


def _load_contents(
    con: duckdb.DuckDBPyConnection, paths: WarehousePaths, path: Path, file_id: int, report: FileReport
) -> None:
    container = sniff_container(path)
    if container == "xlsx" and looks_like_form06a(path):
        report.kind = "form06a"
        report.archived = _archive(paths, path, file_id)
        loaded = load_form06a(con, path, file_id)
        report.rows_loaded, report.rows_quarantined = loaded.rows_loaded, loaded.rows_quarantined
        report.reasons, report.notes = loaded.reasons, report.notes + loaded.notes
        return

    read = read_into_batch(con, path)
    report.notes += read.notes
    kind = detect_kind(read.columns)
    if kind is None:
        kinds = [kind.label for kind in TABULAR_KINDS]
        raise UnrecognisedExport(
            f"it is not a portal export: none of the columns of {', '.join(kinds[:-1])} or {kinds[-1]} were found "
            f"(columns: {', '.join(read.columns[:12])})"
        )
    report.kind = kind.name
    mapping = map_columns(kind, read.columns)
    if mapping.missing:
        raise MissingColumns(_missing_message(kind, mapping.missing, list(mapping.extra)))
    if read.rows == 0 and not read.unparsable:
        report.notes.append("the file holds a header but no rows")
    if mapping.personal:
        report.notes.append(f"dropped personal-data columns: {', '.join(mapping.personal)}")
    if mapping.extra and not kind.keeps_other_columns:
        report.notes.append(
            f"dropped columns outside the contract (a {kind.name} export keeps none): {', '.join(mapping.extra)}"
        )
    report.archived = _archive(paths, path, file_id, con if mapping.dropped else None, mapping.dropped)

    _create_mapped_view(con, kind, mapping.contract_to_file, list(mapping.kept_extra))
    con.execute((SQL_DIR / "ingest" / f"validate_{kind.name}.sql").read_text(encoding="utf-8"))
    con.execute(_mark_duplicates_sql(kind))
    kept_stored = _upsert(con, kind, file_id)
    if kept_stored:
        report.notes.append(
            f"{kept_stored:,} row(s) older by {kind.latest_by} than the version already loaded: that one is kept"
        )
    _quarantine(con, kind, file_id, mapping, read.unparsable)

    report.rows_loaded = con.execute("select count(*) from validated where _reason is null").fetchone()[0]
    reasons = con.execute(
        "select _reason, count(*) from validated where _reason is not null group by 1 order by 2 desc, 1"
    ).fetchall()
    reasons += [(reason, 1) for _, reason, _ in read.unparsable]
    report.rows_quarantined = sum(count for _, count in reasons)
    report.reasons = sorted(reasons, key=lambda item: -item[1])[:8]
    con.execute("drop view mapped")
    con.execute("drop table validated")
    release_batch(con)


def _create_mapped_view(
    con: duckdb.DuckDBPyConnection, kind: Kind, contract_to_file: dict[str, str], extra: list[str]
) -> None:
    select = ["_line"]
    for column in kind.columns:
        if column in contract_to_file:
            select.append(f"{_ident(contract_to_file[column])} as {column}")
            select.append(f"true as _has_{column}")
        else:
            select.append(f"null::varchar as {column}")
            select.append(f"false as _has_{column}")
    if extra:
        pairs = ", ".join(f"{_literal(name)}, {_ident(name)}" for name in extra)
        select.append(f"json_object({pairs}) as _extra")
    else:
        select.append("null::json as _extra")
    con.execute(f"create or replace temp view mapped as select {', '.join(select)} from batch")


def _mark_duplicates_sql(kind: Kind) -> str:
    """mark_duplicates.sql for this kind: its key, and which of a key's rows is its latest."""
    key = ", ".join(kind.key_columns)
    if kind.identity:
        key_text = f"'the key (' || concat_ws(', ', {key}) || ')'"
    else:
        key_text = f"'{kind.key} ' || {kind.key}"
    latest = f"{kind.latest_by} desc, _line desc" if kind.latest_by else "_line desc"
    winner = f"row with the latest {kind.latest_by}" if kind.latest_by else "later row"
    template = (SQL_DIR / "ingest" / "mark_duplicates.sql").read_text(encoding="utf-8")
    return (
        template.replace("{key_text}", key_text)
        .replace("{key}", key)
        .replace("{latest}", latest)
        .replace("{winner}", winner)
    )


def _upsert(con: duckdb.DuckDBPyConnection, kind: Kind, file_id: int) -> int:
    """Good rows replace the stored version of their key; returns how many were older than it (kept stored)."""
    table = RAW_TABLES[kind.name]
    columns = ", ".join(kind.columns)
    key = ", ".join(kind.key_columns)
    incoming = "validated where _reason is null"
    kept_stored = 0
    has_rows = con.execute(f"select exists (select 1 from {table})").fetchone()[0]
    if has_rows and kind.latest_by:
        # The stored version stays when it is later than the file's (equal: the later load wins).
        con.execute(
            f"""
            create or replace temp table incoming as
            select * from validated as v
            where _reason is null and not exists (
                select 1 from {table} as stored
                where stored.{kind.key} = v.{kind.key} and stored.{kind.latest_by} > v.{kind.latest_by}
            )
            """
        )
        kept_stored = con.execute(
            "select (select count(*) from validated where _reason is null) - (select count(*) from incoming)"
        ).fetchone()[0]
        incoming = "incoming"
    if has_rows:
        con.execute(f"delete from {table} where ({key}) in (select {key} from {incoming})")
    con.execute(
        f"insert into {table} ({columns}, _extra, _file_id, _line) select {columns}, _extra, ?, _line from {incoming}",
        [file_id],
    )
    con.execute("drop table if exists incoming")
    return kept_stored


def _quarantine(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    file_id: int,
    mapping: ColumnMapping,
    unparsable: list[tuple[int, str, str]],
) -> None:
    """The record of a bad row: its contract columns (under the file's names) and the names of the others."""
    pairs = [f"{_literal(name)}, {_ident(name)}" for name in mapping.contract_to_file.values()]
    if mapping.extra:
        names = ", ".join(_literal(name) for name in mapping.extra)
        pairs.append(f"'_other_columns', [{names}]")
    con.execute(
        f"""
        insert into quarantine
        select ?, ?, validated._line, validated._reason, record
        from validated
        inner join (select _line, json_object({", ".join(pairs)}) as record from batch) as kept
            on kept._line = validated._line
        where validated._reason is not null
        """,
        [file_id, kind.name],
    )
    # A line that could not be split cannot be cut into columns either: its text is kept
    # only when every column of the file is the contract's.
    keep_text = not mapping.extra and not mapping.personal
    for line, reason, raw in unparsable:
        con.execute(
            "insert into quarantine values (?, ?, ?, ?, to_json(?::varchar))",
            [file_id, kind.name, line, reason, raw if keep_text else None],
        )


def _record_file(
    con: duckdb.DuckDBPyConnection, file_id: int, source: str, path: Path, digest: str, report: FileReport
) -> None:
    con.execute(
        "insert into ingest_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file_id,
            source,
            path.name,
            digest,
            report.kind,
            str(report.archived) if report.archived else None,
            datetime.now(LOCAL).replace(tzinfo=None),
            report.rows_loaded,
            report.rows_quarantined,
            "; ".join(report.notes) or None,
        ],
    )


def _archive(
    paths: WarehousePaths,
    path: Path,
    file_id: int,
    con: duckdb.DuckDBPyConnection | None = None,
    personal: tuple[str, ...] = (),
) -> Path:
    folder = paths.archive / datetime.now(LOCAL).strftime("%Y-%m-%d")
    folder.mkdir(parents=True, exist_ok=True)
    if con is not None and personal:
        # Personal data is never stored: what is archived is the file without those columns.
        target = folder / f"{file_id:06d}-{path.stem}.redacted.csv"
        excluded = ", ".join(_ident(c) for c in list(personal) + ["_line"])
        con.execute(
            f"copy (select * exclude ({excluded}) from batch order by _line) to '{_escape_path(target)}' (header)"
        )
        return target
    target = folder / f"{file_id:06d}-{path.name}"
    shutil.copyfile(path, target)
    return target


def _missing_message(kind: Kind, missing: tuple[str, ...], unknown: list[str]) -> str:
    parts = []
    for column in missing:
        close = difflib.get_close_matches(column, unknown, n=1, cutoff=0.5)
        parts.append(f"{column} (found '{close[0]}' instead?)" if close else column)
    article = "an" if kind.name[0] in "aeiou" else "a"
    return f"{article} {kind.name} export must have the column(s) {', '.join(parts)}"


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _escape_path(path: Path) -> str:
    return str(path).replace("'", "''")
