"""Form errors a phone user can find and fix: a summary at the top linking to each field,
"Error:" in the title, each invalid field marked, and words that say what to do."""

import ast
import re
from functools import cache
from pathlib import Path

import pytest
import wtforms
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectFieldBase

from app import create_app
from app.fields import Form
from app.models import Role
from tests.conftest import PASSWORD, csrf_token
from tests.test_hostile_forms import form_classes

HTMX = {"HX-Request": "true"}
SUMMARY = re.compile(r'<div class="error-summary" tabindex="-1"[^>]*>(.*?)</div>', re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@cache
def forms_app():
    """The app without a database: forms are checked here on their own."""
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )


@cache
def wtforms_own_words() -> list[re.Pattern]:
    """Every message WTForms' validators and fields would show, as patterns of whole messages.

    Read from its source: each string given to gettext or ngettext, placeholders matching anything.
    """
    root = Path(wtforms.__file__).parent
    patterns = []
    for path in [root / "validators.py", *(root / "fields").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("gettext", "ngettext")
            ):
                for argument in node.args:
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                        words = re.escape(argument.value)
                        words = re.sub(r"%\\\(\w+\\\)[sd]|%s", ".+", words)
                        patterns.append(re.compile(words))
    return patterns


def is_wtforms_default(message: str) -> bool:
    """True when `message` is one of WTForms' general messages, in its own words."""
    return any(pattern.fullmatch(message) for pattern in wtforms_own_words())


def messages_for(app, form_class, data: dict) -> list[str]:
    """Every message a form gives for `data`: its fields' and its own."""
    with app.test_request_context(method="POST"):
        form = form_class(formdata=MultiDict(data), meta={"csrf": False})
        for field in form:
            if isinstance(field, SelectFieldBase) and field.choices is None:
                field.choices = []  # choices a route sets from the database
        form.validate()
        return [str(m) for f in form for m in f.errors] + [str(m) for m in form.form_errors]


def test_the_wtforms_words_found_include_its_general_ones():
    """The guard below knows WTForms' words (else it would pass whatever they were)."""
    assert is_wtforms_default("This field is required.")
    assert is_wtforms_default("Field cannot be longer than 120 characters.")
    assert is_wtforms_default("Not a valid choice.")
    assert not is_wtforms_default("Choose your age group.")


def test_every_form_is_made_from_the_form_with_plain_words():
    """New forms get the plain-words defaults only by being an app.fields.Form."""
    not_plain = [f.__qualname__ for f in form_classes() if not issubclass(f, Form)]
    assert not_plain == [], "make these forms subclass app.fields.Form"


@pytest.mark.parametrize("sent", ["empty", "nonsense"])
def test_no_form_answers_a_mistake_with_wtforms_own_general_words(sent):
    """Every form, sent empty or with nonsense in every field, says what to do in each message."""
    app, checked = forms_app(), 0
    for form_class in form_classes():
        with app.test_request_context():
            names = [field.name for field in form_class(meta={"csrf": False})]
        data = {} if sent == "empty" else dict.fromkeys(names, "nonsense " * 600)
        for message in messages_for(app, form_class, data):
            checked += 1
            assert message.strip(), form_class.__qualname__
            assert not is_wtforms_default(message), (form_class.__qualname__, message)
    assert checked > 20


