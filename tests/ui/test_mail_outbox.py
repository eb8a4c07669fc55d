"""The Outbox screen (model, counts, filter, Resend, Cancel, Open .eml), the outbox
runner (recovery at start, one run at a time, retries on a timer, the password asked
once, what the status bar says) and the window's mail entries."""

from __future__ import annotations

# The fixtures come from test_mail_support; as test arguments they shadow the import.
# ruff: noqa: F811
import datetime as dt
import threading

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6 import QtGui
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPixmap
from sqlalchemy import update

from invoicedesk.db.models import OutgoingMail
from invoicedesk.services import outbox, secrets
from invoicedesk.services.mail_types import DeliveryReport, MailDraft, MailState, OutboxEntry
from invoicedesk.ui.mail import password
from invoicedesk.ui.mail.outbox_model import COLUMN, OutboxTableModel, StateRole
from invoicedesk.ui.mail.outbox_page import OutboxPage, status_text
from invoicedesk.ui.mail.runner import OutboxRunner, RunResult, runner_of, summary
from invoicedesk.ui.main_window import PAGES, MainWindow
from tests.keyrings import MemoryKeyring
from tests.mail_server import (  # noqa: F401 - fixtures
    Handler,
    mail_server_fixture,
    make_mail_server_fixture,
    tls_cert_fixture,
)
from tests.ui.test_mail_support import (  # noqa: F401 - fixtures
    CLIENT_MAIL,
    answers,
    books,
    books_file,
    configure,
    ctx,
    db,
    keep_keyring,
    memory_keyring,
    no_keyring,
)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
REFUSED = "refused@acme.example"
REPLY = "550 5.1.1 <refused@acme.example>: Recipient address rejected: User unknown"


def draft(
    to: str = CLIENT_MAIL, invoice_id: int | None = None, subject: str = "Hello"
) -> MailDraft:
    return MailDraft(to=(to,), subject=subject, body="Text", invoice_id=invoice_id)


@pytest.fixture
def server(make_mail_server):
    return make_mail_server(handler=Handler(reject={REFUSED: REPLY}))


@pytest.fixture
def mixed(ctx, books, server, memory_keyring) -> dict[str, int]:
    """One mail in each of sent, failed, cancelled and queued (newest last)."""
    account = configure(ctx.db, server)
    sent = outbox.queue(ctx.db, draft(invoice_id=books["invoice"]), account)
    failed = outbox.queue(ctx.db, draft(REFUSED, subject="Refused"), account)
    report = outbox.deliver_due(ctx.db, password_provider=lambda _a: None)
    assert report.sent == (sent.id,) and report.failed == (failed.id,)
    cancelled = outbox.cancel(ctx.db, outbox.queue(ctx.db, draft(), account).id)
    queued = outbox.queue(ctx.db, draft(subject="Waiting"), account)
    return {"sent": sent.id, "failed": failed.id, "cancelled": cancelled.id, "queued": queued.id}


@pytest.fixture
def page(qtbot, ctx, mixed, answers):
    widget = OutboxPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 500)
    widget.show()
    return widget


def select(page: OutboxPage, mail_id: int) -> None:
    assert page.select(mail_id)


def test_status_text():
    assert status_text(3, 1) == "3 waiting · 1 needs your attention (unknown/failed)"
    assert status_text(0, 2) == "2 need your attention (unknown/failed)"
    assert status_text(0, 0) == "Nothing waiting to be sent"


def test_the_model_passes_the_model_tester_and_shows_each_state(qtbot, qtmodeltester, ctx, mixed):
    model = OutboxTableModel(ctx.db)
    model.reload()
    qtmodeltester.check(model)
    states = [model.index(r, 0).data(StateRole) for r in range(model.rowCount())]
    assert states == [MailState.QUEUED, MailState.CANCELLED, MailState.FAILED, MailState.SENT]
    failed = model.index(2, COLUMN["error"])
    assert REPLY in failed.data()
    state = model.index(2, COLUMN["state"])
    assert isinstance(state.data(Qt.ItemDataRole.DecorationRole), QPixmap)
    assert state.data(Qt.ItemDataRole.AccessibleTextRole) == "Failed"
    assert "not tried again" in state.data(Qt.ItemDataRole.ToolTipRole)
    sent = model.index(3, COLUMN["invoice"])
    assert sent.data() == "RE-2026-0001"
    assert model.index(3, COLUMN["time"]).data()  # the time it was sent
    assert model.index(3, COLUMN["to"]).data() == CLIENT_MAIL
    model.reload([MailState.FAILED, MailState.UNKNOWN])
    qtmodeltester.check(model)
    assert model.rowCount() == 1


