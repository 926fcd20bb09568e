"""Forms QLP teams fill in: the dashboard's filter, and starting, writing and answering reviews."""

from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.fields import Form, id_or_none
from app.i18n import _l
from app.labels import RATING_LABELS, RECOMMENDATION_LABELS, SERVICE_STATUS_LABELS
from app.models import Rating, Recommendation
from app.review.services import COMMENT_MAX, EVIDENCE_MAX, RESPONSE_MAX


def status_or_none(value) -> str | None:
    """A status filter's value; the blank choice means any status."""
    return value or None


class Checkboxes(SelectMultipleField):
    """Several choices as checkboxes (rendered by templates/review/_fields.html)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DashboardFilterForm(Form):
    """Narrow the QLP dashboard to one library service or one status (a GET form)."""

    class Meta:
        csrf = False

    # Ids of their own: the page's live region is already called "status".
    library_service = SelectField(
        _l("Library service"),
        coerce=id_or_none,
        validators=[Optional()],
        id="filter-library-service",
    )
    status = SelectField(
        _l("Status"),
        id="filter-status",
        coerce=status_or_none,
        choices=[
            SelectChoice("", _l("Any status")),
            *[SelectChoice(status.value, label) for status, label in SERVICE_STATUS_LABELS.items()],
        ],
        validators=[Optional()],
    )


class StartReviewForm(Form):
    """Start a review of a service for a period."""

    period_start = DateField(
        _l("First day of the period reviewed"),
        validators=[InputRequired(_l("Please give the first day of the period."))],
    )
    period_end = DateField(
        _l("Last day of the period reviewed"),
        validators=[InputRequired(_l("Please give the last day of the period."))],
    )
    submit = SubmitField(_l("Start a review"))


class RatingForm(Form):
    """Rate one QLP aim or outcome, with evidence and the sessions and skills it rests on."""

    rating = RadioField(
        _l("Rating"),
        choices=[SelectChoice(rating.value, label) for rating, label in RATING_LABELS.items()],
        coerce=Rating,
        validators=[InputRequired(_l("Please choose a rating."))],
    )
    evidence = TextAreaField(
        _l("Evidence"),
        description=_l("Needed above “not yet”: what you saw, heard or read that shows it."),
        validators=[Optional(), Length(max=EVIDENCE_MAX)],
        render_kw={"rows": 3, "maxlength": EVIDENCE_MAX},
    )
    sessions = Checkboxes(_l("Co-design sessions that show it"), coerce=int)
    skills = Checkboxes(_l("Staff skills that show it"), coerce=int)
    submit = SubmitField(_l("Save rating"))


class OverallForm(Form):
    """The reviewer's overall comment and recommendation."""

    comment = TextAreaField(
        _l("Overall comment"),
        validators=[Optional(), Length(max=COMMENT_MAX)],
        render_kw={"rows": 5, "maxlength": COMMENT_MAX},
    )
    recommendation = RadioField(
        _l("Recommendation"),
        choices=[
            SelectChoice(value.value, label) for value, label in RECOMMENDATION_LABELS.items()
        ],
        coerce=Recommendation,
        validators=[Optional()],
    )
    submit = SubmitField(_l("Save comment and recommendation"))


class ResponseForm(Form):
    """The Quality Leader's answer to a signed review."""

    text = TextAreaField(
        _l("Your answer to this review"),
        validators=[
            DataRequired(_l("Please write your answer.")),
            Length(max=RESPONSE_MAX),
        ],
        render_kw={"rows": 5, "maxlength": RESPONSE_MAX},
    )
    submit = SubmitField(_l("Send your answer"))
