"""Pick the unpaid invoice a payment belongs to (the payments page's "Record payment…")."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.i18n import tr
from invoicedesk.services.search import InvoiceFilter
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoices.filter_bar import SEARCH_DELAY_MS, UNPAID
from invoicedesk.ui.invoices.model import COLUMN, InvoiceTableModel
from invoicedesk.ui.widgets.elided_tooltips import install_elided_tooltips

_HIDDEN = ("net", "tags", "date")


class InvoiceChooserDialog(QDialog):
    """Unpaid invoices (open, overdue, partly paid) with a search box; ``invoice_id`` after OK."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Record payment — choose the invoice"))
        self.resize(860, 480)
        self.today = today
        self.invoice_id: int | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search number, client, title or note"))
        self.search.setClearButtonEnabled(True)
        self.model = InvoiceTableModel(ctx.db, self)
        self.model.today = today
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        # Every column as wide as its content (amounts are never cut); the client the rest.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN["client"], QHeaderView.ResizeMode.Stretch)
        for key in _HIDDEN:
            self.table.setColumnHidden(COLUMN[key], True)
        install_elided_tooltips(self.table)
        self.hint = QLabel(tr("Only invoices with an amount still open are listed."))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Continue"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self._debounce.start)
        self.search.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _index: self.accept())
        self.table.selectionModel().selectionChanged.connect(self._update_ok)
        self.model.loaded.connect(self._select_first)
        self.reload()

    def reload(self) -> None:
        self.model.reload(
            InvoiceFilter(search=self.search.text().strip(), states=UNPAID, today=self.today)
        )

    def _select_first(self) -> None:
        if self.model.rowCount():
            self.table.selectRow(0)
        self._update_ok()

    def _update_ok(self, *_args: object) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.search and isinstance(event, QKeyEvent):
            if event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Down,
                Qt.Key.Key_Up,
                Qt.Key.Key_PageDown,
                Qt.Key.Key_PageUp,
            ):
                self.table.setFocus()
                return False
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        self.invoice_id = self.model.invoice_id(rows[0].row())
        super().accept()
