"""Invoice states and how payments move them.

Stored states: DRAFT → OPEN (issued) → PART_PAID → PAID, and CANCELLED.
OVERDUE is not stored: an OPEN or PART_PAID invoice whose due date has passed
is shown as overdue, computed whenever it is read, so it can never be stale.
Which action each state allows is the table in :mod:`invoicedesk.core.rules`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from invoicedesk.core.kinds import KIND_LABELS, DocumentKind
from invoicedesk.i18n import N_


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


# The old names of :class:`DocumentKind` and its labels, kept because half the code base
# (services, front ends, tests) speaks of ``doc_type``; new code uses the new names.
DocType = DocumentKind
DOC_TYPE_LABELS = KIND_LABELS

STATE_LABELS = {
    State.DRAFT: N_("Draft"),
    State.OPEN: N_("Open"),
    State.OVERDUE: N_("Overdue"),
    State.PART_PAID: N_("Partly paid"),
    State.PAID: N_("Paid"),
    State.CANCELLED: N_("Cancelled"),
}

UNPAID = (Status.OPEN, Status.PART_PAID)


def effective_state(
    status: Status | str,
    due_date: dt.date | None,
    today: dt.date,
    doc_type: DocumentKind | str = DocumentKind.INVOICE,
) -> State:
    """The state to show: OVERDUE for unpaid issued invoices past their due date.

    Credit notes are never overdue: what stays open on one is a refund we owe.
    """
    status = Status(status)
    if (
        status in UNPAID
        and due_date is not None
        and due_date < today
        and DocumentKind(doc_type) is DocumentKind.INVOICE
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
