"""Invoices in bulk: many drafts, issues, cancellations and credit notes in one go.

The bulk variants of :mod:`services.invoices` for the demo generator and other bulk
work, inside the caller's write transaction. Each record goes through the same steps
as the single-record use case — the same validation (``_prepare`` pieces), the same
totals engine, the same stored fields (``draft_rows``/``totals_rows``), due dates,
snapshots, gapless numbers, credit-note settlement, status rules and audit entries —
but the rows are written with one ``executemany`` per table and the search index is
filled once at the end (``Storage.bulk_writes``, db/storage.py). ``at`` gives each record's
moment (default: now), so a history can be entered after the fact.

``archive`` (default True) stores each issued document's PDF as issuing one does;
without it the archive is filled on first export or print, as for imported data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from invoicedesk.core import placeholders
from invoicedesk.core.document import PriceBasis
from invoicedesk.core.errors import ConflictError, DomainError, NotFoundError
from invoicedesk.core.lifecycle import DocType, Status, status_after_payment
from invoicedesk.core.money import plain, validate_currency
from invoicedesk.core.numbering import format_number, period_key
from invoicedesk.core.rules import Action, require
from invoicedesk.core.totals import Totals, compute_totals
from invoicedesk.db.models import Client, Invoice, NumberSequence
from invoicedesk.db.storage import storage_of
from invoicedesk.db.types import utcnow
from invoicedesk.services import invoices as single
from invoicedesk.services.bulk_rows import Json, Rows
from invoicedesk.services.inputs import InvoiceInput, PaymentMethod, document_of
from invoicedesk.services.numbering import _sequence, pattern_for
from invoicedesk.services.settings import get_setting, load_company
from invoicedesk.services.tags import resolve_tags

Moments = Sequence[dt.datetime | None] | None


@dataclass(frozen=True, slots=True)
class Draft:
    """A draft as :func:`add_drafts` wrote it: its id, validated input and totals."""

    id: int
    doc_type: DocType
    data: InvoiceInput
    totals: Totals
    rate: Decimal
    corrects_id: int | None = None


@dataclass(frozen=True, slots=True)
class Issued:
    """What issuing gave one document."""

    id: int
    number: str
    status: Status
    date: dt.date
    due_date: dt.date
    amount_due: Decimal
    paid_amount: Decimal
    open_amount: Decimal


def _moment(at: Moments, index: int) -> dt.datetime:
    return (at[index] if at is not None else None) or utcnow()


def add_drafts(
    session: Session,
    inputs: Sequence[InvoiceInput],
    doc_type: DocType = DocType.INVOICE,
    *,
    at: Moments = None,
    corrects: Sequence[int | None] | None = None,
) -> list[Draft]:
    """Create many drafts (``invoices.add_draft`` for each) in the caller's transaction."""
    with storage_of(session).bulk_writes(session):
        company = load_company(session)
        # Held here for the batch: the session's identity map keeps objects only while
        # someone refers to them, so each draft would load its client again.
        named = {inp.client_id for inp in inputs if inp.client_id is not None}
        held = list(session.scalars(select(Client).where(Client.id.in_(named)))) if named else []
        prepared = []
        for inp in inputs:
            client = single._resolve_client(session, inp)
            currency = validate_currency(
                inp.currency or client.currency or company.currency, "invoice.currency"
            )
            filled = single._fill_from_products(session, inp.lines, PriceBasis(inp.price_basis))
            inp = replace(inp, lines=filled, client_id=client.id, client=None)
            prepared.append(single._validated(inp, currency))
        prepared = _linked(session, prepared)
        del held
        tags = {
            tag.key: tag for tag in resolve_tags(session, [t for d in prepared for t in d.tags])
        }
        session.flush()  # new clients and tags get their ids
        tag_ids = {name: tags[key].id for name, key in _tag_keys(prepared).items()}
        rows = Rows(session)
        drafts = []
        for index, data in enumerate(prepared):
            rate = single._exchange_rate(data, data.currency or "", company.currency, "invoice")
            totals = compute_totals(document_of(data))
            fields, lines, extras = single.draft_rows(data, rate, totals)
            figures, taxes = single.totals_rows(
                totals, rate, company.currency, Status.DRAFT.value, Decimal(0)
            )
            invoice_id = rows.id("invoices")
            corrects_id = corrects[index] if corrects is not None else None
            moment = _moment(at, index)
            rows.add(
                "invoices",
                {**fields, **figures, "id": invoice_id, "doc_type": doc_type.value,
                 "status": Status.DRAFT.value, "client_id": data.client_id,
                 "paid_amount": Decimal(0), "corrects_id": corrects_id,
                 "created_at": moment, "updated_at": moment},
            )  # fmt: skip
            for table, children in (
                ("invoice_lines", lines),
                ("invoice_allowances_charges", extras),
                ("invoice_taxes", taxes),
            ):
                for child in children:
                    rows.add(table, {**child, "id": rows.id(table), "invoice_id": invoice_id})
            for name in data.tags:
                rows.add("invoice_tags", {"invoice_id": invoice_id, "tag_id": tag_ids[name]})
            rows.audit(moment, invoice_id, "created", "Draft created", to_state="draft")
            drafts.append(Draft(invoice_id, doc_type, data, totals, rate, corrects_id))
        rows.write()
        storage_of(session).index_added(session, (d.id for d in drafts))
    return drafts


