"""Server answers and what the user typed are shown as written, never as HTML.

A QLabel in its automatic format and every tooltip render text that looks like
HTML (a server's ``550 <b>…``, an address typed as ``<x@y>``) as HTML: tags vanish
and the person does not see the exact answer.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui
from PySide6.QtWidgets import QLabel, QWidget

from invoicedesk.ui.clients.field_errors import FieldBox


def plain_labels(*labels: QLabel) -> None:
    for label in labels:
        label.setTextFormat(Qt.TextFormat.PlainText)


def plain_field_messages(root: QWidget, boxes: Iterable[FieldBox] = ()) -> None:
    """The error line of every field box under ``root`` (and of ``boxes``) as plain text."""
    plain_labels(*(box.message for box in (*root.findChildren(FieldBox), *boxes)))


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows it as written (line breaks kept)."""
    if not text or not GuiQt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
