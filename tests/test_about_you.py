"""The optional "about you" questions: who is asked, a person's own answers, and the totals."""

import json
import re
from datetime import UTC, date, datetime

import pytest
from flask import render_template
from sqlalchemy import func, select

from app.account import about_you
from app.account.forms import ABOUT_YOU_QUESTIONS
from app.account.services import delete_own_account
from app.evidence.coverage import Scope
from app.evidence.equality import about_you_totals
from app.extensions import db
from app.joincodes.services import create_join_code
from app.models import (
    AboutYouAnswer,
    AboutYouQuestion,
    AboutYouResponse,
    AuditEntry,
    Idea,
    LibraryService,
    Phase,
    Role,
    User,
    Vote,
    utcnow,
)
from tests.conftest import PASSWORD, csrf_token
from tests.test_reading_ease import READING_EASE_MIN, main_text, reading_ease

PASSPHRASE = "otter rocket plum daisy"
QUESTIONS = [question.value for question in AboutYouQuestion]
Q = AboutYouQuestion
A = AboutYouAnswer


def post(client, path: str, **data):
    """Post a form with its CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token(client), **data})


def asking(make, name: str | None = None) -> LibraryService:
    """A library service that has the questions switched on."""
    service = make.library_service(name)
    service.asks_about_you = True
    db.session.commit()
    return service


def join(client, make, service: LibraryService, age_band: str = "14-16", name: str = "otter_kid"):
    """Join through a code of `service`; the response to the join form."""
    code = create_join_code(make.staff(service), label="Year 9", library_service_id=service.id)
    return post(
        client,
        f"/join/{code.code}",
        username=name,
        password=PASSPHRASE,
        confirm=PASSPHRASE,
        age_band=age_band,
    )


def chosen_on(html: str) -> dict[str, str]:
    """The radio buttons a page has chosen, by name."""
    inputs = re.findall(r"<input[^>]*>", html)
    return {
        re.search(r'name="([^"]+)"', i).group(1): re.search(r'value="([^"]+)"', i).group(1)
        for i in inputs
        if 'type="radio"' in i and re.search(r"\bchecked\b", i)
    }


def answers_stored() -> int:
    """How many answers are stored, for anyone."""
    return db.session.scalar(select(func.count(AboutYouResponse.id)))


def account(name: str) -> User:
    """An account by name, read afresh."""
    db.session.expire_all()
    return db.session.execute(select(User).where(User.username == name)).scalar_one()


def idea_in(make, service: LibraryService) -> Idea:
    """A published idea in a consultation of `service`, open for votes."""
    return make.idea(make.consultation(Phase.VOTING_OPEN, library_service=service))


def voted_for(idea: Idea, person: User, when: datetime | None = None) -> None:
    """`person` votes for `idea`, at `when` (straight into the database)."""
    db.session.add(Vote(user_id=person.id, idea_id=idea.id, created_at=when or utcnow()))
    db.session.commit()


def answer(person: User, **answers: str) -> None:
    """Save `person`'s answers (any question not given: prefer not to say)."""
    about_you.save_answers(
        person, {q: A(answers.get(q.value, A.PREFER_NOT_TO_SAY)) for q in AboutYouQuestion}
    )


# --- Who is asked ----------------------------------------------------------------------------


def test_library_services_do_not_ask_until_switched_on(client, make):
    """Off by default: joining with a code goes straight on, and My account has no page."""
    service = make.library_service()
    assert service.asks_about_you is False
    response = join(client, make, service)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "About you" not in client.get("/account").get_data(as_text=True)
    assert client.get("/account/about-you").status_code == 404
    assert post(client, "/account/about-you", new_to_uk="yes").status_code == 404
    assert answers_stored() == 0


@pytest.mark.parametrize(
    ("age_band", "asked"),
    [("8-10", False), ("11-13", False), ("14-16", True), ("17-19", True), ("20-25", True)],
)
def test_only_people_aged_13_and_over_are_asked_after_joining(client, make, age_band, asked):
    """The 11-13 band holds 12-year-olds, so only the bands from 14 up are asked."""
    response = join(client, make, asking(make), age_band=age_band)
    location = response.headers["Location"]
    if asked:
        assert location == "/account/about-you/ask?next=/"
    else:
        assert location == "/"
        # Nor can they reach the questions another way.
        assert client.get("/account/about-you/ask").headers["Location"] == "/"
        assert client.get("/account/about-you").status_code == 404
        post(client, "/account/about-you/ask", new_to_uk="yes")
        post(client, "/account/about-you/skip")
        assert answers_stored() == 0 and account("otter_kid").about_you_asked_at is None


