"""Votes and decisions sent at the same moment, on a real database with real connections."""

import threading

import pytest
from sqlalchemy.orm import joinedload

from app.admin.services import add_membership, remove_membership
from app.auth.services import create_account
from app.extensions import db
from app.ideas.services import approve_idea, cast_vote, withdraw_vote
from app.models import (
    AuditEntry,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    OutcomeLink,
    Phase,
    Role,
    StaffMembership,
    User,
    Vote,
)
from app.moderation.services import link_outcome
from app.rules import RuleError

pytestmark = pytest.mark.committing  # each thread's connection sees what the others committed
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
    idea = make.idea(published=False)
    idea_id, staff_id = idea.id, make.staff(idea.consultation.library_service).id
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
    idea = make.idea()
    idea_id, staff_id = idea.id, make.staff(idea.consultation.library_service).id

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


def test_two_admins_adding_the_same_membership_at_once_add_it_once(app, make):
    """The same member of staff added to the same library service at once: one row, one audit."""
    admin_ids = [make.user(Role.ADMIN).id for _ in range(6)]
    staff_id, service_id = make.staff().id, make.library_service().id

    def adding(admin_id: int):
        return (
            lambda: (db.session.get(User, admin_id), db.session.get(User, staff_id)),
            lambda loaded: add_membership(*loaded, service_id),
        )

    results = run_together(app, [adding(admin_id) for admin_id in admin_ids])
    assert sorted(results) == ["done"] + ["refused"] * 5
    assert db.session.query(StaffMembership).filter_by(user_id=staff_id).count() == 1
    assert db.session.query(AuditEntry).filter_by(action="membership.add").count() == 1


def test_two_admins_removing_the_same_membership_at_once_remove_it_once(app, make):
    """Removed once and audited once; the others are told it was removed just now."""
    admin_ids = [make.user(Role.ADMIN).id for _ in range(6)]
    make.staff(make.library_service())
    membership_id = db.session.query(StaffMembership).one().id

    def removing(admin_id: int):
        def load():
            # Its library service is read before the others delete it, as the route does.
            membership = db.session.get(
                StaffMembership,
                membership_id,
                options=[joinedload(StaffMembership.library_service)],
            )
            return db.session.get(User, admin_id), membership

        return load, lambda loaded: remove_membership(*loaded)

    results = run_together(app, [removing(admin_id) for admin_id in admin_ids])
    assert sorted(results) == ["done"] + ["refused"] * 5
    assert db.session.query(StaffMembership).count() == 0
    assert db.session.query(AuditEntry).filter_by(action="membership.remove").count() == 1
