"""Routes for co-designed services: thin, over app/codesign/services.py.

Everyone here is staff, an admin or a QLP reviewer (the blueprint checks). Reading a service
needs `require_reader` (reviewers read all); every change needs a staff role and membership
of the service's library service (`require_member`).
"""

from flask import abort, flash, redirect, request, url_for
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from app.access import (
    STAFF_ROLES,
    acts_in,
    may_add_partners,
    require_member,
    require_reader,
    roles_required,
    sees_codesigner_names,
)
from app.codesign import bp, services
from app.codesign.forms import (
    AddIdeaForm,
    AddPartnerForm,
    LessonsForm,
    NewPartnerForm,
    OutcomeForm,
    ServiceDetailsForm,
    SessionForm,
    SkillForm,
    StartServiceForm,
    StatusForm,
    SuggestionForm,
    attendance_field_name,
)
from app.extensions import db
from app.i18n import _, _l
from app.labels import SERVICE_STATUS_LABELS
from app.models import (
    CodesignService,
    CodesignSession,
    CodesignVolunteer,
    Consultation,
    Idea,
    Partner,
    ServiceOutcomeLink,
    ServiceStatus,
)
from app.models.types import ROW_ID_MAX
from app.moderation.services import outcome_choices
from app.pagination import Cursor, Listing, cursor_from_request
from app.review.services import is_quality_leader, service_reviews
from app.rules import RuleError
from app.web import after_post, is_htmx, render, render_listing

# The parts of the service page that change in place: their template and heading.
PANELS = {
    "partners": ("codesign/_partners.html", "partners-heading"),
    "sessions": ("codesign/_sessions.html", "sessions-heading"),
    "skills": ("codesign/_skills.html", "skills-heading"),
    "lessons": ("codesign/_lessons.html", "lessons-heading"),
}
ANSWER = "codesign/_answer.html"


def _get(model, object_id: int):
    """Load a row or answer 404."""
    row = db.session.get(model, object_id)
    if row is None:
        abort(404)
    return row


def _can_start() -> bool:
    """Whether the viewer may start services (staff and admins; reviewers only read)."""
    return current_user.role in STAFF_ROLES


def _readable_service(service_id: int) -> CodesignService:
    """The service, if the viewer may read its library service's pages (else 403 or 404)."""
    service = services.load_service(service_id)
    if service is None:
        abort(404)
    require_reader(service.library_service_id)
    return service


def _writable_service(service_id: int) -> CodesignService:
    """The service, if the viewer acts in its library service (else 403 or 404)."""
    service = services.load_service(service_id)
    if service is None:
        abort(404)
    require_member(service.library_service_id)
    return service


def _service_url(service_id: int, heading: str = "") -> str:
    """The service page, at one of its sections."""
    url = url_for("codesign.service", service_id=service_id)
    return f"{url}#{heading}" if heading else url


# Lists ------------------------------------------------------------------------------------


def _services_listing(cursor: Cursor | None) -> Listing:
    """The viewer's services, newest first, a page at a time."""
    return Listing(
        services.services_page(current_user, cursor),
        id="services",
        items="codesign/_service_items.html",
        url=url_for("codesign.services"),
        more_label=_("Show more services"),
        empty=_("No co-designed services have been started yet."),
    )


def _waiting_listing(cursor: Cursor | None) -> Listing:
    """Accepted ideas in no service yet, newest first, a page at a time."""
    return Listing(
        services.waiting_ideas_page(current_user, cursor),
        id="waiting-ideas",
        items="codesign/_waiting_items.html",
        url=url_for("codesign.waiting_ideas"),
        more_label=_("Show more accepted ideas"),
        empty=_("No accepted ideas are waiting for a service."),
    )


def _volunteers_listing(service: CodesignService, cursor: Cursor | None) -> Listing:
    """The young people who offered to help, waiting offers first, a page at a time."""
    return Listing(
        services.volunteers_page(service, cursor),
        id="codesigners",
        items="codesign/_volunteer_items.html",
        url=url_for("codesign.volunteers", service_id=service.id),
        more_label=_("Show more co-designers"),
        empty=_("No young person has offered to help design its ideas yet."),
    )


