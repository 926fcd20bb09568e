"""Staff decide from the queue, in place, and link one outcome with the decision that approves an
idea; the outcome picker offers the stages that fit the idea first (issue 19, "Staff:
moderation in seconds")."""

import re

import pytest
from wtforms import Form as WTForm
from wtforms import SelectChoice, SelectField
from wtforms.widgets import Select

from app.extensions import db
from app.ideas.services import propose_idea
from app.models import AuditEntry, IdeaStatus, OutcomeLink, Role
from app.moderation import picking, services
from app.moderation.forms import SharedGroupsSelect
from app.rules import RuleError
from tests.conftest import csrf_token

HTMX = {"HX-Request": "true"}
EARLY_YEARS = ("promise.journey.1", "promise.journey.2", "promise.journey.3")


@pytest.fixture
def consultation(make):
    """A consultation open for ideas, in a library service of its own, about nothing in
    particular (no stage of the library journey is named)."""
    return make.consultation()


@pytest.fixture
def staff(make, login, consultation):
    """A signed-in member of staff of the consultation's library service."""
    return login(make.staff(consultation.library_service))


def author_aged(make, band: str):
    """A young person in the age band given."""
    user = make.user(Role.YOUNG_PERSON)
    user.age_band = band
    db.session.commit()
    return user


def group_codes(picker) -> list[str]:
    """The picker's groups, in order, by code."""
    return [group.code for group in picker.groups]


def decide_from_queue(client, idea, decision, htmx=False, **fields):
    """Press one of a queue card's decision buttons, with what was typed in the card."""
    prefix = f"idea-{idea.id}"
    data = {"csrf_token": csrf_token(client), f"{prefix}-decision": decision}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    return client.post(f"/staff/queue/ideas/{idea.id}", data=data, headers=HTMX if htmx else {})


def held_idea(make, consultation):
    """A waiting idea held for staff, as its words give a phone number."""
    return propose_idea(
        make.user(), consultation, "Homework help by text", "Text me on 07700 900123 for help."
    )


# The outcome picker, without HTTP ------------------------------------------------------------


def test_a_14_year_olds_idea_offers_secondary_stages_first_and_no_early_years(make, consultation):
    """For a 14 to 16-year-old's idea, the secondary-school stage comes first, and stages for
    babies and the early years are not offered until staff ask for every outcome."""
    idea = make.idea(consultation, published=False, author=author_aged(make, "14-16"))
    picker = picking.outcome_picker(idea)
    codes = group_codes(picker)
    assert codes[0] == "promise.journey.6"
    assert picker.groups[0].fits
    assert not set(EARLY_YEARS) & set(codes)
    offered = {choice.value for choice in picker.choices()}
    assert "promise.journey.1.1" not in offered
    assert "qlp.aim.c" in offered and "promise.vision.5" in offered
    assert picker.left_out == 7  # the outcomes of the three early-years stages

    every = picking.outcome_picker(idea, show_all=True)
    assert every.left_out == 0
    assert group_codes(every)[-3:] == list(EARLY_YEARS)
    assert "promise.journey.1.1" in {choice.value for choice in every.choices()}


def test_the_stages_a_consultation_is_about_come_first(make):
    """An idea answering a question about getting ready for secondary school, from a
    17-year-old: the transition to secondary school and the secondary stage lead."""
    consultation = make.consultation()
    consultation.question = "How could your library help you get ready for secondary school?"
    idea = make.idea(consultation, published=False, author=author_aged(make, "17-19"))
    codes = group_codes(picking.outcome_picker(idea))
    assert codes[:2] == ["promise.journey.5", "promise.journey.6"]
    # Then the frameworks' other headings, in source order, then the stages that do not fit.
    assert codes[2:4] == ["promise.vision", "promise.offer"]
    assert codes.index("qlp.outcome") < codes.index("promise.journey.4")


def test_a_younger_childs_idea_offers_the_primary_stages_first(make, consultation):
    """An 8 to 10-year-old's idea: primary age and moving to secondary school fit."""
    idea = make.idea(consultation, published=False, author=author_aged(make, "8-10"))
    codes = group_codes(picking.outcome_picker(idea))
    assert codes[:2] == ["promise.journey.4", "promise.journey.5"]
    assert not set(EARLY_YEARS) & set(codes)


