"""The rules for staff work: the queue, outcome links and consultations.

Staff act only in the library services they belong to, and see only those services' ideas and
consultations; admins act in all of them (`app.access`).
"""

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from app import personal_info
from app.access import acts_in, member_library_service_ids, refuse_unless_staff_of
from app.audit import record
from app.extensions import db
from app.i18n import _l
from app.ideas.services import change_status, check_text, replace_words
from app.models import (
    PUBLIC_STATUSES,
    Branch,
    Colour,
    Consultation,
    Idea,
    IdeaRevision,
    IdeaStatus,
    LibraryService,
    Outcome,
    OutcomeLink,
    Phase,
    Picture,
    Role,
    User,
    utcnow,
)
from app.models.consultations import default_colour, default_picture
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


def has_no_membership(actor: User) -> bool:
    """True for staff who belong to no library service yet, and so see empty lists."""
    return actor.role == Role.STAFF and member_library_service_ids(actor) == frozenset()


def _ideas_of_members(statement: Select, actor: User) -> Select:
    """Narrow a query of ideas to those of the library services `actor` acts in."""
    ids = member_library_service_ids(actor)
    if ids is None:
        return statement
    return statement.join(Consultation, Idea.consultation_id == Consultation.id).where(
        Consultation.library_service_id.in_(sorted(ids))
    )


# Each waiting idea's card carries a whole decision form: a page of them is a shorter one.
QUEUE_PER_PAGE = 10


def moderation_queue(actor: User, cursor: Cursor | None = None) -> Page[Idea]:
    """A page of ideas waiting for a decision in `actor`'s library services, oldest first."""
    statement = (
        select(Idea)
        .where(Idea.status == IdeaStatus.PENDING)
        .options(joinedload(Idea.author), joinedload(Idea.consultation))
    )
    statement = _ideas_of_members(statement, actor)
    return paginate(statement, [Idea.id], cursor, per_page=QUEUE_PER_PAGE)


def waiting_count(actor: User) -> int:
    """How many ideas wait for a decision in `actor`'s library services."""
    statement = select(func.count(Idea.id)).where(Idea.status == IdeaStatus.PENDING)
    return db.session.execute(_ideas_of_members(statement, actor)).scalar_one()


def public_ideas_with_link_counts(
    actor: User, cursor: Cursor | None = None
) -> Page[tuple[Idea, int]]:
    """A page of `actor`'s library services' published (and later) ideas, newest first.

    Each comes with how many outcomes it is linked to.
    """
    links = (
        select(func.count(OutcomeLink.id))
        .where(OutcomeLink.idea_id == Idea.id)
        .correlate(Idea)
        .scalar_subquery()
    )
    statement = (
        select(Idea, links)
        .where(Idea.status.in_(PUBLIC_STATUSES))
        .options(joinedload(Idea.consultation))
    )
    return paginate(_ideas_of_members(statement, actor), [Idea.id], cursor, descending=True)


def outcome_choices() -> list[SelectChoice]:
    """Every outcome for a picker, grouped by framework and group, in source order."""
    return [
        SelectChoice(o.code, f"{o.code} {o.wording}", optgroup=f"{framework.name}: {group.title}")
        for framework in all_frameworks()
        for group in framework.groups
        for o in group.outcomes
    ]


def check_outcome_link(idea: Idea, outcome_code: str, rationale: str) -> tuple[Outcome, str]:
    """The outcome and the trimmed reason, or a RuleError saying what is wrong with them."""
    outcome = db.session.execute(
        select(Outcome).where(Outcome.code == outcome_code)
    ).scalar_one_or_none()
    if outcome is None:
        raise RuleError(_l("Please choose an outcome from the list."), field="outcome")
    rationale = rationale.strip()
    if not rationale or len(rationale) > RATIONALE_MAX:
        raise RuleError(
            _l("Please say in up to 1000 characters why the idea serves this outcome."),
            field="rationale",
        )
    if any(link.outcome_id == outcome.id for link in idea.outcome_links):
        raise RuleError(_l("This idea is already linked to that outcome."), field="outcome")
    return outcome, rationale


