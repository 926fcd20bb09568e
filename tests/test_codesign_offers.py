"""Young people offer to help design an idea: the rules without HTTP, then the routes."""

import pytest

from app.extensions import db
from app.ideas import services
from app.ideas.services import offer_to_codesign, set_credit, withdraw_offer
from app.models import AuditEntry, CodesignVolunteer, IdeaStatus, Role, VolunteerStatus
from app.rules import RuleError
from tests.conftest import csrf_token

S, V = IdeaStatus, VolunteerStatus


def offers(idea) -> list[CodesignVolunteer]:
    """The offer rows for an idea, straight from the table."""
    return db.session.query(CodesignVolunteer).filter_by(idea_id=idea.id).all()


def decide(volunteer: CodesignVolunteer, status: VolunteerStatus) -> None:
    """Staff's answer, written straight to the row (deciding is another area's job)."""
    volunteer.status = status
    db.session.commit()


# The rules -------------------------------------------------------------------------------


def test_young_person_offers_to_help_design_an_accepted_idea_unnamed_by_default(make):
    """An offer waits for staff, and names nobody unless the young person says so."""
    idea = make.accepted_idea()
    young = make.user()
    volunteer = offer_to_codesign(idea, young, credit_publicly=False)
    assert (volunteer.status, volunteer.credit_publicly) == (V.OFFERED, False)
    assert offers(idea) == [volunteer]
    entry = db.session.query(AuditEntry).filter_by(action="codesign.offer").one()
    # Recorded without who offered: the log outlives the young person's account.
    assert (entry.actor_id, entry.subject_id) == (None, volunteer.id)


def test_young_person_can_offer_on_an_idea_already_in_codesign(make):
    """Ideas being designed still take co-designers."""
    idea = make.accepted_idea()
    make.codesign_service(idea)
    volunteer = offer_to_codesign(idea, make.user(), credit_publicly=True)
    assert volunteer.credit_publicly is True


@pytest.mark.parametrize("role", [Role.STAFF, Role.QLP_REVIEWER, Role.ADMIN])
def test_only_young_people_can_offer_to_help_design(make, role):
    """Staff, reviewers and admins are refused, and nothing is stored."""
    idea = make.accepted_idea()
    with pytest.raises(RuleError, match="Only young people"):
        offer_to_codesign(idea, make.user(role), credit_publicly=True)
    assert offers(idea) == []


@pytest.mark.parametrize(
    "status", [S.PUBLISHED, S.UNDER_CONSIDERATION, S.NOT_TAKEN_FORWARD, S.DELIVERED, S.HIDDEN]
)
def test_offer_is_refused_unless_the_idea_is_accepted_or_in_codesign(make, status):
    """Only accepted and in-co-design ideas look for co-designers."""
    idea = make.idea()
    make._set_status(idea, status)
    with pytest.raises(RuleError, match="not looking for people"):
        offer_to_codesign(idea, make.user(), credit_publicly=False)
    assert offers(idea) == []


def test_second_offer_by_the_same_person_is_refused(make):
    """One offer per person per idea, whether it waits or was accepted."""
    idea = make.accepted_idea()
    young = make.user()
    volunteer = offer_to_codesign(idea, young, credit_publicly=False)
    with pytest.raises(RuleError, match="already offered"):
        offer_to_codesign(idea, young, credit_publicly=True)
    decide(volunteer, V.ACCEPTED)
    with pytest.raises(RuleError, match="already offered"):
        offer_to_codesign(idea, young, credit_publicly=True)
    assert len(offers(idea)) == 1


def test_offers_sent_at_the_same_moment_are_kept_once(make, monkeypatch):
    """When the check races (both saw no offer), the database keeps one and refuses the other."""
    idea = make.accepted_idea()
    young = make.user()
    offer_to_codesign(idea, young, credit_publicly=False)
    monkeypatch.setattr(services, "offer_of", lambda user, idea: None)  # the other request's view
    with pytest.raises(RuleError, match="already offered"):
        offer_to_codesign(idea, young, credit_publicly=True)
    assert len(offers(idea)) == 1
    assert offers(idea)[0].credit_publicly is False


