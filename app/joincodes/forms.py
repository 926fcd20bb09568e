"""Forms for making and ending join codes, and for typing a code in."""

from wtforms import IntegerField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.fields import Form, id_or_none
from app.i18n import _l
from app.joincodes.services import (
    EXPIRY_CHOICES,
    EXPIRY_DEFAULT,
    LABEL_MAX,
    MAX_USES_DEFAULT,
    MAX_USES_MAX,
    TYPED_MAX,
)


class JoinCodeForm(Form):
    """A code for one session: what it is called, where, until when, and for how many."""

    label = StringField(
        _l("Name of the session"),
        description=_l("For staff only, for example: Year 7 visit, Tuesday morning."),
        validators=[DataRequired(_l("Enter a name for the session.")), Length(max=LABEL_MAX)],
        render_kw={"maxlength": LABEL_MAX},
    )
    library_service = SelectField(
        _l("Library service"),
        coerce=id_or_none,
        validators=[DataRequired(_l("Choose a library service from the list."))],
    )
    branch = SelectField(
        _l("Library"),
        description=_l("Choose one library, or leave it for the whole library service."),
        coerce=id_or_none,
        validators=[Optional()],
    )
    consultation = SelectField(
        _l("Take them to a consultation"),
        description=_l("Young people who join with the code go straight to it while it is open."),
        coerce=id_or_none,
        validators=[Optional()],
    )
    expires_in = SelectField(
        _l("The code stops working"),
        choices=[SelectChoice(key, label) for key, (label, _) in EXPIRY_CHOICES.items()],
        default=EXPIRY_DEFAULT,
        validators=[DataRequired(_l("Choose when the code stops working."))],
    )
    max_uses = IntegerField(
        _l("How many people can join with it"),
        description=_l("From 1 to %(most)s. Allow a few more than the group.", most=MAX_USES_MAX),
        default=MAX_USES_DEFAULT,
        validators=[
            DataRequired(_l("Please say how many people can join with it.")),
            NumberRange(min=1, max=MAX_USES_MAX),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_USES_MAX},
    )
    language = SelectField(
        _l("Language of the join page"),
        description=_l(
            "The page opens in this language, and the poster shows its words in it as well as "
            "in English. Young people can still choose another."
        ),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Make the code"))


class EndJoinCodeForm(Form):
    """Stop a code working now: the button on the page that asks whether staff mean it."""

    submit = SubmitField(_l("Yes, end the code now"))


class CodeLookupForm(Form):
    """Type in a code from the library (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Your code"),
        description=_l("It has 8 letters and numbers, like ABCD-2345."),
        validators=[Length(max=TYPED_MAX + 10)],
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "maxlength": TYPED_MAX + 10,
        },
    )
