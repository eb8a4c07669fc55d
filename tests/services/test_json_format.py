"""The JSON invoice format: every reading rule (with the exact error path) and round trips."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from invoicedesk.core.document import (
    AllowanceCharge,
    CashDiscountTerms,
    Discount,
    InvoiceDocument,
    LineItem,
    PriceBasis,
    TaxCategory,
)
from invoicedesk.core.errors import DomainError
from invoicedesk.services.inputs import (
    AddressInput,
    AddressKind,
    ClientInput,
    ClientKind,
    ContactInput,
    InvoiceInput,
    ProductInput,
    SupplyType,
)
from invoicedesk.services.json_format import (
    FORMAT_VERSION,
    client_to_json,
    document_field_path,
    dumps_document,
    export_document,
    invoice_to_document,
    invoice_to_json,
    loads_document,
    parse_client,
    parse_invoice,
    parse_product,
    parse_records,
    product_to_json,
    read_records,
)

D = Decimal
TRICKY = '<b>Tom & "Jerry"</b> \'s 😀 Grüße\u00a0 '


def line(**overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"name": "Widget", "quantity": "1", "unit_price": "1", "tax_rate": "19"}
    item.update(overrides)
    return {k: v for k, v in item.items() if v is not ...}


def invoice(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"line_items": [line()]}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


def error_of(fn: Any, *args: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    return info.value


def invoice_error(data: dict[str, Any]) -> DomainError:
    return error_of(parse_invoice, data)


# --------------------------------------------------------------------------- loads_document


def test_loads_reads_fractions_as_decimal_and_keeps_ints() -> None:
    doc = loads_document('{"a": 1.45, "b": 10, "c": 1e2, "d": "x"}')
    assert doc == {"a": D("1.45"), "b": 10, "c": D("1E+2"), "d": "x"}
    assert isinstance(doc, dict)
    assert type(doc["a"]) is Decimal and type(doc["b"]) is int


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"invoice": }', "malformed JSON: Expecting value at line 1 column 13"),
        ('{\n  "a": 1,\n}', "malformed JSON: "),  # wording differs between Pythons
        ("", "malformed JSON: Expecting value at line 1 column 1"),
        ('{"a": NaN}', "malformed JSON: NaN is not valid JSON"),
        ('{"a": -Infinity}', "malformed JSON: -Infinity is not valid JSON"),
        ('{"a": 1, "a": 2}', "malformed JSON: duplicate key 'a'"),
        ("1" * 5000, "malformed JSON: a number has too many digits"),
        ("[" * 100_000, "malformed JSON: nested too deeply"),
    ],
)
def test_loads_refuses_malformed_json(text: str, message: str) -> None:
    exc = error_of(loads_document, text)
    assert exc.message.startswith(message)
    assert exc.field is None
    if text.startswith("{\n"):
        assert exc.message.endswith(" at line 3 column 1")


def test_malformed_json_names_line_and_column() -> None:
    exc = error_of(loads_document, '{\n  "invoice": {\n    "date": "2026-11-21",,\n  }\n}')
    assert exc.message == "malformed JSON: Expecting property name enclosed in double quotes" + (
        " at line 3 column 26"
    )


# --------------------------------------------------------------------------- invoices


def test_full_invoice_is_read() -> None:
    text = json.dumps(
        {
            "invoice": {
                "client": {"name": "ACME GmbH", "email": "ap@acme.example"},
                "date": "2026-11-21",
                "due_days": 14,
                "due_date": "2026-12-05",
                "supply_date": "2026-11-01",
                "supply_end_date": "2026-11-30",
                "supply_type": "service",
                "currency": "eur",
                "exchange_rate": "1.0825",
                "price_basis": "gross",
                "discount": "10%",
                "allowances": [{"reason": "Loyalty", "percent": "3", "tax_rate": "19"}],
                "charges": [
                    {"reason": "Shipping", "amount": "5.00", "tax_rate": "7", "tax_category": "S"}
                ],
                "prepaid": "50.00",
                "adjustment": "-0.02",
                "cash_discount": {"rate": "2", "days": 10},
                "title": "Invoice",
                "label": "November",
                "intro": "Thank you",
                "note": "Pay soon",
                "tags": ["web", "urgent"],
                "line_items": [
                    {
                        "name": "Mary's Best",
                        "description": "Jam",
                        "quantity": "10",
                        "unit": "Pieces",
                        "unit_price": "1.45",
                        "tax_rate": "19",
                        "tax_category": "S",
                        "discount": "5%",
                        "product_number": "P-1",
                    },
                    {"name": "Book", "quantity": 2, "unit_price": 12.5, "tax_rate": 7},
                    {
                        "name": "Export",
                        "quantity": "1",
                        "unit_price": "3",
                        "tax_rate": "0",
                        "tax_category": "G",
                        "discount": "2.00",
                    },
                ],
            }
        }
    )
    inp = parse_invoice(loads_document(text)["invoice"])  # type: ignore[index]
    assert inp == InvoiceInput(
        client=ClientInput(name="ACME GmbH", email="ap@acme.example"),
        date=dt.date(2026, 11, 21),
        due_days=14,
        due_date=dt.date(2026, 12, 5),
        supply_date=dt.date(2026, 11, 1),
        supply_end_date=dt.date(2026, 11, 30),
        supply_type=SupplyType.SERVICE,
        currency="EUR",
        exchange_rate=D("1.0825"),
        price_basis=PriceBasis.GROSS,
        discount=Discount(percent=D(10)),
        allowances_charges=(
            AllowanceCharge(False, Discount(percent=D(3)), "Loyalty", D(19), None),
            AllowanceCharge(
                True, Discount(amount=D("5.00")), "Shipping", D(7), TaxCategory.STANDARD
            ),
        ),
        prepaid=D("50.00"),
        adjustment=D("-0.02"),
        cash_discount=CashDiscountTerms(rate=D(2), days=10),
        title="Invoice",
        label="November",
        intro="Thank you",
        note="Pay soon",
        tags=("web", "urgent"),
        lines=(
            LineItem(
                quantity=D(10),
                unit_price=D("1.45"),
                tax_rate=D(19),
                tax_category=TaxCategory.STANDARD,
                discount=Discount(percent=D(5)),
                name="Mary's Best",
                description="Jam",
                unit="Pieces",
                product_number="P-1",
            ),
            LineItem(quantity=D(2), unit_price=D("12.5"), tax_rate=D(7), name="Book"),
            LineItem(
                quantity=D(1),
                unit_price=D(3),
                tax_rate=D(0),
                tax_category=TaxCategory.EXPORT,
                discount=Discount(amount=D("2.00")),
                name="Export",
            ),
        ),
    )


def test_minimal_invoice_gets_the_defaults() -> None:
    inp = parse_invoice({})
    assert inp == InvoiceInput()
    assert inp.client is None and inp.client_id is None  # neither is fine for totals


def test_null_means_not_given() -> None:
    inp = parse_invoice(
        invoice(date=None, currency=None, discount=None, title=None, tags=None, client_id=None)
    )
    assert inp == parse_invoice(invoice())


def test_text_is_kept_verbatim() -> None:
    inp = parse_invoice(
        invoice(
            title=TRICKY,
            note="line 1\nline 2",
            tags=[TRICKY],
            line_items=[line(name=TRICKY, description=TRICKY, unit="😀")],
            charges=[{"reason": TRICKY, "amount": "1"}],
            client={"name": TRICKY, "notes": TRICKY},
        )
    )
    assert inp.title == TRICKY and inp.note == "line 1\nline 2" and inp.tags == (TRICKY,)
    assert inp.lines[0].name == TRICKY and inp.lines[0].description == TRICKY
    assert inp.lines[0].unit == "😀"
    assert inp.allowances_charges[0].reason == TRICKY
    assert inp.client is not None and inp.client.name == TRICKY and inp.client.notes == TRICKY


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            invoice(line_items=[line(), line(qty=1)]),
            "invoice.line_items[1]",
            "unknown key 'qty' (known: name, description, quantity, unit, unit_price, tax_rate, "
            "tax_category, discount, product_number)",
        ),
        (invoice(client_name="x"), "invoice", "unknown key 'client_name' (known: client, "),
        (
            invoice(allowances=[{"amount": "1", "rate": "19"}]),
            "invoice.allowances[0]",
            "unknown key 'rate' (known: reason, amount, percent, tax_rate, tax_category)",
        ),
        (
            invoice(charges=[{"amount": "1", "vat": "19"}]),
            "invoice.charges[0]",
            "unknown key 'vat'",
        ),
        (
            invoice(cash_discount={"rate": "2", "days": 10, "percent": "2"}),
            "invoice.cash_discount",
            "unknown key 'percent' (known: rate, days)",
        ),
        (invoice(client={"name": "A", "mail": "x"}), "invoice.client", "unknown key 'mail'"),
        (
            invoice(client={"name": "A", "addresses": [{"street": "x", "town": "y"}]}),
            "invoice.client.addresses[0]",
            "unknown key 'town'",
        ),
        (
            invoice(client={"name": "A", "contacts": [{"name": "x"}]}),
            "invoice.client.contacts[0]",
            "unknown key 'name'",
        ),
    ],
)
def test_unknown_keys_are_refused_with_their_path(
    data: dict[str, Any], field: str, message: str
) -> None:
    exc = invoice_error(data)
    assert exc.field == field
    assert exc.message.startswith(message)


@pytest.mark.parametrize("key", ["name", "quantity", "unit_price", "tax_rate"])
@pytest.mark.parametrize("value", [..., None])
def test_line_required_keys(key: str, value: object) -> None:
    exc = invoice_error(invoice(line_items=[line(), line(**{key: value})]))
    assert (exc.field, exc.message) == (f"invoice.line_items[1].{key}", "is required")


@pytest.mark.parametrize("name", ["", "   "])
def test_line_name_must_not_be_blank(name: str) -> None:
    exc = invoice_error(invoice(line_items=[line(name=name)]))
    assert (exc.field, exc.message) == ("invoice.line_items[0].name", "must not be empty")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (invoice(title=5), "invoice.title", "expected a string, got a number"),
        (invoice(note=["x"]), "invoice.note", "expected a string, got an array"),
        (invoice(tags="web"), "invoice.tags", "expected an array, got a string"),
        (invoice(tags=["web", 1]), "invoice.tags[1]", "expected a string, got a number"),
        (invoice(tags=["web", " "]), "invoice.tags[1]", "must not be empty"),
        (
            invoice(line_items={"name": "x"}),
            "invoice.line_items",
            "expected an array, got an object",
        ),
        (invoice(line_items=["x"]), "invoice.line_items[0]", "expected an object, got a string"),
        (invoice(line_items=[line(name=7)]), "invoice.line_items[0].name", "expected a string"),
        (invoice(line_items=[line(unit=True)]), "invoice.line_items[0].unit", "expected a string"),
        (invoice(client="ACME"), "invoice.client", "expected an object, got a string"),
        (invoice(cash_discount="2%"), "invoice.cash_discount", "expected an object"),
        (
            invoice(supply_type="goods"),
            "invoice.supply_type",
            "'goods' is not one of delivery, service",
        ),
        (invoice(price_basis="NET"), "invoice.price_basis", "'NET' is not one of net, gross"),
        (invoice(price_basis=1), "invoice.price_basis", "expected one of net, gross, got a number"),
        (invoice(due_days="14"), "invoice.due_days", "expected a whole number, got a string"),
        (invoice(due_days=D("14.0")), "invoice.due_days", "expected a whole number, got a number"),
        (invoice(due_days=366), "invoice.due_days", "366 is out of range (0 to 365)"),
        (invoice(due_days=-1), "invoice.due_days", "-1 is out of range (0 to 365)"),
        (invoice(due_days=True), "invoice.due_days", "expected a whole number, got a boolean"),
    ],
)
def test_types_are_checked(data: dict[str, Any], field: str, message: str) -> None:
    exc = invoice_error(data)
    assert exc.field == field
    assert exc.message.startswith(message)


def test_not_an_object() -> None:
    exc = error_of(parse_invoice, ["x"])
    assert (exc.field, exc.message) == ("invoice", "expected an object, got an array")


@pytest.mark.parametrize("key", ["date", "due_date", "supply_date", "supply_end_date"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("21.11.2026", "'21.11.2026' is not a date in the form YYYY-MM-DD"),
        ("2026-11-21T10:00", "'2026-11-21T10:00' is not a date in the form YYYY-MM-DD"),
        ("20261121", "'20261121' is not a date in the form YYYY-MM-DD"),
        ("2026-2-1", "'2026-2-1' is not a date in the form YYYY-MM-DD"),
        ("2026-02-30", "'2026-02-30' is not a valid date"),
        (20261121, "expected a date string YYYY-MM-DD, got a number"),
    ],
)
def test_dates_are_iso(key: str, value: object, message: str) -> None:
    exc = invoice_error(invoice(**{key: value}))
    assert (exc.field, exc.message) == (f"invoice.{key}", message)


def test_dates_are_read() -> None:
    inp = parse_invoice(invoice(date="2028-02-29", supply_end_date="2026-12-31"))
    assert inp.date == dt.date(2028, 2, 29) and inp.supply_end_date == dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (invoice(line_items=[line(quantity="1.23456")]), "quantity", "more than 4 decimal places"),
        (invoice(line_items=[line(unit_price="1.23456")]), "unit_price", "more than 4 decimal"),
        (invoice(line_items=[line(unit_price=D("0.00001"))]), "unit_price", "more than 4 decimal"),
        (invoice(line_items=[line(quantity="ten")]), "quantity", "'ten' is not a number"),
        (invoice(line_items=[line(quantity="")]), "quantity", "a number is required"),
        (invoice(line_items=[line(quantity=True)]), "quantity", "a number is required"),
        (invoice(line_items=[line(quantity=[1])]), "quantity", "expected a number, got list"),
        (invoice(line_items=[line(tax_rate="-1")]), "tax_rate", "-1 must not be negative"),
        (invoice(line_items=[line(tax_rate="100")]), "tax_rate", "100 % is not a tax rate"),
        (invoice(line_items=[line(tax_rate="19.125")]), "tax_rate", "more than 2 decimal"),
        (invoice(line_items=[line(discount="1.234")]), "discount", "more than 2 decimal places"),
        (invoice(line_items=[line(discount="150%")]), "discount", "150 % is not a percentage"),
        (invoice(line_items=[line(discount="-5%")]), "discount", "-5 must not be negative"),
        (invoice(line_items=[line(discount="abc")]), "discount", "'abc' is not a number"),
        (invoice(line_items=[line(discount=True)]), "discount", "a number is required"),
    ],
)
def test_line_numbers(data: dict[str, Any], field: str, message: str) -> None:
    exc = invoice_error(data)
    assert exc.field == f"invoice.line_items[0].{field}"
    assert message in exc.message


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (invoice(line_items=[line(unit_price="1000000000000000")]), "line_items[0].unit_price"),
        (invoice(line_items=[line(unit_price=10**15)]), "line_items[0].unit_price"),
        (invoice(line_items=[line(unit_price=D("1E+15"))]), "line_items[0].unit_price"),
        (invoice(line_items=[line(unit_price="-1000000000000")]), "line_items[0].unit_price"),
        (invoice(line_items=[line(discount="1000000000000")]), "line_items[0].discount"),
        (invoice(prepaid="1000000000000000"), "prepaid"),
        (invoice(adjustment="-1000000000000000"), "adjustment"),
        (invoice(discount="1000000000000000"), "discount"),
        (invoice(exchange_rate="1000000000000000"), "exchange_rate"),
        (invoice(charges=[{"amount": "1000000000000000"}]), "charges[0].amount"),
    ],
)
def test_amounts_at_or_above_the_limit_are_refused(data: dict[str, Any], field: str) -> None:
    exc = invoice_error(data)
    assert exc.field == f"invoice.{field}"
    assert "is too large (limit 1,000,000,000,000)" in exc.message


def test_quantity_limit() -> None:
    exc = invoice_error(invoice(line_items=[line(quantity="1000000000")]))
    assert exc.field == "invoice.line_items[0].quantity"
    assert exc.message == "1000000000 is too large (limit 1,000,000,000)"
    inp = parse_invoice(invoice(line_items=[line(quantity="999999999.9999")]))
    assert inp.lines[0].quantity == D("999999999.9999")


def test_largest_allowed_amounts_and_signs() -> None:
    inp = parse_invoice(
        invoice(
            line_items=[line(quantity="-2", unit_price="999999999999.9999")],
            prepaid="999999999999.99",
            discount="-1.00",
            adjustment="-0.05",
            charges=[{"amount": "-3.00"}],
        )
    )
    # Amounts may be negative (returns, credit notes); the engine decides what it accepts.
    assert inp.lines[0].quantity == D(-2)
    assert inp.lines[0].unit_price == D("999999999999.9999")
    assert inp.prepaid == D("999999999999.99") and inp.adjustment == D("-0.05")
    assert inp.allowances_charges[0].value == Discount(amount=D("-3.00"))
    assert inp.discount == Discount(amount=D("-1.00"))
    exc = invoice_error(invoice(prepaid="-1.00"))
    assert (exc.field, exc.message) == ("invoice.prepaid", "-1.00 must not be negative")


@pytest.mark.parametrize(
    ("currency", "good", "bad"),
    [
        (None, "1.25", "1.255"),
        ("EUR", "1.25", "1.255"),
        ("JPY", "125", "1.5"),
        ("KWD", "1.255", "1.2555"),
    ],
)
def test_money_places_follow_the_currency(currency: str | None, good: str, bad: str) -> None:
    base = invoice(currency=currency) if currency else invoice()
    for key in ("prepaid", "adjustment", "discount"):
        assert parse_invoice({**base, key: good}) is not None
        exc = invoice_error({**base, key: bad})
        assert exc.field == f"invoice.{key}"
        assert "decimal places" in exc.message
    exc = invoice_error({**base, "allowances": [{"amount": bad}]})
    assert exc.field == "invoice.allowances[0].amount"
    exc = invoice_error({**base, "line_items": [line(discount=bad)]})
    assert exc.field == "invoice.line_items[0].discount"
    # Unit prices keep up to 4 decimals in every currency.
    assert parse_invoice({**base, "line_items": [line(unit_price="1.2345")]}) is not None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10%", Discount(percent=D(10))),
        (" 12.5 % ", Discount(percent=D("12.5"))),
        ("100%", Discount(percent=D(100))),
        ("0%", Discount(percent=D(0))),
        ("10.00", Discount(amount=D("10.00"))),
        (10, Discount(amount=D(10))),
        (D("2.5"), Discount(amount=D("2.5"))),
    ],
)
def test_discount_percent_or_amount(value: object, expected: Discount) -> None:
    assert parse_invoice(invoice(discount=value)).discount == expected
    assert parse_invoice(invoice(line_items=[line(discount=value)])).lines[0].discount == expected


def test_discount_float_is_refused() -> None:
    exc = invoice_error(invoice(discount=10.5))
    assert exc.field == "invoice.discount"
    assert "not a float" in exc.message


@pytest.mark.parametrize("category", ["Z", "E", "AE", "K", "G", "O"])
def test_zero_rate_categories(category: str) -> None:
    inp = parse_invoice(invoice(line_items=[line(tax_rate="0", tax_category=category)]))
    assert inp.lines[0].tax_category == TaxCategory(category)
    exc = invoice_error(invoice(line_items=[line(tax_rate="19", tax_category=category)]))
    assert exc.field == "invoice.line_items[0].tax_rate"
    assert exc.message == f"category {category} needs a tax rate of 0, not 19"


def test_tax_category_default_follows_the_rate() -> None:
    inp = parse_invoice(invoice(line_items=[line(tax_rate="7"), line(tax_rate="0")]))
    assert [x.tax_category for x in inp.lines] == [TaxCategory.STANDARD, TaxCategory.ZERO]
    assert parse_invoice(invoice(line_items=[line(tax_category="s")])).lines[0].tax_category == "S"


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        (line(tax_category="X"), "tax_category", "'X' is not a tax category (one of S, Z, E, AE"),
        (line(tax_category="VAT"), "tax_category", "'VAT' is not a tax category"),
        (line(tax_category=1), "tax_category", "expected a tax category (S, Z, E, AE, K, G, O)"),
        (line(tax_rate="0", tax_category="S"), "tax_rate", "category S (standard rate) needs"),
    ],
)
def test_tax_category_errors(item: dict[str, Any], field: str, message: str) -> None:
    exc = invoice_error(invoice(line_items=[item]))
    assert exc.field == f"invoice.line_items[0].{field}"
    assert exc.message.startswith(message)


def test_allowances_and_charges() -> None:
    inp = parse_invoice(
        invoice(
            allowances=[{"percent": "3%"}, {"reason": "Bulk", "amount": 5, "tax_rate": "0"}],
            charges=[{"reason": "Freight", "amount": "4.90", "tax_rate": "0", "tax_category": "E"}],
        )
    )
    assert inp.allowances_charges == (
        AllowanceCharge(False, Discount(percent=D(3))),
        AllowanceCharge(False, Discount(amount=D(5)), "Bulk", D(0), None),
        AllowanceCharge(True, Discount(amount=D("4.90")), "Freight", D(0), TaxCategory.EXEMPT),
    )


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        ({"reason": "x"}, "", "give exactly one of amount and percent"),
        ({"amount": "1", "percent": "2"}, "", "give exactly one of amount and percent"),
        ({"amount": "1", "percent": None}, None, None),
        ({"percent": "101"}, ".percent", "101 % is not a percentage (0 up to 100)"),
        ({"amount": "1", "tax_category": "S"}, ".tax_category", "tax_category needs tax_rate"),
        ({"amount": "1", "tax_rate": "19", "tax_category": "Z"}, ".tax_rate", "category Z needs"),
        ({"amount": "1", "reason": 3}, ".reason", "expected a string, got a number"),
    ],
)
@pytest.mark.parametrize("kind", ["allowances", "charges"])
def test_allowance_rules(
    kind: str, item: dict[str, Any], field: str | None, message: str | None
) -> None:
    data = invoice(**{kind: [{"amount": "1"}, item]})
    if message is None:
        assert len(parse_invoice(data).allowances_charges) == 2
        return
    exc = invoice_error(data)
    assert exc.field == f"invoice.{kind}[1]{field}"
    assert exc.message.startswith(message)


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ({"rate": "2"}, "days", "is required"),
        ({"days": 10}, "rate", "is required"),
        (
            {"rate": "100", "days": 10},
            "rate",
            "100 % is not a cash discount (more than 0, below 100)",
        ),
        ({"rate": "0", "days": 10}, "rate", "0 % is not a cash discount (more than 0, below 100)"),
        ({"rate": "2.125", "days": 10}, "rate", "2.125 has more than 2 decimal places"),
        ({"rate": "-1", "days": 10}, "rate", "-1 must not be negative"),
        ({"rate": "2", "days": 366}, "days", "366 is out of range (0 to 365)"),
        ({"rate": "2", "days": "10"}, "days", "expected a whole number, got a string"),
    ],
)
def test_cash_discount_rules(value: dict[str, Any], field: str, message: str) -> None:
    exc = invoice_error(invoice(cash_discount=value))
    assert (exc.field, exc.message) == (f"invoice.cash_discount.{field}", message)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("XYZ", "'XYZ' is not an ISO 4217 currency code (e.g. EUR, USD)"),
        ("euro", "'euro' is not an ISO 4217 currency code (e.g. EUR, USD)"),
        ("", "'' is not an ISO 4217 currency code (e.g. EUR, USD)"),
        (978, "expected a currency code string, got a number"),
    ],
)
def test_currency(value: object, message: str) -> None:
    exc = invoice_error(invoice(currency=value))
    assert (exc.field, exc.message) == ("invoice.currency", message)


def test_currency_is_normalised() -> None:
    assert parse_invoice(invoice(currency=" usd ")).currency == "USD"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "0 must be more than 0"),
        ("-1.1", "-1.1 must be more than 0"),
        ("1.12345", "1.12345 has more than 4 decimal places"),
    ],
)
def test_exchange_rate(value: str, message: str) -> None:
    exc = invoice_error(invoice(exchange_rate=value))
    assert (exc.field, exc.message) == ("invoice.exchange_rate", message)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "0 is out of range (1 to 9223372036854775807)"),
        (-3, "-3 is out of range (1 to 9223372036854775807)"),
        (2**63, "9223372036854775808 is out of range (1 to 9223372036854775807)"),
        ("1", "expected a whole number, got a string"),
        (True, "expected a whole number, got a boolean"),
        (D("1.0"), "expected a whole number, got a number"),
    ],
)
def test_client_id_must_be_a_positive_int(value: object, message: str) -> None:
    exc = invoice_error(invoice(client_id=value))
    assert (exc.field, exc.message) == ("invoice.client_id", message)


def test_client_or_client_id() -> None:
    assert parse_invoice(invoice(client_id=7)).client_id == 7
    exc = invoice_error(invoice(client_id=7, client={"name": "A"}))
    assert (exc.field, exc.message) == ("invoice", "give either client or client_id, not both")
    exc = error_of(parse_invoice, invoice(), require_client=True)
    assert (exc.field, exc.message) == ("invoice", "give client (a new client) or client_id")
    exc = invoice_error(invoice(client={}))
    assert (exc.field, exc.message) == ("invoice.client.name", "is required")


def test_custom_path_prefix() -> None:
    exc = error_of(parse_invoice, invoice(line_items=[line(quantity="x")]), "invoices[3]")
    assert exc.field == "invoices[3].line_items[0].quantity"


# --------------------------------------------------------------------------- clients, products


FULL_CLIENT = {
    "name": "Müller & Söhne <GmbH>",
    "kind": "person",
    "customer_number": "K-10001",
    "first_name": "Anna",
    "last_name": "Müller",
    "email": "anna@example.com",
    "emails": ["copy@example.com"],
    "phone": "+49 30 1234",
    "vat_id": "DE123456789",
    "due_days": 30,
    "currency": "chf",
    "language": "de",
    "tags": ["vip"],
    "notes": "😀",
    "addresses": [
        {
            "kind": "billing",
            "recipient": "Accounts payable",
            "street": "Hauptstr. 1",
            "street2": "Hinterhaus",
            "zip": "10115",
            "city": "Berlin",
            "region": "BE",
            "country": "de",
        },
        {"kind": "delivery", "city": "Wien", "country": "AT"},
    ],
    "contacts": [
        {"first_name": "Bob", "last_name": "B", "email": "b@x.de", "phone": "1", "role": "CFO"}
    ],
}


def test_full_client_is_read() -> None:
    assert parse_client(FULL_CLIENT) == ClientInput(
        name="Müller & Söhne <GmbH>",
        kind=ClientKind.PERSON,
        customer_number="K-10001",
        first_name="Anna",
        last_name="Müller",
        email="anna@example.com",
        emails=("copy@example.com",),
        phone="+49 30 1234",
        vat_id="DE123456789",
        due_days=30,
        currency="CHF",
        language="de",
        tags=("vip",),
        notes="😀",
        addresses=(
            AddressInput(
                street="Hauptstr. 1",
                street2="Hinterhaus",
                zip="10115",
                city="Berlin",
                region="BE",
                country="DE",
                kind=AddressKind.BILLING,
                recipient="Accounts payable",
            ),
            AddressInput(city="Wien", country="AT", kind=AddressKind.DELIVERY),
        ),
        contacts=(ContactInput("Bob", "B", "b@x.de", "1", "CFO"),),
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "client.name", "is required"),
        ({"name": None}, "client.name", "is required"),
        ({"name": " "}, "client.name", "must not be empty"),
        ({"name": 1}, "client.name", "expected a string, got a number"),
        ({"name": "A", "kind": "company"}, "client.kind", "'company' is not one of organisation"),
        ({"name": "A", "customer_number": 10001}, "client.customer_number", "expected a string"),
        ({"name": "A", "emails": "a@b.c"}, "client.emails", "expected an array, got a string"),
        ({"name": "A", "emails": ["a@b.c", 1]}, "client.emails[1]", "expected a string"),
        ({"name": "A", "due_days": 400}, "client.due_days", "400 is out of range (0 to 365)"),
        ({"name": "A", "currency": "ABC"}, "client.currency", "'ABC' is not an ISO 4217"),
        ({"name": "A", "language": 1}, "client.language", "expected a string"),
        ({"name": "A", "addresses": {}}, "client.addresses", "expected an array, got an object"),
        (
            {"name": "A", "addresses": [{}, {"country": "Germany"}]},
            "client.addresses[1].country",
            "'Germany' is not an ISO 3166-1 alpha-2 country code (e.g. DE)",
        ),
        ({"name": "A", "addresses": [{"country": "XX"}]}, "client.addresses[0].country", "'XX'"),
        ({"name": "A", "addresses": [{"country": "EU"}]}, "client.addresses[0].country", "'EU'"),
        ({"name": "A", "addresses": [{"kind": "home"}]}, "client.addresses[0].kind", "'home'"),
        ({"name": "A", "contacts": [{"email": 5}]}, "client.contacts[0].email", "expected a str"),
        ({"name": "A", "id": 5}, "client", "unknown key 'id' (known: name, kind, customer_number"),
    ],
)
def test_client_rules(data: dict[str, Any], field: str, message: str) -> None:
    exc = error_of(parse_client, data)
    assert exc.field == field
    assert exc.message.startswith(message)


FULL_PRODUCT = {
    "number": "P-100",
    "name": "Consulting 😀",
    "description": "Per hour, <b>on site</b>",
    "unit": "h",
    "unit_price": "95.5000",
    "tax_rate": "0",
    "tax_category": "AE",
    "price_basis": "gross",
}


def test_full_product_is_read() -> None:
    product = parse_product(FULL_PRODUCT)
    assert product == ProductInput(
        name="Consulting 😀",
        unit_price=D("95.5"),
        tax_rate=D(0),
        number="P-100",
        description="Per hour, <b>on site</b>",
        unit="h",
        tax_category="AE",
        price_basis=PriceBasis.GROSS,
    )
    assert type(product.tax_category) is str
    assert parse_product({"name": "x", "unit_price": 1, "tax_rate": 0}).tax_category == "Z"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"unit_price": "1", "tax_rate": "19"}, "product.name", "is required"),
        ({"name": "x", "tax_rate": "19"}, "product.unit_price", "is required"),
        ({"name": "x", "unit_price": "1"}, "product.tax_rate", "is required"),
        ({"name": "x", "unit_price": "1.00001", "tax_rate": "19"}, "product.unit_price", "1.00001"),
        (
            {"name": "x", "unit_price": "1e15", "tax_rate": "19"},
            "product.unit_price",
            "1e15 is too",
        ),
        (
            {"name": "x", "unit_price": "1", "tax_rate": "7", "tax_category": "Q"},
            "product.tax_category",
            "'Q'",
        ),
        (
            {"name": "x", "unit_price": "1", "tax_rate": "19", "number": 1},
            "product.number",
            "expected",
        ),
        (
            {"name": "x", "unit_price": "1", "tax_rate": "19", "sku": "1"},
            "product",
            "unknown key 'sku'",
        ),
    ],
)
def test_product_rules(data: dict[str, Any], field: str, message: str) -> None:
    exc = error_of(parse_product, data)
    assert exc.field == field
    assert exc.message.startswith(message)


# --------------------------------------------------------------------------- records


def test_parse_records_single_and_list() -> None:
    (record,) = parse_records({"product": {"name": "x", "unit_price": "1", "tax_rate": "19"}})
    assert isinstance(record, ProductInput)
    records = parse_records(
        [
            {"client": {"name": "A"}},
            {"invoice": invoice(client_id=1)},
            {"product": {"name": "x", "unit_price": "1", "tax_rate": "19"}},
        ]
    )
    assert [type(r) for r in records] == [ClientInput, InvoiceInput, ProductInput]


def test_parse_records_export_shape() -> None:
    records = parse_records(
        {
            "format_version": 1,
            "invoices": [invoice(client={"name": "New"})],
            "products": [{"name": "x", "unit_price": "1", "tax_rate": "19"}],
            "clients": [{"name": "A"}, {"name": "B"}],
        }
    )
    assert [type(r) for r in records] == [ClientInput, ClientInput, ProductInput, InvoiceInput]
    assert parse_records({"clients": []}) == []


def test_read_records_name_each_record_and_flag_exported_credit_notes() -> None:
    credit = invoice(client_id=1, readonly={"doc_type": "credit_note", "number": "CN-1"})
    located = read_records({"clients": [{"name": "A"}], "invoices": [invoice(client_id=1), credit]})
    assert [(r.path, type(r.record), r.credit_note) for r in located] == [
        ("clients[0]", ClientInput, False),
        ("invoices[0]", InvoiceInput, False),
        ("invoices[1]", InvoiceInput, True),
    ]
    located = read_records([{"product": {"name": "x", "unit_price": "1", "tax_rate": "19"}}])
    assert [r.path for r in located] == ["[0].product"]
    assert [r.path for r in read_records({"invoice": invoice(client_id=1)})] == ["invoice"]


def test_readonly_block_is_accepted_and_ignored() -> None:
    readonly = {"id": 7, "number": "RE-1", "state": "paid", "anything": [1, {"x": None}]}
    assert parse_invoice(invoice(readonly=readonly)) == parse_invoice(invoice())
    assert parse_invoice(invoice(readonly=None)) == parse_invoice(invoice())
    exc = invoice_error(invoice(readonly="paid"))
    assert (exc.field, exc.message) == ("invoice.readonly", "expected an object, got a string")
    assert "readonly" not in invoice_to_json(parse_invoice(invoice(readonly=readonly)))


@pytest.mark.parametrize(
    ("obj", "field", "message"),
    [
        ([{"client": {"name": "A"}}, {"client": {}}], "[1].client.name", "is required"),
        ([{"invoice": invoice()}], "[0].invoice", "give client (a new client) or client_id"),
        (
            [{"invoice": invoice(client_id=1, line_items=[line(qty=1)])}],
            "[0].invoice.line_items[0]",
            "unknown key 'qty'",
        ),
        ([1], "[0]", 'expected {"invoice": {...}}, {"client": {...}} or {"product": {...}}, got a'),
        ({"invoices": [invoice()]}, "invoices[0]", "give client (a new client) or client_id"),
        ({"clients": [{"name": 1}]}, "clients[0].name", "expected a string"),
        ({"products": {}}, "products", "expected an array, got an object"),
        ({"clients": [], "meta": 1}, None, "unknown key 'meta' (known: format_version, clients,"),
        ({"format_version": 2, "clients": []}, "format_version", "2 is not a supported format"),
        ({"invoice": {}, "client": {}}, None, 'expected {"invoice": {...}}, {"client": {...}}'),
        ({"customer": {}}, None, 'expected {"invoice": {...}}'),
        ("x", None, 'expected {"invoice": {...}}'),
    ],
)
def test_parse_records_errors(obj: object, field: str | None, message: str) -> None:
    exc = error_of(parse_records, obj)
    assert exc.field == field
    assert exc.message.startswith(message)


# --------------------------------------------------------------------------- totals input


def test_invoice_to_document() -> None:
    inp = parse_invoice(
        invoice(
            date="2026-11-21",
            price_basis="gross",
            discount="10%",
            prepaid="1.00",
            adjustment="0.01",
            cash_discount={"rate": "2", "days": 10},
            charges=[{"amount": "5"}],
        )
    )
    assert invoice_to_document(inp) == InvoiceDocument(
        currency="EUR",
        price_basis=PriceBasis.GROSS,
        lines=inp.lines,
        allowances_charges=inp.allowances_charges,
        discount=Discount(percent=D(10)),
        prepaid=D("1.00"),
        adjustment=D("0.01"),
        cash_discount=CashDiscountTerms(D(2), 10),
        invoice_date=dt.date(2026, 11, 21),
    )
    assert invoice_to_document(parse_invoice(invoice(currency="JPY"))).currency == "JPY"


def test_document_field_path_maps_engine_fields() -> None:
    inp = parse_invoice(invoice(allowances=[{"amount": "1"}], charges=[{"amount": "2"}] * 2))
    assert document_field_path("line_items[0].tax_rate", inp) == "invoice.line_items[0].tax_rate"
    assert document_field_path("allowances[0].amount", inp) == "invoice.allowances[0].amount"
    assert document_field_path("allowances[2].amount", inp) == "invoice.charges[1].amount"
    assert document_field_path("prepaid", inp) == "invoice.prepaid"
    assert document_field_path(None, inp) == "invoice"
    assert document_field_path("discount", inp, "") == "discount"


# --------------------------------------------------------------------------- round trips


def full_invoice(**overrides: Any) -> InvoiceInput:
    values: dict[str, Any] = dict(
        client=parse_client(FULL_CLIENT),
        date=dt.date(2026, 11, 21),
        supply_date=dt.date(2026, 11, 1),
        supply_end_date=dt.date(2026, 11, 30),
        supply_type=SupplyType.SERVICE,
        due_date=dt.date(2026, 12, 5),
        due_days=14,
        currency="EUR",
        exchange_rate=D("1.0825"),
        price_basis=PriceBasis.GROSS,
        title=TRICKY,
        label="L",
        intro="Hello\nworld",
        note="N",
        tags=("a", TRICKY),
        lines=(
            LineItem(
                D("10"),
                D("1.4500"),
                D("19"),
                TaxCategory.STANDARD,
                Discount(percent=D("5.5")),
                "Mary's Best",
                "desc",
                "Pieces",
                "P-1",
            ),
            LineItem(D("-1"), D("3"), D("0"), TaxCategory.ZERO, Discount(amount=D("0.50")), "Z"),
            LineItem(D("2"), D("3"), D("0"), TaxCategory.EXEMPT, None, "E"),
            LineItem(D("1"), D("0"), D("7.7"), TaxCategory.STANDARD, None, "S"),
        ),
        allowances_charges=(
            AllowanceCharge(False, Discount(percent=D(3)), "Loyalty", None, None),
            AllowanceCharge(False, Discount(amount=D("2.00")), "", D(19), TaxCategory.STANDARD),
            AllowanceCharge(True, Discount(amount=D("4.90")), "Freight", D(7), None),
            AllowanceCharge(True, Discount(percent=D("1.5")), "Fee", D(0), TaxCategory.EXEMPT),
        ),
        discount=Discount(amount=D("10.00")),
        prepaid=D("50.00"),
        adjustment=D("-0.02"),
        cash_discount=CashDiscountTerms(D("2"), 10),
    )
    values.update(overrides)
    return InvoiceInput(**values)


ROUND_TRIP_INVOICES = [
    InvoiceInput(),
    InvoiceInput(client_id=42, lines=(LineItem(D(1), D(1), D(19), name="x"),)),
    full_invoice(),
    full_invoice(
        client=None,
        client_id=3,
        lines=(LineItem(D(3), D("0.5"), D(10), discount=Discount(amount=D(1)), name="Yen"),),
        allowances_charges=(AllowanceCharge(True, Discount(amount=D(500)), "Freight"),),
        discount=Discount(percent=D(10)),
        currency="JPY",
        prepaid=D(50),
        adjustment=D(0),
        cash_discount=None,
    ),
]


@pytest.mark.parametrize("inp", ROUND_TRIP_INVOICES)
def test_invoice_round_trip(inp: InvoiceInput) -> None:
    data = invoice_to_json(inp)
    assert parse_invoice(data) == inp
    # Through text too: the writers only produce JSON types, never floats.
    text = dumps_document({"invoice": data})
    assert '": 1.' not in text
    if inp.client or inp.client_id:
        assert parse_records(loads_document(text)) == [inp]
    assert parse_invoice(loads_document(text)["invoice"]) == inp  # type: ignore[index]


def test_invoice_writer_output() -> None:
    data = invoice_to_json(
        InvoiceInput(
            client_id=1,
            date=dt.date(2026, 11, 21),
            discount=Discount(percent=D(10)),
            lines=(LineItem(D(10), D("1.45"), D(19), name="Mary's Best", unit="Pieces"),),
            allowances_charges=(AllowanceCharge(True, Discount(amount=D("5.00")), "Ship"),),
        )
    )
    assert data == {
        "client_id": 1,
        "date": "2026-11-21",
        "discount": "10%",
        "charges": [{"reason": "Ship", "amount": "5.00"}],
        "line_items": [
            {
                "name": "Mary's Best",
                "quantity": "10",
                "unit": "Pieces",
                "unit_price": "1.45",
                "tax_rate": "19",
            }
        ],
    }


@pytest.mark.parametrize(
    "client",
    [
        ClientInput(name="A"),
        parse_client(FULL_CLIENT),
        ClientInput(name="B", language="", customer_number=""),
    ],
)
def test_client_round_trip(client: ClientInput) -> None:
    assert parse_client(client_to_json(client)) == client
    assert client_to_json(ClientInput(name="A")) == {"name": "A"}


@pytest.mark.parametrize(
    "product",
    [
        ProductInput(name="A", unit_price=D("1.5"), tax_rate=D(19)),
        ProductInput(name="Z", unit_price=D("-1"), tax_rate=D(0), tax_category="Z"),
        ProductInput(name="E", unit_price=D(1), tax_rate=D(0), tax_category="E"),
        parse_product(FULL_PRODUCT),
    ],
)
def test_product_round_trip(product: ProductInput) -> None:
    assert parse_product(product_to_json(product)) == product


def test_export_document_round_trip() -> None:
    clients = [ClientInput(name="A"), parse_client(FULL_CLIENT)]
    products = [parse_product(FULL_PRODUCT)]
    invoices = [full_invoice(), full_invoice(client=None, client_id=9)]
    document = export_document(clients, products, invoices)
    assert document["format_version"] == FORMAT_VERSION
    text = dumps_document(document)
    assert parse_records(loads_document(text)) == [*clients, *products, *invoices]


def test_writer_refuses_a_broken_discount() -> None:
    with pytest.raises(ValueError, match="exactly one of percent and amount"):
        invoice_to_json(InvoiceInput(discount=Discount()))
