"""What the PDF says: number, parties, lines, totals as the engine computed them, labels
in English and German, the wording of credit notes, cancellations and drafts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from io import BytesIO

import pytest
from pypdf import PdfReader

from invoicedesk.core.document import AllowanceCharge, Discount, PriceBasis
from invoicedesk.core.totals import compute_totals
from invoicedesk.pdf.labels import Formatter
from invoicedesk.pdf.model import DocumentKind
from invoicedesk.pdf.render import render_pdf
from tests.pdf.builders import BUYER, SELLER, D, document, normal, pdf_input, pdf_pages, pdf_words


def layout_line(pages: list[str], needle: str) -> str:
    """The one layout line that contains ``needle`` (blanks normalised)."""
    found = [normal(line) for page in pages for line in page.splitlines() if needle in normal(line)]
    assert len(found) == 1, (needle, found)
    return found[0]


def test_invoice_prints_number_parties_every_line_and_every_total() -> None:
    pdf = pdf_input()
    content = render_pdf(pdf)
    pages = pdf_pages(content)
    words = pdf_words(content)
    fmt = Formatter("en_GB", "EUR")
    assert len(pages) == 1
    assert "Invoice RE-2026-0042" in words
    assert "Invoice no. RE-2026-0042" in layout_line(pages, "Invoice no.")
    for text in (
        SELLER.name,
        "Hauptstraße 1",
        "10115 Berlin",
        BUYER.name,
        "Buchhaltung",
        "Attn. Jan Kowalski",
        "Am Hafen 7",
        "20457 Hamburg",
        "DE123456789",
        "Amtsgericht Berlin-Charlottenburg HRB 123456",
    ):
        assert text in words, text
    assert "Your VAT ID DE987654321" in layout_line(pages, "Your VAT ID")
    assert "Customer no. K-10042" in layout_line(pages, "Customer no.")
    assert "Delivery date 27 Feb 2026" in layout_line(pages, "Delivery date")
    assert "Due date 17 Mar 2026" in layout_line(pages, "Due date")
    # Every line: its row holds position, item number, name, quantity, unit, price, amount.
    for position, (item, total) in enumerate(
        zip(pdf.document.lines, pdf.totals.lines, strict=True), 1
    ):
        row = layout_line(pages, item.name)
        expected = [str(position), item.product_number, item.name, fmt.quantity(item.quantity)]
        expected += [item.unit, fmt.price(item.unit_price), fmt.money(total.net_amount)]
        positions = [row.index(normal(text)) for text in expected if text]
        assert positions == sorted(positions), (row, expected)
    assert "German layout" in words and "with USB receiver" in words
    assert "10% 19%" in layout_line(pages, "Wireless keyboard")
    totals = pdf.totals
    assert layout_line(pages, "Total of lines").endswith(fmt.money(totals.line_total))
    assert layout_line(pages, "Charge: Shipping").endswith(fmt.money(totals.charges))
    assert layout_line(pages, "Net amount").endswith(fmt.money(totals.net))
    for tax in totals.taxes:
        text = f"VAT {fmt.percent(tax.rate)} on {fmt.money(tax.base)}"
        assert layout_line(pages, text).endswith(fmt.money(tax.amount))
    assert layout_line(pages, "Amount due").endswith(fmt.money(totals.due))
    assert f"Please transfer {fmt.money(totals.due)} by 17 Mar 2026." in words
    cash = totals.cash_discount
    assert cash is not None and cash.last_date == dt.date(2026, 3, 13)
    assert (
        f"If paid by 13 Mar 2026, you may deduct a cash discount of 2% ({fmt.money(cash.amount)})"
        f" and pay {fmt.money(cash.payable)}." in words
    )
    assert "IBAN: DE89 3704 0044 0532 0130 00" in words
    assert "Reference: RE-2026-0042" in words
    assert "Thank you for your order." in words and "Questions? Call us." in words


def test_german_labels_and_numbers() -> None:
    pdf = pdf_input(language="de", locale="de_DE")
    content = render_pdf(pdf)
    pages = pdf_pages(content)
    words = pdf_words(content)
    fmt = Formatter("de_DE", "EUR")
    totals = pdf.totals
    assert "Rechnung RE-2026-0042" in words
    assert "Rechnungsnr. RE-2026-0042" in layout_line(pages, "Rechnungsnr.")
    assert "Lieferdatum 27.02.2026" in layout_line(pages, "Lieferdatum")
    assert "Fällig am 17.03.2026" in layout_line(pages, "Fällig am")
    assert "Ihre USt-IdNr. DE987654321" in layout_line(pages, "Ihre USt-IdNr.")
    assert "z. Hd. Jan Kowalski" in words
    for header in ("Pos.", "Art.-Nr.", "Bezeichnung", "Menge", "Einzelpreis", "Betrag"):
        assert header in words
    assert normal(fmt.money(totals.net)) == "308,87 €"
    assert layout_line(pages, "Nettobetrag").endswith(normal(fmt.money(totals.net)))
    assert layout_line(pages, "USt. 19 % auf 258,87 €").endswith("49,19 €")
    assert layout_line(pages, "Zahlbetrag").endswith(normal(fmt.money(totals.due)))
    assert "Bitte überweisen Sie 361,56 € bis zum 17.03.2026." in words
    assert "Verwendungszweck: RE-2026-0042" in words
    assert "Seite 1 von 1" in words
    assert "Amount due" not in words and "Invoice" not in words


def test_unknown_language_prints_english_with_the_locale_numbers() -> None:
    content = render_pdf(pdf_input(language="fr", locale="fr_FR"))
    words = pdf_words(content)
    assert "Invoice RE-2026-0042" in words
    assert "Amount due 361,56 €" in words


def test_service_period_and_supply_wording() -> None:
    pdf = pdf_input(
        supply_date=dt.date(2026, 2, 1),
        supply_end_date=dt.date(2026, 2, 28),
        supply_type="service",
    )
    pages = pdf_pages(render_pdf(pdf))
    assert "Service period 1 Feb 2026 – 28 Feb 2026" in layout_line(pages, "Service period")
    assert not any("Delivery date" in page for page in pages)


def test_gross_price_basis_labels_amounts_as_gross() -> None:
    doc = document(price_basis=PriceBasis.GROSS)
    pdf = pdf_input(doc)
    content = render_pdf(pdf)
    pages = pdf_pages(content)
    fmt = Formatter("en_GB", "EUR")
    totals = pdf.totals
    header = "\n".join(pages[0].splitlines()[:40])
    assert "Amount" in header and "(incl. VAT)" in header
    assert layout_line(pages, "Total (incl. VAT)").endswith(fmt.money(totals.gross))
    for tax in totals.taxes:
        text = f"incl. {fmt.percent(tax.rate)} VAT on {fmt.money(tax.base)}"
        assert layout_line(pages, text).endswith(fmt.money(tax.amount))
    # The line amounts are the gross amounts the engine computed, not net ones.
    keyboard = totals.lines[0].net_amount
    assert layout_line(pages, "Wireless keyboard").endswith(fmt.money(keyboard))
    assert layout_line(pages, "Amount due").endswith(fmt.money(totals.due))
    assert "Net amount" not in pdf_words(content)


def test_document_discount_is_named_with_its_percentage() -> None:
    pdf = pdf_input(document(discount=Discount(percent=D(10))), language="de", locale="de_DE")
    pages = pdf_pages(render_pdf(pdf))
    fmt = Formatter("de_DE", "EUR")
    discount = sum(e.amount for e in pdf.totals.allowances_charges if e.index == -1)
    assert discount == pdf.totals.allowances > 0  # spread over two rates, printed as one
    assert layout_line(pages, "Rabatt 10 %").endswith(normal(fmt.money(-discount)))


def test_prepaid_adjustment_and_allowance_rows() -> None:
    doc = document(
        prepaid=D("100.00"),
        adjustment=D("0.01"),
        allowances_charges=(
            AllowanceCharge(is_charge=False, value=Discount(percent=D(5)), reason="Loyalty"),
        ),
    )
    pdf = pdf_input(doc)
    pages = pdf_pages(render_pdf(pdf))
    fmt = Formatter("en_GB", "EUR")
    totals = pdf.totals
    assert totals.allowances > 0 and totals.prepaid > 0
    assert layout_line(pages, "Allowance: Loyalty 5%").endswith(fmt.money(-totals.allowances))
    assert layout_line(pages, "Prepaid").endswith(fmt.money(-totals.prepaid))
    assert layout_line(pages, "Rounding").endswith(fmt.money(totals.adjustment))
    assert layout_line(pages, "Amount due").endswith(fmt.money(totals.due))


@pytest.mark.parametrize(
    ("language", "locale", "title", "refund", "forbidden"),
    [
        (
            "en",
            "en_GB",
            "Credit note CN-2026-0003 for invoice RE-2026-0042 of 3 Mar 2026",
            "will be refunded",
            "Amount due",
        ),
        (
            "de",
            "de_DE",
            "Rechnungskorrektur CN-2026-0003 zur Rechnung RE-2026-0042 vom 03.03.2026",
            "wird Ihnen erstattet",
            "Gutschrift",
        ),
    ],
)
def test_credit_note_refers_to_the_invoice_and_promises_a_refund(
    language: str, locale: str, title: str, refund: str, forbidden: str
) -> None:
    pdf = pdf_input(
        kind=DocumentKind.CREDIT_NOTE,
        number="CN-2026-0003",
        reference_number="RE-2026-0042",
        reference_date=dt.date(2026, 3, 3),
        language=language,
        locale=locale,
    )
    words = pdf_words(render_pdf(pdf))
    assert title in words
    assert refund in words
    assert forbidden not in words
    # No request to transfer money (the bank details stay in the footer).
    assert "transfer" not in words and "überweisen" not in words
    assert "Reference: CN-2026-0003" not in words and "Verwendungszweck" not in words


@pytest.mark.parametrize(
    ("language", "locale", "title", "nothing_due"),
    [
        ("en", "en_GB", "Cancellation of invoice RE-2026-0042", "Nothing is due"),
        ("de", "de_DE", "Stornierung der Rechnung RE-2026-0042", "Es ist nichts zu zahlen"),
    ],
)
def test_cancellation_says_nothing_is_due(
    language: str, locale: str, title: str, nothing_due: str
) -> None:
    pdf = pdf_input(
        kind=DocumentKind.CANCELLATION,
        number="RE-2026-0042",  # the services pass the cancelled invoice's own number
        reference_number="RE-2026-0042",
        language=language,
        locale=locale,
    )
    words = pdf_words(render_pdf(pdf))
    assert title in words
    assert nothing_due in words
    # The notice has no number of its own: one reference row, no "cancellation no." row.
    assert words.count("RE-2026-0042") == 3  # title, reference row, payment text
    assert "Cancellation no" not in words and "Stornonr" not in words
    assert "Amount due" not in words and "Zahlbetrag" not in words


@pytest.mark.parametrize(
    ("language", "locale", "name", "expected", "wrong"),
    [
        (
            "en",
            "en_GB",
            "credit note cn-2026-0002",
            (
                "Cancellation of credit note CN-2026-0002 of 3 Mar 2026",
                "Credit note CN-2026-0002 is cancelled. The amount will not be refunded",
            ),
            ("invoice cn-", "nothing is due"),
        ),
        (
            "de",
            "de_DE",
            "rechnungskorrektur cn-2026-0002",
            (
                "Stornierung der Rechnungskorrektur CN-2026-0002 vom 03.03.2026",
                "Die Rechnungskorrektur CN-2026-0002 wird storniert. Der Betrag wird weder",
            ),
            ("rechnung cn-", "gutschrift", "es ist nichts zu zahlen"),
        ),
    ],
)
def test_cancelling_a_credit_note_names_a_credit_note(
    language: str, locale: str, name: str, expected: tuple[str, ...], wrong: tuple[str, ...]
) -> None:
    pdf = pdf_input(
        kind=DocumentKind.CANCELLATION,
        number="CN-2026-0002",
        reference_number="CN-2026-0002",
        reference_date=dt.date(2026, 3, 3),
        reference_kind=DocumentKind.CREDIT_NOTE,
        language=language,
        locale=locale,
    )
    words = pdf_words(render_pdf(pdf))
    for text in expected:
        assert text in words, text
    # Title, the info block's reference row and the text: a credit note every time.
    assert words.lower().count(name) == 3, words
    for text in wrong:
        assert text not in words.lower(), text


def test_user_title_keeps_the_reference_of_a_credit_note() -> None:
    pdf = pdf_input(
        kind=DocumentKind.CREDIT_NOTE,
        number="CN-2026-0004",
        title="Correction of your March invoice",
        reference_number="RE-2026-0042",
    )
    words = pdf_words(render_pdf(pdf))
    assert "Correction of your March invoice" in words
    assert "Credit note CN-2026-0004 for invoice RE-2026-0042" in words


@pytest.mark.parametrize(
    ("language", "draft", "watermark"), [("en", "Draft", "DRAFT"), ("de", "Entwurf", "ENTWURF")]
)
def test_draft_has_a_watermark_on_every_page_and_no_number(
    language: str, draft: str, watermark: str
) -> None:
    doc = document(lines=document().lines * 30)
    pdf = pdf_input(doc, number=None, language=language)
    content = render_pdf(pdf)
    pages = pdf_pages(content)
    assert len(pages) > 1
    # pdftotext's layout mode leaves out the rotated watermark; pypdf reads it.
    reader = PdfReader(BytesIO(content))
    assert len(reader.pages) == len(pages)
    for page in reader.pages:
        assert watermark in page.extract_text()
    assert draft in layout_line(pages, "Invoice no." if language == "en" else "Rechnungsnr.")
    assert f"{'Invoice' if language == 'en' else 'Rechnung'} {draft}" in pdf_words(content)


def test_nothing_due_after_full_prepayment() -> None:
    gross = compute_totals(document()).gross
    pdf = pdf_input(document(prepaid=gross))
    words = pdf_words(render_pdf(pdf))
    assert "Nothing is due." in words
    assert "Please transfer" not in words


def test_metadata_names_title_author_and_language() -> None:
    reader = PdfReader(BytesIO(render_pdf(pdf_input(language="de", locale="de_DE"))))
    assert reader.metadata is not None
    assert reader.metadata.title == "Rechnung RE-2026-0042"
    assert reader.metadata.author == SELLER.name
    assert BUYER.name in (reader.metadata.subject or "")
    assert reader.trailer["/Root"]["/Lang"] == "de"


def test_document_fields_unchanged_by_rendering() -> None:
    pdf = pdf_input()
    before = dataclasses.asdict(pdf)
    render_pdf(pdf)
    assert dataclasses.asdict(pdf) == before
