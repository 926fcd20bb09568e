"""The translation functions the app uses: what people wrote never becomes markup through them.

Flask-Babel's lazy strings have `__html__`, so Jinja (and Flask's session, for flashes) takes a
formatted lazy string as safe markup and prints the values in it raw. A title a young person
wrote, put into a message that way, once ran as the admin who read it. Here a lazy string with
values escapes every value when it is shown as HTML, and is plain text everywhere else, so no
call site can get this wrong. The eager functions return plain `str`, which Jinja escapes.

Everything in the app imports its translation functions from here; ruff refuses flask_babel's
own (the banned-api setting in pyproject.toml).
"""

from contextlib import contextmanager

from flask import Flask, g
from flask_babel import LazyString, force_locale, get_translations, refresh
from markupsafe import Markup

__all__ = ["_", "_l", "in_language", "ngettext", "refresh_language"]


def _catalogue():
    """The catalogue of the language this request speaks, found once.

    Flask-Babel finds it afresh for each string, and a page holds hundreds. The language can
    change within a request only through `refresh_language` and `in_language` (Flask-Babel's
    own `refresh` and `force_locale` are refused by the linter), which forget the one kept.
    """
    if not g:  # outside an app context: the words as written
        return get_translations()
    kept = g.get("_catalogue")
    if kept is None:
        kept = g._catalogue = get_translations()
    return kept


def refresh_language() -> None:
    """Choose the request's language again (after what decides it has changed)."""
    refresh()
    g.pop("_catalogue", None)


@contextmanager
def in_language(code: str):
    """Speak the language `code` inside the block, then the request's own again."""
    g.pop("_catalogue", None)
    try:
        with force_locale(code):
            yield
    finally:
        g.pop("_catalogue", None)


def _(string: str, **variables) -> str:
    """Translate `string` now, formatted with `variables` (plain text; Jinja escapes it)."""
    text = _catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Translate the form of `singular`/`plural` for `num` now, with `num` among the values."""
    variables.setdefault("num", num)
    return _catalogue().ungettext(singular, plural, num) % variables


def init_template_translations(app: Flask) -> None:
    """Have templates translate through the same kept catalogue (after Flask-Babel's setup)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _catalogue().ugettext(string),
        ngettext=lambda singular, plural, num: _catalogue().ungettext(singular, plural, num),
        pgettext=lambda context, string: _catalogue().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: _catalogue().unpgettext(
            context, singular, plural, num
        ),
        newstyle=True,
    )


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
