"""The InvoiceDesk JSON format: read and write invoices, clients and products.

Pure Python, no database. The reader turns JSON text into the service inputs of
:mod:`invoicedesk.services.inputs`; the writers turn those inputs back into the
same format (``parse_x(x_to_json(value)) == value``). ``docs/json-format.md``
describes the format for people.

Reading is strict: unknown keys, wrong types, malformed dates and numbers,
too many decimals and amounts at or above :data:`~invoicedesk.core.money.MAX_AMOUNT`
are refused with a :class:`~invoicedesk.core.errors.DomainError` whose ``field``
is the JSON path of the offending value (``"invoice.line_items[1].quantity"``).
Numbers are always read as :class:`~decimal.Decimal`, never as floats. Text is
kept verbatim (any Unicode). A ``null`` value means the same as leaving the key
out.

This module checks the format and each value on its own. Rules that need the
database or span several values (the client exists, the due date is after the
invoice date …) belong to the services.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from babel import Locale

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
from invoicedesk.core.money import (
    HUNDRED,
    MAX_AMOUNT,
    MAX_QUANTITY,
    PRICE_PLACES,
    minor_unit,
    parse_decimal,
    validate_currency,
)
from invoicedesk.services.inputs import (
    AddressInput,
    AddressKind,
    ClientInput,
    ClientKind,
    ContactInput,
    InvoiceInput,
    ProductInput,
    SupplyType,
    document_of,
)

__all__ = [
    "FORMAT_VERSION",
    "READONLY_KEY",
    "FileRecord",
    "Record",
    "client_to_json",
    "document_field_path",
    "dumps_document",
    "export_document",
    "invoice_to_document",
    "invoice_to_json",
    "loads_document",
    "parse_client",
    "parse_invoice",
    "parse_product",
    "parse_records",
    "product_to_json",
    "read_records",
]

Record = InvoiceInput | ClientInput | ProductInput

# The export shape may carry {"format_version": 1}; other values are refused.
FORMAT_VERSION = 1

DEFAULT_MONEY_PLACES = 2  # amounts of an invoice without a currency
# Decimal places, as the services store them.
TAX_RATE_PLACES = 2
PERCENT_PLACES = 4  # discounts, allowances and charges in percent
CASH_DISCOUNT_PLACES = 2
EXCHANGE_RATE_PLACES = 4
MAX_DAYS = 365  # due_days and cash_discount.days (as the services and the totals engine)
MAX_ID = 2**63 - 1

# Keys in documented order (the order of the "known: …" hint in errors).
INVOICE_KEYS = (
    "client",
    "client_id",
    "date",
    "due_days",
    "due_date",
    "supply_date",
    "supply_end_date",
    "supply_type",
    "currency",
    "exchange_rate",
    "price_basis",
    "discount",
    "allowances",
    "charges",
    "prepaid",
    "adjustment",
    "adjustment_reason",
    "cash_discount",
    "title",
    "label",
    "intro",
    "note",
    "tags",
    "line_items",
    "readonly",
)
# What the export adds about a stored document (number, state, totals, payments …);
# every reader accepts it (it must be an object) and ignores its content.
READONLY_KEY = "readonly"
LINE_KEYS = (
    "name",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "tax_rate",
    "tax_category",
    "discount",
    "product_number",
)
ALLOWANCE_KEYS = ("reason", "amount", "percent", "tax_rate", "tax_category")
CASH_DISCOUNT_KEYS = ("rate", "days")
CLIENT_KEYS = (
    "name",
    "kind",
    "customer_number",
    "first_name",
    "last_name",
    "email",
    "emails",
    "phone",
    "vat_id",
    "due_days",
    "currency",
    "language",
    "tags",
    "notes",
    "addresses",
    "contacts",
)
ADDRESS_KEYS = ("kind", "recipient", "street", "street2", "zip", "city", "region", "country")
CONTACT_KEYS = ("first_name", "last_name", "email", "phone", "role")
PRODUCT_KEYS = (
    "number",
    "name",
    "description",
    "unit",
    "unit_price",
    "tax_rate",
    "tax_category",
    "price_basis",
)
EXPORT_KEYS = ("format_version", "clients", "products", "invoices")

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Babel lists a few regions that are not ISO 3166-1 countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "ZZ"})

_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")


# --------------------------------------------------------------------------- parsing JSON


class _Refused(ValueError):
    """Raised by the parse hooks; its message goes into the error as is."""


def _reject_constant(name: str) -> object:
    raise _Refused(f"{name} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(f"duplicate key {key!r}")
        result[key] = value
    return result


def loads_document(text: str) -> object:
    """Parse JSON text; numbers with a fraction or exponent become ``Decimal``.

    Refuses what :func:`json.loads` would let through silently: ``NaN`` and
    ``Infinity`` and duplicate keys in one object.
    """
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_no_duplicates,
        )
    except json.JSONDecodeError as exc:
        raise DomainError(
            "malformed JSON: {msg} at line {lineno} column {colno}",
            params={"msg": exc.msg, "lineno": exc.lineno, "colno": exc.colno},
        ) from None
    except RecursionError:
        raise DomainError("malformed JSON: nested too deeply") from None
    except _Refused as exc:
        raise DomainError("malformed JSON: {exc}", params={"exc": exc}) from None
    except ValueError:  # an integer with thousands of digits
        raise DomainError("malformed JSON: a number has too many digits") from None


def dumps_document(obj: object) -> str:
    """Serialise a document (as the writers build it) the way InvoiceDesk writes files."""
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- reading helpers


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _index(path: str, i: int) -> str:
    return f"{path}[{i}]"


class _Obj:
    """A JSON object being read: checks unknown keys up front, reads typed values by key."""

    __slots__ = ("data", "path")

    def __init__(self, data: object, path: str, known: Sequence[str]) -> None:
        if not isinstance(data, dict):
            raise DomainError(
                "expected an object, got {got}", path or None, params={"got": _json_type(data)}
            )
        for key in data:
            if key not in known:
                raise DomainError(
                    "unknown key {key!r} (known: {choices})",
                    path or None,
                    params={"key": key, "choices": ", ".join(known)},
                )
        self.data: dict[str, object] = data
        self.path = path

    def field(self, key: str) -> str:
        return _join(self.path, key)

    def raw(self, key: str, *, required: bool = False) -> object:
        """The value at ``key``; ``None`` when missing or null (an error when required)."""
        value = self.data.get(key)
        if value is None and required:
            raise DomainError("is required", self.field(key), code="required")
        return value

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self.raw(key, required=required)
        if value is None:
            return default
        if not isinstance(value, str):
            raise DomainError(
                "expected a string, got {got}", self.field(key), params={"got": _json_type(value)}
            )
        if required and not value.strip():
            raise DomainError("must not be empty", self.field(key))
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.has(key) else None

    def text_list(self, key: str) -> tuple[str, ...]:
        result = []
        for value, path in self.items(key):
            if not isinstance(value, str):
                raise DomainError(
                    "expected a string, got {got}", path, params={"got": _json_type(value)}
                )
            if not value.strip():
                raise DomainError("must not be empty", path)
            result.append(value)
        return tuple(result)

    def items(self, key: str) -> Iterator[tuple[object, str]]:
        """The elements of the array at ``key`` with their paths (nothing when missing)."""
        value = self.raw(key)
        if value is None:
            return iter(())
        if not isinstance(value, list):
            raise DomainError(
                "expected an array, got {got}", self.field(key), params={"got": _json_type(value)}
            )
        return ((item, _index(self.field(key), i)) for i, item in enumerate(value))

    def objects(self, key: str, parse: Callable[[object, str], _T]) -> tuple[_T, ...]:
        return tuple(parse(item, path) for item, path in self.items(key))

    def decimal(
        self,
        key: str,
        *,
        places: int,
        required: bool = False,
        allow_negative: bool = True,
        maximum_abs: Decimal = MAX_AMOUNT,
    ) -> Decimal | None:
        value = self.raw(key, required=required)
        if value is None:
            return None
        return parse_decimal(
            value,
            self.field(key),
            places=places,
            allow_negative=allow_negative,
            maximum_abs=maximum_abs,
        )

    def integer(self, key: str, *, minimum: int, maximum: int) -> int | None:
        value = self.raw(key)
        if value is None:
            return None
        return _integer(value, self.field(key), minimum=minimum, maximum=maximum)

    def date(self, key: str) -> dt.date | None:
        value = self.raw(key)
        if value is None:
            return None
        field = self.field(key)
        if not isinstance(value, str):
            raise DomainError(
                "expected a date string YYYY-MM-DD, got {got}",
                field,
                params={"got": _json_type(value)},
            )
        if not _DATE_RE.fullmatch(value):
            raise DomainError(
                "{value!r} is not a date in the form YYYY-MM-DD", field, params={"value": value}
            )
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise DomainError(
                "{value!r} is not a valid date", field, params={"value": value}
            ) from None

    def choice(self, key: str, enum: type[_E], default: _E) -> _E:
        value = self.raw(key)
        if value is None:
            return default
        return _choice(value, enum, self.field(key))


def _integer(value: object, field: str, *, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            "expected a whole number, got {got}", field, params={"got": _json_type(value)}
        )
    if not minimum <= value <= maximum:
        raise DomainError(
            "{value} is out of range ({minimum} to {maximum})",
            field,
            params={"value": value, "minimum": minimum, "maximum": maximum},
        )
    return value


def _options(enum: type[StrEnum]) -> str:
    """The values an enum takes, for an error (listing an enum costs more than the check)."""
    return ", ".join(str(member.value) for member in enum)


def _choice(value: object, enum: type[_E], field: str) -> _E:
    if not isinstance(value, str):
        raise DomainError(
            "expected one of {options}, got {got}",
            field,
            params={"options": _options(enum), "got": _json_type(value)},
        )
    try:
        return enum(value)
    except ValueError:
        raise DomainError(
            "{value!r} is not one of {options}",
            field,
            params={"value": value, "options": _options(enum)},
        ) from None


def _tax_category(value: object, field: str) -> TaxCategory:
    if not isinstance(value, str):
        raise DomainError(
            "expected a tax category ({options}), got {got}",
            field,
            params={"options": _options(TaxCategory), "got": _json_type(value)},
        )
    try:
        return TaxCategory(value.strip().upper())
    except ValueError:
        raise DomainError(
            "{value!r} is not a tax category (one of {options})",
            field,
            params={"value": value, "options": _options(TaxCategory)},
        ) from None


def _currency(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise DomainError(
            "expected a currency code string, got {got}", field, params={"got": _json_type(value)}
        )
    return validate_currency(value, field)


def _percent(value: object, field: str, places: int = PERCENT_PLACES) -> Decimal:
    """A percentage 0..100 given as a number, optionally written with a trailing '%'."""
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    number = parse_decimal(value, field, places=places, allow_negative=False)
    if number > HUNDRED:
        raise DomainError(
            "{number} % is not a percentage (0 up to 100)", field, params={"number": number}
        )
    return number


def _tax_rate(value: object, field: str) -> Decimal:
    number = parse_decimal(value, field, places=TAX_RATE_PLACES, allow_negative=False)
    if number >= HUNDRED:
        raise DomainError(
            "{number} % is not a tax rate (0 up to but below 100)", field, params={"number": number}
        )
    return number


def _default_category(rate: Decimal) -> TaxCategory:
    """The category when none is given: S for a positive rate, Z for 0 %."""
    return TaxCategory.STANDARD if rate > 0 else TaxCategory.ZERO


def _tax(obj: _Obj, *, required: bool) -> tuple[Decimal | None, TaxCategory | None]:
    """Read ``tax_rate`` and ``tax_category`` of ``obj`` and check that they fit (EN 16931).

    S needs a rate above 0, every other category a rate of 0. Without a
    category: S for a positive rate, Z for 0 %.
    """
    raw_rate = obj.raw("tax_rate", required=required)
    if raw_rate is None:
        if obj.has("tax_category"):
            raise DomainError("tax_category needs tax_rate as well", obj.field("tax_category"))
        return None, None
    rate = _tax_rate(raw_rate, obj.field("tax_rate"))
    if not obj.has("tax_category"):
        return rate, _default_category(rate)
    category = _tax_category(obj.raw("tax_category"), obj.field("tax_category"))
    if category is TaxCategory.STANDARD and rate == 0:
        raise DomainError(
            "category S (standard rate) needs a tax rate above 0; for 0 % use Z, E, AE, K, G or O",
            obj.field("tax_rate"),
        )
    if category is not TaxCategory.STANDARD and rate != 0:
        raise DomainError(
            "category {value} needs a tax rate of 0, not {rate}",
            obj.field("tax_rate"),
            params={"value": category.value, "rate": rate},
        )
    return rate, category


def _money(value: object, field: str, places: int) -> Decimal:
    return parse_decimal(value, field, places=places)


def _discount(value: object, field: str, money_places: int) -> Discount:
    """``"10%"`` → 10 percent; ``"10.00"`` or ``10`` → an amount of 10.00."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return Discount(percent=_percent(value, field))
    return Discount(amount=_money(value, field, money_places))


