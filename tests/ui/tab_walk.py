"""Walk a window with the Tab key, as a keyboard user does (used by tests/ui/test_tab_order.py).

``walk(window)`` presses Tab until focus comes back to where it started, and reports the
widgets it visited in order. A trap is a widget that keeps the focus for two presses in a
row (Tab typed into it, or an empty date field that refused to let go); focus that never
comes back is a trap too. ``unreachable`` lists the visible, enabled input widgets the
walk never reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractButton, QAbstractItemView,
          QPlainTextEdit, QTextEdit)  # fmt: skip


@dataclass
class Walk:
    order: list[QWidget] = field(default_factory=list)
    traps: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    text = ""
    if isinstance(widget, QAbstractButton):
        text = widget.text()
    elif isinstance(widget, QLineEdit):
        text = widget.placeholderText() or widget.text()
    name = widget.objectName()
    return f"{type(widget).__name__}({name or text!r})"


def _focus_proxy(widget: QWidget) -> QWidget:
    while widget.focusProxy() is not None:
        widget = widget.focusProxy()
    return widget


def focusable_inputs(window: QWidget) -> list[QWidget]:
    """The visible, enabled input widgets that take focus by Tab (``window`` is shown)."""
    found = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or not widget.isVisible():
            continue
        if not widget.isEnabled() or not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            continue
        inner = (QComboBox, QAbstractSpinBox)
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), inner):
            continue  # the line edit inside an editable combo or a spin box
        found.append(widget)
    return found


def walk(window: QWidget, start: QWidget | None = None, limit: int = 200) -> Walk:
    """Press Tab from ``start`` (default: the window's first input) until focus returns."""
    result = Walk()
    QApplication.processEvents()  # what a page arranges once it shows (singleShot(0))
    inputs = focusable_inputs(window)
    first = start or (inputs[0] if inputs else None)
    if first is None:
        return result
    first.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    begin = _focus_proxy(window.focusWidget() or first)
    current = begin
    for _ in range(limit):
        result.order.append(current)
        QTest.keyClick(current, Qt.Key.Key_Tab)
        QApplication.processEvents()
        after = window.focusWidget()  # the window's, active or not (offscreen)
        if after is None:
            result.traps.append(f"focus lost after {describe(current)}")
            break
        after = _focus_proxy(after)
        if after is current:
            result.traps.append(f"Tab stays in {describe(current)}")
            break
        current = after
        if current is begin:
            break
    else:
        result.traps.append(f"focus did not come back to {describe(begin)} in {limit} presses")
    visited = set(result.order)
    result.unreachable = [describe(w) for w in inputs if _focus_proxy(w) not in visited]
    return result
