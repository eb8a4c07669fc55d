"""User text on its way to the page: escaping for Paragraph markup, wrapping for canvas text.

The rule: every string a user typed (names, addresses, descriptions, notes, units,
titles) goes through :func:`markup` before it is put into Paragraph markup, so ``<b>``,
``&`` and ``<img src=...>`` print literally and ReportLab never fetches anything.
Text drawn straight onto the canvas (``drawString``) is not parsed and needs only
:func:`clean`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

# C0 controls except tab/newline, DEL and C1 controls: invalid in XML, unprintable anyway.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n?")


def clean(text: str) -> str:
    """``text`` without control characters, with tabs as spaces and \\n line ends."""
    text = _NEWLINES.sub("\n", text or "")
    return _CONTROL.sub("", text).replace("\t", " ")


def markup(text: str) -> str:
    """``text`` safe for Paragraph markup: escaped, newlines as ``<br/>``."""
    return escape(clean(text)).replace("\n", "<br/>")


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width``: at spaces where possible,
    inside words that are too long on their own. Newlines are kept."""
    lines: list[str] = []
    for paragraph in clean(text).split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if stringWidth(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            while stringWidth(word, font, size) > width and len(word) > 1:
                cut = _fitting_prefix(word, font, size, width)
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


def _fitting_prefix(word: str, font: str, size: float, width: float) -> int:
    """The number of leading characters of ``word`` that fit ``width`` (at least 1)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if stringWidth(word[:middle], font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def fit_lines(
    lines: list[str],
    font: str,
    size: float,
    width: float,
    height: float,
    *,
    leading: float = 1.2,
    min_size: float = 6.5,
) -> tuple[list[str], float]:
    """Wrap ``lines`` to ``width`` and shrink the size (down to ``min_size``) until they
    fit ``height``; lines that still do not fit are dropped. Returns (lines, size)."""
    while True:
        wrapped = [part for line in lines for part in wrap(line, font, size, width)]
        if len(wrapped) * size * leading <= height or size <= min_size:
            break
        size = max(min_size, size - 0.5)
    room = max(1, int(height // (size * leading)))
    return wrapped[:room], size


def fit_ranked_lines(
    lines: Sequence[tuple[str, int]],
    font: str,
    size: float,
    width: float,
    height: float,
    *,
    leading: float = 1.2,
    min_size: float = 7.0,
) -> tuple[list[str], float]:
    """Like :func:`fit_lines` for lines that are not all equally needed (an address):
    each comes with a rank, 0 for a line that must print, higher for one that may go.
    Shrink down to ``min_size`` first; then leave out whole lines, the highest rank
    first (the later of equal ranks first); then the wrapped continuations of the first
    line (a long name), then those of the other rank-0 lines. Only what cannot fit even
    so is cut at the end. Returns (lines, size)."""
    while True:
        parts = [wrap(text, font, size, width) for text, _ in lines]
        if sum(map(len, parts)) * size * leading <= height or size <= min_size:
            break
        size = max(min_size, size - 0.5)
    room = max(1, int(height // (size * leading)))
    kept = list(range(len(lines)))
    optional = sorted((i for i in kept if lines[i][1] > 0), key=lambda i: (-lines[i][1], -i))
    for index in optional:
        if sum(len(parts[i]) for i in kept) <= room:
            break
        kept.remove(index)
    parts = [parts[i] for i in kept]
    # Continuation lines of the name, then of the other lines, the last ones first.
    for index in [0, *range(len(parts) - 1, 0, -1)] if parts else []:
        while sum(map(len, parts)) > room and len(parts[index]) > 1:
            parts[index].pop()
    return [part for group in parts for part in group][:room], size


def fit_size(text: str, font: str, size: float, width: float, min_size: float = 4.0) -> float:
    """The font size at which one line of ``text`` fits ``width`` (``size`` if it does)."""
    natural = float(stringWidth(text, font, size))
    if natural <= width or natural == 0:
        return size
    return max(min_size, size * width / natural)


class Pen:
    """Text drawing that sets font and colour only when they change: every change is a
    PDF operator whose numbers ReportLab formats in pure Python, and a table draws
    hundreds of strings in the same few styles. Call :meth:`forget` after drawing
    anything else that changes the fill colour."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self._font: tuple[str, float] | None = None
        self._color: object = None

    def forget(self) -> None:
        self._font = None
        self._color = None

    def text(
        self,
        x: float,
        y: float,
        text: str,
        font: str,
        size: float,
        color: object,
        *,
        align: str = "left",
    ) -> None:
        canvas = self.canvas
        if self._font != (font, size):
            canvas.setFont(font, size)
            self._font = (font, size)
        if self._color is not color:
            canvas.setFillColor(color)
            self._color = color
        if align == "right":
            canvas.drawRightString(x, y, text)
        elif align == "centre":
            canvas.drawCentredString(x, y, text)
        else:
            canvas.drawString(x, y, text)
