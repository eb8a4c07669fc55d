"""Backups of a database file: made with SQLite's online backup API, listed with what they
hold, rotated, checked and restored.

A backup is a complete SQLite file named ``<stem>-<YYYYmmdd-HHMMSS>-<kind>.sqlite`` in the
backup folder (``<stem>`` in the folder chosen on this machine, default ``backups`` in the
per-user data folder). ``auto`` backups
(the app's, on closing and daily) are rotated by :mod:`invoicedesk.core.retention`;
``manual`` ones are kept until the person deletes them. Every backup is checked with
``PRAGMA quick_check`` right after it is written; restoring checks it again and keeps the
current file aside first, so a restore can itself be undone.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from invoicedesk.config import data_dir, machine_settings, set_machine_setting
from invoicedesk.core.errors import (
    DamagedDatabaseError,
    DomainError,
    EnvironmentFailure,
    StorageFullError,
)
from invoicedesk.core.retention import DEFAULT_RETENTION, Retention, backups_to_keep
from invoicedesk.db.engine import Database
from invoicedesk.db.failures import environment_failure
from invoicedesk.i18n import tr

BACKUP_DIR_ENV = "INVOICEDESK_BACKUP_DIR"
BACKUP_FOLDER_SETTING = "backup_folder"  # the machine setting (config.machine_settings)
KINDS = ("auto", "manual")
_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<kind>auto|manual)\.sqlite$")


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file and what it holds (counts are None when the file cannot be read)."""

    path: Path
    created: dt.datetime
    kind: str
    size: int
    clients: int | None
    invoices: int | None


def database_file(db: Database) -> Path:
    """The SQLite file behind ``db``; other databases are backed up by their server."""
    if db.path is None:
        raise DomainError(
            "only a database file can be backed up here; back up a database server with its "
            "own tools",
            "database",
        )
    return db.path


def backup_root() -> Path:
    """Where backups go: ``$INVOICEDESK_BACKUP_DIR``, else the folder chosen on this machine
    (:func:`set_backup_root`), else ``backups`` in the user data folder."""
    base = os.environ.get(BACKUP_DIR_ENV) or machine_settings().get(BACKUP_FOLDER_SETTING)
    return Path(base) if base else data_dir() / "backups"


def backup_root_is_fixed() -> bool:
    """Whether ``$INVOICEDESK_BACKUP_DIR`` decides the folder (then choosing one has no
    effect until it is unset)."""
    return bool(os.environ.get(BACKUP_DIR_ENV))


def set_backup_root(folder: Path | str | None) -> Path:
    """Choose the backup folder of this machine (None: back to the default); it must be a
    folder we can write to. Backups already made stay where they are."""
    if folder is None or str(folder) == "":
        set_machine_setting(BACKUP_FOLDER_SETTING, None)
        return backup_root()
    path = Path(folder).expanduser()
    if not path.is_absolute():
        raise DomainError(
            "'{folder}' is not a full path to a folder", "backup_folder", params={"folder": folder}
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".invoicedesk-write-test-"):
            pass
    except OSError as exc:
        raise DomainError(
            "backups cannot be written to {path} ({reason})",
            "backup_folder",
            params={"path": path, "reason": exc.strerror or exc},
        ) from None
    set_machine_setting(BACKUP_FOLDER_SETTING, str(path))
    return path


def default_folder(db_file: Path) -> Path:
    """The backup folder of ``db_file``: its own folder (named after the file) in
    :func:`backup_root`."""
    return backup_root() / db_file.stem


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _check(path: Path) -> str:
    """``ok``, or what SQLite's quick_check (or opening the file) says is wrong."""
    try:
        return _quick_check(path)
    except sqlite3.DatabaseError as exc:
        return str(exc)


