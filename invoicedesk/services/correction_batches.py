"""Cancellations and credit notes in bulk (``invoices.cancel``/``create_credit_note`` for
many documents), inside the caller's write transaction; see :mod:`invoice_batches`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from invoicedesk.core.errors import NotFoundError
from invoicedesk.core.lifecycle import DocType, Status
from invoicedesk.core.rules import Action, require
from invoicedesk.db.models import Invoice
from invoicedesk.db.storage import storage_of
from invoicedesk.services import invoices as single
from invoicedesk.services.batch_reads import invoice_states
from invoicedesk.services.bulk_rows import Rows
from invoicedesk.services.invoice_batches import (
    Draft,
    Issued,
    Moments,
    add_drafts,
    archive_documents,
    issue_many,
    moment_of,
)


def cancel_many(
    session: Session,
    invoice_ids: Sequence[int],
    today: dt.date,
    *,
    at: Moments = None,
    archive: bool = True,
) -> None:
    """Cancel many issued, unpaid documents (``invoices.cancel`` for each)."""
    with storage_of(session).bulk_writes(session):
        rows = Rows(session)
        states = invoice_states(session, invoice_ids)
        for index, invoice_id in enumerate(invoice_ids):
            state = states[invoice_id]
            before = str(state["status"])
            require(str(state["doc_type"]), before, Action.CANCEL, number=str(state["number"]),
                    paid=Decimal(str(state["paid_amount"])))  # fmt: skip
            moment = moment_of(at, index)
            state["status"] = Status.CANCELLED.value
            row = {
                "id": invoice_id,
                "status": Status.CANCELLED.value,
                "open_amount": Decimal(0),
                "cancelled_at": moment,
                "updated_at": moment,
            }
            rows.update("invoices", list(row), [row])  # fmt: skip
            rows.audit(moment, invoice_id, "cancelled", f"{state['number']} cancelled",
                       from_state=before, to_state=Status.CANCELLED.value)  # fmt: skip
        rows.write()
    if archive:
        archive_documents(session, list(invoice_ids), "cancelled", today)


@dataclass(frozen=True, slots=True)
class CreditNoteRequest:
    """A credit note for the issued invoice ``invoice_id``: all lines or the chosen ones
    (1-based), dated ``date`` (None: the day it is issued)."""

    invoice_id: int
    positions: tuple[int, ...] = ()
    date: dt.date | None = None


def credit_note_drafts(
    session: Session,
    requests: Sequence[CreditNoteRequest],
    *,
    at: Moments = None,
) -> list[Draft]:
    """Credit note drafts for many invoices (``invoices.create_credit_note`` for each)."""
    with storage_of(session).bulk_writes(session):
        ids = [r.invoice_id for r in requests]
        # All sources in one query (with their lines, charges, taxes and tags), read fresh:
        # bulk writes bypass the session's copies.
        loaded = session.scalars(
            select(Invoice)
            .where(Invoice.id.in_(ids))
            .options(
                selectinload(Invoice.lines),
                selectinload(Invoice.allowances_charges),
                selectinload(Invoice.taxes),
                selectinload(Invoice.tags),
            )
            .execution_options(populate_existing=True)
        )
        sources = {invoice.id: invoice for invoice in loaded}
        inputs = []
        for request in requests:
            source = sources.get(request.invoice_id)
            if source is None:
                raise NotFoundError(
                    "there is no invoice with id {invoice_id}",
                    "invoice",
                    code="invoice_not_found",
                    params={"invoice_id": request.invoice_id},
                )
            data = single.credit_note_input(source, list(request.positions) or None)
            inputs.append(replace(data, date=request.date))
        for source in sources.values():
            session.expunge(source)
        drafts = add_drafts(session, inputs, DocType.CREDIT_NOTE, at=at, corrects=ids)
        rows = Rows(session)
        for index, draft in enumerate(drafts):
            summary = f"Credit note draft {draft.id} created"
            rows.audit(moment_of(at, index), draft.corrects_id or 0, "credit_note_created", summary)
        rows.write()
        return drafts


def create_credit_notes(
    session: Session,
    requests: Sequence[CreditNoteRequest],
    today: dt.date,
    *,
    at: Moments = None,
    archive: bool = True,
) -> list[Issued]:
    """Credit notes for many invoices, issued (``create_credit_note(…, issue=True)``)."""
    with storage_of(session).bulk_writes(session):
        drafts = credit_note_drafts(session, requests, at=at)
        return issue_many(session, drafts, today, at=at, archive=archive)
