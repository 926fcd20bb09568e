"""The rules for co-designed services, without HTTP: starting, lifecycle, scoping, races."""

from datetime import date, timedelta

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from app.codesign import services
from app.extensions import db
from app.models import (
    AuditEntry,
    Branch,
    CodesignService,
    CodesignVolunteer,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    Outcome,
    OutcomeLink,
    Partner,
    PartnerKind,
    Role,
    ServiceOutcomeLink,
    ServiceStatus,
    ServiceStatusChange,
    StaffSkill,
    VolunteerStatus,
)
from app.rules import RuleError
from tests.test_concurrency import run_together

S = ServiceStatus
# Where each status may go: one step forward, or stopped; nowhere from the last two.
ALLOWED = {
    S.PLANNING: {S.CODESIGNING, S.STOPPED},
    S.CODESIGNING: {S.PILOTING, S.STOPPED},
    S.PILOTING: {S.DELIVERED, S.STOPPED},
    S.DELIVERED: {S.MAINSTREAMED, S.STOPPED},
    S.MAINSTREAMED: set(),
    S.STOPPED: set(),
}


class Place:
    """A library service with a library, staff who belong to it, and accepted ideas."""

    def __init__(self, make):
        self.make = make
        self.library_service = make.library_service()
        self.branch = Branch(library_service=self.library_service, name="Central Library")
        db.session.add(self.branch)
        db.session.commit()
        self.staff = make.staff(self.library_service)
        self.leader = make.staff(self.library_service)
        self.consultation = make.consultation(library_service=self.library_service)

    def accepted_idea(self, **values) -> Idea:
        """An accepted idea of this library service."""
        return self.make.accepted_idea(self.consultation, **values)

    def details(self, **changes) -> dict:
        """Good details for a service here."""
        values = {
            "name": "Homework club",
            "summary": "A quiet club after school, planned with you.",
            "need": "Nowhere quiet to do homework.",
            "age_bands": ["11-13", "14-16"],
            "beneficiary_groups": ["young_people", "refugees_asylum_seekers"],
            "branch_ids": [self.branch.id],
            "quality_leader_id": self.leader.id,
            "team_ids": [self.staff.id, self.leader.id],
            "partner_ids": [],
        }
        values.update(changes)
        return values

    def service(self, *ideas, status: ServiceStatus = S.CODESIGNING) -> CodesignService:
        """A service of this library service, built straight in the database."""
        return self.make.codesign_service(*(ideas or (self.accepted_idea(),)), status=status)


@pytest.fixture
def place(make) -> Place:
    return Place(make)


def actions(subject=None) -> list[str]:
    """The audit log's actions, oldest first (of one subject, when given)."""
    query = db.session.query(AuditEntry).order_by(AuditEntry.id)
    if subject is not None:
        query = query.filter_by(subject_type=type(subject).__name__, subject_id=subject.id)
    return [entry.action for entry in query]


def session_fields(**changes) -> dict:
    """Good fields for a co-design session."""
    values = {
        "held_on": date.today() - timedelta(days=1),
        "place": "Central Library, teen space",
        "attendance": {"11-13": 6, "14-16": 4, "adults": 2},
        "partner_ids": [],
        "brought_together": True,
        "cohesion_note": "Grandparents taught a board game.",
        "decisions": "Tuesdays, 4 to 6, with snacks.",
    }
    values.update(changes)
    return values


# Starting a service ------------------------------------------------------------------------


def test_starting_a_service_moves_its_ideas_into_codesign_with_the_message(place):
    """The service starts in planning; each idea moves on, with the public message."""
    ideas = [place.accepted_idea(), place.accepted_idea()]
    service = services.start_service(
        place.staff, ideas, **place.details(), message="We are planning it with you."
    )
    db.session.expire_all()
    assert service.status == S.PLANNING
    assert service.library_service_id == place.library_service.id
    assert [b.name for b in service.branches] == ["Central Library"]
    assert service.quality_leader_id == place.leader.id
    assert {u.id for u in service.team} == {place.staff.id, place.leader.id}
    assert service.beneficiary_groups == ["young_people", "refugees_asylum_seekers"]
    assert [(c.from_status, c.to_status, c.message) for c in service.history] == [
        (None, S.PLANNING, "We are planning it with you.")
    ]
    for idea in ideas:
        assert idea.status == IdeaStatus.IN_CODESIGN
        assert idea.codesign_service_id == service.id
        step = idea.history[-1]
        assert (step.from_status, step.to_status) == (IdeaStatus.ACCEPTED, IdeaStatus.IN_CODESIGN)
        assert step.message == "We are planning it with you."
    assert actions(service) == ["service.start"]
    for idea in ideas:
        entry = (
            db.session.query(AuditEntry)
            .filter_by(subject_type="Idea", subject_id=idea.id)
            .order_by(AuditEntry.id)
            .all()[-1]
        )
        assert (entry.action, entry.detail["to"]) == ("idea.status", "in_codesign")


