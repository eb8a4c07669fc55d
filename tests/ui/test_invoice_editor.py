"""The invoice editor end to end: write an invoice by keyboard, check the totals against the
engine, save, issue, and read the result back through the services."""

# The fixtures come from test_invoice_editor_support; as test arguments they shadow the import.
# ruff: noqa: F811

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from invoicedesk.core.document import Discount, InvoiceDocument, LineItem, TaxCategory
from invoicedesk.core.lifecycle import STATE_LABELS
from invoicedesk.core.totals import compute_totals
from invoicedesk.services import clients, invoices
from invoicedesk.ui import formatting
from invoicedesk.ui.invoice_editor import prompts
from tests.factories import line as make_line
from tests.factories import make_client, make_draft
from tests.ui.test_invoice_editor_support import (  # noqa: F401 - fixtures
    INVOICE_DATE,
    answers,
    catalogue,
    choose_in_cell,
    ctx,
    focus,
    open_editor,
    type_in_cell,
)

D = Decimal


def expected_totals():
    """What the engine says the three lines typed below add up to."""
    return compute_totals(
        InvoiceDocument(
            currency="EUR",
            lines=(
                LineItem(D("12"), D("95.00"), D("19"), TaxCategory.STANDARD),
                LineItem(D("3"), D("24.50"), D("7"), TaxCategory.STANDARD, Discount(percent=D(10))),
                LineItem(D("1"), D("180.00"), D("19"), TaxCategory.STANDARD),
            ),
        )
    )


def write_three_lines(qtbot, editor) -> None:
    rows = (
        ("Consulting", "12", "h", "95.00", "", "1"),  # "1" picks "19 %"
        ("Printed manual", "3", "pcs", "24.50", "10%", "7"),
        ("Travel expenses", "1", "", "180.00", "", "1"),
    )
    for row, (name, quantity, unit, price, discount, tax) in enumerate(rows):
        if row:
            editor.lines.add_action.trigger()  # Ctrl+Return
        type_in_cell(qtbot, editor, row, "name", name)
        type_in_cell(qtbot, editor, row, "quantity", quantity)
        if unit:
            type_in_cell(qtbot, editor, row, "unit", unit)
        type_in_cell(qtbot, editor, row, "unit_price", price)
        if discount:
            type_in_cell(qtbot, editor, row, "discount", discount)
        choose_in_cell(qtbot, editor, row, "tax", tax)


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: popups can't grab
def test_write_save_and_issue_an_invoice(qtbot, db, ctx, open_editor, answers, settle):
    client = make_client(db, "Bäckerei Sonnenschein")
    editor = open_editor()
    assert editor.windowTitle().startswith("New invoice")
    assert not editor.ops.save.isEnabled()  # no client yet
    assert "choose who the invoice is for" in editor.ops.save.toolTip()

    # Type part of the name, pick the client from the completion list.
    focus(qtbot, editor.header.client.lineEdit())
    qtbot.keyClicks(editor.header.client.lineEdit(), "sonnen")
    popup = editor.header.client.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert editor.header.client_id() == client.id
    assert "Marktplatz 5" in editor.header.address.text()
    editor.header.date.setValue(INVOICE_DATE)
    write_three_lines(qtbot, editor)

    # The totals panel shows the engine's figures, nothing of its own.
    expected = expected_totals()
    assert not editor.problems
    assert editor.totals.value("gross") == formatting.money(expected.gross, "EUR")
    assert editor.totals.value("due") == formatting.money(expected.due, "EUR")
    for tax in expected.taxes:
        key = f"tax:{tax.category.value}:{tax.rate.normalize():f}"
        assert editor.totals.value(key) == formatting.money(tax.amount, "EUR")
        assert formatting.money(tax.base, "EUR") in editor.totals.label(key)
    assert [t.rate for t in expected.taxes] == [D(19), D(7)]
    amount_column = editor.lines_model.column_of("amount")
    assert editor.lines_model.index(1, amount_column).data() == "66.15"  # 3 × 24.50 − 10 %

    heard: list[tuple[str, list[int]]] = []
    ctx.bus.changed.connect(lambda kind, ids: heard.append((kind, ids)))
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.busy and not editor.save_button.isEnabled()  # saving: no second click
    assert not editor.issue_button.isEnabled()
    settle()
    invoice_id = editor.invoice_id
    assert invoice_id is not None and not editor.busy
    assert heard == [("invoice", [invoice_id])]
    assert not editor.isWindowModified()
    assert not editor.ops.save.isEnabled()
    assert re.match(rf"Invoice draft {invoice_id}\b", editor.windowTitle())

    qtbot.mouseClick(editor.issue_button, Qt.MouseButton.LeftButton)
    assert editor.busy and not editor.issue_button.isEnabled()
    settle()
    assert answers.asked == ["Issue invoice"]
    assert heard[1:] == [("invoice", [invoice_id])]
    assert editor.windowTitle().startswith("Invoice RE-2026-0001")

    # Read-only now, with the actions an open invoice allows.
    assert not editor.ops.save.isVisible() and not editor.ops.issue.isVisible()
    assert editor.ops.record_payment.isVisible() and editor.ops.cancel.isEnabled()
    assert not editor.lines_model.flags(editor.lines_model.index(0, 2)) & (
        Qt.ItemFlag.ItemIsEditable
    )
    assert not editor.header.client.isEnabled()
    assert editor.texts.title.isReadOnly()
    view = invoices.get_invoice(db, invoice_id)
    assert editor.badge.text().strip() == STATE_LABELS[view.state]  # Open, or Overdue by now
    assert view.number == "RE-2026-0001"
    assert view.client_id == client.id
    assert view.data.date == INVOICE_DATE
    assert [(li.name, li.quantity, li.unit_price, li.tax_rate) for li in view.data.lines] == [
        ("Consulting", D(12), D("95.00"), D(19)),
        ("Printed manual", D(3), D("24.50"), D(7)),
        ("Travel expenses", D(1), D("180.00"), D(19)),
    ]
    assert view.data.lines[1].discount == Discount(percent=D(10))
    assert view.data.lines[0].unit == "h"
    assert view.gross == expected.gross
    assert [(t.rate, t.amount) for t in view.taxes] == [(t.rate, t.amount) for t in expected.taxes]


