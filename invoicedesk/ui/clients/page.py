"""The Clients screen: a searchable client list with balances, and the selected client's
invoices and payments below it."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import ntr, tr
from invoicedesk.services.clients import ClientView, archive_client, remove_client
from invoicedesk.ui import formatting
from invoicedesk.ui.clients.client_dialog import ClientDialog
from invoicedesk.ui.clients.models import (
    ClientInvoicesModel,
    ClientList,
    ClientPaymentsModel,
    ClientTableModel,
    amount_text,
    fetch_clients,
)
from invoicedesk.ui.clients.table import warning_colour
from invoicedesk.ui.clients.views import ArrowDownToTable, CatalogPage, ListTable, mirror
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.icons import icon
from invoicedesk.ui.messages import confirm
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.worker import run_task

SEARCH_DELAY_MS = 250
RELOAD_KINDS = {"client", "invoice", "payment", "settings"}


class ClientsPage(CatalogPage):
    """The client list. ``status_message`` carries what happened for the status bar."""

    status_message = Signal(str)
    loaded = Signal()  # the client list has been (re)loaded

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        """``today`` decides what is overdue (None: the real today; tests fix it)."""
        super().__init__(parent)
        self.ctx = ctx
        self.loading = False
        self._stale = False
        self._generation = 0
        self._announce = False
        self._select_after_load: int | None = None

        self.search = QLineEdit(placeholderText=tr("Search name, number, e-mail, city or VAT ID"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(tr("Filters as you type (Ctrl+F)"))
        self.show_archived = QCheckBox(tr("Show &archived"))
        self.new_action = QAction(icon("user-plus"), tr("&New client…"), self)
        self.new_action.setToolTip(tr("Create a client (Ctrl+Shift+N)"))
        self.new_action.triggered.connect(self.new_record)
        # No mnemonic: Alt+E is the Edit menu.
        self.edit_action = QAction(icon("pencil"), tr("Edit client…"), self)
        self.edit_action.setToolTip(tr("Open the selected client (Enter or double-click)"))
        self.edit_action.triggered.connect(self.open_selected)
        self.restore_action = QAction(icon("rotate-ccw"), tr("Rest&ore"), self)
        self.restore_action.setToolTip(tr("Bring the archived client back into lists and pickers"))
        self.restore_action.triggered.connect(self.restore_selected)
        self.delete_action = QAction(icon("trash-2"), tr("&Delete"), self)
        self.delete_action.setToolTip(
            tr("Delete the selected client, or archive it if it has invoices (Del)")
        )
        self.delete_action.triggered.connect(self.delete_selected)
        self.new_button = QPushButton()
        self.restore_button = QPushButton()
        self.delete_button = QPushButton()
        self.edit_button = QPushButton()
        for button, action in (
            (self.new_button, self.new_action),
            (self.restore_button, self.restore_action),
            (self.delete_button, self.delete_action),
            (self.edit_button, self.edit_action),
        ):
            mirror(button, action)

        self.model = ClientTableModel(ctx.db, self, today)
        self.table = ListTable(tr("No clients yet. Create one with “New client…”."))
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        self.table.set_widths({0: 12, 2: 16, 4: 14, 5: 14, 6: 8}, stretch=(1, 3))
        self.search.installEventFilter(ArrowDownToTable(self.table))

        self.invoices = ClientInvoicesModel(ctx.db, self, today)
        self.invoice_table = ListTable(tr("Select a client to see its invoices."))
        self.invoice_table.setModel(self.invoices)
        self.invoice_table.setSortingEnabled(True)
        self.invoice_table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        self.invoice_table.set_widths({0: 12, 1: 9, 3: 13, 4: 13}, stretch=(2,))
        self.payments = ClientPaymentsModel(ctx.db, self)
        self.payment_table = ListTable(tr("Select a client to see its payments."))
        self.payment_table.setModel(self.payments)
        self.payment_table.setSortingEnabled(True)
        self.payment_table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.payment_table.set_widths({0: 9, 1: 12, 3: 13}, stretch=(2,))

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.invoice_heading = QLabel()
        self.payment_heading = QLabel()

        self._build_layout()
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self._filter_changed)
        # Several changes in a row (an invoice and its payment) reload the list once.
        self._reload_timer = QTimer(self, singleShot=True, interval=0)
        self._reload_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.show_archived.toggled.connect(self._filter_changed)
        self.table.open_requested.connect(self.open_selected)
        self.table.delete_requested.connect(self.delete_selected)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        ctx.bus.changed.connect(self._on_changed)
        self.refresh()

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.show_archived)
        bar.addStretch()
        self.buttons = QWidget()
        buttons = QHBoxLayout(self.buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.delete_button)
        bar.addWidget(self.buttons)

        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)

        def pane(label: QLabel, table: ListTable) -> QWidget:
            widget = QWidget()
            box = QVBoxLayout(widget)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(label)
            box.addWidget(table, 1)
            return widget

        documents = QSplitter(Qt.Orientation.Horizontal)
        documents.addWidget(pane(self.invoice_heading, self.invoice_table))
        documents.addWidget(pane(self.payment_heading, self.payment_table))
        documents.setStretchFactor(0, 3)
        documents.setStretchFactor(1, 2)
        documents.setChildrenCollapsible(False)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 6, 0, 0)
        detail_layout.addLayout(heading)
        detail_layout.addWidget(documents, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        self.setTabOrder(self.search, self.show_archived)
        self.setTabOrder(self.show_archived, self.new_button)
        self.setTabOrder(self.new_button, self.restore_button)
        self.setTabOrder(self.restore_button, self.delete_button)
        self.setTabOrder(self.delete_button, self.table)
        self.setTabOrder(self.table, self.edit_button)
        self.setTabOrder(self.edit_button, self.invoice_table)
        self.setTabOrder(self.invoice_table, self.payment_table)

    # ------------------------------------------------------------------ the public interface

    def actions(self) -> list[QAction]:  # type: ignore[override]
        """The page's commands, for the main window's toolbar and menus."""
        return [self.new_action, self.edit_action, self.restore_action, self.delete_action]

    def refresh(self) -> None:
        """Reload the list in the background, keeping the selected client selected.

        ``loaded`` fires when the rows are in; a newer refresh supersedes an older one.
        """
        self._debounce.stop()
        self._reload_timer.stop()
        self._stale = False
        self._generation += 1
        generation = self._generation
        keep = self.selected_id()
        db, today = self.ctx.db, self.model.today
        search, archived = self.search.text(), self.show_archived.isChecked()
        self.loading = True
        run_task(
            lambda _task: fetch_clients(db, search, archived, today),
            lambda result: self._loaded(generation, keep, result),
            lambda error, _trace: self._load_failed(generation, error),
        )

    def _loaded(self, generation: int, keep: int | None, result: ClientList) -> None:
        if not isValid(self) or generation != self._generation:
            return  # the page is gone, or a newer load is on its way
        self.loading = False
        wanted = self._select_after_load or keep
        self._select_after_load = None
        self.model.apply(result)
        if not self.select_client(wanted) and self.model.rowCount():
            self.select_client(self.model.client_id(0))
        self._show_details()
        searched = result.search.strip()
        self.table.set_placeholder(
            tr("No client matches the search.")
            if searched
            else tr("No clients yet. Create one with “New client…”.")
        )
        if self._announce:
            self._announce = False
            count = self.model.rowCount()
            if searched:
                what = ntr("{n} client matches “{search}”", "{n} clients match “{search}”", count)
            else:
                what = ntr("{n} client", "{n} clients", count)
            self.status_message.emit(what.format(n=formatting.number(count), search=searched))
        self.loaded.emit()

    def _load_failed(self, generation: int, error: BaseException) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.loading = False
        self.status_message.emit(tr("The clients could not be loaded: {error}").format(error=error))
        self.loaded.emit()

    def _filter_changed(self) -> None:
        """The search or the archived toggle changed: reload and say how many match."""
        self._announce = True
        self.refresh()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def new_record(self) -> None:
        dialog = ClientDialog(self.ctx, None, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return
        saved = dialog.saved
        self.search.clear()  # the new client should be visible, whatever was searched
        self._select_after_load = saved.id
        self.refresh()
        self.status_message.emit(
            tr("Client {number} {name} created").format(
                number=saved.customer_number, name=saved.name
            )
        )
        self.table.setFocus()

    def open_selected(self) -> None:
        client = self.selected_client()
        if client is None:
            return
        dialog = ClientDialog(self.ctx, client.id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._select_after_load = client.id
            self.status_message.emit(
                tr("Client {number} saved").format(number=client.customer_number)
            )
        self.table.setFocus()

    def delete_selected(self) -> None:
        """Delete the selected client after asking; one with invoices is archived instead."""
        client = self.selected_client()
        if client is None:
            self.status_message.emit(tr("Select a client first"))
            return
        label = f"{client.customer_number} {client.name}"
        if client.archived and client.invoice_count:
            self.status_message.emit(
                tr("Client {number} has invoices and stays archived").format(
                    number=client.customer_number
                )
            )
            return
        if client.invoice_count:
            count = client.invoice_count
            asked = confirm(
                self,
                tr("Archive client"),
                ntr(
                    "Client {client} has {n} invoice and cannot be deleted.",
                    "Client {client} has {n} invoices and cannot be deleted.",
                    count,
                ).format(client=label, n=formatting.number(count)),
                tr("Archive"),
                tr(
                    "Archive it instead? It disappears from lists and pickers; its invoices "
                    "stay, and you can restore it with “Show archived”."
                ),
                destructive=True,
            )
        else:
            asked = confirm(
                self,
                tr("Delete client"),
                tr("Delete client {client}?").format(client=label),
                tr("Delete"),
                tr("This cannot be undone."),
                destructive=True,
            )
        if not asked:
            return
        row = self.model.row_of_id(client.id)
        neighbour = self.model.client_id(row + 1) or self.model.client_id(row - 1)

        def removed(outcome: str) -> None:
            if outcome == "archived":
                self.status_message.emit(
                    tr("Client {number} has invoices and was archived").format(
                        number=client.customer_number
                    )
                )
            else:
                self.status_message.emit(tr("Client {client} deleted").format(client=label))

        def before_reload(outcome: str) -> Changes:
            if not self.show_archived.isChecked() or outcome == "deleted":
                self._select_after_load = neighbour  # the row goes: select the one beside it
            return Changes.of(client=client.id)

        Operation(
            self, self.ctx, tr("Delete Client"),
            lambda db: remove_client(db, client.id),
            changes=before_reload,
        ).success(removed).refused(self._say).run()  # fmt: skip

    def _say(self, error: DomainError) -> None:
        self.status_message.emit(error.message)

    def restore_selected(self) -> None:
        client = self.selected_client()
        if client is None or not client.archived:
            return
        Operation(
            self, self.ctx, tr("Restore Client"),
            lambda db: archive_client(db, client.id, archived=False),
            changes=Changes.of(client=client.id),
        ).success(
            lambda _view: self.status_message.emit(
                tr("Client {number} restored").format(number=client.customer_number)
            )
        ).run()  # fmt: skip

    # ------------------------------------------------------------------ selection

    def selected_client(self) -> ClientView | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def selected_id(self) -> int | None:
        client = self.selected_client()
        return client.id if client is not None else None

    def select_client(self, client_id: int | None) -> bool:
        row = self.model.row_of_id(client_id) if client_id is not None else -1
        if row < 0:
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _current_changed(self) -> None:
        self._show_details()

    def _show_details(self) -> None:
        client = self.selected_client()
        client_id = client.id if client is not None else None
        self.invoices.load(client_id)
        self.payments.load(client_id)
        self.edit_action.setEnabled(client is not None)
        self.delete_action.setEnabled(client is not None)
        self.restore_action.setVisible(client is not None and client.archived)
        self.invoice_table.set_placeholder(
            tr("No invoices for this client yet.")
            if client
            else tr("Select a client to see its invoices.")
        )
        self.payment_table.set_placeholder(
            tr("No payments received yet.")
            if client
            else tr("Select a client to see its payments.")
        )
        self.invoice_heading.setText(
            tr("<b>Invoices</b> ({n})").format(n=formatting.number(self.invoices.rowCount()))
        )
        self.payment_heading.setText(
            tr("<b>Payments</b> ({n})").format(n=formatting.number(self.payments.rowCount()))
        )
        self.title.setText(self._title(client))

    def _title(self, client: ClientView | None) -> str:
        if client is None:
            return tr("<b>No client selected</b>")
        e = html.escape
        address = client.billing_address
        place = ""
        if address is not None:
            town = " ".join(p for p in (address.zip, address.city) if p)
            place = ", ".join(p for p in (address.street, town, address.country) if p)
        facts = " · ".join(e(p) for p in (client.customer_number, place, client.data.email) if p)
        archived = " <i>{}</i>".format(tr("(archived)")) if client.archived else ""
        currency = self.model.company_currency
        balances = client.balances
        opened = ", ".join(amount_text(b.open, b.currency) for b in balances if b.open) or (
            amount_text(Decimal(0), currency)
        )
        overdue = [amount_text(b.overdue, b.currency) for b in balances if b.overdue > 0]
        red = warning_colour().name()
        money = tr("Open: {amount}").format(amount=e(opened))
        if overdue:
            late = tr("Overdue: {amount}").format(amount=e(", ".join(overdue)))
            money += f" · <span style='color:{red}'>{late}</span>"
        return (
            f"<span style='font-size:large'><b>{e(client.name)}</b></span>{archived}"
            f"<br>{facts}<br>{money}"
        )

    # ------------------------------------------------------------------ events

    def _on_changed(self, kind: str, _ids: list[int]) -> None:
        if kind not in RELOAD_KINDS:
            return
        if self.isVisible():
            self._reload_timer.start()
        else:
            self._stale = True
