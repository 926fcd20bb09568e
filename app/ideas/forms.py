"""Forms young people fill in."""

from wtforms import (
    BooleanField,
    HiddenField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length

from app.fields import Form, LeanSelect
from app.i18n import _l
from app.ideas.finding import SEARCH_MAX, SORTS, STATUS_FILTERS, Filters
from app.ideas.languages import language_choices, languages, page_language
from app.ideas.services import DESCRIPTION_MAX, TITLE_MAX


class IdeaForm(Form):
    """Propose an idea, or change one staff asked about."""

    title = StringField(
        _l("Your idea in a few words"),
        validators=[DataRequired(_l("Write your idea in a few words.")), Length(max=TITLE_MAX)],
        render_kw={"maxlength": TITLE_MAX},
    )
    description = TextAreaField(
        _l("Tell us more"),
        description=_l(
            "What would it be like, and who would it help? "
            "Please do not include your real name, school or address."
        ),
        validators=[
            DataRequired(_l("Tell us more: what your idea would be like, and who it helps.")),
            Length(max=DESCRIPTION_MAX),
        ],
        render_kw={"maxlength": DESCRIPTION_MAX, "rows": 6},
    )
    language = SelectField(
        _l("Language of your idea"),
        description=_l("Choose the language you wrote in, if it is not the one shown."),
        validate_choice=False,
    )
    # The language the page chose for the author (static/js/app.js keeps it with the select):
    # a select still showing it was left as it was.
    language_suggested = HiddenField()
    submit = SubmitField(_l("Send my idea"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        if not self.is_submitted():
            self.language.data = self.language.data or page_language()
            self.language_suggested.data = self.language.data
        elif not self.language.raw_data:
            # A form sent without the select (an older page): the idea's language, or else
            # the page language, as a guess.
            self.language.data = self.language.data or page_language()
            self.language_suggested.data = self.language.data

    def validate_language(self, field) -> None:
        """Only the deployment's languages."""
        if field.data not in languages():
            raise ValidationError(_l("Choose the language of your idea from the list."))


class IdeaFilterForm(Form):
    """Search and narrow a consultation's ideas (a GET form: the address keeps the choices).

    Shown filled in from the filters read by app/ideas/finding.py; its choices are set there.
    """

    class Meta:
        csrf = False

    # Ids of their own: the page's status region is already `status`.
    q = SearchField(
        _l("Search the ideas"),
        id="find-q",
        render_kw={"maxlength": SEARCH_MAX, "autocomplete": "off"},
    )
    status = SelectField(_l("What happened to them"), id="find-status", widget=LeanSelect())
    outcome = SelectField(_l("What they help with"), id="find-outcome", widget=LeanSelect())
    sort = SelectField(_l("Order"), id="find-sort", widget=LeanSelect())

    @classmethod
    def showing(
        cls,
        filters: Filters,
        sort: str,
        outcomes: list[tuple[str, str]],
        problems: list[str],
        statuses: list[str],
    ) -> "IdeaFilterForm":
        """The form filled in with the filters in use, offering the outcomes and the status
        filters (address values) given."""
        form = cls(
            formdata=None,
            q=filters.q,
            status=filters.status or "",
            outcome=filters.outcome or "",
            sort=sort,
        )
        form.status.choices = [
            ("", _l("Any")),
            *[(key, STATUS_FILTERS[key][0]) for key in statuses],
        ]
        form.outcome.choices = [("", _l("Anything")), *outcomes]
        form.sort.choices = list(SORTS.items())
        form.form_errors.extend(problems)
        return form


_CREDIT_LABEL = _l("Show my name (your pseudonym) on the public page as a co-designer")
_CREDIT_HINT = _l("Only your pseudonym, and only if library staff accept your offer.")


class CodesignOfferForm(Form):
    """Offer to help design an idea, choosing whether to be named as a co-designer."""

    credit_publicly = BooleanField(_CREDIT_LABEL, description=_CREDIT_HINT, default=False)
    submit = SubmitField(_l("I want to help design this"))


class CodesignCreditForm(Form):
    """Change whether one's pseudonym is shown as a co-designer."""

    credit_publicly = BooleanField(_CREDIT_LABEL, description=_CREDIT_HINT)
    submit = SubmitField(_l("Save my choice"))
