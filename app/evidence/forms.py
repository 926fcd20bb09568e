"""The coverage matrix's filter (a GET form)."""

from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from app.fields import Form, id_or_none
from app.i18n import _l


class CoverageFilterForm(Form):
    """Narrow the coverage matrix to a library service, a consultation and a period."""

    class Meta:
        csrf = False

    library_service = SelectField(
        _l("Library service"),
        coerce=id_or_none,
        validators=[Optional()],
        id="filter-library-service",
    )
    consultation = SelectField(
        _l("Consultation"), coerce=id_or_none, validators=[Optional()], id="filter-consultation"
    )
    start = DateField(_l("From"), validators=[Optional()], id="filter-from")
    end = DateField(_l("To"), validators=[Optional()], id="filter-to")

    def validate_end(self, field) -> None:
        """The period ends on or after the day it starts."""
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The last day must be on or after the first day."))


class UnroundedForm(Form):
    """Ask to see one's own library service's figures unrounded (a POST: audited)."""

    submit = SubmitField(_l("Show unrounded figures"))