def test_tooltips_show_server_replies_and_subjects_as_written(qtbot, ctx, mixed):
    reply = "550 <b>No</b> such user <refused@acme.example>"
    set_state(ctx, mixed["failed"], server_reply=reply, error="")
    model = OutboxTableModel(ctx.db)
    model.reload([MailState.FAILED])
    assert model.index(0, COLUMN["error"]).data() == reply and QtGui.Qt.mightBeRichText(reply)
    tip = model.index(0, COLUMN["error"]).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;No&lt;/b&gt; such user &lt;refused@acme.example&gt;" in tip
    assert "<b>" not in tip
    assert model.index(0, COLUMN["subject"]).data(Qt.ItemDataRole.ToolTipRole) == "Refused"


def test_counts_and_filter(page):
    assert page.counts.text() == "1 waiting · 1 needs your attention (unknown/failed)"
    assert page.setup_hint.isHidden()  # the account is set up
    page.filter.setCurrentIndex(page.filter.findText("Needs attention"))
    assert page.model.rowCount() == 1 and page.model.entry(0).state is MailState.FAILED
    page.filter.setCurrentIndex(page.filter.findText("Sent"))
    assert [page.model.entry(r).state for r in range(page.model.rowCount())] == [MailState.SENT]


def test_resend_and_cancel_change_the_state(page, ctx, mixed, answers, settle):
    told: list[tuple[str, list]] = []
    ctx.bus.changed.connect(lambda kind, ids: told.append((kind, ids)))
    select(page, mixed["failed"])
    assert page.resend_action.isEnabled() and page.cancel_action.isEnabled()
    page.resend_action.trigger()
    assert not page.resend_action.isEnabled() and not page.cancel_action.isEnabled()  # busy
    settle()
    assert answers.asked == []  # failed: resent without asking
    assert page.selected().state is MailState.QUEUED and page.selected().error == ""
    assert ("mail", [mixed["failed"], mixed["failed"]]) in told
    assert page.counts.text() == "2 waiting"

    select(page, mixed["queued"])
    page.cancel_action.trigger()
    settle()
    assert answers.asked == ["Cancel mail"]
    assert page.selected().state is MailState.CANCELLED

    select(page, mixed["sent"])
    assert not page.cancel_action.isEnabled()
    answers.confirm = False
    page.resend_action.trigger()
    assert answers.asked[-1] == "Resend mail"
    assert page.selected().state is MailState.SENT  # declined: unchanged


def set_state(ctx, mail_id: int, **values: object) -> None:
    """Change a row behind the page's back (another process: the CLI, a second window)."""
    with ctx.db.write() as session:
        session.execute(update(OutgoingMail).where(OutgoingMail.id == mail_id).values(**values))


def test_resending_a_sent_mail_needs_the_second_copy_confirmed(page, ctx, mixed, answers, settle):
    select(page, mixed["sent"])
    page.resend_action.trigger()
    settle()
    assert answers.asked == ["Resend mail"] and answers.reports == []
    assert page.selected().state is MailState.QUEUED


def test_resend_of_a_mail_that_changed_meanwhile_changes_nothing_and_says_why(
    page, ctx, mixed, answers, settle
):
    told: list[tuple[str, list]] = []
    ctx.bus.changed.connect(lambda kind, ids: told.append((kind, ids)))
    select(page, mixed["failed"])  # the list shows it failed …
    outbox.cancel(ctx.db, mixed["failed"])  # … someone cancelled it meanwhile
    page.resend_action.trigger()
    settle()
    assert told == []  # refused: nothing changed
    assert page.resend_action.isEnabled() and not page.cancel_action.isEnabled()  # cancelled
    (said,) = answers.reports
    assert "changed in the meantime" in said and "cancelled" in said
    assert page.selected().state is MailState.CANCELLED  # not queued; the list reloaded

    select(page, mixed["queued"])  # the list shows it waiting …
    set_state(ctx, mixed["queued"], status=MailState.SENT.value)  # … the outbox sent it
    page.resend_action.trigger()
    settle()
    assert answers.asked == []  # a waiting mail is sent now without asking
    assert "sent in the meantime" in answers.reports[-1]
    assert page.selected().state is MailState.SENT
    assert outbox.count_outbox(ctx.db, [MailState.QUEUED]) == 0


def test_resend_of_a_waiting_mail_sends_it_now(page, ctx, mixed, answers, settle):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    set_state(ctx, mixed["queued"], next_attempt_at=later, attempts=2, error="421 busy")
    page.refresh()
    select(page, mixed["queued"])
    assert page.resend_action.toolTip() == "Send the selected mail now"
    assert outbox.due_count(ctx.db) == 0
    page.resend_action.trigger()
    settle()
    assert answers.asked == [] and answers.reports == []
    assert outbox.due_count(ctx.db) == 1  # due now, the attempts it took kept
    assert page.selected().state is MailState.QUEUED and page.selected().attempts == 2