def _sessions_listing(service: CodesignService, cursor: Cursor | None) -> Listing:
    """The service's sessions, most recent first, a page at a time."""
    return Listing(
        services.sessions_page(service, cursor),
        id="sessions",
        items="codesign/_session_items.html",
        url=url_for("codesign.sessions", service_id=service.id),
        more_label=_("Show more sessions"),
        empty=_("No sessions have been logged yet."),
    )


def _skills_listing(service: CodesignService, cursor: Cursor | None) -> Listing:
    """The staff skills recorded for the service, newest first, a page at a time."""
    return Listing(
        services.skills_page(service, cursor),
        id="skills",
        items="codesign/_skill_items.html",
        url=url_for("codesign.skills", service_id=service.id),
        more_label=_("Show more skills"),
        empty=_("No staff skills have been recorded yet."),
    )


def _partners_listing(cursor: Cursor | None) -> Listing:
    """Every partner by name, a page at a time."""
    return Listing(
        services.partners_page(cursor),
        id="partners",
        items="codesign/_partner_items.html",
        url=url_for("codesign.partners"),
        more_label=_("Show more partners"),
        empty=_("There are no partners yet."),
    )


@bp.get("/")
def index():
    """The viewer's services, and the accepted ideas waiting for one."""
    return render(
        "codesign/index.html",
        service_list=_services_listing(None),
        waiting=_waiting_listing(None),
        can_start=_can_start(),
    )


@bp.get("/services", endpoint="services")
def services_list():
    """Every service the viewer reads, newest first, a page at a time."""
    return render_listing("codesign/services.html", _services_listing(cursor_from_request()))


@bp.get("/waiting")
def waiting_ideas():
    """Every accepted idea waiting for a service, newest first, a page at a time."""
    return render_listing(
        "codesign/waiting.html", _waiting_listing(cursor_from_request()), can_start=_can_start()
    )


# Forms, with the choices each service allows ----------------------------------------------


def _details_form(form_class, library_service_id: int, **kwargs):
    """The details form with this library service's libraries, staff and every partner."""
    form = form_class(**kwargs)
    staff = services.library_staff(library_service_id)
    form.branches.choices = [
        SelectChoice(branch.id, branch.name)
        for branch in services.library_branches(library_service_id)
    ]
    form.quality_leader.choices = [
        SelectChoice("", _l("Not chosen yet")),
        *[SelectChoice(user.id, user.username) for user in staff],
    ]
    form.team.choices = [SelectChoice(user.id, user.username) for user in staff]
    form.partners.choices = [
        SelectChoice(partner.id, partner.name) for partner in services.all_partners()
    ]
    return form


def _details_of(service: CodesignService) -> dict:
    """A service's details as the details form's starting values."""
    return {
        "name": service.name,
        "summary": service.summary,
        "need": service.need,
        "age_bands": list(service.age_bands),
        "beneficiary_groups": list(service.beneficiary_groups),
        "branches": [branch.id for branch in service.branches],
        "quality_leader": service.quality_leader_id,
        "team": [user.id for user in service.team],
        "partners": [partner.id for partner in service.partners],
    }


def _status_form(service: CodesignService, **kwargs) -> StatusForm:
    """The status form, offering the next step and stopping."""
    form = StatusForm(prefix="status", **kwargs)
    form.status.choices = [
        SelectChoice("", _l("Choose what happens now")),
        *[
            SelectChoice(status.value, SERVICE_STATUS_LABELS[status])
            for status in services.next_statuses(service)
        ],
    ]
    return form


def _idea_form(service: CodesignService, **kwargs) -> AddIdeaForm:
    """The form to add an accepted idea of the same library service."""
    form = AddIdeaForm(prefix="idea", **kwargs)
    form.idea.choices = [
        SelectChoice("", _l("Choose an idea")),
        *[SelectChoice(idea.id, idea.title) for idea in services.ideas_to_add(service)],
    ]
    return form


