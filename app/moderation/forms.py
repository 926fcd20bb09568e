"""Forms staff fill in."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.fields import LocalDateTimeField, id_or_none
from app.ideas.services import DESCRIPTION_MAX, MESSAGE_MAX, TITLE_MAX
from app.labels import PHASE_LABELS
from app.models import Phase
from app.moderation.services import (
    CONSULTATION_DESCRIPTION_MAX,
    QUESTION_MAX,
    RATIONALE_MAX,
    VOTE_BUDGET_MAX,
)


class DecisionForm(FlaskForm):
    """Move an idea along its lifecycle, with a message for the young person."""

    decision = SelectField(_l("Decision"), validators=[DataRequired()])
    message = TextAreaField(
        _l("Message to the young person"),
        description=_l("Needed when you reject, ask for changes, hide or do not take forward."),
        validators=[Optional(), Length(max=MESSAGE_MAX)],
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Save decision"))


class RedactForm(FlaskForm):
    """Change an idea's words, to take out personal information; staff keep the old ones."""

    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=TITLE_MAX)],
        render_kw={"maxlength": TITLE_MAX},
    )
    description = TextAreaField(
        _l("Description"),
        validators=[DataRequired(), Length(max=DESCRIPTION_MAX)],
        render_kw={"maxlength": DESCRIPTION_MAX, "rows": 6},
    )
    submit = SubmitField(_l("Save the changed words"))


class OutcomeLinkForm(FlaskForm):
    """Link an idea to an outcome, with the reason."""

    outcome = SelectField(_l("Outcome"), validators=[DataRequired()])
    rationale = TextAreaField(
        _l("Why does this idea serve this outcome?"),
        validators=[DataRequired(), Length(max=RATIONALE_MAX)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Link outcome"))


class PhaseForm(FlaskForm):
    """Move a consultation to another phase."""

    phase = SelectField(
        _l("Phase"),
        choices=[SelectChoice(phase.value, label) for phase, label in PHASE_LABELS.items()],
        coerce=Phase,
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Change phase"))


class ConsultationForm(FlaskForm):
    """The question put to young people, where, when, and how many votes each."""

    library_service = SelectField(
        _l("Library service"), coerce=id_or_none, validators=[DataRequired()]
    )
    branch = SelectField(
        _l("Library"),
        description=_l("Choose one library, or leave it for the whole library service."),
        coerce=id_or_none,
        validators=[Optional()],
    )
    question = StringField(
        _l("Question for young people"),
        description=_l("Short and plain, for example: How could we make the library better?"),
        validators=[DataRequired(), Length(max=QUESTION_MAX)],
        render_kw={"maxlength": QUESTION_MAX},
    )
    description = TextAreaField(
        _l("More about the question"),
        validators=[Optional(), Length(max=CONSULTATION_DESCRIPTION_MAX)],
        render_kw={"maxlength": CONSULTATION_DESCRIPTION_MAX, "rows": 4},
    )
    opens_at = LocalDateTimeField(
        _l("Opens"),
        description=_l("Leave empty to open as soon as you change the phase."),
        validators=[Optional()],
    )
    closes_at = LocalDateTimeField(
        _l("Closes"), description=_l("Leave empty to close by hand."), validators=[Optional()]
    )
    vote_budget = IntegerField(
        _l("Votes for each person"),
        description=_l("Leave empty for a vote on every idea they like."),
        validators=[Optional(), NumberRange(min=1, max=VOTE_BUDGET_MAX)],
        render_kw={"inputmode": "numeric", "min": 1, "max": VOTE_BUDGET_MAX},
    )
    submit = SubmitField(_l("Save consultation"))
