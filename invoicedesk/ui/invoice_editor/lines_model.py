"""The invoice lines as the user typed them, and their conversion to the engine's LineItems.

A :class:`LineRow` keeps quantities and prices as text, so an unreadable value
stays visible and flagged. ``Line net`` is not computed here: the editor hands
in the engine's line amounts (``set_amounts``) after every recalculation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal

from invoicedesk.core.document import LineItem, PriceBasis
from invoicedesk.i18n import N_, tr
from invoicedesk.services.products import ProductView
from invoicedesk.ui.invoice_editor.parsing import (
    InputProblem,
    Problem,
    TaxChoice,
    choice_of,
    normalised_discount,
    normalised_number,
    read_discount,
    read_price,
    read_quantity,
    show_discount,
    show_number,
)
from invoicedesk.ui.invoice_editor.rows_model import Column, RowsModel

DESCRIPTION_PREVIEW = 90


@dataclass(frozen=True, slots=True)
class LineRow:
    tax: TaxChoice
    product_number: str = ""
    name: str = ""
    description: str = ""
    quantity: str = "1"
    unit: str = ""
    unit_price: str = ""
    discount: str = ""
    product_id: int | None = None

    def is_blank(self) -> bool:
        """Nothing typed yet (a fresh line keeps its default quantity and tax rate)."""
        return not any((self.product_number, self.name, self.description, self.unit)) and not any(
            t.strip() for t in (self.unit_price, self.discount)
        )


def row_of(item: LineItem, places: int) -> LineRow:
    return LineRow(
        tax=choice_of(item.tax_rate, item.tax_category),
        product_number=item.product_number,
        name=item.name,
        description=item.description,
        quantity=show_number(item.quantity),
        unit=item.unit,
        unit_price=show_number(item.unit_price, 2),
        discount=show_discount(item.discount, places),
        product_id=item.product_id,
    )


def item_of(row: LineRow, places: int) -> LineItem:
    """The engine's line for ``row``; raises InputProblem naming the first bad field."""
    if not row.name.strip():
        raise InputProblem(tr("name is missing"), "name")
    return LineItem(
        quantity=_keyed("quantity", lambda: read_quantity(row.quantity)),
        unit_price=_keyed("unit_price", lambda: read_price(row.unit_price)),
        tax_rate=row.tax.rate,
        tax_category=row.tax.category,
        discount=_keyed("discount", lambda: read_discount(row.discount, places, negative=True)),
        name=row.name.strip(),
        description=row.description.strip(),
        unit=row.unit.strip(),
        product_number=row.product_number.strip(),
        product_id=row.product_id,
    )


T = TypeVar("T")


def _keyed(key: str, read: Callable[[], T]) -> T:
    """``read()``; its problem names the cell ``key``."""
    try:
        return read()
    except InputProblem as exc:
        exc.key = exc.key or key
        raise


def parse_rows(
    rows: tuple[LineRow, ...], places: int
) -> tuple[list[LineItem], list[int], list[Problem]]:
    """The lines to send (blank rows left out), the table row of each, and the problems."""
    items: list[LineItem] = []
    positions: list[int] = []
    problems: list[Problem] = []
    for position, row in enumerate(rows):
        if row.is_blank():
            continue
        try:
            items.append(item_of(row, places))
        except InputProblem as exc:
            key = exc.key or "name"
            text = tr("Line {n}: {problem}").format(n=position + 1, problem=exc)
            problems.append(Problem("lines", position, key, text))
            # Look further: every bad cell of the row is flagged, not just the first.
            problems += _other_problems(row, position, places, key)
            continue
        positions.append(position)
    return items, positions, problems


def _other_problems(row: LineRow, position: int, places: int, seen: str) -> list[Problem]:
    checks = (
        ("quantity", lambda: read_quantity(row.quantity)),
        ("unit_price", lambda: read_price(row.unit_price)),
        ("discount", lambda: read_discount(row.discount, places, negative=True)),
    )
    found = []
    for key, check in checks:
        if key == seen:
            continue
        try:
            check()
        except InputProblem as exc:
            text = tr("Line {n}: {problem}").format(n=position + 1, problem=exc)
            found.append(Problem("lines", position, key, text))
    return found