def _outcome_form(**kwargs) -> OutcomeForm:
    """The outcome-link form with every outcome, grouped."""
    form = OutcomeForm(prefix="link", **kwargs)
    form.outcome.choices = [SelectChoice("", _l("Choose an outcome")), *outcome_choices()]
    return form


def _partner_form(service: CodesignService, **kwargs) -> AddPartnerForm:
    """The form to add a partner not yet working on the service."""
    form = AddPartnerForm(prefix="partner", **kwargs)
    on_service = {partner.id for partner in service.partners}
    form.partner.choices = [
        SelectChoice("", _l("Choose a partner")),
        *[
            SelectChoice(partner.id, partner.name)
            for partner in services.all_partners()
            if partner.id not in on_service
        ],
    ]
    return form


def _session_form(
    service: CodesignService, session: CodesignSession | None = None, **kwargs
) -> SessionForm:
    """The session form, filled from `session` when changing one."""
    if session is not None:
        kwargs.update(
            held_on=session.held_on,
            place=session.place,
            partners=[partner.id for partner in session.partners],
            brought_together=session.brought_together,
            cohesion_note=session.cohesion_note,
            decisions=session.decisions,
            **{
                attendance_field_name(key): session.attendance.get(key, 0)
                for key in services.ATTENDANCE_KEYS
            },
        )
    form = SessionForm(prefix="session", **kwargs)
    form.partners.choices = [SelectChoice(partner.id, partner.name) for partner in service.partners]
    form.held_on.render_kw = {"max": services.today().isoformat()}
    return form


def _skill_form(service: CodesignService, **kwargs) -> SkillForm:
    """The skill form, with the library service's staff and the service's sessions."""
    form = SkillForm(prefix="skill", **kwargs)
    form.staff.choices = [
        SelectChoice("", _l("Choose a member of staff")),
        *[
            SelectChoice(user.id, user.username)
            for user in services.library_staff(service.library_service_id)
        ],
    ]
    form.session.choices = [
        SelectChoice("", _l("No session in particular")),
        *[
            SelectChoice(
                session.id, f"{format_date(session.held_on, 'd MMM yyyy')} · {session.place}"
            )
            for session in services.all_sessions(service)
        ],
    ]
    return form


# The service page ------------------------------------------------------------------------


def _partners_context(service: CodesignService, **forms) -> dict:
    """What the partners panel shows."""
    return {
        "partner_form": forms.get("partner_form") or _partner_form(service, formdata=None),
        "new_partner_form": forms.get("new_partner_form")
        or NewPartnerForm(prefix="new-partner", formdata=None),
    }


def _sessions_context(service: CodesignService, **forms) -> dict:
    """What the sessions panel shows."""
    return {
        "sessions": _sessions_listing(service, None),
        "session_form": forms.get("session_form") or _session_form(service, formdata=None),
    }


def _skills_context(service: CodesignService, **forms) -> dict:
    """What the staff skills panel shows."""
    return {
        "skills": _skills_listing(service, None),
        "skill_form": forms.get("skill_form") or _skill_form(service, formdata=None),
    }


def _writes_lessons(service: CodesignService) -> bool:
    """Whether the viewer is the service's Quality Leader, who writes what was learned."""
    return is_quality_leader(current_user, service) and acts_in(
        current_user, service.library_service_id
    )


def _lessons_context(service: CodesignService, **forms) -> dict:
    """What the "what we learned" panel shows: the text, and its form for the Quality Leader."""
    if not _writes_lessons(service):
        return {"lessons_form": None}
    form = forms.get("lessons_form") or LessonsForm(
        prefix="lessons", formdata=None, text=service.lessons_learned
    )
    return {"lessons_form": form}


PANEL_CONTEXTS = {
    "partners": _partners_context,
    "sessions": _sessions_context,
    "skills": _skills_context,
    "lessons": _lessons_context,
}


def _suggestions(service: CodesignService, failed: dict[int, SuggestionForm], outcome_form):
    """The outcomes its ideas suggest, each with a form to confirm it.

    A confirmation that failed keeps what was typed; if its suggestion has gone (linked
    just now), its message moves to the outcome form.
    """
    suggestions = []
    for link in services.suggested_outcomes(service):
        form = failed.pop(link.outcome_id, None) or SuggestionForm(
            prefix=f"s{link.outcome_id}",
            formdata=None,
            outcome=link.outcome.code,
            rationale=link.rationale,
        )
        suggestions.append((link, form))
    for form in failed.values():
        outcome_form.form_errors.extend(form.form_errors)
    return suggestions


