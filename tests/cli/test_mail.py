"""``invoicedesk config``, ``mail`` and ``outbox`` end to end, against a real SMTP server on
127.0.0.1 (STARTTLS with a pinned self-signed certificate and a login), with the
password in a test keyring — and nowhere else."""

from __future__ import annotations

import base64
import io
import json
import logging
import socket
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing
from email.message import EmailMessage
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from pypdf import PdfReader

from invoicedesk.db.engine import Database
from invoicedesk.db.types import utcnow
from invoicedesk.services import invoices, mail_settings, secrets
from invoicedesk.services.inputs import ContactInput
from invoicedesk.services.mail_types import Security
from tests.cli.test_commands import Cli, dump
from tests.factories import issued_invoice, make_client
from tests.mail_server import (  # noqa: F401 - fixtures
    SENDER,
    MailServer,
    MakeServer,
    TlsCert,
    make_mail_server_fixture,
    tls_cert_fixture,
)
from tests.services.test_outbox import claim_as, dead_pid
from tests.services.test_secrets import MemoryKeyring

USER = "billing"
PASSWORD = "Tr0ub4dor&3-Ünïcode"
CLIENT_ADDRESS = "rechnung@mueller.example"


@pytest.fixture
def cli(db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.delenv("INVOICEDESK_DB", raising=False)
    monkeypatch.delenv("INVOICEDESK_SMTP_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: nobody is asked
    assert db.path is not None
    return Cli(db.path, capsys)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    secrets.clear_session()
    yield backend
    keyring.set_keyring(previous)
    secrets.clear_session()


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    secrets.clear_session()
    yield
    keyring.set_keyring(previous)
    secrets.clear_session()


@pytest.fixture
def server(make_mail_server: MakeServer) -> MailServer:
    return make_mail_server(tls="starttls", auth=(USER, PASSWORD))


@pytest.fixture
def invoice(db: Database) -> int:
    client = make_client(
        db,
        "Müller GmbH",
        language="de",
        email=CLIENT_ADDRESS,
        contacts=(ContactInput(first_name="Jana", last_name="Schmidt"),),
    )
    return issued_invoice(db, client_id=client.id).id


def configure(cli: Cli, server: MailServer, tls_cert: TlsCert) -> None:
    pasted = tls_cert.fingerprint.removeprefix("sha256:").upper()  # as openssl prints it
    for key, value, stored in (
        ("smtp.host", server.host, server.host),
        ("smtp.port", str(server.port), str(server.port)),
        ("smtp.security", "starttls", "starttls"),
        ("smtp.username", USER, USER),
        ("smtp.sender", SENDER, SENDER),
        ("smtp.sender_name", "Muster Software GmbH", "Muster Software GmbH"),
        ("smtp.pinned_certificate", pasted, tls_cert.fingerprint),
    ):
        assert cli.out("config", "set", key, value) == stored + "\n"


def set_password(cli: Cli, monkeypatch: pytest.MonkeyPatch, password: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    result = cli("config", "set-password", "smtp")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return result


# --------------------------------------------------------------------------- config


def test_config_set_and_get(cli: Cli, memory_keyring: MemoryKeyring) -> None:
    assert cli.out("config", "set", "smtp.port", "465") == "465\n"
    assert cli.out("config", "set", "smtp.security", "SSL") == "ssl\n"
    assert cli.out("config", "get", "smtp.port") == "465\n"
    assert cli.out("config", "set", "default_due_days", "30") == "30\n"
    assert cli.out("config", "set", "tax_rates", '["19", "7"]') == '["19", "7"]\n'
    assert cli.out("config", "set", "pdf_show_qr", "no") == "false\n"
    assert cli.out("config", "set", "pdf_contact", "2026") == "2026\n"
    lines = cli.out("config", "get").splitlines()
    assert "smtp.port                465" in lines
    assert "default_due_days         30" in lines
    values = cli.json("config", "get")
    assert values["smtp.port"] == 465 and values["pdf_show_qr"] is False

    assert cli.fails("config", "set", "smtp.port", "abc") == (
        "invoicedesk: error: smtp.port: 'abc' is not a port number (1 to 65535; usually 587 "
        "for starttls, 465 for ssl)"
    )
    assert cli.fails("config", "set", "smtp.security", "none") == (
        "invoicedesk: error: smtp.security: security none sends your password and invoices "
        "unencrypted; to accept that, set smtp.allow_insecure true first"
    )
    assert cli.fails("config", "set", "smtp.hots", "x").startswith(
        "invoicedesk: error: config: unknown setting 'smtp.hots' (one of smtp.host, smtp.port,"
    )
    assert cli.fails("config", "set", "due_days", "3").startswith(
        "invoicedesk: error: KEY: unknown setting 'due_days' (one of smtp.host"
    )
    assert cli.fails("config", "set", "default_due_days", "many") == (
        "invoicedesk: error: default_due_days: 'many' is not a whole number"
    )
    assert cli.fails("config", "set", "default_due_days", "400") == (
        "invoicedesk: error: default_due_days: due days must be a whole number from 0 to 365"
    )
    assert cli.fails("config", "get", "nope").startswith("invoicedesk: error: KEY: unknown")


def test_set_password_needs_the_account_first(
    cli: Cli, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = set_password(cli, monkeypatch, PASSWORD)
    assert (code, out) == (2, "")
    assert err.startswith("invoicedesk: error: smtp.host: set the server first")
    cli.out("config", "set", "smtp.host", "smtp.muster.example")
    code, out, err = set_password(cli, monkeypatch, PASSWORD)
    assert err.startswith("invoicedesk: error: smtp.username: set smtp.username first")
    cli.out("config", "set", "smtp.username", USER)
    code, out, err = set_password(cli, monkeypatch, "")
    assert err == "invoicedesk: error: password: no password given; nothing was stored\n"
    assert memory_keyring.passwords == {}

    assert set_password(cli, monkeypatch, PASSWORD) == (
        0,
        f"Stored the SMTP password for {USER}@smtp.muster.example:587 in the system keyring.\n",
        "",
    )
    assert memory_keyring.passwords == {
        (secrets.SERVICE, f"{USER}@smtp.muster.example:587"): PASSWORD
    }
    assert cli.out("config", "get").splitlines()[-1] == (
        f"# password: stored in the system keyring ({MemoryKeyring.name})."
    )
    assert cli.out("config", "forget-password", "smtp") == (
        f"Removed the SMTP password for {USER}@smtp.muster.example:587 from the keyring.\n"
    )
    assert memory_keyring.passwords == {}


def test_set_password_without_a_keyring_says_so(
    cli: Cli, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.out("config", "set", "smtp.host", "smtp.muster.example")
    cli.out("config", "set", "smtp.username", USER)
    code, out, err = set_password(cli, monkeypatch, PASSWORD)
    assert (code, out) == (2, "")
    assert err == (
        "invoicedesk: error: password: no keyring backend is available on this system, so the "
        "password was not stored; 'invoicedesk mail' and 'invoicedesk outbox run' read it from "
        "$INVOICEDESK_SMTP_PASSWORD or ask for it on each run\n"
    )


# --------------------------------------------------------------------------- mail


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")  # CRLF on the wire


def test_mail_delivers_one_invoice(
    cli: Cli,
    db: Database,
    server: MailServer,
    tls_cert: TlsCert,
    invoice: int,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    configure(cli, server, tls_cert)
    assert set_password(cli, monkeypatch, PASSWORD)[0] == 0
    terms = tmp_path / "AGB.txt"
    terms.write_text("Allgemeine Geschäftsbedingungen", encoding="utf-8")

    out = cli.out("mail", "re-2026-0001", "--cc", "chef@mueller.example", "--attach", str(terms))
    assert out == f"Sent RE-2026-0001 to {CLIENT_ADDRESS}\n"

    (received,) = server.received
    assert server.handler.logins == [("PLAIN", USER)] or server.handler.logins == [("LOGIN", USER)]
    assert received.sender == SENDER
    assert sorted(received.recipients) == sorted([CLIENT_ADDRESS, "chef@mueller.example"])
    message = received.message()
    assert message["Subject"] == "Rechnung RE-2026-0001 von Muster Software GmbH"
    assert message["To"] == CLIENT_ADDRESS
    assert message["Cc"] == "chef@mueller.example"
    assert "Muster Software GmbH" in message["From"] and SENDER in message["From"]
    text = _text(message)
    assert text.startswith("Guten Tag Jana Schmidt,\n")
    assert "Rechnung RE-2026-0001 vom 16.03.2026 über 119,00\xa0€" in text
    assert "{" not in text and "}" not in text

    pdf, extra = list(message.iter_attachments())
    assert pdf.get_filename() == "Rechnung_RE-2026-0001.pdf"
    assert pdf.get_content_type() == "application/pdf"
    content = pdf.get_content()
    assert isinstance(content, bytes)
    reader = PdfReader(io.BytesIO(content))
    assert "RE-2026-0001" in "".join(page.extract_text() for page in reader.pages)
    assert extra.get_filename() == "AGB.txt"
    assert extra.get_payload(decode=True) == terms.read_bytes()

    view = invoices.get_invoice(db, invoice)
    assert view.number == "RE-2026-0001"
    listed = cli.json("outbox", "list", "--all")
    assert [(e["state"], e["invoice"], e["to"]) for e in listed] == [
        ("sent", "RE-2026-0001", [CLIENT_ADDRESS])
    ]
    assert (
        cli.out("outbox", "list")
        == "id  state  to  subject  time  error\n--  -----  --  -------  ----  -----\n"
    )


def test_the_password_is_nowhere_but_the_keyring(
    cli: Cli,
    db: Database,
    server: MailServer,
    tls_cert: TlsCert,
    invoice: int,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    outputs: list[str] = []

    def run(*args: str) -> int:
        code, out, err = cli(*args)
        outputs.extend((out, err))
        return code

    configure(cli, server, tls_cert)
    code, out, err = set_password(cli, monkeypatch, PASSWORD)
    outputs.extend((out, err))
    assert code == 0
    assert run("mail", "RE-2026-0001") == 0
    assert run("config", "get") == 0
    assert run("outbox", "list", "--all", "--format", "json") == 0
    # A wrong password: the server refuses it; the error line must not repeat it.
    wrong = "Wr0ng-" + PASSWORD
    memory_keyring.passwords[(secrets.SERVICE, secrets.account_key(server.account()))] = wrong
    code, out, err = set_password(cli, monkeypatch, wrong)
    outputs.extend((out, err))
    assert run("mail", "RE-2026-0001", "--to", "x@y.example") == 75  # queued: fix the password
    assert outputs[-1].startswith("invoicedesk: RE-2026-0001: not sent yet — ")
    assert "password" in outputs[-1] and "535 5.7.8" in outputs[-1], outputs[-1]

    secret_forms = [
        PASSWORD,
        wrong,
        base64.b64encode(PASSWORD.encode()).decode(),
        base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode(),
        repr(PASSWORD),
    ]
    assert db.path is not None
    with closing(sqlite3.connect(db.path)) as con:
        tables = "\n".join(con.iterdump())
        settings_values = [str(v) for (v,) in con.execute("SELECT value FROM settings")]
    for form in secret_forms:
        assert form not in tables
        assert not any(form in value for value in settings_values)
        assert not any(form in text for text in outputs)
        for record in caplog.records:
            if record.name.startswith("mail.log"):  # the test server's own log (aiosmtpd)
                continue
            assert form not in record.getMessage(), record.name
            assert form not in str(record.args)
    assert mail_settings.get_account(db).security is Security.STARTTLS
    assert memory_keyring.passwords  # where it belongs


def test_mail_without_a_keyring_reads_the_environment(
    cli: Cli,
    server: MailServer,
    tls_cert: TlsCert,
    invoice: int,
    no_keyring: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure(cli, server, tls_cert)
    code, _out, err = cli("mail", "RE-2026-0001")
    assert code == 75
    assert err.startswith("invoicedesk: RE-2026-0001: not sent yet — ")
    assert "it stays in the outbox" in err
    assert server.received == []

    monkeypatch.setenv("INVOICEDESK_SMTP_PASSWORD", PASSWORD)
    out = cli.out("outbox", "run")
    assert out.splitlines() == [
        "Sent 1, to be retried 0, failed 0, unknown 0",
        f"  sent RE-2026-0001 to {CLIENT_ADDRESS}",
    ]
    assert len(server.received) == 1


def test_mail_refused_and_failed(
    cli: Cli,
    db: Database,
    server: MailServer,
    tls_cert: TlsCert,
    invoice: int,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert cli.fails("mail", "RE-2026-0001").startswith(
        "invoicedesk: error: smtp: set up the mail server first: 'invoicedesk config set "
        "smtp.host smtp.example.com'"
    )
    configure(cli, server, tls_cert)
    set_password(cli, monkeypatch, PASSWORD)
    assert cli.fails("mail", "RE-2026-0099") == (
        "invoicedesk: error: REF: no invoice with number or id 'RE-2026-0099'"
    )
    assert cli.fails("mail", "RE-2026-0001", "--to", "not-an-address") == (
        "invoicedesk: error: --to: 'not-an-address' is not a valid e-mail address: An email "
        "address must have an @-sign."
    )
    assert cli.fails("mail", "RE-2026-0001", "--attach", "/nonexistent/x.pdf") == (
        "invoicedesk: error: /nonexistent/x.pdf: there is no such file"
    )
    assert cli.fails("mail", "RE-2026-0001", "--template", "nope").startswith(
        "invoicedesk: error: template: there is no mail template 'nope'"
    )
    draft = make_client(db, "Drafty", email="d@drafty.example")
    from tests.factories import make_draft

    draft_id = make_draft(db, client_id=draft.id).id
    assert cli.fails("mail", str(draft_id)) == (
        "invoicedesk: error: invoice: issue the invoice before sending it"
    )

    server.handler.reject[CLIENT_ADDRESS] = "550 5.1.1 <rechnung@mueller.example>: no such user"
    code, out, err = cli("mail", "RE-2026-0001")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("invoicedesk: error: RE-2026-0001: not sent: ")
    assert "550 5.1.1" in err
    (entry,) = cli.json("outbox", "list")
    assert entry["state"] == "failed" and "550 5.1.1" in entry["server_reply"]


def test_queue_only_then_run(
    cli: Cli,
    server: MailServer,
    tls_cert: TlsCert,
    invoice: int,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure(cli, server, tls_cert)
    set_password(cli, monkeypatch, PASSWORD)
    out = cli.out("mail", "RE-2026-0001", "--queue-only", "--bcc", "archiv@muster.example")
    assert out == (
        f"Queued RE-2026-0001 for {CLIENT_ADDRESS} (outbox #1; 'invoicedesk outbox run' sends it)\n"
    )
    assert server.received == []
    table = cli.out("outbox", "list").splitlines()
    assert table[0].split() == ["id", "state", "to", "subject", "time", "error"]
    assert table[2].startswith(f" 1  queued  {CLIENT_ADDRESS}  Rechnung RE-2026-0001 von Muster")
    assert cli.out("outbox", "list", "--state", "sent").count("\n") == 2
    assert cli.fails("outbox", "list", "--state", "lost") == (
        "invoicedesk: error: --state: 'lost' is not a state (one of queued, sending, sent, "
        "failed, cancelled, unknown)"
    )
    assert cli.out("outbox", "run") == (
        f"Sent 1, to be retried 0, failed 0, unknown 0\n  sent RE-2026-0001 to {CLIENT_ADDRESS}\n"
    )
    (received,) = server.received
    assert "archiv@muster.example" in received.recipients
    assert "Bcc" not in received.message()
    assert cli.out("outbox", "run") == "Sent 0, to be retried 0, failed 0, unknown 0\n"
    assert json.loads(cli.out("outbox", "list", "--all", "--format", "json"))[0]["bcc"] == [
        "archiv@muster.example"
    ]


def test_temporary_failure_stays_queued(
    cli: Cli,
    server: MailServer,
    tls_cert: TlsCert,
    invoice: int,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure(cli, server, tls_cert)
    set_password(cli, monkeypatch, PASSWORD)
    server.handler.temporary_failures = 1
    before = dump(cli.path)
    code, out, err = cli("mail", "RE-2026-0001")
    assert (code, out) == (75, "")
    assert err.startswith("invoicedesk: RE-2026-0001: not sent yet — ")
    assert "451 4.3.0" in err and "tried again from 20" in err
    assert dump(cli.path) != before  # it is in the outbox
    (entry,) = cli.json("outbox", "list")
    assert entry["state"] == "queued" and entry["attempts"] == 1


def test_mail_with_its_own_subject_and_body(
    cli: Cli,
    server: MailServer,
    tls_cert: TlsCert,
    invoice: int,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure(cli, server, tls_cert)
    set_password(cli, monkeypatch, PASSWORD)
    err = cli.fails("mail", "RE-2026-0001", "--subject", "Hi {invoice.nmber}")
    assert "error: subject: unknown placeholder {invoice.nmber}" in err
    err = cli.fails("mail", "RE-2026-0001", "--subject", "Hi\r\nBcc: x@y.example")
    assert "error: subject: must not contain a line break" in err
    cli.out(
        "mail",
        "RE-2026-0001",
        "--subject",
        "Your invoice {invoice.number}",
        "--body",
        "Hello,\nplease find {invoice.number} attached.",
    )
    (received,) = server.received
    message = received.message()
    assert message["Subject"] == "Your invoice RE-2026-0001"
    text = message.get_body(("plain",))
    assert text is not None
    assert "please find RE-2026-0001 attached." in text.get_content()


def test_outbox_run_exit_codes_say_what_happened(
    cli: Cli,
    server: MailServer,
    tls_cert: TlsCert,
    invoice: int,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 451 or a server that is down: 75 (tried again later), never 0 with error lines,
    never 2 (which means a mail needs a person)."""
    configure(cli, server, tls_cert)
    set_password(cli, monkeypatch, PASSWORD)
    cli.out("mail", "RE-2026-0001", "--queue-only")
    server.handler.temporary_failures = 1
    code, out, err = cli("outbox", "run")
    assert (code, out) == (75, "Sent 0, to be retried 1, failed 0, unknown 0\n")
    assert "451 4.3.0" in err
    assert cli.out("outbox", "run") == "Sent 0, to be retried 0, failed 0, unknown 0\n"  # not due

    cli.out("outbox", "resend", "1")  # due again now
    server.stop()
    code, out, err = cli("outbox", "run")
    assert code == 75, err
    assert out.startswith("Sent 0, to be retried 1,")
    assert server.received == []


def test_a_dropped_connection_leaves_it_unknown(
    cli: Cli,
    server: MailServer,
    tls_cert: TlsCert,
    invoice: int,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure(cli, server, tls_cert)
    set_password(cli, monkeypatch, PASSWORD)
    server.handler.drop_after_data = True
    code, out, err = cli("mail", "RE-2026-0001")
    assert (code, out) == (2, "")
    assert err.startswith(
        "invoicedesk: error: RE-2026-0001: the connection broke after the message was handed "
        "over, so it may or may not have arrived ("
    )
    assert err.endswith("check with the recipient, then resend or cancel it in the outbox\n")
    (entry,) = cli.json("outbox", "list")
    assert entry["state"] == "unknown"
    code, out, err = cli("outbox", "run")
    assert (code, out, err) == (0, "Sent 0, to be retried 0, failed 0, unknown 0\n", "")


def test_outbox_run_recovers_then_resend_and_cancel(
    cli: Cli,
    db: Database,
    server: MailServer,
    tls_cert: TlsCert,
    invoice: int,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure(cli, server, tls_cert)
    set_password(cli, monkeypatch, PASSWORD)
    cli.out("mail", "RE-2026-0001", "--queue-only")
    cli.out("mail", "RE-2026-0001", "--queue-only")
    # Mail 1 was being sent by a run that was killed: its mark is left behind.
    claim_as(db, 1, f"{socket.gethostname()}:{dead_pid()}:x", utcnow())

    code, out, err = cli("outbox", "run")

    assert out == (
        f"Sent 1, to be retried 0, failed 0, unknown 0\n  sent RE-2026-0001 to {CLIENT_ADDRESS}\n"
    )
    assert err.startswith("invoicedesk: 1 mail left 'sending' by a stopped run may or may not ")
    assert "'invoicedesk outbox resend ID' or 'invoicedesk outbox cancel ID'" in err
    states = {e["id"]: e["state"] for e in cli.json("outbox", "list", "--all")}
    assert states == {1: "unknown", 2: "sent"}

    assert cli.out("outbox", "resend", "1") == (
        "Queued RE-2026-0001 (outbox #1) again; 'invoicedesk outbox run' sends it\n"
    )
    assert cli.out("outbox", "run").startswith("Sent 1,")
    assert cli.fails("outbox", "resend", "2") == (
        "invoicedesk: error: outbox #2: it was sent already; add --sent to send it a second time"
    )
    assert cli.fails("outbox", "cancel", "2") == (
        "invoicedesk: error: outbox #2: the message was sent already and cannot be cancelled"
    )
    assert cli.out("outbox", "resend", "2", "--sent").startswith("Queued RE-2026-0001 (outbox #2)")
    assert cli.out("outbox", "cancel", "2") == (
        "Cancelled RE-2026-0001 (outbox #2); it will not be sent\n"
    )
    assert cli.out("outbox", "run") == "Sent 0, to be retried 0, failed 0, unknown 0\n"
    assert (
        cli.fails("outbox", "cancel", "9") == "invoicedesk: error: outbox #9: mail 9 does not exist"
    )
    assert len(server.received) == 2  # mail 2 once, mail 1 once (resent after "unknown")
