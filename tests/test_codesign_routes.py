"""Co-designed services through the pages: full pages, htmx partials, no-JS redirects, access."""

import re
from datetime import date, timedelta

import pytest

from app.codesign import services
from app.extensions import db
from app.models import (
    CodesignService,
    CodesignSession,
    CodesignVolunteer,
    IdeaStatus,
    Outcome,
    OutcomeLink,
    Partner,
    Role,
    ServiceOutcomeLink,
    ServiceStatus,
    StaffSkill,
    VolunteerStatus,
)
from tests.conftest import csrf_token
from tests.test_codesign_services import Place, offer, session_fields
from tests.test_lists import signed_in

HTMX = {"HX-Request": "true"}


@pytest.fixture
def place(make) -> Place:
    return Place(make)


@pytest.fixture
def service(place) -> CodesignService:
    """A service in co-design, with an idea, a young volunteer and a partner."""
    idea = place.accepted_idea(title="A homework club")
    service = place.service(idea)
    offer(place.make, idea)
    booktrust = db.session.query(Partner).filter_by(name="Booktrust").one()
    services.add_partner(service, place.staff, booktrust)
    return service


def post(client, url, data=None, htmx=False):
    """POST a form with a valid CSRF token, as a browser (or htmx) would."""
    return client.post(
        url,
        data={"csrf_token": csrf_token(client), **(data or {})},
        headers=HTMX if htmx else {},
    )


def session_form(**changes) -> dict:
    """The session form's fields, filled in well."""
    data = {
        "session-held_on": (date.today() - timedelta(days=1)).isoformat(),
        "session-place": "Central Library",
        "session-attended_11_13": "5",
        "session-attended_adults": "2",
        "session-brought_together": "y",
        "session-cohesion_note": "Grandparents and teenagers planned together.",
        "session-decisions": "Board games on Fridays.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def details_form(place, **changes) -> dict:
    """The service details form, filled in well (lists as repeated fields)."""
    data = {
        "name": "Homework club",
        "summary": "A quiet club after school.",
        "need": "Nowhere quiet for homework.",
        "age_bands": ["11-13", "14-16"],
        "beneficiary_groups": ["young_people", "refugees_asylum_seekers"],
        "branches": [str(place.branch.id)],
        "quality_leader": str(place.leader.id),
        "team": [str(place.staff.id)],
        "partners": [],
    }
    data.update(changes)
    return data


def text(response) -> str:
    return response.get_data(as_text=True)


# The list of services ----------------------------------------------------------------------


def test_staff_see_their_services_and_accepted_ideas_waiting(client, place, make, login):
    """The index lists this library service's services and waiting ideas, not others'."""
    place.service(place.accepted_idea(), status=ServiceStatus.PILOTING)
    place.accepted_idea(title="Waiting idea")
    make.codesign_service(name="Someone else's service")
    make.accepted_idea(title="Someone else's idea")
    login(place.staff)
    html = text(client.get("/codesign/"))
    assert "Being tried out" in html and place.library_service.name in html
    assert "Waiting idea" in html and "Start a service from" in html
    assert "Someone else" not in html


def test_a_reviewer_sees_every_service_but_cannot_start_one(client, place, make, login):
    """Reviewers read across library services, with no way to start a service."""
    place.service(place.accepted_idea())
    make.codesign_service(name="Another authority's service")
    place.accepted_idea(title="Waiting idea")
    login(make.user(Role.QLP_REVIEWER))
    html = text(client.get("/codesign/"))
    assert "Another authority" in html and "Waiting idea" in html
    assert "Start a service" not in html
    assert client.get(f"/codesign/new?idea={place.accepted_idea().id}").status_code == 403


# Starting a service ------------------------------------------------------------------------


def test_staff_start_a_service_from_accepted_ideas(client, place, login):
    """The form offers this library service's libraries and staff; saving starts the service."""
    ideas = [place.accepted_idea(title="Board games"), place.accepted_idea(title="Chess club")]
    login(place.staff)
    query = "&".join(f"idea={idea.id}" for idea in ideas)
    html = text(client.get(f"/codesign/new?{query}"))
    assert "Board games" in html and "Chess club" in html
    assert "Central Library" in html and place.leader.username in html
    assert "Young refugees and asylum seekers" in html
    assert "We have started planning this with young people." in html
    data = details_form(place, idea=[str(i.id) for i in ideas], message="Planning with you!")
    response = post(client, "/codesign/new", data)
    assert response.status_code == 303
    service = db.session.query(CodesignService).one()
    assert response.headers["Location"] == f"/codesign/services/{service.id}"
    db.session.expire_all()
    assert [i.status for i in ideas] == [IdeaStatus.IN_CODESIGN] * 2
    assert service.history[0].message == "Planning with you!"
    assert "Planning with you!" in text(client.get(response.headers["Location"]))


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"name": ""}, "Please give the service a name."),
        ({"branches": ["999999"]}, "Tick only the boxes given for “Libraries where it runs”."),
        ({"branches": ["abc"]}, "Tick only the boxes given for “Libraries where it runs”."),
        ({"quality_leader": "999999"}, "Choose one of the answers given for “Quality Leader”."),
        ({"age_bands": ["1-2"]}, "Tick only the boxes given for “Age bands it is for”."),
        ({"beneficiary_groups": []}, "Please choose who the service is for."),
        ({"message": ""}, "Please write a message for young people."),
    ],
    ids=lambda value: value if isinstance(value, str) else next(iter(value)),
)
def test_starting_a_service_with_bad_input_shows_the_form_again(
    client, place, login, changes, words
):
    """Unknown choices and missing words: 400 with the form and a message, nothing stored."""
    idea = place.accepted_idea()
    login(place.staff)
    data = details_form(place, **{"idea": [str(idea.id)], "message": "Hello", **changes})
    response = post(client, "/codesign/new", data)
    assert response.status_code == 400
    assert words in text(response)
    assert db.session.query(CodesignService).count() == 0


