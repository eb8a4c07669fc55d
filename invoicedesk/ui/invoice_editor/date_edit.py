"""A date field that may stay empty ("on issue"), with a calendar popup.

QDateEdit has no empty state, so the minimum date stands for "no date" and is
shown as the special text. Delete or Backspace on the whole text empties it;
arrow keys, the mouse wheel and the calendar on an empty field start at today.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QDateEdit, QWidget

from invoicedesk.ui.formatting import user_locale

_EMPTY = QDate(1900, 1, 1)


def _display_format() -> str:
    """The locale's short date format with a four-digit year (3/16/2026, 16.03.2026)."""
    pattern = QLocale(user_locale()).dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in pattern:
        pattern = pattern.replace("yy", "yyyy")
    return pattern


class OptionalDateEdit(QDateEdit):
    valueChanged = Signal(object)  # noqa: N815 - Qt naming; dt.date | None

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(_display_format())
        self.setMinimumDate(_EMPTY)
        self.setSpecialValueText(empty_text)
        self.setDate(_EMPTY)
        self.setToolTip(f"Empty: {empty_text}. Delete clears the date; F4 opens a calendar.")
        self.calendarWidget().installEventFilter(self)
        self.dateChanged.connect(lambda _d: self.valueChanged.emit(self.value()))

    def value(self) -> dt.date | None:
        date = self.date()
        return None if date == _EMPTY else dt.date(date.year(), date.month(), date.day())

    def setValue(self, value: dt.date | None) -> None:  # noqa: N802 - Qt naming
        self.setDate(_EMPTY if value is None else QDate(value.year, value.month, value.day))

    def clear(self) -> None:
        self.setValue(None)

    def stepBy(self, steps: int) -> None:  # noqa: N802
        if self.value() is None:
            self.setDate(QDate.currentDate())
            return
        super().stepBy(steps)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and (
            self.value() is None or self.lineEdit().selectedText() == self.lineEdit().text()
        ):
            self.clear()
            return
        alt_down = key == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        if (key == Qt.Key.Key_F4 or alt_down) and self.calendarPopup() and not self.isReadOnly():
            self.open_calendar()
            return
        super().keyPressEvent(event)

    def open_calendar(self) -> None:
        """Open the calendar as a click on the arrow does (QDateEdit has no key for it)."""
        point = QPointF(self.width() - 8, self.height() / 2)
        for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            event = QMouseEvent(
                kind,
                point,
                self.mapToGlobal(point),
                Qt.MouseButton.LeftButton,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            )
            QApplication.sendEvent(self, event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.calendarWidget() and event.type() == QEvent.Type.Show:
            if self.value() is None:  # start at today, not at the "empty" date of 1900
                self.calendarWidget().setSelectedDate(QDate.currentDate())
        return super().eventFilter(watched, event)
