"""Where each box of the coverage heat map (a server-drawn SVG) goes, mirrored right to left."""

from __future__ import annotations

from dataclasses import dataclass

from app.evidence.disclosure import Figure, Shown

LABEL_WIDTH = 210
CELL_WIDTH = 110
ROW_HEIGHT = 22
HEADER_HEIGHT = 26
WIDTH = LABEL_WIDTH + 2 * CELL_WIDTH


@dataclass(frozen=True)
class Cell:
    """One coloured box with its text; `level` names its colour and pattern in the stylesheet."""

    x: int
    y: int
    text: str
    level: str


@dataclass(frozen=True)
class Label:
    """An outcome's code at the start of its row."""

    x: int
    y: int
    text: str
    anchor: str


def level(shown: Figure) -> str:
    """The colour band of a figure, from what is shown only, so colour tells no more than text."""
    if shown.value == 0:
        return "none"
    if shown.how is not Shown.NUMBER:
        return "few"
    return "some" if shown.value <= 10 else "many"


def _x(x: int, width: int, rtl: bool) -> int:
    """A box's left edge, mirrored on a right-to-left page."""
    return WIDTH - x - width if rtl else x


def layout(
    rows: list[tuple[str, Figure, Figure]], rtl: bool
) -> tuple[list[Label], list[Cell], int]:
    """The labels, the cells and the height of the map of `rows` (code, ideas, services)."""
    labels, cells = [], []
    for index, (code, ideas, services) in enumerate(rows):
        y = HEADER_HEIGHT + index * ROW_HEIGHT
        if rtl:
            labels.append(Label(WIDTH - 4, y + ROW_HEIGHT - 7, code, "end"))
        else:
            labels.append(Label(4, y + ROW_HEIGHT - 7, code, "start"))
        for column, shown in enumerate((ideas, services)):
            x = _x(LABEL_WIDTH + column * CELL_WIDTH, CELL_WIDTH, rtl)
            cells.append(Cell(x, y, str(shown), level(shown)))
    return labels, cells, HEADER_HEIGHT + len(rows) * ROW_HEIGHT


def column_heading_x(column: int, rtl: bool) -> int:
    """The middle of a column's heading."""
    return _x(LABEL_WIDTH + column * CELL_WIDTH, CELL_WIDTH, rtl) + CELL_WIDTH // 2
