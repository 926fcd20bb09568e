"""Merging duplicate ideas: votes move once, budgets come back, both proposers are credited."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ideas.services import (
    cast_vote,
    change_status,
    staff_next_statuses,
    votes_left,
    withdraw_vote,
)
from app.live import events as live
from app.models import (
    AuditEntry,
    Idea,
    IdeaStatus,
    LibraryService,
    Notice,
    NoticeKind,
    Phase,
    Role,
    User,
    Vote,
)
from app.moderation import merging
from app.rules import RuleError
from tests.conftest import csrf_token
from tests.test_concurrency import run_together
from tests.test_lists import signed_in
from tests.test_live import first_batch, listen

S = IdeaStatus


@pytest.fixture
def riverside(make) -> LibraryService:
    """A library service."""
    return make.library_service("Riverside Libraries")


@pytest.fixture
def consultation(make, riverside):
    """A Riverside question open for votes, three votes each."""
    return make.consultation(Phase.VOTING_OPEN, library_service=riverside, vote_budget=3)


@pytest.fixture
def member(make, riverside):
    """A member of Riverside's staff."""
    return make.staff(riverside, username="Sam_staff")


@pytest.fixture
def pair(make, consultation) -> tuple[Idea, Idea]:
    """Two ideas saying the same thing: the duplicate, by Dee, and the one that stays, by Kit."""
    duplicate = make.idea(consultation, author=make.user(username="Dee"), title="Games night")
    kept = make.idea(consultation, author=make.user(username="Kit"), title="A games evening")
    return duplicate, kept


def vote(make, *ideas: Idea, voter: User | None = None) -> User:
    """A young person (new unless given) votes for each idea."""
    voter = voter or make.user()
    for idea in ideas:
        cast_vote(voter, idea)
    return voter


def former_members_vote(idea: Idea) -> None:
    """A vote whose voter has deleted their account since: it still counts."""
    db.session.add(Vote(user_id=None, idea_id=idea.id))
    idea.vote_count += 1
    db.session.commit()


def stored(idea: Idea) -> tuple[IdeaStatus, int, int]:
    """The idea's status, its counter and its real number of vote rows, read fresh."""
    db.session.expire_all()
    fresh = db.session.get(Idea, idea.id)
    rows = db.session.scalar(select(func.count(Vote.id)).where(Vote.idea_id == idea.id))
    return fresh.status, fresh.vote_count, rows


def audit(action: str) -> list[AuditEntry]:
    """The audit entries of one action, oldest first."""
    return list(
        db.session.execute(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).scalars()
    )


# --- Merging (the rules, without HTTP) ------------------------------------------------------------


def test_votes_move_to_the_idea_that_stays_and_people_who_backed_both_count_once(
    make, pair, member
):
    """Two move, one person who backed both counts once, and a former member's vote moves."""
    duplicate, kept = pair
    vote(make, duplicate)
    vote(make, duplicate)
    vote(make, duplicate, kept)
    vote(make, kept)
    former_members_vote(duplicate)
    plan = merging.plan_merge(duplicate, kept, member)
    assert (plan.moving, plan.both) == (3, 1)
    done = merging.merge_ideas(duplicate, kept, member)
    assert (done.moving, done.both) == (3, 1)
    assert stored(duplicate) == (S.MERGED, 0, 0)
    assert stored(kept) == (S.PUBLISHED, 5, 5)
    assert db.session.get(Idea, duplicate.id).merged_into_id == kept.id
    former = db.session.scalar(
        select(func.count(Vote.id)).where(Vote.idea_id == kept.id, Vote.user_id.is_(None))
    )
    assert former == 1


def test_a_person_who_backed_both_ideas_gets_a_vote_back(make, pair, member):
    """Votes for a merged idea do not spend the budget, so their spare vote is theirs again."""
    duplicate, kept = pair
    both = vote(make, duplicate, kept)
    only_duplicate = vote(make, duplicate)
    assert votes_left(both, kept.consultation) == 1
    merging.merge_ideas(duplicate, kept, member)
    assert votes_left(both, kept.consultation) == 2
    assert votes_left(only_duplicate, kept.consultation) == 2  # the vote moved, still spent
    spare = make.idea(kept.consultation)
    cast_vote(both, spare)
    assert votes_left(both, kept.consultation) == 1


