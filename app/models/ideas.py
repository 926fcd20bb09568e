"""Ideas young people propose, their status history, and the votes they receive."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.extensions import db
from app.models.consultations import Consultation
from app.models.types import UTCDateTime, enum_type, utcnow
from app.models.users import User
from app.search_text import searchable


class IdeaStatus(StrEnum):
    """An idea's place in its lifecycle (transitions: app/ideas/services.py)."""

    PENDING = "pending"
    PUBLISHED = "published"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    UNDER_CONSIDERATION = "under_consideration"
    ACCEPTED = "accepted"
    NOT_TAKEN_FORWARD = "not_taken_forward"
    IN_CODESIGN = "in_codesign"
    DELIVERED = "delivered"
    WITHDRAWN = "withdrawn"
    HIDDEN = "hidden"
    MERGED = "merged"


# Statuses in which an idea is shown to everyone.
PUBLIC_STATUSES = frozenset(
    {
        IdeaStatus.PUBLISHED,
        IdeaStatus.UNDER_CONSIDERATION,
        IdeaStatus.ACCEPTED,
        IdeaStatus.NOT_TAKEN_FORWARD,
        IdeaStatus.IN_CODESIGN,
        IdeaStatus.DELIVERED,
    }
)


class Idea(db.Model):
    """A young person's proposal inside a consultation."""

    __tablename__ = "ideas"
    __table_args__ = (
        sa.CheckConstraint("vote_count >= 0", name="vote_count_not_negative"),
        sa.Index("ix_ideas_consultation_status", "consultation_id", "status"),
        # A consultation's ideas, most votes first, a page at a time.
        sa.Index("ix_ideas_consultation_votes", "consultation_id", "vote_count", "id"),
        # The moderation queue and the staff lists, by status, oldest or newest first.
        sa.Index("ix_ideas_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id"))
    # None once the author has deleted their account: the idea stays, by "a former member".
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text)
    # The title and description as search compares them (app/search_text.py), kept up to date
    # with them; never shown.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The language the author wrote in, a code of LANGUAGES (app/ideas/languages.py).
    language: Mapped[str] = mapped_column(sa.String(10), default="en", server_default="en")
    # An English translation by library staff, of an idea written in another language.
    translated_title: Mapped[str | None] = mapped_column(sa.String(120))
    translated_description: Mapped[str | None] = mapped_column(sa.Text)
    translated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    translated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[IdeaStatus] = mapped_column(
        enum_type(IdeaStatus, "idea_status"), default=IdeaStatus.PENDING
    )
    # Kept exact by the vote services, in the same transaction as the vote row.
    vote_count: Mapped[int] = mapped_column(default=0)
    # Goes up by one with every change to vote_count: live pages use it to tell which of two
    # counts published at nearly the same moment is the newer.
    vote_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    # The co-designed service this idea became, once staff start one from it.
    codesign_service_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("codesign_services.id"), index=True
    )
    # Held for staff because its text seems to hold personal information (app/safeguarding).
    held_for_personal_info: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The idea this one was merged into by staff (status merged): its votes moved there.
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    consultation: Mapped[Consultation] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    translated_by: Mapped[User | None] = relationship(foreign_keys=[translated_by_id])
    history: Mapped[list["IdeaStatusChange"]] = relationship(
        back_populates="idea", order_by="IdeaStatusChange.id"
    )
    outcome_links: Mapped[list["OutcomeLink"]] = relationship(  # noqa: F821
        back_populates="idea", order_by="OutcomeLink.id"
    )
    codesign_service: Mapped["CodesignService | None"] = relationship(  # noqa: F821
        foreign_keys=[codesign_service_id]
    )
    merged_into: Mapped["Idea | None"] = relationship(remote_side=[id])

    @property
    def is_public(self) -> bool:
        """Shown to everyone (not pending, rejected, withdrawn, hidden or merged)."""
        return self.status in PUBLIC_STATUSES

    @property
    def has_translation(self) -> bool:
        """True when staff have given the idea an English translation."""
        return bool(self.translated_title)

    @validates("title", "description")
    def _keep_search_text(self, key: str, value: str) -> str:
        """Every change of the words changes their searchable form, wherever it is made."""
        words = {"title": self.title or "", "description": self.description or "", key: value}
        self.search_text = searchable(f"{words['title']}\n{words['description']}")
        return value


class IdeaStatusChange(db.Model):
    """One step in an idea's lifecycle: who moved it, when, and what they told the author."""

    __tablename__ = "idea_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    from_status: Mapped[IdeaStatus | None] = mapped_column(enum_type(IdeaStatus, "from_status"))
    to_status: Mapped[IdeaStatus] = mapped_column(enum_type(IdeaStatus, "to_status"))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    # The language staff wrote the message in, a code of LANGUAGES.
    message_language: Mapped[str] = mapped_column(sa.String(10), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()


class Vote(db.Model):
    """One young person supporting one idea; the database refuses a second."""

    __tablename__ = "votes"
    __table_args__ = (sa.UniqueConstraint("user_id", "idea_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once the voter has deleted their account: the vote still counts.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdeaRevision(db.Model):
    """An idea's words as they were before staff redacted or changed them; staff only."""

    __tablename__ = "idea_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text)
    # Why the words were replaced, e.g. "redacted" by staff or "edited" by the author.
    reason: Mapped[str] = mapped_column(sa.String(40))
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship()
    edited_by: Mapped[User | None] = relationship()


def search_document() -> sa.ColumnElement:
    """An idea's words as PostgreSQL full-text search sees them.

    The very expression of the index ix_ideas_search, written with literals rather than bound
    parameters so that the planner can use that index. The index is made by its migration on
    PostgreSQL only (SQLite searches a consultation's ideas without one), and autogenerate is
    told to leave it be (migrations/env.py: MIGRATION_ONLY_INDEXES).
    """
    words = Idea.title.op("||")(sa.literal_column("' '")).op("||")(Idea.description)
    return sa.func.to_tsvector(sa.literal_column("'english'"), words)
