"""``invoicedesk backup create|list|restore``: copies of the database file."""

from __future__ import annotations

import argparse
from pathlib import Path

from invoicedesk.cli.common import (
    EXIT_OK,
    SubParsers,
    add_command,
    add_format,
    add_group,
    open_db,
)
from invoicedesk.core.errors import DomainError


def register(subparsers: SubParsers) -> None:
    group = add_group(subparsers, "backup", help="back the database file up, list and restore")
    create = add_command(
        group, "create", _create,
        help="write a checked backup now (kept until you delete it)",
    )  # fmt: skip
    create.add_argument("--folder", metavar="DIR", help=_FOLDER_HELP)
    listing = add_command(group, "list", _list, help="the backups, newest first, with counts")
    listing.add_argument("--folder", metavar="DIR", help=_FOLDER_HELP)
    add_format(listing)
    restore = add_command(
        group, "restore", _restore,
        help="replace the database with a backup (the current file is kept aside)",
        description=(
            "Replace the database's contents with BACKUP (a file, or 'latest' for the newest "
            "in the backup folder). The backup is checked first; the current contents are "
            "copied aside (NAME.before-restore-TIME.sqlite) so the restore can be undone. "
            "Close the app first."
        ),
    )  # fmt: skip
    restore.add_argument("backup", metavar="BACKUP", help="a backup file, or 'latest'")
    restore.add_argument("--folder", metavar="DIR", help=_FOLDER_HELP)


_FOLDER_HELP = "the backup folder (default: $INVOICEDESK_BACKUP_DIR, else the user data folder)"


def _folder(args: argparse.Namespace) -> Path | None:
    return Path(args.folder) if args.folder else None


def _create(args: argparse.Namespace) -> int:
    from invoicedesk.services.backups import create_backup

    with open_db(args) as db:
        made = create_backup(db, folder=_folder(args))
    print(f"Backup written to {made.path} ({made.clients} clients, {made.invoices} invoices)")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from invoicedesk.cli.output import print_rows
    from invoicedesk.services.backups import list_backups

    with open_db(args) as db:
        found = list_backups(db, folder=_folder(args))
    rows = [
        {"created": b.created.isoformat(sep=" "), "kind": b.kind, "clients": b.clients,
         "invoices": b.invoices, "size": b.size, "file": str(b.path)}
        for b in found
    ]  # fmt: skip
    print_rows(rows, ["created", "kind", "clients", "invoices", "size", "file"], args.format)
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from invoicedesk.config import resolve_database
    from invoicedesk.db.engine import Database
    from invoicedesk.services.backups import database_file, list_backups, restore_backup

    # Not opened or migrated: the file being replaced may be the damaged one.
    db = Database(resolve_database(args.db))
    try:
        target = database_file(db)
        if args.backup == "latest":
            found = list_backups(db, folder=_folder(args))
            if not found:
                raise DomainError("there is no backup of this database yet", "BACKUP")
            chosen = found[0].path
        else:
            chosen = Path(args.backup)
    finally:
        db.dispose()
    aside = restore_backup(target, chosen)
    print(f"Restored {target.name} from {chosen.name}; the previous contents are in {aside}")
    return EXIT_OK
