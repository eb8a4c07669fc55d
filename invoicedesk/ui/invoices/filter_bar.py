"""The invoice filter bar: search box, states, client, date range, tags and "Clear filters".

It only collects what the user wants to see and hands it out as an
:class:`InvoiceFilter`; the page reloads the list when ``changed`` fires. Typing
is debounced (adaptively: about twice as long as the last search took, 30–80 ms),
choices apply at once. :class:`AnyDateEdit` and
:class:`ClientCombo` are shared with the payments page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFocusEvent, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from invoicedesk.core.lifecycle import STATE_LABELS, State
from invoicedesk.i18n import tr
from invoicedesk.services.books import Books
from invoicedesk.services.search import InvoiceFilter
from invoicedesk.ui.widgets.date_edit import DateEdit

SEARCH_DELAY_MS = 200  # other search boxes (the payments' invoice chooser)
# The invoice search box waits twice as long as its last search took, within these bounds:
# fast searches follow the typing closely, slow ones are not started for every keystroke.
DEBOUNCE_MIN_MS = 30
DEBOUNCE_MAX_MS = 80
DEBOUNCE_START_MS = 50
UNPAID = (State.OPEN, State.OVERDUE, State.PART_PAID)
_ALL_CLIENTS = -1  # the data of "All clients" (never None: see delegates.model_data)


def client_choices(db: Books) -> list[tuple[int, str]]:
    """(id, "Name (number)") of every client, archived ones too, for a :class:`ClientCombo`."""
    from invoicedesk.services.clients import list_clients

    clients = list_clients(db, include_archived=True, limit=1_000_000)
    return [(c.id, f"{c.data.name} ({c.customer_number})") for c in clients]


class CheckableMenu(QMenu):
    """A menu that stays open while the user ticks several checkable entries with the mouse."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)


class AnyDateEdit(DateEdit):
    """A date limit that may be "Any" (empty: no limit); ``value()`` is None then."""

    def __init__(self, parent: QWidget | None = None, *, any_text: str | None = None) -> None:
        super().__init__(parent, empty_text=tr("Any") if any_text is None else any_text)

    def set_value(self, value: dt.date | None) -> None:
        self.setValue(value)


class ClientCombo(QComboBox):
    """All clients or one: type part of a name to pick it (completion matches anywhere)."""

    clientChanged = Signal(object)  # noqa: N815 - Qt naming; int | None
    needed = Signal()  # first focus or pop-up: the page loads the clients now, not before

    def __init__(self, parent: QWidget | None = None, *, all_text: str | None = None) -> None:
        super().__init__(parent)
        all_text = tr("All clients") if all_text is None else all_text
        self._all_text = all_text
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(10)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.lineEdit().setPlaceholderText(tr("Type a client's name"))
        self.addItem(all_text, _ALL_CLIENTS)
        self._current: int | None = None
        self._wanted = False
        self.currentIndexChanged.connect(self._on_index)
        self.lineEdit().editingFinished.connect(self._on_text_done)

    def want(self) -> None:
        """Ask for the client list (once); the window opens without waiting for it."""
        if not self._wanted:
            self._wanted = True
            self.needed.emit()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt naming
        self.want()
        super().focusInEvent(event)

    def showPopup(self) -> None:  # noqa: N802 - Qt naming
        self.want()
        super().showPopup()

    def set_clients(self, clients: Sequence[tuple[int, str]]) -> None:
        """Fill the list with (id, label) pairs, keeping the current choice when it is there."""
        keep = self._current
        self.blockSignals(True)
        self.clear()
        self.addItem(self._all_text, _ALL_CLIENTS)
        for client_id, label in clients:
            self.addItem(label, client_id)
        index = self.findData(keep) if keep is not None else 0
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)
        if index < 0:
            self._on_index(0)

    def client_id(self) -> int | None:
        return self._current

    def set_client_id(self, client_id: int | None) -> None:
        index = self.findData(client_id) if client_id is not None else 0
        self.setCurrentIndex(max(index, 0))
        self._on_index(self.currentIndex())

    def _on_index(self, index: int) -> None:
        # Every item has data: PySide would hand back None for an empty one at a cost.
        data = self.itemData(index) if index >= 0 else _ALL_CLIENTS
        value = None if data == _ALL_CLIENTS else int(data)
        if value != self._current:
            self._current = value
            self.clientChanged.emit(value)

    def _on_text_done(self) -> None:
        text = self.currentText().strip()
        if not text:
            self.setCurrentIndex(0)
            return
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index < 0:  # typed text that is no client: the nearest match, else all
            index = self.findText(text, Qt.MatchFlag.MatchContains)
        self.setCurrentIndex(max(index, 0))
        self._on_index(self.currentIndex())


