"""Stored documents (immutable PDF versions), outgoing mail, mail templates and the audit log."""


import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

# The tables its foreign keys point to (invoices, reminders) must be known to a flush.
from invoicedesk.db.models import payment as _fk_targets  # noqa: F401 - also invoice
from invoicedesk.db.models.base import Base
from invoicedesk.db.types import UTCDateTime, utcnow


class StoredDocument(Base):
    """One rendered version of a document; never changed once written."""

    __tablename__ = "stored_documents"
    __table_args__ = (
        Index("ix_stored_documents_invoice_version", "invoice_id", "version"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), default=None)
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id"), default=None)
    kind: Mapped[str] = mapped_column(String(30), default="invoice_pdf")
    version: Mapped[int] = mapped_column(Integer, default=1)
    filename: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    template: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutgoingMail(Base):
    """One message in the outbox. ``eml`` holds the exact bytes queued (Message-ID
    included), so every attempt sends the same message and the sent one can be kept.

    status: queued → sending → sent, or failed (permanent), cancelled (by the user),
    unknown (the connection dropped after the message was handed over: whether it
    arrived cannot be known; the user checks, we never resend on our own).
    ``claimed_by`` names the process that marked it sending.
    """

    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), default=None, index=True
    )
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id"), default=None)
    to_addrs: Mapped[str] = mapped_column(Text)
    cc_addrs: Mapped[str] = mapped_column(Text, default="")
    bcc_addrs: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    attachment_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    sender: Mapped[str] = mapped_column(String(300), default="")
    eml: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    size: Mapped[int] = mapped_column(Integer, default=0)  # bytes of ``eml``
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    server_reply: Mapped[str] = mapped_column(Text, default="")  # the last reply, verbatim
    # Who marked it ``sending``: "host:pid:random" of that process (services/outbox.py),
    # so that recovery after a crash never takes a message another process is sending.
    claimed_by: Mapped[str] = mapped_column(String(100), default="")


class MailTemplate(Base):
    """Subject and body of one named template in one language. Templates with the
    same ``name`` form a set (one text per language) for one document type."""

    __tablename__ = "mail_templates"
    __table_args__ = (UniqueConstraint("name", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    doc_type: Mapped[str] = mapped_column(String(30))  # invoice, credit_note, reminder
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEntry(Base):
    """One state change: what happened to which record, from which state to which, when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(20), default="")
    to_state: Mapped[str] = mapped_column(String(20), default="")
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    actor: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
