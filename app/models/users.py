"""People who use the platform: young people, staff, QLP reviewers and admins."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, validates

from app.extensions import db
from app.models.types import UTCDateTime, enum_type, utcnow
from app.pseudonyms import name_skeleton


class Role(StrEnum):
    """What a person may do on the platform."""

    YOUNG_PERSON = "young_person"
    STAFF = "staff"
    QLP_REVIEWER = "qlp_reviewer"
    ADMIN = "admin"


# Age bands, never a date of birth: the least data that lets services report by age.
AGE_BANDS = ("8-10", "11-13", "14-16", "17-19", "20-25")


class User(UserMixin, db.Model):
    """An account, known publicly only by the pseudonym its owner chose."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(30), unique=True)
    # What the name looks like (app/pseudonyms.py), kept up to date with it: a young person's
    # new name is refused when it looks like a member of staff's (the index below).
    name_skeleton: Mapped[str] = mapped_column(sa.String(30))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), default=Role.YOUNG_PERSON)
    age_band: Mapped[str | None] = mapped_column(sa.String(5))
    language: Mapped[str] = mapped_column(sa.String(10), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the account was last used (signing in, or a request in a signed-in session, noted at
    # most every few minutes): retention deletes accounts unused for too long.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # When the person was offered the optional "about you" questions (answered or skipped), so
    # they are offered once; the answers themselves are in about_you_answers.
    about_you_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @validates("username")
    def _keep_name_skeleton(self, _key: str, username: str) -> str:
        """Every new name gets its skeleton, wherever it is set."""
        self.name_skeleton = name_skeleton(username)
        return username

    @property
    def is_active(self) -> bool:
        """Locked accounts cannot sign in, and open sessions count as signed out (Flask-Login)."""
        return self.active

    def has_role(self, *roles: Role) -> bool:
        """True if this person holds one of the roles given."""
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


# Sign-in looks people up by pseudonym whatever its letter case, so that lookup is indexed;
# unique, so two names differing only in capitals cannot both be taken, even at once.
sa.Index("uq_users_username_lower", sa.func.lower(User.username), unique=True)

# Everyone but young people, written out as SQL so that SQLite, too, sees that a query using it
# can use the partial index below (it does not match a bound parameter against one).
NOT_A_YOUNG_PERSON = User.role != sa.literal_column(f"'{Role.YOUNG_PERSON.value}'")
# The skeletons of staff, QLP reviewers and admins' names only: a young person's new name is
# looked up here, in an index as small as the staff however many young people there are.
sa.Index(
    "ix_users_staff_name_skeleton",
    User.name_skeleton,
    sqlite_where=NOT_A_YOUNG_PERSON,
    postgresql_where=NOT_A_YOUNG_PERSON,
)


class SignIn(db.Model):
    """One signed-in device: the session cookie holds its token, and deleting the row ends it.

    Only a hash of the token is stored, so a copy of the database cannot be used to sign in.
    """

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # A rough description for the person's list of devices ("Firefox on Android"), no more.
    device: Mapped[str] = mapped_column(sa.String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordResetCode(db.Model):
    """A one-time code staff made, in person, for a young person who forgot their password.

    Only a keyed hash of the code is kept (app/auth/resets.py), so a copy of the database
    resets no one's password. Using it deletes it; a person has at most one at a time; who made
    it is in the audit log.
    """

    __tablename__ = "password_reset_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
