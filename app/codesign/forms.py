"""Forms staff fill in about co-designed services."""

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.codesign.services import (
    ADULTS,
    ATTENDANCE_KEYS,
    ATTENDANCE_MAX,
    DECISIONS_MAX,
    EVIDENCE_MAX,
    LESSONS_MAX,
    NAME_MAX,
    NEED_MAX,
    NOTE_MAX,
    PARTNER_NAME_MAX,
    PLACE_MAX,
    RATIONALE_MAX,
    SKILL_MAX,
    START_MESSAGE,
    SUMMARY_MAX,
)
from app.fields import Form, id_or_none
from app.i18n import _l
from app.ideas.services import MESSAGE_MAX
from app.labels import BENEFICIARY_LABELS, PARTNER_KIND_LABELS
from app.models import AGE_BANDS

WHY = _l("Please say why the service serves this outcome.")


class CheckboxesField(SelectMultipleField):
    """Several choices as a group of checkboxes (rendered by codesign/_macros.html)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ServiceDetailsForm(Form):
    """What a service is, who it is for, and who runs it; choices are set per library service."""

    name = StringField(
        _l("Name of the service"),
        validators=[DataRequired(_l("Please give the service a name.")), Length(max=NAME_MAX)],
        render_kw={"maxlength": NAME_MAX},
    )
    summary = TextAreaField(
        _l("What it is, in plain words for young people"),
        description=_l("Young people read this on “You said, we did”. Short words, no jargon."),
        validators=[
            DataRequired(_l("Please say in plain words what the service is.")),
            Length(max=SUMMARY_MAX),
        ],
        render_kw={"maxlength": SUMMARY_MAX, "rows": 3},
    )
    need = TextAreaField(
        _l("The need it meets"),
        validators=[
            DataRequired(_l("Please say what need the service meets.")),
            Length(max=NEED_MAX),
        ],
        render_kw={"maxlength": NEED_MAX, "rows": 3},
    )
    age_bands = CheckboxesField(
        _l("Age bands it is for"),
        choices=[SelectChoice(band, band) for band in AGE_BANDS],
        validators=[DataRequired(_l("Please choose the age bands the service is for."))],
    )
    beneficiary_groups = CheckboxesField(
        _l("Who it is for"),
        choices=[SelectChoice(group.value, label) for group, label in BENEFICIARY_LABELS.items()],
        validators=[DataRequired(_l("Please choose who the service is for."))],
    )
    branches = CheckboxesField(_l("Libraries where it runs"), coerce=int)
    quality_leader = SelectField(_l("Quality Leader"), coerce=id_or_none, validators=[Optional()])
    team = CheckboxesField(_l("Quality Team"), coerce=int)
    partners = CheckboxesField(_l("Partner organisations"), coerce=int)
    submit = SubmitField(_l("Save the service"))

    def details(self) -> dict:
        """The fields as the keyword arguments of start_service and edit_service."""
        return {
            "name": self.name.data or "",
            "summary": self.summary.data or "",
            "need": self.need.data or "",
            "age_bands": list(self.age_bands.data or []),
            "beneficiary_groups": list(self.beneficiary_groups.data or []),
            "branch_ids": list(self.branches.data or []),
            "quality_leader_id": self.quality_leader.data,
            "team_ids": list(self.team.data or []),
            "partner_ids": list(self.partners.data or []),
        }


class StartServiceForm(ServiceDetailsForm):
    """Start a service from accepted ideas, with the first message young people read."""

    message = TextAreaField(
        _l("Message to young people"),
        description=_l("Shown on their ideas and on “You said, we did”."),
        default=START_MESSAGE,
        validators=[
            DataRequired(_l("Please write a message for young people.")),
            Length(max=MESSAGE_MAX),
        ],
        render_kw={"maxlength": MESSAGE_MAX, "rows": 2},
    )
    submit = SubmitField(_l("Start the service"))


class StatusForm(Form):
    """Move a service one step on, or stop it, with a message young people read."""

    # An id of its own: the page's live region is already called "status".
    status = SelectField(
        _l("What happens now"),
        id="service-status",
        validators=[DataRequired(_l("Please choose what happens now."))],
    )
    message = TextAreaField(
        _l("Message to young people"),
        description=_l("When you stop a service, say why."),
        validators=[
            DataRequired(_l("Please write a message for young people about this change.")),
            Length(max=MESSAGE_MAX),
        ],
        render_kw={"maxlength": MESSAGE_MAX, "rows": 2},
    )
    submit = SubmitField(_l("Change the status"))


class AddIdeaForm(Form):
    """Add another accepted idea to a service."""

    idea = SelectField(
        _l("Accepted idea"),
        coerce=id_or_none,
        validators=[DataRequired(_l("Please choose an idea from the list."))],
    )
    submit = SubmitField(_l("Add the idea"))


class OutcomeForm(Form):
    """Link a service to an outcome, with the reason."""

    outcome = SelectField(
        _l("Outcome"), validators=[DataRequired(_l("Please choose an outcome from the list."))]
    )
    rationale = TextAreaField(
        _l("Why does this service serve this outcome?"),
        validators=[DataRequired(WHY), Length(max=RATIONALE_MAX)],
        render_kw={"maxlength": RATIONALE_MAX, "rows": 2},
    )
    submit = SubmitField(_l("Link outcome"))


class SuggestionForm(Form):
    """Confirm an outcome one of the service's ideas is linked to, with the reason."""

    outcome = HiddenField()
    rationale = TextAreaField(
        _l("Why"),
        validators=[DataRequired(WHY), Length(max=RATIONALE_MAX)],
        render_kw={"maxlength": RATIONALE_MAX, "rows": 2},
    )
    submit = SubmitField(_l("Confirm"))


