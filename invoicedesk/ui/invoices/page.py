"""The invoices page: filter bar, the lazy invoice list, its actions and the totals footer.

The list and the footer load on the thread pool (100,000 invoices sort and
filter in SQL in a few hundred milliseconds; the window never waits for them).
Any change announced on the bus reloads the list and keeps the selection.
"""

from __future__ import annotations

import datetime as dt

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QObject,
    QPoint,
    Qt,
    QTimer,
)
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.services.search import InvoiceRow, Summary, summarize
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoices.actions import InvoiceActions
from invoicedesk.ui.invoices.filter_bar import FilterBar, client_choices
from invoicedesk.ui.invoices.footer import TotalsFooter
from invoicedesk.ui.invoices.model import COLUMN, InvoiceTableModel, is_sortable
from invoicedesk.ui.mail.actions import MailAction
from invoicedesk.ui.pdf.actions import Listing, PdfActions, PdfTarget
from invoicedesk.ui.worker import Task, run_task

COLUMN_WIDTHS = {
    "number": 118,
    "date": 84,
    "due_date": 84,
    "state": 104,
    "net": 112,
    "gross": 112,
    "open": 112,
    "tags": 120,
}
RELOAD_KINDS = ("invoice", "payment", "client")
LOADING_MESSAGE_DELAY_MS = 300  # a quicker load shows no "Loading…" at all


class InvoiceTableView(QTableView):
    """A table that says why it is empty, and opens the current row on Enter.

    The message label is made when a message is first shown: Python's first ``viewport()``
    call costs about 8 ms (PySide6 works out the widget's type), which a list that opens
    with rows does not need to pay before its rows show."""

    open_requested = QtSignal()

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


