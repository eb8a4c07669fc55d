"""Where the data lives: the default database file in the per-user data folder.

``--db`` (or ``$INVOICEDESK_DB``) overrides it with another file or any
SQLAlchemy URL. The demo database is a separate file beside the default one,
so exploring never mixes sample data into the real books.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "InvoiceDesk"
ORGANIZATION = "InvoiceDesk"
ORGANIZATION_DOMAIN = "invoicedesk.org"
# Reverse-DNS id: the macOS bundle identifier, the Linux .desktop file's name (Wayland's app id).
APP_ID = "org.invoicedesk.InvoiceDesk"
DB_ENV = "INVOICEDESK_DB"


def data_dir() -> Path:
    path = user_data_path(APP_NAME, appauthor=False, ensure_exists=True)
    return Path(path)


def default_database() -> Path:
    return data_dir() / "invoicedesk.sqlite"


def demo_database() -> Path:
    return data_dir() / "invoicedesk-demo.sqlite"


def resolve_database(value: str | None = None) -> str:
    """The database the user asked for: ``value``, else ``$INVOICEDESK_DB``, else the default."""
    chosen = value or os.environ.get(DB_ENV) or str(default_database())
    return chosen
