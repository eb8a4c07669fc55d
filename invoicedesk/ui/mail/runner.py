"""The outbox runner: delivers queued mail in the background while the app runs.

At start it marks mail that was being handed over when the app last stopped
(``recover_interrupted``: it may or may not have arrived, so it is never resent on
its own), then delivers what is due. After that it runs whenever mail is queued
(any ``"mail"`` notice on the bus) and every minute while anything waits; never two
runs at once — a request during a run starts one more run after it. A run is one
``outbox.deliver_due`` in ``run_task`` on the long-jobs pool, cancelled with every
other job when the app quits (``worker.cancel_all``).

The password is looked up once per run by the worker (``secrets.get_password``: a
locked keyring may take its time, never on the GUI thread). When none is available
the run stops before connecting and says so; then the user is asked, on the GUI
thread, and the run starts again with the answer. Declining leaves the mail waiting
and the runner stops asking until someone sends again. The runner is busy while it
asks: a tick or a notice meanwhile only asks for one more run.

After each run the bus hears ``("mail", ids)`` and ``("invoice", ids)`` of the
invoices sent, and the status bar says what happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from invoicedesk.i18n import ntr, tr
from invoicedesk.services.books import Books
from invoicedesk.services.mail_types import DeliveryReport, MailState, OutboxEntry, SmtpAccount
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.worker import Task, long_jobs_pool, run_task

# services.outbox (SMTP, email, address checks) and the keyring load in the first run, on
# the worker: the window builds the runner at start, but sending is not on that path.

INTERVAL_MS = 60_000
LOOKUP_LIMIT = 200  # outbox rows searched for the entries a run touched


@dataclass(frozen=True, slots=True)
class RunResult:
    report: DeliveryReport
    entries: dict[int, OutboxEntry]  # the entries the run touched, as they are now
    # The account whose password the run did not find (nothing was sent), else None.
    missing_password: SmtpAccount | None = None


class _NoPassword(Exception):
    """The run's password provider found no password: stop before connecting."""


def find_entries(db: Books, ids: Iterable[int]) -> dict[int, OutboxEntry]:
    """The outbox entries of ``ids`` (recent ones: a run touches the newest mail)."""
    from invoicedesk.services import outbox

    wanted = set(ids)
    found: dict[int, OutboxEntry] = {}
    offset = 0
    while wanted - found.keys():
        page = outbox.list_outbox(db, limit=LOOKUP_LIMIT, offset=offset)
        found.update((e.id, e) for e in page if e.id in wanted)
        if len(page) < LOOKUP_LIMIT or offset >= 5 * LOOKUP_LIMIT:
            break
        offset += LOOKUP_LIMIT
    return found


def _recipients(entry: OutboxEntry) -> str:
    shown = ", ".join(entry.to[:2])
    if len(entry.to) <= 2:
        return shown
    return tr("{addresses} and {n} more").format(addresses=shown, n=len(entry.to) - 2)


def _what(entry: OutboxEntry | None) -> str:
    if entry is None:
        return tr("a mail")
    return entry.invoice_number or f"“{entry.subject}”"


def summary(result: RunResult) -> str:
    """One status-bar line for a run ("Sent RE-2026-0001 to a@b · 1 mail failed: …")."""
    report, entries = result.report, result.entries
    parts = []
    if len(report.sent) == 1:
        entry = entries.get(report.sent[0])
        if entry is None:
            parts.append(tr("Sent {what}").format(what=_what(entry)))
        else:
            parts.append(tr("Sent {what} to {to}").format(what=_what(entry), to=_recipients(entry)))
    elif report.sent:
        names = ", ".join(_what(entries.get(i)) for i in report.sent[:4])
        n = len(report.sent)
        parts.append(
            ntr("Sent {n} mail: {names}", "Sent {n} mails: {names}", n).format(n=n, names=names)
            + (" …" if n > 4 else "")
        )
    outcomes = (  # the mails, what happened, whether the server's reply explains it
        (report.failed, ntr("{n} mail failed", "{n} mails failed", len(report.failed)), True),
        (report.unknown, ntr("{n} mail may not have arrived", "{n} mails may not have arrived",
                             len(report.unknown)), True),
        (report.retrying, ntr("{n} mail waits to be tried again",
                              "{n} mails wait to be tried again", len(report.retrying)), False),
    )  # fmt: skip
    for ids, text, with_reply in outcomes:
        if ids:
            entry = entries.get(ids[0])
            reason = (entry.error or (entry.server_reply if with_reply else "")) if entry else ""
            parts.append(text.format(n=len(ids)) + (f": {reason}" if reason else ""))
    if report.error:
        parts.append(tr("Mail could not be sent: {error}").format(error=report.error))
    return " · ".join(parts)