def decide(
    idea: Idea,
    actor: User,
    to_status: IdeaStatus,
    message: str = "",
    outcome_code: str = "",
    rationale: str = "",
    message_language: str = "en",
) -> OutcomeLink | None:
    """Make a decision on an idea and, when it publishes the idea, link one outcome with it.

    The outcome and its reason are checked before anything changes, so a decision refused for
    its link changes nothing. The decision follows the lifecycle's rules (`change_status`), and
    ideas held for personal details are decided on their own page (`decide_in_place`).
    """
    if outcome_code or rationale.strip():
        if to_status not in PUBLIC_STATUSES:
            raise RuleError(
                _l(
                    "An outcome is linked only to an idea you approve. "
                    "Approve it, or leave the outcome empty."
                ),
                field="outcome",
            )
        if not outcome_code:
            raise RuleError(_l("Please choose an outcome from the list."), field="outcome")
        check_outcome_link(idea, outcome_code, rationale)
    change_status(idea, actor, to_status, message, message_language)
    if not outcome_code:
        return None
    return link_outcome(idea, outcome_code, actor, rationale)


def decide_in_place(
    idea: Idea,
    actor: User,
    to_status: IdeaStatus,
    message: str = "",
    outcome_code: str = "",
    rationale: str = "",
    message_language: str = "en",
) -> OutcomeLink | None:
    """A decision made from the queue: refused for an idea held for personal details, which
    staff open first, to check and change its words (see `decide`)."""
    if idea.held_for_personal_info:
        raise RuleError(
            _l(
                "This idea may include personal details. "
                "Open it to check its words before you decide."
            )
        )
    if idea.status != IdeaStatus.PENDING:
        raise RuleError(_l("This idea has already been decided on."))
    return decide(idea, actor, to_status, message, outcome_code, rationale, message_language)


def translate_idea(idea: Idea, actor: User, title: str, description: str) -> None:
    """Staff give an idea written in another language an English translation, or change it.

    Readers of other languages are shown it, with the original a tap away; who made it and
    when are kept with it.
    """
    refuse_unless_staff_of(actor, idea.consultation.library_service_id)
    if idea.language == "en":
        raise RuleError(_l("This idea is written in English, so it needs no translation."))
    title, description = check_text(title, description)
    idea.translated_title, idea.translated_description = title, description
    idea.translated_by, idea.translated_at = actor, utcnow()
    # The translation is kept on the idea; the log says only that it was made.
    record(actor, "idea.translate", idea)
    db.session.commit()


def link_outcome(idea: Idea, outcome_code: str, actor: User, rationale: str) -> OutcomeLink:
    """Link a public idea to an outcome, saying why; each outcome at most once per idea.

    Only admins and staff of the idea's library service may.
    """
    refuse_unless_staff_of(actor, idea.consultation.library_service_id)
    if not idea.is_public:
        raise RuleError(_l("Only published ideas can be linked to outcomes."))
    outcome, rationale = check_outcome_link(idea, outcome_code, rationale)
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
    """Remove an outcome link; the audit log keeps what it said.

    Only admins and staff of the idea's library service may.
    """
    refuse_unless_staff_of(actor, link.idea.consultation.library_service_id)
    record(actor, "outcome.unlink", link.idea, outcome=link.outcome.code, rationale=link.rationale)
    db.session.delete(link)
    db.session.commit()


def all_consultations(actor: User, cursor: Cursor | None = None) -> Page[Consultation]:
    """A page of the consultations of `actor`'s library services, drafts included, newest first."""
    statement = select(Consultation).options(
        joinedload(Consultation.library_service), joinedload(Consultation.branch)
    )
    ids = member_library_service_ids(actor)
    if ids is not None:
        statement = statement.where(Consultation.library_service_id.in_(sorted(ids)))
    return paginate(statement, [Consultation.id], cursor, descending=True)


def library_services_of(actor: User) -> list[LibraryService]:
    """The library services `actor` acts in (all, for admins), by name, with their libraries.

    The choices on the consultation form. Not paged: a choice list must offer every one.
    """
    statement = (
        select(LibraryService)
        .options(selectinload(LibraryService.branches))
        .order_by(LibraryService.name)
    )
    ids = member_library_service_ids(actor)
    if ids is not None:
        statement = statement.where(LibraryService.id.in_(sorted(ids)))
    return list(db.session.execute(statement).scalars())


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
    colour: Colour | None = None,
    picture: Picture | None = None,
) -> Consultation:
    """Create a consultation (as a draft) or change one; refuses anything inconsistent.

    Staff put questions, and change them, only in the library services they belong to. A
    consultation saved without a colour or picture keeps its own, or, when new, gets the
    ones its id gives.
    """
    _require_staff(actor)
    if consultation is not None:
        refuse_unless_staff_of(actor, consultation.library_service_id)
    service = db.session.get(LibraryService, library_service_id)
    if service is None:
        raise RuleError(_l("Please choose a library service from the list."))
    if not acts_in(actor, service.id):
        raise RuleError(_l("Please choose one of the library services you belong to."))
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
    consultation.colour = colour or (
        default_colour(consultation.id) if created else consultation.colour
    )
    consultation.picture = picture or (
        default_picture(consultation.id) if created else consultation.picture
    )
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
        colour=consultation.colour.value,
        picture=consultation.picture.value,
    )
    db.session.commit()
    return consultation