class FilterBar(QWidget):
    """What to show. ``changed`` fires after the user changed a filter (typing: debounced)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search number, client, title or note   (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.search.setAccessibleName(tr("Search invoices"))

        self.state_menu = CheckableMenu(self)
        self.state_actions: dict[State, QAction] = {}
        for state in State:
            action = self.state_menu.addAction(tr(STATE_LABELS[state]))
            action.setCheckable(True)
            action.toggled.connect(self._states_toggled)
            self.state_actions[state] = action
        self.state_menu.addSeparator()
        unpaid = self.state_menu.addAction(tr("Only unpaid (open, overdue, partly paid)"))
        unpaid.triggered.connect(lambda: self.set_states(UNPAID))
        every = self.state_menu.addAction(tr("All states"))
        every.triggered.connect(lambda: self.set_states(()))
        self.state_button = QToolButton()
        self.state_button.setMenu(self.state_menu)
        self.state_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.state_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.state_button.setMinimumWidth(130)
        self.state_button.setAccessibleName(tr("Filter by state"))

        self.client = ClientCombo()
        self.client.setAccessibleName(tr("Filter by client"))
        self.date_from = AnyDateEdit()
        self.date_to = AnyDateEdit()
        self.date_from.setAccessibleName(tr("Invoice date from"))
        self.date_to.setAccessibleName(tr("Invoice date to"))
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(tr("e.g. web, urgent"))
        self.tags.setToolTip(tr("Invoices carrying all of these tags (comma-separated)"))
        self.tags.setClearButtonEnabled(True)
        self.tags.setAccessibleName(tr("Filter by tags"))
        self.clear_button = QPushButton(tr("Clear filters"))
        self.clear_button.setToolTip(tr("Show all invoices again"))
        self.clear_button.clicked.connect(self.clear)

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(8)
        layout.setVerticalSpacing(6)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.search, 1)
        top.addWidget(self.state_button)
        top.addWidget(self.clear_button)
        layout.addLayout(top, 0, 0)
        second = QHBoxLayout()
        second.setSpacing(6)
        for label_text, widget in (
            (tr("&Client"), self.client),
            (tr("&Date"), self.date_from),
            (tr("to"), self.date_to),
            (tr("&Tags"), self.tags),
        ):
            label = QLabel(label_text)
            label.setBuddy(widget)
            if widget is not self.client:
                second.addSpacing(8 if widget is not self.date_to else 0)
            second.addWidget(label)
            second.addWidget(widget)
        self.client.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.tags.setMinimumWidth(100)
        second.setStretch(1, 3)
        second.setStretch(second.count() - 1, 2)
        layout.addLayout(second, 1, 0)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_START_MS)
        self._debounce.timeout.connect(self._emit_changed)
        self.search.textChanged.connect(self._debounce.start)
        self.tags.textChanged.connect(self._debounce.start)
        self.client.clientChanged.connect(self._emit_changed)
        self.date_from.valueChanged.connect(self._from_changed)
        self.date_to.valueChanged.connect(self._to_changed)
        self._update_state_button()
        self._update_clear()

    # ------------------------------------------------------------------ public

    def filter(self, today: dt.date | None = None) -> InvoiceFilter:
        return InvoiceFilter(
            search=self.search.text().strip(),
            states=self.states(),
            client_id=self.client.client_id(),
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            tags=tuple(t.strip() for t in self.tags.text().split(",") if t.strip()),
            today=today,
        )

    def states(self) -> tuple[State, ...]:
        return tuple(s for s, action in self.state_actions.items() if action.isChecked())

    def set_states(self, states: Sequence[State]) -> None:
        wanted = set(states)
        for state, action in self.state_actions.items():
            action.blockSignals(True)
            action.setChecked(state in wanted)
            action.blockSignals(False)
        self._states_toggled()

    def active_count(self) -> int:
        flt = self.filter()
        return sum(
            bool(x)
            for x in (
                flt.search,
                flt.states,
                flt.client_id is not None,
                flt.date_from or flt.date_to,
                flt.tags,
            )
        )

    def clear(self) -> None:
        """Back to all invoices (one reload, not one per field)."""
        self._debounce.stop()
        widgets = (self.search, self.tags, self.client, self.date_from, self.date_to)
        for widget in widgets:
            widget.blockSignals(True)
        self.search.clear()
        self.tags.clear()
        self.client.set_client_id(None)
        self.date_from.set_value(None)
        self.date_to.set_value(None)
        for widget in widgets:
            widget.blockSignals(False)
        self.set_states(())  # emits changed once

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def set_clients(self, clients: Sequence[tuple[int, str]]) -> None:
        self.client.set_clients(clients)

    def set_search_cost(self, elapsed_ms: float) -> None:
        """How long the last search took to show rows: the next typing pause follows it."""
        wanted = round(2 * elapsed_ms)
        self._debounce.setInterval(min(DEBOUNCE_MAX_MS, max(DEBOUNCE_MIN_MS, wanted)))

    def debounce_ms(self) -> int:
        return self._debounce.interval()

    def is_pending(self) -> bool:
        """Typing that has not been applied yet (the debounce is running)."""
        return self._debounce.isActive()

    def flush(self) -> None:
        """Apply pending typing now (Enter in the search box)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._emit_changed()

    # ------------------------------------------------------------------ internals

    def _states_toggled(self, _checked: bool = False) -> None:
        self._update_state_button()
        self._emit_changed()

    def _update_state_button(self) -> None:
        chosen = self.states()
        names = ", ".join(tr(STATE_LABELS[s]) for s in chosen)
        if not chosen:
            text = tr("State: all")
        elif set(chosen) == set(UNPAID):
            text = tr("State: unpaid")
        elif len(chosen) <= 2:
            text = tr("State: {states}").format(states=names)
        else:
            text = tr("State: {n} chosen").format(n=len(chosen))
        self.state_button.setText(text)
        self.state_button.setToolTip(
            tr("Show invoices in these states: {states}").format(states=names) if chosen
            else tr("Show invoices in all states")
        )  # fmt: skip

    def _from_changed(self, value: dt.date | None) -> None:
        to = self.date_to.value()
        if value is not None and to is not None and to < value:
            self.date_to.blockSignals(True)
            self.date_to.set_value(value)
            self.date_to.blockSignals(False)
        self._emit_changed()

    def _to_changed(self, value: dt.date | None) -> None:
        start = self.date_from.value()
        if value is not None and start is not None and value < start:
            self.date_from.blockSignals(True)
            self.date_from.set_value(value)
            self.date_from.blockSignals(False)
        self._emit_changed()

    def _emit_changed(self) -> None:
        self._update_clear()
        self.changed.emit()

    def _update_clear(self) -> None:
        count = self.active_count()
        self.clear_button.setEnabled(count > 0)
        self.clear_button.setText(
            tr("Clear filters ({n})").format(n=count) if count else tr("Clear filters")
        )
