"""Staff raise safeguarding concerns; only a library service's designated leads read them."""

import pytest
from sqlalchemy import select

from app.admin import services as admin
from app.extensions import db
from app.models import (
    AuditEntry,
    ConcernStatus,
    Idea,
    LibraryService,
    Role,
    SafeguardingConcern,
    StaffMembership,
    User,
)
from app.rules import RuleError
from app.safeguarding import services
from tests.conftest import csrf_token

WORRY = "Sam says an older boy at the bus stop keeps asking where they live."
DONE = "Spoke to Sam's school's designated safeguarding lead; they are following it up."
NO_LEAD = "has no designated safeguarding lead, so nobody has been told yet"


@pytest.fixture
def riverside(make) -> LibraryService:
    """A library service."""
    return make.library_service("Riverside Libraries")


@pytest.fixture
def hillside(make) -> LibraryService:
    """Another library service."""
    return make.library_service("Hillside Libraries")


@pytest.fixture
def idea(make, riverside) -> Idea:
    """A published idea in Riverside."""
    return make.idea(make.consultation(library_service=riverside))


def make_lead(make, *library_services: LibraryService) -> User:
    """A member of staff designated safeguarding lead of the library services given."""
    user = make.staff(*library_services)
    for membership in db.session.query(StaffMembership).filter_by(user_id=user.id):
        membership.safeguarding_lead = True
    db.session.commit()
    return user


def concerns() -> list[SafeguardingConcern]:
    """Every concern kept, oldest first."""
    return list(db.session.execute(select(SafeguardingConcern).order_by("id")).scalars())


def audit(action: str) -> list[AuditEntry]:
    """The audit entries of one action, oldest first."""
    return list(
        db.session.execute(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).scalars()
    )


# --- Raising a concern (the rules, without HTTP) ----------------------------------------------


def test_staff_of_the_ideas_library_service_raise_a_concern_kept_out_of_the_audit_log(
    make, idea, riverside
):
    """The concern goes to the idea's library service; the audit log says who and when, not what."""
    member = make.staff(riverside)
    concern = services.raise_concern(member, None, f"  {WORRY}  ", idea=idea)
    assert (concern.library_service_id, concern.idea_id) == (riverside.id, idea.id)
    assert (concern.concern, concern.status, concern.raised_by_id) == (
        WORRY,
        ConcernStatus.OPEN,
        member.id,
    )
    [entry] = audit("safeguarding.raise")
    assert (entry.actor_id, entry.subject_type, entry.subject_id) == (
        member.id,
        "SafeguardingConcern",
        concern.id,
    )
    assert entry.detail == {"library_service": "Riverside Libraries", "idea": idea.id}
    assert "bus stop" not in str(entry.detail)


@pytest.mark.parametrize("who", ["other_staff", Role.YOUNG_PERSON, Role.QLP_REVIEWER])
def test_only_staff_of_the_ideas_library_service_raise_a_concern_about_it(
    make, idea, hillside, who
):
    """Staff of another library service, young people and reviewers are refused."""
    actor = make.staff(hillside) if who == "other_staff" else make.user(who)
    with pytest.raises(RuleError):
        services.raise_concern(actor, None, WORRY, idea=idea)
    assert concerns() == [] and audit("safeguarding.raise") == []


def test_admins_raise_a_concern_in_any_library_service(make, idea):
    """Admins act in every library service, so they may tell its lead too."""
    concern = services.raise_concern(make.user(Role.ADMIN), None, WORRY, idea=idea)
    assert concern.library_service_id == idea.consultation.library_service_id


def test_a_concern_not_about_an_idea_is_raised_only_in_ones_own_library_service(
    make, riverside, hillside
):
    """Without an idea, the member of staff chooses one of their library services."""
    member = make.staff(riverside)
    with pytest.raises(RuleError):
        services.raise_concern(member, hillside.id, WORRY)
    with pytest.raises(RuleError) as refused:
        services.raise_concern(member, None, WORRY)
    assert refused.value.field == "library_service"
    concern = services.raise_concern(member, riverside.id, WORRY)
    assert (concern.library_service_id, concern.idea_id) == (riverside.id, None)
    assert audit("safeguarding.raise")[0].detail == {
        "library_service": "Riverside Libraries",
        "idea": None,
    }


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 4001])
def test_an_empty_or_overlong_concern_is_refused_and_nothing_is_kept(make, idea, riverside, text):
    """The person is asked to say what worries them, in under 4000 characters."""
    with pytest.raises(RuleError) as refused:
        services.raise_concern(make.staff(riverside), None, text, idea=idea)
    assert refused.value.field == "concern"
    assert concerns() == [] and audit("safeguarding.raise") == []


