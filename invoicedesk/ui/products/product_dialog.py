"""Create or edit a product or service of the catalogue."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.document import PriceBasis, TaxCategory
from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import ptr, tr
from invoicedesk.services.books import Books
from invoicedesk.services.inputs import ProductInput
from invoicedesk.services.products import (
    ProductView,
    create_product,
    get_product,
    list_products,
    update_product,
)
from invoicedesk.services.settings import all_settings, get_company
from invoicedesk.ui.clients.address_editor import select_data
from invoicedesk.ui.clients.field_errors import FieldBox, FieldErrors, error_label
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.products.models import TAX_CATEGORY_LABELS, price_text, rate_text
from invoicedesk.ui.widgets.decimal_edit import DecimalEdit, format_user_decimal


def common_units() -> tuple[str, ...]:
    """Units offered for a new product, in the program's language (the unit is free text,
    printed on invoices as written)."""
    return ("h", ptr("unit", "day"), ptr("unit", "piece"), ptr("unit", "month"),
            ptr("unit", "year"), "km", "kg", ptr("unit", "flat rate"))  # fmt: skip


def _rate(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def rate_key(rate: Decimal) -> str:
    """The tax-rate combo's item data: "19", "7.5", "0" (a Decimal does not survive a QVariant
    comparison, so findData() could not find it)."""
    return f"{rate.normalize():f}"


class ProductDialog(QDialog):
    """After ``exec()`` returns Accepted, ``product_id`` is the saved product's id."""

    def __init__(
        self, ctx: AppContext, product_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product_id = product_id
        self.saved: ProductView | None = None
        original = get_product(ctx.db, product_id) if product_id is not None else None
        settings = all_settings(ctx.db)
        self._default_rate = _rate(settings["default_tax_rate"])
        self._coupling = False

        self.number = QLineEdit(placeholderText=tr("Assigned when saved"))
        self.name = QLineEdit(placeholderText=tr("What the invoice line says, e.g. Consulting"))
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText(tr("Optional: details printed under the line"))
        self.description.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.unit.addItems(self._units())
        self.unit.lineEdit().setPlaceholderText(tr("e.g. h, day, piece"))
        self.unit_price = DecimalEdit(places=2)
        self.unit_price.setToolTip(
            tr("Up to four decimals, e.g. {example}").format(
                example=format_user_decimal(Decimal("0.125"), 4)
            )
        )
        self.unit_price.setFixedWidth(self.fontMetrics().horizontalAdvance("000,000,000.0000") + 16)
        currency = QLabel(get_company(ctx.db).currency or "EUR")
        self.net = QRadioButton(tr("N&et (VAT is added)"))
        self.gross = QRadioButton(tr("&Gross (includes VAT)"))
        self.basis_group = QButtonGroup(self)
        self.basis_group.addButton(self.net)
        self.basis_group.addButton(self.gross)
        self.tax_rate = QComboBox()
        for rate in settings["tax_rates"]:
            self.tax_rate.addItem(rate_text(_rate(rate)), rate_key(_rate(rate)))
        self.tax_category = QComboBox()
        for category, label in TAX_CATEGORY_LABELS.items():
            self.tax_category.addItem(
                tr("{category} ({code})").format(category=tr(label), code=category.value),
                category.value,
            )

        self.banner = error_label()
        self.errors = FieldErrors(self.banner)
        price_message = error_label()
        boxes = {
            name: FieldBox(getattr(self, name))
            for name in ("number", "name", "description", "unit")
        }
        boxes["unit_price"] = FieldBox(self.unit_price, message=price_message)
        boxes["tax_rate"] = FieldBox(self.tax_rate)
        boxes["tax_category"] = FieldBox(self.tax_category)
        currency.setFixedHeight(self.unit_price.sizeHint().height() + 2)
        price_row = QHBoxLayout()
        price_row.addWidget(boxes["unit_price"], 0, Qt.AlignmentFlag.AlignTop)
        price_row.addWidget(currency, 0, Qt.AlignmentFlag.AlignTop)
        price_row.addStretch()
        price_label = QLabel(tr("Unit &price:"))
        price_label.setBuddy(self.unit_price)
        basis = QHBoxLayout()
        basis.addWidget(self.net)
        basis.addWidget(self.gross)
        basis.addStretch()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(tr("N&umber:"), boxes["number"])
        form.addRow(tr("&Name:"), boxes["name"])
        form.addRow(tr("&Description:"), boxes["description"])
        form.addRow(tr("Un&it:"), boxes["unit"])
        form.addRow(price_label, price_row)
        form.addRow("", price_message)
        form.addRow(tr("Price is:"), basis)
        form.addRow(tr("&Tax rate:"), boxes["tax_rate"])
        form.addRow(tr("Tax c&ategory:"), boxes["tax_category"])
        labels = {
            "number": tr("Number"),
            "name": tr("Name"),
            "description": tr("Description"),
            "unit": tr("Unit"),
            "unit_price": tr("Unit price"),
            "tax_rate": tr("Tax rate"),
            "tax_category": tr("Tax category"),
        }
        for name, label in labels.items():
            self.errors.add(f"product.{name}", boxes[name], label)
        self.errors.add("product.price_basis", boxes["unit_price"], tr("Price basis"))

        self.hint = QLabel()
        self.hint.setEnabled(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("Save"))
        self._saving = False  # a save runs on the write worker
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        messages = QVBoxLayout()
        messages.addWidget(self.banner)
        messages.addWidget(self.hint)
        bottom = QHBoxLayout()
        bottom.addLayout(messages, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch()
        layout.addLayout(bottom)

        self._load(original, PriceBasis(settings["price_basis"]))
        for widget in (self.name, self.unit_price):
            widget.textChanged.connect(self._update_ok)
        for box in boxes.values():
            field = box.field
            if isinstance(field, QComboBox):
                signal = field.currentTextChanged
            elif isinstance(field, QPlainTextEdit):
                signal = field.textChanged
            else:
                signal = field.textEdited
            signal.connect(lambda *_a, b=box: b.set_error(None) if b.has_error() else None)
        self.tax_rate.currentIndexChanged.connect(self._rate_changed)
        self.tax_category.currentIndexChanged.connect(self._category_changed)
        self._update_ok()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 105)
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _units(self) -> list[str]:
        """The units the catalogue already uses, then a few common ones."""
        used = {p.data.unit for p in list_products(self.ctx.db, include_archived=True, limit=1000)}
        used.discard("")
        return ["", *sorted(used, key=str.casefold), *(u for u in common_units() if u not in used)]

    def _load(self, view: ProductView | None, default_basis: PriceBasis) -> None:
        if view is None:
            self.setWindowTitle(tr("New product"))
            self._select_rate(self._default_rate)
            self._select_category(TaxCategory.STANDARD if self._default_rate else TaxCategory.ZERO)
            (self.gross if default_basis is PriceBasis.GROSS else self.net).setChecked(True)
            return
        data = view.data
        self.setWindowTitle(
            tr("Product {number} — {name}").format(number=view.number, name=view.name)
        )
        self.number.setText(view.number)
        self.name.setText(data.name)
        self.description.setPlainText(data.description)
        self.name.setCursorPosition(0)
        self.unit.setCurrentText(data.unit)
        # Not setValue(): it shows ``places`` decimals and would round 0.125 to 0.13.
        self.unit_price.setText(price_text(data.unit_price))
        (self.gross if data.price_basis == PriceBasis.GROSS else self.net).setChecked(True)
        self._select_rate(data.tax_rate)
        self._select_category(TaxCategory(data.tax_category))

    def _select_rate(self, rate: Decimal) -> None:
        select_data(self.tax_rate, rate_key(rate), rate_text(rate))

    def _current_rate(self) -> Decimal:
        return _rate(self.tax_rate.currentData())

    def _select_category(self, category: TaxCategory) -> None:
        select_data(self.tax_category, category.value)

    # ------------------------------------------------------------------ rate and category agree

    def _rate_changed(self) -> None:
        if self._coupling:
            return
        self._coupling = True
        rate = self._current_rate()
        category = TaxCategory(self.tax_category.currentData())
        if rate > 0 and category is not TaxCategory.STANDARD:
            self._select_category(TaxCategory.STANDARD)
        elif rate == 0 and category is TaxCategory.STANDARD:
            self._select_category(TaxCategory.ZERO)
        self._coupling = False

    def _category_changed(self) -> None:
        if self._coupling:
            return
        self._coupling = True
        rate = self._current_rate()
        category = TaxCategory(self.tax_category.currentData())
        if category is not TaxCategory.STANDARD and rate != 0:
            self._select_rate(Decimal(0))
        elif category is TaxCategory.STANDARD and rate == 0:
            self._select_rate(self._default_rate or Decimal(19))
        self._coupling = False

    # ------------------------------------------------------------------ saving

    def product_input(self) -> ProductInput:
        price = self.unit_price.value()
        return ProductInput(
            name=self.name.text(),
            unit_price=price if price is not None else Decimal(0),
            tax_rate=self._current_rate(),
            number=self.number.text().strip() or None,
            description=self.description.toPlainText(),
            unit=self.unit.currentText(),
            tax_category=self.tax_category.currentData(),
            price_basis=PriceBasis.GROSS if self.gross.isChecked() else PriceBasis.NET,
        )

    def _missing(self) -> str:
        if not self.name.text().strip():
            return tr("Enter the product's name to save.")
        if not self.unit_price.is_valid():
            return tr("Enter the unit price as a number, e.g. {example}.").format(
                example=price_text(Decimal("12.5"))
            )
        if not self.unit_price.text().strip():
            return tr("Enter a unit price to save (0 if there is no charge).")
        return ""

    def _update_ok(self) -> None:
        reason = self._missing()
        self.ok_button.setEnabled(not reason and not self._saving)
        self.ok_button.setToolTip(reason)
        self.hint.setText(reason)
        self.hint.setVisible(bool(reason))

    def accept(self) -> None:
        if not self.ok_button.isEnabled():
            return
        self.errors.clear()
        try:
            inp = self.product_input()
        except DomainError as error:
            self.errors.show(error)
            return
        product_id = self.product_id

        def save(db: Books) -> ProductView:
            if product_id is None:
                return create_product(db, inp)
            return update_product(db, product_id, inp)

        self._saving = True
        self.ok_button.setEnabled(False)  # one save at a time
        Operation(
            self,
            self.ctx,
            tr("Save Product"),
            save,
            changes=lambda view: Changes.of(product=view.id),
        ).success(self._saved).refused(self.errors.show).finally_(self._save_ended).run()

    def reject(self) -> None:
        if self._saving:
            return  # a save under way: Esc, Cancel and the close button wait for its end
        super().reject()

    def _save_ended(self) -> None:
        self._saving = False
        self._update_ok()

    def _saved(self, view: ProductView) -> None:
        self.saved = view
        self.product_id = view.id
        super().accept()
