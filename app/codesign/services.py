"""The rules for co-designed services: starting them from accepted ideas, their lifecycle,
outcome links, young co-designers, partners, co-design sessions and staff skills.

Staff act only in the library services they belong to (admins in all); QLP reviewers read
every service but change none. Every write is audited in the same transaction.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import to_user_timezone
from sqlalchemy import delete, distinct, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.access import (
    STAFF_ROLES,
    may_add_partners,
    member_library_service_ids,
    public_ideas,
    readable_library_service_ids,
    refuse_unless_staff_of,
)
from app.audit import record
from app.extensions import db
from app.i18n import _l
from app.ideas.services import MESSAGE_MAX, advance_idea
from app.models import (
    AGE_BANDS,
    BeneficiaryGroup,
    Branch,
    CodesignService,
    CodesignSession,
    CodesignVolunteer,
    Consultation,
    Idea,
    IdeaStatus,
    Outcome,
    OutcomeLink,
    Partner,
    PartnerKind,
    ServiceOutcomeLink,
    ServiceStatus,
    ServiceStatusChange,
    StaffMembership,
    StaffSkill,
    User,
    VolunteerStatus,
    utcnow,
)
from app.models.codesign import codesign_service_partners
from app.notices.services import help_accepted
from app.pagination import Cursor, Page, paginate
from app.review.services import NotAllowed, is_quality_leader
from app.rules import RuleError

S = ServiceStatus

# A service moves one step forward at a time...
FORWARD: dict[ServiceStatus, ServiceStatus] = {
    S.PLANNING: S.CODESIGNING,
    S.CODESIGNING: S.PILOTING,
    S.PILOTING: S.DELIVERED,
    S.DELIVERED: S.MAINSTREAMED,
}
# ...or stops, from anywhere but these, where its story has ended.
FINAL = frozenset({S.MAINSTREAMED, S.STOPPED})
# Ideas can join a service while it is still being shaped.
OPEN_TO_IDEAS = frozenset({S.PLANNING, S.CODESIGNING, S.PILOTING})

NAME_MAX = 120
SUMMARY_MAX = 2000
NEED_MAX = 2000
RATIONALE_MAX = 1000
PARTNER_NAME_MAX = 120
PLACE_MAX = 200
NOTE_MAX = 2000
DECISIONS_MAX = 4000
SKILL_MAX = 200
EVIDENCE_MAX = 4000
LESSONS_MAX = 8000
ATTENDANCE_MAX = 500
# Attendance is counted by age band, and "adults" for the older generation (aim d).
ADULTS = "adults"
ATTENDANCE_KEYS = (*AGE_BANDS, ADULTS)
# Most ideas one service can be started from at once.
IDEAS_AT_ONCE = 50

START_MESSAGE = _l("We have started planning this with young people.")


# Who may act -------------------------------------------------------------------------------


def library_staff(library_service_id: int) -> list[User]:
    """The staff who belong to a library service, by pseudonym: Quality Leader and Team choices.

    Not paged: a choice list must offer everyone, and a library service has tens of staff.
    """
    return list(
        db.session.execute(
            select(User)
            .join(StaffMembership, StaffMembership.user_id == User.id)
            .where(
                StaffMembership.library_service_id == library_service_id,
                User.role.in_(STAFF_ROLES),
            )
            .order_by(User.username)
        ).scalars()
    )


def library_branches(library_service_id: int) -> list[Branch]:
    """A library service's branches, by name."""
    return list(
        db.session.execute(
            select(Branch)
            .where(Branch.library_service_id == library_service_id)
            .order_by(Branch.name)
        ).scalars()
    )


def all_partners() -> list[Partner]:
    """Every partner by name, whatever its letter case: the choices in forms (not paged)."""
    return list(
        db.session.execute(select(Partner).order_by(func.lower(Partner.name), Partner.id)).scalars()
    )


# Lists -------------------------------------------------------------------------------------


def services_page(viewer: User, cursor: Cursor | None = None) -> Page[tuple[CodesignService, int]]:
    """A page of the services `viewer` reads, newest first, each with how many ideas it has."""
    idea_count = (
        select(func.count(Idea.id))
        .where(Idea.codesign_service_id == CodesignService.id)
        .correlate(CodesignService)
        .scalar_subquery()
    )
    statement = select(CodesignService, idea_count).options(
        joinedload(CodesignService.library_service)
    )
    scope = readable_library_service_ids(viewer)
    if scope is not None:
        statement = statement.where(CodesignService.library_service_id.in_(sorted(scope)))
    return paginate(statement, [CodesignService.id], cursor, descending=True)