def test_bus_hears_of_each_save(qtbot, db, ctx, open_editor, answers, settle):
    client = make_client(db)
    editor = open_editor(client_id=client.id)
    type_in_cell(qtbot, editor, 0, "name", "Work")
    type_in_cell(qtbot, editor, 0, "unit_price", "10")
    heard: list[tuple[str, list[int]]] = []
    ctx.bus.changed.connect(lambda kind, ids: heard.append((kind, ids)))
    editor.ops.save.trigger()
    settle()
    assert heard == [("invoice", [editor.invoice_id])]
    # Issuing the changed draft: saved first, then issued — two operations, two notices.
    editor.texts.title.setText("Changed")
    editor.ops.issue.trigger()
    settle()
    assert heard[1:] == [("invoice", [editor.invoice_id])] * 2
    assert invoices.get_invoice(db, editor.invoice_id).data.title == "Changed"
    assert not editor.editable and not editor.busy


def test_new_draft_starts_from_the_settings_and_the_client(db, open_editor):
    client = make_client(db, currency="USD")
    editor = open_editor(client_id=client.id)
    assert editor.texts.title.text() == "Invoice"
    assert editor.texts.intro.toPlainText().startswith("Thank you for your order")
    assert editor.header.currency_code() == "USD"
    assert editor.header.rate_widget.isVisibleTo(editor)
    assert editor.lines.view.hasFocus() or editor.lines.view.currentIndex().isValid()
    # A foreign currency needs its exchange rate before anything can be saved.
    editor.lines_model.setData(editor.lines_model.index(0, 2), "Work")
    editor.lines_model.setData(editor.lines_model.index(0, 5), "10")
    assert "Exchange rate" in editor.ops.save.toolTip()
    editor.header.exchange_rate.setText("0.92")
    assert editor.ops.save.isEnabled()


def test_invalid_quantity_flags_the_cell_and_blocks_saving(qtbot, db, open_editor):
    client = make_client(db)
    editor = open_editor(client_id=client.id)
    type_in_cell(qtbot, editor, 0, "name", "Work")
    type_in_cell(qtbot, editor, 0, "unit_price", "10")
    editor.lines.add_action.trigger()
    type_in_cell(qtbot, editor, 1, "name", "More work")
    type_in_cell(qtbot, editor, 1, "quantity", "two")
    type_in_cell(qtbot, editor, 1, "unit_price", "10")

    index = editor.lines_model.index(1, editor.lines_model.column_of("quantity"))
    assert index.data(Qt.ItemDataRole.DisplayRole) == "two"  # kept as typed
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "Line 2: quantity is not a number"
    assert not editor.ops.save.isEnabled() and not editor.ops.issue.isEnabled()
    assert not editor.save_button.isEnabled()
    assert "Line 2: quantity is not a number" in editor.save_button.toolTip()
    assert "Line 2: quantity is not a number" in editor.problem_label.text()
    assert "Line 2 left out" in editor.totals.notes.text()
    assert editor.totals.value("gross") == "11.90"  # line 1 only, until line 2 is fixed

    type_in_cell(qtbot, editor, 1, "quantity", "2")
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None
    assert editor.ops.save.isEnabled()
    assert editor.totals.value("gross") == "35.70"


def test_service_refusal_is_shown_on_its_field(qtbot, db, open_editor, settle):
    client = make_client(db)
    editor = open_editor(client_id=client.id)
    type_in_cell(qtbot, editor, 0, "name", "Work")
    type_in_cell(qtbot, editor, 0, "unit_price", "10")
    clients.archive_client(db, client.id)  # meanwhile, in another window

    failed: list[str] = []
    editor.operation_failed.connect(failed.append)
    editor.ops.save.trigger()
    settle()
    assert len(failed) == 1 and "archived" in failed[0]
    assert not editor.busy and not editor.ops.save.isEnabled()  # until something changes
    assert "archived" in str(editor.header.client.property("problem"))
    assert "archived" in editor.problem_label.text()
    assert editor.invoice_id is None
    # Changing anything clears the service's old complaint (it is checked again on saving).
    type_in_cell(qtbot, editor, 0, "quantity", "2")
    assert not editor.header.client.property("problem")


