"""My account: downloading my data, changing my name and password, deleting my account."""

import json
import re

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.account import services
from app.auth.services import authenticate
from app.extensions import db
from app.ideas.services import cast_vote, change_status, offer_to_codesign, withdraw_idea
from app.models import (
    AuditEntry,
    CodesignVolunteer,
    Idea,
    IdeaRevision,
    IdeaStatus,
    IdeaStatusChange,
    Role,
    SignIn,
    User,
    Vote,
)
from app.models.codesign import codesign_team_members
from app.rules import RuleError
from tests.conftest import PASSWORD, csrf_token

NEW_PASSWORD = "mossy-lantern-orbit-7"


def sign_in(client, username: str, password: str = PASSWORD):
    """Post the sign-in form; the response."""
    return client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(client), "username": username, "password": password},
    )


def post(client, path: str, **data):
    """Post a form with its CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token(client), **data})


def references_to(user_id: int) -> dict[str, int]:
    """Rows anywhere that still refer to this account id, by table and column (from the
    metadata, so a foreign key added later is checked too)."""
    found = {}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if any(key.target_fullname == "users.id" for key in column.foreign_keys):
                count = db.session.execute(
                    select(func.count()).select_from(table).where(column == user_id)
                ).scalar_one()
                if count:
                    found[f"{table.name}.{column.name}"] = count
    return found


@pytest.fixture
def member(make):
    """A young person who has done everything a young person can: proposed, withdrawn and
    edited ideas, voted, offered to help design (an audit entry naming no one), joined a team."""
    young = make.user(username="Kestrel")
    mine = make.idea(author=young, title="A quiet reading den")
    consultation = mine.consultation
    withdrawn = make.idea(consultation, author=young, title="Board games")
    withdraw_idea(withdrawn, young)
    others = make.idea(consultation, title="Someone else's idea")
    cast_vote(young, mine)
    cast_vote(young, others)
    cast_vote(make.user(), mine)
    accepted = make.accepted_idea(consultation)
    offer_to_codesign(accepted, young, credit_publicly=True)
    service = make.codesign_service(make.accepted_idea(consultation))
    db.session.execute(
        codesign_team_members.insert().values(service_id=service.id, user_id=young.id)
    )
    db.session.add(
        IdeaRevision(
            idea=mine, title="Old", description="Old words", reason="edited", edited_by=young
        )
    )
    db.session.commit()
    return young


# Download my data ---------------------------------------------------------------------------


def test_export_holds_my_account_ideas_history_votes_offers_and_devices(member, client, login):
    """Everything about me, whole: the account, each idea with its history, votes, offers,
    and the device I am signed in on."""
    login(member)
    data = services.export_data(member)
    assert data["account"]["pseudonym"] == "Kestrel"
    assert data["account"]["age_band"] == "14-16"
    assert data["account"]["role"] == "young_person"
    assert data["account"]["last_seen_at"] is not None
    ideas = {idea["title"]: idea for idea in data["ideas"]}
    assert set(ideas) == {"A quiet reading den", "Board games"}
    assert ideas["Board games"]["status"] == "withdrawn"
    assert [step["status"] for step in ideas["Board games"]["history"]] == [
        "pending",
        "published",
        "withdrawn",
    ]
    assert sorted(vote["idea_title"] for vote in data["votes"]) == [
        "A quiet reading den",
        "Someone else's idea",
    ]
    assert [offer["status"] for offer in data["codesign_offers"]] == ["offered"]
    assert data["codesign_offers"][0]["credit_publicly"] is True
    assert len(data["signed_in_devices"]) == 1


def test_export_shows_no_one_elses_private_data(make, member, client, login):
    """Not who moderated my ideas, not other voters, not a hidden idea's title, no tokens."""
    others = db.session.execute(
        select(Idea).where(Idea.title == "Someone else's idea")
    ).scalar_one()
    staff = make.staff(others.consultation.library_service, username="Moderator_Mo")
    change_status(others, staff, IdeaStatus.HIDDEN, "It named a person.")
    login(member)
    response = client.get("/account/data.json")
    text = response.get_data(as_text=True)
    assert "Someone else's idea" not in text
    assert "Moderator_Mo" not in text
    assert "staff_" not in text  # the staff who approved my ideas
    other_voters = db.session.execute(
        select(User.username).join(Vote, Vote.user_id == User.id).where(User.id != member.id)
    ).scalars()
    assert not any(name in text for name in other_voters)
    token_hashes = db.session.execute(select(SignIn.token_hash)).scalars()
    assert not any(token in text for token in token_hashes)
    assert "An idea that is no longer shown" in client.get("/account/data").get_data(as_text=True)


