"""What staff do with accepted ideas: co-designed services, co-designers, sessions, partners.

QLP reviewers read every service here; only staff of a service's library service change it.
"""

from flask import Blueprint

from app.access import CODESIGN_ROLES, restrict_blueprint

bp = Blueprint("codesign", __name__)
restrict_blueprint(bp, *CODESIGN_ROLES)

from app.codesign import routes  # noqa: E402,F401
