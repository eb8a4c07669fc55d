"""The totals under the invoice list: count, and net, gross and open per currency.

The sums stand right under the Net, Gross and Open columns (one line per
currency) and follow the columns as they are resized, moved or scrolled, so
they read like the last line of the table. A sum wider than its column (tens of
millions in a narrow window) is shown whole, using the room on its left or, when
that is not enough, a line of its own; it is never cut. Plain labels, moved only when the
columns move (nothing runs in Python when the window merely repaints).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QTableView, QWidget

from invoicedesk.i18n import N_, tr
from invoicedesk.services.search import Summary
from invoicedesk.ui import formatting

AMOUNTS = ("net", "gross", "open")
_TOOLTIPS = {
    "net": N_("Net total of the listed invoices: {amount}"),
    "gross": N_("Gross total of the listed invoices: {amount}"),
    "open": N_("Open total of the listed invoices: {amount}"),
}  # marked: show tr(text)
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
        self._used_lines = 1  # lines of text the totals take (more when they wrap)
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
            labels[0].setText(tr("Total") if not self._lines else "")
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
            for label, key, amount in zip(labels[1:], AMOUNTS, amounts, strict=True):
                label.setText(f"{formatting.money(amount, currency)} {currency}")
                label.setToolTip(tr(_TOOLTIPS[key]).format(amount=label.text()))
        self.updateGeometry()
        self._place()
        self._described()

    def text(self) -> str:
        """The footer in words (tests, tooltips, screen readers)."""
        parts = [self.count_text(), self._note]
        if self._summary is not None:
            for currency, net, gross, open_ in self._summary.by_currency:
                parts.append(
                    tr("{currency}: net {net}, gross {gross}, open {open}").format(
                        currency=currency,
                        net=formatting.money(net, currency),
                        gross=formatting.money(gross, currency),
                        open=formatting.money(open_, currency),
                    )
                )
        return " — ".join(p for p in parts if p)

    def _described(self) -> None:
        self.setToolTip(self.text())
        self.setAccessibleDescription(self.text())

    # ------------------------------------------------------------------ layout

    def _line_height(self) -> int:
        return self.fontMetrics().height() + 4

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(200, max(1, self._used_lines) * self._line_height() + 6)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(100, self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._place()

    def _column_span(self, key: str) -> tuple[int, int] | None:
        """The left and right of the text in ``key``'s column, in footer coordinates."""
        column = self._columns[key]
        header = self._table.horizontalHeader()
        if header.isSectionHidden(column):
            return None
        left = header.sectionViewportPosition(column)
        # (Through the header, not its viewport, which sits at its frame: Python's first
        # viewport() call costs ~8 ms of PySide type discovery at start-up.)
        inside = QPoint(left + header.frameWidth(), 0)
        origin = self.mapFromGlobal(header.mapToGlobal(inside))
        return origin.x() + _PAD, origin.x() + header.sectionSize(column) - _PAD

    def _place(self, *_args: object) -> None:
        """The totals as a grid under their columns, each right-aligned and as wide as the
        widest total of its column needs: a total wider than its column takes room on its
        left, pushing the totals left of it along. When that leaves no room for the count
        and "Total", each total goes on a line of its own (still under its column), below
        the count. Digits are never cut."""
        line = self._line_height()
        gap = self.fontMetrics().horizontalAdvance("  ")
        found = {key: self._column_span(key) for key in AMOUNTS}
        spans = {key: span for key, span in found.items() if span is not None}
        shown = list(spans)
        for labels in self._lines:
            for label, key in zip(labels[1:], AMOUNTS, strict=True):
                if label.isHidden() != (key not in spans):
                    label.setHidden(key not in spans)
        needs = {
            key: max((labels[1 + AMOUNTS.index(key)].sizeHint().width() for labels in self._lines),
                     default=0)
            for key in shown
        }  # fmt: skip
        grid = _pack_right_to_left([(needs[k], spans[k]) for k in shown], gap, self.width() - _PAD)
        count_width = self._count.sizeHint().width()
        caption_width = max((labels[0].sizeHint().width() for labels in self._lines), default=0)
        leftmost = min((left for left, _ in grid), default=self.width())
        on_one_line = leftmost >= _PAD + count_width + gap + caption_width + gap
        row = 0
        for labels in self._lines:
            if on_one_line or not shown:
                for key, (left, width) in zip(shown, grid, strict=True):
                    label = labels[1 + AMOUNTS.index(key)]
                    _move(label, QRect(left, 3 + row * line, width, line))
                caption = QRect(leftmost - gap - caption_width, 3 + row * line, caption_width, line)
                _move(labels[0], caption)
                row += 1
                continue
            # A line per total below the count's line, under its column as far as it fits.
            row = max(row, 1)
            _move(labels[0], QRect(_PAD, 3 + row * line, caption_width, line))
            for key in shown:
                label, (left, right) = labels[1 + AMOUNTS.index(key)], spans[key]
                width = max(label.sizeHint().width(), right - left)
                left = max(min(right, self.width() - _PAD) - width, _PAD + caption_width + gap)
                _move(label, QRect(left, 3 + row * line, width, line))
                row += 1
        count_right = leftmost - 2 * gap - caption_width if on_one_line else self.width() - _PAD
        _move(self._count, QRect(_PAD, 3, max(count_right - _PAD, count_width), line))
        if max(row, 1) != self._used_lines:
            self._used_lines = max(row, 1)
            self.updateGeometry()


def _pack_right_to_left(
    columns: list[tuple[int, tuple[int, int]]], gap: int, right_edge: int
) -> list[tuple[int, int]]:
    """(left, width) of each column's totals, given the width they need and the column's
    text span: right-aligned under the column (never past ``right_edge``, where a column
    scrolled out of view would take them), as wide as the column or the totals, and
    ending ``gap`` left of the next one where a wide one pushes it."""
    placed: list[tuple[int, int]] = []
    limit = right_edge
    for need, (left, right) in reversed(columns):
        end = min(right, limit)
        width = max(need, end - left)
        placed.append((end - width, width))
        limit = end - width - gap
    return placed[::-1]


def _move(label: QLabel, rect: QRect) -> None:
    if label.geometry() != rect:
        label.setGeometry(rect)
