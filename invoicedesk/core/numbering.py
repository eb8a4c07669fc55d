"""Document number patterns such as ``RE-{year}-{seq:04}``.

Placeholders: ``{year}`` (2026), ``{yy}`` (26), ``{month}`` (with a format,
``{month:02}`` gives 03), ``{seq}`` with an optional minimum of digits
(``{seq:04}`` gives 0042). A pattern needs ``{seq}``. The sequence restarts in
each period the pattern shows: monthly with ``{month}``, yearly with ``{year}``
or ``{yy}``, never without either.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from functools import lru_cache

from invoicedesk.core.errors import DomainError

DEFAULT_PATTERNS = {
    "invoice": "RE-{year}-{seq:04}",
    "credit_note": "CN-{year}-{seq:04}",
    "client": "C-{seq:05}",
    "product": "P-{seq:04}",
}

_FIELDS = {"year", "yy", "month", "seq"}
_SPEC = re.compile(r"^0?\d{0,2}$")


def validate_pattern(pattern: str, field: str = "number_pattern") -> str:
    """Return the pattern if it is usable, else raise a DomainError that says why."""
    if not pattern or not pattern.strip():
        raise DomainError(
            "a number pattern is required, e.g. RE-{year}-{seq:04}", field, code="pattern_required"
        )
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise DomainError(
            "'{pattern}' is not a valid pattern ({reason})",
            field,
            code="pattern_invalid",
            params={"pattern": pattern, "reason": str(exc)},
        ) from None
    names = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in _FIELDS:
            raise DomainError(
                "unknown placeholder {{{name}}} — use {{year}}, {{yy}}, {{month}} and {{seq}}",
                field,
                code="pattern_placeholder_unknown",
                params={"name": name},
            )
        if conversion or not _SPEC.match(spec or ""):
            raise DomainError(
                "placeholder {{{name}:{spec}}} — only widths like :04",
                field,
                code="pattern_placeholder_format",
                params={"name": name, "spec": spec},
            )
        names.append(name)
    if "seq" not in names:
        raise DomainError(
            "the pattern needs a {seq} placeholder, e.g. RE-{year}-{seq:04}",
            field,
            code="pattern_needs_seq",
        )
    if len(pattern) > 30:
        raise DomainError(
            "the pattern is too long (30 characters at most)", field, code="pattern_too_long"
        )
    return pattern


def period_key(pattern: str, date: dt.date) -> str:
    """The period whose sequence a number drawn on ``date`` belongs to."""
    names = _names(pattern)
    if "month" in names:
        return f"{date.year:04d}-{date.month:02d}"
    if names & {"year", "yy"}:
        return f"{date.year:04d}"
    return ""


@lru_cache(maxsize=64)
def _names(pattern: str) -> frozenset[str]:
    """The placeholders of ``pattern`` (parsed once per pattern)."""
    return frozenset(name for _lit, name, _spec, _conv in string.Formatter().parse(pattern) if name)


def format_number(pattern: str, date: dt.date, seq: int) -> str:
    """The number for sequence value ``seq`` on ``date``."""
    return pattern.format(year=date.year, yy=date.year % 100, month=date.month, seq=seq)
