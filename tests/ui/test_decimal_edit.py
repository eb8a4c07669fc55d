"""DecimalEdit: the user's decimal separator in, exact Decimals out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicedesk.ui.widgets.decimal_edit import DecimalEdit, parse_user_decimal


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("1.234,56", "de_DE", Decimal("1234.56")),
        ("1,234.56", "en_US", Decimal("1234.56")),
        ("12,5", "en_US", Decimal("12.5")),
        ("12.5", "de_DE", Decimal("12.5")),
        ("0,125", "de_DE", Decimal("0.125")),
        ("-3", "de_DE", Decimal("-3")),
        ("", "en_US", None),
    ],
)
def test_parse_user_decimal(text, locale, expected):
    assert parse_user_decimal(text, locale) == expected


def test_garbage_is_refused():
    with pytest.raises(ValueError, match="not a number"):
        parse_user_decimal("12a", "en_US")


def test_set_value_never_drops_decimals(qtbot):
    edit = DecimalEdit(places=2)
    qtbot.addWidget(edit)
    edit.setValue(Decimal("0.125"))
    assert edit.value() == Decimal("0.125")
    edit.setValue(Decimal("7"))
    assert edit.value() == Decimal("7.00")


def test_invalid_text_is_flagged_and_valid_text_emits(qtbot):
    edit = DecimalEdit()
    qtbot.addWidget(edit)
    emitted: list[object] = []
    edit.valueChanged.connect(emitted.append)
    qtbot.keyClicks(edit, "12.5")
    assert emitted[-1] == Decimal("12.5")
    qtbot.keyClicks(edit, "x")
    assert not edit.is_valid()
    assert edit.toolTip()
