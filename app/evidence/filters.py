"""The evidence area's filters: the library services a person may choose, and the ones chosen."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice, SelectField

from app.access import may_read_consultation, readable_library_service_ids
from app.extensions import db
from app.i18n import _
from app.models import Consultation, LibraryService


def readable_library_services(user) -> tuple[list[LibraryService], frozenset[int] | None]:
    """The library services `user` may choose, by name, and their ids (None: every one)."""
    readable = readable_library_service_ids(user)
    statement = select(LibraryService).order_by(LibraryService.name)
    if readable is not None:
        statement = statement.where(LibraryService.id.in_(readable))
    return list(db.session.execute(statement).scalars()), readable


def offer_library_services(
    field: SelectField, library_services: list[LibraryService], named: bool = True
) -> None:
    """Give `field` these library services to choose from, after "every one" when there are
    several; unnamed (ids only) where the choice travels in a hidden field."""
    everyone = _("Every library service") if named else ""
    field.choices = [
        *([] if len(library_services) == 1 else [SelectChoice("", everyone)]),
        *[SelectChoice(ls.id, ls.name if named else str(ls.id)) for ls in library_services],
    ]


def chosen_library_services(
    chosen: int | None, library_services: list[LibraryService], readable: frozenset[int] | None
) -> frozenset[int] | None:
    """The library services a filter covers: the one chosen, the only one there is, or every
    one the person may read (None: all)."""
    if chosen is None and len(library_services) == 1:
        chosen = library_services[0].id
    return frozenset({chosen}) if chosen is not None else readable


def readable_consultations(user, readable: frozenset[int] | None) -> list[Consultation]:
    """The consultations of these library services `user` may name, newest first: a draft is
    named only to those who may read it."""
    statement = (
        select(Consultation)
        .options(joinedload(Consultation.library_service))
        .order_by(Consultation.created_at.desc(), Consultation.id)
    )
    if readable is not None:
        statement = statement.where(Consultation.library_service_id.in_(readable))
    return [c for c in db.session.execute(statement).scalars() if may_read_consultation(user, c)]
