"""The Clients screen and the client dialog, on a real migrated database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from invoicedesk.services import clients
from invoicedesk.services.inputs import AddressInput, ContactInput
from invoicedesk.ui.clients import page as page_module
from invoicedesk.ui.clients.client_dialog import ClientDialog
from invoicedesk.ui.clients.contacts_model import ContactTableModel
from invoicedesk.ui.clients.models import (
    ClientInvoicesModel,
    ClientPaymentsModel,
    ClientTableModel,
)
from invoicedesk.ui.clients.page import ClientsPage
from invoicedesk.ui.clients.table import warning_colour
from invoicedesk.ui.context import AppContext
from tests.factories import TODAY, issued_invoice, line, make_client, pay

# The offscreen platform cannot pass a window's minimum size on; real platforms can.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def ctx(db):
    return AppContext(db)


@pytest.fixture
def billed(db):
    """Acme with one open invoice (119.00) and one overdue, part-paid (238.00 − 38.00)."""
    acme = make_client(db, "Acme GmbH", email="billing@acme.example")
    make_client(db, "Zeta Ltd", email="ap@zeta.example")
    issued_invoice(db, client_id=acme.id)
    overdue = issued_invoice(db, line("2"), client_id=acme.id, date=TODAY - dt.timedelta(days=40))
    pay(db, overdue.id, "38.00")
    return acme


@pytest.fixture
def page(qtbot, ctx, billed):
    """The page, shown, with its first (background) load done; no load left running after."""
    widget = ClientsPage(ctx, today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    activate(qtbot, widget)
    qtbot.waitUntil(lambda: not widget.loading, timeout=3000)
    yield widget
    qtbot.waitUntil(lambda: not widget.loading, timeout=3000)


def show(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    return activate(qtbot, dialog)


def activate(qtbot, widget):
    """Show ``widget`` as the active window, so keyboard focus works (offscreen too)."""
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=3000)
    return widget


# ---------------------------------------------------------------------- models


def test_models_pass_qt_model_tester(qtmodeltester, db, billed):
    model = ClientTableModel(db, today=TODAY)
    model.reload()
    qtmodeltester.check(model)
    model.sort(4, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)

    invoices = ClientInvoicesModel(db, today=TODAY)
    invoices.load(billed.id)
    assert invoices.rowCount() == 2
    qtmodeltester.check(invoices)

    payments = ClientPaymentsModel(db)
    payments.load(billed.id)
    assert payments.rowCount() == 1
    qtmodeltester.check(payments)

    contacts = ContactTableModel([ContactInput(first_name="Eva", email="eva@acme.example")])
    qtmodeltester.check(contacts)
    contacts.insertRows(1, 2)
    contacts.set_error(2, 1, "is required")
    contacts.removeRows(0, 1)
    assert contacts.index(1, 1).data(Qt.ItemDataRole.ToolTipRole) == "is required"
    qtmodeltester.check(contacts)


def test_balances_show_open_and_overdue_amounts(db, billed):
    model = ClientTableModel(db, today=TODAY)
    model.reload()
    row = model.row_of_id(billed.id)
    assert model.index(row, 4).data() == "319.00 EUR"  # 119.00 + 238.00 − 38.00
    assert model.index(row, 5).data() == "200.00 EUR"
    assert model.index(row, 6).data() == "2"
    red = model.index(row, 5).data(Qt.ItemDataRole.ForegroundRole).color()
    assert red == warning_colour()
    zeta = model.row_of(lambda c: c.name == "Zeta Ltd")
    assert model.index(zeta, 4).data() == "0.00 EUR"
    assert model.index(zeta, 5).data(Qt.ItemDataRole.ForegroundRole).color() != red


def test_sorting_by_open_balance_and_name(db, billed):
    make_client(db, "Ärzte am Markt")
    model = ClientTableModel(db, today=TODAY)
    model.reload()
    model.sort(1, Qt.SortOrder.AscendingOrder)
    names = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert names == ["Acme GmbH", "Ärzte am Markt", "Zeta Ltd"]  # Ä sorts with A
    model.sort(4, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 1).data() == "Acme GmbH"


# ---------------------------------------------------------------------- the dialog


def test_create_client_by_typing_and_clicking_save(qtbot, ctx, db, settle):
    dialog = show(qtbot, ClientDialog(ctx, None))
    assert not dialog.ok_button.isEnabled()
    assert "name" in dialog.ok_button.toolTip()

    qtbot.keyClicks(dialog.name, "Werkstatt Berg")
    qtbot.keyClicks(dialog.email, "info@berg.example")
    qtbot.keyClicks(dialog.emails, "chef@berg.example; buchhaltung@berg.example")
    editor = dialog.address_editor
    qtbot.keyClicks(editor.street, "Talweg 3")
    qtbot.keyClicks(editor.zip, "6020")
    qtbot.keyClicks(editor.city, "Innsbruck")
    editor.country.setCurrentIndex(editor.country.findData("AT"))

    qtbot.mouseClick(dialog.add_contact_button, Qt.MouseButton.LeftButton)
    assert dialog.tabs.currentIndex() == 1
    for text in ("Maria", "Huber", "maria@berg.example"):
        cell_editor = QApplication.focusWidget()
        assert isinstance(cell_editor, QLineEdit)
        qtbot.keyClicks(cell_editor, text)
        qtbot.keyClick(cell_editor, Qt.Key.Key_Tab)  # commits, moves to the next cell
    assert dialog.ok_button.isEnabled()

    with qtbot.waitSignal(ctx.bus.changed) as changed:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        settle()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert changed.args == ["client", [dialog.client_id]]

    saved = clients.get_client(db, dialog.client_id)
    assert saved.name == "Werkstatt Berg"
    assert saved.customer_number  # assigned
    assert saved.data.emails == ("chef@berg.example", "buchhaltung@berg.example")
    assert saved.data.addresses == (
        AddressInput(street="Talweg 3", zip="6020", city="Innsbruck", country="AT"),
    )
    assert saved.data.contacts == (
        ContactInput(first_name="Maria", last_name="Huber", email="maria@berg.example"),
    )


def test_create_client_with_the_keyboard_alone(qtbot, ctx, db, settle):
    dialog = show(qtbot, ClientDialog(ctx, None))
    alt = Qt.KeyboardModifier.AltModifier

    def typed(text: str) -> None:
        qtbot.keyClicks(QApplication.focusWidget(), text)

    assert QApplication.focusWidget() is dialog.name
    typed("Tastatur AG")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.email  # name → customer number → e-mail
    typed("post@tastatur.example")
    qtbot.keyClick(dialog, Qt.Key.Key_S, alt)  # &Street
    assert QApplication.focusWidget() is dialog.address_editor.street
    typed("Hauptstraße 1")
    qtbot.keyClick(dialog, Qt.Key.Key_Z, alt)  # &ZIP / city
    typed("10115")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    typed("Berlin")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # the default button: Save
    settle()

    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = clients.get_client(db, dialog.client_id)
    assert (saved.name, saved.data.email) == ("Tastatur AG", "post@tastatur.example")
    assert saved.data.addresses == (
        AddressInput(street="Hauptstraße 1", zip="10115", city="Berlin", country="DE"),
    )


def test_person_name_follows_first_and_last_name(qtbot, ctx, db, settle):
    dialog = show(qtbot, ClientDialog(ctx, None))
    dialog.person.click()
    assert dialog.first_name.isVisible()
    assert "first or last name" in dialog.ok_button.toolTip()
    qtbot.keyClicks(dialog.first_name, "Anna")
    qtbot.keyClicks(dialog.last_name, "Schmidt")
    assert dialog.name.text() == "Anna Schmidt"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle()
    saved = clients.get_client(db, dialog.client_id)
    assert (saved.data.kind, saved.data.first_name, saved.name) == (
        "person",
        "Anna",
        "Anna Schmidt",
    )
    assert saved.data.addresses == ()  # the untouched address form is not saved


def test_invalid_email_is_flagged_at_the_field_and_nothing_is_saved(qtbot, ctx, db, settle):
    dialog = show(qtbot, ClientDialog(ctx, None))
    qtbot.keyClicks(dialog.name, "Acme GmbH")
    qtbot.keyClicks(dialog.email, "acme.example")
    dialog.tabs.setCurrentIndex(2)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle()

    assert dialog.result() != QDialog.DialogCode.Accepted
    box = dialog.errors.box("client.email")
    assert box.message.isVisible()
    assert box.message.text() == "'acme.example' is not an e-mail address."
    assert dialog.tabs.currentIndex() == 0  # brought to the front
    assert dialog.email.hasFocus()
    assert clients.list_clients(db, include_archived=True) == []

    qtbot.keyClicks(dialog.email, "x")  # editing clears the flag
    assert not box.message.isVisible()


def test_errors_in_addresses_and_contacts_point_at_their_row(qtbot, ctx, db, settle):
    dialog = show(qtbot, ClientDialog(ctx, None))
    qtbot.keyClicks(dialog.name, "Acme GmbH")
    editor = dialog.address_editor
    editor.add_address()  # the first (billing) address stays blank and is not sent
    qtbot.keyClicks(editor.zip, "1" * 21)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle()
    assert editor.list.currentRow() == 1
    assert editor.boxes["zip"].message.text().startswith("ZIP is too long")

    editor.zip.clear()
    qtbot.keyClicks(editor.zip, "80331")
    dialog.contacts.insertRows(0, 2)
    dialog.contacts.setData(dialog.contacts.index(1, 2), "eva@")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle()
    assert dialog.tabs.currentIndex() == 1
    assert dialog.contacts.index(1, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert dialog.contact_error.text() == ("Contact person 2: 'eva@' is not an e-mail address.")
    assert clients.list_clients(db) == []


def test_edit_keeps_everything_it_does_not_show(qtbot, ctx, db, settle):
    address = AddressInput(street="Ring 1", city="Wien", region="W", country="AT")
    client = make_client(db, "Acme GmbH", addresses=(address,), due_days=30, tags=("vip",))
    dialog = show(qtbot, ClientDialog(ctx, client.id))
    assert dialog.windowTitle() == f"Client {client.customer_number} — Acme GmbH"
    assert dialog.due_days.text() == "30"
    dialog.phone.setText("+43 1 234")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle()
    saved = clients.get_client(db, client.id)
    assert saved.data.phone == "+43 1 234"
    assert saved.data.addresses == (address,)  # region kept
    assert (saved.data.due_days, saved.data.tags) == (30, ("vip",))


def test_due_days_must_be_whole(qtbot, ctx, db, settle):
    dialog = show(qtbot, ClientDialog(ctx, None))
    qtbot.keyClicks(dialog.name, "Acme GmbH")
    qtbot.keyClicks(dialog.due_days, "7.5")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    settle()
    assert dialog.errors.box("client.due_days").message.isVisible()
    dialog.due_days.setText("abc")
    assert not dialog.ok_button.isEnabled()
    assert "due days" in dialog.ok_button.toolTip()


# ---------------------------------------------------------------------- the page


def test_search_filters_the_list_as_you_type(qtbot, page):
    assert page.model.rowCount() == 2
    with qtbot.waitSignal(page.model.modelReset, timeout=2000):
        qtbot.keyClicks(page.search, "zeta")
    assert page.model.rowCount() == 1
    assert page.model.index(0, 1).data() == "Zeta Ltd"
    assert page.invoices.rowCount() == 0  # Zeta is selected and has none


def test_details_show_the_selected_clients_invoices_and_payments(page, billed):
    page.select_client(billed.id)
    assert page.invoices.rowCount() == 2
    assert page.invoices.index(0, 2).data() == "Open"
    assert page.invoices.index(1, 2).data() == "Overdue"
    assert page.payments.rowCount() == 1
    assert page.payments.index(0, 2).data() == "Bank transfer"
    assert page.payments.index(0, 3).data() == "38.00 EUR"
    assert "Overdue: 200.00 EUR" in page.title.text()


def test_delete_of_a_client_with_invoices_archives_it(qtbot, page, db, billed, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(page_module, "confirm", lambda *a, **k: asked.append(a[2]) or True)
    page.select_client(billed.id)
    messages: list[str] = []
    page.status_message.connect(messages.append)
    page.table.setFocus()
    with qtbot.waitSignal(page.loaded):
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert "has 2 invoices" in asked[0]
    assert messages == [f"Client {billed.customer_number} has invoices and was archived"]
    assert clients.get_client(db, billed.id).archived
    assert page.model.row_of_id(billed.id) < 0
    assert page.selected_client().name == "Zeta Ltd"  # the row beside it

    with qtbot.waitSignal(page.loaded):
        page.show_archived.setChecked(True)
    assert messages[-1] == "2 clients"
    assert page.select_client(billed.id)
    assert page.restore_button.isVisible()
    with qtbot.waitSignal(page.loaded):
        page.restore_selected()
    assert not clients.get_client(db, billed.id).archived
    assert not page.restore_button.isVisible()


def test_delete_asks_first_and_deletes_a_client_without_invoices(qtbot, page, db, monkeypatch):
    zeta = page.model.row_of(lambda c: c.name == "Zeta Ltd")
    page.select_client(page.model.client_id(zeta))
    monkeypatch.setattr(page_module, "confirm", lambda *a, **k: False)
    page.delete_selected()
    assert page.model.rowCount() == 2

    messages: list[str] = []
    page.status_message.connect(messages.append)
    monkeypatch.setattr(page_module, "confirm", lambda *a, **k: True)
    with qtbot.waitSignal(page.loaded):
        page.delete_selected()
    assert page.model.rowCount() == 1
    assert [c.name for c in clients.list_clients(db, include_archived=True)] == ["Acme GmbH"]
    assert messages[-1].endswith("Zeta Ltd deleted")


def test_enter_and_double_click_open_the_dialog(qtbot, page, billed, monkeypatch):
    opened: list[int | None] = []

    class FakeDialog:
        def __init__(self, ctx, client_id, parent=None):
            opened.append(client_id)

        def exec(self):
            return QDialog.DialogCode.Rejected

    monkeypatch.setattr(page_module, "ClientDialog", FakeDialog)
    page.select_client(billed.id)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    rect = page.table.visualRect(page.table.currentIndex())
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page.new_record()
    assert opened == [billed.id, billed.id, None]


def test_a_new_client_is_shown_and_selected_even_when_searched_away(qtbot, page, db, monkeypatch):
    class SavingDialog:
        def __init__(self, ctx, client_id, parent=None):
            self.saved = None

        def exec(self):
            self.saved = make_client(db, "Neu GmbH")
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(page_module, "ClientDialog", SavingDialog)
    with qtbot.waitSignal(page.loaded):
        qtbot.keyClicks(page.search, "zeta")
    messages: list[str] = []
    page.status_message.connect(messages.append)
    with qtbot.waitSignal(page.loaded):
        qtbot.keyClick(
            page.table,
            Qt.Key.Key_N,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert page.search.text() == ""
    assert page.model.rowCount() == 3
    assert page.selected_client().name == "Neu GmbH"
    assert messages == [f"Client {page.selected_client().customer_number} Neu GmbH created"]


def test_ctrl_f_focuses_the_search(qtbot, page):
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()


def test_other_screens_changes_reload_the_list_once(qtbot, page, ctx, db):
    make_client(db, "Neu GmbH")
    assert page.model.rowCount() == 2
    loads: list[None] = []
    page.loaded.connect(lambda: loads.append(None))
    with qtbot.waitSignal(page.loaded):
        ctx.bus.notify("invoice", [1])
        ctx.bus.notify("payment", [1])
    assert page.model.rowCount() == 3
    assert len(loads) == 1
    assert Decimal(0) == sum(b.open for b in page.model.rows[1].balances)
