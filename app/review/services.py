"""What QLP teams see and decide: ideas by outcome, the QLP dashboard and reviews of services.

Reviews: a QLP reviewer rates a co-designed service against the QLP aims a-d and outcomes a-f
for a period, with evidence, an overall comment and a recommendation, then signs it; a signed
review never changes again, and the service's Quality Leader may answer it once.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import url_for
from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.access import (
    ADMIN_ROLES,
    REVIEWER_ROLES,
    member_library_service_ids,
    owns_draft,
    public_ideas,
    reads_in,
)
from app.audit import record
from app.extensions import db
from app.i18n import _, _l
from app.models import (
    CodesignService,
    CodesignSession,
    Idea,
    LibraryService,
    Outcome,
    OutcomeFramework,
    OutcomeGroup,
    OutcomeLink,
    QlpRating,
    QlpReview,
    QlpReviewResponse,
    Rating,
    Recommendation,
    ServiceStatus,
    StaffSkill,
    User,
    utcnow,
)
from app.outcomes import all_frameworks
from app.pagination import Cursor, Listing, Page, paginate
from app.rules import RuleError

# QLP teams read their own framework first.
DASHBOARD_ORDER = ("qlp", "promise")

# What a QLP review rates: the aims a-d, then the outcomes a-f.
QLP_GROUPS = ("qlp.aim", "qlp.outcome")
EVIDENCE_MAX = 4000
COMMENT_MAX = 4000
RESPONSE_MAX = 4000
# The ratings table shows at most this many signed reviews, the newest.
TABLE_COLUMNS = 6

# A few words for each QLP aim and outcome, for tables where the source wording is too long.
SHORT_WORDING = {
    "qlp.aim.a": _l("Services mainstreamed to young people's real needs"),
    "qlp.aim.b": _l("New skills for library workers"),
    "qlp.aim.c": _l("New services planned with young people and partners"),
    "qlp.aim.d": _l("Generations and communities working together"),
    "qlp.outcome.a": _l("A partnership model that empowers young people"),
    "qlp.outcome.b": _l("Staff development"),
    "qlp.outcome.c": _l("New services for unmet needs"),
    "qlp.outcome.d": _l("A QLP training manual"),
    "qlp.outcome.e": _l("Best Value linked to social inclusion and equalities"),
    "qlp.outcome.f": _l("Organisations working together, not in isolation"),
}

SIGNED_MESSAGE = _l("This review is signed and can no longer be changed.")


class NotAllowed(RuleError):
    """A rule refused the action because of who asked, not what they sent (routes: 403)."""


# --- Ideas by outcome ------------------------------------------------------------------------


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
        .where(public_ideas())
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
        .where(OutcomeLink.outcome_id == outcome.id, public_ideas())
        .options(joinedload(Idea.consultation)),
        [Idea.vote_count, Idea.id],
        cursor,
        descending=True,
    )


def _unlinked():
    """Public ideas no one has linked to an outcome yet."""
    return select(Idea).where(public_ideas(), ~Idea.outcome_links.any())


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


# --- The QLP aims and outcomes a review rates --------------------------------------------------


def qlp_outcomes() -> list[Outcome]:
    """The QLP aims a-d then outcomes a-f, in source order, in one query."""
    return list(
        db.session.execute(
            select(Outcome)
            .join(OutcomeGroup, OutcomeGroup.id == Outcome.group_id)
            .where(OutcomeGroup.code.in_(QLP_GROUPS))
            .options(contains_eager(Outcome.group))
            .order_by(OutcomeGroup.position, Outcome.position)
        ).scalars()
    )


def item_label(outcome: Outcome) -> str:
    """A QLP aim or outcome as people call it: "Aim c", "Outcome b"."""
    kind, letter = outcome.code.split(".")[1:3]
    return (
        _("Aim %(letter)s", letter=letter)
        if kind == "aim"
        else _("Outcome %(letter)s", letter=letter)
    )


def short_wording(outcome: Outcome) -> str:
    """A few words for a QLP aim or outcome; the source wording for anything else."""
    return str(SHORT_WORDING.get(outcome.code, outcome.wording))


def _in_qlp_order(ratings, order: dict[int, int]) -> list[QlpRating]:
    """Ratings in the order of the QLP aims and outcomes they rate."""
    return sorted(ratings, key=lambda r: order.get(r.outcome_id, len(order)))


# --- Who may do what ---------------------------------------------------------------------------


def may_review(actor: User) -> bool:
    """True if `actor` may start, write and sign QLP reviews (QLP reviewers and admins)."""
    return actor.role in REVIEWER_ROLES


def _require_reviewer(actor: User) -> None:
    """Refuse anyone who may not write reviews."""
    if not may_review(actor):
        raise NotAllowed(_l("Only QLP reviewers can write and sign reviews."))


def require_service_reader(actor: User, service: CodesignService) -> None:
    """Refuse anyone who may not read this service's reviews: staff read their own only."""
    if not reads_in(actor, service.library_service_id):
        raise NotAllowed(_l("Only staff of this library service and QLP reviewers can see that."))


