"""Record a payment for one invoice: amount (the open amount unless changed), date, method.

The amount is checked as it is typed: OK stays disabled, with the reason beside
the field and on OK's tooltip, until it is a positive number the currency can
hold. More than is open asks first and is then booked as an overpayment (the
client's credit). What the service refuses is shown at the field it names.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import STATE_LABELS, DocType, Status
from invoicedesk.core.money import minor_unit
from invoicedesk.i18n import ntr, ptr, tr
from invoicedesk.services import invoices, payments
from invoicedesk.services.inputs import PaymentInput, PaymentMethod
from invoicedesk.services.invoices import PaymentView
from invoicedesk.ui import formatting
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoices.delegates import is_dark
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.payments.models import METHOD_LABELS
from invoicedesk.ui.widgets.date_edit import DateEdit
from invoicedesk.ui.widgets.decimal_edit import DecimalEdit

FIELD_CHARS = 26  # amount, date and method fields, in average characters of the font


def confirm_overpayment(parent: QWidget | None, text: str) -> bool:
    """Ask before booking more than is open (tests replace this function)."""
    answer = QMessageBox.question(
        parent,
        tr("More than is open"),
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def amount_text(amount: Decimal, currency: str) -> str:
    return f"{formatting.money(amount, currency)} {currency}"


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {'#ef9a9a' if is_dark() else '#c62828'};")
    label.hide()
    return label


class RecordPaymentDialog(QDialog):
    """Book money received for ``invoice_id``; ``payment`` holds the result after Accepted."""

    def __init__(
        self,
        ctx: AppContext,
        invoice_id: int,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.invoice_id = invoice_id
        self.today = today or dt.date.today()
        self.payment: PaymentView | None = None
        self.invoice = invoices.get_invoice(ctx.db, invoice_id, today=self.today)
        inv = self.invoice
        self.currency = inv.data.currency or "EUR"
        is_refund = inv.doc_type is DocType.CREDIT_NOTE
        title = tr("Record refund — {number}") if is_refund else tr("Record payment — {number}")
        self.setWindowTitle(title.format(number=inv.display_number))
        chars = self.fontMetrics().averageCharWidth()
        self.setMinimumWidth(chars * 70)
        field_width = chars * FIELD_CHARS

        self.summary = summary = QLabel(self._summary_text())
        summary.setObjectName("payment-summary")
        summary.setTextFormat(Qt.TextFormat.RichText)
        summary.setWordWrap(True)

        self.amount = DecimalEdit(places=minor_unit(self.currency))
        self.amount.setValue(max(inv.open_amount, Decimal(0)))
        self.amount.setAccessibleName(tr("Amount"))
        self.amount.setFixedWidth(field_width)
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.amount)
        amount_row.addWidget(QLabel(self.currency))
        amount_row.addStretch(1)

        self.date = DateEdit()  # needs a date: no empty state
        self.date.setValue(self.today)
        self.date.setAccessibleName(tr("Date paid out") if is_refund else tr("Date received"))
        self.date.setFixedWidth(field_width)

        self.method = QComboBox()
        for method, method_label in METHOD_LABELS.items():
            if method is not PaymentMethod.CREDIT_NOTE:  # booked by credit notes themselves
                self.method.addItem(tr(method_label), method.value)
        self.method.setAccessibleName(tr("Method"))
        self.method.setFixedWidth(field_width)

        self.reference = QLineEdit()
        self.reference.setPlaceholderText(tr("e.g. the text on the bank statement"))
        self.reference.setMaxLength(200)
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("Optional"))
        self.note.setMaxLength(2000)

        # Each field has a message line under it, shown only when there is something to say.
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._messages: dict[str, QLabel] = {}
        for name, text, field, buddy in (
            ("amount", tr("&Amount:"), amount_row, self.amount),
            (
                "date",
                tr("&Date paid out:") if is_refund else tr("&Date received:"),
                self.date,
                None,
            ),
            ("method", tr("&Method:"), self.method, None),
            ("reference", tr("&Reference:"), self.reference, None),
            ("note", ptr("payment", "&Note:"), self.note, None),
        ):
            label = QLabel(text)
            label.setBuddy(buddy or field)  # type: ignore[arg-type]
            self.form.addRow(label, field)
            message = QLabel()
            message.setWordWrap(True)
            message.setObjectName(f"{name}-message")
            self.form.addRow("", message)
            self.form.setRowVisible(message, False)
            self._messages[name] = message

        self.general_error = _error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("Record refund") if is_refund else tr("Record payment"))
        self._saving = False  # a save runs on the write worker
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addSpacing(6)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.amount.textChanged.connect(self._validate)
        self.date.problemChanged.connect(lambda _m: self._validate())
        self.amount.setFocus()
        self.amount.selectAll()
        self._validate()

    def _summary_text(self) -> str:
        inv = self.invoice
        owed = (
            tr("owed to the client {amount}")
            if inv.doc_type is DocType.CREDIT_NOTE
            else tr("open {amount}")
        )
        dot = " &nbsp;·&nbsp; "
        first = dot.join((f"<b>{escape(inv.display_number)}</b>", escape(inv.client_name),
                          escape(tr(STATE_LABELS[inv.state]))))  # fmt: skip
        second = dot.join((
            escape(tr("Total {amount}").format(amount=amount_text(inv.amount_due, self.currency))),
            escape(tr("paid {amount}").format(amount=amount_text(inv.paid_amount, self.currency))),
            "<b>" + escape(owed.format(amount=amount_text(inv.open_amount, self.currency)))
            + "</b>",
        ))  # fmt: skip
        return f"{first}<br>{second}"

    # ------------------------------------------------------------------ checking

    def amount_problem(self) -> str | None:
        """Why the amount cannot be recorded as typed, or None."""
        try:
            value = self.amount.value()
        except ValueError:
            return tr("Enter a number, e.g. {example}").format(
                example=formatting.money(Decimal("120"), self.currency)
            )
        if value is None:
            return tr("Enter the amount received")
        if value <= 0:
            return tr("The amount must be above 0")
        places = minor_unit(self.currency)
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            return ntr(
                "{currency} amounts have at most {places} decimal",
                "{currency} amounts have at most {places} decimals",
                places,
            ).format(currency=self.currency, places=places)
        return None

    def date_problem(self) -> str | None:
        """Why the typed date cannot be taken, or None."""
        return self.date.problem()

    def _validate(self) -> None:
        for name in self._messages:
            self._set_message(name, "")
        self.general_error.hide()
        problem = self.amount_problem()
        date_problem = self.date_problem()
        self.ok_button.setEnabled(problem is None and date_problem is None and not self._saving)
        self.ok_button.setToolTip(problem or date_problem or "")
        self.amount.setToolTip(problem or "")
        if date_problem is not None:
            self._set_message("date", date_problem, error=True)
        if problem is not None:
            self._set_message("amount", problem, error=True)
            return
        value = self.amount.value()
        assert value is not None
        over = value - self.invoice.open_amount
        if over > 0:
            self._set_message(
                "amount",
                tr("{amount} more than is open: kept as the client's credit.").format(
                    amount=amount_text(over, self.currency)
                ),
            )

    def message(self, name: str) -> str:
        """The message shown under field ``name`` ("" when none)."""
        label = self._messages[name]
        return label.text() if self.form.isRowVisible(label) else ""

    def _set_message(self, name: str, text: str, *, error: bool = False) -> None:
        label = self._messages[name]
        label.setText(text)
        colour = ("#ef9a9a" if is_dark() else "#c62828") if error else None
        label.setStyleSheet(f"color: {colour};" if colour else "")
        if self.form.isRowVisible(label) != bool(text):
            self.form.setRowVisible(label, bool(text))
            self._grow()

    def _grow(self) -> None:
        """Make room for a message line (never shrink under the user's hands)."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        wanted = self.sizeHint().height()
        if self.isVisible() and wanted > self.height():
            self.resize(self.width(), wanted)

    def _refused(self, exc: DomainError) -> None:
        """Show why the service refused; if the invoice changed meanwhile, show it as it is."""
        before = self.invoice.open_amount
        try:
            self.invoice = invoices.get_invoice(self.ctx.db, self.invoice_id, today=self.today)
        except DomainError:
            pass
        self.summary.setText(self._summary_text())
        if self.invoice.open_amount != before and self.invoice.status is not Status.CANCELLED:
            message = tr(
                "The invoice changed meanwhile (another payment?): {amount} is open now."
            ).format(amount=amount_text(self.invoice.open_amount, self.currency))
            self._show_error("amount", message)
        else:
            self._show_error(exc.field, exc.message)

    def _show_error(self, field: str | None, message: str) -> None:
        text = message[:1].upper() + message[1:]
        if field in self._messages:
            self._set_message(field, text, error=True)
        else:
            self.general_error.setText(text)
            self.general_error.show()
            self._grow()

    # ------------------------------------------------------------------ saving

    def payment_input(self, *, allow_overpayment: bool = False) -> PaymentInput:
        value = self.amount.value()
        assert value is not None
        date = self.date.value()
        assert date is not None
        return PaymentInput(
            amount=value,
            date=date,
            method=PaymentMethod(self.method.currentData()),
            reference=self.reference.text().strip(),
            note=self.note.text().strip(),
            allow_overpayment=allow_overpayment,
        )

    def accept(self) -> None:
        self.date.commit()  # a date typed but not yet left counts
        if self._saving or self.amount_problem() is not None or self.date_problem() is not None:
            return
        value = self.amount.value()
        assert value is not None
        open_amount = self.invoice.open_amount
        over = value > open_amount
        if over and not confirm_overpayment(
            self,
            tr(
                "Record {amount} although only {open} is open? "
                "The difference is kept as the client's credit."
            ).format(
                amount=amount_text(value, self.currency),
                open=amount_text(open_amount, self.currency),
            ),
        ):
            return
        invoice_id, today = self.invoice_id, self.today
        inp = self.payment_input(allow_overpayment=over)
        self._saving = True
        self.ok_button.setEnabled(False)  # one save at a time
        Operation(
            self, self.ctx, tr("Record Payment"),
            lambda db: payments.record_payment(db, invoice_id, inp, today),
            changes=Changes.of(payment=invoice_id, invoice=invoice_id),
        ).success(self._recorded).refused(self._refused).finally_(
            self._save_ended
        ).run()  # fmt: skip

    def reject(self) -> None:
        if self._saving:
            return  # a save under way: Esc, Cancel and the close button wait for its end
        super().reject()

    def _save_ended(self) -> None:
        self._saving = False
        ok = self.amount_problem() is None and self.date_problem() is None
        self.ok_button.setEnabled(ok)  # keeps the messages shown

    def _recorded(self, payment: PaymentView) -> None:
        self.payment = payment
        super().accept()
