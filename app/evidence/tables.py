"""Figure tables: one shape for what the evidence area shows, writes to files and freezes.

A `FigureTable` is a table of counts under disclosure control (`disclosure.table`), with the
words a reader needs: a caption, a heading for its rows and for each column, and, for each
column, what it counts (the data dictionary an export carries). Pages render it with the
`figure_table` macro (templates/evidence/_figure_table.html), exports write its shown text, and
a published pack freezes `frozen()`, which holds shown figures only, never a true count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.evidence.disclosure import Figure, Shown, Table, figure, table


@dataclass(frozen=True)
class Column:
    """A column of figures: `key` names it in files, `heading` for readers, `counts` says what."""

    key: str
    heading: str
    counts: str


@dataclass(frozen=True)
class FigureTable:
    """A captioned table of figures with row and column totals, all under disclosure control."""

    key: str
    caption: str
    row_key: str
    row_heading: str
    columns: tuple[Column, ...]
    row_names: tuple[str, ...]
    figures: Table
    # One column: the row totals repeat the cells, so pages and files leave them out.
    show_row_totals: bool = True
    # Whether the table has totals at all: not when its rows overlap (an idea linked to two
    # outcomes), where a sum would count nothing real. Each figure then stands alone.
    show_totals: bool = True

    @property
    def rows(self) -> list[tuple[str, tuple[Figure, ...], Figure]]:
        """Each row's name, its figures and its total."""
        return list(zip(self.row_names, self.figures.cells, self.figures.row_totals, strict=True))

    def frozen(self) -> dict:
        """The table as shown, for a stored snapshot: text and shown figures, no true count."""
        return {
            "key": self.key,
            "caption": self.caption,
            "row_key": self.row_key,
            "row_heading": self.row_heading,
            "columns": [
                {"key": c.key, "heading": c.heading, "counts": c.counts} for c in self.columns
            ],
            "show_row_totals": self.show_row_totals,
            "show_totals": self.show_totals,
            "rows": [
                {"name": name, "cells": [_frozen(f) for f in cells], "total": _frozen(total)}
                for name, cells, total in self.rows
            ],
            "column_totals": [_frozen(f) for f in self.figures.column_totals],
            "total": _frozen(self.figures.total),
        }


def figure_table(
    key: str,
    caption: str,
    row_key: str,
    row_heading: str,
    columns: Sequence[Column],
    rows: Sequence[tuple[str, Sequence[int]]],
    threshold: int | None = None,
    totals: bool = True,
) -> FigureTable:
    """A FigureTable of `rows` (a name and its true counts, one per column), controlled.

    A table with no rows gets one row of zeros named "–", so that its totals still show.
    Without totals, each count is shown on its own (nothing to recover it from).
    """
    rows = list(rows) or [("–", [0] * len(columns))]
    if totals:
        figures = table([list(counts) for _name, counts in rows], threshold)
    else:
        none = figure(0, threshold)
        figures = Table(
            tuple(tuple(figure(c, threshold) for c in counts) for _name, counts in rows),
            (none,) * len(rows),
            (none,) * len(columns),
            none,
        )
    return FigureTable(
        key=key,
        caption=caption,
        row_key=row_key,
        row_heading=row_heading,
        columns=tuple(columns),
        row_names=tuple(name for name, _counts in rows),
        figures=figures,
        show_row_totals=totals and len(columns) > 1,
        show_totals=totals,
    )


def thawed(frozen: dict) -> FigureTable:
    """A table a pack froze, as a FigureTable to show again: its figures as they were shown
    (a figure's true count is not kept: it reads as its rounded value, or 0)."""

    def figure_of(stored: dict) -> Figure:
        how = Shown(stored["how"])
        value = stored["value"]
        return Figure(shown=stored["shown"], value=value, how=how, true=value or 0)

    rows = frozen["rows"]
    return FigureTable(
        key=frozen["key"],
        caption=frozen["caption"],
        row_key=frozen["row_key"],
        row_heading=frozen["row_heading"],
        columns=tuple(Column(c["key"], c["heading"], c["counts"]) for c in frozen["columns"]),
        row_names=tuple(row["name"] for row in rows),
        figures=Table(
            tuple(tuple(figure_of(f) for f in row["cells"]) for row in rows),
            tuple(figure_of(row["total"]) for row in rows),
            tuple(figure_of(f) for f in frozen["column_totals"]),
            figure_of(frozen["total"]),
        ),
        show_row_totals=frozen["show_row_totals"],
        show_totals=frozen.get("show_totals", True),
    )


def _frozen(shown: Figure) -> dict:
    """A figure as stored in a snapshot: how it is shown, and its rounded value if it has one."""
    return {"shown": shown.shown, "how": shown.how.value, "value": shown.value}
