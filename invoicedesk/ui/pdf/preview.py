"""A PDF shown inside the app: pages stacked in a scroll area, zoom, page counter, keys.

``PdfView`` shows the bytes it is given (``set_pdf``); the pages are rasterised
by :class:`~invoicedesk.ui.pdf.raster.Rasteriser` off the GUI thread. While a new
zoom is being rasterised the old images are drawn stretched, so zooming and
resizing answer at once. ``PdfPreviewDialog`` adds Save as…, Open in PDF viewer
and Close around it.

Keys: PgUp/PgDn the previous/next page, Home/End the first/last page,
Ctrl+plus/minus/0 zoom in/out/100 %, Ctrl+wheel zooms.
"""

from __future__ import annotations

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

from invoicedesk.ui.pdf import files
from invoicedesk.ui.pdf.raster import PIXELS_PER_POINT, Pages, Rasteriser, Request, fit_zoom

MARGIN = 20  # around the pages
GAP = 16  # between pages
MIN_ZOOM, MAX_ZOOM = 0.25, 4.0
ZOOM_STEP = 1.25
BACKGROUND = QColor("#d9dce0")
RERENDER_MS = 150  # after the last zoom or resize step, rasterise crisp images again


class PageCanvas(QWidget):
    """Paints the pages one below the other, centred, each on a soft shadow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sizes: list[QSizeF] = []
        self._images: list[QImage] = []
        self._zoom = 1.0
        self._message = ""

    # ------------------------------------------------------------------ state

    def set_pages(self, pages: Pages) -> None:
        self._sizes = list(pages.sizes)
        self._images = list(pages.images)
        self._zoom = pages.zoom
        self._message = ""
        self._relayout()

    def set_zoom(self, zoom: float) -> None:
        """Lay out at ``zoom`` now; the current images are stretched until new ones come."""
        self._zoom = zoom
        self._relayout()

    def set_message(self, text: str) -> None:
        """A line shown instead of the pages (rendering, or why there is nothing)."""
        self._message = text
        if text:
            self._sizes, self._images = [], []
        self._relayout()

    @property
    def message(self) -> str:
        return self._message

    def page_count(self) -> int:
        return len(self._sizes)

    def images(self) -> list[QImage]:
        return list(self._images)

    def page_sizes(self) -> list[QSizeF]:
        return list(self._sizes)

    # ------------------------------------------------------------------ geometry

    def _page_size(self, index: int) -> QSize:
        size = self._sizes[index] * (self._zoom * PIXELS_PER_POINT)
        return QSize(max(1, round(size.width())), max(1, round(size.height())))

    def content_size(self) -> QSize:
        if not self._sizes:
            return QSize(0, 0)
        sizes = [self._page_size(i) for i in range(len(self._sizes))]
        width = max(s.width() for s in sizes) + 2 * MARGIN
        height = sum(s.height() for s in sizes) + GAP * (len(sizes) - 1) + 2 * MARGIN
        return QSize(width, height)

    def page_rect(self, index: int) -> QRect:
        y = MARGIN
        for i in range(index):
            y += self._page_size(i).height() + GAP
        size = self._page_size(index)
        return QRect((self.width() - size.width()) // 2, y, size.width(), size.height())

    def page_at(self, y: int) -> int:
        """The page at height ``y`` (or the one just above the gap ``y`` falls in)."""
        top = MARGIN
        for i in range(len(self._sizes)):
            top += self._page_size(i).height() + GAP
            if y < top:
                return i
        return max(len(self._sizes) - 1, 0)

    def _relayout(self) -> None:
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
        for index in range(len(self._sizes)):
            rect = self.page_rect(index)
            if not rect.adjusted(-8, -8, 8, 8).intersects(event.rect()):
                continue
            for spread in range(6, 0, -1):  # a soft shadow, darker near the page
                painter.fillRect(
                    rect.adjusted(2 - spread, 3 - spread, 2 + spread, 3 + spread),
                    QColor(0, 0, 0, 9 + 5 * (6 - spread)),
                )
            painter.fillRect(rect, Qt.GlobalColor.white)
            if index < len(self._images):
                painter.drawImage(QRectF(rect), self._images[index])
        painter.end()


class PdfView(QWidget):
    """A PDF's pages in a scroll area, with zoom controls and "Page 2 of 5"."""

    rendered = Signal()  # the pages of the latest PDF (or zoom) are on screen
    failed = Signal(str)
    page_changed = Signal(int, int)  # current page (1-based), page count

    def __init__(
        self, parent: QWidget | None = None, *, controls: bool = True, fit_page: bool = False
    ) -> None:
        super().__init__(parent)
        self._content: bytes | None = None
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
        self.scroll_area.setAccessibleName("PDF pages")
        self.scroll_area.installEventFilter(self)
        self.scroll_area.viewport().installEventFilter(self)
        self.scroll_area.verticalScrollBar().valueChanged.connect(self._update_page)
        self.scroll_area.verticalScrollBar().rangeChanged.connect(self._update_page)
        self.setFocusProxy(self.scroll_area)

        self.rasteriser = Rasteriser(self)
        self.rasteriser.done.connect(self._show_pages)
        self.rasteriser.failed.connect(self._show_failure)
        self._rerender = QTimer(self)
        self._rerender.setSingleShot(True)
        self._rerender.setInterval(RERENDER_MS)
        self._rerender.timeout.connect(self._request)

        self.fit_button = self._tool(
            "Fit page" if fit_page else "Fit width",
            "Zoom to show whole pages" if fit_page else "Zoom to fit the page width",
            checkable=True,
        )
        self.fit_button.setChecked(True)
        self.fit_button.clicked.connect(self.fit)
        self.actual_button = self._tool("100 %", "Actual size (Ctrl+0)")
        self.actual_button.clicked.connect(lambda: self.set_zoom(1.0))
        self.out_button = self._tool("−", "Zoom out (Ctrl+minus, Ctrl+wheel)")
        self.out_button.clicked.connect(self.zoom_out)
        self.in_button = self._tool("+", "Zoom in (Ctrl+plus, Ctrl+wheel)")
        self.in_button.clicked.connect(self.zoom_in)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoom")
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("400 %") + 8)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_label = QLabel()
        self.page_label.setObjectName("page-counter")

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
            self.canvas.set_message("Rendering the PDF…")
        self._request()

    def set_message(self, text: str) -> None:
        """Show ``text`` instead of pages ("Rendering…", or why there is no PDF)."""
        self._content = None
        self.canvas.set_message(text)
        self._update_page()

    def content(self) -> bytes | None:
        return self._content

    def is_busy(self) -> bool:
        return self.rasteriser.is_busy() or self._rerender.isActive()

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
        sizes = self.canvas.page_sizes()
        if sizes:
            self._apply_zoom(fit_zoom(sizes, self._available_width(), self._available_height()))
        self._rerender.start()

    def set_zoom(self, zoom: float) -> None:
        self._fit = False
        self.fit_button.setChecked(False)
        self._apply_zoom(min(max(zoom, MIN_ZOOM), MAX_ZOOM))
        self._rerender.start()

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
        if self._content is None:
            return
        ratio = self.devicePixelRatioF()
        if self._fit:
            request = Request(
                self._content,
                fit_width=self._available_width(),
                fit_height=self._available_height(),
                ratio=ratio,
            )
        else:
            request = Request(self._content, zoom=self._zoom, ratio=ratio)
        self.rasteriser.request(request)

    def _show_pages(self, pages: Pages) -> None:
        first = self.canvas.page_count() == 0
        self._zoom = pages.zoom
        self.canvas.set_pages(pages)
        self._show_zoom()
        if first:
            self.scroll_area.verticalScrollBar().setValue(0)
        self._update_page()
        self.rendered.emit()

    def _show_failure(self, message: str) -> None:
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
        self.page_label.setText(f"Page {page} of {count}" if count else "")
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
                self._apply_zoom(fit_zoom(sizes, self._available_width(), self._available_height()))
                self._rerender.start()
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
        self.setWindowTitle(f"{title} — Preview")
        self.setObjectName("pdf-preview")
        self.setSizeGripEnabled(True)
        screen = QGuiApplication.primaryScreen().availableGeometry()
        self.resize(min(860, screen.width() - 40), min(980, screen.height() - 40))
        self.filename = ""
        self.view = PdfView()
        self.view.set_message("Rendering the PDF…")
        self.note = QLabel()
        self.note.setObjectName("note")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setWordWrap(True)  # never wider than the room the buttons leave
        self.note.setMinimumWidth(120)
        self.save_button = QPushButton("&Save as…")
        self.save_button.setToolTip("Save this PDF to a file")
        self.save_button.clicked.connect(self.save_as)
        self.open_button = QPushButton("&Open in PDF viewer")
        self.open_button.setToolTip("Show this PDF in your PDF program (to print it, for example)")
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
            self.note.setText(f"Not saved: {files.error_text(exc)}")
            return
        self.note.setText(f"Saved to {path}")
        self.saved.emit(str(path))

    def open_externally(self) -> None:
        content = self.content()
        if content is None:
            return
        try:
            files.open_in_viewer(self.filename, content)
        except OSError as exc:
            self.note.setText(files.error_text(exc))
