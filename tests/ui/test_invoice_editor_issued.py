"""An issued invoice in the editor: read-only, its payments and history, and the actions its
state allows (cancel, uncancel, clone, credit note); it follows changes made elsewhere."""

from __future__ import annotations

# The fixtures come from test_invoice_editor_support; as test arguments they shadow the import.
# ruff: noqa: F811
from decimal import Decimal

import pytest
import shiboken6
from PySide6.QtCore import Qt

from invoicedesk.core.errors import NotFoundError
from invoicedesk.core.lifecycle import STATE_LABELS, DocType, Status
from invoicedesk.services import clients, invoices
from tests.factories import issued_invoice, make_client, make_draft, pay
from tests.factories import line as make_line
from tests.ui.test_invoice_editor_support import (  # noqa: F401 - fixtures
    answers,
    ctx,
    open_editor,
)

D = Decimal


def test_issued_invoice_opens_read_only_with_its_record(db, open_editor):
    invoice = issued_invoice(db, make_line("2", "50.00"))
    pay(db, invoice.id, "20.00")
    editor = open_editor(invoice.id)
    assert editor.windowTitle() == "Invoice RE-2026-0001 — Acme GmbH"
    assert not editor.isWindowModified()
    assert "paid 20.00, open 99.00" in editor.status_text.text()
    state = invoices.get_invoice(db, invoice.id).state  # partly paid, or overdue by now
    assert editor.badge.text().strip() == STATE_LABELS[state]
    assert not editor.save_button.isVisible() and not editor.issue_button.isVisible()
    assert editor.tabs.isTabVisible(editor.tabs.indexOf(editor.payments_view))
    assert editor.payments_model.rowCount() == 1
    assert editor.payments_model.index(0, 1).data() == "20.00"
    history = [
        editor.history_model.index(r, 1).data() for r in range(editor.history_model.rowCount())
    ]
    assert "Invoice RE-2026-0001 issued" in history
    # It has payments: cancelling is refused up front, with the reason.
    assert editor.ops.cancel.isVisible() and not editor.ops.cancel.isEnabled()
    assert "credit note" in editor.ops.cancel.toolTip()
    assert editor.ops.credit_note.isEnabled() and editor.ops.record_payment.isEnabled()
    assert editor.totals.value("gross") == "119.00"
    assert not editor.lines.buttons[0].isVisibleTo(editor)


def test_payment_recorded_elsewhere_shows_at_once(qtbot, db, ctx, open_editor):
    invoice = issued_invoice(db, make_line("1", "100.00"))
    editor = open_editor(invoice.id)
    assert editor.ops.cancel.isEnabled()
    pay(db, invoice.id, "119.00")
    with qtbot.waitSignal(editor.reloaded, timeout=2000):
        ctx.bus.notify("payment", [invoice.id])
    assert editor.payments_model.rowCount() == 1
    assert editor.badge.text().strip() == "Paid"
    assert not editor.ops.record_payment.isVisible()
    assert not editor.ops.cancel.isEnabled()


def test_cancel_and_uncancel(qtbot, db, ctx, open_editor, answers, settle):
    invoice = issued_invoice(db, make_line())
    editor = open_editor(invoice.id)
    heard: list[tuple[str, list[int]]] = []
    ctx.bus.changed.connect(lambda kind, ids: heard.append((kind, ids)))
    editor.ops.cancel.trigger()
    assert editor.busy and not editor.ops.cancel.isEnabled()  # while it runs
    settle()
    assert answers.asked == ["Cancel Invoice RE-2026-0001"]
    assert heard == [("invoice", [invoice.id])]
    assert not editor.busy
    assert invoices.get_invoice(db, invoice.id).status is Status.CANCELLED
    assert editor.badge.text().strip() == "Cancelled"
    assert editor.ops.uncancel.isVisible() and not editor.ops.cancel.isVisible()
    assert editor.windowTitle().startswith("Invoice RE-2026-0001")

    qtbot.mouseClick(editor.ops.buttons[editor.ops.uncancel], Qt.MouseButton.LeftButton)
    settle()
    assert invoices.get_invoice(db, invoice.id).status is Status.OPEN
    assert editor.badge.text().strip() != "Cancelled" and editor.ops.cancel.isEnabled()


def test_cancel_asks_first(db, open_editor, answers):
    invoice = issued_invoice(db, make_line())
    editor = open_editor(invoice.id)
    answers.confirm = False
    editor.ops.cancel.trigger()
    assert not editor.busy
    assert invoices.get_invoice(db, invoice.id).status is Status.OPEN


