"""How the editor names the invoice and its state: window title, badge, status line."""

from __future__ import annotations

from invoicedesk.core.lifecycle import DOC_TYPE_LABELS, STATE_LABELS, DocType, State
from invoicedesk.services.invoices import InvoiceView
from invoicedesk.ui import formatting

STATE_COLOURS = {
    State.DRAFT: "#1565c0",
    State.OPEN: "#00838f",
    State.OVERDUE: "#c62828",
    State.PART_PAID: "#ef6c00",
    State.PAID: "#2e7d32",
    State.CANCELLED: "#757575",
}
NEW_STATUS = "Not saved yet. The invoice gets its number and date when you issue it."


def window_title(view: InvoiceView | None, client_name: str) -> str:
    """ "Invoice RE-2026-0001 — Acme GmbH"; drafts carry Qt's modified marker ``[*]``."""
    who = f" — {client_name}" if client_name else ""
    if view is None:
        return f"New invoice[*]{who}"
    kind = DOC_TYPE_LABELS[view.doc_type]
    if view.number:
        return f"{kind} {view.number}{who}"
    return f"{kind} draft {view.id}[*]{who}"


def spoken_name(view: InvoiceView | None) -> str:
    """How questions name the invoice: "the new invoice", "invoice RE-2026-0001" …"""
    if view is None:
        return "the new invoice"
    kind = DOC_TYPE_LABELS[view.doc_type].lower()
    return f"{kind} {view.number}" if view.number else f"{kind} draft {view.id}"


def badge(state: State) -> tuple[str, str]:
    """The badge's text and style sheet (white on the state's colour, as in the lists)."""
    colour = STATE_COLOURS.get(state, "#546e7a")
    style = (
        f"background: {colour}; color: white; border-radius: 4px; padding: 2px 8px;"
        "font-weight: bold;"
    )
    return f" {STATE_LABELS.get(state, str(state))} ", style


def status_line(view: InvoiceView | None, currency: str) -> str:
    """One line on where the invoice stands, from the stored (frozen) figures."""
    if view is None:
        return NEW_STATUS
    parts: list[str] = []
    if view.corrects_number:
        parts.append(f"Corrects invoice {view.corrects_number}")
    if view.is_draft:
        parts.append("Saved draft. It gets its number and date when you issue it.")
    else:
        parts.append(f"{view.number} issued {formatting.date(view.data.date)}")
        if view.data.due_date and view.doc_type is DocType.INVOICE:
            parts.append(f"due {formatting.date(view.data.due_date)}")
        parts.append(
            f"total {formatting.money(view.gross, currency)} {currency}, "
            f"paid {formatting.money(view.paid_amount, currency)}, "
            f"open {formatting.money(view.open_amount, currency)}"
        )
    if view.credit_note_numbers:
        parts.append("credit notes " + ", ".join(view.credit_note_numbers))
    if view.sent_at is not None:
        sent_on = formatting.date(view.sent_at.astimezone().date())
        parts.append(f"emailed {sent_on} to {', '.join(view.sent_to)}")
    return " · ".join(parts)