def _linked(session: Session, prepared: list[InvoiceInput]) -> list[InvoiceInput]:
    """``invoices._link_products`` for all lines at once (per draft when one is wrong, so
    the error names its line)."""
    every = tuple(line for data in prepared for line in data.lines)
    try:
        linked = single._link_products(session, every)
    except DomainError:
        for data in prepared:
            single._link_products(session, data.lines)
        raise
    result, start = [], 0
    for data in prepared:
        end = start + len(data.lines)
        result.append(replace(data, lines=linked[start:end]))
        start = end
    return result


def _tag_keys(prepared: list[InvoiceInput]) -> dict[str, str]:
    from invoicedesk.db.models.client import tag_key

    return {name: tag_key(name) for data in prepared for name in data.tags}


class _Numbers:
    """``numbering.draw_number`` for many documents: the sequence rows are read once and
    numbers already on a document (after a change of pattern) are skipped, as
    ``invoices._free_number`` does."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.patterns: dict[str, str] = {}
        self.sequences: dict[tuple[str, str], NumberSequence] = {}
        self.taken: set[str] = set()  # on a document, or drawn in this batch
        self.checked: set[str] = set()

    def prepare(self, wanted: Sequence[tuple[str, dt.date]]) -> None:
        """Look up which of the numbers about to be drawn exist already (one query)."""
        counts: dict[tuple[str, str], tuple[int, dt.date]] = {}
        for doc_type, date in wanted:
            key = (doc_type, period_key(self._pattern(doc_type), date))
            counts[key] = (counts.get(key, (0, date))[0] + 1, date)
        candidates = []
        for (doc_type, period), (count, date) in counts.items():
            start = self._sequence(doc_type, period).next_value
            pattern = self.patterns[doc_type]
            candidates += [format_number(pattern, date, v) for v in range(start, start + count)]
        self.checked.update(candidates)
        for first in range(0, len(candidates), 500):
            chunk = candidates[first : first + 500]
            self.taken |= set(
                self.session.scalars(select(Invoice.number).where(Invoice.number.in_(chunk)))
            )

    def _pattern(self, doc_type: str) -> str:
        if doc_type not in self.patterns:
            self.patterns[doc_type] = pattern_for(self.session, doc_type)
        return self.patterns[doc_type]

    def _sequence(self, doc_type: str, period: str) -> NumberSequence:
        key = (doc_type, period)
        if key not in self.sequences:
            self.sequences[key] = _sequence(self.session, doc_type, period)
        return self.sequences[key]

    def draw(self, doc_type: str, date: dt.date) -> str:
        pattern = self._pattern(doc_type)
        sequence = self._sequence(doc_type, period_key(pattern, date))
        while True:
            value = sequence.next_value
            sequence.next_value = value + 1
            number = format_number(pattern, date, value)
            if number in self.taken:
                continue
            if number not in self.checked:  # beyond the window looked up: ask
                found = select(Invoice.id).where(Invoice.number == number)
                if self.session.scalar(found) is not None:
                    continue
            self.taken.add(number)
            return number

    def finish(self) -> None:
        self.session.flush()


def _clients(session: Session, ids: set[int]) -> dict[int, Client]:
    found = session.scalars(
        select(Client)
        .where(Client.id.in_(ids))
        .options(selectinload(Client.addresses), selectinload(Client.contacts))
    )
    return {client.id: client for client in found}


_STATE = (
    Invoice.id, Invoice.doc_type, Invoice.status, Invoice.number, Invoice.client_id,
    Invoice.currency, Invoice.gross, Invoice.amount_due, Invoice.paid_amount,
    Invoice.open_amount, Invoice.date, Invoice.corrects_id,
)  # fmt: skip


def _states(session: Session, ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """The current state of the given invoices, by id (plain values, no ORM objects)."""
    found: dict[int, dict[str, object]] = {}
    unique = sorted(set(ids))
    for first in range(0, len(unique), 500):
        chunk = unique[first : first + 500]
        for row in session.execute(select(*_STATE).where(Invoice.id.in_(chunk))):
            found[row.id] = dict(row._mapping)
    return found


def issue_many(
    session: Session,
    drafts: Sequence[Draft],
    today: dt.date,
    *,
    at: Moments = None,
    archive: bool = True,
) -> list[Issued]:
    """Issue many drafts (``invoices.issue_in`` for each, in the order given)."""
    if not drafts:
        return []
    with storage_of(session).bulk_writes(session):
        rows = Rows(session)
        states = _states(session, [d.id for d in drafts])
        originals = _states(session, [d.corrects_id for d in drafts if d.corrects_id])
        credited = _credited(session, list(originals))
        clients = _clients(session, {int(str(states[d.id]["client_id"])) for d in drafts})
        snapshots = {
            cid: Json(json.dumps(single._client_snapshot(c))) for cid, c in clients.items()
        }
        company = load_company(session)
        company_snapshot = Json(json.dumps(company.snapshot()))
        default_days = int(get_setting(session, "default_due_days"))
        numbers = _Numbers(session)
        dates = [d.data.date or today for d in drafts]
        numbers.prepare([(d.doc_type.value, date) for d, date in zip(drafts, dates, strict=True)])
        issued = []
        for index, draft in enumerate(drafts):
            state = states[draft.id]
            require(str(state["doc_type"]), str(state["status"]), Action.ISSUE, number=None)
            if not draft.data.lines:
                raise DomainError("add at least one line before issuing", "invoice.line_items")
            client = clients[int(str(state["client_id"]))]
            if client.archived_at is not None:
                raise ConflictError(
                    f"client {client.customer_number} {client.name} is archived — restore it first",
                    "invoice.client_id",
                )
            date = dates[index]
            data = draft.data
            due_date = single.due_date_of(
                data.due_date, data.due_days, client.due_days, lambda: default_days, date
            )
            totals = draft.totals
            if data.date is None:  # the cash discount counts from the issue date
                totals = compute_totals(document_of(data, date))
            if totals.gross < 0:
                raise DomainError(
                    "the total is negative — write a credit note for the invoice it corrects "
                    "instead",
                    "invoice.line_items",
                )
            kind = draft.doc_type
            number = numbers.draw(kind.value, date)
            texts = _texts(data, number, date, due_date, snapshots[client.id], company_snapshot)
            moment = _moment(at, index)
            figures, taxes = single.totals_rows(
                totals, draft.rate, company.currency, Status.OPEN.value, Decimal(0)
            )
            paid = Decimal(0)
            if kind is DocType.CREDIT_NOTE and draft.corrects_id is not None:
                paid = _settle(rows, draft, number, date, moment, totals, originals, credited)
            status = status_after_payment(totals.due, paid).value
            figures.update(paid_amount=paid, open_amount=totals.due - paid)
            row = {
                "id": draft.id, "number": number, "status": status, "date": date,
                "due_date": due_date, "client_snapshot": snapshots[client.id],
                "company_snapshot": company_snapshot, "issued_at": moment,
                "updated_at": moment, "paid_at": date if status == Status.PAID.value else None,
                **texts, **figures,
            }  # fmt: skip
            rows.update("invoices", list(row), [row])
            if totals is not draft.totals:
                rows.connection.exec_driver_sql(
                    "DELETE FROM invoice_taxes WHERE invoice_id = ?", (draft.id,)
                )
                for tax in taxes:
                    rows.add(
                        "invoice_taxes",
                        {**tax, "id": rows.id("invoice_taxes"), "invoice_id": draft.id},
                    )
            what = "Credit note" if kind is DocType.CREDIT_NOTE else "Invoice"
            rows.audit(
                moment, draft.id, "issued", f"{what} {number} issued",
                from_state=Status.DRAFT.value, to_state=status,
                details={"gross": str(totals.gross), "currency": data.currency or "EUR"},
            )  # fmt: skip
            issued.append(
                Issued(draft.id, number, Status(status), date, due_date, totals.due, paid,
                       totals.due - paid)
            )  # fmt: skip
        numbers.finish()
        rows.write()
        storage_of(session).index_changed(session, (d.id for d in drafts))
    if archive:
        _archive(session, [i.id for i in issued], "issued")
    return issued


def _texts(
    data: InvoiceInput,
    number: str,
    date: dt.date,
    due_date: dt.date,
    client_snapshot: str,
    company_snapshot: str,
) -> dict[str, str]:
    """Title, intro and note with their placeholders filled (``invoices._fill_placeholders``)."""
    texts = {"title": data.title, "intro": data.intro, "note": data.note}
    if not any(placeholders.has_placeholders(text) for text in texts.values()):
        return {}
    invoice = Invoice(
        number=number, date=date, due_date=due_date, supply_date=data.supply_date,
        currency=data.currency or "EUR", client_snapshot=json.loads(client_snapshot),
        company_snapshot=json.loads(company_snapshot), **texts,
    )  # fmt: skip
    single._fill_placeholders(invoice)
    return {"title": invoice.title, "intro": invoice.intro, "note": invoice.note}


def _credited(session: Session, original_ids: list[int]) -> dict[int, Decimal]:
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


def _settle(
    rows: Rows,
    credit_note: Draft,
    number: str,
    date: dt.date,
    moment: dt.datetime,
    totals: Totals,
    originals: dict[int, dict[str, object]],
    credited: dict[int, Decimal],
) -> Decimal:
    """``invoices._settle_with_credit_note``: returns what it settled on the original."""
    assert credit_note.corrects_id is not None
    original = originals[credit_note.corrects_id]
    o_number, currency = str(original["number"]), str(original["currency"])
    require(str(original["doc_type"]), str(original["status"]), Action.CREATE_CREDIT_NOTE,
            number=o_number)  # fmt: skip
    total = credited.get(credit_note.corrects_id, Decimal(0)) + totals.gross
    credited[credit_note.corrects_id] = total
    gross = Decimal(str(original["gross"]))
    if total > gross:
        raise DomainError(
            f"credit notes for {o_number} would exceed its total {plain(gross, currency)}",
            "invoice.line_items",
        )
    open_amount = Decimal(str(original["open_amount"]))
    offset = min(max(open_amount, Decimal(0)), totals.due)
    if offset <= 0:
        return Decimal(0)
    original_id = credit_note.corrects_id
    rows.add(
        "payments",
        {"id": rows.id("payments"), "invoice_id": original_id, "date": date, "amount": offset,
         "method": PaymentMethod.CREDIT_NOTE.value, "reference": number,
         "note": f"Settled by credit note {number}", "is_overpayment": False,
         "credit_note_id": credit_note.id, "created_at": moment, "updated_at": moment},
    )  # fmt: skip
    before = str(original["status"])
    paid, open_, status, paid_at = single.payment_effect(
        Decimal(str(original["amount_due"])), Decimal(str(original["paid_amount"])), offset, date
    )
    original.update(paid_amount=paid, open_amount=open_, status=status)
    row = {"id": original_id, "paid_amount": paid, "open_amount": open_, "status": status,
           "paid_at": paid_at, "updated_at": moment}  # fmt: skip
    rows.update("invoices", list(row), [row])
    rows.audit(
        moment, original_id, "credited",
        f"{plain(offset, currency)} settled by credit note {number}",
        from_state=before, to_state=status,
    )  # fmt: skip
    return offset


def _archive(session: Session, ids: list[int], action: str, date: dt.date | None = None) -> None:
    """Render and archive each document as the single-record use case does."""
    from invoicedesk.services.pdf_archive import CANCELLATION_PDF, INVOICE_PDF, archive_in

    kind = CANCELLATION_PDF if action == "cancelled" else INVOICE_PDF
    for invoice_id in ids:
        invoice = single._load(session, invoice_id)
        session.refresh(invoice)
        archive_in(session, invoice, kind=kind, date=date, action=action)
        session.expunge(invoice)


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
        states = _states(session, invoice_ids)
        for index, invoice_id in enumerate(invoice_ids):
            state = states[invoice_id]
            before = str(state["status"])
            require(str(state["doc_type"]), before, Action.CANCEL, number=str(state["number"]),
                    paid=Decimal(str(state["paid_amount"])))  # fmt: skip
            moment = _moment(at, index)
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
        _archive(session, list(invoice_ids), "cancelled", today)


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
                raise NotFoundError(f"there is no invoice with id {request.invoice_id}", "invoice")
            data = single.credit_note_input(source, list(request.positions) or None)
            inputs.append(replace(data, date=request.date))
        for source in sources.values():
            session.expunge(source)
        drafts = add_drafts(session, inputs, DocType.CREDIT_NOTE, at=at, corrects=ids)
        rows = Rows(session)
        for index, draft in enumerate(drafts):
            summary = f"Credit note draft {draft.id} created"
            rows.audit(_moment(at, index), draft.corrects_id or 0, "credit_note_created", summary)
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
