"""Cancelling an invoice asks a question that names the invoice, and its two buttons say
what they do: "Cancel Invoice" and "Keep Invoice" — no "Cancel" beside "Cancel invoice"."""

from __future__ import annotations

# The fixtures come from the modules below; as test arguments they shadow the imports.
# ruff: noqa: F811
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from invoicedesk.core.lifecycle import State, Status
from invoicedesk.services import invoices
from invoicedesk.ui import messages
from invoicedesk.ui.invoice_editor import prompts
from invoicedesk.ui.invoices import actions as actions_module
from tests.factories import issued_invoice
from tests.factories import line as make_line
from tests.ui.test_invoice_editor_support import answers, open_editor  # noqa: F401
from tests.ui.test_invoices_page import (  # noqa: F401 - fixtures
    books,
    books_file,
    ctx,
    db,
    page,
    state_of,
    wait_idle,
)
from tests.ui.test_mnemonics import clashes

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def described(qtbot, box: QMessageBox) -> dict[str, Any]:
    qtbot.addWidget(box)
    box.show()
    return {
        "title": box.windowTitle(),
        "buttons": sorted(b.text() for b in box.buttons()),
        "escape": box.escapeButton().text(),
        "clashes": clashes(box),
    }


def test_the_editor_asks_to_cancel_invoice_or_keep_it(qtbot, db, ctx, open_editor, monkeypatch):
    invoice = issued_invoice(db, make_line())
    editor = open_editor(invoice.id)
    asked: list[dict[str, Any]] = []

    def confirm(*args: Any, **kwargs: Any) -> bool:
        asked.append(described(qtbot, prompts.confirm_box(*args, **kwargs)[0]))
        return False  # Keep Invoice

    monkeypatch.setattr(prompts, "confirm", confirm)
    editor.ops.cancel.trigger()
    assert asked == [{
        "title": f"Cancel Invoice {invoice.number}",
        "buttons": ["&Cancel Invoice", "&Keep Invoice"],
        "escape": "&Keep Invoice",
        "clashes": {},
    }]  # fmt: skip
    assert invoices.get_invoice(db, invoice.id).status is not Status.CANCELLED


def test_the_list_asks_the_same(qtbot, page, books, monkeypatch):
    asked: list[dict[str, Any]] = []

    def confirm(*args: Any, **kwargs: Any) -> bool:
        asked.append(described(qtbot, messages.confirm_box(*args, **kwargs)[0]))
        return False

    monkeypatch.setattr(actions_module, "confirm", confirm)
    page.select_ids([books["open"]])
    page.actions_["cancel"].trigger()
    page.select_ids([books["open"], books["overdue"]])
    page.actions_["cancel"].trigger()
    number = invoices.get_invoice(page.ctx.db, books["open"]).number
    assert asked == [
        {
            "title": f"Cancel Invoice {number}",
            "buttons": ["&Cancel Invoice", "&Keep Invoice"],
            "escape": "&Keep Invoice",
            "clashes": {},
        },
        {
            "title": "Cancel 2 Invoices",
            "buttons": ["&Cancel Invoices", "&Keep Invoices"],
            "escape": "&Keep Invoices",
            "clashes": {},
        },
    ]
    wait_idle(qtbot, page)
    assert state_of(page, books["open"]) is State.OPEN  # kept
