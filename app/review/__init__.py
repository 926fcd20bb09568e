"""What QLP teams do: follow ideas under the outcomes they serve."""

from flask import Blueprint

from app.access import REVIEW_ROLES, restrict_blueprint

bp = Blueprint("review", __name__)
restrict_blueprint(bp, *REVIEW_ROLES)

from app.review import routes  # noqa: E402,F401
