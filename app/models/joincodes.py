"""Join codes staff hand to a group, so young people can join without an email address."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.consultations import Consultation
from app.models.library import Branch, LibraryService
from app.models.types import UTCDateTime, utcnow
from app.models.users import User


class JoinCode(db.Model):
    """A short code (and QR code) for one group session, used up by a count, never by name.

    Only how many people joined with a code is kept: no account records the code it was made
    with, so staff can see how many joined and nobody, staff or not, can see who.
    """

    __tablename__ = "join_codes"
    __table_args__ = (
        sa.CheckConstraint("uses >= 0", name="join_code_uses_not_negative"),
        sa.CheckConstraint("max_uses > 0", name="join_code_max_uses_positive"),
        # A library service's codes, newest first.
        sa.Index("ix_join_codes_service_id", "library_service_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored upper case; people may type it in any case.
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    # What staff call the session ("Year 7 visit, Tuesday"); shown to staff only.
    label: Mapped[str] = mapped_column(sa.String(80))
    library_service_id: Mapped[int] = mapped_column(sa.ForeignKey("library_services.id"))
    branch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("branches.id"))
    # Where people who join with the code are taken first, if anywhere.
    consultation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultations.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The language its join page opens in (a group from a refugee support project: Arabic),
    # unless the reader has chosen one; none: the reader's own.
    language: Mapped[str | None] = mapped_column(sa.String(10))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_uses: Mapped[int] = mapped_column()
    uses: Mapped[int] = mapped_column(default=0, server_default="0")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    library_service: Mapped[LibraryService] = relationship()
    branch: Mapped[Branch | None] = relationship()
    consultation: Mapped[Consultation | None] = relationship()
    created_by: Mapped[User | None] = relationship()
