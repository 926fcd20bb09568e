"""The rules for staff work: the queue, outcome links and consultations."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
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
    OutcomeFramework,
    OutcomeLink,
    Phase,
    Role,
    User,
)
from app.rules import RuleError

RATIONALE_MAX = 1000
QUESTION_MAX = 300
CONSULTATION_DESCRIPTION_MAX = 4000
VOTE_BUDGET_MAX = 50


def _require_staff(actor: User) -> None:
    """Refuse anyone who is not staff (or an admin)."""
    if actor.role not in (Role.STAFF, Role.ADMIN):
        raise RuleError(_l("Only library staff can do that."))


def moderation_queue() -> list[Idea]:
    """Ideas waiting for a decision, oldest first so nobody waits longest."""
    return list(
        db.session.execute(
            select(Idea).where(Idea.status == IdeaStatus.PENDING).order_by(Idea.id)
        ).scalars()
    )


def public_ideas_with_link_counts() -> list[tuple[Idea, int]]:
    """Published (and later) ideas, each with how many outcomes it is linked to."""
    links = (
        select(OutcomeLink.idea_id, func.count(OutcomeLink.id).label("links"))
        .group_by(OutcomeLink.idea_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Idea, func.coalesce(links.c.links, 0))
        .outerjoin(links, links.c.idea_id == Idea.id)
        .where(Idea.status.in_(PUBLIC_STATUSES))
        .order_by(Idea.id.desc())
    )
    return [(idea, count) for idea, count in rows]


def outcome_choices() -> list[SelectChoice]:
    """Every outcome for a picker, grouped by framework and group, in source order."""
    frameworks = db.session.execute(
        select(OutcomeFramework).order_by(OutcomeFramework.position)
    ).scalars()
    return [
        SelectChoice(o.code, f"{o.code} {o.wording}", optgroup=f"{framework.name}: {group.title}")
        for framework in frameworks
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


def all_consultations() -> list[Consultation]:
    """Every consultation, drafts included, newest first."""
    return list(db.session.execute(select(Consultation).order_by(Consultation.id.desc())).scalars())


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
