"""The application object: names that decide where settings go, the icon, old settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication

from invoicedesk.ui.app import adopt_old_settings, app_icon, configure_application


def test_configure_application_names_the_app_for_settings_and_the_desktop(qtbot):
    app = QApplication.instance()
    configure_application(app)
    assert app.organizationName() == "InvoiceDesk"
    assert app.applicationName() == "InvoiceDesk"
    assert app.desktopFileName() == "org.invoicedesk.InvoiceDesk"
    assert app.applicationVersion()
    sizes = {size.width() for size in app.windowIcon().availableSizes()}
    assert {16, 32, 256, 512} <= sizes
    assert not app_icon().isNull()


@pytest.fixture
def settings_folder(tmp_path):
    """Native settings of this test go to tmp_path (and back to the real place after)."""
    fmt, scope = QSettings.Format.NativeFormat, QSettings.Scope.UserScope
    real = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    QSettings.setPath(fmt, scope, str(tmp_path))
    yield tmp_path
    QSettings.setPath(fmt, scope, real)


def test_settings_saved_under_the_unnamed_organisation_are_adopted_once(qtbot, settings_folder):
    old = QSettings("Unknown Organization", "InvoiceDesk")
    old.setValue("window/page", "clients")
    old.setValue("files/recent", ["/books/2026.sqlite"])
    old.sync()
    new = QSettings("InvoiceDesk", "InvoiceDesk")
    assert adopt_old_settings(new) == 2
    assert new.value("window/page") == "clients"
    new.setValue("window/page", "payments")
    assert adopt_old_settings(new) == 0  # never over settings of the new place
    assert new.value("window/page") == "payments"
