"""PdfInputs built by hand (amounts from the real totals engine) and PDFs read back with
real parsers: poppler's pdftotext/pdftoppm, zbarimg and pypdf."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

from PIL import Image

from invoicedesk.core.document import (
    AllowanceCharge,
    CashDiscountTerms,
    Discount,
    InvoiceDocument,
    LineItem,
)
from invoicedesk.core.totals import compute_totals
from invoicedesk.pdf.model import (
    Buyer,
    DocumentKind,
    PdfInput,
    PostalAddress,
    RenderOptions,
    Seller,
)
from tests.tools import need

D = Decimal
INVOICE_DATE = dt.date(2026, 3, 3)

SELLER = Seller(
    name="Muster Software GmbH",
    address=PostalAddress(street="Hauptstraße 1", zip="10115", city="Berlin", country="DE"),
    email="billing@muster.example",
    phone="+49 30 1234567",
    website="muster.example",
    vat_id="DE123456789",
    tax_number="27/123/45678",
    registration="Amtsgericht Berlin-Charlottenburg HRB 123456",
    managing_director="Erika Mustermann",
    bank_name="Berliner Bank",
    iban="DE89 3704 0044 0532 0130 00",
    bic="COBADEFFXXX",
)
BUYER = Buyer(
    name="Nordwind Handels AG",
    address=PostalAddress(
        recipient="Buchhaltung", street="Am Hafen 7", zip="20457", city="Hamburg", country="DE"
    ),
    customer_number="K-10042",
    vat_id="DE987654321",
    contact="Jan Kowalski",
)

LINES = (
    LineItem(
        quantity=D(3),
        unit_price=D("19.99"),
        tax_rate=D(19),
        discount=Discount(percent=D(10)),
        name="Wireless keyboard",
        description="German layout\nwith USB receiver",
        unit="pcs",
        product_number="KB-100",
    ),
    LineItem(
        quantity=D("2.5"),
        unit_price=D("80"),
        tax_rate=D(19),
        name="Installation",
        unit="h",
        product_number="SRV-1",
    ),
    LineItem(quantity=D(2), unit_price=D("25.00"), tax_rate=D(7), name="Handbook", unit="pcs"),
)


def document(**changes: Any) -> InvoiceDocument:
    base = InvoiceDocument(
        currency="EUR",
        lines=LINES,
        allowances_charges=(
            AllowanceCharge(
                is_charge=True, value=Discount(amount=D("4.90")), reason="Shipping", tax_rate=D(19)
            ),
        ),
        cash_discount=CashDiscountTerms(D(2), 10),
        invoice_date=INVOICE_DATE,
    )
    return dataclasses.replace(base, **changes)


def pdf_input(doc: InvoiceDocument | None = None, **changes: Any) -> PdfInput:
    """A complete invoice; ``changes`` replace PdfInput fields, ``options`` may be a dict."""
    doc = doc or document()
    options = changes.pop("options", {})
    if isinstance(options, dict):
        options = RenderOptions(**options)
    base = PdfInput(
        kind=DocumentKind.INVOICE,
        number="RE-2026-0042",
        seller=SELLER,
        buyer=BUYER,
        document=doc,
        totals=compute_totals(doc),
        date=INVOICE_DATE,
        due_date=dt.date(2026, 3, 17),
        supply_date=dt.date(2026, 2, 27),
        intro="Thank you for your order.",
        note="Questions? Call us.",
        language="en",
        locale="en_GB",
        contact="Erika Mustermann",
        options=options,
    )
    return dataclasses.replace(base, **changes)


def many_lines(count: int) -> tuple[LineItem, ...]:
    """``count`` lines with varied amounts, rates and description lengths."""
    return tuple(
        LineItem(
            quantity=D(number % 9 + 1),
            unit_price=D("13.37") + D(number) / 7 * D("1.01"),
            tax_rate=D(19) if number % 4 else D(7),
            name=f"Item {number + 1:03d}",
            description="Second line of text" if number % 3 == 0 else "",
            unit="pcs",
        )
        for number in range(count)
    )


# -- reading PDFs back -------------------------------------------------------------------

_SPACES = re.compile(r"[ \u00a0\u202f\u2009]+")


def normal(text: str) -> str:
    """Runs of blanks (also no-break and narrow no-break spaces) as one blank."""
    return _SPACES.sub(" ", text)


def pdf_pages(content: bytes) -> list[str]:
    """Each page's text as ``pdftotext -layout`` reads it."""
    result = subprocess.run(
        [need("pdftotext"), "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_words(content: bytes) -> str:
    """All text with every run of white space (newlines too) as one blank."""
    return " ".join(normal("\n".join(pdf_pages(content))).split())


def page_images(content: bytes, tmp_path: Path, resolution: int = 200) -> list[Path]:
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(content)
    command = [need("pdftoppm"), "-png", "-r", str(resolution), str(pdf), str(tmp_path / "page")]
    subprocess.run(command, check=True)
    return sorted(tmp_path.glob("page*.png"))


def qr_payloads(content: bytes, tmp_path: Path, page: int = 0) -> list[str]:
    """What zbarimg decodes from a page, the first unless ``page`` (from 0) says
    otherwise (an empty list when it finds no code)."""
    image = page_images(content, tmp_path)[page]
    result = subprocess.run(
        [need("zbarimg"), "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
    )
    # zbarimg exits 4 when it finds nothing; anything else non-zero is a real error.
    assert result.returncode in (0, 4), result.stderr
    text = result.stdout.decode("utf-8")
    return [text.rstrip("\n")] if text.strip() else []


def logo_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), (31, 78, 121)).save(buffer, "PNG")
    return buffer.getvalue()


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclasses.dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float  # points from the left
    y0: float  # points from the top
    x1: float
    y1: float


def word_boxes(content: bytes) -> tuple[list[tuple[float, float]], list[Word]]:
    """Page sizes and every word with its box, as ``pdftotext -bbox`` reads them."""
    result = subprocess.run(
        [need("pdftotext"), "-bbox", "-", "-"], input=content, capture_output=True, check=True
    )
    html = result.stdout.decode("utf-8")
    sizes: list[tuple[float, float]] = []
    words: list[Word] = []
    for number, chunk in enumerate(html.split("<page ")[1:]):
        page = _PAGE.match("<page " + chunk)
        assert page is not None
        sizes.append((float(page.group(1)), float(page.group(2))))
        for match in _WORD.finditer(chunk):
            x0, y0, x1, y1 = (float(match.group(i)) for i in range(1, 5))
            words.append(Word(number, unescape(match.group(5)), x0, y0, x1, y1))
    return sizes, words
