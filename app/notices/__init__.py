"""Notices: what young people hear back in the app (no email), and the kinds they choose."""

from flask import Blueprint

from app.access import YOUNG_PERSON_ROLES, restrict_blueprint

bp = Blueprint("notices", __name__)
# Only young people propose, vote and offer to co-design, so only they are told anything.
restrict_blueprint(bp, *YOUNG_PERSON_ROLES)

from app.notices import routes  # noqa: E402,F401
