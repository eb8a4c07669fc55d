"""What is drawn on the page around the flowing body: letterhead, window address, info
block, fold marks, running header, footer, draft watermark and "Page X of Y".

Everything here is canvas text (``drawString``), wrapped and shrunk to fit its box, so
user text is never parsed as markup and never leaves its area.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from invoicedesk.pdf.layout import Geometry
from invoicedesk.pdf.logo import Logo, draw_logo
from invoicedesk.pdf.templates import HAIRLINE, MUTED, TEXT, Theme
from invoicedesk.pdf.text import Pen, clean, fit_lines, fit_ranked_lines, fit_size, wrap

LOGO_MAX_WIDTH = 150.0  # points
LOGO_MAX_HEIGHT = 62.0
INFO_GAP = 8.0  # points between the recipient's lines and the info block


@dataclass(frozen=True, slots=True)
class PageContent:
    """The texts the page decoration shows, already formatted."""

    seller_name: str
    letterhead_line: str  # address and contact under the company name
    sender_line: str  # the return line above the window
    recipient: list[tuple[str, int]]  # lines and their ranks (address.ranked_address_lines)
    info: list[tuple[str, str]]  # label, value
    running_title: str  # later pages: "Invoice RE-2026-0042"
    footer: list[list[str]]  # columns of lines
    page_label: str  # "Page {page} of {pages}"
    watermark: str | None
    logo: Logo | None


# -- drawing ---------------------------------------------------------------------------


def draw_first_page(canvas: Canvas, geo: Geometry, theme: Theme, content: PageContent) -> None:
    _draw_common(canvas, geo, theme, content)
    _draw_letterhead(canvas, geo, theme, content)
    _draw_address(canvas, geo, theme, content)
    _draw_info(canvas, geo, theme, content)
    _draw_marks(canvas, geo)


def draw_later_page(canvas: Canvas, geo: Geometry, theme: Theme, content: PageContent) -> None:
    _draw_common(canvas, geo, theme, content)
    fonts = theme.fonts
    baseline = geo.y(geo.body_top_later - 9 * 2.2)
    width = geo.body_width / 2 - 6
    name_size = fit_size(content.seller_name, fonts.bold, 10, width)
    canvas.setFillColor(theme.rule_color if theme.top_band else TEXT)
    canvas.setFont(fonts.bold, name_size)
    canvas.drawString(geo.left, baseline, content.seller_name)
    canvas.setFillColor(MUTED)
    title_size = fit_size(content.running_title, fonts.regular, 8.5, width)
    canvas.setFont(fonts.regular, title_size)
    canvas.drawRightString(geo.width - geo.right, baseline, content.running_title)
    canvas.setStrokeColor(HAIRLINE)
    canvas.setLineWidth(0.35)
    canvas.line(geo.left, baseline - 6, geo.width - geo.right, baseline - 6)
    _draw_marks(canvas, geo)


def _draw_common(canvas: Canvas, geo: Geometry, theme: Theme, content: PageContent) -> None:
    if content.watermark:
        _draw_watermark(canvas, geo, theme, content.watermark)
    if theme.top_band:
        canvas.setFillColor(theme.accent)
        canvas.rect(0, geo.height - 6, geo.width, 6, stroke=0, fill=1)
    _draw_footer(canvas, geo, theme, content.footer)


def _draw_watermark(canvas: Canvas, geo: Geometry, theme: Theme, text: str) -> None:
    canvas.saveState()
    canvas.translate(geo.width / 2, geo.height / 2)
    canvas.rotate(52)
    size = fit_size(text, theme.fonts.bold, 120, geo.height * 0.78)
    canvas.setFont(theme.fonts.bold, size)
    canvas.setFillColorRGB(0.91, 0.91, 0.91)
    canvas.drawCentredString(0, -size * 0.35, text)
    canvas.restoreState()


def _draw_letterhead(canvas: Canvas, geo: Geometry, theme: Theme, content: PageContent) -> None:
    fonts = theme.fonts
    top = geo.letterhead_top
    logo_width = 0.0
    logo = content.logo if theme.show_logo else None
    if logo is not None:
        image_width, image_height = logo.width, logo.height
        scale = min(LOGO_MAX_WIDTH / image_width, LOGO_MAX_HEIGHT / image_height)
        logo_width, logo_height = image_width * scale, image_height * scale
        draw_logo(
            canvas,
            logo,
            geo.width - geo.right - logo_width,
            geo.y(top) - logo_height,
            logo_width,
            logo_height,
        )
    text_width = geo.body_width - logo_width - (12 if logo_width else 0)
    name_size = fit_size(content.seller_name, fonts.bold, 17, text_width, min_size=9)
    baseline = geo.y(top) - name_size
    canvas.setFillColor(TEXT if theme.print_version or not theme.top_band else theme.accent)
    canvas.setFont(fonts.bold, name_size)
    canvas.drawString(geo.left, baseline, content.seller_name)
    lines = wrap(content.letterhead_line, fonts.regular, 7.8, text_width)[:3]
    canvas.setFont(fonts.regular, 7.8)
    canvas.setFillColor(MUTED)
    for number, line in enumerate(lines):
        canvas.drawString(geo.left, baseline - 13 - number * 10, line)
    if theme.template == "classic":
        canvas.setStrokeColor(theme.rule_color)
        canvas.setLineWidth(0.8)
        y = geo.y(geo.letterhead_bottom)
        canvas.line(geo.left, y, geo.width - geo.right, y)


def _draw_address(canvas: Canvas, geo: Geometry, theme: Theme, content: PageContent) -> None:
    fonts = theme.fonts
    inner_x = geo.left
    # On Letter the window reaches past the info block's left edge: stop short of it.
    right = min(geo.address_x + geo.address_width, geo.info_x - INFO_GAP)
    inner_width = right - inner_x - 4
    if geo.sender_line_bottom is not None and content.sender_line:
        size = fit_size(content.sender_line, fonts.regular, 7, inner_width, min_size=5)
        y = geo.y(geo.sender_line_bottom)
        canvas.setFont(fonts.regular, size)
        canvas.setFillColor(MUTED)
        canvas.drawString(inner_x, y, content.sender_line)
        canvas.setStrokeColor(HAIRLINE)
        canvas.setLineWidth(0.3)
        canvas.line(
            inner_x,
            y - 2,
            inner_x
            + min(inner_width, canvas.stringWidth(content.sender_line, fonts.regular, size)),
            y - 2,
        )
    lines, size = fit_ranked_lines(
        content.recipient, fonts.regular, 10, inner_width, geo.recipient_height - 1.5, min_size=7
    )
    pen = Pen(canvas)
    y = geo.y(geo.recipient_top) - size * 1.1  # the accents of capitals stay inside
    for line in lines:
        pen.text(inner_x, y, line, fonts.regular, size, TEXT)
        y -= size * 1.2


INFO_LABEL_SIZE, INFO_VALUE_SIZE, INFO_STEP = 7.8, 8.5, 11.0
INFO_CLEARANCE = 14.0  # points from the info block's last baseline down to the body


def _info_layout(
    geo: Geometry, font: str, info: Sequence[tuple[str, str]]
) -> tuple[float, list[tuple[float, list[str], list[str]]]]:
    """The width of the label column and, per row, the first baseline (points from the
    top), the label's and the value's lines. Every row is there: the block grows
    downward as far as it needs (see :func:`first_body_top`)."""
    widest = max((stringWidth(text, font, INFO_LABEL_SIZE) for text, _ in info), default=0)
    label_width = min(widest + 8, geo.info_width * 0.45)
    value_width = geo.info_width - label_width
    rows = []
    baseline = geo.info_top + INFO_VALUE_SIZE
    for text, value in info:
        values = wrap(value, font, INFO_VALUE_SIZE, value_width)
        labels = wrap(text, font, INFO_LABEL_SIZE, label_width - 6)
        rows.append((baseline, labels, values))
        baseline += max(len(values), len(labels)) * INFO_STEP + 2
    return label_width, rows


def first_body_top(geo: Geometry, theme: Theme, info: Sequence[tuple[str, str]]) -> float:
    """Where the body starts on page one, in points from the top: where the geometry
    puts it, or lower when the info block needs more room (many rows, long values)."""
    _, rows = _info_layout(geo, theme.fonts.regular, info)
    if not rows:
        return geo.body_top_first
    baseline, labels, values = rows[-1]
    last = baseline + (max(len(labels), len(values)) - 1) * INFO_STEP
    return max(geo.body_top_first, last + INFO_CLEARANCE)


def _draw_info(canvas: Canvas, geo: Geometry, theme: Theme, content: PageContent) -> None:
    font = theme.fonts.regular
    pen = Pen(canvas)
    x = geo.info_x
    label_width, rows = _info_layout(geo, font, content.info)
    for baseline, labels, values in rows:
        y = geo.y(baseline)
        for number, line in enumerate(labels):
            pen.text(x, y - number * INFO_STEP, line, font, INFO_LABEL_SIZE, MUTED)
        for number, line in enumerate(values):
            pen.text(x + label_width, y - number * INFO_STEP, line, font, INFO_VALUE_SIZE, TEXT)


def _draw_marks(canvas: Canvas, geo: Geometry) -> None:
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.35)
    for mark in geo.fold_marks:
        canvas.line(10, geo.y(mark), 20, geo.y(mark))
    if geo.hole_mark is not None:
        canvas.line(10, geo.y(geo.hole_mark), 26, geo.y(geo.hole_mark))


def _draw_footer(canvas: Canvas, geo: Geometry, theme: Theme, columns: Sequence[list[str]]) -> None:
    """Columns of small print under a hairline; each column as wide as its longest
    line needs, shared out in proportion when they do not all fit."""
    texts = [[clean(line) for line in column if line.strip()] for column in columns]
    texts = [column for column in texts if column]
    if not texts:
        return
    font = theme.fonts.regular
    size = 6.8
    gap = 10.0
    room = geo.body_width - gap * (len(texts) - 1)
    natural = [max(stringWidth(line, font, size) for line in column) for column in texts]
    if sum(natural) > room:  # a little smaller rather than wrapped, down to 6 pt
        scale = max(6.0 / size, room / sum(natural))
        size *= scale
        natural = [width * scale for width in natural]
    if sum(natural) <= room:
        spare = (room - sum(natural)) / len(texts)
        widths = [width + spare for width in natural]
    else:
        # By need, but no column narrower than half an equal share.
        floor = room / len(texts) / 2
        needs = [max(width, floor) for width in natural]
        widths = [room * need / sum(needs) for need in needs]
    top = geo.footer_top
    canvas.setStrokeColor(HAIRLINE)
    canvas.setLineWidth(0.35)
    canvas.line(geo.left, top, geo.width - geo.right, top)
    pen = Pen(canvas)
    x = geo.left
    for column, width in zip(texts, widths, strict=True):
        lines, fitted = fit_lines(column, font, size, width + 0.01, top - 14, min_size=5.5)
        y = top - 4 - fitted
        for line in lines:
            pen.text(x, y, line, font, fitted, MUTED)
            y -= fitted * 1.25
        x += width + gap


NumberDrawer = Callable[[Canvas, int, int], None]


def page_number_drawer(geo: Geometry, theme: Theme, page_label: str) -> NumberDrawer:
    """A function drawing "Page X of Y" once the number of pages is known."""

    def draw(canvas: Canvas, page: int, pages: int) -> None:
        text = page_label.format(page=page, pages=pages)
        canvas.setFont(theme.fonts.regular, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(geo.width - geo.right, geo.footer_top + 6, text)

    return draw


def numbered_canvas(draw_number: NumberDrawer) -> type[Canvas]:
    """A Canvas class that holds its pages back until ``save`` and then draws
    "Page X of Y" on each, X and Y both known."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab has no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                draw_number(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas
