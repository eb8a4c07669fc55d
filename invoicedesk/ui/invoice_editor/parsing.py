"""From what the user typed to the services' input, and from the services' errors back to a cell.

The editor keeps every number as the text the user typed, so a half-typed or
wrong value stays on screen, flagged, instead of vanishing. These functions read
that text in the user's locale (``parse_user_decimal``; never float), check it
with the same core rules the services apply, and phrase each problem for the
person at the keyboard ("Line 2: quantity is not a number"). ``target_of``
maps a service or engine field path (``invoice.line_items[1].quantity``) to the
cell or widget to highlight.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from invoicedesk.core.document import Discount, TaxCategory
from invoicedesk.core.errors import DomainError
from invoicedesk.core.money import MAX_AMOUNT, MAX_QUANTITY, PRICE_PLACES, parse_decimal
from invoicedesk.i18n import N_, tr
from invoicedesk.ui.widgets.decimal_edit import format_user_decimal, parse_user_decimal

HUNDRED = Decimal(100)


# --------------------------------------------------------------------------- tax choices


@dataclass(frozen=True, slots=True)
class TaxChoice:
    """A tax rate with its category, as offered in the tax combo of a line."""

    rate: Decimal
    category: TaxCategory

    @property
    def label(self) -> str:
        text = f"{format_user_decimal(self.rate)} %"
        extra = CATEGORY_WORDS.get(self.category)
        return f"{text} {tr(extra)}" if extra else text


CATEGORY_WORDS = {
    TaxCategory.EXEMPT: N_("exempt"),
    TaxCategory.REVERSE_CHARGE: N_("reverse charge"),
    TaxCategory.INTRA_EU: N_("intra-EU"),
    TaxCategory.EXPORT: N_("export"),
    TaxCategory.OUTSIDE_SCOPE: N_("not taxable"),
}  # marked: shown with tr()


def choice_of(rate: Decimal, category: TaxCategory | str | None = None) -> TaxChoice:
    """The choice for a stored (rate, category); the category defaults from the rate."""
    if category in (None, ""):
        category = TaxCategory.STANDARD if rate else TaxCategory.ZERO
    return TaxChoice(rate.normalize() if rate else Decimal(0), TaxCategory(category))


def tax_choices(configured: Iterable[str], extra: Iterable[TaxChoice] = ()) -> list[TaxChoice]:
    """The configured rates (settings ``tax_rates``), then the zero-rated special categories,
    then whatever else an existing invoice uses."""
    result: list[TaxChoice] = [choice_of(Decimal(str(rate))) for rate in configured]
    result += [TaxChoice(Decimal(0), category) for category in CATEGORY_WORDS]
    for choice in extra:
        if choice not in result:
            result.append(choice)
    return list(dict.fromkeys(result))


# --------------------------------------------------------------------------- numbers


class InputProblem(ValueError):
    """A value the user typed that cannot be used; ``str()`` is the reason without location,
    ``key`` the cell it is about when the raiser knows it."""

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message)
        self.key = key


def read_number(
    text: str,
    what: str,
    *,
    places: int,
    limit: Decimal = MAX_AMOUNT,
    negative: bool = True,
    required: bool = False,
) -> Decimal | None:
    """``text`` as a Decimal checked like the services check it; None when empty. ``what``
    is the value's English name, marked with ``N_`` (shown translated)."""
    name = tr(what)
    try:
        value = parse_user_decimal(text)
    except ValueError:
        raise InputProblem(tr("{what} is not a number").format(what=name)) from None
    if value is None:
        if required:
            raise InputProblem(tr("{what} is missing").format(what=name))
        return None
    try:
        return parse_decimal(value, name, places=places, maximum_abs=limit, allow_negative=negative)
    except DomainError as exc:
        raise InputProblem(tr("{what}: {problem}").format(what=name, problem=exc.message)) from None


def read_quantity(text: str) -> Decimal:
    value = read_number(
        text, N_("quantity"), places=PRICE_PLACES, limit=MAX_QUANTITY, required=True
    )
    assert value is not None
    return value


def read_price(text: str) -> Decimal:
    value = read_number(text, N_("unit price"), places=PRICE_PLACES, required=True)
    assert value is not None
    return value


def read_discount(
    text: str, places: int, *, what: str = N_("discount"), negative: bool = False
) -> Discount | None:
    """ "10%" → 10 percent, "2.50" → an amount, "" → no discount. ``what``: as in
    :func:`read_number`."""
    name = tr(what)
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.endswith("%"):
        try:
            percent = parse_user_decimal(stripped[:-1])
        except ValueError:
            raise InputProblem(
                tr("{what} is not a number or a percentage").format(what=name)
            ) from None
        if percent is None:
            raise InputProblem(tr("{what} needs a number before the %").format(what=name))
        if not 0 <= percent <= HUNDRED:
            raise InputProblem(tr("{what} must lie between 0 % and 100 %").format(what=name))
        value = read_number(str(percent), what, places=4, negative=False)
        return Discount(percent=value) if value else None
    try:
        amount = read_number(stripped, what, places=places, negative=negative)
    except InputProblem:
        raise InputProblem(
            tr("{what} is not an amount or a percentage (e.g. 10% or {amount})").format(
                what=name, amount=example("5.00")
            )
        ) from None
    return Discount(amount=amount) if amount else None


