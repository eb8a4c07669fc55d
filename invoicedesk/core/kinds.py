"""The kinds of document the business produces — one name for each, used everywhere.

The stored values are part of the database (``invoices.doc_type``, mail templates,
archived PDFs), the JSON format and the command line: never change them.

Invoices and credit notes are records of their own with a lifecycle
(:mod:`invoicedesk.core.rules` holds the table of what each allows in which state).
A cancellation notice is printed and archived when an issued document is cancelled;
a reminder is, so far, a mail about an overdue invoice. Quotes, deposit invoices and
stored reminders join by adding a member here and a row to the rules table.
"""

from __future__ import annotations

from enum import StrEnum

from invoicedesk.i18n import N_


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    # The notice archived when an issued invoice or credit note is cancelled: same layout,
    # own title, refers to the document it cancels, says nothing is due.
    CANCELLATION = "cancellation"
    # A payment reminder for an overdue invoice (today its mail template).
    REMINDER = "reminder"


KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.INVOICE: N_("Invoice"),
    DocumentKind.CREDIT_NOTE: N_("Credit note"),
    DocumentKind.CANCELLATION: N_("Cancellation"),
    DocumentKind.REMINDER: N_("Reminder"),
}


def describe(kind: DocumentKind | str, number: str | None) -> str:
    """The document as a sentence starts: "Invoice RE-2026-0042", or "This invoice"."""
    label = KIND_LABELS[DocumentKind(kind)]
    return f"{label} {number}" if number else f"This {label.lower()}"
