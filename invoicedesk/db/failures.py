"""Recognising environment failures in database and file errors.

SQLite reports a lock held too long and a full disk as ``OperationalError`` with a
message, and the file system as ``OSError`` with an errno. :func:`environment_failure`
turns those (anywhere in an exception's cause chain) into the core's
:class:`~invoicedesk.core.errors.EnvironmentFailure` types, so the front ends can tell
"try again" from a bug.
"""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import DBAPIError

from invoicedesk.core.errors import (
    DamagedDatabaseError,
    DatabaseBusyError,
    EnvironmentFailure,
    StorageFullError,
)
from invoicedesk.i18n import N_, tr

BUSY_MESSAGE = N_(
    "the database is in use by another program (another InvoiceDesk window or command) "
    "and stayed locked for {seconds} s; nothing was changed — try again when it has finished"
)
FULL_MESSAGE = N_(
    "the disk is full ({detail}); nothing was changed — free some space and try again"
)
DAMAGED_MESSAGE = N_(
    "the database file is damaged ({detail}); InvoiceDesk does not write to it — restore the "
    "newest good backup (File › Backups in the app, or 'invoicedesk backup restore latest')"
)
IO_MESSAGE = N_(
    "the database file could not be read or written (a disk I/O error); nothing was "
    "changed — check the disk (free space, a removed drive) and try again"
)
# Marked for the catalogue; a failure says them in the language of the moment.
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def busy_message(seconds: float) -> str:
    """The message of a database locked for ``seconds``, in the current language."""
    return tr(BUSY_MESSAGE).format(seconds=f"{seconds:g}")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        if isinstance(current, DBAPIError) and current.orig is not None:
            seen.append(current.orig)
        current = current.__cause__ or current.__context__
    return seen


def environment_failure(exc: BaseException, busy_seconds: float = 30) -> EnvironmentFailure | None:
    """The environment failure ``exc`` stands for, or None when it is something else."""
    for link in _chain(exc):
        if isinstance(link, EnvironmentFailure):
            return link
        if isinstance(link, DamagedDatabaseError):
            return link
        if isinstance(link, sqlite3.DatabaseError) and not isinstance(
            link, sqlite3.OperationalError
        ):
            text = str(link).lower()
            if "malformed" in text or "not a database" in text:
                return DamagedDatabaseError(tr(DAMAGED_MESSAGE).format(detail=str(link)))
        if isinstance(link, sqlite3.OperationalError):
            text = str(link).lower()
            if "locked" in text or "busy" in text:
                return DatabaseBusyError(busy_message(busy_seconds))
            if "disk is full" in text:
                detail = tr("the database file cannot grow")
                return StorageFullError(tr(FULL_MESSAGE).format(detail=detail))
            if "disk i/o error" in text:
                return EnvironmentFailure(tr(IO_MESSAGE))
        if isinstance(link, OSError) and link.errno in _FULL_ERRNOS:
            where = f": {link.filename}" if link.filename else ""
            return StorageFullError(tr(FULL_MESSAGE).format(detail=f"{link.strerror}{where}"))
    return None
