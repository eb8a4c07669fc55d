"""Windows that fit: on the screen they open on, and around their word-wrapped texts.

:func:`resize_within_screen` gives a window its preferred size, but no more than the
screen's free area (a 1024×700 laptop, or a desktop scaled to 200 %).

Qt sizes a window's minimum from its layout's one-line minimums; a word-wrapped label
that needs two lines at the window's width (a warning shown on a choice, a server's
answer) is then squeezed and drawn over its neighbours. :func:`keep_text_height` makes
the window's minimum height follow ``heightForWidth`` of its current width: the window
grows when a wrapped text appears and cannot be made shorter than its texts need.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def resize_within_screen(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width``×``height`` logical pixels, bounded by its screen's
    available area (and, as always in Qt, by its minimum size)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    size = QSize(width, height)
    if screen is not None:
        size = size.boundedTo(screen.availableGeometry().size())
    window.resize(size)


class _TextHeight(QObject):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._floor = window.minimumHeight()  # what the window asked for itself
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False

    def fit(self) -> None:
        window = self._window
        layout = window.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        layout.activate()
        needed = max(self._floor, layout.totalMinimumHeightForWidth(window.width()))
        if needed != window.minimumHeight():
            window.setMinimumHeight(needed)  # grows the window if it is shorter


def keep_text_height(window: QWidget) -> None:
    """Let ``window``'s minimum height follow what its wrapped texts need (see the module).

    ``window`` may also be a window's central widget: its window then grows with it."""
    _TextHeight(window)
