"""The QLP practice guide: delivered and mainstreamed services as case studies to share."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.codesign.services import LESSONS_MAX
from app.evidence.coverage import Scope
from app.evidence.guide import practice_guide
from app.extensions import db
from app.models import (
    AuditEntry,
    CodesignSession,
    CodesignVolunteer,
    Partner,
    QlpRating,
    QlpReview,
    Rating,
    Role,
    ServiceStatus,
    ServiceStatusChange,
    StaffSkill,
    VolunteerStatus,
    Vote,
)
from app.models.codesign import CodesignService
from app.outcomes import all_frameworks
from tests.conftest import csrf_token

HTMX = {"HX-Request": "true"}


def outcome(code: str):
    """The outcome with this code."""
    return next(o for f in all_frameworks() for g in f.groups for o in g.outcomes if o.code == code)


def votes(idea, count: int) -> None:
    """`count` votes for the idea (by deleted accounts: a vote counts without its voter)."""
    db.session.add_all(Vote(idea_id=idea.id) for _ in range(count))
    db.session.commit()


def delivered(make, consultation, name: str, status=ServiceStatus.DELIVERED, on=None):
    """A service of the consultation's library service that reached `status` on a day."""
    service = make.codesign_service(make.accepted_idea(consultation), name=name, status=status)
    change = db.session.execute(
        select(ServiceStatusChange).where(ServiceStatusChange.service_id == service.id)
    ).scalar_one()
    change.created_at = on or datetime(2025, 5, 1, 12, tzinfo=UTC)
    db.session.commit()
    return service


def signed_review(make, service, evidence: str, signed: bool = True) -> QlpReview:
    """A review of the service rating qlp.aim.b "embedded" with this evidence."""
    reviewer = make.user(Role.QLP_REVIEWER)
    review = QlpReview(
        service=service,
        reviewer=reviewer,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        overall_comment="A good start." if signed else "",
    )
    review.ratings.append(
        QlpRating(outcome=outcome("qlp.aim.b"), rating=Rating.EMBEDDED, evidence=evidence)
    )
    if signed:
        review.signed_at = datetime(2025, 7, 1, tzinfo=UTC)
        review.signed_by_id = reviewer.id
    db.session.add(review)
    db.session.commit()
    return review


@pytest.fixture
def world(make):
    """Hand-made: in library service A, "Homework club" (delivered 1 May 2025) and "Reading
    den" (mainstreamed, delivered 1 March 2024), and "Still planning" and "Stopped club",
    which are not in the guide; in library service B, "Far club" (delivered).

    Homework club: the ideas "Quiet study room" (7 votes: shown 5) and "Snacks please"
    (3 votes: fewer than 5) by young people; a session of 4 March 2025; the partner "Town
    Youth Trust"; a skill; a signed review and a draft one; and what the Quality Leader learned.
    """
    first = make.consultation()
    a = first.library_service
    far = make.consultation()
    staff_a = make.staff(a, username="Staffer_Alma")
    quiet = make.accepted_idea(first, title="Quiet study room")
    snacks = make.accepted_idea(first, title="Snacks please")
    votes(quiet, 7)
    votes(snacks, 3)
    homework = make.codesign_service(
        quiet, snacks, name="Homework club", status=ServiceStatus.DELIVERED
    )
    homework.need = "Nowhere quiet to study after school."
    homework.history[0].created_at = datetime(2025, 5, 1, 12, tzinfo=UTC)
    homework.lessons_learned = "Ask early and ask often."
    session = CodesignSession(
        service_id=homework.id,
        held_on=date(2025, 3, 4),
        place="Central library",
        attendance={"14-16": 6},
        decisions="Open on Tuesdays and Thursdays.",
    )
    homework.partners.append(Partner(name="Town Youth Trust"))
    db.session.add(session)
    db.session.flush()
    db.session.add(
        StaffSkill(
            service_id=homework.id,
            staff_id=staff_a.id,
            skill="Running a session led by young people",
            evidence="Ran three sessions with the group.",
            session_id=session.id,
        )
    )
    volunteer = make.user(username="Codesigner_Zed")
    db.session.add(
        CodesignVolunteer(
            idea=quiet, user=volunteer, status=VolunteerStatus.ACCEPTED, credit_publicly=True
        )
    )
    db.session.commit()
    signed_review(make, homework, "Young people chose the hours.")
    signed_review(make, homework, "Draft words, not yet signed.", signed=False)
    reading = delivered(
        make,
        first,
        "Reading den",
        ServiceStatus.MAINSTREAMED,
        datetime(2024, 3, 1, 12, tzinfo=UTC),
    )
    delivered(make, first, "Still planning", ServiceStatus.CODESIGNING)
    delivered(make, first, "Stopped club", ServiceStatus.STOPPED)
    far_club = delivered(make, far, "Far club")
    return {
        "a": a,
        "far": far,
        "staff_a": staff_a,
        "homework": homework,
        "reading": reading,
        "far_club": far_club,
        "authors": [quiet.author.username, snacks.author.username],
        "volunteer": volunteer,
    }


