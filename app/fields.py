"""Form fields shared by several forms."""

from datetime import UTC

from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from wtforms import DateTimeLocalField, SelectChoice

from app.models import LibraryService

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
