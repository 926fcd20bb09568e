"""Reports: anyone signed in can tell staff an idea should not be shown, and why."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.ideas import Idea
from app.models.types import UTCDateTime, enum_type, utcnow
from app.models.users import User


class ReportReason(StrEnum):
    """Why someone reported an idea."""

    PERSONAL_INFO = "personal_info"
    UNKIND = "unkind"
    NOT_SAFE = "not_safe"
    SPAM = "spam"
    OTHER = "other"


class ReportOutcome(StrEnum):
    """What staff decided about a report."""

    # The idea stays (or comes back, if reports had hidden it).
    DISMISSED = "dismissed"
    # Staff agreed: the idea stays hidden or is taken down.
    UPHELD = "upheld"


class IdeaReport(db.Model):
    """One person's report of one idea; open until staff decide about it."""

    __tablename__ = "idea_reports"
    __table_args__ = (
        # One report per person per idea: reporting again cannot add up to the hiding threshold.
        sa.UniqueConstraint("idea_id", "reporter_id"),
        # The staff queue: open reports, oldest first; and an idea's open reports.
        sa.Index("ix_idea_reports_open", "outcome", "idea_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"))
    # None once the reporter has deleted their account; the report stays for staff.
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[ReportReason] = mapped_column(enum_type(ReportReason, "report_reason"))
    details: Mapped[str] = mapped_column(sa.String(300), default="")
    outcome: Mapped[ReportOutcome | None] = mapped_column(
        enum_type(ReportOutcome, "report_outcome")
    )
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
