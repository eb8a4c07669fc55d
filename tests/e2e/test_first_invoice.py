"""Acceptance test of the desktop app: a first client, a first invoice, issued and paid.

Everything is done the way a user does it — shortcuts on the main window, typing into
the client dialog, the editor's cells (through the table view's own cell editors) and
the payment dialog, clicking buttons — on a real migrated SQLite file. Only the check at
the end reads the database, through the services. Confirmations of the invoice editor
are answered through its ``prompts`` hook; modal dialogs are driven from inside their
own event loop. Nothing sleeps: every wait is on a signal or a condition.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, QSettings, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit, QWidget

from invoicedesk.core.lifecycle import State, Status
from invoicedesk.db.engine import Database
from invoicedesk.services import audit, clients, invoices, payments, search
from invoicedesk.services.inputs import AddressInput, AddressKind, PaymentMethod
from invoicedesk.ui import formatting, operations
from invoicedesk.ui.clients.client_dialog import ClientDialog
from invoicedesk.ui.invoice_editor import InvoiceEditor, prompts
from invoicedesk.ui.invoices.model import COLUMN, StateRole
from invoicedesk.ui.main_window import MainWindow
from invoicedesk.ui.payments.record_dialog import RecordPaymentDialog
from invoicedesk.ui.widgets import decimal_edit

# Offscreen, completion popups and message boxes cannot grab or raise; harmless here.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

D = Decimal
CTRL = Qt.KeyboardModifier.ControlModifier
WAIT_MS = 10_000  # generous upper bounds; the waits end as soon as the condition holds
W = TypeVar("W", bound=QWidget)

CLIENT = "Nordlicht Design GmbH"
EMAIL = "buchhaltung@nordlicht.example"
STREET, ZIP, CITY = "Hafenstraße 12", "20457", "Hamburg"

# The three lines as typed: (name, quantity, unit, unit price, line discount, tax rate).
LINES = (
    ("Website design", "10", "h", "85.00", "", "19 %"),  # 850.00
    ("Hosting, 12 months", "12", "months", "15.00", "10%", "19 %"),  # 180.00 − 10 % = 162.00
    ("Printed brochures", "200", "pcs", "0.64", "", "7 %"),  # 128.00
)
# Worked out by hand (net prices, tax per rate on the rate's net sum, rounded to the cent):
LINE_AMOUNTS = ("850.00", "162.00", "128.00")
NET = "1,140.00"  # 850.00 + 162.00 + 128.00
BASE_19, TAX_19 = "1,012.00", "192.28"  # 19 % of 1,012.00 = 192.28
BASE_7, TAX_7 = "128.00", "8.96"  # 7 % of 128.00 = 8.96
GROSS = "1,341.24"  # 1,140.00 + 192.28 + 8.96


# --------------------------------------------------------------------------- fixtures


class Asked:
    """The editor's questions, answered yes (issue) or "don't save" (closing), and listed."""

    def __init__(self) -> None:
        self.titles: list[str] = []


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Asked:
    given = Asked()

    def confirm(_parent: Any, title: str, _text: str, _details: str, _action: str) -> bool:
        given.titles.append(title)
        return True

    def unsaved(_parent: Any, what: str) -> prompts.Unsaved:
        given.titles.append(f"unsaved: {what}")
        return prompts.Unsaved.DISCARD

    def tell(_parent: Any, title: str, text: str) -> None:
        given.titles.append(f"{title}: {text}")

    monkeypatch.setattr(prompts, "confirm", confirm)
    monkeypatch.setattr(prompts, "ask_unsaved", unsaved)
    monkeypatch.setattr(prompts, "inform", tell)
    monkeypatch.setattr(prompts, "fail", tell)
    return given


@pytest.fixture
def english_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Numbers typed and shown as in English ("1,140.00"), whatever the machine's locale."""
    monkeypatch.setattr(formatting, "user_locale", lambda: "en_US")
    monkeypatch.setattr(decimal_edit, "user_locale", lambda: "en_US")


