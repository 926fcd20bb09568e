"""Paged lists: the keyset helper, plain next and previous links, and htmx's Show more."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ideas.services import published_ideas
from app.models import Consultation, Idea, Phase, Role
from app.pagination import Cursor, InvalidCursor, decode_cursor, encode_cursor, page_url, paginate
from tests.conftest import shared_rows

TITLE = re.compile(r'<h3><a href="/ideas/\d+" lang="[\w-]+" dir="auto" hx-disable>([^<]+)</a></h3>')


@shared_rows
def crowded_consultation(make) -> int:
    """A consultation open for votes with 45 published ideas, Idea 1 to Idea 45; its id."""
    consultation = make.consultation(Phase.PROPOSALS_OPEN)
    staff = make.staff(consultation.library_service)
    author = make.user()
    from app.ideas.services import approve_idea, propose_idea

    for number in range(1, 46):
        idea = propose_idea(author, consultation, f"Idea {number}", "A good idea.")
        approve_idea(idea, staff)
    consultation.phase = Phase.VOTING_OPEN
    db.session.commit()
    return consultation.id


@pytest.fixture
def crowded(crowded_consultation) -> Consultation:
    """A consultation open for votes with 45 published ideas, Idea 1 to Idea 45."""
    return db.session.get(Consultation, crowded_consultation)


def titles(html: str) -> list[str]:
    """The idea titles on a page or in a partial, in order."""
    return TITLE.findall(html)


def next_link(html: str) -> str | None:
    """Where the "Show more" link (the next page) goes."""
    match = re.search(r'href="([^"]+)" rel="next"', html)
    return match and match.group(1).replace("&amp;", "&")


def previous_link(html: str) -> str | None:
    """Where the "Previous page" link goes."""
    match = re.search(r'href="([^"]+)" rel="prev"', html)
    return match and match.group(1).replace("&amp;", "&")


def test_pages_follow_each_other_without_gaps_or_repeats(crowded):
    """Three pages of 20, 20 and 5 hold every idea once, in order, and lead back again."""
    pages, cursor = [], None
    while True:
        page = published_ideas(crowded, cursor)
        pages.append(page)
        if page.next_cursor is None:
            break
        cursor = Cursor(decode_cursor(page.next_cursor))
    assert [len(p.items) for p in pages] == [20, 20, 5]
    seen = [idea.title for p in pages for idea in p.items]
    assert seen == [f"Idea {n}" for n in range(45, 0, -1)]  # newest first among equal votes
    assert pages[0].previous_cursor is None
    back = published_ideas(crowded, Cursor(decode_cursor(pages[2].previous_cursor), True))
    assert back.items == pages[1].items
    assert back.next_cursor == pages[1].next_cursor


def test_most_voted_come_first_and_ties_keep_a_fixed_order(crowded, make):
    """Ordering by votes, then newest: the same idea never appears on two pages."""
    from app.ideas.services import cast_vote

    ideas = {i.title: i for i in db.session.scalars(select(Idea))}
    for _ in range(2):
        cast_vote(make.user(), ideas["Idea 3"])
    cast_vote(make.user(), ideas["Idea 40"])
    first = published_ideas(crowded)
    assert [i.title for i in first.items[:3]] == ["Idea 3", "Idea 40", "Idea 45"]


def test_a_newly_published_idea_does_not_repeat_one_already_shown(make):
    """Keyset pages: one more idea on top between two pages shifts nothing onto page two."""
    from app.moderation.services import public_ideas_with_link_counts

    consultation = make.consultation()
    for _ in range(25):
        make.idea(consultation)
    staff = make.staff(consultation.library_service)
    first = public_ideas_with_link_counts(staff)
    make.idea(consultation)  # newest, so first in this list
    second = public_ideas_with_link_counts(staff, Cursor(decode_cursor(first.next_cursor)))
    shown = [idea.id for idea, _links in first.items + second.items]
    assert len(shown) == len(set(shown)) == 25


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        encode_cursor(["seven", 3]),  # wrong types for (votes, id)
        encode_cursor([1]),  # too few keys
        encode_cursor([1, 2, 3]),  # too many
        encode_cursor([True, 2]),
        "x" * 500,
    ],
)
def test_a_cursor_that_does_not_fit_is_refused(crowded, cursor):
    """Made-up or damaged cursors are an InvalidCursor (a 400), never a database error."""
    with pytest.raises(InvalidCursor):
        published_ideas(crowded, Cursor(decode_cursor(cursor)))


def test_paginate_returns_tuples_when_it_selects_more_than_one_thing(crowded):
    """A page of (idea, title) rows comes back as tuples, without the sort keys."""
    page = paginate(select(Idea, Idea.title), [Idea.id], per_page=2)
    assert [(i.title, t) for i, t in page.items] == [("Idea 1", "Idea 1"), ("Idea 2", "Idea 2")]


def test_page_url_swaps_the_cursor_and_keeps_other_arguments():
    """Filters and searches in the address survive a page change; old cursors do not."""
    assert page_url("/admin/accounts?q=sam&after=abc", before="xyz") == (
        "/admin/accounts?q=sam&before=xyz"
    )
    assert page_url("/consultations/3", after="abc") == "/consultations/3?after=abc"


def test_without_javascript_next_and_previous_links_walk_the_list(client, crowded):
    """Plain links: 20 ideas and a next link, then 20 more with a previous link, then 5."""
    url = f"/consultations/{crowded.id}?sort=votes"
    first = client.get(url).get_data(as_text=True)
    assert titles(first) == [f"Idea {n}" for n in range(45, 25, -1)]
    assert previous_link(first) is None
    second = client.get(next_link(first)).get_data(as_text=True)
    assert "<html" in second
    assert titles(second) == [f"Idea {n}" for n in range(25, 5, -1)]
    third = client.get(next_link(second)).get_data(as_text=True)
    assert titles(third) == [f"Idea {n}" for n in range(5, 0, -1)]
    assert next_link(third) is None
    back = client.get(previous_link(third)).get_data(as_text=True)
    assert titles(back) == titles(second)
    assert titles(client.get(previous_link(back)).get_data(as_text=True)) == titles(first)


def test_show_more_with_htmx_answers_only_the_items_to_append(client, crowded):
    """htmx gets the next 20 cards, the next "Show more" out of band, and a status message."""
    first = client.get(f"/consultations/{crowded.id}?sort=votes").get_data(as_text=True)
    assert 'hx-target="#ideas" hx-swap="beforeend" hx-replace-url="true"' in first
    response = client.get(next_link(first), headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in html and '<ul class="cards"' not in html
    assert html.lstrip().startswith('<li class="card">')
    assert titles(html) == [f"Idea {n}" for n in range(25, 5, -1)]
    assert '<span id="ideas-more" hx-swap-oob="true">' in html
    assert 'role="status" hx-swap-oob="innerHTML"><p>20 more shown.</p>' in html
    last = client.get(next_link(html), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert titles(last) == [f"Idea {n}" for n in range(5, 0, -1)]
    assert next_link(last) is None
    assert '<span id="ideas-more" hx-swap-oob="true"></span>' in last


def test_htmx_without_a_cursor_gets_the_whole_list_to_put_in_place(client, crowded):
    """A list asked for afresh by htmx is the list block alone: items and pager."""
    response = client.get(f"/consultations/{crowded.id}", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div class="listing" id="ideas-listing">')
    assert len(titles(html)) == 20
    assert "<html" not in html


@pytest.mark.parametrize(
    "query", ["?after=garbage!", "?before=%%%", "?after=WzFd&before=WzFd", "?after=" + "A" * 300]
)
def test_a_damaged_page_link_gets_a_400_page(client, crowded, query):
    """A cursor changed by hand is a clear 400 in the site's layout, not a server error."""
    response = client.get(f"/consultations/{crowded.id}{query}")
    assert response.status_code == 400
    assert "Something in that request was not right" in response.get_data(as_text=True)


