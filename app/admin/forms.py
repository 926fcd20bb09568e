"""Forms admins fill in."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, SubmitField

from app.labels import ROLE_LABELS
from app.models import Role


class RoleForm(FlaskForm):
    """Change one account's role and whether it may sign in."""

    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        coerce=Role,
    )
    active = BooleanField(_l("Can sign in"))
    submit = SubmitField(_l("Save"))
