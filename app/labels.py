"""The words people see for statuses, phases and roles, all translatable."""

from flask_babel import lazy_gettext as _l

from app.models import IdeaStatus, Phase, Role

STATUS_LABELS = {
    IdeaStatus.PENDING: _l("Waiting for staff to check"),
    IdeaStatus.PUBLISHED: _l("Published"),
    IdeaStatus.CHANGES_REQUESTED: _l("Changes asked for"),
    IdeaStatus.REJECTED: _l("Not published"),
    IdeaStatus.UNDER_CONSIDERATION: _l("Being considered"),
    IdeaStatus.ACCEPTED: _l("Accepted"),
    IdeaStatus.NOT_TAKEN_FORWARD: _l("Not taken forward"),
    IdeaStatus.IN_CODESIGN: _l("Being designed with young people"),
    IdeaStatus.DELIVERED: _l("Done"),
    IdeaStatus.WITHDRAWN: _l("Withdrawn"),
    IdeaStatus.HIDDEN: _l("Hidden"),
    IdeaStatus.MERGED: _l("Merged with a similar idea"),
}

# What a member of staff is doing when they move an idea to a status.
DECISION_LABELS = {
    IdeaStatus.PUBLISHED: _l("Approve and publish"),
    IdeaStatus.CHANGES_REQUESTED: _l("Ask for changes"),
    IdeaStatus.REJECTED: _l("Reject"),
    IdeaStatus.UNDER_CONSIDERATION: _l("Consider it"),
    IdeaStatus.ACCEPTED: _l("Accept"),
    IdeaStatus.NOT_TAKEN_FORWARD: _l("Do not take forward"),
    IdeaStatus.IN_CODESIGN: _l("Start co-design"),
    IdeaStatus.DELIVERED: _l("Mark as delivered"),
    IdeaStatus.HIDDEN: _l("Hide"),
    IdeaStatus.MERGED: _l("Mark as merged"),
}

PHASE_LABELS = {
    Phase.DRAFT: _l("Draft"),
    Phase.PROPOSALS_OPEN: _l("Open for ideas"),
    Phase.VOTING_OPEN: _l("Open for votes"),
    Phase.CLOSED: _l("Closed"),
}

ROLE_LABELS = {
    Role.YOUNG_PERSON: _l("Young person"),
    Role.STAFF: _l("Library staff"),
    Role.QLP_REVIEWER: _l("QLP reviewer"),
    Role.ADMIN: _l("Admin"),
}