def test_approving_links_one_outcome_in_the_same_decision(make, consultation):
    """One decision publishes the idea and links the outcome, with its short reason."""
    idea = make.idea(consultation, published=False)
    actor = make.staff(consultation.library_service)
    link = services.decide(idea, actor, IdeaStatus.PUBLISHED, "", "qlp.aim.c", "ok")
    assert idea.status == IdeaStatus.PUBLISHED
    assert (link.outcome.code, link.rationale, link.idea_id) == ("qlp.aim.c", "ok", idea.id)
    actions = [entry.action for entry in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions[-2:] == ["idea.status", "outcome.link"]


@pytest.mark.parametrize(
    ("decision", "message", "code", "rationale", "said"),
    [
        (IdeaStatus.REJECTED, "Not for now.", "qlp.aim.c", "ok", "only to an idea you approve"),
        (IdeaStatus.PUBLISHED, "", "qlp.aim.c", " ", "why the idea serves this outcome"),
        (IdeaStatus.PUBLISHED, "", "qlp.aim.z", "ok", "choose an outcome from the list"),
        (IdeaStatus.PUBLISHED, "", "", "ok", "choose an outcome from the list"),
    ],
)
def test_a_decision_refused_for_its_link_changes_nothing(
    make, consultation, decision, message, code, rationale, said
):
    """A bad link refuses the whole decision: the idea still waits, nothing is linked."""
    idea = make.idea(consultation, published=False)
    actor = make.staff(consultation.library_service)
    with pytest.raises(RuleError) as refused:
        services.decide(idea, actor, decision, message, code, rationale)
    assert said in str(refused.value.message).lower()
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PENDING
    assert db.session.query(OutcomeLink).count() == 0


def test_held_ideas_are_not_decided_from_the_queue(make, consultation):
    """An idea held for personal details keeps its extra step: its own page, to check its words."""
    idea = held_idea(make, consultation)
    actor = make.staff(consultation.library_service)
    with pytest.raises(RuleError, match="personal details"):
        services.decide_in_place(idea, actor, IdeaStatus.PUBLISHED)
    assert idea.status == IdeaStatus.PENDING


# The queue's cards, through the pages ---------------------------------------------------------


def test_each_waiting_idea_has_a_card_to_decide_on(client, make, consultation, staff):
    """Each card has the message, a grouped outcome select with the fitting stage first and no
    early years, a short reason, and the three decisions as buttons."""
    idea = make.idea(consultation, published=False, title="Homework help club")
    html = client.get("/staff/").get_data(as_text=True)
    card = html[html.index(f'id="queue-idea-{idea.id}"') :]
    assert f'action="/staff/queue/ideas/{idea.id}"' in card
    for name in ("message", "outcome", "rationale"):
        assert f'name="idea-{idea.id}-{name}"' in card
    groups = re.findall(r'<optgroup label="([^"]+)"', card)
    assert groups[0].endswith("Out of school engagement with secondary school children")
    assert not any("Pre-natal" in group for group in groups)
    assert "promise.journey.1.1" not in card
    buttons = re.findall(r'name="idea-\d+-decision" value="(\w+)"', card)
    assert buttons == ["published", "changes_requested", "rejected"]
    every = client.get("/staff/?outcomes=all").get_data(as_text=True)
    assert "promise.journey.1.1" in every


def test_without_javascript_a_card_approves_links_and_comes_back_to_the_queue(
    client, make, consultation, staff
):
    """The card's form posts, the idea is published and linked, and the queue says so."""
    idea = make.idea(consultation, published=False, title="Homework help club")
    response = decide_from_queue(
        client, idea, "published", outcome="promise.journey.6.3", rationale="ok"
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/")
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PUBLISHED
    assert [link.outcome.code for link in idea.outcome_links] == ["promise.journey.6.3"]
    html = client.get("/staff/").get_data(as_text=True)
    assert "Decision saved: Approve and publish, “Homework help club”." in html
    assert "Linked to promise.journey.6.3." in html
    assert f'id="queue-idea-{idea.id}"' not in html


def test_with_htmx_the_card_becomes_what_was_decided(client, make, consultation, staff):
    """htmx gets the decided card, the new count and the status message, not a page."""
    first = make.idea(consultation, published=False, title="Homework help club")
    make.idea(consultation, published=False, title="Board games")
    response = decide_from_queue(client, first, "changes_requested", True, message="Say more.")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<main" not in html
    assert f'id="queue-idea-{first.id}"' in html and "data-decided" in html
    assert "Decision saved: Ask for changes, “Homework help club”." in html
    assert 'id="status"' in html and 'hx-swap-oob="innerHTML"' in html
    assert "Waiting for a decision (1)" in html
    db.session.refresh(first)
    assert first.status == IdeaStatus.CHANGES_REQUESTED
    assert first.history[-1].message == "Say more."


@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_card_decision_says_why_and_changes_nothing(
    client, make, consultation, staff, htmx
):
    """Rejecting without a message, or linking an outcome to a rejection: the card comes back
    with the reason beside what was typed (a page, or the card alone for htmx)."""
    idea = make.idea(consultation, published=False)
    response = decide_from_queue(client, idea, "rejected", htmx)
    assert response.status_code == (422 if htmx else 400)
    html = response.get_data(as_text=True)
    assert "Please write a message" in html
    assert ("<main" in html) is not htmx
    response = decide_from_queue(
        client, idea, "rejected", htmx, message="Not now.", outcome="qlp.aim.c", rationale="ok"
    )
    html = response.get_data(as_text=True)
    assert "only to an idea you approve" in html
    assert "Not now." in html  # what was typed stays
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PENDING
    assert db.session.query(AuditEntry).count() == 0


def test_held_ideas_keep_their_extra_step_in_the_queue(client, make, consultation, staff):
    """A held idea's card links to its page to check the words, and a decision sent from the
    queue is refused."""
    idea = held_idea(make, consultation)
    html = client.get("/staff/").get_data(as_text=True)
    card = html[html.index(f'id="queue-idea-{idea.id}"') :]
    card = card[: card.index("</li>")]
    assert "Check the words, then decide" in card
    assert "<form" not in card
    response = decide_from_queue(client, idea, "published")
    assert response.status_code == 400
    assert "Open it to check its words" in response.get_data(as_text=True)
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PENDING


def test_staff_of_another_library_service_cannot_decide_from_the_queue(
    client, make, consultation, login
):
    """Only staff of the idea's library service (and admins) decide on it."""
    idea = make.idea(consultation, published=False)
    login(make.staff(make.library_service()))
    assert decide_from_queue(client, idea, "published").status_code == 403
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PENDING


def test_the_ideas_page_approves_and_links_in_one_submit(client, make, consultation, staff):
    """The idea's own moderation page decides and links in the same form too."""
    idea = make.idea(consultation, published=False)
    page = client.get(f"/staff/ideas/{idea.id}").get_data(as_text=True)
    assert 'name="decision-outcome"' in page and 'name="decision-rationale"' in page
    response = client.post(
        f"/staff/ideas/{idea.id}/decision",
        data={
            "csrf_token": csrf_token(client),
            "decision-decision": "published",
            "decision-outcome": "qlp.aim.c",
            "decision-rationale": "Planned with young people.",
        },
    )
    assert response.status_code == 303
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PUBLISHED
    assert [(link.outcome.code, link.rationale) for link in idea.outcome_links] == [
        ("qlp.aim.c", "Planned with young people.")
    ]


def test_a_page_of_cards_draws_each_outcome_group_once_and_still_marks_the_chosen_outcome():
    """The queue's cards share the outcome groups drawn for the first card; what each card shows
    is exactly what a plain grouped select shows, the chosen outcome marked, words escaped."""

    class Card(WTForm):
        outcome = SelectField()

    choices = [
        SelectChoice("", "No outcome for now"),
        SelectChoice("a.1", "a.1 <b>One</b>", optgroup="A & co"),
        SelectChoice("a.2", "a.2 Two", optgroup="A & co"),
        SelectChoice("b.1", "b.1 Three", optgroup="B"),
    ]
    rendered = {}

    def drawn(chosen, widget):
        card = Card(data={"outcome": chosen})
        card.outcome.choices = choices
        card.outcome.widget = widget
        return str(card.outcome())

    for chosen in (None, "a.2", None, "b.1"):
        assert drawn(chosen, SharedGroupsSelect(rendered)) == drawn(chosen, Select())
    assert set(rendered) == {"A & co", "B"}
    assert "&lt;b&gt;One&lt;/b&gt;" in rendered["A & co"] and "selected" not in rendered["B"]
