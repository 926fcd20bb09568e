"""Staff put questions to young people: creating and changing consultations."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Branch, Consultation, LibraryService, Phase, Role
from app.moderation import services
from app.rules import RuleError
from tests.conftest import csrf_token


@pytest.fixture
def library(app) -> LibraryService:
    """A library service with two branches."""
    service = LibraryService(name="Riverside Libraries")
    Branch(library_service=service, name="Central Library")
    Branch(library_service=service, name="Eastgate Library")
    db.session.add(service)
    db.session.commit()
    return service


@pytest.fixture
def staff(make, login, library):
    """A signed-in member of staff of the library service."""
    return login(make.staff(library))


def details(library: LibraryService, **changes) -> dict:
    """Valid consultation details for the service, with some changed."""
    values = {
        "library_service_id": library.id,
        "branch_id": None,
        "question": "What should the library do next summer?",
        "description": "We have money for one new thing.",
        "opens_at": None,
        "closes_at": None,
        "vote_budget": 3,
    }
    return {**values, **changes}


def form_data(client, library: LibraryService, **changes) -> dict:
    """The consultation form as a browser would post it, with some fields changed."""
    data = {
        "csrf_token": csrf_token(client),
        "question": "What should the library do next summer?",
        "description": "We have money for one new thing.",
        "library_service": str(library.id),
        "branch": "",
        "opens_at": "",
        "closes_at": "",
        "vote_budget": "3",
    }
    return {**data, **changes}


def all_consultations() -> list[Consultation]:
    """Every stored consultation, read fresh."""
    db.session.expire_all()
    return list(db.session.execute(select(Consultation)).scalars())


# --- The rules --------------------------------------------------------------------------------


def test_a_new_consultation_starts_as_a_draft_and_is_audited(make, library):
    """Nobody but staff sees a new consultation until staff open it."""
    actor = make.staff(library)
    consultation = services.save_consultation(actor, None, **details(library))
    assert consultation.phase == Phase.DRAFT
    assert not consultation.is_public
    entry = db.session.execute(select(AuditEntry)).scalar_one()
    assert (entry.action, entry.actor_id, entry.subject_id) == (
        "consultation.create",
        actor.id,
        consultation.id,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"question": "   "}, "Please ask a question of up to 300 characters."),
        ({"question": "x" * 301}, "Please ask a question of up to 300 characters."),
        ({"description": "x" * 4001}, "Please keep the description under 4000 characters."),
        ({"library_service_id": 999}, "Please choose a library service from the list."),
        ({"branch_id": 999}, "Please choose a library of the library service you chose."),
        ({"vote_budget": 0}, "Votes for each person must be between 1 and 50, or left empty."),
        ({"vote_budget": 51}, "Votes for each person must be between 1 and 50, or left empty."),
        (
            {
                "opens_at": datetime(2027, 3, 1, tzinfo=UTC),
                "closes_at": datetime(2027, 3, 1, tzinfo=UTC),
            },
            "The closing time must come after the opening time.",
        ),
    ],
)
def test_inconsistent_consultations_are_refused(make, library, changes, message):
    """Each rule refuses with its own message and stores nothing."""
    with pytest.raises(RuleError) as refused:
        services.save_consultation(make.staff(library), None, **details(library, **changes))
    assert str(refused.value.message) == message
    assert all_consultations() == []


def test_a_branch_of_another_library_service_is_refused(make, library):
    """A consultation's library belongs to its library service."""
    other = LibraryService(name="Hillside Libraries")
    branch = Branch(library_service=other, name="Hillside Library")
    db.session.add(other)
    db.session.commit()
    with pytest.raises(RuleError):
        services.save_consultation(
            make.staff(library), None, **details(library, branch_id=branch.id)
        )
    assert all_consultations() == []


def test_only_staff_create_consultations(make, library):
    """Young people and QLP reviewers cannot put questions."""
    for role in (Role.YOUNG_PERSON, Role.QLP_REVIEWER):
        with pytest.raises(RuleError):
            services.save_consultation(make.user(role), None, **details(library))
    assert all_consultations() == []


def test_changing_a_consultation_keeps_its_phase_and_ideas(make, library):
    """Staff can fix a question while ideas are coming in; nothing else moves."""
    idea = make.idea()
    consultation = idea.consultation
    phase = consultation.phase
    services.save_consultation(
        make.staff(library, consultation.library_service),
        consultation,
        **details(library, question="A clearer question?", vote_budget=None),
    )
    db.session.expire_all()
    assert consultation.question == "A clearer question?"
    assert consultation.library_service_id == library.id
    assert consultation.vote_budget is None
    assert consultation.phase == phase
    assert idea.consultation_id == consultation.id
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert "consultation.edit" in actions


# --- The pages --------------------------------------------------------------------------------


