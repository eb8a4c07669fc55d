"""File → Print: an invoice's PDF on paper, through Qt's print dialog.

The PDF is the one Save as… and Open give (``services.pdfs.pdf_for``): the archived
PDF of an issued invoice, a DRAFT-watermarked preview of a draft. It is made on the
thread pool; then the print dialog asks for the printer, pages and copies; then the
pages are rasterised by PDFium one at a time on the thread pool, at the printer's
resolution (at most :data:`MAX_DPI`: a 1,200-dpi A4 page would take 560 MB), and each
is painted on the printer on the GUI thread as it arrives. A progress dialog shows the
page being printed and can cancel between pages (the job is then aborted, nothing
half-printed is sent).

``printer=`` skips the dialog (tests print into a PDF file that way); the dialog is
asked through :func:`choose_printer`, which tests can answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QProgressDialog, QWidget

from invoicedesk.i18n import tr
from invoicedesk.services.books import Books
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.messages import report
from invoicedesk.ui.pdf import files
from invoicedesk.ui.pdf.raster import Request, page_sizes, rasterise
from invoicedesk.ui.worker import Task, run_task

if TYPE_CHECKING:
    from invoicedesk.services.pdfs import RenderedPdf

MAX_DPI = 300  # sharp text on paper; memory per A4 page about 35 MB
POINTS_PER_INCH = 72


@dataclass(frozen=True, slots=True)
class _Page:
    index: int  # 0-based page of the PDF
    image: QImage
    size: QSizeF  # in points


def _pdf_for(db: Books, invoice_id: int) -> RenderedPdf:
    from invoicedesk.services import pdfs

    return pdfs.pdf_for(db, invoice_id)


def _rasterised(content: bytes, index: int, dpi: int) -> _Page:
    """Page ``index`` at ``dpi`` (QImage: safe to make off the GUI thread)."""
    zoom = dpi / 96  # raster's zoom 1.0 is 96 dpi (a page at its size on screen)
    pages = rasterise(Request(content, zoom=zoom, pages=(index,)))
    return _Page(index, pages.images[index], pages.sizes[index])


class PrintJob(QObject):
    """One invoice on its way to the printer; ``finished`` says how it ended, in words
    (printed, cancelled, or why not)."""

    finished = Signal(str)

    def __init__(
        self, parent: QWidget, ctx: AppContext, invoice_id: int, printer: QPrinter | None
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._db = ctx.db
        self._invoice_id = invoice_id
        self._printer = printer
        self._ask = printer is None  # no printer given: the print dialog chooses one
        self._task: Task | None = None
        self._painter: QPainter | None = None
        self._progress: QProgressDialog | None = None
        self._pages: list[int] = []
        self._next = 0
        self._content = b""
        self._title = ""
        self._dpi = MAX_DPI
        self.printed_pages = 0

    def start(self) -> None:
        db, invoice_id = self._db, self._invoice_id
        self._task = run_task(lambda _task: self._prepare(db, invoice_id), self._ready,
                              self._failed)  # fmt: skip

    @staticmethod
    def _prepare(db: Books, invoice_id: int) -> tuple[RenderedPdf, int]:
        pdf = _pdf_for(db, invoice_id)
        return pdf, len(page_sizes(pdf.content))

    # ------------------------------------------------------------------ steps

    def _ready(self, result: tuple[RenderedPdf, int]) -> None:
        pdf, count = result
        if not shiboken6.isValid(self) or count == 0:
            return
        self._content, self._title = pdf.content, pdf.filename.removesuffix(".pdf")
        printer = self._printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._title)
        if self._ask:
            printer.setFromTo(0, 0)  # all pages unless the dialog says otherwise
            title = tr("Print {document}").format(document=self._title)
            if not choose_printer(self._parent, printer, title, count):
                self._end(tr("Printing cancelled"))
                return
        self._printer = printer
        first, last = printer.fromPage(), printer.toPage()
        if first == 0:  # all pages
            first, last = 1, count
        self._pages = list(range(first - 1, min(last, count)))
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        self._pages *= copies  # the driver makes the copies where it can
        self._dpi = min(printer.resolution(), MAX_DPI)
        printer.setFullPage(True)  # the PDF has its own margins: paper corner = page corner
        self._painter = QPainter()
        if not self._painter.begin(printer):
            self._painter = None
            self._fail_with(
                tr("The printer {printer} could not be started.").format(
                    printer=printer.printerName() or ""
                )
            )
            return
        if len(self._pages) > 1:
            progress = QProgressDialog("", tr("Cancel"), 0, len(self._pages), self._parent)
            progress.setWindowTitle(tr("Printing {document}").format(document=self._title))
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(500)
            progress.canceled.connect(self._cancel)
            self._progress = progress
        self._rasterise_next()

    def _rasterise_next(self) -> None:
        index = self._pages[self._next]
        if self._progress is not None:
            self._progress.setLabelText(
                tr("Page {page} of {count}…").format(page=self._next + 1, count=len(self._pages))
            )
            self._progress.setValue(self._next)
        content, dpi = self._content, self._dpi
        self._task = run_task(lambda _task: _rasterised(content, index, dpi), self._paint,
                              self._failed)  # fmt: skip

    def _paint(self, page: _Page) -> None:
        painter, printer = self._painter, self._printer
        if not shiboken6.isValid(self) or painter is None or printer is None:
            return
        if self._next > 0:
            printer.newPage()
        target = _placed(page.size, printer)
        painter.drawImage(target, page.image)
        self._next += 1
        self.printed_pages += 1
        if self._next < len(self._pages):
            self._rasterise_next()
            return
        painter.end()
        self._painter = None
        self._end(tr("{document} sent to the printer").format(document=self._title))

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self._painter is not None and self._printer is not None:
            self._printer.abort()
            self._painter.end()
            self._painter = None
        self._end(tr("Printing cancelled"))

    def _failed(self, exc: BaseException, _trace: str) -> None:
        if shiboken6.isValid(self):
            self._fail_with(files.error_text(exc))

    def _fail_with(self, message: str) -> None:
        if self._painter is not None and self._printer is not None:
            self._printer.abort()
            self._painter.end()
            self._painter = None
        report(
            self._parent,
            tr("Not printed"),
            tr("The invoice was not printed: {error}").format(error=message),
        )
        self._end(tr("Not printed: {error}").format(error=message))

    def _end(self, message: str) -> None:
        if self._progress is not None:
            self._progress.canceled.disconnect(self._cancel)
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None
        self._pages = []
        self.finished.emit(message)
        self.deleteLater()


def choose_printer(parent: QWidget, printer: QPrinter, title: str, pages: int) -> bool:
    """Qt's print dialog for ``printer`` (a PDF of ``pages`` pages); False: cancelled.
    A module function, so that tests can answer it."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setMinMax(1, pages)
    return dialog.exec() == QDialog.DialogCode.Accepted


def _placed(size: QSizeF, printer: QPrinter) -> QRectF:
    """Where a PDF page goes on the paper, in printer pixels: at its own size from the
    paper's corner, or shrunk to fit a smaller paper (a Letter printer, an A4 invoice)."""
    dpi = printer.resolution()
    paper = printer.pageLayout().fullRectPixels(dpi)
    width = size.width() * dpi / POINTS_PER_INCH
    height = size.height() * dpi / POINTS_PER_INCH
    scale = min(1.0, paper.width() / width, paper.height() / height)
    return QRectF(0, 0, width * scale, height * scale)


def print_invoice(
    parent: QWidget, ctx: AppContext, invoice_id: int, *, printer: QPrinter | None = None
) -> PrintJob:
    """Print the PDF of ``invoice_id``: the print dialog first, unless ``printer`` is
    given (then it prints there as it is set up). Returns the job, whose ``finished``
    signal says how it ended."""
    job = PrintJob(parent, ctx, invoice_id, printer)
    job.start()
    return job