@pytest.fixture
def window(qtbot: Any, db: Database, tmp_path: Any, asked: Asked, english_numbers: None) -> Any:
    """The main window on the test database, shown and active; editors closed at the end."""
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    main = MainWindow(db, settings=settings)
    qtbot.addWidget(main)
    main.show()
    activate(qtbot, main)
    yield main
    operations.write_pool().waitForDone(WAIT_MS)  # nothing may run once the file closes
    QThreadPool.globalInstance().waitForDone(WAIT_MS)
    QApplication.processEvents()
    for editor in main.findChildren(InvoiceEditor):
        if shiboken6.isValid(editor):
            editor.close_now()
    operations.write_pool().waitForDone(WAIT_MS)
    QThreadPool.globalInstance().waitForDone(WAIT_MS)
    QApplication.processEvents()


# --------------------------------------------------------------------------- helpers


def activate(qtbot: Any, widget: QWidget) -> None:
    """Make ``widget``'s window the active one, as clicking on it would (shortcuts need it)."""
    top = widget.window()
    top.activateWindow()
    top.raise_()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is top, timeout=WAIT_MS)


def press(qtbot: Any, window: QWidget, key: Qt.Key, modifier: Any = CTRL) -> None:
    """A keyboard shortcut typed while ``window`` is the active window."""
    activate(qtbot, window)
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


def in_modal_dialog(kind: type[W], trigger: Callable[[], None], act: Callable[[W], None]) -> None:
    """Call ``trigger``, which runs a modal ``kind`` dialog (``exec()``), and let ``act`` use
    the dialog from inside its event loop. If ``act`` fails, the dialog is rejected (so the
    test cannot hang) and the failure raised here."""
    errors: list[BaseException] = []
    state = {"done": False, "acted": False}
    deadline = time.monotonic() + WAIT_MS / 1000

    def step() -> None:
        if state["done"]:
            return
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible():
            if time.monotonic() < deadline:
                QTimer.singleShot(10, step)
            return
        state["acted"] = True
        try:
            act(dialog)
        except BaseException as exc:  # noqa: BLE001 - re-raised once the dialog is gone
            errors.append(exc)
            if shiboken6.isValid(dialog) and dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, step)
    trigger()
    state["done"] = True
    if errors:
        raise errors[0]
    assert state["acted"], f"no {kind.__name__} was shown"


def create_client_through_the_dialog(qtbot: Any, window: Any) -> None:
    """Clients screen (Ctrl+2) → New client… → name, e-mail, address → Save."""
    press(qtbot, window, Qt.Key.Key_2)
    page = window.pages["clients"]
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: not page.loading, timeout=WAIT_MS)
    assert page.model.rowCount() == 0

    def fill_in(dialog: ClientDialog) -> None:
        assert dialog.windowTitle() == "New client"
        assert not dialog.ok_button.isEnabled()  # no name yet
        qtbot.keyClicks(dialog.name, CLIENT)
        qtbot.keyClicks(dialog.email, EMAIL)
        addresses = dialog.address_editor
        qtbot.keyClicks(addresses.street, STREET)
        qtbot.keyClicks(addresses.zip, ZIP)
        qtbot.keyClicks(addresses.city, CITY)
        assert addresses.country.currentData() == "DE"  # the company's country by default
        assert dialog.ok_button.isEnabled() and dialog.ok_button.text() == "Save"
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    with qtbot.waitSignal(page.loaded, timeout=WAIT_MS):
        in_modal_dialog(
            ClientDialog,
            lambda: qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton),
            fill_in,
        )
    assert page.model.rowCount() == 1
    selected = page.selected_client()
    assert selected is not None and selected.name == CLIENT


def open_new_invoice(qtbot: Any, window: Any) -> InvoiceEditor:
    """Ctrl+N in the main window opens the editor on a new invoice."""
    press(qtbot, window, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: len(editors(window)) == 1, timeout=WAIT_MS)
    editor = editors(window)[0]
    qtbot.waitUntil(editor.isVisible, timeout=WAIT_MS)
    assert window.stack.currentWidget() is window.pages["invoices"]
    assert editor.windowTitle().startswith("New invoice")
    return editor


def editors(window: Any) -> list[InvoiceEditor]:
    return [e for e in window.findChildren(InvoiceEditor) if shiboken6.isValid(e)]


def pick_client(qtbot: Any, editor: InvoiceEditor, typed: str) -> None:
    """Type part of the client's name into the picker and choose the completion."""
    line_edit = editor.header.client.lineEdit()
    activate(qtbot, editor)
    line_edit.setFocus()
    qtbot.waitUntil(line_edit.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(line_edit, typed)
    popup = editor.header.client.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=WAIT_MS)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def cell(editor: InvoiceEditor, row: int, key: str) -> QModelIndex:
    model = editor.lines_model
    return model.index(row, model.column_of(key))


