"""Labels, titles, tax notes, number formats and postal addresses."""

from __future__ import annotations

import datetime as dt

import pytest

from invoicedesk.core.document import LineItem, TaxCategory
from invoicedesk.pdf.address import address_lines
from invoicedesk.pdf.labels import Formatter, document_title, label, tax_note
from invoicedesk.pdf.model import DocumentKind, PostalAddress
from invoicedesk.pdf.render import render_pdf
from tests.pdf.builders import LINES, D, document, normal, pdf_input, pdf_pages, pdf_words


@pytest.mark.parametrize(
    ("kind", "en", "de"),
    [
        (DocumentKind.INVOICE, "Invoice", "Rechnung"),
        (DocumentKind.CREDIT_NOTE, "Credit note", "Rechnungskorrektur"),
        (DocumentKind.CANCELLATION, "Cancellation", "Stornierung"),
    ],
)
def test_document_titles(kind: DocumentKind, en: str, de: str) -> None:
    assert document_title(kind, "en") == en
    assert document_title(kind, "de") == de
    assert document_title(kind, "de_AT") == de
    assert document_title(kind, "fr") == en  # other languages print English


def test_formatter_follows_the_locale() -> None:
    de = Formatter("de_DE", "EUR")
    en = Formatter("en_US", "EUR")
    assert normal(de.money(D("1234.5"))) == "1.234,50 €"
    assert en.money(D("1234.5")) == "€1,234.50"
    assert normal(Formatter("de_DE", "JPY").money(D(1980))) == "1.980 ¥"
    assert de.price(D("3.3330")) == "3,333 €".replace(" ", "\xa0")
    assert de.price(D("19.5000")) == "19,50\xa0€"
    assert de.quantity(D("2.500")) == "2,5" and en.quantity(D("10.0000")) == "10"
    assert normal(de.percent(D(19))) == "19 %" and en.percent(D(19)) == "19%"
    assert en.percent(D("7.7")) == "7.7%"
    assert de.date(dt.date(2026, 3, 3)) == "03.03.2026"
    assert en.date(dt.date(2026, 3, 3)) == "Mar 3, 2026"
    assert Formatter("xx_INVALID", "EUR").money(D(1)) == "€1.00"  # unknown locale: English


def test_formatted_values_are_kept_apart_by_locale_and_currency() -> None:
    # Results are cached across documents; each locale and currency keeps its own.
    amount = D("1234.5")
    for _ in range(2):
        assert normal(Formatter("de_DE", "EUR").money(amount)) == "1.234,50 €"
        assert Formatter("en_US", "EUR").money(amount) == "€1,234.50"
        assert Formatter("en_US", "USD").money(amount) == "$1,234.50"
        assert normal(Formatter("de_CH", "CHF").money(amount)) == "CHF 1'234.50"
        assert Formatter("en_US", "USD").price(amount) == "$1,234.50"
        assert Formatter("en_US", "USD").quantity(amount) == "1,234.5"
        assert normal(Formatter("de_AT", "EUR").date(dt.date(2026, 1, 5))) == "05.01.2026"
        assert Formatter("en_GB", "EUR").date(dt.date(2026, 1, 5)) == "5 Jan 2026"


def test_addresses_follow_the_destination_country() -> None:
    us = PostalAddress(
        street="1 Main St", zip="62704", city="Springfield", region="IL", country="US"
    )
    assert address_lines("ACME Inc.", us, sender_country="DE") == [
        "ACME Inc.",
        "1 Main St",
        "Springfield, IL 62704",
        "UNITED STATES",
    ]
    gb = PostalAddress(street="10 Downing Street", zip="SW1A 2AA", city="London", country="GB")
    assert address_lines("HM Treasury", gb, sender_country="GB") == [
        "HM Treasury",
        "10 Downing Street",
        "LONDON",
        "SW1A 2AA",
    ]
    at = PostalAddress(street="Ring 1", zip="1010", city="Wien", country="AT")
    assert address_lines("Kunde", at, sender_country="DE", language="de")[-2:] == [
        "1010 Wien",
        "ÖSTERREICH",
    ]
    assert address_lines("Kunde", at, sender_country="DE", language="en")[-1] == "AUSTRIA"
    assert address_lines("Kunde", at, sender_country="AT")[-1] == "1010 Wien"
    assert address_lines("Only a name", None, attn="Attn. Bob") == ["Only a name", "Attn. Bob"]


