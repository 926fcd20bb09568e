"""The rules for notices: who is told what and when, reading them, and the kinds each person mutes.

A notice keeps only what it is about (its kind, the idea, the status the idea moved to),
never words: its words are made when it is shown, in the reader's language, from the idea
as it is then. Sending is part of the caller's transaction and costs one INSERT ... SELECT
per kind of notice, however many people are told, with muted kinds left out in the same
statement. A young person reading or muting their own notices is not a staff action, so
none of this is audited.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.access import may_read_idea
from app.extensions import db
from app.i18n import _l
from app.labels import STATUS_LABELS
from app.languages import bcp47
from app.models import (
    CodesignVolunteer,
    Idea,
    IdeaStatus,
    Notice,
    NoticeKind,
    NoticeMute,
    User,
    Vote,
    utcnow,
)
from app.pagination import Cursor, Page, paginate
from app.rules import RuleError

S = IdeaStatus
K = NoticeKind

# Staff's answers to an idea; any other move of it is told as news of another kind.
ANSWERS = frozenset({S.ACCEPTED, S.NOT_TAKEN_FORWARD, S.REJECTED})
# The moves that everyone who voted for an idea hears about.
TOLD_TO_VOTERS = frozenset({S.ACCEPTED, S.NOT_TAKEN_FORWARD, S.DELIVERED})
# The header counts unread notices up to here; beyond 99 it shows "99+".
UNREAD_CAP = 100
# A notice is shown with its idea, whose consultation decides who may read it (app.access).
_WITH_IDEA = joinedload(Notice.idea).joinedload(Idea.consultation)

# What each notice says, by its kind and the status its idea moved to. Short words and
# short sentences: the youngest readers are eight.
WORDS = {
    (K.IDEA_MOVED, S.PUBLISHED): _l(
        "Your idea “%(title)s” is on show now. Others can vote for it."
    ),
    (K.IDEA_MOVED, S.CHANGES_REQUESTED): _l(
        "Staff ask you to change your idea “%(title)s”. See what they said."
    ),
    (K.IDEA_MOVED, S.UNDER_CONSIDERATION): _l("Staff are now looking at your idea “%(title)s”."),
    (K.IDEA_MOVED, S.IN_CODESIGN): _l("Young people now help to plan your idea “%(title)s”."),
    (K.IDEA_MOVED, S.DELIVERED): _l("Your idea “%(title)s” is done! Come and see it."),
    (K.IDEA_MOVED, S.HIDDEN): _l("Staff have hidden your idea “%(title)s” for now. See why."),
    (K.IDEA_ANSWERED, S.ACCEPTED): _l("Good news! Staff said yes to your idea “%(title)s”."),
    (K.IDEA_ANSWERED, S.NOT_TAKEN_FORWARD): _l(
        "Staff have answered your idea “%(title)s”. They will not take it on this time."
    ),
    (K.IDEA_ANSWERED, S.REJECTED): _l(
        "Staff could not put your idea “%(title)s” on show. See why."
    ),
    (K.BACKED_IDEA_ANSWERED, S.ACCEPTED): _l("Staff said yes to “%(title)s”. You voted for it."),
    (K.BACKED_IDEA_ANSWERED, S.NOT_TAKEN_FORWARD): _l(
        "Staff will not take on “%(title)s” this time. You voted for it."
    ),
    (K.BACKED_IDEA_ANSWERED, S.DELIVERED): _l("“%(title)s” is done! You voted for it."),
}
# A merge, told to the people whose ideas were joined: about the idea they joined.
JOINED_YOURS = _l("A similar idea has joined your idea “%(title)s”.")
YOURS_JOINED = _l("Your idea has joined a similar idea: “%(title)s”.")
YOURS_MERGED = _l("Your idea “%(title)s” has joined a similar idea.")
HELP_ACCEPTED = _l("Staff said yes! You can help to plan “%(title)s”.")
HELP_ACCEPTED_SERVICE = _l("Staff said yes! You can help to plan a new service.")
# Any move with no words of its own still reads well.
MOVED = _l("There is news about your idea “%(title)s”: %(status)s.")
# Someone else's idea that is no longer on show is not named.
NOT_SHOWN = _l("There is news about an idea you follow. It is not on show now.")

# What each kind of notice is, as the settings page asks about it.
KIND_LABELS = {
    K.IDEA_MOVED: _l("When my idea moves on"),
    K.IDEA_ANSWERED: _l("When staff answer my idea"),
    K.BACKED_IDEA_ANSWERED: _l("When an idea I voted for gets an answer"),
    K.HELP_ACCEPTED: _l("When my offer to help plan is accepted"),
}


# Telling people -----------------------------------------------------------------------------


def _send(kind: NoticeKind, recipients: sa.Select, **about) -> int:
    """Give a notice of `kind` to everyone `recipients` selects, but those who muted it.

    `recipients` selects one column of user ids (and may filter them); `about` are the other
    columns (idea_id, status, codesign_service_id). One INSERT ... SELECT, not committed;
    returns how many were told.
    """
    user_id = recipients.selected_columns[0]
    muted = (
        select(NoticeMute.user_id)
        .where(NoticeMute.user_id == user_id, NoticeMute.kind == kind)
        .exists()
    )
    values = {"kind": kind, "created_at": utcnow(), **about}
    columns = Notice.__table__.c
    chosen = recipients.add_columns(
        *[sa.literal(value, columns[name].type) for name, value in values.items()]
    ).where(~muted)
    return db.session.execute(insert(Notice).from_select(["user_id", *values], chosen)).rowcount


def _person(user_id: int) -> sa.Select:
    """One person, as recipients for `_send`."""
    return select(sa.literal(user_id, sa.Integer))


def idea_moved(
    idea: Idea, from_status: IdeaStatus, to_status: IdeaStatus, actor: User | None
) -> None:
    """Tell the people who follow an idea that it moved from `from_status` to `to_status`.

    Its proposer hears of every move (an answer as an answer), except their own: withdrawing
    or resending one's idea tells one nothing. A merge into a known idea is told by
    `idea_merged`, which names the idea it joined. Everyone who voted for it, but its
    proposer and former members, hears when it is accepted, not taken forward or done.
    Not committed: part of the move's transaction (called by `advance_idea`).
    """
    author_id = idea.author_id
    merge = to_status == S.MERGED and idea.merged_into_id is not None
    # No actor: the system moved it (reports hid it), which its proposer hears of too.
    by_author = actor is not None and author_id == actor.id
    if author_id is not None and not by_author and not merge:
        kind = K.IDEA_ANSWERED if to_status in ANSWERS else K.IDEA_MOVED
        _send(kind, _person(author_id), idea_id=idea.id, status=to_status)
    if to_status in TOLD_TO_VOTERS and from_status != to_status:
        voters = select(Vote.user_id).where(Vote.idea_id == idea.id, Vote.user_id.is_not(None))
        if author_id is not None:
            voters = voters.where(Vote.user_id != author_id)
        _send(K.BACKED_IDEA_ANSWERED, voters, idea_id=idea.id, status=to_status)


def idea_merged(kept: Idea, merged: Idea) -> None:
    """Tell both proposers that `merged` joined `kept`: each notice is about the kept idea.

    Someone who proposed both ideas is told once. Not committed: part of the merge.
    """
    told = set()
    for author_id in (merged.author_id, kept.author_id):
        if author_id is not None and author_id not in told:
            _send(K.IDEA_MOVED, _person(author_id), idea_id=kept.id, status=S.MERGED)
            told.add(author_id)


def help_accepted(volunteer: CodesignVolunteer) -> None:
    """Tell a young person that staff accepted their offer to help design an idea.

    Not committed: part of the decision (called by `decide_volunteer`).
    """
    _send(
        K.HELP_ACCEPTED,
        _person(volunteer.user_id),
        idea_id=volunteer.idea_id,
        codesign_service_id=volunteer.idea.codesign_service_id,
    )


# Reading them -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownNotice:
    """A notice as its reader sees it: its words, and whether it may link to its idea."""

    notice: Notice
    words: str  # markup when it quotes an idea's title
    shows_idea: bool


def _may_see(notice: Notice, reader: User) -> bool:
    """The reader may read the notice's idea (app.access): their own, or one on show to all."""
    return notice.idea is not None and may_read_idea(reader, notice.idea)


