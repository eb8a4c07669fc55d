"""Clients: validation naming the field, customer numbers, archive/delete, search and balances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from invoicedesk.core.errors import DomainError, NotFoundError
from invoicedesk.db.engine import Database
from invoicedesk.services import clients, invoices
from invoicedesk.services.clients import Balance
from invoicedesk.services.inputs import AddressInput, AddressKind, ClientKind, ContactInput
from tests.factories import (
    TODAY,
    client_input,
    issued_invoice,
    line,
    make_client,
    make_draft,
    pay,
)

D = Decimal


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "   "}, "client.name", "a client needs a name"),
        ({"kind": "robot"}, "client.kind", "is 'organisation' or 'person'"),
        ({"email": "nope"}, "client.email", "'nope' is not an e-mail address"),
        ({"emails": ("a@b.de", "bad")}, "client.emails[1]", "'bad' is not an e-mail address"),
        (
            {"addresses": (AddressInput(country="DE"), AddressInput(country="12"))},
            "client.addresses[1].country",
            "'12' is not an ISO 3166 country code (e.g. DE, AT, US)",
        ),
        (
            {"addresses": (AddressInput(country="Germany"),)},
            "client.addresses[0].country",
            "is too long (7 characters, at most 2)",
        ),
        (
            {"addresses": (AddressInput(zip="1" * 21),)},
            "client.addresses[0].zip",
            "is too long (21 characters, at most 20)",
        ),
        (
            {"addresses": (AddressInput(kind="home"),)},  # type: ignore[arg-type]
            "client.addresses[0].kind",
            "is billing, delivery or other",
        ),
        (
            {"contacts": (ContactInput(role="CFO"),)},
            "client.contacts[0]",
            "a contact person needs a name or an e-mail address",
        ),
        (
            {"contacts": (ContactInput(email="x"),)},
            "client.contacts[0].email",
            "'x' is not an e-mail address",
        ),
        ({"due_days": 366}, "client.due_days", "due days must be a whole number from 0 to 365"),
        ({"due_days": -1}, "client.due_days", "due days must be a whole number from 0 to 365"),
        ({"currency": "EURO"}, "client.currency", "'EURO' is not an ISO 4217 currency code"),
        ({"language": "klingon!"}, "client.language", "'klingon!' is not a language code"),
        ({"tags": ("x" * 61,)}, "client.tags[0]", "a tag has at most 60 characters"),
        ({"notes": "x" * 10_001}, "client.notes", "is too long (10001 characters"),
        ({"customer_number": "C" * 31}, "client.customer_number", "is too long"),
    ],
)
def test_validation_names_the_field(
    db: Database, fields: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(DomainError) as error:
        clients.create_client(db, client_input(**fields))
    assert error.value.field == field
    assert error.value.message.startswith(message)
    assert clients.list_clients(db, include_archived=True) == []


def test_input_is_normalised(db: Database) -> None:
    client = clients.create_client(
        db,
        client_input(
            "  Acme GmbH ",
            vat_id="de 123 456 789",
            email=" info@acme.example ",
            addresses=(AddressInput(street=" Weg 1 ", country="at"),),
            tags=("VIP", "vip", " Web   shop ", ""),
        ),
    )
    assert client.name == "Acme GmbH"
    assert client.data.vat_id == "DE123456789"
    assert client.data.email == "info@acme.example"
    assert client.data.addresses[0].street == "Weg 1"
    assert client.data.addresses[0].country == "AT"
    assert client.data.tags == ("VIP", "Web shop")


def test_further_emails_are_stored_trimmed(db: Database) -> None:
    client = make_client(db, emails=(" b@acme.example ", "", "c@acme.example"))
    assert client.data.emails == ("b@acme.example", "c@acme.example")


def test_person_name_is_built_from_first_and_last_name(db: Database) -> None:
    client = make_client(db, "", kind=ClientKind.PERSON, first_name=" Erika ", last_name="Muster")
    assert client.name == "Erika Muster"
    assert client.data.kind is ClientKind.PERSON


def test_everything_is_read_back(db: Database) -> None:
    created = make_client(
        db,
        "Acme GmbH",
        email="info@acme.example",
        emails=("copy@acme.example",),
        phone="+49 30 1234",
        due_days=30,
        currency="USD",
        language="de",
        notes="Good client",
        addresses=(
            AddressInput(street="Lager 1", city="Hamburg", country="DE", kind=AddressKind.DELIVERY),
            AddressInput(street="Markt 5", city="München", country="DE", recipient="Accounts"),
        ),
        contacts=(ContactInput(first_name="Erika", email="erika@acme.example", role="CFO"),),
    )
    again = clients.get_client(db, created.id, today=TODAY)
    assert again.data == created.data
    assert again.billing_address is not None and again.billing_address.city == "München"
    assert again.data.contacts[0].role == "CFO"
    assert (again.invoice_count, again.balances, again.archived) == (0, (), False)


def test_customer_numbers_are_assigned_in_order_and_unique(db: Database) -> None:
    numbers = [make_client(db, f"Client {i}").customer_number for i in range(3)]
    assert numbers == ["C-00001", "C-00002", "C-00003"]


def test_own_customer_number_is_kept_and_skipped_by_the_sequence(db: Database) -> None:
    assert make_client(db, "Own", customer_number="C-00002").customer_number == "C-00002"
    assert make_client(db, "Auto 1").customer_number == "C-00001"
    assert make_client(db, "Auto 2").customer_number == "C-00003"


def test_duplicate_customer_number_is_refused(db: Database) -> None:
    first = make_client(db, "First")
    with pytest.raises(DomainError, match="customer number C-00001 is already taken") as error:
        make_client(db, "Second", customer_number="C-00001")
    assert error.value.field == "client.customer_number"
    second = make_client(db, "Second")
    with pytest.raises(DomainError, match="already taken"):
        clients.update_client(db, second.id, client_input("Second", customer_number="C-00001"))
    # Saving a client with its own number is fine.
    again = clients.update_client(db, first.id, client_input("First", customer_number="C-00001"))
    assert again.customer_number == "C-00001"


def test_update_replaces_the_data_and_keeps_the_number(db: Database) -> None:
    client = make_client(db, "Old", contacts=(ContactInput(first_name="A"),))
    updated = clients.update_client(
        db, client.id, client_input("New", addresses=(AddressInput(city="Wien", country="AT"),))
    )
    assert updated.customer_number == client.customer_number
    assert updated.name == "New"
    assert [a.city for a in updated.data.addresses] == ["Wien"]
    assert updated.data.contacts == ()
    renumbered = clients.update_client(db, client.id, client_input("New", customer_number="K-1"))
    assert renumbered.customer_number == "K-1"


def test_update_of_a_missing_client(db: Database) -> None:
    with pytest.raises(NotFoundError) as error:
        clients.update_client(db, 99, client_input())
    assert error.value.field == "client_id"


def test_remove_client_without_invoices_deletes_it(db: Database) -> None:
    client = make_client(db)
    assert clients.remove_client(db, client.id) == "deleted"
    with pytest.raises(NotFoundError):
        clients.get_client(db, client.id)


def test_remove_client_with_invoices_archives_it(db: Database) -> None:
    client = make_client(db)
    draft = make_draft(db, client_id=client.id)
    assert clients.remove_client(db, client.id) == "archived"
    assert clients.get_client(db, client.id).archived is True
    assert invoices.get_invoice(db, draft.id).client_id == client.id


def test_archive_and_restore(db: Database) -> None:
    client = make_client(db, "Sleepy")
    make_client(db, "Awake")
    assert clients.archive_client(db, client.id).archived is True
    assert [c.name for c in clients.list_clients(db)] == ["Awake"]
    assert [c.name for c in clients.list_clients(db, include_archived=True)] == ["Awake", "Sleepy"]
    assert clients.archive_client(db, client.id, archived=False).archived is False
    assert [c.name for c in clients.list_clients(db)] == ["Awake", "Sleepy"]


@pytest.fixture
def directory(db: Database) -> None:
    make_client(db, "beta GmbH", email="office@beta.example", vat_id="ATU12345678")
    make_client(
        db,
        "Alpha AG",
        addresses=(AddressInput(city="Hamburg", country="DE"),),
        email="a@alpha.example",
    )
    make_client(db, "Gamma 100% Ltd", customer_number="G_1")


@pytest.mark.parametrize(
    ("search", "names"),
    [
        ("", ["Alpha AG", "beta GmbH", "Gamma 100% Ltd"]),  # by name, case-insensitively
        ("BETA", ["beta GmbH"]),
        ("c-00002", ["Alpha AG"]),
        ("alpha.example", ["Alpha AG"]),
        ("hamburg", ["Alpha AG"]),
        ("ATU123", ["beta GmbH"]),
        ("100%", ["Gamma 100% Ltd"]),  # % is literal, not a wildcard
        ("G_1", ["Gamma 100% Ltd"]),
        ("_", ["Gamma 100% Ltd"]),
        ("zzz", []),
    ],
)
def test_list_search(db: Database, directory: None, search: str, names: list[str]) -> None:
    assert [c.name for c in clients.list_clients(db, search, today=TODAY)] == names


def test_list_paging(db: Database, directory: None) -> None:
    assert [c.name for c in clients.list_clients(db, limit=1, offset=1)] == ["beta GmbH"]


def test_find_client_by_number_name_or_id(db: Database) -> None:
    client = make_client(db, "Acme GmbH")
    assert clients.find_client(db, "C-00001").id == client.id
    assert clients.find_client(db, "acme gmbh").id == client.id
    assert clients.find_client(db, str(client.id)).id == client.id
    with pytest.raises(NotFoundError):
        clients.find_client(db, "Nobody")


def test_balances_per_currency_with_overdue_part(db: Database) -> None:
    client = make_client(db)
    cid = client.id
    issued_invoice(db, client_id=cid)  # 119.00 open, due TODAY + 14
    overdue = issued_invoice(db, line("1", "50.00"), client_id=cid, date=dt.date(2026, 1, 10))
    pay(db, overdue.id, "9.50")  # 50.00 of 59.50 still open, overdue
    paid = issued_invoice(db, client_id=cid)
    pay(db, paid.id, "119.00")
    make_draft(db, line("1", "1000.00"), client_id=cid)  # not receivable
    cancelled = issued_invoice(db, client_id=cid)
    invoices.cancel(db, cancelled.id)
    issued_invoice(
        db, line("1", "200.00", "0"), client_id=cid, currency="USD", exchange_rate=D("0.9")
    )

    view = clients.get_client(db, cid, today=TODAY)
    assert view.invoice_count == 6
    assert view.balances == (
        Balance("EUR", D("169.00"), D("50.00")),
        Balance("USD", D("200.00"), D("0")),
    )
    [listed] = clients.list_clients(db, today=TODAY)
    assert listed.balances == view.balances
    assert listed.invoice_count == 6


def test_credit_notes_count_against_the_balance(db: Database) -> None:
    client = make_client(db)
    invoice = issued_invoice(db, client_id=client.id)
    pay(db, invoice.id, "119.00")
    credit = invoices.create_credit_note(db, invoice.id)
    invoices.issue(db, credit.id, today=TODAY)  # 119.00 owed to the client
    issued_invoice(db, line("1", "300.00", "0"), client_id=client.id)
    assert clients.get_client(db, client.id, today=TODAY).balances == (
        Balance("EUR", D("181.00"), D("0")),
    )
    # What we owe on a credit note is never overdue; the invoice past its due date is.
    later = TODAY + dt.timedelta(days=15)
    assert clients.get_client(db, client.id, today=later).balances == (
        Balance("EUR", D("181.00"), D("300.00")),
    )


def test_add_clients_in_bulk_draws_numbers_and_shares_tags(db: Database) -> None:
    """The bulk path (the demo's) gives what add_client would: numbers from the sequence
    that skip the ones given, and one Tag row per tag whatever its spelling."""
    from invoicedesk.services.clients import add_clients

    make_client(db, "Existing", customer_number="K-00002")
    inputs = [
        client_input("One", tags=("VIP", "web")),
        client_input("Two", customer_number="K-7", tags=("vip",)),
        client_input("Three", tags=("Web",)),
    ]
    with db.write() as session:
        added = add_clients(session, inputs)
        numbers = [client.customer_number for client in added]
        tags = [[tag.name for tag in client.tags] for client in added]
    assert numbers[1] == "K-7" and numbers[0] != numbers[2]
    assert "K-00002" not in numbers
    assert tags == [["VIP", "web"], ["VIP"], ["web"]]
    listed = {c.name: c.customer_number for c in clients.list_clients(db)}
    assert listed["One"] == numbers[0] and listed["Three"] == numbers[2]
