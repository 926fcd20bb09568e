"""The rules for join codes: staff make one for a session, young people join with it.

Only a count is kept. No account records the code it was made with, so staff see how many
people joined with a code, and nobody, staff or not, can see who.
"""

import io
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

import segno
from flask import current_app
from flask_babel import to_user_timezone, to_utc
from markupsafe import Markup, escape
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.access import STAFF_ROLES, acts_in, member_library_service_ids, refuse_unless_staff_of
from app.audit import record
from app.auth.services import create_account
from app.extensions import db
from app.i18n import _l
from app.models import Branch, Consultation, JoinCode, LibraryService, Phase, User, utcnow
from app.models.types import ROW_ID_MAX
from app.pagination import Cursor, Page, paginate
from app.rules import RuleError

# Letters and digits nobody mistakes for one another on a poster: no 0 or O, no 1, I or L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
# Shown as two groups of four, ABCD-EFGH, which is easier to read out and to type.
GROUP = 4
# A code drawn again when it is taken: with 31 ** 8 codes, even a second draw is rare.
DRAWS = 5
# Spaces and dashes people type inside a code, phones' long dashes included.
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")
# What an address or the "Have a code?" box is tidied to: never longer than this.
TYPED_MAX = 20
LABEL_MAX = 80
MAX_USES_MAX = 500
MAX_USES_DEFAULT = 35
LONGEST = timedelta(days=90)
# The consultations offered on the form: those not closed, newest first, at most this many.
CONSULTATION_CHOICES_MAX = 100


class CodeState(StrEnum):
    """Whether a code still lets people join, and if not, why not."""

    ACTIVE = "active"
    EXPIRED = "expired"
    USED_UP = "used_up"
    ENDED = "ended"

    @property
    def label(self) -> str:
        """The state in plain words, for staff."""
        return STATE_LABELS[self]


STATE_LABELS = {
    CodeState.ACTIVE: _l("Active"),
    CodeState.EXPIRED: _l("Expired"),
    CodeState.USED_UP: _l("Used up"),
    CodeState.ENDED: _l("Ended"),
}
# What a young person is told when a code no longer works.
NOT_WORKING = {
    CodeState.EXPIRED: _l("This code has expired."),
    CodeState.USED_UP: _l("This code has been used by as many people as it was made for."),
    CodeState.ENDED: _l("Library staff have ended this code."),
}


class CodeNotWorking(RuleError):
    """Joining was refused because the code has expired, is used up, or was ended."""

    def __init__(self, state: CodeState):
        super().__init__(NOT_WORKING[state])
        self.state = state


# --- Codes: drawing, reading back, showing ----------------------------------------------------


