"""Stage 4, document totals: the invoice's figures, each a sum of the stages before.

``docs/calculation.md`` section 5. Nothing is rounded here: every figure is a sum
or difference of figures already rounded, so the totals are exactly the sums of
their parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from invoicedesk.core.totals.results import AllowanceChargeTotal, TaxTotal


@dataclass(frozen=True, slots=True)
class DocumentTotals:
    """The figures above the amount due. ``line_total``, ``allowances`` and ``charges``
    include tax on the gross basis; ``net``, ``tax`` and ``gross`` mean the same on both."""

    line_total: Decimal
    allowances: Decimal
    charges: Decimal
    net: Decimal  # Σ group base
    tax: Decimal  # Σ group tax
    gross: Decimal  # net + tax


def document_totals(
    line_total: Decimal,
    entries: Sequence[AllowanceChargeTotal],
    taxes: Sequence[TaxTotal],
    zero: Decimal,
) -> DocumentTotals:
    """Sum the allowance and charge entries and the tax groups.

    ``zero`` is the currency's zero (``0.00``), so empty sums carry its decimals.
    """
    net = tax = zero
    for group in taxes:
        net += group.base
        tax += group.amount
    allowances = charges = zero
    for entry in entries:
        if entry.is_charge:
            charges += entry.amount
        else:
            allowances += entry.amount
    # On the gross basis gross is also the sum of the groups' tax-inclusive amounts.
    return DocumentTotals(line_total, allowances, charges, net, tax, net + tax)
