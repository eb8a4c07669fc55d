"""Invoices and credit notes: drafts, issue, cancel/uncancel, clone, credit notes, reading.

Each public function is one transaction. Drafts are recomputed by the totals
engine on every save; issuing freezes number, dates, addresses and totals, and
from then on any change is refused with a message saying what to do instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from invoicedesk.core import placeholders
from invoicedesk.core.document import (
    AllowanceCharge,
    CashDiscountTerms,
    Discount,
    LineItem,
    PriceBasis,
    TaxCategory,
)
from invoicedesk.core.errors import ConflictError, DomainError, NotFoundError
from invoicedesk.core.lifecycle import (
    DocType,
    State,
    Status,
    effective_state,
    status_after_payment,
)
from invoicedesk.core.money import (
    HUNDRED,
    MAX_AMOUNT,
    MAX_QUANTITY,
    PRICE_PLACES,
    minor_unit,
    parse_decimal,
    plain,
    round_money,
    validate_currency,
)
from invoicedesk.core.rules import Action, require
from invoicedesk.core.totals import TaxTotal, Totals, compute_totals
from invoicedesk.db.engine import Database
from invoicedesk.db.models import (
    Client,
    Invoice,
    InvoiceAllowanceCharge,
    InvoiceLine,
    InvoiceTax,
    Payment,
    Product,
)
from invoicedesk.db.types import utcnow
from invoicedesk.services import validation as check
from invoicedesk.services.audit import AuditView, audit_entries, record
from invoicedesk.services.clients import add_client, require_client
from invoicedesk.services.document_texts import text_language
from invoicedesk.services.inputs import (
    ClientInput,
    InvoiceInput,
    PaymentMethod,
    SupplyType,
    document_of,
)
from invoicedesk.services.numbering import draw_number
from invoicedesk.services.products import validate_tax
from invoicedesk.services.settings import get_setting, load_company
from invoicedesk.services.tags import clean_tags, resolve_tags

MAX_LINES = 1000


@dataclass(frozen=True, slots=True)
class PaymentView:
    id: int
    invoice_id: int
    date: dt.date
    amount: Decimal
    method: PaymentMethod
    reference: str
    note: str
    is_overpayment: bool
    credit_note_id: int | None


def payment_view(p: Payment) -> PaymentView:
    return PaymentView(
        id=p.id,
        invoice_id=p.invoice_id,
        date=p.date,
        amount=p.amount,
        method=PaymentMethod(p.method),
        reference=p.reference,
        note=p.note,
        is_overpayment=p.is_overpayment,
        credit_note_id=p.credit_note_id,
    )


@dataclass(frozen=True, slots=True)
class InvoiceView:
    """One invoice as read: its input data, live totals, frozen figures, payments and history."""

    id: int
    doc_type: DocType
    number: str | None
    status: Status
    state: State
    client_id: int
    client_name: str
    customer_number: str
    data: InvoiceInput
    totals: Totals
    # Stored figures: frozen at issue, so they never move when settings or code change.
    net: Decimal
    tax: Decimal
    gross: Decimal
    amount_due: Decimal
    paid_amount: Decimal
    open_amount: Decimal
    taxes: tuple[TaxTotal, ...]
    client_snapshot: dict[str, object] | None
    company_snapshot: dict[str, object] | None
    corrects_id: int | None
    corrects_number: str | None
    credit_note_numbers: tuple[str, ...]
    payments: tuple[PaymentView, ...]
    history: tuple[AuditView, ...]
    issued_at: dt.datetime | None
    sent_at: dt.datetime | None = None  # the last time it went out by email
    sent_to: tuple[str, ...] = ()  # to whom, then

    @property
    def is_draft(self) -> bool:
        return self.status is Status.DRAFT

    @property
    def display_number(self) -> str:
        return self.number or f"Draft {self.id}"


# --------------------------------------------------------------------------- validation


def _money(value: Decimal, field: str, places: int, *, negative: bool = True) -> Decimal:
    return parse_decimal(value, field, places=places, allow_negative=negative)


def _discount(
    value: Discount | None, field: str, places: int, *, negative: bool = False
) -> Discount | None:
    """A validated discount; ``negative`` allows a negative amount (the discount of a return)."""
    if value is None:
        return None
    if (value.percent is None) == (value.amount is None):
        raise DomainError("give either a percent or an amount", field)
    if value.percent is not None:
        percent = parse_decimal(value.percent, field, places=4, allow_negative=False)
        if percent > HUNDRED:
            raise DomainError("{percent}% is more than 100%", field, params={"percent": percent})
        return Discount(percent=percent) if percent else None
    assert value.amount is not None
    amount = _money(value.amount, field, places, negative=negative)
    return Discount(amount=amount) if amount else None


@lru_cache(maxsize=4096)
def _line_fields(path: str, index: int) -> tuple[str, ...]:
    """The names a refusal of line ``index`` gives its fields (made once, not per line)."""
    p = f"{path}.line_items[{index}]"
    names = ("name", "description", "unit", "product_number", "quantity", "unit_price",
             "discount")  # fmt: skip
    return (p, *(f"{p}.{name}" for name in names))


def _validated(inp: InvoiceInput, currency: str, path: str = "invoice") -> InvoiceInput:
    """The input checked field by field, with defaults filled in."""
    places = minor_unit(currency)
    if len(inp.lines) > MAX_LINES:
        raise DomainError(
            "at most {max_lines} lines per invoice",
            f"{path}.line_items",
            params={"max_lines": MAX_LINES},
        )
    lines = []
    for i, line in enumerate(inp.lines):
        p, name, description, unit, number, quantity, price, discount = _line_fields(path, i)
        rate, category = validate_tax(line.tax_rate, line.tax_category, p)
        lines.append(
            LineItem(  # built whole: dataclasses.replace costs more than the checks here
                product_id=line.product_id,
                from_product=line.from_product,
                name=check.text(line.name, name, max_length=300, required=True),
                description=check.text(
                    line.description, description, max_length=5000, multiline=True
                ),
                unit=check.text(line.unit, unit, max_length=30),
                product_number=check.text(line.product_number, number, max_length=40),
                quantity=parse_decimal(
                    line.quantity, quantity, places=PRICE_PLACES, maximum_abs=MAX_QUANTITY
                ),
                unit_price=parse_decimal(
                    line.unit_price, price, places=PRICE_PLACES, maximum_abs=MAX_AMOUNT
                ),
                tax_rate=rate,
                tax_category=category,
                discount=_discount(line.discount, discount, places, negative=True),
            )
        )
    extras = []
    counts = {True: 0, False: 0}  # the JSON format lists allowances and charges apart
    for item in inp.allowances_charges:
        i = counts[item.is_charge]
        counts[item.is_charge] += 1
        p = f"{path}.{'charges' if item.is_charge else 'allowances'}[{i}]"
        value = _discount(item.value, p, places)
        if value is None:
            raise DomainError("an allowance or charge needs a non-zero amount or percent", p)
        item_rate: Decimal | None = None
        item_category: TaxCategory | None = None
        if item.tax_rate is not None:
            item_rate, item_category = validate_tax(item.tax_rate, item.tax_category, p)
        extras.append(
            replace(
                item,
                value=value,
                reason=check.text(item.reason, f"{p}.reason", max_length=200),
                tax_rate=item_rate,
                tax_category=item_category,
            )
        )
    if inp.due_days is not None:
        check.due_days(inp.due_days, f"{path}.due_days")
    for name in ("date", "supply_date", "supply_end_date", "due_date"):
        check.date_in_range(getattr(inp, name), f"{path}.{name}")
    if inp.date and inp.due_date and inp.due_date < inp.date:
        raise DomainError(
            "the due date lies before the invoice date", f"{path}.due_date", code="due_before_issue"
        )
    if inp.supply_date and inp.supply_end_date and inp.supply_end_date < inp.supply_date:
        raise DomainError(
            "the end of the supply period lies before its start", f"{path}.supply_end_date"
        )
    cash = inp.cash_discount
    if cash is not None:
        cash_rate = parse_decimal(
            cash.rate, f"{path}.cash_discount.rate", places=2, allow_negative=False
        )
        if not 0 < cash_rate < HUNDRED:
            raise DomainError(
                "the cash discount rate lies between 0 and 100", f"{path}.cash_discount.rate"
            )
        check.due_days(cash.days, f"{path}.cash_discount.days")
        cash = CashDiscountTerms(cash_rate, cash.days)
    try:
        supply_type = SupplyType(inp.supply_type)
    except ValueError:
        raise DomainError("is 'delivery' or 'service'", f"{path}.supply_type") from None
    try:
        basis = PriceBasis(inp.price_basis)
    except ValueError:
        raise DomainError("is 'net' or 'gross'", f"{path}.price_basis") from None
    return replace(
        inp,
        currency=currency,
        price_basis=basis,
        supply_type=supply_type,
        title=check.text(inp.title, f"{path}.title", max_length=200),
        label=check.text(inp.label, f"{path}.label", max_length=200),
        intro=check.text(inp.intro, f"{path}.intro", max_length=10_000, multiline=True),
        note=check.text(inp.note, f"{path}.note", max_length=10_000, multiline=True),
        adjustment_reason=check.text(
            inp.adjustment_reason, f"{path}.adjustment_reason", max_length=200
        ),
        tags=tuple(clean_tags(inp.tags, f"{path}.tags")),
        lines=tuple(lines),
        allowances_charges=tuple(extras),
        discount=_discount(inp.discount, f"{path}.discount", places),
        prepaid=_money(inp.prepaid, f"{path}.prepaid", places, negative=False),
        adjustment=_money(inp.adjustment, f"{path}.adjustment", places),
        cash_discount=cash,
    )


def _exchange_rate(inp: InvoiceInput, currency: str, company_currency: str, path: str) -> Decimal:
    if inp.exchange_rate is None:
        if currency == company_currency:
            return Decimal(1)
        raise DomainError(
            "an exchange rate is needed for {currency} (how many {company_currency} one "
            "{currency} is worth)",
            f"{path}.exchange_rate",
            params={"currency": currency, "company_currency": company_currency},
        )
    rate = parse_decimal(inp.exchange_rate, f"{path}.exchange_rate", places=4, allow_negative=False)
    if rate <= 0:
        raise DomainError("the exchange rate must be above 0", f"{path}.exchange_rate")
    if currency == company_currency and rate != 1:
        raise DomainError(
            "the invoice is in the company currency {currency}; its exchange rate is 1",
            f"{path}.exchange_rate",
            params={"currency": currency},
        )
    return rate


# --------------------------------------------------------------------------- storing


def draft_rows(
    inp: InvoiceInput, rate: Decimal, totals: Totals
) -> tuple[dict[str, object], list[dict[str, object]], list[dict[str, object]]]:
    """The stored form of a (validated) input: the invoice's own fields, its lines and its
    allowances/charges (rows without ids) — for the ORM here and the bulk writers alike."""
    fields: dict[str, object] = {
        "date": inp.date,
        "supply_date": inp.supply_date,
        "supply_end_date": inp.supply_end_date,
        "supply_type": SupplyType(inp.supply_type).value,
        "due_date": inp.due_date,
        "due_days": inp.due_days,
        "currency": inp.currency or "EUR",
        "exchange_rate": rate,
        "price_basis": PriceBasis(inp.price_basis).value,
        "title": inp.title,
        "label": inp.label,
        "intro": inp.intro,
        "note": inp.note,
        "discount_percent": inp.discount.percent if inp.discount else None,
        "discount_amount": inp.discount.amount if inp.discount else None,
        "prepaid": inp.prepaid,
        "adjustment": inp.adjustment,
        "adjustment_reason": inp.adjustment_reason,
        "cash_discount_rate": inp.cash_discount.rate if inp.cash_discount else None,
        "cash_discount_days": inp.cash_discount.days if inp.cash_discount else None,
    }
    lines: list[dict[str, object]] = [
        {
            "position": i + 1,
            "product_id": line.product_id,
            "product_number": line.product_number,
            "name": line.name,
            "description": line.description,
            "quantity": line.quantity,
            "unit": line.unit,
            "unit_price": line.unit_price,
            "discount_percent": line.discount.percent if line.discount else None,
            "discount_amount": line.discount.amount if line.discount else None,
            "tax_rate": line.tax_rate,
            "tax_category": TaxCategory(line.tax_category).value,
            "net_amount": line_total.net_amount,
        }
        for i, (line, line_total) in enumerate(zip(inp.lines, totals.lines, strict=True))
    ]
    extras: list[dict[str, object]] = [
        {
            "position": i + 1,
            "is_charge": item.is_charge,
            "reason": item.reason,
            "percent": item.value.percent,
            "amount": item.value.amount,
            "tax_rate": item.tax_rate,
            "tax_category": item.tax_category.value if item.tax_category else None,
        }
        for i, item in enumerate(inp.allowances_charges)
    ]
    return fields, lines, extras


def totals_rows(
    totals: Totals, rate: Decimal, company_currency: str, status: str, paid: Decimal
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The stored figures of ``totals`` and the tax breakdown rows (without ids)."""
    # A draft is not receivable yet: nothing is open until it is issued.
    is_draft = status == Status.DRAFT.value
    fields: dict[str, object] = {
        "line_total": totals.line_total,
        "allowance_total": totals.allowances,
        "charge_total": totals.charges,
        "net": totals.net,
        "tax": totals.tax,
        "gross": totals.gross,
        "amount_due": totals.due,
        "net_company": round_money(totals.net * rate, company_currency),
        "gross_company": round_money(totals.gross * rate, company_currency),
        "open_amount": Decimal(0) if is_draft else totals.due - paid,
    }
    taxes: list[dict[str, object]] = [
        {"position": i, "category": t.category.value, "rate": t.rate, "base": t.base,
         "amount": t.amount}
        for i, t in enumerate(totals.taxes)
    ]  # fmt: skip
    return fields, taxes


