"""The line items: the table, its actions (add, insert, remove, move) and the description box.

Keyboard: Ctrl+Return adds a line and starts typing its name; Insert inserts a
line above the current one; Del removes the selected lines; Alt+Up/Alt+Down
move them. Rows can also be dragged to a new place. Every change goes through
the model's undo stack.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.i18n import tr
from invoicedesk.ui.invoice_editor.delegates import (
    ChoiceDelegate,
    ProductDelegate,
    ProductListModel,
    TextDelegate,
)
from invoicedesk.ui.invoice_editor.lines_model import LinesModel
from invoicedesk.ui.invoice_editor.parsing import TaxChoice, example
from invoicedesk.ui.invoice_editor.rows_model import MIME_ROWS
from invoicedesk.ui.invoice_editor.table_fit import TableFit
from invoicedesk.ui.widgets.elided_tooltips import install_elided_tooltips

# Every column but the name is as wide as its content and header (numbers are never cut);
# the name takes the rest, elided with the whole text as a tooltip. Empty cells keep
# room to type this many digits.
TYPING_ROOM = {"product_number": 6, "quantity": 6, "unit": 4, "unit_price": 9, "discount": 6}


class EditingTableView(QTableView):
    """A table whose open cell editor can be committed on demand."""

    def commit_editor(self) -> None:
        """Hand an open cell editor's text to the model (before saving, adding, closing)."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        editor = QApplication.focusWidget()
        while editor is not None and editor.parentWidget() is not self.viewport():
            editor = editor.parentWidget()
        if editor is not None:
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)


