"""Finding ideas: search, filters and orders on the consultation page, similar ideas while
proposing, and "You said, we did" at the top of a closed consultation."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ideas import finding
from app.ideas.finding import Filters, find_ideas, parse_filters, similar_ideas
from app.models import (
    Consultation,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    Outcome,
    OutcomeLink,
    Phase,
    Role,
)
from app.models.ideas import search_document
from app.pagination import Cursor, decode_cursor
from tests.conftest import PASSWORD, csrf_token

S = IdeaStatus
TITLE = re.compile(r'<h3><a href="/ideas/\d+" lang="[\w-]+" dir="auto" hx-disable>([^<]+)</a></h3>')


def titles(html: str) -> list[str]:
    """The idea titles in a page's list of ideas, in order."""
    return TITLE.findall(html)


def next_link(html: str) -> str | None:
    """Where the "Show more" link (the next page) goes."""
    match = re.search(r'href="([^"]+)" rel="next"', html)
    return match and match.group(1).replace("&amp;", "&")


def add_idea(
    consultation: Consultation,
    title: str,
    description: str = "Somewhere to meet.",
    status: IdeaStatus = S.PUBLISHED,
    votes: int = 0,
    author=None,
    message: str = "",
) -> Idea:
    """An idea written straight to the tables, with its last step (and staff's message)."""
    idea = Idea(
        consultation=consultation,
        author=author,
        title=title,
        description=description,
        status=status,
        vote_count=votes,
    )
    db.session.add(idea)
    db.session.add(IdeaStatusChange(idea=idea, to_status=status, message=message))
    db.session.commit()
    return idea


def link(idea: Idea, code: str, staff) -> None:
    """Link an idea to an outcome, as staff do."""
    outcome = db.session.execute(select(Outcome).where(Outcome.code == code)).scalar_one()
    db.session.add(OutcomeLink(idea=idea, outcome=outcome, linked_by=staff, rationale="Fits."))
    db.session.commit()


def signed_in(app, user):
    """A client of its own, signed in as `user` through the form (None: a visitor)."""
    client = app.test_client()
    if user is not None:
        with app.app_context():  # its own `g`, so no other client's CSRF token is reused
            data = {"csrf_token": csrf_token(client), "username": user.username}
            assert client.post("/sign-in", data={**data, "password": PASSWORD}).status_code == 303
    return client


def page_titles(app, client, url: str) -> list[str]:
    """The titles a client is shown, its request in an application context of its own, as in
    production, so no signed-in person carries over from another client's request in `g`."""
    with app.app_context():
        return titles(client.get(url).get_data(as_text=True))


def found(consultation, viewer, **filters) -> list[str]:
    """The titles of the first page of ideas found with these filters."""
    page = find_ideas(consultation, viewer, Filters(**filters))
    return [idea.title for idea in page.items]


@pytest.fixture
def voting(make) -> Consultation:
    """A consultation open for votes."""
    return make.consultation(Phase.VOTING_OPEN)


@pytest.fixture
def clubs(voting) -> Consultation:
    """Four published ideas, and two that must never be found."""
    add_idea(voting, "Chess club on Fridays", "Play chess after school.", votes=5)
    add_idea(voting, "Film night", "Watch films together on big cushions.", votes=9)
    add_idea(voting, "Quiet room", "A calm room to read, and a CHESS board.", votes=1)
    add_idea(voting, "Games night", "Board games and cards.", votes=3)
    add_idea(voting, "Chess lessons", "From a coach.", status=S.PENDING)
    add_idea(voting, "Chess trophies", "For winners.", status=S.HIDDEN)
    return voting


# --- Search -------------------------------------------------------------------------------------


def test_search_finds_a_word_in_titles_and_descriptions_in_any_letter_case(clubs, make):
    """ "chess" is in one title and, as "CHESS", in another idea's description."""
    viewer = make.user()
    assert sorted(found(clubs, viewer, q="chess")) == ["Chess club on Fridays", "Quiet room"]
    assert sorted(found(clubs, viewer, q="Chess")) == ["Chess club on Fridays", "Quiet room"]


def test_search_needs_every_word(clubs, make):
    """Two words find the ideas holding both."""
    assert found(clubs, make.user(), q="chess fridays") == ["Chess club on Fridays"]
    assert sorted(found(clubs, make.user(), q="night")) == ["Film night", "Games night"]


