"""The invoice's texts: title, label, the intro above the lines and the note below the totals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from invoicedesk.i18n import tr
from invoicedesk.ui.invoice_editor.feedback import set_read_only


class TextsForm(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLineEdit()
        self.title.setMaxLength(200)
        self.title.setPlaceholderText(tr("e.g. Invoice"))
        self.label = QLineEdit()
        self.label.setMaxLength(200)
        self.label.setPlaceholderText(tr("optional, e.g. Project Apollo, your order 4711"))
        self.intro = QPlainTextEdit()
        self.intro.setPlaceholderText(tr("Shown above the lines"))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(tr("Shown below the totals, e.g. payment instructions"))
        for edit in (self.intro, self.note):
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(edit.fontMetrics().height() * 2 + 10)
            edit.setMaximumHeight(edit.fontMetrics().height() * 5 + 10)

        layout = QFormLayout(self)
        for text, widget in (
            (tr("&Title"), self.title),
            (tr("L&abel"), self.label),
            (tr("Intro (sho&wn above the lines)"), self.intro),
            (tr("&Footer note"), self.note),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            layout.addRow(label, widget)

        for line in (self.title, self.label):
            line.textChanged.connect(lambda _t: self.changed.emit())
        for edit in (self.intro, self.note):
            edit.textChanged.connect(self.changed)

    def load(self, data: Any) -> None:
        self.title.setText(data.title)
        self.label.setText(data.label)
        self.intro.setPlainText(data.intro)
        self.note.setPlainText(data.note)

    def snapshot(self) -> tuple[str, ...]:
        return (
            self.title.text(),
            self.label.text(),
            self.intro.toPlainText(),
            self.note.toPlainText(),
        )

    def collect(self) -> dict[str, Any]:
        title, label, intro, note = self.snapshot()
        return {"title": title, "label": label, "intro": intro, "note": note}

    def widget_for(self, key: str) -> QWidget | None:
        return {
            "title": self.title,
            "label": self.label,
            "intro": self.intro,
            "note": self.note,
        }.get(key)

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.title, self.label, self.intro, self.note):
            set_read_only(widget, read_only)
