"""Who may open which page: one table of roles against routes.

STAFF belong to the library service of the idea and consultation in the table; OTHER_STAFF
belong to another library service, so they may use the staff pages but see and act on nothing
of this one; NO_MEMBERSHIP are staff an admin has not yet put in any library service. What is
not public is walked over every route of the URL map in tests/test_non_public.py; the rows
here for a held idea and a draft consultation are the table's own record of who reads them.
"""

from datetime import date

import pytest

from app.extensions import db
from app.ideas.services import propose_idea
from app.joincodes.services import create_join_code
from app.models import (
    CodesignSession,
    CodesignVolunteer,
    LibraryService,
    Notice,
    Outcome,
    OutcomeLink,
    Phase,
    QlpReview,
    Role,
    SafeguardingConcern,
    SignIn,
    StaffMembership,
    utcnow,
)
from tests.conftest import csrf_token, shared_rows

ANON, YOUNG, STAFF, REVIEWER, ADMIN = "anonymous", *Role
OTHER_STAFF, NO_MEMBERSHIP = "other_staff", "staff_without_membership"
EVERYONE = (ANON, YOUNG, STAFF, OTHER_STAFF, NO_MEMBERSHIP, REVIEWER, ADMIN)


def only_admins(admin: int) -> dict:
    """An admin page or action: everyone else refused, anonymous people sent to sign in."""
    return none_of_these() | {ADMIN: admin}


def none_of_these() -> dict:
    """Refused to everyone here (anonymous people sent to sign in)."""
    return dict.fromkeys(EVERYONE, 403) | {ANON: 302}


def everyone(status: int = 200) -> dict:
    """A public page: the same for everybody."""
    return dict.fromkeys(EVERYONE, status)


def everyone_but_young_people(status: int = 200) -> dict:
    """A page for staff (of any library service, or none yet), QLP reviewers and admins."""
    return everyone(status) | {ANON: 302, YOUNG: 403}


def readers_of_this_service(other_staff: int = 403) -> dict:
    """A page about this library service's services: its staff, QLP reviewers and admins."""
    return {
        ANON: 302,
        YOUNG: 403,
        STAFF: 200,
        OTHER_STAFF: other_staff,
        NO_MEMBERSHIP: other_staff,
        REVIEWER: 200,
        ADMIN: 200,
    }


def readers_of_what_is_not_public(member: int = 200) -> dict:
    """An unpublished idea or a draft consultation of this library service: only its staff
    and admins (and the idea's author, who is none of these) read it; to everyone else it
    is not found, as if it did not exist."""
    return dict.fromkeys(EVERYONE, 404) | {STAFF: member, ADMIN: member}


def reviewers_only(reviewer: int) -> dict:
    """Starting QLP reviews: reviewers and admins."""
    return none_of_these() | {REVIEWER: reviewer, ADMIN: reviewer}


def staff_of_this_service(
    member: int, other_staff: int = 403, no_membership: int | None = None
) -> dict:
    """A staff page or action on this library service's idea or consultation; staff with no
    library service are treated as staff of another one unless told."""
    return {
        ANON: 302,
        YOUNG: 403,
        STAFF: member,
        OTHER_STAFF: other_staff,
        NO_MEMBERSHIP: other_staff if no_membership is None else no_membership,
        REVIEWER: 403,
        ADMIN: member,
    }


def young_people_only(young: int) -> dict:
    """A young person's own page or action: everyone else refused."""
    return none_of_these() | {YOUNG: young}


def safeguarding_leads_only() -> dict:
    """Safeguarding concerns: only the library service's designated leads, and none is here."""
    return none_of_these()