def test_starting_from_ideas_that_cannot_start_a_service_is_refused(client, place, make, login):
    """No idea, a published idea, a made-up id, another library service's idea."""
    login(place.staff)
    assert client.get("/codesign/new").status_code == 400
    assert client.get("/codesign/new?idea=abc").status_code == 400
    assert client.get("/codesign/new?idea=99999999999").status_code == 404
    published = make.idea(place.consultation)
    response = client.get(f"/codesign/new?idea={published.id}")
    assert response.status_code == 400 and "Only accepted ideas" in text(response)
    assert client.get(f"/codesign/new?idea={make.accepted_idea().id}").status_code == 403
    mixed = f"/codesign/new?idea={place.accepted_idea().id}&idea={make.accepted_idea().id}"
    assert client.get(mixed).status_code == 403


# The service page --------------------------------------------------------------------------


def test_the_service_page_shows_every_part_of_the_service(client, place, service, login):
    """Details, status history, ideas, co-designers, partners, sessions, skills, reviews."""
    services.log_session(service, place.staff, **session_fields(place="Teen space"))
    services.record_skill(service, place.staff, place.leader.id, "Facilitation", "Ran it.")
    login(place.staff)
    html = text(client.get(f"/codesign/services/{service.id}"))
    for words in (
        service.name,
        "Started.",
        "A homework club",
        "Waiting for staff",
        "Booktrust",
        "Teen space",
        "Facilitation",
        "Change the details",
        "Log a session",
    ):
        assert words in html, words
    assert "Reviews, newest first" in html
    assert "Ratings appear here once a review is signed." in html


def test_a_reviewer_reads_a_service_without_any_form(client, place, service, make, login):
    """Reviewers get the page read-only: no write form at all."""
    login(make.user(Role.QLP_REVIEWER))
    response = client.get(f"/codesign/services/{service.id}")
    assert response.status_code == 200
    html = text(response)
    assert "A homework club" in html and "Booktrust" in html
    assert 'action="/codesign' not in html and "hx-post" not in html
    assert "Only staff of" in html


