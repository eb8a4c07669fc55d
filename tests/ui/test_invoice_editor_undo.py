"""Undo and redo of the discount on the whole invoice: one step per visit of the field, like
a cell edit, by the Edit menu and by Ctrl+Z / Ctrl+Shift+Z in the field itself."""

from __future__ import annotations

# The fixtures come from test_invoice_editor_support; as test arguments they shadow the import.
# ruff: noqa: F811
from decimal import Decimal

from PySide6.QtCore import Qt

from invoicedesk.core.document import Discount
from tests.factories import line as make_line
from tests.factories import make_client, make_draft
from tests.ui.test_invoice_editor_support import (  # noqa: F401 - fixtures
    answers,
    ctx,
    focus,
    open_editor,
)

D = Decimal
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def retype(qtbot, editor, text: str) -> None:
    """Select all in the discount field and type ``text`` over it, then leave the field."""
    edit = editor.extras.discount
    editor.tabs.setCurrentWidget(editor.extras)
    focus(qtbot, edit)
    qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def test_typing_a_discount_is_one_step_undone_and_redone(qtbot, db, open_editor):
    draft = make_draft(db, make_line("1", "100.00", name="Work"), client_id=make_client(db).id)
    editor = open_editor(draft.id)
    discount = editor.extras.discount
    retype(qtbot, editor, "10%")
    assert editor.current.input.discount == Discount(percent=D(10))
    assert editor.totals.value("gross") == "107.10"
    assert editor.isWindowModified()
    assert editor.undo_action.text() == "&Undo Edit discount on the whole invoice"
    editor.tabs.setCurrentIndex(0)  # elsewhere: the undo shows the field it changes

    editor.undo_action.trigger()  # the three letters are one step
    assert discount.text() == ""
    assert editor.current.input.discount is None
    assert editor.totals.value("gross") == "119.00"
    assert not editor.isWindowModified()  # back to the saved state
    assert editor.tabs.currentWidget() is editor.extras
    assert not editor.undo_stack.canUndo()

    editor.redo_action.trigger()
    assert discount.text() == "10%"
    assert editor.totals.value("gross") == "107.10"


def test_changing_the_kind_is_undone_to_the_percentage(qtbot, db, open_editor):
    draft = make_draft(
        db, make_line("1", "100.00", name="Work"), client_id=make_client(db).id,
        discount=Discount(percent=D(10)),
    )  # fmt: skip
    editor = open_editor(draft.id)
    discount = editor.extras.discount
    assert discount.text() == "10%"  # loading is no step
    assert not editor.undo_stack.canUndo()

    retype(qtbot, editor, "5.00")  # an amount instead of a percentage
    retype(qtbot, editor, "20%")  # a second visit: a second step
    assert editor.undo_stack.count() == 2
    editor.undo_action.trigger()
    assert editor.current.input.discount == Discount(amount=D("5.00"))
    assert editor.totals.value("gross") == "113.05"
    editor.undo_action.trigger()
    assert editor.current.input.discount == Discount(percent=D(10))
    assert not editor.isWindowModified()
    editor.redo_action.trigger()
    editor.redo_action.trigger()
    assert discount.text() == "20%"
    assert editor.totals.value("gross") == "95.20"


def test_ctrl_z_in_the_field_undoes_on_the_editors_stack(qtbot, db, open_editor):
    draft = make_draft(db, make_line("1", "100.00", name="Work"), client_id=make_client(db).id)
    editor = open_editor(draft.id)
    discount = editor.extras.discount
    editor.tabs.setCurrentWidget(editor.extras)
    focus(qtbot, discount)
    qtbot.keyClicks(discount, "10%")
    qtbot.keyClick(discount, Qt.Key.Key_Z, CTRL)
    assert discount.text() == ""
    assert editor.undo_stack.index() == 0 and editor.undo_stack.count() == 1
    qtbot.keyClick(discount, Qt.Key.Key_Z, CTRL | SHIFT)
    assert discount.text() == "10%"
    assert editor.totals.value("gross") == "107.10"


def test_typing_back_to_the_old_text_leaves_no_step(qtbot, db, open_editor):
    draft = make_draft(db, make_line("1", "100.00", name="Work"), client_id=make_client(db).id)
    editor = open_editor(draft.id)
    discount = editor.extras.discount
    editor.tabs.setCurrentWidget(editor.extras)
    focus(qtbot, discount)
    qtbot.keyClicks(discount, "5")
    assert editor.undo_stack.canUndo()
    qtbot.keyClick(discount, Qt.Key.Key_Backspace)
    assert discount.text() == "" and not editor.undo_stack.canUndo()
