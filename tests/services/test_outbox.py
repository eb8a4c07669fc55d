"""The durable outbox against a real SMTP server and a real SQLite file.

``deliver_due`` is synchronous: when it returns, the server (a thread) has answered
every message, so nothing here waits or sleeps. Time moves by passing ``now``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from invoicedesk.core.errors import ConflictError, DomainError
from invoicedesk.db.engine import Database, open_database
from invoicedesk.db.models import Invoice, OutgoingMail
from invoicedesk.services import audit, invoices, mail_settings, outbox
from invoicedesk.services.mail_types import (
    Attachment,
    MailDraft,
    MailState,
    SmtpAccount,
)
from invoicedesk.services.smtp import MailError, SmtpConnection
from tests.factories import issued_invoice
from tests.mail_server import (  # noqa: F401 - fixtures
    MailServer,
    MakeServer,
    TlsCert,
    free_port,
    mail_server_fixture,
    make_mail_server_fixture,
    tls_cert_fixture,
)

NOW = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 140 + b"\n%%EOF\n"  # ~35 KB
USER, PASSWORD = "billing@muster.example", "S3cret-Pässwort!42"


def draft(**fields: Any) -> MailDraft:
    fields.setdefault("to", ("kunde@acme.example",))
    fields.setdefault("subject", "Rechnung RE-2026-0001")
    fields.setdefault("body", "Guten Tag,\n\nanbei die Rechnung.\n")
    return MailDraft(**fields)


def no_password(_account: SmtpAccount) -> str | None:
    return None


def deliver(db: Database, account: SmtpAccount, now: dt.datetime = NOW, **kwargs: Any) -> Any:
    kwargs.setdefault("password_provider", no_password)
    return outbox.deliver_due(db, account=account, now=now, **kwargs)


def state_of(db: Database, mail_id: int) -> MailState:
    (entry,) = [e for e in outbox.list_outbox(db) if e.id == mail_id]
    return entry.state


def entry_of(db: Database, mail_id: int) -> Any:
    return next(e for e in outbox.list_outbox(db) if e.id == mail_id)


class SimulatedCrash(BaseException):
    """The process dying in the middle of a send (not an Exception: nothing catches it)."""


class CrashingConnection(SmtpConnection):
    def send(self, message_bytes: bytes, sender: str, recipients: Sequence[str]) -> str:
        raise SimulatedCrash


# --------------------------------------------------------------------------- delivery


def test_delivered_message_read_back(db: Database, mail_server: MailServer) -> None:
    invoice = issued_invoice(db)
    account = mail_server.account(bcc_self=True, reply_to="office@muster.example")
    entry = outbox.queue(
        db,
        draft(
            to=("kunde@acme.example",),
            cc=("buchhaltung@acme.example",),
            bcc=("archiv@muster.example",),
            subject=f"Rechnung {invoice.number} – Müller",
            attachments=(Attachment(f"Rechnung {invoice.number} Müller.pdf", PDF),),
            invoice_id=invoice.id,
        ),
        account,
    )
    assert entry.state is MailState.QUEUED
    assert entry.invoice_number == invoice.number
    assert entry.bcc == ("archiv@muster.example", "billing@muster.example")

    report = deliver(db, account)

    assert report.sent == (entry.id,) and report.error == ""
    (received,) = mail_server.received
    assert received.sender == "billing@muster.example"
    assert set(received.recipients) == {
        "kunde@acme.example",
        "buchhaltung@acme.example",
        "archiv@muster.example",
        "billing@muster.example",
    }
    assert received.data == outbox.eml_bytes(db, entry.id)
    message = received.message()
    assert message["From"].addresses[0].addr_spec == "billing@muster.example"
    assert message["From"].addresses[0].display_name == "Muster Software GmbH"
    assert [a.addr_spec for a in message["To"].addresses] == ["kunde@acme.example"]
    assert [a.addr_spec for a in message["Cc"].addresses] == ["buchhaltung@acme.example"]
    assert message["Bcc"] is None
    assert message["Subject"] == f"Rechnung {invoice.number} – Müller"
    assert message["Message-ID"] == entry.message_id
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == f"Rechnung {invoice.number} Müller.pdf"
    assert attachment.get_content() == PDF

    sent = entry_of(db, entry.id)
    assert sent.state is MailState.SENT and sent.attempts == 1
    assert sent.sent_at == NOW and sent.server_reply == "250 2.0.0 Ok: queued as TEST"
    with db.read() as session:
        row = session.get(Invoice, invoice.id)
        assert row is not None
        assert row.sent_at == NOW
        assert row.sent_to == "kunde@acme.example, buchhaltung@acme.example"
    view = invoices.get_invoice(db, invoice.id)
    assert view.sent_at == NOW
    assert view.sent_to == ("kunde@acme.example", "buchhaltung@acme.example")
    history = audit.history(db, "invoice", invoice.id)
    assert history[-1].action == "sent"
    assert "kunde@acme.example" in history[-1].summary
    assert [h.action for h in audit.history(db, "mail", entry.id)] == ["queued", "sent"]


def test_batch_reuses_one_connection(db: Database, mail_server: MailServer) -> None:
    account = mail_server.account()
    ids = [outbox.queue(db, draft(subject=f"Mail {i}"), account).id for i in range(5)]
    assert outbox.due_count(db, NOW) == 5

    report = deliver(db, account)

    assert report.sent == tuple(ids)
    assert mail_server.connections == 1
    assert [r.message()["Subject"] for r in mail_server.received] == [f"Mail {i}" for i in range(5)]
    assert outbox.due_count(db, NOW) == 0
    assert deliver(db, account) == outbox.DeliveryReport()  # nothing due: no connection
    assert mail_server.connections == 1


def test_rejected_recipient_fails_and_is_never_retried(
    db: Database, mail_server: MailServer
) -> None:
    reply = "550 5.1.1 <weg@acme.example>: Recipient address rejected"
    mail_server.handler.reject["weg@acme.example"] = reply
    account = mail_server.account()
    bad = outbox.queue(db, draft(to=("weg@acme.example",)), account)
    good = outbox.queue(db, draft(), account)

    report = deliver(db, account)
    later = deliver(db, account, NOW + dt.timedelta(days=3))

    assert report.failed == (bad.id,) and report.sent == (good.id,)
    assert later.sent == later.failed == later.retrying == ()
    failed = entry_of(db, bad.id)
    assert failed.state is MailState.FAILED and failed.server_reply == reply
    assert "refused the recipient weg@acme.example" in failed.error
    assert mail_server.handler.rcpt_attempts.count("weg@acme.example") == 1
    assert [r.recipients for r in mail_server.received] == [("kunde@acme.example",)]


def test_temporary_failure_is_retried_later_and_delivered_once(
    db: Database, mail_server: MailServer
) -> None:
    mail_server.handler.temporary_failures = 2
    account = mail_server.account()
    mail_id = outbox.queue(db, draft(), account).id

    first = deliver(db, account)
    waiting = entry_of(db, mail_id)
    too_early = deliver(db, account, NOW + dt.timedelta(seconds=59))
    second = deliver(db, account, NOW + dt.timedelta(minutes=1))
    third = deliver(db, account, NOW + dt.timedelta(minutes=6))
    after = deliver(db, account, NOW + dt.timedelta(days=1))

    assert first.retrying == (mail_id,) and second.retrying == (mail_id,)
    assert waiting.state is MailState.QUEUED and waiting.attempts == 1
    assert waiting.next_attempt_at == NOW + dt.timedelta(minutes=1)
    assert waiting.server_reply == mail_server.handler.temporary_reply
    assert too_early == outbox.DeliveryReport()
    assert third.sent == (mail_id,) and after == outbox.DeliveryReport()
    assert mail_server.handler.data_attempts == 3
    assert len(mail_server.received) == 1
    assert entry_of(db, mail_id).attempts == 3


def test_retry_delays_grow_and_give_up_after_about_two_days(db: Database) -> None:
    account = MailServer(port=free_port()).account()  # never started: refused every time
    mail_id = outbox.queue(db, draft(), account).id
    now, waits = NOW, []
    while (entry := entry_of(db, mail_id)).state is MailState.QUEUED:
        report = deliver(db, account, now)
        assert "refused the connection" in report.error
        entry = entry_of(db, mail_id)
        if entry.next_attempt_at is not None:
            waits.append(entry.next_attempt_at - now)
            now = entry.next_attempt_at
    minutes = [int(w.total_seconds() // 60) for w in waits]
    assert minutes[:5] == [1, 5, 15, 60, 240] and set(minutes[4:]) == {240}
    assert entry.state is MailState.FAILED
    assert entry.attempts == outbox.MAX_ATTEMPTS
    assert dt.timedelta(hours=44) <= now - NOW <= dt.timedelta(hours=52)
    assert "still failing after 17 attempts" in entry.error


def test_server_closing_before_the_data_retries_that_message_only(
    db: Database, mail_server: MailServer
) -> None:
    reply = "421 4.3.2 Too many messages on this connection, closing"
    mail_server.handler.reject["busy@acme.example"] = reply
    account = mail_server.account()
    busy = outbox.queue(db, draft(to=("busy@acme.example",)), account).id
    other = outbox.queue(db, draft(), account).id

    report = deliver(db, account)

    assert report.retrying == (busy,) and report.sent == (other,)
    entry = entry_of(db, busy)
    assert entry.server_reply == reply
    assert entry.next_attempt_at == NOW + dt.timedelta(minutes=1)
    assert mail_server.connections == 2  # the server said 421: a new connection for the next
    assert [r.recipients for r in mail_server.received] == [("kunde@acme.example",)]


def test_server_down_then_up_gets_exactly_one_copy(
    db: Database, make_mail_server: MakeServer
) -> None:
    server = make_mail_server(start=False)
    account = server.account()
    mail_id = outbox.queue(db, draft(), account).id

    down = deliver(db, account)
    server.start()
    up = deliver(db, account, NOW + dt.timedelta(minutes=1))
    again = deliver(db, account, NOW + dt.timedelta(hours=1))

    assert down.retrying == (mail_id,) and "refused the connection" in down.error
    assert up.sent == (mail_id,)
    assert again == outbox.DeliveryReport()
    assert len(server.received) == 1


def test_queued_mail_survives_a_restart(db: Database, mail_server: MailServer) -> None:
    account = mail_server.account()
    mail_id = outbox.queue(db, draft(), account).id
    assert db.path is not None
    db.dispose()  # the app quits (or dies) before the outbox ran

    restarted = open_database(str(db.path))
    try:
        assert outbox.recover_interrupted(restarted) == 0
        assert deliver(restarted, account).sent == (mail_id,)
    finally:
        restarted.dispose()
    assert len(mail_server.received) == 1


# A process that dies while it sends (power cut, kill -9): nothing of it runs any more.
DYING_PROCESS = """
import datetime as dt, os, sys
from invoicedesk.db.engine import open_database
from invoicedesk.services import outbox
from invoicedesk.services.mail_types import Security, SmtpAccount
from invoicedesk.services.smtp import SmtpConnection

