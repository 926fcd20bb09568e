"""Pages young people meet on a phone: the header folds into a menu and marks the page they are
on, the home page puts open questions first, a consultation keeps finding under one "Search
and sort", dates read as days, and no staff words (badges, footers, filters) get in the way."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.dates import day_and_month, opening_words
from app.extensions import db
from app.models import IdeaStatus, Phase
from app.models.types import utcnow


def header(html: str) -> str:
    """The site's header, as the page has it."""
    return re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0)


def nav_links(html: str) -> list[str]:
    """The words of each link and button of the header's navigation, in order."""
    nav = re.search(r"<nav aria-label=\"Main\">.*?</nav>", header(html), re.S).group(0)
    found = re.findall(r"<(?:a|button)\b[^>]*>(.*?)</(?:a|button)>", nav, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", words).split()) for words in found]


# The header ------------------------------------------------------------------------------------


def test_the_navigation_folds_into_a_menu_that_opens_without_javascript(client):
    """A <details> whose <summary> says "Menu", holding the navigation: it opens by itself."""
    html = client.get("/").get_data(as_text=True)
    menu = re.search(r'<details class="site-menu">\s*<summary>Menu</summary>\s*<nav', header(html))
    assert menu, "the navigation is not in a Menu <details>"


def test_the_link_to_the_page_you_are_on_is_marked_current(client, make, login):
    """aria-current="page" on the link to this very page, and on no other."""
    login(make.user())
    html = client.get("/my-ideas").get_data(as_text=True)
    assert re.findall(r'<a href="([^"]*)" aria-current="page"', header(html)) == ["/my-ideas"]
    home = client.get("/").get_data(as_text=True)
    assert re.findall(r'<a href="([^"]*)" aria-current="page"', header(home)) == ["/"]


def test_staff_see_moderation_first_and_reach_the_public_pages_by_the_sites_name(
    client, make, login
):
    """Most used first: staff start with Moderation; the site's name leads to the questions."""
    login(make.staff(make.library_service()))
    links = nav_links(client.get("/staff/").get_data(as_text=True))
    assert links[0] == "Moderation"
    assert "Consultations" not in links
    assert links[-1].startswith("Sign out")


def test_young_people_see_questions_and_their_ideas_first(client, make, login):
    """A young person's menu starts with the questions and their own ideas."""
    login(make.user())
    links = nav_links(client.get("/").get_data(as_text=True))
    assert links[:2] == ["Consultations", "My ideas"]


def test_no_page_ends_with_a_link_to_the_outcomes_but_you_said_we_did_has_one(client):
    """The outcomes are staff's words: reachable from "You said, we did", not every footer."""
    home = client.get("/").get_data(as_text=True)
    assert "<footer" not in home
    assert 'href="/outcomes"' not in home
    said = client.get("/you-said-we-did").get_data(as_text=True)
    assert 'href="/outcomes"' in said


# Describing public pages ----------------------------------------------------------------------


def description(html: str) -> str:
    """The page's meta description."""
    found = re.search(r'<meta name="description" content="([^"]*)">', html)
    assert found, "no meta description"
    return found.group(1)


def test_public_pages_describe_themselves(client, make):
    """Home, a consultation, an idea, "You said, we did", join and sign in each have a
    description of their own; the consultation's and the idea's name what they are about."""
    idea = make.idea(title="Board games club")
    consultation = idea.consultation
    pages = [
        "/",
        f"/consultations/{consultation.id}",
        f"/ideas/{idea.id}",
        "/you-said-we-did",
        "/join",
        "/sign-in",
    ]
    descriptions = [description(client.get(path).get_data(as_text=True)) for path in pages]
    assert all(descriptions)
    assert len(set(descriptions)) == len(pages), "each page has a description of its own"
    assert "What should the library do?" in descriptions[1]
    assert "Board games club" in descriptions[2]


# Home: open questions first ------------------------------------------------------------------


def question(make, phase: Phase, words: str, **values):
    """A consultation asking these words."""
    consultation = make.consultation(phase, **values)
    consultation.question = words
    db.session.commit()
    return consultation


def test_home_lists_open_questions_first_and_closed_ones_under_their_own_heading(client, make):
    """A closed question, even the newest, comes after the open ones, under "Questions now
    closed"; so does one whose closing time has passed."""
    library = make.library_service()
    voting = question(make, Phase.VOTING_OPEN, "Open one?", library_service=library)
    ran_out = question(
        make,
        Phase.VOTING_OPEN,
        "Past its time?",
        library_service=library,
        closes_at=utcnow() - timedelta(days=1),
    )
    closed = question(make, Phase.CLOSED, "Closed one?", library_service=library)
    html = client.get("/").get_data(as_text=True)
    heading = html.index("Questions now closed")
    assert html.index(voting.question) < heading
    assert heading < html.index(closed.question)
    assert heading < html.index(ran_out.question)


def test_closed_questions_have_a_paged_list_of_their_own(client, make):
    """Show more of the closed questions comes from their own address."""
    library = make.library_service()
    for n in range(21):
        question(make, Phase.CLOSED, f"Closed {n}?", library_service=library)
    html = client.get("/").get_data(as_text=True)
    more = re.search(r'<a [^>]*href="(/consultations/closed\?after=[^"]+)"', html)
    assert more, "no Show more for the closed questions"
    page = client.get(more.group(1).replace("&amp;", "&"))
    assert page.status_code == 200
    assert "Closed 0?" in page.get_data(as_text=True)


# A consultation: the first screen is for the ideas ---------------------------------------------


def test_finding_and_sorting_fold_under_search_and_sort_until_used(client, make):
    """Closed at first; open when the address holds a search, so its words stay in view."""
    idea = make.idea()
    page = f"/consultations/{idea.consultation_id}"
    closed = client.get(page).get_data(as_text=True)
    assert re.search(r'<details class="find-ideas">\s*<summary>Search and sort</summary>', closed)
    searched = client.get(page + "?q=chairs").get_data(as_text=True)
    assert '<details class="find-ideas" open>' in searched


def test_a_status_filter_is_offered_only_between_statuses_the_ideas_have(client, make):
    """While every idea is open for votes there is nothing to choose; once staff answer one,
    the filter offers just the statuses there are."""
    first = make.idea()
    consultation = first.consultation
    make.idea(consultation)
    page = f"/consultations/{consultation.id}"
    assert 'id="find-status"' not in client.get(page).get_data(as_text=True)
    make._set_status(first, IdeaStatus.UNDER_CONSIDERATION)
    html = client.get(page).get_data(as_text=True)
    select = re.search(r'<select [^>]*id="find-status".*?</select>', html, re.S).group(0)
    offered = re.findall(r'<option[^>]*value="([^"]*)"', select)
    assert offered == ["", "open", "looked-at"]


def test_public_ideas_wear_no_published_badge_but_answered_ones_say_what_happened(
    client, make, login
):
    """ "Published" is staff's word for an idea everyone can see; "Going ahead" is news."""
    published = make.idea(title="Beanbags")
    accepted = make.accepted_idea(published.consultation, title="Film club")
    html = client.get(f"/consultations/{published.consultation_id}").get_data(as_text=True)
    assert "badge-published" not in html and ">Published<" not in html
    assert "badge-accepted" in html
    idea_page = client.get(f"/ideas/{published.id}").get_data(as_text=True)
    assert "badge-published" not in idea_page
    assert "badge-accepted" in client.get(f"/ideas/{accepted.id}").get_data(as_text=True)


def test_a_consultation_says_the_day_it_closes_without_the_time(client, make, app):
    """ "Closes 6 January": no minutes, no year while it is this year's."""
    now = utcnow()
    closes = now + timedelta(days=3)
    consultation = make.consultation(Phase.VOTING_OPEN, closes_at=closes)
    html = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    with app.test_request_context():
        expected = f"Closes {day_and_month(closes)}"
    assert expected in html
    assert not re.search(r"Closes [^<]*\d\d:\d\d", html)


@pytest.mark.parametrize(
    ("opens", "closes", "words"),
    [
        (None, None, ""),
        (datetime(2030, 3, 1, 12, tzinfo=UTC), None, "Opens 1 March 2030"),
        (None, datetime(2030, 1, 6, 12, tzinfo=UTC), "Closes 6 January 2030"),
        (None, datetime(2029, 12, 31, 12, tzinfo=UTC), "Closes 31 December"),
        (None, datetime(2029, 1, 6, 12, tzinfo=UTC), "Closed 6 January"),
    ],
)
def test_opening_words_give_the_one_date_that_matters(app, opens, closes, words):
    """Before it opens, when it opens; then when it closes; after, when it closed. The year
    only when it is not this year's (here "now" is 1 June 2029)."""
    with app.test_request_context():
        assert opening_words(opens, closes, now=datetime(2029, 6, 1, tzinfo=UTC)) == words
