"""The invoice editor window: a new or saved draft to edit, or an issued invoice to look at.

Everything the user types is read into an ``InvoiceInput`` on every change
(:mod:`.collect`); the totals panel shows ``compute_totals(document_of(input))``
and nothing else. Problems — unreadable numbers, a missing client, or a
``DomainError`` the service raised on saving — are flagged on their field or
cell and listed beside the Save button, which stays disabled with the reasons
as its tooltip. Whether there is anything to save is decided by comparing a
snapshot of the form with the one taken at loading or saving, so undoing back
to the saved state is no change. Writes are operations on the write worker
(:mod:`.operations`); the window listens on the bus and reloads when another
screen changes its invoice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)

from invoicedesk.core.errors import DomainError, NotFoundError
from invoicedesk.core.lifecycle import State
from invoicedesk.core.money import minor_unit
from invoicedesk.core.rules import Action, allows
from invoicedesk.i18n import ntr, tr
from invoicedesk.services import clients as client_service
from invoicedesk.services import invoices as invoice_service
from invoicedesk.services import products as product_service
from invoicedesk.services.document_texts import text_language, texts_of
from invoicedesk.services.inputs import InvoiceInput
from invoicedesk.services.invoices import InvoiceView
from invoicedesk.services.products import ProductView
from invoicedesk.services.settings import all_settings, get_company
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoice_editor import prompts, status
from invoicedesk.ui.invoice_editor.charges_model import ChargesModel, charge_row_of
from invoicedesk.ui.invoice_editor.collect import Collected, collect, shown_amounts
from invoicedesk.ui.invoice_editor.commands import TextHistory
from invoicedesk.ui.invoice_editor.delegates import ProductListModel
from invoicedesk.ui.invoice_editor.extras_form import ExtrasForm
from invoicedesk.ui.invoice_editor.header_form import HeaderForm
from invoicedesk.ui.invoice_editor.layout import build_window
from invoicedesk.ui.invoice_editor.lines_model import LinesModel, row_of
from invoicedesk.ui.invoice_editor.lines_pane import LinesPane
from invoicedesk.ui.invoice_editor.operations import Operations
from invoicedesk.ui.invoice_editor.parsing import Problem, TaxChoice, choice_of, tax_choices
from invoicedesk.ui.invoice_editor.problem_display import ProblemDisplay
from invoicedesk.ui.invoice_editor.record_models import HistoryModel, PaymentsModel
from invoicedesk.ui.invoice_editor.texts_form import TextsForm
from invoicedesk.ui.invoice_editor.totals_panel import TotalsPanel
from invoicedesk.ui.mail.actions import EditorMail
from invoicedesk.ui.pdf.editor import EditorPdf

PICKER_LIMIT = 10_000  # clients and products loaded for completion


class InvoiceEditor(QMainWindow):
    saved = Signal(int)  # the invoice id, after a save (also the save before issuing)
    issued = Signal(int)
    reloaded = Signal()
    operation_failed = Signal(str)  # the message shown
    editor_opened = Signal(object)  # another InvoiceEditor (clone, credit note)

    # Made by layout.build_window:
    badge: QLabel
    status_text: QLabel
    tabs: QTabWidget
    payments_view: QTableView
    history_view: QTableView
    problem_label: QLabel
    close_button: QPushButton
    save_button: QPushButton
    issue_button: QPushButton
    undo_action: QAction
    redo_action: QAction
    invoice_menu: QMenu
    button_row: QHBoxLayout

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
        self._touched = False  # once true, problems are painted red, not just hinted
        self._force_close = False
        self._currency_chosen = False
        self._service_problem: tuple[Problem, tuple[Any, ...]] | None = None
        self._notice = ""
        self._baseline: tuple[Any, ...] = ()
        self._base = InvoiceInput()

        self._settings = all_settings(ctx.db)
        company = get_company(ctx.db)
        self._company_currency = company.currency or "EUR"
        self._company_language = company.language
        self._texts_language = text_language(company.language)  # whose default texts show
        default_tax = choice_of(Decimal(str(self._settings["default_tax_rate"])))
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
        build_window(self)
        # The discount on the whole invoice is undone like a line edit.
        TextHistory(self.extras.discount, self.undo_stack, tr("Edit discount on the whole invoice"),
                    lambda: self.tabs.setCurrentWidget(self.extras))  # fmt: skip
        self.pdf = EditorPdf(self)  # PDF actions and the Archived PDFs tab
        self.mail = EditorMail(self)  # Send by email…
        self.problem_display = ProblemDisplay(
            self.problem_label, self.widget_for, self.lines_model, self.charges_model
        )
        self.problem_label.linkActivated.connect(lambda _link: self.show_first_problem())
        self.header.set_company_defaults(
            self._company_currency, int(self._settings["default_due_days"])
        )
        self._set_tax_choices([])
        self.header.set_clients(client_service.list_clients(ctx.db, limit=PICKER_LIMIT))
        self.products.set_products(product_service.list_products(ctx.db, limit=PICKER_LIMIT))
        self._connect()
        self.current = self._collect()
        if invoice_id is None:
            self._new_draft(client_id)
        else:
            self.show_view(invoice_service.get_invoice(ctx.db, invoice_id))

    def _connect(self) -> None:
        for form in (self.header, self.texts, self.extras):
            form.changed.connect(self._refresh)
        self.lines_model.edited.connect(self._refresh)
        self.charges_model.edited.connect(self._refresh)
        self.lines_model.product_filled.connect(self._product_filled)
        self.header.client_changed.connect(self._client_chosen)
        self.header.currency.activated.connect(self._note_currency_chosen)
        self.header.new_client_requested.connect(self.ops.new_client)
        self.ctx.bus.changed.connect(self._on_bus)

    def _set_tax_choices(self, used: list[TaxChoice]) -> None:
        choices = tax_choices(self._settings["tax_rates"], used)
        self.lines.set_tax_choices(choices)
        self.extras.set_tax_choices(choices)

    # ------------------------------------------------------------------ loading

    def _new_draft(self, client_id: int | None) -> None:
        s = self._settings
        self.header.set_client_id(client_id)
        client = self.header.current_client()
        texts = texts_of(s, self._language_of(client))  # the document's language
        data = InvoiceInput(
            client_id=client_id,
            currency=(client.data.currency if client else None) or self._company_currency,
            price_basis=s["price_basis"],
            title=texts.title,
            intro=texts.intro,
            note=texts.note,
        )
        self._fill(data, [self.lines_model.new_row()], [])
        self.payments_model.set_payments((), self._company_currency)
        self.history_model.set_history(())
        self._settle(touched=False)
        view = self.lines.view
        if client is None:
            self.header.client.setFocus()
        else:
            view.setFocus()
            view.setCurrentIndex(self.lines_model.index(0, self.lines_model.column_of("name")))

    def show_view(self, view: InvoiceView) -> None:
        """Show ``view`` as saved: the form, its lines, payments and history; nothing dirty."""
        self.view = view
        self.invoice_id = view.id
        data = view.data
        currency = data.currency or self._company_currency
        if self.header.client.findData(view.client_id) < 0:
            self.header.add_client(client_service.get_client(self.ctx.db, view.client_id))
        self._set_tax_choices(
            [choice_of(line.tax_rate, line.tax_category) for line in data.lines]
            + [
                choice_of(item.tax_rate, item.tax_category)
                for item in data.allowances_charges
                if item.tax_rate is not None
            ]
        )
        places = minor_unit(currency)
        self._fill(
            data,
            [row_of(line, places) for line in data.lines],
            [charge_row_of(item, places) for item in data.allowances_charges],
        )
        self.payments_model.set_payments(view.payments, currency)
        self.history_model.set_history(view.history)
        self._settle(touched=True)
        self.reloaded.emit()

    def _fill(self, data: InvoiceInput, lines: list[Any], charges: list[Any]) -> None:
        self._loading = True
        self._base = data
        self.header.load(data)
        self.texts.load(data)
        self._texts_language = text_language(self._language_of(self.header.current_client()))
        self.extras.load(data, minor_unit(data.currency or self._company_currency))
        self.lines_model.set_rows(lines)
        self.charges_model.set_rows(charges)
        self._loading = False

    def _settle(self, *, touched: bool) -> None:
        """What is shown is the saved state: no undo history, no stale problems, not dirty."""
        self._apply_mode()
        self.undo_stack.clear()
        self._service_problem = None
        self._notice = ""
        self._baseline = self.snapshot()
        self._touched = touched
        self._refresh()

    def reload(self) -> None:
        if self.invoice_id is None:
            return
        try:
            view = invoice_service.get_invoice(self.ctx.db, self.invoice_id)
        except NotFoundError:
            self._force_close = True
            prompts.inform(
                self, tr("Invoice removed"), tr("This draft was deleted in another window.")
            )
            self.close()
            return
        self.show_view(view)

    # ------------------------------------------------------------------ state

    @property
    def editable(self) -> bool:
        view = self.view
        return view is None or allows(view.doc_type, view.status, Action.EDIT)

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
        """How questions name the invoice ("the new invoice", "invoice RE-2026-0001")."""
        return status.spoken_name(self.view)

    def _apply_mode(self) -> None:
        view = self.view
        read_only = not self.editable
        locked = view is not None and view.corrects_id is not None
        self.header.set_read_only(read_only, party_locked=locked)
        self.texts.set_read_only(read_only)
        self.extras.set_read_only(read_only)
        self.lines.set_read_only(read_only)
        self.charges_model.set_read_only(read_only)
        self.tabs.setTabVisible(self.tabs.indexOf(self.payments_view), not self.editable)
        self.tabs.setTabVisible(self.tabs.indexOf(self.history_view), view is not None)
        self.undo_action.setVisible(not read_only)
        self.redo_action.setVisible(not read_only)
        self._show_title()

    def _show_title(self) -> None:
        client = self.header.current_client()
        self.setWindowTitle(status.window_title(self.view, client.name if client else ""))
        text, style = status.badge(self.view.state if self.view else State.DRAFT)
        self.badge.setText(text)
        self.badge.setStyleSheet(style)
        currency = self.view.data.currency if self.view else None
        self.status_text.setText(status.status_line(self.view, currency or self._company_currency))

    # ------------------------------------------------------------------ every change

    def _collect(self) -> Collected:
        return collect(
            self._base,
            self.header,
            self.texts,
            self.extras,
            self.lines_model,
            self.charges_model,
        )

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
        self._touched = self._touched or dirty
        problems = list(self.current.problems)
        if self._service_problem is not None:
            if self._service_problem[1] == snapshot:
                problems.insert(0, self._service_problem[0])
            else:
                self._service_problem = None  # changed since: the next save checks again
        self.problems = problems if self.editable else []
        self.problem_display.show(self.problems, self._touched)
        if not self.problems and self._notice:
            self.problem_display.notice(self._notice)
        self._show_totals()
        self.setWindowModified(dirty)
        self.ops.update()

    def _show_totals(self) -> None:
        collected = self.current
        notes = []
        if collected.left_out and self.editable:
            rows = ", ".join(str(r + 1) for r in collected.left_out)
            count = len(collected.left_out)
            notes.append(
                ntr("Line {rows} left out until complete.",
                    "Lines {rows} left out until complete.", count).format(rows=rows)
            )  # fmt: skip
        currency = collected.input.currency or self._company_currency
        self.totals.show_totals(collected.totals, notes, currency)
        lines, charges = shown_amounts(collected)
        self.lines_model.set_price_basis(collected.input.price_basis)
        self.lines_model.set_amounts(lines)
        self.charges_model.set_amounts(charges)

    # ------------------------------------------------------------------ problems

    def widget_for(self, key: str) -> QWidget | None:
        return (
            self.header.widget_for(key) or self.texts.widget_for(key) or self.extras.widget_for(key)
        )

    def show_first_problem(self) -> None:
        """Bring the first problem into view: its tab, its cell or its field, focused."""
        if not self.problems:
            return
        problem = self.problems[0]
        if problem.area == "lines":
            if problem.row >= 0:
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
        widget = self.widget_for(problem.key)
        if widget is not None:
            for tab in (self.texts, self.extras):
                if tab.isAncestorOf(widget):
                    self.tabs.setCurrentWidget(tab)
            widget.setFocus()

    def set_service_problem(self, exc: DomainError, sent: Collected) -> None:
        """Show a service's refusal on the field it names, until the user changes something."""
        self._touched = True
        self._service_problem = (sent.problem_of(exc), self.snapshot())
        self._refresh()

    # ------------------------------------------------------------------ reacting

    def _note_currency_chosen(self, _index: int) -> None:
        self._currency_chosen = True

    def _client_chosen(self, client: Any) -> None:
        if self._loading:
            return
        if self.view is None and client is not None and not self._currency_chosen:
            self.header.set_currency(client.data.currency or self._company_currency)
        self._swap_default_texts(client)
        self._show_title()

    def _language_of(self, client: Any) -> str:
        """The document language with ``client`` chosen: the client's, else the company's."""
        return str(client.data.language) if client is not None else self._company_language

    def _swap_default_texts(self, client: Any) -> None:
        """A client of another language: each text still exactly the default of the old
        language becomes the new language's default; texts the user typed stay."""
        old, new = self._texts_language, text_language(self._language_of(client))
        self._texts_language = new
        if new == old or not self.editable:
            return
        before, after = texts_of(self._settings, old), texts_of(self._settings, new)
        form = self.texts
        if form.title.text() == before.title:
            form.title.setText(after.title)
        if form.intro.toPlainText() == before.intro:
            form.intro.setPlainText(after.intro)
        if form.note.toPlainText() == before.note:
            form.note.setPlainText(after.note)

    def _product_filled(self, _row: int, product: ProductView) -> None:
        """Say so when a catalogue price is on the other price basis than the invoice."""
        basis = self.current.input.price_basis
        if product.data.price_basis != basis:
            self._notice = (
                tr(
                    "The catalogue price of {product} includes tax, but this invoice uses net "
                    "prices — check the unit price."
                )
                if product.data.price_basis == "gross"
                else tr(
                    "The catalogue price of {product} excludes tax, but this invoice uses "
                    "gross prices — check the unit price."
                )
            ).format(product=product.name)
        else:
            self._notice = ""
        self._refresh()

    def use_new_client(self, client_id: int) -> None:
        """A client was just created (New client…): list it and choose it."""
        self.header.set_clients(client_service.list_clients(self.ctx.db, limit=PICKER_LIMIT))
        self.header.set_client_id(client_id)

    def after_save(self, view: InvoiceView, snapshot: tuple[Any, ...]) -> None:
        """A save went through: remember the saved state (the user may have typed on)."""
        self.view = view
        self.invoice_id = view.id
        self._baseline = snapshot
        self._notice = ""
        self.history_model.set_history(view.history)
        self._apply_mode()
        self._refresh()

    def _on_bus(self, kind: str, ids: list[int]) -> None:
        if not shiboken6.isValid(self):
            return
        if kind == "client":
            self.header.set_clients(client_service.list_clients(self.ctx.db, limit=PICKER_LIMIT))
            return
        if kind == "product":
            self.products.set_products(
                product_service.list_products(self.ctx.db, limit=PICKER_LIMIT)
            )
            return
        if self.invoice_id is None or self.busy or kind not in ("invoice", "payment"):
            return  # busy: the changes of its own operation (it shows their result itself)
        named = bool(ids) and self.invoice_id in ids
        if not self.editable:
            if named or not ids or kind == "payment":
                self.reload()  # payments, cancellations … made elsewhere
        elif named and kind == "invoice" and not self.is_dirty():
            self.reload()  # e.g. issued from the invoice list; unsaved edits are never lost

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
    editor = InvoiceEditor(ctx, invoice_id, parent, client_id=client_id)  # its own window
    _OPEN.add(editor)
    editor.destroyed.connect(lambda *_: _OPEN.discard(editor))
    editor.show()
    return editor


__all__ = ["InvoiceEditor", "open_invoice_editor"]
