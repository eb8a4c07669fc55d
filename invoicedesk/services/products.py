"""Products and services: the catalogue invoice lines are filled from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from invoicedesk.core.document import PriceBasis, TaxCategory
from invoicedesk.core.errors import DomainError, NotFoundError
from invoicedesk.core.money import MAX_AMOUNT, PRICE_PLACES, parse_decimal
from invoicedesk.db.engine import Database
from invoicedesk.db.models import AuditEntry, InvoiceLine, Product
from invoicedesk.db.types import utcnow
from invoicedesk.services import validation as check
from invoicedesk.services.audit import _actor, record
from invoicedesk.services.inputs import ProductInput
from invoicedesk.services.numbering import draw_number


@dataclass(frozen=True, slots=True)
class ProductView:
    id: int
    number: str
    data: ProductInput
    archived: bool

    @property
    def name(self) -> str:
        return self.data.name


_HUNDRED = Decimal(100)


def validate_tax(
    rate: Decimal, category: str | TaxCategory | None, field: str
) -> tuple[Decimal, TaxCategory]:
    """A tax rate with its category; the category defaults from the rate (S or Z)."""
    rate = parse_decimal(
        rate, f"{field}.tax_rate", places=2, maximum_abs=_HUNDRED, allow_negative=False
    )
    if isinstance(category, TaxCategory):  # (the common case: no lookup by value)
        tax_category = category
    elif category in (None, ""):
        return rate, TaxCategory.STANDARD if rate > 0 else TaxCategory.ZERO
    else:
        try:
            tax_category = TaxCategory(category)
        except ValueError:
            raise DomainError(
                "'{category}' is not a tax category (S, Z, E, AE, K, G, O)",
                f"{field}.tax_category",
                params={"category": category},
            ) from None
    if tax_category is TaxCategory.STANDARD and rate == 0:
        raise DomainError("standard-rated (S) needs a rate above 0", f"{field}.tax_rate")
    if tax_category is not TaxCategory.STANDARD and rate != 0:
        raise DomainError(
            "category {value} needs the rate 0",
            f"{field}.tax_rate",
            params={"value": tax_category.value},
        )
    return rate, tax_category


def _validated(inp: ProductInput, path: str = "product") -> ProductInput:
    rate, category = validate_tax(inp.tax_rate, inp.tax_category, path)
    try:
        basis = PriceBasis(inp.price_basis)
    except ValueError:
        raise DomainError("is 'net' or 'gross'", f"{path}.price_basis") from None
    return replace(
        inp,
        name=check.text(inp.name, f"{path}.name", max_length=200, required=True),
        number=check.text(inp.number, f"{path}.number", max_length=40) or None
        if inp.number is not None
        else None,
        description=check.text(
            inp.description, f"{path}.description", max_length=5000, multiline=True
        ),
        unit=check.text(inp.unit, f"{path}.unit", max_length=30),
        unit_price=parse_decimal(
            inp.unit_price, f"{path}.unit_price", places=PRICE_PLACES, maximum_abs=MAX_AMOUNT
        ),
        tax_rate=rate,
        tax_category=category.value,
        price_basis=basis,
    )


def _apply(product: Product, data: ProductInput) -> None:
    product.name = data.name
    product.description = data.description
    product.unit = data.unit
    product.unit_price = data.unit_price
    product.tax_rate = data.tax_rate
    product.tax_category = data.tax_category
    product.price_basis = PriceBasis(data.price_basis).value


def _check_number_free(session: Session, number: str, own_id: int | None, field: str) -> None:
    other = session.scalar(select(Product.id).where(Product.number == number))
    if other is not None and other != own_id:
        raise DomainError(
            "product number {number} is already taken",
            field,
            code="number_taken",
            params={"number": number},
        )


def add_product(session: Session, inp: ProductInput, path: str = "product") -> Product:
    data = _validated(inp, path)
    if data.number:
        _check_number_free(session, data.number, None, f"{path}.number")
        number = data.number
    else:
        taken = set(session.scalars(select(Product.number)))
        number = draw_number(session, "product", dt.date.today(), taken)
    product = Product(number=number)
    _apply(product, data)
    session.add(product)
    session.flush()
    record(session, "product", product.id, "created", f"Product {number} {data.name} created")
    return product


def add_products(
    session: Session,
    inputs: Sequence[ProductInput],
    *,
    at: Sequence[dt.datetime | None] | None = None,
    paths: Sequence[str] | None = None,
) -> list[Product]:
    """Create many products (``add_product`` for each) with one flush; ``at`` is each one's
    moment of creation (default: now); ``paths`` name each input in errors (default:
    ``products[i]``)."""
    paths = paths or [f"products[{i}]" for i in range(len(inputs))]
    validated = [_validated(inp, path) for inp, path in zip(inputs, paths, strict=True)]
    taken = set(session.scalars(select(Product.number)))
    products = []
    for index, data in enumerate(validated):
        if data.number:
            if data.number in taken:
                raise DomainError(
                    "product number {number} is already taken",
                    f"{paths[index]}.number",
                    code="number_taken",
                    params={"number": data.number},
                )
            number = data.number
        else:
            number = draw_number(session, "product", dt.date.today(), taken)
        taken.add(number)
        moment = (at[index] if at is not None else None) or utcnow()
        product = Product(number=number, created_at=moment, updated_at=moment)
        _apply(product, data)
        products.append(product)
    session.add_all(products)
    session.flush()
    for index, (product, data) in enumerate(zip(products, validated, strict=True)):
        moment = (at[index] if at is not None else None) or utcnow()
        summary = f"Product {product.number} {data.name} created"
        entry = AuditEntry(entity="product", entity_id=product.id, action="created", at=moment,
                           summary=summary, from_state="", to_state="", details={},
                           actor=_actor())  # fmt: skip
        session.add(entry)
    session.flush()
    return products


def create_product(db: Database, inp: ProductInput) -> ProductView:
    with db.write() as session:
        return _view(add_product(session, inp))


def _load(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise NotFoundError(
            "there is no product with id {product_id}",
            "product_id",
            code="product_not_found",
            params={"product_id": product_id},
        )
    return product


def update_product(db: Database, product_id: int, inp: ProductInput) -> ProductView:
    """Change a product; invoices already written keep the values they were written with."""
    data = _validated(inp)
    with db.write() as session:
        product = _load(session, product_id)
        if data.number and data.number != product.number:
            _check_number_free(session, data.number, product.id, "product.number")
            product.number = data.number
        _apply(product, data)
        record(session, "product", product.id, "updated", f"Product {product.number} updated")
        session.flush()
        return _view(product)


def archive_product(db: Database, product_id: int, archived: bool = True) -> ProductView:
    with db.write() as session:
        product = _load(session, product_id)
        product.archived_at = utcnow() if archived else None
        action = "archived" if archived else "restored"
        record(session, "product", product.id, action, f"Product {product.number} {action}")
        return _view(product)


def remove_product(db: Database, product_id: int) -> str:
    """Delete a product no invoice line uses; archive one that is used. Returns what was done."""
    with db.write() as session:
        product = _load(session, product_id)
        used = session.scalar(select(InvoiceLine.id).where(InvoiceLine.product_id == product_id))
        if used is not None:
            product.archived_at = utcnow()
            record(session, "product", product.id, "archived", f"Product {product.number} archived")
            return "archived"
        record(session, "product", product.id, "deleted", f"Product {product.number} deleted")
        session.delete(product)
        return "deleted"


def _view(product: Product) -> ProductView:
    return ProductView(
        id=product.id,
        number=product.number,
        archived=product.archived_at is not None,
        data=ProductInput(
            name=product.name,
            unit_price=product.unit_price,
            tax_rate=product.tax_rate,
            number=product.number,
            description=product.description,
            unit=product.unit,
            tax_category=product.tax_category,
            price_basis=PriceBasis(product.price_basis),
        ),
    )


def get_product(db: Database, product_id: int) -> ProductView:
    with db.read() as session:
        return _view(_load(session, product_id))


def list_products(
    db: Database,
    search: str = "",
    *,
    include_archived: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[ProductView]:
    """Products by name; ``search`` matches number, name and description."""
    with db.read() as session:
        query = select(Product)
        if not include_archived:
            query = query.where(Product.archived_at.is_(None))
        text = search.strip()
        if text:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(
                or_(
                    Product.number.ilike(pattern, escape="\\"),
                    Product.name.ilike(pattern, escape="\\"),
                    Product.description.ilike(pattern, escape="\\"),
                )
            )
        query = query.order_by(Product.name, Product.id).limit(limit).offset(offset)
        return [_view(p) for p in session.scalars(query)]


def _by_number(session: Session, number: str) -> Product | None:
    return session.scalar(select(Product).where(Product.number == number))


def find_product(db: Database, number: str) -> ProductView | None:
    """The product with this number (archived ones too), or None."""
    with db.read() as session:
        product = _by_number(session, number.strip())
        return _view(product) if product is not None else None
