"""Stage 2, allowances and charges: document-level entries, each in one tax group.

``docs/calculation.md`` section 3. ``doc.discount`` and every entry of
``doc.allowances_charges`` become :class:`AllowanceChargeTotal` entries: with a
tax rate in that rate's group (:func:`for_group`), without one spread over the
line groups (:func:`spread_percent`, :func:`spread_amount`). Percentages are of a
group's line total (R3) and never compound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from invoicedesk.core.document import AllowanceCharge, Discount
from invoicedesk.core.errors import DomainError
from invoicedesk.core.totals.context import HALF_UP, Currency, TaxKey, group_order
from invoicedesk.core.totals.results import AllowanceChargeTotal
from invoicedesk.core.totals.validation import ALLOWANCES_FIELD, check_tax, discount_value

DISCOUNT_REASON = "Discount"  # reason of the entries made from ``doc.discount``
DISCOUNT_INDEX = -1  # index of the entries made from ``doc.discount``


@dataclass(frozen=True, slots=True)
class AllowancesCharges:
    """The entries in order (``doc.discount`` first), and their sums per tax group."""

    entries: tuple[AllowanceChargeTotal, ...]
    allowances: Mapping[TaxKey, Decimal]  # tax group → Σ allowance entries (read-only)
    charges: Mapping[TaxKey, Decimal]  # tax group → Σ charge entries (read-only)


def allowances_and_charges(
    discount: Discount | None,
    entries: Sequence[AllowanceCharge],
    groups: Mapping[TaxKey, Decimal],
    currency: Currency,
) -> AllowancesCharges:
    """``doc.discount`` and ``doc.allowances_charges`` as entries per tax group.

    ``groups`` is the line total per tax group (stage 1).
    """
    result: list[AllowanceChargeTotal] = []
    if discount is not None:
        percent, amount = discount_value(discount, "discount")
        result += _spread(
            DISCOUNT_INDEX, False, DISCOUNT_REASON, percent, amount, groups, currency, "discount"
        )
    for index, entry in enumerate(entries):
        result += allowance_or_charge(index, entry, groups, currency)
    zero = currency.zero
    allowances: dict[TaxKey, Decimal] = {}
    charges: dict[TaxKey, Decimal] = {}
    for item in result:
        sums = charges if item.is_charge else allowances
        key = (item.tax_category, item.tax_rate)
        sums[key] = sums.get(key, zero) + item.amount
    return AllowancesCharges(tuple(result), MappingProxyType(allowances), MappingProxyType(charges))


def allowance_or_charge(
    index: int, entry: AllowanceCharge, groups: Mapping[TaxKey, Decimal], currency: Currency
) -> tuple[AllowanceChargeTotal, ...]:
    """``doc.allowances_charges[index]``, validated: one entry, or its parts when spread."""
    prefix = f"{ALLOWANCES_FIELD}[{index}]"
    if not isinstance(entry, AllowanceCharge):
        raise DomainError("not an allowance or charge", prefix, code="not_an_allowance")
    value = entry.value
    if not isinstance(value, Discount):
        value_field = f"{prefix}.value"
        raise DomainError(
            "a percentage or an amount is required", value_field, code="discount_required"
        )
    if (value.percent is None) == (value.amount is None):
        field = f"{prefix}.value"
    else:
        field = f"{prefix}.percent" if value.percent is not None else f"{prefix}.amount"
    percent, amount = discount_value(value, field)
    if entry.tax_rate is None:
        if entry.tax_category is not None:
            rate_field = f"{prefix}.tax_rate"
            raise DomainError(
                "a tax category needs a tax rate (leave both empty to spread the "
                "amount over all rates)",
                rate_field,
                code="tax_rate_required",
            )
        return _spread(
            index, entry.is_charge, entry.reason, percent, amount, groups, currency, field
        )
    key = check_tax(entry.tax_category, entry.tax_rate, prefix, default_category=True)
    return (
        for_group(index, entry.is_charge, entry.reason, key, percent, amount, groups, currency),
    )


def for_group(
    index: int,
    is_charge: bool,
    reason: str,
    key: TaxKey,
    percent: Decimal | None,
    amount: Decimal | None,
    groups: Mapping[TaxKey, Decimal],
    currency: Currency,
) -> AllowanceChargeTotal:
    """An entry with a tax rate: a fixed amount as given, or a percentage of its group (R3).

    A group without lines has a line total of zero; the entry is kept even when zero.
    """
    if percent is not None:
        part = currency.round(groups.get(key, currency.zero) * percent / 100)
    else:
        assert amount is not None
        part = currency.round(amount)
    return AllowanceChargeTotal(index, is_charge, reason, key[1], key[0], part)


def _spread(
    index: int,
    is_charge: bool,
    reason: str,
    percent: Decimal | None,
    amount: Decimal | None,
    groups: Mapping[TaxKey, Decimal],
    currency: Currency,
    field: str,
) -> tuple[AllowanceChargeTotal, ...]:
    if percent is not None:
        return spread_percent(index, is_charge, reason, percent, groups, currency)
    assert amount is not None
    return spread_amount(index, is_charge, reason, amount, groups, currency, field)


def spread_percent(
    index: int,
    is_charge: bool,
    reason: str,
    percent: Decimal,
    groups: Mapping[TaxKey, Decimal],
    currency: Currency,
) -> tuple[AllowanceChargeTotal, ...]:
    """A percentage of each group's line total, each part rounded (R3); zero parts left out."""
    entries = []
    for key in sorted(groups, key=group_order):
        part = currency.round(groups[key] * percent / 100)
        if part:
            entries.append(AllowanceChargeTotal(index, is_charge, reason, key[1], key[0], part))
    return tuple(entries)


