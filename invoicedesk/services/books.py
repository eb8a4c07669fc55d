"""The handle the front ends hold: one open set of books (a database).

The GUI and the command line open their books here and pass the handle to the use cases;
they never import ``invoicedesk.db`` (a test checks). The handle is the services'
:class:`~invoicedesk.db.engine.Database`, but front ends use only what this module
names: :func:`open_books`, :attr:`Books.path`, ``dispose()``, and the write gate of the
check at start (``hold_writes`` / ``allow_writes`` / ``refuse_writes``).
"""

from __future__ import annotations

from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database
from invoicedesk.db.failures import environment_failure

Books = Database

__all__ = ["Books", "environment_failure", "is_new", "open_books", "open_existing", "unopened"]


def open_books(url: str, *, upgrade: bool = True) -> Books:
    """Open (create or upgrade, by default) the books at ``url``: a file path or a
    SQLAlchemy URL."""
    from invoicedesk.db.engine import open_database

    return open_database(url, upgrade=upgrade)


def open_existing(target: str, *, create: bool = False, field: str = "database") -> Books:
    """The books at ``target`` (a file path or URL), opened and upgraded.

    Without ``create`` a file that does not exist is an error (a typo must not silently
    create an empty database); a bad URL or an unreadable database is a DomainError
    naming ``field``.
    """
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    try:
        probe = Database(target)  # parses the URL; connects only on first use
    except (ArgumentError, SQLAlchemyError, ImportError):
        raise DomainError(
            "'{target}' is not a file path or database URL", field, params={"target": target}
        ) from None
    path = probe.path
    probe.engine.dispose()
    if path is not None and not create and not path.exists():
        raise DomainError(
            "there is no database at {path} (create one with 'invoicedesk import', 'invoicedesk "
            "demo' or the app)",
            field,
            params={"path": path},
        )
    try:
        return open_books(probe.url)
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise DomainError(
            "cannot open the database {target}: {reason}",
            field,
            params={"target": target, "reason": reason},
        ) from None


def unopened(target: str) -> Books:
    """A handle on the books at ``target`` without opening or upgrading them (restoring a
    backup over a file that may be damaged)."""
    return Database(target)


def is_new(db: Books) -> bool:
    """Whether the books are new: no company profile filled in and no clients (the app then
    runs its set-up wizard). One read, without loading the settings and clients use cases:
    the app asks while it starts."""
    from sqlalchemy import select

    from invoicedesk.db.models import Client, CompanyProfile

    # The tables, not the mapped classes: a query of mapped attributes configures every
    # mapper first (about 20 ms the start does not need before the invoice list shows).
    company, clients = CompanyProfile.__table__.c, Client.__table__.c
    with db.read() as session:
        connection = session.connection()
        name = connection.scalar(select(company.name).where(company.id == 1))
        if name is not None and name.strip():  # settings.is_configured
            return False
        return connection.scalar(select(clients.id).limit(1)) is None
