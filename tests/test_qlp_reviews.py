"""QLP reviews of co-designed services and the QLP dashboard: the rules, the pages, the races."""

import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEntry,
    CodesignService,
    CodesignSession,
    LibraryService,
    QlpRating,
    QlpReview,
    QlpReviewResponse,
    Rating,
    Recommendation,
    Role,
    ServiceStatus,
    SignedReviewIsReadOnly,
    StaffSkill,
    User,
)
from app.review.services import (
    DashboardFilter,
    NotAllowed,
    dashboard,
    qlp_outcomes,
    rate,
    reassign_draft,
    require_service_reader,
    respond_to_review,
    save_overall,
    service_reviews,
    sign_review,
    start_review,
)
from app.rules import RuleError
from tests.conftest import PASSWORD, csrf_token

QLP_CODES = [f"qlp.aim.{x}" for x in "abcd"] + [f"qlp.outcome.{x}" for x in "abcdef"]
LABELS = [f"Aim {x}" for x in "abcd"] + [f"Outcome {x}" for x in "abcdef"]
TODAY = datetime.now(UTC).date()
START, END = TODAY - timedelta(days=90), TODAY
SIGNED = "This review is signed and can no longer be changed."


# --- Helpers -----------------------------------------------------------------------------------


def reviewer(make, username: str | None = None) -> User:
    """A QLP reviewer."""
    return make.user(Role.QLP_REVIEWER, username=username)


def add_session(service, held_on: date = START + timedelta(days=10), place="Central Library"):
    """A co-design session of the service, held in the review period unless told."""
    session = CodesignSession(
        service=service,
        held_on=held_on,
        place=place,
        attendance={"14-16": 6, "adults": 2},
        decisions="Tuesdays after school, with snacks.",
    )
    db.session.add(session)
    db.session.commit()
    return session


def add_skill(service, staff: User, skill="Running a youth panel", session=None):
    """A staff skill developed through the service."""
    row = StaffSkill(
        service_id=service.id,
        staff_id=staff.id,
        skill=skill,
        evidence="Ran two sessions with young people.",
        session_id=session.id if session else None,
    )
    db.session.add(row)
    db.session.commit()
    return row


def complete(review: QlpReview, actor: User, rating=Rating.EMERGING, recommendation=None):
    """Rate every aim and outcome with evidence, and give a comment and a recommendation."""
    for code in QLP_CODES:
        rate(review, actor, code, rating, f"Seen at the sessions ({code}).")
    save_overall(
        review,
        actor,
        "Young people lead the planning.",
        recommendation or Recommendation.CONTINUE,
    )


def signed_review(make, service, actor=None, **values) -> QlpReview:
    """A complete review of the service, signed."""
    actor = actor or reviewer(make)
    review = start_review(service, actor, START, END)
    complete(review, actor, **values)
    sign_review(review, actor)
    return review


def ratings_of(review: QlpReview) -> dict[str, QlpRating]:
    """A review's ratings by the code of what they rate."""
    return {r.outcome.code: r for r in review.ratings}


def actions(subject_type="QlpReview") -> list[str]:
    """The audit log's actions on reviews, in order."""
    return list(
        db.session.execute(
            select(AuditEntry.action)
            .where(AuditEntry.subject_type == subject_type)
            .order_by(AuditEntry.id)
        ).scalars()
    )


def fresh(review_id: int) -> QlpReview:
    """The review read again from the database."""
    db.session.expire_all()
    return db.session.get(QlpReview, review_id)


def post(client, path: str, data: dict | None = None, htmx: bool = False):
    """Post a form as a browser would, with the CSRF token."""
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        path, data={"csrf_token": csrf_token(client), **(data or {})}, headers=headers
    )


def switch(client, login, user: User) -> None:
    """Sign out whoever is signed in, and sign `user` in."""
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    login(user)


def checked(html: str, name: str) -> list[str]:
    """The values of the checked inputs called `name`."""
    inputs = re.findall(r"<input ([^>]*)>", html)
    return [
        re.search(r'value="([^"]*)"', attrs).group(1)
        for attrs in inputs
        if f'name="{name}"' in attrs and re.search(r"\bchecked\b", attrs)
    ]


def rating_data(rating: QlpRating, value: str, evidence: str = "", sessions=(), skills=()):
    """The fields of one rating's form."""
    prefix = f"r{rating.id}-"
    data = {prefix + "rating": value, prefix + "evidence": evidence}
    if sessions:
        data[prefix + "sessions"] = [str(s) for s in sessions]
    if skills:
        data[prefix + "skills"] = [str(s) for s in skills]
    return data


# --- Starting a review -------------------------------------------------------------------------


def test_starting_a_review_makes_a_draft_with_one_rating_per_qlp_aim_and_outcome(make):
    """A new review has the ten QLP aims and outcomes, none rated yet, and is audited."""
    service, actor = make.codesign_service(), reviewer(make)
    review = start_review(service, actor, START, END)
    assert not review.is_signed and review.previous_id is None
    assert [r.outcome.code for r in sorted(review.ratings, key=lambda r: r.id)] == QLP_CODES
    assert {(r.rating, r.evidence) for r in review.ratings} == {(None, "")}
    entry = db.session.query(AuditEntry).filter_by(action="review.start").one()
    assert (entry.actor_id, entry.subject_id) == (actor.id, review.id)
    assert entry.detail["service"] == service.id


def test_a_later_review_starts_from_the_last_signed_one(make):
    """Ratings, evidence, sessions, skills, comment and recommendation are copied forward."""
    service, actor = make.codesign_service(), reviewer(make)
    session = add_session(service)
    skill = add_skill(service, service.quality_leader, session=session)
    signed_review(make, service, actor, rating=Rating.EMERGING)
    last = start_review(service, actor, START, END)
    rate(
        last, actor, "qlp.aim.c", Rating.ESTABLISHED, "Planned together.", [session.id], [skill.id]
    )
    save_overall(last, actor, "Ready soon.", Recommendation.READY_TO_MAINSTREAM)
    sign_review(last, actor)

    later = start_review(service, actor, END, END)
    assert later.previous_id == last.id
    assert (later.overall_comment, later.recommendation) == (
        "Ready soon.",
        Recommendation.READY_TO_MAINSTREAM,
    )
    copied = ratings_of(later)
    assert len(copied) == 10
    assert (copied["qlp.aim.c"].rating, copied["qlp.aim.c"].evidence) == (
        Rating.ESTABLISHED,
        "Planned together.",
    )
    assert [s.id for s in copied["qlp.aim.c"].sessions] == [session.id]
    assert [s.id for s in copied["qlp.aim.c"].skills] == [skill.id]
    assert copied["qlp.aim.a"].rating == Rating.EMERGING
    # The copies are the new review's own: the signed one keeps its ratings.
    assert {r.id for r in later.ratings}.isdisjoint({r.id for r in last.ratings})


