"""Forms for changing my name and password and deleting my account."""

from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth.forms import new_password_field, pseudonym_field
from app.fields import Form
from app.i18n import _l


class NameForm(Form):
    """Choose a new pseudonym, by the same rules as joining."""

    username = pseudonym_field(_l("Your new name"))
    submit = SubmitField(_l("Change my name"))


class PasswordForm(Form):
    """Choose a new password, after typing the current one."""

    current_password = PasswordField(
        _l("Your password now"),
        validators=[DataRequired(_l("Type the password you use now.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field(
        _l("Your new password"), _l("Choose a new password of at least 8 characters.")
    )
    confirm = PasswordField(
        _l("Type the new password again"),
        validators=[
            DataRequired(_l("Type your new password again.")),
            EqualTo("new_password", message=_l("The passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change my password"))


class DeleteForm(Form):
    """Confirm deleting my account by typing my password."""

    password = PasswordField(
        _l("Type your password to confirm"),
        validators=[
            DataRequired(_l("Type your password to delete your account.")),
            Length(max=200),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Yes, delete my account for good"))