def test_a_service_starts_with_the_default_message_when_none_is_given(place):
    """Without a message, young people read that planning has started."""
    service = services.start_service(place.staff, [place.accepted_idea()], **place.details())
    assert service.history[0].message == "We have started planning this with young people."


@pytest.mark.parametrize(
    "status", [IdeaStatus.PUBLISHED, IdeaStatus.UNDER_CONSIDERATION, IdeaStatus.NOT_TAKEN_FORWARD]
)
def test_a_service_starts_only_from_accepted_ideas(place, status):
    """An idea that is not accepted cannot start a service, and nothing is stored."""
    idea = place.make.idea(place.consultation)
    place.make._set_status(idea, status)
    before = actions()
    with pytest.raises(RuleError, match="Only accepted ideas"):
        services.start_service(place.staff, [idea], **place.details())
    assert db.session.query(CodesignService).count() == 0
    assert actions() == before


def test_a_service_cannot_start_from_ideas_of_two_library_services(place, make):
    """All the ideas of a service come from one library service."""
    elsewhere = make.accepted_idea()
    with pytest.raises(RuleError, match="one library service"):
        services.start_service(
            make.user(Role.ADMIN), [place.accepted_idea(), elsewhere], **place.details()
        )


def test_an_idea_already_in_a_service_cannot_start_another(place):
    """An idea belongs to at most one service."""
    idea = place.accepted_idea()
    place.service(idea)
    with pytest.raises(RuleError, match="already part of a service"):
        services.start_service(place.staff, [idea], **place.details())


def test_staff_of_another_library_service_cannot_start_a_service(place, make):
    """Staff act only in the library services they belong to; reviewers never act."""
    idea = place.accepted_idea()
    for outsider in (make.staff(make.library_service()), make.user(Role.QLP_REVIEWER)):
        with pytest.raises(RuleError):
            services.start_service(outsider, [idea], **place.details())
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.ACCEPTED


def test_an_admin_may_start_a_service_in_any_library_service(place, make):
    """Admins act everywhere."""
    service = services.start_service(
        make.user(Role.ADMIN), [place.accepted_idea()], **place.details()
    )
    assert service.status == S.PLANNING


