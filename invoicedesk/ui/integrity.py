"""The check of the database file when a window opens it, and the way out when it fails.

``PRAGMA quick_check`` reads the whole file (about 0.15 s for 20,000 invoices), so it runs
on the worker pool after the window shows; writes wait for it (``Books.hold_writes``).
A damaged file is never written to (``Books.refuse_writes``): the person is told so
and offered the newest backup that passes the same check.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from invoicedesk.i18n import tr
from invoicedesk.services import backups
from invoicedesk.services.backups import BackupInfo
from invoicedesk.ui.worker import run_task

if TYPE_CHECKING:
    from invoicedesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# What the person chose when told the file is damaged (tests answer for them).
RESTORE, SHOW_BACKUPS, KEEP = "restore", "backups", "keep"


def ask_what_to_do(parent: QWidget, damage: str, backup: BackupInfo | None) -> str:
    """Tell that the file is damaged and ask: restore the newest good backup, pick one, or
    keep looking at the damaged data (nothing can be changed then)."""
    from invoicedesk.ui.backups_dialog import describe  # rarely needed: not at every start

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(tr("Damaged Database"))
    box.setText(tr("The database file is damaged. InvoiceDesk will not change it."))
    if backup is not None:
        box.setInformativeText(
            tr(
                "The newest good backup is from {when}. Restoring it replaces the damaged "
                "data, which is kept aside in a file beside the database."
            ).format(when=describe(backup))
        )
    else:
        box.setInformativeText(
            tr(
                "No good backup of it was found. You can still look at the data that can be "
                "read; copy the file before trying to repair it."
            )
        )
    box.setDetailedText(damage)
    restore = box.addButton(tr("Restore Backup"), QMessageBox.ButtonRole.AcceptRole)
    restore.setEnabled(backup is not None)
    pick = box.addButton(tr("Show Backups…"), QMessageBox.ButtonRole.ActionRole)
    keep = box.addButton(tr("Look Without Changing"), QMessageBox.ButtonRole.RejectRole)
    # Enter must never replace data: restoring is a deliberate click.
    box.setDefaultButton(keep)
    box.exec()
    clicked = box.clickedButton()
    if clicked is restore:
        return RESTORE
    return SHOW_BACKUPS if clicked is pick else KEEP


class IntegrityCheck(QObject):
    """Checks the window's database once; ``finished(verdict)`` ("ok" or the damage)."""

    finished = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def start(self) -> None:
        db = self.window.ctx.db
        if db.path is None:
            return
        db.hold_writes()
        run_task(lambda _task: backups.check_integrity(db), self._checked, self._failed)

    def _failed(self, exc: BaseException, _trace: str) -> None:
        # The check itself could not run (the file vanished?): say so, do not block writes
        # forever; the writes will meet the problem and report it themselves.
        log.warning("The database check could not run: %s", exc)
        self.window.ctx.db.allow_writes()
        self.finished.emit(f"not checked: {exc}")

    def _checked(self, verdict: str) -> None:
        db = self.window.ctx.db
        if verdict == "ok":
            db.allow_writes()
            self.finished.emit(verdict)
            return
        log.error("The database file %s is damaged: %s", db.path, verdict)
        db.refuse_writes(verdict)
        self.window.mail_runner.stop()
        self.window.auto_backup.stop()
        self.window.auto_backup.started = False  # never back damaged data up over good
        run_task(
            lambda _task: backups.newest_good_backup(db),
            lambda backup: self._offer(verdict, backup),
            lambda _exc, _trace: self._offer(verdict, None),
        )

    def _offer(self, verdict: str, backup: BackupInfo | None) -> None:
        self.finished.emit(verdict)
        choice = ask_what_to_do(self.window, verdict, backup)
        if choice == RESTORE and backup is not None:
            self.window.restore_backup(backup.path)
        elif choice == SHOW_BACKUPS:
            self.window.manage_backups()
        else:
            self.window.show_damage(verdict)
