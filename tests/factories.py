"""Builders of service inputs and of records in a test database.

Everything is created through the public services, so the rows look exactly
like the ones the application writes. Dates default to :data:`TODAY`.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

from invoicedesk.core.document import Discount, LineItem, TaxCategory
from invoicedesk.db.engine import Database, open_database
from invoicedesk.services import clients, invoices, payments, settings
from invoicedesk.services.clients import ClientView
from invoicedesk.services.inputs import (
    AddressInput,
    ClientInput,
    InvoiceInput,
    PaymentInput,
    PaymentMethod,
)
from invoicedesk.services.invoices import InvoiceView
from tests.tools import need

D = Decimal
TODAY = dt.date(2026, 3, 16)  # a Monday
COMPANY = settings.CompanyData(
    name="Muster Software GmbH",
    street="Hauptstraße 1",
    zip="10115",
    city="Berlin",
    country="DE",
    vat_id="DE123456789",
    currency="EUR",
)


def new_database(path: Path) -> Database:
    """A database file built by the migrations, with the company profile set."""
    database = open_database(str(path))
    settings.update_company(database, COMPANY)
    return database


def line(
    qty: str | int = "1",
    price: str = "100.00",
    rate: str = "19",
    *,
    name: str = "Consulting",
    category: TaxCategory | None = None,
    discount: Discount | None = None,
    **fields: Any,
) -> LineItem:
    """One invoice line: ``line("2", "50.00", "7")`` is 2 × 50.00 at 7 %."""
    if category is None:
        category = TaxCategory.STANDARD if D(rate) else TaxCategory.ZERO
    return LineItem(
        quantity=D(qty),
        unit_price=D(price),
        tax_rate=D(rate),
        tax_category=category,
        discount=discount,
        name=name,
        **fields,
    )


ADDRESS = AddressInput(street="Marktplatz 5", zip="80331", city="München", country="DE")


def client_input(name: str = "Acme GmbH", **fields: Any) -> ClientInput:
    """A client with one billing address in Munich unless ``addresses`` are given."""
    fields.setdefault("addresses", (ADDRESS,))
    return ClientInput(name=name, **fields)


def make_client(db: Database, name: str = "Acme GmbH", **fields: Any) -> ClientView:
    return clients.create_client(db, client_input(name, **fields))


def invoice_input(client_id: int, *lines: LineItem, **fields: Any) -> InvoiceInput:
    """An invoice input; one 100.00 + 19 % line unless ``lines`` are given."""
    return InvoiceInput(client_id=client_id, lines=lines or (line(),), **fields)


def make_draft(
    db: Database, *lines: LineItem, client_id: int | None = None, **fields: Any
) -> InvoiceView:
    """A draft for ``client_id`` (a new client when not given)."""
    if client_id is None:
        client_id = make_client(db).id
    return invoices.create_draft(db, invoice_input(client_id, *lines, **fields))


def issued_invoice(
    db: Database,
    *lines: LineItem,
    client_id: int | None = None,
    today: dt.date = TODAY,
    **fields: Any,
) -> InvoiceView:
    """A draft issued on ``today`` (or on its own ``date``)."""
    draft = make_draft(db, *lines, client_id=client_id, **fields)
    return invoices.issue(db, draft.id, today=today)


def pay(
    db: Database,
    invoice_id: int,
    amount: str,
    *,
    method: PaymentMethod = PaymentMethod.BANK_TRANSFER,
    date: dt.date = TODAY,
    **fields: Any,
) -> Any:
    # Recorded on the day the money arrived (a payment dated after "today" is refused).
    return payments.record_payment(
        db, invoice_id, PaymentInput(amount=D(amount), date=date, method=method, **fields), date
    )


def pdf_text(content: bytes) -> str:
    """The text of a PDF as ``pdftotext -layout`` reads it (a real parser, not our code)."""
    result = subprocess.run(
        [need("pdftotext"), "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def pdf_words(content: bytes) -> str:
    """The PDF's text with all runs of white space as one blank (for phrases across columns)."""
    return " ".join(pdf_text(content).split())


def damage_table(path: Path, table: str = "invoice_lines") -> None:
    """Overwrite the header of ``table``'s first page in the closed database file at ``path``
    (after moving the WAL into it), so SQLite's checks find it malformed while the file
    still opens: a damaged disk sector, reproducibly."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\x0d\x00\x00\x00\x50\x0f\xff\x00" + b"\xee" * 64)
