"""The error every service raises when a rule refuses an action."""


class RuleError(Exception):
    """A rule said no; the message is shown to the person and nothing was changed."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        # The form field the refusal is about, when there is one (e.g. "password").
        self.field = field