def waiting_ideas_page(viewer: User, cursor: Cursor | None = None) -> Page[Idea]:
    """A page of accepted ideas not yet in a service, in the library services `viewer` reads.

    Those of a consultation taken back to draft only for its staff and admins (app.access):
    no service is built from them yet, so QLP reviewers do not read them.
    """
    statement = (
        select(Idea)
        .join(Idea.consultation)
        .where(Idea.status == IdeaStatus.ACCEPTED, Idea.codesign_service_id.is_(None))
        .options(contains_eager(Idea.consultation).joinedload(Consultation.library_service))
    )
    scope = readable_library_service_ids(viewer)
    if scope is not None:
        statement = statement.where(Consultation.library_service_id.in_(sorted(scope)))
    members = member_library_service_ids(viewer)
    if members is not None:
        statement = statement.where(
            or_(public_ideas(), Consultation.library_service_id.in_(sorted(members)))
        )
    return paginate(statement, [Idea.id], cursor, descending=True)


def ideas_to_add(service: CodesignService) -> list[Idea]:
    """Accepted ideas of the service's library service that are in no service yet (choices)."""
    return list(
        db.session.execute(
            select(Idea)
            .join(Idea.consultation)
            .where(
                Idea.status == IdeaStatus.ACCEPTED,
                Idea.codesign_service_id.is_(None),
                Consultation.library_service_id == service.library_service_id,
            )
            .order_by(Idea.id.desc())
        ).scalars()
    )


def load_service(service_id: int) -> CodesignService | None:
    """One service with everything its page shows about it, in a fixed number of queries."""
    return db.session.execute(
        select(CodesignService)
        .where(CodesignService.id == service_id)
        .options(
            joinedload(CodesignService.library_service),
            joinedload(CodesignService.quality_leader),
            joinedload(CodesignService.lessons_by),
            selectinload(CodesignService.branches),
            selectinload(CodesignService.team),
            selectinload(CodesignService.partners),
            selectinload(CodesignService.ideas),
            selectinload(CodesignService.history).joinedload(ServiceStatusChange.actor),
            selectinload(CodesignService.outcome_links).joinedload(ServiceOutcomeLink.outcome),
            selectinload(CodesignService.outcome_links).joinedload(ServiceOutcomeLink.linked_by),
        )
    ).scalar_one_or_none()


def _day_number(column):
    """A date as a whole number (20240131), so lists can be paged by date on any database."""
    return sa.cast(
        sa.extract("year", column) * 10000
        + sa.extract("month", column) * 100
        + sa.extract("day", column),
        sa.Integer,
    )


def sessions_page(service: CodesignService, cursor: Cursor | None = None) -> Page[CodesignSession]:
    """A page of the service's sessions, the most recently held first, with who came."""
    return paginate(
        select(CodesignSession)
        .where(CodesignSession.service_id == service.id)
        .options(selectinload(CodesignSession.partners)),
        [_day_number(CodesignSession.held_on), CodesignSession.id],
        cursor,
        descending=True,
    )


def all_sessions(service: CodesignService) -> list[CodesignSession]:
    """Every session of a service, the most recent first: the choices for a skill's session."""
    return list(
        db.session.execute(
            select(CodesignSession)
            .where(CodesignSession.service_id == service.id)
            .order_by(CodesignSession.held_on.desc(), CodesignSession.id.desc())
        ).scalars()
    )


def skills_page(service: CodesignService, cursor: Cursor | None = None) -> Page[StaffSkill]:
    """A page of the staff skills recorded for the service, newest first."""
    return paginate(
        select(StaffSkill)
        .where(StaffSkill.service_id == service.id)
        .options(joinedload(StaffSkill.staff), joinedload(StaffSkill.session)),
        [StaffSkill.id],
        cursor,
        descending=True,
    )


def volunteers_page(
    service: CodesignService, cursor: Cursor | None = None
) -> Page[CodesignVolunteer]:
    """A page of the young people who offered to help design the service's ideas.

    Offers still waiting for an answer come first, oldest first, so nobody waits longest.
    """
    waiting_last = sa.case((CodesignVolunteer.status == VolunteerStatus.OFFERED, 0), else_=1)
    return paginate(
        select(CodesignVolunteer)
        .join(CodesignVolunteer.idea)
        .where(Idea.codesign_service_id == service.id)
        .options(contains_eager(CodesignVolunteer.idea), joinedload(CodesignVolunteer.user)),
        [waiting_last, CodesignVolunteer.id],
        cursor,
    )


