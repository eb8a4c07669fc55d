"""PDF pages as images: PDFium (pypdfium2) rasterises them on a worker thread.

PDFium is not thread-safe, so every call into it holds :data:`PDFIUM_LOCK`, and a
:class:`Rasteriser` runs one job at a time: a newer request cancels the running
one (between pages) and only the newest result is delivered, stale ones are
dropped. The images are ``QImage`` — safe to make off the GUI thread, unlike
pixmaps — sized for the zoom and the screen's device pixel ratio.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QSizeF, Signal
from PySide6.QtGui import QImage

from invoicedesk.ui.worker import Task, run_task

if TYPE_CHECKING:
    from pypdfium2 import PdfDocument

PDFIUM_LOCK = threading.Lock()  # one thread in PDFium at a time, across the whole app
POINT = 1 / 72  # inch
SCREEN_DPI = 96  # 100 %: a page at its printed size on a 96-dpi screen
PIXELS_PER_POINT = SCREEN_DPI * POINT
MAX_PIXELS = 40_000_000  # per page image (about 160 MB at 4 bytes): zoom is capped below it


class Cancelled(Exception):
    """A newer request took over while the pages were being rasterised."""


@dataclass(frozen=True, slots=True)
class Request:
    """What to rasterise: the file, at ``zoom`` (1.0 = 100 %) or to fill ``fit_width``
    logical pixels with the widest page (and, with ``fit_height``, to show the tallest
    whole); ``ratio`` is the screen's device pixel ratio."""

    content: bytes
    zoom: float = 1.0
    fit_width: int | None = None
    fit_height: int | None = None
    ratio: float = 1.0


@dataclass(frozen=True, slots=True)
class Pages:
    """The rasterised pages: one image per page, the page sizes in points, the zoom used."""

    images: tuple[QImage, ...]
    sizes: tuple[QSizeF, ...]
    zoom: float


def page_sizes(content: bytes) -> list[QSizeF]:
    """Each page's size in points."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(content)
        try:
            return [QSizeF(*document.get_page_size(i)) for i in range(len(document))]
        finally:
            document.close()


def fit_zoom(sizes: list[QSizeF], width: int, height: int | None = None) -> float:
    """The zoom at which the widest page fills ``width`` logical pixels (and the tallest
    fits into ``height``, when given)."""
    widest = max((s.width() for s in sizes), default=0.0)
    tallest = max((s.height() for s in sizes), default=0.0)
    if not widest or not tallest:
        return 1.0
    zoom = max(width, 1) / (widest * PIXELS_PER_POINT)
    if height is not None:
        zoom = min(zoom, max(height, 1) / (tallest * PIXELS_PER_POINT))
    return zoom


def rasterise(request: Request, is_cancelled: Callable[[], bool] = lambda: False) -> Pages:
    """Render every page of ``request.content`` (raises ``Cancelled`` between pages)."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(request.content)
        try:
            sizes = [QSizeF(*document.get_page_size(i)) for i in range(len(document))]
            zoom = request.zoom
            if request.fit_width is not None:
                zoom = fit_zoom(sizes, request.fit_width, request.fit_height)
            images = []
            for index, size in enumerate(sizes):
                if is_cancelled():
                    raise Cancelled
                images.append(_render(document, index, size, zoom, request.ratio))
            return Pages(tuple(images), tuple(sizes), zoom)
        finally:
            document.close()


def _render(document: PdfDocument, index: int, size: QSizeF, zoom: float, ratio: float) -> QImage:
    """Page ``index`` as an image; call with :data:`PDFIUM_LOCK` held.

    The page and its bitmap are closed here, inside the lock: a bitmap has no parent,
    so ``document.close()`` would leave it to its finalizer — which runs whenever the
    garbage collector gets to it, on whatever thread, with no lock held.
    """
    scale = zoom * PIXELS_PER_POINT * ratio
    area = size.width() * size.height() * scale * scale
    if area > MAX_PIXELS:
        scale *= (MAX_PIXELS / area) ** 0.5
    page = document[index]
    try:
        bitmap = page.render(
            scale=scale,
            prefer_bgrx=True,
            rev_byteorder=True,  # RGBX: QImage's Format_RGBX8888, no conversion
            fill_color=(255, 255, 255, 255),
        )
        try:
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGBX8888,
            ).copy()  # its own memory: the bitmap's buffer goes with the bitmap
        finally:
            bitmap.close()
    finally:
        page.close()
    image.setDevicePixelRatio(ratio)
    return image


class Rasteriser(QObject):
    """Rasterises on the thread pool, one job at a time; only the newest result arrives."""

    done = Signal(object)  # Pages
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._running: Task | None = None
        self._pending: tuple[int, Request] | None = None

    def request(self, request: Request) -> None:
        """Rasterise ``request`` as soon as the running job (if any) has stopped."""
        self._generation += 1
        self._pending = (self._generation, request)
        if self._running is None:
            self._start()
        else:
            self._running.cancel()

    def is_busy(self) -> bool:
        return self._running is not None or self._pending is not None

    def _start(self) -> None:
        assert self._pending is not None
        generation, request = self._pending
        self._pending = None

        def finished(result: object) -> None:
            self._finish(generation, result, None)

        def failed(exc: BaseException, _trace: str) -> None:
            self._finish(generation, None, exc)

        self._running = run_task(lambda task: rasterise(request, task.is_cancelled), finished,
                                 failed)  # fmt: skip

    def _finish(self, generation: int, result: object, error: BaseException | None) -> None:
        if not shiboken6.isValid(self):
            return
        self._running = None
        if self._pending is not None:
            self._start()  # a newer request waited: this result is stale
            return
        if generation != self._generation or isinstance(error, Cancelled):
            return
        if error is not None:
            self.failed.emit(f"The PDF could not be shown: {error}")
        else:
            self.done.emit(result)
