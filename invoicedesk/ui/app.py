"""Starting the desktop app: open (create, upgrade) the database, offer demo data, show it.

The database is opened, and checked for a first start, on a thread of its own while the
window's modules load: the GUI thread reads nothing from it during start-up.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from invoicedesk import __version__
from invoicedesk.assets import resource
from invoicedesk.config import (
    APP_ID,
    APP_NAME,
    ORGANIZATION,
    ORGANIZATION_DOMAIN,
    demo_database,
    resolve_database,
)
from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import tr
from invoicedesk.logs import setup_logging
from invoicedesk.services.books import Books, is_new, open_books
from invoicedesk.ui import crash
from invoicedesk.ui.auto_backup import wait_for_backups
from invoicedesk.ui.gc_guard import GuiThreadGarbageCollector
from invoicedesk.ui.language import apply_program_language
from invoicedesk.ui.worker import Task, run_task

if TYPE_CHECKING:
    from invoicedesk.ui.main_window import MainWindow


def _is_empty(db: Books) -> bool:
    from invoicedesk.services.clients import list_clients

    return not list_clients(db, include_archived=True, limit=1)


def _open(value: str) -> tuple[Books, bool]:
    """Open (create, upgrade) the books at ``value``; and whether they are new: no company
    profile and no clients (then the set-up wizard runs). Called off the GUI thread."""
    db = open_books(value)
    try:
        return db, is_new(db)
    except BaseException:
        db.dispose()
        raise


def _first_start(db: Books, new: bool) -> str:
    """On a new database: the set-up wizard. Returns "ready", "demo" or "quit"."""
    if not new:
        return "ready"
    from invoicedesk.ui.context import AppContext
    from invoicedesk.ui.setup_wizard import SetupWizard

    wizard = SetupWizard(AppContext(db))  # no screen listens yet: its own context
    accepted = wizard.exec()
    if wizard.wants_demo:
        return "demo"
    return "ready" if accepted else "quit"


def _open_demo(app: QApplication) -> Books | None:
    """Open the demo database, filling it in the background on first use."""
    db = open_books(str(demo_database()))
    if not _is_empty(db):
        return db
    from invoicedesk.services.demo import generate_demo

    progress = QProgressDialog(tr("Creating demo data…"), tr("Cancel"), 0, 100)
    progress.setWindowTitle("InvoiceDesk")
    progress.setMinimumDuration(0)
    # Close only when the worker says so, not when the bar happens to reach 100 %.
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    outcome: dict[str, object] = {}

    def work(task: Task) -> object:
        return generate_demo(db, progress=task.report, cancelled=task.is_cancelled)

    def done(result: object) -> None:
        outcome["ok"] = result
        progress.close()

    def failed(exc: BaseException, _trace: str) -> None:
        outcome["error"] = exc
        outcome["cancelled"] = task.is_cancelled()  # the task is deleted after this call
        progress.close()

    def step(done_count: int, total: int) -> None:
        progress.setMaximum(max(total, 1))
        progress.setValue(done_count)

    task = run_task(work, done, failed, step)
    progress.canceled.connect(task.cancel)
    progress.exec()
    if "error" in outcome:
        error = outcome["error"]
        if not outcome.get("cancelled"):
            message = tr("The demo data could not be created: {error}").format(error=error)
            QMessageBox.warning(None, "InvoiceDesk", message)
        return None
    return db


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

log = logging.getLogger(__name__)


def app_icon() -> QIcon:
    """The app icon in every size we ship (resources/icons, exported from the SVG).

    Files are added with their size: Qt reads one when a size is first drawn, not eight
    PNGs (up to 512 px) before the window can show."""
    icon = QIcon()
    for size in ICON_SIZES:
        item = resource("icons", f"invoicedesk-{size}.png")
        if isinstance(item, Path):
            icon.addFile(str(item), QSize(size, size))
            continue
        pixmap = QPixmap()  # a resource that is not a file (a zip): decode it now
        if pixmap.loadFromData(item.read_bytes()):
            icon.addPixmap(pixmap)
    return icon


def configure_application(app: QApplication) -> None:
    """Names that decide where QSettings writes and how the desktop shows the app."""
    app.setOrganizationName(ORGANIZATION)
    app.setOrganizationDomain(ORGANIZATION_DOMAIN)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # matches the installed org.invoicedesk.InvoiceDesk.desktop
    app.setWindowIcon(app_icon())
    if sys.platform == "win32":  # the taskbar groups and shows our icon, not Python's
        import ctypes

        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(APP_ID)


# Before the organisation was set, Qt filed the settings under this name.
_UNNAMED_ORGANIZATION = "Unknown Organization"


def adopt_old_settings(settings: QSettings | None = None) -> int:
    """Copy window settings saved before the organisation had a name (once: only into empty
    settings). Returns how many keys were copied."""
    settings = settings or QSettings()
    if settings.allKeys():
        return 0
    old = QSettings(_UNNAMED_ORGANIZATION, APP_NAME)
    keys = old.allKeys()
    for key in keys:
        settings.setValue(key, old.value(key))
    return len(keys)


# benchmarks/bench_startup.py sets it: report when the invoice list first has rows, then exit.
STARTUP_PROBE_ENV = "INVOICEDESK_STARTUP_PROBE"


def install_startup_probe(window: MainWindow) -> None:
    """Once the invoice list has rows (or has loaded none), paint the window, print
    ``startup-probe rows=N time=EPOCH`` on stderr and leave at once: the parent measures
    from spawning the process to ``time``; the background work after that does not count."""
    model = window.page("invoices").model  # type: ignore[attr-defined]

    def check(*_args: object, finished: bool = False) -> None:
        rows = model.rowCount()
        if rows == 0 and not finished:
            return
        window.repaint()  # the rows painted, as a person would see them
        sys.stderr.write(f"startup-probe rows={rows} time={time.time():.6f}\n")
        sys.stderr.flush()
        os._exit(0)  # nothing after this moment is measured; skip the orderly shutdown

    for signal in (model.modelReset, model.rowsInserted, model.layoutChanged):
        signal.connect(check)
    model.loaded.connect(lambda: check(finished=True))  # an empty list: loaded, no rows
    check()


def run(db_value: str | None = None) -> int:
    """Start the GUI on ``db_value`` (a file or URL; None: the default database)."""
    log_path = setup_logging()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    configure_application(app)
    adopt_old_settings()
    apply_program_language(app)  # before any text is made or any date formatted
    crash.install(app)
    log.info("InvoiceDesk %s started; log file %s", __version__, log_path)
    collector = GuiThreadGarbageCollector(app)  # noqa: F841 - lives as long as the app
    with ThreadPoolExecutor(1, thread_name_prefix="invoicedesk-open") as opener:
        opening = opener.submit(_open, resolve_database(db_value))
        from invoicedesk.ui.main_window import MainWindow  # meanwhile: SQLite needs no GIL

        try:
            db, new = opening.result()
        except (DomainError, OSError) as exc:
            message = tr("The database could not be opened: {error}").format(error=exc)
            QMessageBox.critical(None, "InvoiceDesk", message)
            return 2
    step = _first_start(db, new)
    if step == "quit":
        return 0
    if step == "demo":
        demo = _open_demo(app)
        if demo is not None:
            db = demo
    window = MainWindow(db)
    window.show()
    if os.environ.get(STARTUP_PROBE_ENV):
        install_startup_probe(window)
    window.start_background_work()  # file check, mail due, daily backup
    code = int(app.exec())
    wait_for_backups()  # the one the closing window started
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """The windowed ``InvoiceDesk`` program: the app, on ``--db`` if given."""
    parser = argparse.ArgumentParser(prog=APP_NAME, add_help=False)
    parser.add_argument("--db", default=None)
    parser.add_argument("--self-check", action="store_true")  # see `invoicedesk self-check`
    # Qt's own options (-style, -platform …) and macOS's -psn_… pass through untouched.
    args, _rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    if args.self_check:
        from invoicedesk.ui.self_check import run_self_check

        setup_logging()
        # A windowed program on Windows has no stdout: the log file has the outcome then.
        out = sys.stdout or open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        return run_self_check(args.db, out)
    return run(args.db)