# --------------------------------------------------------------------------- invoices


def parse_invoice(
    data: object, path: str = "invoice", *, require_client: bool = False
) -> InvoiceInput:
    """Read the inner object of ``{"invoice": {...}}``.

    At most one of ``client`` and ``client_id`` may be given; with
    ``require_client`` exactly one (an invoice to store needs a client; the
    ``totals`` command does not).
    """
    obj = _Obj(data, path, INVOICE_KEYS)
    _readonly(obj)

    client: ClientInput | None = None
    client_id: int | None = None
    if obj.has("client") and obj.has("client_id"):
        raise DomainError("give either client or client_id, not both", path or None)
    if obj.has("client"):
        client = parse_client(obj.raw("client"), obj.field("client"))
    elif obj.has("client_id"):
        client_id = obj.integer("client_id", minimum=1, maximum=MAX_ID)
    elif require_client:
        raise DomainError("give client (a new client) or client_id", path or None)

    currency = None
    if obj.has("currency"):
        currency = _currency(obj.raw("currency"), obj.field("currency"))
    places = minor_unit(currency) if currency else DEFAULT_MONEY_PLACES

    exchange_rate = obj.decimal("exchange_rate", places=EXCHANGE_RATE_PLACES)
    if exchange_rate is not None and exchange_rate <= 0:
        raise DomainError(
            "{exchange_rate} must be more than 0",
            obj.field("exchange_rate"),
            params={"exchange_rate": exchange_rate},
        )

    discount = None
    if obj.has("discount"):
        discount = _discount(obj.raw("discount"), obj.field("discount"), places)

    cash_discount = None
    if obj.has("cash_discount"):
        cash_discount = _cash_discount(obj.raw("cash_discount"), obj.field("cash_discount"))

    def allowance(item: object, item_path: str) -> AllowanceCharge:
        return _allowance_charge(item, item_path, places, is_charge=False)

    def charge(item: object, item_path: str) -> AllowanceCharge:
        return _allowance_charge(item, item_path, places, is_charge=True)

    def line(item: object, item_path: str) -> LineItem:
        return _line_item(item, item_path, places)

    prepaid = obj.decimal("prepaid", places=places, allow_negative=False)
    adjustment = obj.decimal("adjustment", places=places)
    return InvoiceInput(
        client_id=client_id,
        client=client,
        date=obj.date("date"),
        supply_date=obj.date("supply_date"),
        supply_end_date=obj.date("supply_end_date"),
        supply_type=obj.choice("supply_type", SupplyType, SupplyType.DELIVERY),
        due_date=obj.date("due_date"),
        due_days=obj.integer("due_days", minimum=0, maximum=MAX_DAYS),
        currency=currency,
        exchange_rate=exchange_rate,
        price_basis=obj.choice("price_basis", PriceBasis, PriceBasis.NET),
        title=obj.text("title"),
        label=obj.text("label"),
        intro=obj.text("intro"),
        note=obj.text("note"),
        tags=obj.text_list("tags"),
        lines=obj.objects("line_items", line),
        allowances_charges=obj.objects("allowances", allowance) + obj.objects("charges", charge),
        discount=discount,
        prepaid=prepaid if prepaid is not None else Decimal(0),
        adjustment=adjustment if adjustment is not None else Decimal(0),
        adjustment_reason=obj.text("adjustment_reason"),
        cash_discount=cash_discount,
    )


