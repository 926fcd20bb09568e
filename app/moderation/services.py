"""The rules for staff work: the queue, outcome links and consultations."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from app.audit import record
from app.extensions import db
from app.models import (
    PUBLIC_STATUSES,
    Branch,
    Consultation,
    Idea,
    IdeaStatus,
    LibraryService,
    Outcome,
    OutcomeLink,
    Phase,
    Role,
    User,
)
from app.outcomes import all_frameworks
from app.pagination import Cursor, Page, paginate
from app.rules import RuleError

RATIONALE_MAX = 1000
QUESTION_MAX = 300
CONSULTATION_DESCRIPTION_MAX = 4000
VOTE_BUDGET_MAX = 50


def _require_staff(actor: User) -> None:
    """Refuse anyone who is not staff (or an admin)."""
    if actor.role not in (Role.STAFF, Role.ADMIN):
        raise RuleError(_l("Only library staff can do that."))


def moderation_queue(cursor: Cursor | None = None) -> Page[Idea]:
    """A page of ideas waiting for a decision, oldest first so nobody waits longest."""
    return paginate(
        select(Idea)
        .where(Idea.status == IdeaStatus.PENDING)
        .options(joinedload(Idea.author), joinedload(Idea.consultation)),
        [Idea.id],
        cursor,
    )


def waiting_count() -> int:
    """How many ideas wait for a decision."""
    return db.session.execute(
        select(func.count(Idea.id)).where(Idea.status == IdeaStatus.PENDING)
    ).scalar_one()


def public_ideas_with_link_counts(cursor: Cursor | None = None) -> Page[tuple[Idea, int]]:
    """A page of published (and later) ideas, newest first, each with its outcome links' count."""
    links = (
        select(func.count(OutcomeLink.id))
        .where(OutcomeLink.idea_id == Idea.id)
        .correlate(Idea)
        .scalar_subquery()
    )
    return paginate(
        select(Idea, links)
        .where(Idea.status.in_(PUBLIC_STATUSES))
        .options(joinedload(Idea.consultation)),
        [Idea.id],
        cursor,
        descending=True,
    )


def outcome_choices() -> list[SelectChoice]:
    """Every outcome for a picker, grouped by framework and group, in source order."""
    return [
        SelectChoice(o.code, f"{o.code} {o.wording}", optgroup=f"{framework.name}: {group.title}")
        for framework in all_frameworks()
        for group in framework.groups
        for o in group.outcomes
    ]


def link_outcome(idea: Idea, outcome_code: str, actor: User, rationale: str) -> OutcomeLink:
    """Link a public idea to an outcome, saying why; each outcome at most once per idea."""
    _require_staff(actor)
    if not idea.is_public:
        raise RuleError(_l("Only published ideas can be linked to outcomes."))
    outcome = db.session.execute(
        select(Outcome).where(Outcome.code == outcome_code)
    ).scalar_one_or_none()
    if outcome is None:
        raise RuleError(_l("Please choose an outcome from the list."))
    rationale = rationale.strip()
    if not rationale or len(rationale) > RATIONALE_MAX:
        raise RuleError(_l("Please say in up to 1000 characters why the idea serves this outcome."))
    link = OutcomeLink(idea=idea, outcome=outcome, linked_by=actor, rationale=rationale)
    db.session.add(link)
    try:
        db.session.flush()
    except IntegrityError:  # the unique constraint: this link exists, perhaps sent just now
        db.session.rollback()
        raise RuleError(_l("This idea is already linked to that outcome.")) from None
    record(actor, "outcome.link", idea, outcome=outcome.code, rationale=rationale)
    db.session.commit()
    return link


def unlink_outcome(link: OutcomeLink, actor: User) -> None:
    """Remove an outcome link; the audit log keeps what it said."""
    _require_staff(actor)
    record(actor, "outcome.unlink", link.idea, outcome=link.outcome.code, rationale=link.rationale)
    db.session.delete(link)
    db.session.commit()


def all_consultations(cursor: Cursor | None = None) -> Page[Consultation]:
    """A page of every consultation, drafts included, newest first."""
    return paginate(
        select(Consultation).options(
            joinedload(Consultation.library_service), joinedload(Consultation.branch)
        ),
        [Consultation.id],
        cursor,
        descending=True,
    )


def save_consultation(
    actor: User,
    consultation: Consultation | None,
    *,
    library_service_id: int,
    branch_id: int | None,
    question: str,
    description: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    vote_budget: int | None,
) -> Consultation:
    """Create a consultation (as a draft) or change one; refuses anything inconsistent."""
    _require_staff(actor)
    service = db.session.get(LibraryService, library_service_id)
    if service is None:
        raise RuleError(_l("Please choose a library service from the list."))
    branch = db.session.get(Branch, branch_id) if branch_id is not None else None
    if branch_id is not None and (branch is None or branch.library_service_id != service.id):
        raise RuleError(_l("Please choose a library of the library service you chose."))
    question, description = question.strip(), description.strip()
    if not question or len(question) > QUESTION_MAX:
        raise RuleError(_l("Please ask a question of up to 300 characters."))
    if len(description) > CONSULTATION_DESCRIPTION_MAX:
        raise RuleError(_l("Please keep the description under 4000 characters."))
    if opens_at and closes_at and closes_at <= opens_at:
        raise RuleError(_l("The closing time must come after the opening time."))
    if vote_budget is not None and not 1 <= vote_budget <= VOTE_BUDGET_MAX:
        raise RuleError(_l("Votes for each person must be between 1 and 50, or left empty."))
    created = consultation is None
    if created:
        consultation = Consultation(phase=Phase.DRAFT)
        db.session.add(consultation)
    consultation.library_service = service
    consultation.branch = branch
    consultation.question = question
    consultation.description = description
    consultation.opens_at = opens_at
    consultation.closes_at = closes_at
    consultation.vote_budget = vote_budget
    db.session.flush()
    record(
        actor,
        "consultation.create" if created else "consultation.edit",
        consultation,
        question=question,
        library_service=service.name,
        branch=branch.name if branch else None,
        opens_at=opens_at.isoformat() if opens_at else None,
        closes_at=closes_at.isoformat() if closes_at else None,
        vote_budget=vote_budget,
    )
    db.session.commit()
    return consultation


def set_phase(consultation: Consultation, actor: User, phase: Phase) -> None:
    """Move a consultation to another phase (open for ideas, open for votes, closed...)."""
    _require_staff(actor)
    if consultation.phase == phase:
        raise RuleError(_l("The consultation is already in that phase."))
    previous = consultation.phase
    consultation.phase = phase
    record(actor, "consultation.phase", consultation, previous=previous.value, to=phase.value)
    db.session.commit()
