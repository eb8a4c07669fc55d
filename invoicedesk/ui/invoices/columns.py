"""The invoice list's column widths, fitted to the view, and the header's column menu.

Numbers, amounts and dates get the width their widest value among the rows on screen
needs (measured by Qt's delegate, so in the font and at the scale in use): their
digits are never cut. The client column takes the rest of the width (it stretches).
When that leaves the client too little, the columns whose text may elide give way
first — the tags, then the state's "credit note" beside its badge — down to their
minimum; then the view scrolls sideways rather than cut the client further. Client
names and tags that are cut end in "…" and have the whole text as a tooltip. A column
the user drags to another width keeps it (in this session).

The widths are measured when rows arrive and, a moment after scrolling stops, again
for the rows then on screen (a column only grows while the list shows the same
result); nothing here runs while the view merely repaints.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QHeaderView, QMenu, QTableView

from invoicedesk.ui.invoices.model import COLUMN, COLUMNS, column_title, is_sortable

# Shown on first start (a header state saved by the window overrides this): at
# 1024×700 the nine others fit without scrolling; the tags are in the number's tooltip
# and one right-click on the header away.
HIDDEN_BY_DEFAULT = ("tags",)
SHRINK_FIRST = ("tags", "state")  # these elide (with a tooltip) before the client does
CLIENT_ROOM_CHARS = 20  # the others elide until the client has room for this many
CLIENT_MIN_CHARS = 11  # below this many the view scrolls sideways instead
TAGS_MAX_CHARS = 24  # tags wider than this elide even when there is room
STATE_MIN_EXTRA = 8  # beside the widest badge: the cell's margins
RESCAN_MS = 150  # after the last scroll step, measure the rows then on screen
# The margin Qt's item delegate leaves each side of a cell's text: the style's focus frame
# margin (2 in Qt's own styles) + 1. A constant: asking the style creates QStyle's Python
# enums, ~4 ms of every start-up, for a value a pixel or two off at worst.
TEXT_MARGIN = 3
SAMPLE_DATE_TEXTS = ("28.12.28", "12/28/28", "2028-12-28")  # no date is wider


class ColumnFitter(QObject):
    """Keeps ``view``'s columns fitted (see the module's docstring); call :meth:`fit`
    after the view was resized and :meth:`rows_changed` when a new result is shown."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._view = view
        self._fitting = False
        self._user_sized: set[int] = set()
        self._wanted: dict[int, int] = {}  # measured widths of this result (only grow)
        self._rescan = QTimer(self)
        self._rescan.setSingleShot(True)
        self._rescan.setInterval(RESCAN_MS)
        self._rescan.timeout.connect(self._measure_and_fit)
        header = view.horizontalHeader()
        header.sectionResized.connect(self._on_resized)
        view.verticalScrollBar().valueChanged.connect(self._rescan.start)

    def user_sized(self) -> set[int]:
        return set(self._user_sized)

    def rows_changed(self) -> None:
        """A new result (or its first rows) is shown: measure afresh."""
        self._wanted = {}
        self._measure_and_fit()

    def _on_resized(self, column: int, _old: int, _new: int) -> None:
        # Only a drag on the header is the user's choice (widths restored from last time
        # were mostly fitted here: they are fitted again to the rows now shown).
        dragging = QApplication.mouseButtons() & Qt.MouseButton.LeftButton
        if not self._fitting and dragging and column != COLUMN["client"]:
            self._user_sized.add(column)

    def _measure_and_fit(self) -> None:
        view = self._view
        header = view.horizontalHeader()
        for column in range(len(COLUMNS)):
            if column == COLUMN["client"] or header.isSectionHidden(column):
                continue
            measured = max(view.sizeHintForColumn(column), self._header_width(column))
            if COLUMNS[column][0] in ("date", "due_date", "sent"):
                measured = max(measured, self._date_width(column))
            if COLUMNS[column][0] == "tags":
                cap = view.fontMetrics().averageCharWidth() * TAGS_MAX_CHARS
                measured = min(measured, max(cap, header.sectionSizeHint(column)))
            self._wanted[column] = max(measured, self._wanted.get(column, 0))
        self.fit()

    def _header_width(self, column: int) -> int:
        """The header's need: Qt's hint keeps room for a sort arrow, which a column that
        cannot be sorted (Sent, Tags) never shows."""
        header = self._view.horizontalHeader()
        if is_sortable(column):
            return header.sectionSizeHint(column)
        title = str(header.model().headerData(column, Qt.Orientation.Horizontal) or "")
        return header.fontMetrics().horizontalAdvance(title) + 4 * TEXT_MARGIN + 4

    def _date_width(self, column: int) -> int:
        """A date's width, so that an empty column (nothing sent yet) still fits one."""
        metrics = self._view.fontMetrics()
        text = max(metrics.horizontalAdvance(t) for t in SAMPLE_DATE_TEXTS[:2])
        return text + 2 * TEXT_MARGIN + 2

    def minimum(self, column: int) -> int:
        """The narrowest ``column`` may become before the client column gives way."""
        view, header = self._view, self._view.horizontalHeader()
        key = COLUMNS[column][0]
        floor = header.sectionSizeHint(column)
        if key == "state":
            from invoicedesk.core.lifecycle import State
            from invoicedesk.ui.invoices.delegates import badge

            widest = max(badge(s).deviceIndependentSize().width() for s in State)
            floor = max(floor, round(widest) + STATE_MIN_EXTRA + 2 * TEXT_MARGIN)
        elif key == "tags":
            floor = max(floor, view.fontMetrics().averageCharWidth() * 8)
        return floor

    def client_minimum(self, chars: int = CLIENT_MIN_CHARS) -> int:
        return max(
            self._view.fontMetrics().averageCharWidth() * chars,
            self._view.horizontalHeader().sectionSizeHint(COLUMN["client"]),
        )

    def available(self) -> int:
        """The width the columns may fill: the view's, less its frame and the vertical
        scroll bar (counted even while hidden, so its coming never adds a horizontal one)."""
        view = self._view
        bar = view.verticalScrollBar().sizeHint().width()  # the style's scroll bar extent
        return view.width() - 2 * view.frameWidth() - bar

    def fit(self) -> None:
        """Set the widths: measured ones, narrowed where they must be (see the docstring)."""
        view = self._view
        header = view.horizontalHeader()
        widths: dict[int, int] = {}
        for column in range(len(COLUMNS)):
            if column == COLUMN["client"] or header.isSectionHidden(column):
                continue
            if column in self._user_sized or column not in self._wanted:
                widths[column] = header.sectionSize(column)
            else:
                widths[column] = self._wanted[column]
        short = self.client_minimum(CLIENT_ROOM_CHARS) - (self.available() - sum(widths.values()))
        for key in SHRINK_FIRST:
            column = COLUMN[key]
            if short <= 0 or column not in widths or column in self._user_sized:
                continue
            give = min(short, max(0, widths[column] - self.minimum(column)))
            widths[column] -= give
            short -= give
        # Still too narrow: the client keeps its minimum and the view scrolls sideways
        # (a name cut to three letters would help no one).
        client = COLUMN["client"]
        cramped = self.available() - sum(widths.values()) < self.client_minimum()
        mode = QHeaderView.ResizeMode.Interactive if cramped else QHeaderView.ResizeMode.Stretch
        self._fitting = True
        try:
            if header.sectionResizeMode(client) != mode:
                header.setSectionResizeMode(client, mode)
            if cramped:
                widths[client] = self.client_minimum()
            for column, width in widths.items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False


def column_menu(view: QTableView, fitter: ColumnFitter) -> QMenu:
    """The header's context menu: a check item per column (the number always shows)."""
    header = view.horizontalHeader()
    menu = QMenu(view)
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    menu.setObjectName("invoice-columns-menu")
    for column, (key, _title) in enumerate(COLUMNS):
        if key == "number":
            continue
        action = menu.addAction(column_title(key))
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(column))

        def toggle(shown: bool, column: int = column) -> None:
            header.setSectionHidden(column, not shown)
            fitter.rows_changed()

        action.toggled.connect(toggle)
    return menu
