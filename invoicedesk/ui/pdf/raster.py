"""PDF pages as images: PDFium (pypdfium2) rasterises them on a worker thread.

PDFium is not thread-safe, so every call into it holds :data:`PDFIUM_LOCK`, and a
:class:`Rasteriser` runs one job at a time: a newer request cancels the running
one (between pages) and only the newest result is delivered; what a superseded
job had finished comes as ``salvaged``. The images are ``QImage`` — safe to make
off the GUI thread, unlike pixmaps — sized for the zoom and the screen's device
pixel ratio.

A request names the pages to render, or the part of the page stack a view shows
(:func:`plan`: the pages in it and, within :data:`PIXEL_BUDGET`, those near it):
at 400 % an A4 page is 14 megapixels, so a long invoice is never rasterised whole.
The page stack's geometry (:func:`page_spans`) lives here so that the worker and
the view agree on which pages a view shows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QSize, QSizeF, Signal
from PySide6.QtGui import QImage

from invoicedesk.i18n import tr
from invoicedesk.ui.worker import Task, run_task

if TYPE_CHECKING:
    from pypdfium2 import PdfDocument

PDFIUM_LOCK = threading.Lock()  # one thread in PDFium at a time, across the whole app
POINT = 1 / 72  # inch
SCREEN_DPI = 96  # 100 %: a page at its printed size on a 96-dpi screen
PIXELS_PER_POINT = SCREEN_DPI * POINT
MAX_PIXELS = 40_000_000  # per page image (about 160 MB at 4 bytes): zoom is capped below it
PIXEL_BUDGET = 60_000_000  # page images kept in all (about 240 MB): far pages give way
MARGIN = 20  # logical pixels around the page stack
GAP = 16  # between pages


class Cancelled(Exception):
    """A newer request took over while the pages were being rasterised; ``pages``: those
    finished before it did."""

    def __init__(self, pages: Pages | None = None) -> None:
        super().__init__("cancelled")
        self.pages = pages


@dataclass(frozen=True, slots=True)
class Request:
    """What to rasterise: the file, at ``zoom`` (1.0 = 100 %) or to fill ``fit_width``
    logical pixels with the widest page (and, with ``fit_height``, to show the tallest
    whole); ``ratio`` is the screen's device pixel ratio.

    Which pages: ``pages`` (0-based), else those :func:`plan` picks for ``view`` (the
    top and height, in logical pixels, of the part of the page stack shown), else all.
    """

    content: bytes
    zoom: float = 1.0
    fit_width: int | None = None
    fit_height: int | None = None
    ratio: float = 1.0
    view: tuple[int, int] | None = None
    pages: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class Pages:
    """Rasterised pages of ``content``: images by page index (the pages asked for), every
    page's size in points, and the zoom and device pixel ratio the images were made at."""

    content: bytes
    images: Mapping[int, QImage]
    sizes: tuple[QSizeF, ...]
    zoom: float
    ratio: float = 1.0


# ---------------------------------------------------------------------- geometry


def page_extent(size: QSizeF, zoom: float) -> QSize:
    """A page's size on screen, in logical pixels."""
    scaled = size * (zoom * PIXELS_PER_POINT)
    return QSize(max(1, round(scaled.width())), max(1, round(scaled.height())))


def page_spans(sizes: Sequence[QSizeF], zoom: float) -> list[tuple[int, int]]:
    """Each page's top and bottom in the stack (``MARGIN`` around, ``GAP`` between)."""
    spans = []
    top = MARGIN
    for size in sizes:
        bottom = top + page_extent(size, zoom).height()
        spans.append((top, bottom))
        top = bottom + GAP
    return spans


def render_scale(size: QSizeF, zoom: float, ratio: float) -> float:
    """Device pixels per point for a page: the zoom's, capped at ``MAX_PIXELS`` a page."""
    scale = zoom * PIXELS_PER_POINT * ratio
    area = size.width() * size.height() * scale * scale
    if area > MAX_PIXELS:
        scale *= (MAX_PIXELS / area) ** 0.5
    return scale


