"""Disclosure control: every figure of the evidence area, and whether a hidden one can be found."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from app import create_app
from app.config import disclosure_threshold
from app.evidence.disclosure import Figure, figure, percentage, table

HUGE = 10**12


def shown(result) -> list[list[str]]:
    """A table's text as it is shown: its rows with their totals, then the column totals."""
    pairs = zip(result.cells, result.row_totals, strict=True)
    rows = [[*map(str, cells), str(total)] for cells, total in pairs]
    return [*rows, [*map(str, result.column_totals), str(result.total)]]


@pytest.mark.parametrize(
    ("count", "text", "value"),
    [
        (0, "0", 0),
        (1, "fewer than 5", None),
        (4, "fewer than 5", None),
        (5, "5", 5),
        (7, "5", 5),
        (8, "10", 10),
        (12, "10", 10),
        (13, "15", 15),
        (102, "100", 100),
        (103, "105", 105),
    ],
)
def test_a_count_shows_as_0_fewer_than_5_or_to_the_nearest_5(count, text, value):
    """0 stays 0; 1 to 4 are "fewer than 5"; the rest round to the nearest 5, halves up."""
    result = figure(count, threshold=5)
    assert (result.shown, result.value, result.suppressed) == (text, value, value is None)
    assert result.true == count


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, "0"), (1, "fewer than 10"), (5, "fewer than 10"), (9, "fewer than 10"), (10, "10")]
    + [(12, "10"), (13, "15")],
)
def test_with_a_threshold_of_10_counts_up_to_9_are_fewer_than_10(count, text):
    """The threshold moves the "fewer than" line; the rounding base stays 5."""
    assert figure(count, threshold=10).shown == text


def test_a_figure_prints_its_controlled_text_never_its_true_count():
    """str, HTML and repr show "fewer than 5"; the true count stays for the staff-only view."""
    result = figure(3, threshold=5)
    assert str(result) == "fewer than 5"
    assert escape(result) == "fewer than 5"
    assert "3" not in repr(result)
    assert result.true == 3
    assert str(figure(7, threshold=5)) == "5" and "7" not in repr(figure(7, threshold=5))


@pytest.mark.parametrize("count", [-1, 2.5, True, "4"])
def test_what_is_not_a_count_is_refused(count):
    """A negative, fractional, true/false or text count is a mistake in the caller."""
    with pytest.raises(ValueError, match="count"):
        figure(count, threshold=5)


def test_totals_are_worked_out_from_true_values_then_shown_under_the_rules():
    """Three cells of 3 each show as "fewer than 5", and their total 9 shows as 10, not 0."""
    result = table([[3, 3, 3], [0, 0, 0]], threshold=5)
    assert [str(cell) for cell in result.cells[0]] == ["fewer than 5"] * 3
    assert result.row_totals[0].shown == "10" and result.row_totals[0].true == 9
    assert result.total.shown == "10"


def test_a_row_with_one_small_cell_has_its_smallest_other_cell_suppressed_too():
    """3 alone in its row would be its total less the rest: 20, the smallest, hides as well."""
    result = table([[3, 20, 30], [4, 25, 40]], threshold=5)
    assert shown(result) == [
        ["fewer than 5", "suppressed", "30", "55"],
        ["fewer than 5", "suppressed", "40", "70"],
        ["5", "45", "70", "120"],
    ]
    assert [cell.true for cell in result.cells[0]] == [3, 20, 30]


def test_a_column_with_one_small_cell_has_its_smallest_other_cell_suppressed_too():
    """The same rule holds down a column."""
    result = table([[3, 4], [20, 25], [30, 40]], threshold=5)
    assert shown(result) == [
        ["fewer than 5", "fewer than 5", "5"],
        ["suppressed", "suppressed", "45"],
        ["30", "40", "70"],
        ["55", "70", "120"],
    ]


def test_suppressing_in_a_row_that_leaves_a_column_with_one_goes_on_until_stable():
    """Hiding 20 for the 3 leaves 20 alone in its column, so 25 hides, then 10 in its row."""
    result = table([[3, 20, 30], [10, 25, 40]], threshold=5)
    assert shown(result) == [
        ["fewer than 5", "suppressed", "30", "55"],
        ["suppressed", "suppressed", "40", "75"],
        ["15", "45", "70", "130"],
    ]


