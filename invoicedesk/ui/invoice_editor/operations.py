"""What the editor does with an invoice: save, issue, record a payment, cancel, uncancel,
clone, credit note, delete — each an action whose state follows the invoice's state.

Each write is an operation (:class:`~invoicedesk.ui.operations.Operation`) on the write
worker, with frozen inputs and ids only; the invoices it changed go out as its changes,
so every list reloads (the editor itself, busy meanwhile, does not). While it runs the
editor is busy: its writing actions are disabled. A refusal is shown at the field it
names, or in a message; issuing an unsaved draft is two operations, save then issue, so
a refused issue keeps the save.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QPushButton

from invoicedesk.core.errors import DomainError
from invoicedesk.core.kinds import DocumentKind
from invoicedesk.core.lifecycle import Status
from invoicedesk.core.rules import IN_FORCE, Action, offers, refusal
from invoicedesk.i18n import ntr, tr
from invoicedesk.services import invoices as invoice_service
from invoicedesk.services.books import Books
from invoicedesk.services.invoices import InvoiceView
from invoicedesk.ui.clients.client_dialog import ClientDialog
from invoicedesk.ui.invoice_editor import prompts
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.payments.record_dialog import RecordPaymentDialog

if TYPE_CHECKING:
    from invoicedesk.ui.invoice_editor.collect import Collected
    from invoicedesk.ui.invoice_editor.window import InvoiceEditor

MAX_REASONS = 8

T = TypeVar("T")


def _changed(view: InvoiceView) -> Changes:
    return Changes.of(invoice=view.id)


def _is_credit(view: InvoiceView | None) -> bool:
    return view is not None and view.doc_type == DocumentKind.CREDIT_NOTE


def _listed(reasons: list[str]) -> str:
    listed = "\n".join(f"• {r}" for r in reasons[:MAX_REASONS])
    more = len(reasons) - MAX_REASONS
    if more > 0:
        listed += "\n• " + ntr("… and {n} more", "… and {n} more", more).format(n=more)
    return listed


class Operations(QObject):
    def __init__(self, editor: InvoiceEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.close_when_done = False
        self._running = 0  # operations started and not yet ended (a chain: more than one)
        self.buttons: dict[QAction, QPushButton] = {}

        def action(text: str, slot: Callable[[], object], shortcut: Any = None) -> QAction:
            act = QAction(text, editor)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(lambda _checked=False: slot())
            editor.addAction(act)
            return act

        self.save = action(tr("&Save draft"), self.save_draft, QKeySequence.StandardKey.Save)
        self.issue = action(tr("&Issue invoice…"), self.issue_invoice, "Ctrl+Shift+I")
        self.record_payment = action(tr("&Record payment…"), self.open_payment_dialog)
        self.cancel = action(tr("&Cancel invoice…"), self.cancel_invoice)
        self.uncancel = action(tr("&Uncancel"), self.uncancel_invoice)
        self.clone = action(tr("Clo&ne into a new draft"), self.clone_invoice)
        self.credit_note = action(tr("Create credit &note"), self.create_credit_note)
        self.delete = action(tr("&Delete draft…"), self.delete_draft)
        self.close = action(tr("&Close"), editor.close, QKeySequence.StandardKey.Close)
        self.state_actions = [self.record_payment, self.credit_note, self.cancel, self.uncancel,
                              self.clone]  # fmt: skip
        self.menu_actions: list[QAction | None] = [
            self.save, self.issue, None, *self.state_actions, None, self.delete, None, self.close,
        ]  # fmt: skip

    def button(self, action: QAction, text: str | None = None) -> QPushButton:
        """A push button that mirrors ``action`` (enabled, visible, tooltip, and its text
        unless ``text`` is given)."""
        button = QPushButton(text or action.text())

        def sync() -> None:
            if text is None:  # the menu's mnemonic stays in the menu (Alt+I is the menu's)
                button.setText(action.text().replace("&", ""))
            button.setEnabled(action.isEnabled())
            button.setVisible(action.isVisible())
            button.setToolTip(action.toolTip())

        button.clicked.connect(action.trigger)
        action.changed.connect(sync)
        sync()
        self.buttons[action] = button
        return button

    # ------------------------------------------------------------------ state

    def update(self) -> None:
        e = self.editor
        view = e.view
        editable = e.editable
        saved = e.invoice_id is not None
        busy = e.busy
        reasons = [p.message for p in e.problems]
        listed = _listed(reasons)
        credit = _is_credit(view)

        self.save.setVisible(editable)
        can_save = editable and not busy and not reasons and (e.is_dirty() or not saved)
        self.save.setEnabled(can_save)
        if reasons:
            self.save.setToolTip(tr("Can't save yet:\n{problems}").format(problems=listed))
        elif not can_save and editable and not busy:
            self.save.setToolTip(tr("No changes to save"))
        else:
            self.save.setToolTip(tr("Save the draft (Ctrl+S)"))

        self.issue.setVisible(editable)
        self.issue.setText(tr("&Issue credit note…") if credit else tr("&Issue invoice…"))
        lines = e.current.line_count
        self.issue.setEnabled(editable and not busy and not reasons and lines > 0)
        if reasons:
            self.issue.setToolTip(tr("Can't issue yet:\n{problems}").format(problems=listed))
        elif lines == 0:
            self.issue.setToolTip(tr("Add at least one line before issuing"))
        else:
            self.issue.setToolTip(
                tr(
                    "Give the credit note its number and date; afterwards it can no longer be "
                    "changed"
                )
                if credit
                else tr(
                    "Give the invoice its number and date; afterwards it can no longer be changed"
                )
            )

        # What is enabled is the rules table's answer (core.rules); which actions this
        # window shows for a draft or an issued document is its own layout.
        doc = view.doc_type if view is not None else DocumentKind.INVOICE
        status = view.status if view is not None else Status.DRAFT
        paid = view.paid_amount if view is not None else Decimal(0)
        number = view.number if view is not None else None

        def offered(action: Action) -> bool:
            return offers(doc, status, action, paid=paid)

        def why(action: Action) -> str | None:
            return refusal(doc, status, action, number=number, paid=paid)

        issued = view is not None and not view.is_draft
        payable = issued and offered(Action.RECORD_PAYMENT)
        self.record_payment.setVisible(payable)
        self.record_payment.setText(tr("&Record refund…") if credit else tr("&Record payment…"))
        self.record_payment.setEnabled(payable and not busy)
        self.record_payment.setToolTip(
            tr("Record a refund") if credit else tr("Record money received for this invoice")
        )

        in_force = issued and status in IN_FORCE
        self.cancel.setVisible(in_force)
        self.cancel.setText(tr("&Cancel credit note…") if credit else tr("&Cancel invoice…"))
        cancel_refused = why(Action.CANCEL)
        self.cancel.setEnabled(in_force and cancel_refused is None and not busy)
        self.cancel.setToolTip(
            cancel_refused
            or (
                tr("Cancel the credit note; it keeps its number")
                if credit
                else tr("Cancel the invoice; it keeps its number")
            )
        )
        self.uncancel.setVisible(issued and offered(Action.UNCANCEL))
        self.uncancel.setEnabled(not busy)
        self.uncancel.setToolTip(
            tr("Put the credit note back in force")
            if credit
            else tr("Put the invoice back in force")
        )

        self.clone.setVisible(saved and not editable)
        self.clone.setEnabled(saved and offered(Action.CLONE) and not busy)
        self.clone.setToolTip(tr("A new draft with the same client, lines and texts"))
        correctable = issued and offered(Action.CREATE_CREDIT_NOTE)
        self.credit_note.setVisible(correctable)
        self.credit_note.setEnabled(correctable and not busy)
        self.credit_note.setToolTip(
            tr("A draft credit note with all lines of this invoice, to review")
        )
        self.delete.setVisible(saved and editable)
        self.delete.setEnabled(saved and offered(Action.DELETE) and not busy)

    # ------------------------------------------------------------------ running

    def _run(
        self,
        title: str,
        work: Callable[[Books], T],
        changes: Callable[[T], Changes] | Changes,
        done: Callable[[T], None],
        failure: str,
        *,
        sent: Collected | None = None,
    ) -> None:
        """``work`` as an operation; the editor is busy (its writing actions disabled) until
        it ends. A refusal about a field of ``sent`` is shown at the field; any other refusal
        says ``failure``. ``done`` may start the next operation of a chain (save, then issue):
        the editor stays busy through it."""
        e = self.editor
        self._running += 1
        e.busy = True
        self.update()
        succeeded = False

        def success(result: T) -> None:
            nonlocal succeeded
            succeeded = True
            self._running -= 1
            e.busy = self._running > 0
            done(result)

        def refused(exc: DomainError) -> None:
            if sent is not None and exc.field:
                e.set_service_problem(exc, sent)
            else:
                prompts.fail(
                    e,
                    failure,
                    tr("{failure}: {reason}").format(failure=failure, reason=exc.message),
                )
            e.operation_failed.emit(exc.message)

        def ended() -> None:
            if not succeeded:
                self._running -= 1
                e.busy = self._running > 0
                self.close_when_done = False
            if shiboken6.isValid(e):
                if not succeeded:
                    e._refresh()
                self._after()

        Operation(e, e.ctx, title, work, changes=changes).success(success).refused(
            refused
        ).finally_(ended).run()

    def _after(self) -> None:
        self.update()
        if self.close_when_done and not self.editor.busy:
            self.close_when_done = False
            self.editor.close()

    # ------------------------------------------------------------------ save and issue

    def save_draft(self, then: Callable[[], None] | None = None) -> None:
        e = self.editor
        if e.busy or not e.editable:
            return
        e.commit_editors()
        e._refresh()
        if not self.save.isEnabled():
            if e.problems:
                e.show_first_problem()
            elif then is not None:
                then()
            return
        self._save(then, tr("The draft could not be saved"))

    def _save(self, then: Callable[[], None] | None, failure: str) -> None:
        """Store the form (a new draft or the loaded one), then ``then``."""
        e = self.editor
        sent = e.current
        inp, invoice_id, snapshot = sent.input, e.invoice_id, e.snapshot()

        def work(db: Books) -> InvoiceView:
            if invoice_id is None:
                return invoice_service.create_draft(db, inp)
            return invoice_service.update_draft(db, invoice_id, inp)

        def done(view: InvoiceView) -> None:
            e.after_save(view, snapshot)
            e.saved.emit(view.id)
            if then is not None:
                then()

        self._run(tr("Save draft"), work, _changed, done, failure, sent=sent)

    def issue_invoice(self) -> None:
        e = self.editor
        if e.busy or not e.editable:
            return
        e.commit_editors()
        e._refresh()
        if not self.issue.isEnabled():
            e.show_first_problem()
            return
        credit = _is_credit(e.view)
        title = tr("Issue credit note") if credit else tr("Issue invoice")
        if not prompts.confirm(
            e,
            title,
            tr("Issue {what} now?").format(what=e.what()),
            tr(
                "Issuing gives the credit note its number and fixes its date, amounts and "
                "addresses. Afterwards it can no longer be changed — only cancelled."
            )
            if credit
            else tr(
                "Issuing gives the invoice its number and fixes its date, amounts and "
                "addresses. Afterwards it can no longer be changed — only cancelled or "
                "corrected with a credit note."
            ),
            title,
        ):
            return
        sent = e.current
        if e.is_dirty() or e.invoice_id is None:
            # Saved first (its own operation: the save stays when issuing is refused).
            failure = (tr("The credit note could not be issued") if credit
                       else tr("The invoice could not be issued"))  # fmt: skip
            self._save(lambda: self._issue(title, sent), failure)
        else:
            self._issue(title, sent)

    def _issue(self, title: str, sent: Collected) -> None:
        e = self.editor
        invoice_id = e.invoice_id
        assert invoice_id is not None

        def done(issued: InvoiceView) -> None:
            e.show_view(issued)
            e.issued.emit(issued.id)

        self._run(
            title, lambda db: invoice_service.issue(db, invoice_id), _changed, done,
            tr("Not issued"), sent=sent,
        )  # fmt: skip

    # ------------------------------------------------------------------ issued invoices

    def _state_change(
        self, title: str, change: Callable[[Books, int], InvoiceView], failure: str
    ) -> None:
        e = self.editor
        invoice_id = e.invoice_id
        if invoice_id is None or e.busy:
            return
        self._run(title, lambda db: change(db, invoice_id), _changed, e.show_view, failure)

    def cancel_invoice(self) -> None:
        e = self.editor
        if e.view is None:
            return
        # Not "Cancel" beside "Cancel invoice": the question names what it does and the
        # button that does nothing says so ("Keep Invoice").
        credit = _is_credit(e.view)
        number = e.view.number or ""
        if not prompts.confirm(
            e,
            (tr("Cancel Credit Note {number}") if credit else tr("Cancel Invoice {number}"))
            .format(number=number)
            .rstrip(),
            tr("Cancel {what}?").format(what=e.what()),
            tr(
                "It keeps its number and stays in your records as cancelled; nothing is owed any "
                "more. You can uncancel it later."
            ),
            tr("&Cancel Credit Note") if credit else tr("&Cancel Invoice"),
            keep=tr("&Keep Credit Note") if credit else tr("&Keep Invoice"),
        ):
            return
        self._state_change(
            tr("Cancel credit note") if credit else tr("Cancel invoice"), invoice_service.cancel,
            tr("Not cancelled"),
        )  # fmt: skip

    def uncancel_invoice(self) -> None:
        self._state_change(tr("Uncancel"), invoice_service.uncancel, tr("Not uncancelled"))

    def clone_invoice(self) -> None:
        self._open_new(tr("Clone"), invoice_service.clone, tr("Not cloned"))

    def create_credit_note(self) -> None:
        self._open_new(
            tr("Create credit note"), invoice_service.create_credit_note,
            tr("No credit note created"),
        )  # fmt: skip

    def _open_new(
        self, title: str, make: Callable[[Books, int], InvoiceView], failure: str
    ) -> None:
        e = self.editor
        invoice_id = e.invoice_id
        if invoice_id is None or e.busy:
            return

        def done(view: InvoiceView) -> None:
            e.reload()  # the invoice's history mentions the new draft
            e.open_other(view.id)

        self._run(
            title, lambda db: make(db, invoice_id),
            lambda view: Changes.of(invoice=[view.id, invoice_id]), done, failure,
        )  # fmt: skip

    def delete_draft(self) -> None:
        e = self.editor
        invoice_id = e.invoice_id
        if invoice_id is None or e.busy or not e.editable:
            return
        if not prompts.confirm(
            e,
            tr("Delete draft"),
            tr("Delete {what}?").format(what=e.what()),
            tr(
                "The draft is removed for good. It has no number yet, so nothing is missing "
                "from your sequence."
            ),
            tr("Delete draft"),
        ):
            return
        self._run(
            tr("Delete draft"), lambda db: invoice_service.delete_draft(db, invoice_id),
            Changes.of(invoice=invoice_id), lambda _none: e.close_now(), tr("Not deleted"),
        )  # fmt: skip

    # ------------------------------------------------------------------ colleagues' dialogs

    def open_payment_dialog(self) -> None:
        e = self.editor
        if e.invoice_id is None or not self.record_payment.isEnabled():
            return
        dialog = RecordPaymentDialog(e.ctx, e.invoice_id, e)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            e.reload()

    def new_client(self) -> None:
        e = self.editor
        dialog = ClientDialog(e.ctx, None, e)
        if dialog.exec() == QDialog.DialogCode.Accepted and getattr(dialog, "client_id", None):
            e.use_new_client(int(dialog.client_id))
