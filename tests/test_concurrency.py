"""Votes and decisions sent at the same moment, on a real database with real connections."""

import threading

import pytest

from app.auth.services import create_account
from app.extensions import db
from app.ideas.services import approve_idea, cast_vote, withdraw_vote
from app.models import Idea, IdeaStatus, IdeaStatusChange, OutcomeLink, Phase, Role, User, Vote
from app.moderation.services import link_outcome
from app.rules import RuleError

THREADS = 12


def run_together(app, actions) -> list[str]:
    """Run each (prepare, act) pair in a thread of its own, with its own session, all at once.

    `prepare()` runs before the threads are released together, and `act(prepared)` after.
    """
    barrier = threading.Barrier(len(actions))
    results: list[str] = []
    errors: list[BaseException] = []

    def worker(prepare, act) -> None:
        with app.app_context():
            try:
                prepared = prepare()
                barrier.wait(timeout=10)
                act(prepared)
                results.append("done")
            except RuleError:
                results.append("refused")
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


def run_at_once(app, action, user_ids: list[int], idea_id: int) -> list[str]:
    """Run `action(user, idea)` once per user id, all at the same moment."""

    def load(user_id: int):
        return lambda: (db.session.get(User, user_id), db.session.get(Idea, idea_id))

    return run_together(app, [(load(u), lambda loaded: action(*loaded)) for u in user_ids])


def stored(idea_id: int) -> tuple[int, int]:
    """The idea's counter and its real number of vote rows, read fresh."""
    db.session.expire_all()
    idea = db.session.get(Idea, idea_id)
    return idea.vote_count, db.session.query(Vote).filter_by(idea_id=idea_id).count()


@pytest.fixture
def idea_and_voter(make):
    """A votable idea and a young person, committed so other connections see them."""
    idea, voter = make.idea(), make.user()
    return idea.id, voter.id


def test_same_person_voting_many_times_at_once_leaves_exactly_one_vote(app, idea_and_voter):
    """Twelve simultaneous votes by one person: one counts, the rest are refused."""
    idea_id, voter_id = idea_and_voter
    results = run_at_once(app, cast_vote, [voter_id] * THREADS, idea_id)
    assert sorted(results) == ["done"] + ["refused"] * (THREADS - 1)
    assert stored(idea_id) == (1, 1)


def test_same_person_taking_back_a_vote_many_times_at_once_removes_it_once(app, idea_and_voter):
    """Simultaneous un-votes never push the count below the real number of votes."""
    idea_id, voter_id = idea_and_voter
    cast_vote(db.session.get(User, voter_id), db.session.get(Idea, idea_id))
    results = run_at_once(app, withdraw_vote, [voter_id] * THREADS, idea_id)
    assert sorted(results) == ["done"] + ["refused"] * (THREADS - 1)
    assert stored(idea_id) == (0, 0)


def test_many_people_voting_at_once_are_all_counted(app, make):
    """Simultaneous votes by different people all count, and the counter stays exact."""
    idea_id = make.idea().id
    voter_ids = [make.user().id for _ in range(THREADS)]
    results = run_at_once(app, cast_vote, voter_ids, idea_id)
    assert results == ["done"] * THREADS
    assert stored(idea_id) == (THREADS, THREADS)


def test_staff_approving_the_same_idea_at_once_make_one_decision(app, make):
    """A double-clicked or doubly-sent approval publishes the idea once, in one history step."""
    idea_id = make.idea(published=False).id
    staff_id = make.user(Role.STAFF).id
    results = run_at_once(
        app, lambda staff, idea: approve_idea(idea, staff), [staff_id] * 6, idea_id
    )
    assert sorted(results) == ["done"] + ["refused"] * 5
    db.session.expire_all()
    assert db.session.get(Idea, idea_id).status == IdeaStatus.PUBLISHED
    steps = db.session.query(IdeaStatusChange).filter_by(idea_id=idea_id).all()
    assert [(s.from_status, s.to_status) for s in steps] == [
        (None, IdeaStatus.PENDING),
        (IdeaStatus.PENDING, IdeaStatus.PUBLISHED),
    ]


def test_staff_linking_the_same_outcome_at_once_make_one_link(app, make):
    """The same outcome link sent twice at once is stored once; the other is refused."""
    idea_id = make.idea().id
    staff_id = make.user(Role.STAFF).id

    def link(staff, idea):
        link_outcome(idea, "qlp.aim.c", staff, "Young people lead it.")

    results = run_at_once(app, link, [staff_id] * 6, idea_id)
    assert sorted(results) == ["done"] + ["refused"] * 5
    assert db.session.query(OutcomeLink).filter_by(idea_id=idea_id).count() == 1


def test_the_same_name_chosen_at_once_makes_one_account(app):
    """Several people joining with the same pseudonym at once: one gets it, the rest are told."""
    join = (lambda: None, lambda _: create_account("sam_reads", "long-enough", "11-13"))
    results = run_together(app, [join] * 6)
    assert sorted(results) == ["done"] + ["refused"] * 5
    assert db.session.query(User).filter_by(username="sam_reads").count() == 1


def test_votes_for_different_ideas_at_once_never_exceed_the_budget(app, make):
    """With one vote each, the same person voting for six ideas at once gets exactly one."""
    consultation = make.consultation(phase=Phase.PROPOSALS_OPEN, vote_budget=1)
    ideas = [make.idea(consultation) for _ in range(6)]
    consultation.phase = Phase.VOTING_OPEN
    db.session.commit()
    voter_id = make.user().id

    def vote_for(idea_id: int):
        return (
            lambda: (db.session.get(User, voter_id), db.session.get(Idea, idea_id)),
            lambda loaded: cast_vote(*loaded),
        )

    results = run_together(app, [vote_for(idea.id) for idea in ideas])
    assert sorted(results) == ["done"] + ["refused"] * 5
    assert db.session.query(Vote).filter_by(user_id=voter_id).count() == 1