def test_search_never_finds_ideas_that_are_not_public_or_of_another_consultation(clubs, make):
    """Pending and hidden ideas, and other consultations' ideas, stay out of every search."""
    add_idea(make.consultation(Phase.VOTING_OPEN), "Chess for all", "Chess.")
    assert "Chess lessons" not in found(clubs, make.user(), q="chess")
    assert "Chess trophies" not in found(clubs, make.user(), q="chess")
    assert "Chess for all" not in found(clubs, make.user(), q="chess")


@pytest.mark.parametrize("q", ["%", "_", "\\", "%%_", "'", ":* & | ! ( )", '"', "<->"])
def test_wildcards_and_search_syntax_are_plain_text(client, clubs, q):
    """Nothing typed into the search is read as a wildcard or as syntax: never an error, and
    % or _ do not match everything."""
    response = client.get(f"/consultations/{clubs.id}", query_string={"q": q})
    assert response.status_code == 200
    assert titles(response.get_data(as_text=True)) == []


def test_search_on_postgresql_uses_the_indexed_expression(app, clubs, make, count_queries):
    """The search is written with the very expression of the full-text index, so the
    PostgreSQL planner can use it; both databases look for the words in their searchable form
    with LIKE, never in the words as written."""
    with count_queries() as counted:
        app.test_client().get(f"/consultations/{clubs.id}?q=chess")
    searches = [sql for sql in counted.statements if "FROM ideas" in sql and "LIKE" in sql]
    assert searches
    assert all("ideas.search_text LIKE" in sql for sql in searches)
    assert not any(re.search(r"ideas\.(title|description)\) LIKE", sql) for sql in searches)
    if db.engine.dialect.name == "postgresql":
        indexed = str(search_document().compile(dialect=db.engine.dialect))
        assert indexed == "to_tsvector('english', (ideas.title || ' ') || ideas.description)"
        wanted = f"{indexed} @@ websearch_to_tsquery('english',"
        assert any(wanted in sql for sql in counted.statements)


# --- Filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", ["Open one"]),
        ("looked-at", ["Considered"]),
        ("going-ahead", ["Accepted", "Being designed", "Done"]),
        ("not-going-ahead", ["Not this time"]),
        (None, ["Accepted", "Being designed", "Considered", "Done", "Not this time", "Open one"]),
    ],
)
def test_status_filter_in_plain_words_finds_ideas_of_those_statuses(voting, make, status, expected):
    """Each status choice covers the statuses its words say, and never a private one."""
    for title, idea_status in [
        ("Open one", S.PUBLISHED),
        ("Considered", S.UNDER_CONSIDERATION),
        ("Accepted", S.ACCEPTED),
        ("Being designed", S.IN_CODESIGN),
        ("Done", S.DELIVERED),
        ("Not this time", S.NOT_TAKEN_FORWARD),
        ("Rejected", S.REJECTED),
        ("Withdrawn", S.WITHDRAWN),
        ("Merged", S.MERGED),
    ]:
        add_idea(voting, title, status=idea_status)
    assert sorted(found(voting, make.user(), status=status)) == expected


def test_every_public_status_has_exactly_one_status_choice():
    """No public idea is left out of every status choice, nor in two."""
    covered = [s for _label, statuses in finding.STATUS_FILTERS.values() for s in statuses]
    assert sorted(covered) == sorted(finding.PUBLIC_STATUSES)


def test_outcome_filter_offers_outcomes_of_this_consultations_public_ideas_only(voting, make):
    """Choices come from links to public ideas here; choosing one finds its ideas."""
    staff = make.staff(voting.library_service)
    linked = add_idea(voting, "Youth-led club")
    add_idea(voting, "Something else")
    link(linked, "qlp.aim.c", staff)
    link(add_idea(voting, "Waiting", status=S.PENDING), "qlp.aim.a", staff)
    link(add_idea(make.consultation(Phase.VOTING_OPEN), "Elsewhere"), "qlp.aim.b", staff)
    assert [code for code, _words in finding.outcome_choices(voting)] == ["qlp.aim.c"]
    assert found(voting, make.user(), outcome="qlp.aim.c") == ["Youth-led club"]


