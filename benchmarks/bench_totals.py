"""Throughput of the totals engine: invoices per second, 5 lines each, one core.

Run: ``python benchmarks/bench_totals.py [seconds]``. The target is at least
20,000 invoices/s. This is a script, not a test.
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal

from invoicedesk.core.document import (
    AllowanceCharge,
    Discount,
    InvoiceDocument,
    LineItem,
    PriceBasis,
    TaxCategory,
)
from invoicedesk.core.totals import compute_totals

TARGET = 20_000


def make_invoices(count: int, seed: int = 1) -> list[InvoiceDocument]:
    """Varied, realistic invoices: 5 lines, two rates, some line and document discounts."""
    rng = random.Random(seed)
    rates = [Decimal(19), Decimal(7)]
    docs = []
    for n in range(count):
        lines = []
        for _ in range(5):
            discount = None
            if rng.random() < 0.3:
                discount = Discount(percent=Decimal(rng.choice([3, 5, 10])))
            lines.append(
                LineItem(
                    quantity=Decimal(rng.randint(1, 40)) / rng.choice([1, 2, 4]),
                    unit_price=Decimal(rng.randint(1, 500_00)).scaleb(-2),
                    tax_rate=rng.choice(rates),
                    tax_category=TaxCategory.STANDARD,
                    discount=discount,
                )
            )
        extras: tuple[AllowanceCharge, ...] = ()
        if n % 4 == 0:
            extras = (
                AllowanceCharge(True, Discount(amount=Decimal("4.90")), "Shipping", rates[0]),
            )
        docs.append(
            InvoiceDocument(
                price_basis=PriceBasis.GROSS if n % 5 == 0 else PriceBasis.NET,
                lines=tuple(lines),
                allowances_charges=extras,
                discount=Discount(amount=Decimal("10.00")) if n % 3 == 0 else None,
            )
        )
    return docs


def main(seconds: float = 2.0) -> float:
    docs = make_invoices(1000)
    for doc in docs:  # warm the caches
        compute_totals(doc)
    done = 0
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed < seconds:
        for doc in docs:
            compute_totals(doc)
        done += len(docs)
        elapsed = time.perf_counter() - start
    rate = done / elapsed
    verdict = "ok" if rate >= TARGET else f"BELOW the target of {TARGET:,}"
    print(f"compute_totals: {rate:,.0f} invoices/s (5 lines each, {done:,} runs) — {verdict}")
    return rate


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 2.0)