def open_cell_editor(qtbot: Any, editor: InvoiceEditor, row: int, key: str) -> QWidget:
    """Go to the cell and press F2 (the edit key), unless its editor is open already."""
    view = editor.lines.view
    index = cell(editor, row, key)
    if view.indexWidget(index) is None:  # "Add line" opens the new line's name itself
        view.setCurrentIndex(index)
        qtbot.keyClick(view, Qt.Key.Key_F2)
    widget = view.indexWidget(index)
    assert widget is not None, f"no cell editor opened on line {row + 1}, {key}"
    return widget


def type_in_cell(qtbot: Any, editor: InvoiceEditor, row: int, key: str, text: str) -> None:
    """Type ``text`` into the cell's line edit and confirm it with Enter."""
    view = editor.lines.view
    index = cell(editor, row, key)
    widget = open_cell_editor(qtbot, editor, row, key)
    assert isinstance(widget, QLineEdit), f"{key} is not edited in a line edit"
    widget.selectAll()  # typing replaces what the cell held, as after F2 and Ctrl+A
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    # Qt hands the text to the model through a queued call; wait for it as the loop would.
    qtbot.waitUntil(lambda: view.indexWidget(index) is None, timeout=WAIT_MS)


def choose_tax(qtbot: Any, editor: InvoiceEditor, row: int, label: str) -> None:
    """Open the tax cell's combo box and pick ``label`` by typing its first character."""
    view = editor.lines.view
    index = cell(editor, row, "tax")
    if index.data() == label:
        return
    combo = open_cell_editor(qtbot, editor, row, "tax")
    assert isinstance(combo, QComboBox)
    assert combo.findText(label) >= 0, f"{label} is not offered"
    qtbot.keyClicks(combo, label[0])  # picking a new choice commits at once
    qtbot.waitUntil(lambda: view.indexWidget(index) is None, timeout=WAIT_MS)
    assert index.data() == label


def write_lines(qtbot: Any, editor: InvoiceEditor) -> None:
    add_line = editor.lines.buttons[0]
    assert add_line.text() == "Add line"
    for row, (name, quantity, unit, price, discount, tax) in enumerate(LINES):
        if row:
            qtbot.mouseClick(add_line, Qt.MouseButton.LeftButton)
            assert editor.lines_model.rowCount() == row + 1
        type_in_cell(qtbot, editor, row, "name", name)
        type_in_cell(qtbot, editor, row, "quantity", quantity)
        type_in_cell(qtbot, editor, row, "unit", unit)
        type_in_cell(qtbot, editor, row, "unit_price", price)
        if discount:
            type_in_cell(qtbot, editor, row, "discount", discount)
        choose_tax(qtbot, editor, row, tax)


def list_row(window: Any, invoice_id: int) -> int | None:
    return window.pages["invoices"].model.row_of(invoice_id)


def list_state(window: Any, invoice_id: int) -> State | None:
    """The state the invoice list shows for the invoice (None while it is not listed)."""
    page = window.pages["invoices"]
    row = list_row(window, invoice_id)
    if row is None or page.is_busy():
        return None
    return State(page.model.data(page.model.index(row, COLUMN["state"]), StateRole))


def list_text(window: Any, invoice_id: int, key: str, role: Any = None) -> Any:
    page = window.pages["invoices"]
    row = list_row(window, invoice_id)
    assert row is not None
    index = page.model.index(row, COLUMN[key])
    return index.data() if role is None else index.data(role)


# --------------------------------------------------------------------------- the tests


