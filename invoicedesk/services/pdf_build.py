"""From a stored invoice to a :class:`~invoicedesk.pdf.model.PdfInput`: who, what, how it looks.

Issued documents are built from what was frozen at issue (the company and client
snapshots, the stored lines and dates), so editing the company profile or the client
later never changes who a re-rendered PDF names. Drafts show the live client and
company. The look (template, colour, font, paper, logo) is read from the settings
at the moment of rendering; an archived PDF keeps the look it was rendered with.

No ReportLab here: building an input is cheap and the CLI imports this at start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from invoicedesk.core.errors import DomainError, NotFoundError
from invoicedesk.core.lifecycle import DocType, Status
from invoicedesk.core.totals import compute_totals
from invoicedesk.db.models import Client, Invoice
from invoicedesk.i18n import tr
from invoicedesk.pdf.model import (
    Buyer,
    DocumentKind,
    Paper,
    PdfInput,
    PostalAddress,
    RenderOptions,
    Seller,
    Template,
)
from invoicedesk.services.document_texts import text_language
from invoicedesk.services.inputs import document_of
from invoicedesk.services.pdf_names import NameFields, fill_pattern
from invoicedesk.services.settings import (
    read_company,
    read_logo,
    read_settings,
    validated_settings,
)

# Countries that print on US Letter (CLDR supplemental data, measurementData/paperSize).
LETTER_COUNTRIES = frozenset(
    {"US", "CA", "MX", "PH", "PR", "CL", "CO", "CR", "GT", "NI", "PA", "SV", "VE", "BZ"}
)


@dataclass(frozen=True, slots=True)
class Layout:
    """The look of PDFs as the settings give it, read once (an export reads it once for all)."""

    template: Template
    accent_color: str
    font_family: str
    paper: str  # "auto", "A4" or "Letter"
    filename_pattern: str
    show_qr: bool
    logo: bytes | None
    contact: str = ""  # the seller's contact person for the info block

    def options(
        self, seller_country: str, *, template: Template | None = None, print_version: bool
    ) -> RenderOptions:
        return RenderOptions(
            template=template or self.template,
            accent_color=self.accent_color,
            font_family=self.font_family,
            paper=paper_for(self.paper, seller_country),
            print_version=print_version,
            logo=self.logo,
            show_qr=self.show_qr,
        )


def read_layout(session: Session, overrides: Mapping[str, Any] | None = None) -> Layout:
    """The layout settings (with ``overrides``, validated, on top) and the company logo."""
    values = read_settings(session)
    if overrides:
        values.update(validated_settings(dict(overrides)))
    return Layout(
        template=Template(values["pdf_template"]),
        accent_color=str(values["pdf_accent_color"]),
        font_family=str(values["pdf_font"]),
        paper=str(values["pdf_paper"]),
        filename_pattern=str(values["pdf_filename_pattern"]),
        show_qr=bool(values["pdf_show_qr"]),
        logo=read_logo(session),
        contact=str(values["pdf_contact"]),
    )


def paper_for(setting: str, country: str) -> Paper:
    """A4 or Letter: as set, or for "auto" what is usual in the company's country."""
    if setting == "auto":
        return Paper.LETTER if country.upper() in LETTER_COUNTRIES else Paper.A4
    return Paper(setting)


def template_of(name: str | None) -> Template | None:
    """The template called ``name`` (None: the one in the settings)."""
    if name is None:
        return None
    try:
        return Template(name.strip().lower())
    except ValueError:
        choices = tr(" or ").join(t.value for t in Template)
        raise DomainError(
            "there is no template '{name}' (use {choices})",
            "template",
            params={"name": name, "choices": choices},
        ) from None


def language_of(value: object) -> str:
    """The label language for a client's language code: "en" or "de" (others print English);
    the default texts of documents follow the same language."""
    return text_language(value)


@lru_cache(maxsize=512)
def locale_of(language: str, country: str) -> str:
    """``de_AT`` when Babel knows the language in that country, else the language alone."""
    from babel import localedata  # imported on use: the CLI starts without it

    if country:
        name = f"{language}_{country.upper()}"
        if localedata.exists(name):
            return name
    return language


# --------------------------------------------------------------------------- parties