def test_withdrawn_offer_can_be_made_again_with_a_new_choice(make):
    """Taking an offer back and offering again reuses the one row, waiting for staff again."""
    idea = make.accepted_idea()
    young = make.user()
    volunteer = offer_to_codesign(idea, young, credit_publicly=False)
    withdraw_offer(volunteer, young)
    assert volunteer.status == V.WITHDRAWN
    again = offer_to_codesign(idea, young, credit_publicly=True)
    assert again.id == volunteer.id
    assert (again.status, again.credit_publicly, again.decided_by_id) == (V.OFFERED, True, None)
    assert len(offers(idea)) == 1
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions[-3:] == ["codesign.offer", "codesign.withdraw", "codesign.offer_again"]


def test_declined_offer_cannot_be_made_again(make):
    """Once staff said no, the young person cannot offer again for that idea."""
    idea = make.accepted_idea()
    young = make.user()
    volunteer = offer_to_codesign(idea, young, credit_publicly=False)
    decide(volunteer, V.DECLINED)
    with pytest.raises(RuleError, match="already answered"):
        offer_to_codesign(idea, young, credit_publicly=False)
    assert volunteer.status == V.DECLINED


@pytest.mark.parametrize("status", [V.OFFERED, V.ACCEPTED])
def test_young_person_withdraws_an_offer_waiting_or_accepted(make, status):
    """An offer can be taken back while it waits for staff, or after they accepted it."""
    idea = make.accepted_idea()
    young = make.user()
    volunteer = offer_to_codesign(idea, young, credit_publicly=True)
    decide(volunteer, status)
    withdraw_offer(volunteer, young)
    db.session.expire_all()
    assert offers(idea)[0].status == V.WITHDRAWN


@pytest.mark.parametrize("status", [V.DECLINED, V.WITHDRAWN])
def test_closed_offers_cannot_be_withdrawn_or_change_credit(make, status):
    """A declined or withdrawn offer stays as it is."""
    idea = make.accepted_idea()
    young = make.user()
    volunteer = offer_to_codesign(idea, young, credit_publicly=False)
    decide(volunteer, status)
    with pytest.raises(RuleError, match="no longer open"):
        withdraw_offer(volunteer, young)
    with pytest.raises(RuleError, match="no longer open"):
        set_credit(volunteer, young, credit_publicly=True)
    db.session.expire_all()
    assert (offers(idea)[0].status, offers(idea)[0].credit_publicly) == (status, False)


def test_withdrawal_racing_a_decline_is_refused(make):
    """Staff declining while the young person withdraws: the decline stands, they are told."""
    idea = make.accepted_idea()
    young = make.user()
    volunteer = offer_to_codesign(idea, young, credit_publicly=False)
    db.session.execute(
        CodesignVolunteer.__table__.update()
        .where(CodesignVolunteer.id == volunteer.id)
        .values(status=V.DECLINED.value)
    )  # staff's decision, which this request has not seen
    db.session.commit()
    with pytest.raises(RuleError, match="changed just now"):
        withdraw_offer(volunteer, young)
    db.session.expire_all()
    assert offers(idea)[0].status == V.DECLINED


def test_nobody_else_can_withdraw_or_change_an_offer(make):
    """Only the person who offered changes their offer."""
    idea = make.accepted_idea()
    young, other = make.user(), make.user()
    volunteer = offer_to_codesign(idea, young, credit_publicly=False)
    with pytest.raises(RuleError, match="Only the person who offered"):
        withdraw_offer(volunteer, other)
    with pytest.raises(RuleError, match="Only the person who offered"):
        set_credit(volunteer, other, credit_publicly=True)
    assert (volunteer.status, volunteer.credit_publicly) == (V.OFFERED, False)


