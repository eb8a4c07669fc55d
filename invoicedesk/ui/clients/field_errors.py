"""Inline validation: a service's ``DomainError(message, field)`` shown at that field.

Each input of a dialog sits in a :class:`FieldBox` (a thin frame that turns red,
with the message on a line under it). :class:`FieldErrors` maps the services'
field paths (``client.email``, ``client.addresses[0].country``) to those boxes,
or to a handler for paths that point into a list or table.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import tr
from invoicedesk.ui.clients.table import warning_colour
from invoicedesk.ui.plain_text import plain_labels, plain_tooltip

QWIDGETSIZE_MAX = (1 << 24) - 1
Handler = Callable[[re.Match[str], str], bool]


# How a service's terse message that continues the field's name begins ("is required"),
# in English and in its German translation ("ist erforderlich").
PREDICATE_STARTS = ("is ", "are ", "needs ", "ist ", "sind ", "braucht ", "benötigt ")


def phrase(label: str, message: str) -> str:
    """A sentence from the services' terse messages: "is required" → "Name is required."."""
    message = message.strip()
    if message.startswith(PREDICATE_STARTS):
        message = f"{label} {message}"
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


def error_label(parent: QWidget | None = None) -> QLabel:
    """A red, word-wrapped, initially hidden message line."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(f"color: {warning_colour().name()};")
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.hide()
    return label


def reveal(widget: QWidget) -> None:
    """Bring the tab pages holding ``widget`` to the front."""
    child: QWidget | None = widget
    while child is not None:
        parent = child.parentWidget()
        if isinstance(parent, QStackedWidget) and isinstance(parent.parentWidget(), QTabWidget):
            tabs = parent.parentWidget()
            assert isinstance(tabs, QTabWidget)
            tabs.setCurrentWidget(child)
        child = parent


class FieldBox(QWidget):
    """One input with room for an error: a frame that turns red and a message below it.

    The frame is drawn by a style sheet that names only this box, so the input
    itself keeps the platform's look in light and dark palettes. A narrow input
    (a ZIP code, the due days) passes ``message``, a label placed under its whole
    row, because a sentence wrapped into its width would stand a word per line.
    """

    def __init__(
        self, field: QWidget, parent: QWidget | None = None, *, message: QLabel | None = None
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.frame = QWidget(self)
        self.frame.setObjectName("fieldFrame")
        self.frame.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        inner = QVBoxLayout(self.frame)
        inner.setContentsMargins(1, 1, 1, 1)
        inner.addWidget(field)
        self.message = message or error_label(self)
        plain_labels(self.message)  # an error may quote what was typed: show it as written
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.frame)
        if message is None:
            layout.addWidget(self.message)
        # A form label's mnemonic focuses its buddy (this box) only if the box takes focus.
        self.setFocusPolicy(field.focusPolicy())
        self.setFocusProxy(field)
        self._invalid = False
        # A fixed-width input (a price, the due days) keeps its neighbours close.
        if field.maximumWidth() < QWIDGETSIZE_MAX:
            self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self._paint(False)

    def set_error(self, message: str | None) -> None:
        self._invalid = bool(message)
        self._paint(bool(message))
        self.message.setText(message or "")
        self.message.setVisible(bool(message))
        self.field.setToolTip(plain_tooltip(message or ""))

    def has_error(self) -> bool:
        return self._invalid

    def _paint(self, invalid: bool) -> None:
        colour = warning_colour().name() if invalid else "transparent"
        self.frame.setStyleSheet(
            f"#fieldFrame {{ border: 1px solid {colour}; border-radius: 3px; }}"
        )


class FieldErrors:
    """Routes DomainErrors to the field boxes, handlers or, failing both, the banner."""

    def __init__(self, banner: QLabel) -> None:
        self.banner = banner
        self._boxes: dict[str, tuple[FieldBox, str]] = {}
        self._handlers: list[tuple[re.Pattern[str], Handler]] = []
        self._clearers: list[Callable[[], None]] = []

    def add(self, path: str, box: FieldBox, label: str) -> None:
        """``path`` is the service's field name; ``label`` is what the user reads."""
        self._boxes[path] = (box, label)

    def add_handler(
        self, pattern: str, handler: Handler, clear: Callable[[], None] | None = None
    ) -> None:
        """``handler(match, message)`` shows errors whose path matches ``pattern``."""
        self._handlers.append((re.compile(pattern), handler))
        if clear is not None:
            self._clearers.append(clear)

    def box(self, path: str) -> FieldBox:
        return self._boxes[path][0]

    def show(self, error: DomainError) -> None:
        """Flag the field the error names and move the focus there."""
        self.clear()
        path = error.field or ""
        for candidate in (path, re.sub(r"\[\d+\]$", "", path)):
            if candidate in self._boxes:
                box, label = self._boxes[candidate]
                box.set_error(phrase(label, error.message))
                reveal(box)
                box.field.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        for pattern, handler in self._handlers:
            match = pattern.fullmatch(path)
            if match and handler(match, error.message):
                return
        # Translators: the subject of a service's message, as in "This is required."
        self.show_banner(phrase(tr("This"), error.message))

    def show_banner(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.show()

    def clear(self) -> None:
        for box, _label in self._boxes.values():
            if box.has_error():
                box.set_error(None)
        for clear in self._clearers:
            clear()
        self.banner.hide()

    def clear_field(self, path: str) -> None:
        if path in self._boxes:
            self._boxes[path][0].set_error(None)