@dataclass(frozen=True)
class CodesignerCounts:
    """How many young people help design a service, by age band, and never who they are."""

    # Accepted co-designers in each age band, every band in order (0 where none).
    by_age_band: list[tuple[str, int]]
    co_designers: int
    # Young people whose offer waits for staff's answer.
    waiting: int


def codesigner_counts(service: CodesignService) -> CodesignerCounts:
    """The service's co-designers counted by age band, and the offers waiting (one query).

    A young person who offered for two of its ideas is counted once in each count.
    """
    people = func.count(distinct(CodesignVolunteer.user_id))
    rows = db.session.execute(
        select(CodesignVolunteer.status, User.age_band, people)
        .join(Idea, Idea.id == CodesignVolunteer.idea_id)
        .join(User, User.id == CodesignVolunteer.user_id)
        .where(
            Idea.codesign_service_id == service.id,
            CodesignVolunteer.status.in_([VolunteerStatus.OFFERED, VolunteerStatus.ACCEPTED]),
        )
        .group_by(CodesignVolunteer.status, User.age_band)
    ).all()
    accepted = {band: n for status, band, n in rows if status == VolunteerStatus.ACCEPTED}
    return CodesignerCounts(
        by_age_band=[(band, accepted.get(band, 0)) for band in AGE_BANDS],
        co_designers=sum(accepted.values()),
        waiting=sum(n for status, _band, n in rows if status == VolunteerStatus.OFFERED),
    )


def partners_page(cursor: Cursor | None = None) -> Page[tuple[Partner, int]]:
    """A page of every partner by name, each with how many services it works on."""
    service_count = (
        select(func.count())
        .select_from(codesign_service_partners)
        .where(codesign_service_partners.c.partner_id == Partner.id)
        .correlate(Partner)
        .scalar_subquery()
    )
    return paginate(
        select(Partner, service_count),
        [func.lower(Partner.name, type_=sa.String), Partner.id],
        cursor,
    )


# Starting a service and its details ---------------------------------------------------------


def _check_message(message: str, *, stopping: bool = False) -> str:
    """A public message: required, and short enough to read."""
    message = message.strip()
    if not message:
        if stopping:
            raise RuleError(_l("Please say why the service stopped: young people will read it."))
        raise RuleError(_l("Please write a message for young people about this change."))
    if len(message) > MESSAGE_MAX:
        raise RuleError(_l("Please keep the message under 1000 characters."))
    return message


def _check_details(
    library_service_id: int,
    *,
    name: str,
    summary: str,
    need: str,
    age_bands: list[str],
    beneficiary_groups: list[str],
    branch_ids: list[int],
    quality_leader_id: int | None,
    team_ids: list[int],
    partner_ids: list[int],
) -> dict:
    """Check a service's details against its library service; the values to store."""
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise RuleError(_l("Please give the service a name of up to 120 characters."))
    summary, need = summary.strip(), need.strip()
    if not summary or len(summary) > SUMMARY_MAX:
        raise RuleError(
            _l("Please say in plain words, in up to 2000 characters, what the service is.")
        )
    if not need or len(need) > NEED_MAX:
        raise RuleError(_l("Please say in up to 2000 characters what need the service meets."))
    if not age_bands or not set(age_bands) <= set(AGE_BANDS):
        raise RuleError(_l("Please choose the age bands the service is for."))
    groups = {group.value for group in BeneficiaryGroup}
    if not beneficiary_groups or not set(beneficiary_groups) <= groups:
        raise RuleError(_l("Please choose who the service is for."))
    branches = library_branches(library_service_id)
    chosen_branches = [branch for branch in branches if branch.id in set(branch_ids)]
    if len(chosen_branches) != len(set(branch_ids)):
        raise RuleError(_l("Please choose libraries of this library service."))
    staff = {user.id: user for user in library_staff(library_service_id)}
    if quality_leader_id is not None and quality_leader_id not in staff:
        raise RuleError(
            _l("Please choose a Quality Leader among the staff of this library service.")
        )
    if not set(team_ids) <= set(staff):
        raise RuleError(
            _l("Please choose Quality Team members among the staff of this library service.")
        )
    partners = list(
        db.session.execute(select(Partner).where(Partner.id.in_(sorted(set(partner_ids)))))
        .scalars()
        .all()
    )
    if len(partners) != len(set(partner_ids)):
        raise RuleError(_l("Please choose partners from the list."))
    return {
        "name": name,
        "summary": summary,
        "need": need,
        "age_bands": [band for band in AGE_BANDS if band in set(age_bands)],
        "beneficiary_groups": [g.value for g in BeneficiaryGroup if g.value in beneficiary_groups],
        "branches": chosen_branches,
        "quality_leader": staff.get(quality_leader_id) if quality_leader_id else None,
        "team": [
            staff[user_id] for user_id in sorted(set(team_ids), key=lambda i: staff[i].username)
        ],
        "partners": sorted(partners, key=lambda p: p.name.lower()),
    }


