"""State badges: a rounded, coloured label per invoice state, light and dark.

Each badge is painted once per state, palette brightness, font and pixel ratio
into a cached pixmap that the model hands out as the state cell's decoration;
Qt's own delegate then draws it. Not a ``paint()`` override on purpose: with
PySide6 6.12 on CPython 3.11 every call of a Qt method returning nothing drops
a reference to ``None``, and a delegate painting each cell on each repaint (some
ten calls per cell) frees ``None`` within minutes — the app aborts. A cached
pixmap costs no Python call per paint. Overdue is the one filled badge: it must
stand out.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPainter, QPalette, QPixmap

from invoicedesk.core.lifecycle import STATE_LABELS, State
from invoicedesk.i18n import current_language, ptr, tr

# state: (text colour, background) for light palettes, then for dark ones.
_LIGHT = {
    State.DRAFT: ("#37474f", "#e3e7ea"),
    State.OPEN: ("#0d47a1", "#dcecfb"),
    State.OVERDUE: ("#ffffff", "#c62828"),
    State.PART_PAID: ("#8a4b00", "#ffebcc"),
    State.PAID: ("#1b5e20", "#dff0e0"),
    State.CANCELLED: ("#616161", "#ececec"),
}
_DARK = {
    State.DRAFT: ("#cfd8dc", "#3c4a52"),
    State.OPEN: ("#bbdefb", "#1e3a5f"),
    State.OVERDUE: ("#ffffff", "#c62828"),
    State.PART_PAID: ("#ffe0b2", "#5d3a00"),
    State.PAID: ("#c8e6c9", "#1f4d25"),
    State.CANCELLED: ("#bdbdbd", "#444444"),
}
_PAD_X = 8
_PAD_Y = 3
_cache: dict[tuple[State, bool, str, float, str], QPixmap] = {}


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def badge_colours(state: State, dark: bool) -> tuple[QColor, QColor]:
    text, background = (_DARK if dark else _LIGHT)[state]
    return QColor(text), QColor(background)


def badge_font(state: State, base: QFont | None = None) -> QFont:
    font = QFont(base or QGuiApplication.font())
    font.setPointSizeF(max(font.pointSizeF() * 0.9, 7.0))
    font.setBold(state is State.OVERDUE)
    return font


def badge_label(state: State) -> str:
    """The state's word on its badge: as elsewhere, but short where the usual word is
    long (German "Teilbezahlt" on the badge, "Teilweise bezahlt" in its tooltip)."""
    if state is State.PART_PAID:
        return ptr("badge", "Partly paid")
    return tr(STATE_LABELS[state])


def render_badge(state: State, *, dark: bool, font: QFont, ratio: float = 1.0) -> QPixmap:
    """The badge of ``state``: its label on a rounded background, ``ratio`` for sharp pixels."""
    label = badge_label(state)
    metrics = QFontMetrics(font)
    width = metrics.horizontalAdvance(label) + 2 * _PAD_X
    height = metrics.height() + 2 * _PAD_Y
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    text, background = badge_colours(state, dark)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(background)
    rect = QRectF(0, 0, width, height)
    painter.drawRoundedRect(rect, height / 2, height / 2)
    painter.setFont(font)
    painter.setPen(text)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    return pixmap


def badge(state: State) -> QPixmap:
    """The cached badge for the application's current palette, font and screen.

    Only calls that return something run here on a hit (see the module's note).
    """
    dark = is_dark()
    screen = QGuiApplication.primaryScreen()
    ratio = screen.devicePixelRatio() if screen is not None else 1.0
    key = (state, dark, QGuiApplication.font().key(), ratio, current_language())
    pixmap = _cache.get(key)
    if pixmap is None:
        font = badge_font(state)
        pixmap = _cache[key] = render_badge(state, dark=dark, font=font, ratio=ratio)
    return pixmap
