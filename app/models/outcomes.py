"""The outcome frameworks staff link ideas to, and the links themselves."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.ideas import Idea
from app.models.types import UTCDateTime, utcnow
from app.models.users import User


class OutcomeFramework(db.Model):
    """A source document's list of outcomes (the Promise, the QLP youth strand)."""

    __tablename__ = "outcome_frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    groups: Mapped[list["OutcomeGroup"]] = relationship(
        back_populates="framework", order_by="OutcomeGroup.position"
    )


class OutcomeGroup(db.Model):
    """A heading inside a framework, such as a journey stage or the QLP aims."""

    __tablename__ = "outcome_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(sa.ForeignKey("outcome_frameworks.id"))
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    framework: Mapped[OutcomeFramework] = relationship(back_populates="groups")
    outcomes: Mapped[list["Outcome"]] = relationship(
        back_populates="group", order_by="Outcome.position"
    )


class Outcome(db.Model):
    """One outcome, with a stable code and its source wording."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("outcome_groups.id"))
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    wording: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0)

    group: Mapped[OutcomeGroup] = relationship(back_populates="outcomes")


class OutcomeLink(db.Model):
    """Staff's judgement that an idea serves an outcome, with their reason."""

    __tablename__ = "outcome_links"
    __table_args__ = (sa.UniqueConstraint("idea_id", "outcome_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"))
    outcome_id: Mapped[int] = mapped_column(sa.ForeignKey("outcomes.id"), index=True)
    linked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rationale: Mapped[str] = mapped_column(sa.Text)

    idea: Mapped[Idea] = relationship(back_populates="outcome_links")
    outcome: Mapped[Outcome] = relationship()
    linked_by: Mapped[User] = relationship()