def names(scope: Scope) -> list[str]:
    """The services the guide tells of, in its order."""
    return [case.service.name for case in practice_guide(scope).cases]


def test_only_delivered_and_mainstreamed_services_are_case_studies(world):
    """Services still being designed, or stopped, are left out."""
    assert sorted(names(Scope())) == ["Far club", "Homework club", "Reading den"]


def test_filters_narrow_by_library_service_and_delivery_date(world):
    """A library service's own services; a period keeps those delivered inside it."""
    a = frozenset({world["a"].id})
    assert names(Scope(a)) == ["Homework club", "Reading den"]
    assert names(Scope(a, start=date(2025, 1, 1))) == ["Homework club"]
    assert names(Scope(a, start=date(2024, 3, 1), end=date(2024, 3, 1))) == ["Reading den"]
    assert names(Scope(a, end=date(2024, 2, 29))) == []


def test_each_part_of_a_case_study_comes_from_the_service(world):
    """Need, ideas with controlled votes, decisions, partners, skills, ratings and lessons."""
    case = next(c for c in practice_guide(Scope()).cases if c.service.name == "Homework club")
    assert case.service.need == "Nowhere quiet to study after school."
    assert [(i.title, str(i.votes)) for i in case.ideas] == [
        ("Quiet study room", "5"),
        ("Snacks please", "fewer than 5"),
    ]
    assert [(d.held_on, d.decisions) for d in case.decisions] == [
        (date(2025, 3, 4), "Open on Tuesdays and Thursdays.")
    ]
    assert [p.name for p in case.partners] == ["Town Youth Trust"]
    assert [(s.skill, s.evidence) for s in case.skills] == [
        ("Running a session led by young people", "Ran three sessions with the group.")
    ]
    assert len(case.reviews) == 1
    assert [(r.outcome.code, r.rating, r.evidence) for r in case.reviews[0].ratings] == [
        ("qlp.aim.b", Rating.EMBEDDED, "Young people chose the hours.")
    ]
    assert case.service.lessons_learned == "Ask early and ask often."
    assert case.delivered_on.date() == date(2025, 5, 1)


def test_the_page_shows_every_part_and_no_young_persons_name(client, make, login, world):
    """The page holds each part, votes under disclosure control, and no pseudonym or staff name."""
    login(make.user(Role.QLP_REVIEWER))
    html = client.get("/evidence/guide").get_data(as_text=True)
    for words in (
        "Nowhere quiet to study after school.",
        "Quiet study room",
        "What should the library do?",
        "Open on Tuesdays and Thursdays.",
        "Town Youth Trust",
        "Running a session led by young people",
        "Ran three sessions with the group.",
        "Young people chose the hours.",
        "Embedded",
        "Ask early and ask often.",
    ):
        assert words in html, words
    assert "Draft words" not in html
    assert "Still planning" not in html and "Stopped club" not in html
    votes_cells = re.findall(r'<td data-label="Votes">([^<]*)</td>', html)
    assert sorted(votes_cells) == ["0", "0", "5", "fewer than 5"]
    for name in [*world["authors"], world["volunteer"].username, "Staffer_Alma"]:
        assert name not in html


