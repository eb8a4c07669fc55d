"""Alembic migrations run from code: at start-up the app upgrades the database to head.

Before a pending migration touches an existing SQLite file, the file is copied
aside (``name.sqlite.before-<revision>.bak``) with SQLite's online backup, so a
failed upgrade never costs data.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database.url.replace("%", "%%"))
    return config


def head_revision(database: Database) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database)).get_current_head()


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def backup_file(source: Path, target: Path) -> None:
    """Copy a live SQLite database consistently (WAL included) with the backup API."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def upgrade_database(database: Database) -> Path | None:
    """Bring the database to the newest revision; return the backup made, if any."""
    head = head_revision(database)
    current = current_revision(database)
    if current == head:
        return None
    script = ScriptDirectory.from_config(alembic_config(database))
    known = {revision.revision for revision in script.walk_revisions()}
    if current is not None and current not in known:
        raise DomainError(
            "this database was written by a newer version of InvoiceDesk (schema {schema}); "
            "install that version or newer to open it",
            "database",
            code="database_too_new",
            params={"schema": current},
        )
    backup = None
    path = database.path
    if current is not None and path is not None and path.exists():
        backup = path.with_name(f"{path.name}.before-{head}.bak")
        backup_file(path, backup)
    config = alembic_config(database)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return backup
