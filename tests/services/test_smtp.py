"""The SMTP connection against a real server on 127.0.0.1: TLS, pins, login, replies."""

from __future__ import annotations

import logging

import pytest

from invoicedesk.core.errors import DomainError
from invoicedesk.services.mail_types import Security
from invoicedesk.services.smtp import (
    MailError,
    SmtpConnection,
    certificate_fingerprint,
    send_test_email,
)
from tests.mail_server import (  # noqa: F401 - fixtures
    MailServer,
    MakeServer,
    TlsCert,
    free_port,
    mail_server_fixture,
    make_mail_server_fixture,
    tls_cert_fixture,
)

USER, PASSWORD = "billing", "Tr0ub4dor&3-Schlüssel"  # not ASCII: smtplib.login fails on it
MESSAGE = b"Subject: Hi\r\nFrom: billing@muster.example\r\n\r\n.hello\r\n"
OTHER_PIN = "sha256:" + "ab" * 32


def test_plain_delivery_returns_the_servers_reply(mail_server: MailServer) -> None:
    with SmtpConnection(mail_server.account(), None) as connection:
        reply = connection.send(MESSAGE, "billing@muster.example", ["kunde@acme.example"])
        assert connection.size_limit == 33_554_432
    assert reply == "250 2.0.0 Ok: queued as TEST"
    (received,) = mail_server.received
    assert received.recipients == ("kunde@acme.example",)
    assert received.data == MESSAGE  # the line starting with "." came through unstuffed


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_self_signed_certificate_refused_without_a_pin(
    make_mail_server: MakeServer, tls: str
) -> None:
    server = make_mail_server(tls=tls, auth=(USER, PASSWORD))
    with pytest.raises(MailError) as info:
        SmtpConnection(server.account(username=USER), PASSWORD).open()
    assert "could not be verified" in info.value.message
    assert "self-signed" in info.value.message and "pin" in info.value.message
    assert not info.value.temporary
    assert server.handler.logins == [] and server.received == []


@pytest.mark.parametrize(("tls", "mechanism"), [("starttls", "PLAIN"), ("ssl", "LOGIN")])
def test_pinned_certificate_accepted_and_login(
    make_mail_server: MakeServer, tls_cert: TlsCert, tls: str, mechanism: str
) -> None:
    server = make_mail_server(tls=tls, auth=(USER, PASSWORD), mechanisms=(mechanism,))
    account = server.account(username=USER, pinned_certificate=tls_cert.fingerprint.upper())
    with SmtpConnection(account, PASSWORD) as connection:
        connection.send(MESSAGE, "billing@muster.example", ["kunde@acme.example"])
    assert server.handler.logins == [(mechanism, USER)]
    assert len(server.received) == 1
    assert server.connections == 1


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_wrong_pin_refused_before_login(make_mail_server: MakeServer, tls: str) -> None:
    server = make_mail_server(tls=tls, auth=(USER, PASSWORD))
    account = server.account(username=USER, pinned_certificate=OTHER_PIN)
    with pytest.raises(MailError, match="the server's certificate changed") as info:
        SmtpConnection(account, PASSWORD).open()
    assert OTHER_PIN in info.value.message
    assert server.handler.logins == []