def test_a_service_has_one_draft_review_at_a_time(make):
    """A second draft is refused while the first is open; after signing, a new one may start."""
    service, actor = make.codesign_service(), reviewer(make)
    first = start_review(service, actor, START, END)
    with pytest.raises(RuleError, match="already has a draft"):
        start_review(service, reviewer(make), START, END)
    complete(first, actor)
    sign_review(first, actor)
    assert start_review(service, actor, START, END).previous_id == first.id


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (END, START, "on or after"),
        (TODAY + timedelta(days=1), TODAY + timedelta(days=30), "future"),
        (None, END, "first and last day"),
    ],
)
def test_a_review_period_must_be_in_order_and_have_started(make, start, end, message):
    """The period ends no earlier than it starts, and does not start in the future."""
    service = make.codesign_service()
    with pytest.raises(RuleError, match=message):
        start_review(service, reviewer(make), start, end)
    assert db.session.query(QlpReview).count() == 0


@pytest.mark.parametrize("role", [Role.STAFF, Role.YOUNG_PERSON])
def test_only_reviewers_and_admins_can_start_a_review(make, role):
    """Staff, even of the service's own library service, and young people are refused."""
    service = make.codesign_service()
    actor = make.staff(service.library_service) if role == Role.STAFF else make.user(role)
    with pytest.raises(NotAllowed):
        start_review(service, actor, START, END)
    assert start_review(service, make.user(Role.ADMIN), START, END).reviewer.role == Role.ADMIN


# --- Rating ------------------------------------------------------------------------------------


def test_evidence_is_required_above_not_yet(make):
    """ "Not yet" needs no evidence; emerging and above do."""
    service, actor = make.codesign_service(), reviewer(make)
    review = start_review(service, actor, START, END)
    for rating in (Rating.EMERGING, Rating.ESTABLISHED, Rating.EMBEDDED):
        with pytest.raises(RuleError, match="evidence"):
            rate(review, actor, "qlp.aim.c", rating, "   ")
    rate(review, actor, "qlp.aim.c", Rating.NOT_YET, "")
    saved = rate(review, actor, "qlp.aim.c", "embedded", "  Young people chair the panel. ")
    assert (saved.rating, saved.evidence) == (Rating.EMBEDDED, "Young people chair the panel.")
    entry = db.session.query(AuditEntry).filter_by(action="review.rate").all()[-1]
    assert entry.detail["outcome"] == "qlp.aim.c" and entry.detail["rating"] == "embedded"


@pytest.mark.parametrize("code", ["qlp.aim.z", "promise.vision.5", ""])
def test_rating_something_that_is_not_a_qlp_aim_or_outcome_is_refused(make, code):
    """Only the ten QLP aims and outcomes are rated."""
    service, actor = make.codesign_service(), reviewer(make)
    review = start_review(service, actor, START, END)
    with pytest.raises(RuleError, match="QLP aims and outcomes"):
        rate(review, actor, code, Rating.NOT_YET, "")


def test_a_rating_off_the_scale_is_refused(make):
    """The scale is fixed."""
    service, actor = make.codesign_service(), reviewer(make)
    review = start_review(service, actor, START, END)
    with pytest.raises(RuleError, match="scale"):
        rate(review, actor, "qlp.aim.a", "excellent", "Great.")


def test_evidence_points_only_at_the_services_own_sessions_and_skills(make):
    """Sessions and skills of another service are refused; the service's own are linked."""
    service, other = make.codesign_service(), make.codesign_service()
    actor = reviewer(make)
    review = start_review(service, actor, START, END)
    own_session, foreign_session = add_session(service), add_session(other)
    own_skill = add_skill(service, service.quality_leader)
    foreign_skill = add_skill(other, other.quality_leader)
    with pytest.raises(RuleError, match="sessions of this service"):
        rate(review, actor, "qlp.aim.d", Rating.EMERGING, "Mixed ages.", [foreign_session.id])
    with pytest.raises(RuleError, match="skills of this service"):
        rate(review, actor, "qlp.outcome.b", Rating.EMERGING, "Skills.", [], [foreign_skill.id])
    saved = rate(
        review, actor, "qlp.outcome.b", Rating.EMERGING, "Skills.", [own_session.id], [own_skill.id]
    )
    assert ([s.id for s in saved.sessions], [s.id for s in saved.skills]) == (
        [own_session.id],
        [own_skill.id],
    )
    # Saving again with none takes the links away.
    saved = rate(review, actor, "qlp.outcome.b", Rating.EMERGING, "Skills.")
    assert (saved.sessions, saved.skills) == ([], [])


def test_staff_cannot_rate_save_or_sign_a_review(make):
    """Staff read their services' drafts but never write them."""
    service, actor = make.codesign_service(), reviewer(make)
    review = start_review(service, actor, START, END)
    complete(review, actor)
    staff = make.staff(service.library_service)
    with pytest.raises(NotAllowed):
        rate(review, staff, "qlp.aim.a", Rating.NOT_YET, "")
    with pytest.raises(NotAllowed):
        save_overall(review, staff, "Mine.", Recommendation.CONTINUE)
    with pytest.raises(NotAllowed):
        sign_review(review, staff)
    assert not fresh(review.id).is_signed


@pytest.mark.parametrize("who", [Role.QLP_REVIEWER, Role.ADMIN])
def test_a_draft_is_changed_and_signed_only_by_the_reviewer_it_belongs_to(make, who):
    """Another reviewer, or an admin, is told whose draft it is, and nothing changes."""
    service, owner = make.codesign_service(), reviewer(make, username="first_reviewer")
    review = start_review(service, owner, START, END)
    complete(review, owner)
    someone = make.user(who)
    mine = "This draft belongs to first_reviewer: only they can change or sign it."
    with pytest.raises(NotAllowed, match=mine):
        rate(review, someone, "qlp.aim.a", Rating.EMBEDDED, "Mine now.")
    with pytest.raises(NotAllowed, match=mine):
        save_overall(review, someone, "Mine now.", Recommendation.CHANGE_COURSE)
    with pytest.raises(NotAllowed, match=mine):
        sign_review(review, someone)
    review = fresh(review.id)
    assert not review.is_signed and review.overall_comment == "Young people lead the planning."
    assert {r.rating for r in review.ratings} == {Rating.EMERGING}