def set_phase(consultation: Consultation, actor: User, phase: Phase) -> None:
    """Move a consultation to another phase (open for ideas, open for votes, closed...).

    Only admins and staff of the consultation's library service may.
    """
    refuse_unless_staff_of(actor, consultation.library_service_id)
    if consultation.phase == phase:
        raise RuleError(_l("The consultation is already in that phase."))
    previous = consultation.phase
    consultation.phase = phase
    record(actor, "consultation.phase", consultation, previous=previous.value, to=phase.value)
    db.session.commit()


# Personal information in ideas: what staff see highlighted, and redacting it -----------------

# Revisions shown on an idea's staff page; the rest are a page of their own.
RECENT_REVISIONS = 3


@dataclass(frozen=True)
class MarkedWords:
    """An idea's words, escaped, with what looks like personal information highlighted."""

    title: Markup
    description: Markup
    found: str  # the kinds found, in words; "" if none


def marked_words(idea: Idea) -> MarkedWords:
    """The idea's title and description with each possible personal detail in a <mark>."""
    in_title = personal_info.personal_info_in(idea.title)
    in_description = personal_info.personal_info_in(idea.description)
    return MarkedWords(
        personal_info.highlight(idea.title, in_title),
        personal_info.highlight(idea.description, in_description),
        personal_info.describe(in_title + in_description),
    )


def redact_idea(idea: Idea, actor: User, title: str, description: str) -> bool:
    """Staff replace an idea's words; the words as they were are kept, for staff only.

    The idea stays held while its new words still seem to hold personal information, and is
    no longer held once they do not. Returns whether it is still held.
    """
    refuse_unless_staff_of(actor, idea.consultation.library_service_id)
    title, description = check_text(title, description)
    if (title, description) == (idea.title, idea.description):
        raise RuleError(_l("The words are the same as before, so nothing was changed."))
    still = replace_words(idea, actor, title, description, reason="redacted")
    # What was taken out stays in the revision, never in the audit log.
    record(actor, "idea.redact", idea, held_for_personal_info=still)
    db.session.commit()
    return still


def remove_personal_info(idea: Idea, actor: User) -> bool:
    """Replace everything in an idea's words that looks like personal information.

    Each match becomes "[removed]"; see `redact_idea`. Returns whether it is still held.
    """
    in_title = personal_info.personal_info_in(idea.title)
    in_description = personal_info.personal_info_in(idea.description)
    if not in_title and not in_description:
        raise RuleError(_l("Nothing in this idea looks like personal information."))
    return redact_idea(
        idea,
        actor,
        personal_info.remove_matches(idea.title, in_title),
        personal_info.remove_matches(idea.description, in_description),
    )


def revisions_of(idea: Idea, cursor: Cursor | None = None) -> Page[IdeaRevision]:
    """A page of an idea's earlier words, newest first, with who replaced them."""
    return paginate(
        select(IdeaRevision)
        .where(IdeaRevision.idea_id == idea.id)
        .options(joinedload(IdeaRevision.edited_by)),
        [IdeaRevision.id],
        cursor,
        descending=True,
    )


def recent_revisions(idea: Idea) -> tuple[list[IdeaRevision], int]:
    """The idea's newest few earlier versions, and how many there are in all."""
    recent = db.session.execute(
        select(IdeaRevision)
        .where(IdeaRevision.idea_id == idea.id)
        .options(joinedload(IdeaRevision.edited_by))
        .order_by(IdeaRevision.id.desc())
        .limit(RECENT_REVISIONS)
    ).scalars()
    total = db.session.execute(
        select(func.count(IdeaRevision.id)).where(IdeaRevision.idea_id == idea.id)
    ).scalar_one()
    return list(recent), total
