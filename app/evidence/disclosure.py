"""Disclosure control: the one way every figure of the evidence area is shown.

The figures count children, so no small number is ever shown and none can be worked out.

The rules, for a threshold `t` (the DISCLOSURE_THRESHOLD setting, 5 or 10):

- 0 shows as 0.
- 1 to t - 1 shows as "fewer than t" (primary suppression).
- Every other count rounds to the nearest 5, halves up (7 -> 5, 8 -> 10, 12.5 would be 15).
- In a table, the totals are computed from the true cells, then shown under the same rules.
- Secondary suppression: a table's cells and totals shown as "suppressed" so that no
  suppressed figure can be recovered (below).
- A percentage is suppressed when its numerator or its denominator is; otherwise it is worked
  out from the true values and shown as a whole number.

The API (what pages, exports and charts use):

- `figure(count)` gives a `Figure`: `.shown` the text to show, `.value` the rounded count
  (None when suppressed), `.suppressed`, and `.true`, the count itself, kept only for the
  staff-only unrounded view. `str(figure)` and `figure.__html__()` are the controlled text, so
  a template or an export that just prints a figure cannot show the true count.
- `table(counts)` gives a `Table` of figures: `.cells` (rows of columns), `.row_totals`,
  `.column_totals` and `.total`.
- `percentage(part, whole)` gives a `Percentage` of two counts or figures.

Each takes the threshold as an argument, or reads it from the running app's settings.

What "recoverable" means. A reader of a table knows the rules above, so each figure tells
them a range of true values: 0 is exactly 0; a rounded r is r - 2 to r + 2, and at least t;
"fewer than t" is 1 to t - 1; "suppressed" is 1 or more (zeros are never suppressed). Each
row, each column, the row of column totals and the column of row totals is a sum: its cells
add up to its total. A suppressed figure is recoverable when narrowing the ranges through
these sums, again and again until nothing changes (a cell lies between its sum's total less
the others' largest and the total less the others' smallest; a total between its cells'
smallest and largest sums), leaves it one possible value. Rounding widens every range, but it
is not relied on alone:

- a row or column with exactly one suppressed figure gets another, the smallest non-zero
  figure of that line (cells before totals), over rows and columns until stable;
- then, while any suppressed figure narrows to one value, another figure of one of its lines
  (of any line, when its own have none left) is suppressed;
- a line with no shown non-zero figure left has one of its "fewer than t" figures (a total
  first) shown as "suppressed" instead, which says less: four cells of 1 under a total shown
  as "fewer than 5" would each be 1.

The reader does not use the order in which figures were chosen. tests/test_disclosure.py tries
to recover every suppressed figure of random tables this way, from their shown text alone.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from flask import current_app
from markupsafe import Markup, escape

from app.i18n import _

__all__ = ["BASE", "Figure", "Percentage", "Shown", "Table", "figure", "percentage", "table"]

# Counts at or above the threshold are shown to the nearest multiple of this.
BASE = 5
# Larger than any count a table holds: the top of a "suppressed" figure's range.
UNBOUNDED = 10**12


class Shown(enum.Enum):
    """How a figure is shown."""

    NUMBER = "number"
    FEWER_THAN = "fewer_than"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class Figure:
    """One count as it may be shown; `true` is the count itself, for the staff-only view."""

    shown: str
    value: int | None
    how: Shown
    true: int = field(repr=False)

    @property
    def suppressed(self) -> bool:
        """Whether the count is hidden, as "fewer than" or as "suppressed"."""
        return self.how is not Shown.NUMBER

    def __str__(self) -> str:
        return self.shown

    def __html__(self) -> Markup:
        """The controlled text, escaped: a template printing a figure never shows `true`."""
        return escape(self.shown)


@dataclass(frozen=True)
class Percentage:
    """A share as it may be shown; `true` is the exact share, for the staff-only view."""

    shown: str
    value: int | None
    suppressed: bool
    true: Fraction | None = field(repr=False)

    def __str__(self) -> str:
        return self.shown

    def __html__(self) -> Markup:
        """The controlled text, escaped."""
        return escape(self.shown)


@dataclass(frozen=True)
class Table:
    """A table of counts under disclosure control, with totals worked out from true values."""

    cells: tuple[tuple[Figure, ...], ...]
    row_totals: tuple[Figure, ...]
    column_totals: tuple[Figure, ...]
    total: Figure


def current_threshold() -> int:
    """The running app's disclosure threshold (checked at start-up: 5 or 10)."""
    return int(current_app.config["DISCLOSURE_THRESHOLD"])


