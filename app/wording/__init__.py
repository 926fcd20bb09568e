"""Wording: readers tell us where a new translation reads wrong; admins read and keep the good."""

from flask import Blueprint

# Anyone may suggest better wording; admins read the suggestions: each route names its roles.
bp = Blueprint("wording", __name__)

from app.wording import routes  # noqa: E402,F401
