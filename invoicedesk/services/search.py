"""Listing and searching invoices: filters, sorting and paging, all in SQL.

The same :class:`InvoiceFilter` drives the invoice list, its footer totals,
the command line and the grouped reports, so they always agree.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    and_,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators

from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import DocType, State, Status
from invoicedesk.core.money import round_money
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Client, Invoice, InvoiceLine, Payment, Tag, invoice_tags
from invoicedesk.db.models.client import tag_key
from invoicedesk.db.storage import Storage, storage_of
from invoicedesk.db.types import SCALE
from invoicedesk.services.list_rows import InvoiceRow as InvoiceRow  # part of this API
from invoicedesk.services.list_rows import row_from, tags_of
from invoicedesk.services.validation import choice

if TYPE_CHECKING:  # services.inputs (with core.document) is not needed to show the list
    from invoicedesk.services.inputs import PaymentMethod

# The list's queries are built from the tables' columns, not the mapped attributes: running
# a query of mapped attributes first configures every mapper (about 20 ms, before the first
# rows of a start could show). The SQL is the same.
INVOICES = Invoice.__table__
CLIENTS = Client.__table__
LINES = InvoiceLine.__table__
PAYMENTS = Payment.__table__
TAGS = Tag.__table__

SORT_KEYS = ("number", "client", "date", "due_date", "state", "net", "gross", "open", "id")

# A search term matching at least 1/share of the invoices is checked row by row along the
# index of the list's order (``INVOICES.c.id + 0``) instead of fetching every match and
# sorting them: on 100,000 invoices "gmbh" (19 % of them) gives its first page in 2.5 ms
# instead of 49 ms, while a rare term is quicker the other way (a walk could read the
# whole index). All ids of a term are read the whole index long either way: only for many.
PAGE_PROBE_SHARE = 40
ALL_PROBE_SHARE = 6


@dataclass(frozen=True, slots=True)
class InvoiceFilter:
    """What to list. Empty fields do not filter; ``states`` are OR-ed, ``tags`` all required."""

    client_id: int | None = None
    number: str = ""  # case-insensitive substring of the number
    states: tuple[State, ...] = ()
    doc_types: tuple[DocType, ...] = ()
    payment_methods: tuple[PaymentMethod, ...] = ()  # has a payment by any of these methods
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""  # free text in title, label, intro and note
    search: str = ""  # the search box: number, client name or number, title, label, note
    tags: tuple[str, ...] = ()
    product_id: int | None = None  # has a line of this product
    currency: str | None = None
    today: dt.date | None = field(default=None, compare=False)  # for "overdue"; None: today


@dataclass(frozen=True, slots=True)
class Summary:
    """Totals of a filtered set, per currency (amounts in that currency)."""

    count: int
    by_currency: tuple[tuple[str, Decimal, Decimal, Decimal], ...]  # currency, net, gross, open


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def state_expression(today: dt.date) -> ColumnElement[str]:
    """The effective state in SQL: the stored status, with overdue derived from the due date."""
    return case((overdue_condition(today), State.OVERDUE.value), else_=INVOICES.c.status)


def overdue_condition(today: dt.date) -> ColumnElement[bool]:
    """Unpaid invoices past their due date (credit notes are never overdue)."""
    return and_(
        INVOICES.c.status.in_(("open", "part_paid")),
        INVOICES.c.due_date < today,
        INVOICES.c.doc_type == DocType.INVOICE.value,
    )


def _state_condition(state: State, today: dt.date) -> ColumnElement[bool]:
    overdue = overdue_condition(today)
    if state is State.OVERDUE:
        return overdue
    if state in (State.OPEN, State.PART_PAID):
        not_overdue = or_(
            INVOICES.c.due_date.is_(None),
            INVOICES.c.due_date >= today,
            INVOICES.c.doc_type != DocType.INVOICE.value,
        )
        return and_(INVOICES.c.status == state.value, not_overdue)
    return INVOICES.c.status == state.value


def apply_filter(
    query: Select[Any], flt: InvoiceFilter, storage: Storage, *, probe: bool = False
) -> Select[Any]:
    """Add the filter's conditions to a query over ``INVOICES`` (joined to ``CLIENTS``);
    ``storage`` answers the search box from its index where it can (``probe``: each row
    is checked against the index's matches, for terms matching many: :func:`_probes`)."""
    today = flt.today or dt.date.today()
    conditions: list[ColumnElement[bool]] = []
    invoice_id: Any = INVOICES.c.id + 0 if probe else INVOICES.c.id
    if flt.client_id is not None:
        conditions.append(INVOICES.c.client_id == flt.client_id)
    number = flt.number.strip()
    if number:
        conditions.append(INVOICES.c.number.ilike(_like(number), escape="\\"))
        candidates = storage.search_anywhere(invoice_id, number)
        if candidates is not None:  # the few whose text has it, not every number read
            conditions.append(candidates)
    if flt.states:
        conditions.append(
            or_(*(_state_condition(choice(State, s, "states"), today) for s in flt.states))
        )
    if flt.doc_types:
        conditions.append(
            INVOICES.c.doc_type.in_([choice(DocType, d, "doc_types").value for d in flt.doc_types])
        )
    if flt.payment_methods:
        from invoicedesk.services.inputs import PaymentMethod

        methods = [choice(PaymentMethod, m, "payment_methods").value for m in flt.payment_methods]
        conditions.append(
            exists().where(PAYMENTS.c.invoice_id == INVOICES.c.id, PAYMENTS.c.method.in_(methods))
        )
    if flt.date_from is not None:
        conditions.append(INVOICES.c.date >= flt.date_from)
    if flt.date_to is not None:
        conditions.append(INVOICES.c.date <= flt.date_to)
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise DomainError("the start date lies after the end date", "date_from")
    if flt.text.strip():
        pattern, texts = _like(flt.text.strip()), INVOICES.c
        conditions.append(
            or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (texts.title, texts.label, texts.intro, texts.note)
                )
            )
        )
    term = flt.search.strip()
    indexed = storage.search_condition(invoice_id, term) if term else None
    if indexed is not None:
        conditions.append(indexed)  # the engine's search index (db/storage.py)
    elif term:
        pattern = _like(term)
        conditions.append(
            or_(
                INVOICES.c.number.ilike(pattern, escape="\\"),
                CLIENTS.c.name.ilike(pattern, escape="\\"),
                CLIENTS.c.customer_number.ilike(pattern, escape="\\"),
                INVOICES.c.title.ilike(pattern, escape="\\"),
                INVOICES.c.label.ilike(pattern, escape="\\"),
                INVOICES.c.note.ilike(pattern, escape="\\"),
            )
        )
    for tag in flt.tags:
        conditions.append(
            exists()
            .where(invoice_tags.c.invoice_id == INVOICES.c.id)
            .where(invoice_tags.c.tag_id == TAGS.c.id)
            .where(TAGS.c.key == tag_key(tag))
        )
    if flt.product_id is not None:
        conditions.append(
            exists().where(
                LINES.c.invoice_id == INVOICES.c.id, LINES.c.product_id == flt.product_id
            )
        )
    if flt.currency:
        conditions.append(INVOICES.c.currency == flt.currency.upper())
    return query.where(*conditions) if conditions else query


