"""Co-designed services: what accepted ideas become, with co-designers, partners and sessions."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.ideas import Idea
from app.models.library import Branch, LibraryService
from app.models.outcomes import Outcome
from app.models.types import UTCDateTime, enum_type, utcnow
from app.models.users import User


class ServiceStatus(StrEnum):
    """Where a co-designed service is (transitions: app/codesign/services.py)."""

    PLANNING = "planning"
    CODESIGNING = "codesigning"
    PILOTING = "piloting"
    DELIVERED = "delivered"
    MAINSTREAMED = "mainstreamed"
    STOPPED = "stopped"


class BeneficiaryGroup(StrEnum):
    """Who a service is for, from the QLP youth strand's "Who will benefit" and outcome c."""

    YOUNG_PEOPLE = "young_people"
    REFUGEES_ASYLUM_SEEKERS = "refugees_asylum_seekers"
    EXCLUDED_COMMUNITIES = "excluded_communities"
    NOT_YET_REACHED = "not_yet_reached"
    LOCAL_COMMUNITIES = "local_communities"


class PartnerKind(StrEnum):
    """What sort of organisation a partner is."""

    NATIONAL = "national"
    LOCAL_AUTHORITY = "local_authority"
    SCHOOL = "school"
    COMMUNITY = "community"
    VOLUNTARY = "voluntary"
    HEALTH = "health"
    CULTURE = "culture"
    BUSINESS = "business"
    OTHER = "other"


class VolunteerStatus(StrEnum):
    """A young person's offer to help design an idea, and staff's answer."""

    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


codesign_service_branches = sa.Table(
    "codesign_service_branches",
    db.metadata,
    sa.Column("service_id", sa.ForeignKey("codesign_services.id"), primary_key=True),
    sa.Column("branch_id", sa.ForeignKey("branches.id"), primary_key=True),
)

codesign_service_partners = sa.Table(
    "codesign_service_partners",
    db.metadata,
    sa.Column("service_id", sa.ForeignKey("codesign_services.id"), primary_key=True),
    sa.Column("partner_id", sa.ForeignKey("partners.id"), primary_key=True, index=True),
)

