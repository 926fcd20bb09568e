"""A short line in plain words for each outcome, for young people; staff see the full wording."""

from flask_babel import lazy_gettext as _l

from app.models import Outcome

# Outcome code -> the line young people read. Every outcome in app/outcome_frameworks.py has one.
PLAIN_WORDS = {
    "promise.vision.5": _l("Young people help decide how the library changes."),
}


def plain_words(outcome: Outcome) -> str:
    """What an outcome means, in words a young reader can follow."""
    line = PLAIN_WORDS.get(outcome.code)
    return str(line) if line is not None else outcome.wording