def _text(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def seller_of(company: Mapping[str, object]) -> Seller:
    """The seller as a company snapshot (``CompanyData.snapshot()``) describes it."""

    def text(key: str) -> str:
        return _text(company, key)

    return Seller(
        name=text("name"),
        address=PostalAddress(
            street=text("street"), zip=text("zip"), city=text("city"), country=text("country")
        ),
        email=text("email"),
        phone=text("phone"),
        website=text("website"),
        vat_id=text("vat_id"),
        tax_number=text("tax_number"),
        registration=text("registration"),
        managing_director=text("managing_director"),
        bank_name=text("bank_name"),
        account_holder=text("account_holder"),
        iban=text("iban"),
        bic=text("bic"),
    )


def buyer_of(client: Mapping[str, object]) -> Buyer:
    """The buyer as a client snapshot (``invoices._client_snapshot``) describes it."""
    address = client.get("address")
    postal = None
    if isinstance(address, Mapping):
        postal = PostalAddress(
            recipient=_text(address, "recipient"),
            street=_text(address, "street"),
            street2=_text(address, "street2"),
            zip=_text(address, "zip"),
            city=_text(address, "city"),
            region=_text(address, "region"),
            country=_text(address, "country"),
        )
    return Buyer(
        name=_text(client, "name"),
        address=postal,
        customer_number=_text(client, "customer_number"),
        vat_id=_text(client, "vat_id"),
        contact=_text(client, "contact"),
        email=_text(client, "email"),
    )


def _live_client(session: Session, client_id: int) -> dict[str, object]:
    from invoicedesk.services.invoices import _client_snapshot  # the one snapshot format

    client = session.get(
        Client, client_id, options=[selectinload(Client.addresses), selectinload(Client.contacts)]
    )
    assert client is not None  # the foreign key guarantees it
    return _client_snapshot(client)


def parties(session: Session, invoice: Invoice) -> tuple[dict[str, object], dict[str, object]]:
    """(company, client) as frozen at issue; for drafts (or rows without snapshots) live."""
    company = invoice.company_snapshot
    client = invoice.client_snapshot
    if invoice.status == Status.DRAFT.value or company is None:
        company = read_company(session).snapshot()
    if invoice.status == Status.DRAFT.value or client is None:
        client = _live_client(session, invoice.client_id)
    return company, client


# --------------------------------------------------------------------------- documents


_WITH_CONTENT = (
    selectinload(Invoice.lines),
    selectinload(Invoice.allowances_charges),
    selectinload(Invoice.tags),
)


def load_invoice(session: Session, invoice_id: int) -> Invoice:
    invoice = session.get(Invoice, invoice_id, options=_WITH_CONTENT)
    if invoice is None:
        raise NotFoundError(
            "there is no invoice with id {invoice_id}",
            "invoice",
            code="invoice_not_found",
            params={"invoice_id": invoice_id},
        )
    return invoice


def load_invoices(session: Session, invoice_ids: Sequence[int]) -> dict[int, Invoice]:
    """The invoices with these ids (missing ones left out), lines and all, in four queries."""
    query = select(Invoice).where(Invoice.id.in_(invoice_ids)).options(*_WITH_CONTENT)
    return {invoice.id: invoice for invoice in session.scalars(query)}


def build_input(
    session: Session,
    invoice: Invoice,
    layout: Layout,
    *,
    kind: DocumentKind | None = None,
    template: Template | None = None,
    print_version: bool = False,
    date: dt.date | None = None,
) -> PdfInput:
    """What the PDF of ``invoice`` shows. ``kind`` CANCELLATION builds the notice that
    cancels it, dated ``date``."""
    from invoicedesk.services.invoices import input_of

    company, client = parties(session, invoice)
    seller = seller_of(company)
    buyer = buyer_of(client)
    data = input_of(invoice)
    document = document_of(data)
    language = language_of(client.get("language"))
    country = buyer.address.country if buyer.address else ""
    if kind is None:
        is_credit = invoice.doc_type == DocType.CREDIT_NOTE.value
        kind = DocumentKind.CREDIT_NOTE if is_credit else DocumentKind.INVOICE
    reference_number: str | None = None
    reference_date: dt.date | None = None
    reference_kind: DocumentKind | None = None
    title, intro, note = data.title, data.intro, data.note
    doc_date, due_date = data.date, data.due_date
    if kind is DocumentKind.CANCELLATION:
        # A notice of its own: it names the invoice or credit note it cancels, not its
        # texts or terms.
        reference_number, reference_date = invoice.number, invoice.date
        is_credit = invoice.doc_type == DocType.CREDIT_NOTE.value
        reference_kind = DocumentKind.CREDIT_NOTE if is_credit else DocumentKind.INVOICE
        title = intro = note = ""
        doc_date, due_date = date or dt.date.today(), None
    elif invoice.corrects_id is not None:
        original = session.get(Invoice, invoice.corrects_id)
        if original is not None:
            reference_number, reference_date = original.number, original.date
            reference_kind = DocumentKind.INVOICE
    return PdfInput(
        kind=kind,
        number=None if invoice.status == Status.DRAFT.value else invoice.number,
        seller=seller,
        buyer=buyer,
        document=document,
        totals=compute_totals(document),
        date=doc_date,
        due_date=due_date,
        supply_date=data.supply_date,
        supply_end_date=data.supply_end_date,
        supply_type=str(data.supply_type),
        title=title,
        intro=intro,
        note=note,
        adjustment_reason=data.adjustment_reason,
        reference_number=reference_number,
        reference_date=reference_date,
        reference_kind=reference_kind,
        language=language,
        locale=locale_of(language, country),
        contact=layout.contact,
        options=layout.options(
            seller.address.country, template=template, print_version=print_version
        ),
    )


def file_name(pdf: PdfInput, layout: Layout, invoice_id: int) -> str:
    """The file name the settings' pattern gives this PDF, e.g. ``Invoice_RE-2026-0001.pdf``."""
    from invoicedesk.pdf.labels import document_title

    return fill_pattern(
        layout.filename_pattern,
        NameFields(
            type=document_title(pdf.kind, pdf.language),
            number=pdf.number or f"Draft-{invoice_id}",
            client=pdf.buyer.name,
            customer_number=pdf.buyer.customer_number,
            date=pdf.date,
        ),
    )
