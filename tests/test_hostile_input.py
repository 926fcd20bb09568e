"""Input no field here accepts (NUL characters, files, line breaks in an address) is refused
with a clear answer, never a 500, and changes nothing."""

import io
from urllib.parse import quote

import pytest

from app import SECURITY_HEADERS
from app.extensions import db
from app.models import Idea, Role, User, Vote
from tests.conftest import PASSWORD, csrf_token


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/sign-in", {"username": "sam\x00", "password": PASSWORD}),
        (
            "/join",
            {"username": "nul\x00name", "password": "a-long-passphrase", "age_band": "14-16"},
        ),
    ],
)
def test_a_nul_character_in_a_signed_out_form_is_refused(client, path, fields):
    """Anyone, signed in or not, gets a 400 page, and no account is made."""
    accounts = db.session.query(User).count()
    confirm = {"password_again": fields["password"]} if path == "/join" else {}
    response = client.post(path, data={"csrf_token": csrf_token(client), **fields, **confirm})
    assert response.status_code == 400
    assert "Something in that request was not right" in response.get_data(as_text=True)
    assert db.session.query(User).count() == accounts


def test_a_nul_character_in_an_idea_is_refused_and_nothing_is_saved(client, make, login):
    """A proposal carrying a NUL character is refused whole."""
    consultation = make.consultation()
    login(make.user())
    ideas = db.session.query(Idea).count()
    response = client.post(
        f"/consultations/{consultation.id}/propose",
        data={"csrf_token": csrf_token(client), "title": "Chess\x00", "description": "Fridays."},
    )
    assert response.status_code == 400
    assert db.session.query(Idea).count() == ideas


def test_a_nul_character_in_an_address_is_refused(client):
    """Query strings are checked too."""
    assert client.get("/review/?status=\x00").status_code in (302, 400)
    assert client.get("/?cursor=%00").status_code == 400


# C0 controls (NUL, tab, line feed, carriage return, escape, unit separator), DEL, and C1
# controls (NEL, the last one), sent percent-encoded as a browser or a scanner would.
CONTROL_CHARACTERS = ["\x00", "\x01", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]


@pytest.mark.parametrize(
    "address",
    [
        "/static/css/{}.css",  # answered before the app, from the file system
        "/static/css/app.css{}",
        "/review/outcomes/qlp{}",  # a string converter, looked up in the database
        "/join/READ{}2345",
        "/ideas/1{}",
        "/outcomes{}",
    ],
)
def test_a_control_character_in_the_path_is_refused_with_the_400_page(client, make, login, address):
    """Never a 500 or a file system error: the site's 400 page, with the security headers."""
    login(make.user(Role.QLP_REVIEWER))
    for character in CONTROL_CHARACTERS:
        response = client.get(address.format(quote(character)))
        assert response.status_code == 400, repr(character)
        assert "Something in that request was not right" in response.get_data(as_text=True)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value


def test_a_file_sent_in_a_text_field_is_refused(client, make, login):
    """No form here takes files: one sent anyway is refused, and nothing is saved."""
    consultation = make.consultation()
    login(make.user())
    ideas = db.session.query(Idea).count()
    response = client.post(
        f"/consultations/{consultation.id}/propose",
        data={
            "csrf_token": csrf_token(client),
            "title": (io.BytesIO(b"Chess club"), "title.txt"),
            "description": "Fridays.",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert db.session.query(Idea).count() == ideas


def test_a_line_break_in_the_return_address_is_ignored_after_a_vote(client, make, login):
    """The vote counts once, and the answer goes back to the idea's vote, not to a forged
    address."""
    idea = make.idea()
    login(make.user())
    response = client.post(
        f"/ideas/{idea.id}/vote",
        data={"csrf_token": csrf_token(client), "next": "/\r\nSet-Cookie: x=1"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ideas/{idea.id}#vote-{idea.id}"
    assert "Set-Cookie: x=1" not in str(response.headers)
    assert db.session.query(Vote).filter_by(idea_id=idea.id).count() == 1


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/", "/\\evil.example", "/\r\nSet-Cookie: x=1"],
)
def test_signing_in_returns_only_to_a_page_of_this_site(client, make, target):
    """A `next` address on another site, or one forging a header, is replaced by the start
    page; the sign-in itself still works."""
    user = make.user()
    response = client.post(
        "/sign-in",
        query_string={"next": target},
        data={"csrf_token": csrf_token(client), "username": user.username, "password": PASSWORD},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert not any(value.startswith("x=") for value in response.headers.getlist("Set-Cookie"))