def test_young_person_turns_their_credit_on_and_off(make):
    """The choice to be named can change while the offer is open, and each change is audited."""
    idea = make.accepted_idea()
    young = make.user()
    volunteer = offer_to_codesign(idea, young, credit_publicly=False)
    set_credit(volunteer, young, credit_publicly=True)
    assert volunteer.credit_publicly is True
    decide(volunteer, V.ACCEPTED)
    set_credit(volunteer, young, credit_publicly=False)
    db.session.expire_all()
    assert offers(idea)[0].credit_publicly is False
    entries = db.session.query(AuditEntry).filter_by(action="codesign.credit").all()
    assert [e.detail["credit_publicly"] for e in entries] == [True, False]


# The routes ------------------------------------------------------------------------------


def post(client, idea, action="", htmx=False, token=True, **data):
    """Post one of the offer forms as a browser would (with or without htmx)."""
    if token:
        data["csrf_token"] = csrf_token(client)
    headers = {"HX-Request": "true"} if htmx else {}
    suffix = f"/{action}" if action else ""
    return client.post(f"/ideas/{idea.id}/codesign{suffix}", data=data, headers=headers)


def test_idea_page_offers_young_people_an_unticked_credit_choice(client, make, login):
    """On an accepted idea a young person sees the button and the opt-in, unticked."""
    idea = make.accepted_idea()
    login(make.user())
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "I want to help design this" in html
    assert "Show my name (your pseudonym) on the public page as a co-designer" in html
    box = html[html.index(f'id="codesign-{idea.id}-credit"') - 200 :]
    checkbox = box[box.index("<input") : box.index(">", box.index("<input"))]
    assert 'type="checkbox"' in checkbox and "checked" not in checkbox


def test_idea_page_has_no_offer_before_the_idea_is_accepted(client, make, login):
    """A published idea does not look for co-designers yet."""
    idea = make.idea()
    login(make.user())
    assert "I want to help design this" not in client.get(f"/ideas/{idea.id}").get_data(
        as_text=True
    )


def test_anonymous_visitor_is_asked_to_sign_in_to_help(client, make):
    """Someone not signed in sees a way to sign in, not the form."""
    idea = make.accepted_idea()
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Sign in to help design this idea" in html
    assert "I want to help design this" not in html


@pytest.mark.parametrize("role", [Role.STAFF, Role.QLP_REVIEWER, Role.ADMIN])
def test_staff_and_reviewers_see_no_offer_form(client, make, login, role):
    """The offer is for young people only."""
    idea = make.accepted_idea()
    login(make.user(role))
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Help design this idea" not in html