def test_an_admin_gives_a_draft_to_another_reviewer_who_finishes_it(make):
    """From then on only the new owner changes and signs it; the change is audited."""
    service, first, second = make.codesign_service(), reviewer(make), reviewer(make)
    admin = make.user(Role.ADMIN)
    review = start_review(service, first, START, END)
    assert reassign_draft(review, admin, second.id) == second
    with pytest.raises(NotAllowed):
        save_overall(fresh(review.id), first, "Still mine?", None)
    complete(fresh(review.id), second)
    sign_review(fresh(review.id), second)
    review = fresh(review.id)
    assert (review.reviewer_id, review.signed_by_id) == (second.id, second.id)
    entry = db.session.query(AuditEntry).filter_by(action="review.reassign").one()
    assert (entry.actor_id, entry.detail) == (admin.id, {"previous": first.id, "to": second.id})


def test_a_draft_is_given_only_by_an_admin_to_a_reviewer_who_can_sign_in(make):
    """Each refusal says why; the draft stays with its owner, and a signed review with nobody."""
    service, owner = make.codesign_service(), reviewer(make, username="first_reviewer")
    admin, other = make.user(Role.ADMIN), reviewer(make)
    review = start_review(service, owner, START, END)
    with pytest.raises(NotAllowed, match="Only admins can give a draft review"):
        reassign_draft(review, other, other.id)
    locked = reviewer(make)
    locked.active = False
    db.session.commit()
    for someone in (make.staff(service.library_service), make.user(), locked):
        with pytest.raises(RuleError, match="Please choose a QLP reviewer from the list."):
            reassign_draft(review, admin, someone.id)
    with pytest.raises(RuleError, match="Please choose a QLP reviewer"):
        reassign_draft(review, admin, None)
    with pytest.raises(RuleError, match="This draft already belongs to first_reviewer."):
        reassign_draft(review, admin, owner.id)
    assert fresh(review.id).reviewer_id == owner.id
    signed = signed_review(make, make.codesign_service())
    with pytest.raises(RuleError, match=SIGNED):
        reassign_draft(signed, admin, other.id)
    assert not actions(subject_type="QlpReview").count("review.reassign")


# --- Signing -----------------------------------------------------------------------------------


def test_an_incomplete_review_cannot_be_signed(make):
    """A comment and a recommendation are needed, and evidence wherever a rating needs it."""
    service, actor = make.codesign_service(), reviewer(make)
    review = start_review(service, actor, START, END)
    with pytest.raises(RuleError, match="overall comment is empty") as refused:
        sign_review(review, actor)
    assert "No recommendation is chosen" in str(refused.value)
    save_overall(review, actor, "Good start.", None)
    with pytest.raises(RuleError, match="No recommendation"):
        sign_review(review, actor)
    save_overall(review, actor, "Good start.", Recommendation.CHANGE_COURSE)
    # A rating above "not yet" without evidence (as old data might hold) also stops it.
    ratings_of(review)["qlp.aim.b"].rating = Rating.ESTABLISHED
    db.session.commit()
    with pytest.raises(RuleError, match="Aim b needs evidence"):
        sign_review(review, actor)
    rate(review, actor, "qlp.aim.b", Rating.ESTABLISHED, "Training done.")
    with pytest.raises(RuleError, match="Aim a is not rated") as refused:
        sign_review(review, actor)
    assert "Outcome f is not rated" in str(refused.value)
    for code in QLP_CODES:
        if code != "qlp.aim.b":
            rate(review, actor, code, Rating.NOT_YET, "")
    sign_review(review, actor)
    review = fresh(review.id)
    assert review.is_signed and review.signed_by_id == actor.id
    assert actions()[-1] == "review.sign"


def test_a_signed_review_can_no_longer_be_changed(make):
    """Rating, the overall comment and signing again are refused with a clear message."""
    service, actor = make.codesign_service(), reviewer(make)
    review = signed_review(make, service, actor)
    with pytest.raises(RuleError, match=SIGNED):
        rate(review, actor, "qlp.aim.a", Rating.EMBEDDED, "More.")
    with pytest.raises(RuleError, match=SIGNED):
        save_overall(review, actor, "Changed my mind.", Recommendation.CHANGE_COURSE)
    with pytest.raises(RuleError, match=SIGNED):
        sign_review(review, actor)
    review = fresh(review.id)
    assert review.overall_comment == "Young people lead the planning."
    assert {r.rating for r in review.ratings} == {Rating.EMERGING}


def test_the_model_refuses_a_direct_change_to_a_signed_review(make):
    """Even code that skips the rules cannot change a signed review or its ratings."""
    review = signed_review(make, make.codesign_service())
    review.overall_comment = "Rewritten."  # the object signing returned
    with pytest.raises(SignedReviewIsReadOnly):
        db.session.commit()
    db.session.rollback()
    review = fresh(review.id)
    review.overall_comment = "Rewritten."  # read again from the database
    with pytest.raises(SignedReviewIsReadOnly):
        db.session.commit()
    db.session.rollback()
    ratings_of(review)["qlp.aim.a"].evidence = "Rewritten."
    with pytest.raises(SignedReviewIsReadOnly):
        db.session.commit()
    db.session.rollback()
    assert fresh(review.id).overall_comment == "Young people lead the planning."


def run_together(app, actions: list) -> list[str]:
    """Run each action(prepared) in a thread of its own with its own session, all at once.

    Each action is (prepare, act): `prepare()` loads what it needs before the threads are
    released together.
    """
    barrier = threading.Barrier(len(actions))
    results: list[str] = []
    errors: list[BaseException] = []

    def worker(prepare, act) -> None:
        with app.app_context():
            try:
                prepared = prepare()
                barrier.wait(timeout=10)
                act(*prepared)
                results.append("done")
            except RuleError as error:
                results.append(str(error))
            except BaseException as error:  # reported to the test, never swallowed
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=action) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.committing
def test_a_review_signed_twice_at_once_is_signed_once(app, make):
    """The reviewer signs in two tabs at once: it takes effect once, and the other tab is told
    the review is signed."""
    service = make.codesign_service()
    first = reviewer(make)
    review = start_review(service, first, START, END)
    complete(review, first)
    review_id = review.id

    def signing(user_id):
        def prepare():
            # Both read the review unsigned and complete: only the database can tell them apart.
            review = db.session.get(QlpReview, review_id)
            assert not review.is_signed and {r.outcome.code for r in review.ratings}
            return review, db.session.get(User, user_id)

        return prepare, sign_review

    results = run_together(app, [signing(first.id), signing(first.id)])
    assert sorted(results) == [SIGNED, "done"]
    review = fresh(review_id)
    assert review.is_signed and review.signed_by_id == first.id
    signed = db.session.query(AuditEntry).filter_by(action="review.sign").all()
    assert [e.actor_id for e in signed] == [review.signed_by_id]


