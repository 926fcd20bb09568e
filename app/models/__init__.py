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
from app.models.consultations import Consultation, Phase
from app.models.ideas import (
    PUBLIC_STATUSES,
    Idea,
    IdeaRevision,
    IdeaStatus,
    IdeaStatusChange,
    Vote,
)
from app.models.library import Branch, LibraryService, StaffMembership
from app.models.outcomes import Outcome, OutcomeFramework, OutcomeGroup, OutcomeLink
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
from app.models.users import AGE_BANDS, Role, SignIn, User

__all__ = [
    "AGE_BANDS",
    "PUBLIC_STATUSES",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "BeneficiaryGroup",
    "Branch",
    "CodesignService",
    "CodesignSession",
    "CodesignVolunteer",
    "ConcernStatus",
    "Consultation",
    "Idea",
    "IdeaRevision",
    "IdeaStatus",
    "IdeaStatusChange",
    "LibraryService",
    "Outcome",
    "OutcomeFramework",
    "OutcomeGroup",
    "OutcomeLink",
    "Partner",
    "PartnerKind",
    "Phase",
    "QlpRating",
    "QlpReview",
    "QlpReviewResponse",
    "Rating",
    "Recommendation",
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
