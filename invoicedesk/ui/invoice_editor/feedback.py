"""Marking a form field as wrong (a red frame or tint, the reason as its tooltip), and
showing fields read-only without the hints meant for typing."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

ERROR_RED = "#c62828"
_ORIGINAL_TIP = "_invoicedesk_tooltip"
_ORIGINAL_PALETTE = "_invoicedesk_palette"


def _tint(colour: QColor) -> QColor:
    """``colour`` blended a quarter of the way towards red: readable on light and dark."""
    red = QColor(ERROR_RED)
    return QColor(
        (colour.red() * 3 + red.red()) // 4,
        (colour.green() * 3 + red.green()) // 4,
        (colour.blue() * 3 + red.blue()) // 4,
    )


def mark(widget: QWidget, message: str | None) -> None:
    """Show ``message`` on ``widget`` (None: clear the mark). Idempotent."""
    marked = bool(widget.property("problem"))
    if not marked and message is None:
        return
    if not marked:
        widget.setProperty(_ORIGINAL_TIP, widget.toolTip())
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        selector = type(widget).__name__ if isinstance(widget, QPlainTextEdit) else "QLineEdit"
        widget.setStyleSheet(f"{selector} {{ border: 1px solid {ERROR_RED}; }}" if message else "")
    elif isinstance(widget, QComboBox | QAbstractSpinBox):
        if message:
            if not marked:
                widget.setProperty(_ORIGINAL_PALETTE, QPalette(widget.palette()))
            palette = QPalette(widget.palette())
            for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Button):
                palette.setColor(role, _tint(palette.color(role)))
            widget.setPalette(palette)
        else:
            original = widget.property(_ORIGINAL_PALETTE)
            if isinstance(original, QPalette):
                widget.setPalette(original)
    widget.setProperty("problem", message or "")
    widget.setToolTip(message if message else str(widget.property(_ORIGINAL_TIP) or ""))


def set_read_only(widget: QLineEdit | QPlainTextEdit, read_only: bool) -> None:
    """Read-only without the placeholder ("e.g. …"), which would read like content."""
    if widget.property("_hint") is None:
        widget.setProperty("_hint", widget.placeholderText())
    widget.setReadOnly(read_only)
    widget.setPlaceholderText("" if read_only else str(widget.property("_hint")))
