"""Small checks shared by the services; each raises a DomainError naming the field."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import Enum
from functools import lru_cache
from typing import TypeVar

from babel import Locale, UnknownLocaleError

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import tr

E = TypeVar("E", bound=Enum)

_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


def text(
    value: str,
    field: str,
    *,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """``value`` trimmed, or a DomainError naming the field.

    Control characters are refused (a NUL or a line break in a name reached the PDF, split
    one-line messages and blocked mailing); ``multiline`` fields keep line breaks and tabs,
    with Windows and old Mac line ends made ``\\n``.
    """
    if not isinstance(value, str):
        raise DomainError("expected text", field)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    if required and not value:
        raise DomainError("is required", field, code="required")
    if len(value) > max_length:
        raise DomainError(
            "is too long ({length} characters, at most {max_length})",
            field,
            code="too_long",
            params={"length": len(value), "max_length": max_length},
        )
    if _SUSPECT.search(value) is not None:  # (most text has none: no call for it)
        plain_text(value, field, multiline=multiline)
    return value


def plain_text(value: str, field: str, *, multiline: bool = False) -> str:
    """``value`` unchanged, or a DomainError when it holds a character no text field takes."""
    problem = invalid_character(value, multiline=multiline)
    if problem is not None:
        raise DomainError(problem, field)
    return value


_ALLOWED_IN_MULTILINE = frozenset("\n\t")
# Every character invalid_character could object to (Cc, Zl, Zp, Cs): text without any is
# fine, found in one C-speed search instead of a Python loop over every character.
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def invalid_character(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored as text (None when it can).

    Refused: control characters (category Cc; line breaks and tabs only where the field
    is multi-line), line and paragraph separators in one-line fields, and lone UTF-16
    surrogates, which no file or PDF can encode.
    """
    if _SUSPECT.search(value) is None:
        return None
    for position, char in enumerate(value, start=1):
        category = unicodedata.category(char)
        if category == "Cs":
            return tr(
                "holds an invalid character at position {position} "
                "(a lone surrogate, U+{code}): the text was not read as UTF-8 correctly"
            ).format(position=position, code=f"{ord(char):04X}")
        if multiline and char in _ALLOWED_IN_MULTILINE:
            continue
        if category == "Cc" or (category in ("Zl", "Zp") and not multiline):
            line_break = char in "\r\n\u2028\u2029"
            if line_break and not multiline:
                text = tr(
                    "must not contain a line break: U+{code} at position {position} "
                    "(this field has one line)"
                )
            elif line_break:
                text = tr("must not contain a line break: U+{code} at position {position}")
            elif multiline:
                text = tr("must not contain a control character: U+{code} at position {position}")
            else:
                text = tr(
                    "must not contain a control character: U+{code} at position {position} "
                    "(this field has one line)"
                )
            return text.format(code=f"{ord(char):04X}", position=position)
    return None


def email(value: str, field: str, *, required: bool = False) -> str:
    value = text(value, field, max_length=200, required=required)
    if value and not _EMAIL.match(value):
        raise DomainError(
            "'{value}' is not an e-mail address",
            field,
            code="email_invalid",
            params={"value": value},
        )
    return value


# Dates a document or payment can carry: wide enough for old books and long contracts,
# narrow enough that a due date (up to 365 days on) and every period stay valid dates.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)


def date_in_range(value: dt.date | None, field: str) -> dt.date | None:
    """``value`` when it lies in the years 1900 to 2999 (or is None), else a DomainError."""
    if value is None:
        return None
    if not isinstance(value, dt.date):
        raise DomainError("expected a date", field)
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise DomainError(
            "{value} is not a date InvoiceDesk keeps (years 1900 to 2999)",
            field,
            params={"value": value.isoformat()},
        )
    return value


def due_days(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 365:
        raise DomainError(
            "due days must be a whole number from 0 to 365", field, code="due_days_range"
        )
    return value


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    territories = Locale("en").territories
    return frozenset(c for c in territories if isinstance(c, str) and c.isalpha() and len(c) == 2)


def country(value: str, field: str) -> str:
    code = text(value, field, max_length=2).upper()
    if code and code not in _countries():
        raise DomainError(
            "'{value}' is not an ISO 3166 country code (e.g. DE, AT, US)",
            field,
            params={"value": value},
        )
    return code


@lru_cache(maxsize=256)
def _is_language(code: str) -> bool:
    try:
        Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return True


def language(value: str, field: str) -> str:
    code = text(value or "en", field, max_length=8)
    if not _is_language(code):  # Babel's parse costs ~0.2 ms: once per code
        raise DomainError(
            "'{value}' is not a language code (e.g. en, de)", field, params={"value": value}
        )
    return code


def choice(enum: type[E], value: object, field: str) -> E:
    """``value`` as a member of ``enum``, or a DomainError listing the allowed values."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in enum)
        raise DomainError(
            "'{value}' is not one of {allowed}", field, params={"value": value, "allowed": allowed}
        ) from None
