"""Best Value packs (QLP outcome e): a library service's evidence for a period, frozen.

`pack_contents` gathers the pack as it would be published, in plain data: figures only as shown
under disclosure control, words already in the publisher's language, and no person named. The
same data is shown before publishing and stored by `publish_pack`, so the page a Quality Leader
checks is the page councillors read. A fixed number of queries, whatever the data.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import format_date
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.access import acts_in
from app.evidence.coverage import Scope, coverage, in_period
from app.evidence.disclosure import current_threshold, figure
from app.evidence.equality import about_you_totals
from app.evidence.participation import participation
from app.extensions import db
from app.i18n import _
from app.labels import (
    BENEFICIARY_LABELS,
    PARTNER_KIND_LABELS,
    RATING_LABELS,
    RECOMMENDATION_LABELS,
    SERVICE_STATUS_LABELS,
)
from app.languages import current_language
from app.models import (
    BestValuePack,
    CodesignService,
    CodesignSession,
    LibraryService,
    Outcome,
    Partner,
    QlpRating,
    Role,
    StaffSkill,
    User,
)
from app.models.codesign import codesign_service_partners, codesign_session_partners
from app.outcome_plain_words import plain_words
from app.pagination import Cursor, Page, paginate
from app.review.services import newest_signed_reviews
from app.rules import RuleError

# The longest list a section holds; a pack says how many more there were.
SECTION_LIMIT = 200


@dataclass(frozen=True)
class PackRequest:
    """Which pack: a library service and a period."""

    library_service: LibraryService
    start: date
    end: date

    @property
    def scope(self) -> Scope:
        """The evidence scope of the pack."""
        return Scope(frozenset({self.library_service.id}), None, self.start, self.end)


def may_publish(user: User, library_service_id: int) -> bool:
    """Admins, and staff of the library service who are Quality Leader of one of its services."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.STAFF or not acts_in(user, library_service_id):
        return False
    return (
        db.session.execute(
            select(CodesignService.id).where(
                CodesignService.library_service_id == library_service_id,
                CodesignService.quality_leader_id == user.id,
            )
        ).first()
        is not None
    )


def pack_contents(request: PackRequest) -> dict:
    """Everything the pack shows, as plain data ready to store."""
    scope = request.scope
    tables = participation(scope).tables
    about_you = about_you_totals(scope)
    if about_you is not None:
        tables.append(about_you)
    return {
        "library_service": request.library_service.name,
        "start": request.start.isoformat(),
        "end": request.end.isoformat(),
        "threshold": current_threshold(),
        "participation": [t.frozen() for t in tables],
        "services": _services(request),
        "skills": _skills(request),
        "partners": _partners(request),
        "sessions": _sessions(request),
        "gaps": _gaps(scope),
    }


def _limited(rows: list, name: str) -> dict:
    """A section's first SECTION_LIMIT items and how many more there were."""
    return {name: rows[:SECTION_LIMIT], "more": max(0, len(rows) - SECTION_LIMIT)}


def _services(request: PackRequest) -> dict:
    """The library service's services begun by the period's end, each with its newest ratings."""
    services = list(
        db.session.execute(
            select(CodesignService)
            .where(
                CodesignService.library_service_id == request.library_service.id,
                *in_period(CodesignService.created_at, Scope(end=request.end)),
            )
            .order_by(CodesignService.name, CodesignService.id)
            .limit(SECTION_LIMIT + 1)
        ).scalars()
    )
    # Signed by the end of the period's last day.
    reviews = newest_signed_reviews(
        [s.id for s in services],
        datetime.combine(request.end + timedelta(days=1), time.min, tzinfo=UTC),
    )
    ratings: dict[int, list[dict]] = {}
    if reviews:
        for rating, outcome in db.session.execute(
            select(QlpRating, Outcome)
            .join(Outcome, Outcome.id == QlpRating.outcome_id)
            .where(
                QlpRating.review_id.in_([r.id for r in reviews.values()]),
                QlpRating.rating.is_not(None),
            )
            .order_by(QlpRating.review_id, Outcome.position, Outcome.id)
        ):
            ratings.setdefault(rating.review_id, []).append(
                {
                    "code": outcome.code,
                    "words": plain_words(outcome),
                    "rating": str(RATING_LABELS[rating.rating]),
                    "evidence": rating.evidence,
                }
            )
    rows = []
    for service in services:
        review = reviews.get(service.id)
        rows.append(
            {
                "name": service.name,
                "status": str(SERVICE_STATUS_LABELS[service.status]),
                "summary": service.summary,
                "for": [
                    str(BENEFICIARY_LABELS[g])
                    for g in service.beneficiary_groups
                    if g in BENEFICIARY_LABELS
                ],
                "reviewed_on": format_date(review.signed_at, "d MMMM yyyy") if review else None,
                "recommendation": (
                    str(RECOMMENDATION_LABELS[review.recommendation])
                    if review and review.recommendation
                    else None
                ),
                "ratings": ratings.get(review.id, []) if review else [],
            }
        )
    return _limited(rows, "services")


