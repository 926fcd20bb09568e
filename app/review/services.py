"""Views of ideas for QLP teams: how many ideas serve each outcome, and which."""

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    PUBLIC_STATUSES,
    Idea,
    Outcome,
    OutcomeFramework,
    OutcomeGroup,
    OutcomeLink,
)
from app.outcomes import all_frameworks
from app.pagination import Cursor, Page, paginate

# QLP teams read their own framework first.
DASHBOARD_ORDER = ("qlp", "promise")


@dataclass
class OutcomeRow:
    """One outcome and how many public ideas serve it."""

    outcome: Outcome
    idea_count: int


@dataclass
class GroupSection:
    """One group of outcomes (a QLP aim list, a journey stage...) with its rows."""

    group: OutcomeGroup
    rows: list[OutcomeRow]
    # Distinct ideas: an idea serving two outcomes of the group counts once.
    idea_count: int


def _public_links():
    """Outcome links of ideas everyone can see."""
    return (
        select()
        .select_from(OutcomeLink)
        .join(Idea, Idea.id == OutcomeLink.idea_id)
        .where(Idea.status.in_(PUBLIC_STATUSES))
    )


def outcome_counts() -> list[tuple[OutcomeFramework, list[GroupSection]]]:
    """Every framework's groups and outcomes, each with how many public ideas serve it.

    Two counting queries and the frameworks' three, whatever the number of ideas.
    """
    per_outcome = dict(
        db.session.execute(
            _public_links()
            .add_columns(OutcomeLink.outcome_id, func.count())
            .group_by(OutcomeLink.outcome_id)
        ).all()
    )
    per_group = dict(
        db.session.execute(
            _public_links()
            .join(Outcome, Outcome.id == OutcomeLink.outcome_id)
            .add_columns(Outcome.group_id, func.count(distinct(OutcomeLink.idea_id)))
            .group_by(Outcome.group_id)
        ).all()
    )
    frameworks = sorted(
        all_frameworks(),
        key=lambda f: DASHBOARD_ORDER.index(f.code) if f.code in DASHBOARD_ORDER else 99,
    )
    return [
        (
            framework,
            [
                GroupSection(
                    group,
                    [OutcomeRow(o, per_outcome.get(o.id, 0)) for o in group.outcomes],
                    per_group.get(group.id, 0),
                )
                for group in framework.groups
            ],
        )
        for framework in frameworks
    ]


def find_outcome(code: str) -> Outcome | None:
    """The outcome with this code, with its group and framework."""
    return db.session.execute(
        select(Outcome)
        .where(Outcome.code == code)
        .options(joinedload(Outcome.group).joinedload(OutcomeGroup.framework))
    ).scalar_one_or_none()


def ideas_for_outcome(outcome: Outcome, cursor: Cursor | None = None) -> Page[Idea]:
    """A page of the public ideas linked to an outcome, most votes first."""
    return paginate(
        select(Idea)
        .join(OutcomeLink, OutcomeLink.idea_id == Idea.id)
        .where(OutcomeLink.outcome_id == outcome.id, Idea.status.in_(PUBLIC_STATUSES))
        .options(joinedload(Idea.consultation)),
        [Idea.vote_count, Idea.id],
        cursor,
        descending=True,
    )


def _unlinked():
    """Public ideas no one has linked to an outcome yet."""
    return select(Idea).where(Idea.status.in_(PUBLIC_STATUSES), ~Idea.outcome_links.any())


def unlinked_ideas(cursor: Cursor | None = None) -> Page[Idea]:
    """A page of public ideas not yet linked to any outcome, most votes first."""
    return paginate(
        _unlinked().options(joinedload(Idea.consultation)),
        [Idea.vote_count, Idea.id],
        cursor,
        descending=True,
    )


def unlinked_count() -> int:
    """How many public ideas are not yet linked to any outcome."""
    return db.session.execute(select(func.count()).select_from(_unlinked().subquery())).scalar_one()