def test_library_services_without_a_lead_are_named_until_one_is_designated(
    make, riverside, hillside
):
    """A concern there would wait with nobody to read it, so admins are shown the gap."""
    assert services.library_services_without_lead() == [hillside, riverside]
    assert not services.has_lead(riverside.id)
    make_lead(make, riverside)
    assert services.library_services_without_lead() == [hillside]
    assert services.has_lead(riverside.id)


# --- The lead's queue and closing (the rules, without HTTP) -----------------------------------


def test_a_lead_sees_the_open_concerns_of_the_library_services_they_lead_oldest_first(
    make, riverside, hillside
):
    """Concerns of other library services, and closed ones, are not in the queue."""
    member, outsider = make.staff(riverside), make.staff(hillside)
    first = services.raise_concern(member, riverside.id, "First worry.")
    second = services.raise_concern(member, riverside.id, "Second worry.")
    services.raise_concern(outsider, hillside.id, "Elsewhere.")
    lead = make_lead(make, riverside)
    assert services.open_concerns(lead).items == [first, second]
    services.close_concern(lead, first, DONE)
    assert services.open_concerns(lead).items == [second]
    assert services.closed_concerns(lead).items == [first]
    assert services.open_concerns(member).items == []


def test_a_lead_closes_a_concern_with_what_they_did_kept_out_of_the_audit_log(make, riverside):
    """The outcome is kept with the concern; the audit log records who closed it and when."""
    concern = services.raise_concern(make.staff(riverside), riverside.id, WORRY)
    lead = make_lead(make, riverside)
    services.close_concern(lead, concern, f"{DONE}\n")
    db.session.expire_all()
    assert (concern.status, concern.outcome, concern.closed_by_id) == (
        ConcernStatus.CLOSED,
        DONE,
        lead.id,
    )
    assert concern.closed_at is not None
    [entry] = audit("safeguarding.close")
    assert (entry.actor_id, entry.subject_id) == (lead.id, concern.id)
    assert entry.detail == {"library_service": "Riverside Libraries"}


@pytest.mark.parametrize("who", ["member", "other_lead", Role.ADMIN, Role.QLP_REVIEWER])
def test_only_a_lead_of_the_library_service_closes_its_concerns(make, riverside, hillside, who):
    """Other staff, leads of other services, admins and reviewers are refused."""
    concern = services.raise_concern(make.staff(riverside), riverside.id, WORRY)
    actor = {
        "member": lambda: make.staff(riverside),
        "other_lead": lambda: make_lead(make, hillside),
    }.get(who, lambda: make.user(who))()
    with pytest.raises(RuleError):
        services.close_concern(actor, concern, DONE)
    assert concern.status == ConcernStatus.OPEN and audit("safeguarding.close") == []


def test_a_lead_who_stops_being_staff_is_no_longer_a_lead(make, riverside):
    """Leading follows the role as well as the designation: a demoted account reads nothing."""
    concern = services.raise_concern(make.staff(riverside), riverside.id, WORRY)
    lead = make_lead(make, riverside)
    lead.role = Role.YOUNG_PERSON
    db.session.commit()
    assert services.open_concerns(lead).items == []
    with pytest.raises(RuleError):
        services.close_concern(lead, concern, DONE)


@pytest.mark.parametrize("text", ["", "  ", "x" * 4001])
def test_closing_without_saying_what_was_done_is_refused(make, riverside, text):
    """An empty or overlong outcome leaves the concern open."""
    concern = services.raise_concern(make.staff(riverside), riverside.id, WORRY)
    with pytest.raises(RuleError) as refused:
        services.close_concern(make_lead(make, riverside), concern, text)
    assert refused.value.field == "outcome"
    assert concern.status == ConcernStatus.OPEN


def test_a_concern_closed_just_now_is_not_closed_again(make, riverside):
    """The second of two leads closing at once is told, and the first outcome is kept."""
    concern = services.raise_concern(make.staff(riverside), riverside.id, WORRY)
    first, second = make_lead(make, riverside), make_lead(make, riverside)
    services.close_concern(first, concern, DONE)
    with pytest.raises(RuleError):
        services.close_concern(second, concern, "Something else.")
    db.session.expire_all()
    assert (concern.outcome, concern.closed_by_id) == (DONE, first.id)
    assert len(audit("safeguarding.close")) == 1


# --- Designating leads ------------------------------------------------------------------------