def test_reviewers_count_codesigners_by_age_band_never_seeing_who_they_are(
    app, client, place, make, login
):
    """QLP reviewers read how many co-designers a service has in each age band, and how many
    offers wait, on the service page and the co-designers page; no pseudonym or age band of
    anyone, credited or not. Staff of the service see each of them, to answer them."""
    idea = place.accepted_idea(title="A homework club")
    service = place.service(idea)
    credited, uncredited = offer(make, idea), offer(make, idea, credit=False)
    uncredited.user.age_band = "11-13"
    waiting = offer(make, idea)
    for volunteer in (credited, uncredited):
        services.decide_volunteer(volunteer, place.staff, accept=True)
    names = [v.user.username for v in (credited, uncredited, waiting)]
    login(make.user(Role.QLP_REVIEWER))
    page = f"/codesign/services/{service.id}"
    for path in (page, f"{page}/codesigners"):
        response = client.get(path)
        html = text(response)
        assert response.status_code == 200, path
        assert "2 young co-designers" in html and "Aged 11-13: 1" in html, path
        assert "Aged 14-16: 1" in html and "1 more young person waits" in html, path
        assert not [name for name in names if name in html], path
        assert "Not to be credited" not in html, path
    member = signed_in(app, place.staff)
    with app.app_context():  # its own `g`, so it is not taken for the reviewer
        html = text(member.get(f"/codesign/services/{service.id}/codesigners"))
    assert all(name in html for name in names) and "Not to be credited" in html


# Every write route, and who may use it.
WRITES = [
    "/codesign/services/{s}/status",
    "/codesign/services/{s}/ideas",
    "/codesign/services/{s}/outcomes",
    "/codesign/services/{s}/suggestions/1",
    "/codesign/services/{s}/partners",
    "/codesign/services/{s}/partners/new",
    "/codesign/services/{s}/partners/{p}/remove",
    "/codesign/services/{s}/sessions",
    "/codesign/services/{s}/skills",
    "/codesign/services/{s}/edit",
    "/codesign/sessions/{session}/edit",
    "/codesign/volunteers/{v}/decision",
    "/codesign/outcome-links/{link}/remove",
    "/codesign/new",
    "/codesign/partners",
]
# Pages for reading a service.
READS = [
    "/codesign/services/{s}",
    "/codesign/services/{s}/sessions",
    "/codesign/services/{s}/skills",
    "/codesign/services/{s}/codesigners",
]


@pytest.fixture
def ids(place, service) -> dict:
    """The ids the routes above need."""
    session = services.log_session(service, place.staff, **session_fields())
    link = services.link_service_outcome(service, "qlp.aim.c", place.staff, "Why")
    return {
        "s": service.id,
        "p": service.partners[0].id,
        "session": session.id,
        "v": db.session.query(CodesignVolunteer).one().id,
        "link": link.id,
    }


@pytest.mark.parametrize("path", WRITES)
def test_a_reviewer_cannot_change_anything(client, make, login, ids, path):
    """Every write is refused to reviewers with 403, and nothing changes."""
    login(make.user(Role.QLP_REVIEWER))
    assert post(client, path.format(**ids)).status_code == 403


@pytest.mark.parametrize(
    "path", [p for p in WRITES if p not in ("/codesign/new", "/codesign/partners")]
)
def test_staff_of_another_library_service_cannot_change_a_service(client, make, login, ids, path):
    """Staff who do not belong to the service's library service get 403."""
    login(make.staff(make.library_service()))
    assert post(client, path.format(**ids)).status_code == 403


@pytest.mark.parametrize("path", READS)
def test_staff_of_another_library_service_cannot_read_a_service(
    app, client, make, login, ids, path
):
    """Reading is for the library service's staff, admins and reviewers."""
    login(make.staff(make.library_service()))
    assert client.get(path.format(**ids)).status_code == 403
    for role in (Role.ADMIN, Role.QLP_REVIEWER):
        reader = signed_in(app, make.user(role))
        with app.app_context():  # its own `g`, so it is not taken for the first person
            assert reader.get(path.format(**ids)).status_code == 200


