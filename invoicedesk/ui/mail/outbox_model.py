"""The outbox as a table model: newest first, a page at a time, with state badges.

Rows are the services' frozen ``OutboxEntry`` values (``outbox.list_outbox``, SQL
filters by state); the next page is fetched when the view reaches the end. The
state badge is a cached pixmap handed out as the state cell's decoration, like the
invoice list's (no ``paint()`` override: see ``ui/invoices/delegates.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from babel.dates import format_time
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPainter, QPixmap

from invoicedesk.i18n import N_, current_language, ptr, tr
from invoicedesk.services import outbox
from invoicedesk.services.books import Books
from invoicedesk.services.mail_types import MailState, OutboxEntry
from invoicedesk.ui import formatting
from invoicedesk.ui.invoices.delegates import is_dark
from invoicedesk.ui.mail.plain import plain_tooltip

PAGE = 200
STATE_HELP = {
    MailState.QUEUED: N_("Waiting to be sent"),
    MailState.SENDING: N_("Being handed to the mail server right now"),
    MailState.SENT: N_("Accepted by the mail server"),
    MailState.FAILED: N_("The server refused it; it is not tried again — correct and resend"),
    MailState.CANCELLED: N_("Cancelled; it will not be sent"),
    MailState.UNKNOWN: N_(
        "The connection dropped while it was handed over: it may or may not "
        "have arrived. Check with the recipient, then resend or cancel it"
    ),
}  # marked: show tr(text)
COLUMNS = [
    ("state", N_("State")),
    ("to", N_("To")),
    ("subject", N_("Subject")),
    ("invoice", N_("Invoice")),
    ("time", N_("Created / sent")),
    ("attempts", N_("Attempts")),
    ("error", N_("Error / server reply")),
]  # titles marked: headerData translates them
COLUMN = {key: i for i, (key, _) in enumerate(COLUMNS)}
EntryRole = Qt.ItemDataRole.UserRole + 1  # the OutboxEntry
StateRole = Qt.ItemDataRole.UserRole + 2  # its MailState

ModelIndex = QModelIndex | QPersistentModelIndex

# state: (text, background) light, then dark
_LIGHT = {
    MailState.QUEUED: ("#0d47a1", "#dcecfb"),
    MailState.SENDING: ("#4a148c", "#ede1f7"),
    MailState.SENT: ("#1b5e20", "#dff0e0"),
    MailState.FAILED: ("#ffffff", "#c62828"),
    MailState.CANCELLED: ("#616161", "#ececec"),
    MailState.UNKNOWN: ("#8a4b00", "#ffe0a6"),
}
_DARK = {
    MailState.QUEUED: ("#bbdefb", "#1e3a5f"),
    MailState.SENDING: ("#e1bee7", "#3f2350"),
    MailState.SENT: ("#c8e6c9", "#1f4d25"),
    MailState.FAILED: ("#ffffff", "#c62828"),
    MailState.CANCELLED: ("#bdbdbd", "#444444"),
    MailState.UNKNOWN: ("#ffe0b2", "#5d3a00"),
}
_badges: dict[tuple[MailState, bool, str, float, str], QPixmap] = {}


def badge(state: MailState) -> QPixmap:
    """The state's label on a rounded background, cached per palette, font and screen."""
    dark = is_dark()
    screen = QGuiApplication.primaryScreen()
    ratio = screen.devicePixelRatio() if screen is not None else 1.0
    key = (state, dark, QGuiApplication.font().key(), ratio, current_language())
    pixmap = _badges.get(key)
    if pixmap is None:
        font = QFont(QGuiApplication.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 7.0))
        font.setBold(state is MailState.FAILED)
        label = state_label(state)
        metrics = QFontMetrics(font)
        width, height = metrics.horizontalAdvance(label) + 16, metrics.height() + 6
        pixmap = QPixmap(round(width * ratio), round(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        text, background = (_DARK if dark else _LIGHT)[state]
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        rect = QRectF(0, 0, width, height)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setFont(font)
        painter.setPen(QColor(text))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        painter.end()
        _badges[key] = pixmap
    return pixmap


def state_label(state: MailState) -> str:
    """The state's name in the current language (a mail's "Cancelled" is no invoice's)."""
    labels = {
        MailState.QUEUED: ptr("mail", "Waiting"),
        MailState.SENDING: ptr("mail", "Sending"),
        MailState.SENT: ptr("mail", "Sent"),
        MailState.FAILED: ptr("mail", "Failed"),
        MailState.CANCELLED: ptr("mail", "Cancelled"),
        MailState.UNKNOWN: ptr("mail", "Unknown"),
    }
    return labels[state]


def when(value: dt.datetime | None) -> str:
    """A stored (UTC) time as local date and time in the user's locale."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone()
    time = format_time(local, "short", locale=formatting.user_locale())
    return f"{formatting.date(local.date())} {time}"


def recipients(entry: OutboxEntry) -> str:
    return ", ".join(entry.to)


def problem(entry: OutboxEntry) -> str:
    """What went wrong, and the server's answer when it adds something."""
    if entry.state in (MailState.SENT, MailState.CANCELLED) and not entry.error:
        return ""
    error, reply = entry.error.strip(), entry.server_reply.strip()
    if error and reply and reply not in error:
        return f"{error} — {reply}"
    return error or reply


class OutboxTableModel(QAbstractTableModel):
    """Outbox entries, newest first, in the given states (empty: all)."""

    loaded = Signal()  # a reload finished

    def __init__(self, db: Books, parent: Any = None) -> None:
        super().__init__(parent)
        self._db = db
        self._states: tuple[MailState, ...] = ()
        self._rows: list[OutboxEntry] = []
        self._more = False

    @property
    def states(self) -> tuple[MailState, ...]:
        return self._states

    def reload(self, states: Sequence[MailState] | None = None) -> None:
        if states is not None:
            self._states = tuple(states)
        rows = self._fetch(0)
        self.beginResetModel()
        self._rows = rows
        self._more = len(rows) == PAGE
        self.endResetModel()
        self.loaded.emit()

    def _fetch(self, offset: int) -> list[OutboxEntry]:
        return outbox.list_outbox(self._db, states=self._states, limit=PAGE, offset=offset)

    def entry(self, row: int) -> OutboxEntry:
        return self._rows[row]

    def row_of(self, mail_id: int) -> int | None:
        for i, entry in enumerate(self._rows):
            if entry.id == mail_id:
                return i
        return None

    # ------------------------------------------------------------------ Qt API

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or not self._more:
            return
        rows = self._fetch(len(self._rows))
        self._more = len(rows) == PAGE
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section][1])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_alignment(COLUMNS[section][0]))
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        entry = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == EntryRole:
            return entry
        if role == StateRole:
            return entry.state
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_alignment(key))
        if role == Qt.ItemDataRole.DecorationRole:
            return badge(entry.state) if key == "state" else None
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = _tooltip(entry, key)  # server replies, subjects, addresses: as written
            return plain_tooltip(tip) if tip else None
        if role == Qt.ItemDataRole.AccessibleTextRole and key == "state":
            return state_label(entry.state)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        return _display(entry, key)


