class DomainError(Exception):
    """A business rule refused an action. The message is French and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