def spread_amount(
    index: int,
    is_charge: bool,
    reason: str,
    amount: Decimal,
    groups: Mapping[TaxKey, Decimal],
    currency: Currency,
    field: str,
) -> tuple[AllowanceChargeTotal, ...]:
    """A fixed amount split over the groups by their line totals (:func:`largest_remainder`).

    The amount is first rounded to the minor unit; the parts add up to it exactly.
    Parts of zero are left out. DomainError (``field``) when the line total is zero.
    """
    places = currency.places
    keys = sorted(groups, key=group_order)
    total = int(amount.quantize(currency.exp, HALF_UP).scaleb(places))
    weights = [int(groups[key].scaleb(places)) for key in keys]
    units = largest_remainder(total, weights, field)
    return tuple(
        AllowanceChargeTotal(
            index, is_charge, reason, key[1], key[0], Decimal(count).scaleb(-places)
        )
        for key, count in zip(keys, units, strict=True)
        if count
    )


def largest_remainder(total: int, weights: list[int], field: str) -> list[int]:
    """Split ``total`` (minor units) in proportion to ``weights`` so the parts add up exactly.

    Each part is the floor of its exact share; the units left over go one each to
    the parts with the largest remainders (ties: the earlier part, i.e. the higher
    rate). Works for negative totals and weights; a zero weight sum is refused
    unless there is nothing to split.
    """
    weight_sum = sum(weights)
    if weight_sum == 0:
        if total == 0:
            return [0] * len(weights)
        raise DomainError(
            "an amount cannot be spread over the tax rates while the line total is zero; "
            "give the allowance or charge a tax rate, or use a percentage",
            field,
            code="spread_over_zero",
        )
    if weight_sum < 0:
        weight_sum = -weight_sum
        weights = [-w for w in weights]
    parts: list[int] = []
    remainders: list[tuple[int, int]] = []
    for position, weight in enumerate(weights):
        part, remainder = divmod(total * weight, weight_sum)
        parts.append(part)
        remainders.append((-remainder, position))
    left = total - sum(parts)  # 0 <= left < len(weights)
    if left:
        for _, position in sorted(remainders)[:left]:
            parts[position] += 1
    return parts