def test_clone_opens_the_new_draft(qtbot, db, ctx, open_editor, settle):
    invoice = issued_invoice(db, make_line("3", "10.00", name="Widget"))
    editor = open_editor(invoice.id)
    opened: list = []
    editor.editor_opened.connect(opened.append)
    heard: list[tuple[str, list[int]]] = []
    ctx.bus.changed.connect(lambda kind, ids: heard.append((kind, ids)))
    editor.ops.clone.trigger()
    settle()
    (clone,) = opened
    assert heard == [("invoice", [clone.invoice_id, invoice.id])]
    assert clone is not editor and clone.editable
    assert clone.windowTitle().startswith(f"Invoice draft {clone.invoice_id}")
    assert [r.name for r in clone.lines_model.rows()] == ["Widget"]
    assert clone.header.date.value() is None  # the new issue sets it
    assert invoices.get_invoice(db, clone.invoice_id).is_draft


def test_credit_note_opens_its_draft_for_the_same_client(qtbot, db, open_editor, settle):
    invoice = issued_invoice(db, make_line("1", "100.00"))
    editor = open_editor(invoice.id)
    opened: list = []
    editor.editor_opened.connect(opened.append)
    editor.ops.credit_note.trigger()
    settle()
    (note,) = opened
    view = invoices.get_invoice(db, note.invoice_id)
    assert view.doc_type is DocType.CREDIT_NOTE and view.corrects_id == invoice.id
    assert note.windowTitle().startswith(f"Credit note draft {view.id}")
    assert note.editable and not note.header.client.isEnabled()  # stays with the invoice's client
    assert not note.header.currency.isEnabled()
    assert "Corrects invoice RE-2026-0001" in note.status_text.text()
    assert note.issue_button.text() == "Issue credit note…"
    # The invoice's own history now mentions the credit note draft.
    history = [
        editor.history_model.index(r, 1).data() for r in range(editor.history_model.rowCount())
    ]
    assert any("Credit note draft" in entry for entry in history)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen platform
def test_opening_an_open_invoice_again_brings_its_window_forward(db, open_editor):
    invoice = issued_invoice(db, make_line())
    first = open_editor(invoice.id)
    assert open_editor(invoice.id) is first


def test_issue_refused_by_the_service_keeps_the_saved_draft(
    qtbot, db, open_editor, answers, settle
):
    client = make_client(db)
    draft = make_draft(db, make_line(), client_id=client.id)
    editor = open_editor(draft.id)
    editor.texts.title.setText("Changed")
    clients.archive_client(db, client.id)  # archived clients get no new invoices
    failed: list[str] = []
    editor.operation_failed.connect(failed.append)
    editor.ops.issue.trigger()
    settle()
    assert len(failed) == 1 and "archived" in failed[0]
    assert not editor.busy
    assert editor.editable and editor.invoice_id == draft.id
    assert "archived" in editor.problem_label.text()
    assert invoices.get_invoice(db, draft.id).is_draft
    assert answers.told == []  # at the field, not in a message


def test_deleting_a_draft_closes_its_window_and_tells_the_lists(
    qtbot, db, ctx, open_editor, answers, settle
):
    draft = make_draft(db, make_line(), client_id=make_client(db).id)
    editor = open_editor(draft.id)
    heard: list[tuple[str, list[int]]] = []
    ctx.bus.changed.connect(lambda kind, ids: heard.append((kind, ids)))
    editor.ops.delete.trigger()
    assert answers.asked == ["Delete draft"]
    settle()
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor), timeout=5000)
    assert heard == [("invoice", [draft.id])]
    with pytest.raises(NotFoundError):
        invoices.get_invoice(db, draft.id)


def test_a_refusal_without_a_field_is_said_in_a_message(qtbot, db, open_editor, answers, settle):
    invoice = issued_invoice(db, make_line())
    editor = open_editor(invoice.id)
    invoices.cancel(db, invoice.id)  # meanwhile, elsewhere (nobody told this window)
    editor.ops.cancel.trigger()
    settle()
    # The title and the text of the message (the same as before operations).
    assert answers.told == [
        "Not cancelled: Not cancelled: Invoice RE-2026-0001 is already cancelled"
    ]
    assert not editor.busy


def test_status_line_says_when_and_to_whom_it_was_emailed(db):
    import dataclasses
    import datetime as dt

    from invoicedesk.ui import formatting
    from invoicedesk.ui.invoice_editor.status import status_line

    view = invoices.get_invoice(db, issued_invoice(db, make_line()).id)
    assert "emailed" not in status_line(view, "EUR")
    sent = dataclasses.replace(
        view, sent_at=dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC), sent_to=("a@b.example",)
    )
    day = formatting.date(sent.sent_at.astimezone().date())
    assert status_line(sent, "EUR").endswith(f"emailed {day} to a@b.example")
