"""The error every service raises when a rule refuses an action."""


class RuleError(Exception):
    """A rule said no; the message is shown to the person and nothing was changed."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message
