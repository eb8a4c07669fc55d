"""The mail screens show server answers and typed text as written (see ui/plain_text)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QWidget

from invoicedesk.ui.clients.field_errors import FieldBox
from invoicedesk.ui.plain_text import plain_labels, plain_tooltip

__all__ = ["plain_field_messages", "plain_labels", "plain_tooltip"]


def plain_field_messages(root: QWidget, boxes: Iterable[FieldBox] = ()) -> None:
    """The error line of every field box under ``root`` (and of ``boxes``) as plain text."""
    plain_labels(*(box.message for box in (*root.findChildren(FieldBox), *boxes)))