def test_wrong_password_gives_the_servers_answer_and_never_the_password(
    make_mail_server: MakeServer, tls_cert: TlsCert, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server = make_mail_server(tls="starttls", auth=(USER, PASSWORD))
    account = server.account(username=USER, pinned_certificate=tls_cert.fingerprint)
    wrong = "not-the-" + PASSWORD
    connection = SmtpConnection(account, wrong)
    with pytest.raises(MailError) as info:
        connection.open()
    assert info.value.reply == "535 5.7.8 Authentication credentials invalid"
    assert not info.value.temporary
    for text in (str(info.value), repr(info.value), repr(connection), caplog.text):
        assert wrong not in text and PASSWORD not in text


def test_server_without_starttls_is_refused_not_used_in_the_clear(
    mail_server: MailServer,
) -> None:
    account = mail_server.account(security=Security.STARTTLS, allow_insecure=False)
    with pytest.raises(MailError, match="does not offer STARTTLS"):
        SmtpConnection(account, None).open()


def test_no_encryption_needs_the_explicit_permission(mail_server: MailServer) -> None:
    with pytest.raises(DomainError) as info:
        SmtpConnection(mail_server.account(allow_insecure=False), None).open()
    assert info.value.field == "smtp.security"


def test_a_user_name_without_password_is_a_settings_problem(mail_server: MailServer) -> None:
    with pytest.raises(DomainError, match="no password is stored for billing"):
        SmtpConnection(mail_server.account(username=USER), None).open()


def test_refused_connection_is_temporary() -> None:
    server = MailServer(port=free_port())  # never started: nothing listens there
    with pytest.raises(MailError, match="refused the connection") as info:
        SmtpConnection(server.account(), None).open()
    assert info.value.temporary and not info.value.uncertain


def test_refused_recipient_refuses_the_message_and_keeps_the_connection(
    mail_server: MailServer,
) -> None:
    reply = "550 5.1.1 <weg@acme.example>: Recipient address rejected"
    mail_server.handler.reject["weg@acme.example"] = reply
    with SmtpConnection(mail_server.account(), None) as connection:
        with pytest.raises(MailError) as info:
            connection.send(
                MESSAGE, "billing@muster.example", ["ok@acme.example", "weg@acme.example"]
            )
        assert info.value.reply == reply
        assert "refused the recipient weg@acme.example" in info.value.message
        assert not info.value.temporary and not info.value.uncertain
        assert connection.is_open
        connection.send(MESSAGE, "billing@muster.example", ["ok@acme.example"])
    assert [r.recipients for r in mail_server.received] == [("ok@acme.example",)]
    assert mail_server.connections == 1


@pytest.mark.parametrize(
    ("sender", "recipient"),
    [
        ("rechnung@bücher.example", "kunde@acme.example"),
        ("billing@muster.example", "kunde@müller.example"),
    ],
)
def test_a_non_ascii_envelope_address_is_refused_before_anything_is_said(
    mail_server: MailServer, sender: str, recipient: str
) -> None:
    with SmtpConnection(mail_server.account(), None) as connection:
        with pytest.raises(MailError, match="is not in its ASCII form") as info:
            connection.send(MESSAGE, sender, ["ok@acme.example", recipient])
        assert not info.value.temporary and not info.value.uncertain
        assert not connection.data_started
        assert connection.is_open  # nothing half-said: the connection goes on
        connection.send(MESSAGE, "billing@muster.example", ["ok@acme.example"])
    assert mail_server.handler.rcpt_attempts == ["ok@acme.example"]
    assert len(mail_server.received) == 1


def test_temporary_reply_after_data(mail_server: MailServer) -> None:
    mail_server.handler.temporary_failures = 1
    with SmtpConnection(mail_server.account(), None) as connection:
        with pytest.raises(MailError) as info:
            connection.send(MESSAGE, "billing@muster.example", ["kunde@acme.example"])
    assert info.value.temporary and not info.value.uncertain
    assert info.value.reply == mail_server.handler.temporary_reply


def test_connection_lost_after_the_data_is_uncertain(mail_server: MailServer) -> None:
    mail_server.handler.drop_after_data = True
    connection = SmtpConnection(mail_server.account(), None)
    with connection, pytest.raises(MailError) as info:
        connection.send(MESSAGE, "billing@muster.example", ["kunde@acme.example"])
    assert info.value.uncertain and not info.value.temporary
    assert "may or may not have arrived" in info.value.message
    assert not connection.is_open
    assert len(mail_server.received) == 1


def test_message_larger_than_size_is_refused_before_sending(
    make_mail_server: MakeServer,
) -> None:
    server = make_mail_server(data_size_limit=1000)
    with SmtpConnection(server.account(), None) as connection:
        assert connection.size_limit == 1000
        with pytest.raises(MailError, match="accepts at most 1 kB") as info:
            connection.send(b"x" * 2000, "billing@muster.example", ["kunde@acme.example"])
    assert not info.value.temporary
    assert server.handler.rcpt_attempts == []


def test_send_test_email(make_mail_server: MakeServer, tls_cert: TlsCert) -> None:
    server = make_mail_server(tls="ssl", auth=(USER, PASSWORD))
    account = server.account(username=USER, pinned_certificate=tls_cert.fingerprint)
    assert send_test_email(account, PASSWORD, "ich@muster.example") == (
        "250 2.0.0 Ok: queued as TEST"
    )
    (received,) = server.received
    assert received.recipients == ("ich@muster.example",)
    assert received.message()["Subject"] == "InvoiceDesk test message"

    server.handler.reject["weg@muster.example"] = "550 5.1.1 <weg@muster.example>: unknown"
    with pytest.raises(MailError) as info:
        send_test_email(account, PASSWORD, "weg@muster.example")
    assert info.value.reply == "550 5.1.1 <weg@muster.example>: unknown"


@pytest.mark.parametrize(
    ("tls", "security"), [("starttls", Security.STARTTLS), ("ssl", Security.SSL)]
)
def test_certificate_fingerprint_for_pinning(
    make_mail_server: MakeServer, tls_cert: TlsCert, tls: str, security: Security
) -> None:
    server = make_mail_server(tls=tls)
    assert certificate_fingerprint(server.host, server.port, security, 5.0) == tls_cert.fingerprint


def test_certificate_fingerprint_of_nothing() -> None:
    with pytest.raises(DomainError):
        certificate_fingerprint("127.0.0.1", 25, Security.NONE, 5.0)
    with pytest.raises(MailError, match="refused the connection"):
        certificate_fingerprint("127.0.0.1", free_port(), Security.SSL, 5.0)
