"""Voting through HTTP: the plain form, the htmx partial, and CSRF."""

from app.extensions import db
from app.ideas.services import cast_vote, change_status
from app.models import IdeaStatus, Phase, Vote
from tests.conftest import csrf_token
from tests.test_finding_ideas import add_idea
from tests.test_lists import signed_in


def vote(client, idea, htmx=False, token=True, action="vote"):
    """Post the vote form as a browser would (with or without htmx)."""
    data = {"next": f"/consultations/{idea.consultation_id}"}
    if token:
        data["csrf_token"] = csrf_token(client)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/ideas/{idea.id}/{action}", data=data, headers=headers)


def test_vote_without_javascript_redirects_back_with_the_new_count(client, make, login):
    """The plain form posts, answers 303 to the page it came from, at the idea's vote."""
    idea = make.idea()
    login(make.user())
    response = vote(client, idea)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/consultations/{idea.consultation_id}#vote-{idea.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 vote" in page
    assert "Take back my vote" in page
    assert "Your vote is counted." in page


def test_vote_with_htmx_returns_the_button_and_count_partial(client, make, login):
    """htmx gets the swapped button, the count out of band, and a status message; no layout."""
    idea = make.idea()
    login(make.user())
    response = vote(client, idea, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in html
    assert f'id="vote-{idea.id}"' in html
    assert "Take back my vote" in html
    assert f'<span id="vote-count-{idea.id}" class="vote-count" hx-swap-oob="true">1 vote' in html
    assert 'role="status" hx-swap-oob="innerHTML"' in html


def test_unvote_with_htmx_swaps_back_to_the_vote_button(client, make, login):
    """Taking a vote back through htmx shows the vote button and a count of zero."""
    idea = make.idea()
    login(make.user())
    vote(client, idea, htmx=True)
    html = vote(client, idea, htmx=True, action="unvote").get_data(as_text=True)
    assert "Vote for this idea" in html
    assert "0 votes" in html


def test_second_vote_by_same_person_is_refused_with_a_message(client, make, login):
    """Voting twice keeps one vote and says so."""
    idea = make.idea()
    login(make.user())
    vote(client, idea, htmx=True)
    html = vote(client, idea, htmx=True).get_data(as_text=True)
    assert "You have already voted for this idea." in html
    db.session.refresh(idea)
    assert idea.vote_count == 1


def test_vote_without_csrf_token_is_refused_and_changes_nothing(client, make, login):
    """A forged form (no token) gets 400 and no vote is stored."""
    idea = make.idea()
    login(make.user())
    response = vote(client, idea, token=False)
    assert response.status_code == 400
    assert "This form had expired" in response.get_data(as_text=True)
    assert db.session.query(Vote).count() == 0


def test_vote_by_get_is_not_allowed(client, make, login):
    """State never changes on GET."""
    idea = make.idea()
    login(make.user())
    assert client.get(f"/ideas/{idea.id}/vote").status_code == 405
    assert db.session.query(Vote).count() == 0


def test_anonymous_vote_is_sent_to_sign_in(client, make):
    """Someone not signed in is redirected to sign in, and nothing is stored."""
    idea = make.idea()
    response = vote(client, idea)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    assert db.session.query(Vote).count() == 0


def test_anonymous_htmx_vote_asks_htmx_to_go_to_sign_in(client, make):
    """htmx is told to load the sign-in page (returning to the page after), not swap it in."""
    idea = make.idea()
    page = f"/consultations/{idea.consultation_id}"
    response = client.post(
        f"/ideas/{idea.id}/vote",
        data={"csrf_token": csrf_token(client)},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://localhost{page}"},
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True) == ""
    assert response.headers["HX-Redirect"] == "/sign-in?next=%2Fconsultations%2F" + str(
        idea.consultation_id
    )
    assert db.session.query(Vote).count() == 0


def test_next_pointing_off_site_is_ignored(client, make, login):
    """After voting, people are only ever sent back to a page on this site."""
    idea = make.idea()
    login(make.user())
    response = client.post(
        f"/ideas/{idea.id}/vote",
        data={"csrf_token": csrf_token(client), "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == f"/ideas/{idea.id}#vote-{idea.id}"


def test_consultation_page_lists_published_ideas_with_counts(client, make):
    """Published ideas show with their counts; pending ones do not show at all."""
    idea = make.idea(title="Board game club")
    hidden = make.idea(idea.consultation, published=False, title="Secret pending idea")
    html = client.get(f"/consultations/{idea.consultation_id}").get_data(as_text=True)
    assert "Board game club" in html
    assert "0 votes" in html
    assert hidden.title not in html
    assert client.get(f"/ideas/{hidden.id}").status_code == 404


def test_htmx_vote_updates_votes_left_where_there_is_a_budget(client, make, login):
    """With three votes each, the remaining votes are swapped out of band after voting."""
    from app.models import Phase

    consultation = make.consultation(vote_budget=3)
    idea = make.idea(consultation)
    consultation.phase = Phase.VOTING_OPEN
    db.session.commit()
    login(make.user())
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "You have 3 votes left in this consultation." in page
    html = vote(client, idea, htmx=True).get_data(as_text=True)
    assert f'<p id="votes-left-{consultation.id}" class="meta" hx-swap-oob="true">' in html
    assert "You have 2 votes left in this consultation." in html


def test_an_htmx_vote_costs_four_statements_and_six_with_a_budget(
    client, make, login, count_queries
):
    """Loading the voter, loading the idea, the vote row and the count; a budget adds a lock
    and a count of the votes already used. The answer needs no reading back."""
    from app.models import Phase

    free = make.idea()
    budgeted = make.consultation(vote_budget=3)
    limited = make.idea(budgeted)
    budgeted.phase = Phase.VOTING_OPEN
    db.session.commit()
    login(make.user())
    token = csrf_token(client)
    for idea, expected in ((free, 4), (limited, 6)):
        with count_queries() as counted:
            response = client.post(
                f"/ideas/{idea.id}/vote",
                data={"csrf_token": token, "next": "/"},
                headers={"HX-Request": "true"},
            )
        assert response.status_code == 200
        assert "Your vote is counted. 1 vote." in response.get_data(as_text=True)
        assert len(counted) == expected, counted.statements


def test_a_vote_on_a_hidden_idea_is_shown_and_can_be_taken_back_from_the_consultation(
    client, make, login
):
    """The consultation page says a vote sits on a hidden idea, without its words, and frees it."""
    from app.ideas.services import cast_vote, change_status
    from app.models import IdeaStatus, Phase

    consultation = make.consultation(vote_budget=2)
    idea = make.idea(consultation, title="Name of a teacher")
    consultation.phase = Phase.VOTING_OPEN
    db.session.commit()
    voter = login(make.user())
    cast_vote(voter, idea)
    change_status(idea, make.staff(consultation.library_service), IdeaStatus.HIDDEN, "Hidden.")
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "Take back my vote for hidden idea 1" in page
    assert "You have 1 vote left" in page
    assert "Name of a teacher" not in page
    response = vote(client, idea, action="unvote")
    assert response.status_code == 303
    assert db.session.query(Vote).count() == 0
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "hidden idea" not in page
    assert "You have 2 votes left" in page


def test_only_its_voters_reach_a_hidden_idea_to_take_a_vote_back(client, make, login):
    """Someone who did not vote for a hidden idea finds nothing there (404)."""
    from app.ideas.services import change_status
    from app.models import IdeaStatus

    idea = make.idea()
    change_status(idea, make.staff(idea.consultation.library_service), IdeaStatus.HIDDEN, "Hidden.")
    login(make.user())
    assert vote(client, idea, action="unvote").status_code == 404


# What a signed-in young person's consultation page reads beyond a visitor's: who they are,
# their votes (on the ideas shown, left, "Your votes" and those on hidden ideas, together) and
# their unread notices.
PERSONAL_STATEMENTS = 3


def test_a_young_persons_consultation_page_costs_the_same_statements_at_10_and_65_ideas(
    app, make, count_queries
):
    """One page of ideas or several, votes left, all used ("Your votes") or one on a hidden
    idea: the same statements, the visitor's and three personal ones."""
    library_service = make.library_service()
    staff = make.staff(library_service)
    people = {"one vote": make.user(), "all used": make.user(), "one hidden": make.user()}
    counts, pages = {}, {}
    for size in (10, 65):
        consultation = make.consultation(
            Phase.VOTING_OPEN, vote_budget=3, library_service=library_service
        )
        ideas = [add_idea(consultation, f"Idea {n} of {size}") for n in range(size)]
        cast_vote(people["one vote"], ideas[0])
        for idea in ideas[:3]:
            cast_vote(people["all used"], idea)
        for idea in ideas[3:5]:
            cast_vote(people["one hidden"], idea)
        change_status(ideas[3], staff, IdeaStatus.HIDDEN, "It named a teacher.")
        for who, person in {"visitor": None, **people}.items():
            client = signed_in(app, person)
            with count_queries() as counted:
                response = client.get(f"/consultations/{consultation.id}")
            assert response.status_code == 200
            counts[size, who] = len(counted), counted.statements
            pages[size, who] = response.get_data(as_text=True)
    personal = {key: count for key, (count, _statements) in counts.items() if key[1] != "visitor"}
    assert len(set(personal.values())) == 1, counts
    assert max(personal.values()) <= counts[65, "visitor"][0] + PERSONAL_STATEMENTS, counts
    assert counts[10, "visitor"][0] == counts[65, "visitor"][0]
    for size in (10, 65):
        assert "You have 2 votes left in this consultation." in pages[size, "one vote"]
        used = pages[size, "all used"]
        assert "You have 0 votes left in this consultation." in used
        assert all(f">Idea {n} of {size}</a></li>" in used for n in range(3))
        hidden = pages[size, "one hidden"]
        assert "You have 1 vote left in this consultation." in hidden
        assert "Take back my vote for hidden idea 1" in hidden
