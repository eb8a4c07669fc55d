"""Placeholders in a document's own texts (title, intro, note): ``{number}`` and friends.

A title such as ``Website relaunch — invoice {number}`` is filled in when the document
is issued and stored filled, so the list, the PDF and the mail show the same text and an
issued document never changes. The names are those of the mail templates
(``{invoice.number}``, ``{client.name}`` …) plus short forms for the common ones.
Braces around anything else are text and stay as written (titles written before
placeholders existed must not change or start failing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Short forms a user types in a title, and the mail-template name each stands for.
SHORT_NAMES: dict[str, str] = {
    "number": "invoice.number",
    "date": "invoice.date",
    "due_date": "invoice.due_date",
    "client": "client.name",
    "customer_number": "client.customer_number",
    "company": "company.name",
}
DOCUMENT_PLACEHOLDERS = (
    *SHORT_NAMES.values(),
    "invoice.supply_date",
    "invoice.currency",
)

_PLACEHOLDER = re.compile(r"\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}")


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with every known placeholder replaced by its value (``values`` is keyed by
    the long names); unknown ones stay as written."""

    def replacement(match: re.Match[str]) -> str:
        name = SHORT_NAMES.get(match.group(1), match.group(1))
        return values[name] if name in values else match.group(0)

    return _PLACEHOLDER.sub(replacement, text)


def has_placeholders(text: str) -> bool:
    """Whether ``text`` holds a placeholder that :func:`fill` would replace."""
    return any(
        SHORT_NAMES.get(name, name) in DOCUMENT_PLACEHOLDERS
        for name in _PLACEHOLDER.findall(text)
    )
