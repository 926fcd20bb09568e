"""Merging duplicate ideas: staff join an idea into a very similar one that stays.

The duplicate's votes move to the idea that stays. A person who voted for both is counted
once: their vote for the duplicate is deleted, and since it was for an idea that can no
longer take votes it no longer spends their budget (`BUDGETED`), so they have it back. Both
proposers are told, and the idea that stays credits the proposers of the ideas merged into it.

Outcome links stay with the duplicate: each says why staff judged *that* idea's words to serve
an outcome, so staff link the idea that stays themselves (the confirm page lists them).
"""

from dataclasses import dataclass

from sqlalchemy import Integer, and_, delete, exists, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from app.access import refuse_unless_staff_of
from app.audit import record
from app.extensions import db
from app.i18n import _l
from app.ideas.services import VOTABLE, advance_idea, check_message, message_language_of
from app.live import events as live
from app.models import Idea, IdeaStatus, User, Vote
from app.models.types import ROW_ID_MAX
from app.notices import services as notices
from app.rules import RuleError
from app.search_text import searchable

# Ideas that may be merged, either way: those still taking votes.
MERGEABLE = VOTABLE
# The most ideas offered to merge into: the most supported first, or those a search finds.
CANDIDATES_MAX = 50
SEARCH_MAX = 100
# The most proposers credited by name on the idea that stays; more are counted.
CREDITED_MAX = 10

# Told to the duplicate's author, unless staff write their own words.
JOINED = _l(
    "Your idea was very like another idea, so library staff joined them. Its votes went with "
    "it, and you are named on the idea that stays."
)

_votes, _ideas = Vote.__table__, Idea.__table__


@dataclass(frozen=True)
class MergePlan:
    """What merging `duplicate` into `kept` does to votes, as staff are shown before and after.

    `moving` votes move to the idea that stays; `both` people voted for both ideas, so they
    are counted once and get a vote back.
    """

    duplicate: Idea
    kept: Idea
    moving: int
    both: int


def duplicate_refusal(duplicate: Idea) -> str | None:
    """Why this idea cannot join another, in words; None if it can."""
    if duplicate.status not in MERGEABLE:
        return _l("Only published ideas, or ideas being considered, can be merged.")
    return None


def refusal(duplicate: Idea, kept: Idea) -> str | None:
    """Why these two ideas cannot be merged this way round, in words; None if they can."""
    if duplicate_refusal(duplicate):
        return duplicate_refusal(duplicate)
    if duplicate.id == kept.id:
        return _l("An idea cannot be merged into itself. Please choose another idea.")
    if duplicate.consultation_id != kept.consultation_id:
        return _l("Only ideas answering the same question can be merged.")
    if kept.status not in MERGEABLE:
        return _l("Please choose an idea that is published or being considered to keep.")
    return None


def _check(duplicate: Idea, kept: Idea, actor: User) -> None:
    """Refuse a merge staff of this library service may not make, or that cannot be made."""
    refuse_unless_staff_of(actor, duplicate.consultation.library_service_id)
    why_not = refusal(duplicate, kept)
    if why_not:
        raise RuleError(why_not)


def _voted_for_kept(kept_id):
    """The condition that a duplicate's vote comes from someone who voted for the kept idea."""
    theirs = aliased(Vote)
    return and_(
        Vote.user_id.is_not(None),
        exists().where(theirs.idea_id == kept_id, theirs.user_id == Vote.user_id),
    )


def plan_merge(duplicate: Idea, kept: Idea, actor: User) -> MergePlan:
    """What merging would do to votes, counted in one query, without changing anything."""
    _check(duplicate, kept, actor)
    both = _voted_for_kept(kept.id)
    total, counted_once = db.session.execute(
        select(func.count(Vote.id), func.count(Vote.id).filter(both)).where(
            Vote.idea_id == duplicate.id
        )
    ).one()
    return MergePlan(duplicate, kept, total - counted_once, counted_once)


def candidates(duplicate: Idea, search: str = "") -> list[Idea]:
    """Ideas of the same question `duplicate` could join: the most supported first.

    A search finds them by their words, however their letters are written (app/search_text.py),
    or by number; at most CANDIDATES_MAX either way.
    """
    statement = select(Idea).where(
        Idea.consultation_id == duplicate.consultation_id,
        Idea.status.in_(sorted(MERGEABLE)),
        Idea.id != duplicate.id,
    )
    search = search.strip()[:SEARCH_MAX]
    if search:
        by_title = Idea.search_text.contains(searchable(search), autoescape=True)
        number = search.removeprefix("#")
        if number.isdecimal() and 0 < int(number) <= ROW_ID_MAX:
            by_title = or_(by_title, Idea.id == int(number))
        statement = statement.where(by_title)
    return list(
        db.session.execute(
            statement.order_by(Idea.vote_count.desc(), Idea.id).limit(CANDIDATES_MAX)
        ).scalars()
    )


def _message(message: str) -> str:
    """Staff's words to the duplicate's author, or ours; refused if too long or personal."""
    return check_message(message) or str(JOINED)


