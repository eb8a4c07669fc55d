"""One action on several invoices as one operation: progress per invoice, Stop between them.

A batch is one :class:`~invoicedesk.ui.operations.Operation` on the write worker that
calls the service once per invoice (one transaction each). A rule's "no" for one
invoice is part of the batch's :class:`Outcome` and is reported with the others
("2 of 5 drafts could not be issued: Draft 7: add at least one line before issuing");
an environment failure or a bug stops the batch and goes the one way every operation's
failure goes (Try Again continues with the invoices not done yet). The operation's
changes name every invoice the batch touched or created.

``operations.Operation`` gives its work only the database; a batch also reports its
progress and checks for Stop, so :class:`BatchOperation` shows its own progress dialog
(per invoice, with Stop) instead of the operation's waiting one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import tr
from invoicedesk.services.books import Books
from invoicedesk.services.search import InvoiceRow
from invoicedesk.ui import formatting
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoices.model import display_number
from invoicedesk.ui.operations import Changes, Operation

MAX_LISTED = 8  # failures listed by name in a report; the rest are counted


@dataclass
class Outcome:
    """What a batch did: results per invoice, refusals with their messages, stopped early?"""

    done: list[tuple[InvoiceRow, Any]] = field(default_factory=list)
    failed: list[tuple[InvoiceRow, str]] = field(default_factory=list)
    stopped: bool = False

    def changed_ids(self) -> list[int]:
        """The invoices the batch changed, then those it created (clones, credit notes)."""
        from invoicedesk.services.invoices import InvoiceView  # loaded by the batch's work

        changed = [row.id for row, _ in self.done]
        created = [r.id for _, r in self.done if isinstance(r, InvoiceView)]
        return changed + [i for i in created if i not in changed]

    def created_ids(self) -> list[int]:
        from invoicedesk.services.invoices import InvoiceView

        changed = {row.id for row, _ in self.done}
        return [r.id for _, r in self.done if isinstance(r, InvoiceView) and r.id not in changed]

    def changes(self) -> Changes:
        ids = self.changed_ids()
        return Changes.of(invoice=ids) if ids else Changes()  # nothing changed: nobody reloads


# The wording of a batch, whole sentences for the catalogue's plural forms: ``ntr`` with
# the singular and plural (each with ``{n}``; ``failed`` also with ``{failed}``).
Wording = Callable[[int], str]  # the form for n (ntr(singular, plural, n))


@dataclass(frozen=True)
class Batch:
    """One kind of batch: its wording and the service call for one invoice."""

    title: str  # "Issue drafts"
    noun: Wording  # "{n} draft" / "{n} drafts"
    done: Wording  # "{n} draft issued" / "{n} drafts issued"
    failed: Wording  # "{failed} of {n} draft could not be issued:" (n: all of the batch)
    call: Callable[[Books, InvoiceRow], Any]

    def count(self, n: int) -> str:
        """ "3 drafts" """
        return self.noun(n).format(n=formatting.number(n))

    def done_text(self, n: int) -> str:
        """ "3 drafts issued" """
        return self.done(n).format(n=formatting.number(n))

    def failed_text(self, failed: int, total: int) -> str:
        """ "2 of 5 drafts could not be issued:" """
        return self.failed(total).format(
            failed=formatting.number(failed), n=formatting.number(total)
        )


def summarize_outcome(batch: Batch, total: int, outcome: Outcome) -> tuple[str, str | None]:
    """A one-line status and, when something failed or was stopped, a report to show."""
    names = [display_number(row) for row, result in outcome.done]
    shown = ", ".join(names[:MAX_LISTED]) + (" …" if len(names) > MAX_LISTED else "")
    status = batch.done_text(len(outcome.done)) + (f": {shown}" if names else "")
    if not outcome.failed and not outcome.stopped:
        return status, None
    lines = []
    if outcome.failed:
        n = len(outcome.failed)
        lines.append(batch.failed_text(n, total))
        for row, message in outcome.failed[:MAX_LISTED]:
            lines.append(f"• {display_number(row)}: {message}")
        if n > MAX_LISTED:
            lines.append(tr("• … and {n} more").format(n=formatting.number(n - MAX_LISTED)))
    if outcome.stopped:
        untouched = total - len(outcome.done) - len(outcome.failed)
        lines.append(tr("Stopped: {rest} left as they were.").format(rest=batch.count(untouched)))
    if outcome.done:
        lines.append(batch.done_text(len(outcome.done)) + ".")
    return status, "\n".join(lines)


class _Steps(QObject):
    """Carries the worker's progress to the GUI thread (it lives there: queued)."""

    stepped = Signal(int, int)  # done, total

    def __init__(self, show: Callable[[int, int], None], parent: QObject) -> None:
        super().__init__(parent)  # owned by Qt: never deleted on the worker with the operation
        self._show = show
        self.stepped.connect(self._deliver)

    @Slot(int, int)
    def _deliver(self, done: int, total: int) -> None:
        self._show(done, total)


class BatchOperation(Operation[Outcome]):
    """``batch.call`` for each row, as one operation.

    The work keeps its outcome between attempts: after an environment failure, Try
    Again carries on with the rows not done yet. When the operation fails for good,
    :meth:`partial` has what was done before (committed: the screens must hear of it).
    """

    def __init__(
        self, parent: QWidget, ctx: AppContext, batch: Batch, rows: Sequence[InvoiceRow]
    ) -> None:
        super().__init__(
            parent, ctx, batch.title, self._work, changes=lambda outcome: outcome.changes()
        )
        self.batch = batch
        self.rows = list(rows)
        self.outcome = Outcome()
        self._stop = threading.Event()
        self._step = (0, len(self.rows))
        self._steps = _Steps(self._show_step, parent)
        super().finally_(self._steps.deleteLater)

    def finally_(self, callback: Callable[[], None]) -> BatchOperation:
        steps = self._steps

        def ended() -> None:
            steps.deleteLater()
            callback()

        super().finally_(ended)
        return self

    def partial(self) -> Outcome:
        """What a failed batch did before it stopped (read after the operation ended)."""
        self.outcome.stopped = True
        return self.outcome

    # ------------------------------------------------------------------ on the write worker

    def _work(self, db: Books) -> Outcome:
        outcome, total = self.outcome, len(self.rows)
        for row in self.rows[len(outcome.done) + len(outcome.failed) :]:
            if self._stop.is_set():
                outcome.stopped = True
                break
            try:
                outcome.done.append((row, self.batch.call(db, row)))
            except DomainError as exc:  # this invoice's "no", reported with the others
                outcome.failed.append((row, exc.message))
            self._steps.stepped.emit(len(outcome.done) + len(outcome.failed), total)
        return outcome

    # ------------------------------------------------------------------ on the GUI thread

    def _show_progress(self) -> None:
        # Instead of the operation's waiting dialog: how far the batch is, and Stop. Closed
        # with the operation's own dialog when it settles.
        batch, total = self.batch, len(self.rows)
        dialog = QProgressDialog(
            f"{batch.title}: {batch.count(total)}…", tr("Stop"), 0, total, self.parent
        )
        dialog.setWindowTitle(batch.title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self._stop.set)
        self._progress = dialog
        self._show_step(*self._step)
        dialog.show()

    def _show_step(self, done: int, total: int) -> None:
        self._step = (done, total)
        dialog = self._progress
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.setValue(done)
            dialog.setLabelText(
                tr("{title}: {done} of {count}…").format(
                    title=self.batch.title, done=formatting.number(done),
                    count=self.batch.count(total),
                )
            )  # fmt: skip
