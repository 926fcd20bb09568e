"""The rules for reports: anyone signed in tells staff an idea should not be shown, and why.

Once enough different people have reported a public idea (each library service chooses how
many), it is hidden until staff decide: they keep it (it comes back as it was) or agree and
hide it. Who reported an idea is never shown to anyone, staff included: a decision needs the
reasons, the words reporters added and how many they are, never who they are. So a report is
audited without its reporter, whoever that is.
"""

from dataclasses import dataclass

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.access import idea_is_public, member_library_service_ids, refuse_unless_staff_of
from app.audit import record
from app.extensions import db
from app.i18n import _l
from app.ideas.languages import page_language
from app.ideas.services import advance_idea, check_message, message_language_of
from app.live.events import audited
from app.models import (
    AuditEntry,
    Consultation,
    Idea,
    IdeaReport,
    IdeaStatus,
    IdeaStatusChange,
    LibraryService,
    ReportOutcome,
    ReportReason,
    Role,
    StaffMembership,
    User,
    utcnow,
)
from app.pagination import Cursor, Page, paginate
from app.rules import RuleError

DETAILS_MAX = 300
REPORTS_TO_HIDE_MAX = 20

# Told to the author, in the idea's history, when reports hide their idea.
HIDDEN_BY_REPORTS = _l(
    "Your idea is hidden for now while library staff check it, because some people reported "
    "it. You do not need to do anything."
)
# Told to the author when staff agree with the reports, unless staff write their own words.
HIDDEN_BY_STAFF = _l(
    "Library staff have hidden your idea because it does not follow the rules for ideas here."
)
# Told to the author when staff bring back an idea reports had hidden.
SHOWN_AGAIN = _l("Library staff checked your idea, and it is shown again.")
ALREADY_REPORTED = _l("You have already reported this idea. Library staff will look at it.")


def refusal(reporter: User, idea: Idea) -> str | None:
    """Why this person may not report this idea, in words; None if they may."""
    if idea.author_id == reporter.id:
        return _l("This is your own idea, so you cannot report it. You can withdraw it instead.")
    if not idea_is_public(idea):
        return _l("This idea is not shown to others now, so there is nothing to report.")
    return None


def has_reported(reporter: User, idea: Idea) -> bool:
    """True if this person has reported this idea before (whatever staff decided)."""
    return (
        db.session.execute(
            select(IdeaReport.id).where(
                IdeaReport.idea_id == idea.id, IdeaReport.reporter_id == reporter.id
            )
        ).first()
        is not None
    )


def _unnamed_entry(action: str, subject, **detail) -> None:
    """An audit entry for what a reporter (or reports) did, never naming anyone.

    Unlike `app.audit.record`, even a member of staff who reports is left unnamed.
    """
    db.session.add(
        AuditEntry(
            actor_id=None,
            action=action,
            subject_type=type(subject).__name__,
            subject_id=subject.id,
            detail=detail,
        )
    )
    audited(subject)


def _open_reports(idea: Idea) -> int:
    """How many reports of this idea wait for staff (each from a different person)."""
    return db.session.execute(
        select(func.count(IdeaReport.id)).where(
            IdeaReport.idea_id == idea.id, IdeaReport.outcome.is_(None)
        )
    ).scalar_one()


def report_idea(reporter: User, idea: Idea, reason: str, details: str = "") -> bool:
    """Someone signed in reports a public idea that is not theirs; returns whether it is hidden.

    One report per person per idea. Reaching the library service's number of open reports
    hides a public idea until staff decide. Reports sent at the same moment are counted one
    after another, so the last of them is the one that hides the idea, exactly once.
    """
    why_not = refusal(reporter, idea)
    if why_not:
        raise RuleError(why_not)
    try:
        reason = ReportReason(reason)
    except ValueError:
        raise RuleError(_l("Please choose a reason from the list."), field="reason") from None
    details = (details or "").strip()
    if len(details) > DETAILS_MAX:
        raise RuleError(_l("Please keep it under 300 characters."), field="details")
    if has_reported(reporter, idea):
        raise RuleError(ALREADY_REPORTED)
    # Hold the idea's row (votes may still be added to it meanwhile) while reports are counted.
    db.session.execute(select(Idea.id).where(Idea.id == idea.id).with_for_update(key_share=True))
    db.session.add(
        IdeaReport(idea_id=idea.id, reporter_id=reporter.id, reason=reason, details=details)
    )
    try:
        db.session.flush()
    except IntegrityError:  # the unique (idea, person) pair: the same report sent twice at once
        db.session.rollback()
        raise RuleError(ALREADY_REPORTED) from None
    _unnamed_entry("idea.report", idea, reason=reason.value)
    hidden = False
    reports = _open_reports(idea)
    if reports >= idea.consultation.library_service.reports_to_hide:
        # Written in the language of the page the report was sent from.
        hidden = advance_idea(
            idea,
            None,
            IdeaStatus.HIDDEN,
            str(HIDDEN_BY_REPORTS),
            message_language=page_language(),
        )
        if hidden:
            _unnamed_entry("idea.hidden_by_reports", idea, open_reports=reports)
    db.session.commit()
    return hidden


