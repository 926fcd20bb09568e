"""The look of the young people's side: each consultation's colour and picture, chosen by staff;
an idea's journey on its page and in My ideas; a celebration when an idea is sent or a vote cast."""

import re
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.models import Colour, Consultation, LibraryService, Phase, Picture
from app.models.consultations import default_colour, default_picture
from app.moderation import services
from tests.conftest import csrf_token


def form_data(client, library: LibraryService, **changes) -> dict:
    """The consultation form as a browser would post it, with some fields changed."""
    data = {
        "csrf_token": csrf_token(client),
        "question": "What should the library do next summer?",
        "description": "",
        "library_service": str(library.id),
        "branch": "",
        "opens_at": "",
        "closes_at": "",
        "vote_budget": "",
    }
    return {**data, **changes}


def save(actor, consultation, library, **choices) -> Consultation:
    """Save a consultation through the service, with the choices given."""
    return services.save_consultation(
        actor,
        consultation,
        library_service_id=library.id,
        branch_id=None,
        question="What should the library do next summer?",
        description="",
        opens_at=None,
        closes_at=None,
        vote_budget=None,
        **choices,
    )


# --- Colour and picture -----------------------------------------------------------------------


def test_a_new_consultation_without_a_choice_gets_the_colour_and_picture_its_id_gives(make):
    """Staff need not choose: consultations one after another do not all look alike."""
    library = make.library_service()
    staff = make.staff(library)
    first = save(staff, None, library)
    second = save(staff, None, library)
    assert (first.colour, first.picture) == (default_colour(first.id), default_picture(first.id))
    assert (second.colour, second.picture) == (
        default_colour(second.id),
        default_picture(second.id),
    )
    assert first.colour != second.colour and first.picture != second.picture


def test_staff_choose_a_colour_and_picture_and_a_change_without_them_keeps_them(make):
    """What staff chose is kept, audited, and not lost when the consultation is changed."""
    library = make.library_service()
    staff = make.staff(library)
    consultation = save(staff, None, library, colour=Colour.BERRY, picture=Picture.ROCKET)
    assert (consultation.colour, consultation.picture) == (Colour.BERRY, Picture.ROCKET)
    save(staff, consultation, library)
    db.session.expire_all()
    assert (consultation.colour, consultation.picture) == (Colour.BERRY, Picture.ROCKET)


def test_staff_choose_the_colour_and_picture_on_the_form(client, make, login):
    """The form offers every colour and picture, starts on the chosen ones and saves a change."""
    library = make.library_service()
    login(make.staff(library))
    consultation = make.consultation(
        library_service=library, colour=Colour.LEAF, picture=Picture.STAR
    )
    url = f"/staff/consultations/{consultation.id}/edit"
    html = client.get(url).get_data(as_text=True)
    for colour in Colour:
        assert f'class="swatch theme-{colour.value}"' in html
    assert re.search(r'<input checked[^>]*value="leaf"|value="leaf"[^>]*checked', html)
    assert re.search(r'<input checked[^>]*value="star"|value="star"[^>]*checked', html)
    response = client.post(url, data=form_data(client, library, colour="coral", picture="music"))
    assert response.status_code == 303
    db.session.expire_all()
    assert (consultation.colour, consultation.picture) == (Colour.CORAL, Picture.MUSIC)


def test_a_colour_outside_the_palette_gets_a_message_and_changes_nothing(client, make, login):
    """Only the named, contrast-checked colours can be chosen."""
    library = make.library_service()
    login(make.staff(library))
    consultation = make.consultation(library_service=library, colour=Colour.SKY)
    url = f"/staff/consultations/{consultation.id}/edit"
    response = client.post(
        url, data=form_data(client, library, colour="red", question="Changed question")
    )
    assert response.status_code == 400
    assert "Choose one of the answers given for “Colour”." in response.get_data(as_text=True)
    db.session.expire_all()
    assert consultation.colour == Colour.SKY
    assert consultation.question == "What should the library do?"


