"""What staff do: the moderation queue, decisions, outcome links and consultation phases."""

from flask import Blueprint

from app.access import STAFF_ROLES, restrict_blueprint

bp = Blueprint("moderation", __name__)
restrict_blueprint(bp, *STAFF_ROLES)

from app.moderation import routes  # noqa: E402,F401
