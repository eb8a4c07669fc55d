"""Unexpected errors in the window: logged, shown once with "Copy details", Qt's warnings
in the log, and Help → Open Log Folder."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, QSettings, QUrl, Slot, qWarning
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication

from invoicedesk.logs import log, log_dir, log_file
from invoicedesk.ui import crash
from invoicedesk.ui.crash import CrashReporter, ErrorDialog
from invoicedesk.ui.main_window import MainWindow


def _log_text() -> str:
    for handler in log.handlers:
        handler.flush()
    return log_file().read_text("utf-8")


def _raise_and_handle(reporter: CrashReporter, message: str) -> None:
    try:
        raise RuntimeError(message)
    except RuntimeError:
        reporter.handle(*sys.exc_info())


def test_an_unexpected_error_is_logged_and_shown_once(qtbot):
    reporter = CrashReporter()
    with qtbot.waitSignal(reporter.reported, timeout=5000):
        _raise_and_handle(reporter, "first for mia@example.org")
    dialog = reporter.dialog
    assert isinstance(dialog, ErrorDialog) and dialog.isVisible()
    assert "RuntimeError: first for m…@example.org" in dialog.informativeText()
    assert "Traceback (most recent call last)" in dialog.detailedText()
    assert "mia@example.org" not in dialog.detailedText()
    _raise_and_handle(reporter, "second")  # while the first is open: logged only
    assert reporter.dialog is dialog
    text = _log_text()
    assert "RuntimeError: first for m…@example.org" in text and "RuntimeError: second" in text
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.details
    assert dialog.isVisible() and dialog.copy_button.text() == "Copied"  # copying keeps it open
    dialog.close_button.click()
    qtbot.waitUntil(lambda: reporter.dialog is None, timeout=5000)


def test_install_routes_hooks_and_qt_warnings_and_uninstall_restores(qtbot):
    app = QApplication.instance()
    before = sys.excepthook
    uninstall = crash.install(app)
    try:
        assert sys.excepthook is not before
        qWarning("a Qt warning for the log")
    finally:
        uninstall()
    assert sys.excepthook is before
    assert "invoicedesk.qt: a Qt warning for the log" in _log_text()
    reporter = app.property("invoicedesk_crash_reporter")
    assert isinstance(reporter, CrashReporter)


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def caught_urls():
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    yield catcher.urls
    QDesktopServices.unsetUrlHandler("file")


def test_help_menu_opens_the_log_folder(qtbot, db, tmp_path, caught_urls):
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, settings=settings)
    qtbot.addWidget(window)
    help_menu = window.menuBar().actions()[-1].menu()
    assert window.log_folder_action in help_menu.actions()
    window.log_folder_action.trigger()
    assert [url.toLocalFile() for url in caught_urls] == [str(log_dir())]
