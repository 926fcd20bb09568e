"""Paged lists: the one helper every list uses, so a page costs the same at any depth.

Pages are found by keyset, not by offset. A link to the next page carries the sort key of the
last row shown ("after this one"), and the database starts reading there through an index,
so page 500 costs what page 1 costs. Offsets would count past every earlier row, and when an
idea is published while someone reads, every later row shifts by one: "Show more" would then
append an idea already on the screen, with the same element ids as the first copy. Previous
pages are found the same way, reading backwards from the first row shown.
"""

import binascii
import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import request
from sqlalchemy import ColumnElement, Select, tuple_
from werkzeug.exceptions import BadRequest

from app.extensions import db

PER_PAGE = 20
# Longer than any real cursor; refuses made-up ones before decoding them.
CURSOR_MAX = 200
CURSOR_ARGS = ("after", "before")

T = TypeVar("T")
U = TypeVar("U")


class InvalidCursor(BadRequest):
    """A page link that was changed by hand or cut short: a 400 page, nothing else."""


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (or, going back, before) the row with these sort keys."""

    values: tuple[Any, ...]
    backwards: bool = False


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, and the cursors of the pages either side (None at the ends)."""

    items: list[T]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    # True when the page was asked for with a cursor, so it continues a list shown before.
    continues: bool = False

    def map(self, function: Callable[[T], U]) -> "Page[U]":
        """The same page with each item passed through `function` (to pair it with a form)."""
        return replace(self, items=[function(item) for item in self.items])  # type: ignore[arg-type]


@dataclass(frozen=True)
class Listing:
    """A paged list as a page shows it: its items and how they look, and where more come from."""

    page: Page
    id: str  # the element the items are in; "Show more" appends to it
    items: str  # the template that renders `page.items`
    url: str  # the list's own address; its pages add a cursor to it
    more_label: str  # the "Show more" button's name, saying what it shows more of
    empty: str  # what to say when there is nothing in the list
    css: str = "cards"


def encode_cursor(values: Sequence[Any]) -> str:
    """A short, URL-safe form of a row's sort keys."""
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(text: str) -> tuple[Any, ...]:
    """The sort keys back from a cursor; anything malformed is an InvalidCursor."""
    if len(text) > CURSOR_MAX:
        raise InvalidCursor()
    try:
        values = json.loads(urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):
        raise InvalidCursor() from None
    if not isinstance(values, list) or not all(type(v) in (int, str) for v in values):
        raise InvalidCursor()
    return tuple(values)


def cursor_from_request() -> Cursor | None:
    """The cursor in this request's address (`?after=` or `?before=`), if any."""
    after, before = request.args.get("after"), request.args.get("before")
    if after and before:
        raise InvalidCursor()
    if not (after or before):
        return None
    return Cursor(decode_cursor(after or before), backwards=bool(before))


def _beyond(keys: Sequence[ColumnElement], values: tuple[Any, ...], ascending: bool):
    """The condition for rows past the cursor in reading order; refuses ill-fitting cursors."""
    if len(values) != len(keys):
        raise InvalidCursor()
    for value, key in zip(values, keys, strict=True):
        if type(value) is not key.type.python_type:
            raise InvalidCursor()
    row = tuple_(*keys) if len(keys) > 1 else keys[0]
    bound = tuple_(*values) if len(keys) > 1 else values[0]
    return row > bound if ascending else row < bound


def paginate(
    statement: Select,
    keys: Sequence[ColumnElement],
    cursor: Cursor | None = None,
    *,
    descending: bool = False,
    per_page: int = PER_PAGE,
) -> Page:
    """Run `statement` for one page, ordered by `keys` (unique together), from `cursor`.

    Items are what the statement selects: the entity when it selects one, else a tuple.
    One query, whatever the page; it reads one row more than it shows, to know if there
    are more.
    """
    width = len(statement.column_descriptions)
    backwards = cursor is not None and cursor.backwards
    # Going back over a newest-first list reads oldest-first from the cursor, then flips.
    ascending = descending == backwards
    if cursor is not None:
        statement = statement.where(_beyond(keys, cursor.values, ascending))
    rows = db.session.execute(
        statement.add_columns(*[key.label(f"page_key_{i}") for i, key in enumerate(keys)])
        .order_by(None)
        .order_by(*[key.asc() if ascending else key.desc() for key in keys])
        .limit(per_page + 1)
    ).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    items = [row[0] if width == 1 else tuple(row[:width]) for row in rows]
    if not rows:
        return Page(items, continues=cursor is not None)
    first, last = encode_cursor(rows[0][width:]), encode_cursor(rows[-1][width:])
    if backwards:  # the page this one was reached from lies after it
        return Page(items, last, first if more else None, continues=True)
    return Page(items, last if more else None, first if cursor else None, cursor is not None)


def page_url(url: str, **cursor: str) -> str:
    """`url` with a cursor (`after=` or `before=`) in place of any it had, other arguments kept."""
    parts = urlsplit(url)
    args = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name not in CURSOR_ARGS
    ]
    return urlunsplit(parts._replace(query=urlencode(args + list(cursor.items()))))
