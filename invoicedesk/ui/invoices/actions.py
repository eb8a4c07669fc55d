"""What can be done to the selected invoices, enabled only where their states allow it.

Every write is one operation (:class:`~invoicedesk.ui.invoices.batch.BatchOperation`)
on the write worker, however many invoices are selected: one service call (one
transaction) per invoice, a progress dialog that can stop between invoices, and a
readable report of what was refused at the end ("2 of 5 drafts could not be issued:
Draft 7: add at least one line before issuing"). The operation's changes — every
invoice it touched or created — tell the other screens. While it runs, the actions
that write are disabled.

``confirm``, ``report`` and ``open_editor`` are module functions so tests can answer them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from invoicedesk.core.lifecycle import DocType
from invoicedesk.core.rules import Action, allows, offers, refusal
from invoicedesk.i18n import N_, ntr, tr
from invoicedesk.services.search import InvoiceRow
from invoicedesk.ui import formatting
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoices.batch import Batch, BatchOperation, Outcome, summarize_outcome
from invoicedesk.ui.invoices.model import display_number
from invoicedesk.ui.messages import confirm, report
from invoicedesk.ui.operations import Operation


def open_editor(ctx: AppContext, invoice_id: int | None, parent: QWidget) -> None:
    """Open the invoice editor on ``invoice_id`` (None: a new draft)."""
    from invoicedesk.ui.invoice_editor import open_invoice_editor  # loads on first use

    open_invoice_editor(ctx, invoice_id, parent)


# ---------------------------------------------------------------------------- actions


# Each key's action in core.rules, and whether it takes several invoices at once.
_ACTIONS = {
    "issue": (Action.ISSUE, True),
    "payment": (Action.RECORD_PAYMENT, False),
    "clone": (Action.CLONE, False),
    "cancel": (Action.CANCEL, True),
    "uncancel": (Action.UNCANCEL, True),
    "credit_note": (Action.CREATE_CREDIT_NOTE, False),
    "delete": (Action.DELETE, True),
}


def _allows(row: InvoiceRow, action: Action) -> bool:
    return allows(row.doc_type, row.status, action)


def allowed(rows: Sequence[InvoiceRow]) -> dict[str, bool]:
    """Which actions the selected rows allow, as the rules table in core says (the
    services check again, with everything they know, when it runs)."""
    result = {"new": True, "open": len(rows) == 1, "print": len(rows) == 1}
    for key, (action, many) in _ACTIONS.items():
        fits = len(rows) == 1 or (many and len(rows) > 1)
        result[key] = fits and all(offers(r.doc_type, r.status, action) for r in rows)
    return result


_SPECS = {
    # key: (text, tooltip, shortcut shown in the tooltip only — the window owns it)
    "new": (N_("&New"), N_("Write a new invoice (Ctrl+N)")),
    "open": (N_("&Open"), N_("Open the selected invoice (Enter or double-click)")),
    "issue": (N_("&Issue"), N_("Issue the selected drafts: they get numbers and are final")),
    "payment": (N_("Record &payment…"), N_("Record money received for the selected invoice")),
    "clone": (N_("C&lone"), N_("Copy the selected invoice into a new draft")),
    "cancel": (
        N_("&Cancel invoice"),
        N_("Cancel the selected unpaid invoices (they keep their numbers)"),
    ),
    "uncancel": (N_("&Uncancel"), N_("Put the selected cancelled invoices back in force")),
    "credit_note": (N_("Cre&dit note…"), N_("Write a credit note correcting the selected invoice")),
    "delete": (N_("&Delete draft"), N_("Delete the selected drafts (Del)")),
    "print": (N_("P&rint…"), N_("Print the PDF of the selected invoice (Ctrl+P)")),
}  # marked: shown as tr(text)
_WHEN = {
    "open": N_("select one invoice"),
    "issue": N_("select drafts only"),
    "payment": N_("select one open, overdue or partly paid invoice"),
    "clone": N_("select one invoice"),
    "cancel": N_("select open invoices without payments only"),
    "uncancel": N_("select cancelled invoices only"),
    "credit_note": N_("select one issued invoice (not a credit note)"),
    "delete": N_("select drafts only"),
    "print": N_("select one invoice"),
}  # marked: shown as tr(text)
# The cancel question's title and buttons name the document: "Cancel Invoice RE-1",
# "&Cancel Invoice" / "&Keep Invoice" (a credit note: "Credit Note").
_CANCEL_ONE = {
    DocType.INVOICE: (N_("Cancel Invoice {number}"), N_("&Cancel Invoice"), N_("&Keep Invoice")),
    DocType.CREDIT_NOTE: (
        N_("Cancel Credit Note {number}"),
        N_("&Cancel Credit Note"),
        N_("&Keep Credit Note"),
    ),
}  # marked: shown as tr(text)


def _drafts(n: int) -> str:
    return ntr("{n} draft", "{n} drafts", n).format(n=formatting.number(n))


def _invoices(n: int) -> str:
    return ntr("{n} invoice", "{n} invoices", n).format(n=formatting.number(n))


class InvoiceActions(QObject):
    """The page's actions. ``selection()`` gives the selected rows; ``today()`` the date to use."""

    status_message = Signal(str)
    finished = Signal(str)  # an operation ended (its key); its changes have been sent
    created = Signal(int)  # a new draft (clone, credit note) to select once the list has it

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget,
        selection: Callable[[], list[InvoiceRow]],
        today: Callable[[], dt.date | None],
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._parent = parent
        self._selection = selection
        self._today = today
        self._running = 0  # operations started here and not yet ended
        self.payment_dialog: QWidget | None = None  # the last one opened (tests reach it here)
        self.by_key: dict[str, QAction] = {}
        for key, (text, tip) in _SPECS.items():
            action = QAction(tr(text), parent)
            action.setToolTip(tr(tip))
            action.setStatusTip(tr(tip))
            action.setObjectName(f"invoice-{key}")
            action.triggered.connect(getattr(self, f"do_{key}"))
            self.by_key[key] = action
        self.by_key["delete"].setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.by_key["delete"].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        # Ctrl+P belongs to the window's File › Print, which triggers this action.
        self.print_job: QObject | None = None  # the last one started (tests wait on it)
        self.update_for([])

    def __getitem__(self, key: str) -> QAction:
        return self.by_key[key]

    def all(self) -> list[QAction]:
        return list(self.by_key.values())

    def update_for(self, rows: Sequence[InvoiceRow]) -> None:
        busy = self.busy()
        for key, ok in allowed(rows).items():
            action = self.by_key[key]
            action.setEnabled(ok and not (busy and key in _ACTIONS))  # one write at a time
            tip = tr(_SPECS[key][1])
            why = tr(_WHEN[key]) if key in _WHEN else None
            if len(rows) == 1 and key in _ACTIONS:  # the rules table's own reason, if it has one
                row = rows[0]
                why = refusal(row.doc_type, row.status, _ACTIONS[key][0], number=row.number) or why
            action.setToolTip(tip if ok or why is None else f"{tip} — {why}")

    def busy(self) -> bool:
        return self._running > 0

    # ------------------------------------------------------------------ handlers

    def _say(self, message: str) -> None:
        self.status_message.emit(message)

    def do_new(self) -> None:
        open_editor(self.ctx, None, self._parent)

    def do_open(self) -> None:
        rows = self._selection()
        if len(rows) == 1:
            open_editor(self.ctx, rows[0].id, self._parent)

    def do_print(self) -> None:
        rows = self._selection()
        if len(rows) != 1:
            return
        from invoicedesk.ui.pdf.printing import print_invoice  # QtPrintSupport: on first use

        self._say(tr("Preparing {number} for printing…").format(number=display_number(rows[0])))
        job = print_invoice(self._parent, self.ctx, rows[0].id)
        job.finished.connect(self._say)
        self.print_job = job

    def do_payment(self) -> None:
        rows = self._selection()
        if not allowed(rows)["payment"]:
            return
        from invoicedesk.ui.payments.record_dialog import RecordPaymentDialog

        dialog = RecordPaymentDialog(self.ctx, rows[0].id, self._parent, today=self._today())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self._say(
                tr("Payment recorded for {number}").format(number=display_number(rows[0]))
            )
        )
        self.payment_dialog = dialog
        dialog.open()

    def do_issue(self) -> None:
        from invoicedesk.services import invoices  # on first use, not at start

        if self.busy():  # one write at a time (its actions are disabled meanwhile)
            return
        rows = [r for r in self._selection() if _allows(r, Action.ISSUE)]
        if not rows:
            return
        what = display_number(rows[0]) if len(rows) == 1 else _drafts(len(rows))
        if not confirm(
            self._parent,
            tr("Issue"),
            tr("Issue {what}?\n\nIssued invoices get their number and can no longer be changed "
               "(correct them with a credit note).").format(what=what),
            tr("Issue"),
        ):  # fmt: skip
            return
        today = self._today()
        batch = Batch(
            tr("Issue drafts"),
            lambda n: ntr("{n} draft", "{n} drafts", n),
            lambda n: ntr("{n} draft issued", "{n} drafts issued", n),
            lambda n: ntr("{failed} of {n} draft could not be issued:",
                          "{failed} of {n} drafts could not be issued:", n),
            lambda db, row: invoices.issue(db, row.id, today=today),
        )  # fmt: skip
        self._run("issue", batch, rows)

    def do_cancel(self) -> None:
        from invoicedesk.services import invoices  # on first use, not at start

        if self.busy():
            return
        rows = [r for r in self._selection() if _allows(r, Action.CANCEL)]
        if not rows:
            return
        n = len(rows)
        what = display_number(rows[0]) if n == 1 else _invoices(n)
        # The buttons say what they do: "Cancel Invoice" and "Keep Invoice", not "Cancel".
        if n == 1:
            title, action, keep = _CANCEL_ONE.get(rows[0].doc_type, _CANCEL_ONE[DocType.INVOICE])
            title = tr(title).format(number=what)
            action, keep = tr(action), tr(keep)
        else:
            title = ntr("Cancel {n} Invoice", "Cancel {n} Invoices", n).format(
                n=formatting.number(n)
            )
            action, keep = tr("&Cancel Invoices"), tr("&Keep Invoices")
        if not confirm(
            self._parent,
            title,
            tr("Cancel {what}?\n\nA cancelled invoice keeps its number and no longer counts as "
               "open. You can uncancel it later.").format(what=what),
            action,
            keep=keep,
        ):  # fmt: skip
            return
        today = self._today()
        batch = Batch(
            tr("Cancel invoices"),
            lambda n: ntr("{n} invoice", "{n} invoices", n),
            lambda n: ntr("{n} invoice cancelled", "{n} invoices cancelled", n),
            lambda n: ntr("{failed} of {n} invoice could not be cancelled:",
                          "{failed} of {n} invoices could not be cancelled:", n),
            lambda db, row: invoices.cancel(db, row.id, today=today),
        )  # fmt: skip
        self._run("cancel", batch, rows)

    def do_uncancel(self) -> None:
        from invoicedesk.services import invoices  # on first use, not at start

        if self.busy():
            return
        rows = [r for r in self._selection() if _allows(r, Action.UNCANCEL)]
        if not rows:
            return
        today = self._today()
        batch = Batch(
            tr("Uncancel invoices"),
            lambda n: ntr("{n} invoice", "{n} invoices", n),
            lambda n: ntr("{n} invoice put back in force", "{n} invoices put back in force", n),
            lambda n: ntr("{failed} of {n} invoice could not be put back in force:",
                          "{failed} of {n} invoices could not be put back in force:", n),
            lambda db, row: invoices.uncancel(db, row.id, today=today),
        )  # fmt: skip
        self._run("uncancel", batch, rows)

    def do_delete(self) -> None:
        from invoicedesk.services import invoices  # on first use, not at start

        if self.busy():
            return
        rows = self._selection()
        if not rows:
            return
        if not allowed(rows)["delete"]:
            self._say(
                tr("Only drafts can be deleted — cancel an issued invoice or write a credit note.")
            )
            return
        what = display_number(rows[0]) if len(rows) == 1 else _drafts(len(rows))
        if not confirm(
            self._parent,
            tr("Delete draft"),
            tr("Delete {what}? This cannot be undone.").format(what=what),
            tr("Delete"),
        ):
            return
        batch = Batch(
            tr("Delete drafts"),
            lambda n: ntr("{n} draft", "{n} drafts", n),
            lambda n: ntr("{n} draft deleted", "{n} drafts deleted", n),
            lambda n: ntr("{failed} of {n} draft could not be deleted:",
                          "{failed} of {n} drafts could not be deleted:", n),
            lambda db, row: invoices.delete_draft(db, row.id),
        )  # fmt: skip
        self._run("delete", batch, rows)

    def do_clone(self) -> None:
        from invoicedesk.services import invoices  # on first use, not at start

        if self.busy():
            return
        rows = self._selection()
        if len(rows) != 1:
            return
        batch = Batch(
            tr("Clone"),
            lambda n: ntr("{n} invoice", "{n} invoices", n),
            lambda n: ntr("{n} invoice cloned", "{n} invoices cloned", n),
            lambda n: ntr("{failed} of {n} invoice could not be cloned:",
                          "{failed} of {n} invoices could not be cloned:", n),
            lambda db, row: invoices.clone(db, row.id),
        )  # fmt: skip
        self._run("clone", batch, rows, open_result=True)

    def do_credit_note(self) -> None:
        from invoicedesk.services import invoices  # on first use, not at start

        if self.busy():
            return
        rows = self._selection()
        if not allowed(rows)["credit_note"]:
            return
        number = display_number(rows[0])
        if not confirm(
            self._parent,
            tr("Credit note"),
            tr("Write a credit note for {number}?\n\nA draft credit note for the whole invoice "
               "is created; remove the lines you do not want to credit, then issue it.").format(
                number=number
            ),
            tr("Create credit note"),
        ):  # fmt: skip
            return
        today = self._today()
        batch = Batch(
            tr("Credit note"),
            lambda n: ntr("{n} credit note", "{n} credit notes", n),
            lambda n: ntr("{n} credit note created", "{n} credit notes created", n),
            lambda n: ntr("{failed} of {n} credit note could not be created:",
                          "{failed} of {n} credit notes could not be created:", n),
            lambda db, row: invoices.create_credit_note(db, row.id, today=today),
        )  # fmt: skip
        self._run("credit_note", batch, rows, open_result=True)

    # ------------------------------------------------------------------ running

    def _run(
        self, key: str, batch: Batch, rows: list[InvoiceRow], *, open_result: bool = False
    ) -> None:
        """``batch`` on ``rows`` as one operation; the write actions wait until it has ended."""
        completed = False

        def done(outcome: Outcome) -> None:
            nonlocal completed
            completed = True
            if shiboken6.isValid(self):
                self._show_outcome(key, batch, len(rows), outcome, open_result=open_result)

        def ended() -> None:
            if not completed and op.partial().done and shiboken6.isValid(self):
                # It stopped on a failure (already shown) after changing some invoices:
                # their changes still go out, and the report says what was done.
                self._announce(key, batch, len(rows), op.partial())
                self._running -= 1  # the announcement ends the action
                return
            self._ended(key)

        self._running += 1
        self.update_for(self._selection())
        op = BatchOperation(self._parent, self.ctx, batch, rows)
        op.success(done).finally_(ended).run()

    def _announce(self, key: str, batch: Batch, total: int, outcome: Outcome) -> None:
        """The changes of a batch that failed part-way, as an operation of their own."""
        self._running += 1
        Operation(
            self._parent, self.ctx, batch.title, lambda _db: outcome,
            changes=lambda done: done.changes(),
        ).success(
            lambda done: self._show_outcome(key, batch, total, done, open_result=False)
        ).finally_(lambda: self._ended(key)).run()  # fmt: skip

    def _ended(self, key: str) -> None:
        self._running -= 1
        if shiboken6.isValid(self):
            self.update_for(self._selection())
            self.finished.emit(key)

    def _show_outcome(
        self, key: str, batch: Batch, total: int, outcome: Outcome, *, open_result: bool
    ) -> None:
        new_ids = outcome.created_ids()
        status, problems = summarize_outcome(batch, total, outcome)
        if open_result and new_ids and not problems:
            number = display_number(outcome.done[0][0])
            if key == "credit_note":
                status = tr("Credit note for {number} created as a draft").format(number=number)
            else:
                status = tr("Clone of {number} created as a draft").format(number=number)
        self._say(status)
        for new_id in new_ids:
            self.created.emit(new_id)
        if problems:
            report(self._parent, batch.title, problems)
        if open_result and new_ids:
            open_editor(self.ctx, new_ids[0], self._parent)
