"""Undo commands for the editor's tables: edit a row, insert, remove and move rows.

Each command works on a :class:`~invoicedesk.ui.invoice_editor.rows_model.RowsModel`
through its ``apply_*`` methods, which change the rows and emit the precise
model signals. The models' public Qt API (``setData``, ``insertRows`` …) only
pushes these commands, so every change of a table — by keyboard, mouse or
drag — can be undone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from invoicedesk.ui.invoice_editor.rows_model import RowsModel

_MERGE_ID = 4711


def _show(command: QUndoCommand, row: int, column: int = 0) -> None:
    """After a redo (not the first run, which the user just did), show the row it changed."""
    if getattr(command, "_done", False):
        command.model.focus_requested.emit(row, column)  # type: ignore[attr-defined]
    command._done = True  # type: ignore[attr-defined]


class SetRowCommand(QUndoCommand):
    """Replace one row (a cell edit, or several fields at once when a product fills a line).

    With ``merge_key`` set, consecutive commands for the same row and key merge into
    one, so typing a description is undone as a whole, not one letter at a time.
    """

    def __init__(
        self,
        model: RowsModel,
        row: int,
        old: Any,
        new: Any,
        text: str,
        *,
        column: int = 0,
        merge_key: str | None = None,
    ) -> None:
        super().__init__(text)
        self.model = model
        self.row = row
        self.old = old
        self.new = new
        self.column = column
        self.merge_key = merge_key

    def redo(self) -> None:
        self.model.apply_row(self.row, self.new, self.column)
        _show(self, self.row, self.column)

    def undo(self) -> None:
        self.model.apply_row(self.row, self.old, self.column)
        self.model.focus_requested.emit(self.row, self.column)

    def id(self) -> int:
        return _MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt naming
        if not (
            isinstance(other, SetRowCommand)
            and other.model is self.model
            and other.row == self.row
            and other.merge_key == self.merge_key
        ):
            return False
        self.new = other.new
        return True


class InsertRowsCommand(QUndoCommand):
    def __init__(self, model: RowsModel, row: int, rows: list[Any], text: str) -> None:
        super().__init__(text)
        self.model = model
        self.row = row
        self.rows = rows

    def redo(self) -> None:
        self.model.apply_insert(self.row, self.rows)
        _show(self, self.row)

    def undo(self) -> None:
        self.model.apply_remove(self.row, len(self.rows))
        self.model.focus_requested.emit(max(0, min(self.row, self.model.rowCount() - 1)), 0)


class RemoveRowsCommand(QUndoCommand):
    def __init__(self, model: RowsModel, row: int, count: int, text: str) -> None:
        super().__init__(text)
        self.model = model
        self.row = row
        self.count = count
        self.removed: list[Any] = []

    def redo(self) -> None:
        self.removed = self.model.apply_remove(self.row, self.count)
        _show(self, max(0, min(self.row, self.model.rowCount() - 1)))

    def undo(self) -> None:
        self.model.apply_insert(self.row, self.removed)
        self.model.focus_requested.emit(self.row, 0)


class MoveRowsCommand(QUndoCommand):
    """Move ``count`` rows from ``source`` to before row ``destination`` (Qt's moveRows)."""

    def __init__(
        self, model: RowsModel, source: int, count: int, destination: int, text: str
    ) -> None:
        super().__init__(text)
        self.model = model
        self.source = source
        self.count = count
        self.destination = destination

    def redo(self) -> None:
        self.model.apply_move(self.source, self.count, self.destination)
        moved_to = (
            self.destination - self.count if self.destination > self.source else (self.destination)
        )
        _show(self, moved_to)

    def undo(self) -> None:
        if self.destination > self.source:
            # The block now starts at destination - count; put it back before source.
            self.model.apply_move(self.destination - self.count, self.count, self.source)
        else:
            self.model.apply_move(self.destination, self.count, self.source + self.count)
        self.model.focus_requested.emit(self.source, 0)
