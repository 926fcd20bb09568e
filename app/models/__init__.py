"""Typed SQLAlchemy models, one module per part of the domain."""

from app.models.audit import AuditEntry, AuditLogIsAppendOnly
from app.models.consultations import Consultation, Phase
from app.models.ideas import PUBLIC_STATUSES, Idea, IdeaStatus, IdeaStatusChange, Vote
from app.models.library import Branch, LibraryService
from app.models.outcomes import Outcome, OutcomeFramework, OutcomeGroup, OutcomeLink
from app.models.types import utcnow
from app.models.users import AGE_BANDS, Role, User

__all__ = [
    "AGE_BANDS",
    "PUBLIC_STATUSES",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "Branch",
    "Consultation",
    "Idea",
    "IdeaStatus",
    "IdeaStatusChange",
    "LibraryService",
    "Outcome",
    "OutcomeFramework",
    "OutcomeGroup",
    "OutcomeLink",
    "Phase",
    "Role",
    "User",
    "Vote",
    "utcnow",
]