def _insert_ignoring_pairs_there():
    """An INSERT that skips a (person, idea) pair already there rather than failing."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(_votes)


def _move_votes(duplicate: Idea, kept: Idea) -> tuple[int, int]:
    """Move the duplicate's votes to the kept idea in set-based statements.

    A vote moves unless its voter also voted for the kept idea (or does so at this very
    moment): then the pair is there already and the duplicate's vote is only deleted. Votes
    by former members (no person) always move. Returns (moved, counted once).
    """
    # Run on the session's connection, as the vote statements are: Core, with true row counts.
    run = db.session.connection().execute
    moved = run(
        _insert_ignoring_pairs_there()
        .from_select(
            ["user_id", "idea_id", "created_at"],
            select(_votes.c.user_id, literal(kept.id, Integer), _votes.c.created_at).where(
                _votes.c.idea_id == duplicate.id
            ),
        )
        .on_conflict_do_nothing()
        .execution_options(preserve_rowcount=True)  # an INSERT's count is kept only if asked
    ).rowcount
    deleted = run(delete(_votes).where(_votes.c.idea_id == duplicate.id)).rowcount
    return moved, deleted - moved


def _recount(idea: Idea, count=None) -> int:
    """Set the idea's vote count from its votes (or to `count`), telling live pages; returns it."""
    if count is None:
        count = select(func.count(_votes.c.id)).where(_votes.c.idea_id == idea.id)
        count = count.scalar_subquery()
    count, sequence = db.session.execute(
        update(_ideas)
        .where(_ideas.c.id == idea.id)
        .values(vote_count=count, vote_seq=_ideas.c.vote_seq + 1)
        .returning(_ideas.c.vote_count, _ideas.c.vote_seq)
    ).one()
    set_committed_value(idea, "vote_count", count)
    live.votes_changed(idea, count, sequence)
    return count


def _changed_just_now() -> RuleError:
    """Roll back, and say why nothing was merged."""
    db.session.rollback()
    return RuleError(_l("Someone changed these ideas just now. Please look at them again."))


def merge_ideas(
    duplicate: Idea, kept: Idea, actor: User, message: str = "", message_language: str = "en"
) -> MergePlan:
    """Staff merge `duplicate` into `kept`, in one transaction; returns what happened to votes.

    Locks are taken in the order votes take them (vote rows, then idea rows), so a vote cast
    or taken back at the same moment waits for the merge or the merge waits for it: the
    duplicate's votes are locked first, then the duplicate moves to merged (a vote on its
    way then finds it merged and is refused, see `_count_vote`), its votes move, and the kept
    idea, still votable, is locked before it is counted, so a vote for it racing the merge is
    counted once, on top. If the database still finds the two waiting for each other, nothing
    is merged and staff are asked to look again.
    """
    _check(duplicate, kept, actor)
    message_language = message_language_of(message, message_language)
    message = _message(message)
    try:
        db.session.execute(
            select(_votes.c.id).where(_votes.c.idea_id == duplicate.id).with_for_update()
        )
        if not advance_idea(
            duplicate,
            actor,
            IdeaStatus.MERGED,
            message,
            message_language=message_language,
            merged_into_id=kept.id,
        ):
            raise _changed_just_now()
        moved, both = _move_votes(duplicate, kept)
        still_votable = db.session.execute(
            select(_ideas.c.id)
            .where(_ideas.c.id == kept.id, _ideas.c.status.in_(sorted(MERGEABLE)))
            .with_for_update(key_share=True)
        ).first()
        if still_votable is None:
            raise _changed_just_now()
        _recount(duplicate, 0)
        _recount(kept)
    except OperationalError:  # a deadlock found and broken by the database
        raise _changed_just_now() from None
    notices.idea_merged(kept, duplicate)
    record(actor, "idea.merge", duplicate, into=kept.id, moved=moved, counted_once=both)
    db.session.commit()
    return MergePlan(duplicate, kept, moved, both)


# Credit on the idea that stays, and the way from a merged idea to it --------------------------


@dataclass(frozen=True)
class MergeCredit:
    """Who else suggested an idea (ideas merged into it), and what a merged idea joined."""

    names: list[str]
    more: int
    joined: Idea | None


def merge_credit(idea: Idea) -> MergeCredit:
    """The proposers of ideas merged into this one (a few by name, the rest counted), or,
    for a merged idea, the idea it joined. One query, however many were merged.
    """
    if idea.status == IdeaStatus.MERGED:
        return MergeCredit([], 0, idea.merged_into)
    rows = db.session.execute(
        select(User.username, func.count().over())
        .select_from(Idea)
        .outerjoin(User, User.id == Idea.author_id)
        .where(
            Idea.merged_into_id == idea.id,
            Idea.status == IdeaStatus.MERGED,
            # Someone who proposed both ideas is not credited beside themselves.
            or_(Idea.author_id.is_(None), Idea.author_id != idea.author_id),
        )
        .order_by(Idea.id)
        .limit(CREDITED_MAX)
    ).all()
    if not rows:
        return MergeCredit([], 0, None)
    return MergeCredit([name for name, _ in rows], rows[0][1] - len(rows), None)
