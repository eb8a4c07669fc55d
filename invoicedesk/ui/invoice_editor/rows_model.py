"""A table model over a list of frozen row objects, edited only through the undo stack.

The public Qt API (``setData``, ``insertRows``, ``removeRows``, ``moveRows``)
pushes undo commands; the commands call the ``apply_*`` methods, which change
the list and emit precise model signals. ``edited`` fires after every such
change (and never for problem marks or computed columns), which is what the
editor listens to before it re-validates and recomputes the totals.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QUndoStack

from invoicedesk.i18n import current_language, ntr, tr
from invoicedesk.ui.invoice_editor.commands import (
    InsertRowsCommand,
    MoveRowsCommand,
    RemoveRowsCommand,
    SetRowCommand,
)

ModelIndex = QModelIndex | QPersistentModelIndex
MIME_ROWS = "application/x-invoicedesk-rows"
# Translucent, so it reads on light and on dark palettes alike.
PROBLEM_BACKGROUND = QColor(198, 40, 40, 70)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    editable: bool = True
    numeric: bool = False
    tooltip: str = ""


def undo_text(noun: str, action: str, n: int = 1, **values: object) -> str:
    """The undo stack's name of a change to ``n`` rows ("Remove 2 lines"), whole sentences
    per kind of row for the catalogue."""
    line = noun == "line"
    texts = {
        "add": ntr("Add line", "Add {n} lines", n) if line
        else ntr("Add charge", "Add {n} charges", n),
        "remove": ntr("Remove line", "Remove {n} lines", n) if line
        else ntr("Remove charge", "Remove {n} charges", n),
        "move": ntr("Move line", "Move {n} lines", n) if line
        else ntr("Move charge", "Move {n} charges", n),
        "edit": tr("Edit {column} of line {position}") if line
        else tr("Edit {column} of charge {position}"),
    }  # fmt: skip
    return texts[action].format(n=n, **values)


class RowsModel(QAbstractTableModel):
    """Subclasses set ``columns`` and implement ``new_row`` and ``display``."""

    edited = Signal()
    focus_requested = Signal(int, int)  # row, column an undo/redo touched

    columns: tuple[Column, ...] = ()
    noun = "row"

    def __init__(self, undo_stack: QUndoStack, parent: Any = None) -> None:
        super().__init__(parent)
        self._undo = undo_stack
        self._rows: list[Any] = []
        self._problems: dict[tuple[int, str], str] = {}
        self._read_only = False

    # ------------------------------------------------------------------ for subclasses

    def new_row(self) -> Any:
        raise NotImplementedError

    def display(self, row: Any, position: int, key: str) -> str:
        raise NotImplementedError

    def edit_value(self, row: Any, key: str) -> Any:
        return getattr(row, key)

    def with_value(self, row: Any, key: str, value: Any) -> Any:
        """The row with ``key`` set from an editor's ``value`` (normalised for display)."""
        return replace(row, **{key: value})

    def tooltip(self, row: Any, position: int, key: str) -> str | None:
        return None

    # ------------------------------------------------------------------ state

    def rows(self) -> tuple[Any, ...]:
        return tuple(self._rows)

    def row(self, position: int) -> Any:
        return self._rows[position]

    def set_rows(self, rows: list[Any] | tuple[Any, ...]) -> None:
        """Replace all rows (loading an invoice); not an undoable edit."""
        self.beginResetModel()
        self._rows = list(rows)
        self._problems = {}
        self.endResetModel()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def is_read_only(self) -> bool:
        return self._read_only

    def column_of(self, key: str) -> int:
        for position, column in enumerate(self.columns):
            if column.key == key:
                return position
        raise KeyError(key)

    def set_problems(self, problems: dict[tuple[int, str], str]) -> None:
        """Flag cells (row, key) with a message; repaints only the cells that changed."""
        old = self._problems
        self._problems = problems
        for row, key in old.keys() ^ problems.keys() | {
            k for k in old.keys() & problems.keys() if old[k] != problems[k]
        }:
            if 0 <= row < len(self._rows):
                index = self.index(row, self.column_of(key))
                self.dataChanged.emit(
                    index, index, [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole]
                )

    def problem(self, row: int, key: str) -> str | None:
        return self._problems.get((row, key))

    # ------------------------------------------------------------------ undoable changes

    def set_field(self, position: int, key: str, value: Any, *, merge: bool = False) -> bool:
        old = self._rows[position]
        new = self.with_value(old, key, value)
        if new == old:
            return False
        title = tr(next((c.title for c in self.columns if c.key == key), key))
        if current_language() == "en":
            title = title.lower()  # German nouns keep their capital
        column = next((i for i, c in enumerate(self.columns) if c.key == key), 0)
        self._undo.push(
            SetRowCommand(
                self,
                position,
                old,
                new,
                undo_text(self.noun, "edit", column=title, position=position + 1),
                column=column,
                merge_key=key if merge else None,
            )
        )
        return True

    def replace_row(self, position: int, new: Any, text: str, column: int = 0) -> None:
        old = self._rows[position]
        if new != old:
            self._undo.push(SetRowCommand(self, position, old, new, text, column=column))

    def add_rows(self, position: int, rows: list[Any], text: str | None = None) -> None:
        text = text or undo_text(self.noun, "add", len(rows))
        self._undo.push(InsertRowsCommand(self, position, rows, text))

    def remove_positions(self, positions: list[int]) -> None:
        """Remove the given rows (any order, gaps allowed) as one undo step."""
        ordered = sorted(set(p for p in positions if 0 <= p < len(self._rows)))
        if not ordered:
            return
        self._undo.beginMacro(undo_text(self.noun, "remove", len(ordered)))
        for position in reversed(ordered):
            self._undo.push(RemoveRowsCommand(self, position, 1, undo_text(self.noun, "remove")))
        self._undo.endMacro()

    # ------------------------------------------------------------------ applied by commands

    def apply_row(self, position: int, row: Any, column: int = 0) -> None:
        self._rows[position] = row
        self.dataChanged.emit(self.index(position, 0), self.index(position, self.columnCount() - 1))
        self.edited.emit()

    def apply_insert(self, position: int, rows: list[Any]) -> None:
        self.beginInsertRows(QModelIndex(), position, position + len(rows) - 1)
        self._rows[position:position] = rows
        self.endInsertRows()
        self._renumber(position)
        self.edited.emit()

    def apply_remove(self, position: int, count: int) -> list[Any]:
        self.beginRemoveRows(QModelIndex(), position, position + count - 1)
        removed = self._rows[position : position + count]
        del self._rows[position : position + count]
        self.endRemoveRows()
        self._renumber(position)
        self.edited.emit()
        return removed

    def apply_move(self, source: int, count: int, destination: int) -> None:
        ok = self.beginMoveRows(
            QModelIndex(), source, source + count - 1, QModelIndex(), destination
        )
        assert ok, (source, count, destination)
        block = self._rows[source : source + count]
        del self._rows[source : source + count]
        target = destination - count if destination > source else destination
        self._rows[target:target] = block
        self.endMoveRows()
        self._renumber(min(source, target))
        self.edited.emit()

    def _renumber(self, start: int) -> None:
        """Row numbers shown in column 0 ("#") follow the position."""
        if self.columns and self.columns[0].key == "position" and start < len(self._rows):
            self.dataChanged.emit(
                self.index(start, 0),
                self.index(len(self._rows) - 1, 0),
                [Qt.ItemDataRole.DisplayRole],
            )

    # ------------------------------------------------------------------ Qt API

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
                return str(section + 1)
            return None
        if not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(column.title)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr(column.tooltip) if column.tooltip else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if column.numeric else _LEFT)
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        position = index.row()
        column = self.columns[index.column()]
        row = self._rows[position]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, position, column.key)
        if role == Qt.ItemDataRole.EditRole:
            if column.key == "position" or not column.editable:
                return self.display(row, position, column.key)
            return self.edit_value(row, column.key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if column.numeric else _LEFT)
        if role == Qt.ItemDataRole.BackgroundRole:
            return PROBLEM_BACKGROUND if (position, column.key) in self._problems else None
        if role == Qt.ItemDataRole.ToolTipRole:
            problem = self._problems.get((position, column.key))
            return problem or self.tooltip(row, position, column.key)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            problem = self._problems.get((position, column.key))
            text = self.display(row, position, column.key)
            return f"{text} — {problem}" if problem else text
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags if self._read_only else Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self._read_only:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
            if self.columns[index.column()].editable:
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(  # noqa: N802
        self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if (
            role != Qt.ItemDataRole.EditRole
            or self._read_only
            or not index.isValid()
            or not self.columns[index.column()].editable
        ):
            return False
        self.set_field(index.row(), self.columns[index.column()].key, value)
        return True

    def insertRows(  # noqa: N802
        self,
        row: int,
        count: int,
        parent: ModelIndex = QModelIndex(),  # noqa: B008
    ) -> bool:
        if parent.isValid() or self._read_only or count < 1 or not 0 <= row <= len(self._rows):
            return False
        self.add_rows(row, [self.new_row() for _ in range(count)])
        return True

    def removeRows(  # noqa: N802
        self,
        row: int,
        count: int,
        parent: ModelIndex = QModelIndex(),  # noqa: B008
    ) -> bool:
        if parent.isValid() or self._read_only or count < 1 or row < 0:
            return False
        if row + count > len(self._rows):
            return False
        self.remove_positions(list(range(row, row + count)))
        return True

    def moveRows(  # noqa: N802
        self,
        source_parent: ModelIndex,
        source_row: int,
        count: int,
        destination_parent: ModelIndex,
        destination_child: int,
    ) -> bool:
        if source_parent.isValid() or destination_parent.isValid() or self._read_only:
            return False
        if count < 1 or source_row < 0 or source_row + count > len(self._rows):
            return False
        if not 0 <= destination_child <= len(self._rows):
            return False
        if source_row <= destination_child <= source_row + count:
            return False  # onto itself: nothing moves
        text = undo_text(self.noun, "move", count)
        self._undo.push(MoveRowsCommand(self, source_row, count, destination_child, text))
        return True

    # Drag and drop: the view moves rows itself (LinesView.dropEvent → moveRows); the mime
    # data only names the dragged rows, so no Python object has to be serialised.

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [MIME_ROWS]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data.setData(MIME_ROWS, QByteArray(json.dumps(rows).encode()))
        return data
