"""Unexpected errors in the app: logged with their traceback, shown once in a dialog.

:func:`install` routes Qt's own warnings into the log file and replaces ``sys.excepthook``
and ``threading.excepthook`` (PySide reports an exception raised in a slot through
``sys.excepthook``). The dialog says what happened in one sentence, offers "Copy details"
(the traceback, for a support request) and "Open Log Folder", and never stacks: while one
is open, further errors are only logged.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, QtMsgType, QUrl, Signal, Slot, qInstallMessageHandler
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from invoicedesk import __version__
from invoicedesk.i18n import tr
from invoicedesk.logs import log_dir, log_exception, scrub

qt_log = logging.getLogger("invoicedesk.qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def qt_message_handler(kind: QtMsgType, context: object, message: str) -> None:
    """Qt's debug output, warnings and errors, as records of the ``invoicedesk.qt`` logger."""
    level = _QT_LEVELS.get(kind, logging.WARNING)
    qt_log.log(level, "%s", message)
    if level >= logging.WARNING and sys.stderr is not None:  # a windowed app has no stderr
        print(f"Qt: {message}", file=sys.stderr)


def open_log_folder() -> bool:
    """Show the log folder in the system's file manager."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir())))


def details_text(exc_type: type[BaseException], exc: BaseException,
                 trace: TracebackType | None) -> str:  # fmt: skip
    """What "Copy details" copies: version, platform and the traceback, scrubbed like the log."""
    lines = traceback.format_exception(exc_type, exc, trace)
    head = f"InvoiceDesk {__version__} on {sys.platform}, Python {sys.version.split()[0]}\n\n"
    return scrub(head + "".join(lines))


class ErrorDialog(QMessageBox):
    """ "InvoiceDesk ran into a problem": the sentence, the details, copy and log folder."""

    def __init__(self, summary: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle("InvoiceDesk")
        self.setText(tr("InvoiceDesk ran into an unexpected problem."))
        self.setInformativeText(
            tr(
                "{summary}\n\nYour data is safe: every change is saved in one step, so the "
                "last one either happened completely or not at all. The details are in the "
                "log file."
            ).format(summary=summary)
        )
        self.setDetailedText(details)
        self.details = details
        self.copy_button = self.addButton(tr("Copy Details"), QMessageBox.ButtonRole.ActionRole)
        self.folder_button = self.addButton(
            tr("Open Log Folder"), QMessageBox.ButtonRole.ActionRole
        )
        self.close_button = self.addButton(QMessageBox.StandardButton.Close)
        self.setDefaultButton(self.close_button)
        # Action buttons close a QMessageBox; these should not.
        self.copy_button.clicked.disconnect()
        self.folder_button.clicked.disconnect()
        self.copy_button.clicked.connect(self.copy_details)
        self.folder_button.clicked.connect(open_log_folder)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(tr("Copied"))


class CrashReporter(QObject):
    """Logs every uncaught exception and shows it in an :class:`ErrorDialog` on the GUI thread."""

    reported = Signal(str, str)  # summary, details: queued to the GUI thread from any thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog: ErrorDialog | None = None
        self.reported.connect(self._show)

    def handle(self, exc_type: type[BaseException], exc: BaseException,
               trace: TracebackType | None, where: str = "") -> None:  # fmt: skip
        """Log the error and ask the GUI thread to show it (safe from any thread)."""
        if issubclass(exc_type, KeyboardInterrupt):
            return
        log_exception(f"Unexpected error{where}", exc_type, exc, trace)
        summary = scrub(f"{exc_type.__name__}: {exc}".strip().rstrip(":"))
        self.reported.emit(summary, details_text(exc_type, exc, trace))

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        if self.dialog is not None or QApplication.instance() is None:
            return  # one at a time; the rest is in the log
        self.dialog = ErrorDialog(summary, details, QApplication.activeWindow())
        self.dialog.finished.connect(self._closed)
        self.dialog.open()

    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None


def install(app: QApplication) -> Callable[[], None]:
    """Route uncaught exceptions and Qt's messages to the log and the dialog.

    Returns a function that puts the previous hooks back (for tests).
    """
    reporter = CrashReporter(app)
    previous_hook = sys.excepthook
    previous_thread_hook = threading.excepthook

    def excepthook(exc_type: type[BaseException], exc: BaseException,
                   trace: TracebackType | None) -> None:  # fmt: skip
        if sys.stderr is not None:  # started from a terminal: show it there too
            traceback.print_exception(exc_type, exc, trace)
        reporter.handle(exc_type, exc, trace)

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread else "?"
        reporter.handle(args.exc_type, args.exc_value, args.exc_traceback, f" in thread {name}")

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    previous_qt = qInstallMessageHandler(qt_message_handler)
    app.setProperty("invoicedesk_crash_reporter", reporter)

    def uninstall() -> None:
        sys.excepthook = previous_hook
        threading.excepthook = previous_thread_hook
        qInstallMessageHandler(previous_qt)

    return uninstall
