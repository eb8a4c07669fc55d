"""The EPC QR code ("GiroCode", EPC069-12 version 002) that banking apps scan to fill
in a SEPA credit transfer. We decide when an invoice gets one, build the payload as
segno's ``make_epc_qr`` would and let segno encode it with a fixed mask; its modules
are drawn straight onto the ReportLab canvas (one path, far faster than ReportLab's
own QR widget)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import segno
from reportlab.pdfgen.canvas import Canvas

from invoicedesk.core.kinds import DocumentKind
from invoicedesk.pdf.model import PdfInput

MAX_NAME = 70  # EPC069-12: beneficiary name, in characters
MAX_TEXT = 140  # unstructured remittance information, in characters
MAX_PAYLOAD = 331  # bytes: what a version 13-M code holds, the standard's limit
MAX_AMOUNT = Decimal("999999999.99")
MAX_VERSION = 13
MASK = 4  # the QR mask pattern (0-7), see _make
QUIET_ZONE = 4  # modules of white around the code, as the standard asks
# EPC069-12's character sets by number: 1 UTF-8, 2 ISO 8859-1 … 8 ISO 8859-15.
_CHARSETS = (
    "utf-8",
    "iso-8859-1",
    "iso-8859-2",
    "iso-8859-4",
    "iso-8859-5",
    "iso-8859-7",
    "iso-8859-10",
    "iso-8859-15",
)

# Runs of white space and control characters. The payload is one field per line, so a
# newline in a name would shift every later field (the IBAN would read "GmbH").
_BLANKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def epc_qr_for(doc: PdfInput) -> QrSymbol | None:
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
    """The payload's size in UTF-8 (the other character sets are never longer)."""
    return len(_payload_text("1", name, iban, str(due), text, bic).encode("utf-8"))


def _fit_name(name: str, others: int) -> str:
    """``name`` cut to the standard's 70 characters and to the bytes the payload has left
    after the other fields (``others``: the payload's size with an empty name)."""
    name = name[:MAX_NAME].rstrip()
    room = MAX_PAYLOAD - others
    while name and len(name.encode("utf-8")) > room:
        name = name[:-1].rstrip()
    return name


def _payload_text(charset: str, name: str, iban: str, amount: str, text: str, bic: str) -> str:
    """EPC069-12 version 002, eleven fields on ten line breaks: the amount without
    trailing zeros, no purpose, no structured reference, the text last."""
    due = f"EUR{Decimal(amount):.2f}".rstrip("0").rstrip(".")
    fields = ("BCD", "002", charset, "SCT", bic, name, iban, due, "", "", text)
    return "\n".join(fields)


def epc_payload(name: str, iban: str, amount: str, text: str, bic: str) -> bytes | None:
    """The code's content, in the first of the standard's character sets after UTF-8
    that holds every character (ISO 8859-1 for most Latin names), UTF-8 when none does,
    as segno's ``make_epc_qr`` builds it; None where the standard refuses the data."""
    if not (
        0 < len(name) <= MAX_NAME
        and 0 < len(text) <= MAX_TEXT
        and 4 < len(iban) <= 34
        and len(bic) in (0, 8, 11)
        and Decimal("0.01") <= Decimal(amount) <= MAX_AMOUNT
    ):
        return None
    plain = _payload_text("", name, iban, amount, text, bic)
    number = next((n for n in range(2, len(_CHARSETS) + 1) if _fits(plain, n)), 1)
    data = _payload_text(str(number), name, iban, amount, text, bic).encode(_CHARSETS[number - 1])
    return data if len(data) <= MAX_PAYLOAD else None


def _fits(text: str, charset: int) -> bool:
    try:
        text.encode(_CHARSETS[charset - 1])
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class QrSymbol:
    """An encoded code, ready to draw: its width in modules (with the quiet zone) and
    its dark modules as PDF path operators in module units."""

    modules: int
    path: str


@lru_cache(maxsize=64)
def _make(name: str, iban: str, amount: str, text: str, bic: str) -> QrSymbol | None:
    """The code for one payload, cached (the app renders a document again for the
    preview, the file and the printer). None when the data makes no valid code (a BIC
    of the wrong length, say): the invoice prints without the code rather than not at all.

    Error level M and at most version 13 as EPC069-12 asks. The mask is fixed: any of the
    eight is valid, and segno's search for the one with the lowest penalty took ~6.5 ms,
    half of a one-page render."""
    data = epc_payload(name, iban, amount, text, bic)
    if data is None:
        return None
    try:
        qr = segno.make(data, error="m", boost_error=False, micro=False, mask=MASK)
    except ValueError:
        return None
    if not isinstance(qr.version, int) or qr.version > MAX_VERSION:
        return None
    return _symbol(qr)


def _symbol(qr: segno.QRCode) -> QrSymbol:
    matrix = qr.matrix
    modules = len(matrix) + 2 * QUIET_ZONE
    ops: list[str] = []
    for row_index, row in enumerate(matrix):
        bottom = modules - QUIET_ZONE - 1 - row_index  # PDF's y axis points up
        col, width = 0, len(row)
        while col < width:
            if row[col]:
                start = col
                while col < width and row[col]:
                    col += 1
                # A run of dark modules in a row as one rectangle.
                ops.append(f"{start + QUIET_ZONE} {bottom} {col - start} 1 re")
            else:
                col += 1
    ops.append("f")
    return QrSymbol(modules, "\n".join(ops))


def draw_qr(canvas: Canvas, qr: QrSymbol, x: float, y: float, size: float) -> None:
    """Draw ``qr`` with its lower left corner at (x, y), ``size`` points square,
    including the quiet zone."""
    step = size / qr.modules
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    # The path written as PDF operators in one go, scaled from module units: ReportLab's
    # path object formats each number in Python, far slower for the ~500 rectangles.
    canvas.addLiteral(f"{step:.5f} 0 0 {step:.5f} {x:.3f} {y:.3f} cm\n{qr.path}")
    canvas.restoreState()
