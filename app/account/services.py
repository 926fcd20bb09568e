"""A person's rights over their own account: see their data, rename, new password, leave.

A person changing their own account is not a staff action, so none of this is audited (see
app/audit.py); the audit log never learns who a young person is.
"""

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.account.about_you import export_answers
from app.auth.services import (
    check_new_password,
    check_not_posing_as_staff,
    check_username_shape,
    find_user,
)
from app.auth.sessions import end_sign_ins
from app.extensions import db
from app.i18n import _l
from app.models import (
    PUBLIC_STATUSES,
    AboutYouResponse,
    AuditEntry,
    CodesignVolunteer,
    Consultation,
    Idea,
    IdeaReport,
    IdeaRevision,
    IdeaStatusChange,
    Notice,
    NoticeMute,
    PasswordResetCode,
    Role,
    SignIn,
    StaffMembership,
    User,
    Vote,
    utcnow,
)
from app.models.codesign import codesign_team_members
from app.passwords import check_password, hash_password
from app.rules import RuleError

_NAME_TAKEN = _l("That name is taken. Please choose another.")


# Download my data ---------------------------------------------------------------------------


def _when(moment: datetime | None) -> str | None:
    """A time as ISO 8601 in UTC, for the JSON file."""
    return moment.isoformat() if moment else None


def _ideas(user: User) -> list[dict]:
    """The person's ideas, oldest first, each with its history (two queries in all)."""
    ideas = db.session.execute(
        select(Idea.id, Idea.title, Idea.description, Idea.language, Idea.status, Idea.created_at)
        .add_columns(Consultation.question)
        .join(Consultation, Consultation.id == Idea.consultation_id)
        .where(Idea.author_id == user.id)
        .order_by(Idea.id)
    ).all()
    # Who moved an idea on is left out: staff names are not the young person's data.
    steps = db.session.execute(
        select(
            IdeaStatusChange.idea_id,
            IdeaStatusChange.to_status,
            IdeaStatusChange.message,
            IdeaStatusChange.message_language,
            IdeaStatusChange.created_at,
        )
        .join(Idea, Idea.id == IdeaStatusChange.idea_id)
        .where(Idea.author_id == user.id)
        .order_by(IdeaStatusChange.id)
    ).all()
    history: dict[int, list[dict]] = {}
    for step in steps:
        history.setdefault(step.idea_id, []).append(
            {
                "status": step.to_status.value,
                "message": step.message,
                "message_language": step.message_language,
                "at": step.created_at,
            }
        )
    return [
        {
            "id": idea.id,
            "consultation": idea.question,
            "title": idea.title,
            "description": idea.description,
            "language": idea.language,
            "status": idea.status.value,
            "proposed_at": idea.created_at,
            "history": history.get(idea.id, []),
        }
        for idea in ideas
    ]


def _public_title(title: str, status) -> str | None:
    """Another person's idea is named only while it is public: a hidden one may be hidden
    because its words were unsafe to show."""
    return title if status in PUBLIC_STATUSES else None


def _votes(user: User) -> list[dict]:
    """The ideas the person voted for, and when (one query)."""
    rows = db.session.execute(
        select(Vote.created_at, Idea.id, Idea.title, Idea.status, Idea.author_id)
        .join(Idea, Idea.id == Vote.idea_id)
        .where(Vote.user_id == user.id)
        .order_by(Vote.id)
    ).all()
    return [
        {
            "idea": row.id,
            "idea_title": row.title
            if row.author_id == user.id
            else _public_title(row.title, row.status),
            "voted_at": row.created_at,
        }
        for row in rows
    ]


def _codesign_offers(user: User) -> list[dict]:
    """The person's offers to help design ideas (one query)."""
    rows = db.session.execute(
        select(CodesignVolunteer, Idea.title, Idea.status, Idea.author_id)
        .join(Idea, Idea.id == CodesignVolunteer.idea_id)
        .where(CodesignVolunteer.user_id == user.id)
        .order_by(CodesignVolunteer.id)
    ).all()
    return [
        {
            "idea": offer.idea_id,
            "idea_title": title if author_id == user.id else _public_title(title, status),
            "status": offer.status.value,
            "credit_publicly": offer.credit_publicly,
            "offered_at": offer.created_at,
            "decided_at": offer.decided_at,
        }
        for offer, title, status, author_id in rows
    ]


def _devices(user: User) -> list[dict]:
    """The devices the person is signed in on (one query); the tokens' hashes stay out."""
    rows = db.session.execute(
        select(SignIn.device, SignIn.created_at, SignIn.last_seen_at)
        .where(SignIn.user_id == user.id)
        .order_by(SignIn.id)
    ).all()
    return [
        {"device": row.device, "signed_in_at": row.created_at, "last_used_at": row.last_seen_at}
        for row in rows
    ]


def _notices(user: User) -> list[dict]:
    """What the person has been told, oldest first (one query); the words are made when shown."""
    rows = db.session.execute(
        select(Notice.kind, Notice.idea_id, Notice.status, Notice.created_at, Notice.read_at)
        .where(Notice.user_id == user.id)
        .order_by(Notice.id)
    ).all()
    return [
        {
            "kind": row.kind.value,
            "idea": row.idea_id,
            "status": row.status.value if row.status else None,
            "sent_at": row.created_at,
            "read_at": row.read_at,
        }
        for row in rows
    ]


def _muted_notice_kinds(user: User) -> list[str]:
    """The kinds of notice the person turned off (one query)."""
    kinds = db.session.execute(select(NoticeMute.kind).where(NoticeMute.user_id == user.id))
    return sorted(kind.value for kind in kinds.scalars())


