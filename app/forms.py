"""Forms shared by every blueprint."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class ActionForm(FlaskForm):
    """A button-only form (vote, withdraw, sign out): it carries CSRF and where to return."""

    next = HiddenField()
