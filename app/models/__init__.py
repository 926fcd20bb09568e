"""Typed SQLAlchemy models, one module per part of the domain."""

from app.models.audit import AuditEntry, AuditLogIsAppendOnly
from app.models.codesign import (
    BeneficiaryGroup,
    CodesignService,
    CodesignSession,
    CodesignVolunteer,
    Partner,
    PartnerKind,
    ServiceOutcomeLink,
    ServiceStatus,
    ServiceStatusChange,
    StaffSkill,
    VolunteerStatus,
)
from app.models.consultations import Colour, Consultation, Phase, Picture
from app.models.equality import AboutYouAnswer, AboutYouQuestion, AboutYouResponse
from app.models.ideas import (
    PUBLIC_STATUSES,
    Idea,
    IdeaRevision,
    IdeaStatus,
    IdeaStatusChange,
    Vote,
)
from app.models.joincodes import JoinCode
from app.models.library import Branch, LibraryService, StaffMembership
from app.models.notices import Notice, NoticeKind, NoticeMute
from app.models.outcomes import Outcome, OutcomeFramework, OutcomeGroup, OutcomeLink
from app.models.packs import BestValuePack
from app.models.reports import IdeaReport, ReportOutcome, ReportReason
from app.models.reviews import (
    QlpRating,
    QlpReview,
    QlpReviewResponse,
    Rating,
    Recommendation,
    SignedReviewIsReadOnly,
)
from app.models.safeguarding import ConcernStatus, SafeguardingConcern
from app.models.types import utcnow
from app.models.users import AGE_BANDS, PasswordResetCode, Role, SignIn, User
from app.models.wording import SuggestionStatus, WordingSuggestion

# Indexes a migration makes that the models cannot describe portably (see search_document).
MIGRATION_ONLY_INDEXES = frozenset({"ix_ideas_search"})


def compared_by_autogenerate(object_, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: autogenerate leaves the migration-only indexes be."""
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


__all__ = [
    "BestValuePack",
    "AboutYouAnswer",
    "AboutYouQuestion",
    "AboutYouResponse",
    "SuggestionStatus",
    "WordingSuggestion",
    "MIGRATION_ONLY_INDEXES",
    "compared_by_autogenerate",
    "AGE_BANDS",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "BeneficiaryGroup",
    "Branch",
    "CodesignService",
    "CodesignSession",
    "CodesignVolunteer",
    "Colour",
    "ConcernStatus",
    "Consultation",
    "Idea",
    "IdeaReport",
    "IdeaRevision",
    "IdeaStatus",
    "IdeaStatusChange",
    "JoinCode",
    "LibraryService",
    "Notice",
    "NoticeKind",
    "NoticeMute",
    "Outcome",
    "OutcomeFramework",
    "OutcomeGroup",
    "OutcomeLink",
    "PUBLIC_STATUSES",
    "Partner",
    "PartnerKind",
    "PasswordResetCode",
    "Phase",
    "Picture",
    "QlpRating",
    "QlpReview",
    "QlpReviewResponse",
    "Rating",
    "Recommendation",
    "ReportOutcome",
    "ReportReason",
    "Role",
    "SafeguardingConcern",
    "ServiceOutcomeLink",
    "ServiceStatus",
    "ServiceStatusChange",
    "SignIn",
    "SignedReviewIsReadOnly",
    "StaffMembership",
    "StaffSkill",
    "User",
    "VolunteerStatus",
    "Vote",
    "utcnow",
]
