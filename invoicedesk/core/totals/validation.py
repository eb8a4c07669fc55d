"""The input rules of the totals engine (``docs/calculation.md``, section 7).

Each check raises :class:`~invoicedesk.core.errors.DomainError` naming the field
in the names of the JSON invoice format (``line_items[2].tax_rate``,
``allowances[0].percent``, ``cash_discount.days`` …) or returns the value in the
form the stages compute with.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from invoicedesk.core.document import CashDiscountTerms, Discount, PriceBasis, TaxCategory
from invoicedesk.core.errors import DomainError
from invoicedesk.core.money import MAX_AMOUNT, grouped, too_large
from invoicedesk.core.totals.context import (
    CACHE_LIMIT,
    HUNDRED,
    Currency,
    TaxKey,
    canonical_rate,
)
from invoicedesk.i18n import N_, tr

# Field names used in error messages (the names of the JSON invoice format).
LINES_FIELD = "line_items"
ALLOWANCES_FIELD = "allowances"  # indexes doc.allowances_charges
MAX_CASH_DISCOUNT_DAYS = 365

NEG_MAX_AMOUNT = -MAX_AMOUNT

_CATEGORY_NAMES: dict[TaxCategory, str] = {
    TaxCategory.STANDARD: N_("standard rate"),
    TaxCategory.ZERO: N_("zero rate"),
    TaxCategory.EXEMPT: N_("exempt"),
    TaxCategory.REVERSE_CHARGE: N_("reverse charge"),
    TaxCategory.INTRA_EU: N_("intra-EU supply"),
    TaxCategory.EXPORT: N_("export outside the EU"),
    TaxCategory.OUTSIDE_SCOPE: N_("outside the scope of VAT"),
}
# The message for a line's quantity or unit price that is no number.
_NOT_A_NUMBER = {
    "quantity": N_("the quantity must be a number, got {value!r}"),
    "unit_price": N_("the unit price must be a number, got {value!r}"),
}
# Keyed by the members; a plain "S" finds TaxCategory.STANDARD too (StrEnum hashing).
_CATEGORIES: dict[object, TaxCategory] = {c: c for c in TaxCategory}

# (category as given, rate as given) → its tax group; valid pairs only. The line stage
# looks a pair up here before it calls check_tax.
TAX_PAIRS: dict[tuple[object, Decimal], TaxKey] = {}


def price_basis(value: object) -> PriceBasis:
    """The :class:`PriceBasis` of ``doc.price_basis`` (``"gross"`` is GROSS)."""
    if value == PriceBasis.GROSS:
        return PriceBasis.GROSS
    if value != PriceBasis.NET:
        raise DomainError(
            "{value!r} is not a price basis (net or gross)",
            "price_basis",
            code="price_basis_unknown",
            params={"value": value},
        )
    return PriceBasis.NET


def check_tax(category: object, rate: object, prefix: str, *, default_category: bool) -> TaxKey:
    """Validate a (category, rate) pair; return the category member and the canonical rate."""
    field = f"{prefix}.tax_rate"
    if isinstance(rate, int) and not isinstance(rate, bool):
        rate = Decimal(rate)  # exact; the cache already answered 19 as it answers Decimal(19)
    if not isinstance(rate, Decimal) or not rate.is_finite():
        raise DomainError(
            "the tax rate must be a number, got {rate!r}",
            field,
            code="not_a_number",
            params={"rate": rate},
        )
    if rate < 0:
        raise DomainError(
            "the tax rate {rate} must not be negative",
            field,
            code="tax_rate_negative",
            params={"rate": rate},
        )
    if rate >= HUNDRED:
        raise DomainError(
            "the tax rate {rate} must be below 100 %",
            field,
            code="tax_rate_too_high",
            params={"rate": rate},
        )
    if category is None and default_category:
        cat = TaxCategory.STANDARD if rate > 0 else TaxCategory.ZERO
    else:
        found = _CATEGORIES.get(category) if isinstance(category, str) else None
        if found is None:
            codes = ", ".join(c.value for c in TaxCategory)
            category_field = f"{prefix}.tax_category"
            raise DomainError(
                "{category!r} is not a tax category (one of {codes})",
                category_field,
                code="tax_category_unknown",
                params={"category": category, "codes": codes},
            )
        cat = found
    if cat is TaxCategory.STANDARD:
        if rate == 0:
            raise DomainError(
                "category S (standard rate) needs a tax rate above 0; for 0 % use "
                "Z (zero rate), E (exempt), AE (reverse charge), K, G or O",
                field,
                code="tax_rate_required",
            )
    elif rate != 0:
        raise DomainError(
            "category {category} ({name}) needs a tax rate of 0, not {rate}",
            field,
            code="tax_rate_not_zero",
            params={"category": cat.value, "name": tr(_CATEGORY_NAMES[cat]), "rate": rate},
        )
    result = (cat, canonical_rate(rate))
    if category is not None and len(TAX_PAIRS) < CACHE_LIMIT:
        TAX_PAIRS[(category, rate)] = result
    return result


def discount_value(value: object, field: str) -> tuple[Decimal | None, Decimal | None]:
    """Validate a :class:`Discount`; return (percent, amount) with exactly one set."""
    if not isinstance(value, Discount):
        raise DomainError("a percentage or an amount is required", field, code="discount_required")
    percent, amount = value.percent, value.amount
    if (percent is None) == (amount is None):
        raise DomainError(
            "give either a percentage or an amount, not both or neither",
            field,
            code="discount_ambiguous",
        )
    if percent is not None:
        if not isinstance(percent, Decimal) or not percent.is_finite():
            raise DomainError(
                "the percentage must be a number, got {percent!r}",
                field,
                code="not_a_number",
                params={"percent": percent},
            )
        if not 0 <= percent <= HUNDRED:
            raise DomainError(
                "the percentage {percent} must be between 0 and 100",
                field,
                code="percent_out_of_range",
                params={"percent": percent},
            )
        return percent, None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise DomainError(
            "the amount must be a number, got {amount!r}",
            field,
            code="not_a_number",
            params={"amount": amount},
        )
    if not NEG_MAX_AMOUNT < amount < MAX_AMOUNT:
        raise too_large(amount, MAX_AMOUNT, field)
    return None, amount


def document_amount(value: object, field: str, currency: Currency) -> Decimal:
    """A document-level amount (prepaid, adjustment), rounded to the minor unit (R5)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise DomainError(
            "the amount must be a number, got {amount!r}",
            field,
            code="not_a_number",
            params={"amount": value},
        )
    if not NEG_MAX_AMOUNT < value < MAX_AMOUNT:
        raise too_large(value, MAX_AMOUNT, field)
    return currency.round(value)


