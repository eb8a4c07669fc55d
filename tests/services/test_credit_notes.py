"""Credit notes: whole or chosen lines, settling the corrected invoice, limits and numbers."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from decimal import Decimal

import pytest

from invoicedesk.core.document import Discount
from invoicedesk.core.errors import ConflictError, DomainError
from invoicedesk.core.lifecycle import DocType, Status
from invoicedesk.db.engine import Database
from invoicedesk.services import invoices, numbering, payments
from invoicedesk.services.inputs import PaymentMethod
from tests.factories import TODAY, issued_invoice, line, make_client, make_draft, pay

D = Decimal


@pytest.fixture
def original(db: Database) -> invoices.InvoiceView:
    """RE-2026-0001: 100.00 at 19 % and 2 × 50.00 at 7 % — gross 226.00."""
    return issued_invoice(
        db, line("1", "100.00", "19", name="Design"), line("2", "50.00", "7", name="Print")
    )


def _issue(db: Database, draft_id: int) -> invoices.InvoiceView:
    return invoices.issue(db, draft_id, today=TODAY)


def _get(db: Database, invoice_id: int) -> invoices.InvoiceView:
    return invoices.get_invoice(db, invoice_id, today=TODAY)


def test_whole_credit_note_draft_copies_every_line(
    db: Database, original: invoices.InvoiceView
) -> None:
    draft = invoices.create_credit_note(db, original.id)
    assert draft.doc_type is DocType.CREDIT_NOTE
    assert draft.status is Status.DRAFT
    assert draft.number is None
    assert draft.corrects_id == original.id
    assert draft.corrects_number == "RE-2026-0001"
    assert draft.data.lines == original.data.lines
    assert draft.gross == original.gross == D("226.00")
    # No title of its own: the PDF prints the reference title in the client's language.
    assert draft.data.title == ""
    assert draft.data.intro == "We credit you the following items of invoice RE-2026-0001:"
    assert _get(db, original.id).history[-1].action == "credit_note_created"


def test_credit_note_of_chosen_lines(db: Database, original: invoices.InvoiceView) -> None:
    draft = invoices.create_credit_note(db, original.id, [2])
    assert [li.name for li in draft.data.lines] == ["Print"]
    assert (draft.net, draft.tax, draft.gross) == (D("100.00"), D("7.00"), D("107.00"))


def test_partial_credit_note_keeps_a_percent_discount_only(db: Database) -> None:
    percent = issued_invoice(db, line(name="A"), line(name="B"), discount=Discount(percent=D(10)))
    draft = invoices.create_credit_note(db, percent.id, [1])
    assert draft.data.discount == Discount(percent=D(10))
    assert draft.gross == D("107.10")  # 90.00 + 19 %

    fixed = issued_invoice(
        db,
        line(name="A"),
        line(name="B"),
        discount=Discount(amount=D(20)),
        client_id=percent.client_id,
    )
    assert invoices.create_credit_note(db, fixed.id, [1]).data.discount is None
    assert invoices.create_credit_note(db, fixed.id, [1, 2]).data.discount == Discount(amount=D(20))


def test_unknown_line_position_is_refused(db: Database, original: invoices.InvoiceView) -> None:
    with pytest.raises(DomainError, match="RE-2026-0001 has no line 3 \\(it has 2\\)") as error:
        invoices.create_credit_note(db, original.id, [1, 3])
    assert error.value.field == "lines"


def test_credit_note_numbers(db: Database, original: invoices.InvoiceView) -> None:
    first = _issue(db, invoices.create_credit_note(db, original.id, [1]).id)
    second = _issue(db, invoices.create_credit_note(db, original.id, [2]).id)
    assert (first.number, second.number) == ("CN-2026-0001", "CN-2026-0002")
    assert _get(db, original.id).credit_note_numbers == ("CN-2026-0001", "CN-2026-0002")
    assert numbering.peek_next_number(db, "invoice", TODAY) == "RE-2026-0002"


def test_issuing_settles_the_open_invoice(db: Database, original: invoices.InvoiceView) -> None:
    credit = _issue(db, invoices.create_credit_note(db, original.id).id)
    assert credit.status is Status.PAID
    assert (credit.amount_due, credit.paid_amount, credit.open_amount) == (
        D("226.00"),
        D("226.00"),
        D("0.00"),
    )
    corrected = _get(db, original.id)
    assert corrected.status is Status.PAID
    assert corrected.open_amount == 0
    [settlement] = corrected.payments
    assert settlement.method is PaymentMethod.CREDIT_NOTE
    assert (settlement.amount, settlement.reference, settlement.credit_note_id) == (
        D("226.00"),
        "CN-2026-0001",
        credit.id,
    )
    assert settlement.date == TODAY
    assert [(h.action, h.from_state, h.to_state) for h in corrected.history[-1:]] == [
        ("credited", "open", "paid")
    ]


def test_partial_credit_note_settles_part_of_the_invoice(
    db: Database, original: invoices.InvoiceView
) -> None:
    _issue(db, invoices.create_credit_note(db, original.id, [2]).id)
    corrected = _get(db, original.id)
    assert corrected.status is Status.PART_PAID
    assert (corrected.paid_amount, corrected.open_amount) == (D("107.00"), D("119.00"))


def test_rest_beyond_the_open_amount_stays_open_on_the_credit_note(
    db: Database, original: invoices.InvoiceView
) -> None:
    pay(db, original.id, "200.00")  # 26.00 still open
    credit = _issue(db, invoices.create_credit_note(db, original.id).id)
    assert credit.status is Status.PART_PAID
    assert (credit.paid_amount, credit.open_amount) == (D("26.00"), D("200.00"))
    corrected = _get(db, original.id)
    assert corrected.status is Status.PAID
    assert [(p.method, p.amount) for p in corrected.payments] == [
        (PaymentMethod.BANK_TRANSFER, D("200.00")),
        (PaymentMethod.CREDIT_NOTE, D("26.00")),
    ]
    # Refunding the rest closes the credit note.
    pay(db, credit.id, "200.00")
    assert _get(db, credit.id).status is Status.PAID


def test_credit_note_for_a_paid_invoice_is_owed_in_full(
    db: Database, original: invoices.InvoiceView
) -> None:
    pay(db, original.id, "226.00")
    credit = _issue(db, invoices.create_credit_note(db, original.id, [1]).id)
    assert (credit.status, credit.open_amount) == (Status.OPEN, D("119.00"))
    assert len(_get(db, original.id).payments) == 1


def test_credit_notes_exceeding_the_original_are_refused(
    db: Database, original: invoices.InvoiceView
) -> None:
    _issue(db, invoices.create_credit_note(db, original.id, [1]).id)
    again = invoices.create_credit_note(db, original.id)  # 119 + 226 > 226
    with pytest.raises(DomainError, match="would exceed its total 226.00 EUR") as error:
        _issue(db, again.id)
    assert error.value.field == "invoice.line_items"
    assert _get(db, again.id).status is Status.DRAFT
    assert numbering.peek_next_number(db, "credit_note", TODAY) == "CN-2026-0002"
    # Exactly the rest is allowed.
    rest = _issue(db, invoices.create_credit_note(db, original.id, [2]).id)
    assert rest.number == "CN-2026-0002"


def test_cancelled_credit_notes_do_not_count_against_the_limit(
    db: Database, original: invoices.InvoiceView
) -> None:
    pay(db, original.id, "226.00")  # the credit note settles nothing, so it can be cancelled
    first = _issue(db, invoices.create_credit_note(db, original.id).id)
    invoices.cancel(db, first.id)
    assert _issue(db, invoices.create_credit_note(db, original.id).id).number == "CN-2026-0002"


def test_credit_note_of_a_credit_note_is_refused(
    db: Database, original: invoices.InvoiceView
) -> None:
    credit = _issue(db, invoices.create_credit_note(db, original.id, [1]).id)
    with pytest.raises(ConflictError, match="CN-2026-0001 is itself a credit note"):
        invoices.create_credit_note(db, credit.id)


def test_credit_note_of_a_draft_or_cancelled_invoice_is_refused(db: Database) -> None:
    draft = make_draft(db)
    with pytest.raises(ConflictError, match="change it instead"):
        invoices.create_credit_note(db, draft.id)
    cancelled = issued_invoice(db, client_id=draft.client_id)
    invoices.cancel(db, cancelled.id)
    with pytest.raises(ConflictError, match="cancelled — there is nothing to correct"):
        invoices.create_credit_note(db, cancelled.id)


def test_settlement_payment_cannot_be_deleted_alone(
    db: Database, original: invoices.InvoiceView
) -> None:
    _issue(db, invoices.create_credit_note(db, original.id, [1]).id)
    [settlement] = _get(db, original.id).payments
    with pytest.raises(ConflictError, match="settled by a credit note"):
        payments.delete_payment(db, settlement.id)


def test_settled_invoice_and_its_credit_note_cannot_be_cancelled(
    db: Database, original: invoices.InvoiceView
) -> None:
    credit = _issue(db, invoices.create_credit_note(db, original.id, [1]).id)
    with pytest.raises(ConflictError, match="has payments"):
        invoices.cancel(db, original.id)
    with pytest.raises(ConflictError, match="has payments"):
        invoices.cancel(db, credit.id)


def test_credit_note_for_an_invoice_cancelled_meanwhile_is_not_issued(
    db: Database, original: invoices.InvoiceView
) -> None:
    draft = invoices.create_credit_note(db, original.id)
    invoices.cancel(db, original.id)
    with pytest.raises(ConflictError, match="RE-2026-0001 is cancelled"):
        _issue(db, draft.id)
    assert _get(db, draft.id).status is Status.DRAFT
    assert _get(db, original.id).payments == ()
    assert numbering.peek_next_number(db, "credit_note", TODAY) == "CN-2026-0001"


def test_uncancelling_a_credit_note_cannot_exceed_the_invoice(
    db: Database, original: invoices.InvoiceView
) -> None:
    pay(db, original.id, "226.00")
    first = _issue(db, invoices.create_credit_note(db, original.id).id)
    invoices.cancel(db, first.id)
    _issue(db, invoices.create_credit_note(db, original.id).id)  # replaces the first
    with pytest.raises(DomainError, match="exceed"):
        invoices.uncancel(db, first.id)
    assert _get(db, first.id).status is Status.CANCELLED


def test_credit_note_stays_with_the_invoices_client(
    db: Database, original: invoices.InvoiceView
) -> None:
    other = make_client(db, "Somebody Else")
    draft = invoices.create_credit_note(db, original.id)
    with contextlib.suppress(DomainError):  # refusing the change or the issue are both right
        invoices.update_draft(db, draft.id, replace(draft.data, client_id=other.id))
        _issue(db, draft.id)
    credit = _get(db, draft.id)
    assert credit.status is Status.DRAFT or credit.client_id == original.client_id


def test_credit_note_stays_in_the_invoices_currency(db: Database) -> None:
    original = issued_invoice(db)
    draft = invoices.create_credit_note(db, original.id)
    with contextlib.suppress(DomainError):  # refusing the change or the issue are both right
        invoices.update_draft(
            db, draft.id, replace(draft.data, currency="USD", exchange_rate=D("0.5"))
        )
        _issue(db, draft.id)
    credit = _get(db, draft.id)
    assert credit.status is Status.DRAFT or credit.data.currency == "EUR"


def test_credit_note_intro_follows_the_language() -> None:
    intro = invoices.credit_note_intro("de", "RE-2026-0007")
    assert intro == "Wir schreiben Ihnen die folgenden Positionen der Rechnung RE-2026-0007 gut:"
    assert invoices.credit_note_intro("de-AT", "X").startswith("Wir schreiben")
    assert invoices.credit_note_intro("fr", "X").startswith("We credit you")
    assert invoices.credit_note_intro("", "X").startswith("We credit you")
