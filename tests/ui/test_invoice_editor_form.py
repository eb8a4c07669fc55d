"""The editor's form beyond the lines: dates, currency, discounts and charges, keyboard paths,
and the colleagues' dialogs it opens (new client, record payment)."""

from __future__ import annotations

# The fixtures come from test_invoice_editor_support; as test arguments they shadow the import.
# ruff: noqa: F811
import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from invoicedesk.core.document import AllowanceCharge, Discount
from invoicedesk.services import invoices
from invoicedesk.services.inputs import PaymentInput
from invoicedesk.ui.invoice_editor.date_edit import OptionalDateEdit
from tests.factories import issued_invoice, make_client, make_draft
from tests.factories import line as make_line
from tests.ui.test_invoice_editor_support import (  # noqa: F401 - fixtures
    answers,
    catalogue,
    cell,
    ctx,
    focus,
    open_editor,
    type_in_cell,
)

D = Decimal


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: popups can't grab
def test_optional_date_clears_with_delete_and_opens_a_calendar(qtbot):
    edit = OptionalDateEdit("on issue")
    qtbot.addWidget(edit)
    edit.show()
    assert edit.value() is None and edit.text() == "" and edit.placeholderText() == "on issue"
    edit.setValue(dt.date(2026, 3, 16))
    focus(qtbot, edit)
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert edit.value() is None
    qtbot.keyClick(edit, Qt.Key.Key_F4)
    assert edit.calendarWidget().isVisible()
    today = edit.calendarWidget().selectedDate().toPython()
    assert today == dt.date.today()  # an empty date's calendar starts at today
    assert edit.value() is None  # until one is picked
    edit.calendarWidget().window().hide()


def test_due_date_or_due_days(db, open_editor):
    editor = open_editor(client_id=make_client(db, due_days=30).id)
    header = editor.header
    assert header.due_days.text() == "default (30 days)"  # the client's terms
    header.date.setValue(dt.date(2026, 3, 16))
    header.due_date.setValue(dt.date(2026, 3, 1))
    assert not header.due_days.isEnabled()
    assert "Due date: it lies before the invoice date" in editor.ops.save.toolTip()
    header.due_date.setValue(None)
    header.due_days.setValue(10)
    assert editor.current.input.due_days == 10 and editor.current.input.due_date is None


def test_currency_follows_the_client_until_chosen(qtbot, db, open_editor):
    dollars = make_client(db, "US Corp", currency="USD")
    euros = make_client(db, "Acme GmbH")
    editor = open_editor()
    editor.header.set_client_id(dollars.id)
    assert editor.header.currency_code() == "USD"
    assert editor.header.rate_widget.isVisibleTo(editor)
    assert editor.header.rate_from.text() == "1 USD =" and editor.header.rate_to.text() == "EUR"
    editor.header.set_client_id(euros.id)
    assert editor.header.currency_code() == "EUR"
    assert not editor.header.rate_widget.isVisibleTo(editor)


def test_discounts_charges_and_cash_discount_reach_the_input_and_the_totals(qtbot, db, open_editor):
    editor = open_editor(client_id=make_client(db).id)
    type_in_cell(qtbot, editor, 0, "name", "Work")
    type_in_cell(qtbot, editor, 0, "unit_price", "100")
    extras = editor.extras
    extras.discount.setText("10%")
    extras.add_shipping.click()
    table = extras.table
    qtbot.keyClicks(table.indexWidget(table.currentIndex()), "9.90")
    qtbot.keyClick(table.indexWidget(table.currentIndex()), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.indexWidget(table.currentIndex()) is None, timeout=2000)
    extras.cash_rate.setText("2")
    extras.cash_days.setValue(14)

    inp = editor.current.input
    assert inp.discount == Discount(percent=D(10))
    assert inp.allowances_charges == (
        AllowanceCharge(
            True, Discount(amount=D("9.90")), "Shipping", D(19), inp.lines[0].tax_category
        ),
    )
    assert inp.cash_discount is not None and inp.cash_discount.days == 14
    totals = editor.current.totals
    assert editor.totals.value("allowances") == "-10.00"
    assert editor.totals.value("charges") == "9.90"
    assert editor.totals.value("gross") == "118.88" == f"{totals.gross:f}"
    assert editor.totals.value("cash_discount") == "-2.38"
    assert editor.charges_model.index(0, editor.charges_model.column_of("amount")).data() == "9.90"

    extras.discount.setText("ten")
    assert "discount on the whole invoice is not an amount" in editor.ops.save.toolTip().lower()
    assert extras.discount.property("problem")