def test_a_small_total_is_hidden_with_another_total_beside_it():
    """A row of 2 gives a total of 2, alone in the column of totals: another total hides."""
    result = table([[2, 0], [20, 30], [40, 50]], threshold=5)
    assert [str(total) for total in result.row_totals] == ["fewer than 5", "suppressed", "90"]
    assert str(result.cells[0][0]) == "fewer than 5"
    assert [str(total) for total in result.column_totals] == ["60", "80"]


def test_a_table_with_no_small_count_hides_nothing():
    """Secondary suppression only follows a primary one."""
    result = table([[0, 20], [7, 13]], threshold=5)
    assert shown(result) == [["0", "20", "20"], ["5", "15", "20"], ["5", "35", "40"]]


def test_a_table_must_be_rectangular():
    """Rows of different lengths have no column totals."""
    with pytest.raises(ValueError, match="rows"):
        table([[1, 2], [3]], threshold=5)


@pytest.mark.parametrize(
    ("part", "whole", "text", "value"),
    [
        (12, 40, "30%", 30),
        (5, 40, "13%", 13),  # 12.5 % rounds half up
        (0, 40, "0%", 0),
        (40, 40, "100%", 100),
        (3, 40, "suppressed", None),
        (12, 4, "suppressed", None),
        (0, 0, "–", None),
    ],
)
def test_a_percentage_is_worked_from_true_values_unless_a_side_is_suppressed(
    part, whole, text, value
):
    """12 of 40 is 30 % (not 10 of 40, 25 %); a side under the threshold hides it."""
    result = percentage(part, whole, threshold=5)
    assert (result.shown, result.value) == (text, value)


def test_a_percentage_of_a_secondarily_suppressed_cell_is_suppressed():
    """A cell hidden to protect another hides its share too."""
    result = table([[3, 20, 30], [4, 25, 40]], threshold=5)
    assert percentage(result.cells[0][1], result.row_totals[0]).suppressed
    assert percentage(result.cells[0][2], result.row_totals[0]).shown == "57%"  # 30 of 53


@pytest.mark.parametrize(("value", "threshold"), [("5", 5), ("10", 10), (10, 10), (" 5 ", 5)])
def test_the_threshold_setting_is_5_or_10(value, threshold):
    """The setting is read as a number."""
    assert disclosure_threshold(value) == threshold


@pytest.mark.parametrize("value", ["", "0", "3", "7", "20", "five", "5.0"])
def test_a_threshold_other_than_5_or_10_stops_the_app_starting(value):
    """A threshold that would show small numbers of children is refused, naming the setting."""
    with pytest.raises(ValueError, match="DISCLOSURE_THRESHOLD must be 5 or 10"):
        create_app(
            {
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "SECRET_KEY": "x",
                "DISCLOSURE_THRESHOLD": value,
            }
        )


@pytest.mark.parametrize(("value", "started"), [("10", "10"), ("7", "")])
def test_the_threshold_is_read_from_the_environment(value, started):
    """DISCLOSURE_THRESHOLD=10 is taken; DISCLOSURE_THRESHOLD=7 stops the app, saying why."""
    script = "from app import create_app; print(create_app().config['DISCLOSURE_THRESHOLD'])"
    environment = {
        **os.environ,
        "DISCLOSURE_THRESHOLD": value,
        "DATABASE_URL": "sqlite://",
        "SECRET_KEY": "x",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    run = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True
    )
    assert run.stdout.strip() == started
    assert (run.returncode == 0) == bool(started)
    if not started:
        assert "DISCLOSURE_THRESHOLD must be 5 or 10, not '7'" in run.stderr


