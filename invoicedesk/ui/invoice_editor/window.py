"""The invoice editor window: a new or saved draft to edit, or an issued invoice to look at.

Everything the user types is turned into an ``InvoiceInput`` on every change
(``_collect``); the totals panel shows ``compute_totals(document_of(input))``
and nothing else. Problems — unreadable numbers, a missing client, or a
``DomainError`` the service raised on saving — are flagged on their field or
cell and listed beside the Save button, which stays disabled with the reasons
as its tooltip. Writes run in the background (``operations``); the window
listens on the bus and reloads when another screen changes its invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError, NotFoundError
from invoicedesk.core.lifecycle import DOC_TYPE_LABELS, STATE_LABELS, DocType, State
from invoicedesk.core.money import minor_unit
from invoicedesk.core.totals import Totals, compute_totals
from invoicedesk.services import clients as client_service
from invoicedesk.services import invoices as invoice_service
from invoicedesk.services import products as product_service
from invoicedesk.services.inputs import InvoiceInput
from invoicedesk.services.invoices import InvoiceView, document_of
from invoicedesk.services.settings import all_settings, get_company
from invoicedesk.ui import formatting
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoice_editor import prompts
from invoicedesk.ui.invoice_editor.charges_model import ChargesModel, charge_row_of, parse_charges
from invoicedesk.ui.invoice_editor.delegates import ProductListModel
from invoicedesk.ui.invoice_editor.extras_form import ExtrasForm
from invoicedesk.ui.invoice_editor.feedback import ERROR_RED, mark
from invoicedesk.ui.invoice_editor.header_form import HeaderForm
from invoicedesk.ui.invoice_editor.lines_model import LinesModel, parse_rows, row_of
from invoicedesk.ui.invoice_editor.lines_pane import LinesPane
from invoicedesk.ui.invoice_editor.operations import Operations
from invoicedesk.ui.invoice_editor.parsing import Problem, choice_of, target_of, tax_choices
from invoicedesk.ui.invoice_editor.record_models import HistoryModel, PaymentsModel
from invoicedesk.ui.invoice_editor.texts_form import TextsForm
from invoicedesk.ui.invoice_editor.totals_panel import TotalsPanel

PICKER_LIMIT = 10_000  # clients and products loaded for completion
FIELD_KEYS = (
    "client_id", "date", "supply_date", "supply_end_date", "due_date", "due_days", "currency",
    "exchange_rate", "price_basis", "tags", "title", "label", "intro", "note", "discount",
    "prepaid", "adjustment", "cash_discount.rate", "cash_discount.days",
)  # fmt: skip
STATE_COLOURS = {
    State.DRAFT: "#1565c0",
    State.OPEN: "#00838f",
    State.OVERDUE: "#c62828",
    State.PART_PAID: "#ef6c00",
    State.PAID: "#2e7d32",
    State.CANCELLED: "#757575",
}


@dataclass(frozen=True, slots=True)
class Collected:
    """The form read once: the input (best effort when there are problems), its totals."""

    input: InvoiceInput
    problems: tuple[Problem, ...]
    totals: Totals | None
    line_rows: list[int]
    charge_rows: list[int]
    charge_kinds: list[bool]
    left_out: list[int]  # table rows the totals leave out until they are valid

    @property
    def line_count(self) -> int:
        return len(self.input.lines)


class InvoiceEditor(QMainWindow):
    saved = Signal(int)  # the invoice id, after a save (also the save before issuing)
    issued = Signal(int)
    reloaded = Signal()
    operation_failed = Signal(str)  # the message shown
    editor_opened = Signal(object)  # another InvoiceEditor (clone, credit note)

    def __init__(
        self,
        ctx: AppContext,
        invoice_id: int | None = None,
        parent: QWidget | None = None,
        *,
        client_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.invoice_id = invoice_id
        self.view: InvoiceView | None = None
        self.busy = False
        self.problems: list[Problem] = []
        self._loading = True
        self._touched = False
        self._force_close = False
        self._notifying = False
        self._currency_chosen = False
        self._service_problem: tuple[Problem, tuple[Any, ...]] | None = None
        self._baseline: tuple[Any, ...] = ()
        self._base = InvoiceInput()

        settings = all_settings(ctx.db)
        company = get_company(ctx.db)
        self._settings = settings
        self._company_currency = company.currency or "EUR"
        default_tax = choice_of(Decimal(str(settings["default_tax_rate"])))
        self.undo_stack = QUndoStack(self)
        self.lines_model = LinesModel(self.undo_stack, default_tax, self)
        self.charges_model = ChargesModel(self.undo_stack, default_tax, self)
        self.products = ProductListModel(self)
        self.header = HeaderForm()
        self.texts = TextsForm()
        self.extras = ExtrasForm(self.charges_model)
        self.lines = LinesPane(self.lines_model, self.products)
        self.totals = TotalsPanel()
        self.payments_model = PaymentsModel(self)
        self.history_model = HistoryModel(self)
        self.ops = Operations(self)
        self._build()
        self.header.set_company_defaults(self._company_currency, int(settings["default_due_days"]))
        self._set_tax_choices([])
        self._load_lists()
        self._connect()
        self.current = self._collect()
        if invoice_id is None:
            self._new_draft(client_id)
        else:
            self.show_view(invoice_service.get_invoice(ctx.db, invoice_id))

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.badge = QLabel()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_text = QLabel()
        self.status_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        strip = QHBoxLayout()
        strip.addWidget(self.badge)
        strip.addWidget(self.status_text, 1)
        for action in self.ops.state_actions:
            strip.addWidget(self.ops.button(action))

        self.payments_view = self._record_table(self.payments_model, "Payments")
        self.history_view = self._record_table(self.history_model, "History")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.texts, "Te&xts")
        self.tabs.addTab(self.extras, "Disc&ounts && charges")
        self.tabs.addTab(self.payments_view, "Pay&ments")
        self.tabs.addTab(self.history_view, "&History")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.lines)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        right = QVBoxLayout()
        right.addWidget(self.totals)
        right.addStretch(1)
        self.totals.setFixedWidth(300)
        middle = QHBoxLayout()
        middle.addWidget(splitter, 1)
        middle.addLayout(right)

        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.RichText)
        self.problem_label.linkActivated.connect(lambda _link: self.show_first_problem())
        self.problem_label.setAccessibleName("Problems")
        self.problem_label.setMinimumHeight(self.fontMetrics().height() * 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.problem_label, 1)
        self.close_button = self.ops.button(self.ops.close, "Close")
        self.save_button = self.ops.button(self.ops.save, "Save draft")
        self.issue_button = self.ops.button(self.ops.issue, "Issue invoice…")
        self.issue_button.setDefault(False)
        for button in (self.close_button, self.save_button, self.issue_button):
            bottom.addWidget(button)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.addLayout(strip)
        outer.addWidget(self.header)
        outer.addLayout(middle, 1)
        outer.addLayout(bottom)
        self.setCentralWidget(central)

        invoice_menu = self.menuBar().addMenu("&Invoice")
        for action in self.ops.menu_actions:
            if action is None:
                invoice_menu.addSeparator()
            else:
                invoice_menu.addAction(action)
        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        for action in self.lines.actions_for_menu:
            edit_menu.addAction(action)

        chain: list[QWidget] = [
            self.header.client,
            self.header.new_client,
            self.header.date,
            self.header.supply_date,
            self.header.supply_end_date,
            self.header.due_date,
            self.header.due_days,
            self.header.currency,
            self.header.exchange_rate,
            self.header.price_basis,
            self.header.tags,
            self.lines.view,
            self.lines.description,
            self.tabs,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

        available = QGuiApplication.primaryScreen().availableGeometry()
        self.resize(min(1280, available.width()), min(800, available.height()))
        self.setMinimumSize(1000, 640)

    @staticmethod
    def _record_table(model: Any, name: str) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setAccessibleName(name)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.setAlternatingRowColors(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _connect(self) -> None:
        for form in (self.header, self.texts, self.extras):
            form.changed.connect(self._refresh)
        self.lines_model.edited.connect(self._refresh)
        self.charges_model.edited.connect(self._refresh)
        self.header.client_changed.connect(self._client_chosen)
        self.header.currency.activated.connect(self._note_currency_chosen)
        self.header.new_client_requested.connect(self.ops.new_client)
        self.ctx.bus.changed.connect(self._on_bus)

    def _note_currency_chosen(self, _index: int) -> None:
        self._currency_chosen = True

    def _load_lists(self) -> None:
        self.header.set_clients(client_service.list_clients(self.ctx.db, limit=PICKER_LIMIT))
        self.products.set_products(product_service.list_products(self.ctx.db, limit=PICKER_LIMIT))

    def _set_tax_choices(self, used: list[Any]) -> None:
        choices = tax_choices(self._settings["tax_rates"], used)
        self.lines.set_tax_choices(choices)
        self.extras.set_tax_choices(choices)

    # ------------------------------------------------------------------ loading

    def _new_draft(self, client_id: int | None) -> None:
        s = self._settings
        self.header.set_client_id(client_id)
        client = self.header.current_client()
        data = InvoiceInput(
            client_id=client_id,
            currency=(client.data.currency if client else None) or self._company_currency,
            price_basis=s["price_basis"],
            title=s["default_title"],
            intro=s["default_intro"],
            note=s["default_note"],
        )
        self._base = data
        self._fill(data)
        self.lines_model.set_rows([self.lines_model.new_row()])
        self.charges_model.set_rows([])
        self.payments_model.set_payments((), data.currency or self._company_currency)
        self.history_model.set_history(())
        self._apply_mode()
        self._settle()
        self._touched = False
        self._refresh()
        if client is None:
            self.header.client.setFocus()
        else:
            self.lines.view.setFocus()
            self.lines.view.setCurrentIndex(
                self.lines_model.index(0, self.lines_model.column_of("name"))
            )

    def show_view(self, view: InvoiceView) -> None:
        """Show ``view`` as saved: the form, its lines, payments and history; nothing dirty."""
        self._loading = True
        self.view = view
        self.invoice_id = view.id
        data = view.data
        if self.header.client.findData(view.client_id) < 0:
            self.header.add_client(client_service.get_client(self.ctx.db, view.client_id))
        used = [choice_of(line.tax_rate, line.tax_category) for line in data.lines] + [
            choice_of(item.tax_rate, item.tax_category)
            for item in data.allowances_charges
            if item.tax_rate is not None
        ]
        self._set_tax_choices(used)
        self._base = data
        self._fill(data)
        places = minor_unit(data.currency or self._company_currency)
        self.lines_model.set_rows([row_of(line, places) for line in data.lines])
        self.charges_model.set_rows([charge_row_of(i, places) for i in data.allowances_charges])
        self.payments_model.set_payments(view.payments, data.currency or self._company_currency)
        self.history_model.set_history(view.history)
        self._apply_mode()
        self._settle()
        self._touched = True
        self._refresh()
        self.reloaded.emit()

    def _fill(self, data: InvoiceInput) -> None:
        self._loading = True
        places = minor_unit(data.currency or self._company_currency)
        self.header.load(data)
        self.texts.load(data)
        self.extras.load(data, places)
        self._loading = False

    def _settle(self) -> None:
        """The shown state is the saved one: clear undo, problems from the service, dirt."""
        self._loading = False
        self.undo_stack.clear()
        self._service_problem = None
        self._baseline = self.snapshot()

    def reload(self) -> None:
        if self.invoice_id is None:
            return
        try:
            view = invoice_service.get_invoice(self.ctx.db, self.invoice_id)
        except NotFoundError:
            self.view = None
            self._force_close = True
            prompts.inform(self, "Invoice removed", "This draft was deleted in another window.")
            self.close()
            return
        self.show_view(view)

    # ------------------------------------------------------------------ state

    @property
    def editable(self) -> bool:
        return self.view is None or self.view.is_draft

    def is_dirty(self) -> bool:
        return self.editable and self.snapshot() != self._baseline

    def snapshot(self) -> tuple[Any, ...]:
        return (
            self.header.snapshot(),
            self.texts.snapshot(),
            self.extras.snapshot(),
            self.lines_model.rows(),
            self.charges_model.rows(),
        )

    def what(self) -> str:
        """How the invoice is called in questions and titles."""
        view = self.view
        kind = DOC_TYPE_LABELS[view.doc_type] if view else "Invoice"
        if view is None:
            return f"the new {kind.lower()}"
        if view.number:
            return f"{kind.lower()} {view.number}"
        return f"{kind.lower()} draft {view.id}"

    def _apply_mode(self) -> None:
        view = self.view
        read_only = not self.editable
        locked = view is not None and view.corrects_id is not None
        self.header.set_read_only(read_only, party_locked=locked)
        self.texts.set_read_only(read_only)
        self.extras.set_read_only(read_only)
        self.lines.set_read_only(read_only)
        self.charges_model.set_read_only(read_only)
        self.tabs.setTabVisible(2, view is not None and not view.is_draft)
        self.tabs.setTabVisible(3, view is not None)
        self.undo_action.setVisible(not read_only)
        self.redo_action.setVisible(not read_only)
        self._show_title()

    def _show_title(self) -> None:
        view = self.view
        client = self.header.current_client()
        who = f" — {client.name}" if client else ""
        if view is None:
            self.setWindowTitle(f"New invoice[*]{who}")
            state = State.DRAFT
            status = "Not saved yet. The invoice gets its number and date when you issue it."
        else:
            kind = DOC_TYPE_LABELS[view.doc_type]
            if view.number:
                self.setWindowTitle(f"{kind} {view.number}{who}")
            else:
                self.setWindowTitle(f"{kind} draft {view.id}[*]{who}")
            state = view.state
            status = self._status_of(view)
        colour = STATE_COLOURS.get(state, "#546e7a")
        self.badge.setText(f" {STATE_LABELS.get(state, state)} ")
        self.badge.setStyleSheet(
            f"background: {colour}; color: white; border-radius: 4px; padding: 2px 8px;"
            "font-weight: bold;"
        )
        self.status_text.setText(status)

    def _status_of(self, view: InvoiceView) -> str:
        currency = view.data.currency or self._company_currency
        parts: list[str] = []
        if view.corrects_number:
            parts.append(f"Corrects invoice {view.corrects_number}")
        if view.is_draft:
            parts.append("Saved draft. It gets its number and date when you issue it.")
        else:
            parts.append(f"{view.number} issued {formatting.date(view.data.date)}")
            if view.data.due_date and view.doc_type is DocType.INVOICE:
                parts.append(f"due {formatting.date(view.data.due_date)}")
            total = f"{formatting.money(view.gross, currency)} {currency}"
            parts.append(
                f"total {total}, paid {formatting.money(view.paid_amount, currency)}, "
                f"open {formatting.money(view.open_amount, currency)}"
            )
        if view.credit_note_numbers:
            parts.append("credit notes " + ", ".join(view.credit_note_numbers))
        return " · ".join(parts)

    # ------------------------------------------------------------------ reading the form

    def _collect(self) -> Collected:
        head, problems = self.header.collect()
        currency = head["currency"]
        places = minor_unit(currency)
        self.lines_model.places = places
        self.charges_model.places = places
        lines, line_rows, line_problems = parse_rows(self.lines_model.rows(), places)
        charges, charge_rows, charge_problems = parse_charges(self.charges_model.rows(), places)
        extras, extra_problems = self.extras.collect(places)
        inp = replace(
            self._base,
            client=None,
            **head,
            **self.texts.collect(),
            **extras,
            lines=tuple(lines),
            allowances_charges=tuple(charges),
        )
        all_problems = problems + line_problems + charge_problems + extra_problems
        kinds = [c.is_charge for c in charges]
        totals: Totals | None = None
        try:
            totals = compute_totals(document_of(inp))
        except DomainError as exc:
            all_problems.append(target_of(exc.field, exc.message, line_rows, charge_rows, kinds))
        left_out = sorted({p.row for p in line_problems})
        return Collected(inp, tuple(all_problems), totals, line_rows, charge_rows, kinds, left_out)

    def commit_editors(self) -> None:
        """Hand open cell editors to their models, so a save includes the cell being typed."""
        self.lines.view.commit_editor()
        self.extras.table.commit_editor()

    def _refresh(self) -> None:
        if self._loading:
            return
        self.current = self._collect()
        snapshot = self.snapshot()
        dirty = self.editable and snapshot != self._baseline
        if dirty:
            self._touched = True
        problems = list(self.current.problems)
        if self._service_problem is not None:
            if self._service_problem[1] == snapshot:
                problems.insert(0, self._service_problem[0])
            else:
                self._service_problem = None
        self.problems = problems if self.editable else []
        self._show_problems()
        self._show_totals()
        self.setWindowModified(dirty)
        self.ops.update()

    def _show_totals(self) -> None:
        collected = self.current
        totals = collected.totals
        notes = []
        if collected.left_out and self.editable:
            rows = ", ".join(str(r + 1) for r in collected.left_out)
            noun = "Line" if len(collected.left_out) == 1 else "Lines"
            notes.append(f"{noun} {rows} left out until complete.")
        currency = collected.input.currency or self._company_currency
        self.totals.show_totals(totals, notes, currency)
        line_amounts: dict[int, str] = {}
        charge_amounts: dict[int, str] = {}
        if totals is not None:
            for line_total, row in zip(totals.lines, collected.line_rows, strict=True):
                line_amounts[row] = formatting.money(line_total.net_amount, totals.currency)
            sums: dict[int, Decimal] = {}
            for entry in totals.allowances_charges:
                if entry.index >= 0:  # the engine's parts of one entry (split by rate) added up
                    sums[entry.index] = sums.get(entry.index, Decimal(0)) + entry.amount
            for index, amount in sums.items():
                charge_amounts[collected.charge_rows[index]] = formatting.money(
                    amount, totals.currency
                )
        self.lines_model.set_price_basis(collected.input.price_basis)
        self.lines_model.set_amounts(line_amounts)
        self.charges_model.set_amounts(charge_amounts)

    # ------------------------------------------------------------------ problems

    def _show_problems(self) -> None:
        strict = self._touched
        problems = self.problems
        shown = problems if strict else []
        self.lines_model.set_problems(
            {(p.row, p.key): p.message for p in shown if p.area == "lines" and p.row >= 0}
        )
        self.charges_model.set_problems(
            {(p.row, p.key): p.message for p in shown if p.area == "charges" and p.row >= 0}
        )
        by_key = {p.key: p.message for p in reversed(shown) if p.area == "field"}
        for key in FIELD_KEYS:
            widget = self._widget_for(key)
            if widget is not None:
                mark(widget, by_key.get(key))
        if not problems:
            self.problem_label.clear()
            return
        first = problems[0].message
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        colour = ERROR_RED if strict else self.palette().placeholderText().color().name()
        prefix = "⚠ " if strict else "To save: "
        text = first if strict else first.split(": ", 1)[-1]
        self.problem_label.setText(
            f'<span style="color:{colour}">{prefix}{_escape(text)}{more}</span>'
            + ('&nbsp; <a href="#show">Show</a>' if strict else "")
        )

    def _widget_for(self, key: str) -> QWidget | None:
        return (
            self.header.widget_for(key) or self.texts.widget_for(key) or self.extras.widget_for(key)
        )

    def show_first_problem(self) -> None:
        """Bring the first problem into view: its tab, its cell or its field, focused."""
        if not self.problems:
            return
        problem = self.problems[0]
        if problem.area == "lines" and problem.row >= 0:
            index = self.lines_model.index(problem.row, self.lines_model.column_of(problem.key))
            self.lines.view.setCurrentIndex(index)
            self.lines.view.setFocus()
            return
        if problem.area == "charges":
            self.tabs.setCurrentWidget(self.extras)
            if problem.row >= 0:
                column = self.charges_model.column_of(problem.key)
                self.extras.table.setCurrentIndex(self.charges_model.index(problem.row, column))
            self.extras.table.setFocus()
            return
        widget = self._widget_for(problem.key)
        if widget is not None:
            for tab in (self.texts, self.extras):
                if tab.isAncestorOf(widget):
                    self.tabs.setCurrentWidget(tab)
            widget.setFocus()

    def set_service_problem(self, exc: DomainError, sent: Collected) -> None:
        """Show a service's refusal on the field it names, until the user changes something."""
        problem = target_of(
            exc.field, exc.message, sent.line_rows, sent.charge_rows, sent.charge_kinds
        )
        self._touched = True
        self._service_problem = (problem, self.snapshot())
        self._refresh()

    # ------------------------------------------------------------------ reacting

    def _client_chosen(self, client: Any) -> None:
        if self._loading:
            return
        if self.view is None and client is not None and not self._currency_chosen:
            self.header.set_currency(client.data.currency or self._company_currency)
        self._show_title()

    def use_new_client(self, client_id: int) -> None:
        """A client was just created (New client…): list it and choose it."""
        self.header.set_clients(client_service.list_clients(self.ctx.db, limit=PICKER_LIMIT))
        self.header.set_client_id(client_id)

    def after_save(self, view: InvoiceView, snapshot: tuple[Any, ...]) -> None:
        """A save went through: remember the saved state (the user may have typed on)."""
        self.view = view
        self.invoice_id = view.id
        self._baseline = snapshot
        self.history_model.set_history(view.history)
        self._apply_mode()
        self._refresh()

    def notify(self, ids: list[int]) -> None:
        self._notifying = True
        try:
            self.ctx.bus.notify("invoice", ids)
        finally:
            self._notifying = False

    def _on_bus(self, kind: str, ids: list[int]) -> None:
        if self._notifying or not shiboken6.isValid(self):
            return
        if kind == "client":
            self.header.set_clients(client_service.list_clients(self.ctx.db, limit=PICKER_LIMIT))
            return
        if kind == "product":
            self.products.set_products(
                product_service.list_products(self.ctx.db, limit=PICKER_LIMIT)
            )
            return
        if self.invoice_id is None or self.busy:
            return
        mine = kind == "invoice" and (not ids or self.invoice_id in ids)
        if (mine or kind == "payment") and not self.is_dirty():
            self.reload()

    def open_other(self, invoice_id: int) -> InvoiceEditor:
        editor = open_invoice_editor(self.ctx, invoice_id, self.parentWidget())
        self.editor_opened.emit(editor)
        return editor

    # ------------------------------------------------------------------ closing

    def close_now(self) -> None:
        """Close without asking (after a save, or when the user chose to discard)."""
        self._force_close = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.busy:
            self.ops.close_when_done = True
            event.ignore()
            return
        if not self._force_close:
            self.commit_editors()
            self._refresh()
            if self.is_dirty():
                answer = prompts.ask_unsaved(self, self.what())
                if answer is prompts.Unsaved.CANCEL:
                    event.ignore()
                    return
                if answer is prompts.Unsaved.SAVE:
                    event.ignore()
                    self.ops.save_draft(then=self.close_now)
                    return
        event.accept()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Parentless editors would be garbage-collected while still on screen; keep them until closed.
_OPEN: set[InvoiceEditor] = set()


def open_invoice_editor(
    ctx: AppContext,
    invoice_id: int | None,
    parent: QWidget | None = None,
    *,
    client_id: int | None = None,
) -> InvoiceEditor:
    """Show a (non-modal) editor for a new draft or an existing invoice and return it.

    An invoice that is already open in an editor is brought to the front instead.
    ``client_id`` preselects the client of a new draft.
    """
    if invoice_id is not None:
        for editor in list(_OPEN):
            if not shiboken6.isValid(editor):
                _OPEN.discard(editor)
            elif editor.ctx is ctx and editor.invoice_id == invoice_id:
                editor.showNormal()
                editor.raise_()
                editor.activateWindow()
                return editor
    editor = InvoiceEditor(ctx, invoice_id, parent, client_id=client_id)
    if parent is not None:
        editor.setWindowFlag(Qt.WindowType.Window, True)
    _OPEN.add(editor)
    editor.destroyed.connect(lambda *_: _OPEN.discard(editor))
    editor.show()
    return editor


__all__ = ["InvoiceEditor", "open_invoice_editor"]
