"""A read-only table model over a list of frozen row objects, sortable in memory.

The client and product lists are a small business's address book and catalogue:
hundreds of rows, loaded whole through the services, so sorting them here is
cheaper than another query. (The invoice list, which can hold 100k rows, sorts
in SQL instead; see ``ui/invoice_model.py``.)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette

R = TypeVar("R")
ModelIndex = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row object itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the value the column sorts by

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def text_key(text: str) -> str:
    """A case- and accent-insensitive sort key, so "Öztürk" sorts with the O's."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def warning_colour() -> QColor:
    """The red for overdue amounts and errors, readable on light and dark backgrounds."""
    return QColor("#ef5350" if is_dark() else "#c62828")


def muted_colour() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    """One column: its header, the text a row shows in it and the value it sorts by."""

    key: str
    title: str  # translated: columns are made at run time, after the language is chosen
    text: Callable[[R], str]
    sort_key: Callable[[R], Any] | None = None  # None: the text, case-insensitively
    right: bool = False
    tooltip: Callable[[R], str] | None = None


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows of one type shown through :class:`Column` specs. Subclasses load the rows."""

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[R] = []
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # ------------------------------------------------------------------ rows

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._apply_sort()
        self.endResetModel()

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    @property
    def rows(self) -> list[R]:
        return list(self._rows)

    def row_of(self, predicate: Callable[[R], bool]) -> int:
        """The first row matching ``predicate``, or -1."""
        return next((i for i, r in enumerate(self._rows) if predicate(r)), -1)

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    # ------------------------------------------------------------------ looks (override)

    def foreground(self, row: R, key: str) -> QColor | None:
        return None

    def font(self, row: R, key: str) -> QFont | None:
        return None

    # ------------------------------------------------------------------ Qt API

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if self.columns[section].right else _LEFT
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.right else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else None
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self.foreground(row, column.key)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.FontRole:
            return self.font(row, column.key)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return self._key(column, row)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        before = [(self._rows[i.row()], i.column()) for i in persistent]
        self._apply_sort()
        position = {id(r): n for n, r in enumerate(self._rows)}
        self.changePersistentIndexList(
            persistent, [self.index(position[id(r)], c) for r, c in before]
        )
        self.layoutChanged.emit()

    def _key(self, column: Column[R], row: R) -> Any:
        if column.sort_key is not None:
            return column.sort_key(row)
        return text_key(column.text(row))

    def _apply_sort(self) -> None:
        if not 0 <= self._sort_column < len(self.columns):
            return
        column = self.columns[self._sort_column]
        # Stable: rows equal in this column keep the services' order (by name).
        self._rows.sort(
            key=lambda r: self._key(column, r),
            reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
        )
