"""What every stage of the totals engine shares: the decimal context, the currency, tax groups.

:func:`~invoicedesk.core.totals.compute_totals` runs every stage inside
:data:`CONTEXT` (60 digits, half-up), so no result depends on the caller's decimal
context; a stage called on its own expects that context too. The stages round only
at the steps named in ``docs/calculation.md``, with :meth:`Currency.round` (or the
same ``quantize`` written out in the per-line loop).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

from invoicedesk.core.document import TaxCategory
from invoicedesk.core.errors import DomainError
from invoicedesk.core.money import minor_unit, validate_currency

HALF_UP = ROUND_HALF_UP
ZERO = Decimal(0)
HUNDRED = Decimal(100)
# Wide enough that every product and sum of in-range inputs is exact; only the
# named rounding steps (quantize, half-up) ever drop digits.
CONTEXT = Context(
    prec=60,
    rounding=ROUND_HALF_UP,
    Emin=-999999,
    Emax=999999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

# A tax group: (category, canonical rate). Lines, allowances and taxes are grouped by it.
TaxKey = tuple[TaxCategory, Decimal]

# Memo sizes of the lookups below (currencies here, tax pairs in validation).
CACHE_LIMIT = 4096


def group_order(key: TaxKey) -> tuple[Decimal, str]:
    """Sort key of the tax groups: rate descending, then the category code."""
    return (-key[1], key[0])  # TaxCategory is a str: ties sort by its code


def canonical_rate(rate: Decimal) -> Decimal:
    """``19.00`` → ``19``, ``10`` stays ``10`` (not ``1E+1``), ``-0`` → ``0``."""
    if not rate:
        return ZERO
    normal = rate.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        normal = normal.quantize(Decimal(1))
    return normal


@dataclass(frozen=True, slots=True)
class Currency:
    """An invoice's currency and its minor unit (ISO 4217): the precision of every amount."""

    code: str  # upper-case ISO 4217 code
    places: int  # decimals of the minor unit: EUR 2, JPY 0, KWD 3
    exp: Decimal  # 10^-places, the exponent to quantize to
    zero: Decimal  # zero with the minor unit's exponent (0.00)

    def round(self, value: Decimal) -> Decimal:
        """``value`` rounded half-up to the minor unit; never ``-0.00``."""
        return value.quantize(self.exp, HALF_UP) or self.zero


# currency as given → Currency
_CURRENCIES: dict[str, Currency] = {}


def currency_of(currency: str) -> Currency:
    """The :class:`Currency` of a code as given (``"eur"`` is EUR); DomainError if unknown."""
    try:
        return _CURRENCIES[currency]
    except (KeyError, TypeError):
        pass
    if not isinstance(currency, str):
        raise DomainError(
            "a currency code is required (e.g. EUR)", "currency", code="currency_required"
        )
    code = validate_currency(currency)
    places = minor_unit(code)
    entry = Currency(code, places, Decimal(1).scaleb(-places), Decimal(0).scaleb(-places))
    if len(_CURRENCIES) < CACHE_LIMIT:
        _CURRENCIES[currency] = entry
    return entry