def test_young_people_cannot_open_codesign_pages(client, make, login, ids):
    """The whole area is for staff, admins and reviewers."""
    login(make.user())
    assert client.get("/codesign/").status_code == 403
    assert client.get(f"/codesign/services/{ids['s']}").status_code == 403


# Details, status, ideas, outcomes --------------------------------------------------------


def test_staff_edit_a_services_details(client, place, service, login):
    """The edit form saves the details; bad input comes back with a message."""
    login(place.staff)
    url = f"/codesign/services/{service.id}/edit"
    assert service.name in text(client.get(url))
    response = post(client, url, details_form(place, name="Homework help"))
    assert response.status_code == 303
    db.session.expire_all()
    assert service.name == "Homework help"
    response = post(client, url, details_form(place, team=["999999"]))
    assert response.status_code == 400
    assert "Tick only the boxes given for “Quality Team”." in text(response)


def test_staff_move_a_service_on_with_a_message(client, place, service, login):
    """The status form: a message is required; with one, the history shows it."""
    login(place.staff)
    url = f"/codesign/services/{service.id}/status"
    response = post(client, url, {"status-status": "piloting", "status-message": ""})
    assert response.status_code == 400
    assert "Please write a message for young people" in text(response)
    response = post(client, url, {"status-status": "mainstreamed", "status-message": "Hi"})
    assert response.status_code == 400
    response = post(client, url, {"status-status": "piloting", "status-message": "Trying it!"})
    assert response.status_code == 303
    html = text(client.get(f"/codesign/services/{service.id}"))
    assert "Being tried out" in html and "Trying it!" in html


def test_staff_add_an_accepted_idea_to_a_service(client, place, service, make, login):
    """The add-idea form offers only this library service's accepted ideas in no service."""
    waiting = place.accepted_idea(title="Snacks too")
    make.accepted_idea(title="Elsewhere")
    login(place.staff)
    html = text(client.get(f"/codesign/services/{service.id}"))
    assert "Snacks too" in html and "Elsewhere" not in html
    url = f"/codesign/services/{service.id}/ideas"
    assert post(client, url, {"idea-idea": str(waiting.id)}).status_code == 303
    db.session.expire_all()
    assert waiting.codesign_service_id == service.id
    assert post(client, url, {"idea-idea": str(waiting.id)}).status_code == 400


def test_staff_link_outcomes_and_confirm_suggestions(client, place, service, login):
    """Links with a reason; the ideas' links are suggested and confirmed with one button."""
    idea = service.ideas[0]
    outcome = db.session.query(Outcome).filter_by(code="qlp.aim.d").one()
    db.session.add(
        OutcomeLink(idea=idea, outcome=outcome, linked_by=place.staff, rationale="Ages mix.")
    )
    db.session.commit()
    login(place.staff)
    html = text(client.get(f"/codesign/services/{service.id}"))
    assert "Suggested by its ideas" in html and "Ages mix." in html
    url = f"/codesign/services/{service.id}/suggestions/{outcome.id}"
    prefix = f"s{outcome.id}"
    response = post(client, url, {f"{prefix}-outcome": "qlp.aim.d", f"{prefix}-rationale": ""})
    assert response.status_code == 400
    response = post(
        client, url, {f"{prefix}-outcome": "qlp.aim.d", f"{prefix}-rationale": "Ages mix well."}
    )
    assert response.status_code == 303
    link = db.session.query(ServiceOutcomeLink).one()
    assert (link.outcome.code, link.rationale) == ("qlp.aim.d", "Ages mix well.")
    assert "Suggested by its ideas" not in text(client.get(f"/codesign/services/{service.id}"))
    url = f"/codesign/services/{service.id}/outcomes"
    response = post(client, url, {"link-outcome": "qlp.aim.d", "link-rationale": "Again"})
    assert response.status_code == 400 and "already linked" in text(response)
    response = post(client, url, {"link-outcome": "made.up", "link-rationale": "Why"})
    assert response.status_code == 400
    assert post(client, f"/codesign/outcome-links/{link.id}/remove").status_code == 303
    assert db.session.query(ServiceOutcomeLink).count() == 0


