"""Finding ideas in a consultation: search, filters, orders, similar ideas, what became of them.

Ideas are found by their searchable words (Idea.search_text, app/search_text.py), in which
every way of writing a letter is one: a search without short vowels finds an Arabic idea
written with them, one with Arabic yeh a Dari idea typed with Persian yeh. PostgreSQL also
searches through the English full-text index of ideas (`search_document()`, made by a
migration), which finds "clubs" for "club"; SQLite, the embedded default, reads the searchable
words with LIKE. Either way one consultation's public ideas at most.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from flask import current_app, session
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import aliased, selectinload

from app.extensions import db
from app.i18n import _l
from app.models import (
    PUBLIC_STATUSES,
    Consultation,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    Outcome,
    OutcomeLink,
    Phase,
)
from app.models.ideas import search_document
from app.outcome_plain_words import plain_words
from app.pagination import Cursor, InvalidCursor, Page, paginate
from app.search_text import searchable

S = IdeaStatus

# What has happened to an idea, in the words young people choose from: address value ->
# (label, the statuses it covers). Public statuses only; every public status is in one.
STATUS_FILTERS: dict[str, tuple[str, frozenset[IdeaStatus]]] = {
    "open": (_l("Open for votes"), frozenset({S.PUBLISHED})),
    "looked-at": (_l("Being looked at"), frozenset({S.UNDER_CONSIDERATION})),
    "going-ahead": (_l("Going ahead"), frozenset({S.ACCEPTED, S.IN_CODESIGN, S.DELIVERED})),
    "not-going-ahead": (_l("Not going ahead"), frozenset({S.NOT_TAKEN_FORWARD})),
}
# The orders young people choose from: address value -> label.
SORTS = {
    "mixed": _l("Mixed order"),
    "votes": _l("Most votes"),
    "newest": _l("Newest"),
}
# The most words of a search that are looked for, and the longest search kept.
SEARCH_MAX = 100
SEARCH_WORDS_MAX = 8
# Outcomes offered as a filter: every outcome there is, at most (the seeds list 52).
OUTCOME_CHOICES_MAX = 100
# The answered ideas the summary of a closed consultation names in each group; the rest are a
# link away, through the filter.
SUMMARY_IDEAS = 3


@dataclass(frozen=True)
class Filters:
    """What a young person asked to see: a search, a status, an outcome, and an order.

    `sort` is None when they did not choose one: the consultation's phase decides (`sort_for`).
    """

    q: str = ""
    status: str | None = None
    outcome: str | None = None
    sort: str | None = None

    @property
    def narrowed(self) -> bool:
        """True when only some of the ideas are asked for."""
        return bool(self.q or self.status or self.outcome)

    def sort_for(self, consultation: Consultation) -> str:
        """The order chosen, or else the usual one for the consultation's phase.

        While ideas come in and votes are cast, the mixed order: the first ideas shared would
        otherwise sit at the top and gather the most votes just for being first (and under
        "most votes", votes draw more votes). Once voting is over, most votes first, as the
        result.
        """
        if self.sort:
            return self.sort
        return "votes" if consultation.phase == Phase.CLOSED else "mixed"

    def args(self) -> dict[str, str]:
        """The filters as address arguments (only those given), for links that keep them."""
        values = {"q": self.q, "status": self.status, "outcome": self.outcome, "sort": self.sort}
        return {name: value for name, value in values.items() if value}


@dataclass(frozen=True)
class Parsed:
    """Filters read from an address, and what was wrong with it (those parts were ignored)."""

    filters: Filters
    problems: list[str] = field(default_factory=list)


def parse_filters(args: Mapping[str, str], outcome_codes: Collection[str]) -> Parsed:
    """The filters in an address's arguments; anything unknown is left out, and said so.

    An old link may name an outcome no idea here is linked to any more, or a word changed by
    hand: the page still shows ideas, with a message, rather than an error.
    """
    problems = []
    q = " ".join(str(args.get("q", "")).split())
    if len(q) > SEARCH_MAX:
        # At the last whole word: half a word would find nothing on PostgreSQL.
        q = q[: SEARCH_MAX + 1].rsplit(" ", 1)[0][:SEARCH_MAX]
        problems.append(_l("Searches use the first %(num)s letters only.", num=SEARCH_MAX))
    status = args.get("status") or None
    if status is not None and status not in STATUS_FILTERS:
        status = None
        problems.append(_l("We did not know that status, so ideas of every status are shown."))
    outcome = args.get("outcome") or None
    if outcome is not None and outcome not in outcome_codes:
        outcome = None
        problems.append(_l("No idea here is linked to that aim, so all ideas are shown."))
    sort = args.get("sort") or None
    if sort is not None and sort not in SORTS:
        sort = None
        problems.append(_l("We did not know that order, so the usual one is used."))
    return Parsed(Filters(q, status, outcome, sort), problems)


def _on_postgresql() -> bool:
    """True when the database is PostgreSQL, which has the full-text index."""
    return db.session.get_bind().dialect.name == "postgresql"


def _english() -> ColumnElement:
    """The text search configuration, written as a literal, as in the index."""
    return literal_column("'english'")


def _like_words(words: list[str], holder: ColumnElement = Idea.search_text) -> list[ColumnElement]:
    """For each word (searchable already): the idea's searchable words hold it.

    `autoescape` makes % and _ in a word match themselves, not any characters.
    """
    return [holder.contains(word, autoescape=True) for word in words]


def _search(q: str) -> ColumnElement:
    """Ideas whose words match a search: every word of it, as web searches do."""
    holding_every_word = and_(*_like_words(searchable(q).split()[:SEARCH_WORDS_MAX]))
    if _on_postgresql():
        # The very expression of the index ix_ideas_search, so the index can be used.
        # websearch_to_tsquery never refuses what is typed ("quotes", -words, or).
        english = search_document().bool_op("@@")(func.websearch_to_tsquery(_english(), q))
        return english | holding_every_word
    return holding_every_word


def _has_outcome(code: str) -> ColumnElement:
    """Ideas staff linked to the outcome with this code."""
    return (
        select(OutcomeLink.id)
        .join(Outcome, Outcome.id == OutcomeLink.outcome_id)
        .where(OutcomeLink.idea_id == Idea.id, Outcome.code == code)
        .exists()
    )


def _found(consultation: Consultation, filters: Filters) -> Select:
    """The public ideas of a consultation that the filters ask for, in no order."""
    statuses = STATUS_FILTERS[filters.status][1] if filters.status else PUBLIC_STATUSES
    statement = select(Idea).where(
        Idea.consultation_id == consultation.id, Idea.status.in_(sorted(statuses))
    )
    if filters.q:
        statement = statement.where(_search(filters.q))
    if filters.outcome:
        statement = statement.where(_has_outcome(filters.outcome))
    return statement


# The mixed order ranks ideas by a keyed hash of their id: the same order on every visit for one
# person, another order for someone else, and an early idea as likely to come anywhere as a
# late one. The hash is ((id * a + b) mod P) * ((id * c + d) mod P) mod P, with a, b, c, d
# from the person: a product of two lines, since one line alone (id * a + b mod P) puts
# consecutive ids in a visible pattern (8, 20, 9, 21, 10, 22...). P is a prime above any id;
# two ideas sharing a place are told apart by id. The arithmetic is the same in SQLite and
# PostgreSQL: every product stays below 2^62.
MIX_PRIME = 2_147_483_647


def mixing_key(viewer) -> tuple[int, int, int, int]:
    """The (a, b, c, d) of this person's mixed order; a visitor's comes from their session.

    Derived with the app's secret, so nobody can work out whose order a list is in.
    """
    if viewer.is_authenticated:
        key = f"person:{viewer.id}"
    else:
        if "mix" not in session:
            session["mix"] = secrets.randbelow(MIX_PRIME)
        key = f"visitor:{session['mix']}"
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, key.encode(), hashlib.sha256).digest()
    a, b, c, d = (1 + int.from_bytes(digest[n : n + 8]) % (MIX_PRIME - 1) for n in (0, 8, 16, 24))
    return a, b, c, d


def _mixed(viewer) -> ColumnElement:
    """An idea's place in this person's mixed order."""
    a, b, c, d = mixing_key(viewer)
    idea_id = cast(Idea.id, BigInteger)
    return ((idea_id * a + b) % MIX_PRIME) * ((idea_id * c + d) % MIX_PRIME) % MIX_PRIME


# Cursor values beyond 64-bit integers can only be made up; SQLite could not even take them.
_CURSOR_VALUE_MAX = 2**63 - 1


def find_ideas(
    consultation: Consultation, viewer, filters: Filters, cursor: Cursor | None = None
) -> Page[Idea]:
    """A page of the public ideas the filters ask for, in the order asked for (or usual).

    Two queries whatever the page: the ideas, then their authors. Joined in one, the authors
    were joined before the page was cut: the usual (shuffled) order has no index, so every
    idea of the consultation is sorted, and PostgreSQL hashed every account of the borough to
    join them (30 ms of a 2,000-idea page's 60 with 100,000 accounts).
    """
    if cursor and any(abs(v) > _CURSOR_VALUE_MAX for v in cursor.values if isinstance(v, int)):
        raise InvalidCursor()
    statement = _found(consultation, filters).options(selectinload(Idea.author))
    return paginate(
        statement, _sort_keys(filters.sort_for(consultation), viewer), cursor, descending=True
    )


def _sort_keys(sort: str, viewer) -> list[ColumnElement]:
    """The keys of an order, read from the largest down; unique together, for page cursors."""
    if sort == "votes":
        return [Idea.vote_count, Idea.id]
    if sort == "newest":
        return [Idea.id]
    return [_mixed(viewer), Idea.id]


def status_filters_found(consultation: Consultation, chosen: str | None = None) -> list[str]:
    """The status filters that would find some of the consultation's public ideas (and the one
    chosen, if any), in one query: while every idea is open for votes, there is nothing to
    choose between."""
    present = set(
        db.session.scalars(
            select(Idea.status)
            .where(
                Idea.consultation_id == consultation.id, Idea.status.in_(sorted(PUBLIC_STATUSES))
            )
            .distinct()
        )
    )
    return [
        key
        for key, (_label, statuses) in STATUS_FILTERS.items()
        if statuses & present or key == chosen
    ]


def count_found(consultation: Consultation, filters: Filters) -> int:
    """How many public ideas the filters find, in one query."""
    found = _found(consultation, filters).with_only_columns(
        func.count(), maintain_column_froms=True
    )
    return db.session.execute(found).scalar_one()


def outcome_choices(consultation: Consultation) -> list[tuple[str, str]]:
    """(code, plain words) of each outcome linked to a public idea of this consultation.

    One query, kept to a bound: the frameworks hold 52 outcomes in all.
    """
    linked = (
        select(OutcomeLink.id)
        .join(Idea, Idea.id == OutcomeLink.idea_id)
        .where(
            OutcomeLink.outcome_id == Outcome.id,
            Idea.consultation_id == consultation.id,
            Idea.status.in_(sorted(PUBLIC_STATUSES)),
        )
        .exists()
    )
    outcomes = db.session.execute(
        select(Outcome).where(linked).order_by(Outcome.id).limit(OUTCOME_CHOICES_MAX)
    ).scalars()
    return [(outcome.code, plain_words(outcome)) for outcome in outcomes]


# Similar ideas while proposing -------------------------------------------------------------

# A word is looked for if it is at least this long, and not one of these: words every idea
# uses, in any consultation of a library, say nothing about what an idea is.
WORD = re.compile(r"[^\W_]+")
WORD_MIN, WORD_MAX = 3, 40
# Ge'ez letters each write a syllable: two of them make a word that says something.
ETHIOPIC_WORD_MIN = 2
ETHIOPIC = re.compile("[\u1200-\u139f\u2d80-\u2ddf]")
SIMILAR_WORDS_MAX = 8
# In each of the deployment's languages; compared in their searchable form.
_STOP_WORDS = """
    about after again also and any are because been before being but can could did does doing
    for from get got had has have her here him his how into its just let like lot lots make
    more most much need new not now off one only our out over please really she should some
    than that the their them then there these they thing things this those too very want was
    way were what when where which who why will with would yes you your
    idea ideas library libraries young people person good great better best
    مكتبة المكتبة فكرة الفكرة نريد أريد هذا هذه التي الذي على إلى لكي بعد قبل عند كل أو
    أيضا جدا الشباب
    کتابخانه ایده فکر میخواهیم میخواهم میخواهیم برای این آن است که را با از در یک ما هم
    باید خیلی بعد
    کتابتون غواړو غواړم لپاره چې په کې یوه دا او هم ډېر وروسته
    کتێبخانە بۆ لە ئێمە ئەم ئەو دەمانەوێت دەمەوێت زۆر دوای
    бібліотека бібліотеці бібліотеки бібліотеку ідея хочемо хочу для щоб після також дуже
    можна треба буде нас наша наше наші які який яка або але
    ቤተ መጻሕፍቲ ኣብ ናይ ምስ ካብ ንደሊ ኢና እዩ እዚ ሓሳብ