# The client name a row shows: an issued document keeps the name it was issued to (its
# snapshot, as on its PDF) after the client is renamed; a draft shows the current name.
SHOWN_CLIENT_NAME = func.coalesce(INVOICES.c.client_snapshot["name"].as_string(), CLIENTS.c.name)


def _base(columns: list[Any], *, with_client: bool = True) -> Select[Any]:
    query = select(*columns).select_from(INVOICES)
    return query.join(CLIENTS, CLIENTS.c.id == INVOICES.c.client_id) if with_client else query


def _needs_client(flt: InvoiceFilter, storage: Storage, sort: str | None = None) -> bool:
    """Whether a query must join clients (a term the index cannot answer, or a client
    sort the storage has no sort keys for)."""
    term = flt.search.strip()
    unindexed = bool(term) and storage.search_condition(INVOICES.c.id, term) is None
    return unindexed or (sort == "client" and storage.client_order() is None)


def _sorted(
    query: Select[Any], sort: str, descending: bool, today: dt.date, storage: Storage
) -> Select[Any]:
    """``query`` in list order (joined to the storage's client sort keys when sorting by
    client: an index walk instead of folding every invoice's client name)."""
    if sort not in SORT_KEYS:
        raise DomainError(
            "cannot sort by '{sort}' ({choices})",
            "sort",
            params={"sort": sort, "choices": ", ".join(SORT_KEYS)},
        )
    keys = storage.client_order() if sort == "client" else None
    column: Any
    tie_column: Any = INVOICES.c.id
    if keys is not None:
        table, column = keys
        # (Not ``==``: Python would ask the table's column first and flip the SQL's sides.)
        query = query.join(table, table.c.id.operate(operators.eq, INVOICES.c.id))
        tie_column = table.c.id  # the same id, but the sort index's own: one index walk
    else:
        column = {
            "number": INVOICES.c.number,
            "client": func.lower(SHOWN_CLIENT_NAME),  # as the clients list: case ignored
            "date": INVOICES.c.date,
            "due_date": INVOICES.c.due_date,
            "state": state_expression(today),
            "net": INVOICES.c.net,
            "gross": INVOICES.c.gross,
            "open": INVOICES.c.open_amount,
            "id": INVOICES.c.id,
        }[sort]
    # Drafts have no number or date yet: keep them together at the end either way.
    # (NULLS LAST rather than a leading "IS NULL" term, so SQLite can walk the index.)
    ordered = (column.desc() if descending else column.asc()).nulls_last()
    tie = tie_column.desc() if descending else tie_column.asc()
    return query.order_by(ordered, tie)


