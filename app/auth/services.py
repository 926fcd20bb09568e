"""Account rules: pseudonyms, passwords and age bands, with no email and no date of birth."""

import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n import _l
from app.languages import page_language_code
from app.models import AGE_BANDS, Role, User
from app.models.users import NOT_A_YOUNG_PERSON
from app.passwords import check_no_account, check_password, hash_password, weak_password_reason
from app.pseudonyms import poses_as_a_role, readings
from app.rules import RuleError

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{3,30}$")
MIN_PASSWORD_LENGTH = 8
# Long enough for any passphrase; a longer one is refused before Argon2 is asked to hash it.
MAX_PASSWORD_LENGTH = 200
PASSWORD_TOO_SHORT = _l("Your password needs at least 8 characters.")
PASSWORD_TOO_LONG = _l("Your password can have up to 200 characters. Please choose a shorter one.")
POSES_AS_STAFF = _l(
    "That name could make people think you work for the library. Please choose a name that is"
    " just yours: a favourite animal, colour or book with a number works well."
)


def find_user(username: str) -> User | None:
    """Look a person up by pseudonym, ignoring letter case."""
    return db.session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).scalar_one_or_none()


def check_username_shape(username: str) -> str:
    """The pseudonym without surrounding spaces; refuses one of the wrong shape."""
    username = username.strip()
    if not USERNAME_PATTERN.match(username):
        raise RuleError(
            _l("Choose a name of 3 to 30 letters, numbers, dashes or underscores."),
            field="username",
        )
    return username


def check_not_posing_as_staff(username: str) -> None:
    """Refuse a young person's name that passes for a role here or for a member of staff's name.

    The second check is one query on the index of staff, QLP reviewers and admins' skeletons.
    """
    if poses_as_a_role(username) or db.session.scalar(
        select(User.id)
        .where(User.name_skeleton.in_(readings(username)), NOT_A_YOUNG_PERSON)
        .limit(1)
    ):
        raise RuleError(POSES_AS_STAFF, field="username")


def check_new_password(password: str, username: str, field: str) -> None:
    """Refuse a new password that is too short, too long or easy to guess (the error names
    `field`)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleError(PASSWORD_TOO_SHORT, field=field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise RuleError(PASSWORD_TOO_LONG, field=field)
    weakness = weak_password_reason(password, username)
    if weakness is not None:
        raise RuleError(weakness, field=field)


def create_account(
    username: str,
    password: str,
    age_band: str | None,
    role: Role = Role.YOUNG_PERSON,
    language: str | None = None,
) -> User:
    """Create an account; refuses taken pseudonyms, easily guessed passwords, unknown age bands.

    A young person's name may not pass for staff; staff accounts may have any name.
    """
    username = check_username_shape(username)
    if role == Role.YOUNG_PERSON:
        check_not_posing_as_staff(username)
    if find_user(username) is not None:
        raise RuleError(_l("That name is taken. Please choose another."))
    check_new_password(password, username, field="password")
    if role == Role.YOUNG_PERSON and age_band not in AGE_BANDS:
        raise RuleError(_l("Please choose your age group."))
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        age_band=age_band,
        language=language or page_language_code(),
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # someone took the name in the moment since it was checked
        db.session.rollback()
        raise RuleError(_l("That name is taken. Please choose another.")) from None
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active account with this pseudonym and password, or None.

    A hash from before Argon2, or made at a lower cost, is replaced by today's while the
    password is at hand.
    """
    user = find_user(username)
    if user is None or not user.active:
        check_no_account(password)
        return None
    matches, new_hash = check_password(user.password_hash, password)
    if not matches:
        return None
    if new_hash is not None:
        user.password_hash = new_hash
        db.session.commit()
    return user
