"""The app's one date field: typed in the user's date format, with a calendar pop-up and an
optional empty state ("Any", "on issue") shown as placeholder text.

It is a QLineEdit, not a QDateEdit. QDateEdit edits a date section by section: Tab moves
between day, month and year (so Tab never leaves a field on its special "empty" value), and
typing over a selected date keeps sections the typed text did not reach ("11/15/2026" over
10/3/2026 gave 10/15/2026). A line edit reads the whole text at once when the user is done
(Enter, Tab, leaving the field), so what was typed is what is taken, and Tab behaves as in
every other field.

Reading a date (:func:`parse_date`):

* the locale's short format (Babel's, as the lists show dates) with the fields in its order:
  ``11/15/2026`` in American English, ``15.11.2026`` in German; any of ``. / -`` or spaces
  separate the fields;
* ISO ``2026-11-15`` in every locale (a four-digit first field is always a year);
* a two-digit year is in this century (``15.11.26`` is 2026);
* day and month only (``15.11.`` / ``11/15``) mean this year;
* anything else is not taken: the field keeps its last date, gets a red frame, and
  :meth:`DateEdit.problem` says why and how to type it (hosts show that where they show
  field problems; the frame's tooltip shows it too).

Keyboard: Up/Down step the day, month or year under the cursor; F4 or Alt+Down opens the
calendar; Enter commits; Escape restores the last date (and otherwise goes on to the dialog);
Tab leaves. Dates are shown with four-digit years.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from babel.dates import format_date, get_date_format
from PySide6.QtCore import QDate, QEvent, QLocale, QPoint, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QHelpEvent,
    QIcon,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QToolTip, QWidget

from invoicedesk.i18n import N_, tr
from invoicedesk.ui.formatting import user_locale

INVALID_RED = "#d32f2f"
_FIELD_WORDS = {"d": N_("day"), "M": N_("month"), "y": N_("year")}  # marked: tr(word)
_ISO_ORDER = ("y", "M", "d")


class DateProblem(ValueError):
    """Text that is no date; ``str()`` says how to type one."""


@dataclass(frozen=True)
class DateFormat:
    """How one locale writes a date: the display pattern and the order of its fields."""

    locale: str
    pattern: str  # Babel pattern with a four-digit year: "M/d/yyyy", "dd.MM.yyyy"
    order: tuple[str, ...]  # ("M", "d", "y")
    separator: str  # the first separator, for the hint: "/" or "."
    literals: tuple[str, ...]  # quoted text of the pattern (Bulgarian "г"), ignored on reading

    def format(self, value: dt.date) -> str:
        return str(format_date(value, format=self.pattern, locale=self.locale))

    def example(self, year: int) -> str:
        """A typing example whose day cannot pass for a month, and the fields' order."""
        words = self.separator.join(tr(_FIELD_WORDS[f]) for f in self.order)
        return f"{self.format(dt.date(year, 11, 15))} ({words})"


def date_format(locale: str | None = None) -> DateFormat:
    """The short date format of ``locale`` (default: the user's now) with a four-digit year."""
    return _date_format_of(locale or user_locale())


@lru_cache(maxsize=8)
def _date_format_of(name: str) -> DateFormat:
    pattern = str(get_date_format("short", locale=name).pattern)
    literals = tuple(x for x in re.findall(r"'([^']*)'", pattern) if x)
    bare = re.sub(r"'[^']*'", "", pattern)
    order = tuple(dict.fromkeys(ch for ch in bare if ch in "dMy"))
    if sorted(order) != ["M", "d", "y"]:
        return DateFormat(name, "yyyy-MM-dd", _ISO_ORDER, "-", ())
    separators = re.findall(r"[^A-Za-z\s\u200e\u200f]+", bare)
    return DateFormat(
        name, re.sub("y+", "yyyy", pattern), order, separators[0] if separators else "/", literals
    )


def format_user_date(value: dt.date | None, locale: str | None = None) -> str:
    """``value`` as the date field shows it ("" for none)."""
    return date_format(locale).format(value) if value is not None else ""


def _groups(text: str, fmt: DateFormat) -> list[str] | None:
    """The digit groups of ``text``, or None when it holds anything but digits and separators."""
    for literal in fmt.literals:
        text = text.replace(literal, " ")
    text = text.strip()
    if not text or not text[0].isdigit() or any(ch.isalpha() for ch in text):
        return None
    if not re.fullmatch(r"[\d\s.,/\-\u200e\u200f\u202f]+", text):
        return None
    return re.findall(r"\d+", text)