def _readonly(obj: _Obj) -> dict[str, object]:
    """The ``readonly`` block an export writes on each invoice: an object, else ignored."""
    value = obj.raw(READONLY_KEY)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DomainError(
            "expected an object, got {got}",
            obj.field(READONLY_KEY),
            params={"got": _json_type(value)},
        )
    return value


def _line_item(data: object, path: str, money_places: int) -> LineItem:
    obj = _Obj(data, path, LINE_KEYS)
    # A line that names its product takes what it leaves out from the product (filled in
    # when it is stored: see products.fill_from_products).
    by_product = bool(obj.text("product_number"))
    name = obj.text("name", required=not by_product)
    quantity = obj.decimal("quantity", required=True, places=PRICE_PLACES, maximum_abs=MAX_QUANTITY)
    unit_price = obj.decimal("unit_price", required=not by_product, places=PRICE_PLACES)
    tax_rate, category = _tax(obj, required=not by_product)
    assert quantity is not None  # required=True
    inherited = {
        field
        for field, missing in (
            ("name", not name),
            ("unit_price", unit_price is None),
            ("tax_rate", tax_rate is None),
            ("unit", not obj.has("unit")),
            ("description", not obj.has("description")),
        )
        if missing
    }
    discount = None
    if obj.has("discount"):
        discount = _discount(obj.raw("discount"), obj.field("discount"), money_places)
    return LineItem(
        quantity=quantity,
        unit_price=unit_price if unit_price is not None else Decimal(0),
        tax_rate=tax_rate if tax_rate is not None else Decimal(0),
        tax_category=category or TaxCategory.ZERO,
        discount=discount,
        name=name,
        description=obj.text("description"),
        unit=obj.text("unit"),
        product_number=obj.text("product_number"),
        from_product=frozenset(inherited) if by_product else frozenset(),
    )


