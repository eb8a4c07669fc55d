"""Words and numbers on the PDF: the English and German label table, document titles,
the legal notes per tax category, and Babel formatting for one locale.

Labels follow the document language (``PdfInput.language``: "en" or "de", anything else
prints English); numbers, money and dates follow the Babel locale (``PdfInput.locale``).
German wording avoids "Gutschrift" for credit notes: in German VAT law that word means
self-billing, so a correcting document is a "Rechnungskorrektur".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from invoicedesk.core.document import TaxCategory
from invoicedesk.core.kinds import DocumentKind
from invoicedesk.pdf.model import LANGUAGES

_LABELS: dict[str, tuple[str, str]] = {
    # key: (English, German)
    "draft": ("Draft", "Entwurf"),
    "watermark": ("DRAFT", "ENTWURF"),
    "number.invoice": ("Invoice no.", "Rechnungsnr."),
    "number.credit_note": ("Credit note no.", "Korrekturnr."),
    "date": ("Date", "Datum"),
    "date.delivery": ("Delivery date", "Lieferdatum"),
    "date.service": ("Service date", "Leistungsdatum"),
    "period.delivery": ("Delivery period", "Lieferzeitraum"),
    "period.service": ("Service period", "Leistungszeitraum"),
    "due_date": ("Due date", "Fällig am"),
    "customer_number": ("Customer no.", "Kundennr."),
    "buyer_vat_id": ("Your VAT ID", "Ihre USt-IdNr."),
    "contact": ("Contact", "Ansprechpartner"),
    "reference": ("Invoice", "Rechnung"),
    "reference.credit_note": ("Credit note", "Rechnungskorrektur"),
    "attn": ("Attn.", "z. Hd."),
    # line table
    "col.pos": ("Pos.", "Pos."),
    "col.product": ("Item no.", "Art.-Nr."),
    "col.description": ("Description", "Bezeichnung"),
    "col.quantity": ("Qty", "Menge"),
    "col.unit": ("Unit", "Einheit"),
    "col.unit_price": ("Unit price", "Einzelpreis"),
    "col.unit_price.gross": ("Unit price incl. VAT", "Einzelpreis brutto"),
    "col.discount": ("Discount", "Rabatt"),
    "col.tax": ("VAT", "USt."),
    "col.amount": ("Amount", "Betrag"),
    "col.amount.gross": ("Amount (incl. VAT)", "Betrag (brutto)"),
    "carried_forward": ("Carried forward", "Übertrag"),
    "brought_forward": ("Brought forward", "Übertrag"),
    # totals
    "line_total": ("Total of lines", "Summe Positionen"),
    "line_total.gross": ("Total of lines (incl. VAT)", "Summe Positionen (brutto)"),
    "allowance": ("Allowance", "Nachlass"),
    "discount": ("Discount", "Rabatt"),
    "charge": ("Charge", "Zuschlag"),
    "net": ("Net amount", "Nettobetrag"),
    "tax.on": ("VAT {rate} on {base}", "USt. {rate} auf {base}"),
    "tax.incl": ("incl. {rate} VAT on {base}", "enthält {rate} USt. auf {base}"),
    "tax.category.Z": ("Zero-rated on {base}", "Nullsatz auf {base}"),
    "tax.category.E": ("VAT exempt on {base}", "Steuerfrei auf {base}"),
    "tax.category.AE": ("Reverse charge on {base}", "Reverse Charge auf {base}"),
    "tax.category.K": ("Intra-EU supply on {base}", "Innergem. Lieferung auf {base}"),
    "tax.category.G": ("Export on {base}", "Ausfuhr auf {base}"),
    "tax.category.O": ("Not subject to VAT on {base}", "Nicht steuerbar auf {base}"),
    "gross": ("Total", "Gesamtbetrag"),
    "gross.gross": ("Total (incl. VAT)", "Gesamtbetrag (brutto)"),
    "net.gross": ("Total excl. VAT", "Gesamtbetrag netto"),
    "prepaid": ("Prepaid", "Bereits gezahlt"),
    "adjustment": ("Rounding", "Rundung"),
    "due": ("Amount due", "Zahlbetrag"),
    "due.credit_note": ("Amount to be refunded", "Erstattungsbetrag"),
    # payment
    "payment": ("Payment", "Zahlung"),
    "pay_by": (
        "Please transfer {amount} by {date}.",
        "Bitte überweisen Sie {amount} bis zum {date}.",
    ),
    "pay_now": (
        "Please transfer {amount} upon receipt of this invoice.",
        "Bitte überweisen Sie {amount} nach Erhalt der Rechnung.",
    ),
    "cash_discount": (
        "If paid by {date}, you may deduct a cash discount of {rate} ({amount}) and pay {payable}.",
        "Bei Zahlung bis zum {date} gewähren wir {rate} Skonto ({amount}); "
        "Sie zahlen dann {payable}.",
    ),
    "cash_discount.nodate": (
        "Cash discount: {rate} ({amount}) within {days} days; you then pay {payable}.",
        "Bei Zahlung innerhalb von {days} Tagen gewähren wir {rate} Skonto ({amount}); "
        "Sie zahlen dann {payable}.",
    ),
    "nothing_due": ("Nothing is due.", "Es ist nichts zu zahlen."),
    "credit_refund": (
        "The amount of {amount} will be refunded to you or credited against open invoices.",
        "Der Betrag von {amount} wird Ihnen erstattet oder mit offenen Rechnungen verrechnet.",
    ),
    "cancellation_text": (
        "Invoice {number} is cancelled. Nothing is due; any payment already made will be refunded.",
        "Die Rechnung {number} wird storniert. Es ist nichts zu zahlen; bereits geleistete "
        "Zahlungen werden erstattet.",
    ),
    "cancellation_text.credit_note": (
        "Credit note {number} is cancelled. The amount will not be refunded or credited "
        "against open invoices.",
        "Die Rechnungskorrektur {number} wird storniert. Der Betrag wird weder erstattet "
        "noch mit offenen Rechnungen verrechnet.",
    ),
    "bank": ("Bank", "Bank"),
    "account_holder": ("Account holder", "Kontoinhaber"),
    "iban": ("IBAN", "IBAN"),
    "bic": ("BIC", "BIC"),
    "payment_reference": ("Reference", "Verwendungszweck"),
    "qr_caption": ("Scan to pay", "Scannen und bezahlen"),
    # footer
    "vat_id": ("VAT ID", "USt-IdNr."),
    "tax_number": ("Tax no.", "Steuernr."),
    "managing_director": ("Managing director", "Geschäftsführung"),
    "phone": ("Phone", "Tel."),
    "email": ("Email", "E-Mail"),
    "page": ("Page {page} of {pages}", "Seite {page} von {pages}"),
    "note": ("Note", "Hinweis"),
}

_TITLES: dict[DocumentKind, tuple[str, str]] = {
    DocumentKind.INVOICE: ("Invoice", "Rechnung"),
    DocumentKind.CREDIT_NOTE: ("Credit note", "Rechnungskorrektur"),
    DocumentKind.CANCELLATION: ("Cancellation", "Stornierung"),
}

# (kind, kind of the document referred to): title
_REFERENCE_TITLES: dict[tuple[DocumentKind, DocumentKind], tuple[str, str]] = {
    (DocumentKind.CREDIT_NOTE, DocumentKind.INVOICE): (
        "Credit note {number} for invoice {reference}",
        "Rechnungskorrektur {number} zur Rechnung {reference}",
    ),
    (DocumentKind.CANCELLATION, DocumentKind.INVOICE): (
        "Cancellation of invoice {reference}",
        "Stornierung der Rechnung {reference}",
    ),
    (DocumentKind.CANCELLATION, DocumentKind.CREDIT_NOTE): (
        "Cancellation of credit note {reference}",
        "Stornierung der Rechnungskorrektur {reference}",
    ),
}
_OF_DATE = (" of {date}", " vom {date}")

# The legal wording for every category but S, printed once per category present.
_TAX_NOTES: dict[TaxCategory, tuple[str, str]] = {
    TaxCategory.ZERO: (
        "Zero-rated supply (VAT rate 0 %).",
        "Steuersatz 0 % (Nullsatz).",
    ),
    TaxCategory.EXEMPT: (
        "VAT exempt supply (exemption under Council Directive 2006/112/EC or national law).",
        "Steuerfreie Leistung (Steuerbefreiung nach Richtlinie 2006/112/EG bzw. nationalem "
        "Recht, z. B. § 4 UStG).",
    ),
    TaxCategory.REVERSE_CHARGE: (
        "Reverse charge: VAT to be accounted for by the recipient "
        "(Art. 196 Council Directive 2006/112/EC).",
        "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).",
    ),
    TaxCategory.INTRA_EU: (
        "Tax-exempt intra-Community supply (Art. 138 Directive 2006/112/EC).",
        "Steuerfreie innergemeinschaftliche Lieferung (Art. 138 Richtlinie 2006/112/EG).",
    ),
    TaxCategory.EXPORT: (
        "Tax-exempt export supply outside the EU (Art. 146 Directive 2006/112/EC).",
        "Steuerfreie Ausfuhrlieferung (Art. 146 Richtlinie 2006/112/EG).",
    ),
    TaxCategory.OUTSIDE_SCOPE: (
        "Not subject to VAT (outside the scope of VAT).",
        "Nicht im Inland steuerbare Leistung.",
    ),
}


def language_index(language: str) -> int:
    """0 for English, 1 for German; unknown languages print English."""
    code = (language or "en").lower().replace("-", "_").split("_")[0]
    return LANGUAGES.index(code) if code in LANGUAGES else 0


def label(key: str, language: str) -> str:
    """The label ``key`` in ``language`` (English for unknown languages)."""
    return _LABELS[key][language_index(language)]


def document_title(kind: DocumentKind, language: str) -> str:
    """The plain title of a kind of document, e.g. "Invoice" / "Rechnung" (also used by
    the services for file names)."""
    return _TITLES[DocumentKind(kind)][language_index(language)]


def reference_title(
    kind: DocumentKind,
    language: str,
    number: str,
    reference: str,
    date: str | None,
    reference_kind: DocumentKind | None = None,
) -> str:
    """ "Credit note CN-1 for invoice RE-7 of <date>", "Cancellation of credit note CN-1"
    and the like; ``date`` is formatted, ``reference_kind`` (None: an invoice) says what
    ``reference`` is."""
    index = language_index(language)
    key = (DocumentKind(kind), reference_kind or DocumentKind.INVOICE)
    wording = _REFERENCE_TITLES.get(key) or _REFERENCE_TITLES[(key[0], DocumentKind.INVOICE)]
    text = wording[index].format(number=number, reference=reference)
    if date:
        text += _OF_DATE[index].format(date=date)
    return text


# Footnote marks linking a line's VAT rate to the legal note of its tax category.
NOTE_MARKS = "¹²³⁴⁵⁶⁷"


def reference_key(key: str, reference_kind: DocumentKind | None) -> str:
    """The label ``key`` for what a document refers to: ``key`` itself for an invoice,
    ``key.credit_note`` for a credit note ("reference" → "Credit note")."""
    if reference_kind is DocumentKind.CREDIT_NOTE:
        return f"{key}.credit_note"
    return key


def tax_note(category: TaxCategory, language: str) -> str | None:
    """The legal note a category needs on the invoice; None for standard-rated."""
    wording = _TAX_NOTES.get(TaxCategory(category))
    return wording[language_index(language)] if wording else None


class Formatter:
    """Babel formatting of money, numbers and dates for one locale and currency.

    Results are cached per value across documents: Babel applies its number pattern in
    pure Python (~50 µs a value, 30-odd values a page), and invoices repeat their
    amounts, prices, rates and dates. Keys are the values' exact text, so 1.50 and 1.5
    or 0 and -0 stay apart."""

    def __init__(self, locale: str, currency: str) -> None:
        self.locale = _parse_locale(locale)
        self.currency = currency
        self._name = str(self.locale)

    def money(self, amount: Decimal) -> str:
        """An amount with the currency's own digits, e.g. "1.234,50 €"."""
        return _formatted("money", str(amount), self.currency, self._name)

    def price(self, amount: Decimal) -> str:
        """A unit price: at least the currency's digits, more if it has them."""
        return _formatted("price", str(amount), self.currency, self._name)

    def quantity(self, value: Decimal) -> str:
        """A quantity without trailing zeros: "1.5", "10"."""
        return _formatted("quantity", str(value), "", self._name)

    def percent(self, rate: Decimal) -> str:
        """A rate given in percent (19 → "19 %" in de, "19%" in en)."""
        return _formatted("percent", str(rate), "", self._name)

    def date(self, value: dt.date | None) -> str:
        return _formatted("date", value.isoformat(), "", self._name) if value else ""


@lru_cache(maxsize=4096)
def _formatted(kind: str, value: str, currency: str, locale_name: str) -> str:
    locale = _parse_locale(locale_name)
    if kind == "date":
        return format_date(dt.date.fromisoformat(value), format="medium", locale=locale)
    number = Decimal(value)
    if kind == "money":
        return format_currency(number, currency, locale=locale)
    if kind == "price":
        return format_currency(
            number.normalize(),  # 19.5000 -> 19.50: no trailing zeros beyond the currency's
            currency,
            locale=locale,
            decimal_quantization=False,
        )
    if kind == "quantity":
        return format_decimal(number, format="#,##0.####", locale=locale)
    return format_percent(number / 100, locale=locale, decimal_quantization=False)


@lru_cache(maxsize=64)
def _parse_locale(name: str) -> Locale:
    try:
        return Locale.parse((name or "en").replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")
