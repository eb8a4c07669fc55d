"""Tooltips for table cells whose text does not fit: hovering a cut cell shows the whole text.

Qt elides a cell's text ("Overhead projec…") but shows no tooltip unless the model
gives one. :func:`install_elided_tooltips` adds one to a view: when the model has no
tooltip for the hovered cell and the cell's text is wider than the cell, the whole text
is shown. Cells that fit get no tooltip. The view is marked with the
:data:`ELIDED_TOOLTIPS` property, which the layout checks (tests/ui/layout_checks.py) read.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QStyleOptionViewItem, QToolTip

ELIDED_TOOLTIPS = "elidedToolTips"


def is_cut(view: QAbstractItemView, index: QModelIndex) -> bool:
    """Whether the cell's text needs more width than the cell has."""
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.font = view.font()
    needed = view.itemDelegateForIndex(index).sizeHint(option, index).width()
    return needed > view.visualRect(index).width()


def elided_tooltip(view: QAbstractItemView, index: QModelIndex) -> str:
    """The tooltip the view adds for ``index``: its whole text when cut, else none
    (also none where the model has a tooltip of its own: Qt shows that one)."""
    if not index.isValid() or index.data(Qt.ItemDataRole.ToolTipRole):
        return ""
    text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
    return text if text and is_cut(view, index) else ""


class ElidedToolTips(QObject):
    """Event filter on a view's viewport that answers tooltip requests for cut cells."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        view.viewport().installEventFilter(self)
        view.setProperty(ELIDED_TOOLTIPS, True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.ToolTip or not isinstance(event, QHelpEvent):
            return False
        view = self._view
        index = view.indexAt(event.pos())
        if not index.isValid() or index.data(Qt.ItemDataRole.ToolTipRole):
            return False  # the model's own tooltip (Qt shows it)
        text = elided_tooltip(view, index)
        if text:
            QToolTip.showText(event.globalPos(), text, view.viewport(), view.visualRect(index))
        else:
            QToolTip.hideText()
        return True


def install_elided_tooltips(view: QAbstractItemView) -> ElidedToolTips:
    """Show the whole text of a cut cell as its tooltip (see the module's docstring)."""
    return ElidedToolTips(view)
