"""Invoices in bulk: many drafts and issues in one go (cancellations and credit notes:
:mod:`correction_batches`; what they read: :mod:`batch_reads`).

The bulk variants of :mod:`services.invoices` for the demo generator and other bulk
work, inside the caller's write transaction. Each record goes through the same steps
as the single-record use case — the same validation (``_prepare`` pieces), the same
totals engine, the same stored fields (``draft_rows``/``totals_rows``), due dates,
snapshots, gapless numbers, credit-note settlement, status rules and audit entries —
but the rows are written with one ``executemany`` per table and the search index is
filled once at the end (``Storage.bulk_writes``, db/storage.py). ``at`` gives each record's
moment (default: now), so a history can be entered after the fact.

``add_invoices`` drafts and issues in the same go (as ``create_credit_note(…, issue=True)``
does for one): a document issued at once is written once, issued, not written as a draft
and then changed. Imports (``transfer``) use ``add_drafts`` with ``located``, so a refused
record is named by its place in the file.

``archive`` (default True) stores each issued document's PDF as issuing one does;
without it the archive is filled on first export or print, as for imported data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from invoicedesk.core import placeholders
from invoicedesk.core.document import PriceBasis
from invoicedesk.core.errors import ConflictError, DomainError
from invoicedesk.core.lifecycle import DocType, Status, status_after_payment
from invoicedesk.core.money import plain, validate_currency
from invoicedesk.core.rules import Action, require
from invoicedesk.core.totals import Totals, compute_totals
from invoicedesk.db.models import Client, Invoice
from invoicedesk.db.storage import storage_of
from invoicedesk.db.types import utcnow
from invoicedesk.services import invoices as single
from invoicedesk.services.batch_reads import client_rows, credited_totals, invoice_states
from invoicedesk.services.bulk_rows import Json, Rows
from invoicedesk.services.inputs import InvoiceInput, PaymentMethod, document_of
from invoicedesk.services.numbering import NumberDraws
from invoicedesk.services.settings import get_setting, load_company
from invoicedesk.services.tags import resolve_tags

Moments = Sequence[dt.datetime | None] | None
# What a refusal of the input at an index becomes (see add_drafts).
Located = Callable[[int, DomainError], Exception]


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


def moment_of(at: Moments, index: int) -> dt.datetime:
    return (at[index] if at is not None else None) or utcnow()


def add_drafts(
    session: Session,
    inputs: Sequence[InvoiceInput],
    doc_type: DocType = DocType.INVOICE,
    *,
    at: Moments = None,
    corrects: Sequence[int | None] | None = None,
    located: Located | None = None,
) -> list[Draft]:
    """Create many drafts (``invoices.add_draft`` for each) in the caller's transaction.

    ``located(index, error)`` gives the error to raise when input ``index`` is refused
    (an import names the record in its file); without it the refusal itself is raised.
    """
    with storage_of(session).bulk_writes(session):
        rows = Rows(session)
        drafts, _ = _prepare(session, rows, inputs, doc_type, at, corrects, located)
        rows.write()
        storage_of(session).index_added(session, (d.id for d in drafts))
    return drafts


def add_invoices(
    session: Session,
    inputs: Sequence[InvoiceInput],
    issue: Sequence[bool],
    today: dt.date,
    *,
    at: Moments = None,
    issue_at: Moments = None,
    archive: bool = True,
) -> tuple[list[Draft], list[Issued]]:
    """Drafts of all ``inputs`` (``add_drafts``), those whose ``issue`` is True issued right
    away (``issue_many`` of them, in input order; ``issue_at`` has a moment per issued one).
    As ``create_credit_note(…, issue=True)`` does for one document: a document issued in
    the same go is written once, issued, instead of as a draft that is then changed."""
    with storage_of(session).bulk_writes(session):
        rows = Rows(session)
        drafts, pending = _prepare(session, rows, inputs, DocType.INVOICE, at, None, None)
        chosen = [draft for draft, wanted in zip(drafts, issue, strict=True) if wanted]
        issued = _issue(session, rows, chosen, today, issue_at, pending)
        rows.write()
        storage_of(session).index_added(session, (d.id for d in drafts))
    if archive:
        archive_documents(session, [i.id for i in issued], "issued")
    return drafts, issued


def _prepare(
    session: Session,
    rows: Rows,
    inputs: Sequence[InvoiceInput],
    doc_type: DocType,
    at: Moments,
    corrects: Sequence[int | None] | None,
    located: Located | None,
) -> tuple[list[Draft], dict[int, dict[str, object]]]:
    """The drafts' rows, waiting in ``rows``; and each draft's invoice row by id."""

    def refused(index: int, error: DomainError) -> Exception:
        return error if located is None else located(index, error)

    company = load_company(session)
    # Held here for the batch: the session's identity map keeps objects only while
    # someone refers to them, so each draft would load its client again.
    named = {inp.client_id for inp in inputs if inp.client_id is not None}
    held = list(session.scalars(select(Client).where(Client.id.in_(named)))) if named else []
    inline: dict[tuple[str, ...], Client] = {}
    checked: dict[int | None, Client] = {}
    catalogue = single.products_named(session, inputs)
    prepared = []
    for index, inp in enumerate(inputs):
        try:
            client = checked.get(inp.client_id) if inp.client is None else None
            if client is None:
                client = single._resolve_client(session, inp, inline)
                if inp.client is None:
                    checked[client.id] = client  # found and not archived: once per batch
            currency = validate_currency(
                inp.currency or client.currency or company.currency, "invoice.currency"
            )
            basis = PriceBasis(inp.price_basis)
            filled = single._fill_from_products(session, inp.lines, basis, catalogue)
            if filled is not inp.lines or inp.client_id != client.id or inp.client is not None:
                inp = replace(inp, lines=filled, client_id=client.id, client=None)
            prepared.append(single._validated(inp, currency))
        except DomainError as error:
            raise refused(index, error) from None
    prepared = _linked(session, prepared, refused)
    del held, inline, checked, catalogue
    tags = {tag.key: tag for tag in resolve_tags(session, [t for d in prepared for t in d.tags])}
    session.flush()  # new clients and tags get their ids
    tag_ids = {name: tags[key].id for name, key in _tag_keys(prepared).items()}
    drafts = []
    pending: dict[int, dict[str, object]] = {}
    for index, data in enumerate(prepared):
        try:
            rate = single._exchange_rate(data, data.currency or "", company.currency, "invoice")
            totals = compute_totals(document_of(data))
        except DomainError as error:
            raise refused(index, error) from None
        fields, lines, extras = single.draft_rows(data, rate, totals)
        figures, taxes = single.totals_rows(
            totals, rate, company.currency, Status.DRAFT.value, Decimal(0)
        )
        invoice_id = rows.id("invoices")
        corrects_id = corrects[index] if corrects is not None else None
        moment = moment_of(at, index)
        row: dict[str, object] = {
            **fields, **figures, "id": invoice_id, "doc_type": doc_type.value,
            "status": Status.DRAFT.value, "client_id": data.client_id,
            "paid_amount": Decimal(0), "corrects_id": corrects_id,
            "created_at": moment, "updated_at": moment,
        }  # fmt: skip
        rows.add("invoices", row)
        pending[invoice_id] = row
        for table, children in (
            ("invoice_lines", lines),
            ("invoice_allowances_charges", extras),
            ("invoice_taxes", taxes),
        ):
            if children:
                for child, child_id in zip(children, rows.ids(table, len(children)), strict=True):
                    child["id"] = child_id  # (draft_rows made these dicts for this row)
                    child["invoice_id"] = invoice_id
                rows.extend(table, children)
        for name in data.tags:
            rows.add("invoice_tags", {"invoice_id": invoice_id, "tag_id": tag_ids[name]})
        rows.audit(moment, invoice_id, "created", "Draft created", to_state="draft")
        drafts.append(Draft(invoice_id, doc_type, data, totals, rate, corrects_id))
    return drafts, pending


def _linked(
    session: Session,
    prepared: list[InvoiceInput],
    refused: Callable[[int, DomainError], Exception],
) -> list[InvoiceInput]:
    """``invoices._link_products`` for all lines at once (per draft when one is wrong, so
    the error names its line and its draft)."""
    every = tuple(line for data in prepared for line in data.lines)
    try:
        linked = single._link_products(session, every)
    except DomainError:
        for index, data in enumerate(prepared):
            try:
                single._link_products(session, data.lines)
            except DomainError as error:
                raise refused(index, error) from None
        raise
    result, start = [], 0
    for data in prepared:
        end = start + len(data.lines)
        lines = linked[start:end]
        same = all(new is old for new, old in zip(lines, data.lines, strict=True))
        result.append(data if same else replace(data, lines=lines))
        start = end
    return result


def _tag_keys(prepared: list[InvoiceInput]) -> dict[str, str]:
    from invoicedesk.db.models.client import tag_key

    return {name: tag_key(name) for data in prepared for name in data.tags}


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
        issued = _issue(session, rows, drafts, today, at, {})
        rows.write()
        storage_of(session).index_changed(session, (d.id for d in drafts))
    if archive:
        archive_documents(session, [i.id for i in issued], "issued")
    return issued


def _issue(
    session: Session,
    rows: Rows,
    drafts: Sequence[Draft],
    today: dt.date,
    at: Moments,
    pending: dict[int, dict[str, object]],
) -> list[Issued]:
    """Issue ``drafts`` into ``rows``: a draft whose row is ``pending`` (not written yet)
    gets the issued fields on that row, any other an update."""
    if not drafts:
        return []
    written = [d.id for d in drafts if d.id not in pending]
    states = invoice_states(session, written)
    for draft in drafts:
        if draft.id in pending:
            states[draft.id] = {"doc_type": draft.doc_type.value, "status": Status.DRAFT.value,
                                "client_id": draft.data.client_id}  # fmt: skip
    originals = invoice_states(session, [d.corrects_id for d in drafts if d.corrects_id])
    credited = credited_totals(session, list(originals))
    clients = client_rows(session, {int(str(states[d.id]["client_id"])) for d in drafts})
    snapshots = {cid: Json(json.dumps(single._client_snapshot(c))) for cid, c in clients.items()}
    company = load_company(session)
    company_snapshot = Json(json.dumps(company.snapshot()))
    default_days = int(get_setting(session, "default_due_days"))
    numbers = NumberDraws(session)
    dates = [d.data.date or today for d in drafts]
    numbers.prepare([(d.doc_type.value, date) for d, date in zip(drafts, dates, strict=True)])
    issued = []
    replaced_taxes: set[int] = set()  # pending drafts whose tax rows issuing replaces
    new_taxes: set[int] = set()
    for index, draft in enumerate(drafts):
        state = states[draft.id]
        require(str(state["doc_type"]), str(state["status"]), Action.ISSUE, number=None)
        if not draft.data.lines:
            raise DomainError(
                "add at least one line before issuing", "invoice.line_items", code="no_lines"
            )
        client = clients[int(str(state["client_id"]))]
        if client.archived_at is not None:
            raise ConflictError(
                "client {customer_number} {name} is archived — restore it first",
                "invoice.client_id",
                code="client_archived",
                params={"customer_number": client.customer_number, "name": client.name},
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
                "the total is negative — write a credit note for the invoice it corrects instead",
                "invoice.line_items",
                code="negative_total",
            )
        kind = draft.doc_type
        number = numbers.draw(kind.value, date)
        texts = _texts(data, number, date, due_date, snapshots[client.id], company_snapshot)
        moment = moment_of(at, index)
        if totals is draft.totals and draft.id in pending:
            # The row waiting to be written holds these totals' figures already.
            figures: dict[str, object] = {}
            taxes: list[dict[str, object]] = []
        else:
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
        if draft.id in pending:
            pending[draft.id].update(row)
        else:
            rows.update("invoices", list(row), [row])
        if totals is not draft.totals:
            if draft.id in pending:
                replaced_taxes.add(draft.id)
            else:
                rows.connection.exec_driver_sql(
                    "DELETE FROM invoice_taxes WHERE invoice_id = ?", (draft.id,)
                )
            for tax in taxes:
                tax_id = rows.id("invoice_taxes")
                new_taxes.add(tax_id)
                rows.add("invoice_taxes", {**tax, "id": tax_id, "invoice_id": draft.id})
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
    if replaced_taxes:  # the draft's tax rows, not written yet, give way to the issued ones
        rows.rows["invoice_taxes"] = [
            tax for tax in rows.rows["invoice_taxes"]
            if tax["id"] in new_taxes or tax["invoice_id"] not in replaced_taxes
        ]  # fmt: skip
    numbers.finish()
    return issued


def _texts(
    data: InvoiceInput,
    number: str,
    date: dt.date,
    due_date: dt.date,
    client_snapshot: str,
    company_snapshot: str,
) -> dict[str, object]:
    """Title, intro and note with their placeholders filled, and the texts as written
    (``invoices._fill_placeholders``)."""
    texts = {"title": data.title, "intro": data.intro, "note": data.note}
    if not any("{" in text and placeholders.has_placeholders(text) for text in texts.values()):
        return {}  # (a placeholder is in braces: most texts are passed over without a search)
    invoice = Invoice(
        number=number, date=date, due_date=due_date, supply_date=data.supply_date,
        currency=data.currency or "EUR", client_snapshot=json.loads(client_snapshot),
        company_snapshot=json.loads(company_snapshot), **texts,
    )  # fmt: skip
    single._fill_placeholders(invoice)
    return {"title": invoice.title, "intro": invoice.intro, "note": invoice.note,
            "text_templates": invoice.text_templates}  # fmt: skip


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
            "credit notes for {number} would exceed its total {total}",
            "invoice.line_items",
            code="credit_exceeds_total",
            params={"number": o_number, "total": plain(gross, currency)},
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


def archive_documents(
    session: Session, ids: list[int], action: str, date: dt.date | None = None
) -> None:
    """Render and archive each document as the single-record use case does."""
    from invoicedesk.services.pdf_archive import CANCELLATION_PDF, INVOICE_PDF, archive_in

    kind = CANCELLATION_PDF if action == "cancelled" else INVOICE_PDF
    for invoice_id in ids:
        invoice = single._load(session, invoice_id)
        session.refresh(invoice)
        archive_in(session, invoice, kind=kind, date=date, action=action)
        session.expunge(invoice)
