"""Forms young people fill in."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
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
