"""The EN 16931 totals engine: line amounts, allowances, charges, tax per rate, amount due.

One pure function, :func:`compute_totals`, turns a frozen
:class:`~invoicedesk.core.document.InvoiceDocument` into frozen :class:`Totals`.
All arithmetic is ``Decimal`` in a private context (60 digits, half-up), so the
result never depends on the caller's decimal context. Rounding happens only at
the steps named in ``docs/calculation.md``, always half-up to the currency's
minor unit.

Invalid input raises :class:`~invoicedesk.core.errors.DomainError` naming the
field: ``line_items[2].tax_rate``, ``allowances[0].percent`` (an index into
``doc.allowances_charges``), ``discount``, ``prepaid``, ``cash_discount.rate`` …
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Any

from invoicedesk.core.document import (
    AllowanceCharge,
    Discount,
    InvoiceDocument,
    PriceBasis,
    TaxCategory,
)
from invoicedesk.core.errors import DomainError
from invoicedesk.core.money import MAX_AMOUNT, MAX_QUANTITY, minor_unit, validate_currency

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

# Field names used in error messages (the names of the JSON invoice format).
LINES_FIELD = "line_items"
ALLOWANCES_FIELD = "allowances"  # indexes doc.allowances_charges
DISCOUNT_REASON = "Discount"  # reason of the entries made from ``doc.discount``
MAX_CASH_DISCOUNT_DAYS = 365

_HALF_UP = ROUND_HALF_UP
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_NEG_MAX_AMOUNT = -MAX_AMOUNT
_NEG_MAX_QUANTITY = -MAX_QUANTITY
# Wide enough that every product and sum of in-range inputs is exact; only the
# named rounding steps (quantize, half-up) ever drop digits.
_CONTEXT = Context(
    prec=60,
    rounding=ROUND_HALF_UP,
    Emin=-999999,
    Emax=999999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

_CATEGORY_NAMES: dict[TaxCategory, str] = {
    TaxCategory.STANDARD: "standard rate",
    TaxCategory.ZERO: "zero rate",
    TaxCategory.EXEMPT: "exempt",
    TaxCategory.REVERSE_CHARGE: "reverse charge",
    TaxCategory.INTRA_EU: "intra-EU supply",
    TaxCategory.EXPORT: "export outside the EU",
    TaxCategory.OUTSIDE_SCOPE: "outside the scope of VAT",
}
# Keyed by the members; a plain "S" finds TaxCategory.STANDARD too (StrEnum hashing).
_CATEGORIES: dict[object, TaxCategory] = {c: c for c in TaxCategory}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class LineTotal:
    """The amounts of one line. On the gross basis every amount includes tax."""

    index: int  # position in doc.lines
    amount_before_discount: Decimal  # round(quantity × unit_price)
    discount_amount: Decimal  # amount_before_discount − net_amount
    net_amount: Decimal  # round(quantity × unit_price − line discount)
    tax_rate: Decimal
    tax_category: TaxCategory


@dataclass(frozen=True, slots=True)
class AllowanceChargeTotal:
    """One document-level allowance or charge, for one tax group.

    An allowance without a tax rate is spread over the rates and yields one entry
    per rate (parts of zero are left out). ``amount`` is positive on an ordinary
    invoice; it is negative when given negative or when a percentage is taken of
    a negative line total (returns, credit notes).
    """

    index: int  # position in doc.allowances_charges; -1 for doc.discount
    is_charge: bool
    reason: str
    tax_rate: Decimal
    tax_category: TaxCategory
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TaxTotal:
    """One tax group (category, rate): its taxable amount and its tax."""

    category: TaxCategory
    rate: Decimal
    base: Decimal  # taxable amount (net, also on the gross basis)
    amount: Decimal  # tax


@dataclass(frozen=True, slots=True)
class CashDiscountTotal:
    """Skonto: ``amount`` off the amount due when paid by ``last_date``."""

    rate: Decimal
    days: int
    amount: Decimal  # round(due × rate / 100)
    payable: Decimal  # due − amount
    last_date: dt.date | None  # invoice_date + days; None without a date


@dataclass(frozen=True, slots=True)
class Totals:
    """Everything an invoice adds up to. Amounts carry exactly the currency's decimals.

    On the net basis ``line_total``, ``allowances`` and ``charges`` exclude tax;
    on the gross basis they include it (``net``, ``tax`` and ``gross`` mean the
    same on both bases). ``taxes`` is sorted by rate descending, then category.
    """

    currency: str
    price_basis: PriceBasis
    lines: tuple[LineTotal, ...]
    allowances_charges: tuple[AllowanceChargeTotal, ...]
    taxes: tuple[TaxTotal, ...]
    line_total: Decimal
    allowances: Decimal
    charges: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    prepaid: Decimal
    adjustment: Decimal
    due: Decimal
    cash_discount: CashDiscountTotal | None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: amounts as strings with the currency's decimals, rates plain."""
        exp = Decimal(1).scaleb(-minor_unit(self.currency))

        def amt(value: Decimal) -> str:
            return _plain(value, exp)

        cd = self.cash_discount
        return {
            "currency": self.currency,
            "price_basis": str(self.price_basis.value),
            "line_total": amt(self.line_total),
            "allowances": amt(self.allowances),
            "charges": amt(self.charges),
            "net": amt(self.net),
            "tax": amt(self.tax),
            "gross": amt(self.gross),
            "prepaid": amt(self.prepaid),
            "adjustment": amt(self.adjustment),
            "due": amt(self.due),
            "taxes": [
                {
                    "rate": format_rate(t.rate),
                    "category": str(t.category.value),
                    "base": amt(t.base),
                    "amount": amt(t.amount),
                }
                for t in self.taxes
            ],
            "lines": [
                {
                    "index": line.index,
                    "amount_before_discount": amt(line.amount_before_discount),
                    "discount": amt(line.discount_amount),
                    "net": amt(line.net_amount),
                }
                for line in self.lines
            ],
            "allowances_charges": [
                {
                    "index": ac.index,
                    "is_charge": ac.is_charge,
                    "reason": ac.reason,
                    "rate": format_rate(ac.tax_rate),
                    "category": str(ac.tax_category.value),
                    "amount": amt(ac.amount),
                }
                for ac in self.allowances_charges
            ],
            "cash_discount": None
            if cd is None
            else {
                "rate": format_rate(cd.rate),
                "days": cd.days,
                "amount": amt(cd.amount),
                "payable": amt(cd.payable),
                "last_date": None if cd.last_date is None else cd.last_date.isoformat(),
            },
        }


