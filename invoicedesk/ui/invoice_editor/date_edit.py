"""The editor's date fields: the app's date field with an empty state ("on issue", …)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from invoicedesk.ui.widgets.date_edit import DateEdit


class OptionalDateEdit(DateEdit):
    """A date that may stay empty; ``empty_text`` says what empty means ("on issue")."""

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, empty_text=empty_text)
