"""Joining, signing in and out: least data, clear messages, nothing changed on bad input."""

import re

import pytest

from app.extensions import db
from app.models import Role, User
from tests.conftest import PASSWORD, csrf_token


def join(client, **fields):
    """Post the join form with good values, overridden by `fields`."""
    data = {
        "username": "river_fox",
        "password": "long-enough-pw",
        "confirm": "long-enough-pw",
        "age_band": "11-13",
        **fields,
    }
    return client.post("/join", data={"csrf_token": csrf_token(client), **data})


def test_young_person_joins_with_pseudonym_password_and_age_band(client):
    """Joining creates a young person's account, signs them in, and asks for nothing more."""
    response = join(client)
    assert response.status_code == 303
    user = db.session.query(User).one()
    assert (user.username, user.role, user.age_band) == ("river_fox", Role.YOUNG_PERSON, "11-13")
    assert user.password_hash != "long-enough-pw"
    assert "My ideas" in client.get("/").get_data(as_text=True)


def test_join_form_asks_for_no_email_and_no_date_of_birth(client):
    """The form has exactly the fields the platform needs."""
    html = client.get("/join").get_data(as_text=True)
    # The joining form itself, not the small "Have a code?" form beside it.
    form = re.search(r'<form method="post" action="/join".*?</form>', html, re.S).group(0)
    fields = set(re.findall(r'<input[^>]* name="([^"]+)"', form))
    assert fields == {
        "csrf_token",
        "suggestion",
        "username",
        "password",
        "confirm",
        "age_band",
        "submit",
    }
    assert 'type="email"' not in html
    assert 'type="date"' not in html


def suggested(html: str) -> str:
    """The password the join page suggests."""
    return re.search(r'<p class="passphrase"[^>]*>([^<]+)</p>', html).group(1)


def test_the_code_box_comes_first_on_the_join_page(client):
    """Most young people arrive with a code from their library: its box is above the form."""
    html = client.get("/join").get_data(as_text=True)
    assert html.index("Have a code from your library?") < html.index('name="username"')


def test_forgetting_the_age_group_keeps_the_suggestion_and_what_was_typed(client):
    """The same suggested words come back, and the name and both password boxes are re-filled."""
    suggestion = suggested(client.get("/join").get_data(as_text=True))
    response = join(
        client, password=suggestion, confirm=suggestion, suggestion=suggestion, age_band=""
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choose your age group." in html
    assert suggested(html) == suggestion
    assert re.search(r'<input[^>]*name="username"[^>]*value="river_fox"', html)
    for box in ("password", "confirm"):
        assert re.search(rf'<input[^>]*name="{box}"[^>]*value="{suggestion}"', html), box
    assert response.headers["Cache-Control"] == "no-store"
    assert db.session.query(User).count() == 0


def test_show_password_is_hidden_until_javascript_makes_it_work(client):
    """Without JavaScript the box is never shown, so nothing on the page does nothing."""
    html = client.get("/join").get_data(as_text=True)
    assert re.search(r'<div class="show-password" hidden>', html)
    assert 'data-show-password="password confirm"' in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "ab"}, "Use 3 to 30 letters or numbers."),
        ({"username": "has space"}, "Use only letters, numbers"),
        ({"password": "short", "confirm": "short"}, "Your password needs at least 8 characters."),
        ({"password": "p" * 201, "confirm": "p" * 201}, "Your password can have up to 200"),
        ({"confirm": "different-pw"}, "The passwords do not match."),
        ({"age_band": "1-99"}, "Choose one of the answers given for “How old are you?”."),
        ({"age_band": ""}, "Choose your age group."),
    ],
)
def test_bad_join_details_get_a_clear_message_and_create_nothing(client, fields, message):
    """Each mistake is explained on the form, with a 400, and no account is made."""
    response = join(client, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.query(User).count() == 0


@pytest.mark.parametrize("username", ["library-staff", "Admin1", "m0derator", "jane-smith"])
def test_a_name_that_passes_for_staff_is_refused_kindly_and_nothing_is_made(client, make, username):
    """A role's name, or one like a member of staff's: the message says what to choose instead."""
    make.staff(username="Jane_Smith")
    response = join(client, username=username)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "could make people think you work for the library" in html
    assert "a favourite animal, colour or book with a number" in html
    assert db.session.query(User).count() == 1


def test_taken_name_is_refused_whatever_its_letter_case(client, make):
    """Names are unique regardless of capitals."""
    make.user(username="River_Fox")
    response = join(client, username="river_fox")
    assert response.status_code == 400
    assert "That name is taken" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 1


def test_sign_in_with_wrong_password_is_refused(client, make):
    """A wrong password gets one message that does not say which part was wrong."""
    user = make.user()
    response = client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(client), "username": user.username, "password": "nope-nope"},
    )
    assert response.status_code == 400
    assert "That name and password do not match an account." in response.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(client, make):
    """An admin-locked account is refused."""
    user = make.user()
    user.active = False
    db.session.commit()
    response = client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(client), "username": user.username, "password": PASSWORD},
    )
    assert response.status_code == 400


def test_locking_an_account_ends_sessions_already_signed_in(client, make, login):
    """Once an admin locks an account, its open session can no longer propose or vote."""
    user = login(make.user())
    assert client.get("/my-ideas").status_code == 200
    user.active = False
    db.session.commit()
    response = client.get("/my-ideas")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_sign_in_returns_to_the_page_that_asked(client, make):
    """After signing in, people land where they were going, but never off the site."""
    user = make.user()
    data = {"username": user.username, "password": PASSWORD}
    response = client.post(
        "/sign-in?next=/my-ideas", data={"csrf_token": csrf_token(client), **data}
    )
    assert response.headers["Location"] == "/my-ideas"
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    response = client.post(
        "/sign-in?next=//evil.example/", data={"csrf_token": csrf_token(client), **data}
    )
    assert response.headers["Location"] == "/"


def test_sign_out_is_a_post_and_ends_the_session(client, make, login):
    """Signing out needs a POST with CSRF; afterwards private pages ask to sign in."""
    login(make.user())
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    assert client.get("/my-ideas").status_code == 200
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    assert client.get("/my-ideas").status_code == 302