def test_open_eml_hands_the_stored_message_to_the_desktop(page, ctx, mixed, answers):
    select(page, mixed["sent"])
    page.eml_action.trigger()
    (opened,) = answers.opened
    assert opened.name == "RE-2026-0001.eml"
    assert opened.read_bytes() == outbox.eml_bytes(ctx.db, mixed["sent"])


def test_the_page_reloads_on_mail_notices(qtbot, page, ctx, mixed):
    outbox.cancel(ctx.db, mixed["queued"])
    ctx.bus.notify("mail", [mixed["queued"]])
    assert page.model.entry(0).state is MailState.CANCELLED
    assert page.counts.text() == "1 needs your attention (unknown/failed)"


# ---------------------------------------------------------------------------- the runner


def test_summary_lines():
    def entry(mail_id: int, number: str | None, error: str = "") -> OutboxEntry:
        now = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)
        return OutboxEntry(mail_id, MailState.SENT, 1, number, ("a@b.example",), (), (),
                           "Subject", "<id>", 100, 1, now, now, None, now, error, "")  # fmt: skip

    sent = RunResult(DeliveryReport(sent=(1,)), {1: entry(1, "RE-2026-0001")})
    assert summary(sent) == "Sent RE-2026-0001 to a@b.example"
    failed = RunResult(DeliveryReport(failed=(2,)), {2: entry(2, None, "refused")})
    assert summary(failed) == "1 mail failed: refused"
    assert summary(RunResult(DeliveryReport(error="no connection"), {})) == (
        "Mail could not be sent: no connection"
    )
    assert summary(RunResult(DeliveryReport(), {})) == ""


def test_start_marks_interrupted_mail_unknown(qtbot, ctx, mixed):
    with ctx.db.write() as session:
        session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.id == mixed["cancelled"])
            .values(status="sending")
        )
    runner = OutboxRunner(ctx)
    said: list[str] = []
    runner.status_message.connect(said.append)
    with qtbot.wait_signal(runner.ran, timeout=20000):  # recovery, then the queued mail
        runner.start()
    assert said[0].startswith("1 mail was being sent when InvoiceDesk stopped")
    (unknown,) = outbox.list_outbox(ctx.db, states=[MailState.UNKNOWN])
    assert unknown.id == mixed["cancelled"]
    assert outbox.count_outbox(ctx.db, [MailState.QUEUED]) == 0
    runner.stop()


def test_a_refused_mail_is_reported_and_a_request_during_a_run_runs_again(
    qtbot, ctx, books, server, memory_keyring
):
    account = configure(ctx.db, server)
    runner = OutboxRunner(ctx)
    said: list[str] = []
    runner.status_message.connect(said.append)
    outbox.queue(ctx.db, draft(REFUSED), account)
    with qtbot.wait_signal(runner.ran, timeout=20000) as first:
        ctx.bus.notify("mail", [])  # mail queued elsewhere: the runner hears it
        assert runner.is_running()
        outbox.queue(ctx.db, draft(), account)
        ctx.bus.notify("mail", [])  # during the run: one more run after it
    assert first.args[0].report.failed
    assert "1 mail failed: " in said[-1] and "550" in said[-1]  # the run may send both
    if runner.is_running():  # the first run had not seen the second mail yet
        with qtbot.wait_signal(runner.ran, timeout=20000):
            pass
    assert [e.state for e in outbox.list_outbox(ctx.db)] == [MailState.SENT, MailState.FAILED]
    assert not runner.timer.isActive()  # nothing waits


def test_a_temporary_failure_waits_for_the_timer(qtbot, ctx, books, make_mail_server,
                                                 memory_keyring):  # fmt: skip
    server = make_mail_server(handler=Handler(temporary_failures=1))
    account = configure(ctx.db, server)
    runner = OutboxRunner(ctx)
    said: list[str] = []
    runner.status_message.connect(said.append)
    outbox.queue(ctx.db, draft(), account)
    with qtbot.wait_signal(runner.ran, timeout=20000) as ran:
        runner.run_now()
    assert ran.args[0].report.retrying
    assert said[-1].startswith("1 mail waits to be tried again")
    assert runner.timer.isActive() and runner.timer.interval() == 60_000
    runner.stop()
    assert not runner.timer.isActive()


