"""The head of the invoice: client with address, dates and payment terms, currency, prices, tags."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel import Locale
from babel.numbers import get_currency_name
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.document import PriceBasis
from invoicedesk.i18n import N_, current_language, ntr, tr
from invoicedesk.services.clients import ClientView
from invoicedesk.ui.invoice_editor.date_edit import OptionalDateEdit
from invoicedesk.ui.invoice_editor.feedback import set_read_only
from invoicedesk.ui.invoice_editor.parsing import InputProblem, Problem, example, read_number
from invoicedesk.ui.widgets.decimal_edit import DecimalEdit

COMMON_CURRENCIES = (
    "EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF",
)  # fmt: skip
NO_DAYS = -1  # the due-days spin box's "use the default" value
# The date fields by the key of their problems, and their names in problem messages.
DATE_FIELDS = {
    "date": N_("Invoice date"),
    "supply_date": N_("Delivery / service"),
    "supply_end_date": N_("Delivery / service end"),
    "due_date": N_("Due date"),
}  # marked: shown with tr()


def _territories() -> dict[str, str]:
    """Names of countries in the language of the interface (not the locale's: no German
    word amid English labels)."""
    return dict(Locale.parse(current_language()).territories)


def client_label(client: ClientView) -> str:
    return f"{client.name} ({client.customer_number})"


def address_text(client: ClientView | None) -> str:
    """The billing address as it will head the invoice, one part a line."""
    if client is None:
        return ""
    lines = [client.name]
    address = client.billing_address
    if address is not None:
        lines += [address.recipient, address.street, address.street2]
        lines.append(" ".join(p for p in (address.zip, address.city) if p))
        if address.country:
            lines.append(_territories().get(address.country, address.country))
    else:
        lines.append(tr("(no billing address yet)"))
    if client.data.vat_id:
        lines.append(tr("VAT ID {vat_id}").format(vat_id=client.data.vat_id))
    return "\n".join(line for line in lines if line)


class HeaderForm(QWidget):
    changed = Signal()
    client_changed = Signal(object)  # the chosen ClientView or None
    new_client_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clients: dict[int, ClientView] = {}
        self._company_currency = "EUR"
        self._default_days = 14

        # -- client
        self.client = QComboBox()
        self.client.setEditable(True)
        self.client.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.client.lineEdit().setPlaceholderText(tr("Type to search your clients…"))
        self.client.setMinimumContentsLength(12)  # the address below shows the whole name
        self.client.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        completer = QCompleter(self.client.model(), self.client)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.client.setCompleter(completer)
        self.new_client = QPushButton(tr("&New client…"))
        self.new_client.setToolTip(tr("Create a client and use it for this invoice"))
        self.address = QLabel()
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.address.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.address.setWordWrap(True)
        self.address.setMinimumHeight(self.fontMetrics().height() * 4)
        self.address.setAccessibleName(tr("Billing address"))

        client_box = QGroupBox(tr("Bill to"))
        client_row = QHBoxLayout()
        client_label_widget = QLabel(tr("&Client"))
        client_label_widget.setBuddy(self.client)
        client_row.addWidget(client_label_widget)
        client_row.addWidget(self.client, 1)
        client_row.addWidget(self.new_client)
        client_layout = QVBoxLayout(client_box)
        client_layout.addLayout(client_row)
        client_layout.addWidget(self.address, 1)

        # -- dates and terms
        self.date = OptionalDateEdit(tr("on issue"))
        self.supply_date = OptionalDateEdit(tr("as invoice date"))
        self.supply_end_date = OptionalDateEdit("—")
        self.supply_end_date.setToolTip(tr("End of a service period (optional)"))
        self.due_date = OptionalDateEdit(tr("from payment terms"))
        self.due_days = QSpinBox()
        self.due_days.setRange(NO_DAYS, 365)
        self.due_days.setSuffix(tr(" days"))
        self.due_days.setValue(NO_DAYS)
        # (The date fields know their own width: a whole date beside the calendar button.)

        dates_box = QGroupBox(tr("Dates and payment terms"))
        dates = QFormLayout(dates_box)
        supply_row = QHBoxLayout()
        supply_row.addWidget(self.supply_date, 1)
        supply_row.addWidget(QLabel(tr("to")))
        supply_row.addWidget(self.supply_end_date, 1)
        dates.addRow(self._label(tr("Invoice &date"), self.date), self.date)
        dates.addRow(self._label(tr("Deli&very / service"), self.supply_date), supply_row)
        dates.addRow(self._label(tr("Due &by"), self.due_date), self.due_date)
        dates.addRow(self._label(tr("Pa&yable within"), self.due_days), self.due_days)

        # -- currency, prices, tags
        self.currency = QComboBox()
        for code in COMMON_CURRENCIES:
            self._add_currency(code)
        self.exchange_rate = DecimalEdit(places=None)
        self.exchange_rate.setPlaceholderText(tr("e.g. {rate}").format(rate=example("0.92")))
        self.rate_from = QLabel()
        self.rate_to = QLabel()
        rate_row = QHBoxLayout()
        rate_row.setContentsMargins(0, 0, 0, 0)
        rate_row.addWidget(self.rate_from)
        rate_row.addWidget(self.exchange_rate, 1)
        rate_row.addWidget(self.rate_to)
        self.rate_widget = QWidget()
        self.rate_widget.setLayout(rate_row)
        self.price_basis = QComboBox()
        self.price_basis.addItem(tr("Net — tax is added"), PriceBasis.NET)
        self.price_basis.addItem(tr("Gross — tax included"), PriceBasis.GROSS)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(tr("comma-separated, e.g. web, 2026"))

        for combo in (self.currency, self.price_basis):  # may shrink at 1024 px (German words)
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        terms_box = QGroupBox(tr("Currency and prices"))
        terms = QFormLayout(terms_box)
        terms.addRow(self._label(tr("C&urrency"), self.currency), self.currency)
        self._rate_label = self._label(tr("&Rate"), self.exchange_rate)
        terms.addRow(self._rate_label, self.rate_widget)
        terms.addRow(self._label(tr("&Prices"), self.price_basis), self.price_basis)
        terms.addRow(self._label(tr("Ta&gs"), self.tags), self.tags)
        self._terms = terms

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(client_box, 5)
        layout.addWidget(dates_box, 4)
        layout.addWidget(terms_box, 3)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        # -- signals
        self.client.currentTextChanged.connect(self._on_client_text)
        self.new_client.clicked.connect(self.new_client_requested)
        for date_edit in (self.date, self.supply_date, self.supply_end_date, self.due_date):
            date_edit.valueChanged.connect(lambda _v: self._emit())
            date_edit.problemChanged.connect(lambda _m: self.changed.emit())
        self.due_days.valueChanged.connect(lambda _v: self._emit())
        self.currency.currentIndexChanged.connect(lambda _i: self._emit())
        self.exchange_rate.textChanged.connect(lambda _t: self.changed.emit())
        self.price_basis.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.tags.textChanged.connect(lambda _t: self.changed.emit())
        self._update_rate_row()
        self._update_due()

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _add_currency(self, code: str) -> None:
        try:
            name = get_currency_name(code, locale=current_language())
        except Exception:  # babel knows every ISO code; a stored oddity just shows bare
            name = ""
        self.currency.addItem(f"{code} — {name}" if name and name != code else code, code)

    def _emit(self) -> None:
        self._update_rate_row()
        self._update_due()
        self.changed.emit()

    def _update_rate_row(self) -> None:
        foreign = self.currency_code() != self._company_currency
        self._terms.setRowVisible(self.rate_widget, foreign)
        self.rate_from.setText(f"1 {self.currency_code()} =")
        self.rate_to.setText(self._company_currency)
        self.exchange_rate.setToolTip(
            tr("How many {company} one {currency} is worth").format(
                company=self._company_currency, currency=self.currency_code()
            )
        )

    def _update_due(self) -> None:
        has_date = self.due_date.value() is not None
        self.due_days.setEnabled(not has_date)
        self.due_days.setToolTip(
            tr("The due date above is used")
            if has_date
            else tr("Days from the invoice date to pay")
        )

    # ------------------------------------------------------------------ clients

    def set_clients(self, clients: list[ClientView]) -> None:
        """Fill the picker (active clients plus the invoice's own); keeps the selection."""
        current = self.client_id()
        text = self.client.currentText()
        if current is not None and all(c.id != current for c in clients):
            clients = [*clients, self._clients[current]]  # archived since: still this one's
        self.client.blockSignals(True)
        self.client.clear()
        self._clients = {c.id: c for c in clients}
        for client in clients:
            self.client.addItem(client_label(client), client.id)
        if current is not None and current in self._clients:
            self.client.setCurrentIndex(self.client.findData(current))
        else:
            self.client.setCurrentIndex(-1)
            self.client.setEditText(text)
        self.client.blockSignals(False)
        self.client.lineEdit().setCursorPosition(0)
        self._show_client()

    def add_client(self, client: ClientView) -> None:
        if client.id not in self._clients:
            self._clients[client.id] = client
            self.client.addItem(client_label(client), client.id)

    def set_client_id(self, client_id: int | None) -> None:
        index = self.client.findData(client_id) if client_id is not None else -1
        self.client.setCurrentIndex(index)
        if index < 0:
            self.client.setEditText("")

    def client_id(self) -> int | None:
        index = self.client.findText(self.client.currentText(), Qt.MatchFlag.MatchFixedString)
        return self.client.itemData(index) if index >= 0 else None

    def current_client(self) -> ClientView | None:
        client_id = self.client_id()
        return self._clients.get(client_id) if client_id is not None else None

    def _on_client_text(self, _text: str) -> None:
        if not self.client.lineEdit().hasFocus():
            self.client.lineEdit().setCursorPosition(0)  # show the name's start, not its end
        self._show_client()
        self.client_changed.emit(self.current_client())
        self.changed.emit()

    def _show_client(self) -> None:
        client = self.current_client()
        if client is None:
            hint = tr("Choose a client above, or create one with New client…")
            self.address.setText(hint)
            self.address.setEnabled(False)
        else:
            self.address.setText(address_text(client))
            self.address.setEnabled(True)
        days = client.data.due_days if client and client.data.due_days is not None else None
        default = days if days is not None else self._default_days
        self.due_days.setSpecialValueText(
            ntr("default ({n} day)", "default ({n} days)", default).format(n=default)
        )

    # ------------------------------------------------------------------ values

    def set_company_defaults(self, currency: str, due_days: int) -> None:
        self._company_currency = currency
        self._default_days = due_days
        if self.currency.findData(currency) < 0:
            self._add_currency(currency)
        self._update_rate_row()
        self._show_client()

    def currency_code(self) -> str:
        return str(self.currency.currentData() or self._company_currency)

    def set_currency(self, code: str) -> None:
        if self.currency.findData(code) < 0:
            self._add_currency(code)
        self.currency.setCurrentIndex(self.currency.findData(code))

    def load(self, data: Any) -> None:
        """Show an InvoiceInput's head (client first, so its defaults don't override)."""
        self.set_client_id(data.client_id)
        self.date.setValue(data.date)
        self.supply_date.setValue(data.supply_date)
        self.supply_end_date.setValue(data.supply_end_date)
        self.due_date.setValue(data.due_date)
        self.due_days.setValue(NO_DAYS if data.due_days is None else data.due_days)
        self.set_currency(data.currency or self._company_currency)
        rate = data.exchange_rate
        self.exchange_rate.setValue(None if rate is None or rate == 1 else rate)
        self.price_basis.setCurrentIndex(self.price_basis.findData(PriceBasis(data.price_basis)))
        self.tags.setText(", ".join(data.tags))

    def snapshot(self) -> tuple[Any, ...]:
        return (
            self.client_id() or self.client.currentText(),  # a renamed client is no change
            self.date.value(),
            self.supply_date.value(),
            self.supply_end_date.value(),
            self.due_date.value(),
            self.due_days.value(),
            self.currency_code(),
            self.exchange_rate.text(),
            self.price_basis.currentIndex(),
            self.tags.text(),
        )

    def collect(self) -> tuple[dict[str, Any], list[Problem]]:
        """The head's values for an InvoiceInput, and what is wrong with them."""
        problems: list[Problem] = []

        def problem(key: str, message: str) -> None:
            problems.append(Problem("field", -1, key, message))

        client_id = self.client_id()
        if client_id is None:
            typed = self.client.currentText().strip()
            problem(
                "client_id",
                tr(
                    "Client: there is no client “{name}” — pick one from the list or create it "
                    "with New client…"
                ).format(name=typed)
                if typed
                else tr("Client: choose who the invoice is for"),
            )
        for key, name in DATE_FIELDS.items():
            typed_problem = self._date_field(key).problem()
            if typed_problem is not None:  # the field keeps its last date meanwhile
                problem(key, tr("{field}: {problem}").format(field=tr(name), problem=typed_problem))
        date, due_date = self.date.value(), self.due_date.value()
        if date and due_date and due_date < date:
            problem("due_date", tr("Due date: it lies before the invoice date"))
        supply, supply_end = self.supply_date.value(), self.supply_end_date.value()
        if supply_end and not supply:
            problem("supply_date", tr("Delivery / service: give the start of the period"))
        if supply and supply_end and supply_end < supply:
            problem("supply_end_date", tr("Delivery / service: the period ends before it starts"))
        currency = self.currency_code()
        rate: Decimal | None = None
        if currency != self._company_currency:
            try:
                rate = read_number(
                    self.exchange_rate.text(), N_("exchange rate"), places=4, negative=False
                )
            except InputProblem as exc:
                problem("exchange_rate", str(exc)[:1].upper() + str(exc)[1:])
            else:
                if rate is None or rate <= 0:
                    problem(
                        "exchange_rate",
                        tr(
                            "Exchange rate: enter how many {company} one {currency} is worth"
                        ).format(company=self._company_currency, currency=currency),
                    )
                    rate = None
        days = self.due_days.value()
        values: dict[str, Any] = {
            "client_id": client_id,
            "date": date,
            "supply_date": supply,
            "supply_end_date": supply_end,
            "due_date": due_date,
            "due_days": None if days == NO_DAYS else days,
            "currency": currency,
            "exchange_rate": rate,
            "price_basis": PriceBasis(self.price_basis.currentData()),
            "tags": tuple(t.strip() for t in self.tags.text().split(",") if t.strip()),
        }
        return values, problems

    def _date_field(self, key: str) -> OptionalDateEdit:
        return {
            "date": self.date,
            "supply_date": self.supply_date,
            "supply_end_date": self.supply_end_date,
            "due_date": self.due_date,
        }[key]

    def widget_for(self, key: str) -> QWidget | None:
        return {
            "client_id": self.client,
            "date": self.date,
            "supply_date": self.supply_date,
            "supply_end_date": self.supply_end_date,
            "due_date": self.due_date,
            "due_days": self.due_days,
            "currency": self.currency,
            "exchange_rate": self.exchange_rate,
            "price_basis": self.price_basis,
            "tags": self.tags,
        }.get(key)

    def set_read_only(self, read_only: bool, *, party_locked: bool = False) -> None:
        """Read-only for issued invoices; ``party_locked`` (credit notes) fixes client and
        currency, which must stay those of the corrected invoice."""
        self.client.setEnabled(not read_only and not party_locked)
        self.new_client.setVisible(not read_only and not party_locked)
        self.currency.setEnabled(not read_only and not party_locked)
        self.price_basis.setEnabled(not read_only)
        for edit in (self.date, self.supply_date, self.supply_end_date, self.due_date):
            edit.setReadOnly(read_only)  # also hides the calendar button
        self.due_days.setReadOnly(read_only)
        self.exchange_rate.setReadOnly(read_only)
        set_read_only(self.tags, read_only)