def _allowance_charge(
    data: object, path: str, money_places: int, *, is_charge: bool
) -> AllowanceCharge:
    obj = _Obj(data, path, ALLOWANCE_KEYS)
    if obj.has("amount") == obj.has("percent"):
        raise DomainError("give exactly one of amount and percent", path)
    if obj.has("amount"):
        value = Discount(amount=_money(obj.raw("amount"), obj.field("amount"), money_places))
    else:
        value = Discount(percent=_percent(obj.raw("percent"), obj.field("percent")))
    tax_rate, category = _tax(obj, required=False)
    if not obj.has("tax_category"):
        category = None  # the engine applies the same default (S above 0 %, else Z)
    return AllowanceCharge(
        is_charge=is_charge,
        value=value,
        reason=obj.text("reason"),
        tax_rate=tax_rate,
        tax_category=category,
    )


def _cash_discount(data: object, path: str) -> CashDiscountTerms:
    obj = _Obj(data, path, CASH_DISCOUNT_KEYS)
    rate = _percent(obj.raw("rate", required=True), obj.field("rate"), CASH_DISCOUNT_PLACES)
    if not 0 < rate < HUNDRED:
        raise DomainError(
            "{rate} % is not a cash discount (more than 0, below 100)",
            obj.field("rate"),
            params={"rate": rate},
        )
    obj.raw("days", required=True)
    days = obj.integer("days", minimum=0, maximum=MAX_DAYS)
    assert days is not None
    return CashDiscountTerms(rate=rate, days=days)


