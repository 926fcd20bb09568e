"""The form every form here is made from, and form fields shared by several forms."""

from datetime import UTC

from flask_babel import to_user_timezone, to_utc
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    DateTimeField,
    DateTimeLocalField,
    DecimalField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectMultipleField,
    TimeField,
)
from wtforms.fields.choices import SelectFieldBase
from wtforms.i18n import DummyTranslations
from wtforms.widgets import Select

from app.i18n import _, _l, ngettext
from app.models import LibraryService


class LeanSelect(Select):
    """WTForms' select, writing each plain option in one go, to the same markup.

    WTForms builds every option's attributes through html_params, about 90 Python calls an
    option; a public page's long list (a consultation's outcomes) paid for it on every load.
    An option with attributes of its own goes the long way.
    """

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')


# What browsers send from <input type="datetime-local">, with or without seconds.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def id_or_none(value) -> int | None:
    """Coerce a select's value to a row id; the blank choice means none."""
    if value in ("", None):
        return None
    return int(value)


def library_service_choices(library_services: list[LibraryService]) -> list[SelectChoice]:
    """Choices for picking a library service, after a blank one that asks for a choice."""
    return [
        SelectChoice("", _l("Choose a library service")),
        *[SelectChoice(service.id, service.name) for service in library_services],
    ]