"""
STOP_WORDS = frozenset(searchable(_STOP_WORDS).split())


def _long_enough(word: str) -> bool:
    """True when a word is long enough to say something, and not too long to be one."""
    shortest = ETHIOPIC_WORD_MIN if ETHIOPIC.match(word) else WORD_MIN
    return shortest <= len(word) <= WORD_MAX


def significant_words(text: str, limit: int = SIMILAR_WORDS_MAX) -> list[str]:
    """The words of `text` that say what it is about, searchable (app/search_text.py), each
    once, in order.

    Letters and digits only, so a word can never be read as search syntax.
    """
    words: list[str] = []
    for word in WORD.findall(searchable(text)):
        if _long_enough(word) and word not in STOP_WORDS and word not in words:
            words.append(word)
            if len(words) == limit:
                break
    return words


def _how_many(conditions: list[ColumnElement]) -> ColumnElement:
    """How many of these conditions hold for a row, in SQL."""
    return sum((case((condition, 1), else_=0) for condition in conditions), literal(0))


def _similar_on_postgresql(public_here: list[ColumnElement], words: list[str], needed: int):
    """Ideas holding any of the words, in English full text (the OR-query is built from plain
    words only) or in their searchable words, ranked by shared words, then full-text rank,
    then votes.

    Each candidate's words are worked out once, in a materialized CTE: PostgreSQL would
    otherwise parse the idea's text again for every word counted and for the rank.
    """
    either = func.to_tsquery(_english(), " | ".join(words))
    candidates = (
        select(Idea, search_document().label("document"))
        .where(
            *public_here,
            search_document().bool_op("@@")(either) | or_(*_like_words(words)),
        )
        .cte("candidates")
        .prefix_with("MATERIALIZED")
    )
    idea, document = aliased(Idea, candidates), candidates.c.document
    held = _like_words(words, candidates.c.search_text)
    shared = _how_many(
        [
            document.bool_op("@@")(func.to_tsquery(_english(), word)) | holds
            for word, holds in zip(words, held, strict=True)
        ]
    )
    rank = func.ts_rank(document, either)
    return (
        select(idea)
        .where(shared >= needed)
        .order_by(shared.desc(), rank.desc(), idea.vote_count.desc(), idea.id.desc())
    )


def _similar_on_sqlite(public_here: list[ColumnElement], words: list[str], needed: int):
    """Ideas holding the words anywhere in their title or description, most shared first."""
    shared = _how_many(_like_words(words))
    return (
        select(Idea)
        .where(*public_here, shared >= needed)
        .order_by(shared.desc(), Idea.vote_count.desc(), Idea.id.desc())
    )


def similar_ideas(
    consultation: Consultation, title: str, description: str = "", limit: int = 3
) -> list[Idea]:
    """Up to `limit` public ideas of this consultation that look like a new one, best first.

    Similar means sharing a significant word (of a title of one or two such words), or at
    least two; the most shared words come first, then (PostgreSQL) the best full-text rank,
    then the most votes. Only public ideas, so never the person's own ideas still waiting
    for staff. One query over one consultation's ideas.
    """
    words = significant_words(f"{title} {description}")
    if not words:
        return []
    needed = 1 if len(words) <= 2 else 2
    public_here = [
        Idea.consultation_id == consultation.id,
        Idea.status.in_(sorted(PUBLIC_STATUSES)),
    ]
    similar = _similar_on_postgresql if _on_postgresql() else _similar_on_sqlite
    return list(db.session.execute(similar(public_here, words, needed).limit(limit)).scalars())


# What became of the ideas, once a consultation is closed -------------------------------------


@dataclass(frozen=True)
class Answered:
    """One kind of answer (going ahead, or not): how many, and the first few with staff's words."""

    status: str  # a key of STATUS_FILTERS, for the link to all of them
    count: int
    ideas: list[tuple[Idea, IdeaStatusChange | None]]  # (idea, the step in which staff decided)

    @property
    def label(self) -> str:
        """The answer in plain words, as the status filter names it."""
        return STATUS_FILTERS[self.status][0]


