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
    QMenu,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.i18n import ntr, tr
from invoicedesk.services.search import InvoiceRow, Summary, summarize
from invoicedesk.ui import formatting
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.icons import icon
from invoicedesk.ui.invoices.actions import InvoiceActions
from invoicedesk.ui.invoices.columns import HIDDEN_BY_DEFAULT, ColumnFitter, column_menu
from invoicedesk.ui.invoices.filter_bar import FilterBar, client_choices
from invoicedesk.ui.invoices.footer import TotalsFooter
from invoicedesk.ui.invoices.model import (
    COLUMN,
    COLUMNS,
    UNSORTABLE,
    InvoiceTableModel,
    is_sortable,
)
from invoicedesk.ui.invoices.table_view import InvoiceTableView as InvoiceTableView
from invoicedesk.ui.mail.actions import MailAction
from invoicedesk.ui.pages import SECONDARY
from invoicedesk.ui.pdf.actions import Listing, PdfActions, PdfTarget
from invoicedesk.ui.worker import Task, run_task

# Until the first rows are measured (columns.ColumnFitter sizes them to the rows shown).
COLUMN_WIDTHS = {
    "number": 104,
    "date": 70,
    "due_date": 70,
    "state": 90,
    "sent": 70,
    "net": 96,
    "gross": 96,
    "open": 96,
    "tags": 100,
}
RELOAD_KINDS = ("invoice", "payment", "client")
LOADING_MESSAGE_DELAY_MS = 300  # a quicker load shows no "Loading…" at all


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
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move in it
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(max(self.fontMetrics().height() + 12, 26))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN["client"], QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        for key, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(COLUMN[key], width)
        # Tags before the amounts: no left-aligned text runs into right-aligned figures;
        # sent after the state it belongs with.
        header.moveSection(header.visualIndex(COLUMN["tags"]), header.visualIndex(COLUMN["net"]))
        after_state = header.visualIndex(COLUMN["state"]) + 1
        header.moveSection(header.visualIndex(COLUMN["sent"]), after_state)
        for key in HIDDEN_BY_DEFAULT:
            header.setSectionHidden(COLUMN[key], True)
        self.columns = ColumnFitter(self.table)
        self.table.resized.connect(self.columns.fit)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda pos: column_menu(self.table, self.columns).popup(header.mapToGlobal(pos))
        )

        self.actions_ = InvoiceActions(ctx, self, self.selected_rows, lambda: self.today)
        self.actions_.status_message.connect(self.status_message)
        self.actions_.created.connect(self._select_when_loaded)
        self.print_action = self.actions_["print"]  # what the window's File › Print triggers
        for action in self.actions_.all():
            self.table.addAction(action)  # the Delete shortcut works while the list has focus
        self.pdf_actions = PdfActions(
            ctx, self, lambda: [PdfTarget.of_row(r) for r in self.selected_rows()],
            listing=lambda: Listing(self.filter_bar.filter(self.today), *self.model.sort_key),
        )  # fmt: skip
        self.pdf_actions.status_message.connect(self.status_message)
        # Ctrl+P prints (as everywhere); two actions on one key would both stay silent.
        self.pdf_actions["preview"].setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.pdf_actions.update()  # its tooltip names the new key
        self.mail_action = MailAction(ctx, self, self.selected_rows)
        self.mail_action.status_message.connect(self.status_message)
        self.table.addAction(self.mail_action.action)  # Ctrl+M while the list has focus
        self._pdf_separator = QAction(self)
        self._pdf_separator.setSeparator(True)
        self._dress_actions()

        self.toolbar = QToolBar(tr("Invoice actions"))
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
        self.table.set_empty_text(tr("Loading invoices…"), after_ms=LOADING_MESSAGE_DELAY_MS)
        self.model.set_filter(self.filter_bar.filter(today))
        # Enabling sorting sorts once by the indicator: that is the first load (newest first).
        header.setSortIndicator(self._sort_column, self._sort_order)
        self.table.setSortingEnabled(True)
        self._totals_after_rows()

    # ------------------------------------------------------------------ page API

    def actions(self) -> list[QAction]:  # type: ignore[override]
        """The state-dependent actions, for the window's toolbar and menus: the everyday
        ones first; those marked secondary go under the toolbar's More button."""
        by_key = self.actions_
        return [
            *(by_key[key] for key in ("new", "open", "issue", "payment")),
            self.mail_action.action,
            by_key["print"],
            self.pdf_actions["preview"],
            *(by_key[key] for key in ("clone", "credit_note", "cancel", "uncancel", "delete")),
            self.pdf_actions["save"],
            self.pdf_actions["export"],
        ]

    def _dress_actions(self) -> None:
        """Icons for the toolbar and menus, and which commands wait under More."""
        icons = {
            "new": "file-plus", "open": "square-pen", "issue": "stamp", "payment": "hand-coins",
            "print": "printer", "clone": "copy-plus", "credit_note": "file-minus",
            "cancel": "ban", "uncancel": "undo-2", "delete": "trash-2",
        }  # fmt: skip
        for key, name in icons.items():
            self.actions_[key].setIcon(icon(name))
        self.mail_action.action.setIcon(icon("mail"))
        for key, name in (("preview", "eye"), ("save", "save"), ("export", "download")):
            self.pdf_actions[key].setIcon(icon(name))
        for action in (*(self.actions_[k] for k in ("clone", "credit_note", "cancel", "uncancel",
                                                    "delete")),
                       self.pdf_actions["save"], self.pdf_actions["export"]):  # fmt: skip
            action.setProperty(SECONDARY, True)

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
        self.columns.rows_changed()
        self._touched = False
        self._restoring_after_preview = True
        self._restore_selection()
        self._show_loading()

    def _on_loaded(self) -> None:
        self.columns.rows_changed()
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
            self.footer.set_count(tr("Loading…"))
            self.table.set_empty_text(tr("Loading invoices…"), after_ms=LOADING_MESSAGE_DELAY_MS)
        else:
            n = self.model.rowCount()
            if self.model.count_known():
                count = ntr("{n} invoice", "{n} invoices", n)
            else:  # a search's first rows, more follow
                count = tr("{n}+ invoices")
            self.footer.set_count(count.format(n=formatting.number(n)))
            if self.filter_bar.active_count():
                self.table.set_empty_text(
                    tr("No invoices match these filters.\nChoose “Clear filters” to see them all.")
                )
            else:
                self.table.set_empty_text(
                    tr("No invoices yet.\nChoose “New” (Ctrl+N) to write your first invoice.")
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
                self.footer.set_summary(None, tr("totals not available"))
                self.status_message.emit(
                    tr("The totals could not be computed: {error}").format(error=exc)
                )

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
                self.status_message.emit(
                    tr("The client list could not be loaded: {error}").format(error=exc)
                )

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
            key = COLUMNS[column][0]
            self.status_message.emit(tr(UNSORTABLE[key]) + "." if key in UNSORTABLE else "")
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
        menu.addAction(self.actions_["print"])
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