def test_data_download_is_a_json_file_and_the_page_shows_the_same(member, client, login):
    """One tap gives a file to keep; the readable page holds the same things."""
    login(member)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(response.get_data(as_text=True))
    page = client.get("/account/data").get_data(as_text=True)
    for idea in data["ideas"]:
        assert escape(idea["title"]) in page
        assert escape(idea["consultation"]) in page
    for vote in data["votes"]:
        assert escape(vote["idea_title"]) in page
    assert "Kestrel" in page and "14-16" in page


def test_my_account_page_links_to_each_right(make, client, login):
    """From My account, one tap each: see, download, rename, new password, devices, delete."""
    login(make.user(username="Wren"))
    page = client.get("/account").get_data(as_text=True)
    assert "Wren" in page and "14 to 16" in page
    for path in (
        "/account/data",
        "/account/data.json",
        "/account/name",
        "/account/password",
        "/account/devices",
        "/account/delete",
    ):
        assert f'href="{path}"' in page


@pytest.mark.parametrize("path", ["/account", "/account/data", "/account/data.json"])
def test_account_pages_cost_the_same_queries_with_little_or_lots_of_data(
    make, client, login, count_queries, path
):
    """The export is whole, yet one query per kind of data: 5 ideas or 50 cost the same."""
    young = login(make.user())
    consultation = make.consultation()
    counts = []
    for total in (5, 50):
        while db.session.scalar(select(func.count()).where(Idea.author_id == young.id)) < total:
            idea = Idea(consultation=consultation, author=young, title="An idea", description="x")
            db.session.add_all([idea, IdeaStatusChange(idea=idea, to_status=IdeaStatus.PENDING)])
            db.session.flush()
            db.session.add(Vote(user_id=young.id, idea_id=idea.id))
            db.session.commit()
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        counts.append(len(counted))
    assert counts[0] == counts[1]


# Change my name -----------------------------------------------------------------------------


def test_new_name_is_used_from_now_on(make, client, login):
    """The new pseudonym is mine, signs me in, and the old one no longer does."""
    young = login(make.user(username="Heron"))
    response = post(client, "/account/name", username="Egret")
    assert response.status_code == 303
    assert db.session.get(User, young.id).username == "Egret"
    assert authenticate("Egret", PASSWORD) is not None
    assert authenticate("Heron", PASSWORD) is None


def test_name_taken_in_any_letter_case_is_refused_and_nothing_changes(make, client, login):
    """Another person's name, even in other capitals, is refused with a kind message."""
    make.user(username="Puffin")
    young = login(make.user(username="Gannet"))
    response = post(client, "/account/name", username="pUFFIN")
    assert response.status_code == 400
    assert "That name is taken" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, young.id).username == "Gannet"


@pytest.mark.parametrize("username", ["library-staff", "Admin1", "jane-smith2"])
def test_a_young_person_cannot_change_to_a_name_that_passes_for_staff(
    make, client, login, username
):
    """The joining rule applies: a kind message, and the name stays as it was."""
    make.staff(username="Jane_Smith")
    young = login(make.user(username="Gannet"))
    response = post(client, "/account/name", username=username)
    assert response.status_code == 400
    assert "could make people think you work for the library" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, young.id).username == "Gannet"
    assert db.session.get(User, young.id).name_skeleton == "gannet"


