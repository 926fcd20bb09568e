"""The form a reader sends to say which words read wrong and what would read better."""

from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.fields import Form
from app.i18n import _l
from app.wording.services import PAGE_MAX, WORDS_MAX


class SuggestionForm(Form):
    """Which page, which words, and a better wording."""

    page = HiddenField(validators=[Length(max=PAGE_MAX)])
    words = TextAreaField(
        _l("Which words read wrong?"),
        description=_l("Copy them from the page, or say where they are."),
        validators=[
            DataRequired(_l("Please say which words read wrong.")),
            Length(max=WORDS_MAX),
        ],
    )
    better = TextAreaField(
        _l("How would you say it?"),
        validators=[
            DataRequired(_l("Please write how you would say it.")),
            Length(max=WORDS_MAX),
        ],
    )