def _store_input(
    session: Session, invoice: Invoice, inp: InvoiceInput, rate: Decimal, company_currency: str
) -> Totals:
    """Write the (validated) input onto the row and recompute its totals."""
    totals = compute_totals(document_of(inp))
    fields, lines, extras = draft_rows(inp, rate, totals)
    for name, value in fields.items():
        setattr(invoice, name, value)
    invoice.tags = resolve_tags(session, inp.tags)
    invoice.lines = [InvoiceLine(**row) for row in lines]
    invoice.allowances_charges = [InvoiceAllowanceCharge(**row) for row in extras]
    _store_totals(invoice, totals, company_currency)
    return totals


def _store_totals(invoice: Invoice, totals: Totals, company_currency: str) -> None:
    fields, taxes = totals_rows(
        totals, invoice.exchange_rate, company_currency, invoice.status, invoice.paid_amount
    )
    for name, value in fields.items():
        setattr(invoice, name, value)
    invoice.taxes = [InvoiceTax(**row) for row in taxes]


def _resolve_client(
    session: Session, inp: InvoiceInput, known: dict[tuple[str, ...], Client] | None = None
) -> Client:
    """The draft's client; an inline client is matched or created. ``known`` remembers the
    inline clients met so far in a batch (the same match as the query, without it)."""
    if (inp.client_id is None) == (inp.client is None):
        raise DomainError("choose a client", "invoice.client_id")
    if inp.client is not None:
        data = inp.client
        number = (data.customer_number or "").strip()
        key = ("number", number) if number else ("name", data.name.strip(), data.email.strip())
        client = known.get(key) if known is not None else None
        if client is None:
            client = _matching_client(session, data)
        if client is None:
            client = add_client(session, data, "invoice.client")
        else:
            if number and client.name != data.name.strip():
                # A reference by number never quietly attaches the invoice to another client.
                raise DomainError(
                    "customer number {number} belongs to the client {name!r}, not {typed!r}",
                    "invoice.client.customer_number",
                    params={"number": number, "name": client.name, "typed": data.name.strip()},
                )
            client = require_client(session, client.id, "invoice.client")
        if known is not None:
            known[key] = client
        return client
    assert inp.client_id is not None
    return require_client(session, inp.client_id, "invoice.client_id")


