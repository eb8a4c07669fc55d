"""``invoicedesk backup create|list|restore|folder``: copies of the database file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from invoicedesk.cli.common import (
    EXIT_OK,
    PROG,
    SubParsers,
    add_command,
    add_format,
    add_group,
    open_db,
)
from invoicedesk.core.errors import DomainError, NotFoundError
from invoicedesk.i18n import N_, ntr, tr


def register(subparsers: SubParsers) -> None:
    group = add_group(subparsers, "backup", help=tr("back the database file up, list and restore"))
    create = add_command(
        group, "create", _create,
        help=tr("write a checked backup now (kept until you delete it)"),
    )  # fmt: skip
    create.add_argument("--folder", metavar="DIR", help=tr(_FOLDER_HELP))
    listing = add_command(group, "list", _list, help=tr("the backups, newest first, with counts"))
    listing.add_argument("--folder", metavar="DIR", help=tr(_FOLDER_HELP))
    add_format(listing)
    restore = add_command(
        group, "restore", _restore,
        help=tr("replace the database with a backup (the current file is kept aside)"),
        description=tr(
            "Replace the database's contents with BACKUP (a file, or 'latest' for the newest "
            "in the backup folder). The backup is checked first; the current contents are "
            "copied aside (NAME.before-restore-TIME.sqlite) so the restore can be undone. "
            "Close the app first."
        ),
    )  # fmt: skip
    restore.add_argument("backup", metavar="BACKUP", help=tr("a backup file, or 'latest'"))
    restore.add_argument("--folder", metavar="DIR", help=tr(_FOLDER_HELP))
    folder = add_command(
        group, "folder", _choose_folder,
        help=tr("show or choose where this machine keeps backups (the app uses it too)"),
    )  # fmt: skip
    folder.add_argument("dir", metavar="DIR", nargs="?", help=tr("the folder to keep backups in"))
    folder.add_argument("--reset", action="store_true", help=tr("back to the default folder"))


_FOLDER_HELP = N_(
    "the backup folder (default: the one chosen with 'backup folder', else the user data "
    "folder; $INVOICEDESK_BACKUP_DIR overrides both)"
)


def _folder(args: argparse.Namespace) -> Path | None:
    return Path(args.folder) if args.folder else None


def _create(args: argparse.Namespace) -> int:
    from invoicedesk.services.backups import create_backup

    with open_db(args) as db:
        made = create_backup(db, folder=_folder(args))
    clients = ntr("{n} client", "{n} clients", made.clients).format(n=made.clients)
    invoices = ntr("{n} invoice", "{n} invoices", made.invoices).format(n=made.invoices)
    print(
        tr("Backup written to {path} ({clients}, {invoices})").format(
            path=made.path, clients=clients, invoices=invoices
        )
    )
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
    from invoicedesk.services.backups import database_file, list_backups, restore_backup
    from invoicedesk.services.books import unopened

    # Not opened or migrated: the file being replaced may be the damaged one.
    db = unopened(resolve_database(args.db))
    try:
        target = database_file(db)
        if args.backup == "latest":
            found = list_backups(db, folder=_folder(args))
            if not found:
                raise NotFoundError(
                    "there is no backup of this database yet", "BACKUP", code="no_backup"
                )
            chosen = found[0].path
        else:
            chosen = Path(args.backup)
    finally:
        db.dispose()
    aside = restore_backup(target, chosen)
    print(
        tr("Restored {name} from {backup}; the previous contents are in {aside}").format(
            name=target.name, backup=chosen.name, aside=aside
        )
    )
    return EXIT_OK


def _choose_folder(args: argparse.Namespace) -> int:
    from invoicedesk.services import backups

    if args.reset and args.dir:
        raise DomainError("give a folder or --reset, not both", "DIR", code="exclusive")
    if args.reset or args.dir:
        chosen = backups.set_backup_root(None if args.reset else args.dir)
        print(tr("Backups are kept in {folder}").format(folder=chosen))
    else:
        print(backups.backup_root())
    if backups.backup_root_is_fixed():
        note = tr("note: ${env} is set and decides the folder while it is")
        sys.stderr.write(f"{PROG}: {note.format(env=backups.BACKUP_DIR_ENV)}\n")
    return EXIT_OK
