"""Long staff pages you can move around (issue 19): the co-designed service page has a contents
list and folds what is not in use; staff, QLP and admin pages may use a wide screen's width."""

import re

import pytest

from app.codesign import services
from app.extensions import db
from app.models import Partner, VolunteerStatus
from tests.conftest import csrf_token
from tests.test_codesign_services import Place, offer


@pytest.fixture
def place(make) -> Place:
    return Place(make)


def folds(html: str) -> dict[str, bool]:
    """Each folded section of the page, by key, and whether it is open."""
    return {
        key: bool(is_open)
        for key, is_open in re.findall(
            r'<section class="page-section" id="(\w+)-section"[^>]*>\s*'
            r'<details class="page-fold"( open)?>',
            html,
        )
    }


def test_the_service_page_has_a_contents_list_leading_to_every_section(client, place, login):
    """A nav lists the sections; each link leads to a heading on the page."""
    service = place.service()
    login(place.staff)
    html = client.get(f"/codesign/services/{service.id}").get_data(as_text=True)
    nav = re.search(r'<nav class="page-contents"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "a contents list"
    targets = re.findall(r'href="#([\w-]+)"', nav.group(1))
    assert len(targets) == 10  # with "What we learned"
    for target in targets:
        assert re.search(rf'<h2 id="{target}"', html), target


def test_sections_not_in_use_are_folded(client, place, login):
    """A service with no partners, sessions, skills, offers, reviews or lessons: those are
    folded; what it is, its status, ideas and outcomes are not."""
    service = place.service()
    login(place.staff)
    html = client.get(f"/codesign/services/{service.id}").get_data(as_text=True)
    assert folds(html) == {
        "codesigners": False,
        "partners": False,
        "sessions": False,
        "skills": False,
        "reviews": False,
        "lessons": False,
    }
    for heading in ("about-heading", "status-heading", "ideas-heading", "outcomes-heading"):
        assert f'<section aria-labelledby="{heading}">' in html
    # The forms for rare changes are folded too; linking a first outcome is open.
    assert re.search(r'<details class="add-form">\s*<summary>Change the status</summary>', html)
    assert re.search(r'<details class="add-form" open>\s*<summary>Link an outcome</summary>', html)


def test_an_offer_waiting_for_an_answer_opens_the_co_designers(client, place, login):
    """A young person's offer to help needs staff's answer: that section is open."""
    idea = place.accepted_idea()
    service = place.service(idea)
    volunteer = offer(place.make, idea)
    login(place.staff)
    html = client.get(f"/codesign/services/{service.id}").get_data(as_text=True)
    assert folds(html)["codesigners"] is True
    assert "(1 offer waits)" in html
    volunteer.status = VolunteerStatus.ACCEPTED
    db.session.commit()
    html = client.get(f"/codesign/services/{service.id}").get_data(as_text=True)
    assert folds(html)["codesigners"] is False


def test_a_form_sent_back_with_a_mistake_opens_its_section(client, place, login):
    """Without JavaScript, a session refused comes back on the page with its section open, and
    the others still folded."""
    service = place.service()
    booktrust = db.session.query(Partner).filter_by(name="Booktrust").one()
    services.add_partner(service, place.staff, booktrust)
    login(place.staff)
    response = client.post(
        f"/codesign/services/{service.id}/sessions",
        data={"csrf_token": csrf_token(client), "session-held_on": "yesterday"},
    )
    assert response.status_code == 400
    opened = folds(response.get_data(as_text=True))
    assert opened["sessions"] is True
    assert opened["partners"] is False and opened["skills"] is False


def test_staff_and_qlp_pages_may_use_a_wide_screen(client, place, login, make):
    """Staff, QLP and admin pages carry the wide layout's class; young people's pages do not."""
    service = place.service()
    login(place.staff)
    for url in ("/staff/", f"/codesign/services/{service.id}", "/review/"):
        html = client.get(url).get_data(as_text=True)
        assert '<body class="layout-wide"' in html, url
    for url in ("/", "/you-said-we-did"):
        html = client.get(url).get_data(as_text=True)
        assert "layout-wide" not in html, url
