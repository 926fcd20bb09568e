"""Who reads what is not public: every route in the URL map, as everyone who may not read them,
against every unpublished idea and every draft consultation.

A non-public idea (pending, held, sent back, rejected, withdrawn, hidden, merged, or accepted
in a consultation taken back to draft) is read only by its author, staff of its library
service and admins; QLP reviewers also read the ideas co-designed services are built from. A
draft consultation is read only by its library service's staff and admins (`app.access`).

Routes come from the URL map, so a new route is walked without anyone adding it here: a route
naming an idea or consultation must refuse these people (404, 403 or sign in), and no answer
from any route may carry these ideas' or questions' words.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import current_app
from sqlalchemy import select

from app.evidence.packs import PackRequest, publish_pack
from app.extensions import db
from app.ideas.services import change_status, propose_idea, withdraw_idea
from app.joincodes.services import create_join_code
from app.models import (
    CodesignSession,
    CodesignVolunteer,
    Idea,
    IdeaStatus,
    Notice,
    Outcome,
    OutcomeLink,
    Phase,
    QlpReview,
    ReportReason,
    Role,
    SafeguardingConcern,
    SignIn,
    StaffMembership,
)
from app.moderation.merging import merge_ideas
from app.moderation.services import set_phase
from app.reports.services import report_idea
from tests.conftest import csrf_token

# Every word of what is not public carries this, so any answer showing it is caught.
SECRET = "Zqxv"
PHONE = "07700 900123"
ANON, YOUNG, OTHER_STAFF, NO_MEMBERSHIP, REVIEWER = (
    "anonymous",
    "young person, not the author",
    "staff of another library service",
    "staff with no library service",
    "QLP reviewer",
)
OUTSIDERS = [ANON, YOUNG, OTHER_STAFF, NO_MEMBERSHIP, REVIEWER]
# Ideas a QLP reviewer reads although they are not public: those services are built from.
REVIEWERS_READ = {"hidden, in a co-designed service"}


@dataclass
class World:
    """Ids for every route's arguments; the non-public ideas and draft consultations by name,
    with where a merged idea leads; and the people who may read them."""

    ids: dict
    ideas: dict[str, int]
    drafts: dict[str, int]
    joined: dict[int, int]
    readers: dict[str, object]


def _idea(make, consultation, author, status: str, published: bool = True):
    """An idea whose words carry the secret marker and say which it is."""
    return make.idea(consultation, published=published, author=author, title=f"{SECRET} {status}")


def build(make) -> World:
    """One library service with an idea in every non-public status, two draft consultations,
    a co-designed service, and one of everything else a route can name."""
    library_service = make.library_service()
    member, admin = make.staff(library_service), make.user(Role.ADMIN)
    author = make.user()
    voting = make.consultation(Phase.VOTING_OPEN, library_service=library_service)
    proposals = make.consultation(Phase.PROPOSALS_OPEN, library_service=library_service)
    public = make.idea(voting, author=author, title="Chess club on Saturdays")
    pending = _idea(make, proposals, author, "pending", published=False)
    held = propose_idea(author, proposals, f"{SECRET} held", f"Ring me on {PHONE} about it.")
    assert held.held_for_personal_info
    sent_back = _idea(make, proposals, author, "changes requested", published=False)
    change_status(sent_back, member, IdeaStatus.CHANGES_REQUESTED, "Which day suits you?")
    rejected = _idea(make, proposals, author, "rejected", published=False)
    change_status(rejected, member, IdeaStatus.REJECTED, "This is not something we can do.")
    withdrawn = _idea(make, proposals, author, "withdrawn", published=False)
    withdraw_idea(withdrawn, author)
    hidden = _idea(make, voting, author, "hidden")
    change_status(hidden, member, IdeaStatus.HIDDEN, "This breaks the rules for ideas.")
    merged = _idea(make, voting, author, "merged")
    merge_ideas(merged, public, member)
    taken_back = make.consultation(Phase.VOTING_OPEN, library_service=library_service)
    in_draft = make.accepted_idea(taken_back, author=author, title=f"{SECRET} accepted, in draft")
    set_phase(taken_back, member, Phase.DRAFT)
    draft = make.consultation(Phase.DRAFT, library_service=library_service)
    draft.question = f"{SECRET} draft question?"
    service = make.codesign_service(make.accepted_idea(voting, author=author))
    in_service = make.accepted_idea(voting, author=author, title=f"{SECRET} in service")
    make.codesign_service(in_service)
    for _reporter in range(library_service.reports_to_hide):
        report_idea(make.user(), in_service, ReportReason.UNKIND.value)
    assert in_service.status == IdeaStatus.HIDDEN
    waiting = make.accepted_idea(voting, author=author)
    outcome = db.session.scalars(select(Outcome).where(Outcome.code == "qlp.aim.c")).one()
    today = voting.created_at.date()
    link = OutcomeLink(
        idea_id=public.id, outcome_id=outcome.id, linked_by_id=member.id, rationale="Youth-led."
    )
    offer = CodesignVolunteer(idea_id=service.ideas[0].id, user_id=make.user().id)
    session = CodesignSession(
        service_id=service.id, held_on=today, place="Central", decisions="Fridays."
    )
    review = QlpReview(
        service_id=service.id,
        reviewer_id=make.user(Role.QLP_REVIEWER).id,
        period_start=today,
        period_end=today,
    )
    concern = SafeguardingConcern(
        library_service_id=library_service.id, idea_id=public.id, concern="Worried."
    )
    elsewhere = SignIn(user_id=author.id, token_hash="0" * 64)
    db.session.add_all([link, offer, session, review, concern, elsewhere])
    db.session.commit()
    join_code = create_join_code(member, label="Year 7", library_service_id=library_service.id)
    membership = db.session.scalars(
        select(StaffMembership).where(StaffMembership.user_id == member.id)
    ).one()
    with current_app.test_request_context():
        pack = publish_pack(
            make.user(Role.ADMIN), PackRequest(library_service, today, today + timedelta(days=1))
        )
    ids = {
        "pack_id": pack.id,
        "token": pack.token,
        "library_service_id": library_service.id,
        "idea_id": public.id,
        "consultation_id": voting.id,
        "service_id": service.id,
        "review_id": review.id,
        "rating_id": 1,
        "session_id": session.id,
        "volunteer_id": offer.id,
        "link_id": link.id,
        "partner_id": 1,
        "outcome_id": outcome.id,
        "code": "qlp.aim.c",
        "user_id": member.id,
        "membership_id": membership.id,
        "sign_in_id": elsewhere.id,
        "concern_id": concern.id,
        "join_code_id": join_code.id,
        "joincodes.join:code": join_code.code,
        "notice_id": db.session.scalars(select(Notice.id)).first(),
        "filename": "css/app.css",
        "waiting": waiting.id,
    }
    ideas = {
        "pending": pending.id,
        "held for a phone number": held.id,
        "changes requested": sent_back.id,
        "rejected": rejected.id,
        "withdrawn": withdrawn.id,
        "hidden": hidden.id,
        "merged": merged.id,
        "accepted, in a draft consultation": in_draft.id,
        "hidden, in a co-designed service": in_service.id,
    }
    drafts = {"draft": draft.id, "taken back to draft": taken_back.id}
    readers = {"author": author, "staff of its library service": member, "admin": admin}
    return World(ids, ideas, drafts, {merged.id: public.id}, readers)


def sign_in_as(who: str, make, login) -> None:
    """Sign the test client in as one kind of outsider (or leave it signed out)."""
    people = {
        YOUNG: lambda: make.user(),
        OTHER_STAFF: lambda: make.staff(make.library_service()),
        NO_MEMBERSHIP: lambda: make.staff(),
        REVIEWER: lambda: make.user(Role.QLP_REVIEWER),
    }
    if who in people:
        login(people[who]())


def _fill(rule, ids: dict, **given) -> dict | None:
    """Values for a rule's arguments (those given first), or None where one is unknown."""
    values = {}
    for name in rule.arguments:
        for key in (f"{rule.endpoint}:{name}", name):
            if key in given or key in ids:
                values[name] = given.get(key, ids.get(key))
                break
        else:
            return None
    return values


