"""Password reset codes, without email: staff make one in person for a young person who has
forgotten their password, and the young person uses it once, soon after, to choose a new one.

A code is 8 letters and digits (like a join code), works for RESET_CODE_MINUTES and once only,
and only a keyed hash of it is stored: a copy of the database resets nobody's password. Every
wrong try is rate limited (app/limits.py) and told the same plain words, whether or not the
account exists. Making a code and using one are both in the audit log.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from app.access import refuse_unless_may_make_reset_code
from app.audit import record
from app.auth.services import check_new_password, find_user
from app.auth.sessions import end_sign_ins
from app.extensions import db
from app.i18n import _l
from app.joincodes.services import display_code, new_code, normalise_code
from app.models import PasswordResetCode, Role, User, utcnow
from app.passwords import hash_password
from app.rules import RuleError

RESET_CODE_MINUTES = 30
# One message for a wrong name, a wrong, expired or used code: none says which it was, so
# trying names tells nobody which accounts exist.
NOT_A_WORKING_CODE = _l(
    "That name and reset code do not go together, or the code has been used or is more than "
    "30 minutes old. Check both, or ask library staff for a new code."
)
NO_SUCH_ACCOUNT = _l("There is no account with that name. Check the spelling with them.")
LOCKED = _l("This account is locked. An admin can unlock it first.")


@dataclass(frozen=True)
class MadeCode:
    """A code just made: shown once to the member of staff, never again."""

    person: User
    code: str
    expires_at: datetime


def _hash(person_id: int, code: str) -> str:
    """The stored form of a code: keyed with the app's secret and bound to its account."""
    key = current_app.secret_key.encode()
    return hmac.new(key, f"{person_id}:{code}".encode(), hashlib.sha256).hexdigest()


def make_reset_code(actor: User, username: str) -> MadeCode:
    """A new code for the young person named; any code they had before stops working.

    Refused unless `actor` is an admin or staff of a library service the young person has
    taken part in (app/access.py); audited.
    """
    person = find_user(username)
    if person is None:
        raise RuleError(NO_SUCH_ACCOUNT, field="username")
    refuse_unless_may_make_reset_code(actor, person)
    if not person.active:
        raise RuleError(LOCKED, field="username")
    now = utcnow()
    code = new_code()
    expires_at = now + timedelta(minutes=RESET_CODE_MINUTES)
    # Old codes, this person's and anyone's expired ones, are never needed again.
    db.session.execute(
        delete(PasswordResetCode).where(
            (PasswordResetCode.user_id == person.id) | (PasswordResetCode.expires_at <= now)
        )
    )
    db.session.add(
        PasswordResetCode(
            user_id=person.id,
            code_hash=_hash(person.id, code),
            created_at=now,
            expires_at=expires_at,
        )
    )
    record(actor, "password.reset_code", person, minutes=RESET_CODE_MINUTES)
    db.session.commit()
    return MadeCode(person=person, code=display_code(code), expires_at=expires_at)


def reset_password_with_code(username: str, typed_code: str, new_password: str) -> User:
    """Set a new password with a working code, using it up; the person is signed out on every
    device (the caller signs them in on this one).

    A wrong name or a wrong, expired or used code is refused with NOT_A_WORKING_CODE; only then
    is the new password checked, so its message says nothing about the account either.
    """
    person = find_user(username)
    code = normalise_code(typed_code)
    if person is None or not person.active or person.role != Role.YOUNG_PERSON or code is None:
        raise RuleError(NOT_A_WORKING_CODE, field="code")
    now = utcnow()
    reset = db.session.execute(
        select(PasswordResetCode).where(
            PasswordResetCode.user_id == person.id,
            PasswordResetCode.code_hash == _hash(person.id, code),
            PasswordResetCode.expires_at > now,
        )
    ).scalar_one_or_none()
    if reset is None:
        raise RuleError(NOT_A_WORKING_CODE, field="code")
    check_new_password(new_password, person.username, field="password")
    # Used once: of two tries at the same moment, only the one that deletes the row goes on.
    used = db.session.execute(
        delete(PasswordResetCode)
        .where(PasswordResetCode.id == reset.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:
        db.session.rollback()
        raise RuleError(NOT_A_WORKING_CODE, field="code")
    person.password_hash = hash_password(new_password)
    # Whoever had the account's old password is signed out wherever they used it.
    end_sign_ins(person)
    record(person, "password.reset_with_code", person)
    db.session.commit()
    return person
