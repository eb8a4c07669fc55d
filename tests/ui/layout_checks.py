"""Checks that a shown window's texts are not cut and its laid-out widgets do not overlap.

Call :func:`layout_problems` on a window or dialog that is shown (and resized to the size
under test); it returns one readable line per problem, so a test asserts ``== []`` and the
failure says where. It looks only at visible widgets:

* a label's text fits: a word-wrapping label is as tall as its text needs at its width and
  no word is wider than it; a one-line label is as wide and tall as its text (a label that
  elides on purpose shows the elided text, which fits, and the full text as its tooltip);
* a push button's, check box's or radio button's text fits beside its indicator or icon;
* no two visible widgets placed by the same layout overlap (a form squeezed below its
  minimum size draws its rows over each other);
* an item view's columns are at least as wide as their header, numbers are never cut, and
  a cut text has a tooltip with the whole text (the model's, or the view's own through
  ``invoicedesk.ui.widgets.elided_tooltips``).
"""

from __future__ import annotations

from itertools import combinations

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from invoicedesk.ui.widgets.elided_tooltips import ELIDED_TOOLTIPS

SLACK = 1  # pixels: sizes are rounded to whole pixels at fractional scale factors


def layout_problems(root: QWidget) -> list[str]:
    """Every cut text and every overlap among ``root``'s visible widgets."""
    return cut_labels(root) + cut_buttons(root) + overlaps(root) + cut_columns(root)


def _name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, QLabel | QAbstractButton):
        text = widget.text().replace("\n", " ")
    text = text if len(text) <= 60 else text[:57] + "…"
    name = widget.objectName() or widget.accessibleName()
    return f"{type(widget).__name__}{f' #{name}' if name else ''} {text!r}"


def shown(widget: QWidget, root: QWidget) -> bool:
    """Visible in ``root`` (not on another tab, not a hidden row, not a popup window)."""
    return widget.isVisible() and (widget is root or not widget.isWindow())


def _inside_parent(widget: QWidget) -> bool:
    """Whether the widget lies within its parent (widgets in scrolled views may not)."""
    parent = widget.parentWidget()
    if parent is None or widget.isWindow() or _in_scrolled_area(widget):
        return True
    return parent.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(widget.geometry())


def _in_scrolled_area(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractItemView) or parent.objectName() == "qt_scrollarea_viewport":
            return True
        parent = parent.parentWidget()
    return False


def cut_labels(root: QWidget) -> list[str]:
    found = []
    for label in root.findChildren(QLabel):
        if not shown(label, root) or not label.text().strip():
            continue
        if label.pixmap() is not None and not label.pixmap().isNull():
            continue
        width, height = label.width(), label.height()
        if label.wordWrap():
            needed_height = label.heightForWidth(width)
            if height + SLACK < needed_height:
                found.append(f"{_name(label)}: {height} px high, its text needs {needed_height}")
            longest_word = label.minimumSizeHint().width()
            if width + SLACK < longest_word:
                found.append(f"{_name(label)}: {width} px wide, a word needs {longest_word}")
        else:
            hint = label.sizeHint()
            if width + SLACK < hint.width() or height + SLACK < hint.height():
                found.append(
                    f"{_name(label)}: {width}×{height} px, its text needs "
                    f"{hint.width()}×{hint.height()}"
                )
        if not _inside_parent(label):
            found.append(f"{_name(label)}: reaches outside its parent")
    return found


def _button_needs(button: QAbstractButton) -> int:
    """The width the button's text (and icon, indicator) needs, without style minimums."""
    metrics = button.fontMetrics()
    text = metrics.size(Qt.TextFlag.TextShowMnemonic, button.text()).width()
    icon = button.iconSize().width() + 4 if not button.icon().isNull() else 0
    if isinstance(button, QPushButton):
        margin = 2 * button.style().pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button)
        return min(button.sizeHint().width(), text + icon + margin)
    return button.sizeHint().width()  # check and radio boxes: exactly indicator + text


