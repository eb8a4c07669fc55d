"""The app's date field (invoicedesk/ui/widgets/date_edit.py) and the screens that use it:
typed dates read exactly as typed, Tab leaves the field, invalid text is shown and not taken.

The screens are tested in the test run's locale, American English (the C locale maps to it).
"""

from __future__ import annotations

# The fixtures come from test_invoice_editor_support; as test arguments they shadow the import.
# ruff: noqa: F811
import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from invoicedesk.services.search import InvoiceFilter
from invoicedesk.ui.invoices.filter_bar import FilterBar
from invoicedesk.ui.widgets.date_edit import DateEdit, DateProblem, format_user_date, parse_date
from tests.ui.test_invoice_editor_support import (  # noqa: F401 - fixtures
    answers,
    ctx,
    focus,
    open_editor,
)

# The offscreen platform cannot grab for a pop-up, nor pass size hints to a window.
pytestmark = [
    pytest.mark.qt_log_ignore("This plugin does not support"),
]


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def inside(widget: QWidget) -> bool:
    """Whether the keyboard focus is on ``widget`` or one of its parts."""
    current = focused()
    return current is not None and (current is widget or widget.isAncestorOf(current))


def type_over(qtbot, edit: QWidget, text: str) -> None:
    """Select all of the field and type ``text`` as a user does, then leave with Tab."""
    focus(qtbot, edit)
    target = focused()
    qtbot.keyClick(target, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(target, text)
    qtbot.keyClick(target, Qt.Key.Key_Tab)


# ---------------------------------------------------------------------- the reported defects


def test_tab_leaves_the_empty_filter_dates(qtbot):
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.focus_search()  # Ctrl+F
    qtbot.waitUntil(bar.search.hasFocus, timeout=2000)
    visited = []
    for _press in range(8):  # search, state, client, from, to, tags: well within 8 presses
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        visited.append(focused())
        if inside(bar.tags):
            break
    assert inside(bar.tags), [type(w).__name__ for w in visited]
    assert bar.date_from in visited and bar.date_to in visited
    assert visited.index(bar.date_to) == visited.index(bar.date_from) + 1  # one press each
    assert bar.date_from.value() is None and bar.date_to.value() is None


def test_tab_leaves_the_empty_invoice_date_in_the_editor(qtbot, open_editor):
    editor = open_editor()
    editor.show()
    header = editor.header
    focus(qtbot, header.date)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert not inside(header.date)
    assert inside(header.supply_date)
    assert header.date.value() is None


@pytest.mark.parametrize(
    ("before", "typed", "after"),
    [
        (dt.date(2026, 10, 3), "11/15/2026", dt.date(2026, 11, 15)),
        (dt.date(2026, 12, 7), "10/1/2026", dt.date(2026, 10, 1)),
        (dt.date(2026, 12, 7), "2026-11-15", dt.date(2026, 11, 15)),
    ],
)
def test_a_typed_invoice_date_is_read_as_typed(qtbot, open_editor, before, typed, after):
    editor = open_editor()
    editor.show()
    editor.header.date.setValue(before)
    type_over(qtbot, editor.header.date, typed)
    assert editor.header.date.value() == after
    assert editor.current.input.date == after


def test_an_invalid_invoice_date_blocks_saving_and_says_why(qtbot, open_editor):
    editor = open_editor()
    editor.show()
    header = editor.header
    header.date.setValue(dt.date(2026, 12, 7))
    type_over(qtbot, header.date, "13/45/2026")
    assert header.date.value() == dt.date(2026, 12, 7)  # not taken
    assert header.date.shown_problem()
    messages = [p.message for p in editor.problems]
    assert any(m.startswith("Invoice date: “13/45/2026” is no date") for m in messages)
    assert not editor.ops.save.isEnabled()
    type_over(qtbot, header.date, "12/8/2026")
    assert header.date.value() == dt.date(2026, 12, 8)
    assert not any(m.startswith("Invoice date") for m in (p.message for p in editor.problems))


def test_read_only_dates_have_no_calendar_and_do_not_step(qtbot, open_editor):
    editor = open_editor()
    header = editor.header
    header.date.setValue(dt.date(2026, 12, 7))
    header.set_read_only(True)
    assert header.date.isReadOnly() and not header.date.calendar_action.isVisible()
    qtbot.keyClick(header.date, Qt.Key.Key_Up)
    assert header.date.value() == dt.date(2026, 12, 7)
    header.set_read_only(False)
    assert header.date.calendar_action.isVisible()


def test_a_typed_filter_date_applies_once_when_left(qtbot):
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.show()
    seen: list[InvoiceFilter] = []
    bar.changed.connect(lambda: seen.append(bar.filter()))
    focus(qtbot, bar.date_from)
    qtbot.keyClicks(bar.date_from, "3/1/2026")
    assert seen == []  # nothing while typing
    qtbot.keyClick(bar.date_from, Qt.Key.Key_Return)
    assert [f.date_from for f in seen] == [dt.date(2026, 3, 1)]
    type_over(qtbot, bar.date_to, "2/1/2026")  # before the start: the start follows
    assert (bar.date_from.value(), bar.date_to.value()) == (dt.date(2026, 2, 1),) * 2
    type_over(qtbot, bar.date_to, "2/30/2026")  # no such day: the filter stays
    assert len(seen) == 2 and bar.date_to.value() == dt.date(2026, 2, 1)
    assert bar.date_to.shown_problem() and bar.date_to.text() == "2/30/2026"
    bar.clear()
    assert bar.date_to.text() == "" and not bar.date_to.shown_problem()
    assert bar.filter().date_from is None and bar.filter().date_to is None


# ---------------------------------------------------------------------- the payment dialog


@pytest.fixture
def payment_dialog(qtbot, ctx, db):
    from invoicedesk.ui.payments.record_dialog import RecordPaymentDialog
    from tests.factories import TODAY, issued_invoice, make_client

    invoice = issued_invoice(db, client_id=make_client(db, "Acme GmbH").id)
    dialog = RecordPaymentDialog(ctx, invoice.id, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_payment_date_is_typed_and_checked(qtbot, payment_dialog):
    dialog = payment_dialog
    type_over(qtbot, dialog.date, "11/15/2026")
    assert dialog.payment_input().date == dt.date(2026, 11, 15)
    assert dialog.message("date") == "" and dialog.ok_button.isEnabled()
    focus(qtbot, dialog.date)
    qtbot.keyClick(dialog.date, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.date, "11/31/2026")
    qtbot.keyClick(dialog.date, Qt.Key.Key_Return)  # no day 31: not on to "Record payment"
    assert dialog.isVisible() and dialog.payment is None
    assert dialog.message("date").startswith("“11/31/2026” is no date")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.date, Qt.Key.Key_Escape)  # back to the last date; dialog stays
    assert dialog.isVisible() and dialog.date.text() == "11/15/2026"
    assert dialog.message("date") == "" and dialog.ok_button.isEnabled()
    dialog.date.selectAll()
    qtbot.keyClick(dialog.date, Qt.Key.Key_Delete)
    qtbot.keyClick(dialog.date, Qt.Key.Key_Tab)
    assert dialog.message("date").startswith("Enter a date")  # a payment needs one


def test_escape_with_nothing_typed_closes_the_dialog(qtbot, payment_dialog):
    focus(qtbot, payment_dialog.date)
    qtbot.keyClick(payment_dialog.date, Qt.Key.Key_Escape)
    assert not payment_dialog.isVisible()


# ---------------------------------------------------------------------- reading and showing dates

NOW = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("en_US", "11/15/2026", dt.date(2026, 11, 15)),
        ("en_US", " 1/2/2026 ", dt.date(2026, 1, 2)),
        ("en_US", "11/15/26", dt.date(2026, 11, 15)),
        ("en_US", "11/15", dt.date(2026, 11, 15)),
        ("en_US", "2026-11-15", dt.date(2026, 11, 15)),
        ("en_US", "", None),
        ("de_DE", "15.11.2026", dt.date(2026, 11, 15)),
        ("de_DE", "1.2.2026", dt.date(2026, 2, 1)),
        ("de_DE", "15.11.26", dt.date(2026, 11, 15)),
        ("de_DE", "15.11.", dt.date(2026, 11, 15)),
        ("de_DE", "15/11/2026", dt.date(2026, 11, 15)),
        ("de_DE", "2026-11-15", dt.date(2026, 11, 15)),
        ("en_GB", "15/11/2026", dt.date(2026, 11, 15)),
        ("sv_SE", "2026-11-15", dt.date(2026, 11, 15)),
        ("bg_BG", format_user_date(dt.date(2026, 11, 15), "bg_BG"), dt.date(2026, 11, 15)),
    ],
)
def test_parse_date_reads_the_locales_format_and_iso(locale, text, expected):
    assert parse_date(text, locale, today=NOW) == expected


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en_US", "15/11/2026"),  # month 15
        ("en_US", "2/30/2026"),
        ("en_US", "1/2/202"),  # a three-digit year is a typo
        ("en_US", "11-15-2026x"),
        ("en_US", "tomorrow"),
        ("en_US", "15"),
        ("en_US", "/11/15/2026"),
        ("en_US", "1/2/3/4"),
        ("de_DE", "31.11.2026"),
        ("de_DE", "11/15/2026"),  # American order in German: month 15
    ],
)
def test_parse_date_refuses_what_is_no_date_and_says_how(locale, text):
    with pytest.raises(DateProblem) as error:
        parse_date(text, locale, today=NOW)
    example = "11/15/2026 (month/day/year)" if locale == "en_US" else "15.11.2026 (day.month.year)"
    assert str(error.value) == f"“{text}” is no date — type it like {example} or 2026-11-15"


