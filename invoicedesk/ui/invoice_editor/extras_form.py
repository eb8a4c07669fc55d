"""Discounts and charges on the whole invoice: a document discount, allowances and charges
(shipping …), a deposit already paid, a rounding adjustment and the cash discount terms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.document import CashDiscountTerms
from invoicedesk.i18n import N_, tr
from invoicedesk.ui.invoice_editor.charges_model import SPREAD_LABEL, ChargeRow, ChargesModel
from invoicedesk.ui.invoice_editor.delegates import ChoiceDelegate, TextDelegate
from invoicedesk.ui.invoice_editor.feedback import set_read_only
from invoicedesk.ui.invoice_editor.lines_pane import EditingTableView
from invoicedesk.ui.invoice_editor.parsing import (
    InputProblem,
    Problem,
    TaxChoice,
    example,
    read_discount,
    read_number,
    show_discount,
)
from invoicedesk.ui.widgets.decimal_edit import DecimalEdit
from invoicedesk.ui.widgets.elided_tooltips import install_elided_tooltips


class ExtrasForm(QWidget):
    changed = Signal()

    def __init__(self, charges: ChargesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.charges = charges

        self.discount = QLineEdit()
        self.discount.setPlaceholderText(tr("10% or {amount}").format(amount=example("50.00")))
        self.discount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.discount.setToolTip(tr("Taken off all lines, shared out over their tax rates"))
        self.prepaid = DecimalEdit()
        self.prepaid.setToolTip(
            tr("A deposit the client has already paid; it reduces the amount due")
        )
        self.adjustment = DecimalEdit()
        self.adjustment.setToolTip(
            tr("Untaxed rounding, may be negative; changes only the amount due")
        )
        self.cash_rate = DecimalEdit()
        self.cash_rate.setPlaceholderText(tr("e.g. 2"))
        self.cash_rate.setFixedWidth(self.fontMetrics().horizontalAdvance("0" * 6) + 12)
        self.cash_days = QSpinBox()
        self.cash_days.setRange(0, 365)
        self.cash_days.setValue(10)
        self.cash_days.setSuffix(tr(" days"))
        cash_row = QHBoxLayout()
        cash_row.addWidget(self.cash_rate)
        cash_row.addWidget(QLabel(tr("% if paid within")))
        cash_row.addWidget(self.cash_days)
        cash_row.addStretch(1)

        form = QFormLayout()
        # Long labels (German) go above their field rather than widening the tab.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for text, widget in (
            (tr("Discount on the &whole invoice"), self.discount),
            (tr("Deposi&t already paid"), self.prepaid),
            (tr("Rounding ad&justment"), self.adjustment),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        cash_label = QLabel(tr("C&ash discount"))
        cash_label.setBuddy(self.cash_rate)
        form.addRow(cash_label, cash_row)

        # -- allowances and charges
        self.table = EditingTableView()
        self.table.setModel(charges)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        self.table.setAccessibleName(tr("Allowances and charges"))
        self.kind_delegate = ChoiceDelegate([(tr("Charge"), True), (tr("Allowance"), False)], self)
        self.tax_delegate = ChoiceDelegate([], self)
        self.table.setItemDelegateForColumn(charges.column_of("is_charge"), self.kind_delegate)
        self.table.setItemDelegateForColumn(
            charges.column_of("reason"), TextDelegate(self, max_length=200)
        )
        self.table.setItemDelegateForColumn(
            charges.column_of("value"),
            TextDelegate(
                self, numeric=True, hint=tr("{amount} or 5%").format(amount=example("9.90"))
            ),
        )
        self.table.setItemDelegateForColumn(charges.column_of("tax"), self.tax_delegate)
        header = self.table.horizontalHeader()
        # As in the lines table: columns fit their content, the reason takes the rest.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(charges.column_of("reason"), QHeaderView.ResizeMode.Stretch)
        # Where the tab is narrow (1024 px screens) the table scrolls sideways rather
        # than squeezing the description below its header.
        header.setMinimumSectionSize(header.sectionSizeHint(charges.column_of("reason")))
        install_elided_tooltips(self.table)

        # No Alt+letter of their own: S is the lines' Description, O and H are tabs, C Client.
        self.add_shipping = QPushButton(tr("Add shipping"))
        self.add_shipping.setToolTip(tr("A charge for shipping, taxed at the default rate"))
        self.add_charge = QPushButton(tr("Add charge"))
        self.add_allowance = QPushButton(tr("Add allowance"))
        self.remove = QPushButton(tr("Remove"))
        self.remove.setToolTip(tr("Remove the selected charge or allowance (Del)"))
        # A column beside the table (a row below it made the tab too wide for 1024 px).
        buttons = QVBoxLayout()
        for button in (self.add_shipping, self.add_charge, self.add_allowance):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove)
        remove_action = QAction(tr("Remove charge"), self.table)
        remove_action.setShortcut(QKeySequence.StandardKey.Delete)
        remove_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        remove_action.triggered.connect(self._remove)
        self.table.addAction(remove_action)

        charges_box = QVBoxLayout()
        charges_title = QLabel(tr("Allowances and charges"))
        charges_title.setBuddy(self.table)
        charges_box.addWidget(charges_title)
        table_row = QHBoxLayout()
        table_row.addWidget(self.table, 1)
        table_row.addLayout(buttons)
        charges_box.addLayout(table_row, 1)

        # The amounts need no more than a dozen digits; the rest goes to the charges table.
        amount_width = self.fontMetrics().horizontalAdvance("0" * 14)
        for edit in (self.discount, self.prepaid, self.adjustment):
            edit.setMaximumWidth(amount_width)
        layout = QHBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(12)
        layout.addLayout(charges_box, 1)

        self.add_shipping.clicked.connect(lambda: self._add(charges.shipping_row(), "value"))
        self.add_charge.clicked.connect(lambda: self._add(charges.new_row(), "reason"))
        self.add_allowance.clicked.connect(
            lambda: self._add(ChargeRow(is_charge=False, tax=None), "reason")
        )
        self.remove.clicked.connect(self._remove)
        charges.focus_requested.connect(self._focus)
        for edit in (self.discount, self.prepaid, self.adjustment, self.cash_rate):
            edit.textChanged.connect(lambda _t: self.changed.emit())
        self.cash_days.valueChanged.connect(lambda _v: self.changed.emit())

    def set_tax_choices(self, choices: list[TaxChoice]) -> None:
        self.tax_delegate.set_choices([(c.label, c) for c in choices] + [(tr(SPREAD_LABEL), None)])

    def _add(self, row: Any, focus_key: str) -> None:
        position = self.charges.rowCount()
        if row.reason:
            text = tr("Add {reason}").format(reason=row.reason)
        else:
            text = tr(tr("Add charge")) if row.is_charge else tr(tr("Add allowance"))
        self.charges.add_rows(position, [row], text)
        index = self.charges.index(position, self.charges.column_of(focus_key))
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        self.table.edit(index)

    def _focus(self, row: int, column: int) -> None:
        """Show the row an undo or redo changed (and its tab)."""
        if 0 <= row < self.charges.rowCount():
            self.table.setCurrentIndex(self.charges.index(row, column))

    def _remove(self) -> None:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        if not rows and self.table.currentIndex().isValid():
            rows = {self.table.currentIndex().row()}
        self.charges.remove_positions(sorted(rows))

    # ------------------------------------------------------------------ values

    def load(self, data: Any, places: int) -> None:
        self.discount.setText(show_discount(data.discount, places))
        self.prepaid.setValue(data.prepaid or None)
        self.adjustment.setValue(data.adjustment or None)
        cash = data.cash_discount
        self.cash_rate.setValue(cash.rate if cash else None)
        self.cash_days.setValue(cash.days if cash else 10)

    def snapshot(self) -> tuple[Any, ...]:
        return (
            self.discount.text(),
            self.prepaid.text(),
            self.adjustment.text(),
            self.cash_rate.text(),
            self.cash_days.value(),
        )

    def collect(self, places: int) -> tuple[dict[str, Any], list[Problem]]:
        problems: list[Problem] = []
        values: dict[str, Any] = {
            "discount": None,
            "prepaid": Decimal(0),
            "adjustment": Decimal(0),
            "cash_discount": None,
        }

        def problem(key: str, exc: InputProblem) -> None:
            text = str(exc)
            problems.append(Problem("field", -1, key, text[:1].upper() + text[1:]))

        try:
            values["discount"] = read_discount(
                self.discount.text(), places, what=N_("discount on the whole invoice")
            )
        except InputProblem as exc:
            problem("discount", exc)
        for key, edit, what, negative in (
            ("prepaid", self.prepaid, N_("deposit"), False),
            ("adjustment", self.adjustment, N_("rounding adjustment"), True),
        ):
            try:
                values[key] = read_number(
                    edit.text(), what, places=places, negative=negative
                ) or Decimal(0)
            except InputProblem as exc:
                problem(key, exc)
        try:
            rate = read_number(self.cash_rate.text(), N_("cash discount"), places=2, negative=False)
        except InputProblem as exc:
            problem("cash_discount.rate", exc)
        else:
            if rate is not None and rate != 0:
                if rate >= 100:
                    problem(
                        "cash_discount.rate", InputProblem(tr("cash discount must be below 100 %"))
                    )
                else:
                    values["cash_discount"] = CashDiscountTerms(rate, self.cash_days.value())
        return values, problems

    def widget_for(self, key: str) -> QWidget | None:
        return {
            "discount": self.discount,
            "prepaid": self.prepaid,
            "adjustment": self.adjustment,
            "cash_discount.rate": self.cash_rate,
            "cash_discount.days": self.cash_days,
        }.get(key)

    def set_read_only(self, read_only: bool) -> None:
        for edit in (self.discount, self.prepaid, self.adjustment, self.cash_rate):
            set_read_only(edit, read_only)
        self.cash_days.setReadOnly(read_only)
        for button in (self.add_shipping, self.add_charge, self.add_allowance, self.remove):
            button.setVisible(not read_only)