def _check_can_join(idea: Idea) -> None:
    """Refuse an idea that is not accepted, or already part of a service."""
    if idea.codesign_service_id is not None:
        raise RuleError(_l("“%(title)s” is already part of a service.", title=idea.title))
    if idea.status != IdeaStatus.ACCEPTED:
        raise RuleError(
            _l("Only accepted ideas can join a service, and “%(title)s” is not.", title=idea.title)
        )


def check_startable(actor: User, ideas: list[Idea]) -> int:
    """Refuse ideas a service cannot start from; the library service they share.

    All must be accepted, in no service yet, and of one library service the actor acts in.
    """
    if not ideas:
        raise RuleError(_l("Please choose one or more accepted ideas to start a service from."))
    if len(ideas) > IDEAS_AT_ONCE:
        raise RuleError(_l("Please start a service from at most 50 ideas at once."))
    library_service_ids = {idea.consultation.library_service_id for idea in ideas}
    if len(library_service_ids) > 1:
        raise RuleError(_l("A service starts from ideas of one library service only."))
    library_service_id = library_service_ids.pop()
    refuse_unless_staff_of(actor, library_service_id)
    for idea in ideas:
        _check_can_join(idea)
    return library_service_id


def _join(idea: Idea, service: CodesignService, actor: User, message: str) -> None:
    """Move an accepted idea into a service, with a step in its history (not committed).

    The idea moves only if it is still accepted and in no service, so two staff starting
    services from the same idea at once never both take it: the second is refused.
    """
    title = idea.title
    joined = advance_idea(
        idea,
        actor,
        IdeaStatus.IN_CODESIGN,
        message,
        when=[Idea.status == IdeaStatus.ACCEPTED, Idea.codesign_service_id.is_(None)],
        codesign_service_id=service.id,
    )
    if not joined:
        db.session.rollback()
        raise RuleError(
            _l(
                "Someone put “%(title)s” in a service just now. Please look at it again.",
                title=title,
            )
        )
    record(
        actor,
        "idea.status",
        idea,
        previous=IdeaStatus.ACCEPTED.value,
        to=IdeaStatus.IN_CODESIGN.value,
        service=service.id,
    )


def start_service(
    actor: User,
    ideas: list[Idea],
    *,
    name: str,
    summary: str,
    need: str,
    age_bands: list[str],
    beneficiary_groups: list[str],
    branch_ids: list[int],
    quality_leader_id: int | None,
    team_ids: list[int],
    partner_ids: list[int],
    message: str | None = None,
) -> CodesignService:
    """Start a co-designed service from accepted ideas, which move to "in co-design".

    The service starts in planning, with a public message (by default "We have started
    planning this with young people.") in its history and in each idea's.
    """
    library_service_id = check_startable(actor, ideas)
    details = _check_details(
        library_service_id,
        name=name,
        summary=summary,
        need=need,
        age_bands=age_bands,
        beneficiary_groups=beneficiary_groups,
        branch_ids=branch_ids,
        quality_leader_id=quality_leader_id,
        team_ids=team_ids,
        partner_ids=partner_ids,
    )
    message = _check_message(str(START_MESSAGE) if message is None else message)
    service = CodesignService(
        library_service_id=library_service_id,
        status=S.PLANNING,
        created_by_id=actor.id,
        **details,
    )
    db.session.add(service)
    db.session.add(
        ServiceStatusChange(
            service=service, actor=actor, from_status=None, to_status=S.PLANNING, message=message
        )
    )
    db.session.flush()
    # Always in the same order, so two starts sharing ideas wait for each other, never deadlock.
    for idea in sorted(ideas, key=lambda i: i.id):
        _join(idea, service, actor, message)
    record(
        actor,
        "service.start",
        service,
        name=service.name,
        ideas=sorted(idea.id for idea in ideas),
        message=message,
    )
    db.session.commit()
    return service


