"""Optional "about you" answers for equality monitoring, only ever shown as controlled totals."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, enum_type, utcnow


class AboutYouQuestion(StrEnum):
    """The fixed questions, tied to the Children's Promise's and the QLP's groups."""

    NEW_TO_UK = "new_to_uk"  # came to live in the UK in the last five years
    LOOKED_AFTER = "looked_after"
    YOUNG_CARER = "young_carer"
    DISABILITY = "disability"  # or a long-term health condition
    RURAL = "rural"


class AboutYouAnswer(StrEnum):
    """An answer; "prefer not to say" is the one each question starts on."""

    YES = "yes"
    NO = "no"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"


class AboutYouResponse(db.Model):
    """One person's answer to one question: read only by them, counted only in totals."""

    __tablename__ = "about_you_answers"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "question"),
        # Totals by question and answer read the index alone.
        sa.Index("ix_about_you_answers_totals", "question", "answer", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Erased with the account (app/account/services.py erase_accounts; the cascade is a backstop).
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    question: Mapped[AboutYouQuestion] = mapped_column(
        enum_type(AboutYouQuestion, "about_you_question")
    )
    answer: Mapped[AboutYouAnswer] = mapped_column(enum_type(AboutYouAnswer, "about_you_answer"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