def test_a_declined_password_is_not_asked_for_on_every_tick(
    qtbot, ctx, books, answers, no_keyring, make_mail_server, tls_cert
):
    server = make_mail_server(tls="starttls", auth=("billing", "right"))
    account = configure(ctx.db, server, username="billing", allow_insecure=False,
                        pinned_certificate=tls_cert.fingerprint)  # fmt: skip
    outbox.queue(ctx.db, draft(), account)
    runner = OutboxRunner(ctx)
    said: list[str] = []
    runner.status_message.connect(said.append)
    with qtbot.wait_signal(runner.ran, timeout=20000) as ran:
        runner.run_now()  # the worker finds no password; then the question
    assert answers.asked_password == 1 and not runner.is_running()
    assert ran.args[0].missing_password is not None and not ran.args[0].report.sent
    assert said == ["Mail waits in the Outbox: no password for the mail server was given"]
    assert runner.timer.isActive()
    with qtbot.wait_signal(runner.ran, timeout=20000):
        runner.run_now()  # the timer's tick
    assert answers.asked_password == 1 and len(said) == 1
    answers.password = "right"
    with qtbot.wait_signal(runner.ran, timeout=20000) as ran:
        runner.wake()  # the user sent or resent something: ask again
    assert answers.asked_password == 2 and ran.args[0].report.sent
    assert len(server.received) == 1


def test_a_tick_or_a_notice_during_the_password_question_neither_asks_nor_runs_again(
    qtbot, ctx, books, answers, no_keyring, make_mail_server, tls_cert, monkeypatch
):
    server = make_mail_server(tls="starttls", auth=("billing", "right"))
    account = configure(ctx.db, server, username="billing", allow_insecure=False,
                        pinned_certificate=tls_cert.fingerprint)  # fmt: skip
    outbox.queue(ctx.db, draft(), account)
    runner = OutboxRunner(ctx)
    busy_while_asked: list[bool] = []

    def ask(_parent: object, _account: object) -> str:
        # The question is modal: its event loop delivers the timer's tick and bus notices.
        busy_while_asked.append(runner.is_running())
        if len(busy_while_asked) == 1:
            runner.run_now()  # the minute's tick
            outbox.queue(ctx.db, draft(subject="Second"), account)
            ctx.bus.notify("mail", [])  # a mail queued meanwhile
        return "right"

    monkeypatch.setattr(password, "ask_password", ask)
    with qtbot.wait_signal(runner.ran, timeout=20000) as ran:
        runner.run_now()
    assert busy_while_asked == [True]  # asked once, busy meanwhile
    assert len(ran.args[0].report.sent) == 2  # one run took both mails
    assert len(server.received) == 2 and not runner.is_running()
    assert not runner._again  # the run covered what was asked for during the question


class WatchedKeyring(MemoryKeyring):
    """Records, for each read, whether it happened on the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.read_on_gui_thread: list[bool] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.read_on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return super().get_password(service, username)


KeyringBackend._classes.discard(WatchedKeyring)  # type: ignore[attr-defined]


def test_the_keyring_is_read_once_per_run_and_never_on_the_gui_thread(
    qtbot, ctx, books, answers, keep_keyring, make_mail_server, tls_cert
):
    backend = WatchedKeyring()
    keyring.set_keyring(backend)
    server = make_mail_server(tls="starttls", auth=("billing", "right"))
    account = configure(ctx.db, server, username="billing", allow_insecure=False,
                        pinned_certificate=tls_cert.fingerprint)  # fmt: skip
    assert secrets.store_password(account, "right")
    runner = OutboxRunner(ctx)
    for subject in ("First", "Second"):
        outbox.queue(ctx.db, draft(subject=subject), account)
        backend.read_on_gui_thread.clear()
        with qtbot.wait_signal(runner.ran, timeout=20000) as ran:
            runner.run_now()  # a tick, or the bus after Send
        assert ran.args[0].report.sent
        assert backend.read_on_gui_thread == [False]  # once, in the worker
    backend.read_on_gui_thread.clear()
    runner.run_now()  # a tick with nothing due
    assert backend.read_on_gui_thread == [] and not runner.is_running()
    assert answers.asked_password == 0 and len(server.received) == 2


# ---------------------------------------------------------------------------- the window


def test_the_window_has_the_outbox_page_the_menu_entries_and_a_runner(qtbot, ctx, tmp_path):
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx.db, settings=settings)
    qtbot.addWidget(window)
    window.show()
    keys = [spec.key for spec in PAGES]
    window.page_actions[keys.index("outbox")].trigger()
    assert isinstance(window.current_page(), OutboxPage)
    assert window.page_actions[keys.index("outbox")].shortcut().toString() == "Ctrl+5"
    assert window.pages["outbox"].resend_action in window.page_toolbar.actions()
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "&Email Settings…" in texts and "Email &Templates…" in texts
    assert runner_of(window.ctx) is None  # made by the chores after the window shows
    runner = window.mail_runner
    assert runner_of(window.ctx) is runner
    window.close()
    assert window.mail_runner._stopped