def test_staff_may_change_to_a_name_that_says_what_they_do(make):
    """Staff names are not checked for their look: a librarian may say so."""
    staff = make.staff(username="Jane_Smith")
    services.change_username(staff, "Jane_the_librarian")
    assert db.session.get(User, staff.id).username == "Jane_the_librarian"


def test_a_name_of_the_wrong_shape_is_refused(make):
    """The rules for joining apply: letters, numbers, dashes and underscores, 3 to 30."""
    young = make.user(username="Plover")
    with pytest.raises(RuleError):
        services.change_username(young, "no spaces please")
    assert young.username == "Plover"


def test_changing_only_the_capitals_of_my_own_name_is_allowed(make):
    """My own name in other capitals is not taken by someone else."""
    young = make.user(username="curlew")
    services.change_username(young, "Curlew")
    assert db.session.get(User, young.id).username == "Curlew"


def test_a_name_taken_at_the_same_moment_is_refused_by_the_database(make, monkeypatch):
    """Two people renaming to one name at once: the unique index keeps one, the other is told."""
    make.user(username="Dunlin")
    young = make.user(username="Sanderling")
    monkeypatch.setattr(services, "find_user", lambda name: None)  # the check saw it free
    with pytest.raises(RuleError, match="taken"):
        services.change_username(young, "DUNLIN")
    assert db.session.get(User, young.id).username == "Sanderling"


# Change my password -------------------------------------------------------------------------


def test_wrong_current_password_is_refused(make, client, login):
    """Without the current password, nothing changes."""
    young = login(make.user())
    response = post(
        client,
        "/account/password",
        current_password="not-my-password",
        new_password=NEW_PASSWORD,
        confirm=NEW_PASSWORD,
    )
    assert response.status_code == 400
    assert "not your current password" in response.get_data(as_text=True)
    assert authenticate(young.username, PASSWORD) is not None


@pytest.mark.parametrize("weak", ["password", "12345678", "use_the_name"])
def test_weak_new_password_is_refused(make, client, login, weak):
    """Common passwords, and one made of my own name, are refused with a kind message."""
    young = login(make.user(username="use_the_name"))
    response = post(
        client, "/account/password", current_password=PASSWORD, new_password=weak, confirm=weak
    )
    assert response.status_code == 400
    assert "easy to guess" in response.get_data(as_text=True)
    assert authenticate(young.username, PASSWORD) is not None


def test_a_new_password_over_200_characters_is_refused_saying_so(make, client, login):
    """The message says the new password is too long; the old one still works."""
    young = login(make.user())
    long = NEW_PASSWORD * 10
    response = post(
        client, "/account/password", current_password=PASSWORD, new_password=long, confirm=long
    )
    assert response.status_code == 400
    assert "Your password can have up to 200 characters" in response.get_data(as_text=True)
    assert authenticate(young.username, PASSWORD) is not None


def test_new_password_works_and_signs_out_my_other_devices(app, make, client, login):
    """The new password signs in, the old does not; this device stays signed in, others don't."""
    young = make.user()
    other_device = app.test_client()
    with app.app_context():  # a request context of its own, as another device would have
        assert sign_in(other_device, young.username).status_code == 303
    login(young)
    response = post(
        client,
        "/account/password",
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        confirm=NEW_PASSWORD,
    )
    assert response.status_code == 303
    assert client.get("/account").status_code == 200
    with app.app_context():
        assert other_device.get("/account").status_code == 302
    assert authenticate(young.username, NEW_PASSWORD) is not None
    assert authenticate(young.username, PASSWORD) is None


# Delete my account --------------------------------------------------------------------------