def _matching_client(session: Session, data: ClientInput) -> Client | None:
    """An existing client an inline client means: same customer number, else same name and
    e-mail (so importing many invoices for one client does not create it many times)."""
    number = (data.customer_number or "").strip()
    if number:
        return session.scalar(select(Client).where(Client.customer_number == number))
    return session.scalar(
        select(Client)
        .where(Client.name == data.name.strip(), Client.email == data.email.strip())
        .order_by(Client.id)
        .limit(1)
    )


def _link_products(session: Session, lines: tuple[LineItem, ...]) -> tuple[LineItem, ...]:
    """Check the products lines refer to; link lines that name a known product number."""
    given = {line.product_id for line in lines if line.product_id is not None}
    if given:
        known = set(session.scalars(select(Product.id).where(Product.id.in_(given))))
        for i, line in enumerate(lines):
            if line.product_id is not None and line.product_id not in known:
                raise NotFoundError(
                    "there is no product with id {product_id}",
                    f"invoice.line_items[{i}].product_id",
                    code="product_not_found",
                    params={"product_id": line.product_id},
                )
    numbers = {line.product_number for line in lines if line.product_number and not line.product_id}
    if not numbers:
        return lines
    query = select(Product.number, Product.id).where(Product.number.in_(numbers))
    ids = {number: product_id for number, product_id in session.execute(query)}
    return tuple(
        replace(line, product_id=ids.get(line.product_number)) if not line.product_id else line
        for line in lines
    )