def test_tab_walks_the_cells_you_type_in_and_then_leaves_the_table(qtbot, db, open_editor):
    editor = open_editor(client_id=make_client(db).id)
    view = editor.lines.view
    focus(qtbot, view)
    index = cell(editor, 0, "name")
    view.setCurrentIndex(index)
    view.edit(index)
    qtbot.keyClicks(view.indexWidget(index), "Work")
    qtbot.keyClick(view.indexWidget(index), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: view.indexWidget(cell(editor, 0, "quantity")) is not None, timeout=2000)
    assert editor.lines_model.row(0).name == "Work"
    # From the tax cell, the last one typed in, Tab goes on to the description box.
    tax = cell(editor, 0, "tax")
    view.setCurrentIndex(tax)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.lines.description


def test_new_client_dialog_result_is_chosen(qtbot, db, open_editor, monkeypatch):
    from invoicedesk.services import clients
    from invoicedesk.ui.clients import client_dialog
    from tests.factories import client_input

    def fake_exec(dialog: client_dialog.ClientDialog) -> int:
        dialog.client_id = clients.create_client(db, client_input("Neu GmbH")).id
        dialog.ctx.bus.notify("client", [dialog.client_id])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(client_dialog.ClientDialog, "exec", fake_exec)
    editor = open_editor()
    qtbot.mouseClick(editor.header.new_client, Qt.MouseButton.LeftButton)
    assert editor.header.current_client().name == "Neu GmbH"
    assert "Marktplatz 5" in editor.header.address.text()


def test_record_payment_dialog_then_the_invoice_shows_it(qtbot, db, open_editor, monkeypatch):
    from invoicedesk.services import payments
    from invoicedesk.ui.payments import record_dialog

    def fake_exec(dialog: record_dialog.RecordPaymentDialog) -> int:
        payments.record_payment(db, dialog.invoice_id, PaymentInput(amount=D("50.00")))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(record_dialog.RecordPaymentDialog, "exec", fake_exec)
    invoice = issued_invoice(db, make_line("1", "100.00"))
    editor = open_editor(invoice.id)
    with qtbot.waitSignal(editor.reloaded, timeout=2000):
        editor.ops.record_payment.trigger()
    assert editor.payments_model.rowCount() == 1
    assert "paid 50.00" in editor.status_text.text()


@pytest.mark.parametrize("basis", ["net", "gross"])
def test_product_on_the_other_price_basis_is_pointed_out(db, open_editor, catalogue, basis):
    from invoicedesk.services import settings

    settings.set_setting(db, "price_basis", basis)
    editor = open_editor(client_id=make_client(db).id)
    assert editor.current.input.price_basis == basis
    editor.lines_model.setData(
        cell(editor, 0, "name"), catalogue["consulting"], editor.lines_model.PRODUCT_ROLE
    )
    if basis == "gross":
        assert "excludes tax, but this invoice uses gross prices" in editor.problem_label.text()
        assert editor.lines_model.headerData(8, Qt.Orientation.Horizontal) == "Gross amount"
    else:
        assert "ℹ" not in editor.problem_label.text()


def test_imported_rates_stay_on_offer(db, open_editor):
    draft = make_draft(
        db, make_line("1", "10.00", "7.7", name="Swiss"), client_id=make_client(db).id
    )
    editor = open_editor(draft.id)
    assert cell(editor, 0, "tax").data() == "7.7 %"
    labels = [label for label, _ in editor.lines.tax_delegate._choices]
    assert labels[:3] == ["19 %", "7 %", "0 %"] and "7.7 %" in labels
    assert invoices.get_invoice(db, draft.id).data.lines[0].tax_rate == D("7.7")