def _quick_check(path: Path) -> str:
    """``ok`` or what quick_check finds; SQLite's errors (locked, unreadable, malformed)
    are raised for the caller to tell damage from an environment failure."""
    connection = _read_only(path)
    try:
        rows = connection.execute("PRAGMA quick_check").fetchall()
        tables = {
            str(name)
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    finally:
        connection.close()
    problems = [str(row[0]) for row in rows if row[0] != "ok"]
    if problems:
        return "; ".join(problems[:3])
    if not {"alembic_version", "invoices", "clients"} <= tables:
        return "it is not an InvoiceDesk database"
    return "ok"


def _counts(path: Path) -> tuple[int | None, int | None]:
    try:
        connection = _read_only(path)
        try:
            clients = connection.execute("SELECT count(*) FROM clients").fetchone()[0]
            invoices = connection.execute("SELECT count(*) FROM invoices").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return None, None
    return int(clients), int(invoices)


def _copy(source: Path, target: Path, *, single_file: bool = False) -> None:
    """A consistent copy of a live database (its WAL included), page by page.

    ``single_file``: the copy leaves WAL mode, so it is one self-contained file that
    opening it read-only does not grow -wal/-shm companions beside.
    """
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            if single_file:
                dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def create_backup(
    db: Database, *, folder: Path | None = None, kind: str = "manual",
    now: dt.datetime | None = None, retention: Retention = DEFAULT_RETENTION,
) -> BackupInfo:  # fmt: skip
    """Back the database up into ``folder`` and check the copy; rotate the ``auto`` ones."""
    if kind not in KINDS:
        raise DomainError(
            "a backup is {choices}, not {kind!r}",
            "kind",
            params={"choices": tr(" or ").join(KINDS), "kind": kind},
        )
    source = database_file(db)
    folder = folder or default_folder(source)
    moment = (now or dt.datetime.now()).replace(microsecond=0)
    target = folder / f"{source.stem}-{moment.strftime(_STAMP)}-{kind}.sqlite"
    partial = target.with_name(target.name + ".partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _copy(source, partial, single_file=True)
        verdict = _check(partial)
        if verdict != "ok":
            partial.unlink(missing_ok=True)
            raise DomainError(
                "the backup copy failed its check ({verdict})",
                "backup",
                params={"verdict": verdict},
            )
        partial.replace(target)  # only a checked copy ever carries a backup's name
    except (OSError, sqlite3.DatabaseError) as exc:
        partial.unlink(missing_ok=True)  # never leave a half-written copy behind
        if isinstance(environment_failure(exc), StorageFullError):
            raise StorageFullError(
                f"the backup could not be written to {folder}: the disk is full — free some "
                "space there (or choose another backup folder) and try again"
            ) from exc
        if isinstance(exc, sqlite3.DatabaseError):
            raise
        raise DomainError(
            "the backup could not be written to {folder}: {reason}",
            "folder",
            params={"folder": folder, "reason": exc.strerror or exc},
        ) from None
    if kind == "auto":
        prune(folder, source.stem, retention)
    return _info(target)


def save_copy(db: Database, target: Path) -> Path:
    """A checked single-file copy of the database at ``target`` (File › Save Backup Copy):
    written beside it first and only then given the name, replacing a file there."""
    source = database_file(db)
    partial = target.with_name(target.name + ".partial")
    try:
        _copy(source, partial, single_file=True)
        verdict = _check(partial)
        if verdict != "ok":
            raise DomainError(
                "the copy failed its check ({verdict})", "copy", params={"verdict": verdict}
            )
        partial.replace(target)
    except (OSError, sqlite3.DatabaseError) as exc:
        if isinstance(environment_failure(exc), StorageFullError):
            raise StorageFullError(
                f"the copy could not be written to {target.parent}: the disk is full — free "
                "some space there and try again"
            ) from exc
        if isinstance(exc, sqlite3.DatabaseError):
            raise
        raise DomainError(
            "the copy could not be saved: {reason}", "copy", params={"reason": exc.strerror or exc}
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    return target


def check_integrity(db: Database) -> str:
    """``ok``, or what ``PRAGMA quick_check`` finds wrong with the database file (run at
    start; databases that are not files are the server's business and count as ok).

    Only damage is a verdict: a file that is locked, cannot be opened or read (a busy
    network drive) raises an EnvironmentFailure instead — it is not damaged, and must
    never lead anyone to replace it with an older backup."""
    if db.path is None:
        return "ok"
    try:
        return _quick_check(db.path)
    except sqlite3.DatabaseError as exc:
        failure = environment_failure(exc)
        if isinstance(failure, DamagedDatabaseError):
            return str(exc)  # malformed, or not a database at all
        unchecked = EnvironmentFailure(f"the database file could not be checked: {exc}")
        raise failure or unchecked from exc


def newest_good_backup(db: Database, *, folder: Path | None = None) -> BackupInfo | None:
    """The newest backup of ``db`` that passes its check (None when there is none)."""
    for backup in list_backups(db, folder=folder):
        if backup.clients is not None and _check(backup.path) == "ok":
            return backup
    return None


def _parse(path: Path, stem: str | None = None) -> tuple[dt.datetime, str] | None:
    match = _NAME.match(path.name)
    if match is None or (stem is not None and match.group("stem") != stem):
        return None
    return dt.datetime.strptime(match.group("stamp"), _STAMP), match.group("kind")


def _info(path: Path) -> BackupInfo:
    parsed = _parse(path)
    assert parsed is not None
    clients, invoices = _counts(path)
    return BackupInfo(path, parsed[0], parsed[1], path.stat().st_size, clients, invoices)


def list_backups(db: Database, *, folder: Path | None = None) -> list[BackupInfo]:
    """The database's backups in ``folder``, newest first, with their counts."""
    source = database_file(db)
    folder = folder or default_folder(source)
    if not folder.is_dir():
        return []
    found = [path for path in folder.iterdir() if _parse(path, source.stem) is not None]
    return sorted((_info(path) for path in found), key=lambda b: b.created, reverse=True)


def last_backup_time(
    db: Database, *, kind: str = "auto", folder: Path | None = None
) -> dt.datetime | None:
    """When the newest backup of ``kind`` was made (None: never); reads file names only."""
    source = database_file(db)
    folder = folder or default_folder(source)
    if not folder.is_dir():
        return None
    moments = [
        parsed[0]
        for parsed in (_parse(path, source.stem) for path in folder.iterdir())
        if parsed is not None and parsed[1] == kind
    ]
    return max(moments, default=None)


def prune(folder: Path, stem: str, retention: Retention = DEFAULT_RETENTION) -> list[Path]:
    """Delete the ``auto`` backups of ``stem`` the rotation no longer keeps; returns them."""
    automatic: dict[dt.datetime, Path] = {}
    for path in folder.iterdir():
        parsed = _parse(path, stem)
        if parsed is not None and parsed[1] == "auto":
            automatic[parsed[0]] = path
    keep = backups_to_keep(automatic, retention)
    removed = [path for moment, path in automatic.items() if moment not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return sorted(removed)


def restore_backup(db_file: Path, backup: Path, *, now: dt.datetime | None = None) -> Path:
    """Replace the database file's contents with ``backup``'s; returns where the current
    contents were kept. Nothing else may have the file open (close the app first)."""
    if not backup.is_file():
        raise DomainError("there is no backup at {backup}", "backup", params={"backup": backup})
    verdict = _check(backup)
    if verdict != "ok":
        raise DomainError(
            "{name} cannot be restored: {verdict}",
            "backup",
            params={"name": backup.name, "verdict": verdict},
        )
    moment = (now or dt.datetime.now()).strftime(_STAMP)
    aside = db_file.with_name(f"{db_file.stem}.before-restore-{moment}{db_file.suffix}")
    try:
        if db_file.exists():
            _copy(db_file, aside, single_file=True)
        _copy(backup, db_file)
    except sqlite3.OperationalError as exc:
        raise DomainError(
            "{name} could not be replaced ({exc}); close InvoiceDesk and try again",
            "database",
            params={"name": db_file.name, "exc": exc},
        ) from None
    return aside
