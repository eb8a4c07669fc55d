"""Stage 5, payable: what is left to pay — prepaid, rounding adjustment, cash discount.

``docs/calculation.md`` sections 5 (``due``) and 6 (cash discount, Skonto).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from invoicedesk.core.document import CashDiscountTerms
from invoicedesk.core.totals.context import Currency, canonical_rate
from invoicedesk.core.totals.results import CashDiscountTotal
from invoicedesk.core.totals.sums import DocumentTotals
from invoicedesk.core.totals.validation import (
    cash_discount_terms,
    check_figure,
    document_amount,
    last_date,
)
from invoicedesk.i18n import N_


@dataclass(frozen=True, slots=True)
class Payable:
    """The amount due and the cash discount on it."""

    prepaid: Decimal
    adjustment: Decimal
    due: Decimal  # gross − prepaid + adjustment
    cash_discount: CashDiscountTotal | None


def payable(
    sums: DocumentTotals,
    currency: Currency,
    *,
    prepaid: Decimal,
    adjustment: Decimal,
    terms: CashDiscountTerms | None,
    invoice_date: dt.date | None,
) -> Payable:
    """``due = gross − prepaid + adjustment`` (both rounded as given, R5), then the cash discount.

    Once ``due`` is known every document figure is checked against the amount limit.
    """
    zero = currency.zero
    paid = document_amount(prepaid, "prepaid", currency) if prepaid else zero
    adjusted = document_amount(adjustment, "adjustment", currency) if adjustment else zero
    due = sums.gross - paid + adjusted
    check_figure(N_("line total"), sums.line_total)
    check_figure(N_("allowances"), sums.allowances)
    check_figure(N_("charges"), sums.charges)
    check_figure(N_("gross total"), sums.gross)
    check_figure(N_("amount due"), due)
    discount = None if terms is None else cash_discount(terms, invoice_date, due, currency)
    return Payable(paid, adjusted, due, discount)


def cash_discount(
    terms: CashDiscountTerms, invoice_date: dt.date | None, due: Decimal, currency: Currency
) -> CashDiscountTotal:
    """Skonto: ``amount = round(due × rate / 100)`` (R6), payable ``due − amount`` by
    ``invoice_date + days`` (None without an invoice date)."""
    rate, days = cash_discount_terms(terms)
    amount = currency.round(due * rate / 100)
    return CashDiscountTotal(
        canonical_rate(rate), days, amount, due - amount, last_date(invoice_date, days)
    )
