"""Export PDFs…: the question (which invoices, where), the real process pool with progress,
Cancel, and the summary."""

from __future__ import annotations

# The fixtures come from test_pdf_support; as test arguments they shadow the import.
# ruff: noqa: F811
import hashlib
import threading

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from invoicedesk.services import pdfs
from invoicedesk.ui.pdf import export as export_module
from invoicedesk.ui.pdf.export import ExportChoice, ExportDialog, ExportOutcome, ExportRun, summary
from invoicedesk.ui.worker import cancel_all
from tests.ui.test_pdf_support import (  # noqa: F401 - fixtures
    BATCH,
    answers,
    books,
    books_file,
    ctx,
    db,
    page,
    wait_idle,
)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def export_to(monkeypatch, tmp_path):
    """Answer the Export question: all ``which`` ids ("selected" or "listed") into tmp/out."""
    asked: list[tuple[list[int], list[int]]] = []
    folder = tmp_path / "out"
    answer = {"which": "selected"}

    def ask(_parent, selected, listed):
        asked.append((list(selected), list(listed)))
        ids = selected if answer["which"] == "selected" else listed
        return ExportChoice(tuple(ids), folder) if answer["which"] else None

    monkeypatch.setattr(export_module, "ask_export", ask)
    return answer, asked, folder


def run_export(qtbot, page, timeout=60000):
    page.pdf_actions.export_jobs = 2  # the real process pool, two workers
    with qtbot.waitSignal(page.pdf_actions.finished, timeout=timeout):
        page.pdf_actions["export"].trigger()
    return page.pdf_actions.export_run


def test_export_twelve_selected_invoices_through_the_process_pool(qtbot, page, books, db,
                                                                   export_to):  # fmt: skip
    _answer, asked, folder = export_to
    page.select_ids(books["batch"])
    steps: list[tuple[int, int]] = []
    page.pdf_actions.export_jobs = 2
    with qtbot.waitSignal(page.pdf_actions.finished, timeout=60000):
        page.pdf_actions["export"].trigger()
        run = page.pdf_actions.export_run
        run.progressed.connect(lambda done, total: steps.append((done, total)))
    selected, listed = asked[0]
    assert sorted(selected) == sorted(books["batch"]) and len(listed) == BATCH + 2

    written = sorted(folder.glob("*.pdf"))
    assert len(written) == BATCH
    assert run.outcome.written and not run.outcome.failed and not run.outcome.cancelled
    for invoice_id in books["batch"]:  # each file is the invoice's archived PDF
        sha = pdfs.list_versions(db, invoice_id)[0].sha256
        assert any(hashlib.sha256(p.read_bytes()).hexdigest() == sha for p in written)
    assert steps and steps[-1] == (BATCH, BATCH)
    assert not shiboken6.isValid(run.progress) or not run.progress.isVisible()
    box = run.summary_box
    assert box.isVisible() and box.text() == f"Exported {BATCH} PDFs to {folder}."
    assert [b.text() for b in box.buttons()].count("&Open folder") == 1
    wait_idle(qtbot, page)


def test_cancel_after_the_first_progress(qtbot, page, books, export_to):
    _answer, _asked, folder = export_to
    page.select_ids(books["batch"])
    page.pdf_actions.export_jobs = 2

    def under_way() -> None:
        # Cancel the moment the worker reports its first PDFs (a click on Cancel sets the
        # same flag, only later: by then these few archived files would all be written).
        run.task.progressed.connect(
            lambda *_: run.task.cancel(), Qt.ConnectionType.DirectConnection
        )
        # And the click itself, once the report reaches the progress dialog.
        run.progressed.connect(lambda *_: run.progress.cancel())

    with qtbot.waitSignal(page.pdf_actions.finished, timeout=60000):
        page.pdf_actions["export"].trigger()
        run = page.pdf_actions.export_run
        run.started.connect(under_way)
    outcome = run.outcome
    assert outcome.cancelled
    assert 1 <= len(outcome.written) < BATCH
    assert len(list(folder.glob("*.pdf"))) == len(outcome.written)
    assert run.summary_box.text() == (
        f"Export cancelled: {len(outcome.written)} PDFs of {BATCH} written to {folder}."
    )