# The staff queue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportedIdea:
    """An idea with open reports, as staff see it: how many, for which reasons, never by whom."""

    idea: Idea
    reports: int
    by_reason: dict[ReportReason, int]


def _in_scope(statement: Select, actor: User) -> Select:
    """Narrow a query joined to ideas to the library services `actor` acts in."""
    ids = member_library_service_ids(actor)
    if ids is None:
        return statement
    return statement.join(Consultation, Idea.consultation_id == Consultation.id).where(
        Consultation.library_service_id.in_(sorted(ids))
    )


def reported_ideas(actor: User, cursor: Cursor | None = None) -> Page[ReportedIdea]:
    """A page of the ideas with open reports in `actor`'s library services, oldest report first.

    One query, whatever the page: the open reports are counted by idea and by reason first.
    """
    reasons = list(ReportReason)
    counts = (
        select(
            IdeaReport.idea_id,
            func.min(IdeaReport.id).label("first"),
            func.count(IdeaReport.id).label("reports"),
            *[
                func.sum(case((IdeaReport.reason == reason, 1), else_=0)).label(reason.value)
                for reason in reasons
            ],
        )
        .where(IdeaReport.outcome.is_(None))
        .group_by(IdeaReport.idea_id)
        .subquery()
    )
    statement = (
        select(Idea, counts.c.reports, *[counts.c[reason.value] for reason in reasons])
        .join(counts, counts.c.idea_id == Idea.id)
        .options(
            joinedload(Idea.consultation).joinedload(Consultation.library_service),
            joinedload(Idea.author),  # whose language staff may answer in
        )
    )
    page = paginate(_in_scope(statement, actor), [counts.c.first], cursor)
    return page.map(
        lambda row: ReportedIdea(
            row[0], row[1], {r: int(n) for r, n in zip(reasons, row[2:], strict=True) if n}
        )
    )


def open_report_count(actor: User) -> int:
    """How many reports wait for staff in `actor`'s library services, in one query.

    Every staff page's navigation shows it, so the memberships are read in the same query.
    """
    statement = (
        select(func.count(IdeaReport.id))
        .join(Idea, Idea.id == IdeaReport.idea_id)
        .where(IdeaReport.outcome.is_(None))
    )
    if actor.role != Role.ADMIN:
        memberships = select(StaffMembership.library_service_id).where(
            StaffMembership.user_id == actor.id
        )
        statement = statement.join(Consultation, Idea.consultation_id == Consultation.id).where(
            Consultation.library_service_id.in_(memberships)
        )
    return db.session.execute(statement).scalar_one()


def reported_idea(idea: Idea) -> ReportedIdea:
    """This idea's open reports, counted by reason."""
    rows = db.session.execute(
        select(IdeaReport.reason, func.count(IdeaReport.id))
        .where(IdeaReport.idea_id == idea.id, IdeaReport.outcome.is_(None))
        .group_by(IdeaReport.reason)
    ).all()
    by_reason = {ReportReason(reason): count for reason, count in rows}
    return ReportedIdea(idea, sum(by_reason.values()), by_reason)


def open_reports_of(idea: Idea, cursor: Cursor | None = None) -> Page[IdeaReport]:
    """A page of an idea's open reports, oldest first: reasons and words, never reporters."""
    return paginate(
        select(IdeaReport).where(IdeaReport.idea_id == idea.id, IdeaReport.outcome.is_(None)),
        [IdeaReport.id],
        cursor,
    )


# Staff decide ----------------------------------------------------------------------------------


