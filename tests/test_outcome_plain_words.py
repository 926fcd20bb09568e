"""Outcomes in plain words for young people; the full wording and codes for staff and QLP."""

import re

import textstat
from sqlalchemy import select

from app.extensions import db
from app.models import Outcome
from app.moderation.services import link_outcome
from app.outcome_frameworks import FRAMEWORKS
from app.outcome_plain_words import PLAIN_WORDS, plain_words

CODES = [o["code"] for f in FRAMEWORKS for g in f["groups"] for o in g["outcomes"]]
WORDING = {o["code"]: o["wording"] for f in FRAMEWORKS for g in f["groups"] for o in g["outcomes"]}
WORDS_MAX = 12


def test_every_outcome_in_the_frameworks_has_a_plain_line_and_no_other_code_does(app):
    """Each of the 52 outcomes has its own line; nothing is listed for a code that is not one."""
    assert len(CODES) == 52
    assert sorted(PLAIN_WORDS) == sorted(CODES)
    for code in CODES:
        assert str(PLAIN_WORDS[code]).strip(), code
        assert str(PLAIN_WORDS[code]) != WORDING[code], code


def test_plain_lines_are_short_sentences_without_codes(app):
    """At most 12 words, one sentence, no code or slash-joined policy terms."""
    for code, line in PLAIN_WORDS.items():
        text = str(line)
        assert len(text.split()) <= WORDS_MAX, (code, text)
        assert text[0].isupper() and text.endswith("."), (code, text)
        assert text.count(".") == 1, (code, text)
        assert not re.search(r"\b(promise|qlp)\.|/|–|NEET|STEM", text), (code, text)


def test_plain_lines_read_easily_where_the_source_wording_does_not(app):
    """Flesch reading ease: the lines together read easily, the source wording does not."""
    lines = " ".join(str(line) for line in PLAIN_WORDS.values())
    source = " ".join(wording.rstrip(".?") + "." for wording in WORDING.values())
    assert textstat.flesch_reading_ease(lines) >= 80
    assert textstat.flesch_reading_ease(source) < 40
    hardest = min(textstat.flesch_reading_ease(str(line)) for line in PLAIN_WORDS.values())
    assert hardest >= 50


def test_plain_words_of_an_outcome_is_its_line(app):
    """The helper gives the outcome's line, as a plain string."""
    outcome = db.session.execute(
        select(Outcome).where(Outcome.code == "promise.vision.5")
    ).scalar_one()
    assert plain_words(outcome) == "Young people have a say in the library and can help out."


def linked_idea(make):
    """A published idea staff linked to the Promise's fifth vision statement."""
    idea = make.idea(title="A youth panel")
    staff = make.staff(idea.consultation.library_service)
    link_outcome(idea, "promise.vision.5", staff, "Young people choose the books.")
    return idea, staff


def test_the_idea_page_shows_each_outcome_in_plain_words_without_code(client, make, login):
    """Young people read the plain line and why; not the policy wording or its code."""
    idea, _staff = linked_idea(make)
    for who in (None, make.user()):
        if who:
            login(who)
        html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
        assert "Young people have a say in the library and can help out." in html
        assert "Young people choose the books." in html
        assert "promise.vision.5" not in html
        assert "actively involved in decisions about service developments" not in html


def test_staff_pages_keep_the_full_wording_and_code(client, make, login):
    """Where staff link outcomes, the source wording and the code stay."""
    idea, staff = linked_idea(make)
    login(staff)
    html = client.get(f"/staff/ideas/{idea.id}").get_data(as_text=True)
    assert "promise.vision.5" in html
    assert "actively involved in decisions about service developments" in html


def test_outcomes_page_is_in_plain_words_with_the_full_wording_a_link_away(client):
    """Young people's /outcomes: every plain line, no codes or source wording; then the full."""
    html = client.get("/outcomes").get_data(as_text=True)
    for code in CODES:
        assert f'<li id="{code}">{str(PLAIN_WORDS[code])}</li>'.replace("'", "&#39;") in html
        assert f'class="code">{code}' not in html
    assert WORDING["qlp.outcome.e"] not in html
    assert 'href="/outcomes?wording=full">Read the full wording</a>' in html
    full = client.get("/outcomes?wording=full").get_data(as_text=True)
    assert WORDING["qlp.outcome.e"] in full
    assert 'class="code">qlp.outcome.e' in full
    assert 'href="/outcomes?wording=plain">Show plain words only</a>' in full


def test_staff_and_qlp_teams_see_the_full_wording_on_the_outcomes_page(client, make, login):
    """Staff open /outcomes on the source wording and codes, with the plain line beside each."""
    from app.models import Role

    login(make.user(Role.QLP_REVIEWER))
    html = client.get("/outcomes").get_data(as_text=True)
    assert WORDING["qlp.aim.c"] in html
    assert 'class="code">qlp.aim.c' in html
    assert str(PLAIN_WORDS["qlp.aim.c"]) in html
