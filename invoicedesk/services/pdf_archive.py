"""The archive of rendered documents: immutable versions in ``stored_documents``.

``archive_in`` renders an issued document and stores the result as its next version
inside the caller's write transaction (issuing and cancelling call it), so a PDF that
cannot be made stops the issue or cancellation. Nothing here changes a stored version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import DocType, Status
from invoicedesk.db.models import Invoice, StoredDocument
from invoicedesk.i18n import tr
from invoicedesk.pdf.model import DocumentKind, PdfInput
from invoicedesk.services.pdf_build import Layout, build_input, file_name, read_layout, template_of

INVOICE_PDF = "invoice_pdf"
CANCELLATION_PDF = "cancellation_pdf"


def render(pdf: PdfInput, consequence: str = "") -> bytes:
    """The PDF of ``pdf``; a failure is a DomainError saying what went wrong and, with
    ``consequence`` ("the invoice was not issued"), what it stopped."""
    from invoicedesk.pdf.render import render_pdf  # ReportLab loads here, not at start-up

    try:
        content: bytes = render_pdf(pdf)
    except DomainError as exc:
        if not consequence:
            raise
        raise type(exc)(
            "{message} — {consequence}",
            exc.field,
            code=exc.code,
            params={"message": exc.message, "consequence": consequence},
        ) from exc
    except Exception as exc:  # noqa: BLE001 - fonts, images …: reach the user as one line
        if consequence:
            raise DomainError(
                "the PDF could not be made ({reason}) — {consequence}",
                "pdf",
                params={"reason": _reason(exc), "consequence": consequence},
            ) from exc
        raise DomainError(
            "the PDF could not be made ({reason})", "pdf", params={"reason": _reason(exc)}
        ) from exc
    return content


_REPR = re.compile(r"<[^<>]*\bat 0x[0-9a-fA-F]+[^<>]*>")  # "<TotalsBlock at 0x7f…>"


def _reason(exc: Exception) -> str:
    """The error as one short line for a person: its kind and message, with Python
    object reprs left out."""
    text = " ".join(_REPR.sub("…", str(exc)).split())
    if len(text) > 160:
        text = text[:159].rstrip() + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def require_readable_logo(layout: Layout, consequence: str) -> None:
    """Refuse to archive a PDF without the logo the company set: the renderer leaves an
    unreadable logo out (fine for a preview), but an archived PDF can never be fixed."""
    if not layout.logo:
        return
    from invoicedesk.pdf.logo import logo_image  # parsed once per logo, cached

    if logo_image(layout.logo) is None:
        raise DomainError(
            "the company logo is not a readable PNG or JPEG image — choose another one in the "
            "company settings or remove it; {consequence}",
            "company.logo",
            params={"consequence": consequence},
        )


def newest(session: Session, invoice_id: int, kind: str = INVOICE_PDF) -> StoredDocument | None:
    return session.scalar(
        select(StoredDocument)
        .where(StoredDocument.invoice_id == invoice_id, StoredDocument.kind == kind)
        .order_by(StoredDocument.version.desc(), StoredDocument.id.desc())
        .limit(1)
    )


def store_version(
    session: Session, invoice_id: int, kind: str, content: bytes, filename: str, template: str
) -> StoredDocument:
    """Add ``content`` as the next version of ``kind`` for the invoice (in the caller's write
    transaction, which holds the write lock, so two writers never take the same version)."""
    latest = session.scalar(
        select(func.max(StoredDocument.version)).where(
            StoredDocument.invoice_id == invoice_id, StoredDocument.kind == kind
        )
    )
    document = StoredDocument(
        invoice_id=invoice_id,
        kind=kind,
        version=(latest or 0) + 1,
        filename=filename,
        mime_type="application/pdf",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        template=template,
    )
    session.add(document)
    session.flush()
    return document


def archive_in(
    session: Session,
    invoice: Invoice,
    *,
    kind: str = INVOICE_PDF,
    template: str | None = None,
    date: dt.date | None = None,
    action: str = "",
) -> StoredDocument:
    """Render ``invoice`` (issued) and store the PDF as a new version, inside the caller's
    write transaction. ``kind`` CANCELLATION_PDF stores the notice cancelling it, dated
    ``date``. A rendering failure raises a DomainError, so the caller's transaction —
    the issue or cancellation — is rolled back whole."""
    if invoice.status == Status.DRAFT.value or not invoice.number:
        raise DomainError(
            "draft {id} has no archive: only issued documents are archived; preview the draft "
            "instead",
            "invoice",
            code="not_issued",
            params={"id": invoice.id},
        )
    layout = read_layout(session)
    if action == "issued":  # rolled back: the number it drew goes back, so do not name it
        credit = invoice.doc_type == DocType.CREDIT_NOTE.value
        consequence = (
            tr("the credit note was not issued") if credit else tr("the invoice was not issued")
        )
    elif action == "cancelled":
        consequence = tr("{number} was not cancelled").format(number=invoice.number)
    else:
        consequence = tr("{number} was not archived").format(number=invoice.number)
    require_readable_logo(layout, consequence)
    doc_kind = DocumentKind.CANCELLATION if kind == CANCELLATION_PDF else None
    pdf = build_input(
        session, invoice, layout, kind=doc_kind, template=template_of(template), date=date
    )
    content = render(pdf, consequence)
    return store_version(
        session,
        invoice.id,
        kind,
        content,
        file_name(pdf, layout, invoice.id),
        pdf.options.template.value,
    )


__all__ = [
    "CANCELLATION_PDF",
    "INVOICE_PDF",
    "archive_in",
    "newest",
    "render",
    "require_readable_logo",
    "store_version",
]