def _with_title(words, idea, **values) -> Markup:
    """The notice's words as markup, quoting the idea's title as text marked with its language."""
    title = Markup('<bdi lang="%s" dir="auto">%s</bdi>') % (bcp47(idea.language), idea.title)
    return Markup(escape(str(words))) % {"title": title, **values}


def _words(notice: Notice) -> Markup:
    """What the notice says, in the reader's language (its idea must be one they may see)."""
    idea = notice.idea
    if notice.kind == K.HELP_ACCEPTED:
        return _with_title(HELP_ACCEPTED, idea)
    if notice.status == S.MERGED:
        if idea.author_id != notice.user_id:
            words = YOURS_JOINED
        else:
            words = YOURS_MERGED if idea.status == S.MERGED else JOINED_YOURS
        return _with_title(words, idea)
    words = WORDS.get((notice.kind, notice.status), MOVED)
    return _with_title(words, idea, status=STATUS_LABELS.get(notice.status, ""))


def shown(notice: Notice, reader: User) -> ShownNotice:
    """The notice with its words, made now for its reader; load its idea and consultation
    with it."""
    if _may_see(notice, reader):
        return ShownNotice(notice, _words(notice), True)
    if notice.kind == K.HELP_ACCEPTED and notice.idea is None:
        return ShownNotice(notice, str(HELP_ACCEPTED_SERVICE), False)
    return ShownNotice(notice, str(NOT_SHOWN), False)


