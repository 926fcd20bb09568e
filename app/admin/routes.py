"""Routes for admins."""

from flask import Response, abort, flash, redirect, request, stream_with_context, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.admin import audit_log, bp, services
from app.admin.forms import (
    AuditFilterForm,
    BranchForm,
    LibraryServiceForm,
    MembershipForm,
    RoleForm,
)
from app.extensions import db
from app.fields import library_service_choices
from app.i18n import _
from app.models import LibraryService, Role, StaffMembership, User
from app.pagination import Cursor, Listing, cursor_from_request
from app.rules import RuleError
from app.safeguarding.services import library_services_without_lead
from app.web import after_post, is_htmx, local_path, render, render_listing


def _branch_form(library_services: list[LibraryService], **kwargs) -> BranchForm:
    """The form to add a library, with the library services to choose from."""
    form = BranchForm(prefix="branch", **kwargs)
    form.library_service.choices = library_service_choices(library_services)
    return form


def _library_services(cursor: Cursor | None) -> Listing:
    """Library services with their libraries, a page at a time."""
    return Listing(
        services.library_services_page(cursor),
        id="library-services",
        items="admin/_library_service_items.html",
        url=url_for("admin.library_services"),
        more_label=_("Show more library services"),
        empty=_(
            "There are no library services yet. Add one before staff put questions to young people."
        ),
    )


def _accounts(search: str, cursor: Cursor | None) -> Listing:
    """Accounts by pseudonym, or those starting with `search`, a page at a time, with forms.

    Each comes as (account, its role form, the names of the library services it belongs to),
    the names read for the whole page at once.
    """
    page = services.find_accounts(search, cursor)
    names = services.library_service_names_by_user(
        [user.id for user in page.items if user.role == Role.STAFF]
    )
    page = page.map(
        lambda user: (
            user,
            RoleForm(prefix=f"u{user.id}", role=user.role, active=user.active, formdata=None),
            names.get(user.id, []),
        )
    )
    return Listing(
        page,
        id="accounts",
        items="admin/_account_items.html",
        url=url_for("admin.accounts", q=search or None),
        more_label=_("Show more accounts"),
        empty=_("No account’s name starts with “%(search)s”.", search=search)
        if search
        else _("There are no accounts yet."),
    )


def _admin_page(
    service_form: LibraryServiceForm | None = None,
    branch_form: BranchForm | None = None,
    status: int = 200,
):
    """The admin page, with any form that came back with mistakes kept as it was typed."""
    choices = services.all_library_services()
    return render(
        "admin/index.html",
        library_services=_library_services(None),
        accounts=_accounts("", None),
        can_add_branch=bool(choices),
        service_form=service_form or LibraryServiceForm(prefix="service", formdata=None),
        branch_form=branch_form or _branch_form(choices, formdata=None),
        status=status,
    )


@bp.route("/")
def index():
    """Library services and their libraries, and accounts with their roles."""
    return _admin_page()


@bp.get("/library-services")
def library_services():
    """Every library service with its libraries, by name, a page at a time."""
    return render_listing("admin/library_services.html", _library_services(cursor_from_request()))


def _set_asks_about_you(library_service_id: int, asks: bool):
    """Switch a library service's "about you" questions on or off, then back to the list."""
    service = db.session.get(LibraryService, library_service_id) or abort(404)
    services.set_asks_about_you(current_user, service, asks)
    if asks:
        flash(_("%(service)s now asks the “about you” questions.", service=service.name))
    else:
        flash(_("%(service)s no longer asks the “about you” questions.", service=service.name))
    return redirect(url_for("admin.library_services"), code=303)


@bp.post("/library-services/<int:library_service_id>/about-you")
def switch_on_about_you(library_service_id: int):
    """Offer a library service's young people (13 and over) the optional "about you" questions."""
    return _set_asks_about_you(library_service_id, True)


@bp.post("/library-services/<int:library_service_id>/about-you/off")
def switch_off_about_you(library_service_id: int):
    """Stop offering the "about you" questions; answers given stay until removed or deleted."""
    return _set_asks_about_you(library_service_id, False)