def _probes(session: Session, flt: InvoiceFilter, storage: Storage, share: int) -> bool:
    """Whether the index's matches for the search box (and the number filter) are so many
    (at least 1/``share`` of the invoices) that each row should be checked against them."""
    terms = [flt.search] if flt.search.strip() else []
    if storage.search_anywhere(INVOICES.c.id, flt.number) is not None:
        terms.append(flt.number)
    found = [n for n in (storage.search_hits(session, t) for t in terms) if n is not None]
    if not found:
        return False
    total = session.scalar(select(func.max(INVOICES.c.id))) or 0
    return min(found) * share >= total


def _state_parts(today: dt.date, descending: bool) -> list[tuple[int, ColumnElement[bool]]]:
    """(rank, condition) of each state in list order, one part per stored status (overdue
    has two): each part's invoices come in id order from ix_invoices_status_id (status,
    id, doc_type, due_date) without reading a row, so the state sort needs no sorting."""
    parts: list[tuple[int, ColumnElement[bool]]] = []
    for rank, state in enumerate(sorted(State, key=lambda s: s.value, reverse=descending)):
        if state is State.OVERDUE:
            for status in (Status.OPEN, Status.PART_PAID):
                overdue = and_(INVOICES.c.status == status.value, overdue_condition(today))
                parts.append((rank, overdue))
        else:
            parts.append((rank, _state_condition(state, today)))
    return parts


@functools.lru_cache(maxsize=16)  # built once per filter and day: building costs more than running
def _state_page(
    flt: InvoiceFilter, storage: Storage, descending: bool, today: dt.date, rows: int, probe: bool
) -> Select[Any]:
    """The ids of the first ``rows`` in state order (then id; the page's limit and offset
    are the caller's): the first ``rows`` of each part, ranked by state and sorted — at
    most seven times ``rows`` ids, instead of the state of every invoice computed and
    sorted."""
    tie = INVOICES.c.id.desc() if descending else INVOICES.c.id.asc()
    arms = []
    for rank, part in _state_parts(today, descending):
        arm = _base([literal_column(str(rank)).label("rank"), INVOICES.c.id.label("id")],
                    with_client=_needs_client(flt, storage))  # fmt: skip
        arm = apply_filter(arm, flt, storage, probe=probe).where(part)
        arms.append(select(arm.order_by(tie).limit(rows).subquery()))
    merged = union_all(*arms).subquery()
    order = merged.c.id.desc() if descending else merged.c.id.asc()
    return select(merged.c.id).order_by(merged.c.rank, order)


