"""The words people see for statuses, phases and roles, all translatable."""

from app.i18n import _l
from app.models import (
    BeneficiaryGroup,
    Colour,
    IdeaStatus,
    PartnerKind,
    Phase,
    Picture,
    Rating,
    Recommendation,
    Role,
    ServiceStatus,
    VolunteerStatus,
)

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

# A co-designed service's status, in words young people read on "You said, we did".
SERVICE_STATUS_LABELS = {
    ServiceStatus.PLANNING: _l("Planning"),
    ServiceStatus.CODESIGNING: _l("Being designed with young people"),
    ServiceStatus.PILOTING: _l("Being tried out"),
    ServiceStatus.DELIVERED: _l("Running"),
    ServiceStatus.MAINSTREAMED: _l("Here to stay"),
    ServiceStatus.STOPPED: _l("Stopped"),
}

# Who a service is for: the QLP youth strand's beneficiaries and outcome c, in its own words.
BENEFICIARY_LABELS = {
    BeneficiaryGroup.YOUNG_PEOPLE: _l("Young people in the library service's area"),
    BeneficiaryGroup.REFUGEES_ASYLUM_SEEKERS: _l("Young refugees and asylum seekers"),
    BeneficiaryGroup.EXCLUDED_COMMUNITIES: _l("Young people from excluded communities"),
    BeneficiaryGroup.NOT_YET_REACHED: _l("Potential users the library has not yet reached"),
    BeneficiaryGroup.LOCAL_COMMUNITIES: _l("Local communities as a whole"),
}
# The same groups in plain words, for the public pages young people read.
PLAIN_BENEFICIARY_LABELS = {
    BeneficiaryGroup.YOUNG_PEOPLE: _l("Young people who live near the library"),
    BeneficiaryGroup.REFUGEES_ASYLUM_SEEKERS: _l("Young refugees and people seeking safety"),
    BeneficiaryGroup.EXCLUDED_COMMUNITIES: _l("Young people who are often left out"),
    BeneficiaryGroup.NOT_YET_REACHED: _l("Young people who don't use the library yet"),
    BeneficiaryGroup.LOCAL_COMMUNITIES: _l("Everyone who lives nearby"),
}

PARTNER_KIND_LABELS = {
    PartnerKind.NATIONAL: _l("National organisation"),
    PartnerKind.LOCAL_AUTHORITY: _l("Council service"),
    PartnerKind.SCHOOL: _l("School or college"),
    PartnerKind.COMMUNITY: _l("Community group"),
    PartnerKind.VOLUNTARY: _l("Charity or voluntary organisation"),
    PartnerKind.HEALTH: _l("Health service"),
    PartnerKind.CULTURE: _l("Arts or culture organisation"),
    PartnerKind.BUSINESS: _l("Business"),
    PartnerKind.OTHER: _l("Other"),
}

VOLUNTEER_STATUS_LABELS = {
    VolunteerStatus.OFFERED: _l("Waiting for staff"),
    VolunteerStatus.ACCEPTED: _l("Co-designer"),
    VolunteerStatus.DECLINED: _l("Not this time"),
    VolunteerStatus.WITHDRAWN: _l("Withdrawn"),
}

RATING_LABELS = {
    Rating.NOT_YET: _l("Not yet"),
    Rating.EMERGING: _l("Emerging"),
    Rating.ESTABLISHED: _l("Established"),
    Rating.EMBEDDED: _l("Embedded"),
}

RECOMMENDATION_LABELS = {
    Recommendation.CONTINUE: _l("Continue"),
    Recommendation.CHANGE_COURSE: _l("Change course"),
    Recommendation.READY_TO_MAINSTREAM: _l("Ready to mainstream"),
}

# A consultation's own colour and picture, as staff choose them (moderation/consultation_form.html).
COLOUR_LABELS = {
    Colour.SUN: _l("Sunshine yellow"),
    Colour.SKY: _l("Sky blue"),
    Colour.LEAF: _l("Leaf green"),
    Colour.BERRY: _l("Berry pink"),
    Colour.CORAL: _l("Coral orange"),
    Colour.GRAPE: _l("Grape purple"),
}

PICTURE_LABELS = {
    Picture.BOOK: _l("A book"),
    Picture.BULB: _l("A light bulb"),
    Picture.SPEECH: _l("A speech bubble"),
    Picture.STAR: _l("A star"),
    Picture.ROCKET: _l("A rocket"),
    Picture.MUSIC: _l("A music note"),
}