def _service_context(service: CodesignService, **forms) -> dict:
    """Everything the service page shows; forms given replace fresh ones, kept as typed.

    Read-only viewers (reviewers, admins aside) get no forms at all.
    """
    can_edit = acts_in(current_user, service.library_service_id)
    context = {
        "service": service,
        "can_edit": can_edit,
        "open_to_ideas": service.status in services.OPEN_TO_IDEAS,
        **_codesigners(service, None),
        "sessions": _sessions_listing(service, None),
        "skills": _skills_listing(service, None),
        "suggestions": [],
        "review_data": service_reviews(service),
        **_lessons_context(service, **forms),
    }
    if can_edit:
        outcome_form = forms.get("outcome_form") or _outcome_form(formdata=None)
        context.update(
            status_form=forms.get("status_form") or _status_form(service, formdata=None),
            idea_form=forms.get("idea_form") or _idea_form(service, formdata=None),
            outcome_form=outcome_form,
            suggestions=_suggestions(
                service, dict(forms.get("suggestion_forms", {})), outcome_form
            ),
        )
        for build in PANEL_CONTEXTS.values():
            context.update(build(service, **forms))
    return context


def _service_page(service: CodesignService, status: int = 200, panel: str | None = None, **forms):
    """The whole service page (or, for htmx, the panel named), with any failed form."""
    template, _heading = PANELS[panel] if panel else (None, None)
    return render(
        "codesign/service.html",
        ANSWER if panel else None,
        status=status,
        panel=template,
        message=None,
        **_service_context(service, **forms),
    )


def _panel_done(service: CodesignService, panel: str, message: str):
    """After a change in a panel: the panel afresh for htmx, else back to it on the page."""
    template, heading = PANELS[panel]
    if not is_htmx():
        flash(message)
        return after_post(_service_url(service.id, heading))
    return after_post(
        _service_url(service.id, heading),
        ANSWER,
        panel=template,
        message=message,
        service=service,
        can_edit=True,
        **PANEL_CONTEXTS[panel](service),
    )


@bp.get("/services/<int:service_id>")
def service(service_id: int):
    """One service: details, status, ideas, outcomes, co-designers, partners, sessions, skills."""
    return _service_page(_readable_service(service_id))


# Starting and changing a service ---------------------------------------------------------


def _requested_ideas(values: list[str]) -> list[Idea]:
    """The ideas named in the request (`idea=` once or more), with their library service."""
    try:
        ids = {int(value) for value in values}
    except ValueError:
        abort(400)
    if len(ids) > services.IDEAS_AT_ONCE:
        abort(400)
    if any(not 0 < idea_id <= ROW_ID_MAX for idea_id in ids):
        abort(404)
    ideas = list(
        db.session.execute(
            select(Idea)
            .where(Idea.id.in_(sorted(ids)))
            .options(joinedload(Idea.consultation).joinedload(Consultation.library_service))
            .order_by(Idea.id)
        ).scalars()
    )
    if len(ideas) != len(ids):
        abort(404)
    return ideas


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def new_service():
    """Start a service from one or more accepted ideas (`?idea=` once for each)."""
    source = request.form if request.method == "POST" else request.args
    ideas = _requested_ideas(source.getlist("idea"))
    for library_service_id in {idea.consultation.library_service_id for idea in ideas}:
        require_member(library_service_id)
    try:
        library_service_id = services.check_startable(current_user, ideas)
    except RuleError as error:
        return render(
            "codesign/new.html", ideas=ideas, form=None, problem=error.message, status=400
        )
    form = _details_form(StartServiceForm, library_service_id)
    if form.validate_on_submit():
        try:
            started = services.start_service(
                current_user, ideas, **form.details(), message=form.message.data or ""
            )
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Service started: %(name)s.", name=started.name))
            return redirect(_service_url(started.id), code=303)
    failed = form.errors or form.form_errors
    return render(
        "codesign/new.html",
        ideas=ideas,
        form=form,
        library_service=ideas[0].consultation.library_service,
        problem=None,
        status=400 if failed else 200,
    )


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def edit_service(service_id: int):
    """Change a service's details."""
    service = _writable_service(service_id)
    form = _details_form(ServiceDetailsForm, service.library_service_id, **_details_of(service))
    if form.validate_on_submit():
        try:
            services.edit_service(service, current_user, **form.details())
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Saved %(name)s.", name=service.name))
            return redirect(_service_url(service.id), code=303)
    failed = form.errors or form.form_errors
    return render("codesign/edit.html", service=service, form=form, status=400 if failed else 200)


