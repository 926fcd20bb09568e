"""Library services (a local authority's service) and their branches."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class LibraryService(db.Model):
    """A local authority's library service."""

    __tablename__ = "library_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # After this many open reports from different people an idea is hidden until staff decide.
    reports_to_hide: Mapped[int] = mapped_column(default=3, server_default="3")
    # Whether its young people are offered the optional "about you" questions
    # (app/account/about_you.py); off until an admin switches it on.
    asks_about_you: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    branches: Mapped[list["Branch"]] = relationship(
        back_populates="library_service", order_by="Branch.name"
    )


class Branch(db.Model):
    """One library building (or mobile library) of a library service."""

    __tablename__ = "branches"
    __table_args__ = (sa.UniqueConstraint("library_service_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    library_service_id: Mapped[int] = mapped_column(sa.ForeignKey("library_services.id"))
    name: Mapped[str] = mapped_column(sa.String(120))

    library_service: Mapped[LibraryService] = relationship(back_populates="branches")


class StaffMembership(db.Model):
    """A member of staff belongs to a library service, and acts only in the ones they belong to."""

    __tablename__ = "staff_memberships"
    __table_args__ = (sa.UniqueConstraint("user_id", "library_service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    library_service_id: Mapped[int] = mapped_column(
        sa.ForeignKey("library_services.id"), index=True
    )
    # The designated safeguarding lead(s) of this library service receive its concerns.
    safeguarding_lead: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    library_service: Mapped[LibraryService] = relationship()
