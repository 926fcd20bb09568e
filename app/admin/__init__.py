"""What admins do: library services, branches, users and roles."""

from flask import Blueprint

from app.access import ADMIN_ROLES, restrict_blueprint

bp = Blueprint("admin", __name__)
restrict_blueprint(bp, *ADMIN_ROLES)

from app.admin import routes  # noqa: E402,F401
