"""Readers' suggestions for better wording in a translation not yet reviewed."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, enum_type, utcnow
from app.models.users import User


class SuggestionStatus(StrEnum):
    """Where a suggestion is: waiting for an admin, taken into the list, or set aside."""

    NEW = "new"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class WordingSuggestion(db.Model):
    """A reader's better wording for some words of a page; who sent it is not kept."""

    __tablename__ = "wording_suggestions"
    __table_args__ = (
        # The admins' queue: each status's suggestions, newest first.
        sa.Index("ix_wording_suggestions_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(10))
    page: Mapped[str] = mapped_column(sa.String(300))
    words: Mapped[str] = mapped_column(sa.Text)
    better: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[SuggestionStatus] = mapped_column(
        enum_type(SuggestionStatus, "suggestion_status"), default=SuggestionStatus.NEW
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    decided_by: Mapped[User | None] = relationship()