def test_general_messages_name_the_field_and_say_what_to_do():
    """Without words of its own, a mistake is told from the field's label and kind."""
    app = forms_app()
    from wtforms import DateField, IntegerField, RadioField, SelectChoice, StringField
    from wtforms.validators import DataRequired, Length, NumberRange, Optional

    class Example(Form):
        name = StringField("Name of the club", validators=[DataRequired(), Length(max=5)])
        day = DateField("Day it meets", validators=[DataRequired()])
        size = IntegerField("How many 100%", validators=[Optional(), NumberRange(min=1, max=9)])
        kind = RadioField("Kind", choices=[SelectChoice("a", "A")], validators=[DataRequired()])

    def errors(data):
        with app.test_request_context(method="POST"):
            form = Example(formdata=MultiDict(data), meta={"csrf": False})
            form.validate()
            return {name: [str(m) for m in messages] for name, messages in form.errors.items()}

    assert errors({}) == {
        "name": ["Fill in “Name of the club”."],
        "day": ["Enter a date for “Day it meets”."],
        "kind": ["Choose an answer for “Kind”."],
    }
    found = errors({"name": "Chess club", "day": "soon", "size": "40", "kind": "z"})
    assert found["name"] == ["Use 5 characters or fewer for “Name of the club”. You have used 10."]
    assert found["day"] == [
        "Enter a real date for “Day it meets”, as year-month-day, like 2026-03-31."
    ]
    assert found["size"] == ["Enter a number from 1 to 9 for “How many 100%”."]
    assert found["kind"] == ["Choose one of the answers given for “Kind”."]


def summary(html: str) -> str:
    """The error summary's markup; fails if there is none."""
    found = SUMMARY.search(html)
    assert found, "no error summary"
    return found.group(1)


def summary_links(html: str) -> dict[str, str]:
    """Each link in the error summary: the id it goes to, and its words."""
    return dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary(html)))


def title(html: str) -> str:
    """The page's title."""
    return TITLE.search(html).group(1).strip()


def invalid_ids(html: str) -> set[str]:
    """The ids of the inputs, selects and text areas marked aria-invalid."""
    tags = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    return {
        re.search(r'\bid="([^"]+)"', tag).group(1) for tag in tags if 'aria-invalid="true"' in tag
    }


def post(client, url: str, data: dict, htmx: bool = False):
    """POST a form with a valid CSRF token."""
    return client.post(
        url, data={"csrf_token": csrf_token(client), **data}, headers=HTMX if htmx else {}
    )


