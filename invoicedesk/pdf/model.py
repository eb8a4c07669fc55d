"""What one PDF shows: everything the renderer needs, nothing it must look up.

The services build these from an invoice's frozen snapshots (issued) or live data
(drafts); the renderer formats and lays them out. Amounts come straight from the core
totals engine (``totals``), so the PDF can never disagree with the screens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from invoicedesk.core.document import InvoiceDocument
from invoicedesk.core.kinds import DocumentKind as DocumentKind  # re-exported for PdfInput users
from invoicedesk.core.totals import Totals


class Template(StrEnum):
    CLASSIC = "classic"
    MODERN = "modern"


class Paper(StrEnum):
    A4 = "A4"
    LETTER = "Letter"


FONT_FAMILIES = ("Noto Sans", "Noto Serif")  # shipped in resources/fonts
LANGUAGES = ("en", "de")  # labels exist for these; others print in English


@dataclass(frozen=True, slots=True)
class PostalAddress:
    recipient: str = ""  # an extra line such as "Attn. Accounts" or a department
    street: str = ""
    street2: str = ""
    zip: str = ""
    city: str = ""
    region: str = ""
    country: str = ""  # ISO 3166 alpha-2


@dataclass(frozen=True, slots=True)
class Seller:
    name: str
    address: PostalAddress
    email: str = ""
    phone: str = ""
    website: str = ""
    vat_id: str = ""
    tax_number: str = ""
    registration: str = ""  # court and register number
    managing_director: str = ""
    bank_name: str = ""
    account_holder: str = ""
    iban: str = ""
    bic: str = ""


@dataclass(frozen=True, slots=True)
class Buyer:
    name: str
    address: PostalAddress | None
    customer_number: str = ""
    vat_id: str = ""
    contact: str = ""  # contact person at the client
    email: str = ""


@dataclass(frozen=True, slots=True)
class RenderOptions:
    template: Template = Template.CLASSIC
    accent_color: str = "#1F4E79"  # "#RRGGBB"
    font_family: str = "Noto Sans"
    paper: Paper = Paper.A4
    # Print version: no coloured backgrounds and no logo/letterhead image, for
    # pre-printed stationery and black-and-white printers.
    print_version: bool = False
    logo: bytes | None = None  # PNG or JPEG
    show_qr: bool = True  # the EPC QR code, where the invoice qualifies for one


@dataclass(frozen=True, slots=True)
class PdfInput:
    kind: DocumentKind
    number: str | None  # None: a draft; prints a DRAFT watermark
    seller: Seller
    buyer: Buyer
    document: InvoiceDocument  # what the user wrote (lines, discounts, currency…)
    totals: Totals  # compute_totals(document), as stored at issue
    date: dt.date | None = None
    due_date: dt.date | None = None
    supply_date: dt.date | None = None
    supply_end_date: dt.date | None = None  # with supply_date: a service period
    supply_type: str = "delivery"  # "delivery" or "service": the wording of the date
    title: str = ""  # the user's title; "" prints the kind's own title
    intro: str = ""
    note: str = ""
    adjustment_reason: str = ""  # printed beside the adjustment; "" prints "Rounding"
    # Credit notes and cancellations: the document they refer to, and what it is: an
    # invoice (None means an invoice too) or, for a cancellation, a credit note.
    reference_number: str | None = None
    reference_date: dt.date | None = None
    reference_kind: DocumentKind | None = None
    language: str = "en"  # "en" or "de"; labels and the wording of tax notes
    locale: str = "en"  # Babel locale for numbers and dates, e.g. "de_DE", "en_GB"
    contact: str = ""  # who at the seller handles this invoice (info block)
    options: RenderOptions = field(default_factory=RenderOptions)
