"""Translated messages keep the values in them as text: escaped in HTML, plain elsewhere."""

import subprocess
import sys

from flask import flash, get_flashed_messages, render_template_string
from markupsafe import escape

from app.i18n import _, _l
from app.models import Role

MARKUP = '<i hx-post="/admin/users/1/role" hx-trigger="load">x</i>'


def test_a_value_in_a_lazy_message_is_escaped_in_a_page(app):
    message = _l("“%(title)s” is already part of a service.", title=MARKUP)
    with app.test_request_context():
        html = render_template_string("<p>{{ message }}</p>", message=message)
    assert MARKUP not in html
    assert f"<p>“{escape(MARKUP)}” is already part of a service.</p>" == html


def test_a_value_in_a_lazy_message_is_plain_text_outside_a_page(app):
    with app.test_request_context():
        message = _l("%(name)s already works on this service.", name="Tom & Jerry <3")
        assert str(message) == "Tom & Jerry <3 already works on this service."


def test_a_lazy_message_without_values_is_shown_as_written(app):
    label = _l("Only library staff can do that.")
    with app.test_request_context():
        assert render_template_string("{{ m }}", m=label) == "Only library staff can do that."
        inner = render_template_string("{{ m }}", m=_l("Status: %(s)s", s=_l("In co-design")))
    assert inner == "Status: In co-design"


def test_a_flashed_lazy_message_keeps_its_value_escaped_through_the_session(app):
    with app.test_request_context():
        flash(_l("%(name)s does not work on this service.", name=MARKUP))
        stored = app.session_interface.serializer.dumps(
            {"_flashes": [("message", m) for m in get_flashed_messages()]}
        )
    with app.test_request_context():
        (_category, message), *_ = app.session_interface.serializer.loads(stored)["_flashes"]
        html = render_template_string("{{ m }}", m=message)
    assert MARKUP not in html
    assert escape(MARKUP) in html


def test_an_eager_message_with_a_value_is_text_that_the_page_escapes(app):
    with app.test_request_context():
        html = render_template_string("{{ m }}", m=_("Saved %(name)s.", name=MARKUP))
    assert MARKUP not in html


def test_flask_babels_own_translation_functions_are_refused_by_the_linter():
    source = "from flask_babel import lazy_gettext as _l\n\nMESSAGE = _l('Hello %(n)s', n=1)\n"
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--stdin-filename", "app/anything.py", "-"],
        input=source,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "TID251" in result.stdout


def test_an_idea_title_in_a_refusal_is_shown_as_text_to_an_admin(client, make, login):
    """The reported exploit: a pending idea's title in /codesign/new's refusal stays inert."""
    idea = make.idea(published=False, title=MARKUP)
    login(make.user(Role.ADMIN))
    response = client.get(f"/codesign/new?idea={idea.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert MARKUP not in html
    assert str(escape(MARKUP)) in html
