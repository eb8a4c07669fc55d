"""The invoice editor in German: every module passes its texts through the catalogue, and
the editor on a draft and on an issued invoice shows no English on any tab (column
headers, totals and status line included), with German Alt+letters unique per tab."""

from __future__ import annotations

# The fixtures come from other test modules; as test arguments they shadow the imports.
# ruff: noqa: F811
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QDialog, QTableView, QTabWidget

from invoicedesk.core.errors import DomainError
from invoicedesk.services import products
from invoicedesk.services.inputs import AddressInput, AddressKind, ContactInput, ProductInput
from invoicedesk.ui.clients.client_dialog import ClientDialog
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.formatting import user_locale
from invoicedesk.ui.invoice_editor.parsing import InputProblem, read_discount, read_quantity
from invoicedesk.ui.invoice_editor.status import status_line
from invoicedesk.ui.payments.chooser import InvoiceChooserDialog
from invoicedesk.ui.payments.record_dialog import RecordPaymentDialog
from invoicedesk.ui.products.product_dialog import ProductDialog
from tests import test_translations as translations
from tests.factories import TODAY, issued_invoice, line, make_client, make_draft
from tests.test_translations import (  # noqa: F401 - a fixture
    ROOT,
    TEXT_CALLS,
    _literal_texts,
    german,
)
from tests.ui.layout_checks import layout_problems
from tests.ui.test_german_screens import english_in, english_patterns, model_texts, page_texts
from tests.ui.test_invoice_editor_support import answers, ctx, open_editor  # noqa: F401
from tests.ui.test_layout import SMALL_SCREEN, show_at
from tests.ui.test_mnemonics import clashes, states

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

EDITOR_MODULES = (
    "invoicedesk/ui/invoice_editor/charges_model.py",
    "invoicedesk/ui/invoice_editor/collect.py",
    "invoicedesk/ui/invoice_editor/commands.py",
    "invoicedesk/ui/invoice_editor/date_edit.py",
    "invoicedesk/ui/invoice_editor/delegates.py",
    "invoicedesk/ui/invoice_editor/extras_form.py",
    "invoicedesk/ui/invoice_editor/feedback.py",
    "invoicedesk/ui/invoice_editor/header_form.py",
    "invoicedesk/ui/invoice_editor/layout.py",
    "invoicedesk/ui/invoice_editor/lines_model.py",
    "invoicedesk/ui/invoice_editor/lines_pane.py",
    "invoicedesk/ui/invoice_editor/operations.py",
    "invoicedesk/ui/invoice_editor/parsing.py",
    "invoicedesk/ui/invoice_editor/problem_display.py",
    "invoicedesk/ui/invoice_editor/prompts.py",
    "invoicedesk/ui/invoice_editor/record_models.py",
    "invoicedesk/ui/invoice_editor/rows_model.py",
    "invoicedesk/ui/invoice_editor/status.py",
    "invoicedesk/ui/invoice_editor/table_fit.py",
    "invoicedesk/ui/invoice_editor/texts_form.py",
    "invoicedesk/ui/invoice_editor/totals_panel.py",
    "invoicedesk/ui/invoice_editor/window.py",
    "invoicedesk/ui/payments/record_dialog.py",
    "invoicedesk/ui/payments/chooser.py",
    "invoicedesk/ui/clients/client_dialog.py",
    "invoicedesk/ui/clients/address_editor.py",
    "invoicedesk/ui/products/product_dialog.py",
)
# Error templates are literal on purpose (the catalogue translates them): not widget texts.
WIDGET_CALLS = {k: v for k, v in TEXT_CALLS.items() if k != "DomainError"}


@pytest.mark.parametrize("module", EDITOR_MODULES)
def test_an_editor_module_passes_no_literal_text_to_a_widget(module, monkeypatch):
    monkeypatch.setattr(translations, "TEXT_CALLS", WIDGET_CALLS)
    assert list(_literal_texts(ROOT / module)) == []