class OutboxRunner(QObject):
    """Delivers the outbox of ``ctx.db``; a child of ``ctx`` (see :func:`runner_of`)."""

    status_message = Signal(str)
    # The RunResult of a finished run (also one that waits for a password), or None: it failed.
    ran = Signal(object)

    def __init__(self, ctx: AppContext, window: QWidget | None = None) -> None:
        super().__init__(ctx)
        self.setObjectName("outbox-runner")
        self.ctx = ctx
        self._window = window  # parent of the password question
        self._task: Task | None = None
        self._again = False
        self._started = False
        self._stopped = False
        self._notifying = False
        self._declined = False  # the user gave no password; do not ask on every tick
        self._asking = False  # the password question is open: busy, as during a run
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.run_now)
        ctx.bus.changed.connect(self._on_bus)

    # ------------------------------------------------------------------ control

    def start(self) -> None:
        """On app start: mark interrupted hand-overs, then deliver what is due."""
        if self._started or self._stopped:
            return
        self._started = True
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)
        db = self.ctx.db

        def recover(_task: Task) -> tuple[int, int, int]:
            from invoicedesk.services import outbox

            count = outbox.recover_interrupted(db)
            return count, outbox.due_count(db), outbox.count_outbox(db, (MailState.QUEUED,))

        def recovered(counts: tuple[int, int, int]) -> None:
            self._task = None
            if not shiboken6.isValid(self) or self._stopped:
                return
            count, due, waiting = counts
            if count:
                self.status_message.emit(
                    ntr(
                        "{n} mail was being sent when InvoiceDesk stopped and may not have "
                        "arrived — check the Outbox",
                        "{n} mails were being sent when InvoiceDesk stopped and may not have "
                        "arrived — check the Outbox",
                        count,
                    ).format(n=count)
                )
                self._notify("mail", [])
            if self._again or due:  # asked meanwhile, or mail is due: a run now
                self.run_now()
            else:
                self._tick_while(waiting)  # counted by the worker: no read on the GUI thread

        def failed(exc: BaseException, _trace: str) -> None:
            self._task = None
            if shiboken6.isValid(self) and not self._stopped:
                self.status_message.emit(
                    tr("The outbox could not be checked: {error}").format(error=exc)
                )
                self.run_now()

        self._task = run_task(recover, recovered, failed, pool=long_jobs_pool())

    def stop(self) -> None:
        """No more runs (the window closes, the app quits); a running one is cancelled."""
        self._stopped = True
        self.timer.stop()
        if self._task is not None:
            self._task.cancel()

    def is_running(self) -> bool:
        return self._task is not None or self._asking

    def wake(self) -> None:
        """Someone queued or resent mail: ask for the password again if it was declined."""
        self._declined = False
        self.run_now()

    def run_now(self) -> None:
        """Deliver what is due now (after the current run, if one is under way)."""
        if self._stopped or not shiboken6.isValid(self):
            return
        if self._task is not None or self._asking:
            self._again = True  # a tick or a notice during a run or the password question
            return
        from invoicedesk.services import outbox

        db = self.ctx.db
        try:
            due = outbox.due_count(db)
        except Exception as exc:  # noqa: BLE001 - the database went away; say so, stay alive
            self.status_message.emit(
                tr("The outbox could not be checked: {error}").format(error=exc)
            )
            return
        if not due:
            self._schedule()
            return
        self._start()

    def _start(self) -> None:
        db = self.ctx.db
        self._again = False  # this run covers the requests made before it
        self._task = run_task(
            lambda task: self._deliver(db, task),
            self._finished,
            self._failed,
            pool=long_jobs_pool(),
        )

    def _password_missing(self, result: RunResult, account: SmtpAccount) -> None:
        """The run found no password: ask (unless declined before), then run again."""
        if not self._declined:
            if self._ask_password(account):
                if not self._stopped and shiboken6.isValid(self):
                    self._start()  # with the session's password
                return
            if self._stopped or not shiboken6.isValid(self):
                return
            self.status_message.emit(
                tr("Mail waits in the Outbox: no password for the mail server was given")
            )
            self._declined = True
        self._again = False  # a tick during the question: it was answered
        self.ran.emit(result)
        self._schedule()

    def _ask_password(self, account: SmtpAccount) -> bool:
        """Ask for the password; busy meanwhile (the question runs an event loop, in which
        a tick or a bus notice must not ask again or start a run of its own)."""
        from invoicedesk.ui.mail import password

        self._asking = True
        try:
            return password.ask_for_session(self._window, account)
        finally:
            if shiboken6.isValid(self):
                self._asking = False

    # ------------------------------------------------------------------ the run

    @staticmethod
    def _deliver(db: Books, task: Task) -> RunResult:
        from invoicedesk.services import outbox, secrets
        from invoicedesk.ui.mail import password

        missing: list[SmtpAccount] = []

        def provider(account: SmtpAccount) -> str | None:
            if not password.needed(account):
                return None
            secret = secrets.get_password(account)  # the keyring, once per run, in here
            if secret is None:
                missing.append(account)
                raise _NoPassword  # no connection without it
            return secret

        try:
            report = outbox.deliver_due(
                db, password_provider=provider, is_cancelled=task.is_cancelled
            )
        except _NoPassword:
            report = DeliveryReport()
        if missing:
            return RunResult(DeliveryReport(), {}, missing_password=missing[0])
        touched = (*report.sent, *report.failed, *report.unknown, *report.retrying)
        return RunResult(report, find_entries(db, touched) if touched else {})

    def _finished(self, result: RunResult) -> None:
        self._task = None
        if not shiboken6.isValid(self):
            return
        if result.missing_password is not None:
            if not self._stopped:
                self._password_missing(result, result.missing_password)
            return
        self._declined = False  # a password was found: ask again should it go missing
        report = result.report
        touched = [*report.sent, *report.failed, *report.unknown, *report.retrying]
        if touched:
            self._notify("mail", touched)
        invoices = sorted(
            {e.invoice_id for i, e in result.entries.items() if i in report.sent and e.invoice_id}
        )
        if invoices:
            self._notify("invoice", invoices)
        message = summary(result)
        if message:
            self.status_message.emit(message)
        self.ran.emit(result)
        self._next()

    def _failed(self, exc: BaseException, _trace: str) -> None:
        self._task = None
        if not shiboken6.isValid(self):
            return
        self.status_message.emit(tr("The outbox could not be delivered: {error}").format(error=exc))
        self._notify("mail", [])
        self.ran.emit(None)
        self._next()

    def _next(self) -> None:
        if self._again and not self._stopped:
            self._again = False
            self.run_now()
        else:
            self._schedule()

    def _schedule(self) -> None:
        """Tick every minute while mail waits (also mail to be retried later)."""
        from invoicedesk.services import outbox

        if self._stopped:
            return
        try:
            waiting = outbox.count_outbox(self.ctx.db, (MailState.QUEUED,))
        except Exception:  # noqa: BLE001 - checked again at the next request
            waiting = 0
        self._tick_while(waiting)

    def _tick_while(self, waiting: int) -> None:
        if self._stopped:
            return
        if waiting and not self.timer.isActive():
            self.timer.start()
        elif not waiting:
            self.timer.stop()

    # ------------------------------------------------------------------ the bus

    def _notify(self, kind: str, ids: list[int]) -> None:
        self._notifying = True
        try:
            self.ctx.bus.notify(kind, ids)
        finally:
            self._notifying = False

    def _on_bus(self, kind: str, _ids: list) -> None:
        if kind == "mail" and not self._notifying:
            self.run_now()


def runner_of(ctx: AppContext) -> OutboxRunner | None:
    """The runner delivering ``ctx``'s outbox, if the window made one."""
    return ctx.findChild(OutboxRunner, "outbox-runner")
