"""Where the data lives: the default database file in the per-user data folder.

``--db`` (or ``$INVOICEDESK_DB``) overrides it with another file or any
SQLAlchemy URL. The demo database is a separate file beside the default one,
so exploring never mixes sample data into the real books.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "InvoiceDesk"
ORGANIZATION = "InvoiceDesk"
ORGANIZATION_DOMAIN = "invoicedesk.org"
# Reverse-DNS id: the macOS bundle identifier, the Linux .desktop file's name (Wayland's app id).
APP_ID = "org.invoicedesk.InvoiceDesk"
DB_ENV = "INVOICEDESK_DB"
# Settings of this machine (not of the books): where backups go. The tests point it elsewhere.
CONFIG_DIR_ENV = "INVOICEDESK_CONFIG_DIR"
MACHINE_SETTINGS_FILE = "settings.json"


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


def config_dir() -> Path:
    """``$INVOICEDESK_CONFIG_DIR``, else the per-user config folder."""
    chosen = os.environ.get(CONFIG_DIR_ENV)
    return Path(chosen) if chosen else Path(user_config_path(APP_NAME, appauthor=False))


def machine_settings() -> dict[str, str]:
    """The settings of this machine (the app and the command line read the same file);
    empty when there is none or it cannot be read."""
    try:
        data = json.loads((config_dir() / MACHINE_SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, str)}


def set_machine_setting(key: str, value: str | None) -> None:
    """Store (or, with None, remove) one machine setting; the file is replaced whole, so a
    crash never leaves half of it."""
    settings = machine_settings()
    if value is None:
        settings.pop(key, None)
    else:
        settings[key] = value
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(settings, handle, indent=2, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, folder / MACHINE_SETTINGS_FILE)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
