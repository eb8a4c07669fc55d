"""Operations: every change a screen makes runs off the GUI thread (Anki's ``CollectionOp``).

An operation calls one service use case on the write worker (one thread, so writes
happen in the order they were asked for, and the GUI thread never waits on the
database lock), then, back on the GUI thread, tells every screen what changed
(:class:`Changes`, sent on the bus: no screen writes its own notices) and calls its
``success`` callback::

    Operation(self, self.ctx, "Save Client",
              lambda db: clients.update_client(db, client_id, data),
              changes=lambda view: Changes.of(client=view.id),
    ).success(self.accept).refused(self.show_at_field).run()

Failures come in three kinds, each handled one way everywhere (:func:`classify`):

- **refused** — a rule said no (:class:`DomainError`): ``refused`` shows it at the field;
  by default a message box says it.
- **environment** — the database stayed locked, the disk is full (:class:`EnvironmentFailure`
  and what :func:`~invoicedesk.services.books.environment_failure` recognises): a message that
  says what to do, and Retry.
- **bug** — anything else: logged with its traceback (by the worker) and shown in the
  error dialog with its details.

While an operation takes longer than :data:`PATIENCE_MS` a window-modal progress dialog
says what it waits for; the window keeps repainting meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from invoicedesk.core.errors import DamagedDatabaseError, DomainError, EnvironmentFailure
from invoicedesk.i18n import tr
from invoicedesk.services.books import Books, environment_failure
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.worker import Task, run_task

log = logging.getLogger(__name__)

T = TypeVar("T")

PATIENCE_MS = 600  # an operation taking longer shows a progress dialog


class FailureKind(Enum):
    REFUSED = "refused"
    ENVIRONMENT = "environment"
    BUG = "bug"


def classify(exc: BaseException) -> FailureKind:
    """Which of the three kinds of failure ``exc`` is."""
    if isinstance(exc, DomainError):
        return FailureKind.REFUSED
    if environment_failure(exc) is not None:
        return FailureKind.ENVIRONMENT
    return FailureKind.BUG


@dataclass(frozen=True, slots=True)
class Changes:
    """What an operation changed: per kind of record ("invoice", "client", "product",
    "payment", "settings", "mail"), the ids touched (empty: reload all of that kind)."""

    entries: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @classmethod
    def of(cls, **kinds: int | Iterable[int] | None) -> Changes:
        """``Changes.of(invoice=7, payment=[3, 4], settings=None)``; None: all of them; an
        empty list: none of them (nothing of that kind changed, nobody reloads)."""
        entries = []
        for kind, ids in kinds.items():
            if ids is None:
                entries.append((kind, ()))
            elif isinstance(ids, int):
                entries.append((kind, (ids,)))
            elif touched := tuple(ids):
                entries.append((kind, touched))
        return cls(tuple(entries))

    def __add__(self, other: Changes) -> Changes:
        return Changes(self.entries + other.entries)


_writes: QThreadPool | None = None
_pending = 0  # operations started and not yet settled (tests wait for none)


def pending() -> int:
    """How many operations have started and not finished (their callbacks included)."""
    return _pending


def write_pool() -> QThreadPool:
    """The one thread every write runs on, in the order the screens asked."""
    global _writes
    if _writes is None:
        _writes = QThreadPool(QCoreApplication.instance())
        _writes.setMaxThreadCount(1)
        _writes.setExpiryTimeout(-1)
    return _writes


# The three ways of telling the person; tests replace them (no dialog blocks a test).
def tell_refused(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


def ask_retry(parent: QWidget | None, title: str, message: str) -> bool:
    """Say what the environment did and ask whether to try again."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.NoButton)
    box.setParent(parent, box.windowFlags())
    retry = box.addButton(tr("Try Again"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(retry)
    box.exec()
    return box.clickedButton() is retry


def show_bug(parent: QWidget | None, summary: str, details: str) -> None:
    from invoicedesk.ui.crash import ErrorDialog

    dialog = ErrorDialog(summary, details, parent)
    dialog.exec()


def sentence(message: str) -> str:
    """A service message ("the disk is full …") as a sentence for a dialog."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."


class Operation(Generic[T]):
    """One change: ``work(db)`` on the write worker, then changes, then ``success``."""

    def __init__(
        self,
        parent: QWidget,
        ctx: AppContext,
        title: str,
        work: Callable[[Books], T],
        *,
        changes: Changes | Callable[[T], Changes] | None = None,
        waiting: str = "",
    ) -> None:
        self.parent = parent
        self.ctx = ctx
        self.title = title
        self.work = work
        self.changes = changes
        self.waiting = waiting or f"{title}…"
        self._success: Callable[[T], None] | None = None
        self._refused: Callable[[DomainError], None] | None = None
        self._finally: Callable[[], None] | None = None
        self._progress: QProgressDialog | None = None
        self._timer: QTimer | None = None

    def success(self, callback: Callable[[T], None]) -> Operation[T]:
        self._success = callback
        return self

    def refused(self, callback: Callable[[DomainError], None]) -> Operation[T]:
        """How to show a rule's "no" (at the field, in a status line …)."""
        self._refused = callback
        return self

    def finally_(self, callback: Callable[[], None]) -> Operation[T]:
        """Called after success or any failure (re-enable a button, say)."""
        self._finally = callback
        return self

    def run(self) -> Task:
        global _pending
        _pending += 1
        db = self.ctx.db
        work = self.work
        # Not a child of the parent: a dialog that closes (and is deleted) while its
        # operation runs must not take the timer with it; the changes still go out.
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_progress)
        self._timer.start(PATIENCE_MS)
        return run_task(lambda _task: work(db), self._done, self._failed, pool=write_pool())

    # ------------------------------------------------------------------ on the GUI thread

    def _parent(self) -> QWidget | None:
        """The parent widget, or None once Qt has deleted it."""
        return self.parent if shiboken6.isValid(self.parent) else None

    def _show_progress(self) -> None:
        dialog = QProgressDialog(self.waiting, "", 0, 0, self._parent())
        dialog.setWindowTitle(self.title)
        dialog.setCancelButton(None)  # a write is one transaction: it completes or not at all
        dialog.setWindowModality(Qt.WindowModality.WindowModal)  # no second action meanwhile
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setLabelText(
            tr(
                "{waiting}\nThe database may be in use by another program; "
                "InvoiceDesk waits for it."
            ).format(waiting=self.waiting)
        )
        dialog.show()
        self._progress = dialog

    def _settle(self) -> None:
        global _pending
        _pending -= 1
        if self._timer is not None:
            self._timer.stop()
            self._timer.deleteLater()
            self._timer = None
        if self._progress is not None:
            if shiboken6.isValid(self._progress):
                self._progress.close()
                self._progress.deleteLater()
            self._progress = None

    def _done(self, result: Any) -> None:
        self._settle()
        gone = self._parent() is None  # the screen closed meanwhile: tell the others only
        try:
            changes = self.changes(result) if callable(self.changes) else self.changes
            for kind, ids in changes.entries if changes is not None else ():
                self.ctx.bus.notify(kind, ids)
            if self._success is not None and not gone:
                self._success(result)
        finally:
            if self._finally is not None and not gone:
                self._finally()

    def _failed(self, exc: BaseException, trace: str) -> None:
        self._settle()
        kind = classify(exc)
        gone = self._parent() is None
        retrying = False
        try:
            if kind is FailureKind.REFUSED:
                assert isinstance(exc, DomainError)
                if self._refused is not None and not gone:
                    self._refused(exc)
                else:
                    tell_refused(self._parent(), self.title, sentence(exc.message))
            elif kind is FailureKind.ENVIRONMENT:
                failure = exc if isinstance(exc, EnvironmentFailure) else environment_failure(exc)
                assert failure is not None
                log.warning("%s: %s", self.title, failure.message)
                if isinstance(failure, DamagedDatabaseError):  # trying again cannot help
                    tell_refused(self._parent(), self.title, sentence(failure.message))
                else:
                    retrying = ask_retry(self._parent(), self.title, sentence(failure.message))
                if retrying:
                    self.run()  # settles (and calls finally_) when it ends
            else:
                show_bug(self._parent(), f"{type(exc).__name__}: {exc}", trace)
        finally:
            if not retrying and not gone and self._finally is not None:
                self._finally()
