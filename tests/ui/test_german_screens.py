"""The list screens in German: Clients, Products, Payments and Outbox, each with data, show
no English — labels, buttons, toolbar actions and their tooltips, filter choices, empty-list
texts, column headers, cells and cell tooltips — and their Alt+letters clash neither with
each other nor with the main window's menus (Datei, Bearbeiten, Ansicht, Hilfe).

English is told apart by the catalogue: every English source string whose German differs,
placeholders matching anything ("Open: {amount}" finds "Open: 119.00 EUR").
"""

from __future__ import annotations

# The fixture comes from test_translations; as a test argument it shadows the import.
# ruff: noqa: F811
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QComboBox, QWidget

from invoicedesk.core.document import PriceBasis
from invoicedesk.services import mail_settings, outbox, products
from invoicedesk.services.inputs import PaymentMethod, ProductInput
from invoicedesk.services.mail_types import MailDraft, SmtpAccount
from invoicedesk.ui.clients.page import ClientsPage
from invoicedesk.ui.clients.views import ListTable
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.formatting import file_size
from invoicedesk.ui.mail.outbox_page import OutboxPage, status_text
from invoicedesk.ui.payments.page import PaymentsPage
from invoicedesk.ui.products.page import ProductsPage
from invoicedesk.ui.widgets.date_edit import DateProblem, parse_date
from tests.factories import TODAY, issued_invoice, line, make_client, pay
from tests.test_translations import _tool, german, visible_texts  # noqa: F401 - a fixture
from tests.ui.test_mnemonics import letters

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

MENU_LETTERS = {"d", "b", "a", "h"}  # &Datei, &Bearbeiten, &Ansicht, &Hilfe


def english_patterns() -> list[re.Pattern[str]]:
    """Every English source string (singular and plural) whose German differs, as a
    pattern: placeholders match any text, mnemonics are ignored."""
    patterns = []
    tool = _tool()
    for message in (m for area in tool.AREAS for m in tool.read_catalog("de", area)):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        german_texts = {s.replace("&", "") for s in strings if s}
        for english in ids:
            english = english.replace("&", "")
            if english in german_texts or not re.search(
                r"[A-Za-z]{2}", re.sub(r"\{\w*\}", "", english)
            ):
                continue
            parts = re.split(r"\{\w*\}", english)
            patterns.append(re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL))
    return patterns


def model_texts(model: QAbstractItemModel) -> Iterator[str]:
    """Every header and every cell's text, tooltip and accessible text."""
    for column in range(model.columnCount()):
        yield str(model.headerData(column, Qt.Orientation.Horizontal) or "")
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in (
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.ToolTipRole,
                Qt.ItemDataRole.AccessibleTextRole,
            ):
                value = index.data(role)
                if isinstance(value, str):
                    yield value


def page_texts(page: QWidget) -> Iterator[str]:
    yield from visible_texts(page)
    for action in page.actions():
        yield from (action.text(), action.toolTip(), action.statusTip())
    for combo in page.findChildren(QComboBox):
        yield from (combo.itemText(i) for i in range(combo.count()))
    for table in page.findChildren(ListTable):
        yield table.placeholder
        yield from model_texts(table.model())
    for child in page.findChildren(QWidget):
        yield child.accessibleName()


def english_in(texts: Iterator[str], patterns: list[re.Pattern[str]]) -> list[str]:
    found = set()
    for text in texts:
        plain = text.replace("&", "")
        if plain and any(p.fullmatch(plain) for p in patterns):
            found.add(text)
    return sorted(found)


def mnemonic_problems(page: QWidget) -> dict[str, list[str]]:
    """Letters used twice on the page, or used by the main window's menu bar too."""
    return {
        letter: texts
        for letter, texts in letters(page).items()
        if len(texts) > 1 or letter in MENU_LETTERS
    }


def shown(qtbot, page: QWidget) -> QWidget:
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


@pytest.fixture
def ctx(db) -> AppContext:
    return AppContext(db)


@pytest.fixture
def data(db) -> dict[str, int]:
    """Clients with open, overdue, paid and archived states; products of several tax
    kinds, one archived; payments by several methods; mail waiting and cancelled."""
    acme = make_client(db, "Acme GmbH")
    zeta = make_client(db, "Zeta Ltd")
    paid = issued_invoice(db, client_id=acme.id, today=TODAY)
    late = issued_invoice(db, line("3"), client_id=acme.id, today=TODAY.replace(month=1))
    issued_invoice(db, client_id=zeta.id, today=TODAY)
    pay(db, paid.id, str(paid.totals.gross), method=PaymentMethod.CASH)
    pay(db, late.id, "10.00", method=PaymentMethod.DIRECT_DEBIT)
    for given in (
        ProductInput(name="Consulting", unit="h", unit_price=Decimal(115), tax_rate=Decimal(19)),
        ProductInput(
            name="First-aid course",
            unit_price=Decimal(190),
            tax_rate=Decimal(0),
            tax_category="E",
            price_basis=PriceBasis.GROSS,
        ),
    ):
        products.create_product(db, given)
    old = products.create_product(
        db, ProductInput(name="Old part", unit_price=Decimal(1), tax_rate=Decimal(7))
    )
    products.archive_product(db, old.id, archived=True)
    account = mail_settings.save_account(
        db, SmtpAccount(host="mail.example", sender="billing@example.com", username="billing")
    )
    mail = MailDraft(to=("anna@example.com",), subject="Rechnung", body="Text", invoice_id=paid.id)
    outbox.queue(db, mail, account)
    outbox.cancel(db, outbox.queue(db, mail, account).id)
    return {"acme": acme.id, "late": late.id}


