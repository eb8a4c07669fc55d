"""The payments list as a table model, fetched a page at a time as the user scrolls.

Filters go to ``services.payments.list_payments`` (SQL); the model asks for
the next page when the view reaches the end (``canFetchMore``/``fetchMore``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from invoicedesk.i18n import N_, tr
from invoicedesk.services.books import Books
from invoicedesk.services.inputs import PaymentMethod
from invoicedesk.services.payments import MoneyMoved, PaymentRow, list_payments, money_moved
from invoicedesk.ui import formatting

PAGE = 500
METHOD_LABELS = {
    PaymentMethod.BANK_TRANSFER: N_("Bank transfer"),
    PaymentMethod.CASH: N_("Cash"),
    PaymentMethod.CARD: N_("Card"),
    PaymentMethod.PAYPAL: N_("PayPal"),
    PaymentMethod.DIRECT_DEBIT: N_("Direct debit"),
    PaymentMethod.OTHER: N_("Other"),
    PaymentMethod.CREDIT_NOTE: N_("Credit note"),
}  # marked: show tr(label)
COLUMNS = [
    ("date", N_("Date")),
    ("invoice", N_("Invoice no.")),
    ("client", N_("Client")),
    ("amount", N_("Amount")),
    ("method", N_("Method")),
    ("reference", N_("Reference")),
]  # titles marked: headerData translates them
# Shown with the amount last, so no left-aligned text runs into its right-aligned figures.
VISUAL_ORDER = ("date", "invoice", "client", "method", "reference", "amount")
COLUMN = {key: i for i, (key, _) in enumerate(COLUMNS)}
RowRole = Qt.ItemDataRole.UserRole + 1  # the PaymentRow

ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    """What the payments page shows; empty fields do not filter."""

    client_id: int | None = None
    method: PaymentMethod | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    invoice_id: int | None = None

    def is_empty(self) -> bool:
        return self == PaymentFilter()


class PaymentTableModel(QAbstractTableModel):
    """Payments, newest first, matching a :class:`PaymentFilter`."""

    loaded = Signal()  # a reload finished

    def __init__(self, db: Books, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._filter = PaymentFilter()
        self._rows: list[PaymentRow] = []
        self._more = False

    @property
    def filter(self) -> PaymentFilter:
        return self._filter

    def reload(self, flt: PaymentFilter | None = None) -> None:
        if flt is not None:
            self._filter = flt
        rows = self._fetch(0)
        self.beginResetModel()
        self._rows = rows
        self._more = len(rows) == PAGE
        self.endResetModel()
        self.loaded.emit()

    def _fetch(self, offset: int) -> list[PaymentRow]:
        f = self._filter
        return list_payments(
            self._db,
            client_id=f.client_id,
            invoice_id=f.invoice_id,
            methods=(f.method,) if f.method else (),
            date_from=f.date_from,
            date_to=f.date_to,
            limit=PAGE,
            offset=offset,
        )

    def all_loaded(self) -> bool:
        return not self._more

    def payment_row(self, row: int) -> PaymentRow:
        return self._rows[row]

    def row_of(self, payment_id: int) -> int | None:
        for i, row in enumerate(self._rows):
            if row.payment.id == payment_id:
                return i
        return None

    def totals(self) -> dict[str, MoneyMoved]:
        """Received, refunded and net per currency of the payments loaded so far."""
        return money_moved(self._rows)

    # ------------------------------------------------------------------ Qt API

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or not self._more:
            return
        rows = self._fetch(len(self._rows))
        self._more = len(rows) == PAGE
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section][1])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_alignment(COLUMNS[section][0]))
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_alignment(key))
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row, key)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        p = row.payment
        if key == "date":
            return formatting.date(p.date)
        if key == "invoice":
            return row.invoice_number
        if key == "client":
            return row.client_name
        if key == "amount":
            return f"{formatting.money(p.amount, row.currency)} {row.currency}"
        if key == "method":
            return tr(METHOD_LABELS.get(p.method, str(p.method)))
        return p.reference


def _alignment(key: str) -> Qt.AlignmentFlag:
    horizontal = Qt.AlignmentFlag.AlignRight if key == "amount" else Qt.AlignmentFlag.AlignLeft
    return horizontal | Qt.AlignmentFlag.AlignVCenter


def _tooltip(row: PaymentRow, key: str) -> str | None:
    p = row.payment
    if key == "amount" and p.is_overpayment:
        return tr("Overpayment: more than was open; the difference is the client's credit")
    if key == "reference" and p.note:
        return p.note
    if key == "method" and p.credit_note_id is not None:
        return tr("Settled by a credit note (remove the credit note to undo it)")
    if key == "invoice" and row.doc_type == "credit_note":
        return tr("A refund on a credit note")
    return None
