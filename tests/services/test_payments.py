"""Payments: partial and full, overpayment only when asked for, removal, and the payments list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from invoicedesk.core.errors import ConflictError, DomainError, NotFoundError
from invoicedesk.core.lifecycle import State, Status
from invoicedesk.db.engine import Database
from invoicedesk.services import invoices, payments
from invoicedesk.services.inputs import PaymentInput, PaymentMethod
from tests.factories import TODAY, issued_invoice, line, make_client, make_draft, pay

D = Decimal


@pytest.fixture
def invoice_id(db: Database) -> int:
    """An issued invoice of 119.00 EUR, due TODAY + 14."""
    return issued_invoice(db).id


def _invoice(db: Database, invoice_id: int) -> invoices.InvoiceView:
    return invoices.get_invoice(db, invoice_id, today=TODAY)


def test_partial_payment_makes_it_part_paid(db: Database, invoice_id: int) -> None:
    payment = pay(db, invoice_id, "19.00", reference="Bank 4711")
    assert (payment.amount, payment.date, payment.method) == (
        D("19.00"),
        TODAY,
        PaymentMethod.BANK_TRANSFER,
    )
    assert payment.is_overpayment is False
    view = _invoice(db, invoice_id)
    assert view.status is Status.PART_PAID
    assert (view.paid_amount, view.open_amount) == (D("19.00"), D("100.00"))
    assert [(p.amount, p.reference) for p in view.payments] == [(D("19.00"), "Bank 4711")]


def test_paying_the_rest_makes_it_paid(db: Database, invoice_id: int) -> None:
    pay(db, invoice_id, "19.00")
    pay(db, invoice_id, "100.00", date=TODAY + dt.timedelta(days=3))
    view = _invoice(db, invoice_id)
    assert view.status is Status.PAID
    assert (view.paid_amount, view.open_amount) == (D("119.00"), D("0.00"))
    assert [p.date for p in view.payments] == [TODAY, TODAY + dt.timedelta(days=3)]


def test_payment_date_defaults_to_today(db: Database, invoice_id: int) -> None:
    payment = payments.record_payment(db, invoice_id, PaymentInput(amount=D("5")), today=TODAY)
    assert payment.date == TODAY


def test_overpayment_is_refused_with_a_message(db: Database, invoice_id: int) -> None:
    with pytest.raises(DomainError) as error:
        pay(db, invoice_id, "120.00")
    assert error.value.field == "amount"
    assert error.value.message == (
        "120.00 EUR is more than the open amount 119.00 EUR of RE-2026-0001 — record it "
        "explicitly as an overpayment if that is right"
    )
    view = _invoice(db, invoice_id)
    assert (view.status, view.payments) == (Status.OPEN, ())


def test_paying_a_paid_invoice_again_is_an_overpayment(db: Database, invoice_id: int) -> None:
    pay(db, invoice_id, "119.00")
    with pytest.raises(DomainError, match="more than the open amount 0.00 EUR"):
        pay(db, invoice_id, "0.01")


def test_explicit_overpayment_leaves_a_negative_open_amount(db: Database, invoice_id: int) -> None:
    payment = pay(db, invoice_id, "150.00", allow_overpayment=True)
    assert payment.is_overpayment is True
    view = _invoice(db, invoice_id)
    assert view.status is Status.PAID
    assert (view.paid_amount, view.open_amount) == (D("150.00"), D("-31.00"))
    assert (
        view.history[-1].summary == "Payment of 150.00 EUR recorded (bank_transfer) as overpayment"
    )


def test_allowing_overpayment_does_not_flag_a_normal_payment(db: Database, invoice_id: int) -> None:
    assert pay(db, invoice_id, "119.00", allow_overpayment=True).is_overpayment is False


def test_payment_on_a_draft_is_refused(db: Database) -> None:
    draft = make_draft(db)
    with pytest.raises(ConflictError, match="is a draft — issue it before recording a payment"):
        pay(db, draft.id, "1.00")


def test_payment_on_a_cancelled_invoice_is_refused(db: Database, invoice_id: int) -> None:
    invoices.cancel(db, invoice_id)
    with pytest.raises(ConflictError, match="RE-2026-0001 is cancelled — uncancel it"):
        pay(db, invoice_id, "1.00")


def test_payment_on_a_missing_invoice_is_refused(db: Database) -> None:
    with pytest.raises(NotFoundError):
        pay(db, 999, "1.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "above 0"),
        ("-5.00", "must not be negative"),
        ("1.005", "more than 2 decimal places"),
    ],
)
def test_bad_amounts_are_refused(db: Database, invoice_id: int, amount: str, message: str) -> None:
    with pytest.raises(DomainError, match=message) as error:
        pay(db, invoice_id, amount)
    assert error.value.field == "amount"


def test_float_amount_is_refused(db: Database, invoice_id: int) -> None:
    with pytest.raises(DomainError, match="not a float") as error:
        payments.record_payment(db, invoice_id, PaymentInput(amount=1.5, date=TODAY))  # type: ignore[arg-type]
    assert error.value.field == "amount"


def test_unknown_and_credit_note_methods_are_refused(db: Database, invoice_id: int) -> None:
    with pytest.raises(DomainError, match="'cheque' is not a payment method") as error:
        pay(db, invoice_id, "1.00", method="cheque")  # type: ignore[arg-type]
    assert error.value.field == "method"
    with pytest.raises(DomainError, match="credit notes settle invoices"):
        pay(db, invoice_id, "1.00", method=PaymentMethod.CREDIT_NOTE)


def test_zero_decimal_currency_takes_whole_amounts(db: Database) -> None:
    client = make_client(db, "Tokyo KK", currency="JPY")
    invoice = issued_invoice(
        db, line("1", "1000", "10"), client_id=client.id, exchange_rate=D("0.0062")
    )
    assert invoice.gross == D("1100")
    with pytest.raises(DomainError, match="more than 0 decimal places"):
        pay(db, invoice.id, "0.50")
    pay(db, invoice.id, "1100")
    assert _invoice(db, invoice.id).status is Status.PAID


def test_delete_payment_restores_the_state(db: Database, invoice_id: int) -> None:
    first = pay(db, invoice_id, "19.00")
    second = pay(db, invoice_id, "100.00")
    payments.delete_payment(db, second.id)
    view = _invoice(db, invoice_id)
    assert view.status is Status.PART_PAID
    assert (view.paid_amount, view.open_amount) == (D("19.00"), D("100.00"))
    payments.delete_payment(db, first.id)
    view = _invoice(db, invoice_id)
    assert view.status is Status.OPEN
    assert (view.paid_amount, view.open_amount, view.payments) == (D("0"), D("119.00"), ())
    # Once unpaid, it can be cancelled again.
    assert invoices.cancel(db, invoice_id).status is Status.CANCELLED


def test_delete_overpayment_restores_the_open_amount(db: Database, invoice_id: int) -> None:
    payment = pay(db, invoice_id, "150.00", allow_overpayment=True)
    payments.delete_payment(db, payment.id)
    view = _invoice(db, invoice_id)
    assert (view.status, view.open_amount) == (Status.OPEN, D("119.00"))


def test_delete_payment_of_an_overdue_invoice_shows_overdue_again(
    db: Database, invoice_id: int
) -> None:
    payment = pay(db, invoice_id, "119.00")
    payments.delete_payment(db, payment.id)
    late = invoices.get_invoice(db, invoice_id, today=TODAY + dt.timedelta(days=15))
    assert late.state is State.OVERDUE


def test_delete_missing_payment_is_refused(db: Database) -> None:
    with pytest.raises(NotFoundError):
        payments.delete_payment(db, 42)


@pytest.fixture
def ledger(db: Database) -> dict[str, int]:
    """Two clients, three invoices and payments by different methods and dates."""
    anna = make_client(db, "Anna").id
    bert = make_client(db, "Bert").id
    march = dt.date(2026, 3, 1)  # issued before the payments came in
    a1 = issued_invoice(db, client_id=anna, today=march).id
    a2 = issued_invoice(db, client_id=anna, today=march).id
    b1 = issued_invoice(db, client_id=bert, today=march).id
    pay(db, a1, "10.00", method=PaymentMethod.CASH, date=dt.date(2026, 3, 1))
    pay(db, a1, "20.00", method=PaymentMethod.PAYPAL, date=dt.date(2026, 3, 10))
    pay(db, a2, "30.00", method=PaymentMethod.CASH, date=dt.date(2026, 3, 5))
    pay(db, b1, "40.00", method=PaymentMethod.CARD, date=dt.date(2026, 3, 20))
    return {"anna": anna, "bert": bert, "a1": a1, "a2": a2, "b1": b1}


def _amounts(rows: list[payments.PaymentRow]) -> list[Decimal]:
    return [row.payment.amount for row in rows]


def test_list_payments_newest_first(db: Database, ledger: dict[str, int]) -> None:
    rows = payments.list_payments(db)
    assert _amounts(rows) == [D("40"), D("20"), D("30"), D("10")]
    assert (rows[0].client_name, rows[0].invoice_number, rows[0].currency) == (
        "Bert",
        "RE-2026-0003",
        "EUR",
    )


def test_list_payments_by_method(db: Database, ledger: dict[str, int]) -> None:
    assert _amounts(payments.list_payments(db, methods=["cash"])) == [D("30"), D("10")]
    assert _amounts(payments.list_payments(db, methods=[PaymentMethod.CARD])) == [D("40")]
    assert payments.list_payments(db, methods=["direct_debit"]) == []
    assert _amounts(payments.list_payments(db, methods=["cash", "card"])) == [
        D("40"),
        D("30"),
        D("10"),
    ]


def test_list_payments_by_client_invoice_and_dates(db: Database, ledger: dict[str, int]) -> None:
    assert _amounts(payments.list_payments(db, client_id=ledger["anna"])) == [
        D("20"),
        D("30"),
        D("10"),
    ]
    assert _amounts(payments.list_payments(db, invoice_id=ledger["a1"])) == [D("20"), D("10")]
    in_range = payments.list_payments(
        db, date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 10)
    )
    assert _amounts(in_range) == [D("20"), D("30")]


def test_list_payments_paging_and_total(db: Database, ledger: dict[str, int]) -> None:
    assert _amounts(payments.list_payments(db, limit=2, offset=1)) == [D("20"), D("30")]
    assert payments.total_amount(payments.list_payments(db)) == {"EUR": D("100")}


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (dt.date(1900, 1, 1), "1900-01-01 lies before the invoice date 2026-03-16"),
        (TODAY - dt.timedelta(days=1), "lies before the invoice date"),
        (dt.date(9999, 12, 31), "9999-12-31 lies in the future"),
        (TODAY + dt.timedelta(days=1), "lies in the future"),
    ],
)
def test_a_payment_lies_between_its_invoice_and_today(
    db: Database, invoice_id: int, date: dt.date, message: str
) -> None:
    with pytest.raises(DomainError) as error:
        payments.record_payment(db, invoice_id, PaymentInput(amount=D("1"), date=date), TODAY)
    assert error.value.field == "date" and message in error.value.message
    assert payments.list_payments(db) == []
    # The invoice's own day and today are both fine.
    payments.record_payment(db, invoice_id, PaymentInput(amount=D("1"), date=TODAY), TODAY)


def test_a_pre_dated_invoice_is_paid_from_today(db: Database) -> None:
    later = TODAY + dt.timedelta(days=10)
    invoice = issued_invoice(db, date=later, today=TODAY)
    payments.record_payment(db, invoice.id, PaymentInput(amount=D("1"), date=TODAY), TODAY)
    with pytest.raises(DomainError, match="lies before the invoice date"):
        payments.record_payment(
            db, invoice.id, PaymentInput(amount=D("1"), date=TODAY - dt.timedelta(days=1)), TODAY
        )


def test_removing_several_payments_is_one_transaction(db: Database, ledger: dict[str, int]) -> None:
    """Removed together or not at all; a payment a rule keeps is reported, not removed."""
    rows = payments.list_payments(db)
    ids = [row.payment.id for row in rows]
    credit_settled = issued_invoice(db, client_id=ledger["anna"], today=TODAY)
    invoices.create_credit_note(db, credit_settled.id, issue=True)
    settled = next(
        row.payment.id for row in payments.list_payments(db) if row.payment.credit_note_id
    )
    touched, refused = payments.delete_payments(db, [ids[0], settled, ids[1]])
    assert len(touched) == 2 and [payment for payment, _ in refused] == [settled]
    assert "settled by a credit note" in refused[0][1]
    left = {row.payment.id for row in payments.list_payments(db)}
    assert ids[0] not in left and ids[1] not in left and settled in left
