"""Which language an idea is in: the offline guess from its words, and the names of languages."""

import subprocess
import sys

import pytest
from flask import Flask

from app.ideas import languages
from app.ideas.languages import detect, name_for_staff
from app.languages import SHIPPED

EVERY_LANGUAGE = {code: language.name for code, language in SHIPPED.items()}

# The same idea, a quiet room to study in after school, as young people might write it.
SENTENCES = {
    "en": "We would like a quiet room in the library where we can study after school.",
    "ar": "نريد غرفة هادئة في المكتبة لكي ندرس فيها بعد المدرسة.",
    "fa": "ما یک اتاق آرام در کتابخانه می‌خواهیم تا بعد از مدرسه آنجا درس بخوانیم.",
    "fa_AF": "ما یک اتاق آرام در کتابخانه می‌خواهیم تا بعد از مکتب آنجا درس بخوانیم.",
    "ps": "موږ غواړو چې په کتابتون کې یوه ارامه کوټه ولرو چې له ښوونځي وروسته پکې زده کړه وکړو.",
    "ckb": "ئێمە ژوورێکی بێدەنگمان دەوێت لە کتێبخانەکە بۆ ئەوەی دوای قوتابخانە لێی بخوێنین.",
    "ti": "ድሕሪ ትምህርቲ ኣብ ቤት መጻሕፍቲ ንምጽናዕ ህዱእ ክፍሊ ንደሊ ኢና።",
    "uk": "Ми хотіли б мати тиху кімнату в бібліотеці, щоб навчатися там після школи.",
}


@pytest.fixture
def deployment():
    """An app context whose deployment offers all eight languages."""
    app = Flask(__name__)
    app.config["LANGUAGES"] = EVERY_LANGUAGE
    with app.app_context():
        yield app


@pytest.mark.parametrize(
    ("language", "hint"),
    [(code, "en") for code in SENTENCES if code != "fa_AF"] + [("fa_AF", "fa_AF"), ("en", "ar")],
)
def test_an_idea_in_each_language_is_recognised(deployment, language, hint):
    assert detect(SENTENCES[language], hint) == language


def test_persian_is_dari_when_the_author_reads_the_pages_in_dari(deployment):
    assert detect(SENTENCES["fa"], "fa_AF") == "fa_AF"
    assert detect(SENTENCES["fa_AF"], "fa") == "fa"
    assert detect(SENTENCES["fa_AF"], "en") == "fa"


def test_persian_is_dari_where_the_deployment_offers_dari_only(deployment):
    deployment.config["LANGUAGES"] = {"en": "English", "fa_AF": "دری"}
    assert detect(SENTENCES["fa"], "en") == "fa_AF"


def test_a_short_idea_title_in_a_script_only_tigrinya_uses_is_tigrinya(deployment):
    assert detect("ቤት ንባብ", "en") == "ti"


def test_arabic_script_with_letters_only_sorani_writes_is_sorani(deployment):
    assert detect("یاری و کتێب", "fa") == "ckb"


@pytest.mark.parametrize("text", ["", "ok", "??", "12345 !!!", "  a  "])
def test_text_too_short_to_tell_gives_the_page_language(deployment, text):
    assert detect(text, "uk") == "uk"


def test_text_no_language_is_sure_of_gives_the_page_language(deployment):
    assert detect("xqzv wrtp kkk jjjhg", "ps") == "ps"


def test_a_page_language_the_deployment_does_not_offer_is_no_answer(deployment):
    assert detect("ok", "de") is None


def test_a_language_the_deployment_does_not_offer_is_never_the_answer(deployment):
    deployment.config["LANGUAGES"] = {"en": "English", "uk": "Українська"}
    assert detect(SENTENCES["ar"], "uk") == "uk"
    assert detect(SENTENCES["ti"], "uk") == "uk"
    assert detect(SENTENCES["ckb"], "en") == "en"
    assert detect(SENTENCES["uk"], "en") == "uk"


def test_staff_see_a_language_named_in_itself_and_in_english(deployment):
    assert name_for_staff("ar") == "العربية (Arabic)"
    assert name_for_staff("fa_AF") == "دری (Dari)"
    assert name_for_staff("en") == "English"


def test_the_language_model_is_loaded_only_when_first_needed():
    check = (
        "from app import create_app; import app.ideas.languages as languages; "
        "create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
        "assert languages._identifier is None, 'loaded at start'"
    )
    subprocess.run([sys.executable, "-c", check], check=True, timeout=60)


def test_the_language_model_is_loaded_once(deployment):
    detect(SENTENCES["uk"], "en")
    model = languages._identifier
    detect(SENTENCES["ar"], "en")
    assert model is not None and languages._identifier is model
