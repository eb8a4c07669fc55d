"""The message itself: header checks, address checks, and the MIME message built from a draft.

Everything a user typed that ends up in a header goes through :func:`check_header`
or :func:`check_addresses` first, so a line break can never start a header of its
own (header injection). The message is built once, when it is queued; every
delivery attempt sends exactly those bytes.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, make_msgid
from functools import lru_cache

from email_validator import EmailNotValidError, ValidatedEmail, validate_email

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import ptr
from invoicedesk.services.mail_types import MailDraft, SmtpAccount

# What every message is serialised with: CRLF line ends, lines folded at 78, non-ASCII
# headers RFC 2047 encoded. The stored .eml bytes are exactly what goes over the wire.
WIRE_POLICY = policy.SMTP


def _label(name: str) -> str:
    """A header field's name in messages about it (the last part of the field path)."""
    labels = {
        "subject": ptr("mail field", "subject"),
        "sender_name": ptr("mail field", "sender name"),
        "attachment's file name": ptr("mail field", "attachment's file name"),
        "to": ptr("mail field", "to"),
        "cc": ptr("mail field", "cc"),
        "bcc": ptr("mail field", "bcc"),
        "sender": ptr("mail field", "sender"),
        "reply_to": ptr("mail field", "reply to"),
    }
    return labels.get(name) or name.replace("_", " ")


_LINE_BREAKS = frozenset("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def check_header(value: str, field: str) -> str:
    """``value`` unchanged, or a DomainError if it holds a line break or another control
    character (a tab is allowed: it is ordinary white space in a header)."""
    name = field.rpartition(".")[2]  # "smtp.sender_name": "sender name"
    label = _label(name)
    for char in value:
        if char in _LINE_BREAKS or unicodedata.category(char) in ("Zl", "Zp"):
            raise DomainError(
                "line breaks are not allowed in the {label}", field, params={"label": label}
            )
        if char != "\t" and unicodedata.category(char) == "Cc":
            raise DomainError(
                "control characters (U+{code_point:04X}) are not allowed in the {label}",
                field,
                params={"code_point": ord(char), "label": label},
            )
    return value


@lru_cache(maxsize=4096)
def _validated(address: str) -> ValidatedEmail:
    # allow_smtputf8=False: a non-ASCII local part needs SMTPUTF8 from every server on
    # the way, which small-business mail servers often lack. Non-ASCII domains are fine
    # (sent as IDNA, "xn--…").
    return validate_email(address, check_deliverability=False, allow_smtputf8=False)


def check_addresses(addresses: Sequence[str], field: str) -> tuple[str, ...]:
    """The addresses normalised (surrounding blanks dropped, duplicates removed), or a
    DomainError naming the first one that is not a valid address."""
    result: list[str] = []
    seen: set[str] = set()
    for raw in addresses:
        check_header(raw, field)
        address = raw.strip()
        if not address:
            raise DomainError("an empty address is in the list", field)
        try:
            normalized = _validated(address).normalized
        except EmailNotValidError as exc:
            raise DomainError(
                "'{address}' is not a valid e-mail address: {exc}",
                field,
                code="email_invalid",
                params={"address": address, "exc": exc},
            ) from None
        if normalized.casefold() not in seen:
            seen.add(normalized.casefold())
            result.append(normalized)
    return tuple(result)


def wire_address(address: str) -> str:
    """The ASCII form of a checked address (IDNA domain) for headers and the envelope."""
    return _validated(address).ascii_email or address


def envelope_recipients(draft: MailDraft, account: SmtpAccount) -> tuple[str, ...]:
    """Everyone the message goes to: To, Cc, Bcc and, with ``bcc_self``, the sender.

    Bcc recipients appear only here, never in a header.
    """
    wanted = [*draft.to, *draft.cc, *draft.bcc]
    if account.bcc_self and account.sender:
        wanted.append(account.sender)
    result: list[str] = []
    seen: set[str] = set()
    for address in wanted:
        ascii_address = wire_address(address)
        if ascii_address.casefold() not in seen:
            seen.add(ascii_address.casefold())
            result.append(ascii_address)
    return tuple(result)


def _address(address: str, display_name: str = "") -> Address:
    return Address(display_name=display_name, addr_spec=wire_address(address))


def build_message(
    draft: MailDraft,
    account: SmtpAccount,
    *,
    message_id: str | None = None,
    date: dt.datetime | None = None,
) -> EmailMessage:
    """The MIME message for ``draft`` sent from ``account``.

    The draft and the account must have been checked (:func:`check_addresses`,
    :func:`check_header`); the outbox does that when it queues. Bcc is left out of
    the headers: those recipients only get the envelope (:func:`envelope_recipients`).
    """
    message = EmailMessage(policy=WIRE_POLICY)
    message["From"] = _address(account.sender, account.sender_name.strip())
    message["To"] = [_address(a) for a in draft.to]
    if draft.cc:
        message["Cc"] = [_address(a) for a in draft.cc]
    if account.reply_to:
        message["Reply-To"] = _address(account.reply_to)
    message["Subject"] = draft.subject
    message["Date"] = format_datetime(date or dt.datetime.now().astimezone())
    domain = wire_address(account.sender).rpartition("@")[2]
    message["Message-ID"] = message_id or make_msgid(domain=domain)
    # Quoted-printable for non-ASCII text: 8bit would need 8BITMIME on every hop.
    cte = None if draft.body.isascii() else "quoted-printable"
    message.set_content(draft.body, subtype="plain", charset="utf-8", cte=cte)
    if draft.attachments:
        message.make_mixed()
    for attachment in draft.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        # A MIMEPart, not add_attachment(): that one gives each part a MIME-Version header.
        # A non-ASCII file name is written as RFC 2231 (filename*=utf-8''…), in
        # Content-Disposition and, for older clients, as the Content-Type's name too.
        part = MIMEPart(policy=WIRE_POLICY)
        part.set_content(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            disposition="attachment",
            filename=attachment.filename,
            params={"name": attachment.filename},
        )
        message.attach(part)  # type: ignore[arg-type]  # any MIMEPart can be a subpart
    return message


def message_bytes(message: EmailMessage) -> bytes:
    """The message as sent: CRLF line ends, exactly the bytes stored in the outbox."""
    return message.as_bytes(policy=WIRE_POLICY)
