"""Exports of the evidence area as CSV, XLSX and JSON files, each with its data dictionary.

Two shapes of export, both written only from shown (controlled) figures, never a true count:

- Figure tables (`FigureTable`, such as the coverage matrix). The CSV is "tidy", one figure a
  line with the columns table, row, column, figure and value, so that an analyst can filter it
  and pivot it back into any of its tables; the totals are lines too (row or column "total").
  `figure` is the figure as shown ("fewer than 5", "suppressed", or a number) and `value` the
  number alone, empty when the figure is hidden, so a pivot can add the values up. The XLSX
  has one sheet per table laid out as on the page, and the JSON each table as a published
  pack stores it (`FigureTable.frozen`).
- Lists, one row per idea: the CSV and the XLSX have a column per field, the JSON a list of
  objects. The rows are read a batch at a time, so 5,000 ideas stay in constant memory.

Every export has a data dictionary: one line per column saying what it holds, and notes (how
figures are shown; a licence for open data). The CSV's dictionary is a file of its own (the
format "dictionary"), so the data stays one table to pivot; the XLSX has it as a sheet, the
JSON inline. Text that a spreadsheet would run as a formula is defused in the CSV
(`app/spreadsheets.py`); the XLSX writes every text as a string, which is never run.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from sqlalchemy import Select, func, or_, select

from app.access import public_ideas, readable_library_service_ids
from app.evidence.coverage import Scope, coverage, in_period, in_scope
from app.evidence.disclosure import Figure, Shown, current_threshold, figure
from app.evidence.equality import about_you_totals
from app.evidence.participation import participation
from app.evidence.tables import Column, FigureTable, figure_table
from app.extensions import db
from app.i18n import _
from app.models import (
    Branch,
    Consultation,
    Idea,
    LibraryService,
    Outcome,
    OutcomeLink,
    Phase,
    Role,
    Vote,
)
from app.outcomes import all_frameworks
from app.spreadsheets import csv_lines

# Ideas read from the database at once: the exports stream, so thousands never sit in memory.
BATCH = 1000
# Bytes of a finished XLSX file sent at once.
CHUNK = 64 * 1024
# What a download may be: the data as CSV, its data dictionary as CSV, XLSX or JSON.
FORMATS = ("csv", "dictionary", "xlsx", "json")
MIMETYPES = {
    "csv": "text/csv",
    "dictionary": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# An XLSX sheet name holds at most this many characters.
SHEET_NAME_LENGTH = 31


@dataclass(frozen=True)
class Entry:
    """One line of a data dictionary: a column's name in the file, its heading, what it holds."""

    name: str
    heading: str
    means: str