NOTES = {
    TaxCategory.REVERSE_CHARGE: (
        "Reverse charge: VAT to be accounted for by the recipient "
        "(Art. 196 Council Directive 2006/112/EC).",
        "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).",
    ),
    TaxCategory.INTRA_EU: (
        "Tax-exempt intra-Community supply (Art. 138 Directive 2006/112/EC)",
        "Steuerfreie innergemeinschaftliche Lieferung",
    ),
    TaxCategory.EXPORT: ("export", "Ausfuhrlieferung"),
    TaxCategory.EXEMPT: ("VAT exempt", "Steuerfreie Leistung"),
    TaxCategory.OUTSIDE_SCOPE: ("Not subject to VAT", "Nicht im Inland steuerbar"),
    TaxCategory.ZERO: ("Zero-rated", "Nullsatz"),
}


@pytest.mark.parametrize("category", list(NOTES), ids=lambda c: c.value)
def test_each_non_standard_category_prints_its_legal_note(category: TaxCategory) -> None:
    special = LineItem(
        quantity=D(1), unit_price=D("100.00"), tax_rate=D(0), tax_category=category, name="Zero"
    )
    doc = document(lines=(*LINES, special))
    for language, locale, index in (("en", "en_GB", 0), ("de", "de_DE", 1)):
        words = pdf_words(render_pdf(pdf_input(doc, language=language, locale=locale)))
        assert NOTES[category][index] in words, (category, language)
        note = tax_note(category, language)
        assert note is not None and note in words
        # The totals list the group with its base.
        base = Formatter(locale, "EUR").money(D("100.00"))
        assert normal(base) in words
    others = [c for c in NOTES if c is not category]
    assert all(tax_note(c, "en") not in words for c in others if tax_note(c, "en"))


def test_standard_rated_invoice_has_no_tax_notes() -> None:
    words = pdf_words(render_pdf(pdf_input()))
    for en, _de in NOTES.values():
        assert en not in words
    assert tax_note(TaxCategory.STANDARD, "en") is None


def test_reverse_charge_invoice_prints_the_buyer_vat_id() -> None:
    special = LineItem(
        quantity=D(1),
        unit_price=D("100.00"),
        tax_rate=D(0),
        tax_category=TaxCategory.REVERSE_CHARGE,
        name="Consulting",
    )
    words = pdf_words(render_pdf(pdf_input(document(lines=(special,)))))
    assert "Your VAT ID DE987654321" in words
    assert "Reverse charge on €100.00" in words
    assert label("col.tax", "de") == "USt."


def test_lines_point_to_their_legal_note_by_footnote_mark() -> None:
    """With two noted categories, each line's rate carries the number of its note."""
    export = LineItem(
        quantity=D(1),
        unit_price=D("100.00"),
        tax_rate=D(0),
        tax_category=TaxCategory.EXPORT,
        name="Export goods",
    )
    exempt = LineItem(
        quantity=D(1),
        unit_price=D("50.00"),
        tax_rate=D(0),
        tax_category=TaxCategory.EXEMPT,
        name="Exempt service",
    )
    pages = pdf_pages(render_pdf(pdf_input(document(lines=(*LINES, exempt, export)))))
    lines = [line for page in pages for line in page.splitlines()]

    def row(name: str) -> str:
        return next(line for line in lines if name in line)

    # TaxCategory order: E (exempt) before G (export); standard-rated lines carry no mark.
    assert "0%¹" in row("Exempt service") and "0%²" in row("Export goods")
    assert all(mark not in row("Wireless keyboard") for mark in "¹²")
    words = pdf_words(render_pdf(pdf_input(document(lines=(*LINES, exempt, export)))))
    assert f"¹ {tax_note(TaxCategory.EXEMPT, 'en')}" in words
    assert f"² {tax_note(TaxCategory.EXPORT, 'en')}" in words