def list_invoices(
    db: Database,
    flt: InvoiceFilter | None = None,
    *,
    sort: str = "date",
    descending: bool = True,
    limit: int = 100,
    offset: int = 0,
) -> list[InvoiceRow]:
    """One page of invoices matching ``flt``, sorted in SQL."""
    with db.read() as session:
        return fetch_rows(session, flt or InvoiceFilter(), sort, descending, limit, offset)


def fetch_rows(
    session: Session,
    flt: InvoiceFilter,
    sort: str = "date",
    descending: bool = True,
    limit: int = 100,
    offset: int = 0,
    *,
    ids: list[int] | None = None,
) -> list[InvoiceRow]:
    """Rows matching ``flt`` (and, when given, having one of ``ids``) in the session."""
    today = flt.today or dt.date.today()
    storage = storage_of(session)
    if ids is not None:
        query = _rows_query(flt, storage, sort, descending, today, limit, offset, None)
        rows = session.connection().execute(query, {"ids": ids}).all()
    else:
        probe = _probes(session, flt, storage, PAGE_PROBE_SHARE)
        query = _rows_query(flt, storage, sort, descending, today, limit, offset, probe)
        rows = session.connection().execute(query).all()  # Core: no ORM result overhead
    tags = tags_of(session, [row[0] for row in rows])
    return [row_from(row, tags.get(row[0], ())) for row in rows]


_AMOUNTS = (INVOICES.c.net, INVOICES.c.gross, INVOICES.c.open_amount)


@functools.lru_cache(maxsize=32)  # built once per filter, order and day (see _state_page)
def _rows_query(
    flt: InvoiceFilter,
    storage: Storage,
    sort: str,
    descending: bool,
    today: dt.date,
    limit: int,
    offset: int,
    probe: bool | None,
) -> Select[Any]:
    """The list's columns for a page of ``flt`` (``probe``: see :func:`_probes`), or with
    ``probe`` None for the ids given as the parameter ``ids``."""
    flt = replace(flt, today=today)  # the filter's states as of the day it is cached for
    query = _base(
        [
            INVOICES.c.id,
            INVOICES.c.doc_type,
            INVOICES.c.number,
            INVOICES.c.client_id,
            SHOWN_CLIENT_NAME,
            INVOICES.c.date,
            INVOICES.c.due_date,
            INVOICES.c.status,
            state_expression(today),
            INVOICES.c.currency,
            *(type_coerce(amount, BigInteger) for amount in _AMOUNTS),  # raw: see row_from
            INVOICES.c.title,
            type_coerce(INVOICES.c.sent_at, String),  # raw ISO text: see row_from
            INVOICES.c.sent_to,
        ]
    )
    if probe is None:
        query = apply_filter(query, flt, storage)
        query = query.where(storage.among(INVOICES.c.id, "ids"))
        return _sorted(query, sort, descending, today, storage).limit(limit).offset(offset)
    # The page's ids first (narrow: often an index walk), then their columns: sorting by a
    # computed key (the state) no longer computes every row's columns.
    if sort == "state":
        page = _state_page(flt, storage, descending, today, limit + offset, probe)
    else:
        page = _base([INVOICES.c.id], with_client=_needs_client(flt, storage, sort))
        page = apply_filter(page, flt, storage, probe=probe)
        page = _sorted(page, sort, descending, today, storage)
    query = query.where(INVOICES.c.id.in_(page.limit(limit).offset(offset)))
    return _sorted(query, sort, descending, today, storage)


def count_invoices(db: Database, flt: InvoiceFilter | None = None) -> int:
    flt = flt or InvoiceFilter()
    with db.read() as session:
        if flt.search.strip() and replace(flt, search="") == InvoiceFilter():
            found = db.storage.search_hits(session, flt.search)  # from the index alone
            if found is not None:
                return found
        query = _count_query(flt, db.storage, flt.today or dt.date.today())
        return int(session.connection().scalar(query) or 0)


