"""File → Print: the invoice's PDF printed through Qt's printing, into a PDF file that
is read back (pypdf, pdftoppm), and the list's Print… action."""

from __future__ import annotations

import gc
import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from invoicedesk.services import pdfs
from invoicedesk.ui import operations
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoices.page import InvoicesPage
from invoicedesk.ui.pdf import printing
from invoicedesk.ui.pdf.printing import print_invoice
from tests.factories import TODAY, issued_invoice, line, make_client, make_draft
from tests.tools import need

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def ctx(db):
    context = AppContext(db)
    yield context
    operations.write_pool().waitForDone(5000)
    QThreadPool.globalInstance().waitForDone(5000)
    gc.collect()


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def dark_share(png: Path) -> float:
    """The share of a page image's pixels that are not near white (printed content)."""
    image = QImage(str(png)).scaled(200, 283)
    dark = sum(
        1 for y in range(image.height()) for x in range(image.width())
        if image.pixelColor(x, y).lightness() < 160
    )  # fmt: skip
    return dark / (image.width() * image.height())


def test_an_issued_invoice_prints_its_archived_pdf(qtbot, ctx, db, parent, tmp_path):
    invoice = issued_invoice(db, client_id=make_client(db, "Druckerei Schwarz").id)
    out = tmp_path / "printed.pdf"
    job = print_invoice(parent, ctx, invoice.id, printer=pdf_printer(out))
    with qtbot.waitSignal(job.finished, timeout=20000) as ended:
        pass
    assert ended.args == [f"{pdfs.pdf_for(db, invoice.id).filename[:-4]} sent to the printer"]
    source = PdfReader(io.BytesIO(pdfs.pdf_for(db, invoice.id).content))
    assert len(PdfReader(out).pages) == len(source.pages) >= 1
    subprocess.run([need("pdftoppm"), "-png", "-r", "40", str(out), str(tmp_path / "p")],
                   check=True)  # fmt: skip
    pages = sorted(tmp_path.glob("p*.png"))
    assert len(pages) == len(source.pages)
    assert 0.002 < dark_share(pages[0]) < 0.5  # the invoice, not a blank or black page


def test_a_long_draft_prints_every_page_or_the_range_asked(qtbot, ctx, db, parent, tmp_path):
    lines = [line(name=f"Position {n}") for n in range(90)]
    draft = make_draft(db, *lines)
    count = len(PdfReader(io.BytesIO(pdfs.pdf_for(db, draft.id).content)).pages)
    assert count >= 3
    everything = tmp_path / "all.pdf"
    job = print_invoice(parent, ctx, draft.id, printer=pdf_printer(everything))
    with qtbot.waitSignal(job.finished, timeout=30000):
        pass
    assert len(PdfReader(everything).pages) == count
    second = pdf_printer(tmp_path / "second.pdf")
    second.setPrintRange(QPrinter.PrintRange.PageRange)
    second.setFromTo(2, 2)
    job = print_invoice(parent, ctx, draft.id, printer=second)
    with qtbot.waitSignal(job.finished, timeout=30000):
        pass
    assert len(PdfReader(tmp_path / "second.pdf").pages) == 1


def test_print_action_asks_the_dialog_and_prints_one_invoice(
    qtbot, ctx, db, parent, tmp_path, monkeypatch
):
    client = make_client(db, "Acme GmbH")
    first = issued_invoice(db, client_id=client.id)
    issued_invoice(db, client_id=client.id)
    asked: list[tuple[str, int]] = []
    out = tmp_path / "from-action.pdf"

    def choose(_parent: QWidget, printer: QPrinter, title: str, pages: int) -> bool:
        asked.append((title, pages))
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    monkeypatch.setattr(printing, "choose_printer", choose)
    page = InvoicesPage(ctx, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.is_busy() and page.model.rowCount() == 2)
    action = page.actions_["print"]
    assert page.print_action is action  # the window's File › Print (Ctrl+P) triggers it
    # Ctrl+P is the window's alone (two actions on one key: neither fires).
    keys = [a.shortcut() for a in page.actions() if not a.shortcut().isEmpty()]
    assert QKeySequence(QKeySequence.StandardKey.Print) not in keys
    assert not action.isEnabled()  # nothing selected
    page.table.selectAll()
    assert not action.isEnabled()  # two selected
    page.select_ids([first.id])
    assert action.isEnabled()
    messages: list[str] = []
    page.status_message.connect(messages.append)
    action.trigger()
    job = page.actions_.print_job
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=20000):
        pass
    assert asked == [(f"Print {pdfs.pdf_for(db, first.id).filename[:-4]}", 1)]
    assert messages[-1].endswith("sent to the printer")
    assert len(PdfReader(out).pages) == 1


def test_a_cancelled_dialog_prints_nothing(qtbot, ctx, db, parent, tmp_path, monkeypatch):
    invoice = issued_invoice(db)
    monkeypatch.setattr(printing, "choose_printer", lambda *_args: False)
    job = print_invoice(parent, ctx, invoice.id)
    with qtbot.waitSignal(job.finished, timeout=20000) as ended:
        pass
    assert ended.args == ["Printing cancelled"]
