"""What every screen shares: the open database and one bus that tells all screens what changed.

Screens never talk to each other. A write runs as an
:class:`~invoicedesk.ui.operations.Operation`, which sends the changes it made on the bus
(``changed("invoice", ids)``); every list that shows invoices (the invoice list, a
client's invoices, the payments list) listens and reloads, so a state change shows
everywhere at once. Only background runners that are not operations (the outbox runner)
call ``notify`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from invoicedesk.services.books import Books


class DataBus(QObject):
    """``changed(kind, ids)``: kind is "invoice", "client", "product", "payment" or "settings";
    ids are the records touched (empty: reload everything of that kind)."""

    changed = Signal(str, list)

    def notify(self, kind: str, ids: Iterable[int] = ()) -> None:
        self.changed.emit(kind, list(ids))


class AppContext(QObject):
    """The database the window works on, and the bus. Replaced whole when a file is opened."""

    def __init__(self, db: Books, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.bus = DataBus(self)
