"""Totals of the optional "about you" answers, the only way anyone but the person sees them.

`about_you_totals(scope)` is one query: the answers of young people who took part in the
scope, counted by question and answer, with one more row saying whether any library service in
the scope asks at all. Nothing here, or anywhere, lists one person's answers.
"""

from __future__ import annotations

from sqlalchemy import String, cast, func, literal, null, select, union, union_all

from app.evidence.coverage import Scope, in_period, in_scope
from app.evidence.tables import Column, FigureTable, figure_table
from app.extensions import db
from app.i18n import _, _l
from app.models import (
    AboutYouAnswer,
    AboutYouQuestion,
    AboutYouResponse,
    Consultation,
    Idea,
    LibraryService,
    Role,
    User,
    Vote,
)


def _asking_services(scope: Scope):
    """The scope's library services that ask the questions."""
    return select(LibraryService.id).where(
        LibraryService.asks_about_you.is_(True), *in_scope(scope, LibraryService.id)
    )


def _took_part(scope: Scope):
    """Everyone who proposed or voted in the scope's consultations, in its period.

    Only library services that ask count: one that has not switched the questions on has not
    chosen equality monitoring, so its young people's answers are not counted for it.
    """
    asking = _asking_services(scope).scalar_subquery()

    def asked(statement, when):
        """`statement` kept to the asking services' consultations in scope, in the period."""
        return statement.join(Consultation, Consultation.id == Idea.consultation_id).where(
            Consultation.library_service_id.in_(asking),
            *in_period(when, scope),
            *in_scope(scope, consultation=Consultation.id),
        )

    proposed = asked(select(Idea.author_id.label("user_id")), Idea.created_at)
    voted = asked(
        select(Vote.user_id.label("user_id")).join(Idea, Idea.id == Vote.idea_id), Vote.created_at
    )
    return union(proposed, voted)


def _counts(scope: Scope) -> tuple[dict[tuple[str, str], int], bool]:
    """The answers' counts by (question, answer), and whether any service in scope asks."""
    answers = (
        select(
            cast(AboutYouResponse.question, String).label("question"),
            cast(AboutYouResponse.answer, String).label("answer"),
            func.count().label("people"),
        )
        .join(User, User.id == AboutYouResponse.user_id)
        .where(
            User.role == Role.YOUNG_PERSON,
            AboutYouResponse.user_id.in_(_took_part(scope).scalar_subquery()),
        )
        .group_by(AboutYouResponse.question, AboutYouResponse.answer)
    )
    # The same statement says whether any service in scope asks: a row with no question.
    asking = select(cast(null(), String), cast(null(), String), func.count(literal(1))).select_from(
        _asking_services(scope).subquery()
    )
    counts, asks = {}, False
    for question, answer, people in db.session.execute(union_all(answers, asking)):
        if question is None:
            asks = people > 0
        else:
            counts[question, answer] = people
    return counts, asks


QUESTION_NAMES = {
    AboutYouQuestion.NEW_TO_UK: _l("New to the UK in the last five years"),
    AboutYouQuestion.LOOKED_AFTER: _l("Looked-after child"),
    AboutYouQuestion.YOUNG_CARER: _l("Young carer"),
    AboutYouQuestion.DISABILITY: _l("Disability or long-term condition"),
    AboutYouQuestion.RURAL: _l("Lives in a rural area"),
}


def about_you_totals(scope: Scope, threshold: int | None = None) -> FigureTable | None:
    """The answers of young people who took part in the scope, by question and answer, under
    disclosure control; None when no library service in the scope asks the questions."""
    counts, asks = _counts(scope)
    if not asks:
        return None
    columns = [
        Column(
            "yes",
            _("Yes"),
            _("Young people who took part and answered yes"),
        ),
        Column("no", _("No"), _("Young people who took part and answered no")),
        Column(
            "prefer_not_to_say",
            _("Prefer not to say"),
            _("Young people who took part and chose not to say"),
        ),
    ]
    return figure_table(
        "about-you",
        _("Answers to the optional “about you” questions"),
        "question",
        _("Question"),
        columns,
        [
            (
                str(name),
                [counts.get((question.value, answer.value), 0) for answer in AboutYouAnswer],
            )
            for question, name in QUESTION_NAMES.items()
        ],
        threshold,
    )
