"""Best Value packs: what a pack holds, who publishes it, and that a published pack stays frozen."""

import re
from datetime import UTC, date, datetime

import pytest

from app.evidence.packs import PackRequest, pack_contents
from app.extensions import db
from app.models import (
    AuditEntry,
    BestValuePack,
    CodesignSession,
    Partner,
    PartnerKind,
    QlpRating,
    QlpReview,
    Rating,
    Recommendation,
    Role,
    ServiceStatus,
    StaffSkill,
    Vote,
)
from app.moderation.services import link_outcome
from app.outcomes import all_frameworks
from tests.conftest import csrf_token

START, END = date(2026, 1, 1), date(2026, 12, 31)
PERIOD = f"start={START.isoformat()}&end={END.isoformat()}"


def outcome(code: str):
    """The outcome with this code."""
    return next(o for f in all_frameworks() for g in f.groups for o in g.outcomes if o.code == code)


@pytest.fixture
def world(make):
    """Hand-made: one library service with two services, a review, skills, partners, sessions.

    "Homework club" was reviewed twice (the newest, in the period, rates aim a Embedded);
    "Quiet room" never. One skill in the period and one before it. One partner on a service,
    one at a session. Two sessions in the period, one of which brought generations together
    (3 young people and 6 adults); one such session before the period.
    """
    consultation = make.consultation()
    ls = consultation.library_service
    author = make.user(username="Zebrafinch77")
    idea = make.accepted_idea(consultation, author=author, title="Homework help")
    club = make.codesign_service(idea, name="Homework club", status=ServiceStatus.DELIVERED)
    room = make.codesign_service(make.accepted_idea(consultation), name="Quiet room")
    leader = club.quality_leader
    link_outcome(idea, "qlp.aim.a", leader, "Planned with them.")
    reviewer = make.user(Role.QLP_REVIEWER, username="ReviewerRita")
    for when, rating in (
        (datetime(2025, 6, 1, tzinfo=UTC), Rating.EMERGING),
        (datetime(2026, 6, 1, tzinfo=UTC), Rating.EMBEDDED),
    ):
        review = QlpReview(
            service=club,
            reviewer=reviewer,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            signed_at=when,
            signed_by_id=reviewer.id,
            recommendation=Recommendation.READY_TO_MAINSTREAM,
        )
        review.ratings.append(
            QlpRating(outcome=outcome("qlp.aim.a"), rating=rating, evidence="Seen in May.")
        )
        db.session.add(review)
    school = Partner(name="Northfield School", kind=PartnerKind.SCHOOL)
    elders = Partner(name="Elders Lunch Club", kind=PartnerKind.COMMUNITY)
    club.partners.append(school)
    together = CodesignSession(
        service=club,
        held_on=date(2026, 3, 4),
        place="Main library",
        attendance={"11-13": 3, "adults": 6},
        brought_together=True,
        cohesion_note="Grandparents and pupils planned the club together.",
        decisions="Tuesdays after school.",
        partners=[elders],
    )
    plain = CodesignSession(
        service=club, held_on=date(2026, 4, 1), place="Main library",
        attendance={"14-16": 12}, decisions="Snacks.",
    )  # fmt: skip
    before = CodesignSession(
        service=room, held_on=date(2025, 3, 1), place="Branch", attendance={"8-10": 9},
        brought_together=True, cohesion_note="Long ago.", decisions="Cushions.",
    )  # fmt: skip
    db.session.add_all([together, plain, before])
    db.session.flush()
    db.session.add_all(
        [
            StaffSkill(
                service_id=club.id, staff_id=leader.id, skill="Running co-design games",
                evidence="Led three sessions.", created_at=datetime(2026, 3, 5, tzinfo=UTC),
            ),
            StaffSkill(
                service_id=club.id, staff_id=leader.id, skill="Old skill",
                evidence="Before.", created_at=datetime(2025, 3, 5, tzinfo=UTC),
            ),
        ]
    )  # fmt: skip
    db.session.commit()
    return {"ls": ls, "club": club, "room": room, "leader": leader, "idea": idea}


def contents(world) -> dict:
    """The pack of the fixture's library service for 2026."""
    return pack_contents(PackRequest(world["ls"], START, END))


def test_services_carry_their_newest_signed_rating(world):
    """Each service, with its status and the newest review signed by the period's end."""
    services = {s["name"]: s for s in contents(world)["services"]["services"]}
    assert set(services) == {"Homework club", "Quiet room"}
    club = services["Homework club"]
    assert club["status"] == "Running"
    assert [(r["code"], r["rating"]) for r in club["ratings"]] == [("qlp.aim.a", "Embedded")]
    assert club["recommendation"] == "Ready to mainstream"
    assert services["Quiet room"]["reviewed_on"] is None


