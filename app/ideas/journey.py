"""An idea's journey, as a young person sees it: the step it has reached, or an honest side state.

sent → checked → voting → going ahead → being designed → here. An idea that left the way
(withdrawn, not published, changes asked for, not taken forward, merged, hidden) is not given a
step it never reached: it keeps the steps it passed and says plainly where it stands.
"""

from dataclasses import dataclass

from app.i18n import _l
from app.models import Idea, IdeaStatus, IdeaStatusChange, Phase

SENT, CHECKED, VOTING, GOING_AHEAD, BEING_DESIGNED, HERE = range(6)

STEP_LABELS = (
    _l("Sent"),
    _l("Checked"),
    _l("Voting"),
    _l("Going ahead"),
    _l("Being designed"),
    _l("It's here"),
)

# The step each status on the way stands for (a published idea: see step_of).
_STEPS = {
    IdeaStatus.PENDING: SENT,
    IdeaStatus.UNDER_CONSIDERATION: GOING_AHEAD,
    IdeaStatus.ACCEPTED: GOING_AHEAD,
    IdeaStatus.IN_CODESIGN: BEING_DESIGNED,
    IdeaStatus.DELIVERED: HERE,
}

# Off the way: what is said instead of a step.
SIDE_LABELS = {
    IdeaStatus.CHANGES_REQUESTED: _l("Library staff asked for changes before it is shown"),
    IdeaStatus.REJECTED: _l("Not shown: library staff said why"),
    IdeaStatus.WITHDRAWN: _l("Taken back by the person who sent it"),
    IdeaStatus.NOT_TAKEN_FORWARD: _l("Not going ahead: library staff said why"),
    IdeaStatus.MERGED: _l("Joined a similar idea"),
    IdeaStatus.HIDDEN: _l("Hidden by library staff"),
}


@dataclass(frozen=True)
class Step:
    """One step of the way: its words, and whether it is passed, the current one, or to come."""

    label: str
    state: str  # "done", "current" or "todo"


@dataclass(frozen=True)
class Journey:
    """The steps of an idea's way and, off the way, what stands in for a current step."""

    steps: tuple[Step, ...]
    side: str | None = None

    @property
    def current(self) -> int | None:
        """The index of the current step, or None when the idea is off the way."""
        return next((n for n, step in enumerate(self.steps) if step.state == "current"), None)


def step_of(status: IdeaStatus, phase: Phase) -> int | None:
    """The step `status` stands for in a consultation in `phase`; None off the way.

    A published idea has been checked; it is in the vote once its consultation opens voting,
    and stays there, waiting for staff to decide, once it closes.
    """
    if status == IdeaStatus.PUBLISHED:
        return CHECKED if phase in (Phase.DRAFT, Phase.PROPOSALS_OPEN) else VOTING
    return _STEPS.get(status)


def journey(status: IdeaStatus, phase: Phase, before: IdeaStatus | None = None) -> Journey:
    """The journey of an idea in `status`, in a consultation in `phase`.

    `before` is the status an idea off the way had before it left, so that the steps it did
    pass stay marked as passed (sent, at least: every idea was sent).
    """
    current = step_of(status, phase)
    if current is not None:
        return Journey(tuple(_steps(current, current)))
    reached = (step_of(before, phase) if before is not None else None) or SENT
    if status == IdeaStatus.NOT_TAKEN_FORWARD:
        # Being considered was not going ahead after all: only the steps before it were passed.
        reached = min(reached, GOING_AHEAD - 1)
    return Journey(tuple(_steps(reached, None)), side=SIDE_LABELS[status])


def idea_journey(idea: Idea, last_change: IdeaStatusChange | None = None) -> Journey:
    """The journey of `idea`; `last_change` is its latest status change, if the caller has it
    (it tells where an idea off the way left it)."""
    before = (
        last_change.from_status
        if last_change is not None and last_change.to_status == idea.status
        else None
    )
    return journey(idea.status, idea.consultation.phase, before)


def _steps(passed: int, current: int | None):
    """Each step, passed up to `passed`, with `current` as the current one."""
    for n, label in enumerate(STEP_LABELS):
        if n == current:
            yield Step(label, "current")
        else:
            yield Step(label, "done" if n <= passed else "todo")
