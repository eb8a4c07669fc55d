"""The message: header and address checks, and the MIME message read back by the stdlib."""

from __future__ import annotations

import datetime as dt
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from invoicedesk.core.errors import DomainError
from invoicedesk.services.mail_message import (
    build_message,
    check_addresses,
    check_header,
    envelope_recipients,
    message_bytes,
)
from invoicedesk.services.mail_types import Attachment, MailDraft, SmtpAccount

ACCOUNT = SmtpAccount(
    host="smtp.muster.example",
    sender="billing@muster.example",
    sender_name="Müller & Söhne, GmbH",
    reply_to="office@muster.example",
)
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def parsed(draft: MailDraft, account: SmtpAccount = ACCOUNT, **kwargs: object) -> EmailMessage:
    data = message_bytes(build_message(draft, account, **kwargs))  # type: ignore[arg-type]
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


@pytest.mark.parametrize(
    "value", ["Invoice\r\nBcc: x@evil.example", "a\nb", "a\rb", "a\u2028b", "a\x85b", "a\x0bb"]
)
def test_check_header_refuses_line_breaks(value: str) -> None:
    with pytest.raises(DomainError, match="line breaks are not allowed in the subject") as info:
        check_header(value, "subject")
    assert info.value.field == "subject"


def test_check_header_refuses_other_control_characters_but_not_tabs() -> None:
    with pytest.raises(DomainError, match=r"control characters \(U\+0000\)"):
        check_header("a\x00b", "sender_name")
    assert check_header("Rechnung\tRE-1 — Müller", "subject") == "Rechnung\tRE-1 — Müller"


def test_check_addresses_normalises_and_drops_duplicates() -> None:
    assert check_addresses([" Kunde@ACME.example ", "kunde@acme.example"], "to") == (
        "Kunde@acme.example",
    )
    assert check_addresses([], "cc") == ()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("kunde@", "'kunde@' is not a valid e-mail address"),
        ("no at sign", "'no at sign' is not a valid e-mail address"),
        ("a@b.example\r\nBcc: x@evil.example", "line breaks are not allowed in the cc"),
        ("", "an empty address"),
        ("jörg@acme.example", "'jörg@acme.example' is not a valid e-mail address"),
    ],
)
def test_check_addresses_names_the_bad_one(bad: str, message: str) -> None:
    with pytest.raises(DomainError, match=message) as info:
        check_addresses(["good@acme.example", bad], "cc")
    assert info.value.field == "cc"


def test_message_headers_body_and_attachment_read_back() -> None:
    draft = MailDraft(
        to=("kunde@acme.example", "zweite@acme.example"),
        cc=("buchhaltung@acme.example",),
        bcc=("archiv@muster.example",),
        subject="Rechnung RE-2026-0001 – Ihre Bestellung über 1.000,00 €",
        body="Guten Tag,\n\nanbei die Rechnung.\n.\nMit freundlichen Grüßen\n",
        attachments=(Attachment("Rechnung RE-2026-0001 Müller.pdf", PDF),),
    )
    date = dt.datetime(2026, 3, 16, 9, 30, tzinfo=dt.UTC)
    message = parsed(draft, message_id="<fixed.1@muster.example>", date=date)

    assert message["From"].addresses[0].display_name == "Müller & Söhne, GmbH"
    assert message["From"].addresses[0].addr_spec == "billing@muster.example"
    assert [a.addr_spec for a in message["To"].addresses] == list(draft.to)
    assert [a.addr_spec for a in message["Cc"].addresses] == ["buchhaltung@acme.example"]
    assert message["Reply-To"].addresses[0].addr_spec == "office@muster.example"
    assert message["Bcc"] is None
    assert b"archiv@" not in message_bytes(build_message(draft, ACCOUNT))
    assert message["Subject"] == draft.subject
    assert message["Message-ID"] == "<fixed.1@muster.example>"
    assert message["Date"].datetime == date

    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content_charset() == "utf-8"
    assert body.get_content().replace("\r\n", "\n") == draft.body  # CRLF on the wire
    (attachment,) = message.iter_attachments()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "Rechnung RE-2026-0001 Müller.pdf"
    assert attachment.get_content() == PDF
    assert "filename*=utf-8''" in str(attachment["Content-Disposition"].fold(policy=policy.SMTP))
    assert "MIME-Version" not in attachment  # only the message itself has one


def test_message_bytes_are_smtp_ready() -> None:
    draft = MailDraft(to=("kunde@acme.example",), subject="Hi", body="a\nb\n")
    data = message_bytes(build_message(draft, ACCOUNT))
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    assert data.isascii()  # non-ASCII text is quoted-printable, names RFC 2047/2231


def test_message_id_is_new_per_message_and_uses_the_senders_domain() -> None:
    draft = MailDraft(to=("kunde@acme.example",), subject="Hi", body="")
    first, second = parsed(draft)["Message-ID"], parsed(draft)["Message-ID"]
    assert first != second
    assert first.endswith("@muster.example>")


def test_international_domain_goes_out_as_idna() -> None:
    account = SmtpAccount(sender="rechnung@müller.example")
    draft = MailDraft(to=("kunde@bücher.example",), subject="Hi", body="")
    message = parsed(draft, account)
    assert message["To"].addresses[0].addr_spec == "kunde@xn--bcher-kva.example"
    assert envelope_recipients(draft, account) == ("kunde@xn--bcher-kva.example",)


def test_envelope_has_bcc_and_the_sender_with_bcc_self_once_each() -> None:
    draft = MailDraft(
        to=("kunde@acme.example",),
        cc=("Kunde@acme.example", "cc@acme.example"),
        bcc=("archiv@muster.example",),
        subject="Hi",
        body="",
    )
    assert envelope_recipients(draft, ACCOUNT) == (
        "kunde@acme.example",
        "cc@acme.example",
        "archiv@muster.example",
    )
    copy_to_self = SmtpAccount(sender="billing@muster.example", bcc_self=True)
    assert envelope_recipients(draft, copy_to_self)[-1] == "billing@muster.example"
