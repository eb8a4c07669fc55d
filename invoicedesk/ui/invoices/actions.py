"""What can be done to the selected invoices, enabled only where their states allow it.

Every write runs through :func:`run_batch`: on the thread pool, one service call
(one transaction) per invoice, with a progress dialog that can stop between
invoices, and a readable report of what failed at the end ("2 of 5 drafts could
not be issued: Draft 7: add at least one line before issuing"). Afterwards the
bus tells every screen which invoices changed.

``confirm`` and ``report`` are module functions so tests can answer them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QProgressDialog, QWidget

from invoicedesk.core.errors import DomainError
from invoicedesk.core.rules import Action, allows, offers, refusal
from invoicedesk.services import invoices
from invoicedesk.services.search import InvoiceRow
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoice_editor import open_invoice_editor
from invoicedesk.ui.invoices.model import display_number
from invoicedesk.ui.messages import confirm, report
from invoicedesk.ui.worker import Task, run_task

MAX_LISTED = 8  # failures listed by name in a report; the rest are counted


def open_editor(ctx: AppContext, invoice_id: int | None, parent: QWidget) -> None:
    """Open the invoice editor on ``invoice_id`` (None: a new draft)."""
    open_invoice_editor(ctx, invoice_id, parent)


# ---------------------------------------------------------------------------- batches


@dataclass
class Outcome:
    """What a batch did: results per invoice, failures with their messages, stopped early?"""

    done: list[tuple[InvoiceRow, Any]] = field(default_factory=list)
    failed: list[tuple[InvoiceRow, str]] = field(default_factory=list)
    stopped: bool = False


@dataclass(frozen=True)
class Operation:
    """One kind of batch: its wording and the service call for one invoice."""

    title: str  # "Issue drafts"
    noun: str  # "draft"
    plural: str  # "drafts"
    past: str  # "issued"
    call: Callable[[InvoiceRow], Any]

    def count(self, n: int) -> str:
        return f"{n} {self.noun if n == 1 else self.plural}"


def _message(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    return f"unexpected error ({type(exc).__name__}: {exc})"


def summarize_outcome(op: Operation, total: int, outcome: Outcome) -> tuple[str, str | None]:
    """A one-line status and, when something failed or was stopped, a report to show."""
    names = [display_number(row) for row, result in outcome.done]
    shown = ", ".join(names[:MAX_LISTED]) + (" …" if len(names) > MAX_LISTED else "")
    status = f"{op.count(len(outcome.done)).capitalize()} {op.past}" + (
        f": {shown}" if names else ""
    )
    if not outcome.failed and not outcome.stopped:
        return status, None
    lines = []
    if outcome.failed:
        n = len(outcome.failed)
        lines.append(f"{n} of {op.count(total)} could not be {op.past}:")
        for row, message in outcome.failed[:MAX_LISTED]:
            lines.append(f"• {display_number(row)}: {message}")
        if n > MAX_LISTED:
            lines.append(f"• … and {n - MAX_LISTED} more")
    if outcome.stopped:
        untouched = total - len(outcome.done) - len(outcome.failed)
        lines.append(f"Stopped: {op.count(untouched)} left as they were.")
    if outcome.done:
        lines.append(f"{op.count(len(outcome.done)).capitalize()} {op.past}.")
    return status, "\n".join(lines)


def run_batch(
    parent: QWidget,
    op: Operation,
    rows: Sequence[InvoiceRow],
    on_finished: Callable[[Outcome], None],
) -> Task:
    """``op.call`` for each row on the thread pool, with progress and cancel between rows."""
    rows = list(rows)
    progress = QProgressDialog(f"{op.title}: {op.count(len(rows))}…", "Stop", 0, len(rows), parent)
    progress.setWindowTitle(op.title)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(400)  # a quick single step shows no dialog at all
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    progress.setValue(0)

    def work(task: Task) -> Outcome:
        outcome = Outcome()
        for i, row in enumerate(rows):
            if task.is_cancelled():
                outcome.stopped = True
                break
            try:
                outcome.done.append((row, op.call(row)))
            except Exception as exc:  # each invoice fails on its own, readably
                outcome.failed.append((row, _message(exc)))
            task.report(i + 1, len(rows))
        return outcome

    def finish(outcome: Outcome) -> None:
        if shiboken6.isValid(progress):
            progress.close()
            progress.deleteLater()
        on_finished(outcome)

    def crashed(exc: BaseException, _trace: str) -> None:
        finish(Outcome(failed=[(row, _message(exc)) for row in rows]))

    def step(done: int, total: int) -> None:
        if shiboken6.isValid(progress):
            progress.setValue(done)
            progress.setLabelText(f"{op.title}: {done} of {op.count(total)}…")

    task = run_task(work, finish, crashed, step)
    progress.canceled.connect(task.cancel)
    return task


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
    result = {"new": True, "open": len(rows) == 1}
    for key, (action, many) in _ACTIONS.items():
        fits = len(rows) == 1 or (many and len(rows) > 1)
        result[key] = fits and all(offers(r.doc_type, r.status, action) for r in rows)
    return result


_SPECS = {
    # key: (text, tooltip, shortcut shown in the tooltip only — the window owns it)
    "new": ("&New", "Write a new invoice (Ctrl+N)"),
    "open": ("&Open", "Open the selected invoice (Enter or double-click)"),
    "issue": ("&Issue", "Issue the selected drafts: they get numbers and are final"),
    "payment": ("Record &payment…", "Record money received for the selected invoice"),
    "clone": ("C&lone", "Copy the selected invoice into a new draft"),
    "cancel": ("&Cancel invoice", "Cancel the selected unpaid invoices (they keep their numbers)"),
    "uncancel": ("&Uncancel", "Put the selected cancelled invoices back in force"),
    "credit_note": ("Cre&dit note…", "Write a credit note correcting the selected invoice"),
    "delete": ("&Delete draft", "Delete the selected drafts (Del)"),
}
_WHEN = {
    "open": "select one invoice",
    "issue": "select drafts only",
    "payment": "select one open, overdue or partly paid invoice",
    "clone": "select one invoice",
    "cancel": "select open invoices without payments only",
    "uncancel": "select cancelled invoices only",
    "credit_note": "select one issued invoice (not a credit note)",
    "delete": "select drafts only",
}


class InvoiceActions(QObject):
    """The page's actions. ``selection()`` gives the selected rows; ``today()`` the date to use."""

    status_message = Signal(str)
    finished = Signal(str)  # an operation ended (its key); the bus has been told
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
        self._tasks: list[Task] = []
        self.payment_dialog: QWidget | None = None  # the last one opened (tests reach it here)
        self.by_key: dict[str, QAction] = {}
        for key, (text, tip) in _SPECS.items():
            action = QAction(text, parent)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.setObjectName(f"invoice-{key}")
            action.triggered.connect(getattr(self, f"do_{key}"))
            self.by_key[key] = action
        self.by_key["delete"].setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.by_key["delete"].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.update_for([])

    def __getitem__(self, key: str) -> QAction:
        return self.by_key[key]

    def all(self) -> list[QAction]:
        return list(self.by_key.values())

    def update_for(self, rows: Sequence[InvoiceRow]) -> None:
        for key, ok in allowed(rows).items():
            action = self.by_key[key]
            action.setEnabled(ok)
            tip = _SPECS[key][1]
            why = _WHEN.get(key)
            if len(rows) == 1 and key in _ACTIONS:  # the rules table's own reason, if it has one
                row = rows[0]
                why = refusal(row.doc_type, row.status, _ACTIONS[key][0], number=row.number) or why
            action.setToolTip(tip if ok or why is None else f"{tip} — {why}")

    def busy(self) -> bool:
        return bool(self._tasks)

    # ------------------------------------------------------------------ handlers

    def _say(self, message: str) -> None:
        self.status_message.emit(message)

    def do_new(self) -> None:
        open_editor(self.ctx, None, self._parent)

    def do_open(self) -> None:
        rows = self._selection()
        if len(rows) == 1:
            open_editor(self.ctx, rows[0].id, self._parent)

    def do_payment(self) -> None:
        rows = self._selection()
        if not allowed(rows)["payment"]:
            return
        from invoicedesk.ui.payments.record_dialog import RecordPaymentDialog

        dialog = RecordPaymentDialog(self.ctx, rows[0].id, self._parent, today=self._today())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self._say(f"Payment recorded for {display_number(rows[0])}")
        )
        self.payment_dialog = dialog
        dialog.open()

    def do_issue(self) -> None:
        rows = [r for r in self._selection() if _allows(r, Action.ISSUE)]
        if not rows:
            return
        what = display_number(rows[0]) if len(rows) == 1 else f"{len(rows)} drafts"
        if not confirm(
            self._parent,
            "Issue",
            f"Issue {what}?\n\nIssued invoices get their number and can no longer be changed "
            "(correct them with a credit note).",
            "Issue",
        ):
            return
        today = self._today()
        op = Operation(
            "Issue drafts", "draft", "drafts", "issued",
            lambda row: invoices.issue(self.ctx.db, row.id, today=today),
        )  # fmt: skip
        self._run("issue", op, rows)

    def do_cancel(self) -> None:
        rows = [r for r in self._selection() if _allows(r, Action.CANCEL)]
        if not rows:
            return
        what = display_number(rows[0]) if len(rows) == 1 else f"{len(rows)} invoices"
        if not confirm(
            self._parent,
            "Cancel invoice",
            f"Cancel {what}?\n\nA cancelled invoice keeps its number and no longer counts as "
            "open. You can uncancel it later.",
            "Cancel invoice",
        ):
            return
        today = self._today()
        op = Operation(
            "Cancel invoices", "invoice", "invoices", "cancelled",
            lambda row: invoices.cancel(self.ctx.db, row.id, today=today),
        )  # fmt: skip
        self._run("cancel", op, rows)

    def do_uncancel(self) -> None:
        rows = [r for r in self._selection() if _allows(r, Action.UNCANCEL)]
        if not rows:
            return
        today = self._today()
        op = Operation(
            "Uncancel invoices", "invoice", "invoices", "put back in force",
            lambda row: invoices.uncancel(self.ctx.db, row.id, today=today),
        )  # fmt: skip
        self._run("uncancel", op, rows)

    def do_delete(self) -> None:
        rows = self._selection()
        if not rows:
            return
        if not allowed(rows)["delete"]:
            self._say(
                "Only drafts can be deleted — cancel an issued invoice or write a credit note."
            )
            return
        what = display_number(rows[0]) if len(rows) == 1 else f"{len(rows)} drafts"
        if not confirm(
            self._parent,
            "Delete draft",
            f"Delete {what}? This cannot be undone.",
            "Delete",
        ):
            return
        op = Operation(
            "Delete drafts", "draft", "drafts", "deleted",
            lambda row: invoices.delete_draft(self.ctx.db, row.id),
        )  # fmt: skip
        self._run("delete", op, rows)

    def do_clone(self) -> None:
        rows = self._selection()
        if len(rows) != 1:
            return
        op = Operation(
            "Clone", "invoice", "invoices", "cloned",
            lambda row: invoices.clone(self.ctx.db, row.id),
        )  # fmt: skip
        self._run("clone", op, rows, open_result=True)

    def do_credit_note(self) -> None:
        rows = self._selection()
        if not allowed(rows)["credit_note"]:
            return
        number = display_number(rows[0])
        if not confirm(
            self._parent,
            "Credit note",
            f"Write a credit note for {number}?\n\nA draft credit note for the whole invoice is "
            "created; remove the lines you do not want to credit, then issue it.",
            "Create credit note",
        ):
            return
        today = self._today()
        op = Operation(
            "Credit note", "credit note", "credit notes", "created",
            lambda row: invoices.create_credit_note(self.ctx.db, row.id, today=today),
        )  # fmt: skip
        self._run("credit_note", op, rows, open_result=True)

    # ------------------------------------------------------------------ running

    def _run(
        self, key: str, op: Operation, rows: list[InvoiceRow], *, open_result: bool = False
    ) -> None:
        def done(outcome: Outcome) -> None:
            if task in self._tasks:
                self._tasks.remove(task)
            if not shiboken6.isValid(self):
                return
            changed = [row.id for row, _ in outcome.done]
            new_ids = [r.id for _, r in outcome.done if isinstance(r, invoices.InvoiceView)]
            new_ids = [i for i in new_ids if i not in changed]
            if changed or new_ids:
                self.ctx.bus.notify("invoice", changed + new_ids)
            status, problems = summarize_outcome(op, len(rows), outcome)
            if open_result and new_ids and not problems:
                number = display_number(outcome.done[0][0])
                joint = "for" if key == "credit_note" else "of"
                status = f"{op.title} {joint} {number} created as a draft"
            self._say(status)
            for new_id in new_ids:
                self.created.emit(new_id)
            if problems:
                report(self._parent, op.title, problems)
            if open_result and new_ids:
                open_editor(self.ctx, new_ids[0], self._parent)
            self.finished.emit(key)

        task = run_batch(self._parent, op, rows, done)
        self._tasks.append(task)
