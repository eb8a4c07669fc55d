"""The program's icons: Lucide's line icons (resources/icons/ui, ISC licence), drawn in the
palette's text colour at whatever size and pixel ratio a widget asks for.

The SVGs say ``stroke="currentColor"``; Qt's SVG renderer has no current colour, so the
engine puts the palette's colour in before rendering: the icons follow a light or dark
theme (and a theme change) and are drawn greyed when their action is disabled. A pixmap
is rendered once per size, colour and mode and then reused.
"""

from __future__ import annotations

from functools import cache, lru_cache

from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from invoicedesk.assets import resource


@cache
def _svg(name: str) -> str:
    return resource("icons", "ui", f"{name}.svg").read_text(encoding="utf-8")


def _colour(mode: QIcon.Mode) -> QColor:
    palette = QGuiApplication.palette()
    group = (
        QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Normal
    )
    role = (
        QPalette.ColorRole.HighlightedText
        if mode == QIcon.Mode.Selected
        else QPalette.ColorRole.WindowText
    )
    return palette.color(group, role)


@lru_cache(maxsize=512)
def _render(name: str, width: int, height: int, colour: str) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(_svg(name).replace("currentColor", colour).encode()))
    pixmap = QPixmap(width, height)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return pixmap


class _SvgIconEngine(QIconEngine):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return _render(self.name, size.width(), size.height(), _colour(mode).name())

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        pixmap = _render(
            self.name, round(rect.width() * ratio), round(rect.height() * ratio),
            _colour(mode).name(),
        )  # fmt: skip
        pixmap.setDevicePixelRatio(ratio)
        painter.drawPixmap(rect, pixmap)

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self.name)


def icon(name: str) -> QIcon:
    """The icon ``name`` (a file in resources/icons/ui, without ".svg"), e.g. "file-text".
    Raises FileNotFoundError for a name that is not shipped."""
    _svg(name)  # a missing file fails here, where the icon is asked for, not when painted
    return QIcon(_SvgIconEngine(name))