def products_named(session: Session, inputs: Iterable[InvoiceInput]) -> dict[str, Product]:
    """The products the lines of ``inputs`` take fields from, by number (one query; for
    :func:`_fill_from_products` in bulk)."""
    numbers = {line.product_number for inp in inputs for line in inp.lines if line.from_product}
    found: dict[str, Product] = {}
    ordered = sorted(numbers)
    for first in range(0, len(ordered), 500):
        chunk = ordered[first : first + 500]
        for product in session.scalars(select(Product).where(Product.number.in_(chunk))):
            found[product.number] = product
    return found


def _fill_from_products(
    session: Session,
    lines: tuple[LineItem, ...],
    basis: PriceBasis,
    catalogue: Mapping[str, Product] | None = None,
) -> tuple[LineItem, ...]:
    """Lines that name only their product (an import) take name, price, tax, unit and
    description from it; a price kept net on the product becomes gross on a gross-priced
    invoice and the other way round (rounded to the price's four places, half-up).
    ``catalogue``: the products looked up already (:func:`products_named`)."""
    if not any(line.from_product for line in lines):
        return lines
    filled = []
    for index, line in enumerate(lines):
        if not line.from_product:
            filled.append(line)
            continue
        if catalogue is not None:
            product = catalogue.get(line.product_number)
        else:
            query = select(Product).where(Product.number == line.product_number)
            product = session.scalar(query)
        if product is None and line.from_product <= {"unit", "description"}:
            # A complete line may name a product that is not in the catalogue.
            filled.append(replace(line, from_product=frozenset()))
            continue
        if product is None:
            raise NotFoundError(
                "there is no product with number '{product_number}' (the line takes what it "
                "leaves out from it)",
                f"invoice.line_items[{index}].product_number",
                params={"product_number": line.product_number},
            )
        price = product.unit_price
        if PriceBasis(product.price_basis) is not basis and product.tax_rate:
            factor = 1 + product.tax_rate / 100
            price = price * factor if basis is PriceBasis.GROSS else price / factor
            price = price.quantize(Decimal(1).scaleb(-PRICE_PLACES), ROUND_HALF_UP)
        wanted = line.from_product
        filled.append(
            replace(
                line,
                name=product.name if "name" in wanted else line.name,
                unit_price=price if "unit_price" in wanted else line.unit_price,
                tax_rate=product.tax_rate if "tax_rate" in wanted else line.tax_rate,
                tax_category=(
                    TaxCategory(product.tax_category) if "tax_rate" in wanted else line.tax_category
                ),
                unit=product.unit if "unit" in wanted else line.unit,
                description=product.description if "description" in wanted else line.description,
                product_id=product.id,
                from_product=frozenset(),
            )
        )
    return tuple(filled)


def _prepare(session: Session, inp: InvoiceInput) -> tuple[Client, InvoiceInput, Decimal, str]:
    client = _resolve_client(session, inp)
    company = load_company(session)
    currency = validate_currency(
        inp.currency or client.currency or company.currency, "invoice.currency"
    )
    inp = replace(inp, lines=_fill_from_products(session, inp.lines, PriceBasis(inp.price_basis)))
    data = _validated(replace(inp, client_id=client.id, client=None), currency)
    data = replace(data, lines=_link_products(session, data.lines))
    rate = _exchange_rate(data, currency, company.currency, "invoice")
    return client, data, rate, company.currency


def add_draft(session: Session, inp: InvoiceInput, doc_type: DocType = DocType.INVOICE) -> Invoice:
    """Create a draft inside the caller's transaction (imports use this)."""
    client, data, rate, company_currency = _prepare(session, inp)
    invoice = Invoice(doc_type=doc_type.value, status=Status.DRAFT.value, client_id=client.id)
    invoice.paid_amount = Decimal(0)
    _store_input(session, invoice, data, rate, company_currency)
    session.add(invoice)
    session.flush()
    record(session, "invoice", invoice.id, "created", "Draft created", to_state=Status.DRAFT.value)
    return invoice


def create_draft(db: Database, inp: InvoiceInput) -> InvoiceView:
    with db.write() as session:
        invoice = add_draft(session, inp)
        return _view(session, invoice)


def _load(session: Session, invoice_id: int) -> Invoice:
    invoice = session.get(
        Invoice,
        invoice_id,
        options=[
            selectinload(Invoice.lines),
            selectinload(Invoice.allowances_charges),
            selectinload(Invoice.taxes),
            selectinload(Invoice.tags),
        ],
    )
    if invoice is None:
        raise NotFoundError(
            "there is no invoice with id {invoice_id}",
            "invoice",
            code="invoice_not_found",
            params={"invoice_id": invoice_id},
        )
    return invoice


def update_draft(db: Database, invoice_id: int, inp: InvoiceInput) -> InvoiceView:
    with db.write() as session:
        invoice = _load(session, invoice_id)
        require(invoice.doc_type, invoice.status, Action.EDIT, number=invoice.number)
        client, data, rate, company_currency = _prepare(session, inp)
        if invoice.corrects_id is not None:
            _require_same_party(session, invoice.corrects_id, client.id, data.currency or "")
        invoice.client_id = client.id
        _store_input(session, invoice, data, rate, company_currency)
        record(session, "invoice", invoice.id, "updated", "Draft saved")
        session.flush()
        return _view(session, invoice)