class LocalDateTimeField(DateTimeLocalField):
    """A date and time typed in the site's timezone, held as a timezone-aware UTC value."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=LOCAL_FORMATS, **kwargs)

    def process_formdata(self, valuelist):
        """Read the local time typed in, then turn it into UTC."""
        super().process_formdata(valuelist)
        if self.data is None:
            return
        try:
            self.data = to_utc(self.data).replace(tzinfo=UTC)
        except OverflowError:  # a time so near year 1 or 9999 that UTC falls outside
            self.data = None
            raise ValueError(self.gettext("Not a valid datetime value.")) from None

    def _value(self) -> str:
        """Show a stored UTC time as local time, in the form browsers expect."""
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        return to_user_timezone(self.data).strftime(LOCAL_FORMATS[0])


def _required(field, label: str) -> str:
    """What to do about an empty field, by the kind of answer it takes."""
    if field.process_errors:  # something typed that could not be read, such as "soon" for a date
        return str(field.process_errors[0])
    if isinstance(field, SelectMultipleField):
        return _("Tick at least one box for “%(label)s”.", label=label)
    if isinstance(field, SelectFieldBase):
        return _("Choose an answer for “%(label)s”.", label=label)
    if isinstance(field, BooleanField):
        return _("Tick “%(label)s” to go on.", label=label)
    if isinstance(field, TimeField):
        return _("Enter a time for “%(label)s”.", label=label)
    if isinstance(field, DateField):
        return _("Enter a date for “%(label)s”.", label=label)
    if isinstance(field, DateTimeField):
        return _("Enter a date and time for “%(label)s”.", label=label)
    if isinstance(field, (IntegerField, DecimalField, FloatField)):
        return _("Enter a number for “%(label)s”.", label=label)
    return _("Fill in “%(label)s”.", label=label)


# WTForms' own messages (by their message ids) that name no field and do not say what to do,
# and our words in their place, from the field and its label. WTForms fills in some of its
# messages with `%` afterwards (FORMATTED): ours for those pass its placeholders through as
# values (`length="%(length)d"`) and have any % in the label doubled.
PLAIN_WORDS = {
    "This field is required.": _required,
    "Invalid input.": lambda field, label: _(
        "Check what you typed for “%(label)s” and try again.", label=label
    ),
    "Not a valid choice.": lambda field, label: _(
        "Choose one of the answers given for “%(label)s”.", label=label
    ),
    "Invalid Choice: could not coerce.": lambda field, label: _(
        "Choose one of the answers given for “%(label)s”.", label=label
    ),
    "Invalid choice(s): one or more data inputs could not be coerced.": lambda field, label: _(
        "Tick only the boxes given for “%(label)s”.", label=label
    ),
    "Not a valid integer value.": lambda field, label: _(
        "Enter a whole number for “%(label)s”, like 12.", label=label
    ),
    "Not a valid decimal value.": lambda field, label: _(
        "Enter a number for “%(label)s”, like 2.5.", label=label
    ),
    "Not a valid float value.": lambda field, label: _(
        "Enter a number for “%(label)s”, like 2.5.", label=label
    ),
    "Not a valid date value.": lambda field, label: _(
        "Enter a real date for “%(label)s”, as year-month-day, like 2026-03-31.", label=label
    ),
    "Not a valid datetime value.": lambda field, label: _(
        "Enter a real date and time for “%(label)s”, like 2026-03-31 14:30.", label=label
    ),
    "Not a valid time value.": lambda field, label: _(
        "Enter a time for “%(label)s”, like 14:30.", label=label
    ),
    "Invalid email address.": lambda field, label: _(
        "Enter an email address for “%(label)s”, like name@example.com.", label=label
    ),
    "Invalid URL.": lambda field, label: _(
        "Enter a web address for “%(label)s”, starting with https://.", label=label
    ),
    "Field must be between %(min)d and %(max)d characters long.": lambda field, label: _(
        "Use %(min)s to %(max)s characters for “%(label)s”. You have used %(length)s.",
        label=label,
        min="%(min)d",
        max="%(max)d",
        length="%(length)d",
    ),
    "Number must be between %(min)s and %(max)s.": lambda field, label: _(
        "Enter a number from %(min)s to %(max)s for “%(label)s”.",
        label=label,
        min="%(min)s",
        max="%(max)s",
    ),
    "Number must be at least %(min)s.": lambda field, label: _(
        "Enter %(min)s or more for “%(label)s”.", label=label, min="%(min)s"
    ),
    "Number must be at most %(max)s.": lambda field, label: _(
        "Enter %(max)s or less for “%(label)s”.", label=label, max="%(max)s"
    ),
    "Date must be between %(min)s and %(max)s.": lambda field, label: _(
        "Enter a date from %(min)s to %(max)s for “%(label)s”.",
        label=label,
        min="%(min)s",
        max="%(max)s",
    ),
    "Date must be at least %(min)s.": lambda field, label: _(
        "Enter a date on or after %(min)s for “%(label)s”.", label=label, min="%(min)s"
    ),
    "Date must be at most %(max)s.": lambda field, label: _(
        "Enter a date on or before %(max)s for “%(label)s”.", label=label, max="%(max)s"
    ),
    "Field must be equal to %(other_name)s.": lambda field, label: _(
        "Type the same as in “%(other)s”.", other="%(other_label)s"
    ),
    "Invalid value, must be one of: %(values)s.": lambda field, label: _(
        "For “%(label)s”, use one of: %(values)s.", label=label, values="%(values)s"
    ),
    "Invalid value, can't be any of: %(values)s.": lambda field, label: _(
        "For “%(label)s”, use something other than: %(values)s.",
        label=label,
        values="%(values)s",
    ),
}
# The same for WTForms' messages that change with a number, by their singular message id.
PLAIN_COUNTED = {
    "'%(value)s' is not a valid choice for this field.": lambda field, label, n: _(
        "Tick only the boxes given for “%(label)s”.", label=label
    ),
    "Field must be at least %(min)d character long.": lambda field, label, n: ngettext(
        "Use at least %(num)d character for “%(label)s”. You have used %(length)s.",
        "Use at least %(num)d characters for “%(label)s”. You have used %(length)s.",
        n,
        label=label,
        length="%(length)d",
    ),
    "Field cannot be longer than %(max)d character.": lambda field, label, n: ngettext(
        "Use %(num)d character or fewer for “%(label)s”. You have used %(length)s.",
        "Use %(num)d characters or fewer for “%(label)s”. You have used %(length)s.",
        n,
        label=label,
        length="%(length)d",
    ),
    "Field must be exactly %(max)d character long.": lambda field, label, n: ngettext(
        "Use exactly %(num)d character for “%(label)s”. You have used %(length)s.",
        "Use exactly %(num)d characters for “%(label)s”. You have used %(length)s.",
        n,
        label=label,
        length="%(length)d",
    ),
}
FORMATTED = {message for message in [*PLAIN_WORDS, *PLAIN_COUNTED] if "%(" in message}


class PlainWords:
    """One field's translations: WTForms' own, with our plain words in place of its defaults."""

    def __init__(self, translations):
        self.translations = translations or DummyTranslations()
        self.field = None  # set once bound (binding asks for a default label before that)

    def _label(self, message: str) -> str:
        """The field's label, as it goes into our words for `message`."""
        label = str(self.field.label.text)
        return label.replace("%", "%%") if message in FORMATTED else label

    def gettext(self, string: str) -> str:
        """Our words for one of WTForms' messages, else its own translation."""
        if self.field is None or string not in PLAIN_WORDS:
            return self.translations.gettext(string)
        return PLAIN_WORDS[string](self.field, self._label(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Our words for one of WTForms' counted messages, else its own translation."""
        if self.field is None or singular not in PLAIN_COUNTED:
            return self.translations.ngettext(singular, plural, n)
        return PLAIN_COUNTED[singular](self.field, self._label(singular), n)


class Form(FlaskForm):
    """A form whose mistakes are told in plain words: what to do, and in which field.

    Every form here is one of these (tests/test_form_errors.py checks). A validator given its
    own message keeps it; WTForms' general ones ("This field is required.") become words built
    from the field's label and kind ("Fill in “Your idea in a few words”.").
    """

    class Meta:
        def bind_field(self, form, unbound_field, options):
            """Bind a field that asks PlainWords for the words of its mistakes."""
            words = PlainWords(options.get("translations"))
            field = super().bind_field(form, unbound_field, {**options, "translations": words})
            words.field = field
            return field