def test_skills_partners_and_sessions_are_those_of_the_period(world):
    """Skills recorded and sessions held in the period; partners of services and sessions."""
    pack = contents(world)
    assert [s["skill"] for s in pack["skills"]["skills"]] == ["Running co-design games"]
    assert [p["name"] for p in pack["partners"]["partners"]] == [
        "Elders Lunch Club",
        "Northfield School",
    ]
    sessions = pack["sessions"]["sessions"]
    assert [s["how"] for s in sessions] == ["Grandparents and pupils planned the club together."]
    assert (sessions[0]["young_people"], sessions[0]["adults"]) == ("fewer than 5", "5")


def test_gaps_name_outcomes_without_ideas_or_services(world):
    """Aim a has an idea but no service linked; aim b has no idea at all."""
    gaps = {g["code"]: g["gap"] for g in contents(world)["gaps"]}
    assert gaps["qlp.aim.a"] == "Ideas, no service yet"
    assert gaps["qlp.aim.b"] == "No idea yet"


def test_a_pack_names_no_one(world):
    """No young person's pseudonym, and no staff or reviewer name, is in a pack."""
    text = repr(contents(world))
    for name in ("Zebrafinch77", "ReviewerRita", world["leader"].username):
        assert name not in text


def test_query_count_does_not_grow_with_the_data(make, world, count_queries):
    """The same number of queries for a library service with more services and sessions."""
    with count_queries() as few:
        contents(world)
    for _ in range(3):
        service = make.codesign_service(make.accepted_idea(make.consultation(
            library_service=world["ls"])))  # fmt: skip
        db.session.add(
            CodesignSession(
                service=service, held_on=date(2026, 5, 1), place="Here",
                attendance={"8-10": 7}, brought_together=True, decisions="More.",
            )
        )  # fmt: skip
        db.session.add(
            QlpReview(
                service=service, reviewer=make.user(Role.QLP_REVIEWER),
                period_start=START, period_end=END, signed_at=datetime(2026, 7, 1, tzinfo=UTC),
            )
        )  # fmt: skip
    db.session.commit()
    with count_queries() as many:
        contents(world)
    assert len(few) == len(many)


def publish(client, ls_id: int):
    """Publish the 2026 pack of a library service through the form."""
    return client.post(
        "/evidence/packs/publish",
        data={
            "csrf_token": csrf_token(client),
            "library_service": ls_id,
            "start": START.isoformat(),
            "end": END.isoformat(),
        },
    )


def test_quality_leader_publishes_and_anyone_with_the_link_reads_it(client, login, world):
    """Publishing freezes a version, audited; its link opens it without signing in."""
    login(world["leader"])
    preview = client.get(f"/evidence/packs/preview?library_service={world['ls'].id}&{PERIOD}")
    assert preview.status_code == 200
    assert "Publish this pack" in preview.get_data(as_text=True)
    response = publish(client, world["ls"].id)
    assert response.status_code == 303
    pack = db.session.execute(db.select(BestValuePack)).scalar_one()
    assert pack.version == 1 and pack.snapshot["library_service"] == world["ls"].name
    entry = db.session.execute(
        db.select(AuditEntry).where(AuditEntry.action == "pack.published")
    ).scalar_one()
    assert entry.actor_id == world["leader"].id
    staff_page = client.get(response.location).get_data(as_text=True)
    link = re.search(r'href="http://localhost(/packs/[^"]+)"', staff_page).group(1)
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    public = client.get(link)
    assert public.status_code == 200
    html = public.get_data(as_text=True)
    assert "Homework club" in html and "Running co-design games" in html
    assert client.get("/packs/not-a-real-token").status_code == 404


def test_publishing_again_makes_a_new_version(client, login, world):
    """Versions count up per library service; each has its own link."""
    login(world["leader"])
    publish(client, world["ls"].id)
    publish(client, world["ls"].id)
    packs = db.session.execute(db.select(BestValuePack).order_by(BestValuePack.id)).scalars().all()
    assert [p.version for p in packs] == [1, 2]
    assert packs[0].token != packs[1].token


def test_a_published_pack_does_not_change_later(client, login, make, world):
    """New services, skills and ratings after publishing leave the published pack as it was."""
    login(world["leader"])
    publish(client, world["ls"].id)
    pack = db.session.execute(db.select(BestValuePack)).scalar_one()
    client.get(f"/packs/{pack.token}")  # the flash about publishing is shown here
    before = client.get(f"/packs/{pack.token}").get_data(as_text=True)
    make.codesign_service(
        make.accepted_idea(make.consultation(library_service=world["ls"])), name="Games night"
    )
    db.session.add(
        StaffSkill(
            service_id=world["club"].id, staff_id=world["leader"].id, skill="New skill",
            evidence="Later.", created_at=datetime(2026, 8, 1, tzinfo=UTC),
        )
    )  # fmt: skip
    db.session.commit()
    after = client.get(f"/packs/{pack.token}").get_data(as_text=True)
    assert "Games night" not in after and "New skill" not in after
    assert after == before
    live = client.get(f"/evidence/packs/preview?library_service={world['ls'].id}&{PERIOD}")
    assert "Games night" in live.get_data(as_text=True)


