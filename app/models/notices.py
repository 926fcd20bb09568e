"""Notices: what a young person hears back in the app (no email), and the kinds they chose."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.codesign import CodesignService
from app.models.ideas import Idea, IdeaStatus
from app.models.types import UTCDateTime, enum_type, utcnow
from app.models.users import User


class NoticeKind(StrEnum):
    """What a notice is about; each person chooses which kinds they get."""

    # To the proposer: their idea moved on (published, changes asked for, hidden, merged...).
    IDEA_MOVED = "idea_moved"
    # To the proposer: staff gave their idea an answer (accepted, not taken forward, rejected).
    IDEA_ANSWERED = "idea_answered"
    # To everyone who voted for an idea: staff gave it an answer.
    BACKED_IDEA_ANSWERED = "backed_idea_answered"
    # To a co-designer: their offer of help was accepted.
    HELP_ACCEPTED = "help_accepted"


class Notice(db.Model):
    """One thing a person has been told; its words are made when it is shown, in their language."""

    __tablename__ = "notices"
    __table_args__ = (
        # A person's notices, newest first, and their unread count for the header badge.
        sa.Index("ix_notices_user_id", "user_id", "id"),
        sa.Index("ix_notices_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[NoticeKind] = mapped_column(enum_type(NoticeKind, "notice_kind"))
    idea_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    # The status the idea moved to, for the notice's words.
    status: Mapped[IdeaStatus | None] = mapped_column(enum_type(IdeaStatus, "notice_status"))
    codesign_service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("codesign_services.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    idea: Mapped[Idea | None] = relationship()
    codesign_service: Mapped[CodesignService | None] = relationship()


class NoticeMute(db.Model):
    """A kind of notice a person chose not to get (every kind is on until they turn it off)."""

    __tablename__ = "notice_mutes"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(
        enum_type(NoticeKind, "notice_mute_kind"), primary_key=True
    )
