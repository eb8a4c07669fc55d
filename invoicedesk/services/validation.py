"""Small checks shared by the services; each raises a DomainError naming the field."""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache
from typing import TypeVar

from babel import Locale, UnknownLocaleError

from invoicedesk.core.errors import DomainError

E = TypeVar("E", bound=Enum)

_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


def text(value: str, field: str, *, max_length: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise DomainError("expected text", field)
    value = value.strip()
    if required and not value:
        raise DomainError("is required", field)
    if len(value) > max_length:
        raise DomainError(f"is too long ({len(value)} characters, at most {max_length})", field)
    return value


def email(value: str, field: str, *, required: bool = False) -> str:
    value = text(value, field, max_length=200, required=required)
    if value and not _EMAIL.match(value):
        raise DomainError(f"'{value}' is not an e-mail address", field)
    return value


def due_days(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 365:
        raise DomainError("due days must be a whole number from 0 to 365", field)
    return value


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    territories = Locale("en").territories
    return frozenset(c for c in territories if isinstance(c, str) and c.isalpha() and len(c) == 2)


def country(value: str, field: str) -> str:
    code = text(value, field, max_length=2).upper()
    if code and code not in _countries():
        raise DomainError(f"'{value}' is not an ISO 3166 country code (e.g. DE, AT, US)", field)
    return code


def language(value: str, field: str) -> str:
    code = text(value or "en", field, max_length=8)
    try:
        Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise DomainError(f"'{value}' is not a language code (e.g. en, de)", field) from None
    return code


def choice(enum: type[E], value: object, field: str) -> E:
    """``value`` as a member of ``enum``, or a DomainError listing the allowed values."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in enum)
        raise DomainError(f"'{value}' is not one of {allowed}", field) from None
