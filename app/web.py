"""How views answer (a full page or an htmx partial), where to go after a form, the site's
public addresses, and the input refused before any view runs."""

import re
from urllib.parse import urlsplit

from flask import abort, current_app, make_response, redirect, render_template, request, url_for

# C0 controls, DEL and C1 controls: no address on this site has one, and a line break in a
# return address could forge a header, a NUL cannot be stored by PostgreSQL nor opened as a file.
CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")


def has_control_character(text: str) -> bool:
    """Whether `text` holds a control character (a tab or line break counts)."""
    return CONTROL_CHARACTER.search(text) is not None


# Host names that can only mean the machine the browser runs on: a site run with `make run`.
THIS_MACHINE = frozenset({"localhost", "127.0.0.1", "::1"})


def public_address(endpoint: str, **values) -> str | None:
    """This site's absolute address of a page, for what is printed or shared (posters, QR codes).

    It starts with PUBLIC_URL. Without it, the request's own host is used only when it names
    this machine, as in development: anyone can send any Host header, and an address printed
    from a forged one would send a class to someone else's site. Otherwise None.
    """
    path = url_for(endpoint, **values)
    if current_app.config["PUBLIC_URL"]:
        return current_app.config["PUBLIC_URL"] + path
    if urlsplit(f"//{request.host}").hostname in THIS_MACHINE:
        return request.host_url.rstrip("/") + path
    return None


# Pages for staff, QLP teams and admins, who mostly work at a desk: on a wide screen they use the
# width (base.html gives their <body> the class "layout-wide"; static/css/app.css).
WIDE_PAGE_PREFIXES = (
    "/staff/",
    "/codesign/",
    "/review/",
    "/admin/",
    "/safeguarding/",
    "/evidence/",
)


def is_wide_page() -> bool:
    """True on a staff, QLP or admin page."""
    return request.path.startswith(WIDE_PAGE_PREFIXES)


def is_htmx() -> bool:
    """True when htmx sent the request (and will swap part of the page)."""
    return request.headers.get("HX-Request") == "true"


def render(page: str, partial: str | None = None, status: int = 200, **context):
    """Render the whole page, or only its partial when htmx asks for it.

    A form sent back with mistakes is a 400 page, whose title starts "Error:" (base.html); as
    an htmx partial it is a 422, which htmx is configured (base.html) to swap in place, so the
    mistakes show beside the fields. Other 4xx answers, such as a failed CSRF check, are not
    swapped into the page.
    """
    context.setdefault("page_has_errors", status == 400)
    template = partial if partial and is_htmx() else page
    if template is partial and status == 400:
        status = 422
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def after_post(redirect_to: str, partial: str | None = None, **context):
    """Answer a successful POST: the partial for htmx, otherwise a 303 to a page."""
    if partial and is_htmx():
        response = make_response(render_template(partial, **context))
    else:
        response = redirect(redirect_to, code=303)
    response.vary.add("HX-Request")
    return response


def local_path(target: str | None, default: str) -> str:
    """Accept only a path on this site as somewhere to return to."""
    if not target:
        return default
    if has_control_character(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def render_listing(page: str, listing, status: int = 200, **context):
    """A page built around one paged list (`listing`); see app/pagination.py.

    htmx gets the list alone when it starts afresh, and only the items to append (with the
    next "Show more") when it continues from a cursor.
    """
    partial = "_more.html" if listing.page.continues else "_listing.html"
    return render(page, partial, status=status, listing=listing, **context)


def refuse_unusable_input() -> None:
    """Refuse (400), before anything is done, input that no field here accepts.

    No form takes a file, and no text may hold a NUL character (PostgreSQL cannot store one),
    in the query or the form, names or values. The path may hold no control character at all:
    routes pass parts of it to the database, and static files to the file system.
    """
    if request.files or has_control_character(request.path):
        abort(400)
    for values in (request.args, request.form):
        for name, entries in values.lists():
            if "\x00" in name or any("\x00" in entry for entry in entries):
                abort(400)
