"""Every service call is one transaction: when it fails, nothing of it is left in the file.

Each test takes a dump of every table, lets an operation fail (on bad input, on a rule, or
by an error injected after the writes have begun) and compares the dump afterwards.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from decimal import Decimal
from typing import Any

import pytest

from invoicedesk.core.errors import ConflictError, DomainError
from invoicedesk.core.lifecycle import Status
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Base, load_all
from invoicedesk.services import clients, invoices, numbering, payments, products, settings
from invoicedesk.services.inputs import InvoiceInput, ProductInput
from tests.factories import (
    TODAY,
    client_input,
    invoice_input,
    issued_invoice,
    line,
    make_client,
    make_draft,
    pay,
)

load_all()  # every table in Base.metadata (the models load when first used)

D = Decimal
Dump = dict[str, list[tuple[Any, ...]]]


def dump(db: Database) -> Dump:
    """Every row of every table, read straight from the file."""
    assert db.path is not None
    with closing(sqlite3.connect(db.path)) as connection:
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in Base.metadata.tables
        }


def fail_on_record(monkeypatch: pytest.MonkeyPatch, *modules: Any) -> None:
    """Make the audit entry, written last in each operation, raise."""

    def record(*args: object, **kwargs: object) -> None:
        raise OSError("disk I/O error")

    for module in modules:
        monkeypatch.setattr(module, "record", record)


def assert_unchanged(db: Database, before: Dump) -> None:
    after = dump(db)
    changed = {table for table in before if before[table] != after[table]}
    assert changed == set(), f"half-written tables: {sorted(changed)}"


def test_draft_with_inline_client_and_bad_third_line_writes_nothing(db: Database) -> None:
    before = dump(db)
    inline = InvoiceInput(
        client=client_input("Brand New GmbH", tags=("new",)),
        tags=("fresh",),
        lines=(line("1", "10.00"), line("2", "20.00"), line("1", "5.00", rate="19.999")),
    )
    with pytest.raises(DomainError) as error:
        invoices.create_draft(db, inline)
    assert error.value.field == "invoice.line_items[2].tax_rate"
    assert_unchanged(db, before)
    # The client number was not used up either.
    assert make_client(db).customer_number == "C-00001"


def test_draft_with_inline_client_failing_late_writes_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dump(db)
    fail_on_record(monkeypatch, invoices)  # the client's own audit entry still works
    with pytest.raises(OSError):
        invoices.create_draft(db, InvoiceInput(client=client_input("Late"), lines=(line(),)))
    assert_unchanged(db, before)


def test_failed_update_keeps_the_draft_as_it_was(db: Database) -> None:
    draft = make_draft(db, line("2", "50.00"), tags=("a",), title="Original")
    before = dump(db)
    bad = invoice_input(draft.client_id, line("1", "1.00"), line("1", "1.00", "150"), tags=("b",))
    with pytest.raises(DomainError):
        invoices.update_draft(db, draft.id, bad)
    assert_unchanged(db, before)
    assert invoices.get_invoice(db, draft.id).data.title == "Original"


def test_update_failing_after_the_writes_keeps_the_draft(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = make_draft(db, line("2", "50.00"), tags=("a",))
    before = dump(db)
    fail_on_record(monkeypatch, invoices)
    with pytest.raises(OSError):
        invoices.update_draft(
            db, draft.id, invoice_input(draft.client_id, line("9", "9.00"), tags=("b",))
        )
    assert_unchanged(db, before)


def test_issue_failing_after_drawing_the_number_leaves_the_sequence(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued_invoice(db)  # the sequence row exists: RE-2026-0002 is next
    draft = make_draft(db)
    before = dump(db)
    fail_on_record(monkeypatch, invoices)
    with pytest.raises(OSError):
        invoices.issue(db, draft.id, today=TODAY)
    assert_unchanged(db, before)
    monkeypatch.undo()
    assert numbering.peek_next_number(db, "invoice", TODAY) == "RE-2026-0002"
    assert invoices.issue(db, draft.id, today=TODAY).number == "RE-2026-0002"


def test_credit_note_refused_at_issue_leaves_invoice_and_sequence(db: Database) -> None:
    original = issued_invoice(db)
    invoices.issue(db, invoices.create_credit_note(db, original.id).id, today=TODAY)
    second = invoices.create_credit_note(db, original.id)
    before = dump(db)
    # Number drawn, snapshots and totals written, then the limit check fails.
    with pytest.raises(DomainError, match="would exceed"):
        invoices.issue(db, second.id, today=TODAY)
    assert_unchanged(db, before)
    assert numbering.peek_next_number(db, "credit_note", TODAY) == "CN-2026-0002"


def test_credit_note_settlement_failing_late_books_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = issued_invoice(db)
    credit = invoices.create_credit_note(db, original.id)
    before = dump(db)
    fail_on_record(monkeypatch, invoices)
    with pytest.raises(OSError):
        invoices.issue(db, credit.id, today=TODAY)
    assert_unchanged(db, before)
    monkeypatch.undo()
    view = invoices.get_invoice(db, original.id)
    assert (view.status, view.open_amount, view.payments) == (Status.OPEN, D("119.00"), ())


def test_bad_credit_note_position_creates_no_draft(db: Database) -> None:
    original = issued_invoice(db)
    before = dump(db)
    with pytest.raises(DomainError, match="has no line 5"):
        invoices.create_credit_note(db, original.id, [1, 5])
    assert_unchanged(db, before)


def test_payment_failing_late_is_not_booked(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    invoice = issued_invoice(db)
    before = dump(db)
    fail_on_record(monkeypatch, payments)
    with pytest.raises(OSError):
        pay(db, invoice.id, "19.00")
    assert_unchanged(db, before)


def test_payment_removal_failing_late_keeps_the_payment(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice = issued_invoice(db)
    payment = pay(db, invoice.id, "119.00")
    before = dump(db)
    fail_on_record(monkeypatch, payments)
    with pytest.raises(OSError):
        payments.delete_payment(db, payment.id)
    assert_unchanged(db, before)


@pytest.mark.parametrize("operation", ["cancel", "uncancel"])
def test_state_change_failing_late_keeps_the_state(
    db: Database, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    invoice = issued_invoice(db)
    if operation == "uncancel":
        invoices.cancel(db, invoice.id)
    before = dump(db)
    fail_on_record(monkeypatch, invoices)
    with pytest.raises(OSError):
        getattr(invoices, operation)(db, invoice.id)
    assert_unchanged(db, before)


def test_refused_state_change_writes_nothing(db: Database) -> None:
    invoice = issued_invoice(db)
    pay(db, invoice.id, "1.00")
    before = dump(db)
    with pytest.raises(ConflictError):
        invoices.cancel(db, invoice.id)
    with pytest.raises(ConflictError):
        invoices.delete_draft(db, invoice.id)
    assert_unchanged(db, before)


def test_clone_failing_late_creates_no_draft(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    invoice = issued_invoice(db, tags=("x",))
    before = dump(db)
    fail_on_record(monkeypatch, invoices)
    with pytest.raises(OSError):
        invoices.clone(db, invoice.id)
    assert_unchanged(db, before)


Operation = Callable[[Database], object]

CATALOGUE_FAILURES: dict[str, tuple[Any, Operation]] = {
    "create_client": (clients, lambda db: clients.create_client(db, client_input(tags=("t",)))),
    "create_product": (
        products,
        lambda db: products.create_product(
            db, ProductInput(name="Widget", unit_price=D("1"), tax_rate=D("19"))
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(CATALOGUE_FAILURES))
def test_new_record_failing_late_uses_no_number(
    db: Database, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    module, operation = CATALOGUE_FAILURES[name]
    before = dump(db)
    fail_on_record(monkeypatch, module)
    with pytest.raises(OSError):
        operation(db)
    assert_unchanged(db, before)
    monkeypatch.undo()
    created = operation(db)
    assert getattr(created, "customer_number", getattr(created, "number", None)) in (
        "C-00001",
        "P-0001",
    )


def test_client_update_failing_late_keeps_the_client(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(db, "Before", tags=("a",))
    before = dump(db)
    fail_on_record(monkeypatch, clients)
    with pytest.raises(OSError):
        clients.update_client(db, client.id, client_input("After", tags=("b",), addresses=()))
    assert_unchanged(db, before)


def test_remove_client_failing_late_keeps_the_client(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(db)
    before = dump(db)
    fail_on_record(monkeypatch, clients)
    with pytest.raises(OSError):
        clients.remove_client(db, client.id)
    assert_unchanged(db, before)


def test_refused_setting_changes_nothing(db: Database) -> None:
    before = dump(db)
    with pytest.raises(DomainError):
        settings.set_setting(db, "number_patterns", {"invoice": "X{seq}", "credit_note": "bad"})
    with pytest.raises(DomainError):
        settings.update_company(db, settings.CompanyData(name="", currency="EUR"))
    assert_unchanged(db, before)


def test_database_is_usable_after_a_failed_write(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = make_draft(db)
    fail_on_record(monkeypatch, invoices)
    with pytest.raises(OSError):
        invoices.issue(db, draft.id, today=TODAY)
    monkeypatch.undo()
    # The failed transaction released the write lock: the next one goes through at once.
    assert invoices.issue(db, draft.id, today=TODAY).number == "RE-2026-0001"
