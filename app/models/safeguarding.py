"""Safeguarding concerns raised about young people's ideas, for a library service's lead."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.ideas import Idea
from app.models.library import LibraryService
from app.models.types import UTCDateTime, enum_type, utcnow
from app.models.users import User


class ConcernStatus(StrEnum):
    """Whether the designated safeguarding lead has dealt with a concern."""

    OPEN = "open"
    CLOSED = "closed"


class SafeguardingConcern(db.Model):
    """A worry about a young person's safety, sent to the library service's safeguarding lead."""

    __tablename__ = "safeguarding_concerns"
    __table_args__ = (
        # A lead's queue: open concerns of their library services, oldest first.
        sa.Index("ix_safeguarding_concerns_service_status", "library_service_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    library_service_id: Mapped[int] = mapped_column(sa.ForeignKey("library_services.id"))
    idea_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    raised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    concern: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[ConcernStatus] = mapped_column(
        enum_type(ConcernStatus, "concern_status"), default=ConcernStatus.OPEN
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the lead did, for the record (staff only).
    outcome: Mapped[str] = mapped_column(sa.Text, default="")

    library_service: Mapped[LibraryService] = relationship()
    idea: Mapped[Idea | None] = relationship()
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
