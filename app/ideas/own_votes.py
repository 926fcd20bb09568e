"""A person's own votes as a consultation page shows them, read in one statement."""

from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, or_, select

from app.extensions import db
from app.ideas.services import BUDGETED, VOTABLE, S
from app.models import Consultation, Idea, Role, User, Vote

# The kinds of vote the page tells apart: each of the first two is ranked in its own order.
_OPEN, _HIDDEN, _OTHER = 0, 1, 2


@dataclass(frozen=True)
class OwnVotes:
    """What a consultation page shows of one person's votes."""

    voted: set[int] = field(default_factory=set)
    """The ideas on the page this person voted for."""
    votes_left: int | None = None
    """Votes they may still cast here; None when there is no budget to show."""
    voted_for: list[Idea] = field(default_factory=list)
    """Ideas open for votes holding their votes, oldest vote first ("Your votes")."""
    hidden: list[Idea] = field(default_factory=list)
    """Ideas staff have hidden that still hold their votes, by idea."""


def own_votes(voter: User, consultation: Consultation, shown: list[Idea]) -> OwnVotes:
    """Which of the `shown` ideas this person voted for, their votes left in a consultation
    with a budget, and the ideas holding that budget, in one statement (none for a visitor).

    It answers what services.voted_idea_ids, votes_left and ideas_voted_for answer, and the
    votes on hidden ideas. Votes on ideas open for votes and on hidden ideas are each ranked in
    their own order and only the first `budget` of each are read: staff may lower a budget
    below the votes someone holds, and then fewer rows still say that none is left. So the
    rows are at most the shown ideas and twice the budget.
    """
    budget = consultation.vote_budget
    if not voter.is_authenticated or (budget is None and not shown):
        return OwnVotes()
    shown_ids = [idea.id for idea in shown]
    wanted = [Idea.id.in_(shown_ids)]
    if budget is not None:
        wanted.append(
            and_(Idea.consultation_id == consultation.id, Idea.status.in_(sorted(BUDGETED)))
        )
    hidden = Idea.status == S.HIDDEN
    kind = case((hidden, _HIDDEN), (Idea.status.in_(sorted(VOTABLE)), _OPEN), else_=_OTHER)
    ranked = (
        select(
            Vote.idea_id,
            kind.label("kind"),
            func.row_number()
            .over(partition_by=kind, order_by=case((hidden, Idea.id), else_=Vote.id))
            .label("place"),
        )
        .join(Idea, Idea.id == Vote.idea_id)
        .where(Vote.user_id == voter.id, or_(*wanted))
        .subquery()
    )
    rows = db.session.execute(
        select(Idea, ranked.c.kind, ranked.c.place)
        .join(ranked, ranked.c.idea_id == Idea.id)
        .where(or_(Idea.id.in_(shown_ids), ranked.c.place <= (budget or 0)))
        .order_by(ranked.c.place)
    ).all()
    voted = {idea.id for idea, _kind, _place in rows} & set(shown_ids)
    if budget is None:
        return OwnVotes(voted=voted)
    held = {
        wanted_kind: [idea for idea, kind, place in rows if kind == wanted_kind and place <= budget]
        for wanted_kind in (_OPEN, _HIDDEN)
    }
    used = len(held[_OPEN]) + len(held[_HIDDEN])
    return OwnVotes(
        voted=voted,
        votes_left=max(budget - used, 0) if voter.role == Role.YOUNG_PERSON else None,
        voted_for=held[_OPEN],
        hidden=held[_HIDDEN],
    )
