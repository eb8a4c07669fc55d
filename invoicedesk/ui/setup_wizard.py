"""First start: a short wizard for the company profile, or "Explore with demo data".

Every value is checked by the services as the user leaves a page (the field is
marked and the reason shown beside it); Finish saves everything in one
transaction (``settings.configure``, an operation: the wizard closes when it succeeded).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.core.numbering import format_number, validate_pattern
from invoicedesk.services import settings as settings_service
from invoicedesk.services.settings import CompanyData
from invoicedesk.ui.clients.address_editor import country_combo, select_data
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.operations import Changes, Operation

CURRENCIES = ("EUR", "CHF", "GBP", "USD", "SEK", "DKK", "NOK", "PLN", "CZK", "HUF", "JPY")
ERROR_STYLE = "border: 1px solid #c62828;"


class _FormPage(QWizardPage):
    """A page of labelled line edits whose errors are shown in a line beneath the form."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addStretch(1)
        layout.addWidget(self.error)
        self.fields: dict[str, QLineEdit] = {}

    def add_line(self, key: str, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(placeholderText=placeholder)
        edit.setObjectName(key)
        edit.textEdited.connect(lambda _t, e=edit: e.setStyleSheet(""))
        self.form.addRow(label, edit)
        self.fields[key] = edit
        return edit

    def show_error(self, exc: DomainError) -> bool:
        key = (exc.field or "").split(".")[-1]
        widget = self.fields.get(key)
        if widget is not None:
            widget.setStyleSheet(ERROR_STYLE)
            widget.setFocus()
        self.error.setText(exc.message[:1].upper() + exc.message[1:])
        return False


class SetupWizard(QWizard):
    """Company profile, bank account and defaults; or a request for demo data."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, offer_demo: bool = True
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        db = ctx.db
        self.wants_demo = False
        self._saving = False  # Finish saves in an operation on the write worker
        self._configured = False  # that operation succeeded: Finish may close the wizard
        self.setWindowTitle("Set up InvoiceDesk")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(640, 520)
        current = settings_service.get_company(db)
        values = settings_service.all_settings(db)
        self._logo: bytes | None = settings_service.get_logo(db)

        if offer_demo:
            self.addPage(self._welcome_page())

        company = _FormPage(
            "Your company", "How your business appears on invoices. Only the name is required."
        )
        company.add_line("name", "N&ame (required):", "e.g. Werkstatt Berg GmbH")
        company.add_line("street", "&Street:", "e.g. Hauptstraße 1")
        company.add_line("zip", "&Postcode:", "e.g. 10115")
        company.add_line("city", "&City:", "e.g. Berlin")
        self.country = country_combo()
        self.country.setObjectName("country")
        company.form.addRow("Countr&y:", self.country)
        company.add_line("email", "&E-mail:", "e.g. office@example.com")
        company.add_line("phone", "P&hone:")
        company.add_line("vat_id", "&VAT ID:", "e.g. DE123456789")
        company.add_line("tax_number", "&Tax number:")
        company.add_line("registration", "&Registration:", "e.g. Local court, HRB 12345")
        company.validatePage = lambda: self._check_company(company)  # type: ignore[method-assign]
        self.company_page = company
        self.addPage(company)

        bank = _FormPage(
            "Bank account", "Printed on invoices so clients can pay you; IBAN and BIC are checked."
        )
        bank.add_line("account_holder", "Account &holder:")
        bank.add_line("bank_name", "B&ank:")
        bank.add_line("iban", "&IBAN:", "e.g. DE89 3704 0044 0532 0130 00")
        bank.add_line("bic", "BI&C:", "e.g. COBADEFFXXX")
        bank.validatePage = lambda: self._check_company(bank)  # type: ignore[method-assign]
        bank.initializePage = self._prefill_holder  # type: ignore[method-assign]
        self._prefilled_holder = ""
        self.bank_page = bank
        self.addPage(bank)

        self.defaults_page = self._defaults_page(values, current.currency)
        self.addPage(self.defaults_page)

        for page in (company, bank):
            for key, edit in page.fields.items():
                edit.setText(str(getattr(current, key)))
        select_data(self.country, current.country or "DE")

    # ------------------------------------------------------------------ pages

    def _welcome_page(self) -> QWizardPage:
        page = QWizardPage()
        page.setTitle("Welcome to InvoiceDesk")
        page.setSubTitle("Invoices, clients and payments — kept on this computer.")
        text = QLabel(
            "Set up your company in three short steps, or look around first with sample "
            "clients and invoices kept in a separate demo database."
        )
        text.setWordWrap(True)
        demo = QPushButton("Explore with &demo data")
        demo.clicked.connect(self._choose_demo)
        row = QHBoxLayout()
        row.addWidget(demo)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(text)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _defaults_page(self, values: dict[str, object], currency: str) -> _FormPage:
        page = _FormPage("Defaults", "What new invoices start with. You can change it later.")
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(CURRENCIES)
        self.currency.setCurrentText(currency or "EUR")
        page.form.addRow("Default &currency:", self.currency)
        rates = page.add_line("tax_rates", "&Tax rates (%):", "e.g. 19, 7, 0")
        rates.setText(", ".join(str(r) for r in values["tax_rates"]))  # type: ignore[attr-defined]
        default_rate = page.add_line("default_tax_rate", "Default ta&x rate (%):", "e.g. 19")
        default_rate.setText(str(values["default_tax_rate"]))
        self.due_days = QSpinBox(minimum=0, maximum=365, suffix=" days")
        self.due_days.setValue(int(values["default_due_days"]))  # type: ignore[call-overload]
        page.form.addRow("Payment &due after:", self.due_days)
        patterns = values["number_patterns"]
        pattern = page.add_line("invoice", "Invoice &number pattern:", "e.g. RE-{year}-{seq:04}")
        pattern.setText(patterns["invoice"])  # type: ignore[index]
        self.number_preview = QLabel()
        page.form.addRow("", self.number_preview)
        pattern.textChanged.connect(self._preview_number)
        self._preview_number(pattern.text())
        logo_row = QHBoxLayout()
        self.logo_preview = QLabel("No logo")
        self.logo_preview.setFixedHeight(48)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        choose = QPushButton("Choose &logo…")
        choose.clicked.connect(self._choose_logo)
        remove = QPushButton("Remo&ve")
        remove.clicked.connect(lambda: self._set_logo(None))
        logo_row.addWidget(self.logo_preview, 1)
        logo_row.addWidget(choose)
        logo_row.addWidget(remove)
        page.form.addRow("Logo:", logo_row)
        self._set_logo(self._logo)
        page.validatePage = lambda: self._check_defaults(page)  # type: ignore[method-assign]
        return page

    # ------------------------------------------------------------------ behaviour

    def _choose_demo(self) -> None:
        self.wants_demo = True
        self.accept()

    def _prefill_holder(self) -> None:
        """The account holder is the company unless typed otherwise: an empty field (or one
        still holding the name put there before) gets the company's name."""
        holder = self.bank_page.fields["account_holder"]
        if not holder.text().strip() or holder.text() == self._prefilled_holder:
            self._prefilled_holder = self.company_page.fields["name"].text().strip()
            holder.setText(self._prefilled_holder)

    def _preview_number(self, pattern: str) -> None:
        try:
            validate_pattern(pattern)
        except DomainError as exc:
            self.number_preview.setText(f"<span style='color:#c62828'>{exc.message}</span>")
            return
        self.number_preview.setText(f"First number: {format_number(pattern, dt.date.today(), 1)}")

    def _choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose Logo", "", "Images (*.png *.jpg *.jpeg)"
        )
        if path:
            self._set_logo(Path(path).read_bytes())

    def _set_logo(self, data: bytes | None) -> None:
        self._logo = data
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.logo_preview.setPixmap(
                pixmap.scaledToHeight(44, Qt.TransformationMode.SmoothTransformation)
            )
        else:
            self.logo_preview.setText("No logo")

    def company_data(self) -> CompanyData:
        values = {k: e.text().strip() for p in (self.company_page, self.bank_page)
                  for k, e in p.fields.items()}  # fmt: skip
        return CompanyData(
            **values,
            country=str(self.country.currentData() or ""),
            currency=self.currency.currentText().strip().upper() or "EUR",
        )

    def settings_data(self) -> dict[str, object]:
        page = self.defaults_page
        return {
            "tax_rates": [
                r.strip() for r in page.fields["tax_rates"].text().split(",") if r.strip()
            ],
            "default_tax_rate": page.fields["default_tax_rate"].text().strip(),
            "default_due_days": self.due_days.value(),
            "number_patterns": {"invoice": page.fields["invoice"].text().strip()},
        }

    def _check_company(self, page: _FormPage) -> bool:
        try:
            settings_service.validated_company(self.company_data())
        except DomainError as exc:
            key = (exc.field or "").split(".")[-1]
            if key in page.fields:
                return page.show_error(exc)
            if page is self.company_page and key not in self.bank_page.fields:
                return page.show_error(exc)
        page.error.clear()
        return True

    def _check_defaults(self, page: _FormPage) -> bool:
        """Finish: check what can be checked here, then save everything in an operation;
        the wizard closes when that succeeded (``_saved`` finishes it again)."""
        if self._configured:
            return True
        if self._saving:
            return False
        data = self.settings_data()
        if not _same_rate(data["default_tax_rate"], data["tax_rates"]):
            self._show_defaults_error(page, DomainError(
                "the default tax rate must be one of the tax rates", "default_tax_rate"
            ))  # fmt: skip
            return False
        company, logo = self.company_data(), self._logo
        self._set_saving(True)
        Operation(
            self, self.ctx, "Save Company Settings",
            lambda db: settings_service.configure(db, company, data, logo),
            changes=Changes.of(settings=None),
        ).success(self._saved).refused(
            lambda exc: self._show_defaults_error(page, exc)
        ).finally_(lambda: self._set_saving(False)).run()  # fmt: skip
        return False

    def _saved(self, _result: object) -> None:
        self._configured = True
        self.accept()  # validates the page again, which now lets it finish

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        for which in (
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.CancelButton,
        ):
            self.button(which).setEnabled(not saving)

    def reject(self) -> None:
        if self._saving:
            return  # Finish is saving: Cancel, Esc and the close button wait for its end
        super().reject()

    def _show_defaults_error(self, page: _FormPage, exc: DomainError) -> None:
        key = (exc.field or "").split(".")[-1].split("[")[0]
        if key not in page.fields and exc.field and "number_patterns" in exc.field:
            key = "invoice"
        page.fields.get(key, QLineEdit()).setStyleSheet(ERROR_STYLE)
        page.error.setText(exc.message[:1].upper() + exc.message[1:])


def _same_rate(rate: object, rates: object) -> bool:
    """Whether ``rate`` is among ``rates`` as a number ("19" and "19.0" are the same)."""
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(str(rate)) in {Decimal(str(r)) for r in rates}  # type: ignore[attr-defined]
    except InvalidOperation:
        return True  # the service names the bad value precisely