def example(number: str) -> str:
    """A sample number for hints, in the user's format: "5.00" → "5,00" in German."""
    return format_user_decimal(Decimal(number), len(number.partition(".")[2]))


def show_number(value: Decimal | None, min_places: int = 0) -> str:
    """A number for a cell: the user's locale, at least ``min_places`` decimals."""
    if value is None:
        return ""
    exponent = value.normalize().as_tuple().exponent
    places = max(min_places, -exponent) if isinstance(exponent, int) else min_places
    return format_user_decimal(value, places)


def show_discount(discount: Discount | None, places: int = 2) -> str:
    if discount is None:
        return ""
    if discount.percent is not None:
        return f"{show_number(discount.percent)}%"
    return show_number(discount.amount, places)


def normalised_number(text: str, min_places: int) -> str:
    """Readable numbers re-shown in the locale's format; unreadable text kept as typed."""
    try:
        value = parse_user_decimal(text)
    except ValueError:
        return text
    return show_number(value, min_places) if value is not None else ""


def normalised_discount(text: str, places: int) -> str:
    try:
        return show_discount(read_discount(text, places, negative=True), places)
    except InputProblem:
        return text


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing that stops saving: where it is and what to do about it.

    ``area`` is "lines", "charges" or "field"; ``row``/``key`` name the cell (for
    "field", ``key`` is the form field such as "client_id" or "cash_discount.rate").
    """

    area: str
    row: int
    key: str
    message: str


LINE_KEYS = {
    "name": "name",
    "description": "description",
    "unit": "unit",
    "product_number": "product_number",
    "product_id": "product_number",
    "quantity": "quantity",
    "unit_price": "unit_price",
    "tax_rate": "tax",
    "tax_category": "tax",
    "discount": "discount",
}
CHARGE_KEYS = {
    "reason": "reason",
    "percent": "value",
    "amount": "value",
    "value": "value",
    "tax_rate": "tax",
    "tax_category": "tax",
}
WORDS = {  # marked: shown with tr()
    "name": N_("name"),
    "description": N_("description"),
    "unit": N_("unit"),
    "product_number": N_("product number"),
    "quantity": N_("quantity"),
    "unit_price": N_("unit price"),
    "tax": N_("tax rate"),
    "discount": N_("discount"),
    "reason": N_("description"),
    "value": N_("amount"),
    "client_id": N_("client"),
    "date": N_("invoice date"),
    "supply_date": N_("delivery date"),
    "supply_end_date": N_("end of the service period"),
    "due_date": N_("due date"),
    "due_days": N_("payment terms"),
    "currency": N_("currency"),
    "exchange_rate": N_("exchange rate"),
    "price_basis": N_("prices"),
    "title": N_("title"),
    "label": N_("label"),
    "intro": N_("intro text"),
    "note": N_("footer note"),
    "tags": N_("tags"),
    "prepaid": N_("deposit"),
    "adjustment": N_("rounding adjustment"),
    "cash_discount.rate": N_("cash discount"),
    "cash_discount.days": N_("cash discount days"),
}
_ITEM = re.compile(r"^(line_items|charges|allowances)\[(\d+)\](?:\.(\w+))?")


def target_of(
    field: str | None,
    message: str,
    line_rows: list[int],
    charge_rows: list[int],
    charge_kinds: list[bool],
) -> Problem:
    """The cell or widget a service/engine error names, with a message saying where it is.

    Service fields start with ``invoice.``; their ``charges[i]``/``allowances[i]``
    count charges and allowances apart. The engine's ``allowances[i]`` indexes all
    of them. ``line_rows``/``charge_rows`` map input positions to table rows (blank
    rows are not sent); ``charge_kinds`` is ``is_charge`` per input position.
    """
    path = field or ""
    from_service = path.startswith("invoice.")
    path = path.removeprefix("invoice.")
    match = _ITEM.match(path)
    if match:
        kind, index, sub = match.group(1), int(match.group(2)), match.group(3) or ""
        if kind == "line_items":
            row = line_rows[index] if index < len(line_rows) else -1
            key = LINE_KEYS.get(sub, "name")
            field = tr(WORDS[key])
            text = (
                tr("Line {n}, {field}: {problem}").format(n=row + 1, field=field, problem=message)
                if row >= 0
                else tr("Lines, {field}: {problem}").format(field=field, problem=message)
            )
            return Problem("lines", row, key, text)
        if from_service:
            wanted = kind == "charges"
            positions = [i for i, is_charge in enumerate(charge_kinds) if is_charge == wanted]
            index = positions[index] if index < len(positions) else -1
        row = charge_rows[index] if 0 <= index < len(charge_rows) else -1
        key = CHARGE_KEYS.get(sub, "value")
        text = tr("Charge/allowance {n}: {problem}").format(n=row + 1, problem=message)
        return Problem("charges", row, key, text)
    if path in ("line_items", "lines"):
        return Problem("lines", -1, "", tr("Lines: {problem}").format(problem=message))
    key = {"client": "client_id", "discount": "discount"}.get(path, path)
    words = (
        tr(WORDS[key])
        if key in WORDS
        else (tr("discount on the whole invoice") if key == "discount" else key)
    )
    if not key:
        return Problem("field", -1, "", message[:1].upper() + message[1:])
    field = f"{words[:1].upper()}{words[1:]}"
    return Problem("field", -1, key, tr("{field}: {problem}").format(field=field, problem=message))
