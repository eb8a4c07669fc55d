"""The invoice list's table view: says why it is empty, opens the current row on Enter,
and tells when it was resized (the columns are fitted to its width then)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget


class InvoiceTableView(QTableView):
    """A table that says why it is empty, and opens the current row on Enter.

    The message label is made when a message is first shown: Python's first ``viewport()``
    call costs about 8 ms (PySide6 works out the widget's type), which a list that opens
    with rows does not need to pay before its rows show."""

    open_requested = QtSignal()
    resized = QtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._empty_text = ""
        self._empty_label: QLabel | None = None
        self._later = QTimer(self)  # a message that waits (see set_empty_text)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._show_empty_text)

    @property
    def empty_text(self) -> str:
        return self._empty_text

    @property
    def empty_label(self) -> QLabel:
        if self._empty_label is None:
            label = QLabel(self.viewport())
            label.setObjectName("empty-message")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setEnabled(False)  # the quiet, disabled text colour
            overlay = QVBoxLayout(self.viewport())
            overlay.setContentsMargins(24, 24, 24, 24)
            overlay.addWidget(label)
            label.hide()
            self._empty_label = label
        return self._empty_label

    def set_empty_text(self, text: str, after_ms: int = 0) -> None:
        """The message shown while the list is empty (and hidden once it has rows).
        ``after_ms``: show it only if the list is still empty then ("Loading…" must not
        flash for a load that takes 30 ms)."""
        self._empty_text = text
        self._later.stop()
        if after_ms > 0 and (self._empty_label is None or self._empty_label.isHidden()):
            self._later.start(after_ms)
            return
        self._show_empty_text()

    def _show_empty_text(self) -> None:
        empty = self.model() is not None and self.model().rowCount() == 0
        if not empty and self._empty_label is None:
            return
        label = self.empty_label
        if self._empty_text != label.text():
            label.setText(self._empty_text)
        if label.isHidden() == empty:
            label.setVisible(empty)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self.resized.emit()