@pytest.mark.committing
def test_a_change_sent_after_someone_signed_is_refused(app, make):
    """A reviewer still holding the unsigned review cannot change it once another signed it."""
    service, actor = make.codesign_service(), reviewer(make)
    review = start_review(service, actor, START, END)
    complete(review, actor)
    review_id, actor_id = review.id, actor.id
    stale = db.session.get(QlpReview, review_id)
    assert not stale.is_signed
    signing = (
        lambda: (db.session.get(QlpReview, review_id), db.session.get(User, actor_id)),
        sign_review,
    )
    assert run_together(app, [signing]) == ["done"]
    with pytest.raises(RuleError, match=SIGNED):
        save_overall(stale, actor, "Late.", None)
    assert fresh(review_id).overall_comment == "Young people lead the planning."


@pytest.mark.committing
def test_a_change_sent_after_an_admin_gave_the_draft_away_is_refused(app, make):
    """The reviewer still holding the draft as theirs is told whose it is now."""
    service, first = make.codesign_service(), reviewer(make)
    second, admin = reviewer(make, username="second_reviewer"), make.user(Role.ADMIN)
    review = start_review(service, first, START, END)
    review_id, first_id, second_id, admin_id = review.id, first.id, second.id, admin.id
    stale = db.session.get(QlpReview, review_id)
    assert stale.reviewer_id == first_id
    giving = (
        lambda: (db.session.get(QlpReview, review_id), db.session.get(User, admin_id)),
        lambda review, admin: reassign_draft(review, admin, second_id),
    )
    assert run_together(app, [giving]) == ["done"]
    with pytest.raises(NotAllowed, match="This draft belongs to second_reviewer"):
        save_overall(stale, first, "Late.", None)
    with pytest.raises(NotAllowed, match="This draft belongs to second_reviewer"):
        sign_review(stale, first)
    assert fresh(review_id).overall_comment == ""


# --- The Quality Leader's answer ---------------------------------------------------------------


def test_the_quality_leader_answers_a_signed_review_once(make):
    """Only the service's Quality Leader, only once signed, once, with some words."""
    service, actor = make.codesign_service(), reviewer(make)
    leader = service.quality_leader
    review = start_review(service, actor, START, END)
    with pytest.raises(RuleError, match="once it is signed"):
        respond_to_review(review, leader, "Thanks.")
    complete(review, actor)
    sign_review(review, actor)
    review = fresh(review.id)
    for someone in (make.staff(service.library_service), actor, make.user(Role.ADMIN)):
        with pytest.raises(NotAllowed):
            respond_to_review(review, someone, "Not mine to answer.")
    for text in ("   ", "x" * 4001):
        with pytest.raises(RuleError, match="4000"):
            respond_to_review(review, leader, text)
    answer = respond_to_review(review, leader, "  We will add a second session.  ")
    assert (answer.text, answer.author_id) == ("We will add a second session.", leader.id)
    with pytest.raises(RuleError, match="already been answered"):
        respond_to_review(fresh(review.id), leader, "And another thing.")
    assert actions()[-1] == "review.respond"


@pytest.mark.committing
def test_two_answers_sent_at_once_are_stored_once(app, make):
    """The unique answer per review: the second is refused politely, not with an error."""
    service = make.codesign_service()
    review = signed_review(make, service)
    review_id, leader_id = review.id, service.quality_leader_id

    def answer(text):
        def prepare():
            review = db.session.get(QlpReview, review_id)
            assert review.response is None and review.service is not None
            return review, db.session.get(User, leader_id), text

        return prepare, respond_to_review

    results = run_together(app, [answer("First."), answer("Second.")])
    assert sorted(results) == ["This review has already been answered.", "done"]
    assert db.session.query(QlpReviewResponse).filter_by(review_id=review_id).count() == 1


# --- Who reads what ----------------------------------------------------------------------------


def test_staff_read_only_their_own_library_services_reviews(make):
    """Staff of another library service are refused; own staff, reviewers and admins read."""
    service = make.codesign_service()
    with pytest.raises(NotAllowed):
        require_service_reader(make.staff(make.library_service()), service)
    with pytest.raises(NotAllowed):
        require_service_reader(make.user(), service)
    for someone in (make.staff(service.library_service), reviewer(make), make.user(Role.ADMIN)):
        require_service_reader(someone, service)


def test_the_dashboard_shows_staff_only_their_library_services(make):
    """Reviewers and admins see every participating library service's services; staff theirs."""
    mine, theirs = make.codesign_service(name="Homework club"), make.codesign_service(name="Rap")
    staff = make.staff(mine.library_service)

    def names(actor, **narrowed):
        return [row.service.name for row in dashboard(actor, DashboardFilter(**narrowed)).items]

    assert names(staff) == ["Homework club"]
    assert names(staff, library_service_id=theirs.library_service_id) == []
    assert sorted(names(reviewer(make))) == ["Homework club", "Rap"]
    assert sorted(names(make.user(Role.ADMIN))) == ["Homework club", "Rap"]
    assert names(make.staff()) == []


def test_the_dashboard_shows_each_services_last_signed_review_and_its_ratings(make):
    """The most recently signed review (not a later draft) and its ratings in QLP order."""
    service, actor = make.codesign_service(), reviewer(make)
    signed_review(make, service, actor, rating=Rating.EMERGING)
    last = signed_review(make, service, actor, rating=Rating.ESTABLISHED)
    start_review(service, actor, START, END)  # a draft, not shown
    [row] = dashboard(actor, DashboardFilter()).items
    assert row.last_review.id == last.id
    assert [item.label for item in row.ratings] == LABELS
    assert {item.rating.rating for item in row.ratings} == {Rating.ESTABLISHED}


def test_the_dashboard_filters_by_library_service_and_status(make):
    """Both filters narrow the list, alone or together."""
    planning = make.codesign_service(name="Planned", status=ServiceStatus.PLANNING)
    piloting = make.codesign_service(name="Piloted", status=ServiceStatus.PILOTING)
    actor = reviewer(make)

    def names(**narrowed):
        return [row.service.name for row in dashboard(actor, DashboardFilter(**narrowed)).items]

    assert names(status=ServiceStatus.PILOTING) == ["Piloted"]
    assert names(library_service_id=planning.library_service_id) == ["Planned"]
    assert (
        names(library_service_id=piloting.library_service_id, status=ServiceStatus.PLANNING) == []
    )


