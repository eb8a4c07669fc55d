"""A line edit for amounts, quantities and rates that reads the user's decimal separator.

The text is parsed with Babel in the user's locale ("1.234,56" in German,
"1,234.56" in English; a plain "12.5" or "12,5" is accepted in either) straight
into a ``Decimal`` — money never passes through float.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, get_decimal_symbol, parse_decimal
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from invoicedesk.i18n import tr
from invoicedesk.ui.formatting import user_locale


def parse_user_decimal(text: str, locale: str | None = None) -> Decimal | None:
    """The Decimal the user typed, or None for empty text; raises ValueError if unreadable."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    locale = locale or user_locale()
    try:
        return Decimal(parse_decimal(text, locale=locale, strict=True))
    except (NumberFormatError, InvalidOperation):
        pass
    # A lone "." or "," as the decimal separator, whatever the locale says.
    if text.count(".") + text.count(",") == 1:
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:
            pass
    raise ValueError(tr("'{text}' is not a number").format(text=text))


def format_user_decimal(value: Decimal | None, places: int | None = None) -> str:
    """``value`` in the user's locale, with ``places`` decimals (or as many as it has)."""
    if value is None:
        return ""
    if places is None:
        exponent = value.normalize().as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 2
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=user_locale())


class DecimalEdit(QLineEdit):
    """Right-aligned number input. ``value()`` is a Decimal or None; invalid text is flagged."""

    valueChanged = Signal(object)  # noqa: N815 - Qt naming; emits Decimal | None

    def __init__(self, parent: QWidget | None = None, *, places: int | None = 2) -> None:
        super().__init__(parent)
        self._places = places
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        separator = get_decimal_symbol(user_locale())
        self.setPlaceholderText("0" + (separator + "0" * places if places else ""))
        self.textEdited.connect(self._on_edited)
        self.editingFinished.connect(self._reformat)

    def value(self) -> Decimal | None:
        """The number, or None when empty. Raises ValueError if the text is not a number."""
        return parse_user_decimal(self.text())

    def is_valid(self) -> bool:
        try:
            self.value()
        except ValueError:
            return False
        return True

    def setValue(self, value: Decimal | None) -> None:  # noqa: N802 - Qt naming
        """Show ``value`` with at least ``places`` decimals, never fewer than it has."""
        self.setText(format_user_decimal(value, self._shown_places(value)))
        self._mark(True)

    def _shown_places(self, value: Decimal | None) -> int | None:
        if value is None or self._places is None:
            return None
        exponent = value.normalize().as_tuple().exponent
        return max(self._places, -exponent) if isinstance(exponent, int) else self._places

    def _on_edited(self, _text: str) -> None:
        valid = self.is_valid()
        self._mark(valid)
        if valid:
            self.valueChanged.emit(self.value())

    def _reformat(self) -> None:
        if self.is_valid() and self.text().strip():
            value = self.value()
            self.setText(format_user_decimal(value, self._shown_places(value)))

    def _mark(self, valid: bool) -> None:
        self.setProperty("invalid", not valid)
        example = format_user_decimal(Decimal("12.50"), 2)
        self.setToolTip(
            "" if valid else tr("Enter a number, e.g. {example}").format(example=example)
        )
        self.setStyleSheet("" if valid else "QLineEdit { border: 1px solid #c62828; }")
