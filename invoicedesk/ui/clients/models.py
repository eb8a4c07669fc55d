"""Table models of the clients screen: the client list and a client's invoices and payments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtGui import QColor, QFont

from invoicedesk.core.lifecycle import STATE_LABELS, DocType, State
from invoicedesk.i18n import N_, ptr, tr
from invoicedesk.services.books import Books
from invoicedesk.services.clients import Balance, ClientView, list_clients
from invoicedesk.services.inputs import PaymentMethod
from invoicedesk.services.payments import PaymentRow, list_payments
from invoicedesk.services.search import InvoiceFilter, InvoiceRow, list_invoices
from invoicedesk.services.settings import get_company
from invoicedesk.ui import formatting
from invoicedesk.ui.clients.table import (
    Column,
    RowTableModel,
    muted_colour,
    warning_colour,
)

PAGE = 500  # clients fetched per query while loading the whole list
DETAIL_LIMIT = 1000  # invoices or payments shown for one client

METHOD_LABELS = {
    PaymentMethod.CASH: N_("Cash"),
    PaymentMethod.BANK_TRANSFER: N_("Bank transfer"),
    PaymentMethod.PAYPAL: N_("PayPal"),
    PaymentMethod.CARD: N_("Card"),
    PaymentMethod.DIRECT_DEBIT: N_("Direct debit"),
    PaymentMethod.OTHER: N_("Other"),
    PaymentMethod.CREDIT_NOTE: N_("Credit note"),
}  # marked: show tr(label)


def amount_text(amount: Decimal, currency: str) -> str:
    return f"{formatting.money(amount, currency)} {currency}"


# ---------------------------------------------------------------------- the client list


@dataclass(frozen=True, slots=True)
class ClientList:
    """One load of the client list: what was asked for and what came back."""

    search: str
    include_archived: bool
    currency: str  # the company currency, shown for clients without invoices
    rows: tuple[ClientView, ...]


def fetch_clients(
    db: Books, search: str, include_archived: bool, today: dt.date | None = None
) -> ClientList:
    """Every matching client, page by page. Only calls services: safe on a worker thread."""
    rows: list[ClientView] = []
    while True:
        page = list_clients(
            db,
            search,
            include_archived=include_archived,
            limit=PAGE,
            offset=len(rows),
            today=today,
        )
        rows.extend(page)
        if len(page) < PAGE:
            break
    currency = get_company(db).currency or "EUR"
    return ClientList(search, include_archived, currency, tuple(rows))


class ClientTableModel(RowTableModel[ClientView]):
    """Every client matching the search (all pages), with open and overdue balances.

    ``today`` decides what is overdue (None: the real today; tests fix it).
    """

    def __init__(self, db: Books, parent: Any = None, today: dt.date | None = None) -> None:
        super().__init__(
            [
                Column("number", tr("Customer no."), lambda c: c.customer_number),
                Column("name", tr("Name"), lambda c: c.name, tooltip=self._name_tooltip),
                Column("city", tr("City"), _city),
                Column("email", tr("E-mail"), lambda c: c.data.email),
                Column(
                    "open",
                    ptr("amount", "Open"),
                    lambda c: self._balance_text(c, "open"),
                    sort_key=lambda c: self._balance_key(c, "open"),
                    right=True,
                    tooltip=lambda c: self._balance_tooltip(c, "open"),
                ),
                Column(
                    "overdue",
                    tr("Overdue"),
                    lambda c: self._balance_text(c, "overdue"),
                    sort_key=lambda c: self._balance_key(c, "overdue"),
                    right=True,
                    tooltip=lambda c: self._balance_tooltip(c, "overdue"),
                ),
                Column(
                    "invoices",
                    tr("Invoices"),
                    lambda c: formatting.number(c.invoice_count),
                    sort_key=lambda c: c.invoice_count,
                    right=True,
                ),
            ],
            parent,
        )
        self._db = db
        self.today = today
        self._currency = "EUR"
        self.search = ""
        self.include_archived = False

    def reload(self, search: str | None = None, include_archived: bool | None = None) -> None:
        """Load synchronously (the page loads in the background with :func:`fetch_clients`)."""
        if search is not None:
            self.search = search
        if include_archived is not None:
            self.include_archived = include_archived
        self.apply(fetch_clients(self._db, self.search, self.include_archived, self.today))

    def apply(self, result: ClientList) -> None:
        """Show a list fetched by :func:`fetch_clients`."""
        self.search, self.include_archived = result.search, result.include_archived
        self._currency = result.currency
        self.set_rows(result.rows)

    @property
    def company_currency(self) -> str:
        return self._currency

    def client_id(self, row: int) -> int | None:
        client = self.row_at(row)
        return client.id if client is not None else None

    def row_of_id(self, client_id: int) -> int:
        return self.row_of(lambda c: c.id == client_id)

    # -------------------------------------------------------------- balances

    def _balances(self, client: ClientView, which: str) -> list[tuple[str, Decimal]]:
        """(currency, amount) with the company currency first; zero when there is nothing."""
        amounts = [(b.currency, _amount(b, which)) for b in client.balances]
        amounts = [(cur, amt) for cur, amt in amounts if amt] or [(self._currency, Decimal(0))]
        return sorted(amounts, key=lambda pair: (pair[0] != self._currency, pair[0]))

    def _balance_text(self, client: ClientView, which: str) -> str:
        return " + ".join(amount_text(amt, cur) for cur, amt in self._balances(client, which))

    def _balance_key(self, client: ClientView, which: str) -> tuple[Decimal, ...]:
        # Currencies are never added: the company currency sorts first, then the others.
        own = sum((a for c, a in self._balances(client, which) if c == self._currency), Decimal(0))
        others = sum(
            (a for c, a in self._balances(client, which) if c != self._currency), Decimal(0)
        )
        return (own, others)

    def _balance_tooltip(self, client: ClientView, which: str) -> str:
        if not client.balances:
            return tr("No issued invoices yet")
        amounts = ", ".join(amount_text(amt, cur) for cur, amt in self._balances(client, which))
        if which == "open":
            return tr("Open (unpaid): {amounts}").format(amounts=amounts)
        return tr("Overdue (past the due date): {amounts}").format(amounts=amounts)

    @staticmethod
    def _name_tooltip(client: ClientView) -> str:
        address = client.billing_address
        lines = [client.name]
        if address is not None:
            lines += [
                part
                for part in (
                    address.street,
                    " ".join(p for p in (address.zip, address.city) if p),
                    address.country,
                )
                if part
            ]
        if client.archived:
            lines.append(tr("(archived)"))
        return "\n".join(lines)

    # -------------------------------------------------------------- looks

    def foreground(self, row: ClientView, key: str) -> QColor | None:
        if row.archived:
            return muted_colour()
        if key in ("open", "overdue"):
            amounts = [a for _, a in self._balances(row, key)]
            if key == "overdue" and any(a > 0 for a in amounts):
                return warning_colour()
            if not any(amounts):
                return muted_colour()
        return None

    def font(self, row: ClientView, key: str) -> QFont | None:
        if row.archived and key == "name":
            font = QFont()
            font.setItalic(True)
            return font
        return None


def _amount(balance: Balance, which: str) -> Decimal:
    return balance.open if which == "open" else balance.overdue


def _city(client: ClientView) -> str:
    address = client.billing_address
    return address.city if address is not None else ""


# ---------------------------------------------------------------------- a client's documents


def _state_label(row: InvoiceRow) -> str:
    label = tr(STATE_LABELS[row.state])
    if row.doc_type is DocType.CREDIT_NOTE:
        return tr("{state} (credit note)").format(state=label)
    return label


class ClientInvoicesModel(RowTableModel[InvoiceRow]):
    """The selected client's invoices and credit notes, newest first."""

    def __init__(self, db: Books, parent: Any = None, today: dt.date | None = None) -> None:
        super().__init__(
            [
                Column("number", tr("Number"), lambda r: r.number or tr("(draft)")),
                Column(
                    "date",
                    tr("Date"),
                    lambda r: formatting.date(r.date),
                    sort_key=lambda r: (r.date is None, r.date or 0),
                ),
                Column("state", tr("State"), _state_label, sort_key=lambda r: r.state.value),
                Column(
                    "gross",
                    tr("Gross"),
                    lambda r: amount_text(r.gross, r.currency),
                    sort_key=lambda r: (r.currency, r.gross),
                    right=True,
                ),
                Column(
                    "open",
                    ptr("amount", "Open"),
                    lambda r: amount_text(r.open_amount, r.currency),
                    sort_key=lambda r: (r.currency, r.open_amount),
                    right=True,
                ),
            ],
            parent,
        )
        self._db = db
        self.today = today
        self.client_id: int | None = None

    def load(self, client_id: int | None) -> None:
        self.client_id = client_id
        if client_id is None:
            self.set_rows([])
            return
        flt = InvoiceFilter(client_id=client_id, today=self.today)
        self.set_rows(list_invoices(self._db, flt, sort="date", limit=DETAIL_LIMIT))

    def foreground(self, row: InvoiceRow, key: str) -> QColor | None:
        if key == "state" and row.state is State.OVERDUE:
            return warning_colour()
        if row.state in (State.CANCELLED, State.DRAFT) or (key == "open" and not row.open_amount):
            return muted_colour()
        return None


class ClientPaymentsModel(RowTableModel[PaymentRow]):
    """The payments received on the selected client's invoices, newest first."""

    def __init__(self, db: Books, parent: Any = None) -> None:
        super().__init__(
            [
                Column(
                    "date",
                    tr("Date"),
                    lambda r: formatting.date(r.payment.date),
                    sort_key=lambda r: r.payment.date,
                ),
                Column("invoice", tr("Invoice"), lambda r: r.invoice_number),
                Column(
                    "method",
                    tr("Method"),
                    lambda r: tr(METHOD_LABELS.get(r.payment.method, str(r.payment.method))),
                    tooltip=lambda r: r.payment.reference or r.payment.note or "",
                ),
                Column(
                    "amount",
                    tr("Amount"),
                    lambda r: amount_text(r.payment.amount, r.currency),
                    sort_key=lambda r: (r.currency, r.payment.amount),
                    right=True,
                ),
            ],
            parent,
        )
        self._db = db
        self.client_id: int | None = None

    def load(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.set_rows(
            []
            if client_id is None
            else list_payments(self._db, client_id=client_id, limit=DETAIL_LIMIT)
        )