def test_the_questions_start_on_prefer_not_to_say_and_skipping_is_the_big_button(client, make):
    """Every question a radio group with "Prefer not to say" chosen; the purpose said once."""
    join(client, make, asking(make))
    html = client.get("/account/about-you/ask?next=/").get_data(as_text=True)
    assert "About you (you can skip this)" in html
    assert "nobody sees your answers, only totals" in html
    assert len(re.findall(r'<input[^>]*type="radio"', html)) == 15
    assert chosen_on(html) == dict.fromkeys(QUESTIONS, "prefer_not_to_say")
    # The skip button comes first, and is the big one.
    assert html.index("button-skip") < html.index('name="new_to_uk"')
    assert 'value="Skip this"' in html


def test_skipping_records_nothing_but_that_the_person_was_asked(client, make):
    """No answer is stored; the person is not asked again, but may answer from My account."""
    join(client, make, asking(make))
    response = post(client, "/account/about-you/skip?next=/consultations/1")
    assert response.status_code == 303 and response.headers["Location"] == "/consultations/1"
    assert answers_stored() == 0
    assert account("otter_kid").about_you_asked_at is not None
    assert client.get("/account/about-you/ask?next=/").headers["Location"] == "/"
    assert "/account/about-you" in client.get("/account").get_data(as_text=True)


def test_answering_once_after_joining_keeps_every_answer(client, make):
    """Saved answers, prefer-not-to-say ones too; then on to where joining was going."""
    join(client, make, asking(make))
    chosen = dict.fromkeys(QUESTIONS, "prefer_not_to_say") | {"new_to_uk": "yes", "rural": "no"}
    response = post(client, "/account/about-you/ask?next=/", **chosen)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    person = account("otter_kid")
    assert about_you.answers_of(person) == {Q(q): A(a) for q, a in chosen.items()}
    assert person.about_you_asked_at is not None
    assert client.get("/account/about-you/ask?next=/").status_code == 303


def test_an_answer_that_is_not_a_choice_is_refused(client, make):
    """Only yes, no or prefer not to say."""
    join(client, make, asking(make))
    response = post(client, "/account/about-you/ask", **dict.fromkeys(QUESTIONS, "maybe"))
    assert response.status_code == 400 and answers_stored() == 0


def test_taking_part_in_a_service_that_asks_offers_the_page_in_my_account(client, make, login):
    """Not only by joining: voting in a consultation of a service that asks does too."""
    taken_part, elsewhere = make.user(), make.user()
    voted_for(idea_in(make, asking(make)), taken_part)
    voted_for(idea_in(make, make.library_service()), elsewhere)
    assert about_you.may_be_asked(taken_part) and not about_you.may_be_asked(elsewhere)
    login(elsewhere)
    assert "/account/about-you" not in client.get("/account").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    login(taken_part)
    assert "/account/about-you" in client.get("/account").get_data(as_text=True)
    assert client.get("/account/about-you").status_code == 200


def test_staff_are_never_asked(make):
    """Staff of a service that asks are not young people."""
    service = asking(make)
    assert not about_you.may_be_asked(make.staff(service))


# --- Changing and removing -----------------------------------------------------------------