# --------------------------------------------------------------------------- clients, products


def parse_client(data: object, path: str = "client") -> ClientInput:
    """Read the inner object of ``{"client": {...}}``."""
    obj = _Obj(data, path, CLIENT_KEYS)
    currency = None
    if obj.has("currency"):
        currency = _currency(obj.raw("currency"), obj.field("currency"))
    return ClientInput(
        name=obj.text("name", required=True),
        kind=obj.choice("kind", ClientKind, ClientKind.ORGANISATION),
        customer_number=obj.optional_text("customer_number"),
        first_name=obj.text("first_name"),
        last_name=obj.text("last_name"),
        email=obj.text("email"),
        emails=obj.text_list("emails"),
        phone=obj.text("phone"),
        vat_id=obj.text("vat_id"),
        due_days=obj.integer("due_days", minimum=0, maximum=MAX_DAYS),
        currency=currency,
        language=obj.text("language", default="en"),
        tags=obj.text_list("tags"),
        notes=obj.text("notes"),
        addresses=obj.objects("addresses", _address),
        contacts=obj.objects("contacts", _contact),
    )


def _country(value: str, field: str) -> str:
    code = value.strip().upper()
    if (
        len(code) != 2
        or not code.isascii()
        or not code.isalpha()
        or code in _NOT_COUNTRIES
        or code not in _territories()
    ):
        raise DomainError(
            "{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. DE)",
            field,
            params={"value": value},
        )
    return code


_TERRITORIES: frozenset[str] | None = None