def test_the_contents_link_to_each_case_study(client, make, login, world):
    """Each case study is a section with an id, and the contents link to it in order."""
    login(make.user(Role.QLP_REVIEWER))
    html = client.get(f"/evidence/guide?library_service={world['a'].id}").get_data(as_text=True)
    anchors = re.findall(r'<li><a href="#(case-\d+)">', html)
    assert anchors == [f"case-{world['homework'].id}", f"case-{world['reading'].id}"]
    for anchor in anchors:
        assert f'<section class="case-study" id="{anchor}"' in html


def test_queries_do_not_grow_with_services(make, count_queries, world):
    """As many queries for one case study with all its parts as for three."""
    a = frozenset({world["a"].id})
    with count_queries() as few:
        assert len(practice_guide(Scope(a, start=date(2025, 1, 1))).cases) == 1
    with count_queries() as many:
        guide = practice_guide(Scope())
    assert len(guide.cases) == 3
    assert len(few) == len(many)


def test_young_people_are_refused(client, make, login):
    """The guide is for staff, reviewers and admins."""
    login(make.user())
    assert client.get("/evidence/guide").status_code == 403
    response = client.post("/evidence/guide/download", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 403


def test_staff_see_only_their_library_services(client, make, login, world):
    """Staff read their own services' case studies and cannot choose another library service."""
    login(world["staff_a"])
    html = client.get("/evidence/guide").get_data(as_text=True)
    assert "Homework club" in html and "Far club" not in html
    other = world["far"].library_service_id
    assert client.get(f"/evidence/guide?library_service={other}").status_code == 400


def test_admins_see_every_library_service(client, make, login, world):
    """An admin's guide holds every library service's services."""
    login(make.user(Role.ADMIN))
    html = client.get("/evidence/guide").get_data(as_text=True)
    assert "Homework club" in html and "Far club" in html


@pytest.mark.parametrize("query", ["start=yesterday", "start=2025-02-01&end=2025-01-01"])
def test_bad_filters_are_a_400_with_a_message(client, make, login, query):
    """A filter that cannot be understood is refused with a message."""
    login(make.user(Role.QLP_REVIEWER))
    response = client.get(f"/evidence/guide?{query}")
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)


def test_the_qlp_dashboard_links_to_the_guide(client, make, login):
    """The guide is reached from the QLP dashboard, beside the coverage matrix."""
    login(make.user(Role.QLP_REVIEWER))
    assert 'href="/evidence/guide"' in client.get("/review/").get_data(as_text=True)


# --- The download --------------------------------------------------------------------------


def download(client, query: str = ""):
    """Download the guide, with the page's CSRF token."""
    return client.post(f"/evidence/guide/download{query}", data={"csrf_token": csrf_token(client)})


def test_the_download_is_one_self_contained_file(app, client, make, login, world):
    """Styles written in; no script, no stylesheet link, no address but its own anchors."""
    login(make.user(Role.QLP_REVIEWER))
    response = download(client)
    assert response.status_code == 200
    assert re.fullmatch(
        r'attachment; filename="qlp-practice-guide-\d{4}-\d{2}-\d{2}\.html"',
        response.headers["Content-Disposition"],
    )
    html = response.get_data(as_text=True)
    assert "<script" not in html.lower() and "<link" not in html.lower()
    addresses = re.findall(r'(?:src|href)\s*=\s*["\']?([^"\' >]*)', html, re.IGNORECASE)
    assert addresses and all(address.startswith("#") for address in addresses), addresses
    assert "url(" not in html
    css = (Path(app.static_folder) / "css" / "guide.css").read_text().strip()
    assert f"<style>{css}" in html
    assert "Homework club" in html and "Ask early and ask often." in html
    for name in [*world["authors"], world["volunteer"].username]:
        assert name not in html


