"""Forms staff fill in."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.ideas.services import MESSAGE_MAX
from app.labels import PHASE_LABELS
from app.models import Phase
from app.moderation.services import RATIONALE_MAX


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