@bp.post("/services/<int:service_id>/status")
@roles_required(*STAFF_ROLES)
def change_status(service_id: int):
    """Move the service one step on, or stop it, with a message for young people."""
    service = _writable_service(service_id)
    form = _status_form(service)
    if form.validate():
        try:
            services.change_service_status(
                service, current_user, ServiceStatus(form.status.data), form.message.data or ""
            )
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Status changed: %(status)s.", status=SERVICE_STATUS_LABELS[service.status]))
            return redirect(_service_url(service.id, "status-heading"), code=303)
    return _service_page(service, status=400, status_form=form)


@bp.post("/services/<int:service_id>/ideas")
@roles_required(*STAFF_ROLES)
def add_idea(service_id: int):
    """Add an accepted idea of the same library service to the service."""
    service = _writable_service(service_id)
    form = _idea_form(service)
    if form.validate():
        idea = _get(Idea, form.idea.data)
        try:
            services.add_idea(service, idea, current_user)
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Idea added: %(title)s.", title=idea.title))
            return redirect(_service_url(service.id, "ideas-heading"), code=303)
    return _service_page(service, status=400, idea_form=form)


@bp.post("/services/<int:service_id>/outcomes")
@roles_required(*STAFF_ROLES)
def link_outcome(service_id: int):
    """Link the service to an outcome, with a reason."""
    service = _writable_service(service_id)
    form = _outcome_form()
    if form.validate():
        try:
            services.link_service_outcome(
                service, form.outcome.data, current_user, form.rationale.data or ""
            )
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Outcome linked."))
            return redirect(_service_url(service.id, "outcomes-heading"), code=303)
    return _service_page(service, status=400, outcome_form=form)


@bp.post("/services/<int:service_id>/suggestions/<int:outcome_id>")
@roles_required(*STAFF_ROLES)
def confirm_suggestion(service_id: int, outcome_id: int):
    """Confirm an outcome the service's ideas are linked to, with the (edited) reason."""
    service = _writable_service(service_id)
    form = SuggestionForm(prefix=f"s{outcome_id}")
    if form.validate():
        try:
            services.link_service_outcome(
                service, form.outcome.data or "", current_user, form.rationale.data or ""
            )
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Outcome linked."))
            return redirect(_service_url(service.id, "outcomes-heading"), code=303)
    return _service_page(service, status=400, suggestion_forms={outcome_id: form})


@bp.post("/outcome-links/<int:link_id>/remove")
@roles_required(*STAFF_ROLES)
def unlink_outcome(link_id: int):
    """Remove one of a service's outcome links."""
    link = _get(ServiceOutcomeLink, link_id)
    service_id = link.service_id
    require_member(link.service.library_service_id)
    try:
        services.unlink_service_outcome(link, current_user)
        flash(_("Outcome link removed."))
    except RuleError as error:
        flash(error.message)
    return redirect(_service_url(service_id, "outcomes-heading"), code=303)


# Young co-designers ----------------------------------------------------------------------


def _codesigners(service: CodesignService, cursor: Cursor | None) -> dict:
    """Who offered to help design the service, for those who may see names (its staff); how
    many, by age band, for everyone else who reads it (QLP reviewers)."""
    if sees_codesigner_names(current_user, service.library_service_id):
        return {"volunteers": _volunteers_listing(service, cursor), "codesigner_counts": None}
    return {"volunteers": None, "codesigner_counts": services.codesigner_counts(service)}