def _not_yours(review: QlpReview) -> NotAllowed:
    """The refusal for anyone changing or signing a draft that belongs to someone else."""
    return NotAllowed(
        _l(
            "This draft belongs to %(name)s: only they can change or sign it. An admin can "
            "give it to another reviewer.",
            name=review.reviewer.username,
        )
    )


def _require_owner(review: QlpReview, actor: User) -> None:
    """Refuse a change to a signed review, or to a draft that belongs to someone else."""
    _require_reviewer(actor)
    if review.is_signed:
        raise RuleError(SIGNED_MESSAGE)
    if not owns_draft(actor, review):
        raise _not_yours(review)


def _refuse_as_it_is_now(review: QlpReview) -> None:
    """After a conditional change found the review moved on: say how, from the database."""
    db.session.rollback()
    db.session.refresh(review)
    if review.is_signed:
        raise RuleError(SIGNED_MESSAGE)
    raise _not_yours(review)


def _require_draft(review: QlpReview, actor: User) -> None:
    """Refuse any change to a signed review, or to a draft that is not `actor`'s, including
    one signed or given to someone else since it was read.

    The conditional update also locks the review's row until the change is committed, so a
    signature or a reassignment sent at the same moment waits for it, and a change after
    either is refused.
    """
    _require_owner(review, actor)
    table = QlpReview.__table__
    touched = db.session.execute(
        table.update()
        .where(
            table.c.id == review.id,
            table.c.signed_at.is_(None),
            table.c.reviewer_id == actor.id,
        )
        .values(overall_comment=table.c.overall_comment)
    ).rowcount
    if touched != 1:
        _refuse_as_it_is_now(review)


def is_quality_leader(actor: User, service: CodesignService) -> bool:
    """True if `actor` is the service's Quality Leader."""
    return service.quality_leader_id is not None and service.quality_leader_id == actor.id


# --- Reviews of one service --------------------------------------------------------------------


@dataclass
class RatingRow:
    """One QLP aim or outcome across the signed reviews shown: a cell per review (None: unrated)."""

    outcome: Outcome
    label: str
    short: str
    cells: list[QlpRating | None]


@dataclass
class ServiceReviews:
    """What `templates/review/_service_reviews.html` shows for a service: timeline and table."""

    service: CodesignService
    # Every review, newest first, a page at a time.
    timeline: Page[QlpReview]
    # The newest signed reviews (at most TABLE_COLUMNS), oldest first: the table's columns.
    columns: list[QlpReview]
    # The ten QLP aims and outcomes, each with its rating in each column.
    rows: list[RatingRow]
    signed_count: int
    # The open draft, if there is one (at most one per service).
    draft: QlpReview | None = None
    hidden_columns: int = field(init=False)

    def __post_init__(self):
        self.hidden_columns = self.signed_count - len(self.columns)

    @property
    def listing(self) -> Listing:
        """The timeline as a paged list (needs a request: it builds the list's address)."""
        return Listing(
            self.timeline,
            id=f"service-{self.service.id}-reviews",
            items="review/_timeline_items.html",
            url=url_for("review.service_reviews", service_id=self.service.id),
            more_label=_("Show older reviews"),
            empty=_("No one has reviewed this service yet."),
            css="cards",
        )


