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

from invoicedesk.i18n import N_, tr


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


# The kind within a sentence ("issue the invoice before sending it").
KIND_NOUNS: dict[DocumentKind, str] = {
    DocumentKind.INVOICE: N_("invoice"),
    DocumentKind.CREDIT_NOTE: N_("credit note"),
    DocumentKind.CANCELLATION: N_("cancellation"),
    DocumentKind.REMINDER: N_("reminder"),
}


def describe(kind: DocumentKind | str, number: str | None) -> str:
    """The document as a sentence starts, in the current language: "Invoice RE-2026-0042",
    or "This invoice"."""
    kind = DocumentKind(kind)
    if number:
        # Translators: a document as a sentence starts: "Invoice RE-2026-0042".
        return tr("{kind} {number}").format(kind=tr(KIND_LABELS[kind]), number=number)
    # Translators: {kind} is "invoice", "credit note" …; in German all are feminine.
    return tr("This {kind}").format(kind=tr(KIND_NOUNS[kind]))
