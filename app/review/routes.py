"""Routes for QLP teams."""

from flask import abort, url_for
from flask_babel import gettext as _

from app.pagination import Cursor, Listing, cursor_from_request
from app.review import bp, services
from app.web import render, render_listing


def _unlinked(cursor: Cursor | None) -> Listing:
    """Public ideas not yet linked to an outcome, a page at a time."""
    return Listing(
        services.unlinked_ideas(cursor),
        id="unlinked",
        items="review/_idea_items.html",
        url=url_for("review.unlinked"),
        more_label=_("Show more ideas not yet linked"),
        empty=_("Every published idea is linked to at least one outcome."),
        css="rows",
    )


@bp.route("/")
def dashboard():
    """How many ideas serve each QLP aim and outcome and each Promise outcome."""
    return render(
        "review/dashboard.html",
        frameworks=services.outcome_counts(),
        unlinked=_unlinked(None),
        unlinked_count=services.unlinked_count(),
    )


@bp.route("/outcomes/<code>")
def outcome(code: str):
    """The ideas serving one outcome, most votes first, a page at a time."""
    outcome = services.find_outcome(code) or abort(404)
    listing = Listing(
        services.ideas_for_outcome(outcome, cursor_from_request()),
        id=f"outcome-{outcome.id}-ideas",
        items="review/_idea_items.html",
        url=url_for("review.outcome", code=outcome.code),
        more_label=_("Show more ideas for %(code)s", code=outcome.code),
        empty=_("No published ideas serve this outcome yet."),
        css="rows",
    )
    return render_listing("review/outcome.html", listing, outcome=outcome)


@bp.route("/unlinked")
def unlinked():
    """Public ideas not yet linked to any outcome, most votes first, a page at a time."""
    return render_listing(
        "review/unlinked.html",
        _unlinked(cursor_from_request()),
        unlinked_count=services.unlinked_count(),
    )