class LinesView(EditingTableView):
    """The lines table: moves dragged rows itself (one undo step) instead of letting Qt
    remove and re-insert them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDragDropOverwriteMode(False)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)  # row heights: TableFit
        self.setAccessibleName(tr("Invoice lines"))

    def moveCursor(  # noqa: N802
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        """Tab and Shift+Tab go from cell to cell the user types in, skipping # and the line
        amount; past the last (or first) such cell they leave the table."""
        step = {
            QAbstractItemView.CursorAction.MoveNext: 1,
            QAbstractItemView.CursorAction.MovePrevious: -1,
        }.get(action)
        current = self.currentIndex()
        if step is None or not current.isValid():
            return super().moveCursor(action, modifiers)
        model = self.model()
        columns = model.columnCount()
        position = current.row() * columns + current.column() + step
        while 0 <= position < model.rowCount() * columns:
            index = model.index(position // columns, position % columns)
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                return index
            position += step
        return QModelIndex()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        model = self.model()
        source = event.source()
        if source not in (self, None) or not event.mimeData().hasFormat(MIME_ROWS):
            event.ignore()
            return
        rows = json.loads(bytes(event.mimeData().data(MIME_ROWS).data()).decode())
        point = event.position().toPoint()
        target = self.indexAt(point)
        destination = model.rowCount()
        if target.isValid():  # the upper half of a row drops above it, the lower half below
            below = point.y() > self.visualRect(target).center().y()
            destination = target.row() + (1 if below else 0)
        self.move_block(rows, destination)
        # The rows are already where they belong. An accepted MoveAction would make Qt
        # remove the "source" rows afterwards, so the drop is reported as not taken.
        event.ignore()

    def move_block(self, rows: list[int], destination: int) -> bool:
        """Move contiguous ``rows`` to before ``destination``; keep them selected."""
        if not rows or rows != list(range(rows[0], rows[0] + len(rows))):
            return False
        model = self.model()
        first, count = rows[0], len(rows)
        if not model.moveRows(QModelIndex(), first, count, QModelIndex(), destination):
            return False
        new_first = destination - count if destination > first else destination
        self.select_rows(new_first, count)
        return True

    def select_rows(self, first: int, count: int, column: int | None = None) -> None:
        model = self.model()
        column = self.currentIndex().column() if column is None else column
        self.setCurrentIndex(model.index(first, max(column, 0)))
        selection = self.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | (
            QItemSelectionModel.SelectionFlag.Rows
        )
        for row in range(first, first + count):
            selection.select(model.index(row, 0), flags)
            flags = (
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            )

    def selected_rows(self) -> list[int]:
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        return rows


class LinesPane(QWidget):
    def __init__(
        self, model: LinesModel, products: ProductListModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.view = LinesView()
        self.view.setModel(model)
        self.tax_delegate = ChoiceDelegate([], self)
        product_delegate = ProductDelegate(products, self, max_length=300)
        number_delegate = ProductDelegate(products, self, max_length=40)
        for key, delegate in (
            ("product_number", number_delegate),
            ("name", product_delegate),
            ("quantity", TextDelegate(self, numeric=True)),
            ("unit", TextDelegate(self, max_length=30, hint=tr("h, pcs …"))),
            ("unit_price", TextDelegate(self, numeric=True)),
            (
                "discount",
                TextDelegate(
                    self, numeric=True, hint=tr("10% or {amount}").format(amount=example("5.00"))
                ),
            ),
            ("tax", self.tax_delegate),
        ):
            self.view.setItemDelegateForColumn(model.column_of(key), delegate)
        self.view.horizontalHeader().setHighlightSections(False)
        self.fit = TableFit(self.view, "name", TYPING_ROOM)
        install_elided_tooltips(self.view)

        self.add_action = self._action(tr("&Add line"), "Ctrl+Return", self.add_line, window=True)
        self.add_action.setToolTip(tr("Add a line at the end (Ctrl+Return)"))
        self.insert_action = self._action(
            tr("&Insert line"), QKeySequence(Qt.Key.Key_Insert), self.insert_line
        )
        self.insert_action.setToolTip(tr("Insert a line above the current one (Insert)"))
        self.remove_action = self._action(
            tr("&Remove lines"), QKeySequence(QKeySequence.StandardKey.Delete), self.remove_lines
        )
        self.remove_action.setToolTip(tr("Remove the selected lines (Del)"))
        self.up_action = self._action(tr("Move &up"), "Alt+Up", lambda: self.move_lines(-1))
        self.up_action.setToolTip(tr("Move the selected lines up (Alt+Up); or drag them"))
        self.down_action = self._action(tr("Move do&wn"), "Alt+Down", lambda: self.move_lines(1))
        self.down_action.setToolTip(tr("Move the selected lines down (Alt+Down); or drag them"))
        self.actions_for_menu = [
            self.add_action,
            self.insert_action,
            self.remove_action,
            self.up_action,
            self.down_action,
        ]

        title = QLabel(tr("&Lines"))
        title.setBuddy(self.view)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addStretch(1)
        self.buttons: list[QToolButton] = []
        for action, text in (
            (self.add_action, tr("Add line")),
            (self.insert_action, tr("Insert")),
            (self.remove_action, tr("Remove")),
            (self.up_action, tr("Up")),
            (self.down_action, tr("Down")),
        ):
            action.setIconText(text)  # what the tool button shows; the menu shows text()
            button = QToolButton()
            button.setDefaultAction(action)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes header → table, not via these
            bar.addWidget(button)
            self.buttons.append(button)

        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText(
            tr("Optional details shown under the line's name on the invoice")
        )
        self.description.setFixedHeight(self.description.fontMetrics().height() * 3 + 12)
        self.description_label = QLabel(tr("De&scription"))
        self.description_label.setBuddy(self.description)
        description_row = QHBoxLayout()
        description_row.addWidget(self.description_label, 0, Qt.AlignmentFlag.AlignTop)
        description_row.addWidget(self.description, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(description_row)

        self.description.textChanged.connect(self._description_typed)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_description())
        model.dataChanged.connect(lambda *_: self._show_description())
        model.modelReset.connect(self._show_description)
        model.rowsRemoved.connect(lambda *_: self._show_description())
        model.rowsMoved.connect(lambda *_: self._show_description())
        model.focus_requested.connect(self._focus)
        self._show_description()

    def _action(
        self,
        text: str,
        shortcut: str | QKeySequence,
        slot: Callable[[], object],
        *,
        window: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(
            Qt.ShortcutContext.WindowShortcut
            if window
            else Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        action.triggered.connect(lambda _checked=False: slot())
        (self if window else self.view).addAction(action)
        return action

    def set_tax_choices(self, choices: list[TaxChoice]) -> None:
        self.tax_delegate.set_choices([(c.label, c) for c in choices])

    def set_read_only(self, read_only: bool) -> None:
        self.model.set_read_only(read_only)
        self.view.setDragEnabled(not read_only)
        self.view.setAcceptDrops(not read_only)
        for action in self.actions_for_menu:
            action.setEnabled(not read_only)
        for button in self.buttons:
            button.setVisible(not read_only)
        self.description.setReadOnly(read_only)
        self.description.setPlaceholderText(
            "" if read_only else tr("Optional details shown under the line's name on the invoice")
        )

    # ------------------------------------------------------------------ actions

    def add_line(self) -> None:
        self.view.commit_editor()
        position = self.model.rowCount()
        self.model.add_rows(position, [self.model.new_row()])
        self._edit(position, "name")

    def insert_line(self) -> None:
        self.view.commit_editor()
        current = self.view.currentIndex()
        position = current.row() if current.isValid() else 0
        self.model.add_rows(position, [self.model.new_row()], tr("Insert line"))
        self._edit(position, "name")

    def remove_lines(self) -> None:
        self.view.commit_editor()
        rows = self.view.selected_rows()
        if not rows:
            return
        self.model.remove_positions(rows)
        remaining = self.model.rowCount()
        if remaining:
            self.view.select_rows(min(rows[0], remaining - 1), 1)

    def move_lines(self, step: int) -> None:
        self.view.commit_editor()
        rows = self.view.selected_rows()
        if not rows or rows != list(range(rows[0], rows[-1] + 1)):
            return
        first, last = rows[0], rows[-1]
        if step < 0 and first > 0:
            self.view.move_block(rows, first - 1)
        elif step > 0 and last < self.model.rowCount() - 1:
            self.view.move_block(rows, last + 2)

    def _edit(self, row: int, key: str) -> None:
        index = self.model.index(row, self.model.column_of(key))
        self.view.setFocus()
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        self.view.edit(index)

    def _focus(self, row: int, column: int) -> None:
        """Show the row an undo or redo changed."""
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row, column)
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    # ------------------------------------------------------------------ description

    def _current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() and index.row() < self.model.rowCount() else -1

    def _show_description(self) -> None:
        row = self._current_row()
        self.description.setEnabled(row >= 0)
        self.description_label.setText(
            tr("De&scription\nof line {n}").format(n=row + 1) if row >= 0 else tr("De&scription")
        )
        text = self.model.row(row).description if row >= 0 else ""
        if self.description.toPlainText() != text:
            self.description.blockSignals(True)
            self.description.setPlainText(text)
            self.description.blockSignals(False)

    def _description_typed(self) -> None:
        row = self._current_row()
        if row >= 0 and not self.model.is_read_only():
            self.model.set_field(row, "description", self.description.toPlainText(), merge=True)
