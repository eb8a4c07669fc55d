"""The TrueType families shipped in ``resources/fonts``, registered once per process.

ReportLab embeds a subset of each TTF it uses, so the PDF shows Greek, Cyrillic and
every Latin accent on any machine. ``registerFontFamily`` maps ``<b>`` and ``<i>`` in
Paragraph markup to the bold and italic faces.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from invoicedesk.assets import resource_file
from invoicedesk.pdf.model import FONT_FAMILIES

DEFAULT_FAMILY = FONT_FAMILIES[0]
_STYLES = ("Regular", "Bold", "Italic", "BoldItalic")


@dataclass(frozen=True, slots=True)
class FontSet:
    """ReportLab font names of one family's four faces."""

    regular: str
    bold: str
    italic: str
    bold_italic: str


# Binary streams instead of ASCII85: smaller files, and ReportLab's pure-Python A85
# encoder cost a few milliseconds per PDF. Only the PDF package uses ReportLab.
rl_config.useA85 = 0

SUBSETS_KEPT = 64  # per face; a subset of an invoice's characters is ~20 KB

_registered: dict[str, FontSet] = {}
_lock = threading.Lock()


def font_set(family: str) -> FontSet:
    """Register ``family`` (one of FONT_FAMILIES; anything else means the default) on
    first use and return its face names. Safe to call from several threads."""
    if family not in FONT_FAMILIES:
        family = DEFAULT_FAMILY
    fonts = _registered.get(family)
    if fonts is not None:
        return fonts
    with _lock:
        fonts = _registered.get(family)
        if fonts is None:
            fonts = _register(family)
            _registered[family] = fonts
    return fonts


def _remember_subsets(font: TTFont) -> None:
    """Keep the last font programs ``font`` subsetted, by the characters they hold.

    ReportLab builds the subset of every face a document uses anew for each document, in
    pure Python (~0.4 ms a face). A subset lists the characters in the order the document
    first used them, and documents of one company repeat that order often (320 demo
    invoices needed 131 distinct subsets for ~640 uses): the same characters in the same
    order make the same bytes, so a kept one serves again."""
    make = font.face.makeSubset

    @lru_cache(maxsize=SUBSETS_KEPT)
    def subset_of(codes: tuple[int, ...]) -> bytes:
        return make(list(codes))  # type: ignore[no-any-return]

    font.face.makeSubset = lambda subset: subset_of(tuple(subset))


def _register(family: str) -> FontSet:
    stem = family.replace(" ", "")
    names = []
    for style in _STYLES:
        name = f"{stem}-{style}"
        with resource_file("fonts", f"{name}.ttf") as path:  # TTFont reads it whole
            font = TTFont(name, str(path))
        _remember_subsets(font)
        pdfmetrics.registerFont(font)
        names.append(name)
    regular, bold, italic, bold_italic = names
    pdfmetrics.registerFontFamily(
        regular, normal=regular, bold=bold, italic=italic, boldItalic=bold_italic
    )
    # The faces' own names as family names too, so <b> inside a bold paragraph works.
    for name in names:
        addMapping(name, 0, 0, regular)
        addMapping(name, 1, 0, bold)
        addMapping(name, 0, 1, italic)
        addMapping(name, 1, 1, bold_italic)
    return FontSet(regular, bold, italic, bold_italic)