def test_answers_can_be_changed_and_removed_from_my_account(client, make):
    """The page shows my answers; a change replaces them; removing leaves none, and I am not
    asked again."""
    join(client, make, asking(make))
    post(client, "/account/about-you/ask", **dict.fromkeys(QUESTIONS, "yes"))
    html = client.get("/account/about-you").get_data(as_text=True)
    assert chosen_on(html) == dict.fromkeys(QUESTIONS, "yes")
    response = post(
        client, "/account/about-you", **dict.fromkeys(QUESTIONS, "no") | {"disability": "yes"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    person = account("otter_kid")
    assert about_you.answers_of(person)[Q.DISABILITY] == A.YES
    assert about_you.answers_of(person)[Q.RURAL] == A.NO
    assert answers_stored() == 5
    response = post(client, "/account/about-you/remove")
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    assert answers_stored() == 0
    assert account("otter_kid").about_you_asked_at is not None
    assert client.get("/account/about-you/ask?next=/").headers["Location"] == "/"


def test_changing_answers_needs_the_csrf_token(client, make):
    """A form from another site changes nothing."""
    join(client, make, asking(make))
    response = client.post("/account/about-you/ask", data=dict.fromkeys(QUESTIONS, "yes"))
    assert response.status_code == 400 and answers_stored() == 0


def test_download_my_data_holds_my_answers(client, make):
    """The file and the page both hold them."""
    join(client, make, asking(make))
    post(client, "/account/about-you/ask", **dict.fromkeys(QUESTIONS, "no") | {"rural": "yes"})
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert [(a["question"], a["answer"]) for a in data["about_you"]] == [
        ("new_to_uk", "no"),
        ("looked_after", "no"),
        ("young_carer", "no"),
        ("disability", "no"),
        ("rural", "yes"),
    ]
    assert data["about_you_asked_at"]
    html = client.get("/account/data").get_data(as_text=True)
    assert str(ABOUT_YOU_QUESTIONS[Q.RURAL]) in html


def test_answers_go_with_the_account(client, make):
    """Deleting my account deletes my answers."""
    service = asking(make)
    person, other = make.user(), make.user()
    answer(person, rural="yes")
    answer(other, rural="no")
    delete_own_account(person, PASSWORD)
    rows = db.session.execute(select(AboutYouResponse.user_id)).scalars().all()
    assert set(rows) == {other.id}
    assert service.asks_about_you


# --- Switching the questions on ------------------------------------------------------------


def test_an_admin_switches_the_questions_on_and_off_and_the_log_names_no_young_person(
    client, make, login
):
    """Audited, with the library service and its setting only."""
    service = make.library_service("Riverside Libraries")
    young = make.user()
    answer(young, rural="yes")
    login(make.user(Role.ADMIN))
    html = client.get("/admin/library-services").get_data(as_text=True)
    assert "Ask “about you” questions in Riverside Libraries" in html
    response = post(client, f"/admin/library-services/{service.id}/about-you")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(LibraryService, service.id).asks_about_you is True
    post(client, f"/admin/library-services/{service.id}/about-you/off")
    db.session.expire_all()
    assert db.session.get(LibraryService, service.id).asks_about_you is False
    entries = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "library_service.asks_about_you")
    ).scalars()
    assert [(e.subject_type, e.subject_id, e.detail) for e in entries] == [
        ("LibraryService", service.id, {"name": "Riverside Libraries", "asks": True}),
        ("LibraryService", service.id, {"name": "Riverside Libraries", "asks": False}),
    ]


def test_only_admins_switch_the_questions_on(client, make, login):
    """Staff of the service are refused."""
    service = make.library_service()
    login(make.staff(service))
    assert post(client, f"/admin/library-services/{service.id}/about-you").status_code == 403
    db.session.expire_all()
    assert db.session.get(LibraryService, service.id).asks_about_you is False


# --- Totals --------------------------------------------------------------------------------


