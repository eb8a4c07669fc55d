"""The blocks below the line table: the totals with the EPC QR code beside them.

Every amount printed here is a field of ``PdfInput.totals``; nothing is recomputed.

The totals usually stay together (``render`` keeps them with the tax notes). A block
taller than a page (dozens of allowances, long reasons, many tax rates) splits between
rows: the amount due keeps at least two rows before it, a part at the foot of a page
has at least two rows, and the QR code goes with the last part. A row taller than
40 % of a page (a reason with many line breaks) is cut between its lines; its amount
prints with the first part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.platypus import Flowable

from invoicedesk.core.document import PriceBasis, TaxCategory
from invoicedesk.core.kinds import DocumentKind
from invoicedesk.core.totals import TaxTotal
from invoicedesk.pdf.epc_qr import QUIET_ZONE, QrSymbol, draw_qr
from invoicedesk.pdf.labels import Formatter, label
from invoicedesk.pdf.model import PdfInput
from invoicedesk.pdf.table import SPLIT_FRACTION
from invoicedesk.pdf.templates import HAIRLINE, MUTED, TEXT, Theme
from invoicedesk.pdf.text import Pen, fit_size, wrap

QR_SIZE = 82.0  # points, quiet zone included (29 mm; the code itself about 24 mm)
KEEP_WITH_LAST = 2  # rows that stay with the last one (the amount due) at a page break
MIN_PART = 2  # rows a part at the foot of a page has at least


@dataclass(frozen=True, slots=True)
class TotalRow:
    text: str
    value: str
    style: str = "normal"  # normal | small | strong | due
    continued: bool = False  # the rest of a row cut at a page break: no rule above it


def total_rows(pdf: PdfInput, fmt: Formatter) -> list[TotalRow]:
    """The rows of the totals block, in order."""
    t = pdf.totals
    lang = pdf.language
    gross = t.price_basis == PriceBasis.GROSS
    rows: list[TotalRow] = []
    has_adjustments = bool(t.allowances_charges)
    if has_adjustments or not gross:
        rows.append(
            TotalRow(
                label("line_total.gross" if gross else "line_total", lang), fmt.money(t.line_total)
            )
        )
    for text, is_charge, amount in _allowances(pdf, fmt):
        rows.append(TotalRow(text, fmt.money(amount if is_charge else -amount)))
    if gross:
        rows.append(TotalRow(label("gross.gross", lang), fmt.money(t.gross), "strong"))
        for tax in t.taxes:
            rows.append(
                TotalRow(_tax_text(tax, fmt, lang, incl=True), fmt.money(tax.amount), "small")
            )
        rows.append(TotalRow(label("net.gross", lang), fmt.money(t.net), "small"))
    else:
        rows.append(TotalRow(label("net", lang), fmt.money(t.net), "strong"))
        for tax in t.taxes:
            rows.append(TotalRow(_tax_text(tax, fmt, lang, incl=False), fmt.money(tax.amount)))
        rows.append(TotalRow(label("gross", lang), fmt.money(t.gross), "strong"))
    if t.prepaid:
        rows.append(TotalRow(label("prepaid", lang), fmt.money(-t.prepaid)))
    if t.adjustment:
        reason = pdf.adjustment_reason or label("adjustment", lang)
        rows.append(TotalRow(reason, fmt.money(t.adjustment)))
    if pdf.kind is DocumentKind.INVOICE:
        rows.append(TotalRow(label("due", lang), fmt.money(t.due), "due"))
    elif pdf.kind is DocumentKind.CREDIT_NOTE:
        rows.append(TotalRow(label("due.credit_note", lang), fmt.money(t.due), "due"))
    return rows


def _allowances(pdf: PdfInput, fmt: Formatter) -> list[tuple[str, bool, Decimal]]:
    """Allowance and charge rows: label, is_charge, amount. The parts an entry was
    spread into over the tax rates are added back together; a percentage is named."""
    lang = pdf.language
    merged: dict[tuple[int, bool], Decimal] = {}
    reasons: dict[tuple[int, bool], str] = {}
    for entry in pdf.totals.allowances_charges:
        key = (entry.index, entry.is_charge)
        merged[key] = merged.get(key, Decimal(0)) + entry.amount
        reasons.setdefault(key, entry.reason)
    rows = []
    for (index, is_charge), amount in merged.items():
        if index < 0:  # the document discount of the editor
            text, value = label("discount", lang), pdf.document.discount
        else:
            kind = label("charge" if is_charge else "allowance", lang)
            reason = reasons[(index, is_charge)].strip()
            text = f"{kind}: {reason}" if reason else kind
            entries = pdf.document.allowances_charges
            value = entries[index].value if index < len(entries) else None
        if value is not None and value.percent is not None:
            text += f" {fmt.percent(value.percent)}"
        rows.append((text, is_charge, amount))
    return rows


def _tax_text(tax: TaxTotal, fmt: Formatter, lang: str, *, incl: bool) -> str:
    category = tax.category
    base = fmt.money(tax.base)
    rate = fmt.percent(tax.rate)
    if category == TaxCategory.STANDARD:
        return label("tax.incl" if incl else "tax.on", lang).format(rate=rate, base=base)
    return label(f"tax.category.{TaxCategory(category).value}", lang).format(base=base)


class TotalsBlock(Flowable):  # type: ignore[misc]  # ReportLab has no type hints
    """Label/amount rows at the right edge, under the amount column; the EPC QR code
    (when there is one) at the left, where the space beside the totals is free."""

    def __init__(
        self,
        rows: Sequence[TotalRow],
        theme: Theme,
        width: float,
        qr: QrSymbol | None = None,
        qr_caption: str = "",
        page_height: float = 0.0,
    ) -> None:
        super().__init__()
        self.rows = list(rows)
        self.theme = theme
        self.block_width = width
        self.qr = qr
        self.qr_caption = qr_caption
        self.page_height = page_height  # a frame's height: which rows are tall
        self.continuation = False  # a later part of a block split across pages
        self.value_width = 0.0
        self.layout: list[tuple[TotalRow, list[str], str, float, float]] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        theme = self.theme
        width = min(self.block_width, avail_width)
        fonts = theme.fonts
        self.layout = []
        self.value_width = width * 0.36
        label_width = width - self.value_width - 8
        height = 0.0
        for row in self.rows:
            size = {"small": theme.body_size - 1, "due": theme.body_size + 1.5}.get(
                row.style, theme.body_size
            )
            font = fonts.bold if row.style in ("strong", "due") else fonts.regular
            lines = wrap(row.text, font, size, label_width)
            pad = 4.0 if row.style == "due" else 1.8
            row_height = len(lines) * size * 1.3 + 2 * pad
            self.layout.append((row, lines, font, size, row_height))
            height += row_height
        qr_height = QR_SIZE + theme.small_size * 2 if self.qr is not None else 0.0
        self.width, self.height = avail_width, max(height + 2, qr_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        heights = [laid[4] for laid in self.layout]
        movable = len(heights) - 1 - KEEP_WITH_LAST  # rows that may end a first part
        room = avail_height - 2
        taken, used = 0, 0.0
        while taken < movable and used + heights[taken] <= room:
            used += heights[taken]
            taken += 1
        rows = list(self.rows)
        tall = SPLIT_FRACTION * self.page_height
        if taken < movable and self.page_height and heights[taken] > tall:
            cut = self._cut(taken, room - used)
            if cut is not None:
                rows[taken : taken + 1] = cut
                taken += 1
        frame = getattr(self, "_frame", None)
        at_top = bool(getattr(frame, "_atTop", False))
        if taken == 0 or (taken < min(MIN_PART, movable) and not at_top):
            return []  # too little fits here: platypus moves the block on
        return [self._part(rows[:taken], later=False), self._part(rows[taken:], later=True)]

    def _cut(self, index: int, room: float) -> list[TotalRow] | None:
        """Row ``index`` cut between its lines so that the first part fits ``room``."""
        row, lines, _font, size, _height = self.layout[index]
        pad = 4.0 if row.style == "due" else 1.8
        count = int((room - 2 * pad) // (size * 1.3))
        if count < 2 or count >= len(lines):  # not one line alone at the foot of a page
            return None
        head = TotalRow("\n".join(lines[:count]), row.value, row.style, row.continued)
        tail = TotalRow("\n".join(lines[count:]), "", row.style, continued=True)
        return [head, tail]

    def _part(self, rows: list[TotalRow], *, later: bool) -> TotalsBlock:
        part = TotalsBlock(
            rows,
            self.theme,
            self.block_width,
            self.qr if later else None,
            self.qr_caption,
            self.page_height,
        )
        part.continuation = later
        return part

    def draw(self) -> None:
        canvas = self.canv
        theme = self.theme
        pen = Pen(canvas)
        width = min(self.block_width, self.width)
        left = self.width - width
        top = self.height
        for row, lines, font, size, row_height in self.layout:
            if row.style == "due":
                if theme.due_fill is not None:
                    canvas.setFillColor(theme.due_fill)
                    canvas.rect(left, top - row_height, width, row_height, stroke=0, fill=1)
                    pen.forget()
                if not row.continued:
                    canvas.setStrokeColor(theme.rule_color)
                    canvas.setLineWidth(0.9)
                    canvas.line(left, top, left + width, top)
            elif row.style == "strong" and not row.continued:
                canvas.setStrokeColor(HAIRLINE)
                canvas.setLineWidth(0.35)
                canvas.line(left, top, left + width, top)
            pad = 4.0 if row.style == "due" else 1.8
            baseline = top - pad - size * 0.95
            color = MUTED if row.style == "small" else TEXT
            for number, line in enumerate(lines):
                pen.text(left + 3, baseline - number * size * 1.3, line, font, size, color)
            if row.value:
                value_size = fit_size(row.value, font, size, self.value_width - 3)
                pen.text(
                    left + width - 3, baseline, row.value, font, value_size, color, align="right"
                )
            top -= row_height
        if self.qr is not None:
            # The quiet zone (4 modules) may lie in the margin: the dark modules then
            # line up with the text's left edge and the top of the totals; in the last
            # part of a split block, with the top of the block's lowest QR-high stretch,
            # beside the amount due.
            quiet = QUIET_ZONE * QR_SIZE / self.qr.modules
            top = QR_SIZE + theme.small_size * 2 if self.continuation else self.height
            bottom = top - QR_SIZE + quiet
            draw_qr(canvas, self.qr, -quiet, bottom, QR_SIZE)
            pen.forget()
            pen.text(
                QR_SIZE / 2 - quiet,
                bottom + quiet - theme.small_size * 1.6,
                self.qr_caption,
                theme.fonts.regular,
                theme.small_size,
                MUTED,
                align="centre",
            )