def rounded(count: int) -> int:
    """`count` to the nearest multiple of BASE, halves up."""
    return (2 * count + BASE) // (2 * BASE) * BASE


def figure(count: int, threshold: int | None = None) -> Figure:
    """One count shown under the rules: 0, "fewer than t", or rounded to the nearest 5."""
    threshold = current_threshold() if threshold is None else threshold
    _check_count(count)
    if count == 0:
        return Figure(shown="0", value=0, how=Shown.NUMBER, true=0)
    if count < threshold:
        return Figure(
            shown=_("fewer than %(num)s", num=threshold),
            value=None,
            how=Shown.FEWER_THAN,
            true=count,
        )
    value = rounded(count)
    return Figure(shown=str(value), value=value, how=Shown.NUMBER, true=count)


def _secondary(count: int) -> Figure:
    """A count hidden so that another cannot be worked out from it."""
    return Figure(shown=_("suppressed"), value=None, how=Shown.SUPPRESSED, true=count)


def percentage(part: int | Figure, whole: int | Figure, threshold: int | None = None) -> Percentage:
    """`part` as a whole-number percentage of `whole`, suppressed if either is suppressed.

    A whole of 0 has no percentage: it shows as a dash, with no value. The share is of the true
    counts, so beside a rounded part and whole it can narrow the part (7 of 40 shows as 5 of
    40 and 18 %); table() does not count percentages among what a reader knows.
    """
    part = part if isinstance(part, Figure) else figure(part, threshold)
    whole = whole if isinstance(whole, Figure) else figure(whole, threshold)
    if part.suppressed or whole.suppressed:
        return Percentage(shown=_("suppressed"), value=None, suppressed=True, true=None)
    if whole.true == 0:
        return Percentage(shown="–", value=None, suppressed=False, true=None)
    share = Fraction(100 * part.true, whole.true)
    value = int(share + Fraction(1, 2))
    return Percentage(shown=_("%(num)s%%", num=value), value=value, suppressed=False, true=share)


def table(counts: Sequence[Sequence[int]], threshold: int | None = None) -> Table:
    """`counts` (rows of columns of true counts) with totals, under disclosure control."""
    threshold = current_threshold() if threshold is None else threshold
    if not counts or not counts[0] or any(len(row) != len(counts[0]) for row in counts):
        raise ValueError("a table needs one or more rows of the same number of columns")
    for row in counts:
        for count in row:
            _check_count(count)
    grid = _with_totals(counts)
    hidden = _suppressed(grid, threshold)
    shown = [
        [
            _secondary(count)
            if hidden.get((i, j)) is Shown.SUPPRESSED
            else figure(count, threshold)
            for j, count in enumerate(row)
        ]
        for i, row in enumerate(grid)
    ]
    return Table(
        cells=tuple(tuple(row[:-1]) for row in shown[:-1]),
        row_totals=tuple(row[-1] for row in shown[:-1]),
        column_totals=tuple(shown[-1][:-1]),
        total=shown[-1][-1],
    )


def _check_count(count: int) -> None:
    """Refuse what is not a count."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"a count is a whole number, 0 or more, not {count!r}")


Position = tuple[int, int]
# A sum of a table with its totals: the positions of its parts, then of its total.
Line = tuple[tuple[Position, ...], Position]


def _with_totals(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    """The counts with each row's total after it and a row of column totals below them."""
    rows = [[*row, sum(row)] for row in counts]
    return [*rows, [sum(column) for column in zip(*rows, strict=True)]]


