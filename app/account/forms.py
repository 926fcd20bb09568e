"""Forms for changing my name and password, my "about you" answers, and deleting my account."""

from wtforms import PasswordField, RadioField, SelectChoice, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from app.auth.forms import new_password_field, pseudonym_field
from app.fields import Form
from app.i18n import _l
from app.models import AboutYouAnswer, AboutYouQuestion


class NameForm(Form):
    """Choose a new pseudonym, by the same rules as joining."""

    username = pseudonym_field(_l("Your new name"))
    submit = SubmitField(_l("Change my name"))


class PasswordForm(Form):
    """Choose a new password, after typing the current one."""

    current_password = PasswordField(
        _l("Your password now"),
        validators=[DataRequired(_l("Type the password you use now.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field(
        _l("Your new password"), _l("Choose a new password of at least 8 characters.")
    )
    confirm = PasswordField(
        _l("Type the new password again"),
        validators=[
            DataRequired(_l("Type your new password again.")),
            EqualTo("new_password", message=_l("The passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change my password"))


class DeleteForm(Form):
    """Confirm deleting my account by typing my password."""

    password = PasswordField(
        _l("Type your password to confirm"),
        validators=[
            DataRequired(_l("Type your password to delete your account.")),
            Length(max=200),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Yes, delete my account for good"))


# The questions in plain words, for young people aged 13 and over.
ABOUT_YOU_QUESTIONS = {
    AboutYouQuestion.NEW_TO_UK: _l("Did you come to live in the UK in the last five years?"),
    AboutYouQuestion.LOOKED_AFTER: _l("Are you in care, such as living with foster carers?"),
    AboutYouQuestion.YOUNG_CARER: _l("Do you help look after someone at home who is ill?"),
    AboutYouQuestion.DISABILITY: _l(
        "Do you have a disability or an illness that lasts a long time?"
    ),
    AboutYouQuestion.RURAL: _l(
        "Do you live in the countryside, such as in a village or on a farm?"
    ),
}
ABOUT_YOU_ANSWERS = {
    AboutYouAnswer.YES: _l("Yes"),
    AboutYouAnswer.NO: _l("No"),
    AboutYouAnswer.PREFER_NOT_TO_SAY: _l("Prefer not to say"),
}


def _about_you_field(question: AboutYouQuestion) -> RadioField:
    """One question as a radio group, on "Prefer not to say" until the person picks another."""
    return RadioField(
        ABOUT_YOU_QUESTIONS[question],
        choices=[SelectChoice(answer.value, label) for answer, label in ABOUT_YOU_ANSWERS.items()],
        coerce=AboutYouAnswer,
        default=AboutYouAnswer.PREFER_NOT_TO_SAY.value,
        validators=[InputRequired(_l("Choose an answer, or “Prefer not to say”."))],
    )


class AboutYouForm(Form):
    """The optional questions, each with "Prefer not to say" chosen to start with."""

    new_to_uk = _about_you_field(AboutYouQuestion.NEW_TO_UK)
    looked_after = _about_you_field(AboutYouQuestion.LOOKED_AFTER)
    young_carer = _about_you_field(AboutYouQuestion.YOUNG_CARER)
    disability = _about_you_field(AboutYouQuestion.DISABILITY)
    rural = _about_you_field(AboutYouQuestion.RURAL)
    submit = SubmitField(_l("Save my answers"))

    def answers(self) -> dict[AboutYouQuestion, AboutYouAnswer]:
        """The answers chosen, by question."""
        return {question: self[question.value].data for question in AboutYouQuestion}


class SkipAboutYouForm(Form):
    """Skip the questions: only that the person was asked is kept."""

    submit = SubmitField(_l("Skip this"))


class RemoveAboutYouForm(Form):
    """Remove all my answers."""

    submit = SubmitField(_l("Remove all my answers"))
