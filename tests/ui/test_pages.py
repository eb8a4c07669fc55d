"""Every registered screen builds on a real database, and the sidebar lists exactly those."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget

from invoicedesk.ui.context import AppContext
from invoicedesk.ui.main_window import MainWindow
from invoicedesk.ui.pages import PAGES


@pytest.mark.parametrize("spec", PAGES, ids=[spec.key for spec in PAGES])
def test_every_registered_page_builds(qtbot, db, spec):
    page = spec.factory(AppContext(db))
    qtbot.addWidget(page)
    assert isinstance(page, QWidget)
    for method in ("refresh", "focus_search", "new_record", "delete_selected"):
        assert callable(getattr(page, method)), f"{spec.key} lacks {method}()"


def test_the_sidebar_lists_exactly_the_registered_screens(qtbot, db, tmp_path):
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, settings=settings)
    qtbot.addWidget(window)
    titles = [window.nav.item(row).text() for row in range(window.nav.count())]
    assert titles == [spec.title for spec in PAGES]
    enabled = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    assert all(window.nav.item(row).flags() & enabled == enabled for row in range(len(PAGES)))
    assert [type(window.page(spec.key)) for spec in PAGES] == [spec.factory for spec in PAGES]