def export_data(user: User) -> dict:
    """Everything the platform holds about `user`, whole, with one query per kind of data.

    Nothing about anyone else that is not public: not who moderated an idea, and not the
    title of another person's idea once it is no longer shown. Earlier wordings staff kept
    when they redacted an idea stay out too, as what was redacted may be about someone else.
    """
    return {
        "account": {
            "pseudonym": user.username,
            "role": user.role.value,
            "age_band": user.age_band,
            "language": user.language,
            "joined_at": user.created_at,
            "last_seen_at": user.last_seen_at,
        },
        "ideas": _ideas(user),
        "votes": _votes(user),
        "codesign_offers": _codesign_offers(user),
        "signed_in_devices": _devices(user),
        "notices": _notices(user),
        "muted_notice_kinds": _muted_notice_kinds(user),
        "about_you_asked_at": user.about_you_asked_at,
        "about_you": export_answers(user),
        "exported_at": utcnow(),
    }


def export_json(data: dict) -> str:
    """The export as a JSON document, times in ISO 8601 (UTC)."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=_when)


# Change my name or password -----------------------------------------------------------------


def change_username(user: User, username: str) -> None:
    """Take a new pseudonym, by the rules for joining; a name taken in any letter case is refused.

    Only the letter case of one's own name may change to a name that `find_user` matches. A
    young person's new name may not pass for staff.
    """
    username = check_username_shape(username)
    if user.role == Role.YOUNG_PERSON:
        check_not_posing_as_staff(username)
    holder = find_user(username)
    if holder is not None and holder.id != user.id:
        raise RuleError(_NAME_TAKEN, field="username")
    user.username = username
    try:
        db.session.commit()
    except IntegrityError:  # someone took the name in the moment since it was checked
        db.session.rollback()
        raise RuleError(_NAME_TAKEN, field="username") from None


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password after checking the current one; every other device is signed out."""
    matches, _rehash = check_password(user.password_hash, current_password)
    if not matches:
        raise RuleError(_l("That is not your current password."), field="current_password")
    check_new_password(new_password, user.username, field="new_password")
    user.password_hash = hash_password(new_password)
    # Someone who learned the old password is signed out wherever they used it.
    end_sign_ins(user, keep_current=True)
    db.session.commit()


# Delete my account --------------------------------------------------------------------------


def deletion_refusal(user: User) -> str | None:
    """Why `user` cannot delete their own account here, or None if they can.

    Staff actions stay in the append-only audit log, which names who took them, so only an
    admin closes a staff account (by locking it).
    """
    if user.role != Role.YOUNG_PERSON or db.session.scalar(select(named_in_audit_log(user.id))):
        return _l(
            "Staff accounts are closed by an admin, because the audit log keeps a record of "
            "staff actions. Please ask an admin of your library service."
        )
    return None


def named_in_audit_log(user_id):
    """An EXISTS clause: the append-only audit log names this account (it once was staff).

    Only staff actions name who took them, so such an account cannot be deleted: the log
    would point at nothing. `user_id` may be a number or a column (in a query of users).
    """
    return select(AuditEntry.id).where(AuditEntry.actor_id == user_id).exists()


def delete_own_account(user: User, password: str) -> None:
    """A young person deletes their account, after typing their password to confirm."""
    refusal = deletion_refusal(user)
    if refusal is not None:
        raise RuleError(refusal)
    matches, _rehash = check_password(user.password_hash, password)
    if not matches:
        raise RuleError(_l("That is not your password."), field="password")
    erase_accounts([user])


def erase_accounts(users: Sequence[User]) -> None:
    """Delete young people's accounts in one transaction; their ideas and votes stay.

    What they proposed and supported stays, by "a former member": every reference to them is
    cleared, so nothing links back, and vote counts do not change. Everything else about them
    goes: their co-design offers, places on co-design teams, notices, "about you" answers,
    sign-ins and the account itself. Their reports of ideas stay for staff, by nobody.
    Callers check first that these are young people's accounts (staff are closed by an admin).
    """
    ids = [user.id for user in users]
    for column in (
        Idea.author_id,
        Vote.user_id,
        IdeaStatusChange.actor_id,
        IdeaRevision.edited_by_id,
        IdeaReport.reporter_id,
    ):
        db.session.execute(update(column.class_).where(column.in_(ids)).values({column.key: None}))
    db.session.execute(delete(CodesignVolunteer).where(CodesignVolunteer.user_id.in_(ids)))
    db.session.execute(delete(Notice).where(Notice.user_id.in_(ids)))
    db.session.execute(delete(NoticeMute).where(NoticeMute.user_id.in_(ids)))
    db.session.execute(delete(PasswordResetCode).where(PasswordResetCode.user_id.in_(ids)))
    db.session.execute(delete(AboutYouResponse).where(AboutYouResponse.user_id.in_(ids)))
    # Left from a staff role taken away since (staff in the audit log are never erased).
    db.session.execute(delete(StaffMembership).where(StaffMembership.user_id.in_(ids)))
    db.session.execute(
        delete(codesign_team_members).where(codesign_team_members.c.user_id.in_(ids))
    )
    for user in users:
        # Ends their open live streams as well as their sign-ins.
        end_sign_ins(user)
    db.session.execute(delete(User).where(User.id.in_(ids)))
    db.session.commit()
    # Objects stay loaded after a commit (app/extensions.py): an idea already in the session
    # would still show its author until read afresh.
    db.session.expire_all()