def parse_date(
    text: str, locale: str | None = None, *, today: dt.date | None = None
) -> dt.date | None:
    """The date ``text`` means in ``locale`` (None for blank text); raises
    :class:`DateProblem` with a readable message when it is no date (see the module doc)."""
    if not text.strip():
        return None
    fmt = date_format(locale)
    year_now = (today or dt.date.today()).year
    groups = _groups(text, fmt)
    fields: dict[str, str] = {}
    if groups is not None and len(groups) == 3:
        order = _ISO_ORDER if len(groups[0]) == 4 else fmt.order
        fields = dict(zip(order, groups, strict=True))
    elif groups is not None and len(groups) == 2:
        fields = dict(zip([f for f in fmt.order if f != "y"], groups, strict=True))
        fields["y"] = str(year_now)
    try:
        if not fields or len(fields["d"]) > 2 or len(fields["M"]) > 2:
            raise ValueError
        year = int(fields["y"])
        if len(fields["y"]) == 2:
            year += 2000
        elif len(fields["y"]) != 4:
            raise ValueError
        return dt.date(year, int(fields["M"]), int(fields["d"]))
    except ValueError:
        iso = format_date(dt.date(year_now, 11, 15), format="yyyy-MM-dd", locale=fmt.locale)
        raise DateProblem(
            tr("“{text}” is no date — type it like {example} or {iso}").format(
                text=text.strip(), example=fmt.example(year_now), iso=iso
            )
        ) from None


def _step(value: dt.date, field: str, steps: int) -> dt.date:
    """``value`` moved by ``steps`` days, months or years (the day kept within the month)."""
    if field == "d":
        return value + dt.timedelta(days=steps)
    months = value.year * 12 + value.month - 1 + (steps if field == "M" else 12 * steps)
    year, month = divmod(months, 12)
    year = min(max(year, 1), 9999)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