def test_a_cursor_past_the_end_says_so_and_links_to_the_start(client, crowded):
    """When a list shrank under an old link, the page says there is nothing more."""
    html = client.get(f"/consultations/{crowded.id}?after={encode_cursor([0, 0])}").get_data(
        as_text=True
    )
    assert "There is nothing more in this list." in html
    assert f'<a href="/consultations/{crowded.id}">Back to the start of the list</a>' in html


def test_admin_account_search_pages_keep_the_search(client, make, login):
    """Searching accounts by the start of a name pages through matches only."""
    login(make.user(Role.ADMIN))
    for n in range(25):
        make.user(username=f"Reader_{n:02d}")
    make.user(username="writer_1")
    html = client.get("/admin/accounts?q=READER").get_data(as_text=True)
    assert html.count('<li class="card">') == 20
    assert "writer_1" not in html
    more = next_link(html)
    assert more.startswith("/admin/accounts?q=READER&after=")
    rest = client.get(more).get_data(as_text=True)
    assert rest.count('<li class="card">') == 5
    assert "Reader_24" in rest
    none = client.get("/admin/accounts?q=zz").get_data(as_text=True)
    assert "No account’s name starts with “zz”." in none


def test_a_search_with_like_wildcards_matches_them_literally(client, make, login):
    """An underscore in a search is an underscore, not "any character"."""
    login(make.user(Role.ADMIN))
    make.user(username="ab_cd")
    make.user(username="abxcd")
    html = client.get("/admin/accounts?q=ab_").get_data(as_text=True)
    assert "ab_cd" in html and "abxcd" not in html
