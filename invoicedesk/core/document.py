"""The frozen input of a calculation: an invoice's lines, allowances, charges and terms.

These dataclasses are what the totals engine (:mod:`invoicedesk.core.totals`)
reads. Services build them from database rows, the JSON reader builds them from
documents, the editor builds them from its table. All amounts are ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class TaxCategory(StrEnum):
    """EN 16931 VAT category codes (UNTDID 5305 subset)."""

    STANDARD = "S"
    ZERO = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_EU = "K"
    EXPORT = "G"
    OUTSIDE_SCOPE = "O"


class PriceBasis(StrEnum):
    """Whether unit prices exclude tax (net, B2B) or include it (gross, shops)."""

    NET = "net"
    GROSS = "gross"


@dataclass(frozen=True, slots=True)
class Discount:
    """A discount or surcharge given either as a percentage or as a fixed amount.

    Exactly one of ``percent`` and ``amount`` is set.
    """

    percent: Decimal | None = None
    amount: Decimal | None = None

    @property
    def is_percent(self) -> bool:
        return self.percent is not None


@dataclass(frozen=True, slots=True)
class LineItem:
    """One invoice line. ``discount`` is the line discount (percent or amount)."""

    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    tax_category: TaxCategory = TaxCategory.STANDARD
    discount: Discount | None = None
    name: str = ""
    description: str = ""
    unit: str = ""
    product_number: str = ""
    # Opaque reference for the caller (the product a line came from); the engine ignores it.
    product_id: int | None = None
    # Fields the caller fills from the product named by ``product_number`` before storing
    # (an imported line that names only its product); the engine ignores it.
    from_product: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class AllowanceCharge:
    """A document-level allowance (``is_charge=False``) or charge such as shipping.

    ``value`` is an amount or a percentage of the line total it applies to.
    With ``tax_rate`` set it belongs to that rate (and ``tax_category``); without,
    it is spread over all rates in proportion to their line totals.
    """

    is_charge: bool
    value: Discount
    reason: str = ""
    tax_rate: Decimal | None = None
    tax_category: TaxCategory | None = None


@dataclass(frozen=True, slots=True)
class CashDiscountTerms:
    """Skonto: ``rate`` percent off when paid within ``days`` of the invoice date."""

    rate: Decimal
    days: int


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """Everything the totals engine needs to know about one invoice."""

    currency: str = "EUR"
    price_basis: PriceBasis = PriceBasis.NET
    lines: tuple[LineItem, ...] = ()
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    # The convenience document discount ("10%" or "10.00"), spread over the rates.
    discount: Discount | None = None
    prepaid: Decimal = Decimal(0)
    # Untaxed rounding adjustment (may be negative); it changes only the amount due.
    adjustment: Decimal = Decimal(0)
    cash_discount: CashDiscountTerms | None = None
    # Start of the cash-discount period; the engine gives its last day from it.
    invoice_date: dt.date | None = None