codesign_team_members = sa.Table(
    "codesign_team_members",
    db.metadata,
    sa.Column("service_id", sa.ForeignKey("codesign_services.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True, index=True),
)

codesign_session_partners = sa.Table(
    "codesign_session_partners",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("codesign_sessions.id"), primary_key=True),
    sa.Column("partner_id", sa.ForeignKey("partners.id"), primary_key=True),
)


class Partner(db.Model):
    """An organisation that works with libraries on services; one partner, many services."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[PartnerKind] = mapped_column(
        enum_type(PartnerKind, "partner_kind"), default=PartnerKind.OTHER
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# One partner per name whatever its letter case, even when two are added at the same moment.
sa.Index("uq_partners_name_lower", sa.func.lower(Partner.name), unique=True)


class CodesignService(db.Model):
    """A service a library develops with young people from one or more accepted ideas."""

    __tablename__ = "codesign_services"
    __table_args__ = (
        # The QLP dashboard: a library service's services, filtered by status, a page at a time.
        sa.Index("ix_codesign_services_library_status", "library_service_id", "status", "id"),
        sa.Index("ix_codesign_services_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    library_service_id: Mapped[int] = mapped_column(sa.ForeignKey("library_services.id"))
    name: Mapped[str] = mapped_column(sa.String(120))
    # Plain words for young people: what it is and what it will do for them.
    summary: Mapped[str] = mapped_column(sa.Text)
    need: Mapped[str] = mapped_column(sa.Text, default="")
    # Age bands (app.models.AGE_BANDS) and BeneficiaryGroup values it is for.
    age_bands: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    beneficiary_groups: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[ServiceStatus] = mapped_column(
        enum_type(ServiceStatus, "service_status"), default=ServiceStatus.PLANNING
    )
    quality_leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # "What we learned": the Quality Leader's words for other authorities, in the practice guide.
    lessons_learned: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    lessons_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    lessons_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    library_service: Mapped[LibraryService] = relationship()
    quality_leader: Mapped[User | None] = relationship(foreign_keys=[quality_leader_id])
    lessons_by: Mapped[User | None] = relationship(foreign_keys=[lessons_by_id])
    branches: Mapped[list[Branch]] = relationship(
        secondary=codesign_service_branches, order_by=Branch.name
    )
    team: Mapped[list[User]] = relationship(secondary=codesign_team_members, order_by=User.username)
    partners: Mapped[list[Partner]] = relationship(
        secondary=codesign_service_partners, order_by=Partner.name
    )
    ideas: Mapped[list[Idea]] = relationship(
        primaryjoin="CodesignService.id == foreign(Idea.codesign_service_id)",
        order_by=Idea.id,
        viewonly=True,
    )
    history: Mapped[list["ServiceStatusChange"]] = relationship(
        back_populates="service", order_by="ServiceStatusChange.id"
    )
    outcome_links: Mapped[list["ServiceOutcomeLink"]] = relationship(
        back_populates="service", order_by="ServiceOutcomeLink.id"
    )
    sessions: Mapped[list["CodesignSession"]] = relationship(
        back_populates="service", order_by="CodesignSession.held_on.desc()"
    )


class ServiceStatusChange(db.Model):
    """One step in a service's life, with a message everyone can read."""

    __tablename__ = "service_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("codesign_services.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    from_status: Mapped[ServiceStatus | None] = mapped_column(
        enum_type(ServiceStatus, "from_service_status")
    )
    to_status: Mapped[ServiceStatus] = mapped_column(enum_type(ServiceStatus, "to_service_status"))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[CodesignService] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()


class ServiceOutcomeLink(db.Model):
    """Staff's judgement that a service serves an outcome, with their reason."""

    __tablename__ = "service_outcome_links"
    __table_args__ = (sa.UniqueConstraint("service_id", "outcome_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("codesign_services.id"))
    outcome_id: Mapped[int] = mapped_column(sa.ForeignKey("outcomes.id"), index=True)
    linked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rationale: Mapped[str] = mapped_column(sa.Text)

    service: Mapped[CodesignService] = relationship(back_populates="outcome_links")
    outcome: Mapped[Outcome] = relationship()
    linked_by: Mapped[User] = relationship()


class CodesignVolunteer(db.Model):
    """A young person who offered to help design an idea; credited only if they opt in."""

    __tablename__ = "codesign_volunteers"
    __table_args__ = (sa.UniqueConstraint("idea_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[VolunteerStatus] = mapped_column(
        enum_type(VolunteerStatus, "volunteer_status"), default=VolunteerStatus.OFFERED
    )
    # Shown by pseudonym on public pages only when the young person says yes.
    credit_publicly: Mapped[bool] = mapped_column(default=False)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CodesignSession(db.Model):
    """A co-design session: when, where, how many came by age band (never who), what was decided."""

    __tablename__ = "codesign_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("codesign_services.id"), index=True)
    held_on: Mapped[date] = mapped_column(sa.Date)
    place: Mapped[str] = mapped_column(sa.String(200))
    # Counts keyed by age band, plus "adults" for the older generation (aim d).
    attendance: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    # Aim d: did it bring generations or communities together, and how.
    brought_together: Mapped[bool] = mapped_column(default=False)
    cohesion_note: Mapped[str] = mapped_column(sa.Text, default="")
    decisions: Mapped[str] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[CodesignService] = relationship(back_populates="sessions")
    partners: Mapped[list[Partner]] = relationship(
        secondary=codesign_session_partners, order_by=Partner.name
    )

    @property
    def attendance_total(self) -> int:
        """Everyone who came."""
        return sum(self.attendance.values())


class StaffSkill(db.Model):
    """A skill a member of staff developed through a service (QLP outcome b), with evidence."""

    __tablename__ = "staff_skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("codesign_services.id"), index=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    skill: Mapped[str] = mapped_column(sa.String(200))
    evidence: Mapped[str] = mapped_column(sa.Text)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("codesign_sessions.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    session: Mapped[CodesignSession | None] = relationship()
