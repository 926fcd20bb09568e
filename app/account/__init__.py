"""My account: what the platform holds about me, my name and password, and leaving."""

from flask import Blueprint

from app.access import restrict_blueprint
from app.models import Role

bp = Blueprint("account", __name__)
# Every signed-in person, whatever their role, has these rights over their own account.
restrict_blueprint(bp, *Role)

from app.account import routes  # noqa: E402,F401