def test_quitting_stops_the_export_at_the_next_chunk(qtbot, ctx, page, books, tmp_path,
                                                     monkeypatch):  # fmt: skip
    """On quit the long-jobs pool waits for its job: cancel_all (aboutToQuit) must end it."""
    from invoicedesk.services import pdf_export

    export_pdfs = pdf_export.export_pdfs
    quit_seen = threading.Event()

    def export_until_quit(*args, progress, **kwargs):
        def report(done, total):
            progress(done, total)
            quit_seen.wait(20)  # the worker holds after its first chunk until the app "quits"

        return export_pdfs(*args, progress=report, **kwargs)

    monkeypatch.setattr(pdf_export, "export_pdfs", export_until_quit)

    def quitting(*_args) -> None:  # on the GUI thread, as aboutToQuit is
        cancel_all()
        quit_seen.set()

    folder = tmp_path / "out"
    run = ExportRun(ctx, page, jobs=1)
    run.progressed.connect(quitting)
    with qtbot.waitSignal(run.finished, timeout=30000):
        run.run(ExportChoice(tuple(books["batch"]), folder))
        assert run.task is not None and not run.task.is_cancelled()
    outcome = run.outcome
    assert outcome.cancelled
    assert 1 <= len(outcome.written) < BATCH  # the first chunk only
    assert sorted(folder.glob("*.pdf")) == sorted(outcome.written)
    assert run.summary_box.text().startswith("Export cancelled:")


def test_one_selected_row_offers_the_whole_list(qtbot, page, books, export_to):
    answer, asked, folder = export_to
    answer["which"] = "listed"
    page.select_ids([books["draft"]])
    run = run_export(qtbot, page)
    selected, listed = asked[0]
    assert selected == [books["draft"]]
    assert listed == page.model.ids()  # in the list's order
    assert len(list(folder.glob("*.pdf"))) == BATCH + 2
    assert run.outcome.written and not run.outcome.failed


def test_declined_export_does_nothing(qtbot, page, books, export_to):
    answer, asked, folder = export_to
    answer["which"] = None
    run = run_export(qtbot, page)
    assert asked and run.outcome is None and not folder.exists()


def test_failures_are_named_in_the_summary(qtbot, ctx, page, books, answers, tmp_path):
    from invoicedesk.ui.pdf.export import ExportRun

    run = ExportRun(ctx, page, jobs=1)
    with qtbot.waitSignal(run.finished, timeout=20000):
        run.run(ExportChoice((books["batch"][0], 9999), tmp_path / "out"))
    assert len(run.outcome.written) == 1
    assert run.outcome.failed == [("Invoice 9999", "there is no invoice with id 9999")]
    box = run.summary_box
    assert box.text() == f"Exported 1 PDF of 2 to {tmp_path / 'out'}."
    assert box.informativeText() == (
        "1 invoice could not be exported:\n• Invoice 9999: there is no invoice with id 9999"
    )


def test_summary_counts_and_lists(tmp_path):
    failed = [(f"RE-{i}", "broken") for i in range(10)]
    text, details = summary(ExportOutcome([tmp_path / "a.pdf"], failed, False, 11), tmp_path)
    assert text == f"Exported 1 PDF of 11 to {tmp_path}."
    assert details.splitlines()[0] == "10 invoices could not be exported:"
    assert details.splitlines()[-1] == "• … and 2 more"


def test_export_dialog_asks_which_and_where(qtbot, tmp_path):
    dialog = ExportDialog([7], [7, 8, 9], tmp_path)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    # One row selected: the whole list is the likelier wish.
    assert dialog.listed_button.isChecked()
    assert dialog.selected_button.text() == "The 1 invoice &selected"
    assert ok.text() == "&Export 3 PDFs"
    dialog.selected_button.setChecked(True)
    assert ok.text() == "&Export 1 PDF" and dialog.ids() == [7]
    dialog.folder.clear()
    assert not ok.isEnabled()
    dialog.folder.setText(str(tmp_path / "new" / "folder"))
    dialog.print_version.setChecked(True)
    dialog.accept()
    assert (tmp_path / "new" / "folder").is_dir()
    assert dialog.choice() == ExportChoice((7,), tmp_path / "new" / "folder", True)

    several = ExportDialog([7, 8], [7, 8, 9], tmp_path)
    qtbot.addWidget(several)
    assert several.selected_button.isChecked()
    nothing = ExportDialog([], [7, 8, 9], tmp_path)
    qtbot.addWidget(nothing)
    assert not nothing.selected_button.isEnabled() and nothing.listed_button.isChecked()
