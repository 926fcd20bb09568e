"""Safeguarding: personal information held back from ideas, and concerns for the safeguarding lead."""

from flask import Blueprint

bp = Blueprint("safeguarding", __name__)

from app.safeguarding import routes  # noqa: E402,F401
