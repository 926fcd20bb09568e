"""Best Value packs: a library service's evidence for a period, frozen when it is published."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.library import LibraryService
from app.models.types import UTCDateTime, utcnow
from app.models.users import User


class BestValuePack(db.Model):
    """One published version of a pack: a stored snapshot that later changes never alter.

    The snapshot holds figures only as they were shown (under disclosure control), never a
    true count, and no person's name: it is read by anyone who has its link.
    """

    __tablename__ = "best_value_packs"
    __table_args__ = (
        sa.UniqueConstraint("library_service_id", "version"),
        sa.CheckConstraint("period_end >= period_start", name="pack_period_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    library_service_id: Mapped[int] = mapped_column(sa.ForeignKey("library_services.id"))
    # Each publication of a library service's pack is a new version: 1, 2, 3...
    version: Mapped[int] = mapped_column()
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    # The read-only link's secret part: whoever has the link may read the pack, no one else.
    token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    # The language its words were written in when it was published.
    language: Mapped[str] = mapped_column(sa.String(10))
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    library_service: Mapped[LibraryService] = relationship()
    published_by: Mapped[User | None] = relationship()
