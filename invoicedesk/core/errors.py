"""Domain errors: one exception type that names the field and the reason."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Invalid input or a forbidden operation, phrased for the person at the keyboard.

    ``field`` names the offending input (``"line_items[2].quantity"``) when there is
    one; ``message`` says what is wrong and, where possible, what to do instead.

    The message is given in English as a template (``"the rate {rate} is not allowed"``)
    with its ``params``, and ``message`` renders it in the language of the moment
    (``invoicedesk.i18n``): the catalogue translates the template, the parameters go in
    afterwards. ``code`` is a stable name for programs (the command line's JSON output):
    the class's kind unless the raise site gives a more precise one.
    """

    default_code = "invalid"

    def __init__(
        self,
        message: str,
        field: str | None = None,
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.template = message
        self.field = field
        self.code = code or self.default_code
        self.params = dict(params or {})
        super().__init__(message, field)

    @property
    def message(self) -> str:
        from invoicedesk.i18n import tr  # core stays importable without the catalogues

        text = tr(self.template)
        return text.format(**self.params) if self.params else text

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Whole across processes (the PDF export pool): field, code and params included.
        return (_rebuild, (type(self), self.template, self.field, self.code, self.params))


def _rebuild(
    cls: type[DomainError],
    template: str,
    field: str | None,
    code: str,
    params: dict[str, object],
) -> DomainError:
    return cls(template, field, code=code, params=params)


class NotFoundError(DomainError):
    """A referenced record (client, invoice, product …) does not exist."""

    default_code = "not_found"


class ConflictError(DomainError):
    """The operation is not allowed in the record's current state."""

    default_code = "conflict"


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