# (path, {who: expected status}); 302 means sent to sign in.
PAGES = [
    ("/", everyone()),
    ("/consultations/closed", everyone()),
    ("/outcomes", everyone()),
    ("/my-ideas", young_people_only(200)),
    ("/consultations/{c}/propose", young_people_only(200)),
    # Finding ideas: a search of public ideas is public; similar ideas serve the propose form.
    ("/consultations/{c}?q=idea&status=open&sort=newest", everyone()),
    ("/consultations/{c}/similar?title=Chess+club", young_people_only(200)),
    # What is not public: a pending idea held for a child's phone number, a draft question.
    ("/ideas/{h}", readers_of_what_is_not_public()),
    ("/live/ideas/{h}", readers_of_what_is_not_public()),
    ("/ideas/{h}/report", everyone(404) | {ANON: 302}),
    ("/consultations/{d}", readers_of_what_is_not_public()),
    ("/consultations/{d}/counts", readers_of_what_is_not_public()),
    ("/live/consultations/{d}", readers_of_what_is_not_public()),
    # Lists: staff of another library service get them, without this service's ideas.
    ("/staff/", staff_of_this_service(200, other_staff=200)),
    ("/staff/pending", staff_of_this_service(200, other_staff=200)),
    ("/staff/published", staff_of_this_service(200, other_staff=200)),
    ("/staff/ideas/{i}", staff_of_this_service(200)),
    ("/staff/ideas/{i}/revisions", staff_of_this_service(200)),
    ("/staff/consultations", staff_of_this_service(200, other_staff=200)),
    ("/staff/consultations/new", staff_of_this_service(200, other_staff=200)),
    ("/staff/consultations/{c}/edit", staff_of_this_service(200)),
    ("/review/", everyone_but_young_people()),
    ("/you-said-we-did", everyone()),
    ("/services/{v}", everyone()),
    ("/codesign/", readers_of_this_service(other_staff=200)),
    ("/codesign/partners", readers_of_this_service(other_staff=200)),
    ("/codesign/services/{v}", readers_of_this_service()),
    ("/codesign/services/{v}/sessions", readers_of_this_service()),
    ("/codesign/services/{v}/codesigners", readers_of_this_service()),
    ("/codesign/services/{v}/edit", staff_of_this_service(200)),
    ("/codesign/new?idea={a}", staff_of_this_service(200)),
    ("/codesign/sessions/{se}/edit", staff_of_this_service(200)),
    ("/review/ideas", readers_of_this_service(other_staff=200)),
    ("/review/services/{v}", readers_of_this_service()),
    ("/review/reviews/{r}", readers_of_this_service()),
    ("/admin/", only_admins(200)),
    ("/admin/accounts", only_admins(200)),
    ("/admin/users/{s}/memberships", only_admins(200)),
    ("/admin/audit", only_admins(200)),
    ("/admin/audit.csv", only_admins(200)),
    # Safeguarding: staff raise concerns; only designated leads (nobody here) read them.
    ("/safeguarding/ideas/{i}/concern", staff_of_this_service(200)),
    ("/safeguarding/concerns/new", staff_of_this_service(200, other_staff=200)),
    ("/safeguarding/", safeguarding_leads_only()),
    ("/safeguarding/closed", safeguarding_leads_only()),
    ("/safeguarding/concerns/{k}", safeguarding_leads_only()),
    # Join codes: staff of the code's library service; anyone signed in is sent on by a code.
    ("/staff/join-codes", staff_of_this_service(200, other_staff=200)),
    ("/staff/join-codes/new", staff_of_this_service(200, other_staff=200)),
    ("/staff/join-codes/{j}/poster", staff_of_this_service(200)),
    ("/staff/join-codes/{j}/end", staff_of_this_service(200)),
    # Making a password reset code: any staff open the page (the young person decides whose).
    ("/staff/reset-codes/new", staff_of_this_service(200, other_staff=200)),
    # Using one: for someone signed out; anyone signed in changes their password instead.
    ("/reset-password", everyone(303) | {ANON: 200}),
    ("/join/{jc}", everyone(303) | {ANON: 200}),
    # Reports: anyone signed in reports another's public idea; staff of its service decide.
    ("/ideas/{i}/report", everyone(200) | {ANON: 302}),
    ("/staff/reports", staff_of_this_service(200, other_staff=200)),
    ("/staff/reports/ideas/{i}", staff_of_this_service(200)),
    ("/staff/ideas/{i}/merge", staff_of_this_service(200)),
    # Everyone signed in sees their own devices.
    ("/account/devices", everyone(200) | {ANON: 302}),
    # My account and my data: everyone signed in, about themselves.
    ("/account", everyone(200) | {ANON: 302}),
    ("/account/data", everyone(200) | {ANON: 302}),
    ("/account/data.json", everyone(200) | {ANON: 302}),
    ("/account/name", everyone(200) | {ANON: 302}),
    ("/account/password", everyone(200) | {ANON: 302}),
    # Staff accounts are closed by an admin: the page tells them so.
    ("/account/delete", everyone(403) | {ANON: 302, YOUNG: 200}),
    # Notices: only young people are told anything, so only they have the pages.
    ("/notices", young_people_only(200)),
    ("/notices/settings", young_people_only(200)),
    # Live streams check the same roles as their pages.
    ("/live/consultations/{c}", everyone()),
    ("/consultations/{c}/counts?idea={i}", everyone()),
    ("/live/ideas/{i}", everyone()),
    ("/live/services/{v}", everyone()),
    ("/live/my-ideas", young_people_only(200)),
    ("/staff/live/queue", staff_of_this_service(200, other_staff=200)),
    ("/review/live", everyone_but_young_people()),
    # Evidence: staff choose only their own library services in the filter (another is a 400).
    (
        "/evidence/participation?library_service={library_service}",
        readers_of_this_service(other_staff=400),
    ),
    ("/numbers", everyone()),
    ("/numbers/{library_service}", everyone()),
]
# State changes: (path, {who: expected status}) for a POST with a valid CSRF token.
ACTIONS = [
    ("/ideas/{i}/vote", young_people_only(303)),
    # An idea not public is not found by a young person who did not write it: nothing to
    # vote for or report.
    ("/ideas/{h}/vote", young_people_only(404)),
    ("/ideas/{h}/report", everyone(404) | {ANON: 302}),
    ("/staff/ideas/{i}/decision", staff_of_this_service(400)),
    ("/staff/ideas/{i}/outcomes", staff_of_this_service(400)),
    ("/staff/ideas/{i}/words", staff_of_this_service(400)),
    ("/staff/ideas/{i}/remove-personal-info", staff_of_this_service(303)),
    ("/staff/outcome-links/{l}/remove", staff_of_this_service(303)),
    # Staff of another library service may put a question, in their own library service.
    ("/staff/consultations/new", staff_of_this_service(400, other_staff=400)),
    # Fields left out of a POST keep their values, so this saves the consultation unchanged.
    ("/staff/consultations/{c}/edit", staff_of_this_service(303)),
    ("/staff/consultations/{c}/phase", staff_of_this_service(303)),
    # A young person offers to help design an accepted idea (no JavaScript: back to the idea).
    ("/ideas/{a}/codesign", young_people_only(303)),
    # Empty forms: staff of the service are let in and told what is missing.
    # No idea named in the form: nothing to start from, whoever asks.
    ("/codesign/new", staff_of_this_service(400, other_staff=400)),
    ("/codesign/services/{v}/status", staff_of_this_service(400)),
    ("/codesign/services/{v}/edit", staff_of_this_service(400)),
    ("/codesign/services/{v}/sessions", staff_of_this_service(400)),
    ("/codesign/services/{v}/skills", staff_of_this_service(400)),
    ("/codesign/services/{v}/partners", staff_of_this_service(400)),
    ("/codesign/volunteers/{o}/decision", staff_of_this_service(400)),
    ("/review/services/{v}/reviews", reviewers_only(400)),
    # A draft is changed and signed only by the reviewer it belongs to, none of these people;
    # admins give it to another reviewer (an empty form is told to choose one).
    ("/review/reviews/{r}/overall", none_of_these()),
    ("/review/reviews/{r}/sign", none_of_these()),
    ("/review/reviews/{r}/reviewer", only_admins(400)),
    # The shared partner directory: staff of a library service add to it (an empty form is
    # told what is missing); staff who belong to none yet do not.
    ("/codesign/partners", staff_of_this_service(400, other_staff=400, no_membership=403)),
    # Only the service's Quality Leader answers a signed review; none of these people is.
    ("/review/reviews/{g}/response", none_of_these()),
    ("/admin/library-services", only_admins(400)),
    ("/admin/branches", only_admins(400)),
    ("/admin/users/{u}/role", only_admins(303)),
    # No library service chosen: the form says so.
    ("/admin/users/{s}/memberships", only_admins(400)),
    ("/admin/memberships/{m}/remove", only_admins(303)),
    ("/account/devices/sign-out-others", everyone(303) | {ANON: 302}),
    # Another person's sign-in is not found, whoever asks.
    ("/account/devices/{n}/sign-out", everyone(404) | {ANON: 302}),
    # Empty forms: the person is told what is missing, and nothing changes.
    ("/account/name", everyone(400) | {ANON: 302}),
    ("/account/password", everyone(400) | {ANON: 302}),
    ("/account/delete", everyone(403) | {ANON: 302, YOUNG: 400}),
    ("/admin/memberships/{m}/safeguarding-lead", only_admins(303)),
    ("/admin/memberships/{m}/safeguarding-lead/remove", only_admins(303)),
    # An empty concern: staff who may raise it are told what is missing.
    ("/safeguarding/ideas/{i}/concern", staff_of_this_service(400)),
    ("/safeguarding/concerns/new", staff_of_this_service(400, other_staff=400)),
    ("/safeguarding/concerns/{k}/close", safeguarding_leads_only()),
    # Empty forms: no reason, no decision, no number, no idea to keep; each is told so.
    ("/ideas/{i}/report", everyone(400) | {ANON: 302}),
    ("/staff/reports/ideas/{i}/decision", staff_of_this_service(400)),
    ("/staff/reports/threshold", staff_of_this_service(400, other_staff=400)),
    ("/staff/ideas/{i}/merge", staff_of_this_service(400)),
    # An empty form: staff are told what is missing; the end button is the whole form.
    ("/staff/join-codes/new", staff_of_this_service(400, other_staff=400)),
    ("/staff/join-codes/{j}/end", staff_of_this_service(303)),
    # Empty reset forms: told what is missing; anyone signed in is sent to change it instead.
    ("/staff/reset-codes/new", staff_of_this_service(400, other_staff=400)),
    ("/reset-password", everyone(303) | {ANON: 400}),
    # Joining with a code: an empty form is refused; anyone signed in is sent on.
    ("/join/{jc}", everyone(303) | {ANON: 400}),
    ("/notices/read-all", young_people_only(303)),
    # Another person's notice is not found; nothing ticked turns every kind off.
    ("/notices/{nt}/read", young_people_only(404)),
    ("/notices/settings", young_people_only(303)),
    # Unrounded figures: only the library service's own staff; never reviewers or admins.
    (
        "/evidence/participation/unrounded?library_service={library_service}",
        readers_of_this_service(other_staff=400) | {STAFF: 303, REVIEWER: 403, ADMIN: 403},
    ),
]


