"""Routes for admins."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp, services
from app.admin.forms import BranchForm, LibraryServiceForm, RoleForm
from app.extensions import db
from app.fields import library_service_choices
from app.models import LibraryService, User
from app.pagination import Cursor, Listing, cursor_from_request
from app.rules import RuleError
from app.web import local_path, render, render_listing


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
    """Accounts by pseudonym, or those starting with `search`, a page at a time, with forms."""
    page = services.find_accounts(search, cursor).map(
        lambda user: (
            user,
            RoleForm(prefix=f"u{user.id}", role=user.role, active=user.active, formdata=None),
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
