"""A PDF shown inside the app: pages stacked in a scroll area, zoom, page counter, keys.

``PdfView`` shows the bytes it is given (``set_pdf``); the pages are rasterised
by :class:`~invoicedesk.ui.pdf.raster.Rasteriser` off the GUI thread, lazily: only
the pages in or near the view, at the current zoom (the others are white pages of
their size until scrolled to), and the images of far pages are dropped once all
together pass :data:`~invoicedesk.ui.pdf.raster.PIXEL_BUDGET`. While a new zoom
is being rasterised the old images are drawn stretched, so zooming and resizing
answer at once. ``PdfPreviewDialog`` adds Save as…, Open in PDF viewer
and Close around it.

Keys: PgUp/PgDn the previous/next page, Home/End the first/last page,
Ctrl+plus/minus/0 zoom in/out/100 %, Ctrl+wheel zooms.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Sequence

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, QSize, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.i18n import tr
from invoicedesk.ui.pdf import files, raster
from invoicedesk.ui.pdf.raster import (
    GAP,
    MARGIN,
    Pages,
    Rasteriser,
    Request,
    fit_zoom,
    page_extent,
    page_spans,
    plan,
)

MIN_ZOOM, MAX_ZOOM = 0.25, 4.0
ZOOM_STEP = 1.25
BACKGROUND = QColor("#d9dce0")
RERENDER_MS = 150  # after the last zoom or resize step, rasterise crisp images again


class PageCanvas(QWidget):
    """Paints the pages one below the other, centred, each on a soft shadow.

    A page without an image is a white page of its size; an image made at another
    zoom is drawn stretched until its replacement comes.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sizes: list[QSizeF] = []
        self._spans: list[tuple[int, int]] = []  # each page's top and bottom
        self._images: dict[int, QImage] = {}
        self._made_at: dict[int, tuple[float, float]] = {}  # page: its image's zoom, ratio
        self._zoom = 1.0
        self._message = ""

    # ------------------------------------------------------------------ state

    def set_document(self, sizes: Sequence[QSizeF], zoom: float) -> None:
        """Lay out the pages of a new PDF at ``zoom``, none rasterised yet."""
        self._sizes = list(sizes)
        self._images.clear()
        self._made_at.clear()
        self._zoom = zoom
        self._message = ""
        self._relayout()

    def add_images(self, pages: Pages, *, keep_current: bool = False) -> None:
        """Show the images of ``pages`` (``keep_current``: not over images at this zoom)."""
        for index, image in pages.images.items():
            if index >= len(self._sizes) or (keep_current and self.is_current(index, pages.ratio)):
                continue
            self._images[index] = image
            self._made_at[index] = (pages.zoom, pages.ratio)
        self.update()

    def set_zoom(self, zoom: float) -> None:
        """Lay out at ``zoom`` now; the current images are stretched until new ones come."""
        self._zoom = zoom
        self._relayout()

    def set_message(self, text: str) -> None:
        """A line shown instead of the pages (rendering, or why there is nothing)."""
        self._message = text
        if text:
            self._sizes = []
            self._images.clear()
            self._made_at.clear()
        self._relayout()

    @property
    def message(self) -> str:
        return self._message

    def page_count(self) -> int:
        return len(self._sizes)

    def images(self) -> dict[int, QImage]:
        """The page images kept, by page index (0-based)."""
        return dict(self._images)

    def is_current(self, index: int, ratio: float) -> bool:
        """Page ``index`` has an image made at the current zoom for ``ratio``."""
        return self._made_at.get(index) == (self._zoom, ratio)

    def cached_pixels(self) -> int:
        return sum(image.width() * image.height() for image in self._images.values())

    def drop_far(self, keep: Collection[int], centre: int, budget: int) -> None:
        """Drop the images of pages not in ``keep`` — those made at another zoom first,
        then the farthest from height ``centre`` — until the rest fit into ``budget``."""
        total = self.cached_pixels()
        if total <= budget:
            return

        def order(index: int) -> tuple[bool, int]:
            top, bottom = self._spans[index]
            return self._made_at[index][0] == self._zoom, -abs((top + bottom) // 2 - centre)

        for index in sorted((i for i in self._images if i not in keep), key=order):
            if total <= budget:
                break
            image = self._images.pop(index)
            del self._made_at[index]
            total -= image.width() * image.height()
        self.update()

    def page_sizes(self) -> list[QSizeF]:
        return list(self._sizes)

    # ------------------------------------------------------------------ geometry

    def content_size(self) -> QSize:
        if not self._sizes:
            return QSize(0, 0)
        width = max(page_extent(size, self._zoom).width() for size in self._sizes)
        return QSize(width + 2 * MARGIN, self._spans[-1][1] + MARGIN)

    def page_rect(self, index: int) -> QRect:
        top, bottom = self._spans[index]
        width = page_extent(self._sizes[index], self._zoom).width()
        return QRect((self.width() - width) // 2, top, width, bottom - top)

    def page_at(self, y: int) -> int:
        """The page at height ``y`` (or the one just above the gap ``y`` falls in)."""
        index = bisect.bisect_right(self._spans, y, key=lambda span: span[1] + GAP)
        return min(index, max(len(self._sizes) - 1, 0))

    def _relayout(self) -> None:
        self._spans = page_spans(self._sizes, self._zoom)
        self.setMinimumSize(self.content_size())
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return self.content_size()

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        painter = QPainter(self)
        painter.fillRect(event.rect(), BACKGROUND)
        if self._message:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._message)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        area = event.rect().adjusted(-8, -8, 8, 8)  # with the shadows
        first = bisect.bisect_left(self._spans, area.top(), key=lambda span: span[1])
        for index in range(first, len(self._sizes)):
            rect = self.page_rect(index)
            if rect.top() > area.bottom():
                break
            for spread in range(6, 0, -1):  # a soft shadow, darker near the page
                painter.fillRect(
                    rect.adjusted(2 - spread, 3 - spread, 2 + spread, 3 + spread),
                    QColor(0, 0, 0, 9 + 5 * (6 - spread)),
                )
            painter.fillRect(rect, Qt.GlobalColor.white)
            image = self._images.get(index)
            if image is not None:
                painter.drawImage(QRectF(rect), image)
        painter.end()


class PdfView(QWidget):
    """A PDF's pages in a scroll area, with zoom controls and "Page 2 of 5"."""

    rendered = Signal()  # the pages in view of the latest PDF (or zoom) are on screen
    failed = Signal(str)
    page_changed = Signal(int, int)  # current page (1-based), page count

    def __init__(
        self, parent: QWidget | None = None, *, controls: bool = True, fit_page: bool = False
    ) -> None:
        super().__init__(parent)
        self._content: bytes | None = None
        self._shown: bytes | None = None  # the PDF the canvas lays out (None: none yet)
        self._asked: tuple[float, float, frozenset[int]] | None = None  # zoom, ratio, pages
        self._fit = True  # follow the view's size (else: a fixed zoom)
        self._fit_page = fit_page  # whole pages, not only their width
        self._zoom = 1.0
        self._page = 0
        self.canvas = PageCanvas()
        self.canvas.setObjectName("pdf-pages")
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("pdf-scroll")
        self.scroll_area.setWidget(self.canvas)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.scroll_area.setAccessibleName(tr("PDF pages"))
        self.scroll_area.installEventFilter(self)
        self.scroll_area.viewport().installEventFilter(self)
        self.setFocusProxy(self.scroll_area)

        self.rasteriser = Rasteriser(self)
        self.rasteriser.done.connect(self._show_pages)
        self.rasteriser.salvaged.connect(self._salvage)
        self.rasteriser.failed.connect(self._show_failure)
        self._rerender = QTimer(self)
        self._rerender.setSingleShot(True)
        self._rerender.setInterval(RERENDER_MS)
        self._rerender.timeout.connect(self._request)
        self._filler = QTimer(self)  # scrolled: the pages now in view, once per event batch
        self._filler.setSingleShot(True)
        self._filler.setInterval(0)
        self._filler.timeout.connect(self._fill)
        bar = self.scroll_area.verticalScrollBar()
        for signal in (bar.valueChanged, bar.rangeChanged):
            signal.connect(self._update_page)
            signal.connect(self._schedule_fill)  # not _filler.start: that takes an interval

        self.fit_button = self._tool(
            tr("Fit page") if fit_page else tr("Fit width"),
            tr("Zoom to show whole pages") if fit_page else tr("Zoom to fit the page width"),
            checkable=True,
        )
        self.fit_button.setChecked(True)
        self.fit_button.clicked.connect(self.fit)
        self.actual_button = self._tool("100 %", tr("Actual size (Ctrl+0)"))
        self.actual_button.clicked.connect(lambda: self.set_zoom(1.0))
        self.out_button = self._tool("−", tr("Zoom out (Ctrl+minus, Ctrl+wheel)"))
        self.out_button.clicked.connect(self.zoom_out)
        self.in_button = self._tool("+", tr("Zoom in (Ctrl+plus, Ctrl+wheel)"))
        self.in_button.clicked.connect(self.zoom_in)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoom")
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("400 %") + 8)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_label = QLabel()
        self.page_label.setObjectName("page-counter")
        # As wide as a long count from the start: the text comes when the PDF has been
        # rendered, and a window already at its smallest would not make room for it then.
        widest = tr("Page {page} of {count}").format(page=88, count=88)
        self.page_label.setMinimumWidth(self.fontMetrics().horizontalAdvance(widest) + 4)

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        for widget in (self.fit_button, self.actual_button, self.out_button, self.zoom_label,
                       self.in_button):  # fmt: skip
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.page_label)
        self.controls = QWidget()
        self.controls.setLayout(bar)
        self.controls.setVisible(controls)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.controls)
        layout.addWidget(self.scroll_area, 1)
        self._show_zoom()
        self._update_page()

    def _tool(self, text: str, tip: str, *, checkable: bool = False) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(checkable)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the pages
        return button

    # ------------------------------------------------------------------ content

    def set_pdf(self, content: bytes) -> None:
        """Show ``content`` (the pages follow when rasterised; old pages stay until then)."""
        self._content = content
        if self.canvas.page_count() == 0:
            self.canvas.set_message(tr("Rendering the PDF…"))
        self._request()

    def set_message(self, text: str) -> None:
        """Show ``text`` instead of pages ("Rendering…", or why there is no PDF)."""
        self._content = None
        self._shown = None
        self._asked = None
        self.canvas.set_message(text)
        self._update_page()

    def content(self) -> bytes | None:
        return self._content

    def is_busy(self) -> bool:
        return self.rasteriser.is_busy() or self._rerender.isActive() or self._filler.isActive()

    def page_count(self) -> int:
        return self.canvas.page_count()

    def current_page(self) -> int:
        """The page at the top third of the view, 1-based (0: no pages)."""
        return self._page

    def page_text(self) -> str:
        return self.page_label.text()

    def zoom(self) -> float:
        return self._zoom

    # ------------------------------------------------------------------ zoom

    def _available_width(self) -> int:
        scrollbar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return max(
            self.scroll_area.width() - 2 * self.scroll_area.frameWidth() - scrollbar - 2 * MARGIN,
            50,
        )

    def _available_height(self) -> int | None:
        if not self._fit_page:
            return None
        return max(self.scroll_area.height() - 2 * self.scroll_area.frameWidth() - 2 * MARGIN, 50)

    def fit(self) -> None:
        """Zoom to the view's width (or whole pages), and keep doing so as it is resized."""
        self._fit = True
        self.fit_button.setChecked(True)
        self._rerender.start()  # first: no pages are asked for while the zoom settles
        sizes = self.canvas.page_sizes()
        if sizes:
            self._apply_zoom(fit_zoom(sizes, self._available_width(), self._available_height()))

    def set_zoom(self, zoom: float) -> None:
        self._fit = False
        self.fit_button.setChecked(False)
        self._rerender.start()
        self._apply_zoom(min(max(zoom, MIN_ZOOM), MAX_ZOOM))

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom / ZOOM_STEP)

    def _apply_zoom(self, zoom: float) -> None:
        """Lay out at ``zoom`` at once, keeping the point at the top of the view in place."""
        bar = self.scroll_area.verticalScrollBar()
        height = max(self.canvas.height(), 1)
        anchor = bar.value() / height
        self._zoom = zoom
        self.canvas.set_zoom(zoom)
        self.canvas.adjustSize()
        bar.setValue(round(anchor * self.canvas.minimumHeight()))
        self._show_zoom()

    def _show_zoom(self) -> None:
        self.zoom_label.setText(f"{round(self._zoom * 100)} %")
        self.out_button.setEnabled(self._zoom > MIN_ZOOM + 1e-6)
        self.in_button.setEnabled(self._zoom < MAX_ZOOM - 1e-6)

    def _request(self) -> None:
        """Rasterise what the view lacks; a new PDF: measure it and render what it shows."""
        if self._content is None:
            return
        if self._shown is self._content:
            if self._fill():
                self.rendered.emit()  # nothing to rasterise: it is on screen already
            return
        ratio = self.devicePixelRatioF()
        bar = self.scroll_area.verticalScrollBar()
        view = (bar.value(), self.scroll_area.viewport().height())
        if self._fit:
            request = Request(
                self._content,
                fit_width=self._available_width(),
                fit_height=self._available_height(),
                ratio=ratio,
                view=view,
            )
        else:
            request = Request(self._content, zoom=self._zoom, ratio=ratio, view=view)
        self._asked = None
        self.rasteriser.request(request)

    def _wanted(self, ratio: float) -> list[int]:
        """The pages in or near the view (within the pixel budget), as raster.plan says."""
        bar = self.scroll_area.verticalScrollBar()
        height = self.scroll_area.viewport().height()
        return plan(self.canvas.page_sizes(), self._zoom, ratio, bar.value(), height)

    def _fill(self) -> bool:
        """Ask for the pages in or near the view that have no image at this zoom yet;
        True when none is missing."""
        self._filler.stop()
        if self._content is None or self._shown is not self._content or self._rerender.isActive():
            return False  # a new PDF or a new zoom is on its way: _request follows
        ratio = self.devicePixelRatioF()
        missing = [i for i in self._wanted(ratio) if not self.canvas.is_current(i, ratio)]
        if not missing:
            return True
        asked = (self._zoom, ratio, frozenset(missing))
        if (
            self._asked is not None
            and self._asked[:2] == asked[:2]
            and asked[2] <= self._asked[2]
            and self.rasteriser.is_busy()
        ):
            return False  # under way
        self._asked = asked
        self.rasteriser.request(
            Request(self._content, zoom=self._zoom, ratio=ratio, pages=tuple(missing))
        )
        return False

    def _schedule_fill(self, *_args: object) -> None:
        self._filler.start()

    def _drop_far(self) -> None:
        """Keep the page images within the pixel budget: far pages' go first."""
        ratio = self.devicePixelRatioF()
        bar = self.scroll_area.verticalScrollBar()
        centre = bar.value() + self.scroll_area.viewport().height() // 2
        self.canvas.drop_far(set(self._wanted(ratio)), centre, raster.PIXEL_BUDGET)

    def _show_pages(self, pages: Pages) -> None:
        if pages.content is not self._content:
            return  # a message replaced the PDF meanwhile
        self._asked = None
        if pages.content is not self._shown:  # a new PDF: lay its pages out
            first = self.canvas.page_count() == 0
            self._shown = pages.content
            zoom = self._zoom  # the user may have zoomed since the request
            if self._fit:  # or resized the view
                sizes = list(pages.sizes)
                zoom = fit_zoom(sizes, self._available_width(), self._available_height())
            self._zoom = zoom  # images made at another zoom are stretched, then replaced
            self.canvas.set_document(pages.sizes, zoom)
            self.canvas.add_images(pages)
            self.canvas.adjustSize()
            self._show_zoom()
            if first:
                self.scroll_area.verticalScrollBar().setValue(0)
        else:
            self.canvas.add_images(pages)
        self._update_page()
        self._drop_far()
        if self._fill():
            self.rendered.emit()

    def _salvage(self, pages: Pages) -> None:
        """Pages an outdated request had finished: keep them, they may save a rendering."""
        if pages.content is self._shown and pages.content is self._content:
            self.canvas.add_images(pages, keep_current=True)
            self._drop_far()

    def _show_failure(self, message: str) -> None:
        self._shown = None
        self._asked = None
        self.canvas.set_message(message)
        self._update_page()
        self.failed.emit(message)

    # ------------------------------------------------------------------ pages

    def _update_page(self, *_args: object) -> None:
        count = self.canvas.page_count()
        bar = self.scroll_area.verticalScrollBar()
        if count == 0:
            page = 0
        elif bar.maximum() > 0 and bar.value() >= bar.maximum():
            page = count  # scrolled to the end: the last page, however short
        else:
            page = self.canvas.page_at(bar.value() + self.scroll_area.viewport().height() // 3) + 1
        self.page_label.setText(
            tr("Page {page} of {count}").format(page=page, count=count) if count else ""
        )
        if page != self._page:
            self._page = page
            self.page_changed.emit(page, count)

    def go_to_page(self, page: int) -> None:
        """Scroll so that ``page`` (1-based) starts at the top of the view."""
        count = self.canvas.page_count()
        if not count:
            return
        page = min(max(page, 1), count)
        bar = self.scroll_area.verticalScrollBar()
        if page == 1:
            bar.setValue(0)
        elif page == count:
            bar.setValue(bar.maximum())  # the last page may be shorter than the view
        else:
            bar.setValue(self.canvas.page_rect(page - 1).top() - MARGIN // 2)
        self._update_page()

    # ------------------------------------------------------------------ events

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.scroll_area and event.type() == QEvent.Type.KeyPress:
            return self._key(event)  # type: ignore[arg-type]
        if watched is self.scroll_area.viewport() and event.type() == QEvent.Type.Wheel:
            wheel: QWheelEvent = event  # type: ignore[assignment]
            if wheel.modifiers() & Qt.KeyboardModifier.ControlModifier:
                steps = wheel.angleDelta().y() / 120
                if steps:
                    self.set_zoom(self._zoom * ZOOM_STEP**steps)
                return True
        if watched is self.scroll_area and event.type() == QEvent.Type.Resize and self._fit:
            sizes = self.canvas.page_sizes()
            if sizes:
                self._rerender.start()
                self._apply_zoom(fit_zoom(sizes, self._available_width(), self._available_height()))
        if watched is self.scroll_area.viewport() and event.type() == QEvent.Type.Resize:
            self._schedule_fill()  # taller: more pages in view
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_PageDown:
            self.go_to_page(self._page + 1)
        elif key == Qt.Key.Key_PageUp:
            self.go_to_page(self._page - 1)
        elif key == Qt.Key.Key_Home:
            self.go_to_page(1)
        elif key == Qt.Key.Key_End:
            self.go_to_page(self.canvas.page_count())
        elif control and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif control and key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif control and key == Qt.Key.Key_0:
            self.set_zoom(1.0)
        else:
            return False
        return True


class PdfPreviewDialog(QDialog):
    """One PDF in a window of its own: Save as…, Open in PDF viewer, Close.

    Shown at once with "Rendering…"; ``set_pdf`` gives it the file when it is ready.
    """

    saved = Signal(str)  # the path written

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("{title} — Preview").format(title=title))
        self.setObjectName("pdf-preview")
        self.setSizeGripEnabled(True)
        screen = QGuiApplication.primaryScreen().availableGeometry()
        self.resize(min(860, screen.width() - 40), min(980, screen.height() - 40))
        self.filename = ""
        self.view = PdfView()
        self.view.set_message(tr("Rendering the PDF…"))
        self.note = QLabel()
        self.note.setObjectName("note")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setWordWrap(True)  # never wider than the room the buttons leave
        self.note.setMinimumWidth(120)
        self.save_button = QPushButton(tr("&Save as…"))
        self.save_button.setToolTip(tr("Save this PDF to a file"))
        self.save_button.clicked.connect(self.save_as)
        self.open_button = QPushButton(tr("&Open in PDF viewer"))
        self.open_button.setToolTip(
            tr("Show this PDF in your PDF program (to print it, for example)")
        )
        self.open_button.clicked.connect(self.open_externally)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        self.buttons = buttons
        bottom = QHBoxLayout()
        bottom.setContentsMargins(10, 6, 10, 10)
        bottom.addWidget(self.note, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self._set_ready(False)

    def _set_ready(self, ready: bool) -> None:
        self.save_button.setEnabled(ready)
        self.open_button.setEnabled(ready)

    def set_pdf(self, filename: str, content: bytes, note: str = "") -> None:
        self.filename = filename
        self.view.set_pdf(content)
        self.note.setText(note)
        self._set_ready(True)
        self.view.setFocus()

    def show_error(self, message: str) -> None:
        self.view.set_message(message)
        self._set_ready(False)

    def content(self) -> bytes | None:
        return self.view.content()

    def save_as(self) -> None:
        content = self.content()
        if content is None:
            return
        path = files.ask_save_path(self, self.filename)
        if path is None:
            return
        try:
            files.write_pdf(path, content)
        except OSError as exc:
            self.note.setText(tr("Not saved: {error}").format(error=files.error_text(exc)))
            return
        self.note.setText(tr("Saved to {path}").format(path=path))
        self.saved.emit(str(path))

    def open_externally(self) -> None:
        content = self.content()
        if content is None:
            return
        try:
            files.open_in_viewer(self.filename, content)
        except OSError as exc:
            self.note.setText(files.error_text(exc))