def test_first_client_first_invoice_issued_and_paid(
    qtbot: Any, window: Any, db: Database, asked: Asked, settle: Callable[..., None]
) -> None:
    # 1. A client, through the Clients screen and its dialog.
    create_client_through_the_dialog(qtbot, window)

    # 2. Ctrl+N: a new invoice for that client with three lines.
    editor = open_new_invoice(qtbot, window)
    assert not editor.save_button.isEnabled()  # no client, no lines yet
    pick_client(qtbot, editor, "nordlicht")
    assert editor.header.current_client().name == CLIENT
    assert STREET in editor.header.address.text() and CITY in editor.header.address.text()
    assert editor.windowTitle().startswith(f"New invoice[*] — {CLIENT}")
    write_lines(qtbot, editor)

    model = editor.lines_model
    assert model.rowCount() == 3
    assert [cell(editor, r, "amount").data() for r in range(3)] == list(LINE_AMOUNTS)
    assert [cell(editor, r, "tax").data() for r in range(3)] == ["19 %", "19 %", "7 %"]
    assert cell(editor, 1, "discount").data() == "10%"

    # 3. The totals panel, against figures worked out by hand.
    totals = editor.totals
    assert not editor.problems, editor.problems
    assert totals.title() == "Totals in EUR"
    assert totals.value("line_total") == NET
    assert totals.value("net") == NET
    assert totals.value("tax:S:19") == TAX_19
    assert totals.label("tax:S:19") == f"Tax 19 % on {BASE_19}"
    assert totals.value("tax:S:7") == TAX_7
    assert totals.label("tax:S:7") == f"Tax 7 % on {BASE_7}"
    assert totals.value("gross") == GROSS
    assert totals.value("due") == GROSS
    assert editor.save_button.isEnabled() and editor.issue_button.isEnabled()

    # 4. Issue: confirmed through the prompts hook; saved and numbered in the background.
    assert editor.issue_button.text() == "Issue invoice…"
    issued: list[int] = []
    editor.issued.connect(issued.append)
    qtbot.mouseClick(editor.issue_button, Qt.MouseButton.LeftButton)
    assert editor.busy and not editor.issue_button.isEnabled()  # saving, then issuing
    settle(WAIT_MS)
    assert asked.titles == ["Issue invoice"]
    (invoice_id,) = issued
    number = f"RE-{dt.date.today().year}-0001"
    assert editor.windowTitle() == f"Invoice {number} — {CLIENT}"
    assert editor.badge.text().strip() == "Open"
    assert not editor.save_button.isVisible() and not editor.issue_button.isVisible()
    assert editor.totals.value("gross") == GROSS

    qtbot.waitUntil(lambda: list_state(window, invoice_id) is State.OPEN, timeout=WAIT_MS)
    assert list_text(window, invoice_id, "number") == number
    assert list_text(window, invoice_id, "client") == CLIENT
    assert list_text(window, invoice_id, "gross") == f"{GROSS} EUR"
    assert list_text(window, invoice_id, "open") == f"{GROSS} EUR"
    assert list_text(window, invoice_id, "state", Qt.ItemDataRole.AccessibleTextRole) == "Open"

    # 5. The payment, from the invoice list: select the row, Record payment…, accept.
    page = window.pages["invoices"]
    activate(qtbot, window)
    row = list_row(window, invoice_id)
    assert row is not None
    rect = page.table.visualRect(page.model.index(row, COLUMN["client"]))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.selected_ids() == [invoice_id]
    record = page.actions_["payment"]
    button = window.page_toolbar.widgetForAction(record)
    assert button is not None and button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.actions_.payment_dialog
    assert isinstance(dialog, RecordPaymentDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert dialog.windowTitle() == f"Record payment — {number}"
    assert dialog.amount.text() == GROSS  # the open amount
    assert dialog.amount.value() == D("1341.24")
    assert dialog.method.currentData() == PaymentMethod.BANK_TRANSFER.value
    assert dialog.ok_button.isEnabled() and dialog.ok_button.text() == "Record payment"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    # The bus tells the list and the editor.
    qtbot.waitUntil(lambda: list_state(window, invoice_id) is State.PAID, timeout=WAIT_MS)
    assert list_text(window, invoice_id, "state", Qt.ItemDataRole.AccessibleTextRole) == "Paid"
    assert list_text(window, invoice_id, "open") == "0.00 EUR"
    qtbot.waitUntil(lambda: editor.badge.text().strip() == "Paid", timeout=WAIT_MS)
    assert editor.payments_model.rowCount() == 1
    assert f"paid {GROSS}, open 0.00" in editor.status_text.text()
    assert not editor.ops.record_payment.isVisible()

    # 6. What is in the database.
    (client,) = clients.list_clients(db, include_archived=True)
    assert (client.name, client.data.email) == (CLIENT, EMAIL)
    assert client.data.addresses == (
        AddressInput(kind=AddressKind.BILLING, street=STREET, zip=ZIP, city=CITY, country="DE"),
    )
    assert client.customer_number
    assert [e.action for e in audit.history(db, "client", client.id)] == ["created"]

    assert search.count_invoices(db) == 1
    view = invoices.get_invoice(db, invoice_id)
    assert view.number == number and view.client_id == client.id
    assert view.status is Status.PAID and view.state is State.PAID
    assert [
        (li.name, li.quantity, li.unit, li.unit_price, li.tax_rate) for li in view.data.lines
    ] == [
        ("Website design", D(10), "h", D("85.00"), D(19)),
        ("Hosting, 12 months", D(12), "months", D("15.00"), D(19)),
        ("Printed brochures", D(200), "pcs", D("0.64"), D(7)),
    ]
    assert [li.discount.percent if li.discount else None for li in view.data.lines] == [
        None,
        D(10),
        None,
    ]
    assert (view.net, view.tax, view.gross) == (D("1140.00"), D("201.24"), D("1341.24"))
    assert [(t.rate, t.base, t.amount) for t in view.taxes] == [
        (D(19), D("1012.00"), D("192.28")),
        (D(7), D("128.00"), D("8.96")),
    ]
    assert (view.paid_amount, view.open_amount) == (D("1341.24"), D(0))
    (payment,) = view.payments
    assert (payment.amount, payment.method, payment.is_overpayment) == (
        D("1341.24"),
        PaymentMethod.BANK_TRANSFER,
        False,
    )
    assert [p.payment.id for p in payments.list_payments(db)] == [payment.id]
    history = [(e.action, e.from_state, e.to_state) for e in view.history]
    assert history == [
        ("created", "", "draft"),
        ("issued", "draft", "open"),
        ("payment_recorded", "open", "paid"),
    ]


def test_editor_refuses_an_unreadable_quantity_visibly(
    qtbot: Any, window: Any, db: Database, asked: Asked, settle: Callable[..., None]
) -> None:
    create_client_through_the_dialog(qtbot, window)
    editor = open_new_invoice(qtbot, window)
    pick_client(qtbot, editor, "nordlicht")
    type_in_cell(qtbot, editor, 0, "name", "Website design")
    type_in_cell(qtbot, editor, 0, "quantity", "abc")
    type_in_cell(qtbot, editor, 0, "unit_price", "85.00")

    reason = "Line 1: quantity is not a number"
    quantity = cell(editor, 0, "quantity")
    assert quantity.data() == "abc"  # kept as typed, to be corrected
    assert quantity.data(Qt.ItemDataRole.BackgroundRole) is not None  # the cell is flagged
    assert quantity.data(Qt.ItemDataRole.ToolTipRole) == reason
    assert cell(editor, 0, "unit_price").data(Qt.ItemDataRole.BackgroundRole) is None
    assert not editor.save_button.isEnabled() and not editor.issue_button.isEnabled()
    assert reason in editor.save_button.toolTip()
    assert editor.save_button.toolTip().startswith("Can't save yet")
    assert reason in editor.problem_label.text()
    assert "Line 1 left out until complete." in editor.totals.notes.text()
    assert editor.totals.value("gross") == "0.00"

    # Clicking the disabled button or pressing Ctrl+S writes nothing.
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    press(qtbot, editor, Qt.Key.Key_S)
    assert operations.pending() == 0  # nothing was started
    settle(WAIT_MS)
    assert editor.invoice_id is None and not editor.busy
    assert asked.titles == []
    assert search.count_invoices(db) == 0
    assert audit.history(db, "invoice", 1) == []

    # Corrected, it is accepted at once.
    type_in_cell(qtbot, editor, 0, "quantity", "10")
    assert quantity.data(Qt.ItemDataRole.BackgroundRole) is None
    assert editor.save_button.isEnabled()
    assert editor.totals.value("gross") == "1,011.50"  # 850.00 + 19 %


def test_a_failure_inside_a_modal_dialog_closes_it(qtbot: Any) -> None:
    """The helper that drives modal dialogs must never leave one open (a hung test)."""
    dialog = QDialog()
    qtbot.addWidget(dialog)

    def fail(_dialog: QDialog) -> None:
        raise AssertionError("checked inside the dialog")

    with pytest.raises(AssertionError, match="checked inside the dialog"):
        in_modal_dialog(QDialog, dialog.exec, fail)
    assert dialog.result() == QDialog.DialogCode.Rejected
