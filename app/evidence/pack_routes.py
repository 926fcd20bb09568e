"""Routes of Best Value packs for staff: published packs, a pack before publishing, publishing."""

from datetime import date, timedelta

from flask import abort, flash, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.access import readable_library_service_ids, require_reader
from app.evidence import bp
from app.evidence.filters import readable_library_services
from app.evidence.forms import PackForm, PublishPackForm
from app.evidence.packs import (
    PackRequest,
    may_publish,
    pack_contents,
    publish_pack,
    published_packs,
)
from app.extensions import db
from app.i18n import _
from app.models import BestValuePack, LibraryService
from app.pagination import Listing, cursor_from_request
from app.rules import RuleError
from app.web import after_post, render, render_listing


def _with_choices(form: PackForm) -> PackForm:
    """The form, offering the library services this person may read (one must be chosen)."""
    library_services, _readable = readable_library_services(current_user)
    form.library_service.choices = [SelectChoice(ls.id, ls.name) for ls in library_services]
    return form


def _pack_request(form: PackForm) -> PackRequest | None:
    """The pack the form asks for, if it is valid and one this person may read."""
    if not form.validate():
        return None
    library_service = db.session.get(LibraryService, form.library_service.data)
    if library_service is None:
        return None
    require_reader(library_service.id)
    return PackRequest(library_service, form.start.data, form.end.data)


def _last_year() -> dict:
    """The period a pack form starts with: the year to today."""
    today = date.today()
    return {"start": today - timedelta(days=364), "end": today}


@bp.route("/packs")
def packs():
    """Published Best Value packs, newest first, and the form to prepare a new one."""
    form = _with_choices(PackForm(request.args or None, data=_last_year()))
    listing = Listing(
        published_packs(readable_library_service_ids(current_user), cursor_from_request()),
        id="packs",
        items="evidence/_pack_items.html",
        url=url_for("evidence.packs"),
        more_label=_("Show more packs"),
        empty=_("No pack has been published yet."),
        css="rows",
    )
    return render_listing("evidence/packs.html", listing, form=form)


@bp.route("/packs/preview")
def pack_preview():
    """The pack as it would be published, with the button to publish it for those who may."""
    form = _with_choices(PackForm(request.args))
    pack_request = _pack_request(form)
    if pack_request is None:
        return render("evidence/pack_preview.html", form=form, contents=None, status=400)
    return render(
        "evidence/pack_preview.html",
        form=form,
        publish=PublishPackForm(formdata=None),
        pack_request=pack_request,
        contents=pack_contents(pack_request),
        may_publish=may_publish(current_user, pack_request.library_service.id),
    )


@bp.route("/packs/publish", methods=["POST"])
def publish():
    """Freeze the pack as a new version and go to it."""
    form = _with_choices(PublishPackForm())
    pack_request = _pack_request(form)
    if pack_request is None:
        return render("evidence/pack_preview.html", form=form, contents=None, status=400)
    try:
        pack = publish_pack(current_user, pack_request)
    except RuleError as refusal:
        flash(str(refusal))
        return after_post(
            url_for(
                "evidence.pack_preview",
                library_service=pack_request.library_service.id,
                start=pack_request.start.isoformat(),
                end=pack_request.end.isoformat(),
            )
        )
    flash(_("Pack published. Anyone with its link can read it."))
    return after_post(url_for("evidence.published_pack", pack_id=pack.id))


@bp.route("/packs/<int:pack_id>")
def published_pack(pack_id: int):
    """One published pack as staff see it, with the link to share."""
    pack = db.session.get(BestValuePack, pack_id) or abort(404)
    require_reader(pack.library_service_id)
    return render("evidence/pack.html", pack=pack, contents=pack.snapshot)
