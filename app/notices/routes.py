"""Routes for notices: my notices, marking them read, and choosing which kinds I get."""

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from app.i18n import _, ngettext
from app.models import Role
from app.notices import bp, services
from app.notices.forms import NoticeSettingsForm
from app.pagination import Cursor, Listing, cursor_from_request
from app.rules import RuleError
from app.web import after_post, is_htmx, render, render_listing


def unread_notices() -> int:
    """How many notices the signed-in young person has not read (capped); 0 for anyone else."""
    if not current_user.is_authenticated or current_user.role != Role.YOUNG_PERSON:
        return 0
    return services.unread_count(current_user)


@bp.app_context_processor
def notices_for_every_page() -> dict:
    """The header's unread count, and the words for each kind of notice.

    The count is a function, so its one query runs only where a page shows it (the header,
    or a badge swapped in after marking notices read), never for partials such as a vote.
    """
    return {"unread_notices": unread_notices, "NOTICE_KIND_LABELS": services.KIND_LABELS}


def _notices(cursor: Cursor | None) -> Listing:
    """The signed-in person's notices, newest first, a page at a time."""
    return Listing(
        services.notices_page(current_user, cursor),
        id="notices",
        items="notices/_notice_items.html",
        url=url_for("notices.index"),
        more_label=_("Show more notices"),
        empty=_("You have no notices yet. We will tell you here when there is news."),
    )


@bp.get("")
def index():
    """My notices: news about my ideas, ideas I voted for, and my offers to help."""
    return render_listing("notices/index.html", _notices(cursor_from_request()))


@bp.post("/<int:notice_id>/read")
def mark_read(notice_id: int):
    """Mark one of my notices read: the notice and the header's count for htmx, else back."""
    item = services.mark_read(current_user, notice_id)
    if item is None:
        abort(404)
    message = _("The notice is marked as read.")
    if not is_htmx():
        flash(message)
    return after_post(
        url_for("notices.index"), "notices/_read_response.html", item=item, message=message
    )


@bp.post("/read-all")
def mark_all_read():
    """Mark all my notices read: the list and the header's count for htmx, else back."""
    marked = services.mark_all_read(current_user)
    if marked:
        message = ngettext(
            "%(num)d notice is marked as read.", "%(num)d notices are marked as read.", marked
        )
    else:
        message = _("You have no new notices.")
    if not is_htmx():
        flash(message)
    return after_post(
        url_for("notices.index"), "notices/_notices.html", listing=_notices(None), message=message
    )


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Choose which kinds of notice I get."""
    form = NoticeSettingsForm.showing(services.muted_kinds(current_user))
    if form.validate_on_submit():
        try:
            services.set_muted_kinds(current_user, form.muted())
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Your choices are saved."))
            return redirect(url_for("notices.settings"), code=303)
    failed = form.errors or form.form_errors
    return render("notices/settings.html", form=form, status=400 if failed else 200)
