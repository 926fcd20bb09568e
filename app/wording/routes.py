"""Routes: a reader's wording suggestion, and the admins' queue and export."""

from flask import Response, abort, flash, request, stream_with_context, url_for
from flask_login import current_user

from app.access import roles_required
from app.extensions import db
from app.i18n import _
from app.languages import SHIPPED, current_language
from app.models import Role, SuggestionStatus, WordingSuggestion
from app.pagination import Listing, cursor_from_request
from app.web import after_post, render, render_listing
from app.wording import bp, services
from app.wording.forms import SuggestionForm


@bp.route("/wording/suggest", methods=["GET", "POST"])
def suggest():
    """Say which words of a page read wrong in its language, and how they would read better."""
    form = SuggestionForm()
    sent = form.page.data if request.method == "POST" else request.args.get("page")
    page = services.page_or_home(sent)
    form.page.data = page
    language = current_language()
    if form.validate_on_submit():
        services.suggest(language.code, page, form.words.data, form.better.data)
        flash(_("Thank you. The people who look after the translations will read it."))
        return after_post(page)
    status = 400 if form.errors else 200
    return render("wording/suggest.html", form=form, back_to=page, language=language, status=status)


@bp.get("/admin/wording")
@roles_required(Role.ADMIN)
def queue():
    """Readers' suggestions: new ones to read, or those accepted or set aside."""
    try:
        status = SuggestionStatus(request.args.get("status", SuggestionStatus.NEW.value))
    except ValueError:
        abort(404)
    listing = Listing(
        services.suggestions(status, cursor_from_request()),
        id="wording-suggestions",
        items="wording/_suggestion_items.html",
        url=url_for("wording.queue", status=status.value),
        more_label=_("Show more suggestions"),
        empty=_("There are no suggestions here."),
    )
    return render_listing("wording/queue.html", listing, status_shown=status, languages=SHIPPED)


def _decide(suggestion_id: int, status: SuggestionStatus):
    suggestion = db.get_or_404(WordingSuggestion, suggestion_id)
    if suggestion.status != SuggestionStatus.NEW:
        flash(_("That suggestion was already decided."))
    else:
        services.decide(suggestion, current_user, status)
        flash(
            _("Accepted into the list.") if status == SuggestionStatus.ACCEPTED else _("Set aside.")
        )
    return after_post(url_for("wording.queue"))


@bp.post("/admin/wording/<int:suggestion_id>/accept")
@roles_required(Role.ADMIN)
def accept(suggestion_id: int):
    """Take a suggestion into the list translators work from."""
    return _decide(suggestion_id, SuggestionStatus.ACCEPTED)


@bp.post("/admin/wording/<int:suggestion_id>/dismiss")
@roles_required(Role.ADMIN)
def dismiss(suggestion_id: int):
    """Set a suggestion aside."""
    return _decide(suggestion_id, SuggestionStatus.DISMISSED)


@bp.post("/admin/wording/accepted.csv")
@roles_required(Role.ADMIN)
def export():
    """The accepted suggestions as a CSV file for translators, streamed (a POST: audited)."""
    response = Response(
        stream_with_context(services.export_accepted(current_user)), mimetype="text/csv"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="wording-suggestions.csv"'
    return response