def _lines(grid: list[list[int]]) -> list[Line]:
    """Every sum in a table with totals: rows, columns, the totals row and the totals column."""
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1
    rows = [
        (tuple((i, j) for j in range(last_column)), (i, last_column)) for i in range(last_row + 1)
    ]
    columns = [
        (tuple((i, j) for i in range(last_row)), (last_row, j)) for j in range(last_column + 1)
    ]
    return rows + columns


def _suppressed(grid: list[list[int]], threshold: int) -> dict[Position, Shown]:
    """The hidden positions of a table with totals: primary ones, then secondary ones."""
    hidden = {
        (i, j): Shown.FEWER_THAN
        for i, row in enumerate(grid)
        for j, count in enumerate(row)
        if 0 < count < threshold
    }
    lines = _lines(grid)
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1
    margins = {(i, last_column) for i in range(last_row + 1)}
    margins |= {(last_row, j) for j in range(last_column + 1)}

    def hide_one_more(line: Line, widen: bool = True) -> bool:
        """Hide one more figure of `line`: its smallest non-zero shown figure, cells before
        totals; if none is left and `widen`, a "fewer than" figure (a total first) shows as
        "suppressed" instead."""
        parts, total = line
        members = (*parts, total)
        shown = [p for p in members if p not in hidden and grid[p[0]][p[1]] > 0]
        small = [p for p in members if widen and hidden.get(p) is Shown.FEWER_THAN]
        if not shown and not small:
            return False
        if shown:
            chosen = min(shown, key=lambda p: (p in margins, grid[p[0]][p[1]], p))
        else:
            chosen = max(small, key=lambda p: (p in margins, grid[p[0]][p[1]], p))
        hidden[chosen] = Shown.SUPPRESSED
        return True

    while True:
        lone = next(
            (line for line in lines if sum(p in hidden for p in (*line[0], line[1])) == 1),
            None,
        )
        if lone is not None:
            hide_one_more(lone)
            continue
        pinned = _pinned(grid, hidden, lines, threshold)
        if not pinned:
            return hidden
        around = [line for p in pinned for line in lines if p in (*line[0], line[1])]
        if not (
            any(hide_one_more(line, widen=False) for line in around)
            or any(hide_one_more(line) for line in [*around, *lines])
        ):
            return hidden


def _ranges(grid: list[list[int]], hidden: dict[Position, Shown], threshold: int) -> dict:
    """What a reader who knows the rules can tell of each true count from what is shown."""
    ranges = {}
    for i, row in enumerate(grid):
        for j, count in enumerate(row):
            how = hidden.get((i, j))
            if how is Shown.FEWER_THAN:
                ranges[i, j] = (1, threshold - 1)
            elif how is Shown.SUPPRESSED:
                ranges[i, j] = (1, UNBOUNDED)
            elif count == 0:
                ranges[i, j] = (0, 0)
            else:
                ranges[i, j] = (max(threshold, rounded(count) - 2), rounded(count) + 2)
    return ranges


def _pinned(
    grid: list[list[int]], hidden: dict[Position, Shown], lines: list[Line], threshold: int
) -> list[Position]:
    """Hidden positions whose true count narrowing through the table's sums leaves one value."""
    ranges = _ranges(grid, hidden, threshold)
    changed, rounds = True, 0
    # Each round only narrows ranges, so stopping early leaves them wider: never too narrow.
    while changed and rounds < 10 * len(ranges):
        changed, rounds = False, rounds + 1
        for parts, total in lines:
            low = sum(ranges[p][0] for p in parts)
            high = sum(ranges[p][1] for p in parts)
            bounds = {total: (low, high)}
            for p in parts:
                bounds[p] = (
                    ranges[total][0] - (high - ranges[p][1]),
                    ranges[total][1] - (low - ranges[p][0]),
                )
            for p, (bottom, top) in bounds.items():
                narrower = (max(ranges[p][0], bottom), min(ranges[p][1], top))
                if narrower != ranges[p]:
                    ranges[p] = narrower
                    changed = True
    return [p for p in hidden if ranges[p][0] == ranges[p][1]]
