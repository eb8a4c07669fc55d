"""What the services accept: plain frozen dataclasses, built by the GUI, the CLI or the JSON reader.

Amounts are ``Decimal``; nothing here touches the database. The services
validate these values and raise :class:`~invoicedesk.core.errors.DomainError`
naming the field when something is wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from invoicedesk.core.document import (
    AllowanceCharge,
    CashDiscountTerms,
    Discount,
    InvoiceDocument,
    LineItem,
    PriceBasis,
)


class ClientKind(StrEnum):
    ORGANISATION = "organisation"
    PERSON = "person"


class AddressKind(StrEnum):
    BILLING = "billing"
    DELIVERY = "delivery"
    OTHER = "other"


class SupplyType(StrEnum):
    """What the supply date means: a delivery of goods or a service (date or period)."""

    DELIVERY = "delivery"
    SERVICE = "service"


@dataclass(frozen=True, slots=True)
class AddressInput:
    street: str = ""
    street2: str = ""
    zip: str = ""
    city: str = ""
    region: str = ""
    country: str = ""  # ISO 3166-1 alpha-2, e.g. "DE"
    kind: AddressKind = AddressKind.BILLING
    recipient: str = ""  # an extra line such as "Accounts payable"


@dataclass(frozen=True, slots=True)
class ContactInput:
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    role: str = ""


@dataclass(frozen=True, slots=True)
class ClientInput:
    """A client (customer). ``name`` is the organisation's or the person's display name."""

    name: str
    kind: ClientKind = ClientKind.ORGANISATION
    customer_number: str | None = None  # None: assigned from the client sequence
    first_name: str = ""
    last_name: str = ""
    email: str = ""  # the main address invoices go to
    emails: tuple[str, ...] = ()  # further addresses (copies)
    phone: str = ""
    vat_id: str = ""
    due_days: int | None = None  # None: the company default
    currency: str | None = None  # None: the company currency
    language: str = "en"
    tags: tuple[str, ...] = ()
    notes: str = ""
    addresses: tuple[AddressInput, ...] = ()  # the first billing address is the default
    contacts: tuple[ContactInput, ...] = ()


@dataclass(frozen=True, slots=True)
class ProductInput:
    name: str
    unit_price: Decimal
    tax_rate: Decimal
    number: str | None = None  # None: assigned from the product sequence
    description: str = ""
    unit: str = ""
    tax_category: str = "S"
    price_basis: PriceBasis = PriceBasis.NET


@dataclass(frozen=True, slots=True)
class InvoiceInput:
    """A draft invoice as the user wrote it. Issuing fills number, date and due date.

    Give either ``client_id`` or ``client`` (a new client created in the same
    transaction, as the JSON import does).
    """

    client_id: int | None = None
    client: ClientInput | None = None
    date: dt.date | None = None
    supply_date: dt.date | None = None
    supply_end_date: dt.date | None = None
    supply_type: SupplyType = SupplyType.DELIVERY
    due_date: dt.date | None = None
    due_days: int | None = None
    currency: str | None = None  # None: the client's currency, else the company's
    exchange_rate: Decimal | None = None  # company currency per 1 unit of ``currency``
    price_basis: PriceBasis = PriceBasis.NET
    title: str = ""
    label: str = ""
    intro: str = ""
    note: str = ""
    tags: tuple[str, ...] = ()
    lines: tuple[LineItem, ...] = ()
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    discount: Discount | None = None
    prepaid: Decimal = Decimal(0)
    adjustment: Decimal = Decimal(0)
    adjustment_reason: str = ""  # what the adjustment is for; "" prints "Rounding"
    cash_discount: CashDiscountTerms | None = None


class PaymentMethod(StrEnum):
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"
    PAYPAL = "paypal"
    CARD = "card"
    DIRECT_DEBIT = "direct_debit"
    OTHER = "other"
    # Booked automatically when a credit note settles (part of) the invoice it corrects.
    CREDIT_NOTE = "credit_note"


@dataclass(frozen=True, slots=True)
class PaymentInput:
    amount: Decimal
    date: dt.date | None = None  # None: today
    method: PaymentMethod = PaymentMethod.BANK_TRANSFER
    reference: str = ""
    note: str = ""
    # A payment above the open amount is refused unless recorded as an overpayment.
    allow_overpayment: bool = False


def document_of(inp: InvoiceInput, date: dt.date | None = None) -> InvoiceDocument:
    """The totals engine's view of an invoice input (EUR when it names no currency).

    ``date`` stands in for the invoice date (issuing fills it in); the cash discount's
    last day is counted from it.
    """
    return InvoiceDocument(
        currency=inp.currency or "EUR",
        price_basis=PriceBasis(inp.price_basis),
        lines=inp.lines,
        allowances_charges=inp.allowances_charges,
        discount=inp.discount,
        prepaid=inp.prepaid,
        adjustment=inp.adjustment,
        cash_discount=inp.cash_discount,
        invoice_date=date or inp.date,
    )
