"""The line items: the table models, undo and redo, moving rows, product completion."""

from __future__ import annotations

# The fixtures come from test_invoice_editor_support; as test arguments they shadow the import.
# ruff: noqa: F811
import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent, QUndoStack

from invoicedesk.core.document import Discount
from invoicedesk.services import invoices
from invoicedesk.services.audit import AuditView
from invoicedesk.services.inputs import PaymentMethod
from invoicedesk.services.invoices import PaymentView
from invoicedesk.ui.invoice_editor.charges_model import ChargeRow, ChargesModel, parse_charges
from invoicedesk.ui.invoice_editor.delegates import ProductListModel
from invoicedesk.ui.invoice_editor.lines_model import LineRow, LinesModel, parse_rows
from invoicedesk.ui.invoice_editor.parsing import choice_of, read_discount
from invoicedesk.ui.invoice_editor.record_models import HistoryModel, PaymentsModel
from tests.factories import TODAY, make_client, make_draft
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
NINETEEN = choice_of(D(19))


def names(editor) -> list[str]:
    return [row.name for row in editor.lines_model.rows()]


# --------------------------------------------------------------------------- models


def test_lines_model_passes_the_model_tester(qtmodeltester):
    model = LinesModel(QUndoStack(), NINETEEN)
    model.set_rows(
        [
            LineRow(tax=NINETEEN, name="Work", quantity="2", unit_price="10.00"),
            LineRow(tax=choice_of(D(7)), name="Book", description="Hardcover\nsigned"),
            LineRow(tax=NINETEEN),
        ]
    )
    model.set_amounts({0: "20.00"})
    model.set_problems({(1, "unit_price"): "Line 2: unit price is missing"})
    qtmodeltester.check(model)


def test_charges_and_record_models_pass_the_model_tester(qtmodeltester, catalogue):
    charges = ChargesModel(QUndoStack(), NINETEEN)
    charges.set_rows([charges.shipping_row(), ChargeRow(is_charge=False, value="5%", tax=None)])
    qtmodeltester.check(charges)
    payments = PaymentsModel()
    payments.set_payments(
        (PaymentView(1, 1, TODAY, D("10.00"), PaymentMethod.CASH, "", "", False, None),), "EUR"
    )
    qtmodeltester.check(payments)
    history = HistoryModel()
    issued = AuditView(
        dt.datetime(2026, 3, 16, 9, tzinfo=dt.UTC), "issued", "RE-2026-0001 issued", "draft",
        "open", "anna",
    )  # fmt: skip
    history.set_history((issued,))
    qtmodeltester.check(history)
    products = ProductListModel()
    products.set_products(list(catalogue.values()))
    qtmodeltester.check(products)


def test_rows_become_engine_lines_and_blank_rows_are_left_out():
    rows = (
        LineRow(tax=NINETEEN, name="Work", quantity="1,5", unit_price="80", discount="10%"),
        LineRow(tax=NINETEEN),  # blank: not sent, not a problem
        LineRow(tax=NINETEEN, name="Fee", unit_price="abc"),
        LineRow(tax=NINETEEN, unit_price="5"),  # a price without a name
    )
    items, positions, problems = parse_rows(rows, 2)
    assert [(i.name, i.quantity, i.unit_price, i.discount) for i in items] == [
        ("Work", D("1.5"), D(80), Discount(percent=D(10)))
    ]
    assert positions == [0]
    assert [(p.row, p.key, p.message) for p in problems] == [
        (2, "unit_price", "Line 3: unit price is not a number"),
        (3, "name", "Line 4: name is missing"),
    ]
    assert read_discount("2,50", 2) == Discount(amount=D("2.50"))
    charges, _, charge_problems = parse_charges((ChargeRow(reason="Shipping", value=""),), 2)
    assert charges == [] and "amount or percentage" in charge_problems[0].message


# --------------------------------------------------------------------------- undo and moves


