"""Which language an idea is written in: its names, and a guess from its words, made offline.

The guess is only a starting point: the author confirms it on the form. py3langid knows five
of the deployment's languages by their words (and Amharic, which shares Tigrinya's script);
the script tells the rest: Ge'ez letters are Tigrinya here, and letters only Sorani writes
mark Arabic-script text as Sorani. Dari and Persian are one language to a word model, so the
author's page language decides between them.
"""

import threading
from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale
from flask_login import current_user
from wtforms import SelectChoice

from app.languages import SHIPPED, bcp47

# py3langid's languages, and the language of the deployment each stands for.
MODEL_LANGUAGES = {"en": "en", "ar": "ar", "fa": "fa", "ps": "ps", "uk": "uk", "am": "ti"}
# A guess less sure than this is no guess: the author's page language is taken instead.
SURE_ENOUGH = 0.8
# Fewer letters than this say too little to guess from.
LETTERS_MIN = 3
# Letters Sorani writes and Arabic, Persian, Dari and Pashto do not.
SORANI_LETTERS = frozenset("ەێۆڕڵڤ")

_identifier = None
_loading = threading.Lock()


def _model():
    """py3langid's identifier for MODEL_LANGUAGES, loaded the first time it is needed.

    Loading takes more than half a second, so it is never done at import or at start.
    """
    global _identifier
    with _loading:
        if _identifier is None:
            from py3langid.langid import _load_identifier

            _identifier = _load_identifier(norm_probs=True, langs=sorted(MODEL_LANGUAGES))
    return _identifier


def languages() -> list[str]:
    """The codes of the deployment's languages, in the order its settings give."""
    return list(current_app.config["LANGUAGES"])


def name_in_itself(code: str) -> str:
    """A language's name as its readers write it (app/translations/languages.toml)."""
    language = SHIPPED.get(code)
    return language.name if language else code


def name_in_english(code: str) -> str:
    """A language's name in English (its code if it is not a shipped language)."""
    language = SHIPPED.get(code)
    return language.english if language else code


def name_for_staff(code: str) -> str:
    """A language's name in itself and, if that is not English, in English: "العربية (Arabic)"."""
    language = SHIPPED.get(code)
    if language is None or language.name == language.english:
        return name_in_itself(code)
    return f"{language.name} ({language.english})"


def language_choices() -> list[SelectChoice]:
    """Each of the deployment's languages for a select, named in itself and marked as in it."""
    return [
        SelectChoice(code, name_in_itself(code), render_kw={"lang": bcp47(code)})
        for code in languages()
    ]


def page_language() -> str:
    """The language the page is shown in, if the deployment offers it, else its first."""
    current, known = str(get_locale() or ""), languages()
    return current if current in known else known[0]


def confirmed_language(chosen: str, suggested: str, text: str) -> str:
    """The language an idea is saved in: the author's choice, or the guess from all its words.

    The form offers `suggested` (the page language, or a guess made as the title was typed).
    Left as it was, it is only a guess: the words sent are guessed from afresh, as a browser
    without JavaScript made no guess at all. Changed, it is the author's answer.
    """
    if chosen != suggested:
        return chosen
    return detect(text, chosen) or chosen


def _script(letters: list[str]) -> str:
    """The script most of these letters are in: "ethiopic", "arabic", or "other"."""
    ethiopic = sum("\u1200" <= c <= "\u139f" or "\u2d80" <= c <= "\u2ddf" for c in letters)
    arabic = sum("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in letters)
    if 2 * ethiopic > len(letters):
        return "ethiopic"
    if 2 * arabic > len(letters):
        return "arabic"
    return "other"


def detect(text: str, hint: str | None) -> str | None:
    """The deployment's language `text` is most likely in, or `hint` when unsure.

    `hint` is the author's page language; it is also the answer for text too short to tell,
    and it makes Persian Dari when it is Dari. None only when nothing is known and there is
    no hint.
    """
    known = languages()
    fallback = hint if hint in known else None
    letters = [char for char in text or "" if char.isalpha()]
    if len(letters) < LETTERS_MIN:
        return fallback
    script = _script(letters)
    if script == "ethiopic":
        return "ti" if "ti" in known else fallback
    if script == "arabic" and SORANI_LETTERS.intersection(letters) and "ckb" in known:
        return "ckb"
    for model_code, probability in _model().rank(text):
        code = MODEL_LANGUAGES[model_code]
        if code == "fa" and (hint == "fa_AF" or "fa" not in known):
            code = "fa_AF"
        if code in known:
            return code if probability >= SURE_ENOUGH else fallback
    return fallback


@dataclass(frozen=True)
class Reading:
    """An idea's words as one reader is shown them: its own, or staff's English translation."""

    title: str
    description: str
    language: str  # the language of the words shown
    translated: bool


def reading(idea) -> Reading:
    """The words of `idea` for the person reading the page.

    Staff's translation, where there is one and the page is in another language than the
    idea; the author and readers of the idea's own language always have the original.
    """
    by_author = current_user.is_authenticated and current_user.id == idea.author_id
    own_language = str(get_locale() or "") == idea.language
    if not idea.translated_title or by_author or own_language:
        return Reading(idea.title, idea.description, idea.language, False)
    return Reading(idea.translated_title, idea.translated_description or "", "en", True)
