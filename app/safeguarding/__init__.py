"""Safeguarding: personal information held back from ideas, and concerns for the leads."""

from flask import Blueprint

from app.access import STAFF_ROLES, restrict_blueprint

bp = Blueprint("safeguarding", __name__)
restrict_blueprint(bp, *STAFF_ROLES)

from app.safeguarding import routes  # noqa: E402,F401
