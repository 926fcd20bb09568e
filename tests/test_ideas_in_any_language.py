"""Ideas in any language: the author confirms the language, pages mark it, staff translate it
and answer in the young person's language."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Idea, IdeaStatus, Phase
from tests.conftest import csrf_token
from tests.test_languages import EVERY_LANGUAGE, SENTENCES

ARABIC_TITLE = "نادي الشطرنج بعد المدرسة"
ARABIC_DESCRIPTION = "نريد أن نلعب الشطرنج في المكتبة كل يوم جمعة بعد المدرسة مع أصدقائنا."


@pytest.fixture
def app_settings() -> dict:
    """A deployment offering all eight languages."""
    return {"LANGUAGES": EVERY_LANGUAGE}


@pytest.fixture
def author(make, login):
    """A young person signed in, reading the pages in English."""
    return login(make.user())


@pytest.fixture
def open_for_ideas(make):
    return make.consultation(Phase.PROPOSALS_OPEN)


def propose(client, consultation, **data):
    """Send the propose form as a browser does."""
    form = {"csrf_token": csrf_token(client), "title": ARABIC_TITLE}
    form |= {"description": ARABIC_DESCRIPTION, "language": "en", "language_suggested": "en"}
    return client.post(f"/consultations/{consultation.id}/propose", data={**form, **data})


def selected_language(html: str) -> str:
    """The value of the option chosen in the language select."""
    select = re.search(r'<select [^>]*id="language"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.search(r'<option [^>]*selected[^>]*value="([^"]+)"', select).group(1)


def ideas_stored() -> int:
    return db.session.execute(select(func.count()).select_from(Idea)).scalar_one()


def test_the_propose_form_offers_each_language_named_in_itself(client, author, open_for_ideas):
    html = client.get(f"/consultations/{open_for_ideas.id}/propose").get_data(as_text=True)
    assert '<label for="language">Language of your idea</label>' in html
    assert '<option lang="ar" value="ar">العربية</option>' in html
    assert '<option lang="fa-AF" value="fa_AF">دری</option>' in html
    assert '<option lang="ti" value="ti">ትግርኛ</option>' in html
    assert '<option lang="uk" value="uk">Українська</option>' in html
    assert selected_language(html) == "en"
    assert (
        '<input id="language_suggested" name="language_suggested" type="hidden" value="en">' in html
    )


def test_an_empty_form_starts_with_the_page_language(app, client, make, login, open_for_ideas):
    reader = make.user()
    reader.language = "fa_AF"
    db.session.commit()
    login(reader)
    with app.app_context():  # its own `g`, so the page language is worked out afresh
        html = client.get(f"/consultations/{open_for_ideas.id}/propose").get_data(as_text=True)
    assert selected_language(html) == "fa_AF"


def test_the_language_the_author_chooses_is_saved(client, author, open_for_ideas):
    response = propose(client, open_for_ideas, title="Chess club", language="uk")
    assert response.status_code == 303
    idea = db.session.execute(select(Idea)).scalars().one()
    assert idea.language == "uk"


def test_a_language_left_as_the_page_chose_it_is_guessed_from_the_words(
    client, author, open_for_ideas
):
    """Without JavaScript nothing guessed as the title was typed: the words sent decide."""
    assert propose(client, open_for_ideas).status_code == 303
    assert db.session.execute(select(Idea.language)).scalar_one() == "ar"


def test_a_language_the_author_changed_to_is_kept_whatever_the_words(
    client, author, open_for_ideas
):
    response = propose(client, open_for_ideas, language="en", language_suggested="ar")
    assert response.status_code == 303
    assert db.session.execute(select(Idea.language)).scalar_one() == "en"


@pytest.mark.parametrize("language", ["xx", "", "de", "en<script>", "fa-AF"])
def test_a_language_not_offered_is_refused_with_a_message_and_nothing_saved(
    client, author, open_for_ideas, language
):
    response = propose(client, open_for_ideas, language=language, language_suggested="en")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose the language of your idea from the list." in html
    assert ideas_stored() == 0


def test_a_form_sent_back_offers_the_language_its_words_are_in(client, author, open_for_ideas):
    response = propose(client, open_for_ideas, description="")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert selected_language(html) == "ar"
    assert 'name="language_suggested" type="hidden" value="ar"' in html


def test_a_form_sent_back_keeps_the_language_the_author_chose(client, author, open_for_ideas):
    response = propose(client, open_for_ideas, description="", language="ps")
    assert selected_language(response.get_data(as_text=True)) == "ps"


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_the_similar_ideas_answer_names_the_language_the_words_seem_to_be_in(
    app, client, make, login, open_for_ideas, language
):
    reader = make.user()
    reader.language = "fa_AF" if language == "fa_AF" else "en"
    db.session.commit()
    login(reader)
    with app.app_context():  # its own `g`, so the page language is worked out afresh
        response = client.get(
            f"/consultations/{open_for_ideas.id}/similar",
            query_string={"title": "", "description": SENTENCES[language]},
            headers={"HX-Request": "true"},
        )
    html = response.get_data(as_text=True)
    guess = f'<div id="language-guess" hidden hx-swap-oob="true" data-language="{language}">'
    assert guess in html


def test_the_propose_page_asks_for_the_language_guess_with_the_description(
    client, author, open_for_ideas
):
    html = client.get(f"/consultations/{open_for_ideas.id}/propose").get_data(as_text=True)
    assert 'hx-include="#title, #description"' in html
    assert '<div id="language-guess" hidden></div>' in html


def test_the_author_changes_the_language_of_an_idea_staff_asked_about(client, make, login):
    author = make.user()
    idea = make.idea(author=author, title="Chess club", published=False)
    idea.status = IdeaStatus.CHANGES_REQUESTED
    db.session.commit()
    login(author)
    page = client.get(f"/ideas/{idea.id}/edit").get_data(as_text=True)
    assert selected_language(page) == "en"
    data = {"csrf_token": csrf_token(client), "title": "Chess club", "description": "Chess."}
    refused = client.post(f"/ideas/{idea.id}/edit", data={**data, "language": "klingon"})
    assert refused.status_code == 400
    assert "Choose the language of your idea from the list." in refused.get_data(as_text=True)
    assert client.post(f"/ideas/{idea.id}/edit", data={**data, "language": "uk"}).status_code == 303
    db.session.refresh(idea)
    assert (idea.language, idea.status) == ("uk", IdeaStatus.PENDING)
