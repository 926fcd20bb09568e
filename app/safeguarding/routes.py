"""Routes for raising safeguarding concerns, and for the safeguarding lead's queue of them.

Any member of staff raises a concern in the library services they act in; only a library
service's designated safeguarding leads read its concerns and close them (`app.access`).
"""

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.access import led_library_service_ids, require_lead, require_member
from app.extensions import db
from app.fields import library_service_choices
from app.i18n import _
from app.models import Idea, SafeguardingConcern
from app.moderation.services import library_services_of
from app.pagination import Cursor, Listing, cursor_from_request
from app.rules import RuleError
from app.safeguarding import bp, services
from app.safeguarding.forms import CloseConcernForm, ConcernForm, ServiceConcernForm
from app.web import render, render_listing


@bp.app_template_global()
def leads_safeguarding() -> bool:
    """True if the signed-in person leads safeguarding anywhere: the navigation links the queue."""
    return bool(led_library_service_ids(current_user))


def _open(cursor: Cursor | None) -> Listing:
    """The open concerns of the library services the signed-in lead leads, a page at a time."""
    return Listing(
        services.open_concerns(current_user, cursor),
        id="concerns",
        items="safeguarding/_concern_items.html",
        url=url_for("safeguarding.queue"),
        more_label=_("Show more open concerns"),
        empty=_("No concern is waiting for you."),
    )


def _closed(cursor: Cursor | None) -> Listing:
    """The closed concerns of the library services the signed-in lead leads, newest first."""
    return Listing(
        services.closed_concerns(current_user, cursor),
        id="closed-concerns",
        items="safeguarding/_concern_items.html",
        url=url_for("safeguarding.closed"),
        more_label=_("Show more closed concerns"),
        empty=_("No concern has been closed yet."),
    )


def _raised_message(concern: SafeguardingConcern) -> str:
    """What the person who raised a concern is told: sent, or kept with nobody yet to read it."""
    name = concern.library_service.name
    if services.has_lead(concern.library_service_id):
        return _(
            "Thank you. Your concern was sent to the safeguarding lead of %(service)s.",
            service=name,
        )
    return _(
        "%(service)s has no designated safeguarding lead, so nobody has been told yet. Your "
        "concern is kept for the lead an admin designates. If a child may be at risk now, follow "
        "your safeguarding procedure straight away.",
        service=name,
    )


def _get_idea(idea_id: int) -> Idea:
    """An idea with its consultation: 404 if none, 403 outside the person's library services."""
    idea = db.session.execute(
        select(Idea).where(Idea.id == idea_id).options(joinedload(Idea.consultation))
    ).scalar_one_or_none()
    if idea is None:
        abort(404)
    require_member(idea.consultation.library_service_id)
    return idea


def _get_concern(concern_id: int) -> SafeguardingConcern:
    """A concern: 404 if none, 403 unless the person leads its library service's safeguarding."""
    concern = services.concern_for_page(concern_id)
    if concern is None:
        abort(404)
    require_lead(concern.library_service_id)
    return concern


@bp.get("/")
def queue():
    """The open concerns a safeguarding lead is to deal with, oldest first."""
    require_lead()
    return render_listing("safeguarding/queue.html", _open(cursor_from_request()))


@bp.get("/closed")
def closed():
    """The concerns a safeguarding lead's library services have closed, newest first."""
    require_lead()
    return render_listing("safeguarding/closed.html", _closed(cursor_from_request()))


@bp.route("/ideas/<int:idea_id>/concern", methods=["GET", "POST"])
def raise_about_idea(idea_id: int):
    """Raise a safeguarding concern about a young person's idea."""
    idea = _get_idea(idea_id)
    form = ConcernForm()
    if form.validate_on_submit():
        try:
            concern = services.raise_concern(current_user, None, form.concern.data, idea=idea)
        except RuleError as error:
            form.concern.errors.append(error.message)
        else:
            flash(_raised_message(concern))
            return redirect(url_for("moderation.idea", idea_id=idea.id), code=303)
    return render(
        "safeguarding/raise.html",
        form=form,
        idea=idea,
        without_lead=[]
        if services.has_lead(idea.consultation.library_service_id)
        else [idea.consultation.library_service],
        status=400 if form.errors else 200,
    )


@bp.route("/concerns/new", methods=["GET", "POST"])
def new_concern():
    """Raise a safeguarding concern that is not about an idea, in one's library service."""
    library_services = library_services_of(current_user)
    only = library_services[0].id if len(library_services) == 1 else None
    form = ServiceConcernForm(library_service=only)
    form.library_service.choices = library_service_choices(library_services)
    if form.validate_on_submit():
        try:
            concern = services.raise_concern(
                current_user, form.library_service.data, form.concern.data
            )
        except RuleError as error:
            form[error.field or "concern"].errors.append(error.message)
        else:
            flash(_raised_message(concern))
            return redirect(url_for("safeguarding.new_concern"), code=303)
    without_lead = {service.id for service in services.library_services_without_lead()}
    return render(
        "safeguarding/raise.html",
        form=form,
        idea=None,
        without_lead=[service for service in library_services if service.id in without_lead],
        status=400 if form.errors else 200,
    )


def _concern_page(concern: SafeguardingConcern, form: CloseConcernForm, status: int = 200):
    """Render one concern, with the form to close it while it is open."""
    return render("safeguarding/concern.html", concern=concern, form=form, status=status)


@bp.get("/concerns/<int:concern_id>")
def concern(concern_id: int):
    """One concern, for its library service's safeguarding leads."""
    return _concern_page(_get_concern(concern_id), CloseConcernForm(formdata=None))


@bp.post("/concerns/<int:concern_id>/close")
def close(concern_id: int):
    """Record what the lead did about a concern, and close it."""
    concern = _get_concern(concern_id)
    form = CloseConcernForm()
    if form.validate():
        try:
            services.close_concern(current_user, concern, form.outcome.data)
        except RuleError as error:
            form.outcome.errors.append(error.message)
        else:
            flash(_("Concern closed. What you did is kept with it."))
            return redirect(url_for("safeguarding.queue"), code=303)
    return _concern_page(concern, form, status=400)
