"""Staff belong to library services: they see and act only in theirs; admins in all of them."""

import re

import pytest
from sqlalchemy import select

from app.admin import services as admin
from app.extensions import db
from app.ideas.services import change_status
from app.models import (
    AuditEntry,
    Consultation,
    IdeaStatus,
    LibraryService,
    OutcomeLink,
    Phase,
    Role,
    StaffMembership,
    User,
)
from app.moderation import services
from app.rules import RuleError
from tests.conftest import csrf_token

HTMX = {"HX-Request": "true"}
NOT_A_MEMBER = "You are not a member of any library service yet. Ask an admin to add you."


@pytest.fixture
def riverside(make) -> LibraryService:
    """A library service."""
    return make.library_service("Riverside Libraries")


@pytest.fixture
def hillside(make) -> LibraryService:
    """Another library service."""
    return make.library_service("Hillside Libraries")


def details(library_service: LibraryService, **changes) -> dict:
    """Valid consultation details in a library service, with some changed."""
    values = {
        "library_service_id": library_service.id,
        "branch_id": None,
        "question": "What should the library do next summer?",
        "description": "",
        "opens_at": None,
        "closes_at": None,
        "vote_budget": None,
    }
    return {**values, **changes}


def actions() -> list[str]:
    """Every audit entry's action, oldest first."""
    return list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


# --- Acting only in one's own library services -----------------------------------------------


def test_staff_of_another_library_service_cannot_decide_on_an_idea(make, riverside, hillside):
    """A decision on a Riverside idea is for Riverside staff; Hillside staff are refused."""
    idea = make.idea(make.consultation(library_service=riverside), published=False)
    with pytest.raises(RuleError):
        change_status(idea, make.staff(hillside), IdeaStatus.PUBLISHED)
    assert idea.status == IdeaStatus.PENDING
    change_status(idea, make.staff(riverside), IdeaStatus.PUBLISHED)
    assert idea.status == IdeaStatus.PUBLISHED


def test_staff_of_another_library_service_cannot_link_or_unlink_outcomes(make, riverside, hillside):
    """Outcome links on an idea are made and removed only by staff of its library service."""
    idea = make.idea(make.consultation(library_service=riverside))
    outsider = make.staff(hillside)
    with pytest.raises(RuleError) as refused:
        services.link_outcome(idea, "qlp.aim.c", outsider, "Designed with young people.")
    assert str(refused.value.message) == "Only staff of this library service can do that."
    link = services.link_outcome(idea, "qlp.aim.c", make.staff(riverside), "Youth-led.")
    with pytest.raises(RuleError):
        services.unlink_outcome(link, outsider)
    assert db.session.query(OutcomeLink).count() == 1
    assert actions() == ["idea.status", "outcome.link"]


def test_staff_of_another_library_service_cannot_create_a_consultation_there(
    make, riverside, hillside
):
    """Staff put questions only in their own library services."""
    outsider = make.staff(hillside)
    with pytest.raises(RuleError) as refused:
        services.save_consultation(outsider, None, **details(riverside))
    assert str(refused.value.message) == "Please choose one of the library services you belong to."
    assert db.session.query(Consultation).count() == 0
    services.save_consultation(outsider, None, **details(hillside))
    assert db.session.query(Consultation).one().library_service_id == hillside.id


def test_staff_of_another_library_service_cannot_edit_a_consultation(make, riverside, hillside):
    """Nor change another service's consultation, nor move it into their own service."""
    consultation = make.consultation(library_service=riverside)
    outsider = make.staff(hillside)
    for service in (riverside, hillside):
        with pytest.raises(RuleError):
            services.save_consultation(
                outsider, consultation, **details(service, question="Taken over?")
            )
    db.session.expire_all()
    assert consultation.question == "What should the library do?"
    assert consultation.library_service_id == riverside.id


def test_staff_cannot_move_their_consultation_into_another_library_service(
    make, riverside, hillside
):
    """Changing the library service is allowed only to one the member of staff belongs to."""
    consultation = make.consultation(library_service=riverside)
    member = make.staff(riverside)
    with pytest.raises(RuleError):
        services.save_consultation(member, consultation, **details(hillside))
    both = make.staff(riverside, hillside)
    services.save_consultation(both, consultation, **details(hillside))
    assert consultation.library_service_id == hillside.id


