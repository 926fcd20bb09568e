"""Public pages, health, security headers and the site's promise to make no outside requests."""

import re

import pytest

from app.extensions import db
from app.models import Outcome, Role
from app.outcome_frameworks import FRAMEWORKS
from app.seed import load_demo_data, load_outcome_frameworks
from tests.conftest import csrf_token


def all_codes() -> list[str]:
    """Every outcome code in the framework data."""
    return [o["code"] for f in FRAMEWORKS for g in f["groups"] for o in g["outcomes"]]


def test_outcomes_page_lists_every_outcome_with_its_wording(client):
    """/outcomes?wording=full shows every framework, group and outcome, in the source wording."""
    html = client.get("/outcomes?wording=full").get_data(as_text=True)
    for framework in FRAMEWORKS:
        assert framework["name"] in html
        for group in framework["groups"]:
            assert group["title"] in html
    for outcome in db.session.query(Outcome):
        assert f'id="{outcome.code}"' in html
        assert str(outcome.wording.replace("&", "&amp;")) in html.replace("&#39;", "'")
    assert len(re.findall(r'<li id="(promise|qlp)\.', html)) == len(all_codes())


def test_loading_outcomes_again_changes_nothing(app):
    """The loader is idempotent: the same codes, no duplicates."""
    before = db.session.query(Outcome).count()
    load_outcome_frameworks()
    assert db.session.query(Outcome).count() == before == len(all_codes())


def test_demo_data_loads_once_with_one_account_per_role(app):
    """Demo data goes only into an empty database and covers every role."""
    from app.models import User

    assert load_demo_data() is True
    assert load_demo_data() is False
    roles = {user.role for user in db.session.query(User)}
    assert roles == set(Role)


def test_healthz_reports_the_database(client):
    """The health check answers JSON with the database status."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_says_when_the_database_is_unreachable(tmp_path):
    """With no database to talk to, the health check says so with a 503."""
    from app import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite",
            "SECRET_KEY": "x",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("path", ["/", "/outcomes", "/join", "/sign-in"])
def test_pages_forbid_inline_script_and_outside_requests(client, path):
    """A strict CSP header, no inline scripts or handlers, and no address outside the site."""
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    assert not re.search(r"""(src|href|action)=["'](https?:)?//""", html), "outside address"


def test_every_page_has_one_status_region_and_a_main_landmark(client):
    """htmx changes are announced in the one role="status" region."""
    html = client.get("/").get_data(as_text=True)
    assert html.count('role="status"') == 1
    assert html.count("<main") == 1


def test_unknown_page_gets_a_friendly_404(client):
    """A missing page is explained in the site's layout, not a bare error."""
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "We could not find that page." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/ideas/99999999999999999999", "/consultations/2147483648", "/ideas/0"]
)
def test_ids_no_database_could_hold_are_not_found(client, path):
    """An id too large for a database integer is a 404 page, not a database error."""
    response = client.get(path)
    assert response.status_code == 404
    assert "We could not find that page." in response.get_data(as_text=True)


def test_pending_idea_is_private_to_its_author_and_staff(client, make, login):
    """Other young people cannot open an idea that has not been published."""
    idea = make.idea(published=False)
    login(make.user())
    assert client.get(f"/ideas/{idea.id}").status_code == 404


def test_draft_consultation_is_read_only_by_staff_of_its_library_service(client, make, login):
    """Drafts are for their own library service's staff: not found by anyone else."""
    from app.models import Phase

    consultation = make.consultation(phase=Phase.DRAFT)
    url = f"/consultations/{consultation.id}"
    assert client.get(url).status_code == 404
    login(make.user())
    assert client.get(url).status_code == 404
    for outsider in (make.staff(), make.staff(make.library_service())):
        client.post("/sign-out", data={"csrf_token": csrf_token(client)})
        login(outsider)
        assert client.get(url).status_code == 404
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    login(make.staff(consultation.library_service))
    assert client.get(url).status_code == 200