@pytest.mark.parametrize(
    "changes",
    [
        {"name": " "},
        {"name": "x" * 121},
        {"summary": ""},
        {"need": ""},
        {"age_bands": []},
        {"age_bands": ["5-7"]},
        {"beneficiary_groups": ["everyone"]},
        {"beneficiary_groups": []},
        {"branch_ids": [999999]},
        {"quality_leader_id": 999999},
        {"team_ids": [999999]},
        {"partner_ids": [999999]},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_service_details_that_do_not_fit_are_refused(place, changes):
    """Unknown choices and empty or overlong words are refused, and nothing is stored."""
    with pytest.raises(RuleError):
        services.start_service(place.staff, [place.accepted_idea()], **place.details(**changes))
    assert db.session.query(CodesignService).count() == 0


def test_libraries_and_staff_of_another_library_service_are_refused(place, make):
    """Branches, Quality Leader and Team come from the service's own library service."""
    other = make.library_service()
    branch = Branch(library_service=other, name="Far away")
    db.session.add(branch)
    db.session.commit()
    stranger = make.staff(other)
    for changes in (
        {"branch_ids": [branch.id]},
        {"quality_leader_id": stranger.id},
        {"team_ids": [stranger.id]},
    ):
        with pytest.raises(RuleError):
            services.start_service(place.staff, [place.accepted_idea()], **place.details(**changes))


@pytest.mark.committing
def test_two_staff_starting_services_from_the_same_idea_at_once_make_one(app, place):
    """Only one start takes the idea; the others are refused and store nothing."""
    idea_id = place.accepted_idea().id
    staff_ids = [place.staff.id, place.leader.id] * 3
    details = place.details()

    def start(staff_id):
        from app.models import User

        return (
            lambda: (db.session.get(User, staff_id), db.session.get(Idea, idea_id)),
            lambda loaded: services.start_service(loaded[0], [loaded[1]], **details),
        )

    results = run_together(app, [start(staff_id) for staff_id in staff_ids])
    assert sorted(results) == ["done"] + ["refused"] * 5
    db.session.expire_all()
    assert db.session.query(CodesignService).count() == 1
    steps = db.session.query(IdeaStatusChange).filter_by(idea_id=idea_id)
    assert [s.to_status for s in steps].count(IdeaStatus.IN_CODESIGN) == 1


# Editing and adding ideas -------------------------------------------------------------------


def test_editing_a_service_changes_its_details_and_is_audited(place):
    """Staff change what the service is and who runs it."""
    service = place.service()
    services.edit_service(
        service, place.staff, **place.details(name="Homework help", team_ids=[place.staff.id])
    )
    db.session.expire_all()
    assert service.name == "Homework help"
    assert [u.id for u in service.team] == [place.staff.id]
    assert actions(service) == ["service.edit"]


def test_an_accepted_idea_of_the_same_library_service_can_join_a_service(place):
    """The idea moves into co-design, with a message naming the service."""
    service, idea = place.service(), place.accepted_idea()
    services.add_idea(service, idea, place.staff)
    db.session.expire_all()
    assert (idea.status, idea.codesign_service_id) == (IdeaStatus.IN_CODESIGN, service.id)
    assert service.name in idea.history[-1].message
    assert actions(service) == ["service.add_idea"]


def test_ideas_that_cannot_join_a_service_are_refused(place, make):
    """Not accepted, of another library service, or in a service already: refused."""
    service = place.service()
    published = make.idea(place.consultation)
    other_library_service = make.accepted_idea()
    in_another = place.accepted_idea()
    place.service(in_another)
    for idea, words in (
        (published, "Only accepted ideas"),
        (other_library_service, "library service"),
        (in_another, "already part of a service"),
    ):
        with pytest.raises(RuleError, match=words):
            services.add_idea(service, idea, place.staff)


@pytest.mark.parametrize("status", [S.DELIVERED, S.MAINSTREAMED, S.STOPPED])
def test_ideas_cannot_join_a_service_that_is_no_longer_being_shaped(place, status):
    """Once delivered, mainstreamed or stopped, a service takes no more ideas."""
    service = place.service(status=status)
    with pytest.raises(RuleError, match="only while"):
        services.add_idea(service, place.accepted_idea(), place.staff)


# The lifecycle ------------------------------------------------------------------------------


@pytest.mark.parametrize("from_status", list(S))
def test_the_lifecycle_moves_one_step_forward_or_stops(place, from_status):
    """Every transition from one status: allowed ones take effect, the rest are refused."""
    for to_status in S:
        service = place.service(status=from_status)
        if to_status in ALLOWED[from_status]:
            services.change_service_status(service, place.staff, to_status, "Here is why.")
            db.session.expire_all()
            assert service.status == to_status
            step = service.history[-1]
            assert (step.from_status, step.to_status, step.message) == (
                from_status,
                to_status,
                "Here is why.",
            )
            assert step.actor_id == place.staff.id
            entry = (
                db.session.query(AuditEntry)
                .filter_by(subject_type="CodesignService", subject_id=service.id)
                .one()
            )
            assert entry.action == "service.status"
            assert entry.detail["to"] == to_status.value
        else:
            with pytest.raises(RuleError):
                services.change_service_status(service, place.staff, to_status, "Here is why.")
            db.session.expire_all()
            assert service.status == from_status
            assert len(service.history) == 1
    assert services.next_statuses(place.service(status=from_status)) == [
        s for s in (services.FORWARD.get(from_status), S.STOPPED) if s in ALLOWED[from_status]
    ]


def test_stopping_a_service_needs_the_reason(place):
    """A stop without a reason is refused; with one, young people read it."""
    service = place.service()
    with pytest.raises(RuleError, match="why the service stopped"):
        services.change_service_status(service, place.staff, S.STOPPED, "  ")
    services.change_service_status(service, place.staff, S.STOPPED, "The club room closed.")
    assert service.history[-1].message == "The club room closed."


def test_every_status_change_needs_a_public_message(place):
    """Moving forward also tells young people what happened."""
    service = place.service()
    with pytest.raises(RuleError, match="message for young people"):
        services.change_service_status(service, place.staff, S.PILOTING, "")
    with pytest.raises(RuleError, match="1000"):
        services.change_service_status(service, place.staff, S.PILOTING, "x" * 1001)


def test_delivering_a_service_delivers_its_ideas_in_codesign(place):
    """Ideas in co-design become delivered with the same message; others stay as they are."""
    first, second = place.accepted_idea(), place.accepted_idea()
    service = place.service(first, second, status=S.PILOTING)
    place.make._set_status(second, IdeaStatus.DELIVERED)
    services.change_service_status(service, place.staff, S.DELIVERED, "It runs every Tuesday.")
    db.session.expire_all()
    assert first.status == second.status == IdeaStatus.DELIVERED
    step = first.history[-1]
    assert (step.from_status, step.to_status, step.message) == (
        IdeaStatus.IN_CODESIGN,
        IdeaStatus.DELIVERED,
        "It runs every Tuesday.",
    )
    assert len([s for s in second.history if s.to_status == IdeaStatus.DELIVERED]) == 1
    entry = db.session.query(AuditEntry).filter_by(action="service.status").one()
    assert entry.detail["ideas_delivered"] == [first.id]


def test_a_status_change_made_from_a_stale_page_is_refused(place):
    """If someone changed the status since the service was read, the change is refused."""
    service = place.service(status=S.PLANNING)
    services.change_service_status(service, place.staff, S.CODESIGNING, "Designing now.")
    set_committed_value(service, "status", S.PLANNING)  # as a second page still shows it
    with pytest.raises(RuleError, match="just now"):
        services.change_service_status(service, place.leader, S.CODESIGNING, "Designing now.")
    assert db.session.query(ServiceStatusChange).filter_by(service_id=service.id).count() == 2


def test_staff_of_another_library_service_cannot_change_a_service(place, make):
    """Outsiders and reviewers are refused every change; admins are not."""
    service = place.service()
    for outsider in (make.staff(make.library_service()), make.user(Role.QLP_REVIEWER)):
        with pytest.raises(RuleError):
            services.change_service_status(service, outsider, S.PILOTING, "Trying it.")
        with pytest.raises(RuleError):
            services.link_service_outcome(service, "qlp.aim.c", outsider, "Why")
        with pytest.raises(RuleError):
            services.log_session(service, outsider, **session_fields())
        with pytest.raises(RuleError):
            services.record_skill(service, outsider, place.staff.id, "Facilitation", "Ran it")
        with pytest.raises(RuleError):
            services.edit_service(service, outsider, **place.details())
    services.change_service_status(service, make.user(Role.ADMIN), S.PILOTING, "Trying it.")
    assert service.status == S.PILOTING


# Lists and scoping --------------------------------------------------------------------------


def test_staff_see_only_the_services_of_their_library_services(place, make):
    """Staff list their own; admins and reviewers list every one."""
    mine = place.service()
    theirs = make.codesign_service()
    waiting_here, waiting_there = place.accepted_idea(), make.accepted_idea()

    def listed(viewer):
        services_seen = {s.id for s, _count in services.services_page(viewer).items}
        ideas_seen = {i.id for i in services.waiting_ideas_page(viewer).items}
        return services_seen, ideas_seen

    assert listed(place.staff) == ({mine.id}, {waiting_here.id})
    everything = ({mine.id, theirs.id}, {waiting_here.id, waiting_there.id})
    assert listed(make.user(Role.ADMIN)) == everything
    assert listed(make.user(Role.QLP_REVIEWER)) == everything
    assert listed(make.staff()) == (set(), set())


def test_the_services_list_counts_each_services_ideas(place):
    """Each service comes with how many ideas it has."""
    service = place.service(place.accepted_idea(), place.accepted_idea())
    assert services.services_page(place.staff).items == [(service, 2)]


# Outcome links ------------------------------------------------------------------------------


def test_outcome_links_are_made_once_with_a_reason_and_audited(place):
    """A link needs a known outcome and a reason; the same one twice is refused."""
    service = place.service()
    link = services.link_service_outcome(service, "qlp.aim.c", place.staff, "Young people lead.")
    assert (link.outcome.code, link.rationale) == ("qlp.aim.c", "Young people lead.")
    with pytest.raises(RuleError, match="already linked"):
        services.link_service_outcome(service, "qlp.aim.c", place.staff, "Again.")
    with pytest.raises(RuleError, match="choose an outcome"):
        services.link_service_outcome(service, "nope", place.staff, "Why")
    with pytest.raises(RuleError, match="why the service"):
        services.link_service_outcome(service, "qlp.aim.a", place.staff, " ")
    services.unlink_service_outcome(link, place.staff)
    assert db.session.query(ServiceOutcomeLink).count() == 0
    assert actions(service) == ["service.link_outcome", "service.unlink_outcome"]


def test_its_ideas_outcome_links_are_suggested_until_the_service_has_them(place):
    """Suggestions: the ideas' outcomes the service lacks, one per outcome."""
    first, second = place.accepted_idea(), place.accepted_idea()
    outcomes = {o.code: o for o in db.session.query(Outcome)}
    for idea, code, why in (
        (first, "qlp.aim.c", "Young people lead."),
        (second, "qlp.aim.c", "Also this."),
        (second, "qlp.aim.d", "Generations meet."),
    ):
        db.session.add(
            OutcomeLink(idea=idea, outcome=outcomes[code], linked_by=place.staff, rationale=why)
        )
    db.session.commit()
    service = place.service(first, second)
    suggested = services.suggested_outcomes(service)
    assert [(s.outcome.code, s.rationale) for s in suggested] == [
        ("qlp.aim.c", "Young people lead."),
        ("qlp.aim.d", "Generations meet."),
    ]
    services.link_service_outcome(service, "qlp.aim.c", place.staff, "Young people lead.")
    assert [s.outcome.code for s in services.suggested_outcomes(service)] == ["qlp.aim.d"]


# Young co-designers -------------------------------------------------------------------------


def offer(make, idea, credit: bool = True) -> CodesignVolunteer:
    """A young person's offer to help design an idea."""
    volunteer = CodesignVolunteer(idea_id=idea.id, user_id=make.user().id, credit_publicly=credit)
    db.session.add(volunteer)
    db.session.commit()
    return volunteer


@pytest.mark.parametrize("accept", [True, False])
def test_staff_answer_an_offer_to_codesign_once(place, accept):
    """Accepted or declined, with who and when; a second answer is refused."""
    idea = place.accepted_idea()
    place.service(idea)
    volunteer = offer(place.make, idea)
    services.decide_volunteer(volunteer, place.staff, accept)
    db.session.expire_all()
    expected = VolunteerStatus.ACCEPTED if accept else VolunteerStatus.DECLINED
    assert (volunteer.status, volunteer.decided_by_id) == (expected, place.staff.id)
    assert volunteer.decided_at is not None
    with pytest.raises(RuleError, match="already answered"):
        services.decide_volunteer(volunteer, place.leader, not accept)
    db.session.expire_all()
    assert volunteer.status == expected
    assert actions(volunteer) == ["volunteer.accept" if accept else "volunteer.decline"]


def test_an_answer_from_a_stale_page_is_refused(place):
    """If the offer was answered since it was read, the answer is refused."""
    idea = place.accepted_idea()
    place.service(idea)
    volunteer = offer(place.make, idea)
    services.decide_volunteer(volunteer, place.staff, True)
    set_committed_value(volunteer, "status", VolunteerStatus.OFFERED)
    with pytest.raises(RuleError, match="This offer was already answered."):
        services.decide_volunteer(volunteer, place.leader, False)


@pytest.mark.committing
def test_the_same_offer_accepted_at_once_is_accepted_once(app, place):
    """Staff accepting the same offer at the same moment: one takes effect."""
    idea = place.accepted_idea()
    place.service(idea)
    volunteer_id = offer(place.make, idea).id
    staff_ids = [place.staff.id, place.leader.id] * 3

    def accept(staff_id):
        from app.models import User

        return (
            lambda: (
                db.session.get(User, staff_id),
                db.session.get(CodesignVolunteer, volunteer_id),
            ),
            lambda loaded: services.decide_volunteer(loaded[1], loaded[0], True),
        )

    results = run_together(app, [accept(staff_id) for staff_id in staff_ids])
    assert sorted(results) == ["done"] + ["refused"] * 5
    db.session.expire_all()
    assert db.session.query(AuditEntry).filter_by(action="volunteer.accept").count() == 1


def test_staff_of_another_library_service_cannot_answer_an_offer(place, make):
    """Only staff of the idea's library service (or an admin) answer."""
    idea = place.accepted_idea()
    place.service(idea)
    volunteer = offer(make, idea)
    with pytest.raises(RuleError):
        services.decide_volunteer(volunteer, make.staff(make.library_service()), True)
    services.decide_volunteer(volunteer, make.user(Role.ADMIN), True)
    assert volunteer.status == VolunteerStatus.ACCEPTED


def test_volunteers_are_listed_waiting_offers_first(place):
    """Offers still waiting come before answered ones."""
    idea = place.accepted_idea()
    service = place.service(idea)
    answered, waiting = offer(place.make, idea), offer(place.make, idea)
    services.decide_volunteer(answered, place.staff, True)
    assert [v.id for v in services.volunteers_page(service).items] == [waiting.id, answered.id]


# Partners -----------------------------------------------------------------------------------


def test_partner_names_are_unique_whatever_their_letter_case(place):
    """A name already taken, in any case, gets a friendly refusal."""
    with pytest.raises(RuleError, match="already a partner called “Booktrust”"):
        services.create_partner(place.staff, "  booktrust ", "national")
    partner = services.create_partner(place.staff, "Riverside Youth Club", "community")
    assert (partner.name, partner.kind) == ("Riverside Youth Club", PartnerKind.COMMUNITY)
    with pytest.raises(RuleError, match="kind of organisation"):
        services.create_partner(place.staff, "Another", "spaceship")
    with pytest.raises(RuleError, match="Only staff of a library service"):
        services.create_partner(place.make.user(Role.QLP_REVIEWER), "Another", "other")
    assert actions(partner) == ["partner.create"]


def test_only_staff_of_a_library_service_and_admins_add_to_the_partner_directory(place):
    """Staff an admin has put in no library service yet are refused; admins may."""
    with pytest.raises(RuleError, match="Only staff of a library service can add partners."):
        services.create_partner(place.make.staff(), "Eastgate School", "school")
    assert db.session.query(Partner).filter_by(name="Eastgate School").count() == 0
    admin = place.make.user(Role.ADMIN)
    assert services.create_partner(admin, "Eastgate School", "school").name == "Eastgate School"


def test_partners_join_and_leave_a_service(place):
    """Add an existing partner, or a new one; not twice; remove one; all audited."""
    service = place.service()
    booktrust = db.session.query(Partner).filter_by(name="Booktrust").one()
    services.add_partner(service, place.staff, booktrust)
    with pytest.raises(RuleError, match="already works on this service"):
        services.add_partner(service, place.staff, booktrust)
    new = services.create_partner(place.staff, "Eastgate School", "school", service=service)
    db.session.expire_all()
    assert [p.name for p in service.partners] == ["Booktrust", "Eastgate School"]
    services.remove_partner(service, place.staff, booktrust)
    with pytest.raises(RuleError, match="does not work on this service"):
        services.remove_partner(service, place.staff, booktrust)
    db.session.expire_all()
    assert [p.id for p in service.partners] == [new.id]
    assert actions(service) == [
        "service.add_partner",
        "service.add_partner",
        "service.remove_partner",
    ]


def test_the_partners_list_counts_the_services_each_works_on(place):
    """Each partner comes with how many services it works on."""
    booktrust = db.session.query(Partner).filter_by(name="Booktrust").one()
    for service in (place.service(), place.service()):
        services.add_partner(service, place.staff, booktrust)
    counts = {partner.name: count for partner, count in services.partners_page().items}
    assert counts["Booktrust"] == 2
    assert counts["Inclusive Minds"] == 0


# Sessions and skills ------------------------------------------------------------------------


def test_a_session_is_logged_with_counts_by_age_band_and_audited(place):
    """Counts by age band (and adults), partners who came, cohesion and decisions."""
    service = place.service()
    booktrust = db.session.query(Partner).filter_by(name="Booktrust").one()
    services.add_partner(service, place.staff, booktrust)
    session = services.log_session(
        service, place.staff, **session_fields(partner_ids=[booktrust.id])
    )
    db.session.expire_all()
    assert session.attendance == {
        "8-10": 0,
        "11-13": 6,
        "14-16": 4,
        "17-19": 0,
        "20-25": 0,
        "adults": 2,
    }
    assert session.attendance_total == 12
    assert [p.name for p in session.partners] == ["Booktrust"]
    assert session.cohesion_note == "Grandparents taught a board game."
    entry = db.session.query(AuditEntry).filter_by(action="session.log").one()
    assert entry.detail["attendance"]["11-13"] == 6


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"held_on": None}, "date"),
        ({"held_on": date.today() + timedelta(days=2)}, "cannot be later"),
        ({"place": " "}, "where"),
        ({"attendance": {"11-13": 0}}, "at least one"),
        ({"attendance": {"11-13": 501}}, "0 to 500"),
        ({"attendance": {"11-13": -1}}, "0 to 500"),
        ({"attendance": {"11-13": 2.5}}, "0 to 500"),
        ({"attendance": {"toddlers": 3}}, "age bands"),
        ({"partner_ids": [1]}, "partners that work on this service"),
        ({"cohesion_note": ""}, "brought generations"),
        ({"decisions": ""}, "decided"),
    ],
    ids=lambda value: value if isinstance(value, str) else next(iter(value)),
)
def test_a_session_that_does_not_add_up_is_refused(place, changes, words):
    """Future dates, no one counted, unknown bands, missing notes or decisions: refused."""
    service = place.service()
    before = actions()
    with pytest.raises(RuleError, match=words):
        services.log_session(service, place.staff, **session_fields(**changes))
    assert actions() == before