def test_deleting_my_account_keeps_ideas_and_votes_by_a_former_member(member, client, login):
    """My ideas and votes stay and still count; nothing anywhere refers to me any more."""
    mine = db.session.execute(select(Idea).where(Idea.title == "A quiet reading den")).scalar_one()
    idea_id, consultation_id, member_id = mine.id, mine.consultation_id, member.id
    votes_before = db.session.scalar(select(func.count()).select_from(Vote))
    login(member)
    response = post(client, "/account/delete", password=PASSWORD)
    assert response.status_code == 303
    assert "Your account is deleted" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(User, member_id) is None
    assert references_to(member_id) == {}
    assert db.session.scalar(select(func.count()).select_from(Vote)) == votes_before
    assert db.session.get(Idea, idea_id).vote_count == 2
    assert db.session.scalar(select(func.count()).select_from(CodesignVolunteer)) == 0
    for path in (f"/ideas/{idea_id}", f"/consultations/{consultation_id}"):
        page = client.get(path).get_data(as_text=True)
        assert "by a former member" in page
        assert "Kestrel" not in page
    # The audit log is untouched: the offer's entry was written naming no one.
    offers = select(AuditEntry.action, AuditEntry.actor_id).where(
        AuditEntry.action.like("codesign.%")
    )
    assert db.session.execute(offers).all() == [("codesign.offer", None)]


def test_deleted_account_is_signed_out_and_its_name_signs_in_no_more(member, client, login):
    """After deleting, this device is signed out and the old name and password fail."""
    login(member)
    post(client, "/account/delete", password=PASSWORD)
    assert client.get("/account").status_code == 302
    assert sign_in(client, "Kestrel").status_code == 400


def test_staff_pages_show_a_former_members_idea(make, client, login):
    """The moderation queue and the staff idea page name no one, and do not fail."""
    young = make.user()
    idea = make.idea(published=False, author=young)
    services.erase_accounts([young])
    login(make.staff(idea.consultation.library_service))
    for path in ("/staff/pending", f"/staff/ideas/{idea.id}"):
        response = client.get(path)
        assert response.status_code == 200
        assert "by a former member" in response.get_data(as_text=True)


def test_deleting_needs_my_password(make, client, login):
    """A wrong password deletes nothing."""
    young = login(make.user())
    response = post(client, "/account/delete", password="not-my-password")
    assert response.status_code == 400
    assert db.session.get(User, young.id) is not None


def test_delete_my_account_looks_like_what_it_is(make, client, login):
    """A section of its own in danger colours, plain words, and a confirming button that says
    it is for good; the way out keeps the account."""
    login(make.user())
    page = client.get("/account").get_data(as_text=True)
    section = re.search(r'<section class="danger-zone".*?</section>', page, re.S).group(0)
    assert "Delete my account" in section and "You cannot undo it." in section
    assert re.search(r'class="button button-danger" href="/account/delete"', section)
    page = client.get("/account/delete").get_data(as_text=True)
    assert re.search(
        r'<input class="button button-danger"[^>]*value="Yes, delete my account for good"', page
    )
    assert "No, keep my account" in page


def test_the_delete_page_says_plainly_what_happens(make, client, login):
    """Before deleting: ideas and votes stay as a former member's, everything else goes."""
    login(make.user())
    page = client.get("/account/delete").get_data(as_text=True)
    assert "a former member" in page
    assert "Everything else about you goes" in page


@pytest.mark.parametrize("role", [Role.STAFF, Role.QLP_REVIEWER, Role.ADMIN])
def test_staff_cannot_delete_their_own_account_here(make, client, login, role):
    """Staff are told kindly that an admin closes their account; nothing is deleted."""
    person = login(make.user(role))
    page = client.get("/account/delete")
    assert page.status_code == 403
    assert "closed by an admin" in page.get_data(as_text=True)
    assert post(client, "/account/delete", password=PASSWORD).status_code == 403
    with pytest.raises(RuleError):
        services.delete_own_account(person, PASSWORD)
    assert db.session.get(User, person.id) is not None


def test_an_account_the_audit_log_names_is_kept_for_an_admin_to_close(make):
    """A young person who once acted as staff is named in the append-only log: refused, kept."""
    once_staff = make.user()
    db.session.add(AuditEntry(actor_id=once_staff.id, action="idea.status", subject_type="Idea"))
    db.session.commit()
    with pytest.raises(RuleError):
        services.delete_own_account(once_staff, PASSWORD)
    assert db.session.get(User, once_staff.id) is not None
