"""The floor ``bench_pdf.py`` compares ``render_pdf`` with: the same one-page invoice drawn
with plain ReportLab canvas calls, as a short hand-written script would.

Same content: every text the product prints (letterhead, window address, info block,
title, intro, the line table, totals, payment terms, bank line, footer, "Seite 1 von 1"),
the same Noto Sans faces embedded (registered once per process, as any ReportLab program
does), the logo from the same PNG bytes, the EPC QR code from the same payload (segno's
``make_epc_qr``), the same document info. Numbers, money and dates are formatted with
Babel's public functions per value. No platypus: absolute positions, which is cheaper
than any layout engine. What a plain script does not do is keep anything between
documents (parsed logo, QR codes, format patterns) — that is what the product may do.

``bench_pdf.py`` checks that both PDFs hold the same words.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import segno
import segno.helpers
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from invoicedesk.assets import resource_file
from invoicedesk.pdf.epc_qr import epc_payload
from invoicedesk.pdf.model import PdfInput

REGULAR, BOLD = "FloorSans", "FloorSans-Bold"
TEXT, MUTED, HAIRLINE, ACCENT = (HexColor(c) for c in ("#1A1A1A", "#5F6368", "#C8CCD0", "#1F4E79"))
MM = 72 / 25.4


def register_fonts() -> None:
    """The product's Noto Sans files under names of their own (embedded separately)."""
    for name, file in ((REGULAR, "NotoSans-Regular.ttf"), (BOLD, "NotoSans-Bold.ttf")):
        with resource_file("fonts", file) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))


