"""Evidence: figures about participation for QLP teams and the public, all under disclosure control.

Every count this area shows, on a page, in an export or in a chart, goes through
`app.evidence.disclosure`.
"""

from flask import Blueprint

from app.access import CODESIGN_ROLES, restrict_blueprint
from app.evidence.tables import thawed

bp = Blueprint("evidence", __name__)
restrict_blueprint(bp, *CODESIGN_ROLES)
# A published pack's frozen tables are shown with the same macro as live ones.
bp.add_app_template_filter(thawed, "thawed")

from app.evidence import export_routes, guide_routes, pack_routes, routes  # noqa: E402,F401