def line_error(index: int, name: str, value: object, limit: Decimal) -> DomainError:
    """The error for ``doc.lines[index].<name>`` (``quantity`` or ``unit_price``): not a
    finite number, or at/over ``limit``."""
    field = f"{LINES_FIELD}[{index}].{name}"
    if not isinstance(value, Decimal) or not value.is_finite():
        return DomainError(_NOT_A_NUMBER[name], field, code="not_a_number", params={"value": value})
    return too_large(value, limit, field)


def check_figure(name: str, figure: Decimal) -> None:
    """A document figure (line total, …, amount due; ``name`` marked with ``N_``) must stay
    below ``MAX_AMOUNT``."""
    if not NEG_MAX_AMOUNT < figure < MAX_AMOUNT:
        raise DomainError(
            "the invoice's {name} {figure} is too large (limit {limit})",
            LINES_FIELD,
            code="too_large",
            params={"name": tr(name), "figure": figure, "limit": grouped(MAX_AMOUNT)},
        )


def cash_discount_terms(terms: CashDiscountTerms) -> tuple[Decimal, int]:
    """Validate the cash discount terms; return (rate, days)."""
    rate, days = terms.rate, terms.days
    if not isinstance(rate, Decimal) or not rate.is_finite():
        raise DomainError(
            "the cash discount rate must be a number, got {rate!r}",
            "cash_discount.rate",
            code="not_a_number",
            params={"rate": rate},
        )
    if not 0 <= rate < HUNDRED:
        raise DomainError(
            "the cash discount rate {rate} must be at least 0 and below 100",
            "cash_discount.rate",
            code="percent_out_of_range",
            params={"rate": rate},
        )
    if isinstance(days, bool) or not isinstance(days, int):
        raise DomainError(
            "the days must be a whole number, got {days!r}",
            "cash_discount.days",
            code="not_a_whole_number",
            params={"days": days},
        )
    if not 0 <= days <= MAX_CASH_DISCOUNT_DAYS:
        raise DomainError(
            "the days ({days}) must be between 0 and {maximum}",
            "cash_discount.days",
            code="days_out_of_range",
            params={"days": days, "maximum": MAX_CASH_DISCOUNT_DAYS},
        )
    return rate, days


def last_date(invoice_date: dt.date | None, days: int) -> dt.date | None:
    """``invoice_date + days``; None without a date; DomainError past the calendar's end."""
    if invoice_date is None:
        return None
    try:
        return invoice_date + dt.timedelta(days=days)
    except OverflowError:
        raise DomainError(
            "the last day of the cash discount is out of range",
            "cash_discount.days",
            code="date_out_of_range",
        ) from None