def floor_pdf(pdf: PdfInput, qr_mask: int | None = None) -> bytes:
    """The invoice of ``pdf`` (German labels, de_DE, one page) with canvas calls only.
    ``qr_mask``: encode the QR code with this mask instead of segno's search for the best
    (the payload as the product builds it)."""
    loc, cur = pdf.locale, pdf.totals.currency

    def money(value: Decimal) -> str:
        return format_currency(value, cur, locale=loc)

    def date(value: dt.date | None) -> str:
        return format_date(value, format="medium", locale=loc)

    seller, buyer, t = pdf.seller, pdf.buyer, pdf.totals
    a = seller.address
    title = f"Rechnung {pdf.number}"
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, initialFontName=REGULAR, lang="de-DE")
    c.setTitle(title)
    c.setAuthor(seller.name)
    c.setSubject(f"{title} – {buyer.name}")
    c.setCreator("InvoiceDesk")
    width, height = A4
    left, right = 25 * MM, width - 20 * MM

    # Letterhead and logo.
    logo = ImageReader(io.BytesIO(pdf.options.logo or b""))
    iw, ih = logo.getSize()
    scale = min(150 / iw, 62 / ih)
    c.drawImage(logo, right - iw * scale, height - 40 - ih * scale, iw * scale, ih * scale, "auto")
    c.setFillColor(TEXT)
    c.setFont(BOLD, 17)
    c.drawString(left, height - 57, seller.name)
    c.setFont(REGULAR, 7.8)
    c.setFillColor(MUTED)
    place = f"{a.zip} {a.city}"
    c.drawString(left, height - 69, f"{a.street} · {place} · {seller.phone} · {seller.email}")
    c.setStrokeColor(ACCENT)
    c.line(left, height - 112, right, height - 112)

    # Window address and info block.
    c.setFont(REGULAR, 7)
    c.drawString(left, height - 170, f"{seller.name} · {a.street} · {place}")
    c.setFillColor(TEXT)
    c.setFont(REGULAR, 10)
    b = buyer.address
    assert b is not None
    for n, line in enumerate((buyer.name, b.street, f"{b.zip} {b.city}")):
        c.drawString(left, height - 185 - 12 * n, line)
    info = [
        ("Rechnungsnr.", pdf.number or ""),
        ("Datum", date(pdf.date)),
        ("Lieferdatum", date(pdf.supply_date)),
        ("Fällig am", date(pdf.due_date)),
        ("Kundennr.", buyer.customer_number),
    ]
    for n, (name, value) in enumerate(info):
        y = height - 145 - 13 * n
        c.setFont(REGULAR, 7.8)
        c.setFillColor(MUTED)
        c.drawString(125 * MM, y, name)
        c.setFont(REGULAR, 8.5)
        c.setFillColor(TEXT)
        c.drawString(125 * MM + 58, y, value)
    for mark in (105 * MM, 148.5 * MM, 210 * MM):
        c.setStrokeColor(MUTED)
        c.line(10, height - mark, 20, height - mark)

    # Title, intro, line table.
    c.setFont(BOLD, 14)
    c.drawString(left, height - 290, title)
    c.setFont(REGULAR, 9)
    c.drawString(left, height - 310, pdf.intro)
    columns = [(left + 18, "Pos."), (left + 60, "Art.-Nr."), (right - 155, "Menge"),
               (right - 122, "Einheit"), (right - 60, "Einzelpreis"), (right - 36, "USt."),
               (right, "Betrag")]  # fmt: skip
    y = height - 335
    c.setFont(BOLD, 7.5)
    for x, name in columns:
        c.drawRightString(x, y, name)
    c.drawString(left + 65, y, "Bezeichnung")
    c.setStrokeColor(ACCENT)
    c.line(left, y - 5, right, y - 5)
    for n, (item, total) in enumerate(zip(pdf.document.lines, t.lines, strict=True)):
        y -= 22
        c.setFont(REGULAR, 8.5)
        c.setFillColor(TEXT)
        cells = [str(n + 1), item.product_number,
                 format_decimal(item.quantity, format="#,##0.####", locale=loc), item.unit,
                 format_currency(item.unit_price.normalize(), cur, locale=loc,
                                 decimal_quantization=False),
                 format_percent(total.tax_rate / 100, locale=loc, decimal_quantization=False),
                 money(total.net_amount)]  # fmt: skip
        for (x, _), text in zip(columns, cells, strict=True):
            c.drawRightString(x, y, text)
        c.setFont(BOLD, 8.5)
        c.drawString(left + 65, y, item.name)
        if item.description:
            c.setFont(REGULAR, 7.5)
            c.setFillColor(MUTED)
            c.drawString(left + 65, y - 10, item.description)
        c.setStrokeColor(HAIRLINE)
        c.line(left, y - 14, right, y - 14)

    # Totals, the QR code beside them.
    rows: list[tuple[str, Decimal]] = [("Summe Positionen", t.line_total), ("Nettobetrag", t.net)]
    for tax in t.taxes:
        rate = format_percent(tax.rate / 100, locale=loc, decimal_quantization=False)
        rows.append((f"USt. {rate} auf {money(tax.base)}", tax.amount))
    rows += [("Gesamtbetrag", t.gross), ("Zahlbetrag", t.due)]
    y -= 30
    top = y + 10
    for name, amount in rows:
        bold = name in ("Nettobetrag", "Gesamtbetrag", "Zahlbetrag")
        c.setFont(BOLD if bold else REGULAR, 8.5)
        c.drawString(right - 260, y, name)
        c.drawRightString(right, y, money(amount))
        c.setStrokeColor(HAIRLINE)
        c.line(right - 265, y - 5, right, y - 5)
        y -= 15
    if qr_mask is None:
        qr = segno.helpers.make_epc_qr(
            name=seller.name, iban=seller.iban, amount=t.due, text=pdf.number, bic=seller.bic
        )
    else:
        data = epc_payload(seller.name, seller.iban, str(t.due), pdf.number or "", seller.bic)
        assert data is not None
        qr = segno.make(data, error="m", boost_error=False, micro=False, mask=qr_mask)
    _draw_qr(c, qr, left, top, 70)
    c.setFont(REGULAR, 6)
    c.drawCentredString(left + 35, top - 76, "Scannen und bezahlen")

    # Payment terms, bank line.
    iban = " ".join(seller.iban[i : i + 4] for i in range(0, len(seller.iban), 4))
    cash = t.cash_discount
    assert cash is not None and cash.last_date is not None
    rate = format_percent(cash.rate / 100, locale=loc, decimal_quantization=False)
    lines = [
        f"Bitte überweisen Sie {money(t.due)} bis zum {date(pdf.due_date)}.",
        f"Bei Zahlung bis zum {date(cash.last_date)} gewähren wir {rate} Skonto "
        f"({money(cash.amount)}); Sie zahlen dann {money(cash.payable)}.",
        f"IBAN: {iban} · BIC: {seller.bic} · Bank: {seller.bank_name}",
        f"Kontoinhaber: {seller.name} · Verwendungszweck: {pdf.number}",
    ]
    y -= 30
    for n, line in enumerate(lines):
        c.setFont(REGULAR, 9 if n < 2 else 7.5)
        c.drawString(left, y, line)
        y -= 12

    # Footer and page number.
    footer = [
        [seller.name, a.street, place, "Deutschland"],
        [f"Tel.: {seller.phone}", f"E-Mail: {seller.email}"],
        [seller.bank_name, f"IBAN: {iban}", f"BIC: {seller.bic}"],
        [f"USt-IdNr.: {seller.vat_id}", seller.registration],
    ]
    c.setStrokeColor(HAIRLINE)
    c.line(left, 60, right, 60)
    c.setFont(REGULAR, 7.5)
    c.setFillColor(MUTED)
    c.drawRightString(right, 66, "Seite 1 von 1")
    c.setFont(REGULAR, 6.8)
    x = left
    for column in footer:
        for n, line in enumerate(column):
            c.drawString(x, 52 - 8.5 * n, line)
        x += max(pdfmetrics.stringWidth(line, REGULAR, 6.8) for line in column) + 10
    c.showPage()
    c.save()
    return buffer.getvalue()


def _draw_qr(c: Canvas, qr: segno.QRCode, x: float, y: float, size: float) -> None:
    """``qr`` with its top left corner at (x, y): one rectangle per run of dark modules
    in a row, filled as one path."""
    matrix = qr.matrix
    step = size / (len(matrix) + 8)
    path = c.beginPath()
    for r, row in enumerate(matrix):
        start = None
        for col, dark in enumerate((*row, 0)):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                path.rect(x + (start + 4) * step, y - (r + 5) * step, (col - start) * step, step)
                start = None
    c.setFillColorRGB(0, 0, 0)
    c.drawPath(path, stroke=0, fill=1)