def test_a_session_without_cohesion_keeps_no_note(place):
    """Unticked, the cohesion note is not kept."""
    service = place.service()
    session = services.log_session(
        service, place.staff, **session_fields(brought_together=False, cohesion_note="x")
    )
    assert session.cohesion_note == ""


def test_a_session_can_be_corrected_and_is_audited(place):
    """Editing changes what the record says, with the same rules."""
    service = place.service()
    session = services.log_session(service, place.staff, **session_fields())
    with pytest.raises(RuleError):
        services.edit_session(session, place.staff, **session_fields(decisions=""))
    services.edit_session(session, place.staff, **session_fields(place="Eastgate Library"))
    db.session.expire_all()
    assert session.place == "Eastgate Library"
    assert actions(session) == ["session.log", "session.edit"]


def test_sessions_are_listed_by_date_most_recent_first(place):
    """Logged out of order, sessions still list by when they were held."""
    service = place.service()
    days = [5, 1, 9, 3]
    for day in days:
        services.log_session(
            service, place.staff, **session_fields(held_on=date.today() - timedelta(days=day))
        )
    held = [s.held_on for s in services.sessions_page(service).items]
    assert held == [date.today() - timedelta(days=day) for day in sorted(days)]


def test_staff_skills_are_recorded_with_evidence_and_audited(place, make):
    """The skill, a member of staff of the library service, evidence, maybe the session."""
    service = place.service()
    session = services.log_session(service, place.staff, **session_fields())
    skill = services.record_skill(
        service, place.staff, place.leader.id, "Facilitation", "Ran the session.", session.id
    )
    assert (skill.staff_id, skill.session_id) == (place.leader.id, session.id)
    other_service = place.service()
    other_session = services.log_session(other_service, place.staff, **session_fields())
    for args, words in (
        ((make.staff(make.library_service()).id, "Skill", "Evidence", None), "member of staff"),
        ((place.leader.id, "", "Evidence", None), "name the skill"),
        ((place.leader.id, "Skill", " ", None), "evidence"),
        ((place.leader.id, "Skill", "Evidence", other_session.id), "session of this service"),
    ):
        with pytest.raises(RuleError, match=words):
            services.record_skill(service, place.staff, *args)
    assert db.session.query(StaffSkill).count() == 1
    assert actions(skill) == ["skill.record"]