def notices_page(user: User, cursor: Cursor | None = None) -> Page[ShownNotice]:
    """A page of `user`'s notices, newest first, each with its idea (one query)."""
    page = paginate(
        select(Notice).where(Notice.user_id == user.id).options(_WITH_IDEA),
        [Notice.id],
        cursor,
        descending=True,
    )
    return page.map(lambda notice: shown(notice, user))


def unread_count(user: User) -> int:
    """How many of `user`'s notices are unread, counting no further than UNREAD_CAP."""
    unread = (
        select(Notice.id)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .limit(UNREAD_CAP)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(unread))


def mark_read(user: User, notice_id: int) -> ShownNotice | None:
    """Mark one of `user`'s notices read; None if they have no such notice."""
    notice = db.session.execute(
        select(Notice).where(Notice.id == notice_id, Notice.user_id == user.id).options(_WITH_IDEA)
    ).scalar_one_or_none()
    if notice is None:
        return None
    if notice.read_at is None:
        notice.read_at = utcnow()
        db.session.commit()
    return shown(notice, user)


def mark_all_read(user: User) -> int:
    """Mark every unread notice of `user` read (one UPDATE); how many there were."""
    marked = db.session.execute(
        update(Notice)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return marked


# Choosing which kinds to get ----------------------------------------------------------------


def muted_kinds(user: User) -> set[NoticeKind]:
    """The kinds of notice `user` turned off (every kind is on until they turn it off)."""
    return set(
        db.session.execute(select(NoticeMute.kind).where(NoticeMute.user_id == user.id)).scalars()
    )


def set_muted_kinds(user: User, kinds: Iterable[NoticeKind]) -> None:
    """Turn off exactly these kinds of notice for `user`, and turn every other kind on."""
    db.session.execute(delete(NoticeMute).where(NoticeMute.user_id == user.id))
    db.session.add_all(NoticeMute(user_id=user.id, kind=kind) for kind in set(kinds))
    try:
        db.session.commit()
    except IntegrityError:  # the same person saved their choices twice at once
        db.session.rollback()
        raise RuleError(_l("Your choices changed just now. Please look and save again.")) from None
