"""The document layout settings (how PDFs look and are named), read and saved together.

The layout dialog saves all of them at once: every value is checked first, then
they are stored in one transaction, so a bad value leaves all of them as they were.
"""

from __future__ import annotations

from typing import Any

from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database
from invoicedesk.services import settings

PDF_KEYS = (
    "pdf_template",
    "pdf_accent_color",
    "pdf_font",
    "pdf_paper",
    "pdf_filename_pattern",
    "pdf_show_qr",
    "pdf_contact",
)


def pdf_settings(db: Database) -> dict[str, Any]:
    """The layout settings as stored (or their defaults)."""
    values = settings.all_settings(db)
    return {key: values[key] for key in PDF_KEYS}


def save_pdf_settings(db: Database, values: dict[str, Any]) -> dict[str, Any]:
    """Check every value in ``values``, then store them all in one transaction.

    Returns the values as stored (normalised, e.g. the colour in capitals); a
    DomainError names the first bad one and nothing is stored.
    """
    for key in values:
        if key not in PDF_KEYS:
            raise DomainError(
                "'{key}' is not a document layout setting",
                "settings",
                code="unknown_setting",
                params={"key": key},
            )
    checked: dict[str, Any] = settings.validated_settings(values)
    with db.write() as session:
        for key, value in checked.items():
            settings._store_setting(session, key, value)
    return checked