@bp.get("/services/<int:service_id>/codesigners")
def volunteers(service_id: int):
    """Every young person who offered to help design the service's ideas, a page at a time
    (or, for QLP reviewers, how many by age band)."""
    service = _readable_service(service_id)
    codesigners = _codesigners(service, cursor_from_request())
    context = {"service": service, "can_edit": acts_in(current_user, service.library_service_id)}
    if codesigners["volunteers"] is None:
        return render("codesign/volunteers.html", **codesigners, **context)
    return render_listing("codesign/volunteers.html", codesigners["volunteers"], **context)


@bp.post("/volunteers/<int:volunteer_id>/decision")
@roles_required(*STAFF_ROLES)
def decide_volunteer(volunteer_id: int):
    """Accept or decline a young person's offer; the row in place for htmx."""
    volunteer = db.session.execute(
        select(CodesignVolunteer)
        .where(CodesignVolunteer.id == volunteer_id)
        .options(
            joinedload(CodesignVolunteer.idea).joinedload(Idea.consultation),
            joinedload(CodesignVolunteer.user),
        )
    ).scalar_one_or_none()
    if volunteer is None:
        abort(404)
    require_member(volunteer.idea.consultation.library_service_id)
    decision = request.form.get("decision")
    if decision not in ("accept", "decline"):
        abort(400)
    name, service_id = volunteer.user.username, volunteer.idea.codesign_service_id
    try:
        services.decide_volunteer(volunteer, current_user, accept=decision == "accept")
    except RuleError as error:
        message = str(error.message)
    else:
        message = (
            _("%(name)s is now a co-designer.", name=name)
            if decision == "accept"
            else _("You declined the offer from %(name)s.", name=name)
        )
    back = (
        _service_url(service_id, "codesigners-heading") if service_id else url_for("codesign.index")
    )
    if not is_htmx():
        flash(message)
    return after_post(
        back, "codesign/_volunteer_answer.html", volunteer=volunteer, can_edit=True, message=message
    )


# What we learned --------------------------------------------------------------------------


@bp.post("/services/<int:service_id>/lessons")
@roles_required(*STAFF_ROLES)
def write_lessons(service_id: int):
    """The service's Quality Leader writes what was learned, for the QLP practice guide."""
    service = _writable_service(service_id)
    if not _writes_lessons(service):
        abort(403)
    form = LessonsForm(prefix="lessons")
    if form.validate():
        try:
            services.write_lessons(service, current_user, form.text.data or "")
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            return _panel_done(service, "lessons", _("What we learned is saved."))
    return _service_page(service, status=400, panel="lessons", lessons_form=form)


# Partners --------------------------------------------------------------------------------


@bp.post("/services/<int:service_id>/partners")
@roles_required(*STAFF_ROLES)
def add_partner(service_id: int):
    """An existing partner starts working on the service."""
    service = _writable_service(service_id)
    form = _partner_form(service)
    if form.validate():
        partner = _get(Partner, form.partner.data)
        try:
            services.add_partner(service, current_user, partner)
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            return _panel_done(service, "partners", _("Added %(name)s.", name=partner.name))
    return _service_page(service, status=400, panel="partners", partner_form=form)


@bp.post("/services/<int:service_id>/partners/new")
@roles_required(*STAFF_ROLES)
def new_partner(service_id: int):
    """A partner not on the list yet: create it, and it starts working on the service."""
    service = _writable_service(service_id)
    form = NewPartnerForm(prefix="new-partner")
    if form.validate():
        try:
            partner = services.create_partner(
                current_user, form.name.data, form.kind.data, service=service
            )
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            return _panel_done(service, "partners", _("Added %(name)s.", name=partner.name))
    return _service_page(service, status=400, panel="partners", new_partner_form=form)