def test_outcome_choices_are_in_plain_words(voting, make, monkeypatch):
    """Each outcome is offered in the words young people read (app/outcome_plain_words.py)."""
    monkeypatch.setitem(
        finding.plain_words.__globals__["PLAIN_WORDS"], "qlp.aim.c", "You help plan it."
    )
    link(add_idea(voting, "Youth-led club"), "qlp.aim.c", make.staff(voting.library_service))
    assert finding.outcome_choices(voting) == [("qlp.aim.c", "You help plan it.")]


def test_filters_read_from_an_address_leave_out_what_they_do_not_know():
    """Unknown choices are ignored, each with a message; a long search is cut short."""
    parsed = parse_filters(
        {"q": "  chess   club ", "status": "going-ahead", "outcome": "qlp.aim.c", "sort": "votes"},
        ["qlp.aim.c"],
    )
    assert parsed.filters == Filters("chess club", "going-ahead", "qlp.aim.c", "votes")
    assert parsed.problems == []
    bad = parse_filters(
        {"q": "x" * 500, "status": "maybe", "outcome": "qlp.aim.z", "sort": "random"},
        ["qlp.aim.c"],
    )
    assert bad.filters == Filters("x" * finding.SEARCH_MAX)
    assert len(bad.problems) == 4
    assert Filters(q="chess", sort="newest").args() == {"q": "chess", "sort": "newest"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "maybe"}, "We did not know that status"),
        ({"sort": "random"}, "We did not know that order"),
        ({"outcome": "<script>alert(1)</script>"}, "No idea here is linked to that aim"),
        ({"q": "chess " * 50}, "Searches use the first 100 letters only."),
        ({"status": ["open", "maybe"]}, ""),
    ],
)
def test_a_changed_address_shows_ideas_with_a_message_never_an_error(client, clubs, query, message):
    """A link changed by hand, or an old one, still shows the ideas, and says what was ignored."""
    response = client.get(f"/consultations/{clubs.id}", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "<script>alert(1)" not in html
    assert titles(html)


def test_a_damaged_page_link_is_a_400_with_a_message(client, clubs):
    """Cursors made up by hand, even with numbers no database holds, are a clear 400."""
    from app.pagination import encode_cursor

    for cursor in ("garbage!", encode_cursor([10**30, 1]), encode_cursor(["a", "b"])):
        response = client.get(f"/consultations/{clubs.id}?sort=mixed&after={cursor}")
        assert response.status_code == 400
        assert "Something in that request was not right" in response.get_data(as_text=True)


# --- Orders -------------------------------------------------------------------------------------


def test_most_votes_and_newest_orders(clubs, make):
    """Most votes first, or the newest first."""
    viewer = make.user()
    assert found(clubs, viewer, sort="votes") == [
        "Film night",
        "Chess club on Fridays",
        "Games night",
        "Quiet room",
    ]
    assert found(clubs, viewer, sort="newest") == [
        "Games night",
        "Quiet room",
        "Film night",
        "Chess club on Fridays",
    ]


def test_the_usual_order_is_mixed_while_open_and_most_votes_once_closed(clubs, make):
    """While ideas and votes come in, no idea is on top for being first; then, the result."""
    assert Filters().sort_for(clubs) == "mixed"
    clubs.phase = Phase.PROPOSALS_OPEN
    assert Filters().sort_for(clubs) == "mixed"
    clubs.phase = Phase.CLOSED
    assert Filters().sort_for(clubs) == "votes"
    assert Filters(sort="newest").sort_for(clubs) == "newest"


@pytest.fixture
def thirty(voting) -> Consultation:
    """30 published ideas, Idea 1 to Idea 30."""
    for number in range(1, 31):
        add_idea(voting, f"Idea {number}")
    return voting


def test_mixed_order_is_the_same_for_a_person_every_time_and_differs_between_people(thirty, make):
    """Each person always sees the same order; another person sees another one."""
    sam, robin = make.user(), make.user()
    first = found(thirty, sam, sort="mixed")
    assert found(thirty, sam, sort="mixed") == first
    assert found(thirty, robin, sort="mixed") != first
    assert first not in (found(thirty, sam, sort="newest"), found(thirty, sam, sort="votes"))


def test_mixed_order_pages_hold_every_idea_once(thirty, make):
    """Page cursors on (place, id): two pages of 20 and 10, no idea missed or repeated."""
    viewer = make.user()
    first = find_ideas(thirty, viewer, Filters(sort="mixed"))
    rest = find_ideas(
        thirty, viewer, Filters(sort="mixed"), Cursor(decode_cursor(first.next_cursor))
    )
    shown = [idea.title for idea in first.items + rest.items]
    assert (len(first.items), len(rest.items), rest.next_cursor) == (20, 10, None)
    assert sorted(shown) == sorted(f"Idea {n}" for n in range(1, 31))


def test_signed_in_people_keep_their_mixed_order_across_page_loads(app, thirty, make):
    """The same person sees the same order on every load, and another person another."""
    sam, robin = signed_in(app, make.user()), signed_in(app, make.user())
    url = f"/consultations/{thirty.id}"
    first = page_titles(app, sam, url)
    assert len(first) == 20
    assert page_titles(app, sam, url) == first
    assert page_titles(app, robin, url) != first


def test_a_visitor_keeps_their_mixed_order_within_their_visit(app, thirty):
    """A visitor's order is kept in their session; another visitor gets another one."""
    visitor, another = app.test_client(), app.test_client()
    url = f"/consultations/{thirty.id}"
    first = page_titles(app, visitor, url)
    assert len(first) == 20
    assert page_titles(app, visitor, url) == first
    assert page_titles(app, another, url) != first


# --- Pages: links keep the filters, htmx swaps the list, queries stay the same --------------


def test_next_page_links_keep_the_search_filters_and_order(client, voting):
    """25 matching ideas: the next link carries the search, status and order, and its page
    holds the 5 other matching ideas."""
    for number in range(1, 26):
        add_idea(voting, f"Book swap {number}", status=S.UNDER_CONSIDERATION)
        add_idea(voting, f"Book swap extra {number}")  # open for votes: filtered out
    html = client.get(f"/consultations/{voting.id}?q=swap&status=looked-at&sort=newest").get_data(
        as_text=True
    )
    assert titles(html) == [f"Book swap {n}" for n in range(25, 5, -1)]
    more = next_link(html)
    assert more.startswith(f"/consultations/{voting.id}?q=swap&status=looked-at&sort=newest&after=")
    rest = client.get(more).get_data(as_text=True)
    assert titles(rest) == [f"Book swap {n}" for n in range(5, 0, -1)]
    assert "25 ideas match." in rest


def test_the_filter_form_works_without_javascript_and_shows_what_is_chosen(client, clubs):
    """A GET form with labelled fields and a button; the page shows the choices in use."""
    html = client.get(f"/consultations/{clubs.id}?q=chess&sort=votes").get_data(as_text=True)
    form = re.search(r'<form method="get" action="/consultations/\d+"[^>]*>.*?</form>', html, re.S)
    assert form
    for name in ("q", "sort"):
        assert f'<label for="find-{name}">' in form.group(0)
        assert re.search(f'<[^>]* id="find-{name}"[^>]* name="{name}"', form.group(0))
    assert html.count('id="status"') == 1  # the status region's id is not taken
    assert 'value="chess"' in form.group(0)
    assert '<option selected value="votes">Most votes</option>' in form.group(0)
    assert '<button type="submit" class="button">Show ideas</button>' in form.group(0)
    assert 'hx-push-url="true"' in form.group(0)
    assert "2 ideas match." in html


def test_htmx_gets_the_new_list_and_its_count_for_the_status_region(client, clubs):
    """When the filters change, htmx gets the list to put in place, the count out of band,
    and the count said in the status region."""
    response = client.get(f"/consultations/{clubs.id}?q=night", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in html
    assert html.lstrip().startswith('<div class="listing" id="ideas-listing">')
    assert sorted(titles(html)) == ["Film night", "Games night"]
    assert '<p id="ideas-found" class="meta" hx-swap-oob="true">2 ideas match.</p>' in html
    assert 'role="status" hx-swap-oob="innerHTML"><p>2 ideas match.</p>' in html


def test_htmx_says_so_when_nothing_matches(client, clubs):
    """No match: the list says so, and so does the status region."""
    html = client.get(
        f"/consultations/{clubs.id}?q=trampoline", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "No ideas match. Try other words or choices." in html
    assert 'role="status" hx-swap-oob="innerHTML"><p>0 ideas match.</p>' in html


def test_live_vote_counts_still_reach_a_filtered_page(client, clubs):
    """The page keeps its stream and the count elements the stream updates."""
    html = client.get(f"/consultations/{clubs.id}?q=chess").get_data(as_text=True)
    assert f'sse-connect="/live/consultations/{clubs.id}"' in html
    assert 'sse-swap="votes"' in html
    chess = db.session.execute(select(Idea).where(Idea.title == "Chess club on Fridays")).scalar()
    assert f'id="vote-count-{chess.id}"' in html


class World:
    """A consultation open for votes and a closed one, grown by the same ideas each time."""

    def __init__(self, make):
        self.make = make
        self.voting = make.consultation(Phase.VOTING_OPEN)
        self.closed = make.consultation(Phase.CLOSED)
        self.staff = make.staff(self.voting.library_service)
        self.viewer = make.user()

    def grow(self, count: int) -> None:
        """Add `count` ideas of each kind to both consultations."""
        for n in range(count):
            for consultation in (self.voting, self.closed):
                for status in (S.PUBLISHED, S.ACCEPTED, S.NOT_TAKEN_FORWARD):
                    idea = add_idea(
                        consultation,
                        f"Chess club {n}",
                        status=status,
                        votes=n,
                        author=self.viewer,
                        message="Because.",
                    )
                    link(idea, "qlp.aim.c", self.staff)
                add_idea(consultation, f"Chess lessons {n}", status=S.PENDING, author=self.viewer)


QUERIES = ["", "?sort=votes", "?sort=newest", "?sort=mixed", "?q=chess", "?status=going-ahead",
           "?outcome=qlp.aim.c&sort=mixed", "?q=chess&status=open&sort=votes"]  # fmt: skip


@pytest.mark.parametrize("who", [None, Role.YOUNG_PERSON])
def test_a_page_of_found_ideas_costs_the_same_queries_at_3_and_30_ideas(
    app, make, count_queries, who
):
    """Every order, search and filter, open or closed (with its summary): 27 more ideas of
    each kind add no query."""
    world = World(make)
    client = signed_in(app, world.viewer if who else None)

    def measure() -> dict[str, int]:
        counts = {}
        for consultation in (world.voting, world.closed):
            for query in QUERIES:
                url = f"/consultations/{consultation.id}{query}"
                with count_queries() as counted:
                    assert client.get(url).status_code == 200, url
                counts[url] = len(counted)
        return counts

    world.grow(3)
    at_3 = measure()
    world.grow(27)
    assert measure() == at_3


# --- Similar ideas while proposing ------------------------------------------------------------


def test_similar_ideas_share_words_with_the_title_best_first(voting):
    """Ideas sharing more of the title's words come first; up to three."""
    add_idea(voting, "Chess club", "Play chess on Fridays after school.", votes=1)
    add_idea(voting, "Chess lessons", "A coach for beginners.", votes=9)
    add_idea(voting, "Board games club", "Games on Fridays.", votes=2)
    add_idea(voting, "Chess tournament", "A chess competition.", votes=0)
    add_idea(voting, "Film night", "Watch films.")
    similar = [idea.title for idea in similar_ideas(voting, "Chess club")]
    assert similar[0] == "Chess club"
    assert len(similar) == 3
    assert "Film night" not in similar


def test_similar_ideas_are_public_ideas_of_the_same_consultation_only(voting, make):
    """Never an idea still waiting for staff (the person's own included), hidden, or of
    another consultation."""
    author = make.user()
    add_idea(voting, "Chess club", status=S.PENDING, author=author)
    add_idea(voting, "Chess club again", status=S.HIDDEN)
    add_idea(voting, "Chess club at last", status=S.ACCEPTED)
    add_idea(make.consultation(Phase.VOTING_OPEN), "Chess club elsewhere")
    assert [idea.title for idea in similar_ideas(voting, "Chess club")] == ["Chess club at last"]


def test_nothing_is_similar_below_the_threshold(voting):
    """Common words say nothing; a longer title needs two shared words."""
    add_idea(voting, "Chess club", "Fridays.")
    add_idea(voting, "The library idea", "Please, more of it.")
    assert similar_ideas(voting, "The idea for the library") == []
    assert similar_ideas(voting, "Homework help with maths tutors") == []
    assert similar_ideas(voting, "Book club for teenagers on Saturdays") == []
    assert [idea.title for idea in similar_ideas(voting, "Chess club on Saturdays")] == [
        "Chess club"
    ]


@pytest.mark.parametrize(
    "title", ["chess & | ! ( ) :* <-> '", "chess\\", "%chess%", "_____", "chess' OR 1=1 --", ""]
)
def test_any_title_is_looked_up_safely(voting, title):
    """Search syntax and wildcards in a title are plain text, never an error."""
    add_idea(voting, "Chess club")
    assert [idea.title for idea in similar_ideas(voting, title)] in ([], ["Chess club"])


def test_significant_words_leave_out_short_and_common_words():
    """Only the words that say what an idea is about, once each, as plain letters."""
    assert finding.significant_words("The BEST chess-club, for the Chess fans!") == [
        "chess",
        "club",
        "fans",
    ]


@pytest.fixture
def proposing(make, login):
    """A consultation open for ideas with a published chess club, and a young person signed in."""
    consultation = make.consultation(Phase.PROPOSALS_OPEN)
    add_idea(consultation, "Chess club on Fridays", "Play chess after school.")
    login(make.user())
    return consultation


def propose(client, consultation, title="A chess club", **extra):
    """Send the propose form as a browser does."""
    data = {"csrf_token": csrf_token(client), "title": title, "description": "Chess on Fridays."}
    return client.post(f"/consultations/{consultation.id}/propose", data={**data, **extra})


def count_ideas() -> int:
    """How many ideas are stored."""
    return db.session.execute(select(func.count()).select_from(Idea)).scalar_one()


def test_send_my_idea_sends_it_even_when_similar_ideas_exist(client, proposing):
    """Similar ideas are advice, never a step in the way: the one button sends the idea, and
    its page then shows its author the ideas like it (for those who saw none while typing)."""
    before = count_ideas()
    response = propose(client, proposing, submit="Send my idea")
    assert response.status_code == 303
    assert count_ideas() == before + 1
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Other people have shared ideas like yours." in html
    assert re.search(
        r'<a href="/ideas/\d+" lang="en" dir="auto" hx-disable>Chess club on Fridays</a>', html
    )


def test_a_form_sent_back_keeps_what_was_typed_and_shows_similar_ideas(client, proposing):
    """A mistake saves nothing, keeps the title and the words typed, and shows the similar
    ideas as advice, with no second button to find."""
    before = count_ideas()
    data = {"csrf_token": csrf_token(client), "title": "A chess club", "description": ""}
    response = client.post(f"/consultations/{proposing.id}/propose", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert count_ideas() == before
    assert 'value="A chess club"' in html
    assert "These ideas look similar." in html
    assert "Chess club on Fridays" in html
    assert 'name="different"' not in html
    assert "My idea is different" not in html


def test_an_idea_like_no_other_is_sent_at_once(client, proposing):
    """No similar idea: the first send saves it."""
    before = count_ideas()
    response = propose(client, proposing, title="Film night", description="Watch films.")
    assert response.status_code == 303
    assert count_ideas() == before + 1


def test_the_title_field_asks_for_similar_ideas_as_it_is_typed(client, proposing):
    """The propose page looks up similar ideas with htmx, a moment after typing stops."""
    html = client.get(f"/consultations/{proposing.id}/propose").get_data(as_text=True)
    assert f'hx-get="/consultations/{proposing.id}/similar"' in html
    assert 'hx-trigger="input changed delay:500ms from:#title"' in html
    assert 'hx-include="#title, #description"' in html
    assert '<div id="similar-ideas" class="similar-ideas"></div>' in html


def test_htmx_gets_the_similar_ideas_and_a_word_for_the_status_region(client, proposing):
    """The partial lists the ideas as links and says how many; the idea is sent either way."""
    response = client.get(
        f"/consultations/{proposing.id}/similar?title=Chess+club", headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert re.search(
        r'<a href="/ideas/\d+" lang="en" dir="auto" hx-disable>Chess club on Fridays</a>', html
    )
    assert 'name="different"' not in html
    assert 'role="status" hx-swap-oob="innerHTML"><p>1 idea looks like yours.' in html
    nothing = client.get(
        f"/consultations/{proposing.id}/similar?title=Film", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "look similar" not in nothing
    assert 'role="status" hx-swap-oob="innerHTML"></div>' in nothing


def test_the_similar_ideas_address_opened_directly_is_a_page(client, proposing):
    """Without htmx, the same address is a whole page with a way back to the form."""
    html = client.get(f"/consultations/{proposing.id}/similar?title=chess").get_data(as_text=True)
    assert "<html" in html
    assert "Chess club on Fridays" in html
    assert f'href="/consultations/{proposing.id}/propose"' in html
    assert 'name="different"' not in html


# --- "You said, we did" on a closed consultation ---------------------------------------------


def test_a_closed_consultation_says_what_young_people_said_and_what_was_done(client, make):
    """Ideas and votes counted, each answer counted, with staff's reasons on its ideas."""
    closed = make.consultation(Phase.CLOSED)
    add_idea(closed, "Chess club", status=S.ACCEPTED, votes=7, message="We start in May.")
    add_idea(closed, "Sofa", status=S.NOT_TAKEN_FORWARD, votes=2, message="No room for it.")
    add_idea(closed, "Film night", status=S.IN_CODESIGN, votes=4)
    add_idea(closed, "Games", status=S.PUBLISHED, votes=1)
    add_idea(closed, "Secret plan", status=S.PENDING)
    html = client.get(f"/consultations/{closed.id}").get_data(as_text=True)
    summary = html[html.index('<section class="summary"') : html.index("</section>")]
    assert "You said, we did" in summary
    assert "Young people shared 4 ideas." in summary
    assert "They gave 14 votes." in summary
    assert "Going ahead: 2" in summary
    assert "Not going ahead: 1" in summary
    said = 'Library staff said: <bdi lang="en" dir="auto">'
    assert f"{said}We start in May.</bdi>" in summary
    assert f"{said}No room for it.</bdi>" in summary
    assert "1 idea has no answer yet." in summary
    assert "Secret plan" not in html


def test_a_closed_consultation_names_the_first_few_answers_and_links_to_the_rest(client, make):
    """Five ideas going ahead: the three with most votes, and a link to all five."""
    closed = make.consultation(Phase.CLOSED)
    for number in range(1, 6):
        add_idea(closed, f"Going {number}", status=S.ACCEPTED, votes=number)
    html = client.get(f"/consultations/{closed.id}").get_data(as_text=True)
    summary = html[html.index('<section class="summary"') : html.index("</section>")]
    assert re.findall(r">(Going \d)</a>", summary) == ["Going 5", "Going 4", "Going 3"]
    link_to_all = f'href="/consultations/{closed.id}?status=going-ahead"'
    assert link_to_all in summary and "See all 5" in summary
    listed = client.get(f"/consultations/{closed.id}?status=going-ahead").get_data(as_text=True)
    assert len(titles(listed)) == 5


def test_an_open_consultation_has_no_summary_yet(client, clubs):
    """Only once closed."""
    assert 'class="summary"' not in client.get(f"/consultations/{clubs.id}").get_data(as_text=True)


# --- Ideas in any script ------------------------------------------------------------------------

# (language, the idea as its author wrote it, a search for it written another way): short vowels
# or none, any alef, with or without the zero-width non-joiner, Arabic or Persian yeh and kaf,
# any letter case.
WRITTEN_ANOTHER_WAY = [
    ("ar, short vowels in the idea", "نَادِي القِرَاءَةِ", "كتب", "القراءة"),
    ("ar, short vowels in the search", "نادي القراءة للشباب", "كتب", "القِرَاءَة"),
    ("ar, alef with hamza in the idea", "إنشاء ركن للأطفال", "ألعاب", "انشاء"),
    ("ar, alef with hamza in the search", "ركن هادئ للامتحانات", "كتب", "للإمتحانات"),
    ("ar, alef with madda", "آلة طباعة ثلاثية الأبعاد", "طباعة", "الة"),
    ("fa, with the non-joiner", "کتاب‌های صوتی برای همه", "کتاب", "کتابهای صوتی"),
    ("fa, without the non-joiner", "کتابهای مصور", "کتاب", "کتاب‌های"),
    ("fa, Arabic yeh and kaf in the search", "کلاس زبان انگلیسی", "کلاس", "كلاس انگليسي"),
    ("fa_AF, Arabic yeh and kaf in the idea", "كورس كمپيوتر در مکتب", "درس", "کمپیوتر"),
    ("ps", "د کمپیوټر ټولګی له ښوونځي وروسته", "کمپیوټر", "ښوونځي"),
    ("ps, Arabic yeh in the search", "د ښځو لپاره د لوستلو ځای", "لوستل", "لپاره ځاي"),
    ("ckb", "کۆڕی شیعر بۆ گەنجان", "شیعر", "گەنجان"),
    ("ckb, Arabic yeh in the search", "کۆڕی شیعر بۆ گەنجان", "شیعر", "شيعر"),
    ("ti", "ናይ ኮምፒተር ትምህርቲ ንመንእሰያት", "ኮምፒተር", "ትምህርቲ"),
    ("uk, capitals in the idea", "КЛУБ ШАХІВ для підлітків", "Шахи", "шахів"),
    ("uk, capitals in the search", "Гурток малювання", "Малюємо", "ГУРТОК Малювання"),
]


@pytest.mark.parametrize(
    ("title", "description", "q"),
    [case[1:] for case in WRITTEN_ANOTHER_WAY],
    ids=[case[0] for case in WRITTEN_ANOTHER_WAY],
)
def test_search_finds_an_idea_in_any_script_however_its_letters_are_written(
    voting, make, title, description, q
):
    add_idea(voting, title, description)
    add_idea(voting, "Chess club", "Play chess.")
    assert found(voting, make.user(), q=q) == [title]


def test_a_search_in_a_script_finds_only_the_ideas_holding_its_words(voting, make):
    add_idea(voting, "نادي الشطرنج", "نلعب بعد المدرسة")
    add_idea(voting, "نادي القراءة", "نقرأ الكتب معا")
    add_idea(voting, "Гурток шахів", "Граємо щоп'ятниці")
    assert found(voting, make.user(), q="الشطرنج") == ["نادي الشطرنج"]
    assert sorted(found(voting, make.user(), q="نادي")) == ["نادي الشطرنج", "نادي القراءة"]
    assert found(voting, make.user(), q="шахів гурток") == ["Гурток шахів"]
    assert found(voting, make.user(), q="шахів нічого") == []


def test_the_consultation_page_finds_an_arabic_idea_typed_without_short_vowels(client, voting):
    add_idea(voting, "نَادِي الشِّطْرَنْجِ", "بعد المدرسة")
    add_idea(voting, "Chess club", "Play chess.")
    response = client.get(f"/consultations/{voting.id}", query_string={"q": "الشطرنج"})
    assert titles(response.get_data(as_text=True)) == ["نَادِي الشِّطْرَنْجِ"]


# (language, an idea already there, a new title like it, an unlike idea that must not be hinted)
NEAR_DUPLICATES = [
    ("ar", "نَادِي الشِّطْرَنْج", "نلعب الشطرنج بعد المدرسة", "نادٍ للشطرنج", "ركن للأطفال"),
    ("fa", "کتاب‌های صوتی", "برای کسانی که کم می‌بینند", "كتابهاي صوتي", "کلاس زبان"),
    ("fa_AF", "کورس کمپیوتر", "در مکتب بعد از ظهر", "كورس كمپيوتر", "کتاب‌های مصور"),
    ("ps", "د کمپیوټر ټولګی", "له ښوونځي وروسته", "كمپيوټر ټولګي", "د لوستلو ځای"),
    ("ckb", "کۆڕی شیعر بۆ گەنجان", "هەموو هەینییەک", "شيعر بۆ گەنجان", "یاری تۆپی پێ"),
    ("ti", "ናይ ኮምፒተር ትምህርቲ", "ንመንእሰያት", "ትምህርቲ ኮምፒተር", "ሙዚቃ ምሸት"),
    ("uk", "Клуб ШАХІВ", "Для підлітків щоп'ятниці", "шахів клуб", "Кіновечір"),
]


@pytest.mark.parametrize(
    ("there", "description", "new_title", "unlike"),
    [case[1:] for case in NEAR_DUPLICATES],
    ids=[case[0] for case in NEAR_DUPLICATES],
)
def test_a_near_duplicate_in_any_script_is_hinted(voting, there, description, new_title, unlike):
    add_idea(voting, there, description)
    add_idea(voting, unlike, "شيء آخر")
    assert [idea.title for idea in similar_ideas(voting, new_title)] == [there]


def test_significant_words_are_the_searchable_words_of_any_script():
    assert finding.significant_words("نَادِي الشِّطْرَنْجِ في المكتبة") == ["نادی", "الشطرنج"]
    assert finding.significant_words("کتاب‌های صوتی برای کتابخانه") == ["کتابهای", "صوتی"]
    assert finding.significant_words("КЛУБ шахів у бібліотеці") == ["клуб", "шахів"]
    assert finding.significant_words("ቤት ንባብ") == ["ቤት", "ንባብ"]
