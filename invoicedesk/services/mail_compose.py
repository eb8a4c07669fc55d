"""Composing the mail that sends an invoice: recipients, subject and body, the PDF.

:func:`compose_for_invoice` gives a :class:`~.mail_types.MailDraft` the user may still
change (recipients, text, more files) before it is queued in the outbox. The PDF is
the archived one (:func:`invoicedesk.services.pdfs.pdf_for`), so the client receives
exactly the document that was issued.

Recipients: the addresses given, else the client's main address (``Client.email``) as
To and its further active addresses as Cc (the json format calls them "copies"); when
the client has no main address, the further ones are the To.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from invoicedesk.core.errors import DomainError, NotFoundError
from invoicedesk.core.rules import Action, require
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Client, Invoice
from invoicedesk.services import mail_templates, pdfs
from invoicedesk.services.mail_settings import checked_address
from invoicedesk.services.mail_types import Attachment, MailDraft

MAX_FILE_BYTES = 25 * 1024 * 1024  # most servers refuse messages much bigger than this


def checked_addresses(addresses: Iterable[str], field: str) -> tuple[str, ...]:
    """The addresses normalised, each once (compared without case), in order."""
    seen: set[str] = set()
    result = []
    for address in addresses:
        normal = checked_address(address, field)
        if normal and normal.casefold() not in seen:
            seen.add(normal.casefold())
            result.append(normal)
    return tuple(result)


def _client_recipients(client: Client) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(to, cc) from the client's addresses."""
    label = f"the client's e-mail address ({client.name})"
    main = checked_addresses([client.email], label)
    further = checked_addresses((e.email for e in client.emails if e.is_active), label)
    further = tuple(a for a in further if a.casefold() not in {m.casefold() for m in main})
    if main:
        return main, further
    return further, ()


def compose_for_invoice(
    db: Database,
    invoice_id: int,
    *,
    template: str | None = None,
    to: Sequence[str] = (),
    subject: str | None = None,
    body: str | None = None,
) -> MailDraft:
    """The mail sending issued invoice (or credit note) ``invoice_id``: to ``to`` (else
    the client's addresses), text from ``template`` (else the document type's default,
    in the client's language) or the ``subject`` / ``body`` given (placeholders filled),
    the archived PDF attached.

    Drafts and cancelled documents are refused with a DomainError.
    """
    with db.read() as session:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFoundError(
                "there is no invoice with id {invoice_id}",
                "invoice",
                code="invoice_not_found",
                params={"invoice_id": invoice_id},
            )
        require(
            invoice.doc_type, invoice.status, Action.SEND, number=invoice.number, field="invoice"
        )
        cc: tuple[str, ...] = ()
        if to:
            recipients = checked_addresses(to, "to")
        else:
            client = session.scalar(
                select(Client)
                .where(Client.id == invoice.client_id)
                .options(selectinload(Client.emails))
            )
            assert client is not None  # the foreign key guarantees it
            recipients, cc = _client_recipients(client)
            if not recipients:
                raise DomainError(
                    "{name} has no e-mail address; add one to the client or give the recipient",
                    "to",
                    params={"name": client.name},
                )
        subject, body = mail_templates.render(
            session, invoice_id, template=template, subject=subject, body=body
        )
    pdf = pdfs.pdf_for(db, invoice_id)
    return MailDraft(
        to=recipients,
        cc=cc,
        subject=subject,
        body=body,
        attachments=(Attachment(pdf.filename, pdf.content, "application/pdf"),),
        invoice_id=invoice_id,
    )


def _read(path: Path) -> bytes:
    shown = str(path)
    try:
        if path.is_dir():
            raise DomainError("is a folder, not a file", shown)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DomainError(
                "is {size:.0f} MB; mail servers refuse attachments over {limit} MB",
                shown,
                params={"size": size / 1024 / 1024, "limit": MAX_FILE_BYTES // 1024 // 1024},
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise DomainError("there is no such file", shown) from None
    except PermissionError:
        raise DomainError("cannot be read (permission denied)", shown) from None
    except OSError as exc:
        raise DomainError(
            "cannot be read ({reason})", shown, params={"reason": exc.strerror or exc}
        ) from None


def add_files(draft: MailDraft, paths: Sequence[Path]) -> MailDraft:
    """``draft`` with the files ``paths`` attached after its attachments (type from
    the file name; ``application/octet-stream`` when unknown)."""
    added = []
    for path in paths:
        path = Path(path)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        added.append(Attachment(path.name, _read(path), mime_type))
    return replace(draft, attachments=draft.attachments + tuple(added))


__all__ = ["MAX_FILE_BYTES", "add_files", "checked_addresses", "compose_for_invoice"]