def _plain(value: Decimal, exp: Decimal) -> str:
    with localcontext(_CONTEXT):
        rounded = value.quantize(exp, _HALF_UP)
        return f"{rounded if rounded else abs(rounded):f}"  # never "-0.00"


def format_rate(rate: Decimal) -> str:
    """A rate as a plain string without trailing zeros: ``19``, ``7.7``, ``0``."""
    with localcontext(_CONTEXT):
        return f"{_canonical_rate(rate):f}"


def _canonical_rate(rate: Decimal) -> Decimal:
    """``19.00`` → ``19``, ``10`` stays ``10`` (not ``1E+1``), ``-0`` → ``0``."""
    if not rate:
        return _ZERO
    normal = rate.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        normal = normal.quantize(Decimal(1))
    return normal


# --------------------------------------------------------------------------- caches

# currency as given → (ISO code, minor unit, 10^-minor, zero with the minor unit's exponent)
_CURRENCIES: dict[str, tuple[str, int, Decimal, Decimal]] = {}
# (category as given, rate as given) → (TaxCategory, canonical rate); valid pairs only
_TAX_PAIRS: dict[tuple[object, Decimal], tuple[TaxCategory, Decimal]] = {}
_CACHE_LIMIT = 4096


def _currency(currency: str) -> tuple[str, int, Decimal, Decimal]:
    try:
        return _CURRENCIES[currency]
    except (KeyError, TypeError):
        pass
    if not isinstance(currency, str):
        raise DomainError("a currency code is required (e.g. EUR)", "currency")
    code = validate_currency(currency)
    places = minor_unit(code)
    exp = Decimal(1).scaleb(-places)
    entry = (code, places, exp, Decimal(0).scaleb(-places))
    if len(_CURRENCIES) < _CACHE_LIMIT:
        _CURRENCIES[currency] = entry
    return entry


# --------------------------------------------------------------------------- validation


def _too_large(value: Decimal, limit: Decimal) -> str:
    return f"{value} is too large (limit {limit:,})"


