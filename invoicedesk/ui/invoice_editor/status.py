"""How the editor names the invoice and its state: window title, badge, status line."""

from __future__ import annotations

from invoicedesk.core.lifecycle import STATE_LABELS, DocType, State
from invoicedesk.i18n import N_, tr
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
NEW_STATUS = N_("Not saved yet. The invoice gets its number and date when you issue it.")


def window_title(view: InvoiceView | None, client_name: str) -> str:
    """ "Invoice RE-2026-0001 — Acme GmbH"; drafts carry Qt's modified marker ``[*]``."""
    if view is None:
        title = tr("New invoice")
    else:
        credit = view.doc_type == DocType.CREDIT_NOTE
        if view.number:
            title = (tr("Credit note {number}") if credit else tr("Invoice {number}")).format(
                number=view.number
            )
        else:
            title = (tr("Credit note draft {id}") if credit else tr("Invoice draft {id}")).format(
                id=view.id
            )
    marker = "" if view is not None and view.number else "[*]"
    return f"{title}{marker} — {client_name}" if client_name else f"{title}{marker}"


def spoken_name(view: InvoiceView | None) -> str:
    """How questions name the invoice: "the new invoice", "invoice RE-2026-0001" …"""
    if view is None:
        return tr("the new invoice")
    credit = view.doc_type == DocType.CREDIT_NOTE
    if view.number:
        spoken = tr("credit note {number}") if credit else tr("invoice {number}")
        return spoken.format(number=view.number)
    spoken = tr("credit note draft {id}") if credit else tr("invoice draft {id}")
    return spoken.format(id=view.id)


def badge(state: State) -> tuple[str, str]:
    """The badge's text and style sheet (white on the state's colour, as in the lists)."""
    colour = STATE_COLOURS.get(state, "#546e7a")
    style = (
        f"background: {colour}; color: white; border-radius: 4px; padding: 2px 8px;"
        "font-weight: bold;"
    )
    label = STATE_LABELS.get(state)
    return f" {tr(label) if label else str(state)} ", style


def status_line(view: InvoiceView | None, currency: str) -> str:
    """One line on where the invoice stands, from the stored (frozen) figures."""
    if view is None:
        return tr(NEW_STATUS)
    parts: list[str] = []
    if view.corrects_number:
        parts.append(tr("Corrects invoice {number}").format(number=view.corrects_number))
    if view.is_draft:
        parts.append(tr("Saved draft. It gets its number and date when you issue it."))
    else:
        parts.append(
            tr("{number} issued {date}").format(
                number=view.number, date=formatting.date(view.data.date)
            )
        )
        if view.data.due_date and view.doc_type is DocType.INVOICE:
            parts.append(tr("due {date}").format(date=formatting.date(view.data.due_date)))
        parts.append(
            tr("total {total} {currency}, paid {paid}, open {open}").format(
                total=formatting.money(view.gross, currency),
                currency=currency,
                paid=formatting.money(view.paid_amount, currency),
                open=formatting.money(view.open_amount, currency),
            )
        )
    if view.credit_note_numbers:
        parts.append(
            tr("credit notes {numbers}").format(numbers=", ".join(view.credit_note_numbers))
        )
    if view.sent_at is not None:
        sent_on = formatting.date(view.sent_at.astimezone().date())
        parts.append(
            tr("emailed {date} to {recipients}").format(
                date=sent_on, recipients=", ".join(view.sent_to)
            )
        )
    return " · ".join(parts)
