"""Public evidence pages: "Our year in numbers" for each library service, and published packs.

Its own blueprint, open to everyone (the evidence area's pages are for staff only). Every
figure goes through disclosure control; a pack is read by whoever has its link.
"""

from datetime import timedelta

from flask import Blueprint, abort, current_app
from sqlalchemy import select

from app.evidence.disclosure import current_threshold, figure
from app.evidence.packs import pack_by_token
from app.evidence.participation import YearInNumbers, last_year, year_in_numbers
from app.extensions import db
from app.models import LibraryService, utcnow
from app.web import render

bp = Blueprint("evidence_public", __name__)

# Anyone may ask for a year in numbers, and counting one reads the year's votes (about a second
# for a borough): each process counts a library service's year at most this often. The figures
# are rounded to fives, so a reader could not tell a count a few minutes old from a new one.
NUMBERS_FRESH_FOR = timedelta(minutes=10)


def _counted_lately(library_service_id: int) -> YearInNumbers:
    """A library service's year in numbers, counted again once the last count is stale."""
    counted = current_app.extensions.setdefault("year_in_numbers", {})
    now = utcnow()
    kept = counted.get(library_service_id)
    if kept is None or now >= kept[0]:
        kept = counted[library_service_id] = (
            now + NUMBERS_FRESH_FOR,
            year_in_numbers(library_service_id),
        )
    return kept[1]


@bp.route("/numbers")
def numbers_list():
    """Every library service, each linking to its year in numbers."""
    library_services = db.session.execute(
        select(LibraryService).order_by(LibraryService.name)
    ).scalars()
    return render("evidence/numbers_list.html", library_services=list(library_services))


@bp.route("/numbers/<int:library_service_id>")
def numbers(library_service_id: int):
    """A library service's last twelve months: who took part, ideas, votes, services made."""
    library_service = db.get_or_404(LibraryService, library_service_id)
    counted = _counted_lately(library_service.id)
    year = last_year()
    return render(
        "evidence/numbers.html",
        library_service=library_service,
        took_part=figure(counted.took_part),
        ideas=figure(counted.ideas),
        votes=figure(counted.votes),
        services_made=figure(counted.services_made),
        start=year.start,
        end=year.end,
        threshold=current_threshold(),
    )


@bp.route("/packs/<token>")
def pack(token: str):
    """A published pack, read-only, for whoever has its link."""
    pack = pack_by_token(token) or abort(404)
    return render("evidence/pack_public.html", pack=pack, contents=pack.snapshot)
