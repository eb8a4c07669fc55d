"""The demo's documents as the services take them: lines, allowances, discounts and terms
of one invoice (``InvoiceInput`` pieces), and when its client pays."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from random import Random

from invoicedesk.core.document import (
    AllowanceCharge,
    CashDiscountTerms,
    Discount,
    InvoiceDocument,
    LineItem,
    PriceBasis,
    TaxCategory,
)
from invoicedesk.core.money import minor_unit
from invoicedesk.core.totals import compute_totals
from invoicedesk.services.demo.catalogue import (
    ALLOWANCE_REASONS,
    CHARGE_REASONS,
    FREE_LINES,
    LINE_COUNT_WEIGHTS,
    METHODS,
    PROFILES,
    TEXTS,
)
from invoicedesk.services.demo.people import ClientPlan, ProductPlan
from invoicedesk.services.inputs import PaymentMethod

D = Decimal
ZERO = D(0)
ONE = D(1)
CENT = D("0.01")


def pick(rng: Random, cum_weights: list[float] | list[int]) -> int:
    """The index ``rng.choices(range(n), cum_weights=cum_weights)[0]`` gives, drawing the
    same random number, without building the population and the result list."""
    return bisect.bisect(cum_weights, rng.random() * (cum_weights[-1] + 0.0), 0,
                         len(cum_weights) - 1)  # fmt: skip


class Documents:
    """Invoice contents drawn from one random generator."""

    def __init__(self, rng: Random, products: list[ProductPlan]) -> None:
        self.rng = rng
        self.by_kind: dict[str, list[ProductPlan]] = {}
        for product in products:
            self.by_kind.setdefault(product.kind, []).append(product)
        self.profiles = {
            name: ([k for k, _ in mix], list(itertools.accumulate(w for _, w in mix)))
            for name, mix in PROFILES.items()
        }
        self.line_counts = list(itertools.accumulate(LINE_COUNT_WEIGHTS))
        # Per currency: its minor unit's quantum (most lines repeat the lookup).
        self.quanta: dict[str, Decimal] = {}
        self.periods: dict[tuple[str, int, int], str] = {}  # a service line's period text

    def _line(self, client: ClientPlan, currency: str, rate: Decimal, date: dt.date) -> LineItem:
        rng = self.rng
        quantum = self._quantum(currency)
        if rng.random() < 0.07:
            product: ProductPlan | None = None
            name = rng.choice(FREE_LINES)
            unit = rng.choice(("Pauschale", "h", "Stk."))
            price = D(rng.randint(20, 500))
            basis = "net"
            tax_rate, category, kind = D(19), TaxCategory.STANDARD, "service"
            quantity = D(1) if unit == "Pauschale" else D(rng.randint(1, 6))
        else:
            kinds, cum_weights = self.profiles[client.profile]
            kind = kinds[pick(rng, cum_weights)]
            product = rng.choice(self.by_kind[kind])
            name, unit, price, basis = product.name, product.unit, product.price, product.basis
            tax_rate, category = product.rate, product.category
            if unit == "h":
                quantity = D(rng.randint(1, 48)) / 4
            elif unit == "Tag":
                quantity = D(rng.randint(1, 5))
            elif unit == "km":
                quantity = D(rng.randint(12, 480))
            elif unit in ("Stk.", "Pack", "Teilnehmer", "Lizenz"):
                quantity = D(rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 6, 10, 12, 20, 25)))
            elif unit == "Monat":
                quantity = D(rng.choice((1, 1, 1, 3)))
            else:
                quantity = ONE
            if kind == "service" and rng.random() < 0.15:  # a negotiated rate
                price = (price * D(rng.randint(90, 110)) / 100).quantize(CENT, ROUND_HALF_UP)
        # The client's tax situation decides the category of each supply.
        if client.tax_mode == "eu" and category is TaxCategory.STANDARD:
            tax_rate = ZERO
            category = (
                TaxCategory.INTRA_EU if kind in ("goods", "book") else TaxCategory.REVERSE_CHARGE
            )
        elif client.tax_mode == "export" and category is not TaxCategory.EXEMPT:
            tax_rate = ZERO
            category = (
                TaxCategory.EXPORT if kind in ("goods", "book") else TaxCategory.OUTSIDE_SCOPE
            )
        # Prices: into the invoice's basis, then into its currency.
        hundred = D(100)
        if client.gross and basis == "net":
            price = price * (hundred + tax_rate) / hundred
        elif not client.gross and basis == "gross":
            price = price * hundred / (hundred + product.rate if product else hundred)
        if rate != ONE:
            price = price / rate
        # Cents, as a business quotes them: a net price worked out from a gross catalogue
        # price would otherwise print with four decimals on the PDF.
        price = price.quantize(quantum, ROUND_HALF_UP)
        discount = None
        roll = rng.random()
        if roll < 0.10:
            discount = Discount(percent=D(rng.choice((5, 10, 10, 15, 20))))
        elif roll < 0.13 and quantity * price > 200:
            discount = Discount(amount=D(rng.choice((10, 20, 25, 50))))
        description = ""
        if kind == "service" and rng.random() < 0.3:
            key = (client.language, date.year, date.month)
            description = self.periods.get(key, "")
            if not description:  # (strftime and format once per language and month)
                period = TEXTS[client.language]["period"]
                description = self.periods[key] = period.format(month=f"{date:%m/%Y}")
        elif product is not None and product.description and rng.random() < 0.5:
            description = product.description
        return LineItem(
            quantity=quantity,
            unit_price=price,
            tax_rate=tax_rate,
            tax_category=category,
            discount=discount,
            name=name,
            description=description,
            unit=unit,
            product_number=product.number if product else "",
            product_id=product.id if product else None,
        )

    def _quantum(self, currency: str) -> Decimal:
        quantum = self.quanta.get(currency)
        if quantum is None:
            quantum = self.quanta[currency] = D(1).scaleb(-minor_unit(currency))
        return quantum

    def document(
        self, client: ClientPlan, currency: str, rate: Decimal, date: dt.date
    ) -> InvoiceDocument:
        rng = self.rng
        count = 1 + pick(rng, self.line_counts)
        lines = tuple(self._line(client, currency, rate, date) for _ in range(count))
        extras: list[AllowanceCharge] = []
        quantum = self._quantum(currency)
        shipped = any(line.unit in ("Stk.", "Pack") for line in lines)
        if shipped and rng.random() < 0.55:
            amount = D(rng.choice(("4.90", "6.90", "9.90", "12.90")))
            amount = (amount / rate).quantize(quantum, ROUND_HALF_UP)  # the currency's decimals
            tax_rate: Decimal | None = None
            category: TaxCategory | None = None
            if client.tax_mode == "domestic" and rng.random() < 0.5:
                tax_rate, category = D(19), TaxCategory.STANDARD
            extras.append(
                AllowanceCharge(
                    True,
                    Discount(amount=amount),
                    CHARGE_REASONS[client.language],
                    tax_rate,
                    category,
                )
            )
        if rng.random() < 0.03:
            extras.append(
                AllowanceCharge(
                    False, Discount(percent=D(3)), ALLOWANCE_REASONS[client.language], None, None
                )
            )
        discount = None
        roll = rng.random()
        if roll < 0.06:
            discount = Discount(percent=D(rng.choice((2, 3, 5, 10))))
        elif roll < 0.08:
            discount = Discount(amount=D(rng.choice((10, 25, 50))))
        cash = None
        if client.cash_discount and rng.random() < 0.7:
            cash = CashDiscountTerms(*rng.choice(((D(2), 10), (D(3), 7), (D(2), 14))))
        doc = InvoiceDocument(
            currency=currency,
            price_basis=PriceBasis.GROSS if client.gross else PriceBasis.NET,
            lines=lines,
            allowances_charges=tuple(extras),
            discount=discount,
            cash_discount=cash,
            invoice_date=date,
        )
        # A fixed discount only on larger invoices (the totals are the use case's business;
        # they are computed here only for this choice).
        if (
            discount is not None
            and discount.amount is not None
            and compute_totals(doc).line_total < discount.amount * 4
        ):
            doc = replace(doc, discount=None)
        return doc

    def plan_payments(
        self, client: ClientPlan, date: dt.date, due_date: dt.date, cash: CashDiscountTerms | None
    ) -> list[tuple[dt.date, Decimal | None]]:
        """When the client pays: (date, fraction of the amount due or None for the rest)."""
        rng = self.rng
        terms = max((due_date - date).days, 1)
        payer = client.payer
        if payer == "prompt":
            delay = rng.randint(1, cash.days if cash else terms)
        elif payer == "debit":
            delay = rng.randint(2, min(terms, 8) + 1)
        elif payer == "normal":
            delay = terms + rng.randint(-4, 7)
        elif payer == "late":
            delay = terms + rng.randint(5, 75)
        else:  # bad
            if rng.random() < 0.5:
                return []
            delay = terms + rng.randint(30, 200)
        delay = max(delay, 0)
        if rng.random() < 0.08 and payer != "debit":
            first = date + dt.timedelta(days=max(delay - rng.randint(0, 10), 0))
            fraction = D(rng.randint(20, 70)) / 100
            second = first + dt.timedelta(days=rng.randint(10, 90))
            return [(first, fraction), (second, None)]
        return [(date + dt.timedelta(days=delay), None)]

    def method(self, client: ClientPlan) -> PaymentMethod:
        if self.rng.random() < 0.9:
            return client.method
        return self.rng.choice(METHODS[:4])
