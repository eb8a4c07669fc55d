"""The EN 16931 totals engine: line amounts, allowances, charges, tax per rate, amount due.

One pure function, :func:`compute_totals`, turns a frozen
:class:`~invoicedesk.core.document.InvoiceDocument` into frozen :class:`Totals`.
It is a pipeline of named stages, one module each, every stage a pure function
over frozen data (``docs/calculation.md`` names them):

1. :func:`~.lines.line_amounts` — each line rounded once, summed per tax group;
2. :func:`~.allowances.allowances_and_charges` — document discount, allowances and
   charges, spread over the tax groups where they have no rate;
3. :func:`~.taxes.tax_breakdown` — base and tax per (category, rate);
4. :func:`~.sums.document_totals` — line total, allowances, charges, net, tax, gross;
5. :func:`~.payable.payable` — prepaid, rounding adjustment, amount due, cash discount.

All arithmetic is ``Decimal`` in a private context (60 digits, half-up), so the
result never depends on the caller's decimal context. Rounding happens only at
the steps named in ``docs/calculation.md``, always half-up to the currency's
minor unit.

Invalid input raises :class:`~invoicedesk.core.errors.DomainError` naming the
field: ``line_items[2].tax_rate``, ``allowances[0].percent`` (an index into
``doc.allowances_charges``), ``discount``, ``prepaid``, ``cash_discount.rate`` …
"""

from __future__ import annotations

from decimal import localcontext

from invoicedesk.core.document import InvoiceDocument, PriceBasis
from invoicedesk.core.totals.allowances import DISCOUNT_REASON, allowances_and_charges
from invoicedesk.core.totals.context import CONTEXT, currency_of
from invoicedesk.core.totals.lines import line_amounts
from invoicedesk.core.totals.payable import payable
from invoicedesk.core.totals.results import (
    AllowanceChargeTotal,
    CashDiscountTotal,
    LineTotal,
    TaxTotal,
    Totals,
    format_rate,
)
from invoicedesk.core.totals.sums import document_totals
from invoicedesk.core.totals.taxes import tax_breakdown
from invoicedesk.core.totals.validation import (
    ALLOWANCES_FIELD,
    LINES_FIELD,
    MAX_CASH_DISCOUNT_DAYS,
    price_basis,
)

__all__ = [
    "ALLOWANCES_FIELD",
    "DISCOUNT_REASON",
    "LINES_FIELD",
    "MAX_CASH_DISCOUNT_DAYS",
    "AllowanceChargeTotal",
    "CashDiscountTotal",
    "LineTotal",
    "TaxTotal",
    "Totals",
    "compute_totals",
    "format_rate",
]


def compute_totals(doc: InvoiceDocument) -> Totals:
    """Compute every total of ``doc`` (``docs/calculation.md``); raise DomainError if invalid."""
    with localcontext(CONTEXT):
        return _pipeline(doc)


def _pipeline(doc: InvoiceDocument) -> Totals:
    currency = currency_of(doc.currency)
    basis = price_basis(doc.price_basis)
    lines = line_amounts(doc.lines, currency)
    entries = allowances_and_charges(doc.discount, doc.allowances_charges, lines.groups, currency)
    taxes = tax_breakdown(lines.groups, entries, basis is PriceBasis.GROSS, currency)
    sums = document_totals(lines.total, entries.entries, taxes, currency.zero)
    due = payable(
        sums,
        currency,
        prepaid=doc.prepaid,
        adjustment=doc.adjustment,
        terms=doc.cash_discount,
        invoice_date=doc.invoice_date,
    )
    return Totals(
        currency.code,
        basis,
        lines.lines,
        entries.entries,
        taxes,
        sums.line_total,
        sums.allowances,
        sums.charges,
        sums.net,
        sums.tax,
        sums.gross,
        due.prepaid,
        due.adjustment,
        due.due,
        due.cash_discount,
    )
