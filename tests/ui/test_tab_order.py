"""Tab moves through every screen and dialog and comes back, with no trap (issue 12)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from invoicedesk.ui.context import AppContext
from invoicedesk.ui.main_window import PAGES, MainWindow
from invoicedesk.ui.settings.dialog import SettingsDialog
from tests.factories import issued_invoice, make_client
from tests.ui.tab_walk import walk

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def window(qtbot, db, tmp_path, settle):
    client = make_client(db, "Müller & Söhne GmbH")
    issued_invoice(db, client_id=client.id)
    shown = MainWindow(db, settings=QSettings(str(tmp_path / "ui.ini"),
                                              QSettings.Format.IniFormat))  # fmt: skip
    qtbot.addWidget(shown)
    shown.resize(1280, 800)
    shown.show()
    shown.activateWindow()
    qtbot.waitActive(shown)
    return shown


@pytest.mark.parametrize("key", [spec.key for spec in PAGES])
def test_tab_goes_round_every_screen_without_a_trap(window, key, settle):
    window.show_page([spec.key for spec in PAGES].index(key))
    settle()
    result = walk(window)
    assert result.traps == []
    assert result.unreachable == []
    assert len(result.order) >= 3


def test_tab_goes_round_every_settings_page(qtbot, db):
    dialog = SettingsDialog(AppContext(db))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    for row in range(dialog.nav.count()):
        dialog.nav.setCurrentRow(row)
        result = walk(dialog)
        assert result.traps == [], dialog.nav.currentItem().text()
        assert result.unreachable == [], dialog.nav.currentItem().text()