def _display(entry: OutboxEntry, key: str) -> str:
    if key == "state":
        return ""  # the badge says it
    if key == "to":
        return recipients(entry)
    if key == "subject":
        return entry.subject
    if key == "invoice":
        return entry.invoice_number or ""
    if key == "time":
        return when(entry.sent_at or entry.created_at)
    if key == "attempts":
        return str(entry.attempts) if entry.attempts else ""
    return problem(entry)


def _alignment(key: str) -> Qt.AlignmentFlag:
    horizontal = Qt.AlignmentFlag.AlignRight if key == "attempts" else Qt.AlignmentFlag.AlignLeft
    return horizontal | Qt.AlignmentFlag.AlignVCenter


def _tooltip(entry: OutboxEntry, key: str) -> str | None:
    if key == "state":
        text = f"{state_label(entry.state)}: {tr(STATE_HELP[entry.state])}"
        if entry.state is MailState.QUEUED and entry.next_attempt_at is not None:
            text += " " + tr("(next attempt {when})").format(when=when(entry.next_attempt_at))
        return text
    if key == "to":
        lines = [tr("To: {addresses}").format(addresses=", ".join(entry.to))]
        if entry.cc:
            lines.append(tr("Cc: {addresses}").format(addresses=", ".join(entry.cc)))
        if entry.bcc:
            lines.append(tr("Bcc: {addresses}").format(addresses=", ".join(entry.bcc)))
        return "\n".join(lines)
    if key == "time":
        lines = [tr("Created {when}").format(when=when(entry.created_at))]
        if entry.last_attempt_at is not None:
            lines.append(tr("Last attempt {when}").format(when=when(entry.last_attempt_at)))
        if entry.sent_at is not None:
            lines.append(tr("Sent {when}").format(when=when(entry.sent_at)))
        return "\n".join(lines)
    if key == "error":
        text = problem(entry)
        return text or None
    if key == "subject":
        return entry.subject or None
    return None
