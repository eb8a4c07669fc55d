"""What the bulk use cases read: many records at once, as plain values.

Bulk work reads thousands of invoices and clients per batch; ORM objects (with their
relationships) cost more to build than the work done with them, so these readers return
plain values from a few Core queries of ``IN (…)`` chunks.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Iterator, Sequence
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


_Address = namedtuple("_Address", "client_id kind recipient street street2 zip city region country")
_Contact = namedtuple("_Contact", "client_id first_name last_name")


def client_rows(session: Session, ids: set[int]) -> dict[int, ClientRow]:
    """The given clients with their addresses and contacts, each in position order."""
    wanted = sorted(ids)
    names = [f.name for f in fields(ClientRow) if f.name not in ("addresses", "contacts")]
    found = {row[0]: ClientRow(*row) for row in _read(session, Client, names, "id", wanted)}
    order = ' ORDER BY "client_id", "position", "id"'
    for item in _read(session, ClientAddress, _Address._fields, "client_id", wanted, order):
        found[item[0]].addresses.append(_Address._make(item))
    for item in _read(session, ContactPerson, _Contact._fields, "client_id", wanted, order):
        found[item[0]].contacts.append(_Contact._make(item))
    return found


def _read(
    session: Session,
    model: type[Any],
    names: Sequence[str],
    key: str,
    ids: Sequence[int],
    order: str = "",
) -> Iterator[tuple[Any, ...]]:
    """The ``names`` columns of ``model``'s rows whose ``key`` is one of ``ids``, read
    through the driver and converted column by column with each column type's result
    processor: what SQLAlchemy returns, without building a Row object per record."""
    if not ids:
        return
    session.flush()  # (changes the session holds are in the file for the queries below)
    connection = session.connection()
    table = model.__table__
    processors = [table.c[n].type.result_processor(connection.dialect, None) for n in names]
    listed = ", ".join(f'"{name}"' for name in names)
    for first in range(0, len(ids), CHUNK):
        chunk = tuple(ids[first : first + CHUNK])
        marks = ", ".join("?" * len(chunk))
        sql = f'SELECT {listed} FROM "{table.name}" WHERE "{key}" IN ({marks}){order}'
        rows = connection.exec_driver_sql(sql, chunk).fetchall()
        if not rows:
            continue
        values = list(zip(*rows, strict=True))
        for position, process in enumerate(processors):
            if process is not None:
                values[position] = tuple(map(process, values[position]))
        yield from zip(*values, strict=True)


_STATE_COLUMNS = (
    Invoice.id, Invoice.doc_type, Invoice.status, Invoice.number, Invoice.client_id,
    Invoice.currency, Invoice.gross, Invoice.amount_due, Invoice.paid_amount,
    Invoice.open_amount, Invoice.date, Invoice.corrects_id,
)  # fmt: skip


def invoice_states(session: Session, ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """The current state of the given invoices, by id (plain values, no ORM objects)."""
    names = [column.key for column in _STATE_COLUMNS]
    return {
        record[0]: dict(zip(names, record, strict=True))
        for record in _read(session, Invoice, names, "id", sorted(set(ids)))
    }


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
