"""The PDF preview: pages rasterised where viewed, the page counter, keys, zoom; drafts and
errors; PDFium kept inside its lock."""

from __future__ import annotations

import io

# The fixtures come from test_pdf_support; as test arguments they shadow the import.
# ruff: noqa: F811
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from invoicedesk.core.lifecycle import DocType
from invoicedesk.services import pdfs
from invoicedesk.ui.pdf.actions import PdfActions, PdfTarget
from invoicedesk.ui.pdf.preview import PdfPreviewDialog
from invoicedesk.ui.pdf.raster import (
    PDFIUM_LOCK,
    PIXEL_BUDGET,
    PIXELS_PER_POINT,
    Cancelled,
    Rasteriser,
    Request,
    rasterise,
)
from tests.ui.test_pdf_support import (  # noqa: F401 - fixtures
    answers,
    books,
    books_file,
    ctx,
    db,
    page,
    page_count,
)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def forty_pages() -> bytes:
    """A 40-page A4 PDF, made with reportlab directly (no invoice needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number in range(1, 41):
        canvas.setFont("Helvetica-Bold", 28)
        canvas.drawString(72, 760, f"Page {number} of 40")
        canvas.setFont("Helvetica", 11)
        for line in range(40):
            canvas.drawString(72, 720 - 15 * line, f"Line {line + 1} of page {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def open_forty_pages(qtbot) -> tuple[PdfPreviewDialog, list[int]]:
    """The preview of forty_pages(); the page indices rasterised so far, in order."""
    dialog = PdfPreviewDialog("Forty pages")
    qtbot.addWidget(dialog)
    dialog.show()
    view = dialog.view
    rasterised: list[int] = []
    view.rasteriser.done.connect(lambda pages: rasterised.extend(pages.images))
    view.rasteriser.salvaged.connect(lambda pages: rasterised.extend(pages.images))
    with qtbot.waitSignal(view.rendered, timeout=10000):
        dialog.set_pdf("forty.pdf", forty_pages())
    return dialog, rasterised


def open_preview(qtbot, page, invoice_id: int) -> PdfPreviewDialog:
    page.select_ids([invoice_id])
    with qtbot.waitSignal(page.pdf_actions.finished, timeout=10000):
        page.pdf_actions["preview"].trigger()
    dialog = page.pdf_actions.preview_dialog
    assert dialog is not None
    qtbot.waitUntil(
        lambda: dialog.view.page_count() > 0 and not dialog.view.is_busy(), timeout=10000
    )
    return dialog


def test_preview_shows_the_pages_of_a_long_invoice(qtbot, page, books, db):
    dialog = open_preview(qtbot, page, books["long"])
    assert dialog.windowTitle() == "Invoice RE-2026-0001 — Preview"
    archived = pdfs.archived_pdf(db, books["long"])
    assert dialog.content() == archived.content  # issued: exactly the archived bytes
    pages = page_count(archived.content)
    assert pages >= 3
    view = dialog.view
    assert view.page_count() == pages
    images = view.canvas.images()  # the pages in and near the view
    assert 0 in images and not any(image.isNull() for image in images.values())
    # Fit width: every page as wide as the view allows, at the zoom the view reports.
    expected = view.canvas.page_sizes()[0].width() * view.zoom() * PIXELS_PER_POINT
    assert abs(images[0].width() / images[0].devicePixelRatio() - expected) <= 1
    assert view.page_text() == f"Page 1 of {pages}"
    assert "archived" in dialog.note.text()
    assert dialog.save_button.isEnabled() and dialog.open_button.isEnabled()
    with qtbot.waitSignal(view.rendered, timeout=5000):  # the last page, once scrolled to
        view.go_to_page(pages)
    assert pages - 1 in view.canvas.images()


def test_keys_move_between_pages(qtbot, page, books):
    dialog = open_preview(qtbot, page, books["long"])
    view = dialog.view
    pages = view.page_count()
    bar = view.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=3000)
    with qtbot.waitSignal(view.page_changed, timeout=1000) as changed:
        qtbot.keyClick(view.scroll_area, Qt.Key.Key_PageDown)
    assert changed.args == [2, pages]
    assert view.page_text() == f"Page 2 of {pages}"
    qtbot.keyClick(view.scroll_area, Qt.Key.Key_End)
    assert view.page_text() == f"Page {pages} of {pages}"
    assert bar.value() == bar.maximum()
    qtbot.keyClick(view.scroll_area, Qt.Key.Key_PageUp)
    assert view.page_text() == f"Page {pages - 1} of {pages}"
    qtbot.keyClick(view.scroll_area, Qt.Key.Key_Home)
    assert view.page_text() == f"Page 1 of {pages}" and bar.value() == 0


def test_zoom_buttons_and_ctrl_wheel(qtbot, page, books):
    dialog = open_preview(qtbot, page, books["long"])
    view = dialog.view
    assert view.fit_button.isChecked()
    with qtbot.waitSignal(view.rendered, timeout=5000):
        view.actual_button.click()
    assert view.zoom() == 1.0 and view.zoom_label.text() == "100 %"
    assert not view.fit_button.isChecked()
    size = view.canvas.page_sizes()[0]
    image = view.canvas.images()[0]
    assert abs(image.width() / image.devicePixelRatio() - size.width() * PIXELS_PER_POINT) <= 1

    with qtbot.waitSignal(view.rendered, timeout=5000):
        view.in_button.click()
    assert view.zoom_label.text() == "125 %"

    wheel = QWheelEvent(
        QPointF(50, 50), QPointF(view.scroll_area.viewport().mapToGlobal(QPoint(50, 50))),
        QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    with qtbot.waitSignal(view.rendered, timeout=5000):
        QApplication.sendEvent(view.scroll_area.viewport(), wheel)
    assert view.zoom_label.text() == "100 %"

    with qtbot.waitSignal(view.rendered, timeout=5000):
        view.fit_button.click()
    assert view.fit_button.isChecked() and view.zoom() != 1.0


def test_a_long_pdf_is_rasterised_only_where_it_is_viewed(qtbot):
    dialog, rasterised = open_forty_pages(qtbot)
    view = dialog.view
    assert view.page_count() == 40 and view.page_text() == "Page 1 of 40"
    assert 0 in view.canvas.images() and len(rasterised) <= 3  # a few, not forty
    # The others are placeholders of their size: the scroll range is the whole PDF's.
    last = view.canvas.page_rect(39)
    assert last.size() == view.canvas.page_rect(0).size()
    assert last.bottom() > 39 * last.height()

    with qtbot.waitSignal(view.rendered, timeout=10000):
        qtbot.keyClick(view.scroll_area, Qt.Key.Key_End)
    assert view.page_text() == "Page 40 of 40"
    assert 39 in view.canvas.images() and 39 in rasterised
    assert len(rasterised) <= 6 and not set(rasterised) & set(range(5, 35))  # none between

    with qtbot.waitSignal(view.rendered, timeout=10000):
        qtbot.keyClick(view.scroll_area, Qt.Key.Key_PageUp)
    assert view.page_text() == "Page 39 of 40" and 38 in view.canvas.images()


def test_zoomed_in_far_pages_give_way_to_the_pixel_budget(qtbot):
    dialog, rasterised = open_forty_pages(qtbot)
    view = dialog.view
    with qtbot.waitSignal(view.rendered, timeout=10000):
        view.set_zoom(4.0)  # an A4 page is about 14 megapixels now
    assert view.zoom_label.text() == "400 %"
    image = view.canvas.images()[0]
    assert abs(image.width() - view.canvas.page_rect(0).width()) <= 1
    for number in (10, 20, 30, 40):
        with qtbot.waitSignal(view.rendered, timeout=20000):
            view.go_to_page(number)
        assert view.page_text() == f"Page {number} of 40"
        assert number - 1 in view.canvas.images()
        assert view.canvas.cached_pixels() <= PIXEL_BUDGET
    assert 0 not in view.canvas.images()  # far away: dropped
    assert len(set(rasterised)) < 15


def test_draft_preview_is_watermarked_and_not_stored(qtbot, page, books, db):
    dialog = open_preview(qtbot, page, books["draft"])
    assert dialog.windowTitle() == f"Invoice draft {books['draft']} — Preview"
    assert "not stored" in dialog.note.text()
    text = PdfReader(io.BytesIO(dialog.content())).pages[0].extract_text()
    assert "DRAFT" in text
    assert pdfs.list_versions(db, books["draft"]) == []


def test_preview_failure_is_shown_in_the_window(qtbot, ctx, page, answers):
    actions = PdfActions(ctx, page, lambda: [PdfTarget(9999, DocType.INVOICE, "RE-X", True)])
    actions.update()
    with qtbot.waitSignal(actions.finished, timeout=5000):
        actions["preview"].trigger()
    dialog = actions.preview_dialog
    assert dialog.view.page_count() == 0
    assert dialog.view.canvas.message.startswith("The PDF could not be made: there is no invoice")
    assert not dialog.save_button.isEnabled()
    assert answers.reports == []  # told in the window, not in a second message box


def test_rasteriser_delivers_only_the_newest_request(qtbot, db, books):
    long = pdfs.archived_pdf(db, books["long"]).content
    short = pdfs.pdf_for(db, books["draft"]).content
    rasteriser = Rasteriser()
    results = []
    rasteriser.done.connect(results.append)
    rasteriser.request(Request(long, zoom=2.0))
    rasteriser.request(Request(short, zoom=0.5))  # the first is stale from here on
    qtbot.waitUntil(lambda: not rasteriser.is_busy(), timeout=10000)
    assert len(results) == 1
    assert len(results[0].images) == page_count(short) and results[0].zoom == 0.5


def test_a_cancelled_rasterisation_hands_over_the_pages_it_finished(db, books):
    content = pdfs.archived_pdf(db, books["long"]).content
    checks = iter([False, False, True])  # a newer request comes during the second page
    with pytest.raises(Cancelled) as cancelled:
        rasterise(Request(content, zoom=0.5, pages=(2, 0, 1)), lambda: next(checks))
    assert list(cancelled.value.pages.images) == [2, 0]  # in the order asked
    assert cancelled.value.pages.content is content and cancelled.value.pages.zoom == 0.5


def test_pdfium_pages_and_bitmaps_are_closed_inside_the_lock(db, books, monkeypatch):
    """A bitmap has no parent: left to its finalizer it would be freed outside the lock."""
    import pypdfium2 as pdfium

    content = pdfs.archived_pdf(db, books["long"]).content
    closed: list[tuple[str, bool]] = []

    def recording(kind, close):
        def wrapper(self, *args, **kwargs):
            closed.append((kind, PDFIUM_LOCK.locked()))
            return close(self, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(pdfium.PdfBitmap, "close", recording("bitmap", pdfium.PdfBitmap.close))
    monkeypatch.setattr(pdfium.PdfPage, "close", recording("page", pdfium.PdfPage.close))
    pages = rasterise(Request(content, zoom=0.5))
    count = page_count(content)
    assert len(pages.images) == count
    assert sorted(closed) == [("bitmap", True)] * count + [("page", True)] * count


def test_save_and_open_from_the_preview(qtbot, page, books, answers, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    dialog = open_preview(qtbot, page, books["long"])
    target = tmp_path / "out" / "copy"
    target.parent.mkdir()
    suggested = []

    def save_name(_parent, _title, suggestion, _filter):
        suggested.append(suggestion)
        return str(target), "PDF documents (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    with qtbot.waitSignal(dialog.saved, timeout=1000) as saved:
        dialog.save_button.click()
    assert suggested[0].endswith("Invoice_RE-2026-0001.pdf")
    written = target.with_name("copy.pdf")  # ".pdf" added when left out
    assert saved.args == [str(written)] and written.read_bytes() == dialog.content()
    assert dialog.note.text() == f"Saved to {written}"

    dialog.open_button.click()
    assert answers.opened[-1].name == "Invoice_RE-2026-0001.pdf"
    assert answers.opened[-1].read_bytes() == dialog.content()
