"""Routes for admins."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp, services
from app.admin.forms import RoleForm
from app.extensions import db
from app.models import User
from app.rules import RuleError
from app.web import render


@bp.route("/")
def index():
    """Accounts with their roles, and the library services."""
    users = [
        (user, RoleForm(prefix=f"u{user.id}", role=user.role, active=user.active))
        for user in services.all_users()
    ]
    return render("admin/index.html", users=users, library_services=services.all_library_services())


@bp.route("/users/<int:user_id>/role", methods=["POST"])
def set_role(user_id: int):
    """Change an account's role or lock it."""
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
    return redirect(url_for("admin.index"), code=303)
