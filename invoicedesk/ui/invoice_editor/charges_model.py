"""Document-level allowances and charges (shipping, packaging, a goodwill allowance …).

Each row is a charge or an allowance with a reason, an amount or a percentage
of the line total, and a tax rate (or none: then the engine spreads it over the
rates of the lines). ``Amount`` shows what the engine made of the row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from invoicedesk.core.document import AllowanceCharge, Discount
from invoicedesk.i18n import N_, tr
from invoicedesk.ui.invoice_editor.parsing import (
    InputProblem,
    Problem,
    TaxChoice,
    choice_of,
    normalised_discount,
    read_discount,
    show_discount,
)
from invoicedesk.ui.invoice_editor.rows_model import Column, RowsModel

SPREAD_LABEL = N_("Split by line rates")


@dataclass(frozen=True, slots=True)
class ChargeRow:
    is_charge: bool = True
    reason: str = ""
    value: str = ""
    tax: TaxChoice | None = None  # None: spread over the lines' rates

    def is_blank(self) -> bool:
        return not self.reason.strip() and not self.value.strip()


def charge_row_of(item: AllowanceCharge, places: int) -> ChargeRow:
    return ChargeRow(
        is_charge=item.is_charge,
        reason=item.reason,
        value=show_discount(item.value, places),
        tax=None if item.tax_rate is None else choice_of(item.tax_rate, item.tax_category),
    )


def parse_charges(
    rows: tuple[ChargeRow, ...], places: int
) -> tuple[list[AllowanceCharge], list[int], list[Problem]]:
    items: list[AllowanceCharge] = []
    positions: list[int] = []
    problems: list[Problem] = []
    for position, row in enumerate(rows):
        if row.is_blank():
            continue
        try:
            value: Discount | None = read_discount(row.value, places, what=N_("amount"))
            if value is None:
                raise InputProblem(
                    tr("enter the charge's amount or percentage")
                    if row.is_charge
                    else tr("enter the allowance's amount or percentage")
                )
        except InputProblem as exc:
            text = tr("Charge/allowance {n}: {problem}").format(n=position + 1, problem=exc)
            problems.append(Problem("charges", position, "value", text))
            continue
        items.append(
            AllowanceCharge(
                is_charge=row.is_charge,
                value=value,
                reason=row.reason.strip(),
                tax_rate=row.tax.rate if row.tax else None,
                tax_category=row.tax.category if row.tax else None,
            )
        )
        positions.append(position)
    return items, positions, problems


class ChargesModel(RowsModel):
    noun = "charge"
    columns = (
        Column("is_charge", N_("Type")),
        Column("reason", N_("Description"), tooltip=N_("e.g. Shipping, Packaging, Goodwill")),
        Column(
            "value", N_("Amount or %"), numeric=True,
            tooltip=N_("An amount or a percentage, e.g. 5%"),
        ),
        Column(
            "tax", N_("Tax"), tooltip=N_("Split by line rates: shared out like the lines' amounts")
        ),
        Column("amount", N_("Amount"), editable=False, numeric=True),
    )  # fmt: skip

    def __init__(self, undo_stack: Any, default_tax: TaxChoice, parent: Any = None) -> None:
        super().__init__(undo_stack, parent)
        self.default_tax = default_tax
        self.places = 2
        self._amounts: dict[int, str] = {}

    def new_row(self) -> ChargeRow:
        return ChargeRow(tax=self.default_tax)

    def shipping_row(self) -> ChargeRow:
        return ChargeRow(is_charge=True, reason=tr("Shipping"), tax=self.default_tax)

    def set_amounts(self, amounts: dict[int, str]) -> None:
        if amounts == self._amounts:
            return
        old, self._amounts = self._amounts, amounts
        column = self.column_of("amount")
        for row in sorted(old.keys() | amounts.keys()):
            if old.get(row) != amounts.get(row) and row < self.rowCount():
                index = self.index(row, column)
                self.dataChanged.emit(index, index)

    def display(self, row: ChargeRow, position: int, key: str) -> str:
        if key == "is_charge":
            return tr("Charge") if row.is_charge else tr("Allowance")
        if key == "tax":
            return row.tax.label if row.tax else tr(SPREAD_LABEL)
        if key == "amount":
            return "" if row.is_blank() else self._amounts.get(position, "—")
        return str(getattr(row, key))

    def with_value(self, row: ChargeRow, key: str, value: Any) -> ChargeRow:
        if key == "is_charge":
            return replace(row, is_charge=bool(value))
        if key == "tax":
            return replace(row, tax=value if isinstance(value, TaxChoice) else None)
        text = "" if value is None else str(value)
        if key == "value":
            text = normalised_discount(text, self.places)
        return replace(row, **{key: text.strip() if key == "reason" else text})