def edit_service(
    service: CodesignService,
    actor: User,
    *,
    name: str,
    summary: str,
    need: str,
    age_bands: list[str],
    beneficiary_groups: list[str],
    branch_ids: list[int],
    quality_leader_id: int | None,
    team_ids: list[int],
    partner_ids: list[int],
) -> None:
    """Change a service's details: name, words for young people, who it is for, and who runs it."""
    refuse_unless_staff_of(actor, service.library_service_id)
    details = _check_details(
        service.library_service_id,
        name=name,
        summary=summary,
        need=need,
        age_bands=age_bands,
        beneficiary_groups=beneficiary_groups,
        branch_ids=branch_ids,
        quality_leader_id=quality_leader_id,
        team_ids=team_ids,
        partner_ids=partner_ids,
    )
    for key, value in details.items():
        setattr(service, key, value)
    record(
        actor,
        "service.edit",
        service,
        name=details["name"],
        age_bands=details["age_bands"],
        beneficiary_groups=details["beneficiary_groups"],
        branches=[branch.id for branch in details["branches"]],
        quality_leader=quality_leader_id,
        team=sorted(set(team_ids)),
        partners=sorted(set(partner_ids)),
    )
    db.session.commit()


def add_idea(service: CodesignService, idea: Idea, actor: User, message: str | None = None) -> None:
    """An accepted idea of the same library service joins a service still being shaped."""
    refuse_unless_staff_of(actor, service.library_service_id)
    if idea.consultation.library_service_id != service.library_service_id:
        raise RuleError(_l("Only ideas from this service's library service can join it."))
    if service.status not in OPEN_TO_IDEAS:
        raise RuleError(_l("Ideas can join a service only while it is planned, designed or tried."))
    _check_can_join(idea)
    if message is None:
        message = str(
            _l(
                "This idea is now part of “%(name)s”, which we are designing with young people.",
                name=service.name,
            )
        )
    message = _check_message(message)
    _join(idea, service, actor, message)
    record(actor, "service.add_idea", service, idea=idea.id)
    db.session.commit()
    db.session.expire(service, ["ideas"])


# The lifecycle ------------------------------------------------------------------------------


def next_statuses(service: CodesignService) -> list[ServiceStatus]:
    """Where staff may move the service now: one step forward, or stopped."""
    if service.status in FINAL:
        return []
    forward = FORWARD.get(service.status)
    return [status for status in (forward, S.STOPPED) if status is not None]


