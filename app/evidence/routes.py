"""Routes of the evidence area: the coverage matrix, the lists behind its cells and the
participation report, with its audited unrounded view for a library service's own staff."""

from flask import abort, current_app, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import SelectChoice

from app.access import acts_in
from app.audit import record
from app.evidence import bp, charts, heatmap
from app.evidence.coverage import Scope, coverage, ideas_behind, services_behind
from app.evidence.disclosure import current_threshold, figure
from app.evidence.equality import about_you_totals
from app.evidence.filters import (
    chosen_library_services,
    offer_library_services,
    readable_consultations,
    readable_library_services,
)
from app.evidence.forms import CoverageFilterForm, UnroundedForm
from app.evidence.participation import participation
from app.extensions import db
from app.i18n import _
from app.labels import RATING_LABELS
from app.languages import current_language
from app.models import LibraryService, Role
from app.pagination import Listing, cursor_from_request
from app.review.services import find_outcome
from app.web import after_post, render, render_listing


def _filter() -> tuple[CoverageFilterForm, Scope | None]:
    """The filter form with the choices this person may make, and the scope it asks for.

    The scope is None when the filter was not understood.
    """
    library_services, readable = readable_library_services(current_user)
    form = CoverageFilterForm(request.args)
    offer_library_services(form.library_service, library_services)
    form.consultation.choices = [
        SelectChoice("", _("Every consultation")),
        *[
            SelectChoice(c.id, f"{c.question} ({c.library_service.name})")
            for c in readable_consultations(current_user, readable)
        ],
    ]
    if not form.validate():
        return form, None
    ids = chosen_library_services(form.library_service.data, library_services, readable)
    return form, Scope(ids, form.consultation.data, form.start.data, form.end.data)


def _arguments(form: CoverageFilterForm) -> dict:
    """The filter as address arguments, for links to the lists and their pages."""
    return {
        "library_service": form.library_service.data,
        "consultation": form.consultation.data,
        "start": form.start.data.isoformat() if form.start.data else None,
        "end": form.end.data.isoformat() if form.end.data else None,
    }


def _refused(form: CoverageFilterForm, page: str = "evidence/coverage.html"):
    """The page with the filter's mistakes beside its fields, as a 400."""
    return render(
        page, form=form, rows=None, report=None, threshold=current_threshold(), status=400
    )


@bp.route("/coverage")
def coverage_matrix():
    """Every outcome against the ideas and services serving it, as a table and a heat map."""
    form, scope = _filter()
    if scope is None:
        return _refused(form)
    rows = [(row, figure(row.idea_count), figure(row.service_count)) for row in coverage(scope)]
    rtl = current_language().direction == "rtl"
    labels, cells, height = heatmap.layout(
        [(row.outcome.code, ideas, services) for row, ideas, services in rows], rtl
    )
    return render(
        "evidence/coverage.html",
        form=form,
        rows=rows,
        threshold=current_threshold(),
        arguments=_arguments(form),
        rating_labels=RATING_LABELS,
        heatmap=heatmap,
        labels=labels,
        cells=cells,
        height=height,
    )


def _outcome_list(code: str, kind: str):
    """The list behind one cell of the matrix: the ideas or services serving an outcome."""
    outcome = find_outcome(code) or abort(404)
    form, scope = _filter()
    if scope is None:
        return _refused(form)
    arguments = _arguments(form)
    endpoint = f"evidence.outcome_{kind}"
    if kind == "ideas":
        page = ideas_behind(outcome, scope, cursor_from_request())
        more, empty = (
            _("Show more ideas"),
            _("No published ideas in this filter serve this outcome."),
        )
    else:
        page = services_behind(outcome, scope, cursor_from_request())
        more, empty = (
            _("Show more services"),
            _("No co-designed services in this filter serve this outcome."),
        )
    listing = Listing(
        page,
        id=f"coverage-{kind}",
        items=f"evidence/_{kind}_items.html",
        url=url_for(endpoint, code=outcome.code, **arguments),
        more_label=more,
        empty=empty,
        css="rows",
    )
    return render_listing(
        "evidence/outcome_list.html", listing, outcome=outcome, kind=kind, arguments=arguments
    )


@bp.route("/coverage/<code>/ideas")
def outcome_ideas(code: str):
    """The published ideas in the filter linked to one outcome, a page at a time."""
    return _outcome_list(code, "ideas")


@bp.route("/coverage/<code>/services")
def outcome_services(code: str):
    """The co-designed services in the filter linked to one outcome, a page at a time."""
    return _outcome_list(code, "services")


# How long a link to the unrounded view works after the audited request for it.
UNROUNDED_SECONDS = 600


def _own_service(scope: Scope) -> int | None:
    """The one library service of the filter if the signed-in person is its own staff: the only
    case in which unrounded figures may be shown (never to reviewers or admins, never in files)."""
    if current_user.role != Role.STAFF or scope.library_service_ids is None:
        return None
    if len(scope.library_service_ids) != 1:
        return None
    (library_service_id,) = scope.library_service_ids
    return library_service_id if acts_in(current_user, library_service_id) else None


def _signer() -> URLSafeTimedSerializer:
    """Signs the short-lived address of an unrounded view."""
    return URLSafeTimedSerializer(current_app.secret_key, salt="evidence-unrounded")


def _unrounded(own: int | None) -> bool:
    """Whether the page's address carries a fresh token for this person and library service,
    handed out by the audited POST (a GET writes nothing, so it cannot be the audit itself)."""
    token = request.args.get("unrounded")
    if own is None or not token:
        return False
    try:
        signed = _signer().loads(token, max_age=UNROUNDED_SECONDS)
    except BadSignature:
        return False
    return signed == {"user": current_user.id, "library_service": own}


@bp.route("/participation")
def participation_report():
    """Who took part, ideas and votes, by age band, place, language and month; with charts."""
    form, scope = _filter()
    if scope is None:
        return _refused(form, "evidence/participation.html")
    report = participation(scope)
    about_you = about_you_totals(scope)
    own = _own_service(scope)
    unrounded = _unrounded(own)
    rtl = current_language().direction == "rtl"
    return render(
        "evidence/participation.html",
        form=form,
        report=report,
        threshold=current_threshold(),
        arguments=_arguments(form),
        unrounded=unrounded,
        unrounded_form=UnroundedForm() if own is not None and not unrounded else None,
        charts=charts.trend_charts(report.months, rtl),
        about_you=about_you,
    )


@bp.route("/participation/unrounded", methods=["POST"])
def participation_unrounded():
    """Record in the audit log that a member of staff asked for their own figures unrounded,
    then show the report with them (a short-lived signed address, for this person only)."""
    form, scope = _filter()
    if scope is None:
        abort(400)
    own = _own_service(scope)
    if own is None:
        abort(403)
    if not UnroundedForm().validate_on_submit():
        abort(400)
    library_service = db.get_or_404(LibraryService, own)
    record(
        current_user,
        "evidence.unrounded_view",
        library_service,
        report="participation",
        consultation=scope.consultation_id,
        start=scope.start.isoformat() if scope.start else None,
        end=scope.end.isoformat() if scope.end else None,
    )
    db.session.commit()
    token = _signer().dumps({"user": current_user.id, "library_service": own})
    return after_post(url_for("evidence.participation_report", **_arguments(form), unrounded=token))