def membership_of(user: User) -> StaffMembership:
    """A member of staff's only membership."""
    return db.session.query(StaffMembership).filter_by(user_id=user.id).one()


def test_an_admin_designates_and_undesignates_a_lead_and_both_are_audited(make, riverside):
    """Designating twice is refused; each change is in the audit log."""
    boss, member = make.user(Role.ADMIN), make.staff(riverside)
    membership = membership_of(member)
    admin.set_safeguarding_lead(boss, membership, True)
    assert membership.safeguarding_lead
    with pytest.raises(RuleError):
        admin.set_safeguarding_lead(boss, membership, True)
    admin.set_safeguarding_lead(boss, membership, False)
    assert not membership.safeguarding_lead
    entries = audit("membership.safeguarding_lead")
    assert [(e.actor_id, e.subject_id, e.detail["lead"]) for e in entries] == [
        (boss.id, member.id, True),
        (boss.id, member.id, False),
    ]


@pytest.mark.parametrize("role", [Role.STAFF, Role.QLP_REVIEWER, Role.YOUNG_PERSON])
def test_only_admins_designate_leads(make, riverside, role):
    """Nobody else, not even a lead, designates one."""
    membership = membership_of(make.staff(riverside))
    actor = make_lead(make, riverside) if role == Role.STAFF else make.user(role)
    with pytest.raises(RuleError):
        admin.set_safeguarding_lead(actor, membership, True)
    assert not membership.safeguarding_lead
    assert audit("membership.safeguarding_lead") == []


# --- Through the pages --------------------------------------------------------------------------


def test_staff_raise_a_concern_from_the_moderation_idea_page(client, make, login, idea, riverside):
    """A button on the staff idea page leads to a short form; sending it goes back to the idea."""
    make_lead(make, riverside)
    login(make.staff(riverside))
    page = client.get(f"/staff/ideas/{idea.id}").get_data(as_text=True)
    assert f'href="/safeguarding/ideas/{idea.id}/concern"' in page
    form = client.get(f"/safeguarding/ideas/{idea.id}/concern").get_data(as_text=True)
    assert "What worries you?" in form and NO_LEAD not in form
    response = client.post(
        f"/safeguarding/ideas/{idea.id}/concern",
        data={"csrf_token": csrf_token(client), "concern": WORRY},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/ideas/{idea.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your concern was sent to the safeguarding lead of Riverside Libraries." in page
    # The words are shown only in the safeguarding area, not on the idea's pages.
    assert "bus stop" not in page
    assert "bus stop" not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    [concern] = concerns()
    assert (concern.idea_id, concern.concern) == (idea.id, WORRY)


def test_raising_where_there_is_no_lead_says_so_and_keeps_the_concern(
    client, make, login, idea, riverside
):
    """Before and after sending, the person is told that nobody will be told yet."""
    login(make.staff(riverside))
    form = client.get(f"/safeguarding/ideas/{idea.id}/concern").get_data(as_text=True)
    assert "Riverside Libraries has no designated safeguarding lead yet" in form
    response = client.post(
        f"/safeguarding/ideas/{idea.id}/concern",
        data={"csrf_token": csrf_token(client), "concern": WORRY},
        follow_redirects=True,
    )
    assert f"Riverside Libraries {NO_LEAD}" in response.get_data(as_text=True)
    assert len(concerns()) == 1


@pytest.mark.parametrize("who", ["other_staff", Role.YOUNG_PERSON, Role.QLP_REVIEWER])
def test_raising_from_the_idea_page_is_refused_to_anyone_but_its_library_services_staff(
    client, make, login, idea, hillside, who
):
    """Other services' staff, young people and reviewers get a 403, and nothing is kept."""
    login(make.staff(hillside) if who == "other_staff" else make.user(who))
    path = f"/safeguarding/ideas/{idea.id}/concern"
    assert client.get(path).status_code == 403
    response = client.post(path, data={"csrf_token": csrf_token(client), "concern": WORRY})
    assert response.status_code == 403
    assert concerns() == []


def test_raising_signed_out_asks_to_sign_in(client, idea):
    """Anonymous people are sent to sign in."""
    response = client.get(f"/safeguarding/ideas/{idea.id}/concern")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        ("", 400, "Please say what worries you."),
        ("x" * 4001, 400, "Use 4000 characters or fewer"),
        # Past the size of any request the site takes: refused before the form is read.
        ("x" * 100_000, 413, "That was too much to send at once."),
    ],
)
def test_an_empty_or_huge_concern_is_refused_and_nothing_changes(
    client, make, login, idea, riverside, text, status, message
):
    """The person is told why: beside the field, or on a page of its own for 100 kB."""
    login(make.staff(riverside))
    response = client.post(
        f"/safeguarding/ideas/{idea.id}/concern",
        data={"csrf_token": csrf_token(client), "concern": text},
    )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert concerns() == [] and audit("safeguarding.raise") == []