# Co-designers -----------------------------------------------------------------------------


def test_staff_accept_a_codesigner_in_place_with_htmx(client, place, service, login):
    """htmx gets the offer's row, answered, and the message; a second answer is refused."""
    volunteer = db.session.query(CodesignVolunteer).one()
    login(place.staff)
    url = f"/codesign/volunteers/{volunteer.id}/decision"
    response = post(client, url, {"decision": "accept"}, htmx=True)
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith(f'<li class="card" id="volunteer-{volunteer.id}">')
    assert "Co-designer" in html and "is now a co-designer" in html
    assert "<html" not in html and 'value="accept"' not in html
    response = post(client, url, {"decision": "decline"}, htmx=True)
    assert "This offer was already answered." in text(response)
    db.session.expire_all()
    assert volunteer.status == VolunteerStatus.ACCEPTED


def test_staff_decline_a_codesigner_without_javascript(client, place, service, login):
    """Without htmx: a 303 back to the co-designers, with the message shown there."""
    volunteer = db.session.query(CodesignVolunteer).one()
    login(place.staff)
    url = f"/codesign/volunteers/{volunteer.id}/decision"
    assert post(client, url, {"decision": "maybe"}).status_code == 400
    response = post(client, url, {"decision": "decline"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/codesign/services/{service.id}#codesigners-heading"
    )
    html = text(client.get(response.headers["Location"]))
    assert "You declined the offer" in html and "Not this time" in html


# Partners ---------------------------------------------------------------------------------


def test_staff_add_and_remove_partners_in_place(client, place, service, login):
    """Existing or new partners join the service in place; a taken name is refused."""
    login(place.staff)
    base = f"/codesign/services/{service.id}/partners"
    inclusive = db.session.query(Partner).filter_by(name="Inclusive Minds").one()
    response = post(client, base, {"partner-partner": str(inclusive.id)}, htmx=True)
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<div id="partners-panel"') and "Inclusive Minds" in html
    assert 'hx-swap-oob="innerHTML"><p>Added Inclusive Minds.' in html
    new = {"new-partner-name": "Riverside Youth Club", "new-partner-kind": "community"}
    response = post(client, f"{base}/new", new)
    assert response.status_code == 303
    response = post(client, f"{base}/new", {**new, "new-partner-name": "riverside youth club"})
    assert response.status_code == 400 and "already a partner called" in text(response)
    response = post(client, f"{base}/new", {**new, "new-partner-kind": "spaceship"}, htmx=True)
    assert response.status_code == 422 and "<html" not in text(response)
    response = post(client, f"{base}/{inclusive.id}/remove", htmx=True)
    assert response.status_code == 200 and "Removed Inclusive Minds." in text(response)
    db.session.expire_all()
    assert [p.name for p in service.partners] == ["Booktrust", "Riverside Youth Club"]


def test_staff_of_no_library_service_cannot_add_a_partner(client, place, service, make, login):
    """They read the directory, without the form; a partner sent anyway is refused (403)."""
    login(make.staff())
    html = text(client.get("/codesign/partners"))
    assert "Booktrust" in html and "Add a partner" not in html
    data = {"partner-name": "Eastgate School", "partner-kind": "school"}
    assert post(client, "/codesign/partners", data).status_code == 403
    assert db.session.query(Partner).filter_by(name="Eastgate School").count() == 0


def test_the_partners_page_lists_and_adds_partners(app, client, place, service, make, login):
    """Every partner with its number of services; staff add one, reviewers only read."""
    login(place.staff)
    html = text(client.get("/codesign/partners"))
    assert "Booktrust" in html and "Works on 1 service" in html and "Add a partner" in html
    data = {"partner-name": "Eastgate School", "partner-kind": "school"}
    response = post(client, "/codesign/partners", data, htmx=True)
    assert response.status_code == 200
    assert text(response).lstrip().startswith('<div id="partner-directory"')
    assert "Eastgate School" in text(response)
    response = post(client, "/codesign/partners", data)
    assert response.status_code == 400 and "already a partner called" in text(response)
    response = post(client, "/codesign/partners", {**data, "partner-name": "Other"})
    assert response.status_code == 303
    reviewer = signed_in(app, make.user(Role.QLP_REVIEWER))
    with app.app_context():  # its own `g`, so it is not taken for the member of staff
        html = text(reviewer.get("/codesign/partners"))
    assert "Eastgate School" in html and "Add a partner" not in html


# Sessions and skills -----------------------------------------------------------------------


def test_staff_log_a_session_in_place_with_htmx(client, place, service, login):
    """htmx gets the sessions panel afresh, with the new session, and the message."""
    login(place.staff)
    url = f"/codesign/services/{service.id}/sessions"
    partner = service.partners[0]
    response = post(client, url, session_form(**{"session-partners": str(partner.id)}), htmx=True)
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<div id="sessions-panel"') and "<html" not in html
    assert "Board games on Fridays." in html and "7 people came" in html
    assert "Partners who came: Booktrust" in html and "Session saved." in html
    session = db.session.query(CodesignSession).one()
    assert session.attendance["11-13"] == 5 and session.attendance["adults"] == 2


def test_staff_log_a_session_without_javascript(client, place, service, login):
    """Without htmx: a 303 back to the sessions on the service page."""
    login(place.staff)
    response = post(client, f"/codesign/services/{service.id}/sessions", session_form())
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#sessions-heading")
    assert "Board games on Fridays." in text(client.get(response.headers["Location"]))


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"session-held_on": (date.today() + timedelta(days=3)).isoformat()}, "cannot be later"),
        ({"session-held_on": "yesterday"}, "Enter a real date for “Date”"),
        ({"session-attended_11_13": "0", "session-attended_adults": "0"}, "at least one"),
        ({"session-attended_11_13": "501"}, "from 0 to 500"),
        ({"session-attended_11_13": "-2"}, "from 0 to 500"),
        ({"session-attended_11_13": "two"}, "Enter a whole number for “Aged 11-13”"),
        ({"session-cohesion_note": ""}, "how the session brought"),
        ({"session-decisions": ""}, "Please say what the young people decided."),
        ({"session-partners": "999999"}, "Tick only the boxes given for “Partners who came”."),
    ],
    ids=lambda value: value if isinstance(value, str) else next(iter(value)),
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_session_with_bad_input_is_refused_with_a_message(
    client, place, service, login, changes, words, htmx
):
    """400 with the message: the whole page without htmx, the panel (as a 422) with it."""
    login(place.staff)
    response = post(
        client, f"/codesign/services/{service.id}/sessions", session_form(**changes), htmx=htmx
    )
    assert response.status_code == (422 if htmx else 400)
    html = text(response)
    assert words in html
    assert ("<html" in html) != htmx
    assert db.session.query(CodesignSession).count() == 0