def test_the_duplicate_tells_its_author_and_the_merge_is_audited(make, pair, member):
    """The step says it joined another idea; the log says into which and what moved."""
    duplicate, kept = pair
    vote(make, duplicate, kept)
    vote(make, duplicate)
    merging.merge_ideas(duplicate, kept, member, "  Yours and Kit's idea are the same!  ")
    step = db.session.get(Idea, duplicate.id).history[-1]
    assert (step.actor_id, step.from_status, step.to_status, step.message) == (
        member.id,
        S.PUBLISHED,
        S.MERGED,
        "Yours and Kit's idea are the same!",
    )
    [entry] = audit("idea.merge")
    assert (entry.actor_id, entry.subject_id, entry.detail) == (
        member.id,
        duplicate.id,
        {"into": kept.id, "moved": 1, "counted_once": 1},
    )


def test_both_proposers_are_told_about_the_idea_that_stays(make, pair, member):
    """Each gets one notice, about the idea that stays."""
    duplicate, kept = pair
    merging.merge_ideas(duplicate, kept, member)
    told = db.session.execute(
        select(Notice.user_id, Notice.kind, Notice.idea_id, Notice.status).order_by(Notice.id)
    ).all()
    merged_notices = [row for row in told if row.status == S.MERGED]
    assert sorted(row.user_id for row in merged_notices) == sorted(
        [duplicate.author_id, kept.author_id]
    )
    assert {(row.kind, row.idea_id) for row in merged_notices} == {(NoticeKind.IDEA_MOVED, kept.id)}


def test_open_pages_hear_both_new_counts(app, make, pair, member):
    """The kept idea's new count and the duplicate's zero go out once the merge commits."""
    duplicate, kept = pair
    vote(make, duplicate)
    inbox = listen(app, live.consultation_channel(kept.consultation_id))
    merging.merge_ideas(duplicate, kept, member)
    events = first_batch(inbox)
    counts = {event["idea"]: event["count"] for event in events if event["kind"] == "votes"}
    assert counts == {duplicate.id: 0, kept.id: 1}


@pytest.mark.parametrize(
    "case",
    ["itself", "another question", "pending duplicate", "accepted kept", "merged kept"],
)
def test_merges_that_cannot_be_made_are_refused_and_change_nothing(
    make, pair, member, consultation, case
):
    """Same idea, another question, an idea not taking votes either way."""
    duplicate, kept = pair
    vote(make, duplicate)
    if case == "itself":
        kept = duplicate
    elif case == "another question":
        kept = make.idea(
            make.consultation(Phase.VOTING_OPEN, library_service=consultation.library_service)
        )
    elif case == "pending duplicate":
        duplicate = make.idea(consultation, published=False)
    elif case == "accepted kept":
        make._set_status(kept, S.ACCEPTED)
    else:
        merging.merge_ideas(kept, make.idea(consultation), member)
    before = stored(duplicate), stored(kept)
    with pytest.raises(RuleError):
        merging.merge_ideas(duplicate, kept, member)
    assert (stored(duplicate), stored(kept)) == before
    assert len(audit("idea.merge")) == (1 if case == "merged kept" else 0)


@pytest.mark.parametrize("who", ["other_staff", Role.YOUNG_PERSON, Role.QLP_REVIEWER])
def test_only_staff_of_the_library_service_merge(make, pair, who):
    """Everyone else is refused; admins act everywhere."""
    duplicate, kept = pair
    actor = make.staff(make.library_service()) if who == "other_staff" else make.user(who)
    with pytest.raises(RuleError):
        merging.merge_ideas(duplicate, kept, actor)
    assert stored(duplicate)[0] == S.PUBLISHED
    merging.merge_ideas(duplicate, kept, make.user(Role.ADMIN))
    assert stored(duplicate)[0] == S.MERGED


def test_a_message_with_personal_details_is_refused(make, pair, member):
    """The duplicate's author reads it, so it never carries contact details."""
    duplicate, kept = pair
    with pytest.raises(RuleError) as refused:
        merging.merge_ideas(duplicate, kept, member, "Ring me on 07700 900123")
    assert refused.value.field == "message"
    assert stored(duplicate)[0] == S.PUBLISHED


def test_merged_is_no_longer_a_decision_without_the_idea_that_stays(make, pair, member):
    """Staff reach merging only through the merge page, which names the idea that stays."""
    duplicate, _kept = pair
    assert S.MERGED not in staff_next_statuses(duplicate)
    with pytest.raises(RuleError):
        change_status(duplicate, member, S.MERGED)
    assert stored(duplicate)[0] == S.PUBLISHED