class AddPartnerForm(Form):
    """An existing partner starts working on the service."""

    partner = SelectField(
        _l("Partner"),
        coerce=id_or_none,
        validators=[DataRequired(_l("Please choose a partner from the list."))],
    )
    submit = SubmitField(_l("Add partner"))


class NewPartnerForm(Form):
    """A partner organisation not on the list yet."""

    name = StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(_l("Please give the partner a name.")),
            Length(max=PARTNER_NAME_MAX),
        ],
        render_kw={"maxlength": PARTNER_NAME_MAX},
    )
    kind = SelectField(
        _l("Kind of organisation"),
        choices=[
            SelectChoice("", _l("Choose a kind")),
            *[SelectChoice(kind.value, label) for kind, label in PARTNER_KIND_LABELS.items()],
        ],
        validators=[DataRequired(_l("Please choose what kind of organisation it is."))],
    )
    submit = SubmitField(_l("Add new partner"))


def attendance_field_name(key: str) -> str:
    """The form field holding the count for an age band (or adults)."""
    return "attended_" + key.replace("-", "_")


class SessionForm(Form):
    """A co-design session: when, where, how many came by age band, and what was decided."""

    held_on = DateField(
        _l("Date"), validators=[InputRequired(_l("Please give the date of the session."))]
    )
    place = StringField(
        _l("Place"),
        description=_l("For example: Central Library, teen space."),
        validators=[DataRequired(_l("Please say where it was.")), Length(max=PLACE_MAX)],
        render_kw={"maxlength": PLACE_MAX},
    )
    partners = CheckboxesField(_l("Partners who came"), coerce=int)
    brought_together = BooleanField(_l("It brought generations or communities together"))
    cohesion_note = TextAreaField(
        _l("How it brought them together"),
        description=_l("Needed when the box above is ticked."),
        validators=[Optional(), Length(max=NOTE_MAX)],
        render_kw={"maxlength": NOTE_MAX, "rows": 2},
    )
    decisions = TextAreaField(
        _l("What the young people decided"),
        validators=[
            DataRequired(_l("Please say what the young people decided.")),
            Length(max=DECISIONS_MAX),
        ],
        render_kw={"maxlength": DECISIONS_MAX, "rows": 3},
    )
    submit = SubmitField(_l("Save the session"))

    def attendance_fields(self) -> list:
        """The count fields, one per age band and one for adults, in order."""
        return [self[attendance_field_name(key)] for key in ATTENDANCE_KEYS]

    def session_fields(self) -> dict:
        """The fields as the keyword arguments of log_session and edit_session."""
        return {
            "held_on": self.held_on.data,
            "place": self.place.data or "",
            "attendance": {
                key: self[attendance_field_name(key)].data or 0 for key in ATTENDANCE_KEYS
            },
            "partner_ids": list(self.partners.data or []),
            "brought_together": bool(self.brought_together.data),
            "cohesion_note": self.cohesion_note.data or "",
            "decisions": self.decisions.data or "",
        }


for _key in ATTENDANCE_KEYS:
    setattr(
        SessionForm,
        attendance_field_name(_key),
        IntegerField(
            _l("Adults") if _key == ADULTS else _l("Aged %(band)s", band=_key),
            default=0,
            validators=[
                Optional(),
                NumberRange(
                    min=0,
                    max=ATTENDANCE_MAX,
                    message=_l("Please give a whole number from 0 to 500."),
                ),
            ],
            render_kw={"inputmode": "numeric", "min": 0, "max": ATTENDANCE_MAX},
        ),
    )
del _key


class SkillForm(Form):
    """A skill a member of staff developed through the service (QLP outcome b)."""

    skill = StringField(
        _l("Skill"),
        description=_l("For example: running a session led by young people."),
        validators=[DataRequired(_l("Please name the skill.")), Length(max=SKILL_MAX)],
        render_kw={"maxlength": SKILL_MAX},
    )
    staff = SelectField(
        _l("Member of staff"),
        coerce=id_or_none,
        validators=[DataRequired(_l("Please choose a member of staff."))],
    )
    evidence = TextAreaField(
        _l("Evidence"),
        description=_l("What they did that shows the skill."),
        validators=[
            DataRequired(_l("Please give evidence of the skill.")),
            Length(max=EVIDENCE_MAX),
        ],
        render_kw={"maxlength": EVIDENCE_MAX, "rows": 3},
    )
    session = SelectField(_l("Session it came from"), coerce=id_or_none, validators=[Optional()])
    submit = SubmitField(_l("Record the skill"))


class LessonsForm(Form):
    """What the Quality Leader learned from the service, for the QLP practice guide."""

    text = TextAreaField(
        _l("What we learned"),
        description=_l(
            "For other libraries and services: what worked, what you would change. "
            "Do not name young people."
        ),
        validators=[
            Optional(),
            Length(
                max=LESSONS_MAX,
                message=_l("Please write what was learned in up to 8000 characters."),
            ),
        ],
        render_kw={"maxlength": LESSONS_MAX, "rows": 6},
    )
    submit = SubmitField(_l("Save what we learned"))
