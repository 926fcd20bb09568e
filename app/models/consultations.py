"""Consultations: one question put to young people, with phases and an optional vote budget."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.library import Branch, LibraryService
from app.models.types import UTCDateTime, enum_type, utcnow


class Phase(StrEnum):
    """Where a consultation is in its life; proposals and voting are separate phases."""

    DRAFT = "draft"
    PROPOSALS_OPEN = "proposals_open"
    VOTING_OPEN = "voting_open"
    CLOSED = "closed"


class Colour(StrEnum):
    """A consultation's own colour, from a fixed palette whose every pair is checked for
    contrast (static/css/app.css `.theme-*`; tests/browser/test_look.py)."""

    SUN = "sun"
    SKY = "sky"
    LEAF = "leaf"
    BERRY = "berry"
    CORAL = "coral"
    GRAPE = "grape"


class Picture(StrEnum):
    """A consultation's own picture, from the fixed set drawn in templates/_pictures.html."""

    BOOK = "book"
    BULB = "bulb"
    SPEECH = "speech"
    STAR = "star"
    ROCKET = "rocket"
    MUSIC = "music"


def default_colour(consultation_id: int) -> Colour:
    """The colour a consultation gets when none was chosen: one after another, by id."""
    colours = list(Colour)
    return colours[consultation_id % len(colours)]


def default_picture(consultation_id: int) -> Picture:
    """The picture a consultation gets when none was chosen: one after another, by id."""
    pictures = list(Picture)
    return pictures[consultation_id % len(pictures)]


class Consultation(db.Model):
    """A question put to young people, scoped to a library service or one of its branches."""

    __tablename__ = "consultations"
    __table_args__ = (
        sa.CheckConstraint("vote_budget IS NULL OR vote_budget > 0", name="vote_budget_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    library_service_id: Mapped[int] = mapped_column(sa.ForeignKey("library_services.id"))
    branch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("branches.id"))
    question: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    phase: Mapped[Phase] = mapped_column(enum_type(Phase, "phase"), default=Phase.DRAFT)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vote_budget: Mapped[int | None] = mapped_column()
    # How it looks on the home page and its own page: chosen by staff on the consultation form.
    colour: Mapped[Colour] = mapped_column(
        enum_type(Colour, "consultation_colour"),
        default=Colour.SKY,
        server_default=Colour.SKY.value,
    )
    picture: Mapped[Picture] = mapped_column(
        enum_type(Picture, "consultation_picture"),
        default=Picture.BOOK,
        server_default=Picture.BOOK.value,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    library_service: Mapped[LibraryService] = relationship()
    branch: Mapped[Branch | None] = relationship()

    def is_running(self, now: datetime | None = None) -> bool:
        """True between the opening and closing times (either may be unset)."""
        now = now or utcnow()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    def accepts_proposals(self, now: datetime | None = None) -> bool:
        """Young people may propose ideas now."""
        return self.phase == Phase.PROPOSALS_OPEN and self.is_running(now)

    def accepts_votes(self, now: datetime | None = None) -> bool:
        """Young people may vote now."""
        return self.phase == Phase.VOTING_OPEN and self.is_running(now)

    @property
    def is_public(self) -> bool:
        """Drafts are seen by staff only."""
        return self.phase != Phase.DRAFT
