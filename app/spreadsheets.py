"""CSV files people open in a spreadsheet: cells that cannot run as formulas, streamed."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows written before a chunk of text is sent on: a download streams, whatever its size.
CSV_BATCH = 1000


def spreadsheet_safe(value) -> str:
    """A cell's text, with an apostrophe before anything a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(
    header: Sequence[str], rows: Iterable[Sequence], batch: int = CSV_BATCH
) -> Iterator[str]:
    """CSV text, the header and then a chunk per `batch` rows, every cell defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(name) for name in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        if count % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
