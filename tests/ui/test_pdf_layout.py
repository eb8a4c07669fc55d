"""Document Layout…: the form, its live preview, the file name check, saving all at once."""

from __future__ import annotations

import gc
import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QApplication

from invoicedesk.core.errors import DomainError
from invoicedesk.services.pdf_settings import PDF_KEYS, pdf_settings, save_pdf_settings
from invoicedesk.services.settings import DEFAULTS
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.pdf import layout_dialog
from invoicedesk.ui.pdf.layout_dialog import DocumentLayoutDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
STORED = {key: DEFAULTS[key] for key in PDF_KEYS}


def fonts_of(content: bytes) -> set[str]:
    page = PdfReader(io.BytesIO(content)).pages[0]
    return {str(font["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}


@pytest.fixture
def ctx(db):
    context = AppContext(db)
    yield context
    QThreadPool.globalInstance().waitForDone(10000)
    QApplication.processEvents()
    gc.collect()


@pytest.fixture
def dialog(qtbot, ctx):
    widget = DocumentLayoutDialog(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: not widget.is_busy() and widget.preview.page_count() > 0, timeout=10000)
    return widget


def test_shows_the_stored_settings_and_a_sample(dialog):
    assert dialog.windowTitle() == "Document Layout"
    assert dialog.values() == STORED
    assert dialog.template.currentText() == "Classic"
    assert dialog.paper.currentText().startswith("Automatic")
    assert dialog.accent.text().strip().startswith("#1F4E79")
    assert dialog.example.text() == "Example: Invoice_RE-2026-0001.pdf"
    assert dialog.preview.page_count() == 1 and dialog.ok_button.isEnabled()
    hint = dialog.findChild(type(dialog.example), "logo-hint").text()
    assert "File › Settings…, on the Documents page" in hint


def test_changes_are_previewed_and_saved_together(qtbot, dialog, ctx, db, monkeypatch, settle):
    first = dialog.preview.content()
    monkeypatch.setattr(layout_dialog, "pick_colour", lambda _parent, _current: "#aa3300")
    with qtbot.waitSignal(dialog.preview_shown, timeout=10000):
        dialog.template.setCurrentIndex(dialog.template.findData("modern"))
        dialog.accent.click()
        dialog.font_family.setCurrentIndex(dialog.font_family.findData("Noto Serif"))
    assert dialog.preview.content() != first
    # The preview is made with the unsaved look (its fonts say so); nothing is stored yet.
    assert any("NotoSerif" in name for name in fonts_of(dialog.preview.content()))
    assert not any("NotoSerif" in name for name in fonts_of(first))
    assert pdf_settings(db) == STORED

    dialog.paper.setCurrentIndex(dialog.paper.findData("Letter"))
    dialog.show_qr.setChecked(False)
    dialog.pattern.setText("{number} {client}")
    dialog.contact.setText("Erika Mustermann")
    assert dialog.example.text() == "Example: RE-2026-0001 Sample Client Ltd.pdf"
    with qtbot.waitSignal(ctx.bus.changed, timeout=5000) as changed:
        with qtbot.waitSignal(dialog.saved, timeout=5000):
            dialog.ok_button.click()
            assert not dialog.ok_button.isEnabled() and dialog.is_busy()  # saving
    settle()
    assert changed.args == ["settings", []]
    assert not dialog.isVisible()
    assert pdf_settings(db) == {
        "pdf_template": "modern",
        "pdf_accent_color": "#AA3300",
        "pdf_font": "Noto Serif",
        "pdf_paper": "Letter",
        "pdf_filename_pattern": "{number} {client}",
        "pdf_show_qr": False,
        "pdf_contact": "Erika Mustermann",
    }


def test_an_unusable_file_name_pattern_disables_ok(dialog, db):
    dialog.pattern.setText("{type}_{nope}")
    assert not dialog.ok_button.isEnabled()
    assert dialog.error.isVisible() and not dialog.example.isVisible()
    assert dialog.error.text().startswith("Unknown placeholder {nope}")
    assert dialog.ok_button.toolTip() == dialog.error.text()
    dialog.accept()  # Enter on a disabled OK: still nothing stored
    assert dialog.isVisible() and pdf_settings(db) == STORED
    dialog.pattern.setText("   ")
    assert dialog.error.text().startswith("A file name pattern is required")
    dialog.pattern.setText("{year}/{number}")  # a slash is made safe, not refused
    assert dialog.ok_button.isEnabled() and not dialog.error.isVisible()
    assert dialog.example.text().endswith("_RE-2026-0001.pdf")


def test_cancel_and_restore_defaults_store_nothing(qtbot, dialog, db):
    save_pdf_settings(db, {"pdf_template": "modern"})
    dialog.template.setCurrentIndex(dialog.template.findData("modern"))
    dialog.restore_defaults()
    assert dialog.values() == STORED
    dialog.template.setCurrentIndex(dialog.template.findData("modern"))
    dialog.reject()
    assert pdf_settings(db) == {**STORED, "pdf_template": "modern"}


def test_save_checks_every_value_before_storing_any(db):
    with pytest.raises(DomainError) as error:
        save_pdf_settings(db, {"pdf_template": "modern", "pdf_accent_color": "blue"})
    assert error.value.field == "settings.pdf_accent_color"
    with pytest.raises(DomainError, match="not a document layout setting"):
        save_pdf_settings(db, {"pdf_template": "modern", "default_due_days": 30})
    assert pdf_settings(db) == STORED
    stored = save_pdf_settings(db, {"pdf_accent_color": " #abcdef "})
    assert stored == {"pdf_accent_color": "#ABCDEF"}


def test_the_main_window_offers_the_dialog(qtbot, db, tmp_path):
    from invoicedesk.ui.main_window import MainWindow

    window = MainWindow(
        db, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [action.text() for action in file_menu.actions()]
    assert texts.index("Document &Layout…") == texts.index("&Settings…") + 1
    window.layout_action.trigger()
    dialog = window.findChild(DocumentLayoutDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10000)
    dialog.reject()
    QThreadPool.globalInstance().waitForDone(10000)