@pytest.fixture
def counted(make):
    """Hand-counted answers: who took part in Riverside (which asks), and who does not count.

    Riverside, 2026, took part and answered (13 people):
      new_to_uk: 7 yes, 6 prefer not to say
      looked_after: 2 yes, 11 no
      young_carer: 13 prefer not to say
      disability: 4 yes, 4 no, 5 prefer not to say
      rural: 13 no
    Not counted: a person who answered but took part only in Hillside (which does not ask),
    one who answered but never took part, one who voted in Riverside in 2025 only (outside the
    period), and a member of staff whose answers were put straight in the database.
    """
    riverside, hillside = asking(make, "Riverside"), make.library_service("Hillside")
    idea, other_idea = idea_in(make, riverside), idea_in(make, hillside)
    in_2026 = datetime(2026, 3, 1, tzinfo=UTC)
    people = [make.user() for _ in range(13)]
    for number, person in enumerate(people):
        voted_for(idea, person, in_2026)
        answer(
            person,
            new_to_uk="yes" if number < 7 else "prefer_not_to_say",
            looked_after="yes" if number < 2 else "no",
            disability=["yes", "no", "prefer_not_to_say"][min(number // 4, 2)]
            if number < 12
            else "prefer_not_to_say",
            rural="no",
        )
    elsewhere, never, last_year = make.user(), make.user(), make.user()
    staff = make.staff(riverside)
    voted_for(other_idea, elsewhere, in_2026)
    voted_for(idea, last_year, datetime(2025, 6, 1, tzinfo=UTC))
    voted_for(idea, staff, in_2026)
    for person in (elsewhere, never, last_year, staff):
        answer(person, **dict.fromkeys(QUESTIONS, "yes"))
    return Scope(
        library_service_ids=frozenset({riverside.id}),
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
    )


def true_counts(table) -> list[list[int]]:
    """The true counts of a FigureTable, row by row."""
    return [[shown.true for shown in cells] for _name, cells, _total in table.rows]


def shown(table) -> list[list[str]]:
    """What a FigureTable shows, row by row, with each row's total."""
    return [[*map(str, cells), str(total)] for _name, cells, total in table.rows]


def test_totals_count_people_who_took_part_and_answered(app, counted):
    """Every cell against the hand count; staff, other services, other years left out."""
    table = about_you_totals(counted, threshold=5)
    assert [name for name, _c, _t in table.rows] == [
        "New to the UK in the last five years",
        "Looked-after child",
        "Young carer",
        "Disability or long-term condition",
        "Lives in a rural area",
    ]
    assert [c.key for c in table.columns] == ["yes", "no", "prefer_not_to_say"]
    assert true_counts(table) == [[7, 0, 6], [2, 11, 0], [0, 0, 13], [4, 4, 5], [0, 13, 0]]
    assert [t.true for t in table.figures.column_totals] == [13, 28, 24]
    assert table.figures.total.true == 65


def test_totals_are_under_disclosure_control(app, counted):
    """Rounded to 5, small numbers hidden, and the hidden ones not recoverable from a total."""
    table = about_you_totals(counted, threshold=5)
    rows = shown(table)
    assert rows[2] == ["0", "0", "15", "15"]
    assert rows[4] == ["0", "15", "0", "15"]
    assert rows[1][0] == "fewer than 5"
    assert rows[3][:2] == ["fewer than 5", "fewer than 5"]
    # Looked-after: 2 yes beside 11 no in a total of 13 would give the 2 away; so is hidden.
    assert rows[1][1] == "suppressed"
    # Nothing shows a true count that is not a multiple of 5.
    for row in rows:
        for text in row:
            assert not text.isdigit() or int(text) % 5 == 0


def test_totals_are_one_query_whatever_the_data(app, make, counted, count_queries):
    """One statement for a few answers or many."""
    with count_queries() as few:
        about_you_totals(counted, threshold=5)
    idea = idea_in(make, db.session.get(LibraryService, min(counted.library_service_ids)))
    for _ in range(3):
        person = make.user()
        voted_for(idea, person, datetime(2026, 4, 1, tzinfo=UTC))
        answer(person, rural="yes")
    with count_queries() as many:
        table = about_you_totals(counted, threshold=5)
    assert len(few) == len(many) == 1
    assert table.rows[4][1][0].true == 3


def test_no_totals_when_no_library_service_in_scope_asks(app, make, counted):
    """None: the questions were never asked there."""
    hillside = db.session.execute(
        select(LibraryService).where(LibraryService.name == "Hillside")
    ).scalar_one()
    assert about_you_totals(Scope(library_service_ids=frozenset({hillside.id}))) is None
    assert about_you_totals(Scope()) is not None


def test_the_totals_partial_shows_the_table_and_nothing_when_none(app, counted):
    """The caption, the controlled figures and the explanation; nothing without a table."""
    with app.test_request_context("/"):
        html = render_template(
            "evidence/_about_you.html", about_you=about_you_totals(counted, threshold=5)
        )
        assert "Answers to the optional “about you” questions" in html
        assert "fewer than 5" in html and "<caption>" in html
        assert "no one can be picked out" in html
        assert render_template("evidence/_about_you.html", about_you=None).strip() == ""


# --- Nobody else sees one person's answers -------------------------------------------------


def _simple_get_pages(app) -> list[str]:
    """Every page with no URL argument, or only a user's id, that answers GET."""
    return [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and set(rule.arguments) <= {"user_id"}
        and not rule.rule.startswith("/static")
    ]


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN, Role.QLP_REVIEWER])
def test_no_page_shows_anyone_else_their_answers(app, client, make, login, role):
    """Staff, reviewers and admins: no page names the questions or holds the answers."""
    service = asking(make)
    young = make.user()
    voted_for(idea_in(make, service), young)
    answer(young, **dict.fromkeys(QUESTIONS, "yes"))
    viewer = make.staff(service) if role == Role.STAFF else make.user(role)
    login(viewer)
    read = 0
    for path in _simple_get_pages(app):
        response = client.get(path.replace("<int:user_id>", str(young.id)))
        read += response.status_code == 200
        html = response.get_data(as_text=True)
        for words in ABOUT_YOU_QUESTIONS.values():
            assert str(words) not in html, path
        assert "prefer_not_to_say" not in html, path
    assert read >= 10


# --- Plain words -----------------------------------------------------------------------------


def test_the_questions_read_easily(client, make):
    """The pages a young person sees score at least 70 for reading ease."""
    join(client, make, asking(make))
    for path in ("/account/about-you/ask?next=/", "/account/about-you"):
        response = client.get(path)
        assert response.status_code == 200, path
        score = reading_ease(main_text(response.get_data(as_text=True)))
        assert score >= READING_EASE_MIN, (path, score)


def test_the_offer_after_joining_is_not_passed_to_the_next_person_on_the_computer(
    client, make, login
):
    """A shared library computer: whoever signs in next is not offered the questions."""
    join(client, make, asking(make))
    assert "/account/about-you" in client.get("/account").get_data(as_text=True)
    post(client, "/sign-out")
    login(make.user())
    assert "/account/about-you" not in client.get("/account").get_data(as_text=True)
    assert client.get("/account/about-you/ask?next=/").headers["Location"] == "/"
