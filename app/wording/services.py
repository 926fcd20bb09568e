"""Readers' wording suggestions: taking one in, the admins' queue, deciding, and the export."""

from collections.abc import Iterator

from sqlalchemy import select

from app.audit import record
from app.extensions import db
from app.models import SuggestionStatus, User, WordingSuggestion, utcnow
from app.pagination import Cursor, Page, paginate
from app.spreadsheets import csv_lines
from app.web import local_path

PAGE_MAX = 300
WORDS_MAX = 1000
EXPORT_BATCH = 1000


def page_or_home(page: str | None) -> str:
    """The page a suggestion is about: a path on this site, cut to what is kept; else "/"."""
    return local_path(page, "/")[:PAGE_MAX]


def suggest(language: str, page: str, words: str, better: str) -> WordingSuggestion:
    """Keep a reader's suggestion for an admin to read; nothing about the reader is kept."""
    suggestion = WordingSuggestion(
        language=language, page=page_or_home(page), words=words.strip(), better=better.strip()
    )
    db.session.add(suggestion)
    db.session.commit()
    return suggestion


def suggestions(status: SuggestionStatus, cursor: Cursor | None = None) -> Page:
    """Suggestions with this status, newest first, a page at a time."""
    statement = select(WordingSuggestion).where(WordingSuggestion.status == status)
    return paginate(statement, [WordingSuggestion.id], cursor, descending=True)


def count_new() -> int:
    return db.session.scalar(
        select(db.func.count())
        .select_from(WordingSuggestion)
        .where(WordingSuggestion.status == SuggestionStatus.NEW)
    )


def decide(suggestion: WordingSuggestion, admin: User, status: SuggestionStatus) -> None:
    """Take a suggestion into the list of accepted ones, or set it aside; audited."""
    suggestion.status = status
    suggestion.decided_at = utcnow()
    suggestion.decided_by_id = admin.id
    record(admin, f"wording_{status.value}", suggestion, language=suggestion.language)
    db.session.commit()


def export_accepted(admin: User) -> Iterator[str]:
    """The accepted suggestions as CSV lines, oldest first, read a batch at a time; audited."""
    record(admin, "wording_exported", admin)
    db.session.commit()
    statement = (
        select(WordingSuggestion)
        .where(WordingSuggestion.status == SuggestionStatus.ACCEPTED)
        .order_by(WordingSuggestion.id)
    )

    def rows() -> Iterator[list]:
        """Each accepted suggestion's cells, read a batch at a time."""
        last_id = 0
        while True:
            batch = db.session.scalars(
                statement.where(WordingSuggestion.id > last_id).limit(EXPORT_BATCH)
            ).all()
            if not batch:
                return
            for row in batch:
                yield [
                    row.language,
                    row.page,
                    row.words,
                    row.better,
                    row.created_at.date().isoformat(),
                    row.decided_at.date().isoformat() if row.decided_at else "",
                ]
            last_id = batch[-1].id

    yield from csv_lines(
        ["language", "page", "words", "better", "sent", "accepted"], rows(), EXPORT_BATCH
    )