@dataclass(frozen=True)
class Export:
    """One download: a title, its data dictionary and notes, and its tables or its rows.

    An export holds `tables` (figure tables) or `rows` (a function giving the rows of a list,
    one list of cells per row, in the dictionary's column order), never both.
    """

    key: str
    title: str
    notes: tuple[str, ...]
    dictionary: tuple[Entry, ...]
    tables: tuple[FigureTable, ...] = ()
    rows: Callable[[], Iterator[list]] | None = None

    def filename(self, format: str) -> str:
        """The file's name for a format."""
        if format == "dictionary":
            return f"{self.key}-data-dictionary.csv"
        return f"{self.key}.{format}"

    def stream(self, format: str) -> Iterator[bytes | str]:
        """The file in `format` (one of FORMATS), a chunk at a time."""
        return {
            "csv": self.csv,
            "dictionary": self.dictionary_csv,
            "xlsx": self.xlsx,
            "json": self.json,
        }[format]()

    # --- CSV ---------------------------------------------------------------------------------

    def csv(self) -> Iterator[str]:
        """The data as CSV: a tidy line per figure for tables, a line per row for lists."""
        if self.rows is None:
            return csv_lines([e.name for e in tidy_entries()], _tidy(self.tables), BATCH)
        return csv_lines([e.name for e in self.dictionary], self.rows(), BATCH)

    def dictionary_csv(self) -> Iterator[str]:
        """The data dictionary as CSV: a line per column, then the notes."""
        lines = [[e.name, e.heading, e.means] for e in self.dictionary]
        notes = [["note", "", note] for note in self.notes]
        return csv_lines(["column", "heading", "meaning"], [*lines, *notes])

    # --- XLSX --------------------------------------------------------------------------------

    def xlsx(self) -> Iterator[bytes]:
        """The XLSX file: a sheet per table (or one of rows) and a "Data dictionary" sheet.

        XlsxWriter's constant-memory mode writes each row out as it goes, into a temporary
        file, which is then sent a chunk at a time and removed.
        """
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        try:
            workbook = xlsxwriter.Workbook(
                path, {"constant_memory": True, "tmpdir": tempfile.gettempdir()}
            )
            bold = workbook.add_format({"bold": True})
            used: set[str] = set()
            if self.rows is None:
                for t in self.tables:
                    # The key names the table in the CSV and the JSON too.
                    sheet = workbook.add_worksheet(_sheet_name(t.key, used))
                    _write_rows(sheet, bold, _table_header(t), _table_cells(t))
            else:
                sheet = workbook.add_worksheet(_sheet_name(self.title, used))
                _write_rows(sheet, bold, [e.heading for e in self.dictionary], self.rows())
            sheet = workbook.add_worksheet(_sheet_name(_("Data dictionary"), used))
            header = [_("Column"), _("Heading"), _("What it holds")]
            lines = [[e.name, e.heading, e.means] for e in self.dictionary]
            _write_rows(sheet, bold, header, [*lines, [], *[[note] for note in self.notes]])
            workbook.close()
            with open(path, "rb") as file:
                while chunk := file.read(CHUNK):
                    yield chunk
        finally:
            os.unlink(path)

    # --- JSON --------------------------------------------------------------------------------

    def json(self) -> Iterator[str]:
        """The JSON document: title, notes and dictionary inline, then the tables or the rows."""
        head = {
            "title": self.title,
            "notes": list(self.notes),
            "dictionary": [
                {"column": e.name, "heading": e.heading, "meaning": e.means}
                for e in self.dictionary
            ],
        }
        # The head without its closing brace: the tables or the rows follow, then the brace.
        opening = json.dumps(head, ensure_ascii=False)[:-1]
        if self.rows is None:
            tables = [t.frozen() for t in self.tables]
            yield opening + ', "tables": ' + json.dumps(tables, ensure_ascii=False) + "}\n"
            return
        yield opening + ', "rows": ['
        names = [e.name for e in self.dictionary]
        buffer: list[str] = []
        for count, row in enumerate(self.rows()):
            record = dict(zip(names, row, strict=True))
            buffer.append(("," if count else "") + json.dumps(record, ensure_ascii=False))
            if len(buffer) == BATCH:
                yield "".join(buffer)
                buffer.clear()
        yield "".join(buffer) + "]}\n"