def test_every_review_action_is_audited(make):
    """Start, rate, overall, sign and answer each leave an audit entry on the review."""
    service = make.codesign_service()
    actor = reviewer(make)
    review = start_review(service, actor, START, END)
    complete(review, actor)
    sign_review(review, actor)
    respond_to_review(fresh(review.id), service.quality_leader, "Thanks.")
    assert actions() == [
        "review.start",
        *["review.rate"] * len(QLP_CODES),
        "review.overall",
        "review.sign",
        "review.respond",
    ]


# --- The service's reviews ---------------------------------------------------------------------


def test_service_reviews_list_newest_first_and_tabulate_the_last_six_signed(make):
    """The timeline holds every review; the table the last six signed, oldest first."""
    service, actor = make.codesign_service(), reviewer(make)
    signed = [signed_review(make, service, actor).id for _ in range(8)]
    draft = start_review(service, actor, START, END)
    shown = service_reviews(service)
    assert [r.id for r in shown.timeline.items] == [draft.id, *reversed(signed)]
    assert [r.id for r in shown.columns] == signed[-6:]
    assert (shown.signed_count, shown.hidden_columns, shown.draft.id) == (8, 2, draft.id)
    assert [row.label for row in shown.rows] == LABELS
    assert all(len(row.cells) == 6 for row in shown.rows)
    assert [o.code for o in qlp_outcomes()] == QLP_CODES


# --- Pages -------------------------------------------------------------------------------------


def review_with_everything(make, service=None):
    """A service with a signed, answered review and a draft; returns (service, signed, draft)."""
    service = service or make.codesign_service(name="Teen reading panel")
    actor = reviewer(make, username="rev_ruth")
    signed = signed_review(make, service, actor, recommendation=Recommendation.READY_TO_MAINSTREAM)
    respond_to_review(fresh(signed.id), service.quality_leader, "We will mainstream it in May.")
    draft = start_review(service, actor, START, END)
    return service, fresh(signed.id), draft