def test_a_concern_not_about_an_idea_is_raised_from_the_safeguarding_area(
    client, make, login, riverside, hillside
):
    """The form offers only the library services the member of staff belongs to."""
    login(make.staff(riverside))
    form = client.get("/safeguarding/concerns/new").get_data(as_text=True)
    assert "Riverside Libraries" in form and "Hillside Libraries" not in form
    refused = client.post(
        "/safeguarding/concerns/new",
        data={"csrf_token": csrf_token(client), "library_service": hillside.id, "concern": WORRY},
    )
    assert refused.status_code == 400 and concerns() == []
    response = client.post(
        "/safeguarding/concerns/new",
        data={"csrf_token": csrf_token(client), "library_service": riverside.id, "concern": WORRY},
        follow_redirects=True,
    )
    assert f"Riverside Libraries {NO_LEAD}" in response.get_data(as_text=True)
    assert [(c.library_service_id, c.idea_id) for c in concerns()] == [(riverside.id, None)]


def test_a_lead_reads_the_concern_in_their_queue_and_closes_it(
    client, make, login, idea, riverside
):
    """The queue shows the idea, who raised it, when, and the words; closing keeps the outcome."""
    member = make.staff(riverside, username="raising_member")
    concern = services.raise_concern(member, None, WORRY, idea=idea)
    login(make_lead(make, riverside))
    assert 'href="/safeguarding/"' in client.get("/staff/").get_data(as_text=True)
    queue = client.get("/safeguarding/").get_data(as_text=True)
    for shown in (idea.title, f"/staff/ideas/{idea.id}", "raised by raising_member", "bus stop"):
        assert shown in queue
    page = client.get(f"/safeguarding/concerns/{concern.id}").get_data(as_text=True)
    assert "What did you do?" in page and "bus stop" in page
    response = client.post(
        f"/safeguarding/concerns/{concern.id}/close",
        data={"csrf_token": csrf_token(client), "outcome": DONE},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/safeguarding/"
    assert "No concern is waiting for you." in client.get("/safeguarding/").get_data(as_text=True)
    closed = client.get("/safeguarding/closed").get_data(as_text=True)
    assert "bus stop" in closed and "Closed by" in closed
    page = client.get(f"/safeguarding/concerns/{concern.id}").get_data(as_text=True)
    assert DONE in page.replace("&#39;", "'") and "What did you do?" not in page


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        ("", 400, "Please say what you did about this concern."),
        ("x" * 4001, 400, "Use 4000 characters or fewer"),
        ("x" * 100_000, 413, "That was too much to send at once."),
    ],
)
def test_closing_with_an_empty_or_huge_outcome_is_refused(
    client, make, login, riverside, text, status, message
):
    """The concern stays open, and the lead is told why."""
    concern = services.raise_concern(make.staff(riverside), riverside.id, WORRY)
    login(make_lead(make, riverside))
    response = client.post(
        f"/safeguarding/concerns/{concern.id}/close",
        data={"csrf_token": csrf_token(client), "outcome": text},
    )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert concern.status == ConcernStatus.OPEN and audit("safeguarding.close") == []


@pytest.mark.parametrize(
    ("who", "queue_status"),
    [
        ("anonymous", 302),
        (Role.YOUNG_PERSON, 403),
        (Role.QLP_REVIEWER, 403),
        (Role.ADMIN, 403),
        ("member", 403),
        ("other_lead", 200),
    ],
)
def test_nobody_but_the_library_services_leads_reads_or_closes_its_concerns(
    client, make, login, riverside, hillside, who, queue_status
):
    """Staff who are not leads, admins, reviewers, young people and other services' leads."""
    concern = services.raise_concern(make.staff(riverside), riverside.id, WORRY)
    if who == "member":
        login(make.staff(riverside))
    elif who == "other_lead":
        login(make_lead(make, hillside))
    elif who != "anonymous":
        login(make.user(who))
    refused = 302 if who == "anonymous" else 403
    queue = client.get("/safeguarding/")
    assert queue.status_code == queue_status
    assert "bus stop" not in queue.get_data(as_text=True)
    assert client.get("/safeguarding/closed").status_code == queue_status
    assert client.get(f"/safeguarding/concerns/{concern.id}").status_code == refused
    response = client.post(
        f"/safeguarding/concerns/{concern.id}/close",
        data={"csrf_token": csrf_token(client), "outcome": DONE},
    )
    assert response.status_code == refused
    db.session.expire_all()
    assert concern.status == ConcernStatus.OPEN


