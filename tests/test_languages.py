"""Every young person in their own language: the catalogues, choosing a language, right to left,
what a person is told, and readers' suggestions for a new translation."""

import csv
import io
import re
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from sqlalchemy import select

from app.languages import COOKIE, SHIPPED, TRANSLATIONS, offered_languages
from app.models import (
    AuditEntry,
    IdeaStatus,
    JoinCode,
    Notice,
    NoticeKind,
    Role,
    SuggestionStatus,
    User,
    WordingSuggestion,
    utcnow,
)
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [code for code in SHIPPED if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
# In a plural's forms for one (and Arabic's two) the number may go unsaid: the word says it.
NUMBER = {"%(num)s", "%(num)d", "%(count)s", "%(count)d"}


def catalogue(code: str):
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=code)


def code_strings() -> set:
    """Every translatable string in the code and templates, as pybabel extracts them."""
    with open(ROOT / "babel.cfg") as config:
        text = config.read()
    methods = re.findall(r"^\[(\w+): (.+)\]$", text, re.M)
    keywords = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2)}
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=[(pattern, method) for method, pattern in methods],
        options_map=options,
        keywords=keywords,
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


# --- The catalogues ------------------------------------------------------------------------


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_catalogue_has_every_entry_translated_and_none_fuzzy(code):
    problems = []
    for message in catalogue(code):
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(form and form.strip() for form in forms):
            problems.append(f"empty: {message.id!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
    assert problems == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_catalogue_keeps_the_englishs_placeholders(code):
    problems = []
    for message in catalogue(code):
        if not message.id:
            continue
        if isinstance(message.id, str):
            if sorted(PLACEHOLDER.findall(message.string)) != sorted(
                PLACEHOLDER.findall(message.id)
            ):
                problems.append(message.id)
            continue
        english = set(PLACEHOLDER.findall(message.id[0])) | set(PLACEHOLDER.findall(message.id[1]))
        for form in message.string:
            used = set(PLACEHOLDER.findall(form))
            if not used <= english or not (english - NUMBER) <= used:
                problems.append(f"{message.id[1]} -> {form}")
    assert problems == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_catalogue_says_its_languages_plural_forms(code):
    plural = get_plural(code)
    header = catalogue(code).plural_forms
    assert header == f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"
    for message in catalogue(code):
        if message.id and not isinstance(message.id, str):
            assert len(message.string) == plural.num_plurals, message.id


def test_arabic_has_six_plural_forms_and_each_is_its_own():
    """Arabic says 0, 1, 2, 3-10, 11-99 and 100 differently; the catalogue gives each."""
    assert get_plural("ar").num_plurals == 6
    minutes = catalogue("ar").get(
        (
            "You can try again in about %(num)s minute.",
            "You can try again in about %(num)s minutes.",
        )
    )
    assert len(minutes.string) == 6 and len(set(minutes.string)) >= 4


def test_every_catalogue_holds_exactly_the_codes_strings():
    """No string in the code without an entry in each catalogue, and no entry left over: a
    catalogue older than the code fails (`make messages` brings them up to date)."""
    strings = code_strings()
    assert len(strings) > 1000
    for code in TRANSLATED:
        entries = {message.id for message in catalogue(code) if message.id}
        assert sorted(map(str, strings - entries)) == [], f"{code}: not in the catalogue"
        assert sorted(map(str, entries - strings)) == [], f"{code}: no longer in the code"


def test_the_review_state_of_each_language_is_in_one_place_and_the_readme_lists_them():
    with open(TRANSLATIONS / "languages.toml", "rb") as listing:
        table = tomllib.load(listing)
    assert list(table) == list(SHIPPED)
    assert set(TRANSLATED) == {"ar", "fa_AF", "ps", "fa", "ckb", "ti", "uk"}
    readme = (ROOT / "README.md").read_text()
    for code, language in SHIPPED.items():
        assert (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").exists() or code == "en"
        assert f"`{code}`" in readme and language.english in readme


def test_a_deployment_offers_the_languages_it_names_and_no_unknown_one():
    assert list(offered_languages(None)) == list(SHIPPED)
    assert offered_languages("ar, uk") == {"en": "English", "ar": "العربية", "uk": "Українська"}
    with pytest.raises(ValueError, match="xx"):
        offered_languages("ar xx")


# --- Choosing a language ---------------------------------------------------------------------


def opening(html: str) -> str:
    return re.search(r"<html [^>]*>", html).group(0)


def test_accept_language_is_the_first_guess_and_sets_direction(client):
    html = client.get("/", headers={"Accept-Language": "ar-SD,ar;q=0.9,en;q=0.5"}).text
    assert opening(html) == '<html lang="ar" dir="rtl">'
    assert client.get("/", headers={"Accept-Language": "prs"}).text.startswith(
        '<!doctype html>\n<html lang="fa-AF" dir="rtl">'
    )
    assert opening(client.get("/", headers={"Accept-Language": "ti"}).text) == (
        '<html lang="ti" dir="ltr">'
    )
    assert opening(client.get("/", headers={"Accept-Language": "de"}).text) == (
        '<html lang="en" dir="ltr">'
    )


def test_every_page_offers_every_language_named_in_itself_with_lang_and_hreflang(client):
    html = client.get("/outcomes?x=1").text
    for language in SHIPPED.values():
        link = (
            f'<a href="/outcomes?x=1&amp;lang={language.code}" hreflang="{language.tag}" '
            f'lang="{language.tag}" dir="{language.direction}"'
        )
        assert link in html
        assert f">{language.name}</a>" in html


def test_a_language_chosen_in_the_switcher_is_remembered_in_a_cookie(client):
    response = client.get("/?lang=uk", headers={"Accept-Language": "ar"})
    assert opening(response.text) == '<html lang="uk" dir="ltr">'
    cookie = client.get_cookie(COOKIE)
    assert cookie.value == "uk" and cookie.http_only and cookie.same_site == "Lax"
    assert opening(client.get("/outcomes", headers={"Accept-Language": "ar"}).text) == (
        '<html lang="uk" dir="ltr">'
    )


def test_an_unknown_language_in_the_address_changes_nothing(client):
    response = client.get("/?lang=xx", headers={"Accept-Language": "fa"})
    assert response.status_code == 200
    assert opening(response.text) == '<html lang="fa" dir="rtl">'
    assert client.get_cookie(COOKIE) is None


def test_a_signed_in_persons_choice_is_kept_in_their_account(app, client, make, login):
    """Reading a page changes nothing on the server; the next thing they send keeps it."""
    person = login(make.user(Role.YOUNG_PERSON))
    client.get("/?lang=ps")
    session = app.extensions["sqlalchemy"].session
    assert session.get(User, person.id).language == "en"
    client.post("/notices/read-all", data={"csrf_token": csrf_token(client)})
    session.expire_all()
    assert session.get(User, person.id).language == "ps"
    # On another device, with no cookie, the account's language is the page's.
    client.delete_cookie(COOKIE)
    assert opening(client.get("/my-ideas").text) == '<html lang="ps" dir="rtl">'


def test_signing_in_keeps_the_language_chosen_on_the_device_in_the_account(
    app, client, make, login
):
    person = make.user(Role.YOUNG_PERSON)
    client.get("/sign-in?lang=ti")
    login(person)
    session = app.extensions["sqlalchemy"].session
    session.expire_all()
    assert session.get(User, person.id).language == "ti"


def test_joining_keeps_the_page_language_in_the_new_account(app, client):
    client.get("/join?lang=fa_AF")
    response = client.post(
        "/join",
        data={
            "csrf_token": csrf_token(client),
            "username": "kabul_reader",
            "password": "quiet river morning lamp",
            "confirm": "quiet river morning lamp",
            "age_band": "11-13",
        },
    )
    assert response.status_code == 303, response.text
    account = (
        app.extensions["sqlalchemy"]
        .session.execute(select(User).where(User.username == "kabul_reader"))
        .scalar_one()
    )
    assert account.language == "fa_AF"


# --- Join codes with a language -----------------------------------------------------------------


def arabic_code(app, make) -> JoinCode:
    service = make.library_service()
    staff = make.staff(service)
    code = JoinCode(
        code="ARAB2345",
        label="Refugee support project",
        library_service_id=service.id,
        created_by_id=staff.id,
        expires_at=utcnow() + timedelta(days=7),
        max_uses=30,
        language="ar",
    )
    app.extensions["sqlalchemy"].session.add(code)
    app.extensions["sqlalchemy"].session.commit()
    return code


def test_a_join_code_with_a_language_opens_its_join_page_in_it(app, client, make):
    arabic_code(app, make)
    html = client.get("/join/ARAB-2345", headers={"Accept-Language": "en"}).text
    assert opening(html) == '<html lang="ar" dir="rtl">'
    # The reader can still choose another, and their choice then stands.
    assert opening(client.get("/join/ARAB-2345?lang=en").text) == '<html lang="en" dir="ltr">'
    assert opening(client.get("/join/ARAB-2345").text) == '<html lang="en" dir="ltr">'


def test_staff_give_a_code_a_language_and_its_poster_speaks_it_and_english(
    app, client, make, login
):
    service = make.library_service()
    login(make.staff(service))
    form = client.get("/staff/join-codes/new").text
    assert '<option lang="ar" value="ar">العربية (Arabic)</option>' in form
    response = client.post(
        "/staff/join-codes/new",
        data={
            "csrf_token": csrf_token(client),
            "label": "Refugee project",
            "library_service": service.id,
            "expires_in": "7d",
            "max_uses": 20,
            "language": "ti",
        },
    )
    assert response.status_code == 303, response.text
    poster = client.get(response.headers["Location"]).text
    assert 'lang="en" dir="ltr">Share your ideas for your library</span>' in poster
    assert re.search(r'lang="ti" dir="ltr">[^<]*[\u1200-\u137f]', poster)


def test_a_code_with_a_language_not_offered_is_refused_and_nothing_made(app, client, make, login):
    service = make.library_service()
    login(make.staff(service))
    response = client.post(
        "/staff/join-codes/new",
        data={
            "csrf_token": csrf_token(client),
            "label": "Project",
            "library_service": service.id,
            "expires_in": "7d",
            "max_uses": 20,
            "language": "xx",
        },
    )
    assert response.status_code == 400
    assert "Choose one of the answers given for “Language of the join page”." in response.text
    assert app.extensions["sqlalchemy"].session.scalar(select(JoinCode.id)) is None


# --- What a person is told, in their language -----------------------------------------------


def test_a_notice_is_worded_in_the_readers_language_when_read(app, client, make, login):
    author = make.user(Role.YOUNG_PERSON)
    idea = make.idea(author=author, title="More comics")
    session = app.extensions["sqlalchemy"].session
    session.add(
        Notice(user=author, kind=NoticeKind.IDEA_ANSWERED, status=IdeaStatus.ACCEPTED, idea=idea)
    )
    session.commit()
    login(author)
    english = client.get("/notices").text
    client.get("/?lang=fa_AF")
    dari = client.get("/notices").text
    assert opening(dari) == '<html lang="fa-AF" dir="rtl">'
    assert "More comics" in dari
    # The notice's words differ from the English ones, and are in Arabic script.
    notice = re.search(r'<p class="notice-words".*?</p>', dari, re.S)
    english_notice = re.search(r'<p class="notice-words".*?</p>', english, re.S)
    assert notice and english_notice
    assert notice.group(0) != english_notice.group(0)
    assert re.search(r"[\u0600-\u06ff]{3,}", notice.group(0))


def test_error_pages_and_refusals_are_in_the_readers_language(client):
    response = client.get("/ideas/987654", headers={"Accept-Language": "uk"})
    assert response.status_code == 404
    assert opening(response.text) == '<html lang="uk" dir="ltr">'
    assert re.search(r"[\u0400-\u04ff]{4,}", response.text)
    refused = client.post("/sign-in", data={}, headers={"Accept-Language": "ar"})
    assert refused.status_code == 400
    assert re.search(r"[\u0600-\u06ff]{4,}", refused.text)


def test_dates_use_the_languages_month_names_and_latin_digits(app):
    from datetime import datetime

    from app.dates import day_and_month
    from app.i18n import in_language

    when = datetime(2027, 1, 6, 12, 0)
    with app.test_request_context():
        for code, month in [("ar", "يناير"), ("fa", "ژانویه"), ("uk", "січня"), ("ti", "ጥሪ")]:
            with in_language(code):
                words = day_and_month(when, datetime(2027, 1, 1))
            assert month in words and "6" in words, code
            assert not re.search(r"[\u0660-\u0669\u06f0-\u06f9]", words), code


# --- "This translation is new": readers' suggestions -------------------------------------------


def test_a_page_in_a_new_translation_asks_readers_to_tell_us_and_english_does_not(client):
    assert "/wording/suggest" not in client.get("/?lang=en").text
    html = client.get("/outcomes?lang=ar").text
    assert 'href="/wording/suggest?page=/outcomes?lang%3Dar"' in html


def test_a_reader_suggests_better_wording_and_nothing_about_them_is_kept(app, client):
    client.get("/?lang=ckb")
    response = client.post(
        "/wording/suggest",
        data={
            "csrf_token": csrf_token(client),
            "page": "/consultations/1",
            "words": "دەنگ بدە",
            "better": "<b>دەنگ بدە بۆ ئەم بیرۆکەیە</b>",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/consultations/1"
    stored = app.extensions["sqlalchemy"].session.execute(select(WordingSuggestion)).scalar_one()
    assert (stored.language, stored.page, stored.status) == (
        "ckb",
        "/consultations/1",
        SuggestionStatus.NEW,
    )
    assert not hasattr(stored, "user_id")


@pytest.mark.parametrize(
    "data, error",
    [
        ({"words": "", "better": "x"}, "Please say which words read wrong."),
        ({"words": "x", "better": ""}, "Please write how you would say it."),
        ({"words": "x" * 1001, "better": "x"}, "1000"),
    ],
)
def test_a_suggestion_without_what_it_needs_is_refused_and_nothing_kept(app, client, data, error):
    response = client.post(
        "/wording/suggest", data={"csrf_token": csrf_token(client), "page": "/", **data}
    )
    assert response.status_code == 400
    assert error in response.text
    assert app.extensions["sqlalchemy"].session.scalar(select(WordingSuggestion.id)) is None


def test_a_suggestion_about_another_site_goes_back_home(app, client):
    response = client.post(
        "/wording/suggest",
        data={
            "csrf_token": csrf_token(client),
            "page": "https://evil.example/",
            "words": "a",
            "better": "b",
        },
    )
    assert response.headers["Location"] == "/"


def suggestion(app, **values) -> WordingSuggestion:
    row = WordingSuggestion(
        language=values.get("language", "ar"),
        page="/",
        words=values.get("words", "كلمات"),
        better=values.get("better", '=HYPERLINK("https://evil.example")'),
    )
    app.extensions["sqlalchemy"].session.add(row)
    app.extensions["sqlalchemy"].session.commit()
    return row


def test_admins_read_accept_and_export_suggestions_each_audited(app, client, make, login):
    first = suggestion(app)
    second = suggestion(app, words="<script>x</script>")
    login(make.user(Role.ADMIN))
    queue = client.get("/admin/wording").text
    assert "كلمات" in queue and "<script>x</script>" not in queue
    token = csrf_token(client)
    assert (
        client.post(f"/admin/wording/{first.id}/accept", data={"csrf_token": token}).status_code
        == 303
    )
    assert (
        client.post(f"/admin/wording/{second.id}/dismiss", data={"csrf_token": token}).status_code
        == 303
    )
    exported = client.post("/admin/wording/accepted.csv", data={"csrf_token": token})
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0][:4] == ["language", "page", "words", "better"]
    assert [row[:4] for row in rows[1:]] == [
        ["ar", "/", "كلمات", '\'=HYPERLINK("https://evil.example")']
    ]
    actions = app.extensions["sqlalchemy"].session.scalars(select(AuditEntry.action)).all()
    assert {"wording_accepted", "wording_dismissed", "wording_exported"} <= set(actions)


@pytest.mark.parametrize("role", [None, Role.YOUNG_PERSON, Role.STAFF, Role.QLP_REVIEWER])
def test_only_admins_read_or_decide_suggestions(app, client, make, login, role):
    row = suggestion(app)
    if role:
        login(make.user(role))
    assert client.get("/admin/wording").status_code in (302, 403)
    token = csrf_token(client)
    assert client.post("/admin/wording/accepted.csv", data={"csrf_token": token}).status_code in (
        302,
        303,
        403,
    )
    client.post(f"/admin/wording/{row.id}/accept", data={"csrf_token": token})
    app.extensions["sqlalchemy"].session.refresh(row)
    assert row.status == SuggestionStatus.NEW


def test_staff_read_an_outcome_in_plain_words_translated_and_the_sources_english_quoted(
    app, client, make, login
):
    from app.models import Outcome

    outcome = (
        app.extensions["sqlalchemy"]
        .session.execute(select(Outcome).where(Outcome.code == "qlp.aim.c"))
        .scalar_one()
    )
    login(make.user(Role.QLP_REVIEWER))
    html = client.get("/review/outcomes/qlp.aim.c?lang=ar").text
    from markupsafe import escape

    assert f'<blockquote class="outcome-wording" lang="en" dir="ltr">{escape(outcome.wording)}' in (
        html
    )
    plain = re.search(r"<p>([^<]*)</p>\s*<blockquote", html).group(1)
    assert re.search(r"[\u0600-\u06ff]{3,}", plain)


def test_text_fields_take_the_direction_of_what_is_typed(client):
    """A name typed in Arabic reads right to left in the field, one in Latin letters left to
    right, whatever the page's own direction."""
    html = client.get("/join?lang=ar").text
    assert re.search(r'<input[^>]*dir="auto"[^>]*name="username"', html)
    suggest = client.get("/wording/suggest?page=/&lang=ti").text
    assert re.search(r'<textarea[^>]*dir="auto"[^>]*name="words"', suggest)