@bp.post("/services/<int:service_id>/partners/<int:partner_id>/remove")
@roles_required(*STAFF_ROLES)
def remove_partner(service_id: int, partner_id: int):
    """A partner stops working on the service."""
    service = _writable_service(service_id)
    partner = _get(Partner, partner_id)
    name = partner.name
    try:
        services.remove_partner(service, current_user, partner)
        message = _("Removed %(name)s.", name=name)
    except RuleError as error:
        message = str(error.message)
    return _panel_done(service, "partners", message)


@bp.get("/partners")
def partners():
    """Every partner organisation by name, with how many services each works on."""
    return render_listing(
        "codesign/partners.html",
        _partners_listing(cursor_from_request()),
        form=NewPartnerForm(prefix="partner", formdata=None)
        if may_add_partners(current_user)
        else None,
    )


@bp.post("/partners")
@roles_required(*STAFF_ROLES)
def create_partner():
    """Add a partner organisation to the list."""
    if not may_add_partners(current_user):
        abort(403)
    form = NewPartnerForm(prefix="partner")
    if form.validate():
        try:
            partner = services.create_partner(current_user, form.name.data, form.kind.data)
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            message = _("Added %(name)s.", name=partner.name)
            if not is_htmx():
                flash(message)
            return after_post(
                url_for("codesign.partners"),
                ANSWER,
                panel="codesign/_directory.html",
                listing=_partners_listing(None),
                form=NewPartnerForm(prefix="partner", formdata=None),
                message=message,
            )
    return render(
        "codesign/partners.html",
        ANSWER,
        status=400,
        panel="codesign/_directory.html",
        listing=_partners_listing(None),
        form=form,
        message=None,
    )


# Sessions and staff skills ---------------------------------------------------------------


@bp.get("/services/<int:service_id>/sessions")
def sessions(service_id: int):
    """Every session of the service, most recent first, a page at a time."""
    service = _readable_service(service_id)
    return render_listing(
        "codesign/sessions.html",
        _sessions_listing(service, cursor_from_request()),
        service=service,
        can_edit=acts_in(current_user, service.library_service_id),
    )


@bp.post("/services/<int:service_id>/sessions")
@roles_required(*STAFF_ROLES)
def log_session(service_id: int):
    """Log a co-design session."""
    service = _writable_service(service_id)
    form = _session_form(service)
    if form.validate():
        try:
            services.log_session(service, current_user, **form.session_fields())
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            return _panel_done(service, "sessions", _("Session saved."))
    return _service_page(service, status=400, panel="sessions", session_form=form)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def edit_session(session_id: int):
    """Correct what a session record says."""
    session = db.session.execute(
        select(CodesignSession)
        .where(CodesignSession.id == session_id)
        .options(
            selectinload(CodesignSession.partners),
            joinedload(CodesignSession.service).selectinload(CodesignService.partners),
        )
    ).scalar_one_or_none()
    if session is None:
        abort(404)
    service = session.service
    require_member(service.library_service_id)
    form = _session_form(service, session)
    if form.validate_on_submit():
        try:
            services.edit_session(session, current_user, **form.session_fields())
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Session saved."))
            return redirect(_service_url(service.id, "sessions-heading"), code=303)
    failed = form.errors or form.form_errors
    return render(
        "codesign/session_edit.html",
        service=service,
        session=session,
        form=form,
        status=400 if failed else 200,
    )


@bp.get("/services/<int:service_id>/skills")
def skills(service_id: int):
    """Every staff skill recorded for the service, newest first, a page at a time."""
    service = _readable_service(service_id)
    return render_listing(
        "codesign/skills.html", _skills_listing(service, cursor_from_request()), service=service
    )


@bp.post("/services/<int:service_id>/skills")
@roles_required(*STAFF_ROLES)
def record_skill(service_id: int):
    """Record a skill a member of staff developed through the service."""
    service = _writable_service(service_id)
    form = _skill_form(service)
    if form.validate():
        try:
            services.record_skill(
                service,
                current_user,
                form.staff.data,
                form.skill.data or "",
                form.evidence.data or "",
                form.session.data,
            )
        except RuleError as error:
            form.form_errors.append(error.message)
        else:
            return _panel_done(service, "skills", _("Skill recorded."))
    return _service_page(service, status=400, panel="skills", skill_form=form)