def _skills(request: PackRequest) -> dict:
    """Skills staff developed through the library service's services in the period; no names."""
    rows = db.session.execute(
        select(StaffSkill.skill, StaffSkill.evidence, CodesignService.name)
        .join(CodesignService, CodesignService.id == StaffSkill.service_id)
        .where(
            CodesignService.library_service_id == request.library_service.id,
            *in_period(StaffSkill.created_at, request.scope),
        )
        .order_by(CodesignService.name, StaffSkill.id)
        .limit(SECTION_LIMIT + 1)
    ).all()
    return _limited(
        [{"skill": skill, "evidence": evidence, "service": name} for skill, evidence, name in rows],
        "skills",
    )


def _partners(request: PackRequest) -> dict:
    """The organisations that worked on the library service's services or its sessions."""
    ls_id = request.library_service.id
    on_services = (
        select(codesign_service_partners.c.partner_id)
        .join(CodesignService, CodesignService.id == codesign_service_partners.c.service_id)
        .where(CodesignService.library_service_id == ls_id)
    )
    at_sessions = (
        select(codesign_session_partners.c.partner_id)
        .join(CodesignSession, CodesignSession.id == codesign_session_partners.c.session_id)
        .join(CodesignService, CodesignService.id == CodesignSession.service_id)
        .where(
            CodesignService.library_service_id == ls_id,
            *_held_in(request),
        )
    )
    partners = db.session.execute(
        select(Partner)
        .where(Partner.id.in_(on_services.union(at_sessions)))
        .order_by(Partner.name)
        .limit(SECTION_LIMIT + 1)
    ).scalars()
    return _limited(
        [{"name": p.name, "kind": str(PARTNER_KIND_LABELS[p.kind])} for p in partners], "partners"
    )


def _held_in(request: PackRequest) -> list:
    """Sessions held within the period (a session's day, not when it was written down)."""
    return [
        CodesignSession.held_on >= request.start,
        CodesignSession.held_on <= request.end,
    ]


def _sessions(request: PackRequest) -> dict:
    """Sessions in the period that brought generations or communities together, with who came."""
    rows = db.session.execute(
        select(CodesignSession, CodesignService.name)
        .join(CodesignService, CodesignService.id == CodesignSession.service_id)
        .where(
            CodesignService.library_service_id == request.library_service.id,
            CodesignSession.brought_together.is_(True),
            *_held_in(request),
        )
        .order_by(CodesignSession.held_on, CodesignSession.id)
        .limit(SECTION_LIMIT + 1)
    ).all()
    sessions = []
    for session, service_name in rows:
        adults = session.attendance.get("adults", 0)
        sessions.append(
            {
                "held_on": format_date(session.held_on, "d MMMM yyyy"),
                "service": service_name,
                "young_people": str(figure(session.attendance_total - adults)),
                "adults": str(figure(adults)),
                "how": session.cohesion_note,
            }
        )
    return _limited(sessions, "sessions")


def _gaps(scope: Scope) -> list[dict]:
    """Outcomes with no idea in the period, and outcomes with ideas but no service."""
    gaps = []
    for row in coverage(scope):
        if row.no_idea or row.ideas_without_service:
            gaps.append(
                {
                    "code": row.outcome.code,
                    "framework": row.framework,
                    "words": plain_words(row.outcome),
                    "gap": str(_("No idea yet") if row.no_idea else _("Ideas, no service yet")),
                }
            )
    return gaps


def publish_pack(actor: User, request: PackRequest) -> BestValuePack:
    """Freeze the pack as a new version with a link of its own; only its publishers may."""
    if not may_publish(actor, request.library_service.id):
        raise RuleError(
            _("Only a Quality Leader of this library service or an admin can publish its pack.")
        )
    if request.end < request.start:
        raise RuleError(_("The last day must be on or after the first day."))
    contents = pack_contents(request)
    for _attempt in range(3):
        version = (
            db.session.execute(
                select(func.max(BestValuePack.version)).where(
                    BestValuePack.library_service_id == request.library_service.id
                )
            ).scalar_one()
            or 0
        ) + 1
        pack = BestValuePack(
            library_service_id=request.library_service.id,
            version=version,
            period_start=request.start,
            period_end=request.end,
            token=secrets.token_urlsafe(32),
            language=current_language().code,
            snapshot=contents,
            published_by_id=actor.id,
        )
        try:
            with db.session.begin_nested():
                db.session.add(pack)
                db.session.flush()
        except IntegrityError:
            # Someone published the same library service's pack at the same moment: next version.
            continue
        audit.record(
            actor,
            "pack.published",
            pack,
            library_service=request.library_service.id,
            version=version,
            start=request.start.isoformat(),
            end=request.end.isoformat(),
        )
        db.session.commit()
        return pack
    raise RuleError(_("The pack could not be published just now. Please try again."))


def published_packs(
    library_service_ids: frozenset[int] | None, cursor: Cursor | None = None
) -> Page[BestValuePack]:
    """A page of the published packs of these library services (None: all), newest first."""
    statement = select(BestValuePack)
    if library_service_ids is not None:
        statement = statement.where(BestValuePack.library_service_id.in_(library_service_ids))
    return paginate(statement, [BestValuePack.id], cursor, descending=True)


def pack_by_token(token: str) -> BestValuePack | None:
    """The published pack this link's token opens, if any."""
    if not token or len(token) > 43:
        return None
    return db.session.execute(
        select(BestValuePack).where(BestValuePack.token == token)
    ).scalar_one_or_none()
