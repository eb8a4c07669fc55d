"""Domain errors: one exception type that names the field and the reason."""

from __future__ import annotations


class DomainError(Exception):
    """Invalid input or a forbidden operation, phrased for the person at the keyboard.

    ``field`` names the offending input (``"line_items[2].quantity"``) when there is
    one; ``message`` says what is wrong and, where possible, what to do instead.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class NotFoundError(DomainError):
    """A referenced record (client, invoice, product …) does not exist."""


class ConflictError(DomainError):
    """The operation is not allowed in the record's current state."""
