"""The shapes that the mail services hand each other and the front ends.

Settings and secrets (services/mail_settings.py, services/secrets.py), templates and
composing (services/mail_templates.py, services/mail_compose.py), the message itself
(services/mail_message.py), the SMTP connection (services/smtp.py) and the durable
outbox (services/outbox.py) all speak in these frozen dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from invoicedesk.core.kinds import DocumentKind


class Security(StrEnum):
    STARTTLS = "starttls"  # plain connect, then STARTTLS before anything else (port 587)
    SSL = "ssl"  # implicit TLS from the first byte (port 465)
    NONE = "none"  # no encryption at all: only with allow_insecure


class MailState(StrEnum):
    QUEUED = "queued"  # waiting; next_attempt_at says when (None: now)
    SENDING = "sending"  # handed to the server right now
    SENT = "sent"
    FAILED = "failed"  # permanent (5xx, too big, refused recipients): shown, not retried
    CANCELLED = "cancelled"  # by the user
    # The connection dropped after the message was handed over: it may or may not have
    # arrived. Never resent on our own; the user checks and resends or cancels.
    UNKNOWN = "unknown"


# What a mail template is for. ``DocKind`` is the old name of the core enum, kept because
# the mail services and screens use it throughout.
DocKind = DocumentKind
TEMPLATE_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind.INVOICE,
    DocumentKind.CREDIT_NOTE,
    DocumentKind.REMINDER,
)


@dataclass(frozen=True, slots=True)
class SmtpAccount:
    """The business's own SMTP account. The password is never part of it: it lives in
    the operating system's keyring (services/secrets.py)."""

    host: str = ""
    port: int = 587
    security: Security = Security.STARTTLS
    username: str = ""
    sender: str = ""  # the From address
    sender_name: str = ""
    reply_to: str = ""
    bcc_self: bool = False  # a blind copy of every message to the sender
    allow_insecure: bool = False  # required to accept security NONE
    # "sha256:<64 hex>" of the server's certificate (DER): a self-signed certificate is
    # accepted only when it matches; "" trusts the system's certificate authorities.
    pinned_certificate: str = ""
    timeout: float = 30.0  # seconds per network operation


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True, slots=True)
class MailDraft:
    """A message as the user composed it, before it is queued."""

    to: tuple[str, ...]
    subject: str
    body: str
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    invoice_id: int | None = None  # the document it sends (recorded as sent on success)
    reminder_id: int | None = None


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One outbox row as the lists show it (no message bytes)."""

    id: int
    state: MailState
    invoice_id: int | None
    invoice_number: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    subject: str
    message_id: str
    size: int
    attempts: int
    created_at: dt.datetime
    last_attempt_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    error: str  # what went wrong, for a person
    server_reply: str  # the server's last answer, verbatim


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one run of the outbox did."""

    sent: tuple[int, ...] = ()
    retrying: tuple[int, ...] = ()  # temporary failure; queued again for later
    failed: tuple[int, ...] = ()
    unknown: tuple[int, ...] = ()
    error: str = ""  # why the run could not even connect, if so
