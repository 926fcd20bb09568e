"""Staff decisions and outcome links, through services and through the pages."""

import pytest

from app.extensions import db
from app.models import AuditEntry, AuditLogIsAppendOnly, IdeaStatus, OutcomeLink, Phase
from app.moderation import services
from app.rules import RuleError
from tests.conftest import csrf_token


@pytest.fixture
def consultation(make):
    """A consultation open for ideas, in a library service of its own."""
    return make.consultation()


@pytest.fixture
def staff(make, login, consultation):
    """A signed-in member of staff of the consultation's library service."""
    return login(make.staff(consultation.library_service))


def decide(client, idea, decision, message=""):
    """Post the decision form."""
    return client.post(
        f"/staff/ideas/{idea.id}/decision",
        data={
            "csrf_token": csrf_token(client),
            "decision-decision": decision,
            "decision-message": message,
        },
    )


def link(client, idea, code, rationale="Young people shaped it."):
    """Post the outcome-link form."""
    return client.post(
        f"/staff/ideas/{idea.id}/outcomes",
        data={"csrf_token": csrf_token(client), "link-outcome": code, "link-rationale": rationale},
    )


def test_pending_idea_appears_in_the_queue(client, make, consultation, staff):
    """The queue shows ideas waiting for a decision."""
    idea = make.idea(consultation, published=False, title="Homework help club")
    assert "Homework help club" in client.get("/staff/").get_data(as_text=True)
    decide(client, idea, "published")
    assert "Nothing is waiting" in client.get("/staff/").get_data(as_text=True)


def test_approving_publishes_and_is_audited(client, make, consultation, staff):
    """Approve moves the idea to published and writes an audit entry."""
    idea = make.idea(consultation, published=False)
    response = decide(client, idea, "published", "Great idea!")
    assert response.status_code == 303
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PUBLISHED
    entry = db.session.query(AuditEntry).filter_by(action="idea.status").one()
    assert (entry.actor_id, entry.subject_id) == (staff.id, idea.id)
    assert entry.detail == {"previous": "pending", "to": "published"}


def test_request_changes_message_is_shown_to_the_young_person(
    client, make, consultation, staff, login
):
    """The young person reads staff's message on their idea and under My ideas."""
    idea = make.idea(consultation, published=False)
    decide(client, idea, "changes_requested", "Please take out the name of your school.")
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    login(idea.author)
    for page in (f"/ideas/{idea.id}", "/my-ideas"):
        html = client.get(page).get_data(as_text=True)
        assert "Please take out the name of your school." in html
        assert "Changes asked for" in html


def test_rejecting_without_a_message_is_refused_and_changes_nothing(
    client, make, consultation, staff
):
    """A rejection needs a reason; the form explains and the idea stays pending."""
    idea = make.idea(consultation, published=False)
    response = decide(client, idea, "rejected")
    assert response.status_code == 400
    assert "Please write a message" in response.get_data(as_text=True)
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PENDING
    assert db.session.query(AuditEntry).count() == 0


def test_decision_not_allowed_from_current_status_is_refused(client, make, consultation, staff):
    """A pending idea cannot jump straight to delivered."""
    idea = make.idea(consultation, published=False)
    response = decide(client, idea, "delivered")
    assert response.status_code == 400
    db.session.refresh(idea)
    assert idea.status == IdeaStatus.PENDING


def test_linking_outcomes_shows_them_on_the_idea_page(client, make, consultation, staff):
    """Links to a QLP aim and a Promise outcome appear, with the reason, on the public page in
    plain words; staff's page for the idea keeps the source wording."""
    idea = make.idea(consultation)
    assert link(client, idea, "qlp.aim.c", "Designed with the youth forum.").status_code == 303
    assert link(client, idea, "promise.vision.5").status_code == 303
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Young people plan and start new services with the library and others." in html
    assert "Young people have a say in the library and can help out." in html
    assert "Designed with the youth forum." in html
    assert "qlp.aim.c" not in html
    assert "Develop, plan and implement new services for young people" not in html
    staff_html = client.get(f"/staff/ideas/{idea.id}").get_data(as_text=True)
    assert "Develop, plan and implement new services for young people" in staff_html
    assert "They are actively involved in decisions about service developments" in staff_html