@pytest.mark.parametrize("who", ["staff", "reviewer"])
def test_only_quality_leaders_and_admins_publish(client, login, make, world, who):
    """Other staff of the library service, and reviewers, read the pack but cannot publish."""
    person = make.staff(world["ls"]) if who == "staff" else make.user(Role.QLP_REVIEWER)
    login(person)
    preview = client.get(f"/evidence/packs/preview?library_service={world['ls'].id}&{PERIOD}")
    assert preview.status_code == 200
    assert "Publish this pack" not in preview.get_data(as_text=True)
    assert publish(client, world["ls"].id).status_code == 303
    assert db.session.execute(db.select(BestValuePack)).first() is None


def test_admins_publish(client, login, make, world):
    """An admin may publish any library service's pack."""
    login(make.user(Role.ADMIN))
    publish(client, world["ls"].id)
    assert db.session.execute(db.select(BestValuePack)).scalar_one().version == 1


def test_staff_of_another_library_service_cannot_read_it(client, login, make, world):
    """The pack before publishing and a published pack's staff page are for its readers only."""
    login(world["leader"])
    publish(client, world["ls"].id)
    pack = db.session.execute(db.select(BestValuePack)).scalar_one()
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    login(make.staff(make.library_service()))
    assert client.get(f"/evidence/packs/{pack.id}").status_code == 403
    preview = client.get(f"/evidence/packs/preview?library_service={world['ls'].id}&{PERIOD}")
    assert preview.status_code in (400, 403)
    assert "Homework club" not in client.get("/evidence/packs").get_data(as_text=True)


def test_young_people_are_refused(client, login, make, world):
    """Packs are prepared by staff; a young person gets 403."""
    login(make.user())
    assert client.get("/evidence/packs").status_code == 403


@pytest.mark.parametrize(
    "query", ["", "library_service=x", "start=soon&end=later", "start=2026-02-01&end=2026-01-01"]
)
def test_bad_choices_are_a_400_with_a_message(client, login, make, world, query):
    """A pack asked for in a way that cannot be understood is refused in words, never a 500."""
    login(world["leader"])
    response = client.get(f"/evidence/packs/preview?{query}")
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)


def test_the_packs_page_lists_published_versions(client, login, world):
    """Published packs are listed newest first."""
    login(world["leader"])
    publish(client, world["ls"].id)
    publish(client, world["ls"].id)
    html = client.get("/evidence/packs").get_data(as_text=True)
    assert html.index("version 2") < html.index("version 1")


def test_a_published_pack_does_not_change_after_new_votes(client, login, make, world):
    """Votes after publishing count in the live pack, never in the published one."""
    login(world["leader"])
    publish(client, world["ls"].id)
    pack = db.session.execute(db.select(BestValuePack)).scalar_one()
    client.get(f"/packs/{pack.token}")  # the flash about publishing is shown here
    before = client.get(f"/packs/{pack.token}").get_data(as_text=True)
    frozen = pack.snapshot["participation"]
    votes_table = next(t for t in frozen if t["key"] == "by_age_band")
    assert votes_table["rows"]
    db.session.add_all(Vote(user_id=make.user().id, idea_id=world["idea"].id) for _ in range(12))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(BestValuePack, pack.id).snapshot["participation"] == frozen
    assert client.get(f"/packs/{pack.token}").get_data(as_text=True) == before
    live = contents(world)["participation"]
    assert live != frozen


def test_a_frozen_table_shows_again_exactly_as_it_was_shown(app):
    """Freezing keeps only what was shown; thawing it gives the same table, figure for figure."""
    from app.evidence.tables import Column, figure_table, thawed

    with app.test_request_context():
        t = figure_table(
            "t",
            "Caption",
            "band",
            "Age band",
            [Column("ideas", "Ideas", "Ideas sent"), Column("votes", "Votes", "Votes cast")],
            [("8-10", [3, 12]), ("11-13", [0, 41]), ("14-16", [7, 2])],
        )
        frozen = t.frozen()
        assert thawed(frozen).frozen() == frozen
        assert "3" not in {cell["shown"] for row in frozen["rows"] for cell in row["cells"]}
