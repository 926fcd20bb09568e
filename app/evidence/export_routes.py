"""Routes of the evidence area's downloads: the exports page and one POST per export.

A download is a POST (with CSRF) because it changes the audit log: each is recorded, with
what was exported, in which format and for which filter, before the file is streamed.
"""

from collections.abc import Callable
from dataclasses import replace

from flask import Response, request, stream_with_context
from flask_login import current_user
from wtforms import SelectChoice

from app.audit import record
from app.evidence import bp, exports
from app.evidence.coverage import Scope
from app.evidence.exports import Export
from app.evidence.filters import (
    chosen_library_services,
    offer_library_services,
    readable_consultations,
    readable_library_services,
)
from app.evidence.forms import ExportForm
from app.extensions import db
from app.web import render


def _export_form() -> tuple[ExportForm, Scope | None]:
    """The download form as sent, with the filter choices this person may make, and its scope.

    The same choices as the coverage matrix's filter: a member of staff may only ask for their
    own library services, and a draft consultation is named only to those who may read it.
    The scope is None when the form was not understood.
    """
    library_services, readable = readable_library_services(current_user)
    form = ExportForm(request.form)
    # The filter comes as hidden fields: its choices are checked, never shown, so ids will do.
    offer_library_services(form.library_service, library_services, named=False)
    form.consultation.choices = [
        SelectChoice("", ""),
        *[SelectChoice(c.id, str(c.id)) for c in readable_consultations(current_user, readable)],
    ]
    if not form.validate():
        return form, None
    ids = chosen_library_services(form.library_service.data, library_services, readable)
    return form, Scope(ids, form.consultation.data, form.start.data, form.end.data)


def _catalogue() -> list[Export]:
    """What can be downloaded, each with its data dictionary (and no figures)."""
    return [
        exports.every_idea(None, current_user),
        exports.open_ideas(None),
        exports.coverage_export(None),
        exports.participation_export(None),
    ]


ENDPOINTS = {
    "ideas": "evidence.export_ideas",
    "open-ideas": "evidence.export_open_ideas",
    "coverage": "evidence.export_coverage",
    "participation": "evidence.export_participation",
}


@bp.get("/exports")
def exports_page():
    """What can be downloaded, with each export's data dictionary."""
    return render("evidence/exports.html", catalogue=_catalogue(), endpoints=ENDPOINTS)


def _download(kind: str, build: Callable[[ExportForm, Scope], Export]):
    """Audit the download the form asks for, then stream it as an attachment."""
    form, scope = _export_form()
    if scope is None:
        return render(
            "evidence/exports.html",
            catalogue=_catalogue(),
            endpoints=ENDPOINTS,
            refused=form,
            status=400,
        )
    export = build(form, scope)
    record(
        current_user,
        "evidence.export",
        current_user,
        export=kind,
        format=form.format.data,
        library_service=form.library_service.data,
        consultation=form.consultation.data,
        start=form.start.data.isoformat() if form.start.data else None,
        end=form.end.data.isoformat() if form.end.data else None,
    )
    db.session.commit()
    response = Response(
        stream_with_context(export.stream(form.format.data)),
        mimetype=exports.MIMETYPES[form.format.data],
    )
    filename = export.filename(form.format.data)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.post("/exports/ideas")
def export_ideas():
    """Every idea this person may read in the filter: no words, no author (audited)."""
    return _download("ideas", lambda _form, scope: exports.every_idea(scope, current_user))


@bp.post("/exports/open-ideas")
def export_open_ideas():
    """The published ideas in the filter as open data (audited): every library service's,
    unless the filter names one, as they are public."""

    def build(form: ExportForm, scope: Scope) -> Export:
        chosen = form.library_service.data is not None
        return exports.open_ideas(scope if chosen else replace(scope, library_service_ids=None))

    return _download("open-ideas", build)


@bp.post("/exports/coverage")
def export_coverage():
    """The coverage matrix in the filter (audited)."""
    return _download("coverage", lambda _form, scope: exports.coverage_export(scope))


@bp.post("/exports/participation")
def export_participation():
    """The participation report in the filter (audited), figures as shown, never unrounded."""
    return _download("participation", lambda _form, scope: exports.participation_export(scope))