def test_a_services_reviews_page_shows_the_timeline_and_the_ratings_table(client, make, login):
    """Newest first with draft, recommendation and answer; a table row per aim and outcome."""
    service, signed, draft = review_with_everything(make)
    login(reviewer(make))
    response = client.get(f"/review/services/{service.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "QLP reviews of Teen reading panel" in html
    timeline = html[html.index("Reviews, newest first") : html.index("Ratings over time")]
    assert timeline.index(f'id="review-{draft.id}"') < timeline.index(f'id="review-{signed.id}"')
    assert "Draft" in timeline and "Ready to mainstream" in timeline
    assert "We will mainstream it in May." in timeline
    table = html[html.index("<table") : html.index("</table>")]
    assert re.search(r'role="region" aria-label="Table of ratings[^"]*" tabindex="0"', html)
    assert [
        re.sub(r"<[^>]+>", "", cell)
        for cell in re.findall(r'<span class="qlp-item">(.*?)</span>', table)
    ] == LABELS
    assert table.count("<td") == 10 and table.count("Emerging") == 10
    # A draft is open: the way on is to carry on with it, not to start another.
    assert "Carry on with the draft review" in html
    assert f'action="/review/services/{service.id}/reviews"' not in html


def test_the_ratings_table_is_bounded_with_a_link_to_every_review(client, make, login):
    """Eight signed reviews: six columns, and a sentence and link for the older two."""
    service, actor = make.codesign_service(), reviewer(make)
    for _ in range(8):
        signed_review(make, service, actor)
    login(actor)
    html = client.get(f"/review/services/{service.id}").get_data(as_text=True)
    header = html[html.index("<thead>") : html.index("</thead>")]
    assert header.count('<th scope="col">') == 7
    assert "2 older ones are in the list of reviews" in html
    assert f'href="/review/services/{service.id}#service-{service.id}-reviews"' in html


@pytest.mark.parametrize("path", ["/review/services/{s}", "/review/reviews/{r}"])
def test_staff_of_another_library_service_cannot_read_a_services_reviews(client, make, login, path):
    """403 for staff elsewhere and young people; own staff and reviewers read, drafts too."""
    service, _signed, draft = review_with_everything(make)
    url = path.format(s=service.id, r=draft.id)
    login(make.staff(make.library_service()))
    assert client.get(url).status_code == 403
    switch(client, login, make.user())
    assert client.get(url).status_code == 403
    for someone in (make.staff(service.library_service), reviewer(make), make.user(Role.ADMIN)):
        switch(client, login, someone)
        assert client.get(url).status_code == 200


def test_staff_read_a_draft_without_any_form(client, make, login):
    """Staff of the service see a draft read-only: no rating, overall or sign forms."""
    service, _signed, draft = review_with_everything(make)
    login(make.staff(service.library_service))
    html = client.get(f"/review/reviews/{draft.id}").get_data(as_text=True)
    assert "This review is a draft" in html
    assert '<form method="post" action="/review/reviews' not in html
    assert "Start a review" not in client.get(f"/review/services/{service.id}").get_data(
        as_text=True
    )


@pytest.mark.parametrize("who", ["staff", "young"])
def test_staff_and_young_people_cannot_write_reviews(client, make, login, who):
    """Every review form refuses them with 403 and changes nothing."""
    service = make.codesign_service()
    actor = reviewer(make)
    review = start_review(service, actor, START, END)
    rating = ratings_of(review)["qlp.aim.a"]
    login(make.staff(service.library_service) if who == "staff" else make.user())
    posts = {
        f"/review/services/{service.id}/reviews": {
            "period_start": START.isoformat(),
            "period_end": END.isoformat(),
        },
        f"/review/reviews/{review.id}/ratings/{rating.id}": rating_data(rating, "emerging", "Yes"),
        f"/review/reviews/{review.id}/overall": {"overall-comment": "Mine."},
        f"/review/reviews/{review.id}/sign": {},
    }
    for path, data in posts.items():
        assert post(client, path, data).status_code == 403, path
    assert fresh(review.id).overall_comment == "" and db.session.query(QlpReview).count() == 1


@pytest.mark.parametrize("who", [Role.QLP_REVIEWER, Role.ADMIN])
def test_another_reviewer_reads_a_draft_but_cannot_change_or_sign_it(client, make, login, who):
    """The page says whose draft it is and has no forms for them; each form refuses with 403."""
    service, owner = make.codesign_service(), reviewer(make, username="first_reviewer")
    review = start_review(service, owner, START, END)
    rating = ratings_of(review)["qlp.aim.a"]
    login(make.user(who))
    html = client.get(f"/review/reviews/{review.id}").get_data(as_text=True)
    assert "It belongs to first_reviewer: only they can change or sign it." in html
    assert f'action="/review/reviews/{review.id}/overall"' not in html
    assert "Sign this review" not in html
    posts = {
        f"/review/reviews/{review.id}/ratings/{rating.id}": rating_data(rating, "emerging", "Yes"),
        f"/review/reviews/{review.id}/overall": {"overall-comment": "Mine."},
        f"/review/reviews/{review.id}/sign": {},
    }
    for path, data in posts.items():
        assert post(client, path, data).status_code == 403, path
    review = fresh(review.id)
    assert review.overall_comment == "" and ratings_of(review)["qlp.aim.a"].rating is None


def test_an_admin_gives_a_draft_to_another_reviewer_on_its_page(client, make, login):
    """The form offers the other reviewers; a choice left out gets a 400 and changes nothing;
    then the draft is theirs, and the page says so."""
    service, owner = make.codesign_service(), reviewer(make, username="first_reviewer")
    second = reviewer(make, username="second_reviewer")
    review = start_review(service, owner, START, END)
    login(make.user(Role.ADMIN))
    url = f"/review/reviews/{review.id}/reviewer"
    page = client.get(f"/review/reviews/{review.id}").get_data(as_text=True)
    assert f'action="{url}"' in page and ">second_reviewer</option>" in page
    assert ">first_reviewer</option>" not in page
    missing = post(client, url, {"reassign-reviewer": ""})
    assert missing.status_code == 400
    assert "Please choose a QLP reviewer from the list." in missing.get_data(as_text=True)
    assert fresh(review.id).reviewer_id == owner.id
    response = post(client, url, {"reassign-reviewer": str(second.id)})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/review/reviews/{review.id}#reviewer"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The draft now belongs to second_reviewer." in html
    assert "Reviewer: second_reviewer" in html and fresh(review.id).reviewer_id == second.id


def test_starting_a_review_through_the_form(client, make, login):
    """The form starts a draft and goes to it; bad dates and a second draft get a 400."""
    service = make.codesign_service()
    login(reviewer(make))
    url = f"/review/services/{service.id}/reviews"
    page = client.get(f"/review/services/{service.id}").get_data(as_text=True)
    assert f'action="{url}"' in page and 'type="date"' in page
    bad = post(client, url, {"period_start": END.isoformat(), "period_end": START.isoformat()})
    assert bad.status_code == 400
    assert "The period must end on or after the day it starts." in bad.get_data(as_text=True)
    missing = post(client, url, {"period_start": "", "period_end": "31/02/2025"})
    assert missing.status_code == 400
    assert "Please give the first day of the period." in missing.get_data(as_text=True)
    response = post(client, url, {"period_start": START.isoformat(), "period_end": END.isoformat()})
    review = db.session.query(QlpReview).one()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/review/reviews/{review.id}"
    again = post(client, url, {"period_start": START.isoformat(), "period_end": END.isoformat()})
    assert again.status_code == 400
    html = again.get_data(as_text=True)
    assert "already has a draft" in html and f'href="/review/reviews/{review.id}"' in html


def test_a_draft_review_page_has_a_form_per_rating_with_evidence_choices(client, make, login):
    """Ten small forms: radios on the scale, checkboxes for the period's sessions and skills."""
    service, actor = make.codesign_service(), reviewer(make)
    session = add_session(service, place="Eastfield Library")
    old = add_session(service, held_on=START - timedelta(days=200), place="Old Library")
    skill = add_skill(service, service.quality_leader, skill="Facilitation")
    review = start_review(service, actor, START, END)
    login(actor)
    html = client.get(f"/review/reviews/{review.id}").get_data(as_text=True)
    assert html.count('hx-swap="outerHTML"') == 11  # ten ratings and the overall form
    rating = ratings_of(review)["qlp.aim.a"]
    assert f'id="rating-{rating.id}"' in html
    assert f'hx-post="/review/reviews/{review.id}/ratings/{rating.id}"' in html
    for label in ("Not yet", "Emerging", "Established", "Embedded"):
        assert f"<span hx-disable>{label}</span>" in html
    assert f'name="r{rating.id}-sessions" type="checkbox" value="{session.id}"' in html
    assert "Eastfield Library" in html and "Old Library" not in html
    assert old.id != session.id
    assert f"Facilitation ({service.quality_leader.username})" in html
    assert f'name="r{rating.id}-skills" type="checkbox" value="{skill.id}"' in html
    assert "Sign this review" in html


def test_saving_a_rating_without_javascript_goes_back_to_it(client, make, login):
    """A plain form post is saved and answered with a 303 to the rating's place on the page."""
    service, actor = make.codesign_service(), reviewer(make)
    session = add_session(service)
    review = start_review(service, actor, START, END)
    rating = ratings_of(review)["qlp.aim.d"]
    login(actor)
    data = rating_data(rating, "established", "Grandparents came.", sessions=[session.id])
    response = post(client, f"/review/reviews/{review.id}/ratings/{rating.id}", data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/review/reviews/{review.id}#rating-{rating.id}"
    saved = db.session.get(QlpRating, rating.id)
    db.session.refresh(saved)
    assert (saved.rating, saved.evidence) == (Rating.ESTABLISHED, "Grandparents came.")
    assert [s.id for s in saved.sessions] == [session.id]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved Aim d: Established." in page


def test_saving_a_rating_with_htmx_returns_the_rating_alone(client, make, login):
    """htmx gets the rating's section, what signing still needs and a message; no layout."""
    service, actor = make.codesign_service(), reviewer(make)
    review = start_review(service, actor, START, END)
    rating = ratings_of(review)["qlp.outcome.c"]
    login(actor)
    response = post(
        client,
        f"/review/reviews/{review.id}/ratings/{rating.id}",
        rating_data(rating, "emerging", "A new group came."),
        htmx=True,
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith(f'<section class="qlp-rating" id="rating-{rating.id}"')
    assert checked(html, f"r{rating.id}-rating") == ["emerging"]
    assert (
        '<section class="qlp-sign" id="sign" aria-labelledby="sign-heading" hx-swap-oob="true">'
        in html
    )
    assert 'hx-swap-oob="innerHTML"><p>Saved Outcome c: Emerging.</p>' in html


@pytest.mark.parametrize(
    ("value", "evidence", "message"),
    [
        ("emerging", "", "Please give the evidence for any rating above"),
        ("great", "Good.", "Choose one of the answers given for “Rating”."),
        ("", "", "Please choose a rating."),
        (
            "embedded",
            "x" * 4001,
            "Use 4000 characters or fewer",
        ),
    ],
)
def test_a_bad_rating_gets_a_400_with_a_message(client, make, login, value, evidence, message):
    """Missing evidence, a value off the scale, none at all, too long: 400, nothing saved."""
    service, actor = make.codesign_service(), reviewer(make)
    review = start_review(service, actor, START, END)
    rating = ratings_of(review)["qlp.aim.a"]
    login(actor)
    url = f"/review/reviews/{review.id}/ratings/{rating.id}"
    for htmx in (False, True):
        response = post(client, url, rating_data(rating, value, evidence), htmx=htmx)
        assert response.status_code == (422 if htmx else 400)
        html = response.get_data(as_text=True)
        assert message in html.replace("&#34;", '"').replace("&#39;", "'")
        assert ("<html" in html) is not htmx
    db.session.refresh(rating)
    assert (rating.rating, rating.evidence) == (None, "")


def test_a_session_of_another_service_is_refused_by_the_rating_form(client, make, login):
    """Choices outside the offered sessions are a 400, never a 500."""
    service, actor = make.codesign_service(), reviewer(make)
    foreign = add_session(make.codesign_service())
    review = start_review(service, actor, START, END)
    rating = ratings_of(review)["qlp.aim.a"]
    login(actor)
    url = f"/review/reviews/{review.id}/ratings/{rating.id}"
    for sessions in ([foreign.id], ["abc"]):
        data = rating_data(rating, "emerging", "Yes.")
        data[f"r{rating.id}-sessions"] = [str(s) for s in sessions]
        assert post(client, url, data).status_code == 400


def test_the_overall_form_saves_with_and_without_javascript(client, make, login):
    """303 to the form's place without JavaScript; the section and a message with htmx."""
    service, actor = make.codesign_service(), reviewer(make)
    review = start_review(service, actor, START, END)
    login(actor)
    url = f"/review/reviews/{review.id}/overall"
    data = {"overall-comment": "Strong start.", "overall-recommendation": "change_course"}
    response = post(client, url, data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/review/reviews/{review.id}#overall"
    review = fresh(review.id)
    assert (review.overall_comment, review.recommendation) == (
        "Strong start.",
        Recommendation.CHANGE_COURSE,
    )
    html = post(client, url, {**data, "overall-recommendation": "continue"}, htmx=True).get_data(
        as_text=True
    )
    assert html.lstrip().startswith('<section class="qlp-overall" id="overall"')
    assert checked(html, "overall-recommendation") == ["continue"]
    assert "No recommendation is chosen" not in html
    bad = post(client, url, {**data, "overall-recommendation": "give_up"})
    assert bad.status_code == 400 and "Choose one of the answers given" in bad.get_data(
        as_text=True
    )


def test_signing_through_the_page_makes_it_read_only(client, make, login):
    """Incomplete: 400 and what is missing. Complete: 303, and the page has no forms left."""
    service, actor = make.codesign_service(), reviewer(make)
    review = start_review(service, actor, START, END)
    login(actor)
    url = f"/review/reviews/{review.id}/sign"
    refused = post(client, url)
    assert refused.status_code == 400
    assert "This review cannot be signed yet" in refused.get_data(as_text=True)
    complete(fresh(review.id), actor)
    response = post(client, url)
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Review signed. It can no longer be changed." in html
    assert SIGNED in html and "hx-post" not in html and "Sign this review" not in html
    rating = ratings_of(fresh(review.id))["qlp.aim.a"]
    late = post(
        client,
        f"/review/reviews/{review.id}/ratings/{rating.id}",
        rating_data(rating, "embedded", "Late."),
    )
    assert late.status_code == 400 and SIGNED in late.get_data(as_text=True)
    again = post(client, url)
    assert again.status_code == 400 and SIGNED in again.get_data(as_text=True)
    assert post(client, f"/review/reviews/{review.id}/overall", {}).status_code == 400


def test_the_quality_leader_answers_through_the_review_page(client, make, login):
    """Only they see the form; the answer shows on the review and in the timeline."""
    service = make.codesign_service()
    review = signed_review(make, service)
    url = f"/review/reviews/{review.id}/response"
    for someone in (make.staff(service.library_service), reviewer(make)):
        switch(client, login, someone)
        assert "Send your answer" not in client.get(f"/review/reviews/{review.id}").get_data(
            as_text=True
        )
        assert post(client, url, {"response-text": "Not mine."}).status_code == 403
    switch(client, login, service.quality_leader)
    assert "Send your answer" in client.get(f"/review/reviews/{review.id}").get_data(as_text=True)
    empty = post(client, url, {"response-text": "  "})
    assert empty.status_code == 400 and "Please write your answer." in empty.get_data(as_text=True)
    response = post(client, url, {"response-text": "Thank you; we will act on it."})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/review/reviews/{review.id}#response"
    assert "Thank you; we will act on it." in client.get(f"/review/reviews/{review.id}").get_data(
        as_text=True
    )
    assert "Thank you; we will act on it." in client.get(f"/review/services/{service.id}").get_data(
        as_text=True
    )
    twice = post(client, url, {"response-text": "Again."})
    assert twice.status_code == 400 and "already been answered" in twice.get_data(as_text=True)


def test_an_unknown_service_review_or_rating_is_not_found(client, make, login):
    """Made-up ids are 404s."""
    service = make.codesign_service()
    actor = reviewer(make)
    review = start_review(service, actor, START, END)
    other = start_review(make.codesign_service(), actor, START, END)
    login(actor)
    assert client.get("/review/services/999999").status_code == 404
    assert client.get("/review/reviews/999999").status_code == 404
    foreign_rating = other.ratings[0].id
    url = f"/review/reviews/{review.id}/ratings/{foreign_rating}"
    assert post(client, url, {}).status_code == 404


# --- The dashboard page ------------------------------------------------------------------------


def test_the_dashboard_page_shows_services_under_their_library_service(client, make, login):
    """Status, the last signed review's date and recommendation, and the ten ratings."""
    service = make.codesign_service(name="Homework club")
    signed_review(make, service, recommendation=Recommendation.READY_TO_MAINSTREAM)
    make.codesign_service(name="Rap workshops", status=ServiceStatus.PLANNING)
    login(reviewer(make))
    html = client.get("/review/").get_data(as_text=True)
    assert f"<h3>{service.library_service.name}</h3>" in html
    card = html[html.index("Homework club") : html.index("Rap workshops")]
    assert "Being designed with young people" in card and "Ready to mainstream" in card
    assert card.count("<dt>") == 10 and card.count("Emerging") == 10
    assert "No signed review yet." in html[html.index("Rap workshops") :]


def test_the_dashboard_filters_are_kept_in_the_form_and_the_address(client, make, login):
    """The chosen library service and status stay chosen, and "Show more" keeps them."""
    chosen = make.library_service(name="Northshire Libraries")
    consultation = make.consultation(library_service=chosen)
    for n in range(21):
        make.codesign_service(make.accepted_idea(consultation), name=f"Club {n:02}")
    make.codesign_service(name="Elsewhere")
    login(reviewer(make))
    html = client.get(f"/review/?library_service={chosen.id}&status=codesigning").get_data(
        as_text=True
    )
    assert f'<option selected value="{chosen.id}">Northshire Libraries</option>' in html
    assert '<option selected value="codesigning">' in html
    assert "Elsewhere" not in html and "Club 19" in html and "Club 20" not in html
    more = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert f"library_service={chosen.id}" in more and "status=codesigning" in more
    rest = client.get(more, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Club 20" in rest and "Elsewhere" not in rest
    # The list continues under the same library service: its heading is not repeated.
    assert "<h3>Northshire Libraries</h3>" not in rest
    # Without JavaScript the next page is a page of its own, and starts with the heading.
    assert "<h3>Northshire Libraries</h3>" in client.get(more).get_data(as_text=True)
    assert (
        client.get("/review/?status=piloting")
        .get_data(as_text=True)
        .count('class="card qlp-service"')
        == 0
    )


@pytest.mark.parametrize(
    "query",
    ["status=bogus", "library_service=abc", "library_service=999999", "library_service=-1"],
)
def test_unknown_dashboard_filters_get_a_note_and_a_400_never_a_500(client, make, login, query):
    """A filter that is not in the lists is left out and said so."""
    make.codesign_service(name="Homework club")
    login(reviewer(make))
    response = client.get(f"/review/?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "We left out a filter we did not recognise" in html
    assert "Homework club" in html


def test_staff_see_only_their_library_services_on_the_dashboard_page(client, make, login):
    """Another library service is neither listed nor offered in the filter."""
    mine = make.codesign_service(name="Homework club")
    theirs = make.codesign_service(name="Rap workshops")
    login(make.staff(mine.library_service))
    html = client.get("/review/").get_data(as_text=True)
    assert "Homework club" in html and "Rap workshops" not in html
    assert theirs.library_service.name not in html
    filtered = client.get(f"/review/?library_service={theirs.library_service_id}")
    assert filtered.status_code == 400 and "Rap workshops" not in filtered.get_data(as_text=True)


# --- Queries -----------------------------------------------------------------------------------


def signed_in(app, user):
    """A client of its own, signed in as `user` through the form."""
    client = app.test_client()
    with app.app_context():  # its own `g`, so no other client's CSRF token is reused
        data = {"csrf_token": csrf_token(client), "username": user.username, "password": PASSWORD}
        assert client.post("/sign-in", data=data).status_code == 303
    return client


def add_signed(service, actor, outcomes, when: datetime, answered_by=None) -> QlpReview:
    """A signed review with its ten ratings (and an answer), straight in the database."""
    review = QlpReview(
        service=service,
        reviewer=actor,
        period_start=START,
        period_end=END,
        overall_comment="Going well.",
        recommendation=Recommendation.CONTINUE,
        signed_at=when,
        signed_by=actor,
    )
    review.ratings = [
        QlpRating(outcome=o, rating=Rating.ESTABLISHED, evidence="Seen.") for o in outcomes
    ]
    if answered_by is not None:
        review.response = QlpReviewResponse(author=answered_by, text="Thanks.")
    db.session.add(review)
    return review


def test_the_dashboard_costs_the_same_queries_at_5_and_at_50_services(app, make, count_queries):
    """Services, their last reviews and those reviews' ratings load in a fixed number."""
    actor = reviewer(make)
    leader = make.staff()
    outcomes = qlp_outcomes()
    client = signed_in(app, actor)
    batches = []

    def grow(count: int) -> None:
        for n in range(count):
            library_service = LibraryService(name=f"Library {len(batches)}-{n}")
            service = CodesignService(
                library_service=library_service,
                name=f"Service {n}",
                summary="A club.",
                quality_leader=leader,
            )
            db.session.add(service)
            for day in range(2):
                add_signed(service, actor, outcomes, datetime.now(UTC) - timedelta(days=day))
        db.session.commit()
        batches.append(count)

    def measure() -> tuple[int, str]:
        with count_queries() as counted:
            response = client.get("/review/")
        assert response.status_code == 200
        return len(counted), response.get_data(as_text=True)

    grow(5)
    at_5, page_at_5 = measure()
    grow(45)
    at_50, page_at_50 = measure()
    assert at_50 == at_5
    assert 'rel="next"' in page_at_50 and 'rel="next"' not in page_at_5
    assert page_at_50.count("<dt>") == 200  # twenty services, ten ratings each


def test_a_services_reviews_page_costs_the_same_queries_at_5_and_at_50_reviews(
    app, make, count_queries
):
    """The timeline page, the table's columns and their ratings load in a fixed number."""
    service, actor = make.codesign_service(), reviewer(make)
    outcomes = qlp_outcomes()
    client = signed_in(app, actor)

    def grow(count: int) -> None:
        for n in range(count):
            add_signed(
                service,
                reviewer(make),
                outcomes,
                datetime.now(UTC) - timedelta(days=n),
                answered_by=service.quality_leader,
            )
        db.session.commit()

    def measure() -> tuple[int, str]:
        with count_queries() as counted:
            response = client.get(f"/review/services/{service.id}")
        assert response.status_code == 200
        return len(counted), response.get_data(as_text=True)

    grow(5)
    at_5, page_at_5 = measure()
    grow(45)
    at_50, page_at_50 = measure()
    assert at_50 == at_5
    assert 'rel="next"' in page_at_50 and 'rel="next"' not in page_at_5


def test_a_review_page_costs_the_same_queries_whatever_its_evidence(app, make, count_queries):
    """Many sessions and skills linked to the ratings add no query."""
    service, actor = make.codesign_service(), reviewer(make)
    review = start_review(service, actor, START, END)
    client = signed_in(app, actor)

    def measure() -> int:
        with count_queries() as counted:
            assert client.get(f"/review/reviews/{review.id}").status_code == 200
        return len(counted)

    before = measure()
    sessions = [add_session(service, place=f"Library {n}") for n in range(6)]
    skills = [add_skill(service, make.staff(service.library_service)) for _ in range(6)]
    for code in QLP_CODES:
        rate(
            db.session.get(QlpReview, review.id),
            actor,
            code,
            Rating.EMERGING,
            "Seen.",
            [s.id for s in sessions],
            [s.id for s in skills],
        )
    assert measure() == before
