"""The EPC QR code ("GiroCode", EPC069-12 version 002) that banking apps scan to fill
in a SEPA credit transfer. segno builds and validates the payload; we decide when an
invoice gets one and draw its modules straight onto the ReportLab canvas (one path,
far faster than ReportLab's own QR widget)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import segno
import segno.helpers
from reportlab.pdfgen.canvas import Canvas

from invoicedesk.pdf.model import DocumentKind, PdfInput

MAX_NAME = 70  # EPC069-12: beneficiary name
MAX_AMOUNT = Decimal("999999999.99")


def epc_qr_for(doc: PdfInput) -> segno.QRCode | None:
    """The QR code asking for the amount due, or None where a transfer makes no sense:
    drafts, credit notes, cancellations, other currencies, nothing due, no IBAN."""
    due = doc.totals.due
    seller = doc.seller
    if (
        doc.kind is not DocumentKind.INVOICE
        or not doc.number
        or doc.totals.currency != "EUR"
        or not seller.iban
        or not Decimal("0.01") <= due <= MAX_AMOUNT
        or not doc.options.show_qr
    ):
        return None
    name = (seller.account_holder or seller.name).strip()[:MAX_NAME]
    if not name:
        return None
    return _make(
        name, seller.iban.replace(" ", ""), str(due), doc.number, seller.bic.replace(" ", "")
    )


@lru_cache(maxsize=64)
def _make(name: str, iban: str, amount: str, text: str, bic: str) -> segno.QRCode:
    """The code for one payload, cached: the app renders a document again for the
    preview, the file and the printer, and segno's mask selection takes ~7 ms."""
    return segno.helpers.make_epc_qr(
        name=name, iban=iban, amount=Decimal(amount), text=text, bic=bic or None
    )


def draw_qr(canvas: Canvas, qr: segno.QRCode, x: float, y: float, size: float) -> None:
    """Draw ``qr`` with its lower left corner at (x, y), ``size`` points square,
    including the quiet zone of four modules the standard asks for."""
    border = 4
    modules = qr.symbol_size(scale=1, border=border)[0]
    step = size / modules
    ops: list[str] = []
    for row_index, row in enumerate(qr.matrix):
        bottom = y + size - (row_index + border + 1) * step
        col = 0
        width = len(row)
        while col < width:
            if row[col]:
                start = col
                while col < width and row[col]:
                    col += 1
                # A run of dark modules in a row as one rectangle.
                left = x + (start + border) * step
                ops.append(f"{left:.3f} {bottom:.3f} {(col - start) * step:.3f} {step:.3f} re")
            else:
                col += 1
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    # The path written as PDF operators in one go: ReportLab's path object formats each
    # number through its pure-Python fp_str, ten times slower for the ~500 rectangles.
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()
