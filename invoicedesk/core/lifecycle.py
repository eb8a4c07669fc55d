"""Invoice states and the rules for moving between them.

Stored states: DRAFT → OPEN (issued) → PART_PAID → PAID, and CANCELLED.
OVERDUE is not stored: an OPEN or PART_PAID invoice whose due date has passed
is shown as overdue, computed whenever it is read, so it can never be stale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from invoicedesk.core.errors import ConflictError


class Status(StrEnum):
    """What the database stores."""

    DRAFT = "draft"
    OPEN = "open"
    PART_PAID = "part_paid"
    PAID = "paid"
    CANCELLED = "cancelled"


class State(StrEnum):
    """What the user sees: the stored status, with OVERDUE derived from the due date."""

    DRAFT = "draft"
    OPEN = "open"
    OVERDUE = "overdue"
    PART_PAID = "part_paid"
    PAID = "paid"
    CANCELLED = "cancelled"


class DocType(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


STATE_LABELS = {
    State.DRAFT: "Draft",
    State.OPEN: "Open",
    State.OVERDUE: "Overdue",
    State.PART_PAID: "Partly paid",
    State.PAID: "Paid",
    State.CANCELLED: "Cancelled",
}

DOC_TYPE_LABELS = {DocType.INVOICE: "Invoice", DocType.CREDIT_NOTE: "Credit note"}

UNPAID = (Status.OPEN, Status.PART_PAID)


def effective_state(
    status: Status | str,
    due_date: dt.date | None,
    today: dt.date,
    doc_type: DocType | str = DocType.INVOICE,
) -> State:
    """The state to show: OVERDUE for unpaid issued invoices past their due date.

    Credit notes are never overdue: what stays open on one is a refund we owe.
    """
    status = Status(status)
    if (
        status in UNPAID
        and due_date is not None
        and due_date < today
        and DocType(doc_type) is DocType.INVOICE
    ):
        return State.OVERDUE
    return State(status.value)


def status_after_payment(amount_due: Decimal, paid: Decimal) -> Status:
    """The stored status of an issued invoice once ``paid`` of ``amount_due`` came in."""
    if amount_due > 0:
        if paid >= amount_due:
            return Status.PAID
        return Status.PART_PAID if paid > 0 else Status.OPEN
    # Zero or negative amount due (all prepaid): nothing to collect.
    return Status.PAID if paid >= amount_due else Status.OPEN


def _describe(number: str | None, doc_type: DocType | str = DocType.INVOICE) -> str:
    label = DOC_TYPE_LABELS[DocType(doc_type)]
    return f"{label} {number}" if number else f"This {label.lower()}"


def require_editable(status: Status | str, number: str | None, doc_type: str = "invoice") -> None:
    """Only drafts can be changed or deleted; say what to do instead."""
    status = Status(status)
    if status is Status.DRAFT:
        return
    what = _describe(number, doc_type)
    if status is Status.CANCELLED:
        raise ConflictError(
            f"{what} is cancelled and can no longer be edited — clone it into a new draft instead"
        )
    raise ConflictError(
        f"{what} is issued and can no longer be edited — create a credit note "
        "or cancel it (if unpaid) instead"
    )


def require_issuable(status: Status | str, number: str | None) -> None:
    if Status(status) is not Status.DRAFT:
        raise ConflictError(f"{_describe(number)} is already issued")


def require_cancellable(status: Status | str, number: str | None, paid: Decimal) -> None:
    status = Status(status)
    what = _describe(number)
    if status is Status.DRAFT:
        raise ConflictError("A draft is not issued and cannot be cancelled — delete it instead")
    if status is Status.CANCELLED:
        raise ConflictError(f"{what} is already cancelled")
    if paid != 0 or status in (Status.PART_PAID, Status.PAID):
        raise ConflictError(
            f"{what} has payments and cannot be cancelled — create a credit note instead"
        )


def require_uncancellable(status: Status | str, number: str | None) -> None:
    if Status(status) is not Status.CANCELLED:
        raise ConflictError(f"{_describe(number)} is not cancelled")


def require_payable(status: Status | str, number: str | None, doc_type: str = "invoice") -> None:
    status = Status(status)
    what = _describe(number, doc_type)
    if status is Status.DRAFT:
        raise ConflictError(f"{what} is a draft — issue it before recording a payment")
    if status is Status.CANCELLED:
        raise ConflictError(f"{what} is cancelled — uncancel it before recording a payment")


def require_correctable(status: Status | str, number: str | None, doc_type: str) -> None:
    """Credit notes correct issued invoices only (not drafts, not other credit notes)."""
    if DocType(doc_type) is DocType.CREDIT_NOTE:
        raise ConflictError(f"{_describe(number, doc_type)} is itself a credit note")
    status = Status(status)
    if status is Status.DRAFT:
        raise ConflictError("A draft can still be edited — change it instead of correcting it")
    if status is Status.CANCELLED:
        raise ConflictError(f"{_describe(number)} is cancelled — there is nothing to correct")