def find_service(service_id: int) -> CodesignService | None:
    """A co-designed service with its library service and Quality Leader."""
    return db.session.execute(
        select(CodesignService)
        .where(CodesignService.id == service_id)
        .options(
            joinedload(CodesignService.library_service),
            joinedload(CodesignService.quality_leader),
        )
    ).scalar_one_or_none()


def _signed():
    """Signed reviews, most recently signed first."""
    return (
        select(QlpReview)
        .where(QlpReview.signed_at.is_not(None))
        .order_by(QlpReview.signed_at.desc(), QlpReview.id.desc())
    )


def open_draft(service: CodesignService) -> QlpReview | None:
    """The service's review not signed yet, if any."""
    return db.session.execute(
        select(QlpReview)
        .where(QlpReview.service_id == service.id, QlpReview.signed_at.is_(None))
        .order_by(QlpReview.id)
        .limit(1)
    ).scalar_one_or_none()


def service_reviews(service: CodesignService, cursor: Cursor | None = None) -> ServiceReviews:
    """A service's reviews as a timeline (a page, newest first) and its ratings as a table.

    Six queries however many reviews there are: the timeline page, the draft, the count and
    the last signed reviews, their ratings, and the QLP aims and outcomes.
    """
    timeline = paginate(
        select(QlpReview)
        .where(QlpReview.service_id == service.id)
        .options(
            joinedload(QlpReview.reviewer),
            joinedload(QlpReview.signed_by),
            joinedload(QlpReview.response).joinedload(QlpReviewResponse.author),
        ),
        [QlpReview.id],
        cursor,
        descending=True,
    )
    signed_count = db.session.execute(
        select(func.count(QlpReview.id)).where(
            QlpReview.service_id == service.id, QlpReview.signed_at.is_not(None)
        )
    ).scalar_one()
    columns = list(
        db.session.execute(
            _signed()
            .where(QlpReview.service_id == service.id)
            .limit(TABLE_COLUMNS)
            .options(selectinload(QlpReview.ratings))
        ).scalars()
    )
    columns.reverse()
    outcomes = qlp_outcomes()
    by_review = {r.id: {rating.outcome_id: rating for rating in r.ratings} for r in columns}
    rows = [
        RatingRow(
            outcome,
            item_label(outcome),
            short_wording(outcome),
            [by_review[r.id].get(outcome.id) for r in columns],
        )
        for outcome in outcomes
    ]
    return ServiceReviews(service, timeline, columns, rows, signed_count, open_draft(service))


def _validate_period(period_start: date | None, period_end: date | None) -> None:
    """A review covers a period that has started and ends no earlier than it starts."""
    if period_start is None or period_end is None:
        raise RuleError(_l("Please give the first and last day of the period reviewed."))
    if period_end < period_start:
        raise RuleError(_l("The period must end on or after the day it starts."))
    if period_start > utcnow().date():
        raise RuleError(_l("The period reviewed cannot start in the future."))


