"""Join codes: staff make a code (and a QR poster) for a group; young people join with it.

Staff pages live under /staff/join-codes and check the staff roles view by view; the page a
code leads to, /join/<code>, is public.
"""

from flask import Blueprint

bp = Blueprint("joincodes", __name__)

from app.joincodes import routes  # noqa: E402,F401
