"""Routes for reports: anyone signed in reports an idea; its library service's staff decide.

Who reported an idea is shown nowhere: staff pages give the reasons, the words reporters
added, and how many reports there are.
"""

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from app.access import STAFF_ROLES, idea_is_public, require_member, roles_required
from app.extensions import db
from app.i18n import _, _l
from app.models import Consultation, Idea, Role
from app.moderation.services import library_services_of
from app.pagination import Cursor, Listing, cursor_from_request
from app.reports import bp, services
from app.reports.forms import REASON_LABELS, ReportDecisionForm, ReportForm, ThresholdForm
from app.rules import RuleError
from app.web import after_post, is_htmx, render, render_listing


@bp.app_template_global()
def open_report_count() -> int:
    """Reports waiting for the signed-in member of staff: the navigation shows how many."""
    if not current_user.is_authenticated or current_user.role not in STAFF_ROLES:
        return 0
    return services.open_report_count(current_user)


def _get_idea(idea_id: int) -> Idea:
    """An idea with its consultation and library service; 404 if there is none."""
    idea = db.session.execute(
        select(Idea)
        .where(Idea.id == idea_id)
        .options(joinedload(Idea.consultation).joinedload(Consultation.library_service))
    ).scalar_one_or_none()
    if idea is None:
        abort(404)
    return idea


def _staff_idea(idea_id: int) -> Idea:
    """An idea: 404 if none, 403 unless the signed-in person acts in its library service."""
    idea = _get_idea(idea_id)
    require_member(idea.consultation.library_service_id)
    return idea


@bp.route("/ideas/<int:idea_id>/report", methods=["GET", "POST"])
@roles_required(*Role)
def report(idea_id: int):
    """Tell library staff what is wrong with a public idea; nobody else learns who did."""
    idea = _get_idea(idea_id)
    if not idea_is_public(idea):  # nothing anyone else can see, so nothing to report
        abort(404)
    refusal = services.refusal(current_user, idea)
    form = ReportForm()
    if refusal is None and form.validate_on_submit():
        try:
            services.report_idea(current_user, idea, form.reason.data, form.details.data)
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(
                _(
                    "Thank you for telling us. Library staff will look at this idea and decide "
                    "what to do. Nobody else will know it was you."
                )
            )
            back = url_for("ideas.consultation", consultation_id=idea.consultation_id)
            return redirect(back, code=303)
    failed = form.errors or form.form_errors
    return render(
        "reports/report.html",
        idea=idea,
        form=form,
        refusal=refusal,
        already=refusal is None and not failed and services.has_reported(current_user, idea),
        status=403 if refusal else 400 if failed else 200,
    )


def _decision_form(idea: Idea, formdata=None) -> ReportDecisionForm:
    """The form deciding about one idea's reports; its fields are named after the idea."""
    if formdata is None:
        form = ReportDecisionForm(prefix=f"r{idea.id}", formdata=None)
    else:
        form = ReportDecisionForm(prefix=f"r{idea.id}")
    form.offer_languages(idea.author)
    return form


def _queue(cursor: Cursor | None) -> Listing:
    """Ideas with open reports in the signed-in person's library services, oldest first."""
    page = services.reported_ideas(current_user, cursor)
    return Listing(
        page.map(lambda reported: (reported, _decision_form(reported.idea))),
        id="reported",
        items="reports/_reported_items.html",
        url=url_for("reports.queue"),
        more_label=_("Show more reported ideas"),
        empty=_("No reports are waiting. Thank you."),
    )


def _threshold_form(formdata=None) -> ThresholdForm:
    """The form for how many reports hide an idea, offering the person's library services."""
    library_services = library_services_of(current_user)
    only = library_services[0] if len(library_services) == 1 else None
    if formdata is None:
        form = ThresholdForm(
            formdata=None,
            library_service=only.id if only else None,
            reports_to_hide=only.reports_to_hide if only else None,
        )
    else:
        form = ThresholdForm()
    form.library_service.choices = [
        SelectChoice("", _l("Choose a library service")),
        *[
            SelectChoice(
                service.id,
                _("%(service)s (now %(num)s)", service=service.name, num=service.reports_to_hide),
            )
            for service in library_services
        ],
    ]
    return form


