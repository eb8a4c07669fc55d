"""Bad text and competing programs found by issue 10's fault list: control characters and
lone surrogates are refused at the field, an error line quotes a short excerpt, and a
database locked too long is "try again" (exit 75), not an internal error. Nothing is
ever half-written."""

from __future__ import annotations

import copy
import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest

from invoicedesk.core.errors import DomainError
from invoicedesk.db.engine import Database
from invoicedesk.services import clients, payments, settings
from invoicedesk.services.inputs import PaymentInput
from tests.cli.test_commands import IMPORT, Cli, write_json
from tests.factories import TODAY, client_input, issued_invoice


@pytest.fixture
def cli(db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.delenv("INVOICEDESK_DB", raising=False)
    assert db.path is not None
    return Cli(db.path, capsys)


def _with(path: tuple[object, ...], value: str) -> dict[str, object]:
    document = copy.deepcopy(IMPORT)
    target: object = document
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    return document


@pytest.mark.parametrize(
    ("path", "value", "field", "expected"),
    [
        (("clients", 0, "name"), "Mü\x00ller", "clients[0].name", "a control character: U+0000"),
        (("clients", 0, "name"), "Müller\r\nGmbH", "clients[0].name", "a line break: U+000D"),
        (("invoices", 0, "title"), "Invoice\nBcc: x", "invoices[0].title", "a line break"),
        (("invoices", 0, "line_items", 1, "name"), "Crate\x07", "invoices[0].line_items[1].name",
         "U+0007"),
        (("products", 0, "name"), "\ud800bad", "products[0].name", "a lone surrogate"),
        (("invoices", 0, "tags", 0), "web\x00", "invoices[0].tags[0]", "U+0000"),
    ],
)
def test_import_refuses_control_characters_and_surrogates(
    cli: Cli, tmp_path: Path, path: tuple[object, ...], value: str, field: str, expected: str
) -> None:
    # json.dumps writes "\ud800" as an escape, as a broken exporter would.
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(_with(path, value)), encoding="utf-8")
    err = cli.fails("import", str(file))
    assert f"error: {field}: " in err and expected in err
    assert "internal error" not in err


def test_multiline_fields_keep_line_breaks_but_not_nul(cli: Cli, tmp_path: Path) -> None:
    err = cli.fails("import", write_json(tmp_path, _with(("invoices", 1, "note"), "a\x00b")))
    assert "invoices[1].note: must not contain a control character: U+0000" in err
    cli.out("import", write_json(tmp_path, _with(("invoices", 1, "note"), "a\r\nb\tc")))
    shown = cli.json("invoices", "show", "2")["invoice"]
    assert shown["note"] == "a\nb\tc"


def test_services_refuse_control_characters_at_the_field(db: Database) -> None:
    with pytest.raises(DomainError) as error:
        clients.create_client(db, client_input(name="ACME\nLtd"))
    assert error.value.field == "client.name"
    company = settings.get_company(db)
    with pytest.raises(DomainError) as error:
        settings.update_company(db, replace(company, name="A\x00B"))
    assert error.value.field == "company.name"
    invoice = issued_invoice(db, today=TODAY)
    with pytest.raises(DomainError) as error:
        payments.record_payment(
            db, invoice.id, PaymentInput(amount=D("1"), date=TODAY, reference="RF\r\n18")
        )
    assert error.value.field == "reference"
    assert payments.list_payments(db) == []


def test_an_error_line_quotes_a_short_excerpt(cli: Cli) -> None:
    code, out, err = cli("invoices", "list", "--client", "x" * 100_000)
    assert code == 2 and out == ""
    assert len(err) < 300, len(err)
    assert "'xxxxxxxx" in err and "…'" in err


