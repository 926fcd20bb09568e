"""Refused votes show beside the idea's button; a used budget says so on every idea; vote
buttons are named with their idea's title."""

import re
from html import unescape

from app.extensions import db
from app.models import Phase, Vote
from tests.conftest import csrf_token

HTMX = {"HX-Request": "true"}


def budgeted(make, budget: int, ideas: int = 3):
    """A consultation open for votes with a budget, and its ideas (titles Idea A, B, ...)."""
    consultation = make.consultation(vote_budget=budget)
    made = [make.idea(consultation, title=f"Idea {chr(65 + n)}") for n in range(ideas)]
    consultation.phase = Phase.VOTING_OPEN
    db.session.commit()
    return consultation, made


def post(client, idea, action="vote", htmx=False, shown=(), page=None):
    """Post a vote form from the consultation page, as the browser would (htmx sends `shown`)."""
    data = {
        "csrf_token": csrf_token(client),
        "next": page or f"/consultations/{idea.consultation_id}",
        "shown": [str(n) for n in shown],
    }
    return client.post(f"/ideas/{idea.id}/{action}", data=data, headers=HTMX if htmx else {})


def block(html: str, idea) -> str:
    """One idea's vote block (ideas/_vote.html), as the page or answer holds it."""
    found = re.search(
        rf'<div class="vote(?: vote-cast)?" id="vote-{idea.id}"[^>]*>.*?</div>', html, re.S
    )
    assert found, f"no vote block for idea {idea.id}"
    return found.group(0)


def text(html: str) -> str:
    """The words of some markup, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def status(html: str) -> str:
    """What the status region says."""
    return text(re.search(r'<div id="status".*?</div>', html, re.S).group(0))


USED_TWO = "You have used your 2 votes. Take one back to vote for this."


# A refusal beside the button that was tapped -----------------------------------------------


def test_an_htmx_refusal_shows_inside_the_tapped_ideas_block_and_describes_its_button(
    client, make, login
):
    """A second vote on an idea (a stale page) is refused beside that idea's button."""
    idea = make.idea()
    login(make.user())
    post(client, idea, htmx=True)
    html = post(client, idea, htmx=True).get_data(as_text=True)
    tapped = block(html, idea)
    assert (
        f'<p class="vote-refusal" id="vote-refusal-{idea.id}">'
        "You have already voted for this idea.</p>" in tapped
    )
    assert f'aria-describedby="vote-refusal-{idea.id} vote-count-{idea.id}"' in tapped
    assert "You have already voted for this idea." in status(html)
    assert html.index(tapped) == 0, "the tapped block is what htmx swaps in place"


def test_without_javascript_a_refusal_returns_to_the_idea_and_shows_beside_its_button_only(
    client, make, login
):
    """The redirect opens the page at the idea; its block, and only its block, says why."""
    consultation, (first, second, _third) = budgeted(make, budget=3)
    login(make.user())
    post(client, second)
    response = post(client, second)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/consultations/{consultation.id}#vote-{second.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have already voted for this idea." in text(block(html, second))
    assert f'aria-describedby="vote-refusal-{second.id} vote-count-{second.id}"' in html
    assert "vote-refusal" not in block(html, first)
    assert "You have already voted for this idea." in status(html)
    again = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "already voted" not in again, "a refusal is shown once"


def test_a_refusal_on_the_idea_page_shows_beside_its_button(client, make, login):
    """From the idea's own page the refusal comes back to that page, beside the button."""
    idea = make.idea()
    login(make.user())
    post(client, idea, page=f"/ideas/{idea.id}")
    response = post(client, idea, page=f"/ideas/{idea.id}")
    assert response.headers["Location"] == f"/ideas/{idea.id}#vote-{idea.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have already voted for this idea." in text(block(html, idea))


# A used budget, said on every idea ------------------------------------------------------------


def test_with_every_vote_used_each_other_idea_says_so_instead_of_offering_a_button(
    client, make, login
):
    """No dead button: the note says the votes are used and links to "Your votes"."""
    consultation, (first, second, third) = budgeted(make, budget=2)
    login(make.user())
    post(client, first)
    post(client, second)
    html = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    note = block(html, third)
    assert USED_TWO in text(note)
    assert "<button" not in note and "<form" not in note
    assert f'href="/consultations/{consultation.id}#your-votes-{consultation.id}"' in note
    assert "Take back my vote" in block(html, first)
    assert "Take back my vote" in block(html, second)
    assert "You have 0 votes left in this consultation." in html


def test_your_votes_links_to_each_idea_holding_a_vote_whose_one_button_takes_it_back(
    client, make, login
):
    """ "Your votes" is a short list of links, so "Take back my vote" is on the page once per
    idea; taking one back frees the budget: the buttons come back."""
    consultation, (first, second, third) = budgeted(make, budget=2)
    login(make.user())
    post(client, first)
    post(client, second)
    html = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    mine = re.search(rf'<div id="your-votes-{consultation.id}".*?</ul>', html, re.S).group(0)
    assert "Your votes" in mine
    for idea in (first, second):
        assert f'href="/ideas/{idea.id}#vote-{idea.id}"' in mine
        assert html.count(f'aria-label="Take back my vote: {idea.title}"') == 1
    assert "<form" not in mine and "<button" not in mine
    assert third.title not in mine
    response = client.post(
        f"/ideas/{first.id}/unvote",
        data={"csrf_token": csrf_token(client), "next": f"/consultations/{consultation.id}"},
    )
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vote for this idea" in block(html, third)
    assert "You have used" not in html
    assert "Your votes" not in html


