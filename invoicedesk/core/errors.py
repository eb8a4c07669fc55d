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


class EnvironmentFailure(Exception):
    """The machine, not the input and not our code, failed: the database stayed locked by
    another program, the disk is full, the mail server cannot be reached.

    Nothing was half-written (the transaction rolled back); ``message`` says what happened
    and what to do, and trying again later can succeed. The command line exits with
    ``exit_code``: 75 (``EX_TEMPFAIL``); the app offers to retry.
    """

    exit_code = 75

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class DatabaseBusyError(EnvironmentFailure):
    """Another program held the database's write lock for longer than we wait."""


class StorageFullError(EnvironmentFailure):
    """The disk (or the file-size limit) is full: the write failed and was rolled back."""


class DamagedDatabaseError(EnvironmentFailure):
    """The database file is damaged (SQLite found a malformed page): it must not be written
    to; the way out is the newest good backup. Exit code 74 (``EX_IOERR``): trying again
    does not help."""

    exit_code = 74
