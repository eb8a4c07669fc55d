"""Error texts that quote what was typed show it as written, not as HTML."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from invoicedesk.ui.clients.field_errors import FieldBox
from invoicedesk.ui.plain_text import plain_tooltip


def test_field_error_shows_markup_as_written(qtbot):
    field = QLineEdit()
    box = FieldBox(field)
    qtbot.addWidget(box)
    box.set_error("'<b>Acme</b>' is not a valid e-mail address")
    assert box.message.textFormat() == Qt.TextFormat.PlainText
    assert box.message.text() == "'<b>Acme</b>' is not a valid e-mail address"
    # The tooltip is escaped so Qt's rich-text rendering prints the tags literally.
    assert "&lt;b&gt;Acme&lt;/b&gt;" in field.toolTip()
    box.set_error(None)
    assert field.toolTip() == ""


def test_plain_tooltip_leaves_plain_text_alone():
    assert plain_tooltip("550 mailbox unavailable") == "550 mailbox unavailable"
    assert plain_tooltip("") == ""
    assert "&lt;b&gt;" in plain_tooltip("550 <b>refused</b>")
