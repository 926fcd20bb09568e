"""Dates as young people read them: the day and the month, in the site's timezone and language.

A time to the minute is staff detail; the year is shown only when it is not this year's.
"""

from datetime import datetime

from flask_babel import format_datetime, to_user_timezone

from app.i18n import _
from app.models.types import utcnow


def day_and_month(when: datetime, now: datetime | None = None) -> str:
    """ "6 January", or "6 January 2028" when that is not this year (in the site's timezone)."""
    this_year = to_user_timezone(now or utcnow()).year
    same_year = to_user_timezone(when).year == this_year
    return format_datetime(when, "d MMMM" if same_year else "d MMMM yyyy")


def opening_words(
    opens_at: datetime | None, closes_at: datetime | None, now: datetime | None = None
) -> str:
    """The one date that matters now: "Opens 6 January", "Closes 6 January", "Closed 6 January",
    or nothing when neither time is set."""
    now = now or utcnow()
    if opens_at and opens_at > now:
        return _("Opens %(when)s", when=day_and_month(opens_at, now))
    if closes_at and closes_at > now:
        return _("Closes %(when)s", when=day_and_month(closes_at, now))
    if closes_at:
        return _("Closed %(when)s", when=day_and_month(closes_at, now))
    return ""
