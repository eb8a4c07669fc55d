"""Text that people or servers wrote is shown as written, never as HTML.

A QLabel in its automatic format and every tooltip render text that looks like HTML
(a server's ``550 <b>…``, an address typed as ``<x@y>``) as HTML: tags vanish and the
person does not see what was actually said.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui
from PySide6.QtWidgets import QLabel


def plain_labels(*labels: QLabel) -> None:
    for label in labels:
        label.setTextFormat(Qt.TextFormat.PlainText)


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows it as written (line breaks kept)."""
    if not text or not GuiQt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
