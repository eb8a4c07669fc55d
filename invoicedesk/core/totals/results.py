"""The results of the totals engine: frozen, with amounts in the currency's decimals.

:class:`Totals` is what :func:`~invoicedesk.core.totals.compute_totals` returns;
:meth:`Totals.to_json` is the JSON form the command line, the exports and the
tests print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from invoicedesk.core.document import PriceBasis, TaxCategory
from invoicedesk.core.money import minor_unit
from invoicedesk.core.totals.context import CONTEXT, HALF_UP, canonical_rate


@dataclass(frozen=True, slots=True)
class LineTotal:
    """The amounts of one line. On the gross basis every amount includes tax."""

    index: int  # position in doc.lines
    amount_before_discount: Decimal  # round(quantity × unit_price)
    discount_amount: Decimal  # amount_before_discount − net_amount
    net_amount: Decimal  # round(quantity × unit_price − line discount)
    tax_rate: Decimal
    tax_category: TaxCategory


@dataclass(frozen=True, slots=True)
class AllowanceChargeTotal:
    """One document-level allowance or charge, for one tax group.

    An allowance without a tax rate is spread over the rates and yields one entry
    per rate (parts of zero are left out). ``amount`` is positive on an ordinary
    invoice; it is negative when given negative or when a percentage is taken of
    a negative line total (returns, credit notes).
    """

    index: int  # position in doc.allowances_charges; -1 for doc.discount
    is_charge: bool
    reason: str
    tax_rate: Decimal
    tax_category: TaxCategory
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TaxTotal:
    """One tax group (category, rate): its taxable amount and its tax."""

    category: TaxCategory
    rate: Decimal
    base: Decimal  # taxable amount (net, also on the gross basis)
    amount: Decimal  # tax


@dataclass(frozen=True, slots=True)
class CashDiscountTotal:
    """Skonto: ``amount`` off the amount due when paid by ``last_date``."""

    rate: Decimal
    days: int
    amount: Decimal  # round(due × rate / 100)
    payable: Decimal  # due − amount
    last_date: dt.date | None  # invoice_date + days; None without a date


@dataclass(frozen=True, slots=True)
class Totals:
    """Everything an invoice adds up to. Amounts carry exactly the currency's decimals.

    On the net basis ``line_total``, ``allowances`` and ``charges`` exclude tax;
    on the gross basis they include it (``net``, ``tax`` and ``gross`` mean the
    same on both bases). ``taxes`` is sorted by rate descending, then category.
    """

    currency: str
    price_basis: PriceBasis
    lines: tuple[LineTotal, ...]
    allowances_charges: tuple[AllowanceChargeTotal, ...]
    taxes: tuple[TaxTotal, ...]
    line_total: Decimal
    allowances: Decimal
    charges: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    prepaid: Decimal
    adjustment: Decimal
    due: Decimal
    cash_discount: CashDiscountTotal | None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: amounts as strings with the currency's decimals, rates plain."""
        exp = Decimal(1).scaleb(-minor_unit(self.currency))

        def amt(value: Decimal) -> str:
            return _plain(value, exp)

        cd = self.cash_discount
        return {
            "currency": self.currency,
            "price_basis": str(self.price_basis.value),
            "line_total": amt(self.line_total),
            "allowances": amt(self.allowances),
            "charges": amt(self.charges),
            "net": amt(self.net),
            "tax": amt(self.tax),
            "gross": amt(self.gross),
            "prepaid": amt(self.prepaid),
            "adjustment": amt(self.adjustment),
            "due": amt(self.due),
            "taxes": [
                {
                    "rate": format_rate(t.rate),
                    "category": str(t.category.value),
                    "base": amt(t.base),
                    "amount": amt(t.amount),
                }
                for t in self.taxes
            ],
            "lines": [
                {
                    "index": line.index,
                    "amount_before_discount": amt(line.amount_before_discount),
                    "discount": amt(line.discount_amount),
                    "net": amt(line.net_amount),
                }
                for line in self.lines
            ],
            "allowances_charges": [
                {
                    "index": ac.index,
                    "is_charge": ac.is_charge,
                    "reason": ac.reason,
                    "rate": format_rate(ac.tax_rate),
                    "category": str(ac.tax_category.value),
                    "amount": amt(ac.amount),
                }
                for ac in self.allowances_charges
            ],
            "cash_discount": None
            if cd is None
            else {
                "rate": format_rate(cd.rate),
                "days": cd.days,
                "amount": amt(cd.amount),
                "payable": amt(cd.payable),
                "last_date": None if cd.last_date is None else cd.last_date.isoformat(),
            },
        }


def _plain(value: Decimal, exp: Decimal) -> str:
    with localcontext(CONTEXT):
        rounded = value.quantize(exp, HALF_UP)
        return f"{rounded if rounded else abs(rounded):f}"  # never "-0.00"


def format_rate(rate: Decimal) -> str:
    """A rate as a plain string without trailing zeros: ``19``, ``7.7``, ``0``."""
    with localcontext(CONTEXT):
        return f"{canonical_rate(rate):f}"