def calendar_icon(colour: QColor) -> QIcon:
    """A small calendar drawn in ``colour`` (the text colour: readable on light and dark)."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 2.5))
    painter.drawRoundedRect(4, 7, 24, 21, 3, 3)
    painter.fillRect(4, 7, 24, 6, colour)
    painter.drawLine(10, 3, 10, 9)
    painter.drawLine(22, 3, 22, 9)
    for y in (17, 23):
        for x in (10, 16, 22):
            painter.fillRect(x - 2, y - 2, 4, 4, colour)
    painter.end()
    return QIcon(pixmap)


class DateEdit(QLineEdit):
    """A date typed in the user's format. ``value()`` is a ``datetime.date`` or None.

    ``empty_text`` (e.g. "Any") allows the empty state and is shown in it; without it the
    field needs a date. ``valueChanged`` fires when a new date is taken (Enter, Tab, leaving,
    the calendar, Up/Down, ``setValue``); ``problemChanged`` when the field starts or stops
    showing that its text is no date ("" then).
    """

    valueChanged = Signal(object)  # noqa: N815 - Qt naming; dt.date | None
    problemChanged = Signal(str)  # noqa: N815 - Qt naming

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        empty_text: str | None = None,
        locale: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._format = date_format(locale)
        self._empty_text = empty_text
        self._value: dt.date | None = None
        self._shown_problem = ""
        self._calendar: QCalendarWidget | None = None
        if empty_text is not None:
            self.setPlaceholderText(empty_text)
        colour = self.palette().color(self.palette().ColorRole.Text)
        self.calendar_action = self.addAction(
            calendar_icon(colour), QLineEdit.ActionPosition.TrailingPosition
        )
        self.calendar_action.setToolTip(tr("Calendar (F4)"))
        self.calendar_action.triggered.connect(self.open_calendar)
        year = dt.date.today().year
        example = self._format.example(year)
        if empty_text is None:
            hint = tr("Type a date like {example}.").format(example=example)
        else:
            hint = tr("Type a date like {example}, or leave it empty for “{empty}”.").format(
                example=example, empty=empty_text
            )
        self.setToolTip(hint + " " + tr("F4 or Alt+Down opens a calendar; Up/Down step the date."))
        self.textEdited.connect(self._on_edited)

    # ------------------------------------------------------------------ value

    def value(self) -> dt.date | None:
        """The date the field holds: the text's date when it reads as one, else the last
        date taken (text that is no date is never taken)."""
        try:
            return self._parse(self.text())
        except DateProblem:
            return self._value

    def setValue(self, value: dt.date | None) -> None:  # noqa: N802 - Qt naming
        self._take(value)

    def clear(self) -> None:
        self._take(None)

    def problem(self) -> str | None:
        """Why the text cannot be taken as a date ("" text in a field that needs one too)."""
        try:
            self._parse(self.text())
        except DateProblem as exc:
            return str(exc)
        return None

    def commit(self) -> bool:
        """Take the typed text as the date, or show why not (then False)."""
        try:
            value = self._parse(self.text())
        except DateProblem as exc:
            self._show_problem(str(exc))
            return False
        self._take(value)
        return True

    def restore(self) -> None:
        """Show the last date taken again, dropping what was typed since."""
        self._take(self._value)

    def date_format(self) -> DateFormat:
        return self._format

    def _parse(self, text: str) -> dt.date | None:
        value = parse_date(text, self._format.locale)
        if value is None and self._empty_text is None:
            raise DateProblem(
                tr("Enter a date, e.g. {example}").format(
                    example=self._format.example(dt.date.today().year)
                )
            )
        return value

    def _take(self, value: dt.date | None) -> None:
        changed = value != self._value
        self._value = value
        text = format_user_date(value, self._format.locale)
        if text != self.text():
            self.setText(text)
        self._show_problem("")
        if changed:
            self.valueChanged.emit(value)

    def _show_problem(self, message: str) -> None:
        if message != self._shown_problem:
            self._shown_problem = message
            self.setAccessibleDescription(message)
            self.update()
            self.problemChanged.emit(message)

    def shown_problem(self) -> str:
        """The problem the field shows now (after Enter or leaving it), "" when none."""
        return self._shown_problem

    def _on_edited(self, _text: str) -> None:
        if self._shown_problem and self.problem() is None:
            self._show_problem("")  # fixed while typing: the red frame goes at once

    # ------------------------------------------------------------------ keyboard

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        alt = modifiers == Qt.KeyboardModifier.AltModifier
        if key == Qt.Key.Key_F4 or (alt and key in (Qt.Key.Key_Down, Qt.Key.Key_Up)):
            if not self.isReadOnly():
                self.open_calendar()
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not modifiers:
            if not self.isReadOnly():
                self._step_at_cursor(1 if key == Qt.Key.Key_Up else -1)
            return
        if key == Qt.Key.Key_Escape and not modifiers:
            if self.text() != format_user_date(self._value, self._format.locale):
                self.restore()
                return
            event.ignore()  # nothing to undo: the dialog's Escape
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.commit():
            QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), self._shown_problem, self)
            return  # not on to the dialog's default button with a date that is none
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt naming
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.commit()
        super().focusOutEvent(event)

    def _step_at_cursor(self, steps: int) -> None:
        """Up/Down: move the day, month or year the cursor stands in (an empty field: today)."""
        text = self.text()
        groups = list(re.finditer(r"\d+", text))
        value = self.value()
        if value is None or self.problem() is not None:
            self._take(dt.date.today())
            return
        cursor = self.cursorPosition()
        index = sum(1 for g in groups if g.end() < cursor)
        order = _ISO_ORDER if groups and len(groups[0].group()) == 4 else self._format.order
        field = order[min(index, 2)]
        self._take(_step(value, field, steps))
        # Stay in the same field of the new text ("9/30" becomes "10/1": positions move).
        new_groups = list(re.finditer(r"\d+", self.text()))
        position = self._format.order.index(field)
        if position < len(new_groups):
            self.setCursorPosition(new_groups[position].end())

    # ------------------------------------------------------------------ calendar

    def calendarWidget(self) -> QCalendarWidget:  # noqa: N802 - Qt naming (as QDateEdit)
        if self._calendar is None:
            cal = QCalendarWidget(self)
            cal.setWindowFlags(Qt.WindowType.Popup)
            cal.setLocale(QLocale(self._format.locale))
            cal.setGridVisible(True)
            cal.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
            cal.clicked.connect(self._picked)
            cal.activated.connect(self._picked)
            self._calendar = cal
        return self._calendar

    def open_calendar(self) -> None:
        """Show the calendar under the field at its date (an empty field: today)."""
        if self.isReadOnly():
            return
        cal = self.calendarWidget()
        value = self.value() or dt.date.today()
        cal.setSelectedDate(QDate(value.year, value.month, value.day))
        cal.setCurrentPage(value.year, value.month)
        cal.adjustSize()
        below = self.mapToGlobal(QPoint(0, self.height()))
        screen = self.screen().availableGeometry()
        size = cal.sizeHint()
        x = min(max(below.x(), screen.left()), screen.right() - size.width())
        y = (
            below.y()
            if below.y() + size.height() <= screen.bottom()
            else (self.mapToGlobal(QPoint(0, 0)).y() - size.height())
        )
        cal.move(x, y)
        cal.show()
        cal.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, date: QDate) -> None:
        if self._calendar is not None:
            self._calendar.hide()
        self._take(dt.date(date.year(), date.month(), date.day()))
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ looks

    def setReadOnly(self, read_only: bool) -> None:  # noqa: N802 - Qt naming
        super().setReadOnly(read_only)
        self.calendar_action.setVisible(not read_only)

    def _width_for(self, text: str) -> int:
        metrics = self.fontMetrics()
        return metrics.horizontalAdvance(text) + metrics.height() + 28  # icon, margins, frame

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        """Wide enough for the longest date and the empty text, beside the calendar button."""
        longest = max(self._width_for(self.placeholderText()), self.minimumSizeHint().width())
        return QSize(longest, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        """Never so narrow that a date is cut."""
        widest = self._width_for(self._format.format(dt.date(2026, 12, 28)))
        return QSize(widest, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        super().paintEvent(event)
        if self._shown_problem:  # a frame of our own: style sheets of hosts stay theirs
            painter = QPainter(self)
            painter.setPen(QPen(QColor(INVALID_RED), 2))
            painter.drawRect(self.rect().adjusted(1, 1, -1, -1))
            painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._shown_problem:
            assert isinstance(event, QHelpEvent)
            QToolTip.showText(event.globalPos(), self._shown_problem, self)
            return True
        return super().event(event)
