"""What young people do: browse consultations, propose ideas, vote, follow what happened."""

from flask import Blueprint

bp = Blueprint("ideas", __name__)

from app.ideas import routes  # noqa: E402,F401
