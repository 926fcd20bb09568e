"""QLP reviews: a reviewer's signed judgement of a service against the QLP aims and outcomes."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.codesign import CodesignService, CodesignSession, StaffSkill
from app.models.outcomes import Outcome
from app.models.types import UTCDateTime, enum_type, utcnow
from app.models.users import User


class Rating(StrEnum):
    """The fixed scale every QLP aim and outcome is rated on, lowest first."""

    NOT_YET = "not_yet"
    EMERGING = "emerging"
    ESTABLISHED = "established"
    EMBEDDED = "embedded"


class Recommendation(StrEnum):
    """What the reviewer recommends for the service."""

    CONTINUE = "continue"
    CHANGE_COURSE = "change_course"
    READY_TO_MAINSTREAM = "ready_to_mainstream"


qlp_rating_sessions = sa.Table(
    "qlp_rating_sessions",
    db.metadata,
    sa.Column("rating_id", sa.ForeignKey("qlp_ratings.id"), primary_key=True),
    sa.Column("session_id", sa.ForeignKey("codesign_sessions.id"), primary_key=True),
)

qlp_rating_skills = sa.Table(
    "qlp_rating_skills",
    db.metadata,
    sa.Column("rating_id", sa.ForeignKey("qlp_ratings.id"), primary_key=True),
    sa.Column("skill_id", sa.ForeignKey("staff_skills.id"), primary_key=True),
)


class QlpReview(db.Model):
    """A review of one service for one period; read-only once signed."""

    __tablename__ = "qlp_reviews"
    __table_args__ = (
        sa.CheckConstraint("period_end >= period_start", name="review_period_in_order"),
        sa.Index("ix_qlp_reviews_service_signed", "service_id", "signed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("codesign_services.id"))
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    overall_comment: Mapped[str] = mapped_column(sa.Text, default="")
    recommendation: Mapped[Recommendation | None] = mapped_column(
        enum_type(Recommendation, "recommendation")
    )
    # The review this one started from, if any.
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("qlp_reviews.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[CodesignService] = relationship()
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    ratings: Mapped[list["QlpRating"]] = relationship(
        back_populates="review", order_by="QlpRating.id"
    )
    response: Mapped["QlpReviewResponse | None"] = relationship(back_populates="review")

    @property
    def is_signed(self) -> bool:
        """Signed reviews are read-only."""
        return self.signed_at is not None


class QlpRating(db.Model):
    """One QLP aim or outcome rated in a review, with the evidence for it."""

    __tablename__ = "qlp_ratings"
    __table_args__ = (sa.UniqueConstraint("review_id", "outcome_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("qlp_reviews.id"))
    outcome_id: Mapped[int] = mapped_column(sa.ForeignKey("outcomes.id"))
    # None until the reviewer chooses: "not yet" is a judgement, never a default.
    rating: Mapped[Rating | None] = mapped_column(enum_type(Rating, "rating"))
    evidence: Mapped[str] = mapped_column(sa.Text, default="")

    review: Mapped[QlpReview] = relationship(back_populates="ratings")
    outcome: Mapped[Outcome] = relationship()
    sessions: Mapped[list[CodesignSession]] = relationship(secondary=qlp_rating_sessions)
    skills: Mapped[list[StaffSkill]] = relationship(secondary=qlp_rating_skills)


class QlpReviewResponse(db.Model):
    """The Quality Leader's answer to a signed review."""

    __tablename__ = "qlp_review_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("qlp_reviews.id"), unique=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    review: Mapped[QlpReview] = relationship(back_populates="response")
    author: Mapped[User] = relationship()


class SignedReviewIsReadOnly(Exception):
    """Raised when code tries to change a signed review or its ratings."""


@event.listens_for(QlpReview, "before_update")
@event.listens_for(QlpReview, "before_delete")
def _refuse_review_change(mapper, connection, target):
    """A review that was signed when it was read is never changed again."""
    state = sa.inspect(target)
    if "signed_at" in state.unloaded:  # expired or never loaded: ask the database
        stored = connection.execute(
            sa.select(QlpReview.signed_at).where(QlpReview.id == target.id)
        ).scalar_one_or_none()
    else:
        history = state.attrs.signed_at.history
        stored = (history.deleted or history.unchanged or [None])[0]
    if stored is not None:
        raise SignedReviewIsReadOnly(f"review {target.id} is signed")


@event.listens_for(QlpRating, "before_update")
@event.listens_for(QlpRating, "before_delete")
def _refuse_rating_change(mapper, connection, target):
    """Ratings of a signed review are never changed."""
    if target.review.signed_at is not None:
        raise SignedReviewIsReadOnly(f"rating {target.id} belongs to a signed review")
