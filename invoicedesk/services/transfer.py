"""Import and export: JSON records into the database, the database out as JSON or CSV.

Import (:func:`import_records`) writes a whole file in ONE write transaction:
either every record is stored or nothing is. Records are stored in the order
clients, products, invoices (each kind in file order), so an invoice can use a
product or client that comes later in the file. Invoices always become drafts.
Errors name the JSON path in the file (``invoices[3].line_items[0].tax_rate``,
``[3].invoice.client.email``).

Duplicates: customer and product numbers are unique. A client or product in
the file whose number already exists is an error and nothing is imported (the
import never updates existing records). An invoice's inline ``client`` is a
reference: it uses the client with the same customer number (or, without a
number, the same name and e-mail) and creates the client only when there is
none; a customer number that belongs to a client of another name is an error.

Export (:func:`export_all`) writes clients, products and invoices in the JSON
format of ``docs/json-format.md``; every invoice names its client by
``{"customer_number": …, "name": …}`` and carries a ``readonly`` block (id,
type, number, state, totals, payments) that the import ignores.
:func:`export_csv` writes one kind as CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from invoicedesk.core.document import TaxCategory
from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import DocType, State, effective_state
from invoicedesk.core.money import round_money
from invoicedesk.core.totals import TaxTotal
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Client, Invoice, Payment, Product
from invoicedesk.db.storage import storage_of
from invoicedesk.services import (
    clients,
    invoice_batches,
    invoices,
    json_format,
    products,
    settings,
)
from invoicedesk.services.clients import ClientView
from invoicedesk.services.inputs import ClientInput, InvoiceInput, ProductInput
from invoicedesk.services.invoices import InvoiceView, PaymentView
from invoicedesk.services.json_format import FileRecord, Record
from invoicedesk.services.products import ProductView

__all__ = [
    "CSV_COLUMNS",
    "KINDS",
    "ExportKind",
    "ImportSummary",
    "StoredInvoice",
    "export_all",
    "export_csv",
    "import_document",
    "import_records",
    "invoice_json",
    "price_text",
    "readonly_json",
]

ExportKind = Literal["clients", "products", "invoices"]
KINDS: tuple[ExportKind, ...] = ("clients", "products", "invoices")

CSV_COLUMNS: dict[ExportKind, tuple[str, ...]] = {
    "clients": (
        "id",
        "customer_number",
        "name",
        "kind",
        "first_name",
        "last_name",
        "email",
        "phone",
        "vat_id",
        "street",
        "street2",
        "zip",
        "city",
        "region",
        "country",
        "due_days",
        "currency",
        "language",
        "tags",
        "archived",
    ),
    "products": (
        "id",
        "number",
        "name",
        "description",
        "unit",
        "unit_price",
        "tax_rate",
        "tax_category",
        "price_basis",
        "archived",
    ),
    "invoices": (
        "id",
        "number",
        "doc_type",
        "client",
        "customer_number",
        "date",
        "due_date",
        "state",
        "currency",
        "net",
        "tax",
        "gross",
        "paid",
        "open",
        "title",
        "tags",
    ),
}
TAG_SEPARATOR = "; "  # tags in one CSV cell
_PAGE = 500

_T = TypeVar("_T")


# --------------------------------------------------------------------------- import


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import stored: new clients (listed or created for an invoice), products,
    invoice drafts; and the exported credit notes it skipped."""

    clients: int = 0
    products: int = 0
    invoices: int = 0
    skipped_credit_notes: int = 0

    def __str__(self) -> str:
        text = (
            f"Imported {_count(self.clients, 'client')}, {_count(self.products, 'product')} "
            f"and {_count(self.invoices, 'invoice')} (as drafts)"
        )
        if self.skipped_credit_notes:
            text += f"; skipped {_count(self.skipped_credit_notes, 'credit note')}"
        return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


_ORDER = {ClientInput: 0, ProductInput: 1, InvoiceInput: 2}
_KIND_NAMES = {ClientInput: "clients", ProductInput: "products", InvoiceInput: "invoices"}


