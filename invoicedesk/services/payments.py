"""Payments: record (partial, full, or explicitly as overpayment), remove, list with filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from invoicedesk.core.errors import ConflictError, DomainError, NotFoundError
from invoicedesk.core.lifecycle import DocType, Status, status_after_payment
from invoicedesk.core.money import minor_unit, parse_decimal, plain
from invoicedesk.core.rules import Action, require
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Client, Invoice, Payment
from invoicedesk.db.types import utcnow
from invoicedesk.services import validation as check
from invoicedesk.services.audit import record
from invoicedesk.services.inputs import PaymentInput, PaymentMethod
from invoicedesk.services.invoices import (
    PaymentView,
    apply_payment_totals,
    payment_effect,
    payment_view,
)
from invoicedesk.services.search import SHOWN_CLIENT_NAME


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """A payment as the payments list shows it, with its invoice and client."""

    payment: PaymentView
    invoice_number: str
    doc_type: str
    currency: str
    client_id: int
    client_name: str


def record_payment(
    db: Database, invoice_id: int, inp: PaymentInput, today: dt.date | None = None
) -> PaymentView:
    """Book money received for an invoice (or refunded for a credit note).

    A payment above the open amount is refused unless ``allow_overpayment`` is
    set; then it is booked as an overpayment and the invoice shows a negative
    open amount (a credit of the client).
    """
    with db.write() as session:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFoundError(
                "there is no invoice with id {invoice_id}",
                "invoice",
                code="invoice_not_found",
                params={"invoice_id": invoice_id},
            )
        require(invoice.doc_type, invoice.status, Action.RECORD_PAYMENT, number=invoice.number)
        fields = payment_fields(
            inp, invoice.number, invoice.currency, invoice.open_amount, invoice.date, today
        )
        payment = Payment(invoice_id=invoice.id, **fields)
        session.add(payment)
        before = invoice.status
        apply_payment_totals(invoice, fields["amount"], fields["date"])
        session.flush()
        record(
            session,
            "invoice",
            invoice.id,
            "payment_recorded",
            payment_summary(invoice.doc_type, invoice.currency, fields),
            from_state=before,
            to_state=invoice.status,
            details={"payment_id": payment.id, "amount": str(fields["amount"])},
        )
        return payment_view(payment)


def payment_fields(
    inp: PaymentInput,
    number: str | None,
    currency: str,
    open_amount: Decimal,
    invoice_date: dt.date | None,
    today: dt.date | None,
) -> dict[str, Any]:
    """The checked payment row (without ids) for an invoice with ``open_amount`` open."""
    try:
        method = PaymentMethod(inp.method)
    except ValueError:
        names = ", ".join(m.value for m in PaymentMethod if m is not PaymentMethod.CREDIT_NOTE)
        raise DomainError(
            "'{method}' is not a payment method ({names})",
            "method",
            params={"method": inp.method, "names": names},
        ) from None
    if method is PaymentMethod.CREDIT_NOTE:
        raise DomainError(
            "credit notes settle invoices when they are issued", "method", code="method_credit_note"
        )
    amount = parse_decimal(inp.amount, "amount", places=minor_unit(currency), allow_negative=False)
    if amount == 0:
        raise DomainError("the amount must be above 0", "amount", code="amount_not_positive")
    overpaid = amount > open_amount
    if overpaid and not inp.allow_overpayment:
        raise DomainError(
            "{amount} is more than the open amount {open_amount} of {number} — record it "
            "explicitly as an overpayment if that is right",
            "amount",
            code="overpayment",
            params={
                "amount": plain(amount, currency),
                "open_amount": plain(open_amount, currency),
                "number": number,
            },
        )
    today = today or dt.date.today()
    return {
        "date": _payment_date(inp.date or today, invoice_date, today),
        "amount": amount,
        "method": method.value,
        "reference": check.text(inp.reference, "reference", max_length=200),
        "note": check.text(inp.note, "note", max_length=2000, multiline=True),
        "is_overpayment": overpaid,
    }


def payment_summary(doc_type: str, currency: str, fields: dict[str, Any]) -> str:
    """The audit summary of a payment (a refund on a credit note)."""
    what = "Refund" if doc_type == DocType.CREDIT_NOTE.value else "Payment"
    extra = " as overpayment" if fields["is_overpayment"] else ""
    return f"{what} of {plain(fields['amount'], currency)} recorded ({fields['method']}){extra}"


@dataclass(frozen=True, slots=True)
class RecordedPayment:
    """A payment booked by :func:`record_payments` and its invoice's state after it."""

    payment_id: int
    invoice_id: int
    amount: Decimal
    status: Status
    open_amount: Decimal