def _cases(table) -> list:
    """One test case per cell of a table."""
    return [
        pytest.param(path, who, status, id=f"{who}-{path}")
        for path, expected in table
        for who, status in expected.items()
    ]


@pytest.mark.parametrize("table", [PAGES, ACTIONS], ids=["pages", "actions"])
def test_every_row_of_the_table_says_what_each_kind_of_person_gets(table):
    """No cell is left out, so no role or route goes untested."""
    for path, expected in table:
        assert set(expected) == set(EVERYONE), path


@shared_rows
def world_rows(make) -> dict:
    """An idea in an open consultation, with an outcome link and a member of staff of its
    library service: the ids of everything the table's routes name, written once for all."""
    idea = make.idea()  # published, in a consultation open for votes
    library_service = idea.consultation.library_service
    target_user = make.user()
    member = make.staff(library_service)
    outcome = db.session.query(Outcome).filter_by(code="qlp.aim.c").one()
    link = OutcomeLink(idea=idea, outcome=outcome, linked_by=member, rationale="Youth-led.")
    db.session.add(link)
    db.session.commit()
    membership = db.session.query(StaffMembership).filter_by(user_id=member.id).one()
    # A co-designed service of this library service, with an offer, a session, a draft
    # review and a signed one; and an accepted idea waiting for a service.
    service = make.codesign_service(make.accepted_idea(idea.consultation))
    waiting = make.accepted_idea(idea.consultation)
    volunteer, reviewer = make.user(), make.user(Role.QLP_REVIEWER)
    offer = CodesignVolunteer(idea=service.ideas[0], user=volunteer)
    session = CodesignSession(
        service=service,
        held_on=date(2026, 1, 5),
        place="Central",
        attendance={"11-13": 3},
        decisions="Fridays.",
    )
    signed = QlpReview(
        service=service,
        reviewer=reviewer,
        period_start=date(2025, 10, 1),
        period_end=date(2025, 12, 31),
        signed_at=utcnow(),
        signed_by=reviewer,
    )
    draft = QlpReview(
        service=service,
        reviewer=reviewer,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
    )
    concern = SafeguardingConcern(library_service=library_service, idea=idea, concern="Worried.")
    elsewhere = SignIn(user_id=target_user.id, token_hash="0" * 64)
    db.session.add_all([offer, session, signed, draft, concern, elsewhere])
    db.session.commit()
    join_code = create_join_code(member, label="Year 7", library_service_id=library_service.id)
    # Not public: an idea held for the phone number it gives, and a question still a draft.
    proposals = make.consultation(Phase.PROPOSALS_OPEN, library_service=library_service)
    held = propose_idea(make.user(), proposals, "Call me", "My number is 07700 900123.")
    draft_question = make.consultation(Phase.DRAFT, library_service=library_service)
    # The idea's author was told it was published.
    notice_id = db.session.query(Notice.id).filter_by(user_id=idea.author_id).scalar()
    return {
        "library_service": library_service.id,
        "c": idea.consultation_id,
        "i": idea.id,
        "u": target_user.id,
        "s": member.id,
        "l": link.id,
        "m": membership.id,
        "v": service.id,
        "a": waiting.id,
        "o": offer.id,
        "se": session.id,
        "r": draft.id,
        "g": signed.id,
        "k": concern.id,
        "n": elsewhere.id,
        "j": join_code.id,
        "jc": join_code.code,
        "nt": notice_id,
        "h": held.id,
        "d": draft_question.id,
    }


@pytest.fixture
def world(world_rows, make, login):
    """A function to sign in as each kind of person, giving the ids the table's routes name."""

    def as_(who):
        library_service = db.session.get(LibraryService, world_rows["library_service"])
        if who == STAFF:
            login(make.staff(library_service))
        elif who == OTHER_STAFF:
            login(make.staff(make.library_service()))
        elif who == NO_MEMBERSHIP:
            login(make.staff())
        elif who != ANON:
            login(make.user(who))
        return world_rows

    return as_


@pytest.mark.parametrize(("path", "who", "status"), _cases(PAGES))
def test_page_access_by_role(client, world, path, who, status):
    """Each role gets the page, a refusal, or is sent to sign in, exactly as the table says."""
    ids = world(who)
    response = client.get(path.format(**ids))
    assert response.status_code == status
    if status == 302:
        assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(("path", "who", "status"), _cases(ACTIONS))
def test_action_access_by_role(client, world, path, who, status):
    """Each role may or may not take each action; a refusal is 403 (400 is bad input let in)."""
    ids = world(who)
    response = client.post(path.format(**ids), data={"csrf_token": csrf_token(client)})
    assert response.status_code == status