def cut_buttons(root: QWidget) -> list[str]:
    found = []
    for button in root.findChildren(QAbstractButton):
        if not isinstance(button, QPushButton | QCheckBox | QRadioButton):
            continue
        if not shown(button, root) or not button.text().strip():
            continue
        needed = _button_needs(button)
        if button.width() + SLACK < needed:
            found.append(f"{_name(button)}: {button.width()} px wide, its text needs {needed}")
        if not _inside_parent(button):
            found.append(f"{_name(button)}: reaches outside its parent")
    return found


def _laid_out(layout: QLayout) -> list[QWidget]:
    widgets = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item is None:
            continue
        if item.widget() is not None:
            widgets.append(item.widget())
        elif item.layout() is not None:
            widgets += _laid_out(item.layout())
    return widgets


def overlaps(root: QWidget) -> list[str]:
    found = []
    for parent in [root, *root.findChildren(QWidget)]:
        layout = parent.layout()
        if layout is None or not shown(parent, root):
            continue
        placed = [w for w in _laid_out(layout) if shown(w, root) and w.parentWidget() is parent]
        for a, b in combinations(placed, 2):
            common = a.geometry().intersected(b.geometry())
            if common.width() > SLACK and common.height() > SLACK:
                found.append(f"{_name(a)} and {_name(b)} overlap by {common.width()}×"
                             f"{common.height()} px")  # fmt: skip
    return found


def _cell_needs(view: QAbstractItemView, index: QModelIndex) -> int:
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.font = view.font()
    delegate = view.itemDelegateForIndex(index)
    return delegate.sizeHint(option, index).width()


def _header_needs(view: QTableView, column: int, title: str) -> int:
    """The header's width for ``title``: Qt's hint, which keeps room for a sort arrow, unless
    the model says the column cannot be sorted (``sortable(column)``): then the text's."""
    header = view.horizontalHeader()
    sortable = getattr(view.model(), "sortable", None)
    if not callable(sortable) or sortable(column):
        return header.sectionSizeHint(column)
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    return header.fontMetrics().horizontalAdvance(title) + 2 * margin + 2


def cut_columns(root: QWidget) -> list[str]:
    """Columns narrower than their header; cut numbers; cut texts without a tooltip."""
    found = []
    for view in root.findChildren(QTableView):
        model = view.model()
        if model is None or not shown(view, root):
            continue
        header: QHeaderView = view.horizontalHeader()
        where = view.accessibleName() or view.objectName() or type(view).__name__
        view_tooltips = bool(view.property(ELIDED_TOOLTIPS))
        viewport = view.viewport().rect()
        for column in range(model.columnCount()):
            if view.isColumnHidden(column):
                continue
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = view.columnWidth(column)
            needs = _header_needs(view, column, title)
            if header.isVisible() and title and width + SLACK < needs:
                found.append(f"{where}: column {title!r} is {width} px, its header needs {needs}")
            for row in range(model.rowCount()):
                index = model.index(row, column)
                rect: QRect = view.visualRect(index)
                if view.isRowHidden(row) or not rect.intersects(viewport):
                    continue
                text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
                needed = _cell_needs(view, index)
                if not text or width + SLACK >= needed:
                    continue
                alignment = index.data(Qt.ItemDataRole.TextAlignmentRole)
                if alignment is not None and int(alignment) & int(Qt.AlignmentFlag.AlignRight):
                    found.append(f"{where}: {title!r} row {row + 1} cuts the number {text!r}")
                    continue
                tooltip = str(index.data(Qt.ItemDataRole.ToolTipRole) or "")
                covered = view_tooltips or all(
                    part.rstrip("…") in tooltip for part in text.splitlines()
                )
                if not covered:
                    found.append(f"{where}: {title!r} row {row + 1} cuts {text!r} (no tooltip)")
    return found