def _require_same_party(session: Session, original_id: int, client_id: int, currency: str) -> None:
    """A credit note stays with the client and currency of the invoice it corrects."""
    original = session.get(Invoice, original_id)
    assert original is not None
    if client_id != original.client_id:
        raise DomainError(
            "a credit note goes to the client of {number}; it cannot change client",
            "invoice.client_id",
            params={"number": original.number},
        )
    if currency != original.currency:
        raise DomainError(
            "a credit note is in the currency of {number} ({currency})",
            "invoice.currency",
            params={"number": original.number, "currency": original.currency},
        )


def delete_draft(db: Database, invoice_id: int) -> None:
    with db.write() as session:
        invoice = _load(session, invoice_id)
        require(invoice.doc_type, invoice.status, Action.DELETE, number=invoice.number)
        record(session, "invoice", invoice.id, "deleted", "Draft deleted", from_state="draft")
        session.delete(invoice)


# --------------------------------------------------------------------------- issuing


CREDIT_NOTE_INTROS = {
    "en": "We credit you the following items of invoice {number}:",
    "de": "Wir schreiben Ihnen die folgenden Positionen der Rechnung {number} gut:",
}


def credit_note_intro(language: str, number: str) -> str:
    """The opening sentence of a credit note in ``language`` (a client's language code;
    those without PDF labels get English, as the labels do)."""
    return CREDIT_NOTE_INTROS[text_language(language)].format(number=number)


def shown_client_name(invoice: Invoice, client: Client) -> str:
    """The name an invoice shows: an issued one keeps the name it was issued to (as its PDF
    does) when the client is renamed later; a draft shows the client's current name."""
    name = (invoice.client_snapshot or {}).get("name")
    return name if isinstance(name, str) and name else client.name


