"""Payments: record (partial, full, or explicitly as overpayment), remove, list with filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from invoicedesk.core.errors import ConflictError, DomainError, NotFoundError
from invoicedesk.core.lifecycle import DocType, Status, require_payable, status_after_payment
from invoicedesk.core.money import minor_unit, parse_decimal, plain
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Client, Invoice, Payment
from invoicedesk.services import validation as check
from invoicedesk.services.audit import record
from invoicedesk.services.inputs import PaymentInput, PaymentMethod
from invoicedesk.services.invoices import PaymentView, apply_payment_totals, payment_view


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
            raise NotFoundError(f"there is no invoice with id {invoice_id}", "invoice")
        require_payable(invoice.status, invoice.number, invoice.doc_type)
        try:
            method = PaymentMethod(inp.method)
        except ValueError:
            names = ", ".join(m.value for m in PaymentMethod if m is not PaymentMethod.CREDIT_NOTE)
            raise DomainError(
                f"'{inp.method}' is not a payment method ({names})", "method"
            ) from None
        if method is PaymentMethod.CREDIT_NOTE:
            raise DomainError("credit notes settle invoices when they are issued", "method")
        amount = parse_decimal(
            inp.amount, "amount", places=minor_unit(invoice.currency), allow_negative=False
        )
        if amount == 0:
            raise DomainError("the amount must be above 0", "amount")
        overpaid = amount > invoice.open_amount
        if overpaid and not inp.allow_overpayment:
            raise DomainError(
                f"{plain(amount, invoice.currency)} is more than the open amount "
                f"{plain(invoice.open_amount, invoice.currency)} of {invoice.number} — record it "
                "explicitly as an overpayment if that is right",
                "amount",
            )
        date = inp.date or today or dt.date.today()
        payment = Payment(
            invoice_id=invoice.id,
            date=date,
            amount=amount,
            method=method.value,
            reference=check.text(inp.reference, "reference", max_length=200),
            note=check.text(inp.note, "note", max_length=2000, multiline=True),
            is_overpayment=overpaid,
        )
        session.add(payment)
        before = invoice.status
        apply_payment_totals(invoice, amount, date)
        session.flush()
        what = "Refund" if invoice.doc_type == DocType.CREDIT_NOTE.value else "Payment"
        record(
            session,
            "invoice",
            invoice.id,
            "payment_recorded",
            f"{what} of {plain(amount, invoice.currency)} recorded ({method.value})"
            + (" as overpayment" if overpaid else ""),
            from_state=before,
            to_state=invoice.status,
            details={"payment_id": payment.id, "amount": str(amount)},
        )
        return payment_view(payment)


def delete_payment(db: Database, payment_id: int) -> None:
    """Remove a payment booked in error; the invoice's state follows."""
    with db.write() as session:
        payment = session.get(Payment, payment_id)
        if payment is None:
            raise NotFoundError(f"there is no payment with id {payment_id}", "payment")
        if payment.credit_note_id is not None:
            raise ConflictError(
                "this amount was settled by a credit note and cannot be removed on its own"
            )
        invoice = session.get(Invoice, payment.invoice_id)
        assert invoice is not None
        if invoice.status == Status.CANCELLED.value:
            raise ConflictError(f"{invoice.number} is cancelled — uncancel it first")
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


def list_payments(
    db: Database,
    *,
    client_id: int | None = None,
    invoice_id: int | None = None,
    method: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[PaymentRow]:
    """Payments, newest first, with the filters the payments screen offers."""
    with db.read() as session:
        query = (
            select(
                Payment, Invoice.number, Invoice.doc_type, Invoice.currency, Client.id, Client.name
            )
            .join(Invoice, Invoice.id == Payment.invoice_id)
            .join(Client, Client.id == Invoice.client_id)
        )
        if client_id is not None:
            query = query.where(Invoice.client_id == client_id)
        if invoice_id is not None:
            query = query.where(Payment.invoice_id == invoice_id)
        if method:
            query = query.where(
                Payment.method == check.choice(PaymentMethod, method, "method").value
            )
        if date_from is not None:
            query = query.where(Payment.date >= date_from)
        if date_to is not None:
            query = query.where(Payment.date <= date_to)
        query = query.order_by(Payment.date.desc(), Payment.id.desc()).limit(limit).offset(offset)
        return [
            PaymentRow(payment_view(p), number or "", doc_type, currency, cid, cname)
            for p, number, doc_type, currency, cid, cname in session.execute(query)
        ]


def total_amount(rows: list[PaymentRow]) -> dict[str, Decimal]:
    """Sum of the listed payments per currency."""
    sums: dict[str, Decimal] = {}
    for row in rows:
        sums[row.currency] = sums.get(row.currency, Decimal(0)) + row.payment.amount
    return sums
