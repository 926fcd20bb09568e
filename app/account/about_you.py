"""The optional "about you" questions: who is asked, and a person's own answers.

Only the person reads their answers (My account, "download my data"); everyone else sees them
only as totals under disclosure control (app/evidence/equality.py). Like the rest of My account,
nothing here is audited: the audit log never learns who a young person is, or what they said.
"""

from collections.abc import Mapping

from sqlalchemy import delete, select

from app.access import taken_part_in
from app.extensions import db
from app.models import (
    AboutYouAnswer,
    AboutYouQuestion,
    AboutYouResponse,
    JoinCode,
    LibraryService,
    Role,
    User,
    utcnow,
)

# The age bands asked. The 11-13 band is never asked: it holds 11- and 12-year-olds, and the
# questions are for people aged 13 and over, so only bands that start at 13 or later qualify.
ASKED_AGE_BANDS = frozenset({"14-16", "17-19", "20-25"})

# Set in the session (to the person's id) by joining with a code of a library service that asks:
# the account itself never records the code, so the offer lives only in this browser's session.
OFFER_KEY = "about_you_offer"


def old_enough(user: User) -> bool:
    """A young person in an age band the questions are for."""
    return user.role == Role.YOUNG_PERSON and user.age_band in ASKED_AGE_BANDS


def asks_on_joining(join_code: JoinCode, user: User) -> bool:
    """Whether someone who just joined with this code is offered the questions.

    The join flow asks this at the moment of joining; the account never records the code.
    """
    return old_enough(user) and join_code.library_service.asks_about_you


def has_asking_service(user: User) -> bool:
    """Whether a library service the person has taken part in has the questions switched on."""
    ids = taken_part_in(user)
    return bool(ids) and (
        db.session.scalar(
            select(LibraryService.id)
            .where(LibraryService.id.in_(ids), LibraryService.asks_about_you.is_(True))
            .limit(1)
        )
        is not None
    )


def may_be_asked(user: User) -> bool:
    """Whether My account offers the person the "About you" page.

    Those already asked keep it (to change or remove answers) even if their library service
    switches the questions off since.
    """
    if not old_enough(user):
        return False
    return user.about_you_asked_at is not None or has_asking_service(user)


def answers_of(user: User) -> dict[AboutYouQuestion, AboutYouAnswer]:
    """The person's answers by question (one query); questions not answered are left out."""
    rows = db.session.execute(
        select(AboutYouResponse.question, AboutYouResponse.answer).where(
            AboutYouResponse.user_id == user.id
        )
    ).all()
    return {row.question: row.answer for row in rows}


def export_answers(user: User) -> list[dict]:
    """The person's answers for "download my data", in the questions' order (one query)."""
    rows = db.session.execute(
        select(AboutYouResponse).where(AboutYouResponse.user_id == user.id)
    ).scalars()
    by_question = {row.question: row for row in rows}
    return [
        {
            "question": question.value,
            "answer": by_question[question].answer.value,
            "answered_at": by_question[question].answered_at,
        }
        for question in AboutYouQuestion
        if question in by_question
    ]


def mark_asked(user: User) -> None:
    """Note that the person was offered the questions, and nothing else: a skip."""
    if user.about_you_asked_at is None:
        user.about_you_asked_at = utcnow()
    db.session.commit()


def save_answers(user: User, answers: Mapping[AboutYouQuestion, AboutYouAnswer]) -> None:
    """Keep the person's answer to every question (a new answer replaces the old one)."""
    now = utcnow()
    db.session.execute(delete(AboutYouResponse).where(AboutYouResponse.user_id == user.id))
    db.session.add_all(
        AboutYouResponse(user_id=user.id, question=question, answer=answer, answered_at=now)
        for question, answer in answers.items()
    )
    if user.about_you_asked_at is None:
        user.about_you_asked_at = now
    db.session.commit()


def remove_answers(user: User) -> None:
    """Remove every answer; the person stays "asked", so they are not asked again."""
    db.session.execute(delete(AboutYouResponse).where(AboutYouResponse.user_id == user.id))
    if user.about_you_asked_at is None:
        user.about_you_asked_at = utcnow()
    db.session.commit()