@pytest.mark.parametrize(
    ("code", "rationale", "message"),
    [
        ("qlp.aim.z", "A reason", "Choose one of the answers given for “Outcome”."),
        ("qlp.aim.c", "", "Say why this idea serves this outcome."),
        ("qlp.aim.c", "x" * 1001, "1000 characters"),
    ],
)
def test_bad_outcome_link_gets_a_message_and_stores_nothing(
    client, make, consultation, staff, code, rationale, message
):
    """Unknown outcomes, missing or overlong reasons are refused with a clear message."""
    idea = make.idea(consultation)
    response = link(client, idea, code, rationale)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.query(OutcomeLink).count() == 0


def test_same_outcome_cannot_be_linked_twice(make):
    """Each outcome is linked to an idea at most once."""
    idea = make.idea()
    staff = make.staff(idea.consultation.library_service)
    services.link_outcome(idea, "qlp.outcome.a", staff, "Empowers young people.")
    with pytest.raises(RuleError):
        services.link_outcome(idea, "qlp.outcome.a", staff, "Again.")
    assert db.session.query(OutcomeLink).count() == 1


def test_pending_ideas_cannot_be_linked(make):
    """Only ideas that passed moderation are linked to outcomes."""
    idea = make.idea(published=False)
    with pytest.raises(RuleError):
        services.link_outcome(
            idea, "qlp.aim.a", make.staff(idea.consultation.library_service), "Because."
        )


def test_removing_a_link_keeps_its_record_in_the_audit_log(client, make, consultation, staff):
    """Unlinking deletes the link but the audit log remembers what it said."""
    idea = make.idea(consultation)
    link(client, idea, "qlp.aim.b", "Staff learn new skills.")
    outcome_link = db.session.query(OutcomeLink).one()
    response = client.post(
        f"/staff/outcome-links/{outcome_link.id}/remove", data={"csrf_token": csrf_token(client)}
    )
    assert response.status_code == 303
    assert db.session.query(OutcomeLink).count() == 0
    entry = db.session.query(AuditEntry).filter_by(action="outcome.unlink").one()
    assert entry.detail == {"outcome": "qlp.aim.b", "rationale": "Staff learn new skills."}


def test_audit_entries_cannot_be_changed_or_deleted(make):
    """The audit log is append-only."""
    idea = make.idea()
    staff = make.staff(idea.consultation.library_service)
    services.link_outcome(idea, "qlp.aim.a", staff, "Mainstreams youth services.")
    entry = db.session.query(AuditEntry).filter_by(action="outcome.link").one()
    entry.action = "something.else"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).action == "outcome.link"


def test_staff_move_a_consultation_to_voting(client, consultation, staff):
    """The phase form moves a consultation on, and the change is audited."""
    response = client.post(
        f"/staff/consultations/{consultation.id}/phase",
        data={"csrf_token": csrf_token(client), f"c{consultation.id}-phase": "voting_open"},
    )
    assert response.status_code == 303
    db.session.refresh(consultation)
    assert consultation.phase == Phase.VOTING_OPEN
    assert db.session.query(AuditEntry).filter_by(action="consultation.phase").count() == 1


def test_unknown_phase_changes_nothing(client, consultation, staff):
    """A made-up phase is refused with a message."""
    client.post(
        f"/staff/consultations/{consultation.id}/phase",
        data={"csrf_token": csrf_token(client), f"c{consultation.id}-phase": "party"},
    )
    db.session.refresh(consultation)
    assert consultation.phase == Phase.PROPOSALS_OPEN
