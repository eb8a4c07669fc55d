"""Import and export: round trip, all-or-nothing with paths into the file, duplicates, CSV."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from invoicedesk.core.document import AllowanceCharge, CashDiscountTerms, Discount, PriceBasis
from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database
from invoicedesk.services import clients, invoices, json_format, products, transfer
from invoicedesk.services.inputs import (
    AddressInput,
    AddressKind,
    ClientInput,
    ClientKind,
    ContactInput,
    InvoiceInput,
    PaymentMethod,
    ProductInput,
    SupplyType,
)
from invoicedesk.services.invoices import InvoiceView
from tests.factories import TODAY, issued_invoice, line, make_client, make_draft, pay
from tests.factories import new_database as fresh_database

D = Decimal
TRICKY = '<b>Tom & "Jerry"</b> 😀'


def dump(db: Database) -> list[str]:
    """Every row of every table, as SQL: equal dumps mean nothing was written."""
    assert db.path is not None
    with closing(sqlite3.connect(db.path)) as connection:
        return list(connection.iterdump())


@pytest.fixture
def other(tmp_path: Path) -> Any:
    database = fresh_database(tmp_path / "other.sqlite")
    yield database
    database.dispose()


def populate(db: Database) -> dict[str, InvoiceView]:
    """Clients, products and documents in every shape the format knows."""
    consulting = products.create_product(
        db, ProductInput(name="Consulting", unit_price=D("95.00"), tax_rate=D(19), number="P-100")
    )
    products.create_product(
        db,
        ProductInput(
            name="Export crate",
            unit_price=D("20.1234"),
            tax_rate=D(0),
            tax_category="G",
            price_basis=PriceBasis.GROSS,
            unit="pcs",
            description="Wooden\ncrate",
        ),
    )
    archived = products.create_product(
        db, ProductInput(name="Old thing", unit_price=D("1"), tax_rate=D(7))
    )
    products.archive_product(db, archived.id)
    mueller = make_client(
        db,
        "Müller & Söhne GmbH",
        customer_number="K-10001",
        email="billing@mueller.example",
        emails=("copy@mueller.example",),
        vat_id="DE123456789",
        language="de",
        due_days=30,
        tags=("vip", "web"),
        notes=TRICKY,
        addresses=(
            AddressInput(street="Hauptstr. 1", zip="10115", city="Berlin", country="DE"),
            AddressInput(kind=AddressKind.DELIVERY, recipient="Lager", city="Potsdam"),
        ),
        contacts=(ContactInput(first_name="Anna", last_name="Müller", role="CFO"),),
    )
    person = make_client(
        db,
        TRICKY,
        kind=ClientKind.PERSON,
        first_name="Tom",
        last_name="Jerry",
        currency="USD",
        addresses=(),
    )
    yen = make_client(db, "Tokyo KK", currency="JPY")
    draft = make_draft(
        db,
        line("10", "1.45", "19", name="Mary's Best", unit="Pieces"),
        line(
            "1", "95.00", "19", name="Consulting", product_number="P-100", product_id=consulting.id
        ),
        line("-1", "20.00", "0", name="Return", category=None, discount=Discount(amount=D(-2))),
        client_id=mueller.id,
        title=TRICKY,
        intro="Hello\nworld",
        note="Thanks & bye",
        tags=("web",),
        discount=Discount(percent=D(10)),
        allowances_charges=(
            AllowanceCharge(is_charge=False, value=Discount(amount=D("1.00")), reason="Loyal"),
            AllowanceCharge(
                is_charge=True, value=Discount(amount=D("4.90")), reason="Shipping", tax_rate=D(19)
            ),
        ),
        cash_discount=CashDiscountTerms(D(2), 10),
        supply_date=TODAY,
        supply_type=SupplyType.SERVICE,
    )
    paid = issued_invoice(db, line("2", "50.00", "7"), client_id=mueller.id, due_days=14)
    pay(db, paid.id, "60.00", reference="Bank 1")
    pay(db, paid.id, "47.00", method=PaymentMethod.CASH)
    dollars = issued_invoice(
        db,
        line("3", "33.3333", "19"),
        client_id=person.id,
        currency="USD",
        exchange_rate=D("0.9123"),
        price_basis=PriceBasis.GROSS,
    )
    jpy = issued_invoice(
        db, line("3", "1000", "10"), client_id=yen.id, currency="JPY", exchange_rate=D("0.0062")
    )
    credit = invoices.create_credit_note(db, paid.id, [1])
    credit = invoices.issue(db, credit.id, today=TODAY)
    return {"draft": draft, "paid": paid, "dollars": dollars, "jpy": jpy, "credit": credit}


def replace_id(item: Any) -> Any:
    return replace(item, product_id=None)


def without_readonly(document: dict[str, Any]) -> dict[str, Any]:
    copy = json.loads(json.dumps(document))
    for invoice in copy.get("invoices", []):
        invoice.pop("readonly")
    return copy


# --------------------------------------------------------------------------- round trip


def test_round_trip_into_a_fresh_database(db: Database, other: Database) -> None:
    docs = populate(db)
    exported = transfer.export_all(db)
    text = json_format.dumps_document(exported)

    summary = transfer.import_document(other, text)
    assert summary == transfer.ImportSummary(
        clients=3, products=3, invoices=4, skipped_credit_notes=1
    )
    assert str(summary) == (
        "Imported 3 clients, 3 products and 4 invoices (as drafts); skipped 1 credit note"
    )

    # Same clients and products (numbers included); the archived flag is not carried.
    assert [c.data for c in clients.list_clients(other)] == [
        c.data for c in clients.list_clients(db, include_archived=True)
    ]
    assert [p.data for p in products.list_products(other)] == [
        p.data for p in products.list_products(db, include_archived=True)
    ]
    # Same invoices (credit notes skipped), now drafts with the same lines and totals.
    copies = [invoices.get_invoice(other, i) for i in range(1, 5)]
    for original, copy in zip(
        (docs["draft"], docs["paid"], docs["dollars"], docs["jpy"]), copies, strict=True
    ):
        assert copy.is_draft and copy.number is None
        assert copy.customer_number == original.customer_number
        assert copy.client_name == original.client_name
        assert [replace_id(x) for x in copy.data.lines] == [
            replace_id(x) for x in original.data.lines
        ]
        assert copy.data.allowances_charges == original.data.allowances_charges
        assert copy.data.exchange_rate == original.data.exchange_rate
        assert copy.totals == original.totals
        assert (copy.net, copy.tax, copy.gross) == (original.net, original.tax, original.gross)
    # Lines naming a catalogue product are linked to it in the new database.
    assert copies[0].data.lines[1].product_id == products.list_products(other)[0].id

    # Exporting the copy gives the same document, less the credit note.
    again = without_readonly(transfer.export_all(other))
    expected = without_readonly(exported)
    expected["invoices"] = expected["invoices"][:4]
    assert again == expected


def test_export_shape_and_readonly_block(db: Database) -> None:
    docs = populate(db)
    exported = transfer.export_all(db)
    assert list(exported) == ["format_version", "clients", "products", "invoices"]
    assert [c["customer_number"] for c in exported["clients"]] == ["C-00001", "K-10001", "C-00002"]
    assert [p["number"] for p in exported["products"]] == ["P-100", "P-0001", "P-0002"]
    paid = exported["invoices"][1]
    assert paid["client"] == {"name": "Müller & Söhne GmbH", "customer_number": "K-10001"}
    assert "client_id" not in paid
    assert "exchange_rate" not in paid  # the company currency
    assert exported["invoices"][2]["exchange_rate"] == "0.9123"
    assert paid["readonly"] == {
        "id": docs["paid"].id,
        "doc_type": "invoice",
        "number": "RE-2026-0001",
        "state": "paid",
        "currency": "EUR",
        "net": "100.00",
        "tax": "7.00",
        "gross": "107.00",
        "amount_due": "107.00",
        "paid": "107.00",
        "open": "0.00",
        "taxes": [{"category": "S", "rate": "7", "base": "100.00", "amount": "7.00"}],
        "corrects": None,
        "credit_notes": ["CN-2026-0001"],
        "issued_at": paid["readonly"]["issued_at"],
        "payments": [
            {
                "date": "2026-03-16",
                "amount": "60.00",
                "method": "bank_transfer",
                "reference": "Bank 1",
                "note": "",
                "overpayment": False,
            },
            {
                "date": "2026-03-16",
                "amount": "47.00",
                "method": "cash",
                "reference": "",
                "note": "",
                "overpayment": False,
            },
        ],
    }
    assert exported["invoices"][0]["readonly"]["state"] == "draft"
    assert exported["invoices"][0]["readonly"]["number"] is None
    jpy = exported["invoices"][3]["readonly"]
    assert (jpy["gross"], jpy["currency"]) == ("3300", "JPY")
    credit = exported["invoices"][4]["readonly"]
    assert (credit["doc_type"], credit["number"], credit["corrects"]) == (
        "credit_note",
        "CN-2026-0001",
        "RE-2026-0001",
    )
    # Every reader takes the export shape; the read-only block changes nothing.
    records = json_format.parse_records(json.loads(json.dumps(exported)))
    assert len(records) == 3 + 3 + 5


def test_export_of_one_kind(db: Database) -> None:
    populate(db)
    assert list(transfer.export_all(db, ["products"])) == ["format_version", "products"]
    with pytest.raises(DomainError, match="cannot export 'payments'"):
        transfer.export_all(db, ["payments"])  # type: ignore[list-item]


def test_shown_invoice_imports_as_a_copy_for_the_same_client(db: Database) -> None:
    docs = populate(db)
    document = {"invoice": transfer.invoice_json(invoices.get_invoice(db, docs["paid"].id), "EUR")}
    before = len(clients.list_clients(db, include_archived=True))
    summary = transfer.import_document(db, json.dumps(document))
    assert (summary.clients, summary.invoices) == (0, 1)
    assert len(clients.list_clients(db, include_archived=True)) == before


# --------------------------------------------------------------------------- all or nothing


GOOD_CLIENT = {"name": "First GmbH", "customer_number": "F-1"}
GOOD_INVOICE = {
    "client": {"name": "First GmbH", "customer_number": "F-1"},
    "line_items": [{"name": "Work", "quantity": "1", "unit_price": "10", "tax_rate": "19"}],
}


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        (  # a service rule (text length) in the 3rd invoice of the export shape
            {
                "clients": [GOOD_CLIENT],
                "invoices": [
                    GOOD_INVOICE,
                    GOOD_INVOICE,
                    {
                        **GOOD_INVOICE,
                        "line_items": [{**GOOD_INVOICE["line_items"][0], "name": "x" * 301}],
                    },
                ],
            },
            "invoices[2].line_items[0].name",
            "is too long (301 characters, at most 300)",
        ),
        (  # an inline client's e-mail, 3rd record of an array
            [
                {"client": GOOD_CLIENT},
                {"invoice": GOOD_INVOICE},
                {"invoice": {**GOOD_INVOICE, "client": {"name": "New", "email": "nope"}}},
            ],
            "[2].invoice.client.email",
            "'nope' is not an e-mail address",
        ),
        (
            {
                "invoices": [
                    GOOD_INVOICE,
                    GOOD_INVOICE,
                    {**GOOD_INVOICE, "client": None, "client_id": 99},
                ]
            },
            "invoices[2].client_id",
            "there is no client with id 99",
        ),
        (  # the totals engine's field (allowances and charges counted together) in file terms
            {
                "invoices": [
                    GOOD_INVOICE,
                    GOOD_INVOICE,
                    {
                        **GOOD_INVOICE,
                        "allowances": [{"percent": "1"}],
                        "charges": [{"amount": "5.00"}],
                        "line_items": [],
                    },
                ]
            },
            "invoices[2].charges[0].amount",
            "an amount cannot be",
        ),
        (
            {"invoices": [GOOD_INVOICE, GOOD_INVOICE, {**GOOD_INVOICE, "currency": "USD"}]},
            "invoices[2].exchange_rate",
            "an exchange rate is needed for USD",
        ),
        (  # parsing fails before anything is written
            {"invoices": [GOOD_INVOICE, GOOD_INVOICE, {**GOOD_INVOICE, "currency": "XYZ"}]},
            "invoices[2].currency",
            "'XYZ' is not an ISO 4217 currency code",
        ),
    ],
    ids=["service-rule", "inline-client", "unknown-client", "engine", "exchange-rate", "parser"],
)
def test_a_bad_third_record_imports_nothing(
    db: Database, document: object, field: str, message: str
) -> None:
    before = dump(db)
    with pytest.raises(DomainError) as error:
        transfer.import_document(db, json.dumps(document))
    assert (error.value.field, error.value.message[: len(message)]) == (field, message)
    assert dump(db) == before


def test_bare_records_are_named_as_in_the_export_shape(db: Database) -> None:
    records = [
        ClientInput(name="A"),
        InvoiceInput(client_id=1, lines=(line(),)),
        InvoiceInput(client_id=1, lines=(line("1", "1", "19", name=" "),)),
    ]
    with pytest.raises(DomainError) as error:
        transfer.import_records(db, records)
    assert error.value.field == "invoices[1].line_items[0].name"
    assert clients.list_clients(db) == []


def test_records_are_stored_clients_then_products_then_invoices(db: Database) -> None:
    document = [
        {
            "invoice": {
                **GOOD_INVOICE,
                "line_items": [{**GOOD_INVOICE["line_items"][0], "product_number": "P-7"}],
            }
        },
        {"product": {"number": "P-7", "name": "Seven", "unit_price": "7", "tax_rate": "7"}},
        {"client": {**GOOD_CLIENT, "email": "first@example.com"}},
    ]
    summary = transfer.import_document(db, json.dumps(document))
    assert (summary.clients, summary.products, summary.invoices) == (1, 1, 1)
    (client,) = clients.list_clients(db)
    assert client.data.email == "first@example.com"  # the listed client, not a bare reference
    draft = invoices.get_invoice(db, 1)
    assert draft.client_id == client.id
    assert draft.data.lines[0].product_id == products.list_products(db)[0].id


def test_a_line_naming_an_unknown_product_number_is_imported(db: Database) -> None:
    document = {
        "invoices": [
            {
                **GOOD_INVOICE,
                "line_items": [
                    {**GOOD_INVOICE["line_items"][0], "product_number": "NOT-IN-CATALOGUE"}
                ],
            }
        ]
    }
    transfer.import_document(db, json.dumps(document))
    line_item = invoices.get_invoice(db, 1).data.lines[0]
    assert (line_item.product_number, line_item.product_id) == ("NOT-IN-CATALOGUE", None)


# --------------------------------------------------------------------------- duplicates


def test_a_client_number_that_exists_imports_nothing(db: Database) -> None:
    make_client(db, "Existing", customer_number="K-1")
    before = dump(db)
    document = {
        "clients": [
            {"name": "New one", "customer_number": "K-2"},
            {"name": "B", "customer_number": "K-1"},
        ]
    }
    with pytest.raises(DomainError) as error:
        transfer.import_document(db, json.dumps(document))
    assert error.value.field == "clients[1].customer_number"
    assert error.value.message == (
        "customer number K-1 is already taken (the import creates new records only)"
    )
    assert dump(db) == before


def test_a_product_number_twice_in_the_file_imports_nothing(db: Database) -> None:
    product = {"number": "P-1", "name": "x", "unit_price": "1", "tax_rate": "19"}
    with pytest.raises(DomainError) as error:
        transfer.import_document(db, json.dumps({"products": [product, product]}))
    assert error.value.field == "products[1].number"
    assert products.list_products(db) == []


def test_an_inline_client_refers_to_the_client_with_its_number(db: Database) -> None:
    existing = make_client(db, "Existing GmbH", customer_number="K-1")
    reference = {**GOOD_INVOICE, "client": {"name": "Existing GmbH", "customer_number": "K-1"}}
    summary = transfer.import_document(db, json.dumps({"invoices": [reference, reference]}))
    assert (summary.clients, summary.invoices) == (0, 2)
    assert {invoices.get_invoice(db, i).client_id for i in (1, 2)} == {existing.id}

    # The same number with another name is not silently attached to the wrong client.
    before = dump(db)
    wrong = {**GOOD_INVOICE, "client": {"name": "Someone Else", "customer_number": "K-1"}}
    with pytest.raises(DomainError) as error:
        transfer.import_document(db, json.dumps({"invoices": [reference, wrong]}))
    assert error.value.field == "invoices[1].client.customer_number"
    assert error.value.message == (
        "customer number K-1 belongs to the client 'Existing GmbH', not 'Someone Else'"
    )
    assert dump(db) == before


def test_an_inline_client_without_number_is_created_once(db: Database) -> None:
    new = {**GOOD_INVOICE, "client": {"name": TRICKY, "email": "tom@example.com"}}
    summary = transfer.import_document(db, json.dumps([{"invoice": new}, {"invoice": new}]))
    assert (summary.clients, summary.invoices) == (1, 2)
    assert [c.name for c in clients.list_clients(db)] == [TRICKY]


# --------------------------------------------------------------------------- CSV


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_invoices(db: Database) -> None:
    docs = populate(db)
    text = transfer.export_csv(db, "invoices")
    assert text.splitlines()[0] == (
        "id,number,doc_type,client,customer_number,date,due_date,state,currency,"
        "net,tax,gross,paid,open,title,tags"
    )
    table = rows(text)
    assert [row["number"] for row in table] == [
        "",
        "RE-2026-0001",
        "RE-2026-0002",
        "RE-2026-0003",
        "CN-2026-0001",
    ]
    assert table[0] == {
        "id": str(docs["draft"].id),
        "number": "",
        "doc_type": "invoice",
        "client": "Müller & Söhne GmbH",
        "customer_number": "K-10001",
        "date": "",
        "due_date": "",
        "state": "draft",
        "currency": "EUR",
        "net": str(docs["draft"].net),
        "tax": str(docs["draft"].tax),
        "gross": str(docs["draft"].gross),
        "paid": "0.00",
        "open": "0.00",
        "title": TRICKY,
        "tags": "web",
    }
    paid = table[1]
    assert (paid["date"], paid["state"], paid["net"], paid["tax"], paid["gross"]) == (
        "2026-03-16",
        "paid",
        "100.00",
        "7.00",
        "107.00",
    )
    assert (paid["paid"], paid["open"]) == ("107.00", "0.00")
    assert (table[2]["client"], table[2]["currency"]) == (TRICKY, "USD")
    assert (table[3]["gross"], table[3]["open"]) == ("3300", "3300")  # JPY: no decimals
    credit = table[4]
    assert (credit["doc_type"], credit["gross"], credit["paid"], credit["open"]) == (
        "credit_note",
        "107.00",
        "0.00",
        "107.00",  # owed to the client: the invoice was paid already
    )


def test_csv_clients_and_products(db: Database) -> None:
    populate(db)
    table = rows(transfer.export_csv(db, "clients"))
    assert list(table[0]) == list(transfer.CSV_COLUMNS["clients"])
    mueller = table[1]
    assert (mueller["customer_number"], mueller["name"], mueller["street"], mueller["city"]) == (
        "K-10001",
        "Müller & Söhne GmbH",
        "Hauptstr. 1",
        "Berlin",
    )
    assert (mueller["tags"], mueller["due_days"], mueller["archived"]) == ("vip; web", "30", "no")
    assert table[0]["name"] == TRICKY and table[0]["currency"] == "USD"

    table = rows(transfer.export_csv(db, "products"))
    assert [(p["number"], p["unit_price"], p["tax_rate"], p["archived"]) for p in table] == [
        ("P-100", "95.00", "19", "no"),
        ("P-0001", "20.1234", "0", "no"),
        ("P-0002", "1.00", "7", "yes"),
    ]
    assert table[1]["description"] == "Wooden\ncrate"  # quoted, kept
    assert (table[1]["tax_category"], table[1]["price_basis"]) == ("G", "gross")


def test_csv_of_an_empty_database_and_unknown_kind(db: Database) -> None:
    assert transfer.export_csv(db, "products") == ",".join(transfer.CSV_COLUMNS["products"]) + "\n"
    with pytest.raises(DomainError) as error:
        transfer.export_csv(db, "payments")
    assert error.value.field == "kind"