class InvoicesPage(QWidget):
    """All invoices: find them, act on them, see their totals."""

    status_message = QtSignal(str)
    footer_updated = QtSignal()  # the totals of the current filter are shown

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today  # "today" for overdue and issuing; None: the clock (tests fix it)
        self._pending: set[str] = set()  # background jobs under way besides the list
        self._keep: tuple[list[int], int | None] = ([], None)
        self._select_next: int | None = None
        self._restoring = False  # selecting rows again after a reload (not the user)
        self._restoring_after_preview = False
        self._touched = False  # the user changed the selection since the preview
        self._summary_generation = 0
        self._totals_wanted = False  # the totals wait for the list's first rows
        self._clients_task: Task | None = None
        self._clients_loaded = False

        self.model = InvoiceTableModel(ctx.db, self, background=True)
        self.model.today = today
        self.filter_bar = FilterBar()
        self.table = InvoiceTableView()
        self.table.setModel(self.model)
        self.table.setObjectName("invoice-table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(max(self.fontMetrics().height() + 12, 26))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN["client"], QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        for key, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(COLUMN[key], width)
        # Tags before the amounts: no left-aligned text runs into right-aligned figures.
        header.moveSection(header.visualIndex(COLUMN["tags"]), header.visualIndex(COLUMN["net"]))

        self.actions_ = InvoiceActions(ctx, self, self.selected_rows, lambda: self.today)
        self.actions_.status_message.connect(self.status_message)
        self.actions_.created.connect(self._select_when_loaded)
        for action in self.actions_.all():
            self.table.addAction(action)  # the Delete shortcut works while the list has focus
        self.pdf_actions = PdfActions(
            ctx, self, lambda: [PdfTarget.of_row(r) for r in self.selected_rows()],
            listing=lambda: Listing(self.filter_bar.filter(self.today), *self.model.sort_key),
        )  # fmt: skip
        self.pdf_actions.status_message.connect(self.status_message)
        self.mail_action = MailAction(ctx, self, self.selected_rows)
        self.mail_action.status_message.connect(self.status_message)
        self.table.addAction(self.mail_action.action)  # Ctrl+M while the list has focus
        self._pdf_separator = QAction(self)
        self._pdf_separator.setSeparator(True)

        self.toolbar = QToolBar("Invoice actions")
        self.toolbar.setObjectName("invoice-toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for key in ("new", "open", None, "issue", "payment", None, "clone", "credit_note",
                    None, "cancel", "uncancel", "delete"):  # fmt: skip
            if key is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(self.actions_[key])
        self.toolbar.addSeparator()
        self.toolbar.addActions(self._pdf_toolbar_actions())
        self.toolbar.addAction(self.mail_action.action)

        self.footer = TotalsFooter(self.table, COLUMN)
        self.footer.setObjectName("invoice-totals")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.footer)

        self._bus_timer = QTimer(self)
        self._bus_timer.setSingleShot(True)
        self._bus_timer.setInterval(30)  # one reload for the several notices of one change
        self._bus_timer.timeout.connect(self.refresh)

        self.filter_bar.changed.connect(self.refresh)
        self.filter_bar.client.needed.connect(self._load_clients)
        self.filter_bar.search.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.open_requested.connect(self.actions_["open"].trigger)
        self.table.doubleClicked.connect(lambda _index: self.actions_["open"].trigger())
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.previewed.connect(self._on_previewed)
        self.model.loaded.connect(self._on_loaded)
        self.model.failed.connect(self._on_failed)
        self.model.firstRowsLoaded.connect(self._on_first_rows)
        header.sortIndicatorChanged.connect(self._sort_changed)
        ctx.bus.changed.connect(self._bus_changed)

        self._sort_column = COLUMN["date"]
        self._sort_order = Qt.SortOrder.DescendingOrder
        self.table.set_empty_text("Loading invoices…", after_ms=LOADING_MESSAGE_DELAY_MS)
        self.model.set_filter(self.filter_bar.filter(today))
        # Enabling sorting sorts once by the indicator: that is the first load (newest first).
        header.setSortIndicator(self._sort_column, self._sort_order)
        self.table.setSortingEnabled(True)
        self._totals_after_rows()

    # ------------------------------------------------------------------ page API

    def actions(self) -> list[QAction]:  # type: ignore[override]
        """The state-dependent actions, for the window's toolbar and menus."""
        return [
            *self.actions_.all(),
            self._pdf_separator,
            *self._pdf_toolbar_actions(),
            self.mail_action.action,
        ]

    def _pdf_toolbar_actions(self) -> list[QAction]:
        return [self.pdf_actions[key] for key in ("preview", "save", "export")]

    def refresh(self) -> None:
        """Reload with the current filters, keeping the selection."""
        self.model.today = self.today
        self.model.reload(self.filter_bar.filter(self.today))
        self._totals_after_rows()
        self._show_loading()

    def focus_search(self) -> None:
        self.filter_bar.focus_search()

    def is_busy(self) -> bool:
        """Whether a reload, the totals, the client list or an action is still under way."""
        return bool(
            self.model.is_loading()
            or self._pending
            or self._bus_timer.isActive()
            or self.filter_bar.is_pending()
            or self.actions_.busy()
            or self.pdf_actions.busy()
            or self.mail_action.busy()
        )

    def new_record(self) -> None:
        self.actions_["new"].trigger()

    def delete_selected(self) -> None:
        self.actions_.do_delete()

    def selected_rows(self) -> list[InvoiceRow]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        found = (self.model.invoice_row(r) for r in rows)
        return [row for row in found if row is not None]

    def selected_ids(self) -> list[int]:
        return [
            self.model.invoice_id(index.row())
            for index in self.table.selectionModel().selectedRows()
        ]

    def select_ids(self, ids: list[int], current: int | None = None) -> None:
        """Select the rows of ``ids`` that the list shows (contiguous rows as one range)."""
        rows = sorted(r for r in (self.model.row_of(i) for i in ids) if r is not None)
        selection = QItemSelection()
        last_column = self.model.columnCount() - 1
        start = previous = None
        for row in [*rows, None]:
            if start is not None and (row is None or row != previous + 1):
                selection.select(
                    self.model.index(start, 0), self.model.index(previous, last_column)
                )
                start = None
            if row is not None and start is None:
                start = row
            previous = row
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.table.selectionModel().select(selection, flags)
        current_row = self.model.row_of(current) if current is not None else None
        if current_row is None and rows:
            current_row = rows[0]
        if current_row is not None:
            index = self.model.index(current_row, 0)
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.NoUpdate
            )
            self.table.scrollTo(index)
        self._selection_changed()

    # ------------------------------------------------------------------ loading

    def _bus_changed(self, kind: str, _ids: list) -> None:
        if kind in RELOAD_KINDS:
            self._bus_timer.start()
        if kind == "client" and self._clients_loaded:
            self._load_clients()

    def _remember_selection(self) -> None:
        if self._restoring_after_preview and not self._touched:
            return  # still bringing back the selection of before the preview
        current = self.table.currentIndex()
        self._keep = (
            self.selected_ids(),
            self.model.invoice_id(current.row()) if current.isValid() else None,
        )

    def _restore_selection(self) -> None:
        ids, current = self._keep
        if self._select_next is not None and self.model.row_of(self._select_next) is not None:
            ids, current = [self._select_next], self._select_next
            self._keep = (ids, current)  # what the rest of this reload brings back, too
            self._select_next = None
        self._restoring = True
        try:
            if ids:
                self.select_ids(ids, current)
            else:
                self._selection_changed()
        finally:
            self._restoring = False

    def _on_previewed(self) -> None:
        """The first rows are there; the selected ones among them are selected again."""
        self._touched = False
        self._restoring_after_preview = True
        self._restore_selection()
        self._show_loading()

    def _on_loaded(self) -> None:
        if not (self._restoring_after_preview and self._touched):  # not if the user chose anew
            self._restore_selection()
        self._restoring_after_preview = False
        self._show_loading()

    def _on_first_rows(self, elapsed_ms: float) -> None:
        # Typing waits about as long as a search takes (fast searches: a short pause).
        self.filter_bar.set_search_cost(elapsed_ms)
        if self._totals_wanted:
            self._update_footer()

    def _totals_after_rows(self) -> None:
        """Totals of the new filter once the list shows its first rows: the rows' query
        never shares the cores with the totals' scan."""
        self._summary_generation += 1  # totals still under way are of an old filter
        self._totals_wanted = True
        self._pending.add("summary")
        if not self.model.is_loading():  # loaded already (a reload done on the spot)
            self._update_footer()

    def _on_failed(self, message: str) -> None:
        if self._totals_wanted:
            self._update_footer()
        self._show_loading()
        self.table.set_empty_text(message)
        self.status_message.emit(message)

    def _select_when_loaded(self, invoice_id: int) -> None:
        self._select_next = invoice_id

    def _show_loading(self) -> None:
        if self.model.is_loading() and self.model.rowCount() == 0:
            self.footer.set_count("Loading…")
            self.table.set_empty_text("Loading invoices…", after_ms=LOADING_MESSAGE_DELAY_MS)
        else:
            n = self.model.rowCount()
            more = "" if self.model.count_known() else "+"  # a search's first rows, more follow
            self.footer.set_count(f"{n:,}{more} invoice{'' if n == 1 and not more else 's'}")
            if self.filter_bar.active_count():
                self.table.set_empty_text(
                    "No invoices match these filters.\nChoose “Clear filters” to see them all."
                )
            else:
                self.table.set_empty_text(
                    "No invoices yet.\nChoose “New” (Ctrl+N) to write your first invoice."
                )

    def _update_footer(self) -> None:
        self._totals_wanted = False
        self._summary_generation += 1
        generation = self._summary_generation
        flt = self.filter_bar.filter(self.today)
        db = self.ctx.db
        self._pending.add("summary")

        def done(summary: Summary) -> None:
            if shiboken6.isValid(self) and generation == self._summary_generation:
                self._pending.discard("summary")
                self.footer.set_summary(summary)
                self.footer_updated.emit()

        def failed(exc: BaseException, _trace: str) -> None:
            if shiboken6.isValid(self) and generation == self._summary_generation:
                self._pending.discard("summary")
                self.footer.set_summary(None, "totals not available")
                self.status_message.emit(f"The totals could not be computed: {exc}")

        run_task(lambda task: summarize(db, flt), done, failed)

    def _load_clients(self) -> None:
        """The client list for the filter, loaded once in the background (and on changes)."""
        self._clients_loaded = True
        db = self.ctx.db
        self._pending.add("clients")

        def done(choices: list[tuple[int, str]]) -> None:
            if shiboken6.isValid(self):
                self._pending.discard("clients")
                self.filter_bar.set_clients(choices)

        def failed(exc: BaseException, _trace: str) -> None:
            if shiboken6.isValid(self):
                self._pending.discard("clients")
                self.status_message.emit(f"The client list could not be loaded: {exc}")

        self._clients_task = run_task(lambda task: client_choices(db), done, failed)

    # ------------------------------------------------------------------ interaction

    def _selection_changed(self, *_args: object) -> None:
        if not self._restoring:
            self._touched = True
        rows = self.selected_rows()
        self.actions_.update_for(rows)
        self.pdf_actions.update_for([PdfTarget.of_row(r) for r in rows])
        self.mail_action.update(rows)

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        if not is_sortable(column):  # not sortable: keep the indicator where the order is
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self._sort_column, self._sort_order)
            header.blockSignals(False)
            self.status_message.emit("Tags cannot be sorted; use the tag filter instead.")
            return
        self._sort_column, self._sort_order = column, order

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for key in ("open", "new", None, "issue", "payment", None, "clone", "credit_note",
                    None, "cancel", "uncancel", None, "delete"):  # fmt: skip
            if key is None:
                menu.addSeparator()
            else:
                menu.addAction(self.actions_[key])
        menu.addSeparator()
        for key in ("preview", "save", "open", "archive", "export"):
            menu.addAction(self.pdf_actions[key])
        menu.addSeparator()
        menu.addAction(self.mail_action.action)
        current = self.table.currentIndex()
        if not self.table.indexAt(pos).isValid() and current.isValid():
            pos = self.table.visualRect(current).center()  # the menu key: at the current row
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.filter_bar.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.filter_bar.flush()
                return True
            if key == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus(Qt.FocusReason.TabFocusReason)
                if not self.table.selectionModel().hasSelection():
                    self.table.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        # Reached only when no window-wide shortcut took the key (the page on its own).
        if event.matches(QKeySequence.StandardKey.Find):
            self.focus_search()
        elif event.matches(QKeySequence.StandardKey.Refresh) or event.key() == Qt.Key.Key_F5:
            self.refresh()
        elif event.matches(QKeySequence.StandardKey.New):
            self.new_record()
        else:
            super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        # A window may show these actions in its own toolbar (it adds them right after
        # switching to this page); then ours would only repeat them.
        QTimer.singleShot(0, self._update_own_toolbar)

    def _update_own_toolbar(self) -> None:
        if not shiboken6.isValid(self):
            return
        elsewhere = any(
            isinstance(obj, QToolBar) and obj is not self.toolbar
            for obj in self.actions_["issue"].associatedObjects()
        )
        if self.toolbar.isHidden() != elsewhere:
            self.toolbar.setHidden(elsewhere)