def start_review(
    service: CodesignService, actor: User, period_start: date | None, period_end: date | None
) -> QlpReview:
    """Start a draft review of a service for a period, one rating per QLP aim and outcome.

    A service has at most one draft at a time. When it has a signed review, the new one starts
    from the most recently signed: its ratings, evidence, linked sessions and skills, overall
    comment and recommendation are copied, and `previous_id` points at it.
    """
    _require_reviewer(actor)
    _validate_period(period_start, period_end)
    # Lock the service's row (PostgreSQL) so two drafts cannot be started side by side.
    db.session.execute(
        select(CodesignService.id).where(CodesignService.id == service.id).with_for_update()
    )
    if open_draft(service) is not None:
        raise RuleError(_l("This service already has a draft review; carry on with that one."))
    previous = db.session.execute(
        _signed()
        .where(QlpReview.service_id == service.id)
        .limit(1)
        .options(
            selectinload(QlpReview.ratings).selectinload(QlpRating.sessions),
            selectinload(QlpReview.ratings).selectinload(QlpRating.skills),
        )
    ).scalar_one_or_none()
    review = QlpReview(
        service=service,
        reviewer=actor,
        period_start=period_start,
        period_end=period_end,
        overall_comment=previous.overall_comment if previous else "",
        recommendation=previous.recommendation if previous else None,
        previous_id=previous.id if previous else None,
    )
    db.session.add(review)
    earlier = {r.outcome_id: r for r in previous.ratings} if previous else {}
    for outcome in qlp_outcomes():
        before = earlier.get(outcome.id)
        db.session.add(
            QlpRating(
                review=review,
                outcome=outcome,
                rating=before.rating if before else None,
                evidence=before.evidence if before else "",
                sessions=list(before.sessions) if before else [],
                skills=list(before.skills) if before else [],
            )
        )
    db.session.flush()
    record(
        actor,
        "review.start",
        review,
        service=service.id,
        period_start=period_start.isoformat(),
        period_end=period_end.isoformat(),
        previous=review.previous_id,
    )
    db.session.commit()
    return review


# --- One review --------------------------------------------------------------------------------


def find_review(review_id: int) -> QlpReview | None:
    """A review with its service, people, response, and ratings with what they point at."""
    return db.session.execute(
        select(QlpReview)
        .where(QlpReview.id == review_id)
        .options(
            joinedload(QlpReview.service).joinedload(CodesignService.library_service),
            joinedload(QlpReview.reviewer),
            joinedload(QlpReview.signed_by),
            joinedload(QlpReview.response).joinedload(QlpReviewResponse.author),
            selectinload(QlpReview.ratings).joinedload(QlpRating.outcome),
            selectinload(QlpReview.ratings).selectinload(QlpRating.sessions),
            selectinload(QlpReview.ratings)
            .selectinload(QlpRating.skills)
            .joinedload(StaffSkill.staff),
        )
    ).scalar_one_or_none()


def ordered_ratings(review: QlpReview, outcomes: list[Outcome]) -> list[QlpRating]:
    """The review's ratings in the order of the QLP aims and outcomes."""
    return _in_qlp_order(review.ratings, {o.id: i for i, o in enumerate(outcomes)})


def evidence_sessions(review: QlpReview) -> list[CodesignSession]:
    """Sessions a rating may point at: the service's sessions held in the period, and any
    already pointed at; newest first."""
    linked = {s.id for rating in review.ratings for s in rating.sessions}
    return list(
        db.session.execute(
            select(CodesignSession)
            .where(
                CodesignSession.service_id == review.service_id,
                or_(
                    CodesignSession.held_on.between(review.period_start, review.period_end),
                    CodesignSession.id.in_(linked),
                ),
            )
            .order_by(CodesignSession.held_on.desc(), CodesignSession.id.desc())
        ).scalars()
    )


def evidence_skills(review: QlpReview) -> list[StaffSkill]:
    """Staff skills a rating may point at: those developed in the period (at a session held in
    it, or recorded in it), and any already pointed at; newest first."""
    linked = {s.id for rating in review.ratings for s in rating.skills}
    period_from = datetime.combine(review.period_start, time(), UTC)
    period_until = datetime.combine(review.period_end + timedelta(days=1), time(), UTC)
    return list(
        db.session.execute(
            select(StaffSkill)
            .outerjoin(CodesignSession, CodesignSession.id == StaffSkill.session_id)
            .where(
                StaffSkill.service_id == review.service_id,
                or_(
                    CodesignSession.held_on.between(review.period_start, review.period_end),
                    and_(
                        StaffSkill.created_at >= period_from, StaffSkill.created_at < period_until
                    ),
                    StaffSkill.id.in_(linked),
                ),
            )
            .options(joinedload(StaffSkill.staff))
            .order_by(StaffSkill.created_at.desc(), StaffSkill.id.desc())
        ).scalars()
    )


