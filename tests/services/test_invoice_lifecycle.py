"""Invoice lifecycle: draft → issued (numbered, frozen) → cancelled/uncancelled, clone, overdue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from invoicedesk.core.errors import ConflictError, DomainError, NotFoundError
from invoicedesk.core.lifecycle import DocType, State, Status
from invoicedesk.db.engine import Database
from invoicedesk.db.models import Invoice
from invoicedesk.services import clients, invoices, payments, search, settings
from invoicedesk.services.inputs import AddressInput, ContactInput, InvoiceInput
from tests.factories import (
    COMPANY,
    TODAY,
    client_input,
    invoice_input,
    issued_invoice,
    line,
    make_client,
    make_draft,
    pay,
)

D = Decimal


def _stored_status(db: Database, invoice_id: int) -> str:
    with db.read() as session:
        return session.scalars(select(Invoice.status).where(Invoice.id == invoice_id)).one()


# --------------------------------------------------------------------------- drafts


def test_draft_has_no_number_date_or_open_amount_but_live_totals(db: Database) -> None:
    draft = make_draft(db, line("2", "50.00", "19"), line("1", "10.00", "7"))
    assert draft.status is Status.DRAFT
    assert draft.state is State.DRAFT
    assert draft.number is None
    assert draft.display_number == f"Draft {draft.id}"
    assert draft.data.date is None
    assert draft.data.due_date is None
    assert (draft.net, draft.tax, draft.gross) == (D("110.00"), D("19.70"), D("129.70"))
    assert draft.open_amount == 0  # not receivable before it is issued
    assert draft.client_snapshot is None and draft.company_snapshot is None


def test_draft_currency_follows_the_client_then_the_company(db: Database) -> None:
    plain_client = make_client(db, "Plain")
    dollar_client = make_client(db, "Dollar Inc", currency="USD")
    assert make_draft(db, client_id=plain_client.id).data.currency == "EUR"
    with pytest.raises(DomainError) as error:
        make_draft(db, client_id=dollar_client.id)
    assert error.value.field == "invoice.exchange_rate"
    draft = make_draft(db, client_id=dollar_client.id, exchange_rate=D("0.9"))
    assert draft.data.currency == "USD"


def test_update_draft_replaces_lines_and_recomputes(db: Database) -> None:
    draft = make_draft(db)
    updated = invoices.update_draft(
        db,
        draft.id,
        invoice_input(draft.client_id, line("3", "10.00", "7"), title="Changed"),
    )
    assert updated.id == draft.id
    assert [(li.quantity, li.unit_price) for li in updated.data.lines] == [(D(3), D("10.00"))]
    assert (updated.net, updated.gross) == (D("30.00"), D("32.10"))
    assert updated.data.title == "Changed"
    assert [h.action for h in updated.history] == ["created", "updated"]


def test_delete_draft_removes_it(db: Database) -> None:
    draft = make_draft(db)
    invoices.delete_draft(db, draft.id)
    with pytest.raises(NotFoundError):
        invoices.get_invoice(db, draft.id)


def test_deleted_drafts_id_and_history_are_not_reused(db: Database) -> None:
    first = make_draft(db)
    invoices.delete_draft(db, first.id)
    second = make_draft(db, client_id=first.client_id)
    assert second.id != first.id
    assert [h.action for h in second.history] == ["created"]


def test_archived_client_cannot_get_new_drafts(db: Database) -> None:
    client = make_client(db)
    clients.archive_client(db, client.id)
    with pytest.raises(ConflictError, match="archived — restore it first") as error:
        make_draft(db, client_id=client.id)
    assert error.value.field == "invoice.client_id"
    clients.archive_client(db, client.id, archived=False)
    assert make_draft(db, client_id=client.id).status is Status.DRAFT


def test_draft_needs_exactly_one_client(db: Database) -> None:
    with pytest.raises(DomainError) as error:
        invoices.create_draft(db, InvoiceInput(lines=(line(),)))
    assert error.value.field == "invoice.client_id"


def test_draft_due_date_before_date_is_refused(db: Database) -> None:
    with pytest.raises(DomainError) as error:
        make_draft(db, date=TODAY, due_date=TODAY - dt.timedelta(days=1))
    assert error.value.field == "invoice.due_date"


# --------------------------------------------------------------------------- issuing


def test_issue_assigns_number_date_and_default_due_date(db: Database) -> None:
    draft = make_draft(db)
    issued = invoices.issue(db, draft.id, today=TODAY)
    assert issued.number == "RE-2026-0001"
    assert issued.status is Status.OPEN
    assert issued.state is State.OPEN
    assert issued.data.date == TODAY
    assert issued.data.due_date == TODAY + dt.timedelta(days=14)
    assert issued.issued_at is not None
    assert (issued.gross, issued.amount_due, issued.open_amount) == (D("119.00"),) * 3
    assert issued.paid_amount == 0


def test_issue_keeps_the_drafts_own_date(db: Database) -> None:
    issued = issued_invoice(db, date=dt.date(2026, 2, 1))
    assert issued.data.date == dt.date(2026, 2, 1)
    assert issued.data.due_date == dt.date(2026, 2, 15)


def test_due_date_from_the_clients_due_days(db: Database) -> None:
    client = make_client(db, due_days=30)
    issued = issued_invoice(db, client_id=client.id)
    assert issued.data.due_date == TODAY + dt.timedelta(days=30)


def test_zero_due_days_mean_due_on_the_invoice_date(db: Database) -> None:
    client = make_client(db, due_days=0)
    assert issued_invoice(db, client_id=client.id).data.due_date == TODAY
    other = make_client(db, "Other", due_days=30)
    assert issued_invoice(db, client_id=other.id, due_days=0).data.due_date == TODAY


def test_due_date_from_the_default_setting(db: Database) -> None:
    settings.set_setting(db, "default_due_days", 21)
    assert issued_invoice(db).data.due_date == TODAY + dt.timedelta(days=21)


def test_invoice_due_days_win_over_the_clients(db: Database) -> None:
    client = make_client(db, due_days=30)
    issued = issued_invoice(db, client_id=client.id, due_days=7)
    assert issued.data.due_date == TODAY + dt.timedelta(days=7)


def test_explicit_due_date_wins(db: Database) -> None:
    client = make_client(db, due_days=30)
    due = dt.date(2026, 3, 20)
    issued = issued_invoice(db, client_id=client.id, due_days=7, due_date=due)
    assert issued.data.due_date == due


def test_explicit_due_date_before_issue_date_is_refused(db: Database) -> None:
    draft = make_draft(db, due_date=TODAY - dt.timedelta(days=1))
    with pytest.raises(DomainError) as error:
        invoices.issue(db, draft.id, today=TODAY)
    assert error.value.field == "invoice.due_date"
    assert invoices.get_invoice(db, draft.id).status is Status.DRAFT


def test_issue_freezes_client_and_company_snapshots(db: Database) -> None:
    client = make_client(
        db,
        "Acme GmbH",
        email="billing@acme.example",
        vat_id="DE 999 999 999",
        addresses=(
            AddressInput(street="Lieferweg 2", city="Hamburg", country="DE", kind="delivery"),
            AddressInput(street="Marktplatz 5", zip="80331", city="München", country="DE"),
        ),
        contacts=(ContactInput(first_name="Erika", last_name="Mustermann"),),
    )
    issued = issued_invoice(db, client_id=client.id)

    clients.update_client(db, client.id, client_input("Renamed AG", addresses=()))
    settings.update_company(db, settings.CompanyData(name="New Name Ltd", currency="EUR"))

    again = invoices.get_invoice(db, issued.id, today=TODAY)
    snapshot = again.client_snapshot
    assert snapshot is not None
    assert snapshot["name"] == "Acme GmbH"
    assert snapshot["customer_number"] == client.customer_number
    assert snapshot["vat_id"] == "DE999999999"
    assert snapshot["email"] == "billing@acme.example"
    assert snapshot["contact"] == "Erika Mustermann"
    assert snapshot["address"] == {  # the billing address, not the first one
        "recipient": "",
        "street": "Marktplatz 5",
        "street2": "",
        "zip": "80331",
        "city": "München",
        "region": "",
        "country": "DE",
    }
    assert again.company_snapshot == COMPANY.snapshot()
    # Issued documents show the name they were issued to everywhere, as their PDF does.
    assert again.client_name == "Acme GmbH"
    assert [row.client_name for row in search.list_invoices(db)] == ["Acme GmbH"]


def test_issue_freezes_the_totals(db: Database) -> None:
    issued = issued_invoice(db, line("3", "33.33", "19"))
    assert (issued.net, issued.tax, issued.gross) == (D("99.99"), D("19.00"), D("118.99"))
    assert [(t.rate, t.base, t.amount) for t in issued.taxes] == [(D("19"), D("99.99"), D("19.00"))]
    settings.set_setting(db, "default_tax_rate", "7")
    again = invoices.get_invoice(db, issued.id)
    assert (again.net, again.tax, again.gross, again.amount_due) == (
        D("99.99"),
        D("19.00"),
        D("118.99"),
        D("118.99"),
    )


def test_issuing_without_lines_is_refused(db: Database) -> None:
    draft = invoices.create_draft(db, InvoiceInput(client_id=make_client(db).id))
    with pytest.raises(DomainError, match="at least one line") as error:
        invoices.issue(db, draft.id, today=TODAY)
    assert error.value.field == "invoice.line_items"
    assert invoices.get_invoice(db, draft.id).number is None


def test_issuing_a_negative_total_is_refused(db: Database) -> None:
    draft = make_draft(db, line("1", "50.00"), line("1", "-80.00"))
    with pytest.raises(DomainError, match="negative — write a credit note"):
        invoices.issue(db, draft.id, today=TODAY)
    assert invoices.get_invoice(db, draft.id).status is Status.DRAFT


def test_issuing_twice_is_refused(db: Database) -> None:
    issued = issued_invoice(db)
    with pytest.raises(ConflictError, match="RE-2026-0001 is already issued"):
        invoices.issue(db, issued.id, today=TODAY)


def test_issuing_for_an_archived_client_is_refused(db: Database) -> None:
    draft = make_draft(db)
    clients.archive_client(db, draft.client_id)
    with pytest.raises(ConflictError, match="archived"):
        invoices.issue(db, draft.id, today=TODAY)


def test_zero_total_invoice_is_paid_at_once(db: Database) -> None:
    issued = issued_invoice(db, line("1", "0.00"))
    assert issued.number == "RE-2026-0001"
    assert issued.status is Status.PAID


def test_fully_prepaid_invoice_is_paid_at_once(db: Database) -> None:
    issued = issued_invoice(db, prepaid=D("119.00"))
    assert (issued.gross, issued.amount_due) == (D("119.00"), D("0.00"))
    assert issued.status is Status.PAID


# --------------------------------------------------------------------------- issued is frozen


def test_editing_an_issued_invoice_is_refused_with_what_to_do(db: Database) -> None:
    issued = issued_invoice(db)
    with pytest.raises(ConflictError) as error:
        invoices.update_draft(db, issued.id, invoice_input(issued.client_id, line("9")))
    assert "RE-2026-0001 is issued" in error.value.message
    assert "credit note" in error.value.message
    again = invoices.get_invoice(db, issued.id)
    assert again.data.lines == issued.data.lines


def test_deleting_an_issued_invoice_is_refused_with_what_to_do(db: Database) -> None:
    issued = issued_invoice(db)
    with pytest.raises(ConflictError, match="credit note"):
        invoices.delete_draft(db, issued.id)
    assert invoices.get_invoice(db, issued.id).number == "RE-2026-0001"


def test_editing_a_cancelled_invoice_suggests_cloning(db: Database) -> None:
    issued = issued_invoice(db)
    invoices.cancel(db, issued.id)
    with pytest.raises(ConflictError, match="cancelled .* clone it"):
        invoices.update_draft(db, issued.id, invoice_input(issued.client_id))


# --------------------------------------------------------------------------- cancel


def test_cancel_keeps_the_number_and_closes_the_amount(db: Database) -> None:
    issued = issued_invoice(db)
    cancelled = invoices.cancel(db, issued.id, today=TODAY)
    assert cancelled.status is Status.CANCELLED
    assert cancelled.state is State.CANCELLED
    assert cancelled.number == "RE-2026-0001"
    assert cancelled.open_amount == 0
    assert cancelled.gross == D("119.00")
    # The number is not reused.
    assert issued_invoice(db, client_id=issued.client_id).number == "RE-2026-0002"


def test_uncancel_restores_the_open_state(db: Database) -> None:
    issued = issued_invoice(db)
    invoices.cancel(db, issued.id)
    restored = invoices.uncancel(db, issued.id, today=TODAY)
    assert restored.status is Status.OPEN
    assert restored.number == "RE-2026-0001"
    assert restored.open_amount == D("119.00")


def test_uncancel_of_an_overdue_invoice_shows_overdue(db: Database) -> None:
    issued = issued_invoice(db)
    invoices.cancel(db, issued.id)
    later = TODAY + dt.timedelta(days=30)
    assert invoices.uncancel(db, issued.id, today=later).state is State.OVERDUE


def test_invoice_with_payments_cannot_be_cancelled(db: Database) -> None:
    issued = issued_invoice(db)
    pay(db, issued.id, "10.00")
    with pytest.raises(ConflictError, match="has payments .* credit note"):
        invoices.cancel(db, issued.id)
    assert _stored_status(db, issued.id) == "part_paid"


def test_draft_cannot_be_cancelled(db: Database) -> None:
    draft = make_draft(db)
    with pytest.raises(ConflictError, match="delete it instead"):
        invoices.cancel(db, draft.id)


def test_cancel_twice_and_uncancel_open_are_refused(db: Database) -> None:
    issued = issued_invoice(db)
    with pytest.raises(ConflictError, match="is not cancelled"):
        invoices.uncancel(db, issued.id)
    invoices.cancel(db, issued.id)
    with pytest.raises(ConflictError, match="already cancelled"):
        invoices.cancel(db, issued.id)


# --------------------------------------------------------------------------- clone


def test_clone_gives_a_new_draft_with_the_same_lines(db: Database) -> None:
    issued = issued_invoice(
        db,
        line("2", "50.00", "19", name="Design", unit="h"),
        line("1", "10.00", "7", name="Book"),
        title="March work",
        note="Thanks",
        tags=("web",),
        date=dt.date(2026, 3, 1),
        supply_date=dt.date(2026, 2, 27),
    )
    copy = invoices.clone(db, issued.id)
    assert copy.id != issued.id
    assert copy.status is Status.DRAFT
    assert copy.doc_type is DocType.INVOICE
    assert copy.number is None
    assert copy.data.date is None
    assert copy.data.due_date is None
    assert copy.data.supply_date is None
    assert copy.data.lines == issued.data.lines
    assert (copy.data.title, copy.data.note, copy.data.tags) == ("March work", "Thanks", ("web",))
    assert copy.client_id == issued.client_id
    assert copy.gross == issued.gross
    assert copy.open_amount == 0
    assert [h.action for h in copy.history] == ["created", "cloned"]
    assert "RE-2026-0001" in copy.history[-1].summary


def test_clone_of_a_cancelled_invoice_can_be_issued(db: Database) -> None:
    issued = issued_invoice(db)
    invoices.cancel(db, issued.id)
    copy = invoices.clone(db, issued.id)
    assert invoices.issue(db, copy.id, today=TODAY).number == "RE-2026-0002"


# --------------------------------------------------------------------------- overdue


def test_overdue_is_derived_from_the_due_date_and_never_stored(db: Database) -> None:
    issued = issued_invoice(db)  # due TODAY + 14
    due = issued.data.due_date
    assert due is not None
    assert invoices.get_invoice(db, issued.id, today=due).state is State.OPEN
    late = invoices.get_invoice(db, issued.id, today=due + dt.timedelta(days=1))
    assert late.state is State.OVERDUE
    assert late.status is Status.OPEN
    assert _stored_status(db, issued.id) == "open"


def test_part_paid_invoice_can_be_overdue_paid_one_cannot(db: Database) -> None:
    issued = issued_invoice(db)
    late = TODAY + dt.timedelta(days=60)
    pay(db, issued.id, "19.00")
    assert invoices.get_invoice(db, issued.id, today=late).state is State.OVERDUE
    pay(db, issued.id, "100.00")
    assert invoices.get_invoice(db, issued.id, today=late).state is State.PAID


# --------------------------------------------------------------------------- audit


def test_every_state_change_is_in_the_audit_log(db: Database) -> None:
    issued = issued_invoice(db)
    invoices.cancel(db, issued.id)
    invoices.uncancel(db, issued.id)
    payment = pay(db, issued.id, "19.00")
    pay(db, issued.id, "100.00")
    payments.delete_payment(db, payment.id)
    history = invoices.get_invoice(db, issued.id).history
    assert [(h.action, h.from_state, h.to_state) for h in history] == [
        ("created", "", "draft"),
        ("issued", "draft", "open"),
        ("cancelled", "open", "cancelled"),
        ("uncancelled", "cancelled", "open"),
        ("payment_recorded", "open", "part_paid"),
        ("payment_recorded", "part_paid", "paid"),
        ("payment_removed", "paid", "part_paid"),
    ]
    assert history[1].summary == "Invoice RE-2026-0001 issued"
    assert all(h.at.tzinfo is not None for h in history)
    assert [h.at for h in history] == sorted(h.at for h in history)


def test_placeholders_in_the_texts_are_filled_at_issue(db: Database) -> None:
    """A title "Invoice {number}" printed literally; it is filled when the number is known,
    and stored filled (list, PDF and mail show the same)."""
    client = make_client(db, "Müller GmbH", language="de")
    draft = make_draft(
        db,
        client_id=client.id,
        title="Rechnung {number} für {client}",
        intro="Datum: {invoice.date}. {alpha}",
    )
    assert invoices.get_invoice(db, draft.id).data.title == "Rechnung {number} für {client}"
    issued = invoices.issue(db, draft.id, today=TODAY)
    assert issued.data.title == f"Rechnung {issued.number} für Müller GmbH"
    assert issued.data.intro == "Datum: 16.03.2026. {alpha}"
    (row,) = search.list_invoices(db)
    assert row.title == issued.data.title


def test_a_clone_starts_from_the_placeholders_again(db: Database) -> None:
    draft = make_draft(db, title="Invoice {number}", note="Thanks")
    issued = invoices.issue(db, draft.id, today=TODAY)
    assert issued.data.title == f"Invoice {issued.number}"
    copy = invoices.clone(db, issued.id)
    assert (copy.data.title, copy.data.note) == ("Invoice {number}", "Thanks")
    again = invoices.issue(db, copy.id, today=TODAY)
    assert again.data.title == f"Invoice {again.number}" != issued.data.title
