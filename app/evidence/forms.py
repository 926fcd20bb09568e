"""The evidence area's forms: filters (GET), a pack's choices, and the exports' choices."""

from wtforms import DateField, SelectChoice, SelectField, SubmitField
from wtforms.validators import InputRequired, Optional, ValidationError

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


class GuideFilterForm(CoverageFilterForm):
    """Narrow the practice guide to a library service and to services delivered in a period."""

    consultation = None
    start = DateField(_l("Delivered from"), validators=[Optional()], id="filter-from")
    end = DateField(_l("Delivered to"), validators=[Optional()], id="filter-to")


class PackForm(Form):
    """Which Best Value pack: a library service and a period (a GET form, to see it first)."""

    class Meta:
        csrf = False

    library_service = SelectField(
        _l("Library service"), coerce=id_or_none, validators=[InputRequired()], id="pack-service"
    )
    start = DateField(_l("First day"), validators=[InputRequired()], id="pack-start")
    end = DateField(_l("Last day"), validators=[InputRequired()], id="pack-end")

    validate_end = CoverageFilterForm.validate_end


class PublishPackForm(PackForm):
    """Publish the pack just seen: the same choices, sent with CSRF."""

    class Meta:
        csrf = True


class ExportForm(CoverageFilterForm):
    """Download an export, in a format, of what a filter (sent along as hidden fields) asks for."""

    class Meta:
        csrf = True

    format = SelectField(
        _l("Format"),
        choices=[
            SelectChoice("csv", _l("CSV")),
            SelectChoice("dictionary", _l("Data dictionary (CSV)")),
            SelectChoice("xlsx", _l("Excel (XLSX)")),
            SelectChoice("json", _l("JSON")),
        ],
        default="csv",
    )


class UnroundedForm(Form):
    """Ask to see one's own library service's figures unrounded (a POST: audited)."""

    submit = SubmitField(_l("Show unrounded figures"))