def _rows_of_service(model, ids: list[int], service_id: int, message) -> list:
    """The rows with these ids, refused unless every one belongs to the service."""
    wanted = set(ids)
    if not wanted:
        return []
    rows = list(
        db.session.execute(
            select(model).where(model.id.in_(wanted), model.service_id == service_id)
        ).scalars()
    )
    if len(rows) != len(wanted):
        raise RuleError(message)
    return sorted(rows, key=lambda row: row.id)


def rate(
    review: QlpReview,
    actor: User,
    outcome_code: str,
    rating: Rating | str,
    evidence: str,
    session_ids: list[int] = (),
    skill_ids: list[int] = (),
) -> QlpRating:
    """Rate one QLP aim or outcome in a draft review, with evidence and what it points at.

    Evidence text is required above "not yet"; sessions and staff skills must be the service's.
    """
    _require_owner(review, actor)
    try:
        rating = Rating(rating)
    except ValueError:
        raise RuleError(_l("Please choose a rating from the scale.")) from None
    target = next((r for r in review.ratings if r.outcome.code == outcome_code), None)
    if target is None:
        raise RuleError(_l("Please rate one of the QLP aims and outcomes of this review."))
    evidence = (evidence or "").strip()
    if rating != Rating.NOT_YET and not evidence:
        raise RuleError(_l("Please give the evidence for any rating above “not yet”."))
    if len(evidence) > EVIDENCE_MAX:
        raise RuleError(_l("Please keep the evidence under 4000 characters."))
    sessions = _rows_of_service(
        CodesignSession,
        list(session_ids),
        review.service_id,
        _l("Please choose sessions of this service."),
    )
    skills = _rows_of_service(
        StaffSkill, list(skill_ids), review.service_id, _l("Please choose skills of this service.")
    )
    _require_draft(review, actor)
    target.rating = rating
    target.evidence = evidence
    target.sessions = sessions
    target.skills = skills
    record(
        actor,
        "review.rate",
        review,
        outcome=outcome_code,
        rating=rating.value,
        sessions=[s.id for s in sessions],
        skills=[s.id for s in skills],
    )
    db.session.commit()
    return target


def save_overall(
    review: QlpReview, actor: User, comment: str, recommendation: Recommendation | str | None
) -> None:
    """Save a draft review's overall comment and recommendation (either may still be empty)."""
    _require_owner(review, actor)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise RuleError(_l("Please keep the overall comment under 4000 characters."))
    if recommendation in (None, ""):
        recommendation = None
    else:
        try:
            recommendation = Recommendation(recommendation)
        except ValueError:
            raise RuleError(_l("Please choose a recommendation from the list.")) from None
    _require_draft(review, actor)
    review.overall_comment = comment
    review.recommendation = recommendation
    record(
        actor,
        "review.overall",
        review,
        recommendation=recommendation.value if recommendation else None,
    )
    db.session.commit()


def missing_for_signing(review: QlpReview, outcomes: list[Outcome] | None = None) -> list[str]:
    """What still stops a draft review from being signed, in words; empty when it can be."""
    outcomes = outcomes if outcomes is not None else qlp_outcomes()
    rated = {r.outcome_id: r for r in review.ratings}
    missing = []
    for outcome in outcomes:
        rating = rated.get(outcome.id)
        if rating is None or rating.rating is None:
            missing.append(_("%(item)s is not rated.", item=item_label(outcome)))
        elif rating.rating != Rating.NOT_YET and not rating.evidence.strip():
            missing.append(_("%(item)s needs evidence.", item=item_label(outcome)))
    if not review.overall_comment.strip():
        missing.append(_("The overall comment is empty."))
    if review.recommendation is None:
        missing.append(_("No recommendation is chosen."))
    return missing


