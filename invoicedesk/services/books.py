"""The handle the front ends hold: one open set of books (a database).

The GUI and the command line open their books here and pass the handle to the use cases;
they never import ``invoicedesk.db`` (a test checks). The handle is the services'
:class:`~invoicedesk.db.engine.Database`, but front ends use only what this module
names: :func:`open_books`, :attr:`Books.path`, ``dispose()``, and the write gate of the
check at start (``hold_writes`` / ``allow_writes`` / ``refuse_writes``).
"""

from __future__ import annotations

from invoicedesk.db.engine import Database
from invoicedesk.db.failures import environment_failure

Books = Database

__all__ = ["Books", "environment_failure", "open_books"]


def open_books(url: str, *, upgrade: bool = True) -> Books:
    """Open (create or upgrade, by default) the books at ``url``: a file path or a
    SQLAlchemy URL."""
    from invoicedesk.db.engine import open_database

    return open_database(url, upgrade=upgrade)
