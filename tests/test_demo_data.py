"""The demo data tells the whole story: ideas with outcome links, a service in co-design with
sessions, partners and co-designers, and a signed QLP review; loaded once, and shown publicly."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    BestValuePack,
    CodesignService,
    CodesignSession,
    CodesignVolunteer,
    Idea,
    IdeaStatus,
    OutcomeLink,
    Partner,
    PartnerKind,
    QlpReview,
    Role,
    ServiceOutcomeLink,
    ServiceStatus,
    StaffMembership,
    StaffSkill,
    User,
    VolunteerStatus,
    Vote,
)
from app.seed import (
    DEMO_ACCOUNTS,
    DEMO_LIBRARY_SERVICE,
    DEMO_PASSWORD,
    DEMO_SERVICE,
    NATIONAL_PARTNERS,
    load_demo_data,
)
from tests.conftest import csrf_token

QLP_CODES = [f"qlp.aim.{c}" for c in "abcd"] + [f"qlp.outcome.{c}" for c in "abcdef"]


@pytest.fixture
def demo(app) -> CodesignService:
    """The demo data, loaded; its co-designed service."""
    assert load_demo_data() is True
    return db.session.execute(
        select(CodesignService).where(CodesignService.name == DEMO_SERVICE)
    ).scalar_one()


def user(name: str) -> User:
    """A demo account by name."""
    return db.session.execute(select(User).where(User.username == name)).scalar_one()


def count(model, *where) -> int:
    """How many rows of a model match."""
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_demo_accounts_cover_every_role_and_staff_belong_to_the_library_service(demo):
    """One account per role (three young people), and library staff act in Riverside."""
    assert {u.username for u in db.session.query(User)} == {name for name, _, _ in DEMO_ACCOUNTS}
    assert {u.role for u in db.session.query(User)} == set(Role)
    assert count(User, User.role == Role.YOUNG_PERSON) == 3
    membership = db.session.query(StaffMembership).filter_by(user_id=user("library_staff").id)
    assert [m.library_service.name for m in membership] == [DEMO_LIBRARY_SERVICE]


def test_demo_ideas_are_linked_to_promise_and_qlp_outcomes(demo):
    """Every public demo idea has outcome links from both frameworks, each with a reason."""
    public = db.session.query(Idea).filter(Idea.status != IdeaStatus.PENDING).all()
    assert len(public) >= 5
    for idea in public:
        codes = [link.outcome.code for link in idea.outcome_links]
        assert codes, idea.title
        assert all(link.rationale for link in idea.outcome_links)
    codes = {link.outcome.code for link in db.session.query(OutcomeLink)}
    assert any(c.startswith("promise.") for c in codes)
    assert any(c.startswith("qlp.") for c in codes)
    # For the moderation queue: one to check, and one held for the phone number in it.
    assert count(Idea, Idea.status == IdeaStatus.PENDING) == 2
    assert count(Idea, Idea.held_for_personal_info.is_(True)) == 1


def test_library_staff_are_the_demo_services_safeguarding_lead(demo):
    """The safeguarding queue has its lead in the demo."""
    membership = db.session.query(StaffMembership).filter_by(user_id=user("library_staff").id)
    assert [m.safeguarding_lead for m in membership] == [True]


def test_demo_service_is_in_codesign_with_its_history_ideas_and_people(demo):
    """Status codesigning after planning, both steps with messages; who for, where, who leads."""
    assert demo.status == ServiceStatus.CODESIGNING
    assert [(c.from_status, c.to_status) for c in demo.history] == [
        (None, ServiceStatus.PLANNING),
        (ServiceStatus.PLANNING, ServiceStatus.CODESIGNING),
    ]
    assert all(change.message for change in demo.history)
    assert demo.age_bands and "refugees_asylum_seekers" in demo.beneficiary_groups
    assert demo.branches and demo.library_service.name == DEMO_LIBRARY_SERVICE
    assert demo.quality_leader.username == "library_staff"
    assert [member.username for member in demo.team] == ["library_staff"]
    assert len(demo.ideas) == 2
    for idea in demo.ideas:
        assert idea.status == IdeaStatus.IN_CODESIGN
        assert [c.to_status for c in idea.history][-2:] == [
            IdeaStatus.ACCEPTED,
            IdeaStatus.IN_CODESIGN,
        ]
        assert idea.vote_count == count(Vote, Vote.idea_id == idea.id) > 0
    kinds = {partner.kind for partner in demo.partners}
    assert PartnerKind.NATIONAL in kinds and len(kinds) == 2
    assert count(Partner, Partner.name.in_(NATIONAL_PARTNERS)) == len(NATIONAL_PARTNERS)
    assert {link.outcome.code for link in demo.outcome_links} >= {"qlp.aim.c", "qlp.aim.d"}


def test_demo_service_has_codesigners_sessions_and_a_skill(demo):
    """Two accepted co-designers (one named, one not), two past sessions, a skill with evidence."""
    accepted = (
        db.session.query(CodesignVolunteer)
        .join(Idea)
        .filter(
            Idea.codesign_service_id == demo.id,
            CodesignVolunteer.status == VolunteerStatus.ACCEPTED,
        )
        .all()
    )
    assert sorted(v.credit_publicly for v in accepted) == [False, True]
    sessions = demo.sessions
    assert len(sessions) == 2
    assert all(s.held_on < date.today() and s.place and s.decisions for s in sessions)
    assert any(s.partners for s in sessions)
    together = [s for s in sessions if s.brought_together]
    assert together and together[0].cohesion_note and together[0].attendance.get("adults")
    skill = db.session.query(StaffSkill).filter_by(service_id=demo.id).one()
    assert skill.evidence and skill.staff.username == "library_staff"
    assert count(ServiceOutcomeLink, ServiceOutcomeLink.service_id == demo.id) >= 2


def test_demo_review_is_signed_with_all_ten_ratings_and_an_answer(demo):
    """One signed review of a past period rating every QLP aim and outcome, evidenced."""
    review = db.session.query(QlpReview).filter_by(service_id=demo.id).one()
    assert review.is_signed and review.signed_by.username == "qlp_reviewer"
    assert review.reviewer.username == "qlp_reviewer"
    assert review.period_start <= review.period_end < date.today()
    assert sorted(r.outcome.code for r in review.ratings) == sorted(QLP_CODES)
    for rating in review.ratings:
        assert rating.rating.value == "not_yet" or rating.evidence, rating.outcome.code
    assert any(r.sessions for r in review.ratings) and any(r.skills for r in review.ratings)
    assert review.overall_comment and review.recommendation.value == "continue"
    assert review.response.author.username == "library_staff" and review.response.text


def test_second_load_adds_nothing(demo):
    """Loading again finds accounts and writes nothing."""
    before = {
        model: count(model)
        for model in (User, Idea, CodesignService, CodesignSession, QlpReview, Partner)
    }
    assert load_demo_data() is False
    assert {model: count(model) for model in before} == before


def test_you_said_we_did_and_the_service_page_tell_the_demo_story(client, demo):
    """The public pages show the service, its ideas, its news and only the named co-designer."""
    html = client.get("/you-said-we-did").get_data(as_text=True)
    assert DEMO_SERVICE in html
    assert "Being designed with young people" in html
    assert "sam_reads" in html
    assert "alex_draws" not in html and "robin_writes" not in html
    for idea in demo.ideas:
        assert idea.title in html
    page = client.get(f"/services/{demo.id}").get_data(as_text=True)
    assert DEMO_SERVICE in page
    assert "Young refugees and people seeking safety" in page
    assert "2 co-design sessions held." in page
    total = sum(s.attendance_total for s in demo.sessions)
    assert f"{total} people came in all." in page
    for partner in demo.partners:
        assert partner.name in page
    assert "sam_reads" in page and "alex_draws" not in page and "robin_writes" not in page
    for session in demo.sessions:
        assert session.decisions not in page


def test_demo_idea_page_and_my_ideas_show_what_it_became(client, demo):
    """The proposer signs in with the demo password and sees the service on "My ideas" and
    on the idea."""
    author = user("sam_reads")
    data = {"csrf_token": csrf_token(client), "username": author.username}
    data["password"] = DEMO_PASSWORD
    assert client.post("/sign-in", data=data).status_code == 303
    assert DEMO_SERVICE in client.get("/my-ideas").get_data(as_text=True)
    idea = next(idea for idea in demo.ideas if idea.author_id == author.id)
    assert "What your idea became" in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_every_evidence_page_has_something_to_show_with_the_demo(client, demo):
    """Coverage, participation, packs, the guide, the downloads and Our year in numbers all
    show the demo's figures, case study and published pack, never an empty page."""
    numbers = client.get(f"/numbers/{demo.library_service_id}").get_data(as_text=True)
    figures = re.findall(r"<dd>(.*?)</dd>", numbers)
    assert len(figures) == 4 and "0" not in figures
    data = {"csrf_token": csrf_token(client), "username": "library_staff"}
    data["password"] = DEMO_PASSWORD
    assert client.post("/sign-in", data=data).status_code == 303
    expected = {
        "/evidence/coverage": "Ideas, no service yet",
        "/evidence/participation": "Taking part by age band",
        "/evidence/packs": "version 1",
        "/evidence/guide": "Homework Help Hour",
        "/evidence/exports": "Data dictionary",
        "/evidence/packs/1": "Riverside Refugee Youth Forum",
    }
    for path, words in expected.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert words in response.get_data(as_text=True), path
    pack = db.session.execute(select(BestValuePack)).scalar_one()
    public = client.get(f"/packs/{pack.token}").get_data(as_text=True)
    assert "Welcome Wednesdays" in public and "Homework Help Hour" in public
