"""A credit note takes money back: its amounts read negative in the list's rows, as in the
list's totals and on its client (issue 12: +147.44 in a row, −147.44 in the footer)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from invoicedesk.services import invoices
from invoicedesk.services.search import summarize
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoices.model import COLUMN
from invoicedesk.ui.invoices.page import InvoicesPage
from tests.factories import issued_invoice, make_client, pay

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_a_credit_note_reads_negative_in_its_row_and_the_totals_agree(qtbot, db):
    client = make_client(db, "Müller & Söhne GmbH")
    invoice = issued_invoice(db, client_id=client.id)
    gross = invoices.get_invoice(db, invoice.id).gross
    pay(db, invoice.id, str(gross))  # paid in full: the credit note is owed back to the client
    credit = invoices.create_credit_note(db, invoice.id, issue=True)
    page = InvoicesPage(AppContext(db))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 2)
    rows = {page.model.invoice_id(r): r for r in range(2)}
    model = page.model

    def cell(invoice_id: int, key: str, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole):
        return model.data(model.index(rows[invoice_id], COLUMN[key]), role)

    assert gross > Decimal(0)
    shown = f"{gross:,.2f} EUR"
    assert cell(invoice.id, "gross") == shown
    assert cell(credit.id, "gross") == f"-{shown}"
    assert cell(credit.id, "open") == f"-{shown}"  # the refund owed to the client
    assert "refund" in cell(credit.id, "open", Qt.ItemDataRole.ToolTipRole)
    # The footer's figures (the same service): the refund owed counts against what is open.
    ((_currency, _net, total_gross, total_open),) = summarize(db).by_currency
    assert (total_gross, total_open) == (Decimal("0.00"), -gross)
