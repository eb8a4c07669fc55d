"""An issued invoice in the editor: read-only, its payments and history, and the actions its
state allows (cancel, uncancel, clone, credit note); it follows changes made elsewhere."""

from __future__ import annotations

# The fixtures come from test_invoice_editor_support; as test arguments they shadow the import.
# ruff: noqa: F811
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from invoicedesk.core.lifecycle import STATE_LABELS, DocType, Status
from invoicedesk.services import clients, invoices
from tests.factories import issued_invoice, make_client, make_draft, pay
from tests.factories import line as make_line
from tests.ui.test_invoice_editor_support import (  # noqa: F401 - fixtures
    answers,
    ctx,
    open_editor,
    wait_idle,
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


def test_cancel_and_uncancel(qtbot, db, ctx, open_editor, answers):
    invoice = issued_invoice(db, make_line())
    editor = open_editor(invoice.id)
    with qtbot.waitSignal(ctx.bus.changed, timeout=5000) as changed:
        editor.ops.cancel.trigger()
    assert answers.asked == ["Cancel"]
    assert changed.args == ["invoice", [invoice.id]]
    assert invoices.get_invoice(db, invoice.id).status is Status.CANCELLED
    assert editor.badge.text().strip() == "Cancelled"
    assert editor.ops.uncancel.isVisible() and not editor.ops.cancel.isVisible()
    assert editor.windowTitle().startswith("Invoice RE-2026-0001")

    with qtbot.waitSignal(editor.reloaded, timeout=5000):
        qtbot.mouseClick(editor.ops.buttons[editor.ops.uncancel], Qt.MouseButton.LeftButton)
    assert invoices.get_invoice(db, invoice.id).status is Status.OPEN


def test_cancel_asks_first(db, open_editor, answers):
    invoice = issued_invoice(db, make_line())
    editor = open_editor(invoice.id)
    answers.confirm = False
    editor.ops.cancel.trigger()
    assert not editor.busy
    assert invoices.get_invoice(db, invoice.id).status is Status.OPEN


def test_clone_opens_the_new_draft(qtbot, db, open_editor):
    invoice = issued_invoice(db, make_line("3", "10.00", name="Widget"))
    editor = open_editor(invoice.id)
    with qtbot.waitSignal(editor.editor_opened, timeout=5000) as opened:
        editor.ops.clone.trigger()
    clone = opened.args[0]
    assert clone is not editor and clone.editable
    assert clone.windowTitle().startswith(f"Invoice draft {clone.invoice_id}")
    assert [r.name for r in clone.lines_model.rows()] == ["Widget"]
    assert clone.header.date.value() is None  # the new issue sets it
    assert invoices.get_invoice(db, clone.invoice_id).is_draft


def test_credit_note_opens_its_draft_for_the_same_client(qtbot, db, open_editor):
    invoice = issued_invoice(db, make_line("1", "100.00"))
    editor = open_editor(invoice.id)
    with qtbot.waitSignal(editor.editor_opened, timeout=5000) as opened:
        editor.ops.credit_note.trigger()
    note = opened.args[0]
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


def test_issue_refused_by_the_service_keeps_the_saved_draft(qtbot, db, open_editor):
    client = make_client(db)
    draft = make_draft(db, make_line(), client_id=client.id)
    editor = open_editor(draft.id)
    editor.texts.title.setText("Changed")
    clients.archive_client(db, client.id)  # archived clients get no new invoices
    with qtbot.waitSignal(editor.operation_failed, timeout=5000):
        editor.ops.issue.trigger()
    wait_idle(qtbot, editor)
    assert editor.editable and editor.invoice_id == draft.id
    assert "archived" in editor.problem_label.text()
    assert invoices.get_invoice(db, draft.id).is_draft


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