def change_service_status(
    service: CodesignService, actor: User, to_status: ServiceStatus, message: str
) -> ServiceStatusChange:
    """Move a service one step forward, or stop it, with a message young people read.

    Stopping needs the reason as its message. On "delivered", the service's ideas still in
    co-design are delivered too, with the same message. The change takes effect only if
    nobody changed the status since the service was read.
    """
    refuse_unless_staff_of(actor, service.library_service_id)
    if to_status not in next_statuses(service):
        raise RuleError(
            _l("A service moves one step forward at a time, or stops. It cannot move there now.")
        )
    message = _check_message(message, stopping=to_status == S.STOPPED)
    previous = service.status
    moved = db.session.execute(
        update(CodesignService)
        .where(CodesignService.id == service.id, CodesignService.status == previous)
        .values(status=to_status)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        db.session.rollback()
        raise RuleError(_l("Someone changed this service just now. Please look at it again."))
    set_committed_value(service, "status", to_status)
    change = ServiceStatusChange(
        service_id=service.id,
        actor_id=actor.id,
        from_status=previous,
        to_status=to_status,
        message=message,
    )
    db.session.add(change)
    delivered = _deliver_ideas(service, actor, message) if to_status == S.DELIVERED else []
    record(
        actor,
        "service.status",
        service,
        previous=previous.value,
        to=to_status.value,
        message=message,
        ideas_delivered=delivered,
    )
    db.session.commit()
    db.session.expire(service, ["history"])  # objects stay loaded after a commit
    return change


def _deliver_ideas(service: CodesignService, actor: User, message: str) -> list[int]:
    """Move the service's ideas still in co-design to delivered; the ids of those moved."""
    ideas = db.session.execute(
        select(Idea)
        .where(Idea.codesign_service_id == service.id, Idea.status == IdeaStatus.IN_CODESIGN)
        .order_by(Idea.id)
    ).scalars()
    moved_ids = []
    for idea in ideas:
        if not advance_idea(idea, actor, IdeaStatus.DELIVERED, message):
            continue  # it moved on some other way a moment ago
        record(
            actor,
            "idea.status",
            idea,
            previous=IdeaStatus.IN_CODESIGN.value,
            to=IdeaStatus.DELIVERED.value,
            service=service.id,
        )
        moved_ids.append(idea.id)
    return moved_ids


# Outcome links ------------------------------------------------------------------------------


def link_service_outcome(
    service: CodesignService, outcome_code: str, actor: User, rationale: str
) -> ServiceOutcomeLink:
    """Link a service to a Promise or QLP outcome, saying why; each outcome at most once."""
    refuse_unless_staff_of(actor, service.library_service_id)
    outcome = db.session.execute(
        select(Outcome).where(Outcome.code == outcome_code)
    ).scalar_one_or_none()
    if outcome is None:
        raise RuleError(_l("Please choose an outcome from the list."))
    rationale = rationale.strip()
    if not rationale or len(rationale) > RATIONALE_MAX:
        raise RuleError(
            _l("Please say in up to 1000 characters why the service serves this outcome.")
        )
    link = ServiceOutcomeLink(
        service_id=service.id, outcome=outcome, linked_by_id=actor.id, rationale=rationale
    )
    db.session.add(link)
    try:
        db.session.flush()
    except IntegrityError:  # the unique constraint: this link exists, perhaps sent just now
        db.session.rollback()
        raise RuleError(_l("This service is already linked to that outcome.")) from None
    record(actor, "service.link_outcome", service, outcome=outcome.code, rationale=rationale)
    db.session.commit()
    db.session.expire(service, ["outcome_links"])
    return link


def unlink_service_outcome(link: ServiceOutcomeLink, actor: User) -> None:
    """Remove a service's outcome link; the audit log keeps what it said."""
    service = link.service
    refuse_unless_staff_of(actor, service.library_service_id)
    record(
        actor,
        "service.unlink_outcome",
        service,
        outcome=link.outcome.code,
        rationale=link.rationale,
    )
    removed = db.session.execute(
        delete(ServiceOutcomeLink)
        .where(ServiceOutcomeLink.id == link.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if removed != 1:
        db.session.rollback()
        raise RuleError(_l("That link was removed just now."))
    db.session.commit()
    db.session.expire(service, ["outcome_links"])


def suggested_outcomes(service: CodesignService) -> list[OutcomeLink]:
    """The outcome links of the service's ideas for outcomes the service is not linked to.

    One per outcome (the first idea's), in the frameworks' order, for staff to confirm.
    """
    linked = select(ServiceOutcomeLink.outcome_id).where(
        ServiceOutcomeLink.service_id == service.id
    )
    links = db.session.execute(
        select(OutcomeLink)
        .join(OutcomeLink.idea)
        .join(OutcomeLink.outcome)
        .where(Idea.codesign_service_id == service.id, OutcomeLink.outcome_id.not_in(linked))
        .options(contains_eager(OutcomeLink.idea), contains_eager(OutcomeLink.outcome))
        .order_by(Outcome.id, OutcomeLink.id)
    ).scalars()
    suggestions: dict[int, OutcomeLink] = {}
    for link in links:
        suggestions.setdefault(link.outcome_id, link)
    return list(suggestions.values())


# Young co-designers -------------------------------------------------------------------------


def decide_volunteer(volunteer: CodesignVolunteer, actor: User, accept: bool) -> None:
    """Accept or decline a young person's offer to help design an idea.

    Only an offer still waiting is answered, so the same offer accepted twice at once takes
    effect once; the other is told it was already answered.
    """
    refuse_unless_staff_of(actor, volunteer.idea.consultation.library_service_id)
    to_status = VolunteerStatus.ACCEPTED if accept else VolunteerStatus.DECLINED
    now = utcnow()
    answered = db.session.execute(
        update(CodesignVolunteer)
        .where(
            CodesignVolunteer.id == volunteer.id,
            CodesignVolunteer.status == VolunteerStatus.OFFERED,
        )
        .values(status=to_status, decided_by_id=actor.id, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if answered != 1:
        db.session.rollback()
        raise RuleError(_l("This offer was already answered."))
    set_committed_value(volunteer, "status", to_status)
    set_committed_value(volunteer, "decided_by_id", actor.id)
    set_committed_value(volunteer, "decided_at", now)
    if accept:
        help_accepted(volunteer)
    record(
        actor,
        "volunteer.accept" if accept else "volunteer.decline",
        volunteer,
        idea=volunteer.idea_id,
    )
    db.session.commit()


# Partners -----------------------------------------------------------------------------------


def create_partner(
    actor: User, name: str, kind: str, *, service: CodesignService | None = None
) -> Partner:
    """Add a partner organisation (names are unique whatever their letter case).

    With `service`, the new partner also joins that service, in the same transaction.
    """
    if service is not None:
        refuse_unless_staff_of(actor, service.library_service_id)
    elif not may_add_partners(actor):
        raise RuleError(_l("Only staff of a library service can add partners."))
    name = " ".join(name.split())
    if not name or len(name) > PARTNER_NAME_MAX:
        raise RuleError(_l("Please give the partner a name of up to 120 characters."))
    try:
        kind = PartnerKind(kind)
    except ValueError:
        raise RuleError(_l("Please choose what kind of organisation it is.")) from None
    taken = (
        db.session.execute(select(Partner.name).where(func.lower(Partner.name) == name.lower()))
        .scalars()
        .first()
    )
    if taken is not None:
        raise RuleError(
            _l("There is already a partner called “%(name)s”. Please choose it.", name=taken)
        )
    partner = Partner(name=name, kind=kind)
    db.session.add(partner)
    try:
        db.session.flush()
    except IntegrityError:  # the same name, sent at the same moment
        db.session.rollback()
        raise RuleError(
            _l("There is already a partner called “%(name)s”. Please choose it.", name=name)
        ) from None
    record(actor, "partner.create", partner, name=name, kind=kind.value)
    if service is not None:
        _attach_partner(service, partner, actor)
    db.session.commit()
    if service is not None:
        db.session.expire(service, ["partners"])
    return partner


def _attach_partner(service: CodesignService, partner: Partner, actor: User) -> None:
    """Add the partner to the service (not committed); refused if it is there already."""
    name = partner.name
    already = db.session.execute(
        select(codesign_service_partners.c.partner_id).where(
            codesign_service_partners.c.service_id == service.id,
            codesign_service_partners.c.partner_id == partner.id,
        )
    ).first()
    refusal = RuleError(_l("%(name)s already works on this service.", name=name))
    if already is not None:
        raise refusal
    try:
        db.session.execute(
            insert(codesign_service_partners).values(service_id=service.id, partner_id=partner.id)
        )
    except IntegrityError:  # added by someone else at the same moment
        db.session.rollback()
        raise refusal from None
    record(actor, "service.add_partner", service, partner=partner.id, name=partner.name)


def add_partner(service: CodesignService, actor: User, partner: Partner) -> None:
    """An existing partner starts working on a service."""
    refuse_unless_staff_of(actor, service.library_service_id)
    _attach_partner(service, partner, actor)
    db.session.commit()
    db.session.expire(service, ["partners"])


def remove_partner(service: CodesignService, actor: User, partner: Partner) -> None:
    """A partner stops working on a service; the sessions it came to still say so."""
    refuse_unless_staff_of(actor, service.library_service_id)
    removed = db.session.execute(
        delete(codesign_service_partners).where(
            codesign_service_partners.c.service_id == service.id,
            codesign_service_partners.c.partner_id == partner.id,
        )
    ).rowcount
    if removed != 1:
        db.session.rollback()
        raise RuleError(_l("%(name)s does not work on this service.", name=partner.name))
    record(actor, "service.remove_partner", service, partner=partner.id, name=partner.name)
    db.session.commit()
    db.session.expire(service, ["partners"])


# Sessions and staff skills ------------------------------------------------------------------


def today() -> date:
    """Today's date where the libraries are (the site's timezone)."""
    return to_user_timezone(utcnow()).date()


def _check_session(
    service: CodesignService,
    *,
    held_on: date | None,
    place: str,
    attendance: dict[str, int],
    partner_ids: list[int],
    brought_together: bool,
    cohesion_note: str,
    decisions: str,
) -> dict:
    """Check what a session record says; the values to store."""
    if held_on is None:
        raise RuleError(_l("Please give the date of the session."))
    if held_on > today():
        raise RuleError(_l("A session is logged once it has happened: the date cannot be later."))
    place = " ".join(place.split())
    if not place or len(place) > PLACE_MAX:
        raise RuleError(_l("Please say in up to 200 characters where the session was held."))
    if not set(attendance) <= set(ATTENDANCE_KEYS):
        raise RuleError(_l("Please count people by the age bands on the form."))
    counts = {}
    for key in ATTENDANCE_KEYS:
        count = attendance.get(key) or 0
        if type(count) is not int or not 0 <= count <= ATTENDANCE_MAX:
            raise RuleError(_l("Please give each count as a whole number from 0 to 500."))
        counts[key] = count
    if sum(counts.values()) < 1:
        raise RuleError(_l("Please count at least one person who came."))
    partners = {partner.id: partner for partner in service.partners}
    if not set(partner_ids) <= set(partners):
        raise RuleError(_l("Please choose partners that work on this service."))
    cohesion_note = cohesion_note.strip() if brought_together else ""
    if brought_together and not cohesion_note:
        raise RuleError(
            _l("Please say how the session brought generations or communities together.")
        )
    if len(cohesion_note) > NOTE_MAX:
        raise RuleError(_l("Please keep the note under 2000 characters."))
    decisions = decisions.strip()
    if not decisions or len(decisions) > DECISIONS_MAX:
        raise RuleError(_l("Please say in up to 4000 characters what the young people decided."))
    return {
        "held_on": held_on,
        "place": place,
        "attendance": counts,
        "partners": [partners[i] for i in sorted(set(partner_ids))],
        "brought_together": bool(brought_together),
        "cohesion_note": cohesion_note,
        "decisions": decisions,
    }


def _session_detail(values: dict) -> dict:
    """What the audit log keeps of a session."""
    return {
        "held_on": values["held_on"].isoformat(),
        "place": values["place"],
        "attendance": values["attendance"],
        "partners": [partner.id for partner in values["partners"]],
        "brought_together": values["brought_together"],
    }


def log_session(service: CodesignService, actor: User, **fields) -> CodesignSession:
    """Log a co-design session: when, where, how many came by age band, what was decided.

    `fields`: held_on, place, attendance ({age band or "adults": count}), partner_ids,
    brought_together, cohesion_note (needed when brought_together), decisions.
    """
    refuse_unless_staff_of(actor, service.library_service_id)
    values = _check_session(service, **fields)
    session = CodesignSession(service_id=service.id, recorded_by_id=actor.id, **values)
    db.session.add(session)
    db.session.flush()
    record(actor, "session.log", session, service=service.id, **_session_detail(values))
    db.session.commit()
    return session


def edit_session(session: CodesignSession, actor: User, **fields) -> None:
    """Correct what a session record says (the same fields as `log_session`)."""
    service = session.service
    refuse_unless_staff_of(actor, service.library_service_id)
    values = _check_session(service, **fields)
    for key, value in values.items():
        setattr(session, key, value)
    record(actor, "session.edit", session, service=service.id, **_session_detail(values))
    db.session.commit()


def record_skill(
    service: CodesignService,
    actor: User,
    staff_id: int | None,
    skill: str,
    evidence: str,
    session_id: int | None = None,
) -> StaffSkill:
    """Record a skill a member of staff developed through the service (QLP outcome b)."""
    refuse_unless_staff_of(actor, service.library_service_id)
    if staff_id not in {user.id for user in library_staff(service.library_service_id)}:
        raise RuleError(_l("Please choose a member of staff of this library service."))
    skill, evidence = " ".join(skill.split()), evidence.strip()
    if not skill or len(skill) > SKILL_MAX:
        raise RuleError(_l("Please name the skill in up to 200 characters."))
    if not evidence or len(evidence) > EVIDENCE_MAX:
        raise RuleError(_l("Please give evidence of the skill in up to 4000 characters."))
    if session_id is not None:
        session = db.session.get(CodesignSession, session_id)
        if session is None or session.service_id != service.id:
            raise RuleError(_l("Please choose a session of this service."))
    row = StaffSkill(
        service_id=service.id,
        staff_id=staff_id,
        skill=skill,
        evidence=evidence,
        session_id=session_id,
        recorded_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    record(
        actor,
        "skill.record",
        row,
        service=service.id,
        staff=staff_id,
        skill=skill,
        session=session_id,
    )
    db.session.commit()
    return row


def write_lessons(service: CodesignService, actor: User, text: str) -> None:
    """The service's Quality Leader writes what was learned, for the QLP practice guide."""
    if not is_quality_leader(actor, service):
        raise NotAllowed(_l("Only the service's Quality Leader can write what was learned."))
    refuse_unless_staff_of(actor, service.library_service_id)
    text = (text or "").strip()
    if len(text) > LESSONS_MAX:
        raise RuleError(_l("Please write what was learned in up to 8000 characters."))
    service.lessons_learned = text
    service.lessons_by_id = actor.id
    service.lessons_at = utcnow()
    record(actor, "service.lessons", service, length=len(text))
    db.session.commit()