def test_the_download_is_in_the_page_language_and_direction(client, make, login, world):
    """In Arabic the file says so on its <html> element."""
    login(make.user(Role.QLP_REVIEWER))
    assert '<html lang="en" dir="ltr">' in download(client).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in download(client, "?lang=ar").get_data(as_text=True)


def test_the_download_is_audited_with_what_it_held(client, make, login, world):
    """Each download is recorded with its filter and the services it held."""
    staff = world["staff_a"]
    login(staff)
    assert download(client).status_code == 200
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "evidence.guide_download")
    ).scalar_one()
    assert entry.actor_id == staff.id
    assert entry.detail["library_services"] == [world["a"].id]
    assert sorted(entry.detail["services"]) == sorted([world["homework"].id, world["reading"].id])


def test_the_download_needs_a_csrf_token(client, make, login, world):
    """A download without the form's token is refused and not recorded."""
    login(make.user(Role.QLP_REVIEWER))
    assert client.post("/evidence/guide/download").status_code == 400
    assert (
        db.session.execute(
            select(AuditEntry.id).where(AuditEntry.action == "evidence.guide_download")
        ).first()
        is None
    )


# --- What we learned -----------------------------------------------------------------------


def lessons(client, service: CodesignService, text: str, headers=None):
    """Post what was learned about a service."""
    return client.post(
        f"/codesign/services/{service.id}/lessons",
        data={"csrf_token": csrf_token(client), "lessons-text": text},
        headers=headers or {},
    )


def test_the_quality_leader_writes_what_was_learned(client, login, world):
    """Saved with who and when, audited, and shown on the service's page."""
    service = world["homework"]
    leader = service.quality_leader
    login(leader)
    response = lessons(client, service, "  Book the room early.  ")
    assert response.status_code == 303
    db.session.refresh(service)
    assert service.lessons_learned == "Book the room early."
    assert service.lessons_by_id == leader.id and service.lessons_at is not None
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "service.lessons")
    ).scalar_one()
    assert (entry.actor_id, entry.subject_id) == (leader.id, service.id)
    page = client.get(f"/codesign/services/{service.id}").get_data(as_text=True)
    assert "Book the room early." in page


def test_htmx_gets_the_lessons_panel_afresh(client, login, world):
    """An htmx post answers with the panel and a message, not a redirect."""
    service = world["homework"]
    login(service.quality_leader)
    response = lessons(client, service, "Keep it small.", HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="lessons-panel"' in html and "Keep it small." in html


@pytest.mark.parametrize("who", ["other staff", "reviewer", "admin", "young person"])
def test_only_the_quality_leader_may_write_them(client, make, login, world, who):
    """Other staff of the library service, reviewers, admins and young people get 403."""
    service = world["homework"]
    person = {
        "other staff": lambda: world["staff_a"],
        "reviewer": lambda: make.user(Role.QLP_REVIEWER),
        "admin": lambda: make.user(Role.ADMIN),
        "young person": lambda: make.user(),
    }[who]()
    login(person)
    assert lessons(client, service, "Not mine to write.").status_code == 403
    db.session.refresh(service)
    assert service.lessons_learned == "Ask early and ask often."


def test_too_long_lessons_are_refused_with_a_clear_message(client, login, world):
    """More than the limit is a 400 that says the limit, and nothing is saved."""
    service = world["homework"]
    login(service.quality_leader)
    response = lessons(client, service, "x" * (LESSONS_MAX + 1))
    assert response.status_code == 400
    assert "Please write what was learned in up to 8000 characters." in response.get_data(
        as_text=True
    )
    db.session.refresh(service)
    assert service.lessons_learned == "Ask early and ask often."


def test_other_staff_read_the_lessons_without_a_form(client, login, world):
    """Staff who are not its Quality Leader read what was learned, with no form to change it."""
    service = world["homework"]
    login(world["staff_a"])
    page = client.get(f"/codesign/services/{service.id}").get_data(as_text=True)
    assert "Ask early and ask often." in page
    assert f"/codesign/services/{service.id}/lessons" not in page
