"""The totals under the invoice list: count, and net, gross and open per currency.

The sums stand right under the Net, Gross and Open columns (one line per
currency) and follow the columns as they are resized, moved or scrolled, so
they read like the last line of the table. Plain labels, moved only when the
columns move (nothing runs in Python when the window merely repaints).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QTableView, QWidget

from invoicedesk.services.search import Summary
from invoicedesk.ui import formatting

AMOUNTS = ("net", "gross", "open")
_PAD = 4  # as the cells pad their text
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class TotalsFooter(QWidget):
    """Shows ``summary`` aligned with ``table``'s columns; ``text()`` says it in words."""

    def __init__(
        self, table: QTableView, columns: dict[str, int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._table = table
        self._columns = columns
        self._summary: Summary | None = None
        self._note = ""
        self._count = QLabel(self)
        self._count.setObjectName("invoice-count")
        self._lines: list[list[QLabel]] = []  # per currency: "Total", net, gross, open
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        header = table.horizontalHeader()
        header.sectionResized.connect(self._place)
        header.sectionMoved.connect(self._place)
        header.geometriesChanged.connect(self._place)
        table.horizontalScrollBar().valueChanged.connect(self._place)

    # ------------------------------------------------------------------ content

    def set_count(self, text: str) -> None:
        self._count.setText(" · ".join(p for p in (text, self._note) if p))
        self._count_text = text
        self._described()

    def count_text(self) -> str:
        return getattr(self, "_count_text", "")

    def set_summary(self, summary: Summary | None, note: str = "") -> None:
        self._summary = summary
        self._note = note
        self.set_count(self.count_text())
        rows = summary.by_currency if summary else ()
        while len(self._lines) < len(rows):
            labels = [QLabel(self) for _ in range(4)]
            labels[0].setText("Total" if not self._lines else "")
            labels[0].setEnabled(False)  # quiet, like a caption
            bold = QFont(labels[3].font())
            bold.setBold(True)
            labels[3].setFont(bold)
            for label in labels:
                label.setAlignment(_RIGHT)
                label.show()
            self._lines.append(labels)
        while len(self._lines) > len(rows):
            for label in self._lines.pop():
                label.deleteLater()
        for labels, (currency, *amounts) in zip(self._lines, rows, strict=False):
            for label, amount in zip(labels[1:], amounts, strict=True):
                label.setText(f"{formatting.money(amount, currency)} {currency}")
        self.updateGeometry()
        self._place()
        self._described()

    def text(self) -> str:
        """The footer in words (tests, tooltips, screen readers)."""
        parts = [self.count_text(), self._note]
        if self._summary is not None:
            for currency, net, gross, open_ in self._summary.by_currency:
                parts.append(
                    f"{currency}: net {formatting.money(net, currency)}, gross "
                    f"{formatting.money(gross, currency)}, open {formatting.money(open_, currency)}"
                )
        return " — ".join(p for p in parts if p)

    def _described(self) -> None:
        self.setToolTip(self.text())
        self.setAccessibleDescription(self.text())

    # ------------------------------------------------------------------ layout

    def _line_height(self) -> int:
        return self.fontMetrics().height() + 4

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(200, max(1, len(self._lines)) * self._line_height() + 6)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(100, self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._place()

    def _column_rect(self, key: str, top: int, height: int) -> QRect | None:
        column = self._columns[key]
        header = self._table.horizontalHeader()
        if header.isSectionHidden(column):
            return None
        left = header.sectionViewportPosition(column)
        origin = self.mapFromGlobal(header.viewport().mapToGlobal(QPoint(left, 0)))
        return QRect(origin.x() + _PAD, top, header.sectionSize(column) - 2 * _PAD, height)

    def _place(self, *_args: object) -> None:
        line = self._line_height()
        first = self._column_rect("net", 3, line)
        count_right = (first.left() - 70) if first is not None else self.width()
        _move(self._count, QRect(_PAD, 3, max(count_right - _PAD, 40), line))
        for i, labels in enumerate(self._lines):
            top = 3 + i * line
            rects = [self._column_rect(key, top, line) for key in AMOUNTS]
            if rects[0] is not None:
                _move(labels[0], QRect(rects[0].left() - 66, top, 58, line))
            for label, rect in zip(labels[1:], rects, strict=True):
                if label.isHidden() != (rect is None):
                    label.setHidden(rect is None)
                if rect is not None:
                    _move(label, rect)


def _move(label: QLabel, rect: QRect) -> None:
    if label.geometry() != rect:
        label.setGeometry(rect)
