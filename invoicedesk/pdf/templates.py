"""The two looks, as data: colours, sizes, paragraph styles and table decoration.

``classic`` is the serious one: dark text, the accent only as thin rules (under the
letterhead, around the table header, above the amount due), hairlines between lines.
``modern`` gives the accent more room: a coloured band at the top of the page, a filled
table header with white text, a tinted amount-due row, more space between rows and no
hairlines. The print version (``RenderOptions.print_version``) drops every coloured
background (bands and fills become rules) and the logo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from invoicedesk.pdf.fonts import FontSet, font_set
from invoicedesk.pdf.model import RenderOptions, Template

TEXT = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#5F6368")
HAIRLINE = colors.HexColor("#C8CCD0")
DEFAULT_ACCENT = "#1F4E79"
_HEX = re.compile(r"#?[0-9A-Fa-f]{6}")


@dataclass(frozen=True, slots=True)
class Theme:
    template: Template
    fonts: FontSet
    accent: colors.Color
    accent_tint: colors.Color  # a light version for backgrounds
    print_version: bool
    show_logo: bool
    # sizes
    body_size: float
    table_size: float
    small_size: float
    row_padding: float  # above and below the text of a table row
    # decoration
    header_fill: colors.Color | None  # table header background; None: rules only
    header_text: colors.Color
    row_rules: bool  # hairlines between table rows
    top_band: bool  # a coloured band across the top of every page
    due_fill: colors.Color | None  # background of the amount-due row
    styles: dict[str, ParagraphStyle]

    @property
    def rule_color(self) -> colors.Color:
        """The colour of emphasised rules: the accent, or black in the print version."""
        return TEXT if self.print_version else self.accent


def theme_for(options: RenderOptions) -> Theme:
    """The theme the options ask for (unknown templates look classic)."""
    return _theme(
        options.template, options.accent_color, options.font_family, options.print_version
    )


@lru_cache(maxsize=32)
def _theme(template: Template, accent_color: str, font_family: str, plain: bool) -> Theme:
    # Cached: building a dozen ParagraphStyles took ~0.15 ms a document; nothing
    # changes a theme or its styles once made.
    fonts = font_set(font_family)
    accent = _color(accent_color)
    tint = _mix(accent, 0.12)
    modern = template == Template.MODERN
    if modern:
        body, table, small, padding = 9.0, 8.5, 7.0, 4.2
    else:
        body, table, small, padding = 9.0, 8.5, 7.0, 3.0
    return Theme(
        template=Template.MODERN if modern else Template.CLASSIC,
        fonts=fonts,
        accent=accent,
        accent_tint=tint,
        print_version=plain,
        show_logo=not plain,
        body_size=body,
        table_size=table,
        small_size=small,
        row_padding=padding,
        header_fill=accent if modern and not plain else None,
        header_text=colors.white if modern and not plain else TEXT,
        row_rules=not modern,
        top_band=modern and not plain,
        due_fill=tint if modern and not plain else None,
        styles=_styles(fonts, body, table, small, TEXT if plain or not modern else accent),
    )


def _styles(
    fonts: FontSet, body: float, table: float, small: float, title_color: colors.Color
) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body",
        fontName=fonts.regular,
        fontSize=body,
        leading=body * 1.35,
        textColor=TEXT,
        splitLongWords=1,
        alignment=TA_LEFT,
    )

    def derived(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "title": derived(
            "title", fontName=fonts.bold, fontSize=14, leading=18, textColor=title_color
        ),
        "subtitle": derived("subtitle", fontSize=body, textColor=MUTED),
        "intro": derived("intro", spaceBefore=0),
        "cell": derived("cell", fontSize=table, leading=table * 1.3),
        "cell_bold": derived("cell_bold", fontName=fonts.bold, fontSize=table, leading=table * 1.3),
        "cell_small": derived(
            "cell_small", fontSize=table - 0.5, leading=(table - 0.5) * 1.3, textColor=MUTED
        ),
        "head": derived("head", fontName=fonts.bold, fontSize=table - 0.5, leading=table * 1.2),
        "head_right": derived(
            "head_right",
            fontName=fonts.bold,
            fontSize=table - 0.5,
            leading=table * 1.2,
            alignment=TA_RIGHT,
        ),
        "small": derived("small", fontSize=small + 1, leading=(small + 1) * 1.35),
        "note": derived("note", fontSize=body - 0.5, leading=(body - 0.5) * 1.4),
        "legal": derived("legal", fontSize=body - 0.5, leading=(body - 0.5) * 1.4),
        "heading": derived("heading", fontName=fonts.bold, fontSize=body, leading=body * 1.4),
    }


def _color(value: str) -> colors.Color:
    text = (value or "").strip()
    if not _HEX.fullmatch(text):
        text = DEFAULT_ACCENT
    return colors.HexColor("#" + text.lstrip("#"))


def _mix(color: colors.Color, amount: float) -> colors.Color:
    """``color`` at ``amount`` strength on white."""
    return colors.Color(
        1 - (1 - color.red) * amount,
        1 - (1 - color.green) * amount,
        1 - (1 - color.blue) * amount,
    )