class Dying(SmtpConnection):
    def send(self, message_bytes, sender, recipients):
        os._exit(3)

account = SmtpAccount(host="127.0.0.1", port=int(sys.argv[2]), security=Security.NONE,
                      allow_insecure=True, sender="billing@muster.example", timeout=5.0)
outbox.deliver_due(open_database(sys.argv[1]), account=account, connection_factory=Dying,
                   password_provider=lambda _a: None, now=dt.datetime.fromisoformat(sys.argv[3]))
"""


def test_crash_while_sending_is_unknown_after_restart_and_not_resent(
    db: Database, mail_server: MailServer
) -> None:
    account = mail_server.account()
    mail_id = outbox.queue(db, draft(), account).id
    assert db.path is not None
    db.dispose()
    crashed = subprocess.run(
        [sys.executable, "-c", DYING_PROCESS, str(db.path), str(mail_server.port), NOW.isoformat()],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert crashed.returncode == 3, crashed.stderr

    restarted = open_database(str(db.path))
    try:
        assert state_of(restarted, mail_id) is MailState.SENDING
        # A minute later: well within the lease; the claim's process is gone, though.
        assert outbox.recover_interrupted(restarted, now=NOW + dt.timedelta(minutes=1)) == 1
        entry = entry_of(restarted, mail_id)
        assert entry.state is MailState.UNKNOWN
        assert entry.error == outbox.INTERRUPTED
        assert deliver(restarted, account, NOW + dt.timedelta(days=1)) == outbox.DeliveryReport()
        assert mail_server.received == []
        # The person checked: it did not arrive. Resending sends the same message once.
        resent = outbox.resend(restarted, mail_id, expected=MailState.UNKNOWN)
        assert resent.state is MailState.QUEUED and resent.attempts == 0
        assert deliver(restarted, account).sent == (mail_id,)
        assert mail_server.received[0].message()["Message-ID"] == entry.message_id
    finally:
        restarted.dispose()


def claim_as(db: Database, mail_id: int, token: str, at: dt.datetime) -> None:
    """Mark ``mail_id`` sending as the process ``token`` would (and then died or hangs)."""
    with db.write() as session:
        row = session.get(OutgoingMail, mail_id)
        assert row is not None
        row.status, row.claimed_by, row.last_attempt_at = "sending", token, at


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


class RecoveringMeanwhile(SmtpConnection):
    """While this process sends, another one starts up and recovers (at ``recover_at``)."""

    db: Database
    recover_at = NOW
    recovered: list[int] = []

    def send(self, message_bytes: bytes, sender: str, recipients: Sequence[str]) -> str:
        self.recovered.append(outbox.recover_interrupted(self.db, now=self.recover_at))
        return super().send(message_bytes, sender, recipients)


def test_recovery_leaves_a_live_claim_alone_and_takes_a_dead_one(
    db: Database, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = mail_server.account()
    dead = outbox.queue(db, draft(subject="Dead"), account).id
    live = outbox.queue(db, draft(subject="Live"), account).id
    host = socket.gethostname()
    claim_as(db, dead, f"{host}:{dead_pid()}:b", NOW)  # process B died while sending
    monkeypatch.setattr(outbox, "claim_token", lambda: f"{host}:{os.getpid()}:a")  # A lives
    monkeypatch.setattr(RecoveringMeanwhile, "db", db, raising=False)
    monkeypatch.setattr(RecoveringMeanwhile, "recovered", [])

    report = deliver(db, account, connection_factory=RecoveringMeanwhile)

    assert RecoveringMeanwhile.recovered == [1]
    assert report.sent == (live,)
    assert state_of(db, dead) is MailState.UNKNOWN
    assert state_of(db, live) is MailState.SENT
    assert [h.action for h in audit.history(db, "mail", live)] == ["queued", "sent"]
    assert [r.message()["Subject"] for r in mail_server.received] == ["Live"]


def test_a_claim_from_another_machine_is_only_taken_after_the_lease(db: Database) -> None:
    mail_id = outbox.queue(db, draft(), SmtpAccount(sender="billing@muster.example")).id
    claim_as(db, mail_id, "other-host:4242:c", NOW)

    assert outbox.recover_interrupted(db, now=NOW + dt.timedelta(minutes=29)) == 0
    assert state_of(db, mail_id) is MailState.SENDING
    assert outbox.recover_interrupted(db, now=NOW + outbox.CLAIM_LEASE) == 1
    assert state_of(db, mail_id) is MailState.UNKNOWN


def test_a_send_outlasting_the_lease_is_still_confirmed_as_sent(
    db: Database, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = mail_server.account()
    mail_id = outbox.queue(db, draft(), account).id
    monkeypatch.setattr(RecoveringMeanwhile, "db", db, raising=False)
    monkeypatch.setattr(RecoveringMeanwhile, "recovered", [])
    monkeypatch.setattr(RecoveringMeanwhile, "recover_at", NOW + dt.timedelta(hours=1))

    report = deliver(db, account, connection_factory=RecoveringMeanwhile)

    # Recovery took the old claim for stale ("unknown"); the server's answer corrects it.
    assert RecoveringMeanwhile.recovered == [1] and report.sent == (mail_id,)
    assert state_of(db, mail_id) is MailState.SENT
    assert [h.action for h in audit.history(db, "mail", mail_id)] == ["queued", "unknown", "sent"]


def test_the_result_is_only_written_to_a_row_this_process_still_holds(
    db: Database, mail_server: MailServer
) -> None:
    mail_server.handler.temporary_failures = 1
    account = mail_server.account()
    mail_id = outbox.queue(db, draft(), account).id

    class TakenOver(SmtpConnection):
        def send(self, message_bytes: bytes, sender: str, recipients: Sequence[str]) -> str:
            claim_as(db, mail_id, "other-host:77:d", NOW)  # e.g. a lease taken over
            return super().send(message_bytes, sender, recipients)

    report = deliver(db, account, connection_factory=TakenOver)

    assert report.retrying == () and state_of(db, mail_id) is MailState.SENDING
    assert entry_of(db, mail_id).next_attempt_at is None


def test_ctrl_c_before_the_data_puts_the_mail_back_in_the_queue(
    db: Database, mail_server: MailServer
) -> None:
    account = mail_server.account()
    mail_id = outbox.queue(db, draft(), account).id

    with pytest.raises(SimulatedCrash):  # raised in send(), before MAIL FROM
        deliver(db, account, connection_factory=CrashingConnection)

    entry = entry_of(db, mail_id)
    assert entry.state is MailState.QUEUED and entry.error == outbox.STOPPED_BEFORE
    assert outbox.due_count(db, NOW) == 1
    assert deliver(db, account).sent == (mail_id,) and len(mail_server.received) == 1


class InterruptedInTheData(SmtpConnection):
    """Ctrl+C while the message's data is being written to the server."""

    def open(self) -> None:
        super().open()
        smtp = self._smtp
        assert smtp is not None
        plain_send = smtp.send

        def send(data: Any) -> None:
            if isinstance(data, bytes) and b"Subject:" in data:
                plain_send(data[: len(data) // 2])
                raise KeyboardInterrupt
            plain_send(data)

        smtp.send = send  # type: ignore[method-assign]


def test_ctrl_c_during_the_data_leaves_the_mail_unknown(
    db: Database, mail_server: MailServer
) -> None:
    account = mail_server.account()
    mail_id = outbox.queue(db, draft(), account).id

    with pytest.raises(KeyboardInterrupt):
        deliver(db, account, connection_factory=InterruptedInTheData)

    entry = entry_of(db, mail_id)
    assert entry.state is MailState.UNKNOWN and entry.error == outbox.INTERRUPTED
    assert deliver(db, account, NOW + dt.timedelta(days=1)) == outbox.DeliveryReport()


def test_connection_lost_after_data_is_unknown_and_never_resent(
    db: Database, mail_server: MailServer
) -> None:
    mail_server.handler.drop_after_data = True
    account = mail_server.account()
    first = outbox.queue(db, draft(subject="First"), account).id
    second = outbox.queue(db, draft(subject="Second"), account).id

    report = deliver(db, account)
    mail_server.handler.drop_after_data = False
    later = deliver(db, account, NOW + dt.timedelta(days=2))

    # The first may have arrived (it did): unknown. The second needs a new connection.
    assert report.unknown == (first, second)
    assert later == outbox.DeliveryReport()
    assert "may or may not have arrived" in entry_of(db, first).error
    assert [r.message()["Subject"] for r in mail_server.received] == ["First", "Second"]
    assert mail_server.connections == 2


def test_a_sender_with_an_international_domain_goes_out_as_idna(
    db: Database, mail_server: MailServer
) -> None:
    account = mail_server.account(sender="rechnung@bücher.example", bcc_self=True)
    mail_id = outbox.queue(db, draft(to=("kunde@müller.example",)), account).id

    report = deliver(db, account)

    assert report.sent == (mail_id,) and report.error == ""
    (received,) = mail_server.received
    assert received.sender == "rechnung@xn--bcher-kva.example"
    assert set(received.recipients) == {
        "kunde@xn--mller-kva.example",
        "rechnung@xn--bcher-kva.example",
    }
    assert received.message()["From"].addresses[0].addr_spec == "rechnung@xn--bcher-kva.example"


class BrokenBeforeData(SmtpConnection):
    """Fails as smtplib did with a non-ASCII envelope address: before a byte went out."""

    def send(self, message_bytes: bytes, sender: str, recipients: Sequence[str]) -> str:
        if b"Subject: Broken" in message_bytes:
            self.data_started = False
            "rechnung@bücher.example".encode("ascii")  # UnicodeEncodeError
        return super().send(message_bytes, sender, recipients)


def test_an_error_before_the_data_fails_that_mail_and_the_run_goes_on(
    db: Database, mail_server: MailServer
) -> None:
    account = mail_server.account()
    broken = outbox.queue(db, draft(subject="Broken"), account).id
    fine = outbox.queue(db, draft(subject="Fine"), account).id

    report = deliver(db, account, connection_factory=BrokenBeforeData)

    assert report.failed == (broken,) and report.sent == (fine,)
    entry = entry_of(db, broken)
    assert entry.state is MailState.FAILED  # never "unknown": nothing went out
    assert entry.error.startswith("the message could not be handed over: 'ascii' codec")
    assert [r.message()["Subject"] for r in mail_server.received] == ["Fine"]


def test_a_stored_address_that_needs_smtputf8_fails_with_a_clear_text(
    db: Database, mail_server: MailServer
) -> None:
    account = mail_server.account()
    bad = outbox.queue(db, draft(subject="Bad"), account).id
    good = outbox.queue(db, draft(subject="Good"), account).id
    with db.write() as session:  # e.g. queued by an older version, or edited by hand
        row = session.get(OutgoingMail, bad)
        assert row is not None
        row.sender = "jürgen@muster.example"

    report = deliver(db, account)

    assert report.failed == (bad,) and report.sent == (good,)
    entry = entry_of(db, bad)
    assert entry.state is MailState.FAILED
    assert entry.error.startswith("the address jürgen@muster.example cannot be sent")
    assert [r.message()["Subject"] for r in mail_server.received] == ["Good"]


def test_mail_of_an_invoice_cancelled_after_queueing_is_not_sent(
    db: Database, mail_server: MailServer
) -> None:
    invoice = issued_invoice(db)
    account = mail_server.account()
    mail_id = outbox.queue(db, draft(invoice_id=invoice.id), account).id
    other = outbox.queue(db, draft(subject="Other"), account).id
    invoices.cancel(db, invoice.id)

    report = deliver(db, account)

    assert report.failed == (mail_id,) and report.sent == (other,)
    entry = entry_of(db, mail_id)
    assert entry.state is MailState.FAILED
    assert entry.error.startswith("the invoice was cancelled after this mail was queued")
    assert [r.message()["Subject"] for r in mail_server.received] == ["Other"]
    assert invoices.get_invoice(db, invoice.id).sent_at is None


def test_message_larger_than_the_server_accepts(db: Database, make_mail_server: MakeServer) -> None:
    server = make_mail_server(data_size_limit=20_000)
    account = server.account()
    big = outbox.queue(db, draft(attachments=(Attachment("big.pdf", PDF),)), account).id

    report = deliver(db, account)

    assert report.failed == (big,)
    entry = entry_of(db, big)
    assert entry.state is MailState.FAILED
    assert "accepts at most 20 kB" in entry.error and "smaller attachments" in entry.error
    assert server.handler.rcpt_attempts == []
    # Now the size is known: the next one is refused before it is queued.
    with pytest.raises(DomainError, match="accepts at most 20 kB"):
        outbox.queue(db, draft(attachments=(Attachment("big.pdf", PDF),)), account)
    assert outbox.count_outbox(db) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"subject": "Rechnung\r\nBcc: spion@evil.example"}, "line breaks are not allowed"),
        ({"to": ("kunde@acme.example\nBcc: spion@evil.example",)}, "line breaks are not allowed"),
        ({"cc": ("not an address",)}, "'not an address' is not a valid e-mail address"),
        ({"to": ()}, "add at least one recipient"),
        (
            {"attachments": (Attachment("a\r\nContent-Type: text/html.pdf", PDF),)},
            "line breaks are not allowed",
        ),
    ],
)
def test_bad_drafts_are_refused_and_nothing_is_written(
    db: Database, mail_server: MailServer, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        outbox.queue(db, draft(**change), mail_server.account())
    assert outbox.count_outbox(db) == 0


def test_header_injection_through_the_senders_name_is_refused(
    db: Database, mail_server: MailServer
) -> None:
    account = mail_server.account(sender_name="Muster\r\nBcc: spion@evil.example")
    with pytest.raises(DomainError, match="line breaks are not allowed in the sender name"):
        outbox.queue(db, draft(), account)
    assert outbox.count_outbox(db) == 0


def test_the_password_is_stored_nowhere(
    db: Database,
    make_mail_server: MakeServer,
    tls_cert: TlsCert,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    server = make_mail_server(tls="starttls", auth=(USER, PASSWORD))
    account = server.account(username=USER, pinned_certificate=tls_cert.fingerprint)
    mail_settings.save_account(db, account)
    ok = outbox.queue(db, draft(), account).id

    sent = outbox.deliver_due(db, password_provider=lambda _a: PASSWORD, now=NOW)
    outbox.queue(db, draft(), account)
    refused = outbox.deliver_due(db, password_provider=lambda _a: PASSWORD + "x", now=NOW)

    assert sent.sent == (ok,)
    assert server.handler.logins == [("PLAIN", USER)]
    assert "535 5.7.8" in refused.error and len(refused.retrying) == 1
    texts = [refused.error, caplog.text, repr(outbox.list_outbox(db))]
    assert db.path is not None
    db.dispose()  # checkpoint the WAL into the file
    with sqlite3.connect(db.path) as connection:
        texts.append("\n".join(connection.iterdump()))
    raw = db.path.read_bytes()
    for text in texts:
        assert PASSWORD not in text
    assert PASSWORD.encode() not in raw and PASSWORD.encode("utf-16-le") not in raw


def test_login_failure_keeps_the_messages_waiting(
    db: Database, make_mail_server: MakeServer, tls_cert: TlsCert
) -> None:
    server = make_mail_server(tls="ssl", auth=(USER, PASSWORD))
    account = server.account(username=USER, pinned_certificate=tls_cert.fingerprint)
    ids = tuple(outbox.queue(db, draft(), account).id for _ in range(2))

    report = deliver(db, account, password_provider=lambda _a: "wrong")

    assert report.retrying == ids and report.sent == report.failed == ()
    assert "did not accept the user name or password" in report.error
    entry = entry_of(db, ids[0])
    assert entry.state is MailState.QUEUED and entry.server_reply.startswith("535")
    # The password is fixed: the next due run sends both over one new connection.
    fixed = deliver(
        db, account, NOW + dt.timedelta(minutes=1), password_provider=lambda _a: PASSWORD
    )
    assert fixed.sent == ids and len(server.received) == 2


def test_settings_problems_leave_the_messages_untouched(
    db: Database, mail_server: MailServer
) -> None:
    account = mail_server.account()
    mail_id = outbox.queue(db, draft(), account).id
    insecure = replace(account, allow_insecure=False)

    report = deliver(db, insecure)

    assert "without encryption" in report.error
    entry = entry_of(db, mail_id)
    assert entry.state is MailState.QUEUED and entry.attempts == 0
    assert entry.next_attempt_at is None
    assert mail_server.connections == 0


def test_the_stored_settings_are_used_by_default(db: Database, mail_server: MailServer) -> None:
    mail_settings.save_account(db, mail_server.account())
    mail_id = outbox.queue(db, draft(), mail_settings.get_account(db)).id
    assert outbox.deliver_due(db, password_provider=no_password).sent == (mail_id,)


def test_limit_and_cancellation_stop_between_messages(
    db: Database, mail_server: MailServer
) -> None:
    account = mail_server.account()
    ids = [outbox.queue(db, draft(subject=f"Mail {i}"), account).id for i in range(4)]
    asked = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) > 2

    assert deliver(db, account, limit=1).sent == (ids[0],)
    assert deliver(db, account, is_cancelled=cancelled).sent == (ids[1], ids[2])
    assert [state_of(db, i) for i in ids] == [MailState.SENT] * 3 + [MailState.QUEUED]
    assert outbox.due_count(db, NOW) == 1


# --------------------------------------------------------------------------- the list


def test_list_count_cancel_resend(db: Database, mail_server: MailServer) -> None:
    invoice = issued_invoice(db)
    account = mail_server.account()
    first = outbox.queue(db, draft(invoice_id=invoice.id), account)
    second = outbox.queue(db, draft(subject="Other"), account)

    assert [e.id for e in outbox.list_outbox(db)] == [second.id, first.id]
    assert [e.id for e in outbox.list_outbox(db, invoice_id=invoice.id)] == [first.id]
    assert [e.id for e in outbox.list_outbox(db, limit=1, offset=1)] == [first.id]
    assert outbox.count_outbox(db) == 2

    cancelled = outbox.cancel(db, second.id)
    assert cancelled.state is MailState.CANCELLED
    assert outbox.count_outbox(db, (MailState.QUEUED,)) == 1
    assert outbox.list_outbox(db, states=(MailState.CANCELLED,)) == [cancelled]
    assert deliver(db, account).sent == (first.id,)
    with pytest.raises(ConflictError, match="sent already"):
        outbox.cancel(db, first.id)

    # Resending a sent message: the same bytes, the same Message-ID, sent once more.
    outbox.resend(db, first.id, allow_sent=True)
    outbox.resend(db, second.id)
    assert deliver(db, account).sent == (first.id, second.id)
    assert mail_server.received[0].data == mail_server.received[1].data
    assert outbox.eml_bytes(db, first.id) == mail_server.received[0].data
    actions = [h.action for h in audit.history(db, "mail", second.id)]
    assert actions == ["queued", "cancelled", "resent", "sent"]


def test_a_stale_resend_never_sends_a_delivered_mail_twice(
    db: Database, mail_server: MailServer
) -> None:
    mail_server.handler.drop_after_data = True
    account = mail_server.account()
    mail_id = outbox.queue(db, draft(), account).id
    assert deliver(db, account).unknown == (mail_id,)
    mail_server.handler.drop_after_data = False
    shown = entry_of(db, mail_id)  # the outbox list the person is looking at

    # Meanwhile someone else (another window, the CLI) resent it and it went out.
    outbox.resend(db, mail_id, expected=MailState.UNKNOWN)
    assert deliver(db, account).sent == (mail_id,)

    # Now the person confirms "resend" from the stale row.
    with pytest.raises(ConflictError, match="this mail was sent in the meantime"):
        outbox.resend(db, mail_id, expected=shown.state)
    with pytest.raises(ConflictError, match="sent already"):
        outbox.resend(db, mail_id)  # a sent mail only with allow_sent
    assert state_of(db, mail_id) is MailState.SENT
    assert deliver(db, account, NOW + dt.timedelta(days=1)) == outbox.DeliveryReport()
    assert len(mail_server.received) == 2  # the unknown first copy and the resent one
    # A deliberate second copy of a sent mail, confirmed as such:
    again = outbox.resend(db, mail_id, expected=MailState.SENT, allow_sent=True)
    assert again.state is MailState.QUEUED
    assert deliver(db, account).sent == (mail_id,) and len(mail_server.received) == 3


def test_a_stale_resend_of_a_cancelled_or_failed_mail_changes_nothing(
    db: Database, mail_server: MailServer
) -> None:
    account = mail_server.account()
    mail_id = outbox.queue(db, draft(), account).id
    outbox.cancel(db, mail_id)
    with pytest.raises(ConflictError, match="it is cancelled now, not failed"):
        outbox.resend(db, mail_id, expected=MailState.FAILED)
    assert state_of(db, mail_id) is MailState.CANCELLED
    assert outbox.resend(db, mail_id, expected=MailState.CANCELLED).state is MailState.QUEUED


def test_send_now_makes_a_waiting_mail_due_and_nothing_else(
    db: Database, mail_server: MailServer
) -> None:
    mail_server.handler.temporary_failures = 1
    account = mail_server.account()
    mail_id = outbox.queue(db, draft(), account).id
    assert deliver(db, account).retrying == (mail_id,)
    assert entry_of(db, mail_id).next_attempt_at == NOW + dt.timedelta(minutes=1)

    waiting = outbox.send_now(db, mail_id)

    assert waiting.state is MailState.QUEUED and waiting.next_attempt_at is None
    assert waiting.attempts == 1  # still counted towards giving up
    assert deliver(db, account).sent == (mail_id,)
    with pytest.raises(ConflictError, match="this mail was sent in the meantime"):
        outbox.send_now(db, mail_id)
    assert len(mail_server.received) == 1


def test_unknown_mail_ids(db: Database) -> None:
    for call in (outbox.cancel, outbox.resend, outbox.send_now, outbox.eml_bytes):
        with pytest.raises(DomainError, match="mail 999 does not exist"):
            call(db, 999)


def test_a_mail_error_is_readable() -> None:
    error = MailError("the server refused it", reply="554 5.7.1 no", temporary=False)
    assert str(error) == "the server refused it" and error.reply == "554 5.7.1 no"