def test_the_idea_that_stays_credits_the_proposers_of_ideas_merged_into_it(
    make, pair, member, consultation
):
    """A few by name, the rest counted; nobody credited beside themselves."""
    duplicate, kept = pair
    merging.merge_ideas(duplicate, kept, member)
    again = make.idea(consultation, author=make.user(username="Ash"))
    merging.merge_ideas(again, kept, member)
    own = make.idea(consultation, author=kept.author)
    merging.merge_ideas(own, kept, member)
    credit = merging.merge_credit(kept)
    assert (credit.names, credit.more, credit.joined) == (["Dee", "Ash"], 0, None)
    for _ in range(merging.CREDITED_MAX + 1):
        merging.merge_ideas(make.idea(consultation), kept, member)
    credit = merging.merge_credit(kept)
    assert (len(credit.names), credit.more) == (merging.CREDITED_MAX, 3)
    assert merging.merge_credit(db.session.get(Idea, duplicate.id)).joined.id == kept.id


def test_candidates_are_the_same_questions_votable_ideas_most_supported_first(
    make, pair, consultation
):
    """Not the idea itself, nor pending or other questions' ideas; searched by title or number."""
    duplicate, kept = pair
    popular = make.idea(consultation, title="Board games club")
    vote(make, popular)
    make.idea(consultation, published=False, title="Games waiting")
    make.idea(title="Games elsewhere")
    assert [i.id for i in merging.candidates(duplicate)] == [popular.id, kept.id]
    assert [i.id for i in merging.candidates(duplicate, "evening")] == [kept.id]
    assert [i.id for i in merging.candidates(duplicate, f"#{kept.id}")] == [kept.id]
    assert merging.candidates(duplicate, "100%_") == []


@pytest.mark.committing
def test_votes_cast_during_a_merge_are_neither_lost_nor_counted_twice(app, make, pair, member):
    """Votes for both ideas, and votes taken back, race the merge on real connections.

    A vote for the duplicate is counted before the merge (and moves) or refused after it; a
    vote taken back is gone or stays and moves; the kept idea's count is its rows.
    """
    duplicate, kept = pair
    early = [vote(make, duplicate).id for _ in range(3)]
    to_duplicate = [make.user().id for _ in range(4)]
    to_kept = [make.user().id for _ in range(3)]
    ids = {"duplicate": duplicate.id, "kept": kept.id, "member": member.id}
    went_through: set[tuple[str, int]] = set()

    def load(user_id: int, key: str):
        return lambda: (user_id, key, db.session.get(User, user_id), db.session.get(Idea, ids[key]))

    def acting(action, name: str):
        def act(loaded) -> None:
            user_id, _key, voter, idea = loaded
            action(voter, idea)
            went_through.add((name, user_id))

        return act

    def merge_now(_loaded) -> None:
        get = db.session.get
        merging.merge_ideas(
            get(Idea, ids["duplicate"]), get(Idea, ids["kept"]), get(User, ids["member"])
        )
        went_through.add(("merge", 0))

    actions = [(lambda: None, merge_now)]
    actions += [(load(u, "duplicate"), acting(cast_vote, "cast")) for u in to_duplicate]
    actions += [(load(u, "kept"), acting(cast_vote, "cast")) for u in to_kept]
    actions += [(load(u, "duplicate"), acting(withdraw_vote, "withdraw")) for u in early[:2]]
    run_together(app, actions)
    withdrawn = {u for u in early if ("withdraw", u) in went_through}
    backing_duplicate = {u for u in to_duplicate if ("cast", u) in went_through}
    backing_duplicate |= set(early) - withdrawn
    backing_kept = {u for u in to_kept if ("cast", u) in went_through}
    assert backing_kept == set(to_kept)  # the kept idea takes votes throughout

    def voters(idea: Idea) -> set[int]:
        return set(db.session.scalars(select(Vote.user_id).where(Vote.idea_id == idea.id)))

    if ("merge", 0) in went_through:
        assert stored(duplicate) == (S.MERGED, 0, 0)
        assert voters(kept) == backing_kept | backing_duplicate
    else:  # the database broke a deadlock by refusing the merge: nothing was merged
        assert stored(duplicate)[0] == S.PUBLISHED
        assert voters(duplicate) == backing_duplicate and voters(kept) == backing_kept
    for idea in (duplicate, kept):
        _status, count, rows = stored(idea)
        assert count == rows


# --- Staff pages ----------------------------------------------------------------------------------


