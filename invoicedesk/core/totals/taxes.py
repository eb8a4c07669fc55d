"""Stage 3, tax breakdown: one :class:`TaxTotal` per tax group (category, rate).

``docs/calculation.md`` section 4. The tax is taken of a group's summed amount,
never per line, and rounded once (R4).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from invoicedesk.core.totals.allowances import AllowancesCharges
from invoicedesk.core.totals.context import Currency, TaxKey, group_order
from invoicedesk.core.totals.results import TaxTotal


def tax_breakdown(
    groups: Mapping[TaxKey, Decimal],
    allowances: AllowancesCharges,
    gross_basis: bool,
    currency: Currency,
) -> tuple[TaxTotal, ...]:
    """The tax of every group that has lines or entries, by rate descending, then category.

    ``groups`` is the line total per group (stage 1), ``allowances`` stage 2's result.
    A group's amount is its line total − its allowances + its charges.
    """
    zero = currency.zero
    by_group = allowances.allowances
    charges = allowances.charges
    keys = set(groups)
    keys.update(by_group, charges)
    return tuple(
        group_tax(
            key,
            groups.get(key, zero) - by_group.get(key, zero) + charges.get(key, zero),
            gross_basis,
            currency,
        )
        for key in sorted(keys, key=group_order)
    )


def group_tax(key: TaxKey, amount: Decimal, gross_basis: bool, currency: Currency) -> TaxTotal:
    """One group's tax (R4) and taxable base.

    Net basis: ``tax = round(amount × rate / 100)``, ``base = amount``.
    Gross basis (``amount`` includes tax): ``tax = round(amount × rate / (100 + rate))``,
    ``base = amount − tax``.
    """
    category, rate = key
    if gross_basis:
        tax = currency.round(amount * rate / (100 + rate))
        return TaxTotal(category, rate, amount - tax, tax)
    return TaxTotal(category, rate, amount, currency.round(amount * rate / 100))