def test_staff_correct_a_session(client, place, service, login):
    """The edit page is filled in from the session, and saves changes."""
    session = services.log_session(service, place.staff, **session_fields(place="Old room"))
    login(place.staff)
    url = f"/codesign/sessions/{session.id}/edit"
    html = text(client.get(url))
    assert 'value="Old room"' in html and 'value="6"' in html
    response = post(client, url, session_form(**{"session-place": "New room"}))
    assert response.status_code == 303
    db.session.expire_all()
    assert session.place == "New room"
    response = post(client, url, session_form(**{"session-decisions": ""}))
    assert response.status_code == 400


def test_staff_record_a_skill_in_place(client, place, service, login):
    """htmx gets the skills panel afresh; bad input is refused with a message."""
    session = services.log_session(service, place.staff, **session_fields())
    login(place.staff)
    url = f"/codesign/services/{service.id}/skills"
    data = {
        "skill-skill": "Facilitation",
        "skill-staff": str(place.leader.id),
        "skill-evidence": "Led the Friday session.",
        "skill-session": str(session.id),
    }
    response = post(client, url, data, htmx=True)
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<div id="skills-panel"') and "Led the Friday session." in html
    assert "Skill recorded." in html
    assert post(client, url, {**data, "skill-evidence": ""}).status_code == 400
    response = post(client, url, {**data, "skill-staff": "999999"})
    assert response.status_code == 400
    assert "Choose one of the answers given for “Member of staff”." in text(response)
    assert post(client, url, data).status_code == 303
    assert db.session.query(StaffSkill).count() == 2


