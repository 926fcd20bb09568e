"""Ideas in any language: the author confirms the language, pages mark it, staff translate it
and answer in the young person's language."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ideas.services import approve_idea
from app.models import Idea, IdeaStatus, Phase, ReportReason
from app.moderation import merging
from app.reports import services as reports
from app.rules import RuleError
from tests.conftest import csrf_token
from tests.test_idea_languages import EVERY_LANGUAGE, SENTENCES

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


# --- Shown with its language, and in staff's translation ----------------------------------------


@pytest.fixture
def arabic_idea(make):
    """A published idea written in Arabic by a young person who reads the pages in Arabic."""
    author = make.user()
    author.language = "ar"
    idea = make.idea(author=author, title=ARABIC_TITLE)
    idea.description, idea.language = ARABIC_DESCRIPTION, "ar"
    db.session.commit()
    return idea


def translate(client, idea, title="Chess club after school", description="We want to play."):
    data = {"csrf_token": csrf_token(client), "translation-title": title}
    data["translation-description"] = description
    return client.post(f"/staff/ideas/{idea.id}/translation", data=data)


def switch(client, login, user):
    """Sign out whoever is signed in, and sign `user` in."""
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    return login(user)


def page_for(app, client, url: str) -> str:
    """A page in an application context of its own, so its language is worked out afresh."""
    with app.app_context():
        return client.get(url).get_data(as_text=True)


def test_an_idea_is_shown_with_its_language_on_its_page_and_in_lists(app, client, arabic_idea):
    idea_page = page_for(app, client, f"/ideas/{arabic_idea.id}")
    assert f'<h1 lang="ar" dir="auto" hx-disable>{ARABIC_TITLE}</h1>' in idea_page
    assert f'lang="ar" dir="auto" hx-disable>{ARABIC_DESCRIPTION}</div>' in idea_page
    listing = page_for(app, client, f"/consultations/{arabic_idea.consultation_id}")
    assert f'lang="ar" dir="auto" hx-disable>{ARABIC_TITLE}</a>' in listing


def test_staff_translate_an_idea_and_it_is_kept_with_who_and_when(client, make, login, arabic_idea):
    staff = login(make.staff(arabic_idea.consultation.library_service))
    response = translate(client, arabic_idea)
    assert response.status_code == 303
    db.session.refresh(arabic_idea)
    assert arabic_idea.translated_title == "Chess club after school"
    assert arabic_idea.translated_description == "We want to play."
    assert arabic_idea.translated_by_id == staff.id and arabic_idea.translated_at is not None
    assert translate(client, arabic_idea, title="Chess after school").status_code == 303
    db.session.refresh(arabic_idea)
    assert arabic_idea.translated_title == "Chess after school"


def test_a_translation_without_a_title_is_refused_and_nothing_saved(
    client, make, login, arabic_idea
):
    login(make.staff(arabic_idea.consultation.library_service))
    response = translate(client, arabic_idea, title="  ")
    assert response.status_code == 400
    assert "Enter the title in English." in response.get_data(as_text=True)
    db.session.refresh(arabic_idea)
    assert arabic_idea.translated_title is None


def test_an_idea_in_english_needs_no_translation(client, make, login):
    idea = make.idea(title="Chess club")
    login(make.staff(idea.consultation.library_service))
    response = translate(client, idea)
    assert response.status_code == 400
    assert "This idea is written in English, so it needs no translation." in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize("who", ["other staff", "young person"])
def test_only_staff_of_the_ideas_library_service_translate_it(
    client, make, login, arabic_idea, who
):
    login(make.staff(make.library_service()) if who == "other staff" else make.user())
    assert translate(client, arabic_idea).status_code == 403
    db.session.refresh(arabic_idea)
    assert arabic_idea.translated_title is None


def test_readers_of_another_language_see_the_translation_with_the_original_a_tap_away(
    app, client, make, login, arabic_idea
):
    login(make.staff(arabic_idea.consultation.library_service))
    translate(client, arabic_idea)
    switch(client, login, make.user())  # reads the pages in English
    html = page_for(app, client, f"/ideas/{arabic_idea.id}")
    assert '<h1 lang="en" dir="auto" hx-disable>Chess club after school</h1>' in html
    assert "Translated by library staff" in html
    original = html[html.index('<details class="original">') :]
    original = original[: original.index("</details>")]
    assert "<summary>Show the original</summary>" in original
    assert f'<p class="original-title" lang="ar" dir="auto">{ARABIC_TITLE}</p>' in original
    assert f'<div class="idea-text" lang="ar" dir="auto">{ARABIC_DESCRIPTION}</div>' in original
    assert ARABIC_TITLE in original and ARABIC_DESCRIPTION in original
    listing = page_for(app, client, f"/consultations/{arabic_idea.consultation_id}")
    assert 'lang="en" dir="auto" hx-disable>Chess club after school</a>' in listing
    assert "Show the original" in listing


@pytest.mark.parametrize("reader", ["author", "reader of Arabic"])
def test_the_author_and_readers_of_its_language_see_the_original(
    app, client, make, login, arabic_idea, reader
):
    login(make.staff(arabic_idea.consultation.library_service))
    translate(client, arabic_idea)
    if reader == "author":
        arabic_idea.author.language = "en"
        db.session.commit()
        switch(client, login, arabic_idea.author)
    else:
        person = make.user()
        person.language = "ar"
        db.session.commit()
        switch(client, login, person)
    html = page_for(app, client, f"/ideas/{arabic_idea.id}")
    assert f'<h1 lang="ar" dir="auto" hx-disable>{ARABIC_TITLE}</h1>' in html
    assert "Chess club after school" not in html
    assert "Translated by library staff" not in html


def test_the_queue_card_names_the_language_and_whether_it_is_translated(app, client, make, login):
    author = make.user()
    idea = make.idea(author=author, title=ARABIC_TITLE, published=False)
    idea.language = "ar"
    db.session.commit()
    login(make.staff(idea.consultation.library_service))
    queue = page_for(app, client, "/staff/")
    assert 'Written in <bdi lang="ar">العربية</bdi> (Arabic) · No English translation yet' in queue
    translate(client, idea)
    queue = page_for(app, client, "/staff/")
    assert 'Written in <bdi lang="ar">العربية</bdi> (Arabic) · Translated into English' in queue


# --- Staff answer in the young person's language ------------------------------------------------


@pytest.fixture
def dari_reader_idea(make):
    """An idea waiting for staff, by a young person who reads the pages in Dari."""
    author = make.user(username="Samira")
    author.language = "fa_AF"
    idea = make.idea(author=author, title="کورس کمپیوتر", published=False)
    idea.language = "fa_AF"
    db.session.commit()
    return idea


def decide(client, idea, **data):
    form = {"csrf_token": csrf_token(client), "decision-decision": "changes_requested"}
    form |= {"decision-message": "لطفاً بیشتر بنویسید.", "decision-message_language": "fa_AF"}
    return client.post(f"/staff/ideas/{idea.id}/decision", data={**form, **data})


def test_the_message_language_starts_as_the_authors_and_says_what_they_read(
    app, client, make, login, dari_reader_idea
):
    login(make.staff(dari_reader_idea.consultation.library_service))
    html = page_for(app, client, f"/staff/ideas/{dari_reader_idea.id}")
    assert '<label for="decision-message_language">Language of your message</label>' in html
    chosen = re.search(
        r'<select [^>]*id="decision-message_language"[^>]*>(.*?)</select>', html, re.S
    ).group(1)
    assert re.search(r'<option [^>]*selected[^>]*value="fa_AF"', chosen)
    assert "<bdi hx-disable>Samira</bdi> reads دری (Dari)." in html
    queue = page_for(app, client, "/staff/")
    assert "<bdi hx-disable>Samira</bdi> reads دری (Dari)." in queue


def test_the_message_is_saved_and_shown_in_the_language_staff_chose(
    app, client, make, login, dari_reader_idea
):
    login(make.staff(dari_reader_idea.consultation.library_service))
    assert decide(client, dari_reader_idea).status_code == 303
    db.session.refresh(dari_reader_idea)
    step = dari_reader_idea.history[-1]
    assert (step.message_language, step.to_status) == ("fa_AF", IdeaStatus.CHANGES_REQUESTED)
    switch(client, login, dari_reader_idea.author)
    html = page_for(app, client, f"/ideas/{dari_reader_idea.id}")
    assert '<bdi lang="fa-AF" dir="auto">لطفاً بیشتر بنویسید.</bdi>' in html


def test_a_message_language_not_offered_is_refused_and_nothing_decided(
    client, make, login, dari_reader_idea
):
    login(make.staff(dari_reader_idea.consultation.library_service))
    response = decide(client, dari_reader_idea, **{"decision-message_language": "xx"})
    assert response.status_code == 400
    assert "Choose the language of your message from the list." in response.get_data(as_text=True)
    db.session.refresh(dari_reader_idea)
    assert dari_reader_idea.status == IdeaStatus.PENDING


@pytest.fixture
def same_two(make):
    """Two ideas saying the same thing in one consultation, and staff of its library service."""
    consultation = make.consultation(Phase.VOTING_OPEN)
    duplicate = make.idea(consultation, author=make.user(), title="Games night")
    kept = make.idea(consultation, author=make.user(), title="A games evening")
    return duplicate, kept, make.staff(consultation.library_service)


def test_a_merge_message_keeps_its_language(same_two):
    duplicate, kept, staff = same_two
    merging.merge_ideas(duplicate, kept, staff, "Ваша ідея приєдналася до схожої.", "uk")
    assert duplicate.history[-1].message_language == "uk"


def test_the_merge_message_written_for_staff_is_in_the_page_language(same_two):
    duplicate, kept, staff = same_two
    merging.merge_ideas(duplicate, kept, staff, "", "ar")
    assert duplicate.history[-1].message_language == "en"


def test_a_merge_message_language_not_offered_is_refused_and_nothing_merged(same_two):
    duplicate, kept, staff = same_two
    with pytest.raises(RuleError):
        merging.merge_ideas(duplicate, kept, staff, "Joined.", "xx")
    db.session.refresh(duplicate)
    assert duplicate.status == IdeaStatus.PUBLISHED


def test_the_merge_page_offers_the_language_the_duplicates_author_reads(
    app, client, login, same_two
):
    duplicate, kept, staff = same_two
    duplicate.author.language = "ps"
    db.session.commit()
    login(staff)
    html = page_for(app, client, f"/staff/ideas/{duplicate.id}/merge?into={kept.id}")
    chosen = re.search(r'<select [^>]*id="message_language"[^>]*>(.*?)</select>', html, re.S)
    assert re.search(r'<option [^>]*selected[^>]*value="ps"', chosen.group(1))


@pytest.mark.parametrize("decide_with", [reports.hide_idea, reports.keep_idea])
def test_staff_answer_reports_in_the_language_they_choose(make, decide_with):
    idea = make.idea(title="Chess club")
    for _ in range(idea.consultation.library_service.reports_to_hide):  # reports hide it
        reports.report_idea(make.user(), idea, ReportReason.UNKIND, "")
    staff = make.staff(idea.consultation.library_service)
    decide_with(idea, staff, "Дякуємо, ми перевірили.", "uk")
    assert idea.history[-1].message_language == "uk"
    assert idea.history[-1].actor_id == staff.id


def test_the_reports_decision_offers_the_language_the_author_reads(app, client, make, login):
    author = make.user()
    author.language = "ti"
    db.session.commit()
    idea = make.idea(author=author, title="Chess club")
    reports.report_idea(make.user(), idea, ReportReason.UNKIND, "")
    login(make.staff(idea.consultation.library_service))
    html = page_for(app, client, "/staff/reports")
    chosen = re.search(
        rf'<select [^>]*id="r{idea.id}-message_language"[^>]*>(.*?)</select>', html, re.S
    )
    assert re.search(r'<option [^>]*selected[^>]*value="ti"', chosen.group(1))


def test_a_notice_quotes_the_ideas_title_in_its_language(app, client, make, login):
    author = make.user()
    idea = make.idea(author=author, title=ARABIC_TITLE, published=False)
    idea.language = "ar"
    db.session.commit()
    approve_idea(idea, make.staff(idea.consultation.library_service))
    login(author)
    html = page_for(app, client, "/notices")
    assert f'“<bdi lang="ar" dir="auto">{ARABIC_TITLE}</bdi>”' in html
