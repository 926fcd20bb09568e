"""Forms for raising a safeguarding concern and for closing one."""

from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.fields import Form, id_or_none
from app.i18n import _l
from app.safeguarding.services import CONCERN_MAX, OUTCOME_MAX


class ConcernForm(Form):
    """Tell the safeguarding lead what worries you about a young person's idea."""

    concern = TextAreaField(
        _l("What worries you?"),
        description=_l(
            "Say what you saw and why it worries you. Only the library service's safeguarding "
            "leads will read this."
        ),
        validators=[DataRequired(_l("Please say what worries you.")), Length(max=CONCERN_MAX)],
        render_kw={"maxlength": CONCERN_MAX, "rows": 5},
    )
    submit = SubmitField(_l("Send to the safeguarding lead"))


class ServiceConcernForm(ConcernForm):
    """A concern not tied to an idea, for one of the library services you belong to."""

    library_service = SelectField(
        _l("Library service"),
        coerce=id_or_none,
        validators=[DataRequired(_l("Choose the library service the concern is about."))],
    )


class CloseConcernForm(Form):
    """Record what the safeguarding lead did about a concern, and close it."""

    outcome = TextAreaField(
        _l("What did you do?"),
        description=_l("For the record: who you told, what was decided, and why it is closed."),
        validators=[
            DataRequired(_l("Please say what you did about this concern.")),
            Length(max=OUTCOME_MAX),
        ],
        render_kw={"maxlength": OUTCOME_MAX, "rows": 5},
    )
    submit = SubmitField(_l("Close this concern"))
