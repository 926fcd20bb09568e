"""Views of ideas for QLP teams: which outcomes each idea serves, with votes and status."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    PUBLIC_STATUSES,
    Idea,
    Outcome,
    OutcomeFramework,
    OutcomeGroup,
    OutcomeLink,
)

# QLP teams read their own framework first.
DASHBOARD_ORDER = ("qlp", "promise")


@dataclass
class OutcomeRow:
    """One outcome and the ideas linked to it."""

    outcome: Outcome
    ideas: list[Idea] = field(default_factory=list)


@dataclass
class GroupSection:
    """One group of outcomes (a QLP aim list, a journey stage...) with its rows."""

    group: OutcomeGroup
    rows: list[OutcomeRow]

    @property
    def idea_count(self) -> int:
        """How many distinct ideas serve some outcome in this group."""
        return len({idea.id for row in self.rows for idea in row.ideas})


def ideas_by_outcome() -> list[tuple[OutcomeFramework, list[GroupSection]]]:
    """Every framework's groups and outcomes, each with its linked ideas, most votes first."""
    linked: dict[int, list[Idea]] = defaultdict(list)
    links = db.session.execute(
        select(OutcomeLink)
        .join(Idea, Idea.id == OutcomeLink.idea_id)
        .where(Idea.status.in_(PUBLIC_STATUSES))
        .options(selectinload(OutcomeLink.idea).selectinload(Idea.consultation))
    ).scalars()
    for link in links:
        linked[link.outcome_id].append(link.idea)
    frameworks = sorted(
        db.session.execute(
            select(OutcomeFramework).options(
                selectinload(OutcomeFramework.groups).selectinload(OutcomeGroup.outcomes)
            )
        ).scalars(),
        key=lambda f: DASHBOARD_ORDER.index(f.code) if f.code in DASHBOARD_ORDER else 99,
    )
    result = []
    for framework in frameworks:
        sections = []
        for group in framework.groups:
            rows = [
                OutcomeRow(o, sorted(linked[o.id], key=lambda i: (-i.vote_count, i.id)))
                for o in group.outcomes
            ]
            sections.append(GroupSection(group, rows))
        result.append((framework, sections))
    return result


def unlinked_ideas() -> list[Idea]:
    """Public ideas no one has linked to an outcome yet."""
    return list(
        db.session.execute(
            select(Idea)
            .where(Idea.status.in_(PUBLIC_STATUSES), ~Idea.outcome_links.any())
            .order_by(Idea.vote_count.desc(), Idea.id)
        ).scalars()
    )
