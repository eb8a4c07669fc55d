"""The lines table's column widths and row heights, fitted to the texts after each change.

Every column but one is exactly as wide as its widest text or its header (numbers are
never cut) and keeps room to type a few digits; the stretch column (the name) takes the
rest. Rows are one line high, two where a line shows its description.

Qt's ``ResizeToContents`` does the same by asking the delegates for every cell on every
change, which with a few hundred lines costs a tenth of a second per keystroke; here the
widths come from the shown texts and the font, once per event-loop pass.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView

from invoicedesk.ui.invoice_editor.rows_model import RowsModel


class TableFit(QObject):
    """Fits ``view``'s columns (``room``: digits of typing room per column key) and rows."""

    def __init__(self, view: QTableView, stretch_key: str, room: dict[str, int]) -> None:
        super().__init__(view)
        model = view.model()
        assert isinstance(model, RowsModel)
        self._view = view
        self._model = model
        self._stretch = model.column_of(stretch_key)
        self._room = {model.column_of(key): digits for key, digits in room.items()}
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(self._stretch, QHeaderView.ResizeMode.Stretch)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        for signal in (
            model.dataChanged, model.rowsInserted, model.rowsRemoved, model.rowsMoved,
            model.modelReset, model.layoutChanged, model.headerDataChanged,
        ):  # fmt: skip
            signal.connect(self._timer.start)
        self.fit()

    def fit(self) -> None:
        """Fit now (tests and the first showing; changes fit on the next event-loop pass)."""
        self._timer.stop()
        view, model = self._view, self._model
        metrics = QFontMetrics(view.font())
        margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view)
        padding = 2 * (margin + 1) + 2  # what Qt's item delegate puts around a text, and a bit
        header = view.horizontalHeader()
        rows = range(model.rowCount())
        for column in range(model.columnCount()):
            texts = [str(model.index(r, column).data(Qt.ItemDataRole.DisplayRole) or "")
                     for r in rows]  # fmt: skip
            if column == self._stretch:
                self._fit_rows(texts)
                continue
            widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            room = metrics.horizontalAdvance("0" * self._room.get(column, 0))
            width = max(widest + padding, room + padding, header.sectionSizeHint(column))
            if view.columnWidth(column) != width:
                view.setColumnWidth(column, width)
        # The table (so the window) is never narrower than the fitted columns and the name's
        # header: the name column cannot be squeezed below its title by the layout.
        fixed = sum(view.columnWidth(c) for c in range(model.columnCount()) if c != self._stretch
                    and not view.isColumnHidden(c))  # fmt: skip
        chrome = 2 * view.frameWidth() + view.verticalScrollBar().sizeHint().width()
        if view.verticalHeader().isVisible():
            chrome += view.verticalHeader().width()
        needed = fixed + header.sectionSizeHint(self._stretch) + chrome
        if view.minimumWidth() != needed:
            view.setMinimumWidth(needed)

    def _fit_rows(self, names: list[str]) -> None:
        """One line high, or two for a line shown with its description."""
        view = self._view
        heights: dict[bool, int] = {}
        for row, text in enumerate(names):
            tall = "\n" in text
            if tall not in heights:
                heights[tall] = view.sizeHintForRow(row)
                if not tall:  # rows added later start at the right height
                    view.verticalHeader().setDefaultSectionSize(heights[tall])
            if view.rowHeight(row) != heights[tall]:
                view.setRowHeight(row, heights[tall])