@pytest.mark.parametrize(
    ("value", "seven", "four"),
    [("5", "5", "fewer than 5"), ("10", "fewer than 10", "fewer than 10")],
)
def test_figures_follow_the_running_apps_threshold(value, seven, four):
    """Without a threshold given, figures and tables use the app's setting."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "DISCLOSURE_THRESHOLD": value}
    )
    with app.app_context():
        assert (figure(7).shown, figure(4).shown) == (seven, four)
        assert table([[4, 30], [30, 30]]).cells[0][0].shown == four
        assert percentage(7, 40).suppressed == (value == "10")


def reader_range(text: str, threshold: int) -> tuple[int, int]:
    """What a reader who knows the rules learns of a true count from its shown text."""
    if text == "0":
        return (0, 0)
    if text == f"fewer than {threshold}":
        return (1, threshold - 1)
    if text == "suppressed":
        return (1, HUGE)
    number = int(text)
    assert number % 5 == 0 and number >= threshold, text
    return (max(threshold, number - 2), number + 2)


def recover(texts: list[list[str]], threshold: int) -> dict[tuple[int, int], tuple[int, int]]:
    """Narrow every figure's range through the table's sums until nothing changes.

    `texts` is the shown table with its totals as the last column and row. Each sum is a list
    of part positions and a total position: x_total = sum(x_parts).
    """
    height, width = len(texts), len(texts[0])
    ranges = {
        (i, j): reader_range(texts[i][j], threshold) for i in range(height) for j in range(width)
    }
    sums = [([(i, j) for j in range(width - 1)], (i, width - 1)) for i in range(height)]
    sums += [([(i, j) for i in range(height - 1)], (height - 1, j)) for j in range(width)]
    for _round in range(1000):
        before = dict(ranges)
        for parts, total in sums:
            for position in parts:
                others = [p for p in parts if p != position]
                low = ranges[total][0] - sum(ranges[p][1] for p in others)
                high = ranges[total][1] - sum(ranges[p][0] for p in others)
                ranges[position] = (max(ranges[position][0], low), min(ranges[position][1], high))
            low = sum(ranges[p][0] for p in parts)
            high = sum(ranges[p][1] for p in parts)
            ranges[total] = (max(ranges[total][0], low), min(ranges[total][1], high))
        if ranges == before:
            return ranges
    raise AssertionError("the ranges kept narrowing")


def test_the_reader_recovers_a_count_the_sums_pin_down():
    """The check below can fail: two "fewer than 5" adding up to a shown 10 must both be 4."""
    texts = [["fewer than 5", "fewer than 5"], ["fewer than 5", "fewer than 5"], ["10", "10"]]
    ranges = recover(texts, threshold=5)
    assert ranges[0, 0] == ranges[1, 0] == (4, 4)


def test_two_small_cells_whose_rounded_total_would_pin_them_hide_their_total():
    """4 and 4 under a shown 10 would each be 4: the total hides, so they are not found."""
    result = table([[4], [4]], threshold=5)
    assert [str(row[0]) for row in result.cells] == ["fewer than 5", "fewer than 5"]
    assert str(result.column_totals[0]) == "suppressed"
    texts = shown(result)
    ranges = recover(texts, threshold=5)
    assert ranges[0, 0][0] < ranges[0, 0][1]


def small_counts():
    """Counts as evidence tables hold them: many zeros and small values, a few larger ones."""
    return st.one_of(
        st.just(0), st.integers(1, 4), st.integers(1, 12), st.integers(0, 60), st.integers(0, 300)
    )


@st.composite
def tables(draw):
    """A table of 1x1 to 6x6 counts."""
    height, width = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    return [[draw(small_counts()) for _ in range(width)] for _ in range(height)]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(counts=tables(), threshold=st.sampled_from([5, 10]))
def test_no_hidden_count_of_a_random_table_can_be_worked_out(counts, threshold):
    """From the shown text alone, every hidden figure keeps two or more possible values."""
    result = table(counts, threshold=threshold)
    texts = shown(result)
    true = [[*row, sum(row)] for row in counts]
    true.append([sum(column) for column in zip(*true, strict=True)])
    ranges = recover(texts, threshold)
    for (i, j), (low, high) in ranges.items():
        assert low <= true[i][j] <= high, "the reader's ranges must hold the true count"
        if texts[i][j] in ("suppressed", f"fewer than {threshold}"):
            assert low < high, f"the hidden count at {(i, j)} is {low}, from {texts}"
    for row in (*result.cells, result.row_totals, result.column_totals):
        assert all(isinstance(cell, Figure) for cell in row)