def test_dates_show_four_digit_years_in_the_users_order():
    assert format_user_date(dt.date(2026, 12, 7), "en_US") == "12/7/2026"
    assert format_user_date(dt.date(2026, 12, 7), "de_DE") == "07.12.2026"
    assert format_user_date(None, "de_DE") == ""


def test_a_german_field_takes_and_shows_german_dates(qtbot):
    edit = DateEdit(empty_text="beliebig", locale="de_DE")
    qtbot.addWidget(edit)
    edit.show()
    focus(qtbot, edit)
    qtbot.keyClicks(edit, "15.11.26")
    with qtbot.waitSignal(edit.valueChanged, timeout=1000) as changed:
        qtbot.keyClick(edit, Qt.Key.Key_Enter)
    assert changed.args == [dt.date(2026, 11, 15)]
    assert edit.text() == "15.11.2026"
    assert "15.11.2026 (day.month.year)" in edit.toolTip()


def test_up_and_down_step_the_part_under_the_cursor(qtbot):
    edit = DateEdit(empty_text="Any", locale="en_US")
    qtbot.addWidget(edit)
    edit.show()
    focus(qtbot, edit)
    qtbot.keyClick(edit, Qt.Key.Key_Up)  # empty: today
    assert edit.value() == dt.date.today()
    edit.setValue(dt.date(2026, 1, 31))
    edit.setCursorPosition(0)  # in the month
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert edit.value() == dt.date(2026, 2, 28) and edit.text() == "2/28/2026"
    edit.setCursorPosition(len("2/2"))  # in the day
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert edit.value() == dt.date(2026, 3, 1)
    assert edit.cursorPosition() == len("3/1")  # still in the day, which moved
    edit.setCursorPosition(len(edit.text()))  # in the year
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert edit.value() == dt.date(2025, 3, 1)


