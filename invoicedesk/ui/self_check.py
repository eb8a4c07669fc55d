"""``invoicedesk self-check``: does this installation work? Opens the real window on a
database, shows every screen, waits for each to load, and opens an invoice in the editor.

Support asks a user to run it; CI runs it against the installed wheel and the frozen
app (offscreen). It writes nothing to the user's settings (a throw-away QSettings file)
and prints one line per step; the exit code is 0 only when every step passed.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QThreadPool
from PySide6.QtWidgets import QApplication, QTableView, QWidget

from invoicedesk import __version__
from invoicedesk.config import resolve_database
from invoicedesk.services.books import Books, open_books
from invoicedesk.services.search import list_invoices
from invoicedesk.ui import worker
from invoicedesk.ui.app import configure_application
from invoicedesk.ui.invoice_editor import open_invoice_editor
from invoicedesk.ui.main_window import MainWindow
from invoicedesk.ui.pages import PAGES

SETTLE_SECONDS = 30.0

log = logging.getLogger(__name__)


class CheckFailed(Exception):
    """A step did not give what it should; the message says what."""


def settle(timeout: float = SETTLE_SECONDS) -> None:
    """Process events until no background job is left (every screen has loaded)."""
    deadline = time.monotonic() + timeout
    pool = QThreadPool.globalInstance()
    while True:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if not worker.running() and pool.activeThreadCount() == 0:
            QCoreApplication.processEvents()
            if not worker.running():  # delivering a result may start another
                return
        if time.monotonic() > deadline:
            raise CheckFailed(f"background jobs still running after {timeout:.0f} s")
        pool.waitForDone(20)


def _rows_shown(page: QWidget) -> str:
    """The rows of the screen's main list: its largest visible table."""
    views = [view for view in page.findChildren(QTableView) if view.isVisible()]
    if not views:
        return "shown"
    main = max(views, key=lambda view: view.width() * view.height())
    return f"{main.model().rowCount()} rows"


def _check_translations(app: QApplication, say: Callable[[str], None]) -> None:
    """The German catalogues load: ours (package data) and Qt's own (its buttons)."""
    from invoicedesk.i18n import set_language, tr
    from invoicedesk.ui.language import install_qt_translations

    try:
        if set_language("de") != "de" or tr("Settings") == "Settings":
            raise CheckFailed("the German catalogue is missing")
        if not install_qt_translations(app, "de"):
            raise CheckFailed("Qt's German catalogue (qtbase_de) is missing")
    finally:
        set_language("en")
        from PySide6.QtCore import QTranslator

        for translator in app.findChildren(QTranslator):
            app.removeTranslator(translator)
    say("translations: German catalogues (InvoiceDesk, Qt)")


def _check_printing(window: MainWindow, invoice_id: int, say: Callable[[str], None]) -> None:
    """File › Print's path, into a PDF file instead of a printer (QtPrintSupport, the
    archived PDF, pypdfium2's rasteriser)."""
    from PySide6.QtPrintSupport import QPrinter

    from invoicedesk.ui.pdf.printing import print_invoice

    with tempfile.TemporaryDirectory(prefix="invoicedesk-self-check-print-") as folder:
        target = Path(folder) / "printed.pdf"
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        outcome: list[str] = []
        job = print_invoice(window, window.ctx, invoice_id, printer=printer)
        job.finished.connect(outcome.append)
        deadline = time.monotonic() + SETTLE_SECONDS
        while not outcome and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if not outcome or job.printed_pages < 1 or not target.is_file():
            raise CheckFailed(f"printing did not finish: {outcome[-1] if outcome else 'no end'}")
        say(f"printing: {job.printed_pages} page(s) to a PDF printer")


def _check_window(db: Books, settings: QSettings, say: Callable[[str], None]) -> None:
    window = MainWindow(db, settings=settings)
    try:
        window.show()
        if window.windowIcon().isNull():
            raise CheckFailed("the window has no icon")
        say(f"window: {window.windowTitle()}")
        for index, spec in enumerate(PAGES):
            window.show_page(index)
            settle()
            page = window.current_page()
            if not isinstance(page, spec.factory) or not page.isVisible():  # type: ignore[arg-type]
                raise CheckFailed(f"the {spec.title} screen did not open")
            say(f"screen {spec.title}: {_rows_shown(page)}")
        rows = list_invoices(db, limit=1)
        if rows:
            editor = open_invoice_editor(window.ctx, rows[0].id, window)
            settle()
            if editor.view is None or editor.view.number != rows[0].number:
                raise CheckFailed(f"the editor did not load invoice {rows[0].number}")
            say(f"editor: invoice {rows[0].number or rows[0].id} loaded")
            editor.close()
            _check_printing(window, rows[0].id, say)
        else:
            say("editor: no invoice in this database to open (skipped)")
    finally:
        window.close()
        settle()


def run_self_check(db_value: str | None, out: TextIO, *, offscreen: bool = False) -> int:
    """Run the checks; 0 when all passed, 1 otherwise (the failing step and why on ``out``)."""
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    def say(text: str) -> None:
        out.write(f"ok   {text}\n")
        out.flush()

    app = QApplication.instance() or QApplication(["invoicedesk"])
    if not isinstance(app, QApplication):
        out.write("FAIL a non-GUI application object exists already\n")
        return 1
    configure_application(app)
    say(f"InvoiceDesk {__version__}, Qt platform {app.platformName()}")
    with tempfile.TemporaryDirectory(prefix="invoicedesk-self-check-") as folder:
        settings = QSettings(str(Path(folder) / "ui.ini"), QSettings.Format.IniFormat)
        db: Books | None = None
        try:
            db = open_books(resolve_database(db_value))
            say(f"database: {db.path or db.url}")
            _check_translations(app, say)
            _check_window(db, settings, say)
        except Exception as exc:  # every failure is reported, never raised at the user
            out.write(f"FAIL {type(exc).__name__}: {exc}\n")
            if not isinstance(exc, CheckFailed):
                out.write(traceback.format_exc())
            log.error("Self-check failed", exc_info=exc)
            return 1
        finally:
            if db is not None:
                db.dispose()
    out.write("all checks passed\n")
    log.info("Self-check passed")
    return 0
