"""Who may open which page: one table of roles against routes."""

import pytest

from app.models import Role
from tests.conftest import csrf_token

ANON, YOUNG, STAFF, REVIEWER, ADMIN = "anonymous", *Role

# (path, {who: expected status}); 302 means sent to sign in.
PAGES = [
    ("/", {ANON: 200, YOUNG: 200, STAFF: 200, REVIEWER: 200, ADMIN: 200}),
    ("/outcomes", {ANON: 200, YOUNG: 200, STAFF: 200, REVIEWER: 200, ADMIN: 200}),
    ("/my-ideas", {ANON: 302, YOUNG: 200, STAFF: 403, REVIEWER: 403, ADMIN: 403}),
    ("/consultations/{c}/propose", {ANON: 302, YOUNG: 200, STAFF: 403, REVIEWER: 403, ADMIN: 403}),
    ("/staff/", {ANON: 302, YOUNG: 403, STAFF: 200, REVIEWER: 403, ADMIN: 200}),
    ("/staff/ideas/{i}", {ANON: 302, YOUNG: 403, STAFF: 200, REVIEWER: 403, ADMIN: 200}),
    ("/staff/consultations", {ANON: 302, YOUNG: 403, STAFF: 200, REVIEWER: 403, ADMIN: 200}),
    ("/staff/consultations/new", {ANON: 302, YOUNG: 403, STAFF: 200, REVIEWER: 403, ADMIN: 200}),
    (
        "/staff/consultations/{c}/edit",
        {ANON: 302, YOUNG: 403, STAFF: 200, REVIEWER: 403, ADMIN: 200},
    ),
    ("/review/", {ANON: 302, YOUNG: 403, STAFF: 200, REVIEWER: 200, ADMIN: 200}),
    ("/admin/", {ANON: 302, YOUNG: 403, STAFF: 403, REVIEWER: 403, ADMIN: 200}),
]
# State changes: (path, {who: expected status}) for a POST with a valid CSRF token.
ACTIONS = [
    ("/ideas/{i}/vote", {ANON: 302, YOUNG: 303, STAFF: 403, REVIEWER: 403, ADMIN: 403}),
    ("/staff/ideas/{i}/decision", {ANON: 302, YOUNG: 403, STAFF: 400, REVIEWER: 403, ADMIN: 400}),
    ("/staff/ideas/{i}/outcomes", {ANON: 302, YOUNG: 403, STAFF: 400, REVIEWER: 403, ADMIN: 400}),
    ("/staff/consultations/new", {ANON: 302, YOUNG: 403, STAFF: 400, REVIEWER: 403, ADMIN: 400}),
    # Fields left out of a POST keep their values, so this saves the consultation unchanged.
    (
        "/staff/consultations/{c}/edit",
        {ANON: 302, YOUNG: 403, STAFF: 303, REVIEWER: 403, ADMIN: 303},
    ),
    (
        "/staff/consultations/{c}/phase",
        {ANON: 302, YOUNG: 403, STAFF: 303, REVIEWER: 403, ADMIN: 303},
    ),
    ("/admin/library-services", {ANON: 302, YOUNG: 403, STAFF: 403, REVIEWER: 403, ADMIN: 400}),
    ("/admin/branches", {ANON: 302, YOUNG: 403, STAFF: 403, REVIEWER: 403, ADMIN: 400}),
    ("/admin/users/{u}/role", {ANON: 302, YOUNG: 403, STAFF: 403, REVIEWER: 403, ADMIN: 303}),
]


def _cases(table) -> list:
    """One test case per cell of a table."""
    return [
        pytest.param(path, who, status, id=f"{who}-{path}")
        for path, expected in table
        for who, status in expected.items()
    ]


@pytest.fixture
def world(make, login):
    """An idea in an open consultation, and a function to sign in as each kind of person."""
    idea = make.idea()  # published, in a consultation open for votes
    target_user = make.user()

    def as_(who):
        if who != ANON:
            login(make.user(who))
        return {"c": idea.consultation_id, "i": idea.id, "u": target_user.id}

    return as_


@pytest.mark.parametrize(("path", "who", "status"), _cases(PAGES))
def test_page_access_by_role(client, world, path, who, status):
    """Each role gets the page, a refusal, or is sent to sign in, exactly as the table says."""
    ids = world(who)
    response = client.get(path.format(**ids))
    assert response.status_code == status
    if status == 302:
        assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(("path", "who", "status"), _cases(ACTIONS))
def test_action_access_by_role(client, world, path, who, status):
    """Each role may or may not take each action; a refusal is 403 (400 is bad input let in)."""
    ids = world(who)
    response = client.post(path.format(**ids), data={"csrf_token": csrf_token(client)})
    assert response.status_code == status
