"""The languages the platform ships and offers, and how each page's language is chosen.

The shipped languages and the review state of each are in app/translations/languages.toml; a
deployment offers some or all of them with the LANGUAGES setting. A page's language is, first
to last: the one just chosen in the switcher (`?lang=`), the one this browser chose before (a
cookie), the one a page asks for (a join code's), a signed-in person's own, the browser's
Accept-Language, and English.
"""

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from app.i18n import refresh_language

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# Language codes browsers send that name a shipped language by another code.
ALIASES = {"prs": "fa_AF", "fa-af": "fa_AF", "ku-iq": "ckb", "ckb-iq": "ckb", "ckb-ir": "ckb"}


def bcp47(code: str | None) -> str:
    """A language code as HTML's lang attribute writes it: fa_AF is fa-AF."""
    return (code or "").replace("_", "-")


@dataclass(frozen=True)
class Language:
    """A shipped language: its catalogue's code, its name in itself and in English."""

    code: str
    name: str
    english: str
    reviewed: str

    @property
    def tag(self) -> str:
        """The BCP 47 tag for `lang` and `hreflang` (fa_AF -> fa-AF)."""
        return bcp47(self.code)

    @cached_property
    def direction(self) -> str:
        """Left to right ("ltr") or right to left ("rtl"), from Babel's data, read once."""
        return Locale.parse(self.code).text_direction

    @property
    def is_reviewed(self) -> bool:
        return bool(self.reviewed)


def _shipped() -> dict[str, Language]:
    with open(TRANSLATIONS / "languages.toml", "rb") as listing:
        table = tomllib.load(listing)
    return {code: Language(code=code, **fields) for code, fields in table.items()}


SHIPPED: dict[str, Language] = _shipped()


def offered_languages(setting: str | None) -> dict[str, str]:
    """The languages a deployment offers, English first: code -> name in itself.

    `setting` lists codes separated by spaces or commas (empty or None: every shipped one). An
    unknown code stops the application starting, rather than offering a language with no words.
    """
    codes = (setting or "").replace(",", " ").split() or list(SHIPPED)
    unknown = [code for code in codes if code not in SHIPPED]
    if unknown:
        raise ValueError(
            f"LANGUAGES names {', '.join(unknown)}, which this platform does not ship; "
            f"it ships {', '.join(SHIPPED)}"
        )
    codes = ["en"] + [code for code in codes if code != "en"]
    return {code: SHIPPED[code].name for code in dict.fromkeys(codes)}


def check_catalogues(app: Flask) -> None:
    """Refuse to start when an offered language's compiled catalogue is missing."""
    missing = [
        code
        for code in app.config["LANGUAGES"]
        if code != "en" and not (TRANSLATIONS / code / "LC_MESSAGES" / "messages.mo").is_file()
    ]
    if missing:
        raise RuntimeError(
            f"No compiled catalogue for {', '.join(missing)}: run `make install` "
            "(it compiles app/translations/*/LC_MESSAGES/messages.po)"
        )


def _offered(code: str | None) -> str | None:
    if not code:
        return None
    code = ALIASES.get(code.lower(), code)
    return code if code in current_app.config["LANGUAGES"] else None


def select_locale() -> str | None:
    """The page's language (Flask-Babel asks once a request; outside requests: English)."""
    if not has_request_context():
        return None
    chosen = _offered(request.args.get(COOKIE))
    if chosen:
        g.chosen_language = chosen
        return chosen
    for candidate in (request.cookies.get(COOKIE), g.get("page_language")):
        if offered := _offered(candidate):
            return offered
    if current_user and current_user.is_authenticated and (own := _offered(current_user.language)):
        return own
    offered = list(current_app.config["LANGUAGES"])
    header = request.accept_languages
    best = header.best_match(offered)
    if best is None:
        best = next((ALIASES[v.lower()] for v, _q in header if v.lower() in ALIASES), None)
    return _offered(best) or "en"


def use_page_language(code: str | None) -> None:
    """A page asks for its own language (a join code's), unless the reader chose one."""
    if _offered(code):
        g.page_language = code
        refresh_language()


def page_language_code() -> str:
    """The code of the language this request's page is in; English outside requests."""
    return str(get_locale() or "en") if has_request_context() else "en"


def chosen_language() -> str | None:
    """The language the reader chose in the switcher, now or before on this device."""
    if not has_request_context():
        return None
    return _offered(request.args.get(COOKIE)) or _offered(request.cookies.get(COOKIE))


def current_language() -> Language:
    return SHIPPED.get(str(get_locale() or "en"), SHIPPED["en"])


def remember_choice(response: Response) -> Response:
    """Keep a language chosen in the switcher: in a cookie, and in a signed-in person's account.

    A page read changes nothing on the server, so the account takes the choice with the next
    thing the person sends (a POST, which carries its CSRF token): their vote, their idea.
    """
    if request.method == "POST":
        _keep_in_account()
    chosen = g.get("chosen_language")
    if chosen and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(
            COOKIE,
            chosen,
            max_age=COOKIE_MAX_AGE,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


def _keep_in_account() -> None:
    """A signed-in person's account takes the language they chose on this device."""
    chosen = chosen_language()
    if not chosen or not current_user or not current_user.is_authenticated:
        return
    if current_user.language != chosen:
        from app.extensions import db

        current_user.language = chosen
        db.session.commit()


def switch_links() -> list[dict]:
    """The switcher's links: this page in each offered language."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != COOKIE]
    here = str(get_locale() or "en")
    links = []
    for code in current_app.config["LANGUAGES"]:
        language = SHIPPED[code]
        query = urlencode([*args, (COOKIE, code)])
        links.append(
            {
                "href": f"{request.path}?{query}",
                "language": language,
                "current": code == here,
            }
        )
    return links


def _choose_afresh() -> None:
    """Each request chooses its own language, even where requests share an app context
    (as tests' requests do)."""
    g.pop("chosen_language", None)
    g.pop("page_language", None)
    refresh_language()


def init_languages(app: Flask) -> None:
    """Give templates the page's language and the switcher; keep choices made in it."""
    app.before_request(_choose_afresh)
    app.after_request(remember_choice)

    @app.context_processor
    def page_language():
        language = current_language()
        return {
            "lang": language.tag,
            "page_direction": language.direction,
            "page_language": language,
            "language_links": switch_links,
        }

    app.jinja_env.globals["shipped_languages"] = SHIPPED
    app.jinja_env.globals["page_language_code"] = page_language_code