def test_existing_draft_loads_and_saves_back_unchanged_fields(qtbot, db, open_editor, settle):
    client = make_client(db)
    draft = make_draft(
        db,
        make_line("2", "50.00", "7", name="Books"),
        make_line("1", "10.00", "0", name="Exempt service", category=TaxCategory.EXEMPT),
        client_id=client.id,
        label="Order 4711",
        tags=("web",),
        supply_type="service",
    )
    editor = open_editor(draft.id)
    assert not editor.isWindowModified()
    tax_column = editor.lines_model.column_of("tax")
    assert editor.lines_model.index(1, tax_column).data() == "0 % exempt"
    assert editor.texts.label.text() == "Order 4711"
    editor.texts.note.setPlainText("Thanks!")
    assert editor.isWindowModified()
    editor.ops.save.trigger()
    settle()
    assert not editor.isWindowModified()
    view = invoices.get_invoice(db, draft.id)
    assert view.data.note == "Thanks!"
    assert view.data.supply_type == "service"  # not on the form, kept as it was
    assert view.data.tags == ("web",)
    assert view.data.lines[1].tax_category is TaxCategory.EXEMPT


# --------------------------------------------------------------------------- unsaved changes


def test_close_asks_about_unsaved_changes(qtbot, db, open_editor, answers, settle):
    client = make_client(db)
    editor = open_editor(client_id=client.id)
    editor.close()  # nothing typed: no question
    assert answers.asked == []

    editor = open_editor(client_id=client.id)
    type_in_cell(qtbot, editor, 0, "name", "Work")
    answers.unsaved = prompts.Unsaved.CANCEL
    editor.close()
    assert answers.asked == ["unsaved: the new invoice"]
    assert editor.isVisible()

    answers.unsaved = prompts.Unsaved.SAVE
    type_in_cell(qtbot, editor, 0, "unit_price", "10")
    saved: list[int] = []
    editor.saved.connect(saved.append)
    editor.close()  # saves (an operation), then closes
    settle()
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor), timeout=5000)
    assert invoices.get_invoice(db, saved[0]).data.lines[0].name == "Work"


def test_close_discards_when_told(qtbot, db, open_editor, answers):
    client = make_client(db)
    editor = open_editor(client_id=client.id)
    type_in_cell(qtbot, editor, 0, "name", "Work")
    answers.unsaved = prompts.Unsaved.DISCARD
    editor.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor), timeout=5000)
    assert answers.asked == ["unsaved: the new invoice"]


def test_undo_back_to_the_saved_state_is_not_a_change(qtbot, db, open_editor):
    client = make_client(db)
    draft = make_draft(db, make_line("1", "10.00"), client_id=client.id)
    editor = open_editor(draft.id)
    type_in_cell(qtbot, editor, 0, "quantity", "3")
    assert editor.isWindowModified()
    editor.undo_action.trigger()
    assert not editor.isWindowModified()
    assert not editor.ops.save.isEnabled()


def test_unsaved_question_offers_save_discard_cancel():
    box = prompts.unsaved_box(None, "the new invoice")
    buttons = {box.buttonRole(b) for b in box.buttons()}
    assert buttons == {
        QMessageBox.ButtonRole.AcceptRole,
        QMessageBox.ButtonRole.DestructiveRole,
        QMessageBox.ButtonRole.RejectRole,
    }
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Save)
    assert "Save the changes to the new invoice?" == box.text()
    box.deleteLater()


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: no raise() for boxes
@pytest.mark.parametrize(
    ("button", "answer"),
    [
        (QMessageBox.StandardButton.Save, prompts.Unsaved.SAVE),
        (QMessageBox.StandardButton.Discard, prompts.Unsaved.DISCARD),
        (QMessageBox.StandardButton.Cancel, prompts.Unsaved.CANCEL),
    ],
)
def test_the_real_unsaved_question_answers(qtbot, button, answer):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        box.button(button).click()

    QTimer.singleShot(0, click)
    assert prompts.ask_unsaved(None, "the new invoice") is answer


def test_ctrl_s_saves_and_the_problem_link_finds_the_cell(qtbot, db, open_editor, settle):
    editor = open_editor(client_id=make_client(db).id)
    type_in_cell(qtbot, editor, 0, "name", "Work")
    type_in_cell(qtbot, editor, 0, "quantity", "lots")
    editor.lines.view.setCurrentIndex(editor.lines_model.index(0, 2))
    editor.problem_label.linkActivated.emit("#show")
    assert editor.lines.view.currentIndex().column() == editor.lines_model.column_of("quantity")
    type_in_cell(qtbot, editor, 0, "quantity", "3")
    type_in_cell(qtbot, editor, 0, "unit_price", "10")
    focus(qtbot, editor.lines.view)
    qtbot.keyClick(editor.lines.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert invoices.get_invoice(db, editor.invoice_id).data.lines[0].quantity == D(3)
