"""From the document's lines and the engine's line totals to the rows of the line table.

Columns adapt to their content: numbers get exactly the width their widest value (or
header word) needs, the optional columns (item number, discount) appear only when a
line uses them, and the description takes what is left.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from reportlab.pdfbase.pdfmetrics import stringWidth

from invoicedesk.core.document import LineItem, PriceBasis, TaxCategory
from invoicedesk.core.totals import LineTotal
from invoicedesk.pdf.labels import Formatter, label
from invoicedesk.pdf.model import PdfInput
from invoicedesk.pdf.table import PAD_X, Column, LineTable, Row, TextLine, column_width
from invoicedesk.pdf.templates import MUTED, Theme

MIN_DESCRIPTION_SHARE = 0.3  # of the body width; numbers shrink before it gets less
MAX_TEXT_COLUMN = 62.0  # item number and unit wrap beyond this width (points)


def line_table(
    pdf: PdfInput,
    theme: Theme,
    fmt: Formatter,
    width: float,
    page_height: float,
    note_marks: Mapping[TaxCategory, str] | None = None,
) -> LineTable:
    """The line table for ``pdf``, ``width`` points wide. ``note_marks`` gives the
    footnote mark printed after the rate of a line whose tax category has a legal note."""
    marks = note_marks or {}
    language = pdf.language
    gross = pdf.document.price_basis == PriceBasis.GROSS
    doc_lines = pdf.document.lines
    line_totals = pdf.totals.lines
    fonts = theme.fonts
    size = theme.table_size
    small = size - 0.5
    show_product = any(line.product_number.strip() for line in doc_lines)
    show_discount = any(t.discount_amount != 0 for t in line_totals) or any(
        line.discount is not None for line in doc_lines
    )

    rows: list[Row] = []
    for position, (line, total) in enumerate(zip(doc_lines, line_totals, strict=True), 1):
        cells: dict[str, list[TextLine]] = {
            "pos": [TextLine(str(position), fonts.regular, size)],
            "description": [TextLine(line.name, fonts.bold, size)],
            "quantity": [TextLine(fmt.quantity(line.quantity), fonts.regular, size)],
            "unit": [TextLine(line.unit, fonts.regular, size)],
            "unit_price": [TextLine(fmt.price(line.unit_price), fonts.regular, size)],
            "tax": [
                TextLine(
                    fmt.percent(total.tax_rate) + marks.get(total.tax_category, ""),
                    fonts.regular,
                    size,
                )
            ],
            "amount": [TextLine(fmt.money(total.net_amount), fonts.regular, size)],
        }
        if line.description.strip():
            cells["description"].append(TextLine(line.description, fonts.regular, small, MUTED))
        if show_product:
            cells["product"] = [TextLine(line.product_number, fonts.regular, small)]
        if show_discount:
            cells["discount"] = [TextLine(_discount(fmt, line, total), fonts.regular, size)]
        rows.append(Row(cells=cells, amount=total.net_amount))

    headers = {
        "pos": label("col.pos", language),
        "product": label("col.product", language),
        "description": label("col.description", language),
        "quantity": label("col.quantity", language),
        "unit": label("col.unit", language),
        "unit_price": label("col.unit_price.gross" if gross else "col.unit_price", language),
        "discount": label("col.discount", language),
        "tax": label("col.tax", language),
        "amount": label("col.amount.gross" if gross else "col.amount", language),
    }
    keys = ["pos"]
    keys += ["product"] if show_product else []
    keys += ["description", "quantity", "unit", "unit_price"]
    keys += ["discount"] if show_discount else []
    keys += ["tax", "amount"]
    # The money column must also hold the carried-forward sums; the largest of those
    # in size is bounded by the sum of the absolute line amounts.
    biggest = sum((abs(t.net_amount) for t in line_totals), Decimal(0))
    extra = {"amount": [fmt.money(biggest), fmt.money(-biggest)]}
    widths = _widths(keys, headers, rows, extra, theme, width)
    columns = [
        Column(
            key=key,
            header=headers[key],
            width=widths[key],
            right=key in ("pos", "quantity", "unit_price", "discount", "tax", "amount"),
            wraps=key in ("description", "product", "unit"),
        )
        for key in keys
    ]
    return LineTable(
        columns,
        rows,
        theme,
        carried_label=label("carried_forward", language),
        brought_label=label("brought_forward", language),
        money=fmt.money,
        page_height=page_height,
    )


def _widths(
    keys: list[str],
    headers: dict[str, str],
    rows: list[Row],
    extra: dict[str, list[str]],
    theme: Theme,
    width: float,
) -> dict[str, float]:
    bold = theme.fonts.bold
    head_size = theme.table_size - 0.5
    widths: dict[str, float] = {}
    for key in keys:
        if key == "description":
            continue
        texts = [line.text for row in rows for line in row.cells.get(key, [])]
        texts += extra.get(key, [])
        font = theme.fonts.regular
        needed = column_width(texts, font, theme.table_size) if texts else 0.0
        # Headers may wrap at spaces, so the longest word of the header is the minimum.
        header_word = max(
            (stringWidth(word, bold, head_size) for word in headers[key].split()), default=0.0
        )
        needed = max(needed, header_word + 2 * PAD_X)
        if key in ("product", "unit"):
            needed = min(needed, MAX_TEXT_COLUMN)
        widths[key] = needed
    fixed = sum(widths.values())
    minimum = width * MIN_DESCRIPTION_SHARE
    if width - fixed < minimum:
        scale = (width - minimum) / fixed
        widths = {key: value * scale for key, value in widths.items()}
        fixed = width - minimum
    widths["description"] = width - fixed
    return widths


def _discount(fmt: Formatter, line: LineItem, total: LineTotal) -> str:
    discount = line.discount
    amount = total.discount_amount
    if discount is None or (amount == 0 and not discount.percent):
        return ""
    if discount.percent is not None:
        return fmt.percent(discount.percent)
    return fmt.money(amount)