def test_the_home_page_and_the_consultation_page_show_its_colour_and_picture(client, make):
    """A class names the colour (no inline style, for the strict CSP); the picture is drawn
    inline and hidden from screen readers, as the question says it all."""
    consultation = make.consultation(Phase.VOTING_OPEN, colour=Colour.GRAPE, picture=Picture.SPEECH)
    home = client.get("/").get_data(as_text=True)
    assert 'class="card consultation-card theme-grape"' in home
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert 'class="consultation-header theme-grape"' in page
    for html in (home, page):
        # A speech bubble points a way, so it turns round in right-to-left pages.
        assert '<svg class="picture points-way" viewBox="0 0 48 48" aria-hidden="true"' in html
        assert "style=" not in html


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_upgrading_gives_existing_consultations_the_colour_and_picture_their_id_gives(
    empty_database_uri,
):
    """Consultations from before the look do not all turn sky blue with a book."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_uri, "SECRET_KEY": "test"})
    with app.app_context():
        flask_migrate.upgrade(revision="5e3c9a1d7b20")
        with db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO library_services (id, name, created_at) VALUES (1, 'L', :now)"),
                {"now": datetime.now(UTC)},
            )
            for n in range(1, 4):
                connection.execute(
                    text(
                        "INSERT INTO consultations (id, library_service_id, question, description,"
                        " phase, created_at) VALUES (:id, 1, 'Q', '', 'closed', :now)"
                    ),
                    {"id": n, "now": datetime.now(UTC)},
                )
        flask_migrate.upgrade()
        with db.engine.begin() as connection:
            rows = connection.execute(
                text("SELECT id, colour, picture FROM consultations ORDER BY id")
            ).all()
        assert rows == [(n, default_colour(n).value, default_picture(n).value) for n in (1, 2, 3)]
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()


# --- The journey ------------------------------------------------------------------------------


def test_the_idea_page_shows_its_journey_with_the_current_step_marked(client, make):
    """An idea in a vote is at "Voting": the step named in words, marked for screen readers."""
    idea = make.idea()
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert '<ol class="journey"' in html
    assert re.search(r'<li class="step-current" aria-current="step">\s*Voting', html)
    assert html.count('aria-current="step"') == 1
    assert html.count("(done)") == 2
    colour = idea.consultation.colour.value
    assert f'<p class="meta in-answer-to theme-{colour}"><svg class="icon"' in html


def test_my_ideas_shows_each_ideas_journey_and_an_honest_side_state(client, make, login):
    """A waiting idea is at "Sent"; a withdrawn one has no current step but says so."""
    author = make.user()
    waiting = make.idea(published=False, author=author, title="Waiting idea")
    taken_back = make.idea(published=False, author=author, title="Taken back idea")
    login(author)
    client.post(f"/ideas/{taken_back.id}/withdraw", data={"csrf_token": csrf_token(client)})
    html = client.get("/my-ideas").get_data(as_text=True)
    assert html.count('<ol class="journey"') == 2
    assert html.count('aria-current="step"') == 1
    assert re.search(r'aria-current="step">\s*Sent', html)
    assert '<p class="journey-side">Taken back by the person who sent it</p>' in html
    assert waiting.title in html


# --- Celebration ------------------------------------------------------------------------------


def test_sending_an_idea_is_celebrated_beside_the_thank_you(client, make, login):
    """The idea's page opens with the thank-you marked for the star."""
    consultation = make.consultation(Phase.PROPOSALS_OPEN)
    login(make.user())
    response = client.post(
        f"/consultations/{consultation.id}/propose",
        data={"csrf_token": csrf_token(client), "title": "Board games", "description": "Fun."},
        follow_redirects=True,
    )
    assert '<p class="celebrate">Thank you! Library staff will check your idea' in (
        response.get_data(as_text=True)
    )


def test_a_vote_cast_is_celebrated_and_a_vote_taken_back_is_not(client, make, login):
    """With htmx the vote block and the status say it with a star; taking the vote back, and
    without JavaScript the page opened after the vote, likewise only when a vote was cast."""
    idea = make.idea()
    login(make.user())

    def send(action, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        data = {"csrf_token": csrf_token(client), "next": f"/consultations/{idea.consultation_id}"}
        return client.post(
            f"/ideas/{idea.id}/{action}", data=data, headers=headers, follow_redirects=True
        ).get_data(as_text=True)

    cast = send("vote", htmx=True)
    assert f'<div class="vote vote-cast" id="vote-{idea.id}"' in cast
    assert '<p class="celebrate">Your vote is counted.' in cast
    taken_back = send("unvote", htmx=True)
    assert "celebrate" not in taken_back and "vote-cast" not in taken_back
    without_javascript = send("vote", htmx=False)
    assert '<p class="celebrate">Your vote is counted.</p>' in without_javascript
    assert f'<div class="vote vote-cast" id="vote-{idea.id}"' in without_javascript
    taken_back = send("unvote", htmx=False)
    assert '<p class="celebrate">' not in taken_back and "vote-cast" not in taken_back


# --- Contrast of the palette ------------------------------------------------------------------

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "css" / "app.css"


def luminance(colour: str) -> float:
    """The relative luminance of a #rrggbb colour (WCAG 2)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The contrast ratio of two #rrggbb colours."""
    light, dark = sorted([luminance(one), luminance(other)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_colour_pair_of_the_palette_reaches_aa_contrast_for_text():
    """Each consultation colour's words on white and on its wash, the ink on each wash, and
    the site's own pairs: 4.5:1 at least (axe checks them on the pages too)."""
    css = STYLESHEET.read_text()
    root = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6});", css[: css.index("}")]))
    pairs = {
        "ink on paper": (root["ink"], root["paper"]),
        "muted on paper": (root["muted"], root["paper"]),
        "muted on wash": (root["muted"], root["wash"]),
        "brand on paper": (root["brand"], root["paper"]),
        "paper on brand": (root["paper"], root["brand"]),
        "brand-dark on brand-wash": (root["brand-dark"], root["brand-wash"]),
        "ink on brand-wash": (root["ink"], root["brand-wash"]),
    }
    for colour in Colour:
        hexes = r"--theme: (#[0-9a-f]{6}); --theme-wash: (#[0-9a-f]{6});"
        rule = re.search(rf"\.theme-{colour.value} {{ {hexes} }}", css)
        assert rule, f"no .theme-{colour.value} in app.css"
        strong, wash = rule.groups()
        pairs[f"{colour} on paper"] = (strong, root["paper"])
        pairs[f"{colour} on its wash"] = (strong, wash)
        pairs[f"ink on {colour}'s wash"] = (root["ink"], wash)
    ratios = {name: round(contrast(*pair), 2) for name, pair in pairs.items()}
    assert {name: ratio for name, ratio in ratios.items() if ratio < 4.5} == {}