def test_the_clients_page_in_german_with_data(german, qtbot, ctx, data):
    page = shown(qtbot, ClientsPage(ctx, today=TODAY))
    page.show_archived.setChecked(True)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and not page.loading, timeout=5000)
    page.select_client(data["acme"])
    qtbot.waitUntil(lambda: page.invoices.rowCount() == 2, timeout=5000)
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    assert headers == ["Kundennr.", "Name", "Ort", "E-Mail", "Offen", "Überfällig", "Rechnungen"]
    assert "Überfällig:" in page.title.text()
    states = {page.invoices.index(r, 2).data() for r in range(2)}
    assert states == {"Bezahlt", "Überfällig"} or states == {"Bezahlt", "Teilweise bezahlt"}
    assert {page.payments.index(r, 2).data() for r in range(2)} == {"Bar", "Lastschrift"}
    texts = [*page_texts(page), page.title.text(), page.invoice_heading.text()]
    assert english_in(iter(texts), english_patterns()) == []
    with qtbot.waitSignal(page.status_message, timeout=5000) as said:
        page.search.setText("Acme")
    assert said.args == ["1 Kunde passt zu „Acme“"]
    assert mnemonic_problems(page) == {}


def test_the_products_page_in_german_with_data(german, qtbot, ctx, data):
    page = shown(qtbot, ProductsPage(ctx))
    page.show_archived.setChecked(True)
    assert page.model.rowCount() == 3
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["Nummer", "Name", "Einheit", "Steuersatz", "Preis ist", "Einzelpreis"]
    taxes = {page.model.index(r, 3).data(Qt.ItemDataRole.ToolTipRole) for r in range(3)}
    assert "Umsatzsteuerfrei" in taxes
    assert {page.model.index(r, 4).data() for r in range(3)} == {"Netto", "Brutto"}
    assert english_in(page_texts(page), english_patterns()) == []
    assert mnemonic_problems(page) == {}


def test_the_payments_page_in_german_with_data(german, qtbot, ctx, data):
    page = shown(qtbot, PaymentsPage(ctx, today=TODAY))
    assert page.model.rowCount() == 2
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == [
        "Datum", "Rechnungsnr.", "Kunde", "Betrag", "Zahlungsart", "Verwendungszweck",
    ]  # fmt: skip
    assert page.count_label.text() == "2 Zahlungen"
    assert page.totals_label.text().startswith("Summe")
    texts = [*page_texts(page), *model_texts(page.model), page.count_label.text()]
    assert english_in(iter(texts), english_patterns()) == []
    assert mnemonic_problems(page) == {}


def test_the_outbox_page_in_german_with_data(german, qtbot, ctx, data):
    page = shown(qtbot, OutboxPage(ctx))
    assert page.model.rowCount() == 2
    assert [page.filter.itemText(i) for i in range(page.filter.count())] == [
        "Alle E-Mails", "Wartend", "Erfordert Aufmerksamkeit", "Gesendet", "Abgebrochen",
    ]  # fmt: skip
    states = {page.model.index(r, 0).data(Qt.ItemDataRole.AccessibleTextRole) for r in range(2)}
    assert states == {"Wartend", "Abgebrochen"}
    assert page.counts.text() == "1 wartend"
    texts = [*page_texts(page), *model_texts(page.model), page.counts.text()]
    assert english_in(iter(texts), english_patterns()) == []
    page.filter.setCurrentIndex(3)  # sent: none
    assert page.table.placeholder == "Keine E-Mails in „Gesendet“."
    assert mnemonic_problems(page) == {}


def test_plural_forms_sizes_and_typed_dates_in_german(german):
    assert status_text(2, 1) == (
        "2 wartend · 1 erfordert Ihre Aufmerksamkeit (unklar/fehlgeschlagen)"
    )
    assert status_text(0, 3).startswith("3 erfordern")
    assert file_size(1) == "1 Byte"
    with pytest.raises(DateProblem) as problem:
        parse_date("31.02.2026", "de_DE", today=TODAY)
    assert str(problem.value) == (
        "„31.02.2026“ ist kein Datum — geben Sie es wie 15.11.2026 (Tag.Monat.Jahr) oder "
        "2026-11-15 ein"
    )


def test_the_english_check_sees_english():
    patterns = english_patterns()
    assert english_in(iter(["Open: 119.00 EUR", "Show archived", "2 clients"]), patterns) == [
        "2 clients", "Open: 119.00 EUR", "Show archived",
    ]  # fmt: skip
    assert english_in(iter(["Offen: 119,00 EUR", "Acme GmbH", "RE-2026-0001"]), patterns) == []