def _queue_page(threshold: ThresholdForm, status: int = 200):
    """The reports queue, with the form for how many reports hide an idea."""
    return render_listing(
        "reports/queue.html",
        _queue(cursor_from_request()),
        threshold_form=threshold,
        reason_labels=REASON_LABELS,
        status=status,
    )


@bp.get("/staff/reports")
@roles_required(*STAFF_ROLES)
def queue():
    """Ideas people have reported, the longest waiting first, with why and how many."""
    return _queue_page(_threshold_form())


def _idea_context(idea: Idea, form: ReportDecisionForm) -> dict:
    """What one reported idea's page shows: its open reports, a page at a time, and the form."""
    listing = Listing(
        services.open_reports_of(idea, cursor_from_request()),
        id="reports",
        items="reports/_report_items.html",
        url=url_for("reports.idea", idea_id=idea.id),
        more_label=_("Show more reports"),
        empty=_("No reports of this idea are waiting for a decision."),
    )
    return {
        "listing": listing,
        "item": (services.reported_idea(idea), form),
        "reason_labels": REASON_LABELS,
    }


@bp.get("/staff/reports/ideas/<int:idea_id>")
@roles_required(*STAFF_ROLES)
def idea(idea_id: int):
    """What people said about one idea, and staff's decision about it."""
    idea = _staff_idea(idea_id)
    context = _idea_context(idea, _decision_form(idea))
    return render_listing("reports/idea.html", context.pop("listing"), **context)


def _decided(hidden_or_shown: bool, decision: str) -> str:
    """What staff are told once they have decided."""
    if decision == "keep":
        if hidden_or_shown:
            return _("The reports are dismissed, and the idea is shown again.")
        return _("The reports are dismissed. The idea stays as it was.")
    if hidden_or_shown:
        return _("The reports are upheld, and the idea is hidden. Its author was told why.")
    return _("The reports are upheld. The idea was already out of view.")


@bp.post("/staff/reports/ideas/<int:idea_id>/decision")
@roles_required(*STAFF_ROLES)
def decide(idea_id: int):
    """Keep a reported idea (dismissing the reports), or agree and hide it."""
    idea = _staff_idea(idea_id)
    form = _decision_form(idea, formdata=True)
    if form.validate():
        decide_with = services.keep_idea if form.decision.data == "keep" else services.hide_idea
        try:
            changed = decide_with(
                idea, current_user, form.message.data or "", form.message_language.data
            )
        except RuleError as error:
            (form[error.field].errors if error.field else form.form_errors).append(error.message)
        else:
            message = _decided(changed, form.decision.data)
            if not is_htmx():
                flash(message)
            return after_post(
                url_for("reports.queue"), "reports/_decided.html", idea=idea, message=message
            )
    # The decision in place for htmx, with what is wrong beside it; else the idea's page.
    return render(
        "reports/idea.html", "reports/_reported.html", status=400, **_idea_context(idea, form)
    )


@bp.post("/staff/reports/threshold")
@roles_required(*STAFF_ROLES)
def threshold():
    """Choose how many reports from different people hide an idea in a library service."""
    form = _threshold_form(formdata=True)
    if form.validate():
        try:
            services.set_reports_to_hide(
                current_user, form.library_service.data, form.reports_to_hide.data
            )
        except RuleError as error:
            form[error.field or "reports_to_hide"].errors.append(error.message)
        else:
            flash(_("Saved. From the next report, that many reports hide an idea."))
            return redirect(url_for("reports.queue"), code=303)
    return _queue_page(form, status=400)
