"""The coverage matrix: each outcome against the ideas and services serving it, and its lists."""

import re
from datetime import UTC, date, datetime

import pytest

from app.codesign.services import link_service_outcome
from app.evidence.coverage import Scope, coverage
from app.extensions import db
from app.models import IdeaStatus, QlpRating, QlpReview, Rating, Role
from app.moderation.services import link_outcome
from app.outcomes import all_frameworks


def rows_by_code(scope: Scope | None = None) -> dict:
    """The matrix's rows by outcome code (everything when no scope is given)."""
    scope = scope or Scope()
    return {row.outcome.code: row for row in coverage(scope)}


def signed(make, service, code: str, rating: Rating, when: datetime) -> QlpReview:
    """A signed review of `service` rating one outcome, signed at `when`."""
    reviewer = make.user(Role.QLP_REVIEWER)
    review = QlpReview(
        service=service,
        reviewer=reviewer,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        signed_at=when,
        signed_by_id=reviewer.id,
    )
    outcome = next(
        o for f in all_frameworks() for g in f.groups for o in g.outcomes if o.code == code
    )
    review.ratings.append(QlpRating(outcome=outcome, rating=rating, evidence="Seen."))
    db.session.add(review)
    db.session.commit()
    return review


@pytest.fixture
def world(make):
    """Hand-counted: two library services, ideas in and out of scope, a service and reviews.

    qlp.aim.a: ideas "Homework club" (A, first consultation), "Old idea" (A, second, 2020)
    and "Far away" (B); a hidden idea is linked too and is not counted; no service.
    promise.vision.1: "Homework club" and the service "Tuesday club" (A), rated nowhere.
    """
    first = make.consultation()
    a = first.library_service
    second = make.consultation(library_service=a)
    far = make.consultation()
    staff_a = make.staff(a)
    staff_b = make.staff(far.library_service)
    homework = make.idea(first, title="Homework club")
    old = make.idea(second, title="Old idea")
    old.created_at = datetime(2020, 3, 1, tzinfo=UTC)
    away = make.idea(far, title="Far away")
    hidden = make.idea(first, title="Hidden one")
    for idea, staff in ((homework, staff_a), (old, staff_a), (away, staff_b), (hidden, staff_a)):
        link_outcome(idea, "qlp.aim.a", staff, "Planned with young people.")
    link_outcome(homework, "promise.vision.1", staff_a, "They shape services.")
    make._set_status(hidden, IdeaStatus.HIDDEN)
    service = make.codesign_service(make.accepted_idea(first), name="Tuesday club")
    link_service_outcome(service, "promise.vision.1", staff_a, "Built with them.")
    signed(make, service, "qlp.aim.b", Rating.EMERGING, datetime(2025, 1, 1, tzinfo=UTC))
    signed(make, service, "qlp.aim.b", Rating.EMBEDDED, datetime(2025, 6, 1, tzinfo=UTC))
    db.session.commit()
    return {
        "a": a,
        "first": first,
        "second": second,
        "far": far,
        "staff_a": staff_a,
        "service": service,
    }


def test_every_outcome_of_both_frameworks_is_a_row_in_order(world):
    """The rows are every outcome, in the frameworks' order."""
    expected = [o.code for f in all_frameworks() for g in f.groups for o in g.outcomes]
    assert [row.outcome.code for row in coverage(Scope())] == expected
    assert "qlp.aim.a" in expected and "promise.vision.1" in expected


def test_counts_match_the_hand_counted_fixture(world):
    """Public ideas only; services and the newest signed rating for QLP outcomes."""
    rows = rows_by_code()
    assert (rows["qlp.aim.a"].idea_count, rows["qlp.aim.a"].service_count) == (3, 0)
    assert (rows["promise.vision.1"].idea_count, rows["promise.vision.1"].service_count) == (1, 1)
    assert rows["qlp.aim.b"].rating == Rating.EMBEDDED
    assert rows["qlp.aim.a"].rating is None
    assert rows["qlp.aim.b"].rated and not rows["promise.vision.1"].rated


def test_filters_narrow_by_library_service_consultation_and_period(world):
    """Each filter leaves out what lies outside it."""
    a = frozenset({world["a"].id})
    assert rows_by_code(Scope(a))["qlp.aim.a"].idea_count == 2
    assert rows_by_code(Scope(a, world["first"].id))["qlp.aim.a"].idea_count == 1
    recent = rows_by_code(Scope(a, start=date(2021, 1, 1)))
    assert recent["qlp.aim.a"].idea_count == 1
    old = rows_by_code(Scope(a, start=date(2020, 3, 1), end=date(2020, 3, 1)))
    assert old["qlp.aim.a"].idea_count == 1
    assert old["promise.vision.1"].service_count == 0
    far = rows_by_code(Scope(frozenset({world["far"].library_service_id})))
    assert far["promise.vision.1"].service_count == 0
    assert far["qlp.aim.b"].rating is None


def test_gaps_are_named(world):
    """No idea yet, and ideas but no service yet."""
    rows = rows_by_code()
    assert rows["qlp.aim.c"].no_idea
    assert rows["qlp.aim.a"].ideas_without_service and not rows["qlp.aim.a"].no_idea
    assert not rows["promise.vision.1"].ideas_without_service


