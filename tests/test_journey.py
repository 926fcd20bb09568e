"""An idea's journey: which step a young person sees it at, worked out without HTTP."""

import pytest

from app.ideas.journey import (
    BEING_DESIGNED,
    CHECKED,
    GOING_AHEAD,
    HERE,
    SENT,
    VOTING,
    idea_journey,
    journey,
)
from app.models import IdeaStatus, IdeaStatusChange, Phase


def states(result) -> list[str]:
    """Each step's state, in order."""
    return [step.state for step in result.steps]


@pytest.mark.parametrize(
    ("status", "phase", "step"),
    [
        (IdeaStatus.PENDING, Phase.PROPOSALS_OPEN, SENT),
        (IdeaStatus.PUBLISHED, Phase.PROPOSALS_OPEN, CHECKED),
        (IdeaStatus.PUBLISHED, Phase.VOTING_OPEN, VOTING),
        (IdeaStatus.PUBLISHED, Phase.CLOSED, VOTING),
        (IdeaStatus.UNDER_CONSIDERATION, Phase.CLOSED, GOING_AHEAD),
        (IdeaStatus.ACCEPTED, Phase.CLOSED, GOING_AHEAD),
        (IdeaStatus.IN_CODESIGN, Phase.CLOSED, BEING_DESIGNED),
        (IdeaStatus.DELIVERED, Phase.CLOSED, HERE),
    ],
)
def test_an_idea_on_its_way_is_at_the_step_its_status_and_phase_give(status, phase, step):
    """Each step before is passed, the step is current, and each after is still to come."""
    result = journey(status, phase)
    assert result.current == step
    assert result.side is None
    assert states(result) == ["done"] * step + ["current"] + ["todo"] * (5 - step)


def test_the_steps_are_the_six_of_the_way_in_words():
    """Sent, checked, voting, going ahead, being designed, here: words, not colours."""
    labels = [str(step.label) for step in journey(IdeaStatus.PENDING, Phase.DRAFT).steps]
    assert labels == ["Sent", "Checked", "Voting", "Going ahead", "Being designed", "It's here"]


@pytest.mark.parametrize(
    ("status", "before", "passed", "words"),
    [
        (IdeaStatus.CHANGES_REQUESTED, IdeaStatus.PENDING, SENT, "asked for changes"),
        (IdeaStatus.REJECTED, IdeaStatus.PENDING, SENT, "Not shown"),
        (IdeaStatus.WITHDRAWN, IdeaStatus.PUBLISHED, VOTING, "Taken back"),
        (IdeaStatus.WITHDRAWN, IdeaStatus.CHANGES_REQUESTED, SENT, "Taken back"),
        (IdeaStatus.MERGED, IdeaStatus.PUBLISHED, VOTING, "Joined a similar idea"),
        (IdeaStatus.HIDDEN, IdeaStatus.PUBLISHED, VOTING, "Hidden"),
        (IdeaStatus.NOT_TAKEN_FORWARD, IdeaStatus.UNDER_CONSIDERATION, VOTING, "Not going ahead"),
        (IdeaStatus.NOT_TAKEN_FORWARD, None, SENT, "Not going ahead"),
    ],
)
def test_an_idea_off_the_way_has_no_current_step_and_says_where_it_stands(
    status, before, passed, words
):
    """No fake step: the steps it passed stay passed, none is current, and a line says why."""
    result = journey(status, Phase.VOTING_OPEN, before)
    assert result.current is None
    assert words in str(result.side)
    assert states(result) == ["done"] * (passed + 1) + ["todo"] * (5 - passed)


def test_an_idea_journey_reads_where_it_left_the_way_from_its_last_change(make):
    """The latest change to the status it has now tells which steps it passed."""
    idea = make.idea()
    change = IdeaStatusChange(
        idea=idea, from_status=IdeaStatus.PUBLISHED, to_status=IdeaStatus.HIDDEN
    )
    idea.status = IdeaStatus.HIDDEN
    assert states(idea_journey(idea, change)) == ["done"] * 3 + ["todo"] * 3
    assert idea_journey(idea).steps[1].state == "todo"
