"""Invoice PDFs: previews, the archive of issued documents, samples for the settings dialog.

Archive rules (see docs/pdf-archive.md):

- Issuing renders the PDF and stores it in ``stored_documents`` as version 1, inside the
  issuing transaction: if rendering fails, nothing is issued. Cancelling stores a
  cancellation notice (kind ``cancellation_pdf``) the same way.
- A stored version is never changed. :func:`archive_new_version` adds one; the newest
  ``invoice_pdf`` version is *the* archived PDF of an invoice.
- Drafts render as previews with a DRAFT watermark and are never stored.
- Issued documents are built from their frozen snapshots, so later edits of the company
  or client never change a re-render's parties; the look comes from the settings.

ReportLab loads only when something is rendered, so the CLI starts fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from invoicedesk.core.document import InvoiceDocument, LineItem, TaxCategory
from invoicedesk.core.errors import NotFoundError
from invoicedesk.core.lifecycle import Status
from invoicedesk.core.numbering import format_number
from invoicedesk.core.totals import compute_totals
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Invoice, StoredDocument
from invoicedesk.pdf.model import Buyer, DocumentKind, PdfInput, PostalAddress
from invoicedesk.services.document_texts import texts_of
from invoicedesk.services.pdf_archive import (
    CANCELLATION_PDF,
    INVOICE_PDF,
    archive_in,
    newest,
    render,
    require_readable_logo,
    store_version,
)
from invoicedesk.services.pdf_build import (
    Layout,
    build_input,
    file_name,
    language_of,
    load_invoice,
    locale_of,
    read_layout,
    seller_of,
    template_of,
)
from invoicedesk.services.pdf_names import validate_filename_pattern
from invoicedesk.services.settings import read_company, read_settings


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    filename: str  # from the settings' pattern, e.g. "Invoice_RE-2026-0001.pdf"
    content: bytes
    template: str
    archived: bool  # True: these bytes are an archived version


@dataclass(frozen=True, slots=True)
class ArchivedVersion:
    """One stored version, without its content (a row of the versions list)."""

    id: int
    invoice_id: int
    kind: str
    version: int
    filename: str
    sha256: str
    template: str
    size: int
    created_at: dt.datetime


# --------------------------------------------------------------------------- rendering


def pdf_input(
    session: Session,
    invoice_id: int,
    *,
    template: str | None = None,
    print_version: bool = False,
    settings_overrides: Mapping[str, Any] | None = None,
) -> PdfInput:
    """What the PDF of invoice ``invoice_id`` shows, in the look the settings (with
    ``settings_overrides``) and ``template`` give it."""
    invoice = load_invoice(session, invoice_id)
    layout = read_layout(session, settings_overrides)
    return build_input(
        session, invoice, layout, template=template_of(template), print_version=print_version
    )


def _rendered(
    session: Session,
    invoice: Invoice,
    layout: Layout,
    *,
    template: str | None = None,
    print_version: bool = False,
) -> RenderedPdf:
    pdf = build_input(
        session, invoice, layout, template=template_of(template), print_version=print_version
    )
    return RenderedPdf(
        filename=file_name(pdf, layout, invoice.id),
        content=render(pdf),
        template=pdf.options.template.value,
        archived=False,
    )


def render_preview(
    db: Database, invoice_id: int, *, template: str | None = None, print_version: bool = False
) -> RenderedPdf:
    """A fresh rendering in any state (drafts carry a DRAFT watermark); never stored."""
    with db.read() as session:
        invoice = load_invoice(session, invoice_id)
        return _rendered(
            session, invoice, read_layout(session), template=template, print_version=print_version
        )


# --------------------------------------------------------------------------- the archive


def _version(document: StoredDocument) -> ArchivedVersion:
    assert document.invoice_id is not None
    return ArchivedVersion(
        id=document.id,
        invoice_id=document.invoice_id,
        kind=document.kind,
        version=document.version,
        filename=document.filename,
        sha256=document.sha256,
        template=document.template,
        size=len(document.content),
        created_at=document.created_at,
    )


def archived_pdf(db: Database, invoice_id: int) -> RenderedPdf | None:
    """The archived PDF (newest ``invoice_pdf`` version), or None when there is none."""
    with db.read() as session:
        invoice = load_invoice(session, invoice_id)
        stored = newest(session, invoice_id)
        if stored is None:
            return None
        return _as_rendered(session, invoice, read_layout(session), stored)


def _as_rendered(
    session: Session, invoice: Invoice, layout: Layout, stored: StoredDocument
) -> RenderedPdf:
    # Named by today's pattern (what the user expects to save as); the version keeps its own.
    name = file_name(build_input(session, invoice, layout), layout, invoice.id)
    return RenderedPdf(name, stored.content, stored.template, archived=True)


def resolve(
    session: Session, invoice: Invoice, layout: Layout, *, print_version: bool = False
) -> tuple[RenderedPdf, bool]:
    """The PDF :func:`pdf_for` hands out, and whether it still has to be archived (an issued
    document without an archived PDF; the caller stores it in a write transaction)."""
    is_draft = invoice.status == Status.DRAFT.value
    stored = None if is_draft else newest(session, invoice.id)
    if is_draft or print_version:
        template = stored.template if stored is not None else None
        pdf = _rendered(session, invoice, layout, template=template, print_version=print_version)
        return pdf, False
    if stored is not None:
        return _as_rendered(session, invoice, layout, stored), False
    require_readable_logo(layout, f"{invoice.number} was not archived")
    return _rendered(session, invoice, layout), True


def store_missing(session: Session, invoice_id: int, pdf: RenderedPdf) -> RenderedPdf:
    """Archive ``pdf`` as version 1 unless a version appeared meanwhile (then that one wins)."""
    stored = newest(session, invoice_id)
    if stored is None:
        store_version(session, invoice_id, INVOICE_PDF, pdf.content, pdf.filename, pdf.template)
        return RenderedPdf(pdf.filename, pdf.content, pdf.template, archived=True)
    return RenderedPdf(pdf.filename, stored.content, stored.template, archived=True)


def pdf_for(db: Database, invoice_id: int, *, print_version: bool = False) -> RenderedPdf:
    """The PDF to save, open, mail or export.

    Issued: the archived PDF; one is rendered and archived first where there is none
    (demo or imported data). Drafts: a watermarked preview. ``print_version``: a fresh
    print rendering (in the archived version's template), never stored.
    """
    with db.read() as session:
        invoice = load_invoice(session, invoice_id)
        pdf, missing = resolve(session, invoice, read_layout(session), print_version=print_version)
    if not missing:
        return pdf
    with db.write() as session:
        return store_missing(session, invoice_id, pdf)


def archive_new_version(
    db: Database, invoice_id: int, *, template: str | None = None
) -> ArchivedVersion:
    """Render an issued document again with today's settings (or ``template``) and store
    it as its newest version. Drafts are refused (DomainError)."""
    with db.write() as session:
        invoice = load_invoice(session, invoice_id)
        return _version(archive_in(session, invoice, template=template, action="archived"))


def list_versions(db: Database, invoice_id: int) -> list[ArchivedVersion]:
    """Every stored version of the invoice's documents, newest first (all kinds)."""
    with db.read() as session:
        if session.get(Invoice, invoice_id) is None:
            raise NotFoundError(
                "there is no invoice with id {invoice_id}",
                "invoice",
                code="invoice_not_found",
                params={"invoice_id": invoice_id},
            )
        d = StoredDocument
        rows = session.execute(
            # Without the content: a list of versions must not load every PDF.
            select(
                d.id,
                d.invoice_id,
                d.kind,
                d.version,
                d.filename,
                d.sha256,
                d.template,
                func.length(d.content),
                d.created_at,
            )
            .where(d.invoice_id == invoice_id)
            .order_by(d.id.desc())  # ids only grow: newest first
        )
        return [ArchivedVersion(*row) for row in rows]


def version_content(db: Database, document_id: int) -> bytes:
    """The bytes of one stored version."""
    with db.read() as session:
        content = session.scalar(
            select(StoredDocument.content).where(StoredDocument.id == document_id)
        )
    if content is None:
        raise NotFoundError(
            "there is no stored document with id {document_id}",
            "document",
            params={"document_id": document_id},
        )
    return content


def pdf_filename(db: Database, invoice_id: int) -> str:
    """The file name the settings' pattern gives the invoice's PDF."""
    with db.read() as session:
        invoice = load_invoice(session, invoice_id)
        layout = read_layout(session)
        return file_name(build_input(session, invoice, layout), layout, invoice.id)


# --------------------------------------------------------------------------- sample


def sample_pdf(db: Database, settings_overrides: Mapping[str, Any]) -> bytes:
    """A sample invoice from the company (three lines, two tax rates, a made-up client) in
    the look of ``settings_overrides`` (unsaved settings), for the settings dialog."""
    with db.read() as session:
        layout = read_layout(session, settings_overrides)
        settings = read_settings(session)
        company = read_company(session)
    return render(sample_input(company.snapshot(), settings, layout))


def sample_input(
    company: Mapping[str, object], settings: Mapping[str, Any], layout: Layout
) -> PdfInput:
    today = dt.date.today()
    seller = seller_of(company)
    language = language_of(company.get("language"))
    texts = texts_of(settings, language)
    country = seller.address.country or "DE"
    currency = str(company.get("currency") or "EUR")
    rates = [Decimal(str(r)) for r in settings.get("tax_rates") or ()] or [Decimal(19)]
    high, low = rates[0], (rates[1] if len(rates) > 1 else rates[0])

    def item(name: str, qty: str, price: str, rate: Decimal, unit: str) -> LineItem:
        category = TaxCategory.STANDARD if rate else TaxCategory.ZERO
        return LineItem(Decimal(qty), Decimal(price), rate, category, name=name, unit=unit)

    german = language == "de"  # the sample's made-up content in the labels' language
    document = InvoiceDocument(
        currency=currency,
        lines=(
            item(
                "Beratung" if german else "Consulting",
                "8",
                "95.00",
                high,
                "Std." if german else "h",
            ),
            item(
                "Softwarelizenz (12 Monate)" if german else "Software licence (12 months)",
                "1",
                "480.00",
                high,
                "",
            ),
            item(
                "Handbuch, gedruckt" if german else "Handbook, printed",
                "2",
                "24.90",
                low,
                "Stk." if german else "pcs",
            ),
        ),
        invoice_date=today,
    )
    pattern = str((settings.get("number_patterns") or {}).get("invoice") or "RE-{year}-{seq:04}")
    return PdfInput(
        kind=DocumentKind.INVOICE,
        number=format_number(pattern, today, 1),
        seller=seller,
        buyer=Buyer(
            name="Musterkunde GmbH" if german else "Sample Client Ltd",
            address=PostalAddress(
                street="Musterstraße 1" if german else "1 Example Street",
                zip="12345",
                city="Musterstadt" if german else "Sampletown",
                country=country,
            ),
            customer_number="C-00001",
            contact="Alex Beispiel" if german else "Alex Example",
        ),
        document=document,
        totals=compute_totals(document),
        date=today,
        due_date=today + dt.timedelta(days=int(settings.get("default_due_days") or 14)),
        supply_date=today,
        # What a new invoice in this language starts with (services.document_texts).
        title=texts.title,
        intro=texts.intro,
        note=texts.note,
        language=language,
        locale=locale_of(language, country),
        options=layout.options(country, print_version=False),
    )


__all__ = [
    "CANCELLATION_PDF",
    "INVOICE_PDF",
    "ArchivedVersion",
    "RenderedPdf",
    "archive_in",
    "archive_new_version",
    "archived_pdf",
    "list_versions",
    "pdf_filename",
    "pdf_for",
    "pdf_input",
    "render",
    "render_preview",
    "require_readable_logo",
    "resolve",
    "sample_pdf",
    "store_missing",
    "validate_filename_pattern",
    "version_content",
]