def refused(response) -> bool:
    """Not found, forbidden, or sent to sign in: nothing of the object shows."""
    if response.status_code in (403, 404):
        return True
    target = response.headers.get("Location") or response.headers.get("HX-Redirect") or ""
    return response.status_code in (200, 302) and urlsplit(target).path == "/sign-in"


def leaks(response) -> bool:
    """True if the answer shows any word of what is not public."""
    if response.mimetype == "text/event-stream":
        return False  # a stream opened carries counts and notices, never words
    body = response.get_data(as_text=True)
    return SECRET in body or PHONE in body


def _send(client, method: str, url: str, **options):
    """One request; a live stream is closed at once (only whether it opened matters)."""
    response = client.open(url, method=method, **options)
    if response.mimetype == "text/event-stream":
        response.close()
    return response


@pytest.mark.parametrize("who", OUTSIDERS)
def test_no_route_shows_a_non_public_idea_or_draft_consultation_to_outsiders(
    app, client, make, login, who
):
    """Every route of the URL map, as this person, with every non-public idea and draft
    consultation it can name; the failures are listed together."""
    world = build(make)
    sign_in_as(who, make, login)
    token = csrf_token(client)
    secrets = {
        name: idea_id
        for name, idea_id in world.ideas.items()
        if not (who == REVIEWER and name in REVIEWERS_READ)
    }
    # Pages that take ideas in the address (`?idea=`, `?into=`) are given these too.
    query = {"idea": [*secrets.values(), world.ids["waiting"]], "into": list(secrets.values())}
    urls, failures = app.url_map.bind("localhost"), []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            data = {"csrf_token": token} if method == "POST" else None
            objects = [
                *(("idea_id", name, idea_id) for name, idea_id in secrets.items()),
                *(("consultation_id", name, c) for name, c in world.drafts.items()),
            ]
            named = [(arg, name, value) for arg, name, value in objects if arg in rule.arguments]
            for arg, name, value in named:
                values = _fill(rule, world.ids, **{arg: value})
                if values is None:
                    failures.append(f"{rule.rule}: no value for one of {sorted(rule.arguments)}")
                    continue
                url = urls.build(rule.endpoint, values, method=method)
                response = _send(client, method, url, data=data)
                joined = world.joined.get(value)
                led_on = (
                    method == "GET"
                    and joined is not None
                    and response.status_code == 302
                    and urlsplit(response.headers["Location"]).path == f"/ideas/{joined}"
                )
                if not (refused(response) or led_on):
                    failures.append(f"{method} {url} ({name}): {response.status_code}")
                if leaks(response):
                    failures.append(f"{method} {url} ({name}): shows its words")
            if named or method != "GET":
                continue
            values = _fill(rule, world.ids)
            if values is None:
                failures.append(f"{rule.rule}: no value for one of {sorted(rule.arguments)}")
                continue
            url = urls.build(rule.endpoint, values, method=method)
            if leaks(_send(client, method, url, query_string=query)):
                failures.append(f"{method} {url}: shows the words of what is not public")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "reader", ["author", "staff of its library service", "admin", "QLP reviewer"]
)
def test_readers_of_a_non_public_idea_get_its_page(client, make, login, reader):
    """Its author, staff of its library service and admins read every non-public idea; a QLP
    reviewer reads the one a co-designed service is built from."""
    world = build(make)
    login(world.readers.get(reader) or make.user(Role.QLP_REVIEWER))
    names = REVIEWERS_READ if reader == "QLP reviewer" else set(world.ideas)
    for name in names:
        response = client.get(f"/ideas/{world.ideas[name]}")
        assert response.status_code == 200, name
        assert SECRET in response.get_data(as_text=True), name


