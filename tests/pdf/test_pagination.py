"""Long invoices: the line table breaks across pages with its header repeated and
carried-forward / brought-forward sums that equal the exact running sums."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from invoicedesk.core.document import AllowanceCharge, Discount, InvoiceDocument, LineItem
from invoicedesk.core.errors import DomainError
from invoicedesk.pdf.blocks import TotalsBlock, total_rows
from invoicedesk.pdf.labels import Formatter
from invoicedesk.pdf.model import PdfInput
from invoicedesk.pdf.render import PdfLayoutError, render_pdf
from tests.pdf.builders import (
    D,
    document,
    many_lines,
    normal,
    pdf_input,
    pdf_pages,
    pdf_words,
    qr_payloads,
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


# -- totals taller than a page -----------------------------------------------------------


def _allowances(count: int, reason: str) -> tuple[AllowanceCharge, ...]:
    return tuple(
        AllowanceCharge(
            is_charge=number % 2 == 1,
            value=Discount(amount=D("1.00") + D(number) / 100),
            reason=reason.format(number=number),
            tax_rate=D(19),
        )
        for number in range(count)
    )


TALL_TOTALS = {
    # ~200 characters each: every allowance row is eight lines high.
    "9-long-reasons": document(
        allowances_charges=_allowances(9, "{number:02d} " + "Long reason text " * 11 + "end")
    ),
    "45-allowances-and-charges": document(allowances_charges=_allowances(45, "R{number:02d}")),
    "40-tax-rates": document(
        lines=tuple(
            LineItem(quantity=D(1), unit_price=D("10.00"), tax_rate=D(n) + D("0.5"), name=f"L{n}")
            for n in range(40)
        ),
        allowances_charges=(),
    ),
}


@pytest.mark.parametrize("doc", list(TALL_TOTALS.values()), ids=list(TALL_TOTALS))
def test_totals_taller_than_a_page_split_between_rows(doc: InvoiceDocument, tmp_path: Path) -> None:
    pdf = pdf_input(doc)
    content = render_pdf(pdf)
    pages = pdf_pages(content)
    fmt = Formatter(pdf.locale, "EUR")
    rows = total_rows(pdf, fmt)
    assert len(rows) >= 11
    # Every row once, in order: (page, line) of the line with its amount.
    found: list[tuple[int, int]] = []
    for row in rows:
        wrapped = len(row.text) > 40  # a long reason: its amount is on its first line
        label = re.escape(row.text[:16]) + r"[^\n]*?" if wrapped else re.escape(row.text)
        pattern = re.compile(rf"(?:^|\s{{2,}}){label}\s{{2,}}{re.escape(row.value)}$")
        hits = [
            (number, index)
            for number, page in enumerate(pages)
            for index, line in enumerate(page.splitlines())
            if pattern.search(line.rstrip())
        ]
        assert len(hits) == 1, (row, hits)
        found += hits
    assert found == sorted(found)
    per_page = Counter(page for page, _ in found)
    assert len(per_page) >= 2  # it did split
    assert all(count >= 2 for count in per_page.values()), per_page  # no row left alone
    due_page = found[-1][0]
    assert rows[-1].style == "due" and per_page[due_page] >= 3  # two rows with the amount due
    # The long reasons print whole (between them, the amounts of their first lines).
    words = re.sub(r" -?€[\d,.]+", "", pdf_words(content))
    for entry in doc.allowances_charges:
        assert entry.reason in words
    # The QR code is with the amount due and asks for it.
    payloads = qr_payloads(content, tmp_path, page=due_page)
    amount = f"EUR{pdf.totals.due:.2f}".rstrip("0").rstrip(".")
    assert len(payloads) == 1 and payloads[0].split("\n")[7] == amount
    assert "Scan to pay" not in "".join(pages[:due_page])


def test_a_totals_row_taller_than_a_page_is_cut_between_its_lines() -> None:
    reason = "\n".join(f"part{number:03d}" for number in range(120))
    doc = document(
        allowances_charges=(
            AllowanceCharge(
                is_charge=True, value=Discount(amount=D("4.90")), reason=reason, tax_rate=D(19)
            ),
        )
    )
    pdf = pdf_input(doc)
    content = render_pdf(pdf)
    pages = pdf_pages(content)
    assert len(pages) >= 3
    words = pdf_words(content)
    assert re.findall(r"\bpart\d{3}\b", words) == reason.split("\n")
    money = normal(Formatter(pdf.locale, "EUR").money(D("4.90")))
    assert normal(words).count(money) == 1  # the charge's amount, once, with its first part
    assert normal(Formatter(pdf.locale, "EUR").money(pdf.totals.due)) in normal(pages[-1])


def test_a_layout_that_cannot_be_made_is_a_readable_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(TotalsBlock, "split", lambda self, width, height: [])
    with pytest.raises(PdfLayoutError) as error:
        render_pdf(pdf_input(TALL_TOTALS["45-allowances-and-charges"]))
    assert isinstance(error.value, DomainError) and error.value.field == "pdf"
    message = error.value.message
    assert message.startswith("the PDF could not be laid out: a part of the document")
    assert "0x" not in message and "<" not in message and "TotalsBlock" not in message
