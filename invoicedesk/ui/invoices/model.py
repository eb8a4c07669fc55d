"""The invoice list as a lazy table model: ordered ids up front, rows fetched a block at a time.

Sorting and filtering happen in SQL (``services.search``); the model holds the
ordered ids of the current result and a cache of the blocks it has shown, so
100,000 invoices cost one integer each until they scroll into view.

With ``background=True`` (the invoices page) a reload runs on the thread pool:
the ids and the first block arrive together, the old rows stay on screen until
then, and a reload overtaken by a newer one is dropped. Without it (the default,
for dialogs and tests) a reload is done before ``reload()`` returns.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import replace
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from invoicedesk.core.lifecycle import STATE_LABELS, DocType, State, Status
from invoicedesk.i18n import N_, ntr, ptr, tr
from invoicedesk.services.books import Books
from invoicedesk.services.search import (
    SORT_KEYS,
    InvoiceFilter,
    InvoiceRow,
    count_invoices,
    list_invoices,
    row_ids,
    rows_by_id,
)
from invoicedesk.ui import formatting
from invoicedesk.ui.invoices.delegates import badge, is_dark
from invoicedesk.ui.worker import Task, run_task

BLOCK = 200
SHOWN_WAIT_S = 0.2  # the longest the ids wait for the first rows to be shown
# (key, header); the keys that are in ``SORT_KEYS`` sort in SQL, the others not at all.
# The headers are marked here and translated where shown (:func:`column_title`).
COLUMNS = [
    ("number", N_("Number")),
    ("client", N_("Client")),
    ("date", N_("Date")),
    ("due_date", N_("Due")),
    ("state", N_("State")),
    ("net", N_("Net")),
    ("gross", N_("Gross")),
    ("open", "Open"),  # the amount (translated by context: column_title)
    ("tags", N_("Tags")),
    ("sent", N_("Sent")),  # last: a header state saved before it came keeps its columns
]
COLUMN = {key: i for i, (key, _) in enumerate(COLUMNS)}
# Why a column cannot be sorted (a sort in SQL without an index reads every invoice:
# by the sent date 76 ms for the first page of 100,000, the others take 1-3 ms).
UNSORTABLE = {
    "tags": N_("Tags cannot be sorted; filter by tag above instead"),
    "sent": N_("The sent date cannot be sorted; the Outbox lists the mails by date"),
}  # marked: show tr(text)
_RIGHT = {"net", "gross", "open"}

RowRole = Qt.ItemDataRole.UserRole + 1  # the InvoiceRow (None while not fetched)
IdRole = Qt.ItemDataRole.UserRole + 2  # the invoice id
StateRole = Qt.ItemDataRole.UserRole + 3  # the effective State

ModelIndex = QModelIndex | QPersistentModelIndex


def is_sortable(column: int) -> bool:
    return 0 <= column < len(COLUMNS) and COLUMNS[column][0] in SORT_KEYS


def column_title(key: str) -> str:
    """The header of the column ``key`` in the current language."""
    if key == "open":
        return ptr("amount", "Open")
    return tr(dict(COLUMNS)[key])


def display_number(row: InvoiceRow) -> str:
    """The number, or "Draft 7" for a draft (how messages name it, too)."""
    return row.number or tr("Draft {id}").format(id=row.id)


def overdue_colour(palette: QPalette | None = None) -> QColor:
    return QColor("#ef9a9a" if is_dark(palette) else "#c62828")


class InvoiceTableModel(QAbstractTableModel):
    """Invoices matching a filter, in SQL order; ``reload()`` after any change.

    In the background a reload first asks for the first block (a top-N query that
    walks an index and stops: milliseconds even on 100,000 rows) and, unless text
    is searched, the count; they show at once (``previewed``). Then it asks for all
    ids in list order, which fill in the other rows without a reset (``loaded``).
    A first block smaller than a block is the whole result: no second query.
    """

    previewed = Signal()  # the count and the first rows are shown; the other rows follow
    loaded = Signal()  # a reload finished: every row can be shown
    # Once per reload, as soon as its first rows are shown (with ``previewed``, or with
    # ``loaded`` when the result fits in one block); the argument: ms since ``reload()``.
    firstRowsLoaded = Signal(float)  # noqa: N815 - Qt naming
    failed = Signal(str)  # a background reload failed: a message for the user
    # From the worker: generation, (count, rows, an Event the GUI sets once they are shown).
    _first_block_ready = Signal(int, object)


    def sortable(self, column: int) -> bool:
        """Whether the list can be sorted by ``column`` (its header shows no arrow if not)."""
        return is_sortable(column)
    def __init__(self, db: Books, parent: Any = None, *, background: bool = False) -> None:
        super().__init__(parent)
        self._db = db
        self._background = background
        self._filter = InvoiceFilter()
        self._sort = "date"
        self._descending = True
        self._ids: list[int] = []  # in list order; only the first block while previewing
        self._count = 0  # the rows shown (more than len(_ids) while previewing)
        self._count_known = True  # False: a text search's first rows, the count follows
        self._rows: dict[int, InvoiceRow] = {}
        self._texts: dict[int, tuple[str, ...]] = {}  # formatted once per row, not per paint
        self._generation = 0
        self._previewed = -1  # the generation whose first block is on screen
        self._first_shown = -1  # the generation whose first rows were announced
        self._started = 0.0  # perf_counter() of the newest reload
        self._loading = False
        self._index_of: dict[int, int] | None = None
        self.today: dt.date | None = None  # "today" for overdue; None: the clock (tests fix it)
        self._first_block_ready.connect(self._on_first_block, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------ loading

    @property
    def filter(self) -> InvoiceFilter:
        return self._filter

    @property
    def sort_key(self) -> tuple[str, bool]:
        return self._sort, self._descending

    def is_loading(self) -> bool:
        return self._loading

    def is_complete(self) -> bool:
        """Whether every row's id is known (not only the previewed first block)."""
        return self._count_known and len(self._ids) == self._count

    def count_known(self) -> bool:
        """False while a text search shows its first rows: more may follow."""
        return self._count_known

    def _query_filter(self) -> InvoiceFilter:
        if self.today is not None and self._filter.today is None:
            return replace(self._filter, today=self.today)
        return self._filter

    def set_filter(self, flt: InvoiceFilter) -> None:
        """Use ``flt`` from the next reload on."""
        self._filter = flt

    def reload(self, flt: InvoiceFilter | None = None) -> None:
        """Fetch the ids again (with ``flt`` when given); cached rows are dropped."""
        if flt is not None:
            self._filter = flt
        self._generation += 1
        self._started = time.perf_counter()
        query = (self._query_filter(), self._sort, self._descending, self.today)
        if not self._background:
            self._apply(*_load(self._db, *query))
            return
        generation = self._generation
        self._loading = True
        db = self._db

        def current() -> bool:
            return shiboken6.isValid(self) and generation == self._generation

        def done(result: tuple[list[int], list[InvoiceRow]]) -> None:
            if current():
                self._loading = False
                self._apply(*result)

        def failed(exc: BaseException, _trace: str) -> None:
            if current():
                self._loading = False
                self.failed.emit(tr("The invoices could not be loaded: {error}").format(error=exc))

        def work(task: Task) -> tuple[list[int], list[InvoiceRow]]:
            flt, sort, descending, _today = query
            first = list_invoices(db, flt, sort=sort, descending=descending, limit=BLOCK)
            if len(first) < BLOCK:
                return [row.id for row in first], first  # that is all of them
            # Counting scans every row when text is searched: then the count comes with the ids.
            count = None if _searches_text(flt) else count_invoices(db, flt)
            # Queued to the GUI thread, so it arrives before the result. The ids wait until
            # the first rows are shown: reading 19,000 of them meanwhile holds the GIL the
            # GUI thread needs for painting (the first rows came 15-30 ms later).
            shown = threading.Event()
            self._first_block_ready.emit(generation, (count, first, shown))
            shown.wait(SHOWN_WAIT_S)
            if generation != self._generation:
                return [], []  # overtaken by a newer reload: its result would be dropped
            return _load(db, *query, first=first)

        run_task(work, done, failed)

    def _on_first_block(
        self, generation: int, result: tuple[int | None, list[InvoiceRow], threading.Event]
    ) -> None:
        count, first, shown = result
        if generation == self._generation and self._loading:
            self._preview(count, first)
            QTimer.singleShot(0, shown.set)  # after the view's layout and paint, mostly
        else:
            shown.set()

    def _reset(self, ids: list[int], count: int, first: list[InvoiceRow]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._count = count
        self._rows = {row.id: row for row in first}
        self._texts = {}
        self._index_of = None
        self.endResetModel()

    def _preview(self, count: int | None, first: list[InvoiceRow]) -> None:
        self._reset([row.id for row in first], len(first) if count is None else count, first)
        self._count_known = count is not None
        self._previewed = self._generation
        self.previewed.emit()
        self._announce_first_rows()

    def _apply(self, ids: list[int], first: list[InvoiceRow]) -> None:
        shown, before = len(self._ids), self._count
        fresh = self._previewed == self._generation  # the rows on screen are this reload's
        if fresh and len(ids) >= before and ids[:shown] == self._ids:
            # The preview was right: add the other rows; selection and scrolling stay.
            if len(ids) > before:
                self.beginInsertRows(QModelIndex(), before, len(ids) - 1)
                self._ids, self._count = ids, len(ids)
                self.endInsertRows()
            self._ids = ids
            self._index_of = None
            for row in first:
                self._rows.setdefault(row.id, row)
            if before > shown:  # rows that waited for their ids
                last = self.index(before - 1, len(COLUMNS) - 1)
                self.dataChanged.emit(self.index(shown, 0), last)
        else:
            self._reset(ids, len(ids), first)
        self._count_known = True
        self.loaded.emit()
        self._announce_first_rows()

    def _announce_first_rows(self) -> None:
        if self._first_shown != self._generation:
            self._first_shown = self._generation
            self.firstRowsLoaded.emit((time.perf_counter() - self._started) * 1000)

    def _row(self, row: int) -> InvoiceRow | None:
        invoice_id = self._ids[row]
        cached = self._rows.get(invoice_id)
        if cached is None:
            start = (row // BLOCK) * BLOCK
            block = [i for i in self._ids[start : start + BLOCK] if i not in self._rows]
            for fetched in rows_by_id(self._db, block, self.today):
                self._rows[fetched.id] = fetched
            cached = self._rows.get(invoice_id)
        return cached

    def _text(self, row: InvoiceRow, column: int) -> str:
        texts = self._texts.get(row.id)
        if texts is None:
            texts = self._texts[row.id] = tuple(_display(row, key) for key, _ in COLUMNS)
        return texts[column]

    # ------------------------------------------------------------------ lookups

    def invoice_id(self, row: int) -> int:
        return self._ids[row]  # (rows past a preview are not selectable, so never asked)

    def invoice_row(self, row: int) -> InvoiceRow | None:
        """The row's data (fetched with its block if needed); None if it vanished meanwhile."""
        return self._row(row) if 0 <= row < len(self._ids) else None

    def row_of(self, invoice_id: int) -> int | None:
        """The row showing ``invoice_id``, or None when it is not in the current result."""
        if self._index_of is None:
            self._index_of = {value: i for i, value in enumerate(self._ids)}
        return self._index_of.get(invoice_id)

    def ids(self) -> list[int]:
        return list(self._ids)

    # ------------------------------------------------------------------ Qt API

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._count

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if index.isValid() and index.row() >= len(self._ids):
            return Qt.ItemFlag.ItemIsEnabled  # a row whose id is still on its way
        return super().flags(index)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        key = COLUMNS[section][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return column_title(key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            align = Qt.AlignmentFlag.AlignRight if key in _RIGHT else Qt.AlignmentFlag.AlignLeft
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and not is_sortable(section):
            return tr(UNSORTABLE[key]) if key in UNSORTABLE else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            waiting = index.isValid() and index.row() < self._count and index.column() == 0
            return "…" if waiting and role == Qt.ItemDataRole.DisplayRole else None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            align = Qt.AlignmentFlag.AlignRight if key in _RIGHT else Qt.AlignmentFlag.AlignLeft
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        if role == IdRole:
            return self._ids[index.row()]
        if role not in _ROW_ROLES:
            return None
        row = self._row(index.row())
        if row is None:
            return None
        if role == RowRole:
            return row
        if role == StateRole:
            return row.state
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, key)
        if role == Qt.ItemDataRole.FontRole:
            return _italic() if key == "number" and row.number is None else None
        if role == Qt.ItemDataRole.DecorationRole:
            return badge(row.state) if key == "state" else None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._text(row, index.column()) if key != "state" else state_text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row, key, self.today or dt.date.today())
        return self._text(row, index.column())

    def _foreground(self, row: InvoiceRow, key: str) -> QColor | None:
        if key == "due_date" and row.state is State.OVERDUE:
            return overdue_colour()
        muted = (
            row.status is Status.CANCELLED
            or (key == "number" and row.number is None)
            or (key == "open" and row.open_amount == 0)
        )
        if muted:
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not is_sortable(column):
            return  # not sortable in SQL (tags)
        self._sort = COLUMNS[column][0]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()


_ROW_ROLES = {
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.FontRole,
    RowRole,
    StateRole,
}


def _searches_text(flt: InvoiceFilter) -> bool:
    return bool(flt.search.strip() or flt.text.strip())


def _load(
    db: Books,
    flt: InvoiceFilter,
    sort: str,
    descending: bool,
    today: dt.date | None,
    *,
    first: list[InvoiceRow] | None = None,
) -> tuple[list[int], list[InvoiceRow]]:
    """The ordered ids and the rows of the first block (``first`` when it still is)."""
    ids = row_ids(db, flt, sort=sort, descending=descending)
    if first is not None and [row.id for row in first] == ids[: len(first)]:
        return ids, first
    return ids, rows_by_id(db, ids[:BLOCK], today)


def state_text(row: InvoiceRow) -> str:
    text = tr(STATE_LABELS[row.state])
    if row.doc_type is DocType.CREDIT_NOTE:
        return tr("{state} (credit note)").format(state=text)
    return text


_ITALIC: list[QFont] = []


def _italic() -> QFont:
    """One italic font for all draft numbers (built once: see delegates on PySide calls)."""
    if not _ITALIC:
        font = QFont(QApplication.font())
        font.setItalic(True)
        _ITALIC.append(font)
    return _ITALIC[0]


def _display(row: InvoiceRow, key: str) -> str:
    if key == "number":
        return display_number(row)
    if key == "client":
        return row.client_name
    if key == "date":
        return formatting.date(row.date)
    if key == "due_date":
        return formatting.date(row.due_date) if row.doc_type is DocType.INVOICE else ""
    if key == "state":  # the badge (decoration) says the state; the text only the kind
        return tr("credit note") if row.doc_type is DocType.CREDIT_NOTE else ""
    if key == "tags":
        return ", ".join(row.tags)
    if key == "sent":  # the local date: a mail sent at 23:30 UTC went out "tomorrow" in Berlin
        return formatting.date(row.sent_at.astimezone().date()) if row.sent_at else ""
    if key == "open" and row.status in (Status.DRAFT, Status.CANCELLED):
        return ""  # nothing is receivable on a draft or a cancelled invoice
    amount = {"net": row.net, "gross": row.gross, "open": row.open_amount}[key]
    if row.doc_type is DocType.CREDIT_NOTE:  # it takes money back: negative, as the totals
        amount = -amount
    return f"{formatting.money(amount, row.currency)} {row.currency}"


def _local_time(value: dt.datetime) -> str:
    """A stored UTC time as the local date and time in the user's locale."""
    from babel.dates import format_time  # (loaded with formatting's babel.dates already)

    local = value.astimezone()
    time_text = format_time(local, "short", locale=formatting.user_locale())
    return f"{formatting.date(local.date())} {time_text}"


def _tooltip(row: InvoiceRow, key: str, today: dt.date) -> str | None:
    if key == "state":
        if row.state is State.OVERDUE and row.due_date is not None:
            days = (today - row.due_date).days
            return ntr(
                "Overdue since {date} ({n} day)", "Overdue since {date} ({n} days)", days
            ).format(date=formatting.date(row.due_date), n=formatting.number(days))
        if row.status is Status.DRAFT:
            return tr("Draft: not issued yet, can still be changed")
        return state_text(row)
    if key == "number":
        kind = tr("Credit note") if row.doc_type is DocType.CREDIT_NOTE else tr("Invoice")
        text = f"{kind} {display_number(row)}" + (f" — {row.title}" if row.title else "")
        if row.tags:  # (the tags column is often hidden)
            text += "\n" + tr("Tags: {tags}").format(tags=", ".join(row.tags))
        return text
    if key == "open" and row.doc_type is DocType.CREDIT_NOTE and row.open_amount > 0:
        return tr("Owed to the client: to refund, or to set off against an invoice")
    if key == "open" and row.open_amount < 0:
        return tr("Paid more than due: the difference is the client's credit")
    if key == "sent":
        if row.sent_at is None:
            return tr("Not sent by email")
        when = _local_time(row.sent_at)
        if row.sent_to:
            return tr("Last sent by email on {when} to {to}").format(when=when, to=row.sent_to)
        return tr("Last sent by email on {when}").format(when=when)
    if key in ("client", "tags"):  # elided when narrow: the whole text
        return _display(row, key) or None
    return None
