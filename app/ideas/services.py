"""The rules for ideas: proposing, the lifecycle, voting, and offering to co-design."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.access import acts_in, public_ideas
from app.audit import record
from app.extensions import db
from app.i18n import _l
from app.ideas.languages import languages, page_language
from app.live import events as live
from app.models import (
    PUBLIC_STATUSES,
    CodesignService,
    CodesignSession,
    CodesignVolunteer,
    Consultation,
    Idea,
    IdeaRevision,
    IdeaStatus,
    IdeaStatusChange,
    Phase,
    Role,
    ServiceStatusChange,
    User,
    VolunteerStatus,
    Vote,
    utcnow,
)
from app.notices import services as notices
from app.pagination import Cursor, Page, paginate
from app.personal_info import describe, personal_info_in
from app.rules import RuleError

S = IdeaStatus

# Where staff may move an idea from each status. Anything not listed is refused.
STAFF_TRANSITIONS: dict[IdeaStatus, frozenset[IdeaStatus]] = {
    S.PENDING: frozenset({S.PUBLISHED, S.CHANGES_REQUESTED, S.REJECTED, S.HIDDEN}),
    S.PUBLISHED: frozenset({S.UNDER_CONSIDERATION, S.HIDDEN}),
    S.UNDER_CONSIDERATION: frozenset({S.ACCEPTED, S.NOT_TAKEN_FORWARD, S.HIDDEN}),
    S.HIDDEN: frozenset({S.PUBLISHED}),
}
# An idea is merged only into the idea that stays, with its votes (app/moderation/merging.py),
# never by a decision alone.
# Accepted ideas go on to in_codesign and delivered with the co-designed service they join
# (app/codesign/services.py), never by a decision alone, so every idea in co-design has a service.
# Where an author may move their own idea.
AUTHOR_TRANSITIONS: dict[IdeaStatus, frozenset[IdeaStatus]] = {
    S.PENDING: frozenset({S.WITHDRAWN}),
    S.CHANGES_REQUESTED: frozenset({S.PENDING, S.WITHDRAWN}),
    S.PUBLISHED: frozenset({S.WITHDRAWN}),
}
# A decision that disappoints the author must tell them why.
NEEDS_MESSAGE = frozenset({S.CHANGES_REQUESTED, S.REJECTED, S.NOT_TAKEN_FORWARD, S.HIDDEN})
# Ideas that can still gather votes.
VOTABLE = frozenset({S.PUBLISHED, S.UNDER_CONSIDERATION})
# The vote budget rule: a vote spends one of the person's votes for as long as its idea can
# count votes again. Hidden ideas can be republished, so a vote for a hidden idea stays spent
# (its voter may take it back while voting is open); otherwise hiding an idea and republishing
# it would let a person hold more votes than the budget. Ideas decided on, withdrawn or merged
# never take votes again, so votes for them are given back to the budget.
BUDGETED = VOTABLE | {S.HIDDEN}

TITLE_MAX = 120
DESCRIPTION_MAX = 2000
MESSAGE_MAX = 1000


def check_text(title: str, description: str) -> tuple[str, str]:
    """Trim an idea's words and refuse empty or overlong ones."""
    title, description = title.strip(), description.strip()
    if not title or len(title) > TITLE_MAX:
        raise RuleError(_l("Give your idea a title of up to 120 characters."))
    if not description or len(description) > DESCRIPTION_MAX:
        raise RuleError(_l("Describe your idea in up to 2000 characters."))
    return title, description


def check_language(language: str) -> str:
    """Refuse a language the deployment does not offer."""
    if language not in languages():
        raise RuleError(_l("Choose the language of your idea from the list."))
    return language


def message_language_of(message: str, language: str | None) -> str:
    """The language of staff's message to a young person: the one staff chose (refused if
    the deployment does not offer it), or the page's, for the words written for them when
    they wrote none."""
    if not message.strip():
        return page_language()
    if language not in languages():
        raise RuleError(
            _l("Choose the language of your message from the list."), field="message_language"
        )
    return language