def sign_review(review: QlpReview, actor: User) -> None:
    """Sign a complete draft review; from then on it is read-only.

    Only the reviewer the draft belongs to signs it. Race-safe: the signature is one
    conditional update, so when it is sent twice at once (two tabs), or as an admin gives the
    draft to someone else, it takes effect at most once and the other is told.
    """
    _require_owner(review, actor)
    missing = missing_for_signing(review)
    if missing:
        raise RuleError(
            _l("This review cannot be signed yet: %(missing)s", missing=" ".join(missing))
        )
    table = QlpReview.__table__
    signed_at = utcnow()
    signed = db.session.execute(
        table.update()
        .where(
            table.c.id == review.id,
            table.c.signed_at.is_(None),
            table.c.reviewer_id == actor.id,
        )
        .values(signed_at=signed_at, signed_by_id=actor.id)
    ).rowcount
    if signed != 1:
        _refuse_as_it_is_now(review)
    # Sessions keep objects loaded after a commit: show the signature on the one held here.
    set_committed_value(review, "signed_at", signed_at)
    set_committed_value(review, "signed_by_id", actor.id)
    db.session.expire(review, ["signed_by"])
    record(
        actor,
        "review.sign",
        review,
        service=review.service_id,
        recommendation=review.recommendation.value,
        ratings={r.outcome.code: r.rating.value for r in review.ratings},
    )
    db.session.commit()


def reviewers() -> list[User]:
    """Everyone a draft review may be given to: QLP reviewers and admins who can sign in, by
    pseudonym (not paged: a choice list offers everyone, and there are a few dozen)."""
    return list(
        db.session.execute(
            select(User)
            .where(User.role.in_(REVIEWER_ROLES), User.active.is_(True))
            .order_by(User.username)
        ).scalars()
    )


def reassign_draft(review: QlpReview, actor: User, reviewer_id: int | None) -> User:
    """An admin gives a draft review to another reviewer, who alone may change and sign it from
    then on (the one it was taken from, for instance, has left). Returns the new owner.

    One conditional update: a draft signed at the same moment stays with whoever signed it.
    """
    if actor.role not in ADMIN_ROLES:
        raise NotAllowed(_l("Only admins can give a draft review to another reviewer."))
    if review.is_signed:
        raise RuleError(SIGNED_MESSAGE)
    reviewer = db.session.get(User, reviewer_id) if reviewer_id is not None else None
    if reviewer is None or reviewer.role not in REVIEWER_ROLES or not reviewer.active:
        raise RuleError(_l("Please choose a QLP reviewer from the list."), field="reviewer")
    previous = review.reviewer
    if reviewer.id == previous.id:
        raise RuleError(
            _l("This draft already belongs to %(name)s.", name=reviewer.username),
            field="reviewer",
        )
    table = QlpReview.__table__
    moved = db.session.execute(
        table.update()
        .where(table.c.id == review.id, table.c.signed_at.is_(None))
        .values(reviewer_id=reviewer.id)
    ).rowcount
    if moved != 1:
        db.session.rollback()
        raise RuleError(SIGNED_MESSAGE)
    set_committed_value(review, "reviewer_id", reviewer.id)
    set_committed_value(review, "reviewer", reviewer)
    record(actor, "review.reassign", review, previous=previous.id, to=reviewer.id)
    db.session.commit()
    return reviewer


def respond_to_review(review: QlpReview, actor: User, text: str) -> QlpReviewResponse:
    """The service's Quality Leader answers a signed review, once."""
    if not is_quality_leader(actor, review.service):
        raise NotAllowed(_l("Only the service's Quality Leader can answer its reviews."))
    if not review.is_signed:
        raise RuleError(_l("A review can be answered once it is signed."))
    if review.response is not None:
        raise RuleError(_l("This review has already been answered."))
    text = (text or "").strip()
    if not text or len(text) > RESPONSE_MAX:
        raise RuleError(_l("Please write your answer in up to 4000 characters."))
    response = QlpReviewResponse(review_id=review.id, author=actor, text=text)
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError:  # the unique review: answered just now, perhaps in another tab
        db.session.rollback()
        raise RuleError(_l("This review has already been answered.")) from None
    # Shown at once on the review held here, without marking the signed review as changed.
    set_committed_value(review, "response", response)
    record(actor, "review.respond", review, service=review.service_id)
    db.session.commit()
    return response


# --- The QLP dashboard -------------------------------------------------------------------------


@dataclass
class RatedItem:
    """One QLP aim or outcome and its rating, for compact lists."""

    label: str
    short: str
    rating: QlpRating


