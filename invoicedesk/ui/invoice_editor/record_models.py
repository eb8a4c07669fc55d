"""Read-only tables of an invoice's record: its payments and its history (the audit log)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from invoicedesk.core.lifecycle import STATE_LABELS, State
from invoicedesk.i18n import N_, tr
from invoicedesk.services.audit import AuditView
from invoicedesk.services.invoices import PaymentView
from invoicedesk.ui import formatting
from invoicedesk.ui.payments.models import METHOD_LABELS

ModelIndex = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def state_label(value: str) -> str:
    try:
        return tr(STATE_LABELS[State(value)])
    except ValueError:
        return value.replace("_", " ")


def local_time(value: dt.datetime) -> str:
    """An audit time (stored in UTC) in the user's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone()
    return f"{formatting.date(local.date())} {local:%H:%M}"


class _ReadOnlyTable(QAbstractTableModel):
    titles: tuple[str, ...] = ()
    right: frozenset[int] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: Sequence[tuple[str, ...]] = []
        self._tips: list[str | None] = []

    def _set(self, rows: Sequence[tuple[str, ...]], tips: list[str | None]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._tips = tips
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.titles)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.titles):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(self.titles[section])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if section in self.right else _LEFT)
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if index.column() in self.right else _LEFT)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips[index.row()]
        return None


class PaymentsModel(_ReadOnlyTable):
    titles = (N_("Date"), N_("Amount"), N_("Method"), N_("Reference"), N_("Note"))
    right = frozenset({1})

    def set_payments(self, payments: tuple[PaymentView, ...], currency: str) -> None:
        rows = []
        tips: list[str | None] = []
        for p in payments:
            method = tr(METHOD_LABELS.get(p.method, str(p.method)))
            if p.is_overpayment:
                method = tr("{method} (overpayment)").format(method=method)
            rows.append(
                (
                    formatting.date(p.date),
                    formatting.money(p.amount, currency),
                    method,
                    p.reference,
                    p.note,
                )
            )
            tips.append(p.note or None)
        self._set(rows, tips)


class HistoryModel(_ReadOnlyTable):
    titles = (N_("When"), N_("What"), N_("State"), N_("By"))

    def set_history(self, entries: tuple[AuditView, ...]) -> None:
        rows = []
        for entry in reversed(entries):  # newest first
            change = ""
            if entry.from_state and entry.to_state and entry.from_state != entry.to_state:
                change = f"{state_label(entry.from_state)} → {state_label(entry.to_state)}"
            elif entry.to_state:
                change = state_label(entry.to_state)
            rows.append((local_time(entry.at), entry.summary, change, entry.actor))
        self._set(rows, [None] * len(rows))