def _personal_info(text: str) -> str:
    """The kinds of personal information `text` seems to hold, in words; "" if none."""
    return describe(personal_info_in(text))


def _holds_personal_info(title: str, description: str) -> bool:
    """True if an idea's words seem to hold personal information, so staff must check them."""
    return bool(_personal_info(title) or _personal_info(description))


def advance_idea(
    idea: Idea,
    actor: User,
    to_status: IdeaStatus,
    message: str = "",
    *,
    message_language: str = "en",
    when=(),
    **values,
) -> bool:
    """Move an idea on from the status it was read in, with the step in its history.

    Not committed. The status changes only if nobody else changed it since the idea was read
    (and every condition in `when` still holds), so two decisions sent at once (a double
    click, two staff) never both take effect: the later one gets False and changes nothing.
    `values` are other columns set in the same statement; `message_language` is the language
    the message is written in.
    """
    from_status, was_public = idea.status, idea.is_public
    moved = db.session.execute(
        update(Idea)
        .where(Idea.id == idea.id, Idea.status == from_status, *when)
        .values(status=to_status, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        return False
    set_committed_value(idea, "status", to_status)
    for name, value in values.items():
        set_committed_value(idea, name, value)
    db.session.add(
        IdeaStatusChange(
            idea=idea,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            message=message,
            message_language=message_language,
        )
    )
    notices.idea_moved(idea, from_status, to_status, actor)
    live.idea_moved(idea, was_public)
    return True


def _move(
    idea: Idea, actor: User, to_status: IdeaStatus, message: str, message_language: str = "en"
) -> None:
    """Move an idea on (see `advance_idea`), or refuse if someone changed it just now."""
    if not advance_idea(idea, actor, to_status, message, message_language=message_language):
        db.session.rollback()
        raise RuleError(_l("Someone changed this idea just now. Please look at it again."))


def replace_words(idea: Idea, editor: User, title: str, description: str, reason: str) -> bool:
    """Give an idea new words, keeping the old ones as a revision only staff see.

    Staff may need what was taken out. The idea is held for staff while its new words seem to
    hold personal information; returns whether it is.
    """
    db.session.add(
        IdeaRevision(
            idea_id=idea.id,
            title=idea.title,
            description=idea.description,
            reason=reason,
            edited_by_id=editor.id,
        )
    )
    idea.title, idea.description = title, description
    idea.held_for_personal_info = _holds_personal_info(title, description)
    return idea.held_for_personal_info


def propose_idea(
    author: User, consultation: Consultation, title: str, description: str, language: str = "en"
) -> Idea:
    """A young person proposes an idea, in one of the deployment's languages; it waits for
    moderation as `pending`."""
    if author.role != Role.YOUNG_PERSON:
        raise RuleError(_l("Only young people can propose ideas."))
    if not consultation.accepts_proposals():
        raise RuleError(_l("This consultation is not taking new ideas at the moment."))
    title, description = check_text(title, description)
    idea = Idea(
        consultation=consultation,
        author=author,
        title=title,
        description=description,
        language=check_language(language),
        held_for_personal_info=_holds_personal_info(title, description),
    )
    db.session.add(idea)
    db.session.add(IdeaStatusChange(idea=idea, actor=author, from_status=None, to_status=S.PENDING))
    db.session.flush()
    live.idea_moved(idea, was_public=False)
    db.session.commit()
    return idea


def staff_next_statuses(idea: Idea) -> list[IdeaStatus]:
    """The statuses staff may move this idea to, in lifecycle order."""
    allowed = STAFF_TRANSITIONS.get(idea.status, frozenset())
    return [status for status in IdeaStatus if status in allowed]


def check_message(message: str | None) -> str:
    """Staff's words to a young person, trimmed: refused if too long or if they carry contact or
    personal details (the young person reads them, and the idea's public page may show them)."""
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise RuleError(_l("Please keep the message under 1000 characters."), field="message")
    found = _personal_info(message)
    if found:
        raise RuleError(
            _l(
                "Messages to young people never carry contact or personal details, and this "
                "one seems to include: %(kinds)s. Please say it another way.",
                kinds=found,
            ),
            field="message",
        )
    return message


def change_status(
    idea: Idea, actor: User, to_status: IdeaStatus, message: str = "", message_language: str = "en"
) -> None:
    """Staff move an idea along its lifecycle, with a message the author can read, in one of
    the deployment's languages."""
    if actor.role not in (Role.STAFF, Role.ADMIN):
        raise RuleError(_l("Only library staff can make that decision."))
    if not acts_in(actor, idea.consultation.library_service_id):
        raise RuleError(_l("Only staff of this idea's library service can make that decision."))
    if to_status not in STAFF_TRANSITIONS.get(idea.status, frozenset()):
        raise RuleError(_l("An idea cannot move from that status to that one."))
    message = message.strip()
    if to_status in NEEDS_MESSAGE and not message:
        raise RuleError(_l("Please write a message explaining this decision to the young person."))
    message_language = message_language_of(message, message_language)
    message = check_message(message)
    previous, held = idea.status, idea.held_for_personal_info
    _move(idea, actor, to_status, message, message_language)
    # Staff have looked at the words and decided, so the idea no longer waits for them.
    idea.held_for_personal_info = False
    detail = {"held_for_personal_info": True} if held else {}
    record(actor, "idea.status", idea, previous=previous.value, to=to_status.value, **detail)
    db.session.commit()


def approve_idea(idea: Idea, actor: User, message: str = "") -> None:
    """Staff approve a pending idea, which publishes it."""
    change_status(idea, actor, S.PUBLISHED, message)


def withdraw_idea(idea: Idea, author: User) -> None:
    """The author takes their idea back; its votes stay recorded but it leaves public view."""
    if idea.author_id != author.id:
        raise RuleError(_l("Only the person who proposed an idea can withdraw it."))
    if S.WITHDRAWN not in AUTHOR_TRANSITIONS.get(idea.status, frozenset()):
        raise RuleError(_l("This idea can no longer be withdrawn."))
    _move(idea, author, S.WITHDRAWN, "")
    db.session.commit()


def resubmit_idea(
    idea: Idea, author: User, title: str, description: str, language: str | None = None
) -> None:
    """The author edits an idea staff asked them to change (and the language it is in), and
    sends it back for moderation."""
    if idea.author_id != author.id:
        raise RuleError(_l("Only the person who proposed an idea can change it."))
    if idea.status != S.CHANGES_REQUESTED:
        raise RuleError(_l("This idea is not waiting for changes."))
    title, description = check_text(title, description)
    idea.language = check_language(language or idea.language)
    if (title, description) != (idea.title, idea.description):
        replace_words(idea, author, title, description, reason="edited")
    else:  # a staff decision lifted any hold; the same words are held again
        idea.held_for_personal_info = _holds_personal_info(title, description)
    _move(idea, author, S.PENDING, "")
    db.session.commit()


def can_vote_on(voter: User, idea: Idea) -> bool:
    """Whether this person could vote on this idea now (ignoring a vote already cast)."""
    return (
        voter.is_authenticated
        and voter.role == Role.YOUNG_PERSON
        and idea.status in VOTABLE
        and idea.consultation.accepts_votes()
    )


def _check_voting(voter: User, idea: Idea, statuses: frozenset[IdeaStatus] = VOTABLE) -> None:
    """Refuse a vote (or taking one back) when the rules do not allow it."""
    if voter.role != Role.YOUNG_PERSON:
        raise RuleError(_l("Only young people can vote."))
    if idea.status not in statuses:
        raise RuleError(_l("This idea is not open for votes."))
    if not idea.consultation.accepts_votes():
        raise RuleError(_l("Voting is not open in this consultation."))


# A whole class votes at once, so the statements of a vote are built once, written against
# the tables rather than the mapped classes, and run on the session's connection: they change
# no object the request holds, and skip the ORM's bookkeeping on the platform's busiest path.
_votes, _ideas, _users = Vote.__table__, Idea.__table__, User.__table__
# Only votes for ideas that can count votes again are counted (see BUDGETED).
_VOTES_USED = (
    select(func.count())
    .select_from(_votes.join(_ideas, _ideas.c.id == _votes.c.idea_id))
    .where(
        _votes.c.user_id == bindparam("user"),
        _ideas.c.consultation_id == bindparam("consultation"),
        _ideas.c.status.in_(sorted(BUDGETED)),
    )
)
# A write to the voter's own row that changes nothing: it holds the row until commit.
_HOLD_VOTER = update(_users).where(_users.c.id == bindparam("user")).values(id=_users.c.id)
_ADD_VOTE = insert(_votes)
_REMOVE_VOTE = delete(_votes).where(
    _votes.c.user_id == bindparam("user"), _votes.c.idea_id == bindparam("idea")
)


def _counting(statuses: frozenset[IdeaStatus]):
    """The change to an idea's count, made only while the idea is in one of `statuses`.

    The status was read before the vote row was written; an idea merged (or decided on) since
    then keeps its row locked until that commits, so this finds it moved and counts nothing.
    """
    return (
        update(_ideas)
        .where(_ideas.c.id == bindparam("idea"), _ideas.c.status.in_(sorted(statuses)))
        .values(
            vote_count=_ideas.c.vote_count + bindparam("change"), vote_seq=_ideas.c.vote_seq + 1
        )
        .returning(_ideas.c.vote_count, _ideas.c.vote_seq)
    )


# A vote is counted while its idea takes votes; one is taken back also from a hidden idea.
_COUNT_VOTE = {+1: _counting(VOTABLE), -1: _counting(BUDGETED)}


def _run(statement, **parameters):
    """Run one of the vote statements in the session's transaction."""
    return db.session.connection().execute(statement, parameters)


def votes_used(voter: User, consultation: Consultation) -> int:
    """How many of this person's votes in a consultation count against its budget."""
    return _run(_VOTES_USED, user=voter.id, consultation=consultation.id).scalar_one()


def votes_left(voter: User, consultation: Consultation) -> int | None:
    """Votes this young person may still cast here, or None when there is no budget to show."""
    if consultation.vote_budget is None or not voter.is_authenticated:
        return None
    if voter.role != Role.YOUNG_PERSON:
        return None
    return max(consultation.vote_budget - votes_used(voter, consultation), 0)


def ideas_voted_for(voter: User, consultation: Consultation) -> list[Idea]:
    """Ideas open for votes that hold this person's votes, oldest vote first (at most the budget).

    Shown once the budget is used, so that a vote can be taken back from wherever its idea sits
    in the list. The consultation page reads these with the person's other votes, and those
    on hidden ideas, in one statement (app/ideas/own_votes.py).
    """
    if consultation.vote_budget is None or not voter.is_authenticated:
        return []
    return list(
        db.session.execute(
            select(Idea)
            .join(Vote, Vote.idea_id == Idea.id)
            .where(
                Vote.user_id == voter.id,
                Idea.consultation_id == consultation.id,
                Idea.status.in_(sorted(VOTABLE)),
            )
            .order_by(Vote.id)
            .limit(consultation.vote_budget)
        ).scalars()
    )


def has_voted(voter: User, idea: Idea) -> bool:
    """True if this person supports this idea."""
    if not voter.is_authenticated:
        return False
    return (
        db.session.execute(
            select(Vote.id).where(Vote.user_id == voter.id, Vote.idea_id == idea.id)
        ).first()
        is not None
    )


def voted_idea_ids(voter: User, ideas: list[Idea]) -> set[int]:
    """Which of these ideas this person supports, in one query."""
    if not voter.is_authenticated or not ideas:
        return set()
    return set(
        db.session.execute(
            select(Vote.idea_id).where(
                Vote.user_id == voter.id, Vote.idea_id.in_([idea.id for idea in ideas])
            )
        ).scalars()
    )


@dataclass(frozen=True)
class Ballot:
    """Where one person's support for one idea stands: what their button and counts show."""

    voted: bool
    vote_count: int
    votes_left: int | None


def ballot(voter: User, idea: Idea) -> Ballot:
    """Read afresh whether this person supports the idea, its count and their votes left."""
    db.session.refresh(idea, ["vote_count"])
    return Ballot(has_voted(voter, idea), idea.vote_count, votes_left(voter, idea.consultation))


def _count_vote(idea: Idea, change: int) -> int:
    """Add `change` to the idea's vote count in the database; returns the new count.

    Live pages hear of the new count once the vote is committed.
    """
    counted = _run(_COUNT_VOTE[change], idea=idea.id, change=change).first()
    if counted is None:  # the idea moved on while the vote was on its way
        db.session.rollback()
        raise RuleError(_l("This idea changed just now and is not open for votes."))
    count, sequence = counted
    live.votes_changed(idea, count, sequence)
    return count


def cast_vote(voter: User, idea: Idea) -> Ballot:
    """Add this person's vote; a second vote, even sent at the same moment, never counts.

    A vote costs two writes (the vote row, the idea's count), plus a lock and a count when the
    consultation has a vote budget; the answer is built from what those statements return.
    """
    _check_voting(voter, idea)
    budget = idea.consultation.vote_budget
    used = 0
    if budget is not None:
        # Serialise one person's votes so the budget check cannot be raced: a write to the
        # voter's row (changing nothing) holds that row on PostgreSQL, and on SQLite it starts
        # the transaction holding the database's write lock, before anything is counted.
        _run(_HOLD_VOTER, user=voter.id)
        used = votes_used(voter, idea.consultation)
        if used >= budget:
            db.session.rollback()
            raise RuleError(_l("You have used all %(budget)s of your votes here.", budget=budget))
    try:
        _run(_ADD_VOTE, user_id=voter.id, idea_id=idea.id)
    except IntegrityError:  # the unique (person, idea) pair: this vote is already there
        db.session.rollback()
        raise RuleError(_l("You have already voted for this idea.")) from None
    count = _count_vote(idea, +1)
    db.session.commit()
    set_committed_value(idea, "vote_count", count)
    return Ballot(True, count, None if budget is None else budget - used - 1)


def withdraw_vote(voter: User, idea: Idea) -> Ballot:
    """Take this person's vote back while voting is open, also from an idea staff have hidden."""
    _check_voting(voter, idea, BUDGETED)
    removed = _run(_REMOVE_VOTE, user=voter.id, idea=idea.id).rowcount
    if removed != 1:
        db.session.rollback()
        raise RuleError(_l("You had not voted for this idea."))
    count = _count_vote(idea, -1)
    left = votes_left(voter, idea.consultation)
    db.session.commit()
    set_committed_value(idea, "vote_count", count)
    return Ballot(False, count, left)


# The most ideas a page asks fresh counts for at once (a page shows 20 more per "Show more").
COUNTS_MAX = 500


def vote_counts(consultation: Consultation, idea_ids: list[int]) -> list[Idea]:
    """The current vote counts of these public ideas of a consultation, in one query."""
    if not idea_ids:
        return []
    return list(
        db.session.execute(
            select(Idea).where(
                Idea.consultation_id == consultation.id,
                Idea.id.in_(idea_ids),
                Idea.status.in_(sorted(PUBLIC_STATUSES)),
            )
        ).scalars()
    )


def published_ideas(consultation: Consultation, cursor: Cursor | None = None) -> Page[Idea]:
    """A page of the ideas everyone can see in a consultation, most supported first."""
    return paginate(
        select(Idea)
        .where(Idea.consultation_id == consultation.id, Idea.status.in_(PUBLIC_STATUSES))
        .options(joinedload(Idea.author)),
        [Idea.vote_count, Idea.id],
        cursor,
        descending=True,
    )


def ideas_by_author(author: User, cursor: Cursor | None = None) -> Page[Idea]:
    """A page of what this person has proposed, newest first, whatever its status.

    Each idea comes with its consultation (its phase says where the idea is on its journey)
    and the co-designed service it became, if any, in the same query.
    """
    return paginate(
        select(Idea)
        .where(Idea.author_id == author.id)
        .options(joinedload(Idea.codesign_service), joinedload(Idea.consultation)),
        [Idea.id],
        cursor,
        descending=True,
    )


def latest_steps(ideas: list[Idea]) -> dict[int, IdeaStatusChange]:
    """The latest step in each idea's history (with staff's message), in one query."""
    if not ideas:
        return {}
    latest = (
        select(func.max(IdeaStatusChange.id))
        .where(IdeaStatusChange.idea_id.in_([idea.id for idea in ideas]))
        .group_by(IdeaStatusChange.idea_id)
    )
    steps = db.session.execute(
        select(IdeaStatusChange).where(IdeaStatusChange.id.in_(latest))
    ).scalars()
    return {step.idea_id: step for step in steps}


def _is_over(now: datetime):
    """Consultations that are over: closed by staff, or past their closing time."""
    return (Consultation.phase == Phase.CLOSED) | (
        Consultation.closes_at.is_not(None) & (Consultation.closes_at <= now)
    )


def open_consultations(cursor: Cursor | None = None) -> Page[Consultation]:
    """A page of the consultations young people can take part in, or soon can (public, not
    over), newest first."""
    return _public_consultations(~_is_over(utcnow()), cursor)


def closed_consultations(cursor: Cursor | None = None) -> Page[Consultation]:
    """A page of the public consultations that are over, newest first."""
    return _public_consultations(_is_over(utcnow()), cursor)


def _public_consultations(condition, cursor: Cursor | None) -> Page[Consultation]:
    """A page of the consultations young people can see (not drafts) that meet `condition`."""
    return paginate(
        select(Consultation)
        .where(Consultation.phase != Phase.DRAFT, condition)
        .options(joinedload(Consultation.library_service), joinedload(Consultation.branch)),
        [Consultation.id],
        cursor,
        descending=True,
    )


# Offering to help design an idea ------------------------------------------------------------

V = VolunteerStatus
# Ideas young people may offer to help design: accepted, or already being designed.
OPEN_FOR_CODESIGNERS = frozenset({S.ACCEPTED, S.IN_CODESIGN})
# Offers the young person can still take back, or change whether their name is shown.
LIVE_OFFERS = frozenset({V.OFFERED, V.ACCEPTED})


def open_for_codesigners(idea: Idea) -> bool:
    """True while young people may offer to help design this idea."""
    return idea.status in OPEN_FOR_CODESIGNERS


def offer_of(user: User, idea: Idea) -> CodesignVolunteer | None:
    """This young person's offer to help design this idea, whatever its status, if any."""
    if not user.is_authenticated or user.role != Role.YOUNG_PERSON:
        return None
    return db.session.execute(
        select(CodesignVolunteer).where(
            CodesignVolunteer.idea_id == idea.id, CodesignVolunteer.user_id == user.id
        )
    ).scalar_one_or_none()


_ALREADY_OFFERED = _l("You have already offered to help design this idea.")


def offer_to_codesign(idea: Idea, user: User, credit_publicly: bool) -> CodesignVolunteer:
    """A young person offers to help design an accepted (or in co-design) idea.

    One offer per person per idea, kept by the database even when two arrive at once. An
    offer taken back may be made again; one staff declined may not. Staff accept or decline
    it; the person's pseudonym is shown publicly only if `credit_publicly` and accepted.
    """
    if user.role != Role.YOUNG_PERSON:
        raise RuleError(_l("Only young people can offer to help design an idea."))
    if not open_for_codesigners(idea):
        raise RuleError(_l("This idea is not looking for people to help design it."))
    credit_publicly = bool(credit_publicly)
    volunteer = offer_of(user, idea)
    if volunteer is not None:
        if volunteer.status == V.DECLINED:
            raise RuleError(
                _l(
                    "Library staff have already answered your offer for this idea. "
                    "Thank you for offering."
                )
            )
        if volunteer.status != V.WITHDRAWN:
            raise RuleError(_ALREADY_OFFERED)
        # Made again: only if it is still withdrawn, so two at once renew it once.
        renewed = db.session.execute(
            update(CodesignVolunteer)
            .where(CodesignVolunteer.id == volunteer.id, CodesignVolunteer.status == V.WITHDRAWN)
            .values(
                status=V.OFFERED,
                credit_publicly=credit_publicly,
                decided_by_id=None,
                decided_at=None,
                created_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if renewed != 1:
            db.session.rollback()
            raise RuleError(_ALREADY_OFFERED)
        db.session.expire(volunteer)
        action = "codesign.offer_again"
    else:
        volunteer = CodesignVolunteer(
            idea_id=idea.id, user_id=user.id, credit_publicly=credit_publicly
        )
        db.session.add(volunteer)
        try:
            db.session.flush()
        except IntegrityError:  # the unique (idea, person) pair: an offer sent at the same time
            db.session.rollback()
            raise RuleError(_ALREADY_OFFERED) from None
        action = "codesign.offer"
    record(user, action, volunteer, idea=idea.id, credit_publicly=credit_publicly)
    db.session.commit()
    return volunteer


def _check_own_live_offer(volunteer: CodesignVolunteer, user: User) -> None:
    """Refuse anyone but the young person who offered, and offers no longer open."""
    if volunteer.user_id != user.id:
        raise RuleError(_l("Only the person who offered can change this offer."))
    if volunteer.status not in LIVE_OFFERS:
        raise RuleError(_l("This offer is no longer open, so it cannot be changed."))


def withdraw_offer(volunteer: CodesignVolunteer, user: User) -> None:
    """The young person takes back their offer while it waits or after staff accepted it."""
    _check_own_live_offer(volunteer, user)
    previous = volunteer.status
    # Only if it is still open: staff declining at the same moment wins, and is reported.
    withdrawn = db.session.execute(
        update(CodesignVolunteer)
        .where(CodesignVolunteer.id == volunteer.id, CodesignVolunteer.status.in_(LIVE_OFFERS))
        .values(status=V.WITHDRAWN)
        .execution_options(synchronize_session=False)
    ).rowcount
    if withdrawn != 1:
        db.session.rollback()
        raise RuleError(_l("Your offer changed just now. Please look at it again."))
    set_committed_value(volunteer, "status", V.WITHDRAWN)
    record(user, "codesign.withdraw", volunteer, idea=volunteer.idea_id, previous=previous.value)
    db.session.commit()


def set_credit(volunteer: CodesignVolunteer, user: User, credit_publicly: bool) -> None:
    """The young person chooses whether their pseudonym is shown as a co-designer."""
    _check_own_live_offer(volunteer, user)
    volunteer.credit_publicly = bool(credit_publicly)
    record(
        user,
        "codesign.credit",
        volunteer,
        idea=volunteer.idea_id,
        credit_publicly=volunteer.credit_publicly,
    )
    db.session.commit()


# What ideas became: "You said, we did" and the public service pages ------------------------


@dataclass(frozen=True)
class ServiceStory:
    """A co-designed service as young people read it: what happened, and whose ideas."""

    service: CodesignService
    latest: ServiceStatusChange | None
    ideas: list[Idea] = field(default_factory=list)
    co_designers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PublicService:
    """Everything a service's public page shows; no person but credited co-designers."""

    service: CodesignService
    ideas: list[Idea]
    co_designers: list[str]
    sessions_held: int
    attendance: int


# The newest step in a service's history: "most recently changed first" follows it.
_LAST_CHANGE = func.coalesce(
    select(func.max(ServiceStatusChange.id))
    .where(ServiceStatusChange.service_id == CodesignService.id)
    .correlate(CodesignService)
    .scalar_subquery(),
    0,
)


def latest_service_steps(service_ids: list[int]) -> dict[int, ServiceStatusChange]:
    """The latest step in each service's history (with its public message), in one query."""
    if not service_ids:
        return {}
    latest = (
        select(func.max(ServiceStatusChange.id))
        .where(ServiceStatusChange.service_id.in_(service_ids))
        .group_by(ServiceStatusChange.service_id)
    )
    steps = db.session.execute(
        select(ServiceStatusChange).where(ServiceStatusChange.id.in_(latest))
    ).scalars()
    return {step.service_id: step for step in steps}


def public_ideas_of(service_ids: list[int]) -> dict[int, list[Idea]]:
    """The public ideas behind each service, most votes first, in one query."""
    if not service_ids:
        return {}
    ideas: dict[int, list[Idea]] = {}
    for idea in db.session.execute(
        select(Idea)
        .where(Idea.codesign_service_id.in_(service_ids), public_ideas())
        .order_by(Idea.vote_count.desc(), Idea.id)
    ).scalars():
        ideas.setdefault(idea.codesign_service_id, []).append(idea)
    return ideas


def credited_codesigners(service_ids: list[int]) -> dict[int, list[str]]:
    """Pseudonyms of each service's accepted co-designers who chose to be named, in one query.

    Nobody else is ever named: not those waiting, declined or withdrawn, not those who said
    no to being named, and not locked accounts.
    """
    if not service_ids:
        return {}
    rows = db.session.execute(
        select(Idea.codesign_service_id, User.username)
        .select_from(CodesignVolunteer)
        .join(Idea, Idea.id == CodesignVolunteer.idea_id)
        .join(User, User.id == CodesignVolunteer.user_id)
        .where(
            Idea.codesign_service_id.in_(service_ids),
            CodesignVolunteer.status == V.ACCEPTED,
            CodesignVolunteer.credit_publicly.is_(True),
            User.active.is_(True),
        )
        .distinct()
        .order_by(Idea.codesign_service_id, User.username)
    ).all()
    names: dict[int, list[str]] = {}
    for service_id, username in rows:
        names.setdefault(service_id, []).append(username)
    return names


def you_said_we_did(cursor: Cursor | None = None) -> Page[ServiceStory]:
    """A page of co-designed services, most recently changed first, with their stories.

    Four queries whatever the page: the services, then their latest steps, their ideas and
    their credited co-designers, one query each.
    """
    page = paginate(
        select(CodesignService).options(joinedload(CodesignService.library_service)),
        [_LAST_CHANGE, CodesignService.id],
        cursor,
        descending=True,
    )
    ids = [service.id for service in page.items]
    steps, ideas, names = latest_service_steps(ids), public_ideas_of(ids), credited_codesigners(ids)
    return page.map(
        lambda service: ServiceStory(
            service, steps.get(service.id), ideas.get(service.id, []), names.get(service.id, [])
        )
    )


def service_exists(service_id: int) -> bool:
    """True if there is a co-designed service with this id (its page is public)."""
    return db.session.get(CodesignService, service_id) is not None


def public_service(service_id: int) -> PublicService | None:
    """A service's public page: what, for whom, where, what happened, whose ideas, who helped.

    Sessions are only counted (how many, how many came), never described or named.
    """
    service = db.session.execute(
        select(CodesignService)
        .where(CodesignService.id == service_id)
        .options(
            joinedload(CodesignService.library_service),
            selectinload(CodesignService.branches),
            selectinload(CodesignService.partners),
            selectinload(CodesignService.history),
        )
    ).scalar_one_or_none()
    if service is None:
        return None
    attendance = db.session.execute(
        select(CodesignSession.attendance).where(CodesignSession.service_id == service.id)
    ).scalars()
    counts = [
        sum(n for n in (came or {}).values() if isinstance(n, int) and n > 0) for came in attendance
    ]
    return PublicService(
        service=service,
        ideas=public_ideas_of([service.id]).get(service.id, []),
        co_designers=credited_codesigners([service.id]).get(service.id, []),
        sessions_held=len(counts),
        attendance=sum(counts),
    )
