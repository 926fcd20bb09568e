"""The coverage matrix: every outcome of both frameworks against the ideas and services serving it.

`coverage(scope)` runs a fixed number of queries whatever the data: the frameworks' three,
then one GROUP BY for ideas, one for services and one for the newest signed ratings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, distinct, func, select

from app.extensions import db
from app.models import (
    PUBLIC_STATUSES,
    CodesignService,
    Consultation,
    Idea,
    Outcome,
    OutcomeLink,
    QlpRating,
    QlpReview,
    ServiceOutcomeLink,
)
from app.models.reviews import Rating
from app.outcomes import all_frameworks
from app.pagination import Cursor, Page, paginate

QLP_FRAMEWORK = "qlp"


@dataclass(frozen=True)
class Scope:
    """What the matrix counts: library services (None for all), one consultation, a period."""

    library_service_ids: frozenset[int] | None = None
    consultation_id: int | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class CoverageRow:
    """One outcome with the ideas and services serving it and its newest signed rating."""

    outcome: Outcome
    framework: str
    group: str
    idea_count: int
    service_count: int
    rating: Rating | None
    rated: bool  # whether the outcome is a QLP aim or outcome, which reviews rate

    @property
    def no_idea(self) -> bool:
        """A gap: no idea serves this outcome."""
        return self.idea_count == 0

    @property
    def ideas_without_service(self) -> bool:
        """A gap: ideas serve this outcome, but no service does yet."""
        return self.idea_count > 0 and self.service_count == 0


def _moment(day: date) -> datetime:
    """The first moment of a day, in UTC."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def in_period(column, scope: Scope) -> list:
    """Conditions keeping `column` inside the scope's period, both ends included."""
    conditions = []
    if scope.start is not None:
        conditions.append(column >= _moment(scope.start))
    if scope.end is not None:
        conditions.append(column < _moment(scope.end + timedelta(days=1)))
    return conditions


def in_scope(scope: Scope, library_service=None, consultation=None) -> list:
    """Conditions keeping rows to the scope's library services and its consultation, each by
    the column given for it (a column not given is not narrowed)."""
    conditions = []
    if library_service is not None and scope.library_service_ids is not None:
        conditions.append(library_service.in_(scope.library_service_ids))
    if consultation is not None and scope.consultation_id is not None:
        conditions.append(consultation == scope.consultation_id)
    return conditions


def _ideas(scope: Scope) -> Select:
    """Outcome links of public ideas in scope."""
    return (
        select(OutcomeLink.outcome_id)
        .join(Idea, Idea.id == OutcomeLink.idea_id)
        .join(Consultation, Consultation.id == Idea.consultation_id)
        .where(
            Idea.status.in_(PUBLIC_STATUSES),
            *in_period(Idea.created_at, scope),
            *in_scope(scope, Consultation.library_service_id, Idea.consultation_id),
        )
    )


def _services(scope: Scope) -> Select:
    """Outcome links of co-designed services in scope."""
    return (
        select(ServiceOutcomeLink.outcome_id)
        .join(CodesignService, CodesignService.id == ServiceOutcomeLink.service_id)
        .where(
            *in_period(CodesignService.created_at, scope),
            *in_scope(scope, CodesignService.library_service_id),
        )
    )


def _newest_ratings(scope: Scope) -> dict[int, Rating]:
    """Each outcome's rating in the newest signed review of a service in scope."""
    ranked = (
        _services_reviewed(scope)
        .add_columns(
            QlpRating.outcome_id,
            QlpRating.rating,
            func.row_number()
            .over(
                partition_by=QlpRating.outcome_id,
                order_by=(QlpReview.signed_at.desc(), QlpReview.id.desc()),
            )
            .label("newest"),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.outcome_id, ranked.c.rating).where(ranked.c.newest == 1)
    ).all()
    return {outcome_id: rating for outcome_id, rating in rows}


def _services_reviewed(scope: Scope) -> Select:
    """Ratings given in signed reviews of services in scope."""
    return (
        select()
        .select_from(QlpRating)
        .join(QlpReview, QlpReview.id == QlpRating.review_id)
        .join(CodesignService, CodesignService.id == QlpReview.service_id)
        .where(
            QlpReview.signed_at.is_not(None),
            QlpRating.rating.is_not(None),
            *in_scope(scope, CodesignService.library_service_id),
        )
    )


def coverage(scope: Scope) -> list[CoverageRow]:
    """Every outcome of both frameworks in their order, with what serves it in scope."""
    ideas = _ideas(scope).subquery()
    idea_counts = dict(
        db.session.execute(
            select(ideas.c.outcome_id, func.count()).group_by(ideas.c.outcome_id)
        ).all()
    )
    services = _services(scope).add_columns(ServiceOutcomeLink.service_id).subquery()
    service_counts = dict(
        db.session.execute(
            select(services.c.outcome_id, func.count(distinct(services.c.service_id))).group_by(
                services.c.outcome_id
            )
        ).all()
    )
    ratings = _newest_ratings(scope)
    return [
        CoverageRow(
            outcome=outcome,
            framework=framework.name,
            group=group.title,
            idea_count=idea_counts.get(outcome.id, 0),
            service_count=service_counts.get(outcome.id, 0),
            rating=ratings.get(outcome.id),
            rated=framework.code == QLP_FRAMEWORK,
        )
        for framework in all_frameworks()
        for group in framework.groups
        for outcome in group.outcomes
    ]


def ideas_behind(outcome: Outcome, scope: Scope, cursor: Cursor | None = None) -> Page[Idea]:
    """A page of the public ideas in scope linked to an outcome, newest first."""
    linked = _ideas(scope).where(OutcomeLink.outcome_id == outcome.id).with_only_columns(Idea.id)
    return paginate(select(Idea).where(Idea.id.in_(linked)), [Idea.id], cursor, descending=True)


def services_behind(
    outcome: Outcome, scope: Scope, cursor: Cursor | None = None
) -> Page[CodesignService]:
    """A page of the co-designed services in scope linked to an outcome, by name."""
    linked = (
        _services(scope)
        .where(ServiceOutcomeLink.outcome_id == outcome.id)
        .with_only_columns(ServiceOutcomeLink.service_id)
    )
    return paginate(
        select(CodesignService).where(CodesignService.id.in_(linked)),
        [CodesignService.name, CodesignService.id],
        cursor,
    )
