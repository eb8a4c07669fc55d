"""The PDF preview: every page as an image, the page counter, keys, zoom; drafts and errors."""

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
from invoicedesk.ui.pdf.raster import PDFIUM_LOCK, PIXELS_PER_POINT, Rasteriser, Request, rasterise
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


def test_preview_shows_every_page_of_a_long_invoice(qtbot, page, books, db):
    dialog = open_preview(qtbot, page, books["long"])
    assert dialog.windowTitle() == "Invoice RE-2026-0001 — Preview"
    archived = pdfs.archived_pdf(db, books["long"])
    assert dialog.content() == archived.content  # issued: exactly the archived bytes
    pages = page_count(archived.content)
    assert pages >= 3
    view = dialog.view
    assert view.page_count() == pages
    images = view.canvas.images()
    assert len(images) == pages and not any(image.isNull() for image in images)
    # Fit width: every page as wide as the view allows, at the zoom the view reports.
    expected = view.canvas.page_sizes()[0].width() * view.zoom() * PIXELS_PER_POINT
    assert abs(images[0].width() / images[0].devicePixelRatio() - expected) <= 1
    assert view.page_text() == f"Page 1 of {pages}"
    assert "archived" in dialog.note.text()
    assert dialog.save_button.isEnabled() and dialog.open_button.isEnabled()


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