def _territories() -> frozenset[str]:
    global _TERRITORIES
    if _TERRITORIES is None:
        _TERRITORIES = frozenset(Locale("en").territories)
    return _TERRITORIES


def _address(data: object, path: str) -> AddressInput:
    obj = _Obj(data, path, ADDRESS_KEYS)
    country = obj.text("country")
    return AddressInput(
        street=obj.text("street"),
        street2=obj.text("street2"),
        zip=obj.text("zip"),
        city=obj.text("city"),
        region=obj.text("region"),
        country=_country(country, obj.field("country")) if country else "",
        kind=obj.choice("kind", AddressKind, AddressKind.BILLING),
        recipient=obj.text("recipient"),
    )


def _contact(data: object, path: str) -> ContactInput:
    obj = _Obj(data, path, CONTACT_KEYS)
    return ContactInput(
        first_name=obj.text("first_name"),
        last_name=obj.text("last_name"),
        email=obj.text("email"),
        phone=obj.text("phone"),
        role=obj.text("role"),
    )


def parse_product(data: object, path: str = "product") -> ProductInput:
    """Read the inner object of ``{"product": {...}}``."""
    obj = _Obj(data, path, PRODUCT_KEYS)
    name = obj.text("name", required=True)
    unit_price = obj.decimal("unit_price", required=True, places=PRICE_PLACES)
    tax_rate, category = _tax(obj, required=True)
    assert unit_price is not None and tax_rate is not None and category is not None
    return ProductInput(
        name=name,
        unit_price=unit_price,
        tax_rate=tax_rate,
        number=obj.optional_text("number"),
        description=obj.text("description"),
        unit=obj.text("unit"),
        tax_category=category.value,
        price_basis=obj.choice("price_basis", PriceBasis, PriceBasis.NET),
    )


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class FileRecord:
    """One record of an import file and where it was read from.

    ``path`` is the JSON path of the record's object (``"invoices[3]"``,
    ``"[3].invoice"``, ``"client"``), the prefix for errors found later by the
    services. ``credit_note`` is true for an exported credit note (its
    ``readonly.doc_type`` says so), which the import skips.
    """

    path: str
    record: Record
    credit_note: bool = False


def _stored_invoice(data: object, path: str) -> FileRecord:
    invoice = parse_invoice(data, path, require_client=True)
    readonly = _readonly(_Obj(data, path, INVOICE_KEYS))
    return FileRecord(path, invoice, credit_note=readonly.get("doc_type") == "credit_note")


_WRAPPED: dict[str, Callable[[object, str], FileRecord]] = {
    "invoice": _stored_invoice,
    "client": lambda data, path: FileRecord(path, parse_client(data, path)),
    "product": lambda data, path: FileRecord(path, parse_product(data, path)),
}


def _wrapped(obj: object, path: str) -> FileRecord:
    expected = 'expected {"invoice": {...}}, {"client": {...}} or {"product": {...}}'
    if not isinstance(obj, dict):
        raise DomainError(
            "{expected}, got {got}",
            path or None,
            params={"expected": expected, "got": _json_type(obj)},
        )
    if len(obj) != 1 or next(iter(obj)) not in _WRAPPED:
        keys = ", ".join(repr(key) for key in obj) or "no keys"
        raise DomainError(
            "{expected}, got {keys}", path or None, params={"expected": expected, "keys": keys}
        )
    ((kind, inner),) = obj.items()
    return _WRAPPED[kind](inner, _join(path, kind))


def read_records(obj: object) -> list[FileRecord]:
    """Read what an import file holds, in file order, each record with its JSON path.

    Accepts one wrapped record (``{"invoice": …}``, ``{"client": …}``,
    ``{"product": …}``), an array of them, or the export shape
    ``{"format_version": 1, "clients": [...], "products": [...], "invoices": [...]}``
    (each list optional, holding inner objects; read clients, then products,
    then invoices). Invoices must name a client (``client`` or ``client_id``).
    """
    if isinstance(obj, list):
        return [_wrapped(item, _index("", i)) for i, item in enumerate(obj)]
    if isinstance(obj, dict) and any(key in obj for key in EXPORT_KEYS):
        export = _Obj(obj, "", EXPORT_KEYS)
        if export.has("format_version"):
            version = export.raw("format_version")
            if isinstance(version, bool) or version != FORMAT_VERSION:
                raise DomainError(
                    "{version!r} is not a supported format version ({format_version})",
                    "format_version",
                    params={"version": version, "format_version": FORMAT_VERSION},
                )
        records: list[FileRecord] = []
        records.extend(export.objects("clients", _WRAPPED["client"]))
        records.extend(export.objects("products", _WRAPPED["product"]))
        records.extend(export.objects("invoices", _stored_invoice))
        return records
    return [_wrapped(obj, "")]