def test_the_staff_idea_page_leads_to_merging_and_offers_no_merged_decision(
    client, login, make, pair, member
):
    """Published ideas have a "Merge into another idea" button; pending ones do not."""
    duplicate, _kept = pair
    login(member)
    html = client.get(f"/staff/ideas/{duplicate.id}").get_data(as_text=True)
    assert f'href="/staff/ideas/{duplicate.id}/merge"' in html
    assert "Mark as merged" not in html
    pending = make.idea(duplicate.consultation, published=False)
    html = client.get(f"/staff/ideas/{pending.id}").get_data(as_text=True)
    assert "Merge into another idea" not in html


def test_the_merge_page_lists_ideas_to_keep_and_searches_them(client, login, make, pair, member):
    """The same question's ideas, with a search; htmx gets the list alone."""
    duplicate, kept = pair
    make.idea(title="Games elsewhere")
    login(member)
    html = client.get(f"/staff/ideas/{duplicate.id}/merge").get_data(as_text=True)
    assert "A games evening" in html and "Games elsewhere" not in html
    assert f"/staff/ideas/{duplicate.id}/merge?into={kept.id}" in html
    response = client.get(
        f"/staff/ideas/{duplicate.id}/merge?q=nothing+like+it", headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert 'id="merge-candidates"' in html and "<html" not in html
    assert "No idea answering the same question matches" in html


def test_the_merge_page_costs_the_same_queries_with_3_and_30_ideas(
    app, make, pair, member, count_queries
):
    """At most 50 ideas are offered, read in one query."""
    duplicate, _kept = pair
    client = signed_in(app, member)

    def measure() -> int:
        with count_queries() as counted:
            assert client.get(f"/staff/ideas/{duplicate.id}/merge").status_code == 200
        return len(counted)

    for _ in range(2):
        make.idea(duplicate.consultation)
    at_3 = measure()
    for _ in range(27):
        make.idea(duplicate.consultation)
    assert measure() == at_3


def test_the_confirm_page_says_what_happens_to_votes_then_merging_goes_to_the_kept_idea(
    client, login, make, pair, member
):
    """ "2 votes move; 1 person voted for both"; then a 303 to the idea that stays."""
    duplicate, kept = pair
    vote(make, duplicate)
    vote(make, duplicate, kept)
    former_members_vote(duplicate)
    login(member)
    html = client.get(f"/staff/ideas/{duplicate.id}/merge?into={kept.id}").get_data(as_text=True)
    assert "2 votes move to the idea that stays." in html
    assert "1 person voted for both ideas: they are counted once, and get a vote back" in html
    data = {"csrf_token": csrf_token(client), "into": kept.id, "message": ""}
    response = client.post(f"/staff/ideas/{duplicate.id}/merge", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/ideas/{kept.id}"
    assert "Merged. 2 votes moved" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert stored(kept) == (S.PUBLISHED, 3, 3)


def test_a_merge_that_cannot_be_made_is_sent_back_with_a_400(client, login, make, pair, member):
    """No idea chosen, a made-up one, or another question's: said why, nothing changed."""
    duplicate, _kept = pair
    other = make.idea(title="Another question's idea")
    login(member)
    url = f"/staff/ideas/{duplicate.id}/merge"
    assert client.get(f"{url}?into=abc").status_code == 400
    response = client.get(f"{url}?into={other.id}")
    assert response.status_code == 400
    assert "Only ideas answering the same question can be merged." in response.get_data(
        as_text=True
    )
    for into in ("", "99999999999", str(other.id)):
        data = {"csrf_token": csrf_token(client), "into": into}
        assert client.post(url, data=data).status_code == 400
    assert stored(duplicate)[0] == S.PUBLISHED


def test_public_pages_credit_the_proposers_and_lead_from_the_merged_idea(
    client, login, make, pair, member
):
    """ "Also suggested by Dee" on the idea that stays; an old link to the merged idea leads
    there; Dee's own page links to it."""
    duplicate, kept = pair
    merging.merge_ideas(duplicate, kept, member)
    html = client.get(f"/ideas/{kept.id}").get_data(as_text=True)
    assert "Also suggested by Dee" in html
    # Not public any more: others who follow an old link arrive at the idea that stays.
    response = client.get(f"/ideas/{duplicate.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ideas/{kept.id}"
    login(duplicate.author)
    html = client.get(f"/ideas/{duplicate.id}").get_data(as_text=True)
    assert f'href="/ideas/{kept.id}"' in html and "library staff joined them" in html