@bp.get("/accounts")
def accounts():
    """Every account, or those whose pseudonym starts with what was searched, a page at a time."""
    search = request.args.get("q", "").strip()
    return render_listing(
        "admin/accounts.html", _accounts(search, cursor_from_request()), search=search
    )


def _add_named(form: LibraryServiceForm | BranchForm, add, **page_forms):
    """Validate a form that adds something with a name, add it, and go back to the page."""
    if form.validate():
        try:
            added = add(form)
        except RuleError as error:
            form.name.errors.append(error.message)
        else:
            flash(_("Added %(name)s.", name=added.name))
            return redirect(url_for("admin.index"), code=303)
    return _admin_page(**page_forms, status=400)


@bp.post("/library-services")
def add_library_service():
    """Add a library service."""
    form = LibraryServiceForm(prefix="service")
    return _add_named(
        form,
        lambda f: services.add_library_service(current_user, f.name.data),
        service_form=form,
    )


@bp.route("/branches", methods=["POST"])
def add_branch():
    """Add a library to a library service."""
    form = _branch_form(services.all_library_services())
    return _add_named(
        form,
        lambda f: services.add_branch(current_user, f.library_service.data, f.name.data),
        branch_form=form,
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
def set_role(user_id: int):
    """Change an account's role or lock it, then go back to the list it was changed from."""
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm(prefix=f"u{user.id}")
    if not form.validate():
        flash(_("Please choose a role from the list."))
    else:
        try:
            services.set_role(user, current_user, form.role.data, form.active.data)
            flash(_("Saved %(name)s.", name=user.username))
        except RuleError as error:
            flash(error.message)
    return redirect(local_path(request.form.get("next"), url_for("admin.index")), code=303)


def _get_user(user_id: int) -> User:
    """An account, or 404."""
    return db.session.get(User, user_id) or abort(404)


def _membership_form(user: User, **kwargs) -> MembershipForm:
    """The form to add `user` to a library service, offering those they are not in yet."""
    form = MembershipForm(**kwargs)
    form.library_service.choices = library_service_choices(services.library_services_to_join(user))
    return form


def _memberships(user: User, cursor: Cursor | None) -> Listing:
    """The library services an account belongs to, by name, a page at a time."""
    return Listing(
        services.memberships_page(user, cursor),
        id="memberships",
        items="admin/_membership_items.html",
        url=url_for("admin.memberships", user_id=user.id),
        more_label=_("Show more library services"),
        empty=_("%(name)s does not belong to any library service yet.", name=user.username),
    )


def _memberships_changed(user: User, message: str):
    """Answer an add or a remove: the panel for htmx, or back to the page without JavaScript.

    htmx announces `message` out of band; without JavaScript the page shows it once.
    """
    if not is_htmx():
        flash(message)
    return after_post(
        url_for("admin.memberships", user_id=user.id),
        "admin/_memberships.html",
        user=user,
        listing=_memberships(user, None),
        form=_membership_form(user, formdata=None),
        without_lead=library_services_without_lead(),
        message=message,
    )


@bp.get("/users/<int:user_id>/memberships")
def memberships(user_id: int):
    """The library services a member of staff belongs to, with a way to add and remove them."""
    user = _get_user(user_id)
    return render_listing(
        "admin/memberships.html",
        _memberships(user, cursor_from_request()),
        user=user,
        form=_membership_form(user, formdata=None),
        without_lead=library_services_without_lead(),
    )


@bp.post("/users/<int:user_id>/memberships")
def add_membership(user_id: int):
    """Add a member of staff to a library service."""
    user = _get_user(user_id)
    form = _membership_form(user)
    if form.validate():
        try:
            membership = services.add_membership(current_user, user, form.library_service.data)
        except RuleError as error:
            form.library_service.errors.append(error.message)
        else:
            return _memberships_changed(
                user,
                _(
                    "%(name)s now belongs to %(service)s.",
                    name=user.username,
                    service=membership.library_service.name,
                ),
            )
    return render(
        "admin/memberships.html",
        "admin/_memberships.html",
        user=user,
        listing=_memberships(user, None),
        form=form,
        without_lead=library_services_without_lead(),
        status=400,
    )


@bp.post("/memberships/<int:membership_id>/remove")
def remove_membership(membership_id: int):
    """Take a member of staff out of a library service."""
    membership = db.session.get(StaffMembership, membership_id) or abort(404)
    user = _get_user(membership.user_id)
    service_name = membership.library_service.name
    try:
        services.remove_membership(current_user, membership)
    except RuleError as error:
        message = str(error.message)
    else:
        message = _(
            "%(name)s no longer belongs to %(service)s.", name=user.username, service=service_name
        )
    return _memberships_changed(user, message)


def _set_safeguarding_lead(membership_id: int, lead: bool):
    """Designate a member of staff as a library service's safeguarding lead, or stop it."""
    membership = db.session.get(StaffMembership, membership_id) or abort(404)
    user = _get_user(membership.user_id)
    names = {"name": user.username, "service": membership.library_service.name}
    try:
        services.set_safeguarding_lead(current_user, membership, lead)
    except RuleError as error:
        message = str(error.message)
    else:
        message = (
            _("%(name)s is now a safeguarding lead of %(service)s.", **names)
            if lead
            else _("%(name)s is no longer a safeguarding lead of %(service)s.", **names)
        )
    return _memberships_changed(user, message)


@bp.post("/memberships/<int:membership_id>/safeguarding-lead")
def designate_safeguarding_lead(membership_id: int):
    """Make a member of staff a safeguarding lead of one of their library services."""
    return _set_safeguarding_lead(membership_id, True)


@bp.post("/memberships/<int:membership_id>/safeguarding-lead/remove")
def remove_safeguarding_lead(membership_id: int):
    """Stop a member of staff being a safeguarding lead of a library service."""
    return _set_safeguarding_lead(membership_id, False)


# --- The audit log -----------------------------------------------------------------------------


def _audit_filter() -> tuple[AuditFilterForm, audit_log.AuditFilter | None]:
    """The filter form as the address fills it in, and the filter; None if it has mistakes.

    A name that is nobody's is a mistake too: the log shows nothing rather than everything.
    """
    form = AuditFilterForm(request.args)
    form.action.choices = [
        SelectChoice("", _("Any action")),
        *[SelectChoice(action, action) for action in audit_log.known_actions()],
    ]
    if not form.validate():
        return form, None
    person = (form.person.data or "").strip()
    actor = audit_log.find_person(person) if person else None
    if person and actor is None:
        form.person.errors.append(_("No account is called “%(name)s”.", name=person))
        return form, None
    return form, audit_log.AuditFilter(
        actor.id if actor else None, form.action.data or None, form.since.data, form.until.data
    )


def _audit_args(form: AuditFilterForm) -> dict:
    """The filter as address arguments, so pages, the export and the back button keep it."""
    return {
        "person": (form.person.data or "").strip() or None,
        "action": form.action.data or None,
        "since": form.since.data.isoformat() if form.since.data else None,
        "until": form.until.data.isoformat() if form.until.data else None,
    }


@bp.get("/audit")
def audit():
    """The audit log, newest first, narrowed by person, action and days, a page at a time."""
    form, narrowed = _audit_filter()
    if narrowed is None:
        return render("admin/audit.html", form=form, listing=None, status=400)
    args = _audit_args(form)
    page = audit_log.entries_page(narrowed, cursor_from_request()).map(
        lambda entry: (
            entry,
            audit_log.actor_name(entry.actor.username if entry.actor else None),
            audit_log.readable_detail(entry.detail),
        )
    )
    listing = Listing(
        page,
        id="audit-entries",
        items="admin/_audit_items.html",
        url=url_for("admin.audit", **args),
        more_label=_("Show more entries"),
        empty=_("No entries match.") if any(args.values()) else _("The audit log is empty."),
        css="rows",
    )
    return render_listing(
        "admin/audit.html", listing, form=form, csv_url=url_for("admin.audit_csv", **args)
    )


@bp.get("/audit.csv")
def audit_csv():
    """The entries the filter asks for as a CSV file, streamed as they are read."""
    form, narrowed = _audit_filter()
    if narrowed is None:
        return render("admin/audit.html", form=form, listing=None, status=400)
    response = Response(stream_with_context(audit_log.export_csv(narrowed)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