def editor_texts(editor) -> list[str]:
    texts = [*page_texts(editor), editor.windowTitle(), editor.status_text.text(),
             editor.badge.text(), editor.problem_label.text(), editor.totals.title()]  # fmt: skip
    for model in (editor.lines_model, editor.charges_model, editor.payments_model):
        texts += list(model_texts(model))
    # The history's "What" is the audit log's summary, stored in English when it happened
    # (services): its headers and states are the editor's.
    history = editor.history_model
    texts += [history.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    texts += [history.index(r, 2).data() for r in range(history.rowCount())]
    for menu in (editor.invoice_menu, editor.menuBar().actions()[1].menu()):
        texts += [menu.title(), *(a.text() for a in menu.actions())]
    return texts


@pytest.mark.parametrize("issued", [False, True])
def test_the_editor_in_german_shows_no_english_on_any_tab(german, qtbot, db, open_editor, issued):
    client = make_client(db, "Müller & Söhne GmbH")
    lines = (line("3"), line("2"))
    invoice = (
        issued_invoice(db, *lines, client_id=client.id)
        if issued
        else make_draft(db, *lines, client_id=client.id)
    )
    editor = open_editor(invoice.id)
    editor.show()
    patterns = english_patterns()
    headers = [editor.lines_model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(editor.lines_model.columnCount())]  # fmt: skip
    assert headers[1:] == ["Art.-Nr.", "Name", "Menge", "Einheit", "Einzelpreis", "Rabatt",
                           "USt.", "Nettobetrag"]  # fmt: skip
    assert editor.totals.title().startswith("Summen")
    found: dict[str, object] = {}
    for i in range(editor.tabs.count()):
        if not editor.tabs.isTabVisible(i):
            continue
        editor.tabs.setCurrentIndex(i)
        left = english_in(iter(editor_texts(editor)), patterns)
        if left or clashes(editor):
            found[editor.tabs.tabText(i)] = {"english": left, "clashes": clashes(editor)}
    assert found == {}
    if issued:
        assert "gestellt am" in editor.status_text.text()
    else:
        assert editor.ops.issue.text() == "Rechnung s&tellen…"


def test_typing_problems_read_in_german_and_name_their_cell(german):
    with pytest.raises(InputProblem) as problem:
        read_quantity("abc")
    assert str(problem.value) == "Menge ist keine Zahl"
    with pytest.raises(InputProblem) as problem:
        read_discount("120%", 2)
    assert str(problem.value) == "Rabatt muss zwischen 0 % und 100 % liegen"
    assert status_line(None, "EUR").startswith("Noch nicht gespeichert")


# ------------------------------------------------- the dialogs around the editor


@pytest.fixture
def dialog_data(db) -> dict[str, Any]:
    """A client with two addresses and two contact persons, a product, an issued invoice."""
    client = make_client(
        db,
        "Müller & Söhne GmbH",
        vat_id="DE123456789",
        email="rechnung@mueller-soehne.de",
        tags=("Großhandel",),
        addresses=(
            AddressInput(street="Hauptstraße 12", zip="80331", city="München", country="DE"),
            AddressInput(
                kind=AddressKind.DELIVERY,
                recipient="Wareneingang",
                street="Industriestraße 7",
                zip="85748",
                city="Garching",
                country="DE",
            ),
        ),  # fmt: skip
        contacts=(
            ContactInput("Anna", "Schmidt", "anna@mueller-soehne.de", "089 123", "Einkauf"),
            ContactInput("Jens", "Weber", "jens@mueller-soehne.de", "", "Buchhaltung"),
        ),
    )
    product = products.create_product(
        db,
        ProductInput(name="Wartungsvertrag Klimaanlage", unit="Monat", number="A-100",
                     unit_price=Decimal("249.50"), tax_rate=Decimal(19)),
    )  # fmt: skip
    invoice = issued_invoice(db, line("3"), client_id=client.id)
    return {"client": client.id, "product": product.id, "invoice": invoice.id}


@pytest.fixture
def de_locale(german) -> Iterator[None]:
    """German texts with German numbers and dates, as the app sets them for German."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    user_locale.cache_clear()  # read once per process in the app
    yield
    QLocale.setDefault(before)
    user_locale.cache_clear()


DIALOGS: dict[str, Callable[[AppContext, dict[str, Any]], QDialog]] = {
    "client": lambda ctx, d: ClientDialog(ctx, d["client"]),
    "new client": lambda ctx, _d: ClientDialog(ctx),
    "product": lambda ctx, d: ProductDialog(ctx, d["product"]),
    "new product": lambda ctx, _d: ProductDialog(ctx),
    "payment": lambda ctx, d: RecordPaymentDialog(ctx, d["invoice"], today=TODAY),
    "chooser": lambda ctx, _d: InvoiceChooserDialog(ctx, today=TODAY),
}


def dialog_texts(dialog: QDialog) -> list[str]:
    texts = list(page_texts(dialog))
    for tabs in dialog.findChildren(QTabWidget):
        texts += [tabs.tabText(i) for i in range(tabs.count())]
    for view in dialog.findChildren(QTableView):
        texts += list(model_texts(view.model()))
    return texts


def opened(qtbot, ctx: AppContext, data: dict[str, Any], name: str) -> QDialog:
    dialog = DIALOGS[name](ctx, data)
    qtbot.addWidget(dialog)
    dialog.show()
    if isinstance(dialog, InvoiceChooserDialog):
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    return dialog


@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_each_dialog_in_german_shows_no_english_and_fits(de_locale, qtbot, ctx, dialog_data, name):
    dialog = opened(qtbot, ctx, dialog_data, name)
    patterns = english_patterns()
    found: dict[str, object] = {}
    for size_name in ("as opened", "1024×700"):
        size = dialog.size() if size_name == "as opened" else SMALL_SCREEN
        show_at(dialog, size)
        for state in states(dialog):
            QApplication.processEvents()
            problems = {
                "english": english_in(iter(dialog_texts(dialog)), patterns),
                "clashes": clashes(dialog),
                "layout": layout_problems(dialog),
            }
            if any(problems.values()):
                found[f"{size_name}, {state}"] = problems
    assert found == {}


def test_the_client_dialog_reads_german(de_locale, qtbot, ctx, dialog_data):
    dialog = opened(qtbot, ctx, dialog_data, "client")
    assert dialog.windowTitle().startswith("Kunde ")
    assert [dialog.tabs.tabText(i) for i in range(3)] == [
        "Allgeme&in", "Ansprech&partner", "&Konditionen && Notizen",
    ]  # fmt: skip
    headers = [dialog.contacts.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["Vorname", "Nachname", "E-Mail", "Telefon", "Funktion"]
    assert dialog.language.currentText() == "Englisch"
    assert dialog.currency.itemText(0) == "Firmenwährung (EUR)"
    assert "EUR — Euro" in [dialog.currency.itemText(i) for i in range(10)]
    editor = dialog.address_editor
    assert [editor.list.item(i).text() for i in range(2)] == [
        "Rechnungsadresse: Hauptstraße 12, 80331 München, DE",
        "Lieferadresse: Wareneingang, Industriestraße 7, 85748 Garching, DE",
    ]
    assert editor.country.currentText() == "Deutschland (DE)"


def test_the_product_and_payment_dialogs_read_german(de_locale, qtbot, ctx, dialog_data):
    product = opened(qtbot, ctx, dialog_data, "new product")
    assert product.windowTitle() == "Neuer Artikel"
    assert [product.unit.itemText(i) for i in range(1, 4)] == ["Monat", "h", "Tag"]
    assert product.tax_category.itemText(0) == "Regelsteuersatz (S)"
    assert product.hint.text() == "Geben Sie zum Speichern den Namen des Artikels ein."
    product.name.setText("Beratung")
    product.unit_price.setText("abc")
    assert product.hint.text() == "Geben Sie den Einzelpreis als Zahl ein, z. B. 12,50."
    payment = opened(qtbot, ctx, dialog_data, "payment")
    assert payment.windowTitle().startswith("Zahlung erfassen — ")
    assert payment.method.currentText() == "Überweisung"
    assert "offen 357,00 EUR" in payment.summary.text()
    payment.amount.setText("400")
    assert (
        payment.message("amount")
        == "43,00 EUR mehr als offen: wird als Guthaben des Kunden geführt."
    )
    payment.amount.setText("1,234")
    assert payment.ok_button.toolTip() == "Beträge in EUR haben höchstens 2 Nachkommastellen"


def test_the_client_dialog_shows_service_errors_in_german_at_their_field(
    de_locale, qtbot, ctx, dialog_data
):
    dialog = opened(qtbot, ctx, dialog_data, "client")
    dialog.due_days.setText("400")
    with pytest.raises(DomainError) as caught:
        dialog.client_input()
    assert (caught.value.code, caught.value.field) == ("due_days_range", "client.due_days")
    assert caught.value.message == "muss eine ganze Zahl von Tagen zwischen 0 und 365 sein"
    dialog.due_days.setText("")
    dialog.contacts.setData(dialog.contacts.index(1, 2), "jens(at)mueller")
    dialog.accept()  # the service refuses the e-mail: shown at the contact's cell
    qtbot.waitUntil(lambda: dialog.contact_error.isVisible(), timeout=5000)
    assert dialog.contact_error.text() == (
        "Ansprechpartner 2: „jens(at)mueller“ ist keine E-Mail-Adresse."
    )
    dialog.errors.show(DomainError("is required", "client.addresses[1].city", code="required"))
    assert dialog.address_editor.boxes["city"].message.text() == "Ort ist erforderlich."
