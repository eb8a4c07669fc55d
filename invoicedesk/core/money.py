"""Money: Decimal amounts, currency precision, one rounding mode, strict parsing.

Every amount in InvoiceDesk is a :class:`~decimal.Decimal`. Rounding happens only
at named steps (see ``docs/calculation.md``) and always half-up (away from zero
on ties), to the currency's minor unit as ISO 4217 defines it (EUR 2, JPY 0,
KWD 3). Display formatting lives elsewhere; this module only computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_decimal, get_currency_precision, is_currency

from invoicedesk.core.errors import DomainError

ROUNDING = ROUND_HALF_UP
# Amounts at or above this size are refused: no small business invoices a trillion,
# and the limit keeps every stored value and every sum exact in a 64-bit integer.
MAX_AMOUNT = Decimal("1000000000000")  # 10^12
MAX_QUANTITY = Decimal("1000000000")  # 10^9
PRICE_PLACES = 4  # unit prices and quantities: up to 4 decimals
ZERO = Decimal(0)
HUNDRED = Decimal(100)


@lru_cache(maxsize=256)
def minor_unit(currency: str) -> int:
    """Number of decimals of ``currency`` (2 for EUR, 0 for JPY); raises for unknown codes."""
    code = validate_currency(currency)
    return int(get_currency_precision(code))


@lru_cache(maxsize=64)
def _exponent(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def round_to(amount: Decimal, places: int) -> Decimal:
    """Round half-up to ``places`` decimals."""
    return amount.quantize(_exponent(places), rounding=ROUNDING)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit."""
    return round_to(amount, minor_unit(currency))


@lru_cache(maxsize=256)
def validate_currency(currency: str, field: str = "currency") -> str:
    """Return the upper-case ISO 4217 code, or raise a DomainError naming ``field``."""
    code = (currency or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or not is_currency(code):
        raise DomainError(
            "'{currency}' is not an ISO 4217 currency code (e.g. EUR, USD)",
            field,
            code="currency_unknown",
            params={"currency": currency},
        )
    return code


def parse_decimal(
    value: object,
    field: str,
    *,
    places: int | None = None,
    minimum: Decimal | None = None,
    maximum_abs: Decimal = MAX_AMOUNT,
    allow_negative: bool = True,
) -> Decimal:
    """Read ``value`` (str, int or Decimal; never float) as a Decimal, strictly.

    Accepts "12.5", " 12.50 ", 12, Decimal("12.5"). Refuses floats (they are not
    exact), NaN, infinities, exponents that hide huge numbers, more than
    ``places`` decimals, negatives when not allowed, and magnitudes at or above
    ``maximum_abs``. Errors name ``field``.
    """
    if value.__class__ is Decimal:  # the common case first (bulk work checks millions)
        number = value
    elif isinstance(value, bool) or value is None:
        raise DomainError("a number is required", field, code="number_required")
    elif isinstance(value, float):
        raise DomainError(
            "give the number as a string or an exact decimal, not a float", field, code="float"
        )
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            raise DomainError("a number is required", field, code="number_required")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise DomainError(
                "'{value}' is not a number", field, code="not_a_number", params={"value": value}
            ) from None
    else:
        raise DomainError(
            "expected a number, got {type}",
            field,
            code="not_a_number",
            params={"type": type(value).__name__},
        )
    if not number.is_finite():
        raise DomainError(
            "'{value}' is not a finite number", field, code="not_finite", params={"value": value}
        )
    if abs(number) >= maximum_abs:
        raise too_large(value, maximum_abs, field)
    if not allow_negative and number < 0:
        raise DomainError(
            "{value} must not be negative", field, code="negative", params={"value": value}
        )
    if minimum is not None and number < minimum:
        raise DomainError(
            "{value} must be at least {minimum}",
            field,
            code="too_small",
            params={"value": value, "minimum": minimum},
        )
    if places is not None and not _within_places(number, places):
        raise DomainError(
            "{value} has more than {places} decimal places",
            field,
            code="too_many_decimals",
            params={"value": value, "places": places},
        )
    # Normalise "-0" and exponent forms ("1E+2") to a plain decimal.
    return number + ZERO if number else ZERO


def too_large(value: object, limit: Decimal, field: str) -> DomainError:
    """The error for ``value`` at or above ``limit``: the limit grouped as the language
    writes numbers (1,000,000,000,000 / 1.000.000.000.000)."""
    return DomainError(
        "{value} is too large (limit {limit})",
        field,
        code="too_large",
        params={"value": value, "limit": grouped(limit)},
    )


def grouped(number: Decimal) -> str:
    """``number`` with thousands separators in the current language (for messages)."""
    from invoicedesk.i18n import current_language

    return format_decimal(number, locale=current_language(), group_separator=True)


def _within_places(number: Decimal, places: int) -> bool:
    """Whether ``number`` has at most ``places`` decimals that count ("19.5000": one)."""
    try:
        # Rounding to the places changes nothing exactly when no further digit counts
        # (one C call; reading the digits tuple costs twice as much).
        return number.quantize(_exponent(places)) == number
    except InvalidOperation:  # more digits than the context's precision
        exponent = number.normalize().as_tuple().exponent
        return not (isinstance(exponent, int) and -exponent > places)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. Adding or comparing two currencies is refused.

    The totals engine works on bare Decimals inside one invoice (an invoice has
    exactly one currency); ``Money`` is for places where currencies meet, such
    as reports across invoices and conversion to the company currency.
    """

    amount: Decimal
    currency: str

    def _check(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def rounded(self) -> Money:
        return Money(round_money(self.amount, self.currency), self.currency)

    def convert(self, rate: Decimal, currency: str) -> Money:
        """This amount in ``currency`` at ``rate`` units of it per unit of ours, rounded."""
        return Money(round_money(self.amount * rate, currency), currency)

    def format_plain(self) -> str:
        """The amount with exactly the currency's decimals, e.g. '17.26' (no grouping)."""
        return f"{round_money(self.amount, self.currency):f}"

    def __str__(self) -> str:
        return f"{self.format_plain()} {self.currency}"


def plain(amount: Decimal, currency: str) -> str:
    """``amount`` with exactly the currency's decimals and its code: '50.00 EUR'."""
    return f"{round_money(amount, currency):f} {currency}"