def _check_tax(
    category: object, rate: object, prefix: str, *, default_category: bool
) -> tuple[TaxCategory, Decimal]:
    """Validate a (category, rate) pair; return the category member and the canonical rate."""
    field = f"{prefix}.tax_rate"
    if not isinstance(rate, Decimal) or not rate.is_finite():
        raise DomainError(f"the tax rate must be a number, got {rate!r}", field)
    if rate < 0:
        raise DomainError(f"the tax rate {rate} must not be negative", field)
    if rate >= _HUNDRED:
        raise DomainError(f"the tax rate {rate} must be below 100 %", field)
    if category is None and default_category:
        cat = TaxCategory.STANDARD if rate > 0 else TaxCategory.ZERO
    else:
        found = _CATEGORIES.get(category) if isinstance(category, str) else None
        if found is None:
            codes = ", ".join(c.value for c in TaxCategory)
            raise DomainError(
                f"{category!r} is not a tax category (one of {codes})", f"{prefix}.tax_category"
            )
        cat = found
    if cat is TaxCategory.STANDARD:
        if rate == 0:
            raise DomainError(
                "category S (standard rate) needs a tax rate above 0; for 0 % use "
                "Z (zero rate), E (exempt), AE (reverse charge), K, G or O",
                field,
            )
    elif rate != 0:
        raise DomainError(
            f"category {cat.value} ({_CATEGORY_NAMES[cat]}) needs a tax rate of 0, not {rate}",
            field,
        )
    result = (cat, _canonical_rate(rate))
    if category is not None and len(_TAX_PAIRS) < _CACHE_LIMIT:
        _TAX_PAIRS[(category, rate)] = result
    return result


def _discount_value(value: object, field: str) -> tuple[Decimal | None, Decimal | None]:
    """Validate a :class:`Discount`; return (percent, amount) with exactly one set."""
    if not isinstance(value, Discount):
        raise DomainError("a percentage or an amount is required", field)
    percent, amount = value.percent, value.amount
    if (percent is None) == (amount is None):
        raise DomainError("give either a percentage or an amount, not both or neither", field)
    if percent is not None:
        if not isinstance(percent, Decimal) or not percent.is_finite():
            raise DomainError(f"the percentage must be a number, got {percent!r}", field)
        if not 0 <= percent <= _HUNDRED:
            raise DomainError(f"the percentage {percent} must be between 0 and 100", field)
        return percent, None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise DomainError(f"the amount must be a number, got {amount!r}", field)
    if not _NEG_MAX_AMOUNT < amount < MAX_AMOUNT:
        raise DomainError(_too_large(amount, MAX_AMOUNT), field)
    return None, amount