@dataclass
class DashboardRow:
    """One service on the dashboard, with its last signed review and that review's ratings."""

    service: CodesignService
    last_review: QlpReview | None
    ratings: list[RatedItem]


@dataclass
class DashboardFilter:
    """What the dashboard is narrowed to (None: everything the person may see)."""

    library_service_id: int | None = None
    status: ServiceStatus | None = None


def _visible_services(actor: User):
    """Co-designed services `actor` may see: staff their own library services', others all."""
    statement = select(CodesignService)
    if actor.role in REVIEWER_ROLES:
        return statement
    members = member_library_service_ids(actor)
    if members is None:  # an admin
        return statement
    return statement.where(CodesignService.library_service_id.in_(sorted(members)))


def participating_library_services(actor: User) -> list[LibraryService]:
    """Library services with at least one co-designed service that `actor` may see, by name."""
    participating = _visible_services(actor).with_only_columns(CodesignService.library_service_id)
    return list(
        db.session.execute(
            select(LibraryService)
            .where(LibraryService.id.in_(participating))
            .order_by(LibraryService.name, LibraryService.id)
        ).scalars()
    )


def newest_signed_reviews(
    service_ids: list[int], signed_before: datetime | None = None
) -> dict[int, QlpReview]:
    """Each of these services' newest signed review (signed before a moment, when one is
    given), by service id, in one query."""
    if not service_ids:
        return {}
    signed = [QlpReview.service_id.in_(service_ids), QlpReview.signed_at.is_not(None)]
    if signed_before is not None:
        signed.append(QlpReview.signed_at < signed_before)
    newest = (
        select(
            QlpReview.id,
            func.row_number()
            .over(
                partition_by=QlpReview.service_id,
                order_by=(QlpReview.signed_at.desc(), QlpReview.id.desc()),
            )
            .label("newness"),
        )
        .where(*signed)
        .subquery()
    )
    last = aliased(QlpReview)
    return {
        review.service_id: review
        for review in db.session.execute(
            select(last).join(newest, newest.c.id == last.id).where(newest.c.newness == 1)
        ).scalars()
    }


def dashboard(
    actor: User, narrowed: DashboardFilter, cursor: Cursor | None = None
) -> Page[DashboardRow]:
    """A page of the services `actor` may see, by library service then name, each with its
    last signed review and that review's ratings.

    Four queries whatever the page holds: the services, their last signed reviews, those
    reviews' ratings, and the QLP aims and outcomes to order them by.
    """
    statement = (
        _visible_services(actor)
        .join(LibraryService, LibraryService.id == CodesignService.library_service_id)
        .options(contains_eager(CodesignService.library_service))
    )
    if narrowed.library_service_id is not None:
        statement = statement.where(
            CodesignService.library_service_id == narrowed.library_service_id
        )
    if narrowed.status is not None:
        statement = statement.where(CodesignService.status == narrowed.status)
    page = paginate(
        statement,
        [LibraryService.name, LibraryService.id, CodesignService.name, CodesignService.id],
        cursor,
    )
    ids = [service.id for service in page.items]
    if not ids:
        return page.map(lambda service: DashboardRow(service, None, []))
    reviews = newest_signed_reviews(ids)
    outcomes = {outcome.id: outcome for outcome in qlp_outcomes()}
    order = {outcome_id: i for i, outcome_id in enumerate(outcomes)}
    ratings: dict[int, list[QlpRating]] = {}
    if reviews:
        for rating in db.session.execute(
            select(QlpRating).where(QlpRating.review_id.in_([r.id for r in reviews.values()]))
        ).scalars():
            ratings.setdefault(rating.review_id, []).append(rating)

    def item(rating: QlpRating) -> RatedItem:
        outcome = outcomes[rating.outcome_id]
        return RatedItem(item_label(outcome), short_wording(outcome), rating)

    def row(service: CodesignService) -> DashboardRow:
        review = reviews.get(service.id)
        rated = _in_qlp_order(ratings.get(review.id, []), order) if review else []
        return DashboardRow(service, review, [item(r) for r in rated if r.outcome_id in outcomes])

    return page.map(row)
