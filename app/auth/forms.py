"""Forms for joining and signing in."""

from wtforms import PasswordField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from app.auth.services import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    PASSWORD_TOO_LONG,
    PASSWORD_TOO_SHORT,
)
from app.fields import Form
from app.i18n import _l
from app.models import AGE_BANDS


def pseudonym_field(label) -> StringField:
    """A field for choosing a pseudonym, when joining or changing it later."""
    return StringField(
        label,
        description=_l("Not your real name. Others will see it. 3 to 30 letters or numbers."),
        validators=[
            DataRequired(_l("Enter a name of 3 to 30 letters or numbers.")),
            Length(min=3, max=30, message=_l("Use 3 to 30 letters or numbers.")),
            Regexp(
                r"^[A-Za-z0-9_-]+$",
                message=_l("Use only letters, numbers, dashes and underscores."),
            ),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )


def new_password_field(label, missing) -> PasswordField:
    """A field for choosing a password, when joining or changing it later (`missing`: what to
    say when it is left empty)."""
    return PasswordField(
        label,
        description=_l("At least 8 characters. Three or four words you will remember work well."),
        validators=[
            DataRequired(missing),
            Length(min=MIN_PASSWORD_LENGTH, message=PASSWORD_TOO_SHORT),
            Length(max=MAX_PASSWORD_LENGTH, message=PASSWORD_TOO_LONG),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class JoinForm(Form):
    """Sign up as a young person: a pseudonym, a password and an age group; nothing else."""

    username = pseudonym_field(_l("Choose a name to use here"))
    password = new_password_field(
        _l("Choose a password"), _l("Choose a password of at least 8 characters.")
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    age_band = RadioField(
        _l("How old are you?"),
        choices=[SelectChoice(band, band.replace("-", " to ")) for band in AGE_BANDS],
        validators=[DataRequired(message=_l("Choose your age group."))],
    )
    submit = SubmitField(_l("Join"))


class SignInForm(Form):
    """Sign in with a pseudonym and password."""

    username = StringField(
        _l("Your name on this site"),
        validators=[DataRequired(_l("Enter the name you use on this site.")), Length(max=30)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Sign in"))
