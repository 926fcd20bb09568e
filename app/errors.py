"""Error pages: a clear message in the site's layout, never a stack trace."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.i18n import _l, ngettext
from app.limits import retry_after
from app.web import render

MESSAGES = {
    400: _l("Something in that request was not right. Please go back and try again."),
    403: _l("You do not have permission to see that page."),
    404: _l("We could not find that page."),
    405: _l("That page cannot be used that way."),
    413: _l("That was too much to send at once. Please make it shorter."),
    500: _l("Something went wrong on our side. Nothing you did caused it; please try again."),
}


def _page(code: int, message):
    """Render the error page with the given status."""
    return render_template("errors/error.html", code=code, message=message), code


def register_error_handlers(app: Flask) -> None:
    """Show our own page for every HTTP error and for failed CSRF checks."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        """A missing or stale CSRF token: explain, change nothing."""
        return _page(
            400, _l("This form had expired. Please go back, reload the page and try again.")
        )

    @app.errorhandler(429)
    def too_many_requests(error):
        """A rate limit was reached: nothing was done; say so, and when to try again.

        htmx gets only the message, for the status region; base.html has htmx take a 429
        without swapping anything else.
        """
        seconds = retry_after()
        minutes = max(1, round(seconds / 60))
        wait = ngettext(
            "You can try again in about %(num)s minute.",
            "You can try again in about %(num)s minutes.",
            minutes,
        )
        response = render(
            "errors/too_many.html", "errors/_too_many_response.html", status=429, wait=wait
        )
        response.headers["Retry-After"] = str(seconds)
        response.headers["HX-Reswap"] = "none"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error):
        """Any HTTP error, in the site's layout."""
        code = error.code or 500
        return _page(code, MESSAGES.get(code, error.description))

    @app.errorhandler(500)
    def server_error(error):
        """An unexpected failure: undo the half-done transaction and apologise."""
        db.session.rollback()
        return _page(500, MESSAGES[500])
