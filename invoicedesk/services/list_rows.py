"""The invoice list's rows: :class:`InvoiceRow`, built from the list's columns, and the
tags of a page of them (the queries that find the rows live in ``services.search``)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from invoicedesk.core.lifecycle import DocType, State, Status
from invoicedesk.core.money import ROUNDING, minor_unit
from invoicedesk.db.models import Tag, invoice_tags
from invoicedesk.db.storage import Storage, storage_of
from invoicedesk.db.types import SCALE_DIGITS

TAGS = Tag.__table__  # not the mapped class: see services.search on configuring mappers


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """One row of the invoice list."""

    id: int
    doc_type: DocType
    number: str | None
    client_id: int
    client_name: str
    date: dt.date | None
    due_date: dt.date | None
    status: Status
    state: State
    currency: str
    net: Decimal
    gross: Decimal
    open_amount: Decimal
    tags: tuple[str, ...]
    title: str
    sent_at: dt.datetime | None = None  # the last time it went out by email (UTC); None: never
    sent_to: str = ""  # to whom, then ("a@x.de, b@y.de")


# Looked up by value: calling the enum per row and column was a fifth of a page's time.
_DOC_TYPES = {member.value: member for member in DocType}
_STATUSES = {member.value: member for member in Status}
_STATES = {member.value: member for member in State}


def row_from(row: Any, tags: tuple[str, ...]) -> InvoiceRow:
    """An :class:`InvoiceRow` from a row of the list's columns (``search._rows_query``):
    amounts come as integers in 1/SCALE (``scaleb`` is exact) and are rounded half-up to the
    currency's minor unit, as ``round_money`` does; a page of 200 took 1.2 ms through the
    column types and enum calls, now 0.5."""
    quantum = _quantum(row[9])
    return InvoiceRow(
        id=row[0],
        doc_type=_DOC_TYPES[row[1]],
        number=row[2],
        client_id=row[3],
        client_name=row[4],
        date=row[5],
        due_date=row[6],
        status=_STATUSES[row[7]],
        state=_STATES[row[8]],
        currency=row[9],
        net=Decimal(row[10]).scaleb(-SCALE_DIGITS).quantize(quantum, ROUNDING),
        gross=Decimal(row[11]).scaleb(-SCALE_DIGITS).quantize(quantum, ROUNDING),
        open_amount=Decimal(row[12]).scaleb(-SCALE_DIGITS).quantize(quantum, ROUNDING),
        title=row[13],
        tags=tags,
        # Stored as ISO text (db.types.UTCDateTime), read raw: most rows were never sent.
        sent_at=dt.datetime.fromisoformat(row[14]) if row[14] else None,
        sent_to=row[15],
    )


@functools.lru_cache(maxsize=64)
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit(currency))


@functools.lru_cache(maxsize=4)
def _tags_query(storage: Storage) -> Select[Any]:
    return (
        select(invoice_tags.c.invoice_id, TAGS.c.name)
        .join(TAGS, TAGS.c.id == invoice_tags.c.tag_id)
        .where(storage.among(invoice_tags.c.invoice_id, "ids"))
        .order_by(TAGS.c.name)
    )


def tags_of(session: Session, invoice_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The tags of each of ``invoice_ids`` that has any, sorted by name."""
    if not invoice_ids:
        return {}
    result: dict[int, tuple[str, ...]] = {}
    query = _tags_query(storage_of(session))
    for invoice_id, name in session.connection().execute(query, {"ids": invoice_ids}):
        result[invoice_id] = (*result.get(invoice_id, ()), name)
    return result
