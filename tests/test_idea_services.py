"""The idea rules, tested without HTTP: proposing, the lifecycle, and voting."""

import pytest

from app.extensions import db
from app.ideas import services
from app.ideas.own_votes import OwnVotes, own_votes
from app.ideas.services import (
    AUTHOR_TRANSITIONS,
    STAFF_TRANSITIONS,
    cast_vote,
    change_status,
    propose_idea,
    withdraw_vote,
)
from app.models import Idea, IdeaStatus, IdeaStatusChange, Phase, Role, Vote
from app.rules import RuleError

S = IdeaStatus


def vote_rows(idea: Idea) -> int:
    """Count the vote rows for an idea straight from the table."""
    return db.session.query(Vote).filter_by(idea_id=idea.id).count()


def test_proposed_idea_waits_for_moderation_with_history(make):
    """A new idea is pending and its history starts with the proposal."""
    idea = make.idea(published=False)
    assert idea.status == S.PENDING
    assert [(c.from_status, c.to_status) for c in idea.history] == [(None, S.PENDING)]


def test_proposal_is_refused_when_consultation_is_not_taking_ideas(make):
    """Ideas cannot be proposed in a draft, voting or closed consultation."""
    young = make.user()
    for phase in (Phase.DRAFT, Phase.VOTING_OPEN, Phase.CLOSED):
        consultation = make.consultation(phase=phase)
        with pytest.raises(RuleError):
            propose_idea(young, consultation, "Film club", "Films on Fridays")
    assert db.session.query(Idea).count() == 0


def test_staff_cannot_propose_ideas(make):
    """Proposals are for young people."""
    with pytest.raises(RuleError):
        propose_idea(make.user(Role.STAFF), make.consultation(), "Film club", "Films")


@pytest.mark.parametrize(("title", "description"), [("", "text"), ("t", "  "), ("x" * 121, "t")])
def test_empty_or_overlong_idea_is_refused(make, title, description):
    """An idea needs a title and a description of sensible length."""
    with pytest.raises(RuleError):
        propose_idea(make.user(), make.consultation(), title, description)
    assert db.session.query(Idea).count() == 0


@pytest.mark.parametrize("start", list(IdeaStatus), ids=lambda s: s.value)
def test_staff_transitions_follow_the_lifecycle(make, start):
    """From each status, staff may make exactly the moves the lifecycle lists, and nothing else."""
    idea = make.idea(published=False)
    staff = make.staff(idea.consultation.library_service)
    for target in IdeaStatus:
        idea.status = start
        db.session.commit()
        if target in STAFF_TRANSITIONS.get(start, ()):
            change_status(idea, staff, target, "Because of the reasons we discussed.")
            assert (idea.status, idea.history[-1].from_status) == (target, start)
            assert idea.history[-1].actor_id == staff.id
        else:
            with pytest.raises(RuleError):
                change_status(idea, staff, target, "Because.")
            db.session.refresh(idea)
            assert idea.status == start


def test_lifecycle_reaches_accepted_from_pending(make):
    """The happy path of decisions: pending, published, considered, accepted."""
    idea = make.idea(published=False)
    staff = make.staff(idea.consultation.library_service)
    path = [S.PUBLISHED, S.UNDER_CONSIDERATION, S.ACCEPTED]
    for status in path:
        change_status(idea, staff, status)
    assert [c.to_status for c in idea.history] == [S.PENDING, *path]


@pytest.mark.parametrize("target", [S.IN_CODESIGN, S.DELIVERED])
def test_co_design_and_delivery_come_with_a_service_not_a_decision(make, target):
    """An accepted idea is co-designed only inside a co-designed service, which moves it on."""
    idea = make.accepted_idea()
    with pytest.raises(RuleError):
        change_status(idea, make.staff(idea.consultation.library_service), target)
    assert idea.status == S.ACCEPTED and idea.codesign_service_id is None


@pytest.mark.parametrize("target", [S.REJECTED, S.CHANGES_REQUESTED, S.HIDDEN])
def test_disappointing_decision_needs_a_message(make, target):
    """Rejecting, asking for changes or hiding must tell the young person why."""
    idea = make.idea(published=False)
    with pytest.raises(RuleError):
        change_status(idea, make.staff(idea.consultation.library_service), target, "   ")
    assert idea.status == S.PENDING


def test_young_person_cannot_make_staff_decisions(make):
    """A young person cannot approve ideas, even their own."""
    idea = make.idea(published=False)
    with pytest.raises(RuleError):
        change_status(idea, idea.author, S.PUBLISHED)
    assert idea.status == S.PENDING


