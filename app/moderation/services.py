"""The rules for staff work: the queue, outcome links and consultation phases."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from app.audit import record
from app.extensions import db
from app.models import (
    PUBLIC_STATUSES,
    Consultation,
    Idea,
    IdeaStatus,
    Outcome,
    OutcomeFramework,
    OutcomeLink,
    Phase,
    Role,
    User,
)
from app.rules import RuleError

RATIONALE_MAX = 1000


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


def set_phase(consultation: Consultation, actor: User, phase: Phase) -> None:
    """Move a consultation to another phase (open for ideas, open for votes, closed...)."""
    _require_staff(actor)
    if consultation.phase == phase:
        raise RuleError(_l("The consultation is already in that phase."))
    previous = consultation.phase
    consultation.phase = phase
    record(actor, "consultation.phase", consultation, previous=previous.value, to=phase.value)
    db.session.commit()
