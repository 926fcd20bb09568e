"""Reading the outcome frameworks whole: frameworks, their groups and outcomes, in three queries."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import OutcomeFramework, OutcomeGroup


def all_frameworks() -> list[OutcomeFramework]:
    """Every framework in source order, with its groups and outcomes already loaded."""
    return list(
        db.session.execute(
            select(OutcomeFramework)
            .options(selectinload(OutcomeFramework.groups).selectinload(OutcomeGroup.outcomes))
            .order_by(OutcomeFramework.position)
        ).scalars()
    )