def test_status_change_records_message_for_the_author(make):
    """The young person can read the message staff left with a decision."""
    idea = make.idea(published=False)
    staff = make.staff(idea.consultation.library_service)
    change_status(idea, staff, S.CHANGES_REQUESTED, "Please remove your surname.")
    change = db.session.query(IdeaStatusChange).filter_by(idea_id=idea.id).all()[-1]
    assert change.message == "Please remove your surname."


def test_author_can_resubmit_after_changes_requested(make):
    """Edited ideas go back to the queue as pending."""
    idea = make.idea(published=False)
    staff = make.staff(idea.consultation.library_service)
    change_status(idea, staff, S.CHANGES_REQUESTED, "Say a bit more please.")
    services.resubmit_idea(idea, idea.author, "Board games", "Board games on Saturday mornings.")
    assert idea.status == S.PENDING
    assert idea.description == "Board games on Saturday mornings."


@pytest.mark.parametrize("start", list(IdeaStatus), ids=lambda s: s.value)
def test_only_author_withdraws_and_only_while_allowed(make, start):
    """Authors withdraw pending, returned or published ideas; nobody else can."""
    idea = make.idea(published=False)
    idea.status = start
    db.session.commit()
    with pytest.raises(RuleError):
        services.withdraw_idea(idea, make.user())
    if S.WITHDRAWN in AUTHOR_TRANSITIONS.get(start, ()):
        services.withdraw_idea(idea, idea.author)
        assert idea.status == S.WITHDRAWN
    else:
        with pytest.raises(RuleError):
            services.withdraw_idea(idea, idea.author)
        assert idea.status == start


def test_vote_is_counted_once_per_person(make):
    """A second vote by the same person is refused and the count stays exact."""
    idea = make.idea()
    voter = make.user()
    cast_vote(voter, idea)
    with pytest.raises(RuleError):
        cast_vote(voter, idea)
    db.session.refresh(idea)
    assert idea.vote_count == 1
    assert vote_rows(idea) == 1


def test_votes_from_different_people_add_up(make):
    """Each young person's vote counts."""
    idea = make.idea()
    for _ in range(3):
        cast_vote(make.user(), idea)
    db.session.refresh(idea)
    assert idea.vote_count == 3 == vote_rows(idea)


def test_unvote_takes_the_vote_back(make):
    """Taking a vote back removes it and lowers the count; it can then be cast again."""
    idea = make.idea()
    voter = make.user()
    cast_vote(voter, idea)
    withdraw_vote(voter, idea)
    db.session.refresh(idea)
    assert idea.vote_count == 0 == vote_rows(idea)
    cast_vote(voter, idea)
    db.session.refresh(idea)
    assert idea.vote_count == 1


def test_unvote_without_a_vote_is_refused(make):
    """Taking back a vote never cast changes nothing."""
    idea = make.idea()
    with pytest.raises(RuleError):
        withdraw_vote(make.user(), idea)
    db.session.refresh(idea)
    assert idea.vote_count == 0


@pytest.mark.parametrize(
    "status", [S.PENDING, S.REJECTED, S.WITHDRAWN, S.HIDDEN, S.CHANGES_REQUESTED, S.ACCEPTED]
)
def test_vote_only_on_published_ideas(make, status):
    """Ideas that are not (or no longer) open for support cannot be voted for."""
    idea = make.idea()
    idea.status = status
    db.session.commit()
    with pytest.raises(RuleError):
        cast_vote(make.user(), idea)
    assert vote_rows(idea) == 0


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.PROPOSALS_OPEN, Phase.CLOSED])
def test_vote_only_while_voting_is_open(make, phase):
    """Votes are refused unless the consultation is in its voting phase."""
    idea = make.idea()
    idea.consultation.phase = phase
    db.session.commit()
    with pytest.raises(RuleError):
        cast_vote(make.user(), idea)
    assert vote_rows(idea) == 0


def test_vote_refused_after_closing_time(make):
    """A consultation past its closing time takes no more votes, whatever its phase says."""
    from datetime import timedelta

    from app.models import utcnow

    idea = make.idea()
    idea.consultation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(RuleError):
        cast_vote(make.user(), idea)


def test_staff_cannot_vote(make):
    """Votes are for young people."""
    idea = make.idea()
    with pytest.raises(RuleError):
        cast_vote(make.user(Role.STAFF), idea)


def test_vote_budget_limits_votes_per_person(make):
    """With a budget of two, a third vote in the consultation is refused."""
    consultation = make.consultation(vote_budget=2)
    ideas = [make.idea(consultation) for _ in range(3)]
    consultation.phase = Phase.VOTING_OPEN
    db.session.commit()
    voter = make.user()
    cast_vote(voter, ideas[0])
    cast_vote(voter, ideas[1])
    with pytest.raises(RuleError):
        cast_vote(voter, ideas[2])
    withdraw_vote(voter, ideas[0])
    cast_vote(voter, ideas[2])
    assert services.votes_used(voter, consultation) == 2


