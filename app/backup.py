"""Backups: every table's rows in one portable file, and restoring one into an empty database.

The file is gzip'd JSON lines, the same on SQLite and PostgreSQL:

    {"format": "youth-consultation-backup", "version": 1, "revision": "...", ...}   header
    {"table": "users", "columns": ["id", "username", ...]}                          each table
    [1, "river_otter", ...]                                                         each row
    {"end": {"users": 1, ...}}                                                      row counts

Dates and times are ISO 8601 text (times in UTC with their offset), JSON columns are nested
JSON, booleans are true/false, enums are their stored values. The row counts at the end let a
restore tell a whole file from a cut-off one.
"""

import gzip
import io
import json
import os
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

from app.extensions import db

FORMAT = "youth-consultation-backup"
FORMAT_VERSION = 1
# Rows read, held and inserted at a time: enough to be quick, few enough that a borough's
# million votes never sit in memory at once.
BATCH_SIZE = 5000
UPGRADE_HINT = "Restore into an empty database made with `flask db upgrade` at that revision."


class BackupError(Exception):
    """A backup or restore was refused or failed; the message says why, nothing was changed."""


@dataclass
class Summary:
    """What a backup or restore handled: row counts per table, the file's size and the time."""

    rows: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        """One line for the person at the terminal."""
        total = sum(self.rows.values())
        return (
            f"{len(self.rows)} tables, {total:,} rows, {self.bytes:,} bytes, "
            f"{self.seconds:.1f} seconds"
        )


def write_backup(path: Path, force: bool = False) -> Summary:
    """Write every table's rows to `path`, atomically; an existing file needs `force`."""
    if path.exists() and not force:
        raise BackupError(f"{path} already exists; use --force to replace it.")
    started = time.monotonic()
    summary = Summary()
    # Beside the target, so the final rename stays on one filesystem and is atomic.
    temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        # Readable by the owner only: the file holds every account's data.
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(descriptor, "wb") as raw:
            compressed = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6)
            with io.TextIOWrapper(compressed, encoding="utf-8") as out, _snapshot() as connection:
                _write_tables(connection, out, summary)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temp, path)
    except OSError as error:
        raise BackupError(f"Cannot write {path}: {error.strerror or error}.") from error
    finally:
        temp.unlink(missing_ok=True)
    summary.bytes = path.stat().st_size
    summary.seconds = time.monotonic() - started
    return summary


def _write_tables(connection: Connection, out: io.TextIOWrapper, summary: Summary) -> None:
    """Write the header, then each table's columns and rows, then the row counts."""
    revision = _revision(connection)
    if not revision:
        raise BackupError(
            "The database has no Alembic revision (table alembic_version); "
            "run `flask db upgrade` (or `flask db stamp`) first."
        )
    header = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "revision": revision,
        "created_at": datetime.now().astimezone().isoformat(),
        "database": connection.dialect.name,
    }
    _write_line(out, header)
    for table in db.metadata.sorted_tables:
        _write_line(out, {"table": table.name, "columns": [c.name for c in table.columns]})
        count = 0
        for row in _rows(connection, table):
            _write_line(out, list(row))
            count += 1
        summary.rows[table.name] = count
    _write_line(out, {"end": summary.rows})


@contextmanager
def _snapshot() -> Iterator[Connection]:
    """A read-only connection that sees every table as of one moment."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        else:
            # The SQLite driver only opens transactions for writes; one read transaction keeps
            # all tables at the same moment (writers wait until the backup is done).
            connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()


def _rows(connection: Connection, table: sa.Table) -> Iterator[sa.Row]:
    """A table's rows in primary-key order (parents before children), read in batches."""
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(yield_per=BATCH_SIZE).execute(
        sa.select(table).order_by(*order)
    )
    yield from result


def _revision(connection: Connection) -> str:
    """The database's Alembic revision ("" when it has none)."""
    return ",".join(sorted(MigrationContext.configure(connection).get_current_heads()))