def _located(records: Iterable[Record | FileRecord]) -> list[FileRecord]:
    """Records with their paths; bare records get the export-shape path (``clients[0]`` …)."""
    counters = dict.fromkeys(_KIND_NAMES.values(), 0)
    result = []
    for item in records:
        if isinstance(item, FileRecord):
            result.append(item)
            continue
        kind = _KIND_NAMES[type(item)]
        result.append(FileRecord(f"{kind}[{counters[kind]}]", item))
        counters[kind] += 1
    return sorted(result, key=lambda item: _ORDER[type(item.record)])  # stable: file order


def _rebased(field: str | None, path: str, prefix: str) -> str:
    """A service's field ``prefix.x`` (or the engine's ``x``) as a path into the file."""
    if field == prefix:
        return path
    if field and field.startswith(prefix + "."):
        return path + field[len(prefix) :]
    return path if not field else f"{path}.{field}"


def _invoice_error(exc: DomainError, record: InvoiceInput, path: str) -> DomainError:
    """A refusal of an invoice, its field made a path into the file."""
    if exc.field is None or exc.field.split(".")[0].split("[")[0] == "invoice":
        field = _rebased(exc.field, path, "invoice")
    else:  # the totals engine names fields relative to the invoice
        field = json_format.document_field_path(exc.field, record, path) or path
    return type(exc)(exc.message, field)


def _store(session: Session, items: list[FileRecord]) -> None:
    """Clients, then products, then invoices, each kind with its bulk use case."""
    client_items = [i for i in items if isinstance(i.record, ClientInput)]
    product_items = [i for i in items if isinstance(i.record, ProductInput)]
    invoice_items = [i for i in items if isinstance(i.record, InvoiceInput)]
    try:
        if client_items:
            clients.add_clients(
                session,
                [i.record for i in client_items if isinstance(i.record, ClientInput)],
                paths=[i.path for i in client_items],
            )
        if product_items:
            products.add_products(
                session,
                [i.record for i in product_items if isinstance(i.record, ProductInput)],
                paths=[i.path for i in product_items],
            )
    except DomainError as exc:
        raise _duplicate_hint(exc) from None
    records = [i.record for i in invoice_items if isinstance(i.record, InvoiceInput)]
    if records:

        def located(index: int, exc: DomainError) -> Exception:
            return _invoice_error(exc, records[index], invoice_items[index].path)

        invoice_batches.add_drafts(session, records, located=located)


def _duplicate_hint(exc: DomainError) -> DomainError:
    if "is already taken" in exc.message:
        return type(exc)(f"{exc.message} (the import creates new records only)", exc.field)
    return exc


def import_records(db: Database, records: Iterable[Record | FileRecord]) -> ImportSummary:
    """Store ``records`` in one write transaction: all of them, or none on any error.

    Clients first, then products, then invoices (as drafts), with the bulk use cases
    (``clients.add_clients``, ``products.add_products``, ``invoice_batches.add_drafts``).
    Pass the :class:`~invoicedesk.services.json_format.FileRecord` items of
    :func:`~invoicedesk.services.json_format.read_records` so errors name the
    JSON path in the file; bare records are named as in the export shape
    (``invoices[2]``). Exported credit notes are skipped and counted.
    """
    items = _located(records)
    stored = [item for item in items if not item.credit_note]
    with db.write() as session:
        clients_before = session.scalar(select(func.count(Client.id))) or 0
        products_before = session.scalar(select(func.count(Product.id))) or 0
        with storage_of(session).bulk_writes(session):
            _store(session, stored)
        session.flush()
        clients_after = session.scalar(select(func.count(Client.id))) or 0
        products_after = session.scalar(select(func.count(Product.id))) or 0
    if len(stored) > 1000:
        db.analyze()  # a large import changes what the planner should know
    return ImportSummary(
        clients=clients_after - clients_before,
        products=products_after - products_before,
        invoices=sum(1 for item in stored if isinstance(item.record, InvoiceInput)),
        skipped_credit_notes=len(items) - len(stored),
    )


