"""What a start does and does not do: only the page that opens is built, the database is not
read on the GUI thread, and mail, PDF, editor and report code is not even imported."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QSettings, QThreadPool
from sqlalchemy import event

from invoicedesk.ui.main_window import CHORES_DELAY_MS, MainWindow
from invoicedesk.ui.pages import PAGES
from tests.factories import issued_invoice

# Modules a start must not load: they load when their feature is first used.
NOT_AT_START = (
    "reportlab",
    "segno",
    "pypdfium2",
    "keyring",
    "smtplib",
    "email.mime",
    "email_validator",
    "invoicedesk.pdf.render",
    "invoicedesk.services.outbox",
    "invoicedesk.services.smtp",
    "invoicedesk.services.secrets",
    "invoicedesk.services.mail_templates",
    "invoicedesk.services.pdfs",
    "invoicedesk.services.pdf_build",
    "invoicedesk.services.reports",
    "invoicedesk.ui.invoice_editor",
    "invoicedesk.ui.mail.compose_dialog",
    "invoicedesk.ui.pdf.preview",
    "invoicedesk.ui.setup_wizard",
    "invoicedesk.ui.clients.page",
    "invoicedesk.ui.payments.page",
    "invoicedesk.ui.mail.outbox_page",
    "invoicedesk.ui.mail.runner",  # made by the chores a second after the window shows
    "invoicedesk.services.inputs",  # the list needs it only for a payment-method filter
    # The use cases behind the invoice actions and the settings: loaded by the first
    # action or dialog that needs them.
    "invoicedesk.services.invoices",
    "invoicedesk.services.settings",
    "invoicedesk.services.clients",
)

# Builds the window the way the app does, in a process of its own, and reports which of
# NOT_AT_START it loaded by the time the invoice list has loaded and been painted.
START = r"""
import json, sys
from PySide6.QtCore import QEventLoop, QSettings, QThreadPool
from PySide6.QtWidgets import QApplication
from invoicedesk.services.books import open_books
from invoicedesk.ui.main_window import MainWindow

app = QApplication(sys.argv[:1])
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
window = MainWindow(open_books(sys.argv[1]), settings=settings)
window.show()
model = window.page("invoices").model
if model.is_loading():
    loop = QEventLoop()
    model.loaded.connect(loop.quit)
    loop.exec()
window.repaint()
print(json.dumps({"rows": model.rowCount(), "pages": list(window.pages),
                  "loaded": sorted(m for m in json.loads(sys.argv[3]) if m in sys.modules)}))