def record_payments(
    session: Session,
    items: Sequence[tuple[int, PaymentInput]],
    today: dt.date | None = None,
    *,
    at: Sequence[dt.datetime | None] | None = None,
) -> list[RecordedPayment]:
    """Book many payments (``record_payment`` for each, in the order given) in the caller's
    write transaction; ``at`` is each booking's moment (default: now)."""
    from invoicedesk.services.batch_reads import invoice_states
    from invoicedesk.services.bulk_rows import Rows

    rows = Rows(session)
    states = invoice_states(session, [invoice_id for invoice_id, _ in items])
    touched: dict[int, dict[str, object]] = {}
    recorded = []
    for index, (invoice_id, inp) in enumerate(items):
        state = states.get(invoice_id)
        if state is None:
            raise NotFoundError(
                "there is no invoice with id {invoice_id}",
                "invoice",
                code="invoice_not_found",
                params={"invoice_id": invoice_id},
            )
        number, before = str(state["number"]), str(state["status"])
        doc_type, currency = str(state["doc_type"]), str(state["currency"])
        require(doc_type, before, Action.RECORD_PAYMENT, number=number)
        invoice_date = state["date"] if isinstance(state["date"], dt.date) else None
        open_amount = cast(Decimal, state["open_amount"])  # (read as Decimal)
        fields = payment_fields(inp, number, currency, open_amount, invoice_date, today)
        moment = (at[index] if at is not None else None) or utcnow()
        payment_id = rows.id("payments")
        row = {"id": payment_id, "invoice_id": invoice_id, "credit_note_id": None}
        rows.add("payments", {**fields, **row, "created_at": moment, "updated_at": moment})
        due, paid_before = cast(Decimal, state["amount_due"]), cast(Decimal, state["paid_amount"])
        paid, open_, status, paid_at = payment_effect(
            due, paid_before, fields["amount"], fields["date"]
        )
        state.update(paid_amount=paid, open_amount=open_, status=status)
        touched[invoice_id] = {
            "id": invoice_id,
            "paid_amount": paid,
            "open_amount": open_,
            "status": status,
            "paid_at": paid_at,
            "updated_at": moment,
        }
        rows.audit(
            moment,
            invoice_id,
            "payment_recorded",
            payment_summary(doc_type, currency, fields),
            from_state=before,
            to_state=status,
            details={"payment_id": payment_id, "amount": str(fields["amount"])},
        )
        recorded.append(
            RecordedPayment(payment_id, invoice_id, fields["amount"], Status(status), open_)
        )
    keys = ["paid_amount", "open_amount", "status", "paid_at", "updated_at"]
    rows.update("invoices", keys, [touched[key] for key in sorted(touched)])  # in file order
    rows.write()
    return recorded


def _payment_date(date: dt.date, invoice_date: dt.date | None, today: dt.date) -> dt.date:
    """A payment comes after its invoice and has arrived: not before the invoice date, not
    after today (money received before the invoice is its prepaid amount)."""
    if date > today:
        raise DomainError(
            "{date} lies in the future — record a payment once the money has arrived",
            "date",
            code="date_in_future",
            params={"date": date.isoformat()},
        )
    # An invoice dated ahead (a pre-dated one) is paid from the day it was issued on.
    if invoice_date is not None and date < min(invoice_date, today):
        raise DomainError(
            "{date} lies before the invoice date {invoice_date} — money received before the "
            "invoice belongs in its prepaid amount",
            "date",
            code="date_before_invoice",
            params={"date": date.isoformat(), "invoice_date": invoice_date.isoformat()},
        )
    return date


def delete_payment(db: Database, payment_id: int) -> None:
    """Remove a payment booked in error; the invoice's state follows."""
    with db.write() as session:
        _delete(session, payment_id)


