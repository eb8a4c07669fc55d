"""Fixtures shared by the PDF tests of the desktop app (this module has no tests itself).

The books are written once per module through the services — issuing renders and
archives each PDF, so this is the slow part — and copied for every test:

- ``long``: an issued invoice of 60 lines (several pages),
- ``batch``: twelve issued one-line invoices,
- ``draft``: a draft.

``files.ui_settings`` points at an ini file of the test's own; questions are
answered by ``answers`` (``actions.confirm``/``report``) and nothing is handed
to the desktop (``files.open_url`` records what would have been opened).
"""

from __future__ import annotations

import gc
import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QThreadPool, QUrl
from PySide6.QtWidgets import QApplication

from invoicedesk.db.engine import Database, open_database
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoices.page import InvoicesPage
from invoicedesk.ui.pdf import actions as pdf_actions
from invoicedesk.ui.pdf import files
from tests.factories import TODAY, issued_invoice, line, make_client, make_draft

BATCH = 12


def fill_books(db: Database) -> dict[str, Any]:
    client = make_client(db, "Acme GmbH")
    long = issued_invoice(db, *[line(name=f"Service item {i + 1}") for i in range(60)],
                          client_id=client.id)  # fmt: skip
    batch = [issued_invoice(db, client_id=client.id).id for _ in range(BATCH)]
    draft = make_draft(db, client_id=client.id)
    return {"client": client.id, "long": long.id, "batch": batch, "draft": draft.id}


@pytest.fixture(scope="module")
def books_file(tmp_path_factory: pytest.TempPathFactory, migrated_file: Path) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("pdf-books") / "books.sqlite"
    shutil.copyfile(migrated_file, path)
    database = open_database(str(path))
    ids = fill_books(database)
    database.dispose()
    return path, ids


@pytest.fixture
def db(tmp_path: Path, books_file: tuple[Path, dict]):
    path = tmp_path / "test.sqlite"
    shutil.copyfile(books_file[0], path)
    database = open_database(str(path))
    yield database
    database.dispose()


@pytest.fixture
def books(books_file: tuple[Path, dict]) -> dict[str, Any]:
    return books_file[1]


@pytest.fixture
def ctx(db: Database):
    context = AppContext(db)
    yield context
    QThreadPool.globalInstance().waitForDone(20000)  # nothing may run once the file is closed
    QApplication.processEvents()
    for widget in QApplication.topLevelWidgets():  # previews and summaries left open
        widget.close()
    QApplication.processEvents()
    gc.collect()


@dataclass
class Answers:
    confirm: bool = True
    asked: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    opened: list[Path] = field(default_factory=list)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Answers:
    given = Answers()

    def confirm(_parent: Any, title: str, _text: str, _ok: str) -> bool:
        given.asked.append(title)
        return given.confirm

    def open_url(url: QUrl) -> bool:
        given.opened.append(Path(url.toLocalFile()))
        return True

    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(pdf_actions, "confirm", confirm)
    monkeypatch.setattr(pdf_actions, "report", lambda _p, _t, text: given.reports.append(text))
    monkeypatch.setattr(files, "open_url", open_url)
    monkeypatch.setattr(files, "ui_settings", lambda: settings)
    return given


def wait_idle(qtbot: Any, page: InvoicesPage, timeout: int = 10000) -> None:
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=timeout)


@pytest.fixture
def page(qtbot: Any, ctx: AppContext, books: dict[str, Any], answers: Answers) -> InvoicesPage:
    widget = InvoicesPage(ctx, today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    wait_idle(qtbot, widget)
    return widget


def page_count(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)