# Leave as the app does: close the window and let running workers finish before the
# interpreter tears Qt down (leaving with a worker mid-query may crash at exit).
window.close()
QThreadPool.globalInstance().waitForDone(10000)
"""


def settings_file(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


def close_for_good(qtbot, window: MainWindow) -> None:
    """Close and delete the window: its started mail runner listens to the app's
    aboutToQuit until it is gone (tests/ui/test_worker.py counts those listeners)."""
    window.close()
    QThreadPool.globalInstance().waitForDone(10000)
    with qtbot.waitSignal(window.destroyed, timeout=5000):
        window.deleteLater()


def test_a_start_builds_only_the_page_that_shows_and_others_on_first_show(qtbot, db, tmp_path):
    window = MainWindow(db, settings=settings_file(tmp_path))
    qtbot.addWidget(window)
    window.show()
    assert list(window.pages) == ["invoices"]
    assert window.current_page() is window.pages["invoices"]
    keys = [spec.key for spec in PAGES]
    window.show_page(keys.index("products"))
    products = window.pages["products"]
    assert window.current_page() is products and products.isVisible()
    assert list(window.pages) == ["invoices", "products"]
    assert window.stack.count() == len(PAGES)  # the page took its stand-in's place
    assert window.stack.indexOf(products) == keys.index("products")
    window.show_page(keys.index("invoices"))
    window.show_page(keys.index("products"))
    assert window.pages["products"] is products  # built once


def test_a_page_opened_last_time_is_the_one_built(qtbot, db, tmp_path):
    settings = settings_file(tmp_path)
    settings.setValue("window/page", "payments")
    window = MainWindow(db, settings=settings)
    qtbot.addWidget(window)
    assert list(window.pages) == ["payments"]
    assert window.current_page() is window.pages["payments"]


def test_column_widths_of_a_page_built_later_are_restored(qtbot, db, tmp_path):
    settings = settings_file(tmp_path)
    keys = [spec.key for spec in PAGES]
    first = MainWindow(db, settings=settings)
    qtbot.addWidget(first)
    first.show()
    first.show_page(keys.index("products"))
    header = first._tables("products")[0][1]
    header.resizeSection(0, 217)
    first.show_page(keys.index("invoices"))
    first.close()
    again = MainWindow(db, settings=settings)
    qtbot.addWidget(again)
    again.show()
    assert "products" not in again.pages
    again.show_page(keys.index("products"))
    assert again._tables("products")[0][1].sectionSize(0) == 217


def test_the_gui_thread_reads_nothing_until_the_invoice_list_has_loaded(qtbot, db, tmp_path):
    issued_invoice(db)
    on_gui_thread: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if threading.current_thread() is threading.main_thread():
            on_gui_thread.append(statement)

    window = MainWindow(db, settings=settings_file(tmp_path))  # deleted at the end
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        model = window.page("invoices").model  # type: ignore[attr-defined]
        with qtbot.waitSignal(model.loaded, timeout=10000):
            window.show()
            window.start_background_work()
        assert model.rowCount() == 1
        assert on_gui_thread == []
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    close_for_good(qtbot, window)


def test_background_chores_start_after_the_first_page_and_writes_wait_for_the_check(
    qtbot, db, tmp_path
):
    window = MainWindow(db, settings=settings_file(tmp_path))  # deleted at the end
    window.show()
    window.start_background_work()
    assert not db._writes_allowed.is_set()  # held from the start: the check comes first
    assert not window.auto_backup.started
    with qtbot.waitSignal(window.integrity.finished, timeout=CHORES_DELAY_MS + 10000) as done:
        pass
    assert done.args == ["ok"] and db._writes_allowed.is_set()
    assert window.auto_backup.started
    close_for_good(qtbot, window)


def test_closing_before_the_chores_lets_writes_through(qtbot, db, tmp_path):
    window = MainWindow(db, settings=settings_file(tmp_path))
    qtbot.addWidget(window)
    window.show()
    window.start_background_work()
    window.close()
    assert db._writes_allowed.is_set()
    assert not window.auto_backup.started


def test_a_start_loads_no_mail_pdf_editor_or_report_code(tmp_path, migrated_file):
    path = tmp_path / "start.sqlite"
    shutil.copyfile(migrated_file, path)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", START, str(path), str(tmp_path / "ui.ini"),
         json.dumps(NOT_AT_START)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["pages"] == ["invoices"] and report["rows"] == 0
    assert report["loaded"] == []


def start_with_probe(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Python started with ``args``, offscreen, the start-up probe on, its own settings."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        INVOICEDESK_STARTUP_PROBE="1",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


def test_the_start_probe_reports_the_rows_and_exits(tmp_path, db):
    issued_invoice(db)
    done = start_with_probe(tmp_path, "-m", "invoicedesk", "--db", str(db.path))
    assert done.returncode == 0, done.stderr
    probe = [line for line in done.stderr.splitlines() if line.startswith("startup-probe")]
    assert len(probe) == 1 and "rows=1 " in probe[0]


# The app started as a person starts it (``invoicedesk --db FILE``, the probe on): what it
# has loaded when the invoice list shows its rows, and whether the interpreter collected
# garbage by itself meanwhile (the GUI thread's collector takes over; ui/gc_guard.py).
COMMAND_LINE_START = r"""
import gc, json, os, sys
exit_now = os._exit
automatic = []  # collections the interpreter started by itself once the app's modules load

def collecting(phase, info):
    if phase == "start" and gc.isenabled() and "invoicedesk.ui" in sys.modules:
        automatic.append(info["generation"])

def report(code):
    mapped = sys.modules["invoicedesk.db.models"].Invoice.__mapper__.configured
    print(json.dumps({"code": code, "automatic": automatic, "mapped": mapped,
                      "loaded": sorted(m for m in sys.modules if m.startswith(sys.argv[2]))}))
    sys.stdout.flush()
    exit_now(code)

gc.callbacks.append(collecting)
os._exit = report
from invoicedesk.cli.main import main
main(["--db", sys.argv[1]])
"""


def test_the_app_starts_without_the_commands_and_without_automatic_collection(tmp_path, db):
    issued_invoice(db)
    done = start_with_probe(tmp_path, "-c", COMMAND_LINE_START, str(db.path), "invoicedesk.")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] == 0 and report["automatic"] == []
    # The first-start check and the list's queries use the tables: configuring the mappers
    # (about 20 ms) waits until something needs them.
    assert report["mapped"] is False
    assert "invoicedesk.ui.main_window" in report["loaded"]  # it did start the app
    commands = [m for m in report["loaded"] if m.startswith("invoicedesk.cli.")]
    assert commands == ["invoicedesk.cli.common", "invoicedesk.cli.main"]
    not_yet = [m for m in NOT_AT_START if m in report["loaded"]]
    assert not_yet == []
