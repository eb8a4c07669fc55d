"""The invoice list and its dialogs in German: no literal text left in the modules, no
English on screen (headers, badges, footer, filter bar, toolbar and its More menu, the
header's column menu, tooltips of disabled actions, Email Settings, Email Templates,
Compose, Backups, Document Layout), unique German mnemonics, and the list still fits at
1024×700 with the longer German words."""

# The fixtures come from the modules below; as test arguments they shadow the imports.
# ruff: noqa: F811
from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QToolBar, QToolButton, QWidget

from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import DocType
from invoicedesk.services import invoices
from invoicedesk.services.mail_types import MailDraft
from invoicedesk.ui import operations
from invoicedesk.ui.backups_dialog import BackupsDialog
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoices.columns import column_menu
from invoicedesk.ui.invoices.page import InvoicesPage
from invoicedesk.ui.mail.compose_dialog import ComposeDialog, MailTarget, Prepared
from invoicedesk.ui.mail.settings_dialog import EmailSettingsDialog
from invoicedesk.ui.mail.templates_dialog import TemplatesDialog
from invoicedesk.ui.main_window import MainWindow
from invoicedesk.ui.pdf.layout_dialog import DocumentLayoutDialog
from tests import test_translations
from tests.factories import TODAY, issued_invoice, line, make_client, pay
from tests.mail_server import (  # noqa: F401 - fixtures
    mail_server_fixture,
    make_mail_server_fixture,
    tls_cert_fixture,
)
from tests.test_translations import ROOT, _literal_texts, german, visible_texts  # noqa: F401
from tests.ui.layout_checks import layout_problems
from tests.ui.test_german_screens import english_in, english_patterns, model_texts, page_texts
from tests.ui.test_invoice_list_layout import SMALL_SCREEN, books  # noqa: F401 - a fixture
from tests.ui.test_mnemonics import clashes, letters

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

MODULES = (
    "invoicedesk/ui/invoices/actions.py",
    "invoicedesk/ui/invoices/batch.py",
    "invoicedesk/ui/invoices/columns.py",
    "invoicedesk/ui/invoices/delegates.py",
    "invoicedesk/ui/invoices/filter_bar.py",
    "invoicedesk/ui/invoices/footer.py",
    "invoicedesk/ui/invoices/model.py",
    "invoicedesk/ui/invoices/page.py",
    "invoicedesk/ui/invoices/table_view.py",
    "invoicedesk/ui/mail/compose_dialog.py",
    "invoicedesk/ui/mail/settings_dialog.py",
    "invoicedesk/ui/mail/templates_dialog.py",
    "invoicedesk/ui/backups_dialog.py",
    "invoicedesk/ui/pdf/layout_dialog.py",
    "invoicedesk/ui/pdf/printing.py",
)
MENU_LETTERS = {"d", "b", "a", "h"}  # &Datei, &Bearbeiten, &Ansicht, &Hilfe


@pytest.mark.parametrize("module", MODULES)
def test_a_converted_module_passes_no_literal_text_to_a_widget(module, monkeypatch):
    # An error's English template is a literal by design (DomainError renders it in the
    # current language): only the widgets' texts must come through tr().
    calls = {k: v for k, v in test_translations.TEXT_CALLS.items() if k != "DomainError"}
    monkeypatch.setattr(test_translations, "TEXT_CALLS", calls)
    assert list(_literal_texts(ROOT / module)) == []


def test_the_errors_of_the_email_settings_read_in_german_with_their_code(german):
    error = DomainError("enter the server's host name first", "smtp.host", code="host_missing")
    assert error.message == "geben Sie zuerst den Hostnamen des Servers ein"
    assert error.field == "smtp.host" and error.code == "host_missing"


# ---------------------------------------------------------------------------- the walk


@pytest.fixture
def more(db, books) -> dict[str, int]:
    """Besides the layout test's books (large invoices, a credit note, a tagged draft, a
    sent invoice): a paid, an overdue, a partly paid and a cancelled invoice."""
    client = make_client(db, "Müller & Söhne KG")
    paid = issued_invoice(db, client_id=client.id, today=TODAY)
    pay(db, paid.id, str(paid.totals.gross))
    late = issued_invoice(db, line("2"), client_id=client.id, today=TODAY.replace(year=2025))
    part = issued_invoice(db, line("3"), client_id=client.id, today=TODAY)
    pay(db, part.id, "10.00")
    cancelled = issued_invoice(db, client_id=client.id, today=TODAY)
    invoices.cancel(db, cancelled.id, today=TODAY)
    return {**books, "late": late.id, "cancelled": cancelled.id}


def _all_texts(widget: QWidget) -> Iterator[str]:
    yield from visible_texts(widget)
    for combo in widget.findChildren(QComboBox):
        yield from (combo.itemText(i) for i in range(combo.count()))
    for child in [widget, *widget.findChildren(QWidget)]:
        yield child.accessibleName()
        yield child.toolTip()