def image_pixels(size: QSizeF, zoom: float, ratio: float) -> int:
    """About how many pixels a page's image has."""
    scale = render_scale(size, zoom, ratio)
    return round(size.width() * scale) * round(size.height() * scale)


def plan(
    sizes: Sequence[QSizeF],
    zoom: float,
    ratio: float,
    top: int,
    height: int,
    budget: int | None = None,
) -> list[int]:
    """The pages a view from ``top`` down ``height`` logical pixels needs: those it shows,
    then those within a view's height above or below it, nearest first, as long as all
    together stay within ``budget`` pixels (default :data:`PIXEL_BUDGET`; the pages shown
    are always in)."""
    if not sizes:
        return []
    budget = PIXEL_BUDGET if budget is None else budget
    spans = page_spans(sizes, zoom)
    height = max(height, 1)
    bottom = top + height
    shown = [i for i, (start, end) in enumerate(spans) if start < bottom and end > top]
    if not shown:  # in the margin or a gap: the next page (or the last)
        shown = [next((i for i, (start, _) in enumerate(spans) if start >= top), len(spans) - 1)]

    def distance(index: int) -> int:
        start, end = spans[index]
        return start - bottom if start >= bottom else top - end

    taken = set(shown)
    near = sorted(
        (i for i, (start, end) in enumerate(spans)
         if i not in taken and start < bottom + height and end > top - height),
        key=distance,
    )  # fmt: skip
    total = sum(image_pixels(sizes[i], zoom, ratio) for i in shown)
    chosen = list(shown)
    for index in near:
        pixels = image_pixels(sizes[index], zoom, ratio)
        if total + pixels > budget:
            break
        chosen.append(index)
        total += pixels
    return chosen


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
    """Render the pages ``request`` asks for (raises ``Cancelled`` between pages)."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(request.content)
        try:
            sizes = tuple(QSizeF(*document.get_page_size(i)) for i in range(len(document)))
            zoom = request.zoom
            if request.fit_width is not None:
                zoom = fit_zoom(list(sizes), request.fit_width, request.fit_height)
            ratio = request.ratio
            if request.pages is not None:
                indices = [i for i in dict.fromkeys(request.pages) if 0 <= i < len(sizes)]
            elif request.view is not None:
                indices = plan(sizes, zoom, ratio, *request.view)
            else:
                indices = list(range(len(sizes)))
            images: dict[int, QImage] = {}
            for index in indices:
                if is_cancelled():
                    raise Cancelled(Pages(request.content, images, sizes, zoom, ratio))
                images[index] = _render(document, index, sizes[index], zoom, ratio)
            return Pages(request.content, images, sizes, zoom, ratio)
        finally:
            document.close()


def _render(document: PdfDocument, index: int, size: QSizeF, zoom: float, ratio: float) -> QImage:
    """Page ``index`` as an image; call with :data:`PDFIUM_LOCK` held.

    The page and its bitmap are closed here, inside the lock: a bitmap has no parent,
    so ``document.close()`` would leave it to its finalizer — which runs whenever the
    garbage collector gets to it, on whatever thread, with no lock held.
    """
    page = document[index]
    try:
        bitmap = page.render(
            scale=render_scale(size, zoom, ratio),
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
    """Rasterises on the thread pool, one job at a time; only the newest result arrives
    as ``done``, the pages a superseded job had finished come as ``salvaged``."""

    done = Signal(object)  # Pages
    salvaged = Signal(object)  # Pages of an older request (the receiver may keep them)
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
        stale = self._pending is not None or generation != self._generation
        if self._pending is not None:
            self._start()  # a newer request waited: this result is stale
        if stale or isinstance(error, Cancelled):
            partial = error.pages if isinstance(error, Cancelled) else result
            if isinstance(partial, Pages) and partial.images:
                self.salvaged.emit(partial)
            return
        if error is not None:
            self.failed.emit(tr("The PDF could not be shown: {error}").format(error=error))
        else:
            self.done.emit(result)
