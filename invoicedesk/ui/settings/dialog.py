"""File › Settings: every setting of the books on pages, saved together with OK.

Pages: Company, Bank Account, Invoices, Numbering, Documents, Email, Language. OK saves the
company, the bank account, the defaults, the number patterns and the logo in one operation
(``settings.configure``: one transaction); a refused value brings its page forward with the
field marked and the reason beneath it, and the dialog stays open with everything typed.
The program language is this computer's choice, not the books': it is kept in QSettings.
The layout of documents and the email account keep their own dialogs, opened from here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import tr
from invoicedesk.services import settings as settings_service
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.language import LANGUAGE_KEY, PROGRAM_LANGUAGES, program_language
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.settings.forms import (
    BankFields,
    CompanyFields,
    DefaultsFields,
    DocumentTextsFields,
    FieldForm,
    LogoPicker,
    NumberingFields,
    company_data,
)


class SettingsDialog(QDialog):
    """The books' settings on pages; ``saved`` tells whether OK stored them."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        open_layout: Callable[[], None] | None = None,
        open_mail_account: Callable[[], None] | None = None,
        open_mail_templates: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.qsettings = settings or QSettings()
        self.saved = False
        self._saving = False
        self.setWindowTitle(tr("Settings"))
        self.setMinimumSize(720, 520)
        company = settings_service.get_company(ctx.db)
        values = settings_service.all_settings(ctx.db)

        self.nav = QListWidget()
        self.nav.setObjectName("settings-pages")
        self.nav.setMaximumWidth(180)
        self.stack = QStackedWidget()
        self.forms: list[FieldForm] = []

        form = self._add_page(tr("Company"), tr("How your business appears on its documents."))
        self.company = CompanyFields(form, company, with_language=True)
        form = self._add_page(tr("Bank Account"), tr("Printed on invoices so clients can pay you."))
        self.bank = BankFields(form, company)
        self.bank_page = self.stack.count() - 1
        form = self._add_page(tr("Invoices"), tr("What new invoices start with."))
        self.defaults = DefaultsFields(form, values, company.currency, with_basis=True)
        form = self._add_page(
            tr("Numbering"),
            tr(
                "{year}, {yy}, {month} and {seq} (or {seq:04} for four digits) are filled in. "
                "A number once issued never changes."
            ),
        )
        self.numbering = NumberingFields(form, values["number_patterns"])
        form = self._add_page(
            tr("Documents"), tr("The logo, the look and the texts new invoices start with.")
        )
        self.logo = LogoPicker(settings_service.get_logo(ctx.db))
        form.form.addRow(tr("Logo:"), self.logo)
        form.form.addRow("", _button_row(tr("La&yout and colours…"), open_layout))
        self.texts = DocumentTextsFields(form, values)
        form = self._add_page(tr("Email"), tr("The account invoices are sent from, and the texts."))
        form.form.addRow(tr("Account:"), _button_row(tr("Email &account…"), open_mail_account))
        form.form.addRow(tr("Texts:"), _button_row(tr("Email &templates…"), open_mail_templates))
        form = self._add_page(
            tr("Language"),
            tr(
                "The language of menus and messages, and how dates and numbers are written. "
                "It takes effect at the next start. The language of each document follows its "
                "client (Company page: for clients who have none)."
            ),
        )
        self.program_language = QComboBox()
        self.program_language.setObjectName("program-language")
        for code, label in PROGRAM_LANGUAGES:
            self.program_language.addItem(tr(label), code)
        self.program_language.setCurrentIndex(
            max(0, self.program_language.findData(program_language(self.qsettings)))
        )
        form.form.addRow(tr("Program &language:"), self.program_language)

        self.nav.currentRowChanged.connect(self._show_page)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.nav.setCurrentRow(0)

    def _add_page(self, title: str, intro: str) -> FieldForm:
        page = QWidget()
        heading = QLabel(f"<b>{title}</b>")
        text = QLabel(intro)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        form = FieldForm()
        layout = QVBoxLayout(page)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addSpacing(6)
        layout.addWidget(form, 1)
        self.stack.addWidget(page)
        self.nav.addItem(title)
        self.forms.append(form)
        return form

    def _show_page(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        if row == self.bank_page:
            self.bank.prefill_holder(self.company.form.fields["name"].text())

    def show_page(self, title: str) -> None:
        """Bring the page named ``title`` forward ("Company", "Numbering", …)."""
        for row in range(self.nav.count()):
            if self.nav.item(row).text() == tr(title):
                self.nav.setCurrentRow(row)

    # ------------------------------------------------------------------ saving

    def save(self) -> None:
        """OK: check, then store everything in one operation; the dialog closes when it
        succeeded and stays open, the refused field shown, when it did not."""
        if self._saving:
            return
        for form in self.forms:
            form.clear_error()
        if not self.defaults.check():
            self.nav.setCurrentRow(self.forms.index(self.defaults.form))
            return
        self.bank.prefill_holder(self.company.form.fields["name"].text())
        company = company_data(self.company, self.bank, self.defaults.currency_code())
        values = {
            **self.defaults.values(),
            "number_patterns": self.numbering.values(),
            "document_texts": self.texts.values(),
        }
        logo = self.logo.logo
        self._set_saving(True)
        Operation(
            self, self.ctx, tr("Save Settings"),
            lambda db: settings_service.configure(db, company, values, logo),
            changes=Changes.of(settings=None),
        ).success(self._saved).refused(self._refused).finally_(
            lambda: self._set_saving(False)
        ).run()  # fmt: skip

    def _saved(self, _result: object) -> None:
        self.qsettings.setValue(LANGUAGE_KEY, self.program_language.currentData())
        self.saved = True
        self.accept()

    def _refused(self, exc: DomainError) -> None:
        """Show the refusal on the page of its field (the Company page when no form has it)."""
        if "document_texts" in (exc.field or ""):
            self.nav.setCurrentRow(self.forms.index(self.texts.form))
            self.texts.show_error(exc)
            return
        owner = next((f for f in self.forms if f.owns(exc)), self.forms[0])
        self.nav.setCurrentRow(self.forms.index(owner))
        owner.show_error(exc)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.buttons.setEnabled(not saving)

    def reject(self) -> None:
        if self._saving:
            return  # OK is saving: Cancel and Esc wait for its end
        super().reject()


def _button_row(text: str, action: Callable[[], None] | None) -> QWidget:
    """A button that opens another dialog, left-aligned in its form row."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    button = QPushButton(text)
    button.setEnabled(action is not None)
    if action is not None:
        button.clicked.connect(action)
    layout.addWidget(button)
    layout.addStretch(1)
    return row
