"""The line table: one Flowable that breaks across pages with its header repeated and
"carried forward" / "brought forward" rows.

When platypus asks it to ``split`` into a smaller height, the table keeps the rows
that fit plus a *carried forward* row, and hands the rest on as a new table that starts
with the header and a *brought forward* row. Both show the running sum of the line
amounts (``Totals.lines[i].net_amount``, exact Decimal) up to the break; it is the
only addition the renderer does. A row taller than half a page (a very long
description) is itself split between description lines; its amount stays with its
first part.

Cells are drawn straight onto the canvas (no Paragraph markup is involved, so user
text needs no escaping here): text is wrapped at spaces and inside over-long words,
numbers shrink to fit their column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from invoicedesk.pdf.templates import HAIRLINE, TEXT, Theme
from invoicedesk.pdf.text import Pen, fit_size, wrap

PAD_X = 3.0
SPLIT_FRACTION = 0.4  # rows taller than this share of a page may split between lines


@dataclass(frozen=True, slots=True)
class TextLine:
    text: str
    font: str
    size: float
    color: object = TEXT

    @property
    def leading(self) -> float:
        return self.size * 1.3


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    width: float
    right: bool  # right-aligned (numbers)
    wraps: bool = False  # user text that wraps; numbers shrink instead


@dataclass(slots=True)
class Row:
    """One invoice line (or the continuation of one) as cell texts per column key.

    ``amount`` counts toward the carried-forward sum (zero on continuations)."""

    cells: dict[str, list[TextLine]]
    amount: Decimal
    height: float = 0.0
    wrapped: dict[str, list[TextLine]] = field(default_factory=dict)


def wrap_cell(lines: Sequence[TextLine], width: float) -> list[TextLine]:
    """The lines of a text cell wrapped to ``width``."""
    out: list[TextLine] = []
    for line in lines:
        for part in wrap(line.text, line.font, line.size, width):
            out.append(replace(line, text=part))
    return out


class LineTable(Flowable):  # type: ignore[misc]  # ReportLab has no type hints
    """The invoice lines; see the module docstring for how it splits."""

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Sequence[Row],
        theme: Theme,
        *,
        carried_label: str,
        brought_label: str,
        money: Callable[[Decimal], str],
        page_height: float,
        start_sum: Decimal | None = None,
        carried_sum: Decimal | None = None,
    ) -> None:
        super().__init__()
        self.columns = list(columns)
        self.rows = list(rows)
        self.theme = theme
        self.carried_label = carried_label
        self.brought_label = brought_label
        self.money = money
        self.page_height = page_height
        self.start_sum = start_sum  # set: this part begins with a brought-forward row
        self.carried_sum = carried_sum  # set: this part ends with a carried-forward row
        self._layout()

    # -- measuring -------------------------------------------------------------------

    def _layout(self) -> None:
        theme = self.theme
        pad = theme.row_padding
        head_size = theme.table_size - 0.5
        self.header_lines = {
            c.key: _header_lines(c, theme.fonts.bold, head_size) for c in self.columns
        }
        tallest = max((len(lines) for lines in self.header_lines.values()), default=1)
        self.header_height = tallest * head_size * 1.25 + 2 * pad + 1
        self.sum_height = theme.table_size * 1.3 + 2 * pad
        for row in self.rows:
            if not row.wrapped:
                _measure(row, self.columns, pad)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = sum(c.width for c in self.columns)
        self.height = self._height(self.rows, self.carried_sum is not None)
        return self.width, self.height

    def _height(self, rows: Sequence[Row], carried: bool) -> float:
        height = self.header_height + sum(row.height for row in rows)
        if self.start_sum is not None:
            height += self.sum_height
        if carried:
            height += self.sum_height
        return height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        fixed = self._height([], True)
        room = avail_height - fixed
        taken: list[Row] = []
        used = 0.0
        for row in self.rows:
            if used + row.height > room:
                break
            taken.append(row)
            used += row.height
        rest = self.rows[len(taken) :]
        if rest and rest[0].height > SPLIT_FRACTION * self.page_height:
            head, tail = _split_row(rest[0], room - used, self.theme.row_padding)
            if head is not None and tail is not None:
                taken.append(head)
                rest = [tail, *rest[1:]]
        if not taken or not rest:
            return []  # nothing fits here: platypus moves the whole table on
        base = self.start_sum if self.start_sum is not None else Decimal(0)
        running = base + sum((row.amount for row in taken), Decimal(0))
        first = self._part(taken, start_sum=self.start_sum, carried_sum=running)
        second = self._part(rest, start_sum=running, carried_sum=self.carried_sum)
        return [first, second]

    def _part(
        self, rows: list[Row], *, start_sum: Decimal | None, carried_sum: Decimal | None
    ) -> LineTable:
        return LineTable(
            self.columns,
            rows,
            self.theme,
            carried_label=self.carried_label,
            brought_label=self.brought_label,
            money=self.money,
            page_height=self.page_height,
            start_sum=start_sum,
            carried_sum=carried_sum,
        )

    # -- drawing ---------------------------------------------------------------------

    def draw(self) -> None:
        canvas = self.canv
        theme = self.theme
        self.pen = Pen(canvas)
        top = self.height
        top = self._draw_header(top)
        if self.start_sum is not None:
            top = self._draw_sum(top, self.brought_label, self.start_sum, rule_below=True)
        rules: list[float] = []
        for row in self.rows:
            self._draw_row(row, top)
            top -= row.height
            rules.append(top)
        if theme.row_rules and len(rules) > 1:
            canvas.setStrokeColor(HAIRLINE)
            canvas.setLineWidth(0.35)
            canvas.lines([(0, y, self.width, y) for y in rules[:-1]])
        if self.carried_sum is not None:
            self._draw_sum(top, self.carried_label, self.carried_sum, rule_below=False)
        else:
            canvas.setStrokeColor(theme.rule_color)
            canvas.setLineWidth(0.6)
            canvas.line(0, top, self.width, top)

    def _draw_header(self, top: float) -> float:
        canvas = self.canv
        theme = self.theme
        height = self.header_height
        if theme.header_fill is not None:
            canvas.setFillColor(theme.header_fill)
            canvas.rect(0, top - height, self.width, height, stroke=0, fill=1)
            self.pen.forget()
        else:
            canvas.setStrokeColor(theme.rule_color)
            canvas.setLineWidth(0.8)
            canvas.line(0, top, self.width, top)
            canvas.line(0, top - height, self.width, top - height)
        x = 0.0
        for column in self.columns:
            lines = self.header_lines[column.key]
            self._draw_lines(lines, x, top, column, color=theme.header_text, header=True)
            x += column.width
        return top - height

    def _draw_sum(self, top: float, text: str, amount: Decimal, *, rule_below: bool) -> float:
        canvas = self.canv
        theme = self.theme
        height = self.sum_height
        if not rule_below:
            canvas.setStrokeColor(theme.rule_color)
            canvas.setLineWidth(0.6)
            canvas.line(0, top, self.width, top)
        bold = theme.fonts.bold
        size = theme.table_size
        x = 0.0
        for column in self.columns:
            if column.key == "description":
                self._draw_lines([TextLine(text, bold, size)], x, top, column)
            elif column is self.columns[-1]:
                self._draw_lines([TextLine(self.money(amount), bold, size)], x, top, column)
            x += column.width
        if rule_below:
            canvas.setStrokeColor(HAIRLINE)
            canvas.setLineWidth(0.35)
            canvas.line(0, top - height, self.width, top - height)
        return top - height

    def _draw_row(self, row: Row, top: float) -> None:
        x = 0.0
        for column in self.columns:
            lines = row.wrapped.get(column.key)
            if lines:
                self._draw_lines(lines, x, top, column)
            x += column.width

    def _draw_lines(
        self,
        lines: Sequence[TextLine],
        x: float,
        top: float,
        column: Column,
        color: object = None,
        *,
        header: bool = False,
    ) -> None:
        """Draw a cell's lines; the first baselines of all cells in a row line up (a
        smaller item number sits on the same baseline as the name beside it)."""
        first = self.theme.table_size - 0.5 if header else self.theme.table_size
        baseline = top - self.theme.row_padding - first * 1.02
        inner = column.width - 2 * PAD_X
        if column.right:
            x, align = x + column.width - PAD_X, "right"
        else:
            x, align = x + PAD_X, "left"
        for number, line in enumerate(lines):
            if number:
                baseline -= line.leading
            size = line.size if column.wraps else fit_size(line.text, line.font, line.size, inner)
            self.pen.text(x, baseline, line.text, line.font, size, color or line.color, align=align)


def _header_lines(column: Column, font: str, size: float) -> list[TextLine]:
    """A header wrapped at spaces only; a word too wide for the column is set smaller."""
    inner = column.width - 2 * PAD_X
    lines: list[str] = []
    for word in column.header.split():
        if lines and stringWidth(f"{lines[-1]} {word}", font, size) <= inner:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return [TextLine(line, font, fit_size(line, font, size, inner)) for line in lines]


def _measure(row: Row, columns: Sequence[Column], pad: float) -> None:
    row.wrapped = {}
    tallest = 0.0
    for column in columns:
        lines = row.cells.get(column.key) or []
        if column.wraps:
            lines = wrap_cell(lines, column.width - 2 * PAD_X)
        row.wrapped[column.key] = list(lines)
        tallest = max(tallest, sum(line.leading for line in lines))
    row.height = tallest + 2 * pad


def _split_row(row: Row, room: float, pad: float) -> tuple[Row | None, Row | None]:
    """``row`` cut between text lines so that its first part fits ``room``."""
    head_cells: dict[str, list[TextLine]] = {}
    tail_cells: dict[str, list[TextLine]] = {}
    fits_any = False
    for key, lines in row.wrapped.items():
        used = 0.0
        count = 0
        for line in lines:
            if used + line.leading > room - 2 * pad:
                break
            used += line.leading
            count += 1
        head_cells[key] = lines[:count]
        tail_cells[key] = lines[count:]
        fits_any = fits_any or count > 0
    if not fits_any or not any(tail_cells.values()):
        return None, None
    head = Row(cells=head_cells, amount=row.amount, wrapped=head_cells)
    tail = Row(cells=tail_cells, amount=Decimal(0), wrapped=tail_cells)
    head.height = max(sum(ln.leading for ln in v) for v in head_cells.values()) + 2 * pad
    tail.height = max(sum(ln.leading for ln in v) for v in tail_cells.values()) + 2 * pad
    return head, tail


def column_width(texts: Sequence[str], font: str, size: float) -> float:
    """The width the widest of ``texts`` needs, padding included."""
    widest = max((stringWidth(t, font, size) for t in texts), default=0.0)
    return widest + 2 * PAD_X
