"""The invoice list as a lazy table model: ids up front, rows fetched a block at a time.

Sorting and filtering happen in SQL (the services); the model only holds the
ordered ids of the current result and a cache of the blocks it has shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from invoicedesk.core.lifecycle import STATE_LABELS, State
from invoicedesk.db.engine import Database
from invoicedesk.services.search import InvoiceFilter, InvoiceRow, row_ids, rows_by_id
from invoicedesk.ui import formatting

BLOCK = 200
COLUMNS = [
    ("number", "Number"),
    ("client", "Client"),
    ("date", "Date"),
    ("due_date", "Due"),
    ("state", "State"),
    ("net", "Net"),
    ("gross", "Gross"),
    ("open", "Open"),
]
_STATE_COLOURS = {
    State.OVERDUE: "#c62828",
    State.PAID: "#2e7d32",
    State.PART_PAID: "#ef6c00",
    State.CANCELLED: "#757575",
    State.DRAFT: "#1565c0",
}
_RIGHT = {"net", "gross", "open"}

ModelIndex = QModelIndex | QPersistentModelIndex


class InvoiceTableModel(QAbstractTableModel):
    def __init__(self, db: Database, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._filter = InvoiceFilter()
        self._sort = "date"
        self._descending = True
        self._ids: list[int] = []
        self._rows: dict[int, InvoiceRow] = {}

    # ------------------------------------------------------------------ loading

    def reload(self, flt: InvoiceFilter | None = None) -> None:
        if flt is not None:
            self._filter = flt
        self.beginResetModel()
        self._ids = row_ids(self._db, self._filter, sort=self._sort, descending=self._descending)
        self._rows = {}
        self.endResetModel()

    def _row(self, row: int) -> InvoiceRow | None:
        invoice_id = self._ids[row]
        cached = self._rows.get(invoice_id)
        if cached is None:
            start = (row // BLOCK) * BLOCK
            block = self._ids[start : start + BLOCK]
            for fetched in rows_by_id(self._db, block, self._filter.today):
                self._rows[fetched.id] = fetched
            cached = self._rows.get(invoice_id)
        return cached

    def invoice_id(self, row: int) -> int:
        return self._ids[row]

    # ------------------------------------------------------------------ Qt API

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            key = COLUMNS[section][0]
            align = Qt.AlignmentFlag.AlignRight if key in _RIGHT else Qt.AlignmentFlag.AlignLeft
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            align = Qt.AlignmentFlag.AlignRight if key in _RIGHT else Qt.AlignmentFlag.AlignLeft
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = _STATE_COLOURS.get(row.state) if key == "state" else None
            return QBrush(QColor(colour)) if colour else None
        if key == "number":
            return row.number or "(draft)"
        if key == "client":
            return row.client_name
        if key == "date":
            return formatting.date(row.date)
        if key == "due_date":
            return formatting.date(row.due_date)
        if key == "state":
            label = STATE_LABELS[row.state]
            return f"{label} (credit note)" if row.doc_type.value == "credit_note" else label
        amount = {"net": row.net, "gross": row.gross, "open": row.open_amount}[key]
        return f"{formatting.money(amount, row.currency)} {row.currency}"

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = COLUMNS[column][0]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()