def _write_line(out: io.TextIOWrapper, value: Any) -> None:
    """One JSON value on one line."""
    out.write(json.dumps(value, default=_encode, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


def _encode(value: Any) -> str:
    """Dates and times as ISO 8601 text; anything else has no portable form yet."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"a backup cannot hold a value of type {type(value).__name__}")


def restore_backup(path: Path) -> Summary:
    """Load a backup into this empty database at the same revision, all or nothing."""
    started = time.monotonic()
    summary = Summary(bytes=path.stat().st_size if path.is_file() else 0)
    with _lines(path) as lines:
        header = _header(lines)
        try:
            with db.engine.begin() as connection:
                _check_target(connection, header["revision"])
                _insert_tables(connection, lines, summary)
                _reset_sequences(connection)
        except sa.exc.StatementError as error:
            reason = getattr(error, "orig", None) or error
            raise BackupError(f"The rows in {path} could not be restored: {reason}") from error
    summary.seconds = time.monotonic() - started
    return summary


@contextmanager
def _lines(path: Path) -> Iterator[Iterator[Any]]:
    """The file's decoded JSON lines; a damaged or foreign file becomes a BackupError."""
    damaged = f"{path} is damaged or is not a backup made by `flask backup`"
    try:
        with gzip.open(path, "rt", encoding="utf-8") as text:
            yield (json.loads(line) for line in text)
    except FileNotFoundError as error:
        raise BackupError(f"There is no file {path}.") from error
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{damaged} ({error}).") from error


def _header(lines: Iterator[Any]) -> dict:
    """The file's header, refused unless it is this format at a version we can read."""
    header = next(lines, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("The file is not a backup made by `flask backup`.")
    if header.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"The file is in backup format version {header.get('version')}; "
            f"this version of the platform reads version {FORMAT_VERSION}."
        )
    if not isinstance(header.get("revision"), str):
        raise BackupError("The file's header does not name a schema revision.")
    return header


def _check_target(connection: Connection, revision: str) -> None:
    """Refuse unless the database is at the file's revision and every table is empty."""
    current = _revision(connection)
    if current != revision:
        raise BackupError(
            f"The backup was made at schema revision {revision}, but this database is at "
            f"{current or 'no revision'}. {UPGRADE_HINT}"
        )
    for table in db.metadata.sorted_tables:
        if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
            raise BackupError(
                f"The database is not empty (table {table.name} has rows); nothing was "
                f"restored. {UPGRADE_HINT}"
            )


def _insert_tables(connection: Connection, lines: Iterator[Any], summary: Summary) -> None:
    """Insert each table's rows in batches, in the file's order (parents first)."""
    table: sa.Table | None = None
    decode: Callable[[list], dict] | None = None
    batch: list[dict] = []
    for line in lines:
        if isinstance(line, list) and decode is not None:
            batch.append(decode(line))
            if len(batch) >= BATCH_SIZE:
                _insert(connection, table, batch, summary)
                batch = []
            continue
        if batch:
            _insert(connection, table, batch, summary)
            batch = []
        if isinstance(line, dict) and "end" in line:
            _check_complete(line["end"], summary)
            # Reading on to the end of the stream checks the gzip trailer (length and CRC).
            if any(True for _ in lines):
                raise BackupError("The file is damaged: it goes on after its row counts.")
            return
        if not (isinstance(line, dict) and "table" in line):
            raise BackupError("The file is damaged: a line is neither a table nor a row.")
        table, decode = _table_decoder(line)
        summary.rows[table.name] = 0
    raise BackupError("The file is damaged: it ends early (it may have been cut off).")


def _insert(connection: Connection, table: sa.Table, batch: list[dict], summary: Summary) -> None:
    """Insert one batch of rows, with one statement run for every row (executemany)."""
    connection.execute(table.insert(), batch)
    summary.rows[table.name] += len(batch)


def _check_complete(expected: Any, summary: Summary) -> None:
    """The counts at the end of the file must match what was read, for every table."""
    if expected != summary.rows:
        raise BackupError("The file is damaged: its row counts do not match its rows.")
    missing = sorted(set(db.metadata.tables) - set(summary.rows))
    if missing:
        raise BackupError(f"The file has no rows section for tables: {', '.join(missing)}.")


def _table_decoder(line: dict) -> tuple[sa.Table, Callable[[list], dict]]:
    """The table a section names, and a function turning its rows into insertable values."""
    name = line["table"]
    table = db.metadata.tables.get(name) if isinstance(name, str) else None
    if table is None:
        raise BackupError(f"The file holds a table this schema does not have: {name}.")
    columns = line.get("columns")
    if not isinstance(columns, list) or sorted(columns) != sorted(c.name for c in table.columns):
        raise BackupError(f"The file's columns for {table.name} do not match this schema.")
    parsers = [_parser(table.c[name]) for name in columns]

    def decode(values: list) -> dict:
        """One row of the file as column values."""
        if len(values) != len(columns):
            raise BackupError(f"The file is damaged: a row of {table.name} has the wrong size.")
        try:
            return {
                name: value if value is None or parse is None else parse(value)
                for name, parse, value in zip(columns, parsers, values, strict=True)
            }
        except (TypeError, ValueError) as error:
            raise BackupError(f"The file is damaged: a row of {table.name}: {error}.") from error

    return table, decode


def _parser(column: sa.Column) -> Callable[[Any], Any] | None:
    """How to turn a column's JSON value back into its Python value (None: as it is)."""
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, sa.DateTime):
        return datetime.fromisoformat
    if isinstance(column_type, sa.Date):
        return date.fromisoformat
    return None


def _reset_sequences(connection: Connection) -> None:
    """Move PostgreSQL's id sequences past the restored ids, so new rows get fresh ones."""
    if connection.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = sa.func.pg_get_serial_sequence(table.name, column.name)
        following = sa.func.coalesce(sa.func.max(column), 0) + 1
        connection.execute(sa.select(sa.func.setval(sequence, following, False)))
