"""Fixtures and helpers shared by the invoice editor tests (this module has no tests itself).

The editor asks its questions through ``invoice_editor.prompts``; the ``answers``
fixture answers them (and records what was asked), so no test ever blocks on a
modal message box. ``open_editor`` opens editors and closes every one of them
at the end, after the write worker and the worker pool have finished. After a write,
a test waits with the ``settle`` fixture (tests/ui/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QLineEdit

from invoicedesk.services import products
from invoicedesk.services.inputs import ProductInput
from invoicedesk.ui import operations
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoice_editor import InvoiceEditor, open_invoice_editor, prompts
from invoicedesk.ui.invoice_editor import window as editor_window

D = Decimal
INVOICE_DATE = dt.date(2026, 3, 16)


@dataclass
class Answers:
    confirm: bool = True
    unsaved: prompts.Unsaved = prompts.Unsaved.DISCARD
    asked: list[str] = field(default_factory=list)
    told: list[str] = field(default_factory=list)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    given = Answers()

    def confirm(
        _parent: Any, title: str, _text: str, _details: str, _action: str, **_kwargs: Any
    ) -> bool:
        given.asked.append(title)
        return given.confirm

    def ask_unsaved(_parent: Any, what: str) -> prompts.Unsaved:
        given.asked.append(f"unsaved: {what}")
        return given.unsaved

    def tell(_parent: Any, title: str, text: str) -> None:
        given.told.append(f"{title}: {text}")

    monkeypatch.setattr(prompts, "confirm", confirm)
    monkeypatch.setattr(prompts, "ask_unsaved", ask_unsaved)
    monkeypatch.setattr(prompts, "inform", tell)
    monkeypatch.setattr(prompts, "fail", tell)
    return given


@pytest.fixture
def ctx(db: Any) -> AppContext:
    return AppContext(db)


@pytest.fixture
def open_editor(
    ctx: AppContext, answers: Answers, qtbot: Any
) -> Iterator[Callable[..., InvoiceEditor]]:
    def open_(invoice_id: int | None = None, **kwargs: Any) -> InvoiceEditor:
        editor = open_invoice_editor(ctx, invoice_id, **kwargs)
        editor.resize(1280, 800)
        return editor

    yield open_
    operations.write_pool().waitForDone(5000)
    QThreadPool.globalInstance().waitForDone(5000)
    QApplication.processEvents()
    answers.unsaved = prompts.Unsaved.DISCARD
    for editor in list(editor_window._OPEN):
        if shiboken6.isValid(editor) and editor.ctx is ctx:
            editor.close_now()
    QApplication.processEvents()


@pytest.fixture
def catalogue(db: Any) -> dict[str, products.ProductView]:
    consulting = products.create_product(
        db,
        ProductInput(
            name="Consulting hour",
            unit_price=D("95.00"),
            tax_rate=D(19),
            unit="h",
            description="Senior consultant",
        ),
    )
    manual = products.create_product(
        db, ProductInput(name="Printed manual", unit_price=D("24.50"), tax_rate=D(7), unit="pcs")
    )
    return {"consulting": consulting, "manual": manual}


# --------------------------------------------------------------------------- driving cells


def cell(editor: InvoiceEditor, row: int, key: str) -> QModelIndex:
    model = editor.lines_model
    return model.index(row, model.column_of(key))


def type_in_cell(qtbot: Any, editor: InvoiceEditor, row: int, key: str, text: str) -> None:
    """Open the cell's editor as a double-click would, type ``text`` and press Enter."""
    view = editor.lines.view
    index = cell(editor, row, key)
    if view.indexWidget(index) is None:  # "Add line" may have opened it already
        view.setCurrentIndex(index)
        view.edit(index)
    widget = view.indexWidget(index)
    assert isinstance(widget, QLineEdit), f"no line editor on {key}"
    widget.selectAll()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    # Qt commits on Return through a queued call; wait for it, as the event loop would.
    qtbot.waitUntil(lambda: view.indexWidget(index) is None, timeout=2000)


def choose_in_cell(qtbot: Any, editor: InvoiceEditor, row: int, key: str, text: str) -> None:
    """Open a combo cell and pick the entry starting with ``text`` by typing it."""
    view = editor.lines.view
    index = cell(editor, row, key)
    view.setCurrentIndex(index)
    view.edit(index)
    widget = view.indexWidget(index)
    assert widget is not None
    qtbot.keyClicks(widget, text)  # a new choice commits at once
    if view.indexWidget(index) is not None:
        qtbot.keyClick(widget, Qt.Key.Key_Return)  # the shown one is confirmed with Enter
    qtbot.waitUntil(lambda: view.indexWidget(index) is None, timeout=2000)


def focus(qtbot: Any, widget: Any) -> None:
    """Give ``widget`` the keyboard focus (its window active), as a click would."""
    widget.window().activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=2000)