def delete_payments(
    db: Database, payment_ids: Sequence[int]
) -> tuple[list[int], list[tuple[int, str]]]:
    """Remove several payments in one transaction: (the invoice of each payment removed,
    (payment id, why) for each one a rule refused — those change nothing, the others are
    removed all together or, on any other failure, none of them)."""
    touched: list[int] = []
    refused: list[tuple[int, str]] = []
    with db.write() as session:
        for payment_id in payment_ids:
            try:  # _delete checks everything before it changes anything
                touched.append(_delete(session, payment_id))
            except DomainError as exc:
                refused.append((payment_id, exc.message))
    return touched, refused


def _delete(session: Session, payment_id: int) -> int:
    """Remove one payment in the caller's transaction; returns its invoice's id."""
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFoundError(
            "there is no payment with id {payment_id}",
            "payment",
            code="payment_not_found",
            params={"payment_id": payment_id},
        )
    if payment.credit_note_id is not None:
        raise ConflictError(
            "this amount was settled by a credit note and cannot be removed on its own",
            code="settled_by_credit_note",
        )
    invoice = session.get(Invoice, payment.invoice_id)
    assert invoice is not None
    require(invoice.doc_type, invoice.status, Action.REMOVE_PAYMENT, number=invoice.number)
    before = invoice.status
    invoice.paid_amount = invoice.paid_amount - payment.amount
    invoice.open_amount = invoice.amount_due - invoice.paid_amount
    invoice.status = status_after_payment(invoice.amount_due, invoice.paid_amount).value
    if invoice.status != Status.PAID.value:
        invoice.paid_at = None
    record(
        session,
        "invoice",
        invoice.id,
        "payment_removed",
        f"Payment of {plain(payment.amount, invoice.currency)} from {payment.date} removed",
        from_state=before,
        to_state=invoice.status,
    )
    session.delete(payment)
    return invoice.id


def list_payments(
    db: Database,
    *,
    client_id: int | None = None,
    invoice_id: int | None = None,
    methods: Sequence[PaymentMethod | str] = (),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[PaymentRow]:
    """Payments, newest first, with the filters the payments screen offers (``methods``:
    any of them)."""
    with db.read() as session:
        query = (
            select(
                Payment,
                Invoice.number,
                Invoice.doc_type,
                Invoice.currency,
                Client.id,
                SHOWN_CLIENT_NAME,
            )
            .join(Invoice, Invoice.id == Payment.invoice_id)
            .join(Client, Client.id == Invoice.client_id)
        )
        if client_id is not None:
            query = query.where(Invoice.client_id == client_id)
        if invoice_id is not None:
            query = query.where(Payment.invoice_id == invoice_id)
        if methods:
            wanted = [check.choice(PaymentMethod, m, "method").value for m in methods]
            query = query.where(Payment.method.in_(wanted))
        if date_from is not None:
            query = query.where(Payment.date >= date_from)
        if date_to is not None:
            query = query.where(Payment.date <= date_to)
        query = query.order_by(Payment.date.desc(), Payment.id.desc()).limit(limit).offset(offset)
        return [
            PaymentRow(payment_view(p), number or "", doc_type, currency, cid, cname)
            for p, number, doc_type, currency, cid, cname in session.execute(query)
        ]


@dataclass(frozen=True, slots=True)
class MoneyMoved:
    """What listed payments moved in one currency: money received for invoices, money
    refunded on credit notes, and the difference. A settlement by credit note moves no
    money and counts in neither."""

    received: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)

    @property
    def net(self) -> Decimal:
        return self.received - self.refunded


def money_moved(rows: Sequence[PaymentRow]) -> dict[str, MoneyMoved]:
    """Received, refunded and net per currency of the listed payments."""
    received: dict[str, Decimal] = {}
    refunded: dict[str, Decimal] = {}
    for row in rows:
        if row.payment.credit_note_id is not None:
            continue  # a settlement by credit note: no money moved
        side = refunded if row.doc_type == DocType.CREDIT_NOTE.value else received
        side[row.currency] = side.get(row.currency, Decimal(0)) + row.payment.amount
    return {
        currency: MoneyMoved(received.get(currency, Decimal(0)), refunded.get(currency, Decimal(0)))
        for currency in received.keys() | refunded.keys()
    }


def total_amount(rows: Sequence[PaymentRow]) -> dict[str, Decimal]:
    """Net money of the listed payments per currency: received minus refunded."""
    return {currency: moved.net for currency, moved in money_moved(rows).items()}
