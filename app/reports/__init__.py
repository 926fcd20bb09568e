"""Reports: anyone signed in tells library staff an idea should not be shown; staff decide."""

from flask import Blueprint

# Young people report ideas and staff decide about them, so each route names its own roles.
bp = Blueprint("reports", __name__)

from app.reports import routes  # noqa: E402,F401