def import_document(db: Database, text: str) -> ImportSummary:
    """Parse JSON text (any shape :func:`~json_format.read_records` reads) and import it."""
    return import_records(db, json_format.read_records(json_format.loads_document(text)))


# --------------------------------------------------------------------------- reading all


def _pages(fetch: Callable[[int, int], Sequence[_T]]) -> Iterator[_T]:
    offset = 0
    while True:
        page = fetch(_PAGE, offset)
        yield from page
        if len(page) < _PAGE:
            return
        offset += _PAGE


def _all_clients(db: Database) -> Iterator[ClientView]:
    return _pages(
        lambda limit, offset: clients.list_clients(
            db, include_archived=True, limit=limit, offset=offset
        )
    )


def _all_products(db: Database) -> Iterator[ProductView]:
    return _pages(
        lambda limit, offset: products.list_products(
            db, include_archived=True, limit=limit, offset=offset
        )
    )


@dataclass(frozen=True, slots=True)
class StoredInvoice:
    """What the export writes about one stored invoice or credit note.

    Amounts are rounded to the currency, as :class:`InvoiceView` has them;
    ``state`` is the effective state (overdue derived from the due date).
    """

    id: int
    doc_type: DocType
    number: str | None
    state: State
    client_name: str
    customer_number: str
    data: InvoiceInput
    net: Decimal
    tax: Decimal
    gross: Decimal
    amount_due: Decimal
    paid: Decimal
    open: Decimal
    taxes: tuple[TaxTotal, ...]
    corrects: str | None
    credit_notes: tuple[str, ...]
    issued_at: dt.datetime | None
    payments: tuple[PaymentView, ...]

    @classmethod
    def of(cls, view: InvoiceView) -> StoredInvoice:
        return cls(
            id=view.id,
            doc_type=view.doc_type,
            number=view.number,
            state=view.state,
            client_name=view.client_name,
            customer_number=view.customer_number,
            data=view.data,
            net=view.net,
            tax=view.tax,
            gross=view.gross,
            amount_due=view.amount_due,
            paid=view.paid_amount,
            open=view.open_amount,
            taxes=view.taxes,
            corrects=view.corrects_number,
            credit_notes=view.credit_note_numbers,
            issued_at=view.issued_at,
            payments=view.payments,
        )


def _all_invoices(db: Database, today: dt.date | None = None) -> Iterator[StoredInvoice]:
    """Every invoice and credit note by id, read in one transaction a batch at a time.

    (Reading them one by one with :func:`invoices.get_invoice` takes about nine
    queries each, far too slow for the 100,000 invoices a database may hold.)
    """
    today = today or dt.date.today()
    with db.read() as session:
        ids = list(session.scalars(select(Invoice.id).order_by(Invoice.id)))
        for start in range(0, len(ids), _PAGE):
            yield from _invoice_batch(session, ids[start : start + _PAGE], today)
            session.expunge_all()  # keep memory flat


