"""The translation functions the app uses: what people wrote never becomes markup through them.

Flask-Babel's lazy strings have `__html__`, so Jinja (and Flask's session, for flashes) takes a
formatted lazy string as safe markup and prints the values in it raw. A title a young person
wrote, put into a message that way, once ran as the admin who read it. Here a lazy string with
values escapes every value when it is shown as HTML, and is plain text everywhere else, so no
call site can get this wrong. The eager functions return plain `str`, which Jinja escapes.

Everything in the app imports its translation functions from here; ruff refuses flask_babel's
own (the banned-api setting in pyproject.toml).
"""

from flask_babel import LazyString, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

__all__ = ["_", "_l", "ngettext"]


class TextLazyString(LazyString):
    """A lazy translation whose values stay text: escaped in HTML, as they are in plain text."""

    def __init__(self, string: str, variables: dict):
        super().__init__(_, string, **variables)
        self._string = string
        self._variables = variables

    def __html__(self) -> Markup:
        """The translation as markup, each value escaped (a value that is markup stays so)."""
        return Markup(_(self._string)) % self._variables


def _l(string: str, **variables) -> LazyString:
    """Translate `string` when it is used, formatted with `variables` escaped in HTML."""
    if not variables:
        return LazyString(_, string)
    return TextLazyString(string, variables)