@pytest.mark.parametrize("reader", ["staff of its library service", "admin"])
def test_staff_of_its_library_service_and_admins_read_a_draft_consultation(
    client, make, login, reader
):
    """A draft consultation's page, counts and stream are theirs to read."""
    world = build(make)
    login(world.readers[reader])
    for consultation_id in world.drafts.values():
        for path in ("/consultations/{c}", "/consultations/{c}/counts", "/live/consultations/{c}"):
            response = _send(client, "GET", path.format(c=consultation_id))
            assert response.status_code == 200, path


def test_a_merged_idea_leads_on_only_to_an_idea_the_reader_may_read(client, make, login):
    """Old links to a merged idea lead on to the idea it joined; once that one is hidden,
    the old link is not found, so it tells nothing about either."""
    world = build(make)
    merged = world.ideas["merged"]
    kept = world.joined[merged]
    assert client.get(f"/ideas/{merged}").headers["Location"].endswith(f"/ideas/{kept}")
    member = world.readers["staff of its library service"]
    change_status(db.session.get(Idea, kept), member, IdeaStatus.HIDDEN, "It breaks the rules.")
    assert client.get(f"/ideas/{merged}").status_code == 404


@pytest.mark.parametrize("who", ["member", "admin", "other staff", "no membership"])
def test_only_staff_who_may_moderate_an_idea_are_offered_to(client, make, login, who):
    """A public idea's page links to its moderation page only for those the link lets in: staff
    of its library service and admins, not staff of another service (who would get a 403)."""
    idea = make.idea()
    library_service = idea.consultation.library_service
    people = {
        "member": lambda: make.staff(library_service),
        "admin": lambda: make.user(Role.ADMIN),
        "other staff": lambda: make.staff(make.library_service()),
        "no membership": lambda: make.staff(),
    }
    login(people[who]())
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert ("Moderate this idea" in page) == (who in ("member", "admin"))
    assert (client.get(f"/staff/ideas/{idea.id}").status_code == 200) == (
        who in ("member", "admin")
    )
