"""Behind HTTPS (SESSION_COOKIE_SECURE=1): browsers are told to keep to HTTPS, and the session
cookie is one only this host can set, over HTTPS."""

import pytest

from tests.conftest import PASSWORD, csrf_token

HSTS = "Strict-Transport-Security"
# The application as a site behind HTTPS runs it.
behind_https = pytest.mark.parametrize("app_settings", [{"SESSION_COOKIE_SECURE": True}])


def https_client(app):
    """A browser on the HTTPS site."""
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


@behind_https
def test_behind_https_pages_and_static_files_ask_browsers_to_keep_to_https(app):
    """Every answer carries HSTS, pages and static files alike."""
    client = https_client(app)
    page = client.get("/outcomes")
    assert page.headers[HSTS] == "max-age=31536000"
    css = page.get_data(as_text=True).split('rel="stylesheet" href="')[1].split('"')[0]
    assert client.get(css).headers[HSTS] == "max-age=31536000"


@behind_https
def test_behind_https_the_session_cookie_is_a_host_only_secure_cookie(app, make):
    """Signing in sets `__Host-session`: Secure, for every path, with no Domain."""
    user = make.user()
    client = https_client(app)
    response = client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(client), "username": user.username, "password": PASSWORD},
    )
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie
    assert "Path=/" in cookie
    assert "Domain" not in cookie
    assert client.get("/my-ideas").status_code == 200


def test_without_https_there_is_no_hsts_and_the_cookie_keeps_its_plain_name(client, make, login):
    """A site on plain HTTP (development) sends no HSTS, which would lock browsers out."""
    assert HSTS not in client.get("/outcomes").headers
    login(make.user())
    assert client.get_cookie("session") is not None