def test_empty_join_form_comes_back_with_a_summary_linking_to_each_field(client):
    """The summary is first in the form, links to each field (the first radio for the age
    group), the title starts "Error:", and every invalid input is marked, each radio too."""
    response = post(client, "/join", {"username": "", "password": "", "confirm": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert title(html).startswith("Error: Join")
    form = html[html.index('<form method="post" action="/join"') :]
    # After the hidden fields (the CSRF token, the suggested password), nothing before it.
    assert re.match(
        r'<form[^>]*>(\s*<input[^>]*type="hidden"[^>]*>)+\s*<div class="error-summary"', form
    )
    assert "There is a problem" in summary(html)
    assert summary_links(html) == {
        "username": "Enter a name of 3 to 30 letters or numbers.",
        "password": "Choose a password of at least 8 characters.",
        "confirm": "Type the password again.",
        "age_band-0": "Choose your age group.",
    }
    radios = {f"age_band-{n}" for n in range(5)}
    assert invalid_ids(html) == {"username", "password", "confirm"} | radios
    assert 'role="alert"' not in summary(html)


def test_a_form_without_mistakes_has_no_summary_and_a_plain_title(client):
    """Nothing is marked on a form shown afresh."""
    html = client.get("/join").get_data(as_text=True)
    assert not SUMMARY.search(html) and 'aria-invalid="true"' not in html
    assert title(html).startswith("Join")


def test_each_mistake_is_linked_once_and_only_the_invalid_fields_are_marked(client):
    """A join form with one mistake: one link, one field marked, its words beside it."""
    data = {"username": "river_fox", "password": "long-enough-pw", "confirm": "other-pw"}
    html = post(client, "/join", {**data, "age_band": "11-13"}).get_data(as_text=True)
    assert summary_links(html) == {"confirm": "The passwords do not match."}
    assert invalid_ids(html) == {"confirm"}
    error = r'<p class="error" id="confirm-error" hx-disable>.*The passwords do not match'
    assert re.search(error, html)


def test_sign_in_mistakes_link_to_the_fields_and_a_refusal_is_said_in_the_summary(client, make):
    """Empty fields are linked; a wrong password, which is no one field's, is said as text."""
    html = post(client, "/sign-in", {}).get_data(as_text=True)
    assert title(html).startswith("Error: ")
    assert summary_links(html) == {
        "username": "Enter the name you use on this site.",
        "password": "Enter your password.",
    }
    user = make.user()
    response = post(client, "/sign-in", {"username": user.username, "password": "not-" + PASSWORD})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "That name and password do not match an account." in summary(html)
    assert title(html).startswith("Error: ")


def test_empty_idea_comes_back_with_a_summary_and_words_that_say_what_to_write(client, make, login):
    """A young person's empty idea: both fields linked and marked, in plain words."""
    consultation = make.consultation()
    login(make.user())
    url = f"/consultations/{consultation.id}/propose"
    response = post(client, url, {"title": "", "description": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert title(html).startswith("Error: ")
    assert summary_links(html) == {
        "title": "Write your idea in a few words.",
        "description": "Tell us more: what your idea would be like, and who it helps.",
    }
    assert invalid_ids(html) == {"title", "description"}
    assert "This field is required" not in html


def test_a_staff_page_with_several_forms_summarises_only_the_one_sent(client, make, login):
    """The outcome-link form sent empty: its summary, its fields; the decision form untouched."""
    consultation = make.consultation()
    idea = make.idea(consultation)
    login(make.staff(consultation.library_service))
    response = post(
        client, f"/staff/ideas/{idea.id}/outcomes", {"link-outcome": "", "link-rationale": ""}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert title(html).startswith("Error: ")
    assert len(SUMMARY.findall(html)) == 1
    assert summary_links(html) == {
        "link-outcome": "Choose an outcome from the list.",
        "link-rationale": "Say why this idea serves this outcome.",
    }
    assert invalid_ids(html) == {"link-outcome", "link-rationale"}


def test_the_htmx_partial_sent_back_with_mistakes_has_the_summary_too(client, make, login):
    """An htmx form sent back as a 422 partial carries the same summary, links and marks."""
    login(make.staff(make.library_service()))
    data = {"partner-name": "", "partner-kind": "spaceship"}
    response = post(client, "/codesign/partners", data, htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert summary_links(html) == {
        "partner-name": "Please give the partner a name.",
        "partner-kind": "Choose one of the answers given for “Kind of organisation”.",
    }
    assert invalid_ids(html) == {"partner-name", "partner-kind"}
    page = post(client, "/codesign/partners", data).get_data(as_text=True)
    assert summary_links(page) == summary_links(html) and title(page).startswith("Error: ")


def test_checkbox_groups_link_to_their_first_box_and_mark_every_box(client, make, login):
    """A service sent without age bands: the link goes to the first box, each box is marked."""
    library_service = make.library_service()
    idea = make.accepted_idea(make.consultation(library_service=library_service))
    login(make.staff(library_service))
    response = post(client, "/codesign/new", {"idea": str(idea.id), "name": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html
    links = summary_links(html)
    assert links["age_bands-0"] == "Please choose the age bands the service is for."
    assert links["name"] == "Please give the service a name."
    assert {f"age_bands-{n}" for n in range(5)} <= invalid_ids(html)


def test_error_summary_and_marks_are_styled_beyond_colour():
    """The stylesheet marks invalid fields with a red border and a bar, radios with an outline."""
    css = (Path(forms_app().static_folder) / "css" / "app.css").read_text()
    assert '[aria-invalid="true"]' in css and "border-inline-start: 5px solid var(--error)" in css
    assert re.search(r'input\[type="radio"\]\[aria-invalid="true"\][^{]*\{[^}]*outline', css)


def test_the_title_of_a_refused_page_says_error_first(client, make, login):
    """Any page sent back with a 400 says "Error:" first in its title, one form or several."""
    login(make.user(Role.ADMIN))
    html = post(client, "/admin/library-services", {"service-name": ""}).get_data(as_text=True)
    assert title(html).startswith("Error: ")
    assert summary_links(html) == {"service-name": "Enter the name of the library service."}
