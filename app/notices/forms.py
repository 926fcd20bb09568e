"""The form for choosing which kinds of notice to get."""

from wtforms import BooleanField, SubmitField

from app.fields import Form
from app.i18n import _l
from app.models import NoticeKind
from app.notices.services import KIND_LABELS


class NoticeSettingsForm(Form):
    """One tick box per kind of notice (each named as its kind); unticked kinds are muted."""

    idea_moved = BooleanField(KIND_LABELS[NoticeKind.IDEA_MOVED])
    idea_answered = BooleanField(KIND_LABELS[NoticeKind.IDEA_ANSWERED])
    backed_idea_answered = BooleanField(KIND_LABELS[NoticeKind.BACKED_IDEA_ANSWERED])
    help_accepted = BooleanField(KIND_LABELS[NoticeKind.HELP_ACCEPTED])
    submit = SubmitField(_l("Save my choices"))

    @classmethod
    def showing(cls, muted: set[NoticeKind]) -> "NoticeSettingsForm":
        """The form with each kind ticked unless it is muted (a POST's ticks win)."""
        return cls(data={kind.value: kind not in muted for kind in NoticeKind})

    def boxes(self) -> list[BooleanField]:
        """The tick boxes, one per kind, in the order of the kinds."""
        return [self[kind.value] for kind in NoticeKind]

    def muted(self) -> set[NoticeKind]:
        """The kinds left unticked."""
        return {kind for kind in NoticeKind if not self[kind.value].data}
