"""Undo commands for the editor's tables (edit a row, insert, remove and move rows) and
for a text field of the form (the discount on the whole invoice).

Each table command works on a :class:`~invoicedesk.ui.invoice_editor.rows_model.RowsModel`
through its ``apply_*`` methods, which change the rows and emit the precise
model signals. The models' public Qt API (``setData``, ``insertRows`` …) only
pushes these commands, so every change of a table — by keyboard, mouse or
drag — can be undone. A :class:`TextHistory` does the same for a line edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLineEdit

if TYPE_CHECKING:
    from invoicedesk.ui.invoice_editor.rows_model import RowsModel

_MERGE_ID = 4711
_TEXT_MERGE_ID = 4712


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


class TextHistory(QObject):
    """Puts what is typed into a line edit on the editor's undo stack, like a cell edit.

    Every edit pushes a :class:`SetTextCommand`; the edits of one visit to the field (until
    it is left, or an undo or redo) merge into one step, so "10%" typed and then changed to
    "50.00" is undone in two steps, not letter by letter. Ctrl+Z in the field undoes on the
    editor's stack too (the line edit's own history would only know the current visit).
    A text set by the program (loading an invoice) is no step.
    """

    def __init__(
        self, edit: QLineEdit, stack: QUndoStack, title: str, reveal: Callable[[], None]
    ) -> None:
        super().__init__(edit)
        self.edit = edit
        self.stack = stack
        self.title = title
        self.reveal = reveal  # shows the field (its tab) after an undo or redo
        self.visit = 0  # edits of the same visit merge
        self._text = edit.text()  # the text before the edit being reported
        edit.textEdited.connect(self._edited)  # emitted before textChanged
        edit.textChanged.connect(self._changed)
        edit.editingFinished.connect(self.close_visit)
        edit.installEventFilter(self)

    def _edited(self, text: str) -> None:
        if text != self._text:
            self.stack.push(SetTextCommand(self, self._text, text))

    def _changed(self, text: str) -> None:
        self._text = text

    def close_visit(self) -> None:
        self.visit += 1

    def apply(self, text: str, *, show: bool) -> None:
        """Show ``text``; ``show``: an undo or redo, which also ends the visit (typing after
        it is a step of its own) and shows the field."""
        if show:
            self.close_visit()
        if self.edit.text() != text:
            self.edit.setText(text)
        if show:
            self.reveal()
            self.edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        # Not taken by the line edit: the window's Undo and Redo actions get these keys.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            keys = QKeySequence(event.keyCombination())
            return (
                event.matches(QKeySequence.StandardKey.Undo)
                or event.matches(QKeySequence.StandardKey.Redo)
                or keys == QKeySequence("Ctrl+Y")
            )
        return False


class SetTextCommand(QUndoCommand):
    """Change the text of a :class:`TextHistory`'s line edit from ``old`` to ``new``."""

    def __init__(self, history: TextHistory, old: str, new: str) -> None:
        super().__init__(history.title)
        self.history = history
        self.visit = history.visit
        self.old = old
        self.new = new
        self._done = False

    def redo(self) -> None:
        self.history.apply(self.new, show=self._done)  # the first run is the user's typing
        self._done = True

    def undo(self) -> None:
        self.history.apply(self.old, show=True)

    def id(self) -> int:
        return _TEXT_MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt naming
        if not (
            isinstance(other, SetTextCommand)
            and other.history is self.history
            and other.visit == self.visit
        ):
            return False
        self.new = other.new
        self.setObsolete(self.old == self.new)  # typed back to where it was: no step
        return True
