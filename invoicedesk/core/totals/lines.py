"""Stage 1, line amounts: each line rounded once (R1, R2), summed per tax group.

``docs/calculation.md`` section 2. On the gross basis the amounts include tax;
this stage does not care which basis it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from invoicedesk.core.document import LineItem
from invoicedesk.core.errors import DomainError
from invoicedesk.core.money import MAX_AMOUNT, MAX_QUANTITY, grouped
from invoicedesk.core.totals.context import HALF_UP, Currency, TaxKey
from invoicedesk.core.totals.results import LineTotal
from invoicedesk.core.totals.validation import (
    LINES_FIELD,
    NEG_MAX_AMOUNT,
    TAX_PAIRS,
    check_tax,
    discount_value,
    line_error,
)

_NEG_MAX_QUANTITY = -MAX_QUANTITY


@dataclass(frozen=True, slots=True)
class LineAmounts:
    """The lines' amounts, and their net amounts summed per tax group and in all."""

    lines: tuple[LineTotal, ...]
    groups: Mapping[TaxKey, Decimal]  # tax group → its line total (read-only)
    total: Decimal  # the document's line total


def line_amounts(lines: Sequence[LineItem], currency: Currency) -> LineAmounts:
    """Every line's amounts (:func:`line_amount`) and the line total per tax group."""
    zero = currency.zero
    totals: list[LineTotal] = []
    groups: dict[TaxKey, Decimal] = {}
    total = zero
    for index, line in enumerate(lines):
        amounts = line_amount(index, line, currency)
        totals.append(amounts)
        key = (amounts.tax_category, amounts.tax_rate)
        net = amounts.net_amount
        groups[key] = groups.get(key, zero) + net
        total += net
    return LineAmounts(tuple(totals), MappingProxyType(groups), total)


def line_amount(index: int, line: LineItem, currency: Currency) -> LineTotal:
    """One line (``doc.lines[index]``), validated and rounded.

    ``amount_before_discount = round(quantity × unit_price)`` (R1),
    ``net_amount = round(quantity × unit_price − discount)`` (R2): a percentage
    discount is rounded once, together with the line.
    """
    try:
        if isinstance(line.tax_rate, float):  # 19.0 == Decimal(19): not from the cache
            raise TypeError
        category, rate = TAX_PAIRS[(line.tax_category, line.tax_rate)]
    except (KeyError, TypeError, ValueError, InvalidOperation):
        category, rate = check_tax(
            line.tax_category, line.tax_rate, f"{LINES_FIELD}[{index}]", default_category=False
        )
    quantity = line.quantity
    price = line.unit_price
    try:
        if isinstance(quantity, float) or isinstance(price, float):  # compares fine, then
            raise TypeError  # fails in Decimal arithmetic (an int is exact and works)
        if not _NEG_MAX_QUANTITY < quantity < MAX_QUANTITY:
            raise line_error(index, "quantity", quantity, MAX_QUANTITY)
        if not NEG_MAX_AMOUNT < price < MAX_AMOUNT:
            raise line_error(index, "unit_price", price, MAX_AMOUNT)
    except (InvalidOperation, TypeError):  # NaN, or not a Decimal
        if not isinstance(quantity, Decimal) or not quantity.is_finite():
            raise line_error(index, "quantity", quantity, MAX_QUANTITY) from None
        raise line_error(index, "unit_price", price, MAX_AMOUNT) from None
    exp, zero = currency.exp, currency.zero
    product = quantity * price
    before = product.quantize(exp, HALF_UP) or zero  # R1
    discount = line.discount
    if discount is None:
        net = before
    else:
        percent, amount = discount_value(discount, f"{LINES_FIELD}[{index}].discount")
        if percent is not None:
            net = (product - product * percent / 100).quantize(exp, HALF_UP) or zero  # R2
        else:
            assert amount is not None
            net = (product - amount).quantize(exp, HALF_UP) or zero  # R2
    if not (NEG_MAX_AMOUNT < before < MAX_AMOUNT and NEG_MAX_AMOUNT < net < MAX_AMOUNT):
        big = before if abs(before) >= abs(net) else net
        line_field = f"{LINES_FIELD}[{index}]"
        raise DomainError(
            "the line amount {amount} is too large (limit {limit})",
            line_field,
            code="too_large",
            params={"amount": big, "limit": grouped(MAX_AMOUNT)},
        )
    return LineTotal(index, before, before - net, net, rate, category)