def _toolbar_texts(window: QWidget) -> Iterator[str]:
    for bar in window.findChildren(QToolBar):
        yield bar.windowTitle()
        for action in bar.actions():
            yield from (action.text(), action.toolTip(), action.statusTip())
            if action.menu() is not None:  # the More menu
                for more in action.menu().actions():
                    yield from (more.text(), more.toolTip(), more.statusTip())
    for button in window.findChildren(QToolButton):
        yield from (button.text(), button.toolTip())


def test_the_invoice_list_in_the_main_window_in_german(german, qtbot, db, more, tmp_path):
    patterns = english_patterns()
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.resize(SMALL_SCREEN)
    window.show_page(0)
    page = window.page("invoices")
    assert isinstance(page, InvoicesPage)
    page.today = TODAY
    page.refresh()
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 11, timeout=10000)
    model = page.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(10)]
    assert headers == ["Nummer", "Kunde", "Datum", "Fällig", "Status", "Netto", "Brutto",
                       "Offen", "Schlagwörter", "Versand"]  # fmt: skip
    states = {model.index(r, 4).data(Qt.ItemDataRole.AccessibleTextRole) for r in range(11)}
    assert {"Entwurf", "Bezahlt", "Überfällig", "Teilweise bezahlt", "Storniert"} <= states
    assert "Bezahlt (Gutschrift)" in states or "Offen (Gutschrift)" in states
    assert page.footer.count_text() == "11 Rechnungen"
    assert "netto" in page.footer.text() and "brutto" in page.footer.text()
    header = page.table.horizontalHeader()
    menu = column_menu(page.table, page.columns)
    assert [a.text() for a in menu.actions()][:2] == ["Kunde", "Datum"]
    texts = [*page_texts(page), *model_texts(model), page.footer.text(),
             *_toolbar_texts(window), *visible_texts(menu), header.toolTip()]  # fmt: skip
    for state_action in page.filter_bar.state_menu.actions():
        texts.append(state_action.text())
    assert english_in(iter(texts), patterns) == []
    # A selected cancelled invoice: the disabled actions say why, in German.
    page.select_ids([more["cancelled"]])
    disabled = [a for a in page.actions() if not a.isEnabled()]
    assert disabled and all("—" in a.toolTip() for a in disabled if a.toolTip())
    assert english_in(iter(a.toolTip() for a in page.actions()), patterns) == []
    # Unique Alt+letters on the page, none taken from the menu bar.
    used = {k: v for k, v in letters(page).items() if len(v) > 1 or k in MENU_LETTERS}
    assert used == {}
    # German words are longer: the list still fits at 1024×700.
    assert window.size() == SMALL_SCREEN
    assert layout_problems(window) == []
    assert page.table.horizontalScrollBar().maximum() == 0
    menu.deleteLater()
    operations.write_pool().waitForDone(5000)


def _check_dialog(qtbot, dialog: QWidget, patterns) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    assert english_in(_all_texts(dialog), patterns) == [], dialog.windowTitle()
    assert clashes(dialog) == {}, dialog.windowTitle()


def test_the_invoice_dialogs_in_german(german, qtbot, db, tmp_path):
    patterns = english_patterns()
    ctx = AppContext(db)
    client = make_client(db, "Müller & Söhne KG", email="buchhaltung@mueller.example")
    invoice = issued_invoice(db, client_id=client.id, today=TODAY)
    settings = EmailSettingsDialog(ctx)
    settings.security.setCurrentIndex(2)  # none: the warning and the "I understand" box
    _check_dialog(qtbot, settings, patterns)
    assert settings.windowTitle() == "E-Mail-Einstellungen"
    templates = TemplatesDialog(ctx)
    _check_dialog(qtbot, templates, patterns)
    tree = [
        templates.tree.topLevelItem(i).text(0) for i in range(templates.tree.topLevelItemCount())
    ]
    assert "Rechnungen" in tree and "Gutschriften" in tree
    target = MailTarget(invoice.id, DocType.INVOICE, invoice.number)
    draft = MailDraft(to=("buchhaltung@mueller.example",), subject="Rechnung", body="Anbei.")
    compose = ComposeDialog(ctx, Prepared(target, draft))
    _check_dialog(qtbot, compose, patterns)
    assert compose.windowTitle() == f"Rechnung {invoice.number} per E-Mail senden"
    assert compose.attach_label.text() == "Anhänge: keine"
    backups = BackupsDialog(db)
    _check_dialog(qtbot, backups, patterns)
    layout = DocumentLayoutDialog(ctx)
    _check_dialog(qtbot, layout, patterns)
    hint = layout.findChild(type(layout.example), "logo-hint").text()
    assert "Datei › Einstellungen…, Seite Dokumente" in hint
    qtbot.waitUntil(lambda: not layout.is_busy(), timeout=10000)
    operations.write_pool().waitForDone(5000)
