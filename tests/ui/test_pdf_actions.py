"""PDF actions on the invoice list and in the editor: Save as, Open, Archive new version,
the Archived PDFs tab; enabled where the selection allows."""

from __future__ import annotations

# The fixtures come from test_pdf_support; as test arguments they shadow the import.
# ruff: noqa: F811
import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from invoicedesk.services import pdfs
from invoicedesk.ui.invoice_editor import open_invoice_editor
from invoicedesk.ui.invoice_editor import window as editor_window
from invoicedesk.ui.pdf import files
from invoicedesk.ui.pdf.versions import VersionRole, VersionsModel, file_size
from tests.ui.test_pdf_support import (  # noqa: F401 - fixtures
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
def save_dialog(monkeypatch, tmp_path):
    """QFileDialog's Save answered with a file in tmp_path; the suggestions are kept."""
    asked: list[str] = []
    folder = tmp_path / "saved"
    folder.mkdir()

    def answer(_parent, _title, suggestion, _filter):
        asked.append(suggestion)
        return str(folder / Path(suggestion).name), "PDF documents (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return asked, folder


@pytest.fixture
def editors(qtbot, ctx):
    opened = []

    def open_(invoice_id):
        editor = open_invoice_editor(ctx, invoice_id)
        opened.append(editor)
        qtbot.waitUntil(lambda: not editor.pdf.panel.is_loading(), timeout=5000)
        return editor

    yield open_
    for editor in opened:
        if editor in editor_window._OPEN:
            editor.close_now()


def enabled(page) -> set[str]:
    return {key for key, action in page.pdf_actions.by_key.items() if action.isEnabled()}


def test_actions_follow_the_selection(page, books):
    assert enabled(page) == {"export"}  # nothing selected: export what the list shows
    page.select_ids([books["draft"]])
    assert enabled(page) == {"preview", "save", "open", "export"}
    assert "select one issued invoice" in page.pdf_actions["archive"].toolTip()
    page.select_ids([books["long"]])
    assert enabled(page) == {"preview", "save", "open", "export", "archive"}
    page.select_ids(books["batch"][:2])
    assert enabled(page) == {"export"}
    # In the list Ctrl+P prints (the page's Print… action); the preview moves aside.
    assert page.pdf_actions["preview"].shortcut().toString() == "Ctrl+Shift+P"
    assert "(Ctrl+Shift+P)" in page.pdf_actions["preview"].toolTip()
    toolbar = page.toolbar.actions()
    assert page.pdf_actions["preview"] in toolbar and page.pdf_actions["export"] in toolbar


def test_save_pdf_as_writes_the_archived_version(qtbot, page, books, db, answers, save_dialog):
    asked, folder = save_dialog
    page.select_ids([books["long"]])
    with qtbot.waitSignal(page.pdf_actions.finished, timeout=10000):
        page.pdf_actions["save"].trigger()
    written = folder / "Invoice_RE-2026-0001.pdf"
    assert Path(asked[0]).name == "Invoice_RE-2026-0001.pdf"
    newest = pdfs.list_versions(db, books["long"])[0]
    assert hashlib.sha256(written.read_bytes()).hexdigest() == newest.sha256
    assert answers.reports == []

    # The folder is remembered: the next Save as starts there.
    assert files.remembered_folder(files.SAVE_FOLDER_KEY) == folder
    page.select_ids([books["batch"][0]])
    with qtbot.waitSignal(page.pdf_actions.finished, timeout=10000):
        page.pdf_actions["save"].trigger()
    assert Path(asked[1]).parent == folder


def test_save_refused_by_the_disk_is_reported(qtbot, page, books, answers, monkeypatch, tmp_path):
    missing = tmp_path / "no-such-folder" / "x.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_: (str(missing), ""))
    page.select_ids([books["long"]])
    with qtbot.waitSignal(page.pdf_actions.finished, timeout=10000):
        page.pdf_actions["save"].trigger()
    assert len(answers.reports) == 1 and answers.reports[0].startswith("The PDF was not saved:")
    assert "No such file or directory" in answers.reports[0]


def test_open_pdf_hands_a_temporary_copy_to_the_viewer(qtbot, page, books, db, answers):
    page.select_ids([books["long"]])
    with qtbot.waitSignal(page.pdf_actions.finished, timeout=10000):
        page.pdf_actions["open"].trigger()
    (path,) = answers.opened
    assert path.name == "Invoice_RE-2026-0001.pdf"
    assert path.read_bytes() == pdfs.archived_pdf(db, books["long"]).content


def test_archive_new_version_from_the_list(qtbot, page, books, db, answers, settle):
    page.select_ids([books["long"]])
    with qtbot.waitSignal(page.ctx.bus.changed, timeout=10000) as changed:
        page.pdf_actions["archive"].trigger()
        assert not page.pdf_actions["archive"].isEnabled() and page.pdf_actions.busy()
    settle()
    assert answers.asked == ["Archive new version"]
    assert changed.args == ["invoice", [books["long"]]]
    assert [v.version for v in pdfs.list_versions(db, books["long"])] == [2, 1]
    wait_idle(qtbot, page)
    assert page.pdf_actions["archive"].isEnabled()  # the archiving ended

    answers.confirm = False  # asked and declined: nothing happens
    page.pdf_actions["archive"].trigger()
    assert len(pdfs.list_versions(db, books["long"])) == 2


def test_editor_lists_archived_versions_and_archives_a_new_one(qtbot, ctx, db, books, answers,
                                                               editors, settle):  # fmt: skip
    editor = editors(books["long"])
    panel = editor.pdf.panel
    assert editor.tabs.isTabVisible(editor.tabs.indexOf(panel))
    assert panel.model.rowCount() == 1
    first = pdfs.list_versions(db, books["long"])[0]
    row = [panel.model.index(0, c).data() for c in range(panel.model.columnCount())]
    assert row[:2] == ["1", "Invoice"] and row[3] == file_size(first.size)
    assert row[4] == "Classic" and row[5] == first.sha256[:12]

    with qtbot.waitSignal(panel.loaded, timeout=10000):
        editor.pdf.actions["archive"].trigger()
    settle()
    assert panel.model.rowCount() == 2
    assert panel.model.index(0, 0).data() == "2"  # newest first
    assert panel.table.currentIndex().row() == 0

    # Double-click the older version: exactly its stored bytes are shown.
    editor.tabs.setCurrentWidget(panel)
    older = panel.model.index(1, 0).data(VersionRole)
    rect = panel.table.visualRect(panel.model.index(1, 0))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = panel.preview_dialog
    qtbot.waitUntil(lambda: dialog.view.page_count() > 0, timeout=10000)
    assert dialog.windowTitle() == "Invoice RE-2026-0001, version 1 — Preview"
    assert dialog.content() == pdfs.version_content(db, older.id)
    assert hashlib.sha256(dialog.content()).hexdigest() == older.sha256


def test_editor_preview_with_ctrl_p_and_no_archive_for_drafts(qtbot, books, answers, editors):
    editor = editors(books["draft"])
    panel = editor.pdf.panel
    assert not editor.tabs.isTabVisible(editor.tabs.indexOf(panel))
    assert not editor.pdf.actions["archive"].isVisible()
    assert editor.pdf.preview_button.isEnabled()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=3000)
    with qtbot.waitSignal(editor.pdf.actions.finished, timeout=10000):
        qtbot.keyClick(editor, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = editor.pdf.actions.preview_dialog
    assert dialog.windowTitle() == f"Invoice draft {books['draft']} — Preview"
    assert dialog.content() is not None


def test_versions_model_passes_the_model_tester(qtmodeltester, db, books):
    pdfs.archive_new_version(db, books["long"])
    model = VersionsModel()
    model.set_versions(pdfs.list_versions(db, books["long"]))
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    model.set_versions([])
    qtmodeltester.check(model)


def test_issuing_in_the_editor_shows_the_archived_pdf(qtbot, books, answers, editors, monkeypatch):
    from invoicedesk.ui.invoice_editor import prompts

    monkeypatch.setattr(prompts, "confirm", lambda *_args: True)
    editor = editors(books["draft"])
    panel = editor.pdf.panel
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        editor.ops.issue.trigger()
    assert editor.tabs.isTabVisible(editor.tabs.indexOf(panel))
    assert editor.pdf.actions["archive"].isVisible() and editor.pdf.actions["archive"].isEnabled()
    assert [panel.model.index(0, c).data() for c in (0, 1)] == ["1", "Invoice"]
    assert panel.title == "Invoice RE-2026-0014"