@pytest.mark.parametrize(("who", "shown"), [("member", False), (Role.ADMIN, False), ("lead", True)])
def test_the_safeguarding_link_is_shown_only_to_leads(client, make, login, riverside, who, shown):
    """Other staff and admins do not see it in the navigation."""
    if who == "member":
        login(make.staff(riverside))
    elif who == "lead":
        login(make_lead(make, riverside))
    else:
        login(make.user(who))
    assert ('href="/safeguarding/"' in client.get("/").get_data(as_text=True)) == shown


# --- Designating leads through the admin pages ------------------------------------------------


def test_an_admin_designates_a_lead_on_the_memberships_page(client, make, login, riverside):
    """The page names library services without a lead; the button designates one, audited."""
    login(make.user(Role.ADMIN))
    member = make.staff(riverside)
    membership = membership_of(member)
    page = client.get(f"/admin/users/{member.id}/memberships").get_data(as_text=True)
    assert "No safeguarding lead is designated for: Riverside Libraries." in page
    response = client.post(
        f"/admin/memberships/{membership.id}/safeguarding-lead",
        data={"csrf_token": csrf_token(client)},
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{member.username} is now a safeguarding lead of Riverside Libraries." in page
    assert "No safeguarding lead is designated" not in page
    assert "Stop being safeguarding lead of Riverside Libraries" in page
    db.session.refresh(membership)
    assert membership.safeguarding_lead
    assert len(audit("membership.safeguarding_lead")) == 1


def test_an_admin_stops_a_lead_with_htmx_and_the_panel_is_swapped(client, make, login, riverside):
    """The panel comes back with the designate button and the warning, and says what changed."""
    login(make.user(Role.ADMIN))
    membership = membership_of(make_lead(make, riverside))
    response = client.post(
        f"/admin/memberships/{membership.id}/safeguarding-lead/remove",
        data={"csrf_token": csrf_token(client)},
        headers={"HX-Request": "true"},
    )
    panel = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "is no longer a safeguarding lead of Riverside Libraries." in panel
    assert "Make safeguarding lead of Riverside Libraries" in panel
    assert "No safeguarding lead is designated for: Riverside Libraries." in panel
    db.session.refresh(membership)
    assert not membership.safeguarding_lead


@pytest.mark.parametrize("role", [Role.STAFF, Role.QLP_REVIEWER, Role.YOUNG_PERSON])
def test_only_admins_may_post_a_designation(client, make, login, riverside, role):
    """Everyone else gets a 403 and nothing changes."""
    membership = membership_of(make.staff(riverside))
    login(make_lead(make, riverside) if role == Role.STAFF else make.user(role))
    response = client.post(
        f"/admin/memberships/{membership.id}/safeguarding-lead",
        data={"csrf_token": csrf_token(client)},
    )
    assert response.status_code == 403
    db.session.refresh(membership)
    assert not membership.safeguarding_lead


# --- Bounded lists --------------------------------------------------------------------------


def test_the_queue_and_closed_list_cost_the_same_queries_at_5_and_at_50_concerns(
    app, client, make, login, riverside, count_queries
):
    """One page at a time, eager loaded: 45 more concerns add no query and a next page."""
    member = make.staff(riverside)
    lead = make_lead(make, riverside)
    login(lead)

    def grow(count: int) -> None:
        for number in range(count):
            idea = make.idea(make.consultation(library_service=riverside))
            raised = services.raise_concern(member, None, f"Worry {number}.", idea=idea)
            closed = services.raise_concern(make.staff(riverside), riverside.id, "Another.")
            services.close_concern(lead, closed, DONE)
            assert raised.status == ConcernStatus.OPEN

    def measure() -> dict:
        counts = {}
        for path in ("/safeguarding/", "/safeguarding/closed"):
            with count_queries() as counted:
                response = client.get(path)
            assert response.status_code == 200
            counts[path] = (len(counted), 'rel="next"' in response.get_data(as_text=True))
        return counts

    grow(5)
    at_5 = measure()
    grow(45)
    at_50 = measure()
    assert {path: count for path, (count, _) in at_5.items()} == {
        path: count for path, (count, _) in at_50.items()
    }
    assert not any(more for _, more in at_5.values())
    assert all(more for _, more in at_50.values())