def _amount(value: object, field: str, exp: Decimal, zero: Decimal) -> Decimal:
    """A document-level amount (prepaid, adjustment), rounded to the minor unit."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise DomainError(f"the amount must be a number, got {value!r}", field)
    if not _NEG_MAX_AMOUNT < value < MAX_AMOUNT:
        raise DomainError(_too_large(value, MAX_AMOUNT), field)
    return value.quantize(exp, _HALF_UP) or zero


def _line_error(index: int, name: str, value: object, limit: Decimal) -> DomainError:
    field = f"{LINES_FIELD}[{index}].{name}"
    if not isinstance(value, Decimal) or not value.is_finite():
        return DomainError(f"the {name.replace('_', ' ')} must be a number, got {value!r}", field)
    return DomainError(_too_large(value, limit), field)


# --------------------------------------------------------------------------- engine

_Key = tuple[TaxCategory, Decimal]


def _group_order(key: _Key) -> tuple[Decimal, str]:
    return (-key[1], key[0])  # TaxCategory is a str: ties sort by its code


def compute_totals(doc: InvoiceDocument) -> Totals:
    """Compute every total of ``doc`` (``docs/calculation.md``); raise DomainError if invalid."""
    with localcontext(_CONTEXT):
        return _compute(doc)


def _compute(doc: InvoiceDocument) -> Totals:
    code, places, exp, zero = _currency(doc.currency)
    gross_basis = doc.price_basis == PriceBasis.GROSS
    if not gross_basis and doc.price_basis != PriceBasis.NET:
        raise DomainError(f"{doc.price_basis!r} is not a price basis (net or gross)", "price_basis")
    half_up = _HALF_UP
    max_amount, neg_max_amount = MAX_AMOUNT, _NEG_MAX_AMOUNT
    max_qty, neg_max_qty = MAX_QUANTITY, _NEG_MAX_QUANTITY
    tax_pairs = _TAX_PAIRS

    # ---- lines
    line_totals: list[LineTotal] = []
    group_lines: dict[_Key, Decimal] = {}
    line_total = zero
    for index, line in enumerate(doc.lines):
        try:
            key = tax_pairs[(line.tax_category, line.tax_rate)]
        except (KeyError, TypeError, ValueError, InvalidOperation):
            key = _check_tax(
                line.tax_category,
                line.tax_rate,
                f"{LINES_FIELD}[{index}]",
                default_category=False,
            )
        quantity = line.quantity
        price = line.unit_price
        try:
            if not neg_max_qty < quantity < max_qty:
                raise _line_error(index, "quantity", quantity, max_qty)
            if not neg_max_amount < price < max_amount:
                raise _line_error(index, "unit_price", price, max_amount)
        except (InvalidOperation, TypeError):  # NaN, or not a Decimal
            if not isinstance(quantity, Decimal) or not quantity.is_finite():
                raise _line_error(index, "quantity", quantity, max_qty) from None
            raise _line_error(index, "unit_price", price, max_amount) from None
        product = quantity * price
        before = product.quantize(exp, half_up) or zero
        discount = line.discount
        if discount is None:
            net = before
        else:
            percent, amount = _discount_value(discount, f"{LINES_FIELD}[{index}].discount")
            if percent is not None:
                net = (product - product * percent / 100).quantize(exp, half_up) or zero
            else:
                assert amount is not None
                net = (product - amount).quantize(exp, half_up) or zero
        if not (neg_max_amount < before < max_amount and neg_max_amount < net < max_amount):
            big = before if abs(before) >= abs(net) else net
            raise DomainError(
                f"the line amount {big} is too large (limit {max_amount:,})",
                f"{LINES_FIELD}[{index}]",
            )
        line_totals.append(LineTotal(index, before, before - net, net, key[1], key[0]))
        group_lines[key] = group_lines.get(key, zero) + net
        line_total += net

    # ---- document allowances and charges
    entries: list[AllowanceChargeTotal] = []
    group_allowances: dict[_Key, Decimal] = {}
    group_charges: dict[_Key, Decimal] = {}
    spread_keys: list[_Key] | None = None  # line groups in tax order, made on first use

    def add(index: int, is_charge: bool, reason: str, key: _Key, amount: Decimal) -> None:
        entries.append(AllowanceChargeTotal(index, is_charge, reason, key[1], key[0], amount))
        sums = group_charges if is_charge else group_allowances
        sums[key] = sums.get(key, zero) + amount

    def spread(
        index: int,
        is_charge: bool,
        reason: str,
        percent: Decimal | None,
        amount: Decimal | None,
        field: str,
    ) -> None:
        nonlocal spread_keys
        if spread_keys is None:
            spread_keys = sorted(group_lines, key=_group_order)
        if percent is not None:
            for key in spread_keys:
                part = (group_lines[key] * percent / 100).quantize(exp, half_up) or zero
                if part:
                    add(index, is_charge, reason, key, part)
            return
        assert amount is not None
        total = int(amount.quantize(exp, half_up).scaleb(places))
        weights = [int(group_lines[key].scaleb(places)) for key in spread_keys]
        units = _largest_remainder(total, weights, field)
        for key, unit_count in zip(spread_keys, units, strict=True):
            if unit_count:
                add(index, is_charge, reason, key, Decimal(unit_count).scaleb(-places))

    if doc.discount is not None:
        percent, amount = _discount_value(doc.discount, "discount")
        spread(-1, False, DISCOUNT_REASON, percent, amount, "discount")

    for index, ac in enumerate(doc.allowances_charges):
        prefix = f"{ALLOWANCES_FIELD}[{index}]"
        if not isinstance(ac, AllowanceCharge):
            raise DomainError("not an allowance or charge", prefix)
        value = ac.value
        if not isinstance(value, Discount):
            raise DomainError("a percentage or an amount is required", f"{prefix}.value")
        if (value.percent is None) == (value.amount is None):
            field = f"{prefix}.value"
        else:
            field = f"{prefix}.percent" if value.percent is not None else f"{prefix}.amount"
        percent, amount = _discount_value(value, field)
        reason = ac.reason
        if ac.tax_rate is None:
            if ac.tax_category is not None:
                raise DomainError(
                    "a tax category needs a tax rate (leave both empty to spread the "
                    "amount over all rates)",
                    f"{prefix}.tax_rate",
                )
            spread(index, ac.is_charge, reason, percent, amount, field)
            continue
        key = _check_tax(ac.tax_category, ac.tax_rate, prefix, default_category=True)
        if percent is not None:
            part = (group_lines.get(key, zero) * percent / 100).quantize(exp, half_up) or zero
        else:
            assert amount is not None
            part = amount.quantize(exp, half_up) or zero
        add(index, ac.is_charge, reason, key, part)

    # ---- tax groups
    keys = set(group_lines)
    if entries:
        keys.update(group_allowances, group_charges)
    taxes: list[TaxTotal] = []
    net = tax = zero
    for key in sorted(keys, key=_group_order):
        category, rate = key
        amount = group_lines.get(key, zero)
        if entries:
            amount = amount - group_allowances.get(key, zero) + group_charges.get(key, zero)
        if gross_basis:
            group_tax = (amount * rate / (100 + rate)).quantize(exp, half_up) or zero
            base = amount - group_tax
        else:
            group_tax = (amount * rate / 100).quantize(exp, half_up) or zero
            base = amount
        taxes.append(TaxTotal(category, rate, base, group_tax))
        net += base
        tax += group_tax
    gross = net + tax  # on the gross basis: the sum of the groups' tax-inclusive amounts

    allowances = charges = zero
    for entry in entries:
        if entry.is_charge:
            charges += entry.amount
        else:
            allowances += entry.amount

    prepaid = _amount(doc.prepaid, "prepaid", exp, zero) if doc.prepaid else zero
    adjustment = _amount(doc.adjustment, "adjustment", exp, zero) if doc.adjustment else zero
    due = gross - prepaid + adjustment

    for name, figure in (
        ("line total", line_total),
        ("allowances", allowances),
        ("charges", charges),
        ("gross total", gross),
        ("amount due", due),
    ):
        if not neg_max_amount < figure < max_amount:
            raise DomainError(
                f"the invoice's {name} {figure} is too large (limit {max_amount:,})", LINES_FIELD
            )

    cash_discount = None
    if doc.cash_discount is not None:
        cash_discount = _cash_discount(doc, due, exp, zero)

    return Totals(
        code,
        PriceBasis.GROSS if gross_basis else PriceBasis.NET,
        tuple(line_totals),
        tuple(entries),
        tuple(taxes),
        line_total,
        allowances,
        charges,
        net,
        tax,
        gross,
        prepaid,
        adjustment,
        due,
        cash_discount,
    )


def _largest_remainder(total: int, weights: list[int], field: str) -> list[int]:
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


def _cash_discount(
    doc: InvoiceDocument, due: Decimal, exp: Decimal, zero: Decimal
) -> CashDiscountTotal:
    terms = doc.cash_discount
    assert terms is not None
    rate, days = terms.rate, terms.days
    if not isinstance(rate, Decimal) or not rate.is_finite():
        raise DomainError(
            f"the cash discount rate must be a number, got {rate!r}", "cash_discount.rate"
        )
    if not 0 <= rate < _HUNDRED:
        raise DomainError(
            f"the cash discount rate {rate} must be at least 0 and below 100", "cash_discount.rate"
        )
    if isinstance(days, bool) or not isinstance(days, int):
        raise DomainError(f"the days must be a whole number, got {days!r}", "cash_discount.days")
    if not 0 <= days <= MAX_CASH_DISCOUNT_DAYS:
        raise DomainError(
            f"the days ({days}) must be between 0 and {MAX_CASH_DISCOUNT_DAYS}",
            "cash_discount.days",
        )
    amount = (due * rate / 100).quantize(exp, _HALF_UP) or zero
    last_date = None
    if doc.invoice_date is not None:
        try:
            last_date = doc.invoice_date + dt.timedelta(days=days)
        except OverflowError:
            raise DomainError(
                "the last day of the cash discount is out of range", "cash_discount.days"
            ) from None
    return CashDiscountTotal(_canonical_rate(rate), days, amount, due - amount, last_date)
