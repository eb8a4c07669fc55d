"""Numbers, money and dates in the user's locale, for display only (never for arithmetic)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_date_format
from babel.numbers import format_currency, format_decimal
from PySide6.QtCore import QLocale

from invoicedesk.core.money import round_money
from invoicedesk.i18n import ntr


@lru_cache(maxsize=1)
def user_locale() -> str:
    name = QLocale().name() or "en_US"  # the default: the system's, or the chosen language
    try:
        Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return "en_US"
    return name if name != "C" else "en_US"


def _locale() -> Locale:
    """The parsed locale: parsed once, as every list row formats dates and amounts with it."""
    return _parsed(user_locale())


@lru_cache(maxsize=4)
def _parsed(name: str) -> Locale:
    return Locale.parse(name)


def _short_date() -> str:
    """The locale's short date pattern ("M/d/yy", "dd.MM.yy"), looked up once."""
    return _short_date_of(user_locale())


@lru_cache(maxsize=4)
def _short_date_of(name: str) -> str:
    return str(get_date_format("short", locale=_parsed(name)).pattern)


def money(amount: Decimal, currency: str, *, with_symbol: bool = False) -> str:
    value = round_money(amount, currency)
    if with_symbol:
        return format_currency(value, currency, locale=_locale())
    places = -value.as_tuple().exponent if isinstance(value.as_tuple().exponent, int) else 2
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return format_decimal(value, format=pattern, locale=_locale())


def number(value: int) -> str:
    """A count in the user's locale: "1,234" in English, "1.234" in German."""
    return format_decimal(value, locale=_locale())


def date(value: dt.date | None) -> str:
    return format_date(value, format=_short_date(), locale=_locale()) if value else ""


def file_size(size: int) -> str:
    """``48.2 KB`` in the user's locale (1 KB = 1,024 bytes)."""
    if size < 1024:
        return ntr("{size} byte", "{size} bytes", size).format(
            size=format_decimal(size, locale=user_locale())
        )
    if size < 1024 * 1024:
        value, unit = size / 1024, "KB"
    else:
        value, unit = size / (1024 * 1024), "MB"
    return f"{format_decimal(value, format='#,##0.0', locale=user_locale())} {unit}"