def new_code() -> str:
    """A fresh random code of CODE_LENGTH characters from ALPHABET."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str | None) -> str | None:
    """The stored form of a code typed in any case, with or without dashes or spaces.

    None when what was typed cannot be a code (wrong length, or a character never used).
    """
    code = SEPARATORS.sub("", typed or "").upper()
    if len(code) != CODE_LENGTH or any(character not in ALPHABET for character in code):
        return None
    return code


def display_code(code: str) -> str:
    """A stored code as people read it: ABCD-EFGH."""
    return f"{code[:GROUP]}-{code[GROUP:]}"


def tidy_code(typed: str | None) -> str:
    """What typed text becomes in a join address: a code as ABCD-EFGH, or else its letters
    and digits alone (so the page can say no such code exists), or "" for nothing at all."""
    code = normalise_code(typed)
    if code is not None:
        return display_code(code)
    return re.sub(r"[^A-Za-z0-9]", "", typed or "").upper()[:TYPED_MAX]


def state_of(join_code: JoinCode, now: datetime | None = None) -> CodeState:
    """Whether the code lets people join now; an ended code says so before anything else."""
    if join_code.ended_at is not None:
        return CodeState.ENDED
    if join_code.uses >= join_code.max_uses:
        return CodeState.USED_UP
    if join_code.expires_at <= (now or utcnow()):
        return CodeState.EXPIRED
    return CodeState.ACTIVE


def qr_code_svg(url: str, label: str) -> Markup:
    """The QR code of `url` as inline SVG, drawn here, so no request leaves the site.

    Black on white, with no size, style or link of its own (the page's CSS sizes it), and
    named `label` for screen readers.
    """
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        xmldecl=False,
        nl=False,
        omitsize=True,
        border=4,
        light="#fff",
        svgclass="qr-code",
        lineclass=None,
        title=label,
    )
    svg = buffer.getvalue().decode()
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


# --- Making and ending codes (staff) -----------------------------------------------------------


def _end_of_day(now: datetime, days_later: int) -> datetime:
    """23:59 in the libraries' timezone, `days_later` days after today there, in UTC."""
    day = to_user_timezone(now).date() + timedelta(days=days_later)
    return to_utc(datetime.combine(day, time(23, 59))).replace(tzinfo=UTC)


# How long a new code works: the choices on the form, each with when it then expires.
EXPIRY_CHOICES: dict[str, tuple[str, Callable[[datetime], datetime]]] = {
    "1h": (_l("In 1 hour"), lambda now: now + timedelta(hours=1)),
    "3h": (_l("In 3 hours"), lambda now: now + timedelta(hours=3)),
    "today": (_l("At the end of today"), lambda now: _end_of_day(now, 0)),
    "tomorrow": (_l("At the end of tomorrow"), lambda now: _end_of_day(now, 1)),
    "7d": (_l("In a week"), lambda now: _end_of_day(now, 7)),
    "30d": (_l("In 30 days"), lambda now: _end_of_day(now, 30)),
    "90d": (_l("In 90 days, the longest"), lambda now: now + LONGEST),
}
EXPIRY_DEFAULT = "today"


def _row(model, row_id: int | None):
    """The row with this id, or None (also for ids no database column could hold)."""
    if row_id is None or not 0 < row_id <= ROW_ID_MAX:
        return None
    return db.session.get(model, row_id)


def _check_place(
    service: LibraryService, branch_id: int | None, consultation_id: int | None
) -> tuple[Branch | None, Consultation | None]:
    """The branch and consultation chosen, which must be the library service's own."""
    branch = _row(Branch, branch_id)
    if branch_id is not None and (branch is None or branch.library_service_id != service.id):
        raise RuleError(_l("Please choose a library of the library service you chose."), "branch")
    consultation = _row(Consultation, consultation_id)
    if consultation_id is not None and (
        consultation is None
        or consultation.library_service_id != service.id
        or consultation.phase == Phase.CLOSED
    ):
        raise RuleError(
            _l("Please choose a consultation of the library service you chose that is not closed."),
            "consultation",
        )
    return branch, consultation


def create_join_code(
    actor: User,
    *,
    label: str,
    library_service_id: int | None,
    branch_id: int | None = None,
    consultation_id: int | None = None,
    expires_in: str = EXPIRY_DEFAULT,
    max_uses: int | None = MAX_USES_DEFAULT,
    language: str | None = None,
) -> JoinCode:
    """Make a code for a session in one of the library services `actor` works in.

    It works until the time `expires_in` names (a key of EXPIRY_CHOICES) and for at most
    `max_uses` people; it can take them to a consultation of the same library service.
    """
    if actor.role not in STAFF_ROLES:
        raise RuleError(_l("Only library staff can do that."))
    service = _row(LibraryService, library_service_id)
    if service is None or not acts_in(actor, service.id):
        raise RuleError(
            _l("Please choose one of the library services you belong to."), "library_service"
        )
    branch, consultation = _check_place(service, branch_id, consultation_id)
    label = (label or "").strip()
    if not label or len(label) > LABEL_MAX:
        raise RuleError(_l("Please name the session in up to 80 characters."), "label")
    if expires_in not in EXPIRY_CHOICES:
        raise RuleError(_l("Please choose when the code stops working."), "expires_in")
    if max_uses is None or not 1 <= max_uses <= MAX_USES_MAX:
        raise RuleError(_l("Please choose between 1 and 500 people."), "max_uses")
    language = language or None
    if language is not None and language not in current_app.config["LANGUAGES"]:
        raise RuleError(_l("Please choose one of the languages in the list."), "language")
    expires_at = EXPIRY_CHOICES[expires_in][1](utcnow())
    for _ in range(DRAWS):
        join_code = JoinCode(
            code=new_code(),
            label=label,
            library_service_id=service.id,
            branch_id=branch.id if branch else None,
            consultation_id=consultation.id if consultation else None,
            created_by_id=actor.id,
            expires_at=expires_at,
            max_uses=max_uses,
            uses=0,
            language=language,
        )
        db.session.add(join_code)
        try:
            db.session.flush()
        except IntegrityError:  # the code drawn is taken: draw another
            db.session.rollback()
            continue
        record(
            actor,
            "join_code.create",
            join_code,
            label=label,
            library_service=service.name,
            branch=branch.name if branch else None,
            consultation=consultation.id if consultation else None,
            expires_at=expires_at.isoformat(),
            max_uses=max_uses,
            language=language,
        )
        db.session.commit()
        return join_code
    raise RuleError(_l("No new code could be made just now. Please try again."))


def end_join_code(actor: User, join_code: JoinCode) -> None:
    """Stop a code working before it expires; the people who joined with it stay joined."""
    refuse_unless_staff_of(actor, join_code.library_service_id)
    if state_of(join_code) is not CodeState.ACTIVE:
        raise RuleError(_l("This code already no longer works."))
    ended = db.session.execute(
        update(JoinCode)
        .where(JoinCode.id == join_code.id, JoinCode.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if ended != 1:  # ended by someone else a moment ago
        db.session.rollback()
        raise RuleError(_l("This code already no longer works."))
    record(actor, "join_code.end", join_code, label=join_code.label, uses=join_code.uses)
    db.session.commit()


# --- Reading codes -----------------------------------------------------------------------------

_WITH_PLACES = (
    joinedload(JoinCode.library_service),
    joinedload(JoinCode.branch),
    joinedload(JoinCode.consultation),
)


def join_codes_page(actor: User, cursor: Cursor | None = None) -> Page[JoinCode]:
    """A page of the codes of the library services `actor` works in (all, for admins),
    newest first, with their library service, library and consultation."""
    statement = select(JoinCode).options(*_WITH_PLACES)
    ids = member_library_service_ids(actor)
    if ids is not None:
        statement = statement.where(JoinCode.library_service_id.in_(sorted(ids)))
    return paginate(statement, [JoinCode.id], cursor, descending=True)


def join_code_by_id(join_code_id: int) -> JoinCode | None:
    """One code, with its library service, library and consultation."""
    return db.session.execute(
        select(JoinCode).where(JoinCode.id == join_code_id).options(*_WITH_PLACES)
    ).scalar_one_or_none()


def find_join_code(typed: str | None) -> JoinCode | None:
    """The code someone typed or scanned (any case, dashes and spaces ignored), or None."""
    code = normalise_code(typed)
    if code is None:
        return None
    return db.session.execute(
        select(JoinCode).where(JoinCode.code == code).options(*_WITH_PLACES)
    ).scalar_one_or_none()


def consultations_for_codes(actor: User) -> list[Consultation]:
    """The consultations a new code may lead to: not closed, in `actor`'s library services,
    newest first, at most CONSULTATION_CHOICES_MAX of them."""
    statement = (
        select(Consultation)
        .where(Consultation.phase != Phase.CLOSED)
        .order_by(Consultation.id.desc())
        .limit(CONSULTATION_CHOICES_MAX)
    )
    ids = member_library_service_ids(actor)
    if ids is not None:
        statement = statement.where(Consultation.library_service_id.in_(sorted(ids)))
    return list(db.session.execute(statement).scalars())


# --- Joining with a code (young people) --------------------------------------------------------


def open_consultation(join_code: JoinCode) -> Consultation | None:
    """The code's consultation while young people can propose or vote in it, else None."""
    consultation = join_code.consultation
    if consultation is None:
        return None
    if consultation.accepts_proposals() or consultation.accepts_votes():
        return consultation
    return None


def join_with_code(join_code: JoinCode, username: str, password: str, age_band: str) -> User:
    """Make a young person's account with a code, and count one use of the code.

    The use is counted by one guarded UPDATE in the transaction that creates the account, so
    a whole class joining at the same moment never goes past the code's maximum, and an
    account refused (a name taken, a weak password) uses nothing. The UPDATE holds the code
    (its row on PostgreSQL, the write lock on SQLite) until the account is saved, so people
    joining with one code at once take turns for one password hash each.
    """
    now = utcnow()
    state = state_of(join_code, now)
    if state is not CodeState.ACTIVE:
        raise CodeNotWorking(state)
    counted = db.session.execute(
        update(JoinCode)
        .where(
            JoinCode.id == join_code.id,
            JoinCode.uses < JoinCode.max_uses,
            JoinCode.ended_at.is_(None),
            JoinCode.expires_at > now,
        )
        .values(uses=JoinCode.uses + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if counted != 1:  # used up, ended or expired since it was read
        db.session.rollback()
        raise CodeNotWorking(state_of(join_code, now))
    try:
        return create_account(username, password, age_band)
    except RuleError:
        db.session.rollback()  # the use counted above is taken back with the account
        raise