def test_staff_create_a_consultation_through_the_form(client, library, staff):
    """The form saves a draft and goes back to the list, which shows it."""
    branch = library.branches[0]
    response = client.post(
        "/staff/consultations/new", data=form_data(client, library, branch=str(branch.id))
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/consultations")
    [consultation] = all_consultations()
    assert (consultation.question, consultation.branch_id, consultation.vote_budget) == (
        "What should the library do next summer?",
        branch.id,
        3,
    )
    page = client.get("/staff/consultations").get_data(as_text=True)
    assert "What should the library do next summer?" in page
    assert "Consultation saved" in page


def test_a_draft_is_hidden_from_young_people(client, make, library, staff):
    """Until staff open it, a new consultation is neither listed nor reachable."""
    client.post("/staff/consultations/new", data=form_data(client, library))
    [consultation] = all_consultations()
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    assert "next summer" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/consultations/{consultation.id}").status_code == 404


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # Winter: London is on UTC.
        ("2027-01-10T09:00", datetime(2027, 1, 10, 9, 0, tzinfo=UTC)),
        # Summer: London is an hour ahead of UTC.
        ("2027-07-01T09:00", datetime(2027, 7, 1, 8, 0, tzinfo=UTC)),
    ],
)
def test_times_are_typed_and_shown_in_the_libraries_timezone(client, library, staff, typed, stored):
    """Staff type local time; it is stored as UTC and shown back as the same local time."""
    response = client.post(
        "/staff/consultations/new",
        data=form_data(client, library, opens_at=typed, closes_at="2027-12-31T17:00"),
    )
    assert response.status_code == 303
    [consultation] = all_consultations()
    assert consultation.opens_at == stored
    edit_page = client.get(f"/staff/consultations/{consultation.id}/edit").get_data(as_text=True)
    assert f'value="{typed}"' in edit_page
    assert "Europe/London" in edit_page


def test_consultation_page_shows_the_day_it_closes(client, make, library, staff):
    """Young people see the closing day in local time, without the time of day: half past
    eleven at night in UTC is already the next day in London's summer."""
    consultation = make.consultation(
        closes_at=datetime(2030, 6, 30, 23, 30, tzinfo=UTC), library_service=library
    )
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "Closes 1 July 2030" in page
    assert "00:30" not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"question": ""}, "Enter the question for young people."),
        ({"library_service": ""}, "Choose a library service from the list."),
        ({"vote_budget": "many"}, "Enter a whole number for “Votes for each person”, like 12."),
        ({"vote_budget": "0"}, "Give each person from 1 to 50 votes, or leave it empty."),
        ({"opens_at": "next tuesday"}, "Enter a real date and time for “Opens”"),
        (
            {"opens_at": "2027-03-01T10:00", "closes_at": "2027-02-01T10:00"},
            "The closing time must come after the opening time.",
        ),
    ],
)
def test_bad_form_input_gets_a_message_and_stores_nothing(client, library, staff, changes, message):
    """Each mistake comes back on the form, with what was typed kept."""
    response = client.post("/staff/consultations/new", data=form_data(client, library, **changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "We have money for one new thing." in page
    assert all_consultations() == []


def test_staff_change_a_consultation_through_the_form(client, make, library, staff):
    """The edit form starts filled in and saves the changes."""
    consultation = make.consultation(library_service=library, vote_budget=5)
    page = client.get(f"/staff/consultations/{consultation.id}/edit").get_data(as_text=True)
    assert 'value="What should the library do?"' in page
    response = client.post(
        f"/staff/consultations/{consultation.id}/edit",
        data=form_data(client, library, question="What should we add for teenagers?"),
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert consultation.question == "What should we add for teenagers?"
    assert consultation.vote_budget == 3


def test_editing_a_missing_consultation_is_not_found(client, staff):
    """An unknown consultation id is a 404, not an error."""
    assert client.get("/staff/consultations/999/edit").status_code == 404


def test_emptying_optional_fields_clears_them(client, make, library, staff):
    """An emptied vote budget or time means none, not the old value."""
    consultation = make.consultation(
        library_service=library,
        vote_budget=5,
        closes_at=datetime(2027, 7, 1, 16, 30, tzinfo=UTC),
    )
    response = client.post(
        f"/staff/consultations/{consultation.id}/edit",
        data=form_data(client, library, vote_budget="", closes_at=""),
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (consultation.vote_budget, consultation.closes_at) == (None, None)


def test_a_time_whose_utc_falls_outside_the_calendar_gets_a_message():
    """East of UTC, midnight on 1 January of year 1 has no UTC time: refused, not a crash."""
    from flask_wtf import FlaskForm

    from app import create_app
    from app.fields import LocalDateTimeField

    class TimeForm(FlaskForm):
        when = LocalDateTimeField("When")

    paris = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with paris.test_request_context(method="POST", data={"when": "0001-01-01T00:00"}):
        form = TimeForm()
        assert not form.validate()
        assert form.when.errors == ["Not a valid datetime value."]
    with paris.test_request_context(method="POST", data={"when": "2027-07-01T09:00"}):
        form = TimeForm()
        assert form.validate()
        assert form.when.data == datetime(2027, 7, 1, 7, 0, tzinfo=UTC)


def test_with_no_library_service_the_form_says_who_adds_one(client, make, login):
    """A fresh installation explains why there is nothing to choose."""
    login(make.user(Role.ADMIN))
    page = client.get("/staff/consultations/new").get_data(as_text=True)
    assert "There are no library services yet. An admin adds them on the Admin page." in page
