"""Forms for joining, signing in, and resetting a forgotten password with a code from staff."""

from wtforms import (
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Regexp
from wtforms.widgets import PasswordInput

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


# A form sent back for another mistake keeps the new password typed (KeptPasswords clears it
# when the password itself was the mistake); pages that show one are never stored (no-store).
KEPT = PasswordInput(hide_value=False)


def new_password_field(label, missing, widget=None) -> PasswordField:
    """A field for choosing a password, when joining or changing it later (`missing`: what to
    say when it is left empty; `widget`: KEPT to re-fill it when the form comes back)."""
    return PasswordField(
        label,
        description=_l("At least 8 characters. Three or four words you will remember work well."),
        validators=[
            DataRequired(missing),
            Length(min=MIN_PASSWORD_LENGTH, message=PASSWORD_TOO_SHORT),
            Length(max=MAX_PASSWORD_LENGTH, message=PASSWORD_TOO_LONG),
        ],
        widget=widget,
        render_kw={"autocomplete": "new-password"},
    )


def confirm_password_field() -> PasswordField:
    """The new password typed again, re-filled like the password it confirms."""
    return PasswordField(
        _l("Type the password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
        widget=KEPT,
        render_kw={"autocomplete": "new-password"},
    )


class KeptPasswords:
    """A form whose new password (`password`, `confirm`) is kept when it comes back with a
    mistake elsewhere, and emptied when the mistake is in the password itself."""

    def clear_refused_passwords(self) -> None:
        """Empty both password boxes if either was refused, so both are typed again."""
        if self.password.errors or self.confirm.errors:
            self.password.data = self.confirm.data = ""


class JoinForm(KeptPasswords, Form):
    """Sign up as a young person: a pseudonym, a password and an age group; nothing else.

    `suggestion` carries the password the page suggested, so a form sent back suggests the
    same one (the page shows it only if it is one of ours: `kept_or_new_passphrase`).
    """

    username = pseudonym_field(_l("Choose a name to use here"))
    suggestion = HiddenField()
    password = new_password_field(
        _l("Choose a password"), _l("Choose a password of at least 8 characters."), widget=KEPT
    )
    confirm = confirm_password_field()
    age_band = RadioField(
        _l("How old are you?"),
        choices=[
            SelectChoice(band, _l("%(youngest)s to %(oldest)s", youngest=low, oldest=high))
            for band in AGE_BANDS
            for low, high in [band.split("-")]
        ],
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


class ResetCodeForm(Form):
    """Staff make a password reset code for a young person, who is with them in person."""

    username = StringField(
        _l("The young person's name on this site"),
        description=_l("Ask them to show you, or spell it. Letter case does not matter."),
        validators=[DataRequired(_l("Enter the name they use on this site.")), Length(max=30)],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Make a reset code"))


class ResetPasswordForm(KeptPasswords, Form):
    """A young person chooses a new password with the code library staff gave them."""

    username = StringField(
        _l("Your name on this site"),
        validators=[DataRequired(_l("Enter the name you use on this site.")), Length(max=30)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    code = StringField(
        _l("Your reset code"),
        description=_l("From library staff: 8 letters and numbers, like ABCD-2345."),
        validators=[
            DataRequired(_l("Enter the reset code library staff gave you.")),
            Length(max=40),
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "autocapitalize": "characters",
            "spellcheck": "false",
        },
    )
    password = new_password_field(
        _l("Choose a new password"), _l("Choose a new password of at least 8 characters."), KEPT
    )
    confirm = confirm_password_field()
    submit = SubmitField(_l("Reset my password"))