class _SnapshotAddress(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def recipient(self) -> str: ...
    @property
    def street(self) -> str: ...
    @property
    def street2(self) -> str: ...
    @property
    def zip(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def country(self) -> str: ...


class _SnapshotContact(Protocol):
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...


class SnapshotSource(Protocol):
    """What a client snapshot is taken from: a :class:`Client`, or the plain rows the bulk
    use cases read (``invoice_batches``)."""

    @property
    def name(self) -> str: ...
    @property
    def customer_number(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def vat_id(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def addresses(self) -> Sequence[_SnapshotAddress]: ...
    @property
    def contacts(self) -> Sequence[_SnapshotContact]: ...


def _client_snapshot(client: SnapshotSource) -> dict[str, object]:
    billing = next((a for a in client.addresses if a.kind == "billing"), None)
    billing = billing or (client.addresses[0] if client.addresses else None)
    contact = client.contacts[0] if client.contacts else None
    return {
        "name": client.name,
        "customer_number": client.customer_number,
        "kind": client.kind,
        "first_name": client.first_name,
        "last_name": client.last_name,
        "email": client.email,
        "vat_id": client.vat_id,
        "language": client.language,
        "address": {
            "recipient": billing.recipient,
            "street": billing.street,
            "street2": billing.street2,
            "zip": billing.zip,
            "city": billing.city,
            "region": billing.region,
            "country": billing.country,
        }
        if billing
        else None,
        "contact": (
            " ".join(p for p in (contact.first_name, contact.last_name) if p) if contact else ""
        ),
    }


def input_of(invoice: Invoice) -> InvoiceInput:
    """Rebuild the input a stored invoice was written from."""
    return InvoiceInput(
        client_id=invoice.client_id,
        date=invoice.date,
        supply_date=invoice.supply_date,
        supply_end_date=invoice.supply_end_date,
        supply_type=SupplyType(invoice.supply_type),
        due_date=invoice.due_date,
        due_days=invoice.due_days,
        currency=invoice.currency,
        exchange_rate=invoice.exchange_rate,
        price_basis=PriceBasis(invoice.price_basis),
        title=invoice.title,
        label=invoice.label,
        intro=invoice.intro,
        note=invoice.note,
        tags=tuple(t.name for t in invoice.tags),
        lines=tuple(
            LineItem(
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_rate=line.tax_rate,
                tax_category=TaxCategory(line.tax_category),
                discount=_stored_discount(line.discount_percent, line.discount_amount),
                name=line.name,
                description=line.description,
                unit=line.unit,
                product_number=line.product_number,
                product_id=line.product_id,
            )
            for line in invoice.lines
        ),
        allowances_charges=tuple(
            AllowanceCharge(
                is_charge=item.is_charge,
                value=_stored_discount(item.percent, item.amount) or Discount(amount=Decimal(0)),
                reason=item.reason,
                tax_rate=item.tax_rate,
                tax_category=TaxCategory(item.tax_category) if item.tax_category else None,
            )
            for item in invoice.allowances_charges
        ),
        discount=_stored_discount(invoice.discount_percent, invoice.discount_amount),
        prepaid=invoice.prepaid,
        adjustment=invoice.adjustment,
        adjustment_reason=invoice.adjustment_reason,
        cash_discount=(
            CashDiscountTerms(invoice.cash_discount_rate, invoice.cash_discount_days or 0)
            if invoice.cash_discount_rate is not None
            else None
        ),
    )


def _stored_discount(percent: Decimal | None, amount: Decimal | None) -> Discount | None:
    if percent is not None:
        return Discount(percent=percent)
    if amount is not None:
        return Discount(amount=amount)
    return None


def _due_date(session: Session, invoice: Invoice, client: Client, date: dt.date) -> dt.date:
    return due_date_of(
        invoice.due_date,
        invoice.due_days,
        client.due_days,
        lambda: int(get_setting(session, "default_due_days")),
        date,
    )


def due_date_of(
    due_date: dt.date | None,
    due_days: int | None,
    client_days: int | None,
    default_days: Callable[[], int],
    date: dt.date,
) -> dt.date:
    """The due date an issue gives: the one set, else the invoice's, the client's or the
    company's payment terms counted from ``date``."""
    if due_date is not None:
        if due_date < date:
            raise DomainError(
                "the due date lies before the invoice date",
                "invoice.due_date",
                code="due_before_issue",
            )
        return due_date
    days = due_days
    if days is None:
        days = client_days
    if days is None:
        days = default_days()
    return date + dt.timedelta(days=days)


def _free_number(session: Session, doc_type: str, date: dt.date) -> str:
    """The next number not yet on any document. After a change of pattern the sequence can
    meet a number that exists (say, typed into an import); that value is skipped, never
    reused."""
    while True:
        number = draw_number(session, doc_type, date)
        if session.scalar(select(Invoice.id).where(Invoice.number == number)) is None:
            return number


def _fill_placeholders(invoice: Invoice) -> None:
    """Fill ``{number}`` and the other placeholders of the title, intro and note, once the
    number is known: the issued document stores its final texts."""
    texts = {"title": invoice.title, "intro": invoice.intro, "note": invoice.note}
    if not any(placeholders.has_placeholders(text) for text in texts.values()):
        return
    from invoicedesk.pdf.labels import Formatter  # Babel: only when a text needs it
    from invoicedesk.services.pdf_build import locale_of

    client = invoice.client_snapshot or {}
    company = invoice.company_snapshot or {}
    address = client.get("address")
    country = str(address.get("country") or "") if isinstance(address, dict) else ""
    fmt = Formatter(locale_of(str(client.get("language") or "en"), country), invoice.currency)
    values = {
        "invoice.number": invoice.number or "",
        "invoice.date": fmt.date(invoice.date),
        "invoice.due_date": fmt.date(invoice.due_date),
        "invoice.supply_date": fmt.date(invoice.supply_date),
        "invoice.currency": invoice.currency,
        "client.name": str(client.get("name") or ""),
        "client.customer_number": str(client.get("customer_number") or ""),
        "company.name": str(company.get("name") or ""),
    }
    # Kept as written: a clone of this document starts from the placeholders again.
    invoice.text_templates = {
        name: text for name, text in texts.items() if placeholders.has_placeholders(text)
    }
    limits = {"title": 200, "intro": 10_000, "note": 10_000}
    for name, text in texts.items():
        filled = placeholders.fill(text, values)
        if len(filled) > limits[name]:
            raise DomainError(
                "is too long with its placeholders filled in "
                "({length} characters, at most {limit})",
                f"invoice.{name}",
                params={"length": len(filled), "limit": limits[name]},
            )
        setattr(invoice, name, filled)


def issue_in(session: Session, invoice: Invoice, today: dt.date) -> None:
    """Issue ``invoice`` inside the caller's write transaction."""
    require(invoice.doc_type, invoice.status, Action.ISSUE, number=invoice.number)
    kind = DocType(invoice.doc_type)
    if not invoice.lines:
        raise DomainError(
            "add at least one line before issuing", "invoice.line_items", code="no_lines"
        )
    client = session.get(
        Client,
        invoice.client_id,
        options=[selectinload(Client.addresses), selectinload(Client.contacts)],
    )
    assert client is not None  # the foreign key guarantees it
    if client.archived_at is not None:
        raise ConflictError(
            "client {customer_number} {name} is archived — restore it first",
            "invoice.client_id",
            code="client_archived",
            params={"customer_number": client.customer_number, "name": client.name},
        )
    date = invoice.date or today
    invoice.date = date
    invoice.due_date = _due_date(session, invoice, client, date)
    invoice.client_snapshot = _client_snapshot(client)
    company = load_company(session)
    invoice.company_snapshot = company.snapshot()
    totals = compute_totals(document_of(input_of(invoice), date))
    if totals.gross < 0:
        raise DomainError(
            "the total is negative — write a credit note for the invoice it corrects instead",
            "invoice.line_items",
            code="negative_total",
        )
    invoice.number = _free_number(session, kind.value, date)
    _fill_placeholders(invoice)
    invoice.status = Status.OPEN.value
    invoice.paid_amount = Decimal(0)
    _store_totals(invoice, totals, company.currency)
    invoice.issued_at = utcnow()
    session.flush()
    if kind is DocType.CREDIT_NOTE:
        _settle_with_credit_note(session, invoice)
    invoice.status = status_after_payment(invoice.amount_due, invoice.paid_amount).value
    if invoice.status == Status.PAID.value:
        invoice.paid_at = date
    record(
        session,
        "invoice",
        invoice.id,
        "issued",
        f"{'Credit note' if kind is DocType.CREDIT_NOTE else 'Invoice'} {invoice.number} issued",
        from_state=Status.DRAFT.value,
        to_state=invoice.status,
        details={"gross": str(invoice.gross), "currency": invoice.currency},
    )
    # The PDF as issued, archived in this transaction: if it cannot be made, nothing is issued.
    from invoicedesk.services.pdf_archive import archive_in  # it imports this module

    session.flush()
    archive_in(session, invoice, action="issued")


def _settle_with_credit_note(session: Session, credit_note: Invoice) -> None:
    """Set an issued credit note against the invoice it corrects.

    The credit note's amount first reduces what is still open on that invoice
    (booked there as a payment of method ``credit_note``); whatever remains is
    owed to the client and stays open on the credit note until refunded.
    """
    original = session.get(Invoice, credit_note.corrects_id) if credit_note.corrects_id else None
    if original is None:
        return
    # The invoice may have been cancelled since the credit note draft was made.
    require(original.doc_type, original.status, Action.CREATE_CREDIT_NOTE, number=original.number)
    credited = session.scalar(
        select(func.coalesce(func.sum(Invoice.gross), 0)).where(
            Invoice.corrects_id == original.id,
            Invoice.status != Status.DRAFT.value,
            Invoice.status != Status.CANCELLED.value,
        )
    )
    if Decimal(credited or 0) > original.gross:
        raise DomainError(
            "credit notes for {number} would exceed its total {total}",
            "invoice.line_items",
            code="credit_exceeds_total",
            params={
                "number": original.number,
                "total": plain(original.gross, original.currency),
            },
        )
    offset = min(max(original.open_amount, Decimal(0)), credit_note.amount_due)
    if offset <= 0:
        return
    session.add(
        Payment(
            invoice_id=original.id,
            date=credit_note.date,
            amount=offset,
            method=PaymentMethod.CREDIT_NOTE.value,
            reference=credit_note.number or "",
            note=f"Settled by credit note {credit_note.number}",
            credit_note_id=credit_note.id,
        )
    )
    before = original.status
    apply_payment_totals(original, offset, credit_note.date or dt.date.today())
    credit_note.paid_amount = offset
    credit_note.open_amount = credit_note.amount_due - offset
    record(
        session,
        "invoice",
        original.id,
        "credited",
        f"{plain(offset, original.currency)} settled by credit note {credit_note.number}",
        from_state=before,
        to_state=original.status,
    )


def apply_payment_totals(invoice: Invoice, amount: Decimal, date: dt.date) -> None:
    """Add ``amount`` to what was paid and let the status follow."""
    invoice.paid_amount, invoice.open_amount, invoice.status, invoice.paid_at = payment_effect(
        invoice.amount_due, invoice.paid_amount, amount, date
    )


def payment_effect(
    amount_due: Decimal, paid: Decimal, amount: Decimal, date: dt.date
) -> tuple[Decimal, Decimal, str, dt.date | None]:
    """Paid amount, open amount, status and paid date once ``amount`` more came in."""
    paid = paid + amount
    status = status_after_payment(amount_due, paid).value
    return paid, amount_due - paid, status, date if status == Status.PAID.value else None


def issue(db: Database, invoice_id: int, today: dt.date | None = None) -> InvoiceView:
    """Give a draft its number, dates and frozen totals. Gapless even under concurrency."""
    with db.write() as session:
        invoice = _load(session, invoice_id)
        issue_in(session, invoice, today or dt.date.today())
        return _view(session, invoice, today)


def cancel(db: Database, invoice_id: int, today: dt.date | None = None) -> InvoiceView:
    """Cancel an issued, unpaid invoice. It keeps its number; nothing is reused."""
    with db.write() as session:
        invoice = _load(session, invoice_id)
        require(
            invoice.doc_type,
            invoice.status,
            Action.CANCEL,
            number=invoice.number,
            paid=invoice.paid_amount,
        )
        before = invoice.status
        invoice.status = Status.CANCELLED.value
        invoice.open_amount = Decimal(0)
        invoice.cancelled_at = utcnow()
        record(
            session,
            "invoice",
            invoice.id,
            "cancelled",
            f"{invoice.number} cancelled",
            from_state=before,
            to_state=invoice.status,
        )
        from invoicedesk.services.pdf_archive import CANCELLATION_PDF, archive_in

        # The cancellation notice, archived with the cancellation; the invoice's PDF stays.
        archive_in(
            session,
            invoice,
            kind=CANCELLATION_PDF,
            date=today or dt.date.today(),
            action="cancelled",
        )
        return _view(session, invoice, today)


def uncancel(db: Database, invoice_id: int, today: dt.date | None = None) -> InvoiceView:
    with db.write() as session:
        invoice = _load(session, invoice_id)
        require(invoice.doc_type, invoice.status, Action.UNCANCEL, number=invoice.number)
        invoice.open_amount = invoice.amount_due - invoice.paid_amount
        invoice.status = status_after_payment(invoice.amount_due, invoice.paid_amount).value
        invoice.cancelled_at = None
        if invoice.doc_type == DocType.CREDIT_NOTE.value:
            # Back in force, it counts against the invoice's total and settles it, as at issue.
            session.flush()
            _settle_with_credit_note(session, invoice)
            invoice.status = status_after_payment(invoice.amount_due, invoice.paid_amount).value
        record(
            session,
            "invoice",
            invoice.id,
            "uncancelled",
            f"{invoice.number} uncancelled",
            from_state=Status.CANCELLED.value,
            to_state=invoice.status,
        )
        return _view(session, invoice, today)


def clone(db: Database, invoice_id: int) -> InvoiceView:
    """A new draft with the same client, lines and texts; dates are left for the new issue."""
    with db.write() as session:
        source = _load(session, invoice_id)
        require(source.doc_type, source.status, Action.CLONE, number=source.number)
        data = replace(
            input_of(source),
            date=None,
            due_date=None,
            supply_date=None,
            supply_end_date=None,
            exchange_rate=None if source.exchange_rate == 1 else source.exchange_rate,
        )
        written = source.text_templates or {}  # "Invoice {number}", not the number it got
        data = replace(
            data,
            title=written.get("title", data.title),
            intro=written.get("intro", data.intro),
            note=written.get("note", data.note),
        )
        invoice = add_draft(session, data, DocType(source.doc_type))
        invoice.corrects_id = source.corrects_id
        record(
            session,
            "invoice",
            invoice.id,
            "cloned",
            f"Cloned from {source.number or f'draft {source.id}'}",
        )
        return _view(session, invoice)


def create_credit_note(
    db: Database,
    invoice_id: int,
    positions: list[int] | None = None,
    *,
    issue: bool = False,
    today: dt.date | None = None,
) -> InvoiceView:
    """A credit note for an issued invoice: all its lines, or the chosen ones (1-based).

    A whole credit note carries the invoice's document discount, allowances and
    charges; a partial one carries its lines and a percent document discount.
    It is a draft to review, or, with ``issue``, issued in the same transaction
    (if issuing fails, nothing at all is written).
    """
    with db.write() as session:
        source = _load(session, invoice_id)
        data = credit_note_input(source, positions)
        credit_note = add_draft(session, data, DocType.CREDIT_NOTE)
        credit_note.corrects_id = source.id
        record(
            session,
            "invoice",
            source.id,
            "credit_note_created",
            f"Credit note draft {credit_note.id} created",
        )
        if issue:
            issue_in(session, credit_note, today or dt.date.today())
        return _view(session, credit_note, today)


def credit_note_input(source: Invoice, positions: list[int] | None = None) -> InvoiceInput:
    """The draft of a credit note for the issued ``source``: all its lines or the chosen ones."""
    require(source.doc_type, source.status, Action.CREATE_CREDIT_NOTE, number=source.number)
    data = input_of(source)
    if positions:
        chosen = []
        for position in positions:
            if not 1 <= position <= len(data.lines):
                raise DomainError(
                    "{number} has no line {position} (it has {length})",
                    "lines",
                    params={
                        "number": source.number,
                        "position": position,
                        "length": len(data.lines),
                    },
                )
            chosen.append(data.lines[position - 1])
        partial = len(set(positions)) < len(data.lines)
        data = replace(data, lines=tuple(chosen))
        if partial:
            keep = data.discount if data.discount and data.discount.percent else None
            data = replace(data, allowances_charges=(), discount=keep)
    data = replace(
        data,
        date=None,
        due_date=None,
        due_days=0,
        prepaid=Decimal(0),
        adjustment=Decimal(0),
        cash_discount=None,
        # No title of our own: the PDF prints "Credit note CN-… for invoice RE-… of …"
        # in the client's language. The intro is in that language too: the client's as it
        # is now (the credit note's PDF prints in it), even if the invoice went out in
        # another before the client's language was changed.
        title="",
        intro=credit_note_intro(source.client.language, source.number or ""),
        note="",
    )
    return data


# --------------------------------------------------------------------------- reading


def _view(session: Session, invoice: Invoice, today: dt.date | None = None) -> InvoiceView:
    session.flush()
    client = session.get(Client, invoice.client_id)
    assert client is not None
    data = input_of(invoice)
    totals = compute_totals(document_of(data))
    payments = session.scalars(
        select(Payment).where(Payment.invoice_id == invoice.id).order_by(Payment.date, Payment.id)
    )
    corrects_number = (
        session.scalar(select(Invoice.number).where(Invoice.id == invoice.corrects_id))
        if invoice.corrects_id
        else None
    )
    credit_notes = session.scalars(
        select(Invoice.number)
        .where(Invoice.corrects_id == invoice.id, Invoice.number.is_not(None))
        .order_by(Invoice.id)
    )
    return InvoiceView(
        id=invoice.id,
        doc_type=DocType(invoice.doc_type),
        number=invoice.number,
        status=Status(invoice.status),
        state=effective_state(
            invoice.status, invoice.due_date, today or dt.date.today(), invoice.doc_type
        ),
        client_id=invoice.client_id,
        client_name=shown_client_name(invoice, client),
        customer_number=client.customer_number,
        data=data,
        totals=totals,
        net=round_money(invoice.net, invoice.currency),
        tax=round_money(invoice.tax, invoice.currency),
        gross=round_money(invoice.gross, invoice.currency),
        amount_due=round_money(invoice.amount_due, invoice.currency),
        paid_amount=round_money(invoice.paid_amount, invoice.currency),
        open_amount=round_money(invoice.open_amount, invoice.currency),
        taxes=tuple(
            TaxTotal(category=TaxCategory(t.category), rate=t.rate, base=t.base, amount=t.amount)
            for t in invoice.taxes
        ),
        client_snapshot=invoice.client_snapshot,
        company_snapshot=invoice.company_snapshot,
        corrects_id=invoice.corrects_id,
        corrects_number=corrects_number,
        credit_note_numbers=tuple(n for n in credit_notes if n),
        payments=tuple(payment_view(p) for p in payments),
        history=tuple(audit_entries(session, "invoice", invoice.id)),
        issued_at=invoice.issued_at,
        sent_at=invoice.sent_at,
        sent_to=tuple(a.strip() for a in invoice.sent_to.split(",") if a.strip()),
    )


def get_invoice(db: Database, invoice_id: int, today: dt.date | None = None) -> InvoiceView:
    with db.read() as session:
        return _view(session, _load(session, invoice_id), today)


def resolve_ref(db: Database, ref: str | int) -> int:
    """The id of the invoice a user means by ``ref``: its number (any case) or its id."""
    text = str(ref).strip()
    with db.read() as session:
        found = session.scalar(select(Invoice.id).where(func.upper(Invoice.number) == text.upper()))
        # Only ASCII digits within SQLite's integers can be an id ("²" or 10**30 are not).
        if found is None and text.isascii() and text.isdigit() and int(text) < 2**63:
            found = session.scalar(select(Invoice.id).where(Invoice.id == int(text)))
    if found is None:
        raise NotFoundError(
            "no invoice with number or id '{ref}'",
            "invoice",
            code="invoice_not_found",
            params={"ref": ref},
        )
    return int(found)


__all__ = [
    "InvoiceView",
    "PaymentView",
    "add_draft",
    "apply_payment_totals",
    "cancel",
    "clone",
    "create_credit_note",
    "create_draft",
    "delete_draft",
    "document_of",
    "get_invoice",
    "input_of",
    "payment_view",
    "issue",
    "issue_in",
    "resolve_ref",
    "uncancel",
    "update_draft",
]
