"""The list views of the clients and products screens: tidy defaults and an empty state."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QToolBar,
    QWidget,
)


class ListTable(QTableView):
    """A read-only, row-selecting table that says something when it is empty.

    ``open_requested`` fires on double-click or Enter, ``delete_requested`` on Del;
    both are handled here rather than as window shortcuts so they cannot clash
    with the main window's actions.
    """

    open_requested = Signal()
    delete_requested = Signal()

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = placeholder
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.doubleClicked.connect(lambda _index: self.open_requested.emit())

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        self.viewport().update()

    def set_widths(self, widths: dict[int, int], stretch: tuple[int, ...]) -> None:
        """Column widths in digits; the ``stretch`` columns share what is left equally."""
        unit = self.fontMetrics().horizontalAdvance("0")
        for column, chars in widths.items():
            self.setColumnWidth(column, chars * unit + 16)
        for column in stretch:
            self.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit()
            return
        if event.key() == Qt.Key.Key_Delete and self.currentIndex().isValid():
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        model = self.model()
        if self.placeholder and (model is None or model.rowCount() == 0):
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            rect = self.viewport().rect().adjusted(24, 24, -24, -24)
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            painter.drawText(rect, int(flags) | int(Qt.TextFlag.TextWordWrap), self.placeholder)
            painter.end()


class ArrowDownToTable(QObject):
    """In a search box: Down or Enter moves the focus to the list below it."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            keys = (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if event.key() in keys and self._table.model() and self._table.model().rowCount():
                self._table.setFocus(Qt.FocusReason.TabFocusReason)
                if not self._table.currentIndex().isValid():
                    self._table.selectRow(0)
                return True
        return False


def mirror(button: QAbstractButton, action: QAction) -> None:
    """Let ``button`` trigger ``action`` and follow its text, enabled and visible state."""

    def follow() -> None:
        button.setEnabled(action.isEnabled())
        button.setVisible(action.isVisible())
        button.setToolTip(action.toolTip())

    button.setText(action.text())
    button.clicked.connect(action.trigger)
    action.changed.connect(follow)
    follow()


def shown_elsewhere(action: QAction, own: QWidget) -> bool:
    """Whether a toolbar outside ``own`` (the main window's) shows ``action``."""
    return any(
        isinstance(obj, QToolBar) and not own.isAncestorOf(obj)
        for obj in action.associatedObjects()
    )


NEW_RECORD_KEYS = QKeyCombination(
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_N
)


class CatalogPage(QWidget):
    """What the Clients and Products pages share: keyboard fallbacks, hiding their own
    buttons when the window's toolbar already shows the actions, reloading when shown
    after a change while hidden. Subclasses set ``search``, ``buttons``, ``new_action``
    and ``_stale`` and provide ``refresh``, ``focus_search`` and ``new_record``."""

    search: QLineEdit
    buttons: QWidget
    new_action: QAction
    _stale: bool

    def refresh(self) -> None:
        raise NotImplementedError

    def focus_search(self) -> None:
        raise NotImplementedError

    def new_record(self) -> None:
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        # When the window's toolbar shows our actions, the page's own buttons would repeat
        # them. The window fills its toolbar after showing the page, so look once it has.
        QTimer.singleShot(0, self._place_buttons)
        if self._stale:
            self.refresh()

    def _place_buttons(self) -> None:
        self.buttons.setVisible(not shown_elsewhere(self.new_action, self))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # Fallbacks for when no window-level action claims these keys.
        if event.matches(QKeySequence.StandardKey.Find):
            self.focus_search()
        elif event.keyCombination() == NEW_RECORD_KEYS:
            self.new_record()
        elif event.key() == Qt.Key.Key_Escape and self.search.hasFocus() and self.search.text():
            self.search.clear()
        else:
            super().keyPressEvent(event)
