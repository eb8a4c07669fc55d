"""Long invoices: the line table breaks across pages with its header repeated and
carried-forward / brought-forward sums that equal the exact running sums."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from invoicedesk.core.document import LineItem
from invoicedesk.pdf.labels import Formatter
from invoicedesk.pdf.model import PdfInput
from invoicedesk.pdf.render import render_pdf
from tests.pdf.builders import (
    D,
    document,
    many_lines,
    normal,
    pdf_input,
    pdf_pages,
    pdf_words,
    word_boxes,
)

ITEM = re.compile(r"\bItem (\d{3})\b")


@pytest.fixture(scope="module")
def long_invoice() -> tuple[PdfInput, bytes]:
    pdf = pdf_input(document(lines=many_lines(300)))
    return pdf, render_pdf(pdf)


def _sum_after(page: str, label: str) -> str | None:
    match = re.search(rf"{label}\s+(\S+)", normal(page))
    return match.group(1) if match else None


def test_300_lines_paginate_with_header_and_page_numbers(
    long_invoice: tuple[PdfInput, bytes],
) -> None:
    _, content = long_invoice
    pages = pdf_pages(content)
    count = len(pages)
    assert count >= 6
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {count}" in page
        if any(ITEM.search(line) for line in page.splitlines()):
            header = [line for line in page.splitlines() if "Description" in line]
            assert len(header) == 1 and "Qty" in header[0] and "Amount" in header[0]
    # Later pages carry the running header with the document.
    for page in pages[1:]:
        assert "Invoice RE-2026-0042" in page
    # Every line exactly once, in order.
    seen = [int(number) for page in pages for number in ITEM.findall(page)]
    assert seen == list(range(1, 301))


def test_carried_forward_equals_the_exact_running_sum_at_every_break(
    long_invoice: tuple[PdfInput, bytes],
) -> None:
    pdf, content = long_invoice
    fmt = Formatter(pdf.locale, "EUR")
    amounts = [line.net_amount for line in pdf.totals.lines]
    pages = pdf_pages(content)
    breaks = 0
    brought_expected: str | None = None
    for page in pages:
        items = [int(number) for number in ITEM.findall(page)]
        brought = _sum_after(page, "Brought forward")
        assert brought == brought_expected
        carried = _sum_after(page, "Carried forward")
        if carried is None:
            brought_expected = None
            continue
        breaks += 1
        running = sum(amounts[: max(items)], Decimal(0))
        assert carried == normal(fmt.money(running)), (max(items), carried)
        brought_expected = carried
    assert breaks == len(pages) - 2 or breaks == len(pages) - 1
    assert breaks >= 5
    # The engine's line total is where the running sum ends.
    assert sum(amounts, Decimal(0)) == pdf.totals.line_total


def test_a_description_taller_than_a_page_splits_and_keeps_its_amount_once() -> None:
    words = [f"w{number:04d}" for number in range(2500)]
    lines = (
        LineItem(quantity=D(1), unit_price=D("10.00"), tax_rate=D(19), name="Before"),
        LineItem(
            quantity=D(2),
            unit_price=D("500.00"),
            tax_rate=D(19),
            name="Very long",
            description=" ".join(words),
        ),
        LineItem(quantity=D(1), unit_price=D("1.00"), tax_rate=D(19), name="After"),
    )
    pdf = pdf_input(document(lines=lines))
    content = render_pdf(pdf)
    pages = pdf_pages(content)
    assert len(pages) >= 3
    text = pdf_words(content)
    found = re.findall(r"\bw\d{4}\b", text)
    assert found == words  # all of it, in order, nothing lost at the breaks
    fmt = Formatter(pdf.locale, "EUR")
    # The first break already carries both lines' amounts; every later break the same.
    carried = [_sum_after(page, "Carried forward") for page in pages]
    expected = normal(fmt.money(D("1010.00")))
    assert [value for value in carried if value] == [expected] * sum(1 for v in carried if v)
    assert carried[0] == expected
    assert "After" in pages[-1] or "After" in pages[-2]
    assert normal(fmt.money(pdf.totals.due)) in normal(pages[-1])


def test_nothing_leaves_the_page_or_its_column() -> None:
    long_word = "Donaudampfschifffahrtsgesellschaftskapitän" * 12
    lines = (
        LineItem(
            quantity=D("1234.5678"),
            unit_price=D("99999999.9999"),  # amount near the 10^12 limit
            tax_rate=D(19),
            name=long_word,
            description=long_word,
            unit="Kubikmeter" * 5,
            product_number="ART-" + "9" * 60,
        ),
        LineItem(quantity=D(1), unit_price=D("1.00"), tax_rate=D(7), name="Small"),
    )
    buyer_name = "Gesellschaft " + "sehr" * 40 + " mbH"
    pdf = pdf_input(document(lines=lines))
    pdf = pdf_input(
        document(lines=lines),
        buyer=type(pdf.buyer)(name=buyer_name, address=pdf.buyer.address, vat_id="X" * 80),
    )
    content = render_pdf(pdf)
    sizes, boxes = word_boxes(content)
    width = sizes[0][0]
    right = width - 20 * 72 / 25.4  # the body's right edge, 20 mm from the page edge
    for box in boxes:
        assert box.x0 >= 0 and box.y0 >= 0, box
        if box.text.strip() in ("DRAFT",):
            continue
        assert box.x1 <= right + 1.5, box
    # The amount column keeps its numbers apart from the VAT rate: nothing overlaps.
    row = [b for b in boxes if b.page == 0 and abs(b.y0 - _y_of(boxes, "19%")) < 2]
    row.sort(key=lambda b: b.x0)
    for left, right_box in zip(row, row[1:], strict=False):
        assert left.x1 <= right_box.x0 + 0.5, (left, right_box)


def _y_of(boxes: list, text: str) -> float:
    return next(b.y0 for b in boxes if b.text == text)