def test_a_database_locked_too_long_is_try_again(
    cli: Cli, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holds the write lock past the busy timeout: exit 75 with a message
    that says what to do; once the lock is gone the same command works."""
    invoice = issued_invoice(db, today=TODAY)
    monkeypatch.setenv("INVOICEDESK_BUSY_TIMEOUT_MS", "200")
    assert db.path is not None
    with closing(sqlite3.connect(db.path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        code, out, err = cli(
            "payments", "add", str(invoice.id), "--amount", "1.00", "--date", TODAY.isoformat()
        )
        other.execute("ROLLBACK")
    assert (code, out) == (75, "")
    assert err.count("\n") == 1
    assert "in use by another program" in err and "try again" in err
    assert "internal error" not in err
    code, out, err = cli(
        "payments", "add", str(invoice.id), "--amount", "1.00", "--date", TODAY.isoformat()
    )
    assert code == 0, err
    assert len(payments.list_payments(db)) == 1


@pytest.mark.parametrize("date", ["9999-12-31", "1899-12-31"])
def test_a_draft_dated_beyond_the_years_kept_is_refused_at_import(
    cli: Cli, tmp_path: Path, date: str
) -> None:
    """A draft dated 9999-12-31 was imported but could never be issued (its due date
    overflowed): it is refused at the field instead."""
    err = cli.fails("import", write_json(tmp_path, _with(("invoices", 0, "date"), date)))
    assert f"invoices[0].date: {date} is not a date InvoiceDesk keeps (years 1900 to 2999)" in err


def test_payments_add_refuses_a_date_in_the_future(cli: Cli, db: Database) -> None:
    invoice = issued_invoice(db, today=TODAY)
    err = cli.fails("payments", "add", str(invoice.id), "--amount", "1", "--date", "9999-12-31")
    assert "date: 9999-12-31 lies in the future" in err


def test_methods_combine_like_states(cli: Cli, db: Database) -> None:
    """``--method cash --method paypal`` kept only paypal and ``--method cash,paypal`` was
    refused: both mean "any of them", for invoices and for payments."""
    from invoicedesk.services.inputs import PaymentMethod
    from tests.factories import pay

    by_cash = issued_invoice(db, today=TODAY)
    by_paypal = issued_invoice(db, today=TODAY)
    by_card = issued_invoice(db, today=TODAY)
    pay(db, by_cash.id, "1", method=PaymentMethod.CASH)
    pay(db, by_paypal.id, "2", method=PaymentMethod.PAYPAL)
    pay(db, by_card.id, "3", method=PaymentMethod.CARD)
    wanted = {by_cash.number, by_paypal.number}
    for args in (["--method", "cash", "--method", "paypal"], ["--method", "cash,PayPal"]):
        rows = cli.json("invoices", "list", *args)
        assert {row["number"] for row in rows} == wanted
        rows = cli.json("payments", "list", *args)
        assert sorted(row["amount"] for row in rows) == ["1.00", "2.00"]
    err = cli.fails("invoices", "list", "--method", "cash,cheque")
    assert "--method: 'cheque' is not a payment method (one of cash, bank_transfer," in err


def test_an_imported_line_may_name_only_its_product(cli: Cli, tmp_path: Path) -> None:
    """It failed with "tax_rate: is required"; now the product supplies what is missing."""
    document = {
        "format_version": 1,
        "products": [
            {"number": "P-7", "name": "Widget", "unit_price": "10", "tax_rate": "19", "unit": "pc"}
        ],
        "invoices": [
            {"client": {"name": "A"}, "line_items": [{"product_number": "P-7", "quantity": "2"}]},
            {
                "client": {"name": "A"},
                "price_basis": "gross",
                "line_items": [{"product_number": "P-7", "quantity": "1", "name": "Own"}],
            },
        ],
    }
    cli.out("import", write_json(tmp_path, document))
    first = cli.json("invoices", "show", "1")["invoice"]
    assert first["line_items"][0] | {"quantity": "2"} == {
        "name": "Widget",
        "quantity": "2",
        "unit": "pc",
        "unit_price": "10",
        "tax_rate": "19",
        "product_number": "P-7",
    }
    assert first["readonly"]["gross"] == "23.80"
    second = cli.json("invoices", "show", "2")["invoice"]
    assert second["line_items"][0]["name"] == "Own"
    assert second["line_items"][0]["unit_price"] == "11.9"  # the net price made gross
    document["products"] = []
    document["invoices"][0]["line_items"][0]["product_number"] = "P-404"
    err = cli.fails("import", write_json(tmp_path, document))
    assert "line_items[0].product_number: there is no product with number 'P-404'" in err
    err = cli.fails("totals", write_json(tmp_path, {"invoice": document["invoices"][0]}))
    assert "invoice.line_items[0]: is required (name, tax_rate, unit_price" in err


def test_the_adjustment_carries_its_description_to_the_pdf(cli: Cli, tmp_path: Path) -> None:
    from tests.factories import pdf_text

    document = _with(("invoices", 0, "adjustment_reason"), "Cash rounding")
    document["invoices"][0]["adjustment"] = "-0.01"  # type: ignore[index]
    cli.out("import", write_json(tmp_path, document))
    shown = cli.json("invoices", "show", "1")["invoice"]
    assert (shown["adjustment"], shown["adjustment_reason"]) == ("-0.01", "Cash rounding")
    cli.out("invoices", "issue", "1")
    target = tmp_path / "one.pdf"
    cli.out("pdf", "1", "-o", str(target))
    text = pdf_text(target.read_bytes())
    assert "Cash rounding" in text and "Rounding" not in text.replace("Cash rounding", "")


def test_a_long_import_says_it_holds_the_database(cli: Cli, tmp_path: Path, monkeypatch) -> None:
    from invoicedesk.cli import data

    monkeypatch.setattr(data, "LONG_IMPORT", 3)
    code, out, err = cli("import", write_json(tmp_path, IMPORT))
    assert code == 0 and out.startswith("Imported 2 clients")
    assert err.startswith("invoicedesk: importing 5 records in one transaction; other programs")