def test_undo_and_redo_a_cell_edit_by_keyboard(qtbot, db, open_editor):
    draft = make_draft(db, make_line("1", "10.00", name="Work"), client_id=make_client(db).id)
    editor = open_editor(draft.id)
    type_in_cell(qtbot, editor, 0, "quantity", "4")
    assert editor.totals.value("gross") == "47.60"
    focus(qtbot, editor.lines.view)

    qtbot.keyClick(editor.lines.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.lines_model.row(0).quantity == "1"
    assert editor.totals.value("gross") == "11.90"
    assert not editor.isWindowModified()

    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(editor.lines.view, Qt.Key.Key_Z, redo)
    assert editor.lines_model.row(0).quantity == "4"
    assert editor.totals.value("gross") == "47.60"
    assert editor.undo_action.text() == "&Undo Edit qty of line 1"


def test_move_rows_by_keyboard_and_undo(qtbot, db, open_editor):
    lines = [make_line(name=n) for n in ("A", "B", "C")]
    editor = open_editor(make_draft(db, *lines, client_id=make_client(db).id).id)
    view = editor.lines.view
    focus(qtbot, view)
    view.setCurrentIndex(cell(editor, 0, "name"))
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert names(editor) == ["B", "C", "A"]
    assert view.currentIndex().row() == 2  # the moved line stays selected
    assert cell(editor, 2, "position").data() == "3"
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert names(editor) == ["B", "A", "C"]

    for _ in range(3):
        editor.undo_action.trigger()
    assert names(editor) == ["A", "B", "C"]
    editor.redo_action.trigger()
    assert names(editor) == ["B", "A", "C"]


def test_drop_moves_rows_in_one_undo_step(qtbot, db, open_editor):
    lines = [make_line(name=n) for n in ("A", "B", "C", "D")]
    editor = open_editor(make_draft(db, *lines, client_id=make_client(db).id).id)
    view, model = editor.lines.view, editor.lines_model
    mime = model.mimeData([cell(editor, 0, "name"), cell(editor, 1, "name")])
    target = view.visualRect(cell(editor, 3, "name"))
    event = QDropEvent(
        QPointF(target.center().x(), target.bottom() - 1),  # lower half: below D
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(event)
    assert names(editor) == ["C", "D", "A", "B"]
    assert not event.isAccepted()  # else Qt would remove the "source" rows after the drag
    editor.undo_action.trigger()
    assert names(editor) == ["A", "B", "C", "D"]


def test_insert_and_delete_keys_and_undo(qtbot, db, open_editor):
    lines = [make_line(name=n) for n in ("A", "B")]
    editor = open_editor(make_draft(db, *lines, client_id=make_client(db).id).id)
    view = editor.lines.view
    focus(qtbot, view)
    view.setCurrentIndex(cell(editor, 1, "position"))
    qtbot.keyClick(view, Qt.Key.Key_Insert)
    assert names(editor) == ["A", "", "B"]
    editor.lines.view.commit_editor()
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert names(editor) == ["", "B"]
    editor.undo_action.trigger()
    editor.undo_action.trigger()
    assert names(editor) == ["A", "B"]


def test_ctrl_return_adds_a_line_and_starts_typing_its_name(qtbot, db, open_editor):
    editor = open_editor(make_draft(db, make_line(name="A"), client_id=make_client(db).id).id)
    focus(qtbot, editor.lines.view)
    qtbot.keyClick(editor.lines.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert editor.lines_model.rowCount() == 2
    assert editor.lines.view.indexWidget(cell(editor, 1, "name")) is not None


def test_description_typing_is_one_undo_step(qtbot, db, open_editor):
    editor = open_editor(make_draft(db, make_line(name="A"), client_id=make_client(db).id).id)
    editor.lines.view.setCurrentIndex(cell(editor, 0, "name"))
    focus(qtbot, editor.lines.description)
    qtbot.keyClicks(editor.lines.description, "On site")
    assert editor.lines_model.row(0).description == "On site"
    assert cell(editor, 0, "name").data() == "A\nOn site"
    editor.undo_action.trigger()
    assert editor.lines_model.row(0).description == ""
    assert editor.lines.description.toPlainText() == ""


# --------------------------------------------------------------------------- products


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: popups can't grab
def test_product_completion_fills_the_line(qtbot, db, open_editor, catalogue):
    editor = open_editor(client_id=make_client(db).id)
    view = editor.lines.view
    focus(qtbot, view)
    index = cell(editor, 0, "name")
    view.setCurrentIndex(index)
    view.edit(index)
    line_edit = view.indexWidget(index)
    qtbot.keyClicks(line_edit, "consult")
    popup = line_edit.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert popup.model().index(0, 0).data() == "Consulting hour — P-0001 · 95.00 / h · 19 %"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.indexWidget(index) is None, timeout=2000)

    row = editor.lines_model.row(0)
    product = catalogue["consulting"]
    assert (row.name, row.product_number, row.unit, row.unit_price, row.tax) == (
        "Consulting hour",
        product.number,
        "h",
        "95.00",
        NINETEEN,
    )
    assert row.product_id == product.id and row.description == "Senior consultant"
    assert editor.totals.value("gross") == "113.05"
    editor.undo_action.trigger()  # the whole fill is one step
    assert editor.lines_model.row(0).is_blank()


def test_saved_line_keeps_its_product(qtbot, db, open_editor, catalogue, settle):
    editor = open_editor(client_id=make_client(db).id)
    editor.lines_model.setData(
        cell(editor, 0, "name"), catalogue["manual"], LinesModel.PRODUCT_ROLE
    )
    editor.ops.save.trigger()
    settle()
    assert editor.invoice_id is not None
    line = invoices.get_invoice(db, editor.invoice_id).data.lines[0]
    assert (line.product_id, line.unit_price, line.tax_rate) == (
        catalogue["manual"].id,
        D("24.50"),
        D(7),
    )


def test_numbers_are_read_and_shown_in_the_users_locale(monkeypatch):
    from invoicedesk.ui.invoice_editor import parsing
    from invoicedesk.ui.widgets import decimal_edit

    monkeypatch.setattr(decimal_edit, "user_locale", lambda: "de_DE")
    assert parsing.read_quantity("1,5") == D("1.5")
    assert parsing.read_price("1.234,50") == D("1234.50")
    assert parsing.normalised_number("1234,5", 2) == "1.234,50"
    assert parsing.read_discount("2,5%", 2) == Discount(percent=D("2.5"))
    assert parsing.example("5.00") == "5,00"
    with pytest.raises(parsing.InputProblem, match="quantity is not a number"):
        parsing.read_quantity("1,2,3")


def test_renaming_the_client_elsewhere_is_no_change_to_the_draft(db, ctx, open_editor):
    from invoicedesk.services import clients
    from tests.factories import client_input

    client = make_client(db)
    editor = open_editor(make_draft(db, make_line(), client_id=client.id).id)
    clients.update_client(db, client.id, client_input("Acme Holding GmbH"))
    ctx.bus.notify("client", [client.id])
    assert editor.header.client.currentText().startswith("Acme Holding GmbH")
    assert not editor.isWindowModified()
    clients.archive_client(db, client.id)
    ctx.bus.notify("client", [client.id])
    assert editor.header.client_id() == client.id  # archived, but still this draft's client


def test_undo_shows_the_line_it_changed(qtbot, db, open_editor):
    lines = [make_line(name=n) for n in ("A", "B", "C")]
    editor = open_editor(make_draft(db, *lines, client_id=make_client(db).id).id)
    type_in_cell(qtbot, editor, 2, "quantity", "5")
    editor.lines.view.setCurrentIndex(cell(editor, 0, "name"))
    editor.undo_action.trigger()
    assert editor.lines.view.currentIndex() == cell(editor, 2, "quantity")
    assert editor.lines.description_label.text().endswith("of line 3")
