"""The QLP practice guide (outcome d): delivered and mainstreamed services as case studies.

`practice_guide(scope)` runs a fixed number of queries whatever the number of services: the
services with their library service and partners, then their sessions, ideas (with their
consultations), the ideas' votes (one GROUP BY), staff skills and signed reviews with their
ratings, each loaded for every service at once.

The guide is written for other authorities, so it names no young person: no author, no
co-designer, no pseudonym; votes are shown under disclosure control; staff skills are given
without the names of the staff who developed them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.evidence.coverage import Scope, in_period, in_scope
from app.evidence.disclosure import Figure, figure
from app.extensions import db
from app.models import (
    PUBLIC_STATUSES,
    CodesignService,
    CodesignSession,
    Idea,
    Partner,
    QlpRating,
    QlpReview,
    ServiceStatus,
    ServiceStatusChange,
    StaffSkill,
    Vote,
)

# The services a guide tells of: those that reached young people.
GUIDE_STATUSES = (ServiceStatus.DELIVERED, ServiceStatus.MAINSTREAMED)


@dataclass(frozen=True)
class IdeaBehind:
    """An idea a service grew from, with its consultation and its votes under control."""

    title: str
    language: str
    consultation: str
    votes: Figure


@dataclass(frozen=True)
class Decision:
    """What young people decided in one co-design session."""

    held_on: date
    decisions: str


@dataclass(frozen=True)
class SkillDeveloped:
    """A skill staff developed, with its evidence; whose skill it was is left out."""

    skill: str
    evidence: str


@dataclass(frozen=True)
class SignedReview:
    """A signed QLP review: its period, its ratings with their evidence, and its comment."""

    review: QlpReview
    ratings: list[QlpRating]


@dataclass(frozen=True)
class CaseStudy:
    """One delivered or mainstreamed service, told for other authorities."""

    service: CodesignService
    delivered_on: datetime | None
    ideas: list[IdeaBehind]
    decisions: list[Decision]
    partners: list[Partner]
    skills: list[SkillDeveloped]
    reviews: list[SignedReview]

    @property
    def anchor(self) -> str:
        """The id of the case study's section, for the contents."""
        return f"case-{self.service.id}"


@dataclass(frozen=True)
class Guide:
    """The practice guide for a scope: its case studies, by library service then name."""

    scope: Scope
    cases: list[CaseStudy]


def _delivered_on():
    """Each service's first move to delivered (or straight to mainstreamed), as a subquery."""
    return (
        select(
            ServiceStatusChange.service_id,
            func.min(ServiceStatusChange.created_at).label("delivered_on"),
        )
        .where(ServiceStatusChange.to_status.in_(GUIDE_STATUSES))
        .group_by(ServiceStatusChange.service_id)
        .subquery()
    )


def _services(scope: Scope) -> list[tuple[CodesignService, datetime | None]]:
    """The delivered and mainstreamed services in scope, with the day each was delivered."""
    delivered = _delivered_on()
    statement = (
        select(CodesignService, delivered.c.delivered_on)
        .outerjoin(delivered, delivered.c.service_id == CodesignService.id)
        .where(
            CodesignService.status.in_(GUIDE_STATUSES),
            *in_period(delivered.c.delivered_on, scope),
            *in_scope(scope, CodesignService.library_service_id),
        )
        .options(
            joinedload(CodesignService.library_service),
            selectinload(CodesignService.partners),
        )
        .order_by(CodesignService.library_service_id, CodesignService.name, CodesignService.id)
    )
    return [(service, day) for service, day in db.session.execute(statement).all()]


def _grouped(rows, key) -> dict[int, list]:
    """Rows grouped by a service id, in the order given."""
    groups: dict[int, list] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return groups


def _ideas(ids: list[int]) -> dict[int, list[IdeaBehind]]:
    """Each service's public ideas with their votes, counted from the votes themselves."""
    ideas = db.session.execute(
        select(Idea)
        .where(Idea.codesign_service_id.in_(ids), Idea.status.in_(PUBLIC_STATUSES))
        .options(joinedload(Idea.consultation))
        .order_by(Idea.id)
    ).scalars()
    ideas = list(ideas)
    votes = dict(
        db.session.execute(
            select(Vote.idea_id, func.count())
            .where(Vote.idea_id.in_([idea.id for idea in ideas]))
            .group_by(Vote.idea_id)
        ).all()
    )
    return {
        service_id: [
            IdeaBehind(
                idea.title,
                idea.language,
                idea.consultation.question,
                figure(votes.get(idea.id, 0)),
            )
            for idea in group
        ]
        for service_id, group in _grouped(ideas, lambda idea: idea.codesign_service_id).items()
    }


def _decisions(ids: list[int]) -> dict[int, list[Decision]]:
    """What young people decided in each service's sessions, oldest first."""
    rows = db.session.execute(
        select(CodesignSession.service_id, CodesignSession.held_on, CodesignSession.decisions)
        .where(CodesignSession.service_id.in_(ids))
        .order_by(CodesignSession.held_on, CodesignSession.id)
    ).all()
    return {
        service_id: [Decision(row.held_on, row.decisions) for row in group]
        for service_id, group in _grouped(rows, lambda row: row.service_id).items()
    }


def _skills(ids: list[int]) -> dict[int, list[SkillDeveloped]]:
    """The skills staff developed through each service, with evidence and without names."""
    rows = db.session.execute(
        select(StaffSkill.service_id, StaffSkill.skill, StaffSkill.evidence)
        .where(StaffSkill.service_id.in_(ids))
        .order_by(StaffSkill.id)
    ).all()
    return {
        service_id: [SkillDeveloped(row.skill, row.evidence) for row in group]
        for service_id, group in _grouped(rows, lambda row: row.service_id).items()
    }


def _reviews(ids: list[int]) -> dict[int, list[SignedReview]]:
    """Each service's signed reviews, newest first, with the ratings given and their evidence."""
    signed = (QlpReview.service_id.in_(ids), QlpReview.signed_at.is_not(None))
    reviews = list(
        db.session.execute(
            select(QlpReview)
            .where(*signed)
            .order_by(QlpReview.signed_at.desc(), QlpReview.id.desc())
        ).scalars()
    )
    # Loaded for every review at once, even none: the count of queries never depends on data.
    ratings = db.session.execute(
        select(QlpRating)
        .join(QlpReview, QlpReview.id == QlpRating.review_id)
        .where(*signed, QlpRating.rating.is_not(None))
        .options(joinedload(QlpRating.outcome))
        .order_by(QlpRating.id)
    ).scalars()
    by_review = _grouped(ratings, lambda rating: rating.review_id)
    return {
        service_id: [SignedReview(review, by_review.get(review.id, [])) for review in group]
        for service_id, group in _grouped(reviews, lambda review: review.service_id).items()
    }


def practice_guide(scope: Scope) -> Guide:
    """The case studies of every delivered or mainstreamed service in scope."""
    services = _services(scope)
    ids = [service.id for service, _day in services]
    ideas, decisions = _ideas(ids), _decisions(ids)
    skills, reviews = _skills(ids), _reviews(ids)
    return Guide(
        scope,
        [
            CaseStudy(
                service=service,
                delivered_on=day,
                ideas=ideas.get(service.id, []),
                decisions=decisions.get(service.id, []),
                partners=list(service.partners),
                skills=skills.get(service.id, []),
                reviews=reviews.get(service.id, []),
            )
            for service, day in services
        ],
    )