def _message_to_author(message: str, default) -> str:
    """Staff's words to the author, or `default`; refused if too long or personal details."""
    return check_message(message) or str(default)


def _close_reports(idea: Idea, actor: User, outcome: ReportOutcome) -> int:
    """Record staff's decision on every open report of the idea; refuse if none is open.

    Two decisions sent at once (a double click, two staff): the later one finds none open.
    """
    closed = db.session.execute(
        update(IdeaReport)
        .where(IdeaReport.idea_id == idea.id, IdeaReport.outcome.is_(None))
        .values(outcome=outcome, decided_by_id=actor.id, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not closed:
        db.session.rollback()
        raise RuleError(_l("The reports of this idea were decided just now."))
    return closed


def _hiding_step(idea: Idea) -> IdeaStatusChange | None:
    """The step in which reports hid this idea, if that is the latest step in its history."""
    latest = db.session.execute(
        select(IdeaStatusChange)
        .where(IdeaStatusChange.idea_id == idea.id)
        .order_by(IdeaStatusChange.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    hidden_by_reports = (
        latest is not None and latest.to_status == IdeaStatus.HIDDEN and latest.actor_id is None
    )
    return latest if hidden_by_reports else None


def _move(
    idea: Idea, actor: User, to_status: IdeaStatus, message: str, message_language: str
) -> None:
    """Move the idea on, or refuse (changing nothing) if someone changed it just now."""
    if not advance_idea(idea, actor, to_status, message, message_language=message_language):
        db.session.rollback()
        raise RuleError(_l("Someone changed this idea just now. Please look at it again."))


def keep_idea(idea: Idea, actor: User, message: str = "", message_language: str = "en") -> bool:
    """Staff dismiss an idea's open reports; returns whether the idea is shown again.

    An idea the reports hid comes back to the status it had, with a message to its author.
    An idea staff hid for reasons of their own stays hidden.
    """
    refuse_unless_staff_of(actor, idea.consultation.library_service_id)
    message_language = message_language_of(message, message_language)
    message = _message_to_author(message, SHOWN_AGAIN)
    dismissed = _close_reports(idea, actor, ReportOutcome.DISMISSED)
    step = _hiding_step(idea) if idea.status == IdeaStatus.HIDDEN else None
    if step is not None:
        _move(idea, actor, step.from_status, message, message_language)
    detail = {"to": step.from_status.value} if step is not None else {}
    record(actor, "reports.dismiss", idea, reports=dismissed, **detail)
    db.session.commit()
    return step is not None


def hide_idea(idea: Idea, actor: User, message: str = "", message_language: str = "en") -> bool:
    """Staff agree with an idea's open reports; returns whether the idea was hidden just now.

    A public idea is hidden with a message to its author. One the reports hid stays hidden,
    and its author is told staff have decided (they were told it was hidden while staff
    check it); one otherwise out of view stays as it is.
    """
    refuse_unless_staff_of(actor, idea.consultation.library_service_id)
    message_language = message_language_of(message, message_language)
    message = _message_to_author(message, HIDDEN_BY_STAFF)
    upheld = _close_reports(idea, actor, ReportOutcome.UPHELD)
    previous, hiding = idea.status, idea.is_public
    if hiding or (previous == IdeaStatus.HIDDEN and _hiding_step(idea) is not None):
        _move(idea, actor, IdeaStatus.HIDDEN, message, message_language)
    record(actor, "reports.uphold", idea, reports=upheld, previous=previous.value, hidden=hiding)
    db.session.commit()
    return hiding


# How many reports hide an idea, for each library service -------------------------------------


def set_reports_to_hide(actor: User, library_service_id: int | None, reports: int | None) -> None:
    """Staff of a library service (or admins) choose how many reports hide an idea there."""
    service = db.session.get(LibraryService, library_service_id) if library_service_id else None
    if service is None:
        raise RuleError(
            _l("Please choose a library service from the list."), field="library_service"
        )
    refuse_unless_staff_of(actor, service.id)
    if reports is None or not 1 <= reports <= REPORTS_TO_HIDE_MAX:
        raise RuleError(_l("Please give a number from 1 to 20."), field="reports_to_hide")
    previous = service.reports_to_hide
    if previous == reports:
        return
    service.reports_to_hide = reports
    record(actor, "library_service.reports_to_hide", service, previous=previous, to=reports)
    db.session.commit()
