"""The payments page: every payment with filters (client, method, dates), sums and removal."""

from __future__ import annotations

import datetime as dt

import shiboken6
from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import ntr, tr
from invoicedesk.services import payments
from invoicedesk.services.books import Books
from invoicedesk.services.inputs import PaymentMethod
from invoicedesk.services.payments import MoneyMoved, PaymentRow
from invoicedesk.ui import formatting
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.icons import icon
from invoicedesk.ui.invoices.actions import open_editor
from invoicedesk.ui.invoices.filter_bar import AnyDateEdit, ClientCombo, client_choices
from invoicedesk.ui.messages import confirm, report
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.payments.models import (
    COLUMN,
    METHOD_LABELS,
    VISUAL_ORDER,
    PaymentFilter,
    PaymentTableModel,
)
from invoicedesk.ui.payments.record_dialog import amount_text
from invoicedesk.ui.worker import Task, run_task

COLUMN_WIDTHS = {"date": 95, "invoice": 130, "amount": 130, "method": 120, "reference": 220}
RELOAD_KINDS = ("payment", "invoice", "client")


class PaymentsPage(QWidget):
    """All payments received (and refunds paid out), newest first."""

    status_message = Signal(str)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today  # the record dialog's default date; None: the clock (tests fix it)
        self.chooser: QWidget | None = None  # the dialogs of "Record payment…", while open
        self.record_dialog: QWidget | None = None
        self._clients_loaded = False
        self._clients_task: Task | None = None

        self.client = ClientCombo(all_text=tr("All clients"))
        self.client.lineEdit().setPlaceholderText(tr("Type a client's name"))
        self.client.setAccessibleName(tr("Filter by client"))
        self.method = QComboBox()
        self.method.addItem(tr("All methods"), "")  # never None as data: see delegates.model_data
        for method, label in METHOD_LABELS.items():
            self.method.addItem(tr(label), method.value)
        self.method.setAccessibleName(tr("Filter by method"))
        self.method.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        # Room for the longest choice ("Alle Zahlungsarten" is longer than "All methods").
        self.method.setMinimumContentsLength(
            max(len(self.method.itemText(i)) for i in range(self.method.count()))
        )
        # Translators: an empty date limit ("Paid from: Any")
        self.date_from = AnyDateEdit(any_text=tr("Any"))
        self.date_to = AnyDateEdit(any_text=tr("Any"))
        self.date_from.setAccessibleName(tr("Paid from"))
        self.date_to.setAccessibleName(tr("Paid until"))
        self.clear_button = QPushButton(tr("Clear filters"))
        self.clear_button.clicked.connect(self.clear_filters)
        bar = QHBoxLayout()
        bar.setSpacing(6)
        bar.addWidget(self.client, 2)  # "All clients" / "All methods" name themselves
        bar.addWidget(self.method)
        # Translators: "Paid from [date] to [date]"
        for text, widget in ((tr("Paid &from"), self.date_from), (tr("to"), self.date_to)):
            label = QLabel(text)
            label.setBuddy(widget)
            bar.addSpacing(6 if widget is self.date_from else 0)
            bar.addWidget(label)
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.clear_button)

        self.model = PaymentTableModel(ctx.db, self)
        self.table = QTableView()
        self.table.setObjectName("payment-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(max(self.fontMetrics().height() + 12, 26))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN["client"], QHeaderView.ResizeMode.Stretch)
        for key, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(COLUMN[key], width)
        for visual, key in enumerate(VISUAL_ORDER):
            header.moveSection(header.visualIndex(COLUMN[key]), visual)

        self.record_action = QAction(icon("hand-coins"), tr("Record &payment…"), self)
        self.record_action.setToolTip(tr("Record money received for an unpaid invoice"))
        self.record_action.triggered.connect(self.new_record)
        self.open_action = QAction(icon("file-text"), tr("Open &invoice"), self)
        self.open_action.setToolTip(tr("Open the invoice of the selected payment (Enter)"))
        self.open_action.triggered.connect(self.open_invoice)
        self.delete_action = QAction(icon("trash-2"), tr("&Remove payment"), self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        for action in self.actions():
            self.table.addAction(action)

        self.count_label = QLabel()
        self.totals_label = QLabel()
        self.totals_label.setObjectName("payment-totals")
        self.totals_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        footer = QHBoxLayout()
        footer.setContentsMargins(2, 0, 2, 0)
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(self.totals_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 6)
        layout.setSpacing(6)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)

        self._bus_timer = QTimer(self)
        self._bus_timer.setSingleShot(True)
        self._bus_timer.setInterval(30)
        self._bus_timer.timeout.connect(self.refresh)
        self.client.clientChanged.connect(self.refresh)
        self.client.needed.connect(self._load_clients)
        self.method.currentIndexChanged.connect(self.refresh)
        self.date_from.valueChanged.connect(self.refresh)
        self.date_to.valueChanged.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_invoice())
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.model.rowsInserted.connect(self._update_footer)
        ctx.bus.changed.connect(self._bus_changed)
        self.refresh()

    # ------------------------------------------------------------------ page API

    def actions(self) -> list[QAction]:  # type: ignore[override]
        return [self.record_action, self.open_action, self.delete_action]

    def current_filter(self) -> PaymentFilter:
        start, end = self.date_from.value(), self.date_to.value()
        if start and end and end < start:
            start, end = end, start
        return PaymentFilter(
            client_id=self.client.client_id(),
            method=PaymentMethod(self.method.currentData()) if self.method.currentIndex() else None,
            date_from=start,
            date_to=end,
        )

    def refresh(self) -> None:
        """Reload with the current filters, keeping the selected payments."""
        keep = [row.payment.id for row in self.selected_rows()]
        flt = self.current_filter()
        try:
            self.model.reload(flt)
        except DomainError as exc:
            self.status_message.emit(
                tr("The payments could not be listed: {error}").format(error=exc.message)
            )
            return
        for payment_id in keep:
            row = self.model.row_of(payment_id)
            if row is not None:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    self.table.selectionModel().SelectionFlag.Select
                    | self.table.selectionModel().SelectionFlag.Rows,
                )
        self.clear_button.setEnabled(not flt.is_empty())
        self._selection_changed()
        self._update_footer()

    def focus_search(self) -> None:
        self.client.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.client.lineEdit().selectAll()

    def new_record(self) -> None:
        """Choose an unpaid invoice, then record its payment."""
        from invoicedesk.ui.payments.chooser import InvoiceChooserDialog
        from invoicedesk.ui.payments.record_dialog import RecordPaymentDialog

        chooser = InvoiceChooserDialog(self.ctx, self, today=self.today)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.chooser = chooser

        def chosen() -> None:
            if chooser.invoice_id is None:
                return
            dialog = RecordPaymentDialog(self.ctx, chooser.invoice_id, self, today=self.today)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.accepted.connect(lambda: self.status_message.emit(tr("Payment recorded")))
            self.record_dialog = dialog
            dialog.open()

        chooser.accepted.connect(chosen)
        chooser.open()

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        settled = [r for r in rows if r.payment.credit_note_id is not None]
        if settled:
            self.status_message.emit(
                tr("Amounts settled by a credit note go with the credit note — cancel it instead.")
            )
            return
        if len(rows) == 1:
            p = rows[0].payment
            question = tr("Remove the payment of {amount} from {date} on {invoice}?").format(
                amount=amount_text(p.amount, rows[0].currency),
                date=formatting.date(p.date),
                invoice=rows[0].invoice_number,
            )
        else:
            question = ntr("Remove {n} payment?", "Remove {n} payments?", len(rows)).format(
                n=len(rows)
            )
        if not confirm(
            self,
            tr("Remove payment"),
            question + "\n\n" + tr("The invoice's open amount grows again. This cannot be undone."),
            tr("Remove"),
            destructive=True,
        ):
            return
        wanted = [row.payment.id for row in rows]
        labels = {row.payment.id: f"{row.invoice_number}, {formatting.date(row.payment.date)}"
                  for row in rows}  # fmt: skip

        def remove(db: Books) -> tuple[list[int], list[tuple[int, str]]]:
            """One transaction; a payment a rule keeps is reported, the others go."""
            return payments.delete_payments(db, wanted)

        def changed(outcome: tuple[list[int], list[tuple[int, str]]]) -> Changes:
            touched = outcome[0]
            return Changes.of(payment=touched, invoice=touched) if touched else Changes()

        def removed(outcome: tuple[list[int], list[tuple[int, str]]]) -> None:
            touched, refused = outcome
            if touched:
                n = len(touched)
                self.status_message.emit(
                    ntr("{n} payment removed", "{n} payments removed", n).format(n=n)
                )
            if refused:
                failed = [f"• {labels[payment_id]}: {message}" for payment_id, message in refused]
                report(
                    self,
                    tr("Remove payment"),
                    ntr(
                        "{failed} of {n} payment could not be removed:",
                        "{failed} of {n} payments could not be removed:",
                        len(rows),
                    ).format(failed=len(failed), n=len(rows))
                    + "\n"
                    + "\n".join(failed),
                )

        self.delete_action.setEnabled(False)  # one removal at a time
        Operation(
            self, self.ctx, tr("Remove Payment"), remove, changes=changed,
        ).success(removed).finally_(self._selection_changed).run()  # fmt: skip

    def selected_rows(self) -> list[PaymentRow]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.payment_row(r) for r in rows]

    def open_invoice(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 1:
            open_editor(self.ctx, rows[0].payment.invoice_id, self)

    def clear_filters(self) -> None:
        for widget in (self.client, self.method, self.date_from, self.date_to):
            widget.blockSignals(True)
        self.client.set_client_id(None)
        self.method.setCurrentIndex(0)
        self.date_from.set_value(None)
        self.date_to.set_value(None)
        for widget in (self.client, self.method, self.date_from, self.date_to):
            widget.blockSignals(False)
        self.refresh()

    # ------------------------------------------------------------------ internals

    def _bus_changed(self, kind: str, _ids: list) -> None:
        if kind in RELOAD_KINDS:
            self._bus_timer.start()
        if kind == "client" and self._clients_loaded:
            self._load_clients()

    def _load_clients(self) -> None:
        self._clients_loaded = True
        db = self.ctx.db

        def done(choices: list[tuple[int, str]]) -> None:
            if shiboken6.isValid(self):
                self.client.set_clients(choices)

        def failed(exc: BaseException, _trace: str) -> None:
            if shiboken6.isValid(self):
                self.status_message.emit(
                    tr("The client list could not be loaded: {error}").format(error=exc)
                )

        self._clients_task = run_task(lambda task: client_choices(db), done, failed)

    def _selection_changed(self, *_args: object) -> None:
        rows = self.selected_rows()
        self.open_action.setEnabled(len(rows) == 1)
        removable = bool(rows) and all(r.payment.credit_note_id is None for r in rows)
        self.delete_action.setEnabled(removable)
        self.delete_action.setToolTip(
            tr("Remove the selected payments (Del)")
            if removable or not rows
            else tr("Settled by a credit note: cancel the credit note instead")
        )

    def _update_footer(self, *_args: object) -> None:
        n = self.model.rowCount()
        sums = self.model.totals()
        total = " &nbsp;&nbsp;|&nbsp;&nbsp; ".join(
            _money_moved_html(currency, moved) for currency, moved in sorted(sums.items())
        )
        if self.model.all_loaded():
            self.count_label.setText(
                ntr("{n} payment", "{n} payments", n).format(n=formatting.number(n))
            )
            self.totals_label.setText(tr("Total &nbsp;{total}").format(total=total) if sums else "")
        else:
            self.count_label.setText(
                tr("{n} payments shown — scroll down for more").format(n=formatting.number(n))
            )
            self.totals_label.setText(tr("Sum of those shown &nbsp;{total}").format(total=total))

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(self.open_action)
        menu.addAction(self.record_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        # Reached only when no window-wide shortcut took the key (the page on its own).
        if event.matches(QKeySequence.StandardKey.Find):
            self.focus_search()
        elif event.key() == Qt.Key.Key_F5:
            self.refresh()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.open_invoice()
        else:
            super().keyPressEvent(event)


def _money_moved_html(currency: str, moved: MoneyMoved) -> str:
    """One currency's footer entry: the net, and how it comes about when refunds exist
    (a refund is money paid back, never added to money received)."""
    net = f"<b>{currency}</b>&nbsp; {formatting.money(moved.net, currency)}"
    if not moved.refunded:
        return net
    return tr("{net} &nbsp;(received {received}, refunded {refunded})").format(
        net=net,
        received=formatting.money(moved.received, currency),
        refunded=formatting.money(moved.refunded, currency),
    )
