"""The client dialog's contact persons as an editable table model; cells can carry an error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from invoicedesk.i18n import N_, tr
from invoicedesk.services.inputs import ContactInput
from invoicedesk.ui.clients.table import warning_colour

ModelIndex = QModelIndex | QPersistentModelIndex

CONTACT_FIELDS = [f.name for f in fields(ContactInput)]
CONTACT_TITLES = [N_("First name"), N_("Last name"), N_("E-mail"), N_("Phone"), N_("Role")]
# marked: show tr(title)


class ContactTableModel(QAbstractTableModel):
    """The client dialog's contact persons, edited in place; cells can carry an error."""

    def __init__(self, contacts: Sequence[ContactInput] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._contacts = list(contacts)
        self._errors: dict[tuple[int, int], str] = {}

    def set_contacts(self, contacts: Sequence[ContactInput]) -> None:
        self.beginResetModel()
        self._contacts = list(contacts)
        self._errors.clear()
        self.endResetModel()

    def contacts(self) -> list[ContactInput]:
        return list(self._contacts)

    def set_error(self, row: int, column: int | None, message: str) -> None:
        """Flag one cell, or the whole row when ``column`` is None."""
        columns = range(len(CONTACT_FIELDS)) if column is None else [column]
        for c in columns:
            self._errors[(row, c)] = message
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(CONTACT_FIELDS) - 1))

    def clear_errors(self) -> None:
        cells = list(self._errors)
        self._errors.clear()
        for row, column in cells:
            index = self.index(row, column)
            self.dataChanged.emit(index, index)

    def has_errors(self) -> bool:
        return bool(self._errors)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._contacts)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(CONTACT_FIELDS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(CONTACT_TITLES):
            return tr(CONTACT_TITLES[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._contacts):
            return str(section + 1)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._contacts):
            return None
        error = self._errors.get((index.row(), index.column()))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return getattr(self._contacts[index.row()], CONTACT_FIELDS[index.column()])
        if role == Qt.ItemDataRole.ToolTipRole:
            return error
        if role == Qt.ItemDataRole.ForegroundRole and error:
            return QBrush(warning_colour())
        if role == Qt.ItemDataRole.BackgroundRole and error:
            colour = QColor(warning_colour())
            colour.setAlpha(40)
            return QBrush(colour)
        return None

    def setData(  # noqa: N802
        self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        name = CONTACT_FIELDS[index.column()]
        row = index.row()
        self._contacts[row] = replace(self._contacts[row], **{name: str(value or "")})
        self._errors.pop((row, index.column()), None)
        self.dataChanged.emit(index, index)
        return True

    def insertRows(  # noqa: N802
        self,
        row: int,
        count: int,
        parent: ModelIndex = QModelIndex(),  # noqa: B008
    ) -> bool:
        if parent.isValid() or not 0 <= row <= len(self._contacts) or count < 1:
            return False
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        self._contacts[row:row] = [ContactInput() for _ in range(count)]
        self._errors = {(r + count if r >= row else r, c): m for (r, c), m in self._errors.items()}
        self.endInsertRows()
        return True

    def removeRows(  # noqa: N802
        self,
        row: int,
        count: int,
        parent: ModelIndex = QModelIndex(),  # noqa: B008
    ) -> bool:
        if parent.isValid() or row < 0 or count < 1 or row + count > len(self._contacts):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._contacts[row : row + count]
        self._errors = {
            (r - count if r >= row + count else r, c): m
            for (r, c), m in self._errors.items()
            if not row <= r < row + count
        }
        self.endRemoveRows()
        return True