class LinesModel(RowsModel):
    PRODUCT_ROLE = Qt.ItemDataRole.UserRole + 10  # setData(index, ProductView, PRODUCT_ROLE)
    product_filled = Signal(int, object)  # row, ProductView
    noun = "line"
    columns = (
        Column("position", "#", editable=False, numeric=True),
        Column(
            "product_number", N_("Item no."), tooltip=N_("Product or service number (optional)")
        ),
        Column("name", N_("Name"), tooltip=N_("What you sell; type to pick a product")),
        Column("quantity", N_("Qty"), numeric=True),
        Column("unit", N_("Unit"), tooltip=N_("e.g. h, pcs, day")),
        Column("unit_price", N_("Unit price"), numeric=True),
        Column(
            "discount",
            N_("Discount"),
            numeric=True,
            tooltip=N_("A percentage (10%) or an amount"),
        ),
        Column("tax", N_("Tax")),
        Column("amount", N_("Net amount"), editable=False, numeric=True),
    )

    def __init__(self, undo_stack: Any, default_tax: TaxChoice, parent: Any = None) -> None:
        super().__init__(undo_stack, parent)
        self.default_tax = default_tax
        self.places = 2
        self.price_basis = PriceBasis.NET
        self._amounts: dict[int, str] = {}

    def new_row(self) -> LineRow:
        return LineRow(tax=self.default_tax)

    def set_price_basis(self, basis: PriceBasis) -> None:
        if basis != self.price_basis:
            self.price_basis = basis
            column = self.column_of("amount")
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)

    def set_amounts(self, amounts: dict[int, str]) -> None:
        """The engine's line amounts by table row, formatted; rows not given show "—"."""
        if amounts == self._amounts:
            return
        old, self._amounts = self._amounts, amounts
        column = self.column_of("amount")
        for row in sorted(old.keys() | amounts.keys()):
            if old.get(row) != amounts.get(row) and row < self.rowCount():
                index = self.index(row, column)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
            and self.columns[section].key == "amount"
        ):
            gross = self.price_basis == PriceBasis.GROSS
            if role == Qt.ItemDataRole.DisplayRole:
                return tr("Gross amount") if gross else tr("Net amount")
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    tr("Quantity × unit price − discount, tax included")
                    if gross
                    else tr("Quantity × unit price − discount, before tax")
                )
        return super().headerData(section, orientation, role)

    def display(self, row: LineRow, position: int, key: str) -> str:
        if key == "position":
            return str(position + 1)
        if key == "tax":
            return row.tax.label
        if key == "amount":
            return "" if row.is_blank() else self._amounts.get(position, "—")
        if key == "name" and row.description.strip():
            first = row.description.strip().splitlines()[0]
            if len(first) > DESCRIPTION_PREVIEW or "\n" in row.description.strip():
                first = first[:DESCRIPTION_PREVIEW].rstrip() + "…"
            return f"{row.name}\n{first}"
        return str(getattr(row, key))

    def tooltip(self, row: LineRow, position: int, key: str) -> str | None:
        if key == "name" and row.description.strip():
            return f"{row.name}\n\n{row.description.strip()}"
        return None

    def with_value(self, row: LineRow, key: str, value: Any) -> LineRow:
        if key == "tax":
            if not isinstance(value, TaxChoice):
                return row
            return replace(row, tax=value)
        text = "" if value is None else str(value)
        if key == "quantity":
            text = normalised_number(text, 0)
        elif key == "unit_price":
            text = normalised_number(text, 2)
        elif key == "discount":
            text = normalised_discount(text, self.places)
        elif key == "product_number" and text.strip() != row.product_number:
            # A typed number no longer points at the product the line was filled from.
            return replace(row, product_number=text.strip(), product_id=None)
        elif key in ("name", "unit"):
            text = text.strip()
        return replace(row, **{key: text})

    def filled_from(self, row: LineRow, product: ProductView) -> LineRow:
        data = product.data
        return replace(
            row,
            product_id=product.id,
            product_number=product.number,
            name=data.name,
            description=data.description,
            unit=data.unit,
            unit_price=show_number(data.unit_price, 2),
            tax=choice_of(data.tax_rate, data.tax_category),
            quantity=row.quantity if row.quantity.strip() else "1",
        )

    def setData(  # noqa: N802
        self, index: Any, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role == self.PRODUCT_ROLE and isinstance(value, ProductView):
            if self._read_only or not index.isValid():
                return False
            position = index.row()
            new = self.filled_from(self._rows[position], value)
            self.replace_row(
                position,
                new,
                tr("Fill line {n} from {product}").format(n=position + 1, product=value.name),
                self.column_of("name"),
            )
            self.product_filled.emit(position, value)
            return True
        return super().setData(index, value, role)

    def item_count(self) -> int:
        return sum(1 for row in self._rows if not row.is_blank())
