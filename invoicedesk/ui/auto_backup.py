"""Automatic backups while the app runs: one when the window closes and one a day.

Backups run on the worker pool (services.backups with SQLite's online backup API, so the
app goes on writing meanwhile); a failure is logged by the worker and told in the status
bar, never in a dialog that would interrupt work. Only database files are backed up.
"""

from __future__ import annotations

import datetime as dt

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from invoicedesk.i18n import tr
from invoicedesk.services import backups
from invoicedesk.services.books import Books
from invoicedesk.ui.worker import Task, run_task

DAILY = dt.timedelta(days=1)
CHECK_EVERY_MS = 60 * 60 * 1000  # whether a day has passed: once an hour


class AutoBackup(QObject):
    status_message = Signal(str)
    finished = Signal(object)  # the BackupInfo, or the exception

    def __init__(self, db: Books, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.running: Task | None = None
        self.started = False  # only a started app backs up on closing (tests never start it)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.backup_if_due)

    @property
    def enabled(self) -> bool:
        return self.db.path is not None

    def start(self) -> None:
        """Check now and then every hour."""
        if self.enabled:
            self.started = True
            self.timer.start()
            self.backup_if_due()

    def stop(self) -> None:
        self.timer.stop()

    def backup_if_due(self, now: dt.datetime | None = None) -> Task | None:
        """Back up when the newest automatic backup is a day old or there is none."""
        if not self.enabled or self.running is not None:
            return None
        last = backups.last_backup_time(self.db)
        if last is not None and (now or dt.datetime.now()) - last < DAILY:
            return None
        return self.backup_now()

    def backup_now(self) -> Task | None:
        """Start an automatic backup (the window's close starts one too)."""
        if not self.enabled or self.running is not None:
            return None
        db = self.db

        def done(made: backups.BackupInfo) -> None:
            if shiboken6.isValid(self):  # the window may have closed meanwhile
                self.running = None
                self.finished.emit(made)

        def failed(exc: BaseException, _trace: str) -> None:
            if shiboken6.isValid(self):
                self.running = None
                self.status_message.emit(
                    tr("The automatic backup failed: {error}").format(error=exc)
                )
                self.finished.emit(exc)

        self.running = run_task(lambda _task: backups.create_backup(db, kind="auto"), done, failed)
        return self.running


def wait_for_backups(timeout_ms: int = 120_000) -> bool:
    """At exit: let a backup started by the closing window finish (True when none is left)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
