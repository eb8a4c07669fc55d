"""Showing what stops saving: red cells, marked fields, and a line beside the Save button.

Until the user has touched a new invoice, problems are only hinted ("To save:
choose a client"), never painted red — nobody likes a form that shouts before
they have typed anything.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from invoicedesk.i18n import ntr, tr
from invoicedesk.ui.invoice_editor.feedback import ERROR_RED, mark
from invoicedesk.ui.invoice_editor.parsing import Problem
from invoicedesk.ui.invoice_editor.rows_model import RowsModel

FIELD_KEYS = (
    "client_id", "date", "supply_date", "supply_end_date", "due_date", "due_days", "currency",
    "exchange_rate", "price_basis", "tags", "title", "label", "intro", "note", "discount",
    "prepaid", "adjustment", "cash_discount.rate", "cash_discount.days",
)  # fmt: skip


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _coloured(colour: str, text: str, link: str = "") -> str:
    """``text`` in ``colour`` as rich text, with a "#show" link reading ``link``."""
    shown = f'<span style="color:{colour}">{_escape(text)}</span>'
    return f'{shown}&nbsp; <a href="#show">{_escape(link)}</a>' if link else shown


class ProblemDisplay:
    def __init__(
        self,
        label: QLabel,
        widget_for: Callable[[str], QWidget | None],
        lines: RowsModel,
        charges: RowsModel,
    ) -> None:
        self.label = label
        self._widget_for = widget_for
        self._models = {"lines": lines, "charges": charges}
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        # "Show" is reachable by Tab and Enter too, not by mouse only.
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        label.setAccessibleName(tr("Problems"))
        label.setMinimumHeight(label.fontMetrics().height() * 2)

    def show(self, problems: list[Problem], strict: bool) -> None:
        shown = problems if strict else []
        for area, model in self._models.items():
            model.set_problems(
                {(p.row, p.key): p.message for p in shown if p.area == area and p.row >= 0}
            )
        by_key = {p.key: p.message for p in reversed(shown) if p.area == "field"}
        for key in FIELD_KEYS:
            widget = self._widget_for(key)
            if widget is not None:
                mark(widget, by_key.get(key))
        if not problems:
            self.label.clear()
            return
        first = problems[0].message
        others = len(problems) - 1
        if strict:
            said = first
            if others:
                said = ntr("{problem} (and {n} more)", "{problem} (and {n} more)", others).format(
                    problem=first, n=others
                )
            self.label.setText(_coloured(ERROR_RED, f"⚠ {said}", tr("Show")))
        else:
            muted = self.label.palette().placeholderText().color().name()
            hint = first.split(": ", 1)[-1]
            text = tr("To save: {problem}").format(problem=hint)
            self.label.setText(_coloured(muted, text))

    def notice(self, text: str) -> None:
        """A remark that is no problem (shown while there are none)."""
        muted = self.label.palette().placeholderText().color().name()
        self.label.setText(_coloured(muted, f"ℹ {text}"))
