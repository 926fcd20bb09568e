"""Routes for QLP teams."""

from app.review import bp, services
from app.web import render


@bp.route("/")
def dashboard():
    """Ideas grouped by QLP aim and outcome and by Promise outcome, with votes and status."""
    return render(
        "review/dashboard.html",
        frameworks=services.ideas_by_outcome(),
        unlinked=services.unlinked_ideas(),
    )