def test_long_lists_on_the_service_page_continue_on_their_own_pages(client, place, service, login):
    """Sessions page by page, most recent first; htmx appends the next ones."""
    for day in range(25):
        services.log_session(
            service,
            place.staff,
            **session_fields(held_on=date.today() - timedelta(days=day), place=f"Room {day}"),
        )
    login(place.staff)
    html = text(client.get(f"/codesign/services/{service.id}"))
    assert "Room 0</h2>" in html and "Room 19</h2>" in html and "Room 20</h2>" not in html
    more = re.search(r'href="([^"]*sessions\?after=[^"]*)" rel="next"', html).group(1)
    response = client.get(more.replace("&amp;", "&"), headers=HTMX)
    page = text(response)
    assert "Room 20</h2>" in page and "Room 24</h2>" in page and "Room 19</h2>" not in page
    assert "<html" not in page
    assert "Room 20</h2>" in text(client.get(more.replace("&amp;", "&")))


# Query counts -----------------------------------------------------------------------------


def test_codesign_pages_cost_the_same_queries_at_5_and_at_50_rows(app, make, count_queries):
    """The index, a busy service page and the partners page load in fixed queries."""
    place = Place(make)
    service = place.service(place.accepted_idea())
    young = [make.user() for _ in range(50)]
    outcome = db.session.query(Outcome).filter_by(code="qlp.aim.c").one()
    grown = {"count": 0}

    def grow(count: int) -> None:
        start = grown["count"]
        for n in range(start, start + count):
            idea = place.accepted_idea()
            db.session.add(
                OutcomeLink(idea=idea, outcome=outcome, linked_by=place.staff, rationale="Why")
            )
            place.service(idea)  # another service in the list
            place.accepted_idea()  # another idea waiting for a service
            db.session.add(CodesignVolunteer(idea_id=service.ideas[0].id, user_id=young[n].id))
            partner = Partner(name=f"Partner {n}")
            db.session.add(partner)
            db.session.flush()
            service.partners.append(partner)
            session = CodesignSession(
                service_id=service.id,
                held_on=date.today() - timedelta(days=n),
                place=f"Room {n}",
                attendance={"11-13": 3},
                decisions="Decided",
            )
            session.partners.append(partner)
            db.session.add(session)
            db.session.flush()
            db.session.add(
                StaffSkill(
                    service_id=service.id,
                    staff_id=place.leader.id,
                    skill="Skill",
                    evidence="Evidence",
                    session_id=session.id,
                )
            )
        db.session.commit()
        grown["count"] += count

    pages = ["/codesign/", f"/codesign/services/{service.id}", "/codesign/partners"]
    viewers = {
        "staff": signed_in(app, place.staff),
        "reviewer": signed_in(app, make.user(Role.QLP_REVIEWER)),
    }

    def measure() -> tuple[dict, dict]:
        queries, html = {}, {}
        for who, client in viewers.items():
            for path in pages:
                with count_queries() as counted:
                    response = client.get(path)
                assert response.status_code == 200, (who, path)
                queries[who, path], html[who, path] = len(counted), text(response)
        return queries, html

    grow(5)
    at_5, html_at_5 = measure()
    grow(45)
    at_50, html_at_50 = measure()
    assert at_50 == at_5
    for key, page in html_at_50.items():
        assert 'rel="next"' in page, key
    assert 'rel="next"' not in html_at_5["staff", f"/codesign/services/{service.id}"]