@functools.lru_cache(maxsize=16)  # per filter and day ("overdue" moves at midnight)
def _count_query(flt: InvoiceFilter, storage: Storage, today: dt.date) -> Select[Any]:
    counted = _base([func.count()], with_client=_needs_client(flt, storage))
    return apply_filter(counted, replace(flt, today=today), storage)


def row_ids(
    db: Database, flt: InvoiceFilter | None = None, *, sort: str = "date", descending: bool = True
) -> list[int]:
    """All matching ids in list order: cheap (one integer per row) for lazy table models."""
    flt = flt or InvoiceFilter()
    today = flt.today or dt.date.today()
    with db.read() as session:
        probe = _probes(session, flt, db.storage, ALL_PROBE_SHARE)
        parts = _id_queries(flt, db.storage, sort, descending, today, probe)
        found = [(rank, db.storage.column_values(session, ids)) for rank, ids in parts]
    if sort != "state":
        return found[0][1]
    states: dict[int, list[list[int]]] = {}  # state by state, each in id order (_state_page)
    for rank, ids in found:
        states.setdefault(rank, []).append(ids)
    return [
        invoice_id
        for rank in sorted(states)
        for invoice_id in heapq.merge(*states[rank], reverse=descending)
    ]


@functools.lru_cache(maxsize=16)  # built once per filter, order and day (see _state_page)
def _id_queries(
    flt: InvoiceFilter, storage: Storage, sort: str, descending: bool, today: dt.date, probe: bool
) -> tuple[tuple[int, Select[Any]], ...]:
    """(rank, query) of every id in list order: one query, or by state one per part."""
    flt = replace(flt, today=today)
    if sort == "state":
        tie = INVOICES.c.id.desc() if descending else INVOICES.c.id.asc()
        parts = []
        for rank, part in _state_parts(today, descending):
            ids = _base([INVOICES.c.id], with_client=_needs_client(flt, storage))
            ids = apply_filter(ids, flt, storage, probe=probe).where(part)
            parts.append((rank, ids.order_by(tie)))
        return tuple(parts)
    ids = _base([INVOICES.c.id], with_client=_needs_client(flt, storage, sort))
    ids = apply_filter(ids, flt, storage, probe=probe)
    return ((0, _sorted(ids, sort, descending, today, storage)),)


def rows_by_id(db: Database, ids: list[int], today: dt.date | None = None) -> list[InvoiceRow]:
    """The rows for ``ids`` in the given order (a lazy table model fetches a block at a time)."""
    if not ids:
        return []
    with db.read() as session:
        rows = fetch_rows(session, InvoiceFilter(today=today), "id", False, len(ids), 0, ids=ids)
    found = {row.id: row for row in rows}
    return [found[i] for i in ids if i in found]


def summarize(db: Database, flt: InvoiceFilter | None = None) -> Summary:
    """Count and per-currency sums of net, gross and open amount of the filtered invoices.

    Credit notes count negative; cancelled documents are counted but add nothing to the
    sums (they are void: nothing is owed or earned by them, as in the reports).
    """
    sign = case(
        (INVOICES.c.status == Status.CANCELLED.value, 0),
        (INVOICES.c.doc_type == DocType.CREDIT_NOTE.value, -1),
        else_=1,
    )
    flt = flt or InvoiceFilter()
    with db.read() as session:
        query = _base(
            [
                INVOICES.c.currency,
                func.count(),
                func.sum(INVOICES.c.net * sign),
                func.sum(INVOICES.c.gross * sign),
                func.sum(INVOICES.c.open_amount * sign),
            ],
            with_client=_needs_client(flt, db.storage),
        ).group_by(INVOICES.c.currency)
        rows = session.execute(apply_filter(query, flt, db.storage)).all()
    return Summary(
        count=sum(int(r[1]) for r in rows),
        by_currency=tuple(
            (r[0], *(round_money(_scaled(raw), r[0]) for raw in r[2:5])) for r in sorted(rows)
        ),
    )


def _scaled(raw: object) -> Decimal:
    """An aggregate over scaled-integer money columns, back as Decimal."""
    return Decimal(int(raw or 0)) / SCALE  # type: ignore[call-overload]