def _invoice_batch(session: Session, ids: list[int], today: dt.date) -> list[StoredInvoice]:
    rows = session.scalars(
        select(Invoice)
        .where(Invoice.id.in_(ids))
        .options(
            joinedload(Invoice.client),
            selectinload(Invoice.lines),
            selectinload(Invoice.allowances_charges),
            selectinload(Invoice.taxes),
            selectinload(Invoice.tags),
        )
        .order_by(Invoice.id)
    ).all()
    payments: dict[int, list[PaymentView]] = {}
    for p in session.scalars(
        select(Payment).where(Payment.invoice_id.in_(ids)).order_by(Payment.date, Payment.id)
    ):
        payments.setdefault(p.invoice_id, []).append(invoices.payment_view(p))
    corrected_ids = {row.corrects_id for row in rows if row.corrects_id is not None}
    numbers = dict(
        session.execute(
            select(Invoice.id, Invoice.number).where(Invoice.id.in_(corrected_ids))
        ).all()
    )
    credit_notes: dict[int, list[str]] = {}
    for corrects_id, number in session.execute(
        select(Invoice.corrects_id, Invoice.number)
        .where(Invoice.corrects_id.in_(ids), Invoice.number.is_not(None))
        .order_by(Invoice.id)
    ):
        if corrects_id is not None and number is not None:  # as the query asks
            credit_notes.setdefault(corrects_id, []).append(number)
    result = []
    for row in rows:
        currency = row.currency
        result.append(
            StoredInvoice(
                id=row.id,
                doc_type=DocType(row.doc_type),
                number=row.number,
                state=effective_state(row.status, row.due_date, today, row.doc_type),
                client_name=invoices.shown_client_name(row, row.client),
                customer_number=row.client.customer_number,
                data=invoices.input_of(row),
                net=round_money(row.net, currency),
                tax=round_money(row.tax, currency),
                gross=round_money(row.gross, currency),
                amount_due=round_money(row.amount_due, currency),
                paid=round_money(row.paid_amount, currency),
                open=round_money(row.open_amount, currency),
                taxes=tuple(
                    TaxTotal(TaxCategory(t.category), t.rate, t.base, t.amount) for t in row.taxes
                ),
                corrects=numbers.get(row.corrects_id) if row.corrects_id else None,
                credit_notes=tuple(credit_notes.get(row.id, ())),
                issued_at=row.issued_at,
                payments=tuple(payments.get(row.id, ())),
            )
        )
    return result


# --------------------------------------------------------------------------- JSON export


def _money(amount: Decimal, currency: str) -> str:
    return format(round_money(amount, currency), "f")


def readonly_json(stored: StoredInvoice | InvoiceView) -> dict[str, object]:
    """What the database knows about a stored document beyond its input (export only)."""
    view = stored if isinstance(stored, StoredInvoice) else StoredInvoice.of(stored)
    currency = view.data.currency or "EUR"
    return {
        "id": view.id,
        "doc_type": view.doc_type.value,
        "number": view.number,
        "state": view.state.value,
        "currency": currency,
        "net": _money(view.net, currency),
        "tax": _money(view.tax, currency),
        "gross": _money(view.gross, currency),
        "amount_due": _money(view.amount_due, currency),
        "paid": _money(view.paid, currency),
        "open": _money(view.open, currency),
        "taxes": [
            {
                "category": tax.category.value,
                "rate": format(tax.rate.normalize(), "f"),
                "base": _money(tax.base, currency),
                "amount": _money(tax.amount, currency),
            }
            for tax in view.taxes
        ],
        "corrects": view.corrects,
        "credit_notes": list(view.credit_notes),
        "issued_at": view.issued_at.isoformat() if view.issued_at else None,
        "payments": [
            {
                "date": payment.date.isoformat(),
                "amount": _money(payment.amount, currency),
                "method": payment.method.value,
                "reference": payment.reference,
                "note": payment.note,
                "overpayment": payment.is_overpayment,
            }
            for payment in view.payments
        ],
    }


def invoice_json(stored: StoredInvoice | InvoiceView, company_currency: str) -> dict[str, object]:
    """A stored invoice as the export writes it: its input, the client as a portable
    reference (customer number and name) and the ``readonly`` block."""
    view = stored if isinstance(stored, StoredInvoice) else StoredInvoice.of(stored)
    data = view.data
    portable = replace(
        data,
        client_id=None,
        client=ClientInput(name=view.client_name, customer_number=view.customer_number),
        # The rate only means something for another currency than the company's.
        exchange_rate=None if data.currency == company_currency else data.exchange_rate,
        lines=tuple(replace(line, product_id=None) for line in data.lines),
    )
    out = json_format.invoice_to_json(portable)
    out[json_format.READONLY_KEY] = readonly_json(view)
    return out


