"""First start: a short wizard for the company profile, or "Explore with demo data".

Every value is checked by the services as the user leaves a page (the field is
marked and the reason shown beside it); Finish saves everything in one
transaction (``settings.configure``, an operation: the wizard closes when it succeeded).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import tr
from invoicedesk.services import settings as settings_service
from invoicedesk.services.settings import CompanyData
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.settings.forms import (
    BankFields,
    CompanyFields,
    DefaultsFields,
    FieldForm,
    LogoPicker,
    NumberingFields,
    company_data,
    field_key,
)


class _FormPage(QWizardPage):
    """A wizard page holding one :class:`FieldForm` (``fields`` and ``error`` are its)."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.body = FieldForm()
        self.fields = self.body.fields
        self.error = self.body.error
        QVBoxLayout(self).addWidget(self.body)

    def show_error(self, exc: DomainError) -> bool:
        return self.body.show_error(exc)


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
        self.setWindowTitle(tr("Set up InvoiceDesk"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(640, 560)
        current = settings_service.get_company(db)
        values = settings_service.all_settings(db)

        if offer_demo:
            self.addPage(self._welcome_page())

        company = _FormPage(
            tr("Your company"),
            tr("How your business appears on invoices. Only the name is required."),
        )
        self.company = CompanyFields(company.body, current, with_language=True)
        company.validatePage = lambda: self._check_company(company)  # type: ignore[method-assign]
        self.company_page = company
        self.addPage(company)

        bank = _FormPage(
            tr("Bank account"),
            tr("Printed on invoices so clients can pay you; IBAN and BIC are checked."),
        )
        self.bank = BankFields(bank.body, current)
        bank.validatePage = lambda: self._check_company(bank)  # type: ignore[method-assign]
        bank.initializePage = self._prefill_holder  # type: ignore[method-assign]
        self.bank_page = bank
        self.addPage(bank)

        page = _FormPage(
            tr("Defaults"), tr("What new invoices start with. You can change it later.")
        )
        self.defaults = DefaultsFields(page.body, values, current.currency, with_basis=False)
        patterns = values["number_patterns"]
        self.numbering = NumberingFields(page.body, patterns, ("invoice",))  # type: ignore[arg-type]
        self.logo = LogoPicker(settings_service.get_logo(db))
        page.body.form.addRow(tr("Logo:"), self.logo)
        page.validatePage = lambda: self._check_defaults(page)  # type: ignore[method-assign]
        self.defaults_page = page
        self.addPage(page)

    # ------------------------------------------------------------------ pages

    def _welcome_page(self) -> QWizardPage:
        page = QWizardPage()
        page.setTitle(tr("Welcome to InvoiceDesk"))
        page.setSubTitle(tr("Invoices, clients and payments — kept on this computer."))
        text = QLabel(
            tr(
                "Set up your company in three short steps, or look around first with sample "
                "clients and invoices kept in a separate demo database."
            )
        )
        text.setWordWrap(True)
        demo = QPushButton(tr("Explore with &demo data"))
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

    # ------------------------------------------------------------------ behaviour

    def _choose_demo(self) -> None:
        self.wants_demo = True
        self.accept()

    def _prefill_holder(self) -> None:
        self.bank.prefill_holder(self.company_page.fields["name"].text())

    def company_data(self) -> CompanyData:
        return company_data(self.company, self.bank, self.defaults.currency_code())

    def settings_data(self) -> dict[str, object]:
        return {**self.defaults.values(), "number_patterns": self.numbering.values()}

    def _check_company(self, page: _FormPage) -> bool:
        try:
            settings_service.validated_company(self.company_data())
        except DomainError as exc:
            key = field_key(exc)
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
        if not self.defaults.check():
            return False
        data = self.settings_data()
        company, logo = self.company_data(), self.logo.logo
        self._set_saving(True)
        Operation(
            self, self.ctx, tr("Save Company Settings"),
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
        page.show_error(exc)
