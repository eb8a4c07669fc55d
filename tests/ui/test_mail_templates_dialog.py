"""Email Templates: the list by document type and language, editing with placeholders,
an unknown placeholder shown at its field, restoring a built-in text, own templates."""

from __future__ import annotations

# The fixtures come from test_mail_support; as test arguments they shadow the import.
# ruff: noqa: F811
import pytest

from invoicedesk.services import mail_templates
from invoicedesk.services.mail_types import DocKind
from invoicedesk.ui.mail.templates_dialog import TemplatesDialog
from tests.ui.test_mail_support import (  # noqa: F401 - fixtures
    answers,
    books,
    books_file,
    ctx,
    db,
)

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def dialog(qtbot, ctx, answers):
    widget = TemplatesDialog(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def stored(ctx, name: str, language: str) -> mail_templates.TemplateView:
    views = {(v.name, v.language): v for v in mail_templates.list_templates(ctx.db)}
    return views[(name, language)]


def test_lists_templates_by_document_type(dialog):
    groups = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert groups == ["Invoices", "Credit notes", "Reminders"]
    invoices = dialog.tree.topLevelItem(0)
    assert [invoices.child(i).text(0) for i in range(invoices.childCount())] == [
        "Invoice · German — built-in",
        "Invoice · English — built-in",
    ]
    assert dialog.subject.text().startswith("Rechnung")  # the first one is shown
    assert not dialog.name.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.remove_button.isHidden()  # nothing to delete or restore
    credit_notes = dialog.tree.topLevelItem(1)  # names, not ids ("credit_note · German")
    assert credit_notes.child(0).text(0) == "Credit note · German — built-in"
    dialog.tree.setCurrentItem(credit_notes.child(0))
    assert dialog.name.text() == "Credit note"


def test_an_unknown_placeholder_is_shown_at_its_field(qtbot, dialog, ctx, settle):
    dialog.tree.setCurrentItem(dialog.item_of("invoice", "en"))
    dialog.subject.setText("Invoice {invoice.numbr}")
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    assert not dialog.save_button.isEnabled()  # saving
    settle()
    assert dialog.save_button.isEnabled()  # refused: still to be saved
    box = dialog.errors.box("template.subject")
    assert box.has_error() and "did you mean {invoice.number}?" in box.message.text()
    assert stored(ctx, "invoice", "en").built_in  # nothing stored


def test_saving_a_built_in_and_restoring_it(qtbot, dialog, ctx, answers, settle):
    dialog.tree.setCurrentItem(dialog.item_of("invoice", "en"))
    dialog.subject.setText("Your invoice {invoice.number}")
    dialog.placeholders.setCurrentRow(list(mail_templates.PLACEHOLDERS).index("invoice.due_date"))
    dialog.body.setFocus()
    cursor = dialog.body.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    dialog.body.setTextCursor(cursor)
    dialog.insert_button.click()
    assert dialog.body.toPlainText().endswith("{invoice.due_date}")
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    settle()
    view = stored(ctx, "invoice", "en")
    assert view.overrides_built_in and view.subject == "Your invoice {invoice.number}"
    assert dialog.item_of("invoice", "en").text(0) == "Invoice · English — changed"
    assert dialog.remove_button.isVisible() and dialog.remove_button.text() == "&Restore built-in"
    dialog.remove_button.click()
    settle()
    assert answers.asked == ["Restore built-in template"]
    assert stored(ctx, "invoice", "en").built_in
    assert dialog.subject.text() == "Invoice {invoice.number} from {company.name}"


def test_a_new_template_of_its_own(qtbot, dialog, ctx, answers, settle):
    dialog.new_button.click()
    assert dialog.name.isEnabled() and dialog.name.text() == ""
    dialog.name.setText("friendly")
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.subject.setText("Hi {client.name}")
    dialog.body.setPlainText("{greeting},\n\nhere it is.")
    dialog.save_button.click()
    settle()
    assert stored(ctx, "friendly", "en").doc_type is DocKind.INVOICE
    assert dialog.item_of("friendly", "en") is dialog.tree.currentItem()
    assert not dialog.name.isEnabled()
    with qtbot.waitSignal(dialog.removed):
        dialog.remove_button.click()
    settle()
    assert answers.asked == ["Delete template"]
    assert dialog.item_of("friendly", "en") is None


def test_unsaved_changes_are_not_lost_without_asking(qtbot, dialog, answers):
    dialog.tree.setCurrentItem(dialog.item_of("invoice", "en"))
    dialog.body.setPlainText("Changed")
    answers.confirm = False
    dialog.tree.setCurrentItem(dialog.item_of("invoice", "de"))
    assert answers.asked == ["Unsaved template"]
    assert dialog.tree.currentItem() is dialog.item_of("invoice", "en")
    assert dialog.body.toPlainText() == "Changed"
    answers.confirm = True
    dialog.close()  # asks again; now the changes go
    assert answers.asked == ["Unsaved template", "Unsaved template"] and dialog.isHidden()