def test_hiding_and_republishing_an_idea_cannot_give_anyone_more_votes_than_the_budget(make):
    """A vote for a hidden idea stays spent, so hide, vote again, republish cannot make four."""
    consultation = make.consultation(vote_budget=3)
    ideas = [make.idea(consultation) for _ in range(4)]
    consultation.phase = Phase.VOTING_OPEN
    db.session.commit()
    voter, staff = make.user(), make.staff(consultation.library_service)
    for idea in ideas[:3]:
        cast_vote(voter, idea)
    change_status(ideas[0], staff, S.HIDDEN, "It named a teacher.")
    assert services.votes_left(voter, consultation) == 0
    with pytest.raises(RuleError):
        cast_vote(voter, ideas[3])
    change_status(ideas[0], staff, S.PUBLISHED)
    assert services.votes_used(voter, consultation) == 3
    assert db.session.query(Vote).filter_by(user_id=voter.id).count() == 3


def test_a_vote_for_a_hidden_idea_can_be_taken_back_and_used_elsewhere(make):
    """The voter may take back a vote staff have hidden the idea of, and spend it again."""
    consultation = make.consultation(vote_budget=1)
    first, second = make.idea(consultation), make.idea(consultation)
    consultation.phase = Phase.VOTING_OPEN
    db.session.commit()
    voter = make.user()
    cast_vote(voter, first)
    change_status(first, make.staff(consultation.library_service), S.HIDDEN, "It named a teacher.")
    assert [idea.id for idea in own_votes(voter, consultation, []).hidden] == [first.id]
    withdraw_vote(voter, first)
    assert first.vote_count == 0
    cast_vote(voter, second)
    assert own_votes(voter, consultation, []).hidden == []


def test_votes_for_ideas_that_leave_voting_for_good_return_to_the_budget(make):
    """An idea staff decide on can never take votes again, so its votes are given back."""
    consultation = make.consultation(vote_budget=1)
    first, second = make.idea(consultation), make.idea(consultation)
    consultation.phase = Phase.VOTING_OPEN
    db.session.commit()
    voter, staff = make.user(), make.staff(consultation.library_service)
    cast_vote(voter, first)
    change_status(first, staff, S.UNDER_CONSIDERATION)
    assert services.votes_left(voter, consultation) == 0
    change_status(first, staff, S.ACCEPTED)
    assert services.votes_left(voter, consultation) == 1
    cast_vote(voter, second)


def test_own_votes_read_together_agree_with_each_lookup_even_over_a_lowered_budget(make):
    """The consultation page's one read of a person's votes says what the separate lookups
    say: the shown ideas voted for, votes left, "Your votes" oldest first and the hidden ones;
    holding more votes than a budget staff lowered, none is left and each list stays within it."""
    consultation = make.consultation(vote_budget=5)
    ideas = [make.idea(consultation) for _ in range(7)]
    consultation.phase = Phase.VOTING_OPEN
    db.session.commit()
    voter, staff = make.user(), make.staff(consultation.library_service)
    for idea in [ideas[4], ideas[0], ideas[2], ideas[3], ideas[1]]:
        cast_vote(voter, idea)
    change_status(ideas[3], staff, S.HIDDEN, "It named a teacher.")
    change_status(ideas[1], staff, S.HIDDEN, "It named a teacher.")
    change_status(ideas[2], staff, S.UNDER_CONSIDERATION)
    change_status(ideas[2], staff, S.ACCEPTED)
    shown = [ideas[2], ideas[5], ideas[4]]
    mine = own_votes(voter, consultation, shown)
    assert mine.voted == services.voted_idea_ids(voter, shown) == {ideas[2].id, ideas[4].id}
    assert mine.votes_left == services.votes_left(voter, consultation) == 1
    assert mine.voted_for == services.ideas_voted_for(voter, consultation) == [ideas[4], ideas[0]]
    assert mine.hidden == [ideas[1], ideas[3]]
    consultation.vote_budget = 1
    db.session.commit()
    mine = own_votes(voter, consultation, shown)
    assert mine.votes_left == services.votes_left(voter, consultation) == 0
    assert mine.voted_for == services.ideas_voted_for(voter, consultation) == [ideas[4]]
    assert mine.hidden == [ideas[1]]
    assert mine.voted == {ideas[2].id, ideas[4].id}
    assert own_votes(make.user(), consultation, shown) == OwnVotes(votes_left=1)