@dataclass(frozen=True)
class Summary:
    """ "You said, we did" for one closed consultation."""

    ideas: int
    votes: int
    waiting: int  # ideas with no answer yet
    answered: list[Answered]


ANSWERS = ("going-ahead", "not-going-ahead")
_DECISIONS = (S.ACCEPTED, S.NOT_TAKEN_FORWARD)


def _decisions(ideas: list[Idea]) -> dict[int, IdeaStatusChange]:
    """The step in which staff accepted each idea or decided against it, with what they said
    and the language they said it in, in one query."""
    if not ideas:
        return {}
    latest = (
        select(func.max(IdeaStatusChange.id))
        .where(
            IdeaStatusChange.idea_id.in_([idea.id for idea in ideas]),
            IdeaStatusChange.to_status.in_(_DECISIONS),
        )
        .group_by(IdeaStatusChange.idea_id)
    )
    steps = db.session.execute(select(IdeaStatusChange).where(IdeaStatusChange.id.in_(latest)))
    return {step.idea_id: step for step in steps.scalars()}


def _first_answered(consultation: Consultation, status: str) -> list[Idea]:
    """The most supported few ideas with this answer."""
    statement = _found(consultation, Filters(status=status))
    statement = statement.order_by(Idea.vote_count.desc(), Idea.id.desc()).limit(SUMMARY_IDEAS)
    return list(db.session.execute(statement).scalars())


def closed_summary(consultation: Consultation) -> Summary:
    """How many ideas and votes young people gave, and what staff answered, with reasons.

    Counts only public ideas, so the figures match the list below them. At most four
    queries whatever the size: the counts by status, the first few of each answer, and
    their reasons.
    """
    rows = db.session.execute(
        select(Idea.status, func.count(), func.coalesce(func.sum(Idea.vote_count), 0))
        .where(Idea.consultation_id == consultation.id, Idea.status.in_(sorted(PUBLIC_STATUSES)))
        .group_by(Idea.status)
    ).all()
    counts = {status: count for status, count, _votes in rows}

    def in_group(key: str) -> int:
        return sum(counts.get(status, 0) for status in STATUS_FILTERS[key][1])

    firsts = {key: _first_answered(consultation, key) if in_group(key) else [] for key in ANSWERS}
    said = _decisions([idea for ideas in firsts.values() for idea in ideas])
    return Summary(
        ideas=sum(counts.values()),
        votes=sum(votes for _status, _count, votes in rows),
        waiting=in_group("open") + in_group("looked-at"),
        answered=[
            Answered(key, in_group(key), [(idea, said.get(idea.id)) for idea in firsts[key]])
            for key in ANSWERS
        ],
    )
