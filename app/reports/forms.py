"""Forms for reporting an idea, for staff's decision on the reports, and for the threshold."""

from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.fields import Form, id_or_none
from app.i18n import _l
from app.ideas.services import MESSAGE_MAX
from app.models import ReportReason
from app.moderation.forms import MessageLanguage
from app.reports.services import DETAILS_MAX, REPORTS_TO_HIDE_MAX

# Each reason in the plain words a young person chooses from.
REASON_LABELS = {
    ReportReason.PERSONAL_INFO: _l("It shares someone's personal details"),
    ReportReason.UNKIND: _l("It is unkind or hurtful"),
    ReportReason.NOT_SAFE: _l("It does not feel safe"),
    ReportReason.SPAM: _l("It is spam or an advert"),
    ReportReason.OTHER: _l("Something else"),
}


class ReportForm(Form):
    """Tell library staff what is wrong with an idea."""

    reason = RadioField(
        _l("What is wrong with this idea?"),
        choices=[SelectChoice(reason.value, label) for reason, label in REASON_LABELS.items()],
        validators=[InputRequired(_l("Please choose what is wrong."))],
    )
    details = TextAreaField(
        _l("Anything else library staff should know? (you can leave this empty)"),
        description=_l("Only library staff read this. Please do not write your real name."),
        validators=[Optional(), Length(max=DETAILS_MAX)],
        render_kw={"maxlength": DETAILS_MAX, "rows": 3},
    )
    submit = SubmitField(_l("Send my report"))


class ReportDecisionForm(MessageLanguage, Form):
    """Keep a reported idea, or agree with the reports and hide it; the buttons say which."""

    decision = SelectField(
        _l("Decision"),
        choices=[
            SelectChoice("keep", _l("Keep the idea")),
            SelectChoice("hide", _l("Agree and hide it")),
        ],
        validators=[DataRequired(_l("Choose: keep the idea, or agree and hide it."))],
    )
    message = TextAreaField(
        _l("Message to the young person"),
        description=_l("Leave it empty to send a short, kind message written for you."),
        validators=[Optional(), Length(max=MESSAGE_MAX)],
        render_kw={"maxlength": MESSAGE_MAX, "rows": 2},
    )


class ThresholdForm(Form):
    """How many reports from different people hide an idea in a library service."""

    library_service = SelectField(
        _l("Library service"),
        coerce=id_or_none,
        validators=[DataRequired(_l("Choose a library service from the list."))],
    )
    reports_to_hide = IntegerField(
        _l("Reports that hide an idea"),
        description=_l(
            "An idea is hidden until staff decide once this many different people report it "
            "(1 to 20). It counts from the next report."
        ),
        validators=[
            InputRequired(_l("Enter how many reports hide an idea, from 1 to 20.")),
            NumberRange(min=1, max=REPORTS_TO_HIDE_MAX),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": REPORTS_TO_HIDE_MAX},
    )
    submit = SubmitField(_l("Save the number"))