def _sheet_name(name: str, used: set[str]) -> str:
    """A sheet name XLSX accepts, unlike the others of its workbook."""
    name = "".join(" " if c in "[]:*?/\\" else c for c in name).strip("' ") or "Sheet"
    name = name[:SHEET_NAME_LENGTH]
    candidate, number = name, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = name[: SHEET_NAME_LENGTH - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def _write_rows(sheet, bold, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Write a bold header row then the rows: numbers as numbers, all else as plain strings."""
    for column, heading in enumerate(header):
        sheet.write_string(0, column, str(heading), bold)
    for index, row in enumerate(rows, start=1):
        for column, cell in enumerate(row):
            if cell is None or cell == "":
                continue
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                sheet.write_number(index, column, cell)
            else:
                # write_string stores the text as it is: never a formula, a link or a number.
                sheet.write_string(index, column, str(cell))


# --- Figure tables ---------------------------------------------------------------------------


def tidy_entries() -> tuple[Entry, ...]:
    """The columns of a tidy CSV of figure tables (words in the reader's language)."""
    return (
        Entry("table", _("Table"), _("Which table the figure belongs to (its key).")),
        Entry("row", _("Row"), _('The row of the table, or "total" for the column totals.')),
        Entry(
            "column",
            _("Column"),
            _('The column of the table (its key), or "total" for the row totals.'),
        ),
        Entry(
            "figure",
            _("Figure"),
            _('The figure as shown: 0, "fewer than" the threshold, "suppressed", or a number.'),
        ),
        Entry(
            "value",
            _("Value"),
            _("The figure as a number, rounded to the nearest 5; empty when it is hidden."),
        ),
    )


def _shown(shown: Figure) -> int | str:
    """A figure in a sheet: its rounded number, or its text when it is hidden."""
    return shown.value if shown.how is Shown.NUMBER else shown.shown


def _tidy(tables: Sequence[FigureTable]) -> Iterator[list]:
    """A line per figure of each table: table, row, column, figure as shown, value."""
    for t in tables:
        keys = [c.key for c in t.columns]
        for name, cells, total in t.rows:
            for key, shown in zip(keys, cells, strict=True):
                yield [t.key, name, key, shown.shown, shown.value]
            if t.show_row_totals:
                yield [t.key, name, "total", total.shown, total.value]
        if not t.show_totals:
            continue
        for key, shown in zip(keys, t.figures.column_totals, strict=True):
            yield [t.key, "total", key, shown.shown, shown.value]
        if t.show_row_totals:
            yield [t.key, "total", "total", t.figures.total.shown, t.figures.total.value]


def _table_header(t: FigureTable) -> list[str]:
    """A table's heading row, as on the page."""
    return [t.row_heading, *[c.heading for c in t.columns], *([_("Total")] * t.show_row_totals)]


def _table_cells(t: FigureTable) -> Iterator[list]:
    """A table's rows and its totals row, as on the page."""
    for name, cells, total in t.rows:
        yield [name, *[_shown(f) for f in cells], *([_shown(total)] * t.show_row_totals)]
    if t.show_totals:
        totals = [_shown(f) for f in t.figures.column_totals]
        yield [_("Total"), *totals, *([_shown(t.figures.total)] * t.show_row_totals)]


def _figure_notes() -> list[str]:
    """How every figure is shown, in words."""
    threshold = current_threshold()
    return [
        _(
            'Figures from 1 to %(last)s show as "fewer than %(num)s"; others are rounded to '
            "the nearest 5. Totals are worked out from the true counts, then rounded.",
            last=threshold - 1,
            num=threshold,
        ),
        _(
            'Some figures show as "suppressed" so that a hidden figure cannot be worked out '
            "from the totals."
        ),
    ]


def tables_export(
    key: str,
    title: str,
    columns: Sequence[Column],
    tables: Sequence[FigureTable],
    notes: Sequence[str] = (),
) -> Export:
    """An export of figure tables: the tidy columns, then what the tables' `columns` count."""
    entries = [*tidy_entries(), *[Entry(c.key, c.heading, c.counts) for c in columns]]
    entries.append(Entry("total", _("Total"), _("The figures of the row or the column added up.")))
    return Export(
        key=key,
        title=title,
        notes=(*_figure_notes(), *notes),
        dictionary=tuple(entries),
        tables=tuple(tables),
    )


def coverage_columns() -> tuple[Column, ...]:
    """The columns of the coverage tables and what they count."""
    return (
        Column(
            "ideas",
            _("Ideas"),
            _(
                "Published ideas in the filter linked to the outcome (an idea linked to two "
                "outcomes counts in both rows)."
            ),
        ),
        Column(
            "services",
            _("Services"),
            _("Co-designed services in the filter linked to the outcome."),
        ),
    )


def coverage_tables(scope: Scope) -> list[FigureTable]:
    """The coverage matrix as figure tables, one per outcome framework, from one computation."""
    rows = coverage(scope)
    columns = coverage_columns()
    tables = []
    for framework in all_frameworks():
        mine = [row for row in rows if row.framework == framework.name]
        tables.append(
            figure_table(
                key=f"coverage-{framework.code}",
                caption=_("Coverage of %(framework)s", framework=framework.name),
                row_key="outcome",
                row_heading=_("Outcome"),
                columns=columns,
                rows=[(row.outcome.code, [row.idea_count, row.service_count]) for row in mine],
                # An idea linked to two outcomes is in both rows: a column sum counts nothing.
                totals=False,
            )
        )
    return tables


def participation_export(scope: Scope | None) -> Export:
    """The participation report in scope, with the about-you totals where they are asked, as an
    export; with no scope, its dictionary alone (from an empty report: no figures are read)."""
    tables = participation(scope if scope is not None else Scope(frozenset())).tables
    if scope is not None:
        about_you = about_you_totals(scope)
        if about_you is not None:
            tables.append(about_you)
    columns = {column.key: column for t in tables for column in t.columns}
    return tables_export(
        "participation",
        _("Participation"),
        list(columns.values()),
        tables if scope is not None else [],
        notes=(
            _(
                "Each table counts what young people did in the filter; a person who did two "
                "things is in both rows, so some totals add up rows rather than people."
            ),
        ),
    )


def coverage_export(scope: Scope | None) -> Export:
    """The coverage matrix in scope as an export; with no scope, its dictionary alone."""
    return tables_export(
        "coverage",
        _("Coverage of outcomes"),
        coverage_columns(),
        coverage_tables(scope) if scope is not None else [],
        notes=(_("Each row is an outcome, named by its code."),),
    )


# --- Lists of ideas --------------------------------------------------------------------------


def _idea_columns(open_data: bool) -> list[tuple[Entry, Any]]:
    """The columns of an export of ideas and the SQL each is read from, in file order."""
    votes = (
        select(func.count(Vote.id)).where(Vote.idea_id == Idea.id).correlate(Idea).scalar_subquery()
    )
    outcomes = (
        select(func.aggregate_strings(Outcome.code, " "))
        .select_from(OutcomeLink)
        .join(Outcome, Outcome.id == OutcomeLink.outcome_id)
        .where(OutcomeLink.idea_id == Idea.id)
        .correlate(Idea)
        .scalar_subquery()
    )
    words = [
        (Entry("title", _("Title"), _("The idea's title, as published.")), Idea.title),
        (
            Entry("description", _("Description"), _("The idea's description, as published.")),
            Idea.description,
        ),
    ]
    return [
        (Entry("id", _("Idea"), _("The idea's number on this site.")), Idea.id),
        (
            Entry("consultation_id", _("Consultation number"), _("The consultation's number.")),
            Consultation.id,
        ),
        (
            Entry("consultation", _("Consultation"), _("The question the consultation asked.")),
            Consultation.question,
        ),
        (
            Entry("library_service", _("Library service"), _("The library service that asked.")),
            LibraryService.name,
        ),
        *(
            []
            if open_data
            else [
                (
                    Entry(
                        "branch", _("Branch"), _("The branch of the consultation, if it has one.")
                    ),
                    Branch.name,
                )
            ]
        ),
        *(words if open_data else []),
        (
            Entry(
                "status", _("Status"), _("Where the idea is now, as a code (such as published).")
            ),
            Idea.status,
        ),
        *(
            []
            if open_data
            else [
                (
                    Entry("language", _("Language"), _("The language the idea was written in.")),
                    Idea.language,
                )
            ]
        ),
        (
            Entry("created_month", _("Month"), _("The month the idea was sent in (UTC).")),
            Idea.created_at,
        ),
        (
            Entry(
                "votes",
                _("Votes"),
                _('Votes for the idea, as shown: 0, "fewer than" the threshold, or rounded.'),
            ),
            votes,
        ),
        (
            Entry(
                "votes_value",
                _("Votes (number)"),
                _("The votes as a number, rounded to the nearest 5; empty when hidden."),
            ),
            None,
        ),
        (
            Entry(
                "outcomes",
                _("Outcomes"),
                _("The codes of the outcomes the idea is linked to, separated by spaces."),
            ),
            outcomes,
        ),
    ]


def _ideas_in(scope: Scope, statement: Select) -> Select:
    """`statement` narrowed to the ideas in scope."""
    return statement.where(
        *in_period(Idea.created_at, scope),
        *in_scope(scope, Consultation.library_service_id, Idea.consultation_id),
    )


def _idea_rows(statement: Select, names: list[str]) -> Callable[[], Iterator[list]]:
    """A function reading the ideas of `statement` a batch at a time by keyset, as rows.

    `names` are the selected columns' names, the first of them the idea's id.
    """

    def rows() -> Iterator[list]:
        last_id = 0
        while True:
            batch = db.session.execute(
                statement.where(Idea.id > last_id).order_by(Idea.id).limit(BATCH)
            ).all()
            if not batch:
                return
            for values in batch:
                yield _idea_row(names, values)
            last_id = batch[-1][0]

    return rows


def _idea_row(names: list[str], values: Sequence) -> list:
    """One idea as a row: the votes as shown and as a rounded number, the month, the codes."""
    row: list = []
    for name, value in zip(names, values, strict=True):
        if name == "votes":
            shown = figure(value)
            row.extend([shown.shown, shown.value])
        elif name == "created_month":
            row.append(value.strftime("%Y-%m"))
        elif name == "outcomes":
            row.append(" ".join(sorted((value or "").split())))
        elif name == "status":
            row.append(str(getattr(value, "value", value)))
        else:
            row.append(value)
    return row


def _ideas_export(
    key: str, title: str, notes: list[str], open_data: bool, where: list, scope: Scope | None
) -> Export:
    """An export of ideas, one row each, in scope and meeting the conditions `where`.

    With no scope, the export is only read for its dictionary: its rows are never asked for.
    """
    columns = _idea_columns(open_data)
    entries = [entry for entry, _column in columns]
    # votes_value is worked out from votes, so it is not read.
    read = [(entry.name, column) for entry, column in columns if column is not None]
    selected = [column for _name, column in read]
    statement = (
        select(*selected)
        .select_from(Idea)
        .join(Consultation, Consultation.id == Idea.consultation_id)
        .join(LibraryService, LibraryService.id == Consultation.library_service_id)
        .outerjoin(Branch, Branch.id == Consultation.branch_id)
        .where(*where)
    )
    statement = _ideas_in(scope or Scope(), statement)
    return Export(
        key=key,
        title=title,
        notes=(*_figure_notes(), *notes),
        dictionary=tuple(entries),
        rows=_idea_rows(statement, [name for name, _column in read]),
    )


def every_idea(scope: Scope | None, viewer) -> Export:
    """Every idea in scope that `viewer` may read, for staff: no words, no author, no pseudonym.

    Staff get their library services' ideas whatever their status; QLP reviewers, who read
    every library service, get the public ideas and those a co-designed service is built from.
    """
    where = []
    readable = readable_library_service_ids(viewer)
    if readable is not None:
        where.append(Consultation.library_service_id.in_(readable))
    if viewer.role == Role.QLP_REVIEWER:
        where.append(
            or_(
                public_ideas(),
                Idea.codesign_service_id.is_not(None) & (Consultation.phase != Phase.DRAFT),
            )
        )
    return _ideas_export(
        "ideas",
        _("Every idea"),
        [_("One row per idea. It holds no words of the idea and nothing about who wrote it.")],
        open_data=False,
        where=where,
        scope=scope,
    )


def open_ideas(scope: Scope | None) -> Export:
    """The published ideas in scope as open data: their words, votes and outcomes, no names."""
    return _ideas_export(
        "open-ideas",
        _("Published ideas (open data)"),
        [
            _(
                "Published ideas only, as they are shown on the public pages: staff have "
                "checked them and removed personal information. Nothing says who wrote or "
                "voted for an idea."
            ),
            _("You may reuse this data under the Open Government Licence v3.0."),
        ],
        open_data=True,
        where=[public_ideas()],
        scope=scope,
    )
