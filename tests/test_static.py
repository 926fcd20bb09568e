"""Static files under content-hashed addresses, and compressed pages: less sent, less often."""

import re
from pathlib import Path

import brotli
import pytest

from app import SECURITY_HEADERS
from app.assets import StaticFiles

ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def assets(client, path: str = "/outcomes") -> list[str]:
    """The static addresses a page links to."""
    return ASSET.findall(client.get(path).get_data(as_text=True))


def test_pages_link_static_files_under_addresses_with_their_digest(client):
    """The stylesheet, scripts and icon each carry a 12-character digest of their bytes."""
    found = assets(client)
    assert len(found) == 4
    for address in found:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js|svg)$", address), address


def test_a_hashed_static_file_is_cached_for_a_year_and_never_checked(client):
    """Immutable and public for a year: a repeat visit does not ask for it again."""
    for address in assets(client):
        response = client.get(address)
        assert response.status_code == 200
        cache = response.headers["Cache-Control"]
        assert "immutable" in cache and "max-age=31536000" in cache and "public" in cache


def test_static_responses_set_no_cookie_and_run_no_query(client, make, login, count_queries):
    """Even for someone signed in, a static file reads no session and touches no database."""
    login(make.user())
    addresses = assets(client, "/my-ideas")
    for address in addresses:
        with count_queries() as counted:
            response = client.get(address, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200
        assert len(counted) == 0, counted.statements
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")
        for name, value in SECURITY_HEADERS.items():  # the same as every page's
            assert response.headers[name] == value


def test_text_files_come_compressed_with_brotli_or_gzip(client):
    """Brotli where the browser takes it, gzip otherwise, and the bytes decode to the file."""
    script = next(a for a in assets(client) if "htmx" in a)
    plain = client.get(script, headers={"Accept-Encoding": ""})
    assert "Content-Encoding" not in plain.headers
    squeezed = client.get(script, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert squeezed.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in squeezed.headers["Vary"]
    assert brotli.decompress(squeezed.get_data()) == plain.get_data()
    assert len(squeezed.get_data()) < len(plain.get_data()) / 3
    gzipped = client.get(script, headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("address", ["/static/css/app.css", "/static/css/app.0123456789ab.css"])
def test_a_plain_or_outdated_address_answers_but_must_be_checked(client, address):
    """The file's own name, or a digest from before a change, gets today's file, not cached."""
    with client.get(address) as response:
        assert response.status_code == 200
        assert b":root" in response.get_data()
        assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "address", ["/static/nothing.css", "/static/../app/config.py", "/static/css/"]
)
def test_a_missing_static_file_is_the_sites_404_page(client, address):
    """No file, no escape from the folder: the friendly not-found page."""
    response = client.get(address)
    assert response.status_code == 404
    assert "We could not find that page." in response.get_data(as_text=True)


def test_a_changed_file_gets_a_new_address(tmp_path):
    """The digest follows the bytes, so a new version is never served from an old cache."""
    (tmp_path / "site.css").write_text("body { color: black; }")
    files = StaticFiles(None, str(tmp_path), "/static", {})
    before = files.hashed_name("site.css")
    assert files.original_name(before) == ("site.css", True)
    (tmp_path / "site.css").write_text("body { color: navy; }")
    after = files.hashed_name("site.css")
    assert after != before
    assert files.original_name(before) == ("site.css", False)
    assert files.hashed_name("missing.css") == "missing.css"


def test_pages_are_compressed_for_browsers_that_accept_it(client):
    """HTML goes out as Brotli, and caches are told it varies by encoding and by htmx."""
    response = client.get("/outcomes", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"
    assert b"<!doctype html>" in brotli.decompress(response.get_data())
    vary = response.headers["Vary"]
    assert "Accept-Encoding" in vary and "HX-Request" in vary


@pytest.mark.parametrize("name", ["app.css", "guide.css"])
def test_the_stylesheet_names_no_physical_side(name):
    """Right-to-left pages mirror the layout only if the CSS says start and end, never left
    and right (margin-inline-start, border-inline-start, text-align: start, inset-inline-*)."""
    css = (Path(__file__).resolve().parents[1] / "static" / "css" / name).read_text()
    physical = re.compile(
        r"(?:margin|padding|border)-(?:left|right)|(?<![-\w])(?:left|right)\s*:"
        r"|text-align:\s*(?:left|right)|float:\s*(?:left|right)"
    )
    found = [line.strip() for line in css.splitlines() if physical.search(line)]
    assert found == []