def test_query_count_does_not_grow_with_links(make, count_queries):
    """The same number of queries with one link as with many."""
    consultation = make.consultation()
    staff = make.staff(consultation.library_service)
    link_outcome(make.idea(consultation), "qlp.aim.a", staff, "One.")
    with count_queries() as one:
        coverage(Scope())
    for code in ("qlp.aim.b", "qlp.aim.c", "promise.vision.2"):
        for _ in range(3):
            link_outcome(make.idea(consultation), code, staff, "Many.")
    with count_queries() as many:
        coverage(Scope())
    assert len(one) == len(many)


def row_html(html: str, code: str) -> str:
    """The table row of one outcome."""
    match = re.search(rf'<span class="code">{re.escape(code)}</span>.*?</tr>', html, re.S)
    assert match, code
    return match.group(0)


def test_page_shows_figures_under_disclosure_control_and_gaps(client, make, login, world):
    """Counts of 1 to 4 show as "fewer than 5"; gaps are said in words; a table and a heat map."""
    login(make.user(Role.QLP_REVIEWER))
    response = client.get("/evidence/coverage")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<caption>" in html and 'scope="col"' in html and 'role="img"' in html
    aim_a = row_html(html, "qlp.aim.a")
    assert "fewer than 5" in aim_a and "Ideas, no service yet" in aim_a
    assert ">3<" not in aim_a
    assert "No idea yet" in row_html(html, "qlp.aim.c")
    assert "Embedded" in row_html(html, "qlp.aim.b")
    assert "—" in row_html(html, "qlp.aim.a")
    heat_map = html.split('<svg class="heat-map"', 1)[1].split("</svg>", 1)[0]
    assert "style=" not in heat_map and "<title" in heat_map


def test_heat_map_is_mirrored_right_to_left(client, make, login, world):
    """In Arabic, the first column of cells sits at the right of the map."""
    login(make.user(Role.QLP_REVIEWER))
    ltr = client.get("/evidence/coverage").get_data(as_text=True)
    rtl = client.get("/evidence/coverage?lang=ar").get_data(as_text=True)
    first = re.compile(r'<rect x="(\d+)" y="27"')
    assert first.findall(ltr)[0] != first.findall(rtl)[0]


def test_cells_link_to_the_lists_behind_them(client, make, login, world):
    """A count links to its ideas or services, in the same filter."""
    login(world["staff_a"])
    html = client.get("/evidence/coverage").get_data(as_text=True)
    ideas = re.search(r'href="(/evidence/coverage/qlp\.aim\.a/ideas[^"]*)"', html).group(1)
    listed = client.get(ideas.replace("&amp;", "&")).get_data(as_text=True)
    assert "Homework club" in listed and "Old idea" in listed
    assert "Far away" not in listed and "Hidden one" not in listed
    services = re.search(r'href="(/evidence/coverage/promise\.vision\.1/services[^"]*)"', html)
    assert "Tuesday club" in client.get(services.group(1).replace("&amp;", "&")).get_data(
        as_text=True
    )
    assert "/evidence/coverage/qlp.aim.c/ideas" not in html


def test_anonymous_people_are_sent_to_sign_in(client):
    """The matrix is for signed-in staff, reviewers and admins."""
    response = client.get("/evidence/coverage")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_young_people_are_refused(client, make, login):
    """A young person gets 403."""
    login(make.user())
    assert client.get("/evidence/coverage").status_code == 403
    assert client.get("/evidence/coverage/qlp.aim.a/ideas").status_code == 403


def test_staff_see_only_their_library_services(client, make, login, world):
    """Staff count and list their own library services only, and cannot choose another."""
    login(world["staff_a"])
    html = client.get("/evidence/coverage/qlp.aim.a/ideas").get_data(as_text=True)
    assert "Homework club" in html and "Far away" not in html
    other = world["far"].library_service_id
    assert client.get(f"/evidence/coverage?library_service={other}").status_code == 400
    assert client.get(f"/evidence/coverage?consultation={world['far'].id}").status_code == 400


def test_admins_see_every_library_service(client, make, login, world):
    """An admin's list holds ideas of every library service."""
    login(make.user(Role.ADMIN))
    html = client.get("/evidence/coverage/qlp.aim.a/ideas").get_data(as_text=True)
    assert "Homework club" in html and "Far away" in html


@pytest.mark.parametrize(
    "query",
    ["start=yesterday", "start=2025-02-01&end=2025-01-01", "consultation=abc", "library_service=x"],
)
def test_bad_filters_are_a_400_with_a_message(client, make, login, query):
    """Filters that cannot be understood are refused with a message, never a 500."""
    login(make.user(Role.QLP_REVIEWER))
    response = client.get(f"/evidence/coverage?{query}")
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)


def test_unknown_outcome_is_not_found(client, make, login):
    """A made-up code is a 404."""
    login(make.user(Role.QLP_REVIEWER))
    assert client.get("/evidence/coverage/made.up/ideas").status_code == 404


def test_page_says_the_threshold_it_follows(app, client, make, login, world):
    """With a threshold of 10, counts up to 9 show as "fewer than 10", and the page says so."""
    app.config["DISCLOSURE_THRESHOLD"] = 10
    login(make.user(Role.QLP_REVIEWER))
    html = client.get("/evidence/coverage").get_data(as_text=True)
    assert "Figures from 1 to 9 show as" in html
    assert "fewer than 10" in row_html(html, "qlp.aim.a")