def test_staff_of_another_library_service_cannot_change_a_phase(make, riverside, hillside):
    """A consultation's phase is moved only by staff of its library service."""
    consultation = make.consultation(library_service=riverside)
    with pytest.raises(RuleError):
        services.set_phase(consultation, make.staff(hillside), Phase.VOTING_OPEN)
    assert consultation.phase == Phase.PROPOSALS_OPEN
    services.set_phase(consultation, make.staff(riverside), Phase.VOTING_OPEN)
    assert consultation.phase == Phase.VOTING_OPEN


def test_admins_act_in_every_library_service(make, riverside, hillside):
    """Admins belong to no library service and act in all of them."""
    admin_user = make.user(Role.ADMIN)
    idea = make.idea(make.consultation(library_service=riverside), published=False)
    change_status(idea, admin_user, IdeaStatus.PUBLISHED)
    link = services.link_outcome(idea, "qlp.aim.c", admin_user, "Youth-led.")
    services.unlink_outcome(link, admin_user)
    consultation = services.save_consultation(admin_user, None, **details(hillside))
    services.save_consultation(admin_user, consultation, **details(riverside))
    services.set_phase(consultation, admin_user, Phase.PROPOSALS_OPEN)
    assert actions() == [
        "idea.status",
        "outcome.link",
        "outcome.unlink",
        "consultation.create",
        "consultation.edit",
        "consultation.phase",
    ]


def test_the_queue_and_lists_show_only_the_library_services_staff_belong_to(
    make, riverside, hillside
):
    """Each list holds only the member's library services; admins see all, reviewers none."""
    ours = make.consultation(library_service=riverside)
    theirs = make.consultation(library_service=hillside)
    waiting = {c: make.idea(c, published=False, title=f"Waiting {c.id}") for c in (ours, theirs)}
    public = {c: make.idea(c, title=f"Public {c.id}") for c in (ours, theirs)}

    def seen(actor: User) -> tuple:
        return (
            {idea.id for idea in services.moderation_queue(actor).items},
            services.waiting_count(actor),
            {idea.id for idea, _links in services.public_ideas_with_link_counts(actor).items},
            {c.id for c in services.all_consultations(actor).items},
            [s.id for s in services.library_services_of(actor)],
        )

    assert seen(make.staff(riverside)) == (
        {waiting[ours].id},
        1,
        {public[ours].id},
        {ours.id},
        [riverside.id],
    )
    everything = (
        {waiting[ours].id, waiting[theirs].id},
        2,
        {public[ours].id, public[theirs].id},
        {ours.id, theirs.id},
        [hillside.id, riverside.id],  # by name
    )
    assert seen(make.staff(riverside, hillside)) == everything
    assert seen(make.user(Role.ADMIN)) == everything
    nobody = (set(), 0, set(), set(), [])
    assert seen(make.staff()) == nobody
    assert seen(make.user(Role.QLP_REVIEWER)) == nobody


def test_only_staff_without_a_library_service_are_told_they_belong_to_none(make, riverside):
    """The note is for staff with no membership; admins and members do not get it."""
    assert services.has_no_membership(make.staff())
    assert not services.has_no_membership(make.staff(riverside))
    assert not services.has_no_membership(make.user(Role.ADMIN))
    assert not services.has_no_membership(make.user(Role.QLP_REVIEWER))


# --- The staff pages --------------------------------------------------------------------------


def test_staff_without_a_library_service_see_empty_lists_and_why(client, make, login, riverside):
    """The queue and the consultations say who can add them, and show nobody's ideas."""
    consultation = make.consultation(library_service=riverside)
    make.idea(consultation, published=False, title="Homework help club")
    login(make.staff())
    for path in ("/staff/", "/staff/consultations", "/staff/consultations/new"):
        page = client.get(path).get_data(as_text=True)
        assert NOT_A_MEMBER in page, path
        assert "Homework help club" not in page
        assert "What should the library do?" not in page
    assert "Nothing is waiting" in client.get("/staff/").get_data(as_text=True)