def test_escape_restores_and_enter_commits(qtbot):
    edit = DateEdit(empty_text="Any", locale="en_US")
    qtbot.addWidget(edit)
    edit.show()
    edit.setValue(dt.date(2026, 12, 7))
    focus(qtbot, edit)
    edit.selectAll()
    qtbot.keyClicks(edit, "99/99")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.shown_problem() and edit.value() == dt.date(2026, 12, 7)
    assert edit.accessibleDescription() == edit.shown_problem()
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == "12/7/2026" and not edit.shown_problem()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    with qtbot.waitSignal(edit.valueChanged) as changed:
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert changed.args == [None]


@pytest.mark.parametrize(
    ("key", "modifier"),
    [
        (Qt.Key.Key_F4, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier),
    ],
)
def test_the_calendar_opens_from_the_keyboard_and_picks_with_enter(qtbot, key, modifier):
    edit = DateEdit(empty_text="Any", locale="en_US")
    qtbot.addWidget(edit)
    edit.show()
    edit.setValue(dt.date(2026, 12, 7))
    focus(qtbot, edit)
    qtbot.keyClick(edit, key, modifier)
    calendar = edit.calendarWidget()
    assert calendar.isVisible() and calendar.selectedDate().toPython() == dt.date(2026, 12, 7)
    view = calendar.focusWidget()
    qtbot.keyClick(view, Qt.Key.Key_Escape)  # closes, changes nothing
    assert not calendar.isVisible() and edit.value() == dt.date(2026, 12, 7)
    qtbot.keyClick(edit, key, modifier)
    view = calendar.focusWidget()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    with qtbot.waitSignal(edit.valueChanged) as changed:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert changed.args == [dt.date(2026, 12, 8)]
    assert not calendar.isVisible() and edit.text() == "12/8/2026"