def parse_records(obj: object) -> list[Record]:
    """The records of an import file, in file order (see :func:`read_records`)."""
    return [item.record for item in read_records(obj)]


_ENGINE_ALLOWANCE = re.compile(r"allowances\[(\d+)\](.*)", re.DOTALL)


def document_field_path(field: str | None, inp: InvoiceInput, path: str = "invoice") -> str | None:
    """The JSON path of a field named by the totals engine for ``invoice_to_document(inp)``.

    The engine names fields relative to the invoice (``line_items[2].tax_rate``)
    and counts allowances and charges together (``allowances[3]``); this turns
    them into paths of the JSON document (``invoice.charges[1].amount``).
    """
    if not field:
        return path or None
    match = _ENGINE_ALLOWANCE.fullmatch(field)
    if match and int(match[1]) < len(inp.allowances_charges):
        index = int(match[1])
        is_charge = inp.allowances_charges[index].is_charge
        position = sum(1 for ac in inp.allowances_charges[:index] if ac.is_charge == is_charge)
        field = f"{'charges' if is_charge else 'allowances'}[{position}]{match[2]}"
    return _join(path, field)


def invoice_to_document(inp: InvoiceInput) -> InvoiceDocument:
    """The totals engine's view of an invoice (currency EUR when the invoice names none)."""
    return document_of(inp)


# --------------------------------------------------------------------------- writers
#
# Writers emit required keys always and other keys only when they differ from
# the reader's default, amounts as strings (never floats), dates as YYYY-MM-DD.


def _num(value: Decimal) -> str:
    return format(value, "f")


def _discount_json(value: Discount) -> str:
    if (value.percent is None) == (value.amount is None):
        raise ValueError(f"a discount needs exactly one of percent and amount: {value!r}")
    if value.percent is not None:
        return f"{_num(value.percent)}%"
    assert value.amount is not None
    return _num(value.amount)


def _put(out: dict[str, object], key: str, value: object, default: object = "") -> None:
    if value != default and value is not None:
        out[key] = value


def _put_date(out: dict[str, object], key: str, value: dt.date | None) -> None:
    if value is not None:
        out[key] = value.isoformat()


def _put_list(out: dict[str, object], key: str, values: Iterable[object]) -> None:
    items = list(values)
    if items:
        out[key] = items


def client_to_json(client: ClientInput) -> dict[str, object]:
    """The inner object of ``{"client": {...}}``."""
    out: dict[str, object] = {"name": client.name}
    _put(out, "kind", client.kind.value, ClientKind.ORGANISATION.value)
    _put(out, "customer_number", client.customer_number, None)
    _put(out, "first_name", client.first_name)
    _put(out, "last_name", client.last_name)
    _put(out, "email", client.email)
    _put_list(out, "emails", client.emails)
    _put(out, "phone", client.phone)
    _put(out, "vat_id", client.vat_id)
    _put(out, "due_days", client.due_days, None)
    _put(out, "currency", client.currency, None)
    _put(out, "language", client.language, "en")
    _put_list(out, "tags", client.tags)
    _put(out, "notes", client.notes)
    _put_list(out, "addresses", (_address_json(a) for a in client.addresses))
    _put_list(out, "contacts", (_contact_json(c) for c in client.contacts))
    return out


def _address_json(address: AddressInput) -> dict[str, object]:
    out: dict[str, object] = {}
    _put(out, "kind", address.kind.value, AddressKind.BILLING.value)
    for key in ("recipient", "street", "street2", "zip", "city", "region", "country"):
        _put(out, key, getattr(address, key))
    return out


def _contact_json(contact: ContactInput) -> dict[str, object]:
    out: dict[str, object] = {}
    for key in CONTACT_KEYS:
        _put(out, key, getattr(contact, key))
    return out


