"""How long ``render_pdf`` takes: a one-page invoice with logo, embedded font and EPC
QR code, next to the floor (the same page drawn with plain ReportLab canvas calls,
``pdf_floor.py``) measured in the same run; and a 300-line invoice.

Run: ``python benchmarks/bench_pdf.py [--runs N] [--profile]``. Targets (issue 11): at
most 10 ms per one-page render in a warm process (fonts registered once) and at most
0.7x the floor. Product and floor renders alternate, so a busy neighbour slows both
alike; each figure is the median of ``--runs`` renders after a warm-up, wall and CPU
time. This is a script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import dataclasses
import datetime as dt
import io
import os
import pstats
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from decimal import Decimal

from PIL import Image, ImageDraw

from invoicedesk.core.document import CashDiscountTerms, InvoiceDocument, LineItem
from invoicedesk.core.totals import compute_totals
from invoicedesk.pdf.model import (
    Buyer,
    DocumentKind,
    PdfInput,
    PostalAddress,
    RenderOptions,
    Seller,
)

TARGET_MS = 10.0
TARGET_RATIO = 0.7


def logo() -> bytes:
    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, 150, 150), fill=(31, 78, 121, 255))
    draw.rectangle((170, 40, 470, 110), fill=(200, 120, 40, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def invoice(lines: int, number: str = "RE-2026-0042", show_qr: bool = True) -> PdfInput:
    items = tuple(
        LineItem(
            quantity=Decimal(n % 7 + 1),
            unit_price=Decimal("49.90") + n,
            tax_rate=Decimal(19) if n % 3 else Decimal(7),
            name=f"Consulting package {n + 1}",
            description="Analysis of the current setup" if n % 2 == 0 else "",
            unit="h",
            product_number=f"P-{1000 + n}",
        )
        for n in range(lines)
    )
    doc = InvoiceDocument(
        lines=items,
        cash_discount=CashDiscountTerms(Decimal(2), 10),
        invoice_date=dt.date(2026, 3, 3),
    )
    seller = Seller(
        name="Muster Software GmbH",
        address=PostalAddress(street="Hauptstraße 1", zip="10115", city="Berlin", country="DE"),
        email="billing@muster.example",
        phone="+49 30 1234567",
        vat_id="DE123456789",
        registration="Amtsgericht Berlin-Charlottenburg HRB 123456",
        bank_name="Berliner Bank",
        iban="DE89370400440532013000",
        bic="COBADEFFXXX",
    )
    buyer = Buyer(
        name="Nordwind Handels AG",
        address=PostalAddress(street="Am Hafen 7", zip="20457", city="Hamburg", country="DE"),
        customer_number="K-10042",
    )
    return PdfInput(
        kind=DocumentKind.INVOICE,
        number=number,
        seller=seller,
        buyer=buyer,
        document=doc,
        totals=compute_totals(doc),
        date=dt.date(2026, 3, 3),
        due_date=dt.date(2026, 3, 17),
        supply_date=dt.date(2026, 3, 3),
        intro="Thank you for your order.",
        locale="de_DE",
        language="de",
        options=RenderOptions(logo=logo(), show_qr=show_qr),
    )


def timed(render: Callable[[], bytes], runs: int) -> tuple[float, float, bytes]:
    """Median wall and CPU milliseconds of ``runs`` calls, and the last result."""
    walls, cpus = [], []
    result = b""
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = render()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000, result


def alternating(
    first: Callable[[], bytes], second: Callable[[], bytes], runs: int
) -> tuple[tuple[float, float, bytes], tuple[float, float, bytes]]:
    """:func:`timed` for two renderers, one call of each in turn."""
    results: list[tuple[list[float], list[float], bytes]] = [([], [], b""), ([], [], b"")]
    for _ in range(runs):
        for index, render in enumerate((first, second)):
            walls, cpus, _ = results[index]
            wall, cpu = time.perf_counter(), time.process_time()
            content = render()
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
            results[index] = (walls, cpus, content)
    a, b = (
        (statistics.median(w) * 1000, statistics.median(c) * 1000, content)
        for w, c, content in results
    )
    return a, b


def text_of(content: bytes) -> str:
    """The text pdftotext finds in a PDF (empty when poppler is missing)."""
    if not shutil.which("pdftotext"):
        return ""
    out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def compare_floor(runs: int) -> None:
    """The one-page invoice against the floor, a new invoice number (so a new QR code)
    per render for both."""
    from pdf_floor import floor_pdf, register_fonts

    from invoicedesk.pdf.render import render_pdf

    register_fonts()
    one_page = invoice(4)
    numbers = iter(range(10**9))

    def fresh() -> PdfInput:
        return dataclasses.replace(one_page, number=f"RE-2026-{next(numbers):06d}")

    mine_text, floor_text = text_of(render_pdf(one_page)), text_of(floor_pdf(one_page))
    # Characters, not words: pdftotext splits words by the gaps it sees ("7 %" / "7%").
    missing = collections.Counter(mine_text.split()) - collections.Counter(floor_text.split())
    extra = collections.Counter(floor_text.split()) - collections.Counter(mine_text.split())
    same = sorted("".join(mine_text.split())) == sorted("".join(floor_text.split()))
    if not mine_text:
        print("  (pdftotext missing: the floor's content is not compared)")
    elif same:
        print("  product and floor hold the same characters (pdftotext)")
    else:
        print(f"  DIFFERENT TEXT: only in the product {sorted(missing)}, floor {sorted(extra)}")
    for label, mask in (("segno picks the QR mask", None), ("fixed QR mask in the floor too", 4)):

        def floor(mask: int | None = mask) -> bytes:
            return floor_pdf(fresh(), qr_mask=mask)

        mine, base = alternating(lambda: render_pdf(fresh()), floor, runs)
        wall, cpu = mine[0] / base[0], mine[1] / base[1]
        print(
            f"one page vs floor ({label}): render_pdf {mine[0]:.1f} ms (CPU {mine[1]:.1f}), "
            f"floor {base[0]:.1f} ms (CPU {base[1]:.1f}), ratio {wall:.2f} (CPU {cpu:.2f})"
        )
        if mask is None:
            ok = mine[0] <= TARGET_MS and wall <= TARGET_RATIO
            print(
                f"  targets <= {TARGET_MS:.0f} ms and <= {TARGET_RATIO}x this floor: "
                + ("met" if ok else "NOT MET")
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="cProfile the one-page render")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.2f}; median of {args.runs} renders after a warm-up")

    start = time.perf_counter()
    from invoicedesk.pdf.render import render_pdf  # ReportLab loads here

    imported = time.perf_counter() - start
    one_page = invoice(4)
    first = time.perf_counter()
    content = render_pdf(one_page)
    first = time.perf_counter() - first
    print(f"import {imported * 1000:.0f} ms; first render (fonts registered) {first * 1000:.0f} ms")

    compare_floor(args.runs)
    without_qr = invoice(4, show_qr=False)
    counter = iter(range(10**9))
    cases: list[tuple[str, Callable[[], bytes]]] = [
        (
            "one page, logo, QR, new number each time",
            lambda: render_pdf(
                dataclasses.replace(one_page, number=f"RE-2026-{next(counter):06d}")
            ),
        ),
        ("one page, logo, QR, same invoice again", lambda: render_pdf(one_page)),
        ("one page, logo, no QR", lambda: render_pdf(without_qr)),
    ]
    for name, render in cases:
        render()
        wall, cpu, content = timed(render, args.runs)
        print(f"{name}: {wall:.1f} ms (CPU {cpu:.1f} ms), {len(content):,} bytes")

    long = invoice(300)
    wall, cpu, content = timed(lambda: render_pdf(long), max(3, args.runs // 10))
    pages = content.count(b"/Type /Page\n") + content.count(b"/Type /Page ")
    print(f"300 lines: {wall:.0f} ms (CPU {cpu:.0f} ms), {pages} pages, {len(content):,} bytes")

    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for number in range(args.runs):
            render_pdf(dataclasses.replace(one_page, number=f"RE-P-{number}"))
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
