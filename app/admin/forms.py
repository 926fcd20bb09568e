"""Forms admins fill in."""

from wtforms import (
    BooleanField,
    DateField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional

from app.admin.services import NAME_MAX, SEARCH_MAX
from app.fields import Form, id_or_none
from app.i18n import _l
from app.labels import ROLE_LABELS
from app.models import Role


class RoleForm(Form):
    """Change one account's role and whether it may sign in."""

    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        coerce=Role,
    )
    active = BooleanField(_l("Can sign in"))
    submit = SubmitField(_l("Save"))


class LibraryServiceForm(Form):
    """Add a local authority's library service."""

    name = StringField(
        _l("Name of the library service"),
        validators=[
            DataRequired(_l("Enter the name of the library service.")),
            Length(max=NAME_MAX),
        ],
        render_kw={"maxlength": NAME_MAX},
    )
    submit = SubmitField(_l("Add library service"))


class BranchForm(Form):
    """Add a library to a library service."""

    library_service = SelectField(
        _l("Library service"),
        coerce=id_or_none,
        validators=[DataRequired(_l("Choose the library service the library belongs to."))],
    )
    name = StringField(
        _l("Name of the library"),
        validators=[DataRequired(_l("Enter the name of the library.")), Length(max=NAME_MAX)],
        render_kw={"maxlength": NAME_MAX},
    )
    submit = SubmitField(_l("Add library"))


class MembershipForm(Form):
    """Add a member of staff to a library service, so they act in it."""

    library_service = SelectField(
        _l("Library service"),
        coerce=id_or_none,
        validators=[DataRequired(_l("Choose a library service to add them to."))],
    )
    submit = SubmitField(_l("Add to this library service"))


class AuditFilterForm(Form):
    """Narrow the audit log to one person, one action and a span of days (a GET form)."""

    class Meta:
        csrf = False

    person = StringField(
        _l("Person"),
        description=_l("Their whole pseudonym."),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        render_kw={"maxlength": SEARCH_MAX, "autocomplete": "off", "spellcheck": "false"},
    )
    action = SelectField(_l("Action"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def validate_until(self, field: DateField) -> None:
        """The last day may not come before the first."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("Please give a last day on or after the first day."))