def test_a_budget_of_one_is_spoken_of_as_your_vote(client, make, login):
    """ngettext with the budget: one vote reads as "your vote"."""
    consultation, (first, second) = budgeted(make, budget=1, ideas=2)
    login(make.user())
    post(client, first)
    html = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "You have used your vote. Take it back to vote for this." in text(block(html, second))


def test_a_vote_refused_for_the_budget_shows_the_note_beside_that_idea(client, make, login):
    """Tapping Vote on a page from before the budget was used: the note, at that idea."""
    consultation, (first, second, third) = budgeted(make, budget=2)
    login(make.user())
    post(client, first)
    post(client, second)
    response = post(client, third)
    assert response.headers["Location"].endswith(f"#vote-{third.id}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert USED_TWO in text(block(html, third))
    assert "You have used all 2 of your votes here." in status(html)
    assert db.session.query(Vote).count() == 2


def test_the_htmx_vote_that_uses_the_last_one_changes_the_other_ideas_on_the_page(
    client, make, login
):
    """Out of band, each other idea the page shows swaps its button for the note."""
    consultation, (first, second, third) = budgeted(make, budget=2)
    elsewhere = make.idea(title="Idea in another consultation")
    login(make.user())
    shown = [first.id, second.id, third.id, elsewhere.id]
    html = post(client, first, htmx=True, shown=shown).get_data(as_text=True)
    assert f'id="vote-{second.id}" hx-swap-oob' not in html, "one vote left changes nothing"
    html = post(client, second, htmx=True, shown=shown).get_data(as_text=True)
    assert html.startswith(f'<div class="vote vote-cast" id="vote-{second.id}">')
    other = block(html, third)
    assert f'<div class="vote" id="vote-{third.id}" hx-swap-oob="true">' in other
    assert USED_TWO in text(other)
    assert f'id="vote-{first.id}" hx-swap-oob="true"' in html
    assert "Take back my vote" in block(html, first)
    assert f'id="vote-{elsewhere.id}"' not in html, "only this consultation's ideas"
    mine = re.search(rf'<div id="your-votes-{consultation.id}"[^>]*>', html).group(0)
    assert 'hx-swap-oob="true"' in mine
    assert 'aria-label="Take back my vote: Idea A"' in html


def test_taking_a_vote_back_with_htmx_gives_the_other_ideas_their_buttons_again(
    client, make, login
):
    """When the budget reopens, the notes turn back into Vote buttons, and "Your votes" empties."""
    consultation, (first, second, third) = budgeted(make, budget=2)
    login(make.user())
    shown = [first.id, second.id, third.id]
    post(client, first, htmx=True, shown=shown)
    post(client, second, htmx=True, shown=shown)
    html = post(client, second, action="unvote", htmx=True, shown=shown).get_data(as_text=True)
    other = block(html, third)
    assert 'hx-swap-oob="true"' in other
    assert "Vote for this idea" in other and "You have used" not in other
    assert "Vote for this idea" in block(html, second)
    emptied = re.search(rf'<div id="your-votes-{consultation.id}"[^>]*>(.*?)</div>', html, re.S)
    assert emptied and emptied.group(1).strip() == ""
    again = post(client, first, action="unvote", htmx=True, shown=shown).get_data(as_text=True)
    assert f'id="vote-{third.id}"' not in again, "with two of two left nothing else changes"


def test_names_of_ideas_the_page_shows_that_make_no_sense_are_ignored(client, make, login):
    """Words, huge numbers and hidden ideas in `shown` are left out; no error."""
    from app.ideas.services import change_status
    from app.models import IdeaStatus

    consultation, (first, second, third) = budgeted(make, budget=1)
    change_status(second, make.staff(consultation.library_service), IdeaStatus.HIDDEN, "Hidden.")
    login(make.user())
    shown = ["x", "9" * 5000, "-1", "0", str(2**63), str(second.id), str(third.id)]
    response = client.post(
        f"/ideas/{first.id}/vote",
        data={"csrf_token": csrf_token(client), "next": "/", "shown": shown},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="vote-{third.id}" hx-swap-oob="true"' in html
    assert f'id="vote-{second.id}"' not in html


# Vote buttons named with their idea -------------------------------------------------------------


def accessible_names(html: str) -> list[tuple[str, str]]:
    """(visible label, accessible name) of each button: its text, and its aria-label."""
    names = []
    for attributes, inner in re.findall(r"<button([^>]*)>(.*?)</button>", html, re.S):
        label = re.search(r'aria-label="([^"]*)"', attributes)
        names.append((text(inner), unescape(label.group(1)) if label else text(inner)))
    return names


def test_vote_buttons_are_named_with_their_ideas_title_after_the_words_they_show(
    client, make, login
):
    """The accessible name starts with the visible label (WCAG 2.5.3) and names the idea."""
    consultation, (first, second, _third) = budgeted(make, budget=3)
    login(make.user())
    post(client, first)
    html = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    names = dict(accessible_names(block(html, first)) + accessible_names(block(html, second)))
    assert names["Take back my vote"] == "Take back my vote: Idea A"
    assert names["Vote for this idea"] == "Vote for this idea: Idea B"
    idea_page = client.get(f"/ideas/{second.id}").get_data(as_text=True)
    assert ("Vote for this idea", "Vote for this idea: Idea B") in accessible_names(
        block(idea_page, second)
    )
