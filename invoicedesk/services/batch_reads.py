"""What the bulk use cases read: many records at once, as plain values.

Bulk work reads thousands of invoices and clients per batch; ORM objects (with their
relationships) cost more to build than the work done with them, so these readers return
plain values from a few Core queries of ``IN (…)`` chunks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from invoicedesk.core.lifecycle import Status
from invoicedesk.db.models import Client, ClientAddress, ContactPerson, Invoice

CHUNK = 500  # ids per IN (…): well below SQLite's limit of bound parameters


@dataclass(slots=True)
class ClientRow:
    """A client as issuing reads it: what its snapshot (``invoices._client_snapshot``), due
    date and archive check need, with its addresses and contacts (Core rows)."""

    id: int
    customer_number: str
    kind: str
    name: str
    first_name: str
    last_name: str
    email: str
    vat_id: str
    language: str
    due_days: int | None
    archived_at: dt.datetime | None
    addresses: list[Any] = field(default_factory=list)
    contacts: list[Any] = field(default_factory=list)


def client_rows(session: Session, ids: set[int]) -> dict[int, ClientRow]:
    """The given clients with their addresses and contacts, each in position order."""
    found: dict[int, ClientRow] = {}
    wanted = sorted(ids)
    names = [f.name for f in fields(ClientRow) if f.name not in ("addresses", "contacts")]
    columns = [Client.__table__.c[name] for name in names]
    for first in range(0, len(wanted), CHUNK):
        chunk = wanted[first : first + CHUNK]
        for row in session.execute(select(*columns).where(Client.id.in_(chunk))):
            found[row.id] = ClientRow(*row)
        a, c = ClientAddress, ContactPerson
        addresses = select(a.client_id, a.kind, a.recipient, a.street, a.street2, a.zip, a.city,
                           a.region, a.country).where(a.client_id.in_(chunk))  # fmt: skip
        for item in session.execute(addresses.order_by(a.client_id, a.position, a.id)):
            found[item.client_id].addresses.append(item)
        contacts = select(c.client_id, c.first_name, c.last_name).where(c.client_id.in_(chunk))
        for contact in session.execute(contacts.order_by(c.client_id, c.position, c.id)):
            found[contact.client_id].contacts.append(contact)
    return found


_STATE_COLUMNS = (
    Invoice.id, Invoice.doc_type, Invoice.status, Invoice.number, Invoice.client_id,
    Invoice.currency, Invoice.gross, Invoice.amount_due, Invoice.paid_amount,
    Invoice.open_amount, Invoice.date, Invoice.corrects_id,
)  # fmt: skip


def invoice_states(session: Session, ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """The current state of the given invoices, by id (plain values, no ORM objects)."""
    found: dict[int, dict[str, object]] = {}
    unique = sorted(set(ids))
    for first in range(0, len(unique), CHUNK):
        chunk = unique[first : first + CHUNK]
        for row in session.execute(select(*_STATE_COLUMNS).where(Invoice.id.in_(chunk))):
            found[row.id] = dict(row._mapping)
    return found


def credited_totals(session: Session, original_ids: list[int]) -> dict[int, Decimal]:
    """Per invoice: the total of its credit notes in force."""
    if not original_ids:
        return {}
    found = session.execute(
        select(Invoice.corrects_id, func.sum(Invoice.gross))
        .where(
            Invoice.corrects_id.in_(original_ids),
            Invoice.status != Status.DRAFT.value,
            Invoice.status != Status.CANCELLED.value,
        )
        .group_by(Invoice.corrects_id)
    )
    return {int(cid or 0): Decimal(total or 0) for cid, total in found}