def product_to_json(product: ProductInput) -> dict[str, object]:
    """The inner object of ``{"product": {...}}``."""
    out: dict[str, object] = {}
    _put(out, "number", product.number, None)
    out["name"] = product.name
    _put(out, "description", product.description)
    _put(out, "unit", product.unit)
    out["unit_price"] = _num(product.unit_price)
    out["tax_rate"] = _num(product.tax_rate)
    _put(out, "tax_category", str(product.tax_category), _default_category(product.tax_rate).value)
    _put(out, "price_basis", product.price_basis.value, PriceBasis.NET.value)
    return out


def invoice_to_json(invoice: InvoiceInput) -> dict[str, object]:
    """The inner object of ``{"invoice": {...}}``.

    Allowances are written before charges (the reader returns them in that
    order). ``LineItem.product_id`` is a database id and is not written; the
    portable reference is ``product_number``.
    """
    out: dict[str, object] = {}
    if invoice.client is not None:
        out["client"] = client_to_json(invoice.client)
    _put(out, "client_id", invoice.client_id, None)
    _put_date(out, "date", invoice.date)
    _put(out, "due_days", invoice.due_days, None)
    _put_date(out, "due_date", invoice.due_date)
    _put_date(out, "supply_date", invoice.supply_date)
    _put_date(out, "supply_end_date", invoice.supply_end_date)
    _put(out, "supply_type", invoice.supply_type.value, SupplyType.DELIVERY.value)
    _put(out, "currency", invoice.currency, None)
    if invoice.exchange_rate is not None:
        out["exchange_rate"] = _num(invoice.exchange_rate)
    _put(out, "price_basis", invoice.price_basis.value, PriceBasis.NET.value)
    if invoice.discount is not None:
        out["discount"] = _discount_json(invoice.discount)
    _put_list(
        out,
        "allowances",
        (_allowance_json(a) for a in invoice.allowances_charges if not a.is_charge),
    )
    _put_list(
        out, "charges", (_allowance_json(c) for c in invoice.allowances_charges if c.is_charge)
    )
    if invoice.prepaid:
        out["prepaid"] = _num(invoice.prepaid)
    if invoice.adjustment:
        out["adjustment"] = _num(invoice.adjustment)
    if invoice.adjustment_reason:
        out["adjustment_reason"] = invoice.adjustment_reason
    if invoice.cash_discount is not None:
        out["cash_discount"] = {
            "rate": _num(invoice.cash_discount.rate),
            "days": invoice.cash_discount.days,
        }
    for key in ("title", "label", "intro", "note"):
        _put(out, key, getattr(invoice, key))
    _put_list(out, "tags", invoice.tags)
    out["line_items"] = [_line_json(line) for line in invoice.lines]
    return out


def _line_json(line: LineItem) -> dict[str, object]:
    out: dict[str, object] = {"name": line.name}
    _put(out, "description", line.description)
    out["quantity"] = _num(line.quantity)
    _put(out, "unit", line.unit)
    out["unit_price"] = _num(line.unit_price)
    out["tax_rate"] = _num(line.tax_rate)
    _put(out, "tax_category", line.tax_category.value, _default_category(line.tax_rate).value)
    if line.discount is not None:
        out["discount"] = _discount_json(line.discount)
    _put(out, "product_number", line.product_number)
    return out


def _allowance_json(item: AllowanceCharge) -> dict[str, object]:
    out: dict[str, object] = {}
    _put(out, "reason", item.reason)
    value = item.value
    if (value.percent is None) == (value.amount is None):
        raise ValueError(f"an allowance needs exactly one of percent and amount: {item!r}")
    if value.amount is not None:
        out["amount"] = _num(value.amount)
    else:
        assert value.percent is not None
        out["percent"] = _num(value.percent)
    if item.tax_rate is not None:
        out["tax_rate"] = _num(item.tax_rate)
    if item.tax_category is not None:
        out["tax_category"] = item.tax_category.value
    return out


def export_document(
    clients: Iterable[ClientInput] = (),
    products: Iterable[ProductInput] = (),
    invoices: Iterable[InvoiceInput] = (),
) -> dict[str, object]:
    """The export shape that :func:`parse_records` reads back."""
    return {
        "format_version": FORMAT_VERSION,
        "clients": [client_to_json(c) for c in clients],
        "products": [product_to_json(p) for p in products],
        "invoices": [invoice_to_json(i) for i in invoices],
    }
