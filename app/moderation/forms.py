"""Forms staff fill in."""

from markupsafe import Markup, escape
from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput, Select, html_params

from app.fields import Form, LocalDateTimeField, id_or_none
from app.i18n import _l
from app.ideas.languages import language_choices, languages, name_for_staff
from app.ideas.services import DESCRIPTION_MAX, MESSAGE_MAX, TITLE_MAX
from app.labels import COLOUR_LABELS, PHASE_LABELS, PICTURE_LABELS
from app.models import Colour, Phase, Picture, User
from app.models.types import ROW_ID_MAX
from app.moderation.services import (
    CONSULTATION_DESCRIPTION_MAX,
    QUESTION_MAX,
    RATIONALE_MAX,
    VOTE_BUDGET_MAX,
)


class SharedGroupsSelect(Select):
    """A grouped select on a page of many alike (the queue's cards): a group none of whose
    options is chosen is the same on every card, so it is rendered once per page into
    `rendered` (keyed by the group's label) and reused."""

    def __init__(self, rendered: dict[str, Markup]):
        super().__init__()
        self.rendered = rendered

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        groups: dict[str | None, list[SelectChoice]] = {}
        for choice in field.choices:
            groups.setdefault(choice.optgroup, []).append(choice)
        for label, choices in groups.items():
            chosen = any(choice.value == field.data for choice in choices)
            if label is not None and not chosen and label in self.rendered:
                html.append(self.rendered[label])
                continue
            options = "".join(
                f"<option {html_params(value=c.value, selected=c.value == field.data)}>"
                f"{escape(c.label)}</option>"
                for c in choices
            )
            if label is None:
                html.append(options)
                continue
            group = Markup(f"<optgroup {html_params(label=label)}>{options}</optgroup>")
            if not chosen:
                self.rendered[label] = group
            html.append(group)
        html.append("</select>")
        return Markup("".join(html))


class MessageLanguage:
    """A form's "Language of your message" select, where staff write to a young person."""

    message_language = SelectField(
        _l("Language of your message"), validators=[Optional()], validate_choice=False
    )

    def offer_languages(self, author: User | None) -> None:
        """Offer the deployment's languages, the author's own chosen first, and say which
        it is ("Sam reads Dari")."""
        self.message_language.choices = language_choices()
        if self.message_language.data in (None, ""):
            own = author.language if author and author.language in languages() else "en"
            self.message_language.data = own if own in languages() else languages()[0]
        if author is not None:
            self.message_language.description = _l(
                "%(name)s reads %(language)s.",
                name=Markup("<bdi hx-disable>%s</bdi>") % author.username,
                language=name_for_staff(author.language),
            )


class DecisionForm(MessageLanguage, Form):
    """Move an idea along its lifecycle, with a message for the young person."""

    decision = SelectField(
        _l("Decision"), validators=[DataRequired(_l("Choose a decision from the list."))]
    )
    message = TextAreaField(
        _l("Message to the young person"),
        description=_l("Needed when you reject, ask for changes, hide or do not take forward."),
        validators=[Optional(), Length(max=MESSAGE_MAX)],
        render_kw={"rows": 3},
    )
    # An outcome linked with the decision that publishes the idea (optional); see
    # app/moderation/services.py `decide`.
    outcome = SelectField(
        _l("Outcome it serves (optional)"),
        description=_l("Linked when you approve. The stages that fit this idea come first."),
        validators=[Optional()],
    )
    rationale = TextAreaField(
        _l("Why it serves this outcome"),
        description=_l("A few words are enough."),
        validators=[Optional(), Length(max=RATIONALE_MAX)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Save decision"))


class TranslationForm(Form):
    """An English translation of an idea written in another language, by staff."""

    title = StringField(
        _l("Title in English"),
        validators=[DataRequired(_l("Enter the title in English.")), Length(max=TITLE_MAX)],
        render_kw={"maxlength": TITLE_MAX, "lang": "en"},
    )
    description = TextAreaField(
        _l("Description in English"),
        validators=[
            DataRequired(_l("Enter the description in English.")),
            Length(max=DESCRIPTION_MAX),
        ],
        render_kw={"maxlength": DESCRIPTION_MAX, "rows": 6, "lang": "en"},
    )
    submit = SubmitField(_l("Save the translation"))


class RedactForm(Form):
    """Change an idea's words, to take out personal information; staff keep the old ones."""

    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter a title for the idea.")), Length(max=TITLE_MAX)],
        render_kw={"maxlength": TITLE_MAX},
    )
    description = TextAreaField(
        _l("Description"),
        validators=[
            DataRequired(_l("Enter a description of the idea.")),
            Length(max=DESCRIPTION_MAX),
        ],
        render_kw={"maxlength": DESCRIPTION_MAX, "rows": 6},
    )
    submit = SubmitField(_l("Save the changed words"))


class OutcomeLinkForm(Form):
    """Link an idea to an outcome, with the reason."""

    outcome = SelectField(
        _l("Outcome"), validators=[DataRequired(_l("Choose an outcome from the list."))]
    )
    rationale = TextAreaField(
        _l("Why does this idea serve this outcome?"),
        validators=[
            DataRequired(_l("Say why this idea serves this outcome.")),
            Length(max=RATIONALE_MAX),
        ],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Link outcome"))


class PhaseForm(Form):
    """Move a consultation to another phase."""

    phase = SelectField(
        _l("Phase"),
        choices=[SelectChoice(phase.value, label) for phase, label in PHASE_LABELS.items()],
        coerce=Phase,
        validators=[DataRequired(_l("Choose a phase from the list."))],
    )
    submit = SubmitField(_l("Change phase"))


class ConsultationForm(Form):
    """The question put to young people, where, when, and how many votes each."""

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
    question = StringField(
        _l("Question for young people"),
        description=_l("Short and plain, for example: How could we make the library better?"),
        validators=[
            DataRequired(_l("Enter the question for young people.")),
            Length(max=QUESTION_MAX),
        ],
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
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=VOTE_BUDGET_MAX,
                message=_l("Give each person from %(min)s to %(max)s votes, or leave it empty."),
            ),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": VOTE_BUDGET_MAX},
    )
    colour = RadioField(
        _l("Colour"),
        description=_l(
            "Young people find the consultation by its colour and picture. "
            "Choose none to have one chosen for you."
        ),
        choices=[SelectChoice(colour.value, label) for colour, label in COLOUR_LABELS.items()],
        coerce=Colour,
        validators=[Optional()],
    )
    picture = RadioField(
        _l("Picture"),
        choices=[SelectChoice(picture.value, label) for picture, label in PICTURE_LABELS.items()],
        coerce=Picture,
        validators=[Optional()],
    )
    submit = SubmitField(_l("Save consultation"))


_CHOOSE_KEPT = _l("Choose the idea that stays from the list.")


class MergeForm(MessageLanguage, Form):
    """Merge an idea into the idea that stays, with a message for the duplicate's author."""

    into = IntegerField(
        _l("The idea that stays"),
        widget=HiddenInput(),
        validators=[
            DataRequired(_CHOOSE_KEPT),
            NumberRange(min=1, max=ROW_ID_MAX, message=_CHOOSE_KEPT),
        ],
    )
    message = TextAreaField(
        _l("Message to the young person whose idea joins the other"),
        description=_l("Leave it empty to send a short, kind message written for you."),
        validators=[Optional(), Length(max=MESSAGE_MAX)],
        render_kw={"maxlength": MESSAGE_MAX, "rows": 3},
    )
    submit = SubmitField(_l("Merge the ideas"))
