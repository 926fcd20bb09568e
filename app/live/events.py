"""What changes tell the live pages, sent only once the change is committed.

Services call the announcements below inside their transaction. Each one is held on the
database session and published after the commit, so a change that is rolled back (a refused
vote, a failed decision) never reaches a page. Events carry ids and counts, never anything
private: a page that needs private data fetches it with the viewer's own request.
"""

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

_PENDING = "live_events"


def publish_after_commit(channel: str, message: dict) -> None:
    """Send `message` on `channel` once the current transaction commits; never if it rolls back."""
    db.session.info.setdefault(_PENDING, []).append((channel, message))


def publish_now(channel: str, message: dict) -> None:
    """Send `message` at once (for what is not a database change, such as signing out)."""
    current_app.extensions["live"].publish(channel, message)


@event.listens_for(Session, "after_commit")
def _publish_committed(session: Session) -> None:
    """Publish what the committed transaction announced."""
    pending = session.info.pop(_PENDING, None)
    if not pending or not has_app_context():
        return
    broker = current_app.extensions["live"]
    for channel, message in pending:
        broker.publish(channel, message)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    """A rolled-back transaction announces nothing."""
    session.info.pop(_PENDING, None)


# Channels: one per consultation (its votes and ideas), one per library service's moderation
# queue plus one for all of them (admins), one per person, one per signed-in session, and one
# for co-designed services.
def consultation_channel(consultation_id: int) -> str:
    """Votes and idea changes in one consultation."""
    return f"consultation:{consultation_id}"


def queue_channel(library_service_id: int | None) -> str:
    """Moderation changes in one library service, or (None) in all of them."""
    return "queue:all" if library_service_id is None else f"queue:{library_service_id}"


def person_channel(user_id: int) -> str:
    """Changes meant for one person: their ideas, and their access."""
    return f"user:{user_id}"


def session_channel(session_id: str) -> str:
    """One signed-in session: it ends when the person signs out."""
    return f"session:{session_id}"


SERVICES_CHANNEL = "services"


def votes_changed(idea, count: int, sequence: int) -> None:
    """An idea's vote count is now `count`; `sequence` orders counts that race each other."""
    publish_after_commit(
        consultation_channel(idea.consultation_id),
        {"kind": "votes", "idea": idea.id, "count": count, "seq": sequence},
    )


def idea_moved(idea, was_public: bool) -> None:
    """An idea was proposed or changed status: its consultation, the queue, and its author."""
    publish_after_commit(
        consultation_channel(idea.consultation_id),
        {"kind": "idea", "idea": idea.id, "listed": was_public != idea.is_public},
    )
    library_service_id = idea.consultation.library_service_id
    for channel in (queue_channel(library_service_id), queue_channel(None)):
        publish_after_commit(channel, {"kind": "queue", "library_service": library_service_id})
    if idea.author_id is not None:  # None: a former member's idea
        publish_after_commit(person_channel(idea.author_id), {"kind": "my-ideas", "idea": idea.id})


def service_changed(service_id: int, library_service_id: int) -> None:
    """Something shown about a co-designed service changed."""
    publish_after_commit(
        SERVICES_CHANNEL,
        {"kind": "service", "service": service_id, "library_service": library_service_id},
    )


def access_changed(user_id: int) -> None:
    """A person's role, lock or library services changed: their open streams end."""
    publish_after_commit(person_channel(user_id), {"kind": "end"})


def session_ended(session_id: str) -> None:
    """A session signed out: its open streams end."""
    publish_now(session_channel(session_id), {"kind": "end"})


def audited(subject) -> None:
    """Announce a staff change recorded in the audit log, if a live page shows its subject.

    Every staff write is audited (app/audit.py), so this one place hears of every change to a
    co-designed service (its details, status, ideas, partners, sessions, skills, volunteers and
    reviews) and every change to a person's role, lock or library services.
    """
    from app.models import CodesignService, CodesignVolunteer, Idea, User

    if isinstance(subject, User):
        access_changed(subject.id)
        return
    if isinstance(subject, CodesignService):
        service_id = subject.id
    elif isinstance(subject, CodesignVolunteer | Idea):
        idea = subject if isinstance(subject, Idea) else db.session.get(Idea, subject.idea_id)
        service_id = idea.codesign_service_id if idea else None
    else:
        service_id = getattr(subject, "service_id", None)
    service = db.session.get(CodesignService, service_id) if service_id else None
    if service is not None:
        service_changed(service.id, service.library_service_id)