def export_all(db: Database, kinds: Sequence[ExportKind] = KINDS) -> dict[str, object]:
    """The export document (``format_version``, ``clients``, ``products``, ``invoices``).

    Archived clients and products are included (invoices may refer to them);
    the archived flag itself is not part of the format. ``kinds`` limits the
    lists written.
    """
    for kind in kinds:
        if kind not in KINDS:
            raise DomainError(
                "cannot export '{kind}' (one of {choices})",
                "kind",
                params={"kind": kind, "choices": ", ".join(KINDS)},
            )
    document: dict[str, object] = {"format_version": json_format.FORMAT_VERSION}
    if "clients" in kinds:
        document["clients"] = [json_format.client_to_json(c.data) for c in _all_clients(db)]
    if "products" in kinds:
        document["products"] = [json_format.product_to_json(p.data) for p in _all_products(db)]
    if "invoices" in kinds:
        company_currency = settings.get_company(db).currency
        document["invoices"] = [invoice_json(v, company_currency) for v in _all_invoices(db)]
    return document


# --------------------------------------------------------------------------- CSV export


def _client_row(view: ClientView) -> dict[str, object]:
    data = view.data
    address = view.billing_address
    return {
        "id": view.id,
        "customer_number": view.customer_number,
        "name": data.name,
        "kind": data.kind.value,
        "first_name": data.first_name,
        "last_name": data.last_name,
        "email": data.email,
        "phone": data.phone,
        "vat_id": data.vat_id,
        "street": address.street if address else "",
        "street2": address.street2 if address else "",
        "zip": address.zip if address else "",
        "city": address.city if address else "",
        "region": address.region if address else "",
        "country": address.country if address else "",
        "due_days": data.due_days,
        "currency": data.currency,
        "language": data.language,
        "tags": TAG_SEPARATOR.join(data.tags),
        "archived": view.archived,
    }


def price_text(price: Decimal) -> str:
    """A unit price with at least 2 and at most its own decimals: ``95.00``, ``20.1234``."""
    exponent = price.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return format(price.quantize(Decimal("0.01")), "f")
    return format(price.normalize(), "f")


def _product_row(view: ProductView) -> dict[str, object]:
    data = view.data
    return {
        "id": view.id,
        "number": view.number,
        "name": data.name,
        "description": data.description,
        "unit": data.unit,
        "unit_price": price_text(data.unit_price),
        "tax_rate": data.tax_rate.normalize(),
        "tax_category": data.tax_category,
        "price_basis": data.price_basis.value,
        "archived": view.archived,
    }


def _invoice_row(view: StoredInvoice) -> dict[str, object]:
    currency = view.data.currency or "EUR"
    return {
        "id": view.id,
        "number": view.number,
        "doc_type": view.doc_type.value,
        "client": view.client_name,
        "customer_number": view.customer_number,
        "date": view.data.date,
        "due_date": view.data.due_date,
        "state": view.state.value,
        "currency": currency,
        "net": _money(view.net, currency),
        "tax": _money(view.tax, currency),
        "gross": _money(view.gross, currency),
        "paid": _money(view.paid, currency),
        "open": _money(view.open, currency),
        "title": view.data.title,
        "tags": TAG_SEPARATOR.join(view.data.tags),
    }


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def export_csv(db: Database, kind: str) -> str:
    """One kind (clients, products or invoices) as CSV text: a header, one row per record.

    Amounts are plain decimals with the currency's places (``17.26``, JPY
    ``1726``); unit prices with 2 to 4 places; dates ``YYYY-MM-DD``;
    tags joined with ``"; "``; ``archived`` is ``yes`` or ``no``. Credit notes
    are rows with ``doc_type`` ``credit_note`` and positive amounts.
    """
    rows: Iterable[dict[str, object]]
    if kind == "clients":
        rows, columns = map(_client_row, _all_clients(db)), CSV_COLUMNS["clients"]
    elif kind == "products":
        rows, columns = map(_product_row, _all_products(db)), CSV_COLUMNS["products"]
    elif kind == "invoices":
        rows, columns = map(_invoice_row, _all_invoices(db)), CSV_COLUMNS["invoices"]
    else:
        raise DomainError(
            "cannot export '{kind}' as CSV (one of {choices})",
            "kind",
            params={"kind": kind, "choices": ", ".join(KINDS)},
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[column]) for column in columns])
    return out.getvalue()
