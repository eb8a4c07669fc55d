"""The EPC QR code ("GiroCode", EPC069-12 version 002) that banking apps scan to fill
in a SEPA credit transfer. segno builds and validates the payload; we decide when an
invoice gets one and draw its modules straight onto the ReportLab canvas (one path,
far faster than ReportLab's own QR widget)."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

import segno
import segno.helpers
from reportlab.pdfgen.canvas import Canvas

from invoicedesk.core.kinds import DocumentKind
from invoicedesk.pdf.model import PdfInput

MAX_NAME = 70  # EPC069-12: beneficiary name, in characters
MAX_TEXT = 140  # unstructured remittance information, in characters
MAX_PAYLOAD = 331  # bytes: what a version 13-M code holds, the standard's limit
MAX_AMOUNT = Decimal("999999999.99")

# Runs of white space and control characters. The payload is one field per line, so a
# newline in a name would shift every later field (the IBAN would read "GmbH").
_BLANKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def epc_qr_for(doc: PdfInput) -> segno.QRCode | None:
    """The QR code asking for the amount due, or None where a transfer makes no sense:
    drafts, credit notes, cancellations, other currencies, nothing due, no IBAN; also
    when the bank details do not make a valid code."""
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
    iban = "".join(seller.iban.split())
    bic = "".join(seller.bic.split())
    text = _one_line(doc.number)[:MAX_TEXT].strip()
    name = _one_line(seller.account_holder) or _one_line(seller.name)
    name = _fit_name(name, _payload_bytes("", iban, due, text, bic))
    if not name or not text:
        return None
    return _make(name, iban, str(due), text, bic)


def _one_line(text: str) -> str:
    """``text`` with every run of white space and control characters as one blank."""
    return _BLANKS.sub(" ", text or "").strip()


def _payload_bytes(name: str, iban: str, due: Decimal, text: str, bic: str) -> int:
    """The size of the payload segno builds, in UTF-8 (other character sets it may pick
    are never longer): eleven fields on ten line breaks, the amount without trailing zeros."""
    amount = f"EUR{due:.2f}".rstrip("0").rstrip(".")
    fields = ("BCD", "002", "1", "SCT", bic, name, iban, amount, "", "", text)
    return len("\n".join(fields).encode("utf-8"))


def _fit_name(name: str, others: int) -> str:
    """``name`` cut to the standard's 70 characters and to the bytes the payload has left
    after the other fields (``others``: the payload's size with an empty name)."""
    name = name[:MAX_NAME].rstrip()
    room = MAX_PAYLOAD - others
    while name and len(name.encode("utf-8")) > room:
        name = name[:-1].rstrip()
    return name


@lru_cache(maxsize=64)
def _make(name: str, iban: str, amount: str, text: str, bic: str) -> segno.QRCode | None:
    """The code for one payload, cached: the app renders a document again for the
    preview, the file and the printer, and segno's mask selection takes ~7 ms. None when
    segno refuses the data (a BIC of the wrong length, say): the invoice prints without
    the code rather than not at all."""
    try:
        return segno.helpers.make_epc_qr(
            name=name, iban=iban, amount=Decimal(amount), text=text, bic=bic or None
        )
    except ValueError:
        return None


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