def test_offer_without_javascript_redirects_back_to_the_idea_with_a_message(client, make, login):
    """The plain form answers 303 to the idea, which shows the message and the offer's status."""
    idea = make.accepted_idea()
    login(make.user())
    response = post(client, idea, credit_publicly="y")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ideas/{idea.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you for offering! Library staff will let you know." in html
    assert "Waiting for staff" in html
    assert "Take back my offer" in html
    assert offers(idea)[0].credit_publicly is True


def test_offer_with_htmx_returns_the_offer_partial_and_announces_it(client, make, login):
    """htmx gets the offer box in place and the message out of band in #status; no layout."""
    idea = make.accepted_idea()
    login(make.user())
    response = post(client, idea, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in html
    assert f'<section class="codesign-offer" id="codesign-{idea.id}"' in html
    assert "Waiting for staff" in html
    assert 'role="status" hx-swap-oob="innerHTML"' in html
    assert "Thank you for offering!" in html
    assert offers(idea)[0].credit_publicly is False


def test_repeat_offer_with_htmx_says_why_and_keeps_one(client, make, login):
    """A second click is refused with a message, in the partial."""
    idea = make.accepted_idea()
    login(make.user())
    post(client, idea, htmx=True)
    html = post(client, idea, htmx=True).get_data(as_text=True)
    assert "You have already offered to help design this idea." in html
    assert len(offers(idea)) == 1


def test_withdraw_and_offer_again_through_htmx(client, make, login):
    """Taking the offer back shows the form again; offering again waits for staff."""
    idea = make.accepted_idea()
    login(make.user())
    post(client, idea, htmx=True)
    html = post(client, idea, "withdraw", htmx=True).get_data(as_text=True)
    assert "Your offer is taken back." in html
    assert "You took back your offer. You can offer again if you like." in html
    assert "I want to help design this" in html
    html = post(client, idea, htmx=True, credit_publicly="y").get_data(as_text=True)
    assert "Waiting for staff" in html
    assert offers(idea)[0].status == V.OFFERED


def test_credit_choice_changes_through_htmx_and_shows_ticked(client, make, login):
    """Saving the choice shows the box ticked, and unticking it saves false."""
    idea = make.accepted_idea()
    login(make.user())
    post(client, idea, htmx=True)
    html = post(client, idea, "credit", htmx=True, credit_publicly="y").get_data(as_text=True)
    assert "Your choice is saved." in html
    assert 'checked id="codesign-' in html
    assert offers(idea)[0].credit_publicly is True
    post(client, idea, "credit", htmx=True)
    db.session.expire_all()
    assert offers(idea)[0].credit_publicly is False


def test_withdraw_without_an_offer_says_so(client, make, login):
    """Nothing to take back: a message, not an error page."""
    idea = make.accepted_idea()
    login(make.user())
    response = post(client, idea, "withdraw")
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have not offered to help design this idea." in html


def test_accepted_and_declined_offers_show_their_status(client, make, login):
    """The young person sees staff's answer; a declined offer has no buttons left."""
    idea, other_idea = make.accepted_idea(), make.accepted_idea()
    young = make.user()
    decide(offer_to_codesign(idea, young, credit_publicly=False), V.ACCEPTED)
    decide(offer_to_codesign(other_idea, young, credit_publicly=False), V.DECLINED)
    login(young)
    accepted = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Co-designer" in accepted and "Take back my offer" in accepted
    declined = client.get(f"/ideas/{other_idea.id}").get_data(as_text=True)
    assert "Not this time" in declined
    assert "Take back my offer" not in declined
    assert "I want to help design this" not in declined


@pytest.mark.parametrize("action", ["", "withdraw", "credit"])
@pytest.mark.parametrize("role", [Role.STAFF, Role.QLP_REVIEWER, Role.ADMIN])
def test_staff_and_reviewers_are_refused_the_offer_routes(client, make, login, role, action):
    """403 for anyone but young people, and nothing is stored."""
    idea = make.accepted_idea()
    login(make.user(role))
    assert post(client, idea, action).status_code == 403
    assert offers(idea) == []


@pytest.mark.parametrize("action", ["", "withdraw", "credit"])
def test_anonymous_offer_is_sent_to_sign_in(client, make, action):
    """Not signed in: the plain form goes to sign in, htmx is told to load it."""
    idea = make.accepted_idea()
    response = post(client, idea, action)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    response = post(client, idea, action, htmx=True)
    assert "/sign-in" in response.headers["HX-Redirect"]
    assert offers(idea) == []


def test_offer_without_csrf_token_is_refused(client, make, login):
    """A forged form gets 400 and changes nothing."""
    idea = make.accepted_idea()
    login(make.user())
    assert post(client, idea, token=False).status_code == 400
    assert offers(idea) == []


def test_offer_by_get_is_not_allowed(client, make, login):
    """State never changes on GET."""
    idea = make.accepted_idea()
    login(make.user())
    assert client.get(f"/ideas/{idea.id}/codesign").status_code == 405


def test_offer_on_an_idea_not_open_for_codesigners_is_refused_with_a_message(client, make, login):
    """A published idea: a message saying why, nothing stored."""
    idea = make.idea()
    login(make.user())
    html = post(client, idea, htmx=True).get_data(as_text=True)
    assert "This idea is not looking for people to help design it." in html
    assert offers(idea) == []


@pytest.mark.parametrize("offered", [True, False])
def test_only_a_codesigner_sees_the_offer_once_the_idea_is_delivered(client, make, login, offered):
    """Once the idea is done nobody new can offer, but a co-designer keeps their status."""
    idea = make.accepted_idea()
    young = make.user()
    if offered:
        decide(offer_to_codesign(idea, young, credit_publicly=False), V.ACCEPTED)
    make._set_status(idea, S.DELIVERED)
    login(young)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert ("Help design this idea" in html) == offered
    assert ("Co-designer" in html and "Save my choice" in html) == offered
