"""Forms young people fill in."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.ideas.services import DESCRIPTION_MAX, TITLE_MAX


class IdeaForm(FlaskForm):
    """Propose an idea, or change one staff asked about."""

    title = StringField(
        _l("Your idea in a few words"),
        validators=[DataRequired(), Length(max=TITLE_MAX)],
        render_kw={"maxlength": TITLE_MAX},
    )
    description = TextAreaField(
        _l("Tell us more"),
        description=_l(
            "What would it be like, and who would it help? "
            "Please do not include your real name, school or address."
        ),
        validators=[DataRequired(), Length(max=DESCRIPTION_MAX)],
        render_kw={"maxlength": DESCRIPTION_MAX, "rows": 6},
    )
    submit = SubmitField(_l("Send my idea"))


_CREDIT_LABEL = _l("Show my name (your pseudonym) on the public page as a co-designer")
_CREDIT_HINT = _l("Only your pseudonym, and only if library staff accept your offer.")


class CodesignOfferForm(FlaskForm):
    """Offer to help design an idea, choosing whether to be named as a co-designer."""

    credit_publicly = BooleanField(_CREDIT_LABEL, description=_CREDIT_HINT, default=False)
    submit = SubmitField(_l("I want to help design this"))


class CodesignCreditForm(FlaskForm):
    """Change whether one's pseudonym is shown as a co-designer."""

    credit_publicly = BooleanField(_CREDIT_LABEL, description=_CREDIT_HINT)
    submit = SubmitField(_l("Save my choice"))