def test_members_see_their_ideas_and_no_note(client, make, login, riverside, hillside):
    """Staff see their own library service's ideas, not another's."""
    make.idea(make.consultation(library_service=riverside), published=False, title="Ours")
    make.idea(make.consultation(library_service=hillside), published=False, title="Theirs")
    login(make.staff(riverside))
    page = client.get("/staff/").get_data(as_text=True)
    assert "Ours" in page
    assert "Theirs" not in page
    assert "(1)" in page
    assert NOT_A_MEMBER not in page


def test_the_consultation_form_offers_only_the_members_library_services(
    client, make, login, riverside, hillside
):
    """With one library service it is chosen already; another's libraries are not offered."""
    from app.models import Branch

    db.session.add_all(
        [
            Branch(library_service=riverside, name="Central Library"),
            Branch(library_service=hillside, name="Hilltop Library"),
        ]
    )
    db.session.commit()
    login(make.staff(riverside))
    page = client.get("/staff/consultations/new").get_data(as_text=True)
    assert re.search(rf'<option selected value="{riverside.id}">Riverside Libraries</option>', page)
    assert "Central Library" in page
    assert "Hillside Libraries" not in page
    assert "Hilltop Library" not in page


def test_staff_of_another_library_service_posting_its_id_get_a_form_error(
    client, make, login, riverside, hillside
):
    """A library service that is not offered is refused on the form, and nothing is stored."""
    login(make.staff(hillside))
    response = client.post(
        "/staff/consultations/new",
        data={
            "csrf_token": csrf_token(client),
            "question": "Taken over?",
            "library_service": str(riverside.id),
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose one of the answers given for “Library service”." in html
    assert db.session.query(Consultation).count() == 0


def test_staff_of_another_library_service_cannot_remove_an_outcome_link(
    client, make, login, riverside, hillside
):
    """The remove button's address is refused to them, and the link stays."""
    idea = make.idea(make.consultation(library_service=riverside))
    link = services.link_outcome(idea, "qlp.aim.c", make.staff(riverside), "Youth-led.")
    login(make.staff(hillside))
    response = client.post(
        f"/staff/outcome-links/{link.id}/remove", data={"csrf_token": csrf_token(client)}
    )
    assert response.status_code == 403
    assert db.session.query(OutcomeLink).count() == 1


def test_once_an_admin_adds_them_staff_act_in_the_library_service(client, make, login, riverside):
    """Membership is what opens an idea's staff page to a member of staff."""
    idea = make.idea(make.consultation(library_service=riverside))
    staff = make.staff()
    login(staff)
    assert client.get(f"/staff/ideas/{idea.id}").status_code == 403
    admin.add_membership(make.user(Role.ADMIN), staff, riverside.id)
    assert client.get(f"/staff/ideas/{idea.id}").status_code == 200


# --- Admins assign memberships: the rules -----------------------------------------------------


def test_admin_adds_and_removes_a_membership_and_both_are_audited(make, riverside):
    """Adding and removing change what the member of staff acts in, and leave an audit trail."""
    admin_user, staff = make.user(Role.ADMIN), make.staff()
    membership = admin.add_membership(admin_user, staff, riverside.id)
    assert services.library_services_of(staff) == [riverside]
    admin.remove_membership(admin_user, membership)
    assert services.library_services_of(staff) == []
    entries = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    assert [(e.action, e.actor_id, e.subject_type, e.subject_id) for e in entries] == [
        ("membership.add", admin_user.id, "User", staff.id),
        ("membership.remove", admin_user.id, "User", staff.id),
    ]
    assert entries[0].detail == {"library_service": riverside.name, "membership": membership.id}


@pytest.mark.parametrize("role", [Role.STAFF, Role.QLP_REVIEWER, Role.YOUNG_PERSON])
def test_only_admins_assign_memberships(make, riverside, role):
    """Staff cannot add themselves, or anyone, to a library service, nor take anyone out."""
    actor, staff = make.user(role), make.staff()
    with pytest.raises(RuleError):
        admin.add_membership(actor, staff, riverside.id)
    with pytest.raises(RuleError):
        admin.add_membership(actor, actor, riverside.id)
    membership = admin.add_membership(make.user(Role.ADMIN), staff, riverside.id)
    with pytest.raises(RuleError):
        admin.remove_membership(actor, membership)
    assert db.session.query(StaffMembership).count() == 1


@pytest.mark.parametrize("role", [Role.QLP_REVIEWER, Role.ADMIN, Role.YOUNG_PERSON])
def test_only_staff_accounts_belong_to_library_services(make, riverside, role):
    """Reviewers read every library service and admins act in all: neither is a member."""
    with pytest.raises(RuleError) as refused:
        admin.add_membership(make.user(Role.ADMIN), make.user(role), riverside.id)
    assert str(refused.value.message) == (
        "Only staff accounts belong to library services. QLP reviewers read every library "
        "service and admins act in all of them."
    )
    assert db.session.query(StaffMembership).count() == 0
    assert actions() == []


def test_belonging_twice_is_refused_nicely(make, riverside):
    """The same membership again gets a clear message, not a database error."""
    admin_user, staff = make.user(Role.ADMIN), make.staff(riverside)
    with pytest.raises(RuleError) as refused:
        admin.add_membership(admin_user, staff, riverside.id)
    assert str(refused.value.message) == f"{staff.username} already belongs to Riverside Libraries."
    assert db.session.query(StaffMembership).count() == 1


@pytest.mark.parametrize("library_service_id", [None, 999])
def test_an_unknown_library_service_is_refused(make, library_service_id):
    """Only a library service from the list."""
    with pytest.raises(RuleError):
        admin.add_membership(make.user(Role.ADMIN), make.staff(), library_service_id)
    assert db.session.query(StaffMembership).count() == 0


def test_a_membership_removed_just_now_is_not_removed_twice(make, riverside):
    """Removing one another admin removed a moment ago is refused, and audited once."""
    admin_user = make.user(Role.ADMIN)
    make.staff(riverside)
    membership = db.session.query(StaffMembership).one()
    admin.remove_membership(admin_user, membership)
    with pytest.raises(RuleError) as refused:
        admin.remove_membership(admin_user, membership)
    assert str(refused.value.message) == "That was removed just now."
    assert actions() == ["membership.remove"]


def test_the_choices_to_add_leave_out_the_library_services_staff_are_in(make, riverside, hillside):
    """The add form offers only library services the member of staff is not in yet."""
    staff = make.staff(riverside)
    assert admin.library_services_to_join(staff) == [hillside]
    assert admin.library_service_names_by_user([staff.id, make.staff().id]) == {
        staff.id: ["Riverside Libraries"]
    }


# --- Admins assign memberships: the pages ------------------------------------------------------


@pytest.fixture
def admin_user(make, login) -> User:
    """A signed-in admin."""
    return login(make.user(Role.ADMIN))


def add(client, user: User, library_service_id, headers=None):
    """Post the form that adds an account to a library service."""
    return client.post(
        f"/admin/users/{user.id}/memberships",
        data={"csrf_token": csrf_token(client), "library_service": str(library_service_id)},
        headers=headers or {},
    )


def remove(client, membership: StaffMembership, headers=None):
    """Press a membership's Remove button."""
    return client.post(
        f"/admin/memberships/{membership.id}/remove",
        data={"csrf_token": csrf_token(client)},
        headers=headers or {},
    )


def test_the_accounts_list_shows_staff_library_services_and_links_to_them(
    client, make, admin_user, riverside, hillside
):
    """Staff rows say where they belong and link to the page that changes it."""
    staff = make.staff(riverside, hillside, username="sam_staff")
    nobody = make.staff(username="nat_staff")
    young = make.user(username="yan_young")
    for path in ("/admin/", "/admin/accounts"):
        page = client.get(path).get_data(as_text=True)
        assert "Library services: Hillside Libraries, Riverside Libraries" in page
        assert "Not in any library service yet" in page
        for user in (staff, nobody):
            assert f'href="/admin/users/{user.id}/memberships"' in page
            assert f"Library services for {user.username}" in page
        assert f"/admin/users/{young.id}/memberships" not in page


def test_the_memberships_page_lists_them_with_remove_buttons_and_an_add_form(
    client, make, admin_user, riverside, hillside
):
    """Each library service with its own Remove button; the form offers the others."""
    staff = make.staff(riverside)
    membership = db.session.query(StaffMembership).one()
    page = client.get(f"/admin/users/{staff.id}/memberships").get_data(as_text=True)
    assert f"<h1 hx-disable>Library services for {staff.username}</h1>" in page
    assert f'action="/admin/memberships/{membership.id}/remove"' in page
    assert "Remove from Riverside Libraries" in page
    add_form = page.split('id="library_service"')[1].split("</select>")[0]
    assert "Hillside Libraries" in add_form
    assert "Riverside Libraries" not in add_form


def test_the_memberships_page_of_another_role_explains_and_has_no_add_form(
    client, make, admin_user, riverside
):
    """Reviewers and admins are not members; their page says why."""
    reviewer = make.user(Role.QLP_REVIEWER)
    page = client.get(f"/admin/users/{reviewer.id}/memberships").get_data(as_text=True)
    assert "Only staff accounts belong to library services." in page
    assert 'id="library_service"' not in page
    assert client.get("/admin/users/999/memberships").status_code == 404


def test_adding_without_javascript_goes_back_to_the_page_with_a_message(
    client, make, admin_user, riverside
):
    """A plain form post saves, then a 303 back to the memberships page, which says so."""
    staff = make.staff()
    response = add(client, staff, riverside.id)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/users/{staff.id}/memberships")
    assert db.session.query(StaffMembership).filter_by(user_id=staff.id).count() == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{staff.username} now belongs to Riverside Libraries." in page
    assert "Remove from Riverside Libraries" in page


def test_adding_with_htmx_swaps_the_panel_and_announces_it(client, make, admin_user, riverside):
    """htmx gets the panel alone, with the new membership, and the message out of band."""
    staff = make.staff()
    response = add(client, staff, riverside.id, HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="memberships-panel"')
    assert "Remove from Riverside Libraries" in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert f"{staff.username} now belongs to Riverside Libraries." in html
    assert "HX-Request" in response.headers["Vary"]


def test_removing_without_javascript_and_with_htmx(client, make, admin_user, riverside, hillside):
    """The Remove button works both ways; each says what happened."""
    staff = make.staff(riverside, hillside)
    first, second = db.session.query(StaffMembership).order_by(StaffMembership.id).all()
    response = remove(client, first)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/users/{staff.id}/memberships")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{staff.username} no longer belongs to Riverside Libraries." in page
    response = remove(client, second, HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert f"{staff.username} does not belong to any library service yet." in html
    assert f"{staff.username} no longer belongs to Hillside Libraries." in html
    assert db.session.query(StaffMembership).count() == 0
    assert actions() == ["membership.remove", "membership.remove"]
    assert remove(client, second).status_code == 404


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "partial"])
def test_adding_with_no_choice_gets_a_form_error(client, make, admin_user, riverside, headers):
    """No library service chosen: the message, on a 400 page or in the panel (a 422 htmx swaps)."""
    staff = make.staff()
    response = add(client, staff, "", headers)
    assert response.status_code == (422 if headers else 400)
    html = response.get_data(as_text=True)
    assert "Choose a library service to add them to." in html
    assert ("<html" in html) == (not headers)
    assert db.session.query(StaffMembership).count() == 0


def test_adding_a_reviewer_gets_the_reason_on_the_form(client, make, admin_user, riverside):
    """The rule's refusal comes back as the field's error, with a 400."""
    reviewer = make.user(Role.QLP_REVIEWER)
    response = add(client, reviewer, riverside.id)
    assert response.status_code == 400
    assert "Only staff accounts belong to library services." in response.get_data(as_text=True)
    assert db.session.query(StaffMembership).count() == 0


def test_adding_one_already_joined_is_refused_on_the_form(client, make, admin_user, riverside):
    """A second press of Add (sent from a page open since before) changes nothing."""
    staff = make.staff(riverside)
    response = add(client, staff, riverside.id)
    assert response.status_code == 400
    assert db.session.query(StaffMembership).count() == 1
