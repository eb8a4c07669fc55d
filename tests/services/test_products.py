"""Products: validation naming the field, product numbers, archive/delete and search."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from invoicedesk.core.document import PriceBasis, TaxCategory
from invoicedesk.core.errors import DomainError, NotFoundError
from invoicedesk.db.engine import Database
from invoicedesk.services import invoices, products
from invoicedesk.services.inputs import ProductInput
from tests.factories import line, make_draft

D = Decimal


def product_input(name: str = "Consulting hour", **fields: Any) -> ProductInput:
    fields.setdefault("unit_price", D("95.00"))
    fields.setdefault("tax_rate", D("19"))
    return ProductInput(name=name, **fields)


def make_product(
    db: Database, name: str = "Consulting hour", **fields: Any
) -> products.ProductView:
    return products.create_product(db, product_input(name, **fields))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  "}, "product.name", "is required"),
        ({"unit_price": 1.5}, "product.unit_price", "give the number as a string or an exact"),
        ({"unit_price": D("1.00001")}, "product.unit_price", "1.00001 has more than 4 decimal"),
        ({"unit_price": D("1e12")}, "product.unit_price", "1E+12 is too large"),
        ({"unit_price": "abc"}, "product.unit_price", "'abc' is not a number"),
        ({"tax_rate": D("-1")}, "product.tax_rate", "-1 must not be negative"),
        ({"tax_rate": D("100")}, "product.tax_rate", "100 is too large"),
        ({"tax_rate": D("19.123")}, "product.tax_rate", "19.123 has more than 2 decimal places"),
        (
            {"tax_rate": D("0"), "tax_category": "S"},
            "product.tax_rate",
            "standard-rated (S) needs a rate above 0",
        ),
        ({"tax_category": "E"}, "product.tax_rate", "category E needs the rate 0"),
        ({"tax_category": "Q"}, "product.tax_category", "'Q' is not a tax category"),
        ({"price_basis": "brutto"}, "product.price_basis", "is 'net' or 'gross'"),
        ({"unit": "u" * 31}, "product.unit", "is too long (31 characters, at most 30)"),
        ({"number": "P" * 41}, "product.number", "is too long"),
    ],
)
def test_validation_names_the_field(
    db: Database, fields: dict[str, Any], field: str, message: str
) -> None:
    name = fields.pop("name", "Thing")
    with pytest.raises(DomainError) as error:
        make_product(db, name, **fields)
    assert error.value.field == field
    assert error.value.message.startswith(message)
    assert products.list_products(db, include_archived=True) == []


def test_product_is_stored_exactly_and_read_back(db: Database) -> None:
    created = make_product(
        db,
        " Paper ",
        unit_price=D("0.0125"),
        tax_rate=D("7"),
        unit="sheet",
        description="A4, 80 g",
        price_basis=PriceBasis.GROSS,
    )
    again = products.get_product(db, created.id)
    assert again == created
    assert again.name == "Paper"
    assert (again.data.unit_price, again.data.tax_rate) == (D("0.0125"), D("7"))
    assert again.data.price_basis is PriceBasis.GROSS
    assert again.data.tax_category == "S"


@pytest.mark.parametrize("category", ["Z", "E", "AE", "K", "G", "O"])
def test_zero_rate_categories(db: Database, category: str) -> None:
    product = make_product(db, tax_rate=D("0"), tax_category=category)
    assert product.data.tax_category == TaxCategory(category).value


def test_category_defaults_from_the_rate_when_empty(db: Database) -> None:
    assert make_product(db, "A", tax_rate=D("0"), tax_category="").data.tax_category == "Z"
    assert make_product(db, "B", tax_rate=D("7"), tax_category="").data.tax_category == "S"


def test_negative_price_is_allowed(db: Database) -> None:
    assert make_product(db, "Deposit return", unit_price=D("-0.25")).data.unit_price == D("-0.25")


def test_product_numbers_are_assigned_in_order_and_unique(db: Database) -> None:
    assert make_product(db, "Own", number="P-0002").number == "P-0002"
    assert [make_product(db, f"Auto {i}").number for i in range(2)] == ["P-0001", "P-0003"]
    with pytest.raises(DomainError, match="product number P-0001 is already taken") as error:
        make_product(db, "Clash", number="P-0001")
    assert error.value.field == "product.number"


def test_update_changes_the_product_not_the_invoices(db: Database) -> None:
    product = make_product(db)
    draft = make_draft(
        db,
        line("1", "95.00", name="Consulting hour", product_id=product.id, product_number="P-0001"),
    )
    updated = products.update_product(
        db, product.id, product_input("Senior hour", unit_price=D("120.00"), number="S-1")
    )
    assert (updated.number, updated.name, updated.data.unit_price) == ("S-1", "Senior hour", D(120))
    [kept] = invoices.get_invoice(db, draft.id).data.lines
    assert (kept.name, kept.unit_price, kept.product_number) == ("Consulting hour", D(95), "P-0001")


def test_update_to_a_taken_number_is_refused(db: Database) -> None:
    make_product(db, "A")
    b = make_product(db, "B")
    with pytest.raises(DomainError, match="already taken"):
        products.update_product(db, b.id, product_input("B", number="P-0001"))


def test_remove_unused_product_deletes_it(db: Database) -> None:
    product = make_product(db)
    assert products.remove_product(db, product.id) == "deleted"
    with pytest.raises(NotFoundError) as error:
        products.get_product(db, product.id)
    assert error.value.field == "product_id"


def test_remove_used_product_archives_it(db: Database) -> None:
    product = make_product(db)
    make_draft(db, line(product_id=product.id))
    assert products.remove_product(db, product.id) == "archived"
    assert products.get_product(db, product.id).archived is True


def test_line_with_an_unknown_product_id_is_refused(db: Database) -> None:
    with pytest.raises(NotFoundError) as error:
        make_draft(db, line(), line(product_id=999))
    assert error.value.field == "invoice.line_items[1].product_id"


def test_line_naming_a_product_number_is_linked(db: Database) -> None:
    product = make_product(db)
    draft = make_draft(db, line(product_number=product.number))
    assert draft.data.lines[0].product_id == product.id
    assert products.remove_product(db, product.id) == "archived"


def test_archive_and_restore(db: Database) -> None:
    product = make_product(db, "Old")
    make_product(db, "New")
    assert products.archive_product(db, product.id).archived is True
    assert [p.name for p in products.list_products(db)] == ["New"]
    assert [p.name for p in products.list_products(db, include_archived=True)] == ["New", "Old"]
    products.archive_product(db, product.id, archived=False)
    assert [p.name for p in products.list_products(db)] == ["New", "Old"]


@pytest.mark.parametrize(
    ("search", "names"),
    [
        ("", ["apple", "Banana", "Cherry 50%"]),
        ("BAN", ["Banana"]),
        ("P-0001", ["apple"]),
        ("yellow", ["Banana"]),
        ("50%", ["Cherry 50%"]),
        ("%", ["Cherry 50%"]),
        ("kiwi", []),
    ],
)
def test_list_search(db: Database, search: str, names: list[str]) -> None:
    make_product(db, "apple")
    make_product(db, "Banana", description="long and yellow")
    make_product(db, "Cherry 50%")
    assert [p.name for p in products.list_products(db, search)] == names


def test_list_paging(db: Database) -> None:
    for name in "ABC":
        make_product(db, name)
    assert [p.name for p in products.list_products(db, limit=2, offset=1)] == ["B", "C"]
