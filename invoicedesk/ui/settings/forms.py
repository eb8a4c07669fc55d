"""The company, bank, defaults and numbering forms, shared by the first-start wizard and
the Settings dialog (one set of fields, checks and error display for both).

A :class:`FieldForm` is a labelled form with one error line beneath it. The services
check every value (``settings.validated_company``, ``settings.configure``); a refused
value is shown at its field (red border, focus) with the reason in the error line.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
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
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.core.numbering import DEFAULT_PATTERNS, format_number, validate_pattern
from invoicedesk.i18n import N_, ntr, tr
from invoicedesk.services.document_texts import (
    TEXT_LANGUAGES,
    default_document_texts,
    texts_of,
)
from invoicedesk.services.settings import CompanyData
from invoicedesk.ui.clients.address_editor import country_combo, select_data

CURRENCIES = ("EUR", "CHF", "GBP", "USD", "SEK", "DKK", "NOK", "PLN", "CZK", "HUF", "JPY")
ERROR_STYLE = "border: 1px solid #c62828;"
DOCUMENT_LANGUAGES = (("en", N_("English")), ("de", N_("Deutsch (German)")))
# The number sequences, in the order the Numbering page lists them.
SEQUENCES = (
    ("invoice", N_("Invoice &numbers:"), "RE-{year}-{seq:04}"),
    ("credit_note", N_("C&redit note numbers:"), "GS-{year}-{seq:04}"),
    ("client", N_("C&lient numbers:"), "K-{seq:05}"),
    ("product", N_("&Product numbers:"), "P-{seq:04}"),
)
COMPANY_KEYS = ("name", "street", "zip", "city", "email", "phone", "website", "vat_id",
                "tax_number", "registration", "managing_director")  # fmt: skip
BANK_KEYS = ("account_holder", "bank_name", "iban", "bic")


class FieldForm(QWidget):
    """Labelled fields above one error line; ``fields`` maps a service field name to
    its line edit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
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

    def owns(self, exc: DomainError) -> bool:
        """Whether the refused field is one of this form's."""
        return field_key(exc) in self.fields

    def show_error(self, exc: DomainError) -> bool:
        """Mark the refused field (if it is here) and say why; False, for validatePage."""
        widget = self.fields.get(field_key(exc))
        if widget is not None:
            widget.setStyleSheet(ERROR_STYLE)
            widget.setFocus()
        self.error.setText(exc.message[:1].upper() + exc.message[1:])
        return False

    def clear_error(self) -> None:
        self.error.clear()
        for edit in self.fields.values():
            edit.setStyleSheet("")


def field_key(exc: DomainError) -> str:
    """The last part of a service field path: "company.iban" → "iban",
    "settings.number_patterns.invoice" → "invoice", "settings.tax_rates[1]" → "tax_rates"."""
    return (exc.field or "").split(".")[-1].split("[")[0]


class CompanyFields:
    """How the business appears on its documents (rows added to ``form``)."""

    def __init__(self, form: FieldForm, company: CompanyData, *, with_language: bool) -> None:
        self.form = form
        self._language = company.language or "en"
        self.add_line = form.add_line
        self.add_line("name", tr("N&ame (required):"), tr("e.g. Werkstatt Berg GmbH"))
        self.add_line("street", tr("&Street:"), tr("e.g. Hauptstraße 1"))
        self.add_line("zip", tr("&Postcode:"), tr("e.g. 10115"))
        self.add_line("city", tr("C&ity:"), tr("e.g. Berlin"))
        self.country = country_combo()
        self.country.setObjectName("country")
        form.form.addRow(tr("Countr&y:"), self.country)
        self.add_line("email", tr("&E-mail:"), tr("e.g. office@example.com"))
        self.add_line("phone", tr("P&hone:"))
        self.add_line("website", tr("&Website:"), tr("e.g. www.example.com"))
        self.add_line("vat_id", tr("&VAT ID:"), tr("e.g. DE123456789"))
        self.add_line("tax_number", tr("&Tax number:"))
        self.add_line("registration", tr("&Registration:"), tr("e.g. Local court, HRB 12345"))
        self.add_line("managing_director", tr("&Managing director:"))
        self.language: QComboBox | None = None
        if with_language:
            self.language = QComboBox()
            self.language.setObjectName("language")
            for code, label in DOCUMENT_LANGUAGES:
                self.language.addItem(tr(label), code)
            self.language.setToolTip(
                tr("The language of documents for clients who have none set, and of new clients.")
            )
            form.form.addRow(tr("Document lan&guage:"), self.language)
        for key in COMPANY_KEYS:
            form.fields[key].setText(str(getattr(company, key)))
        select_data(self.country, company.country or "DE")
        if self.language is not None:
            select_data(self.language, company.language or "en")

    def values(self) -> dict[str, str]:
        values = {key: self.form.fields[key].text().strip() for key in COMPANY_KEYS}
        values["country"] = str(self.country.currentData() or "")
        # Without the combo (the wizard) the stored language stays as it is.
        values["language"] = (
            str(self.language.currentData() or "en") if self.language else self._language
        )
        return values


class BankFields:
    """The account clients pay into; the holder is the company unless typed otherwise."""

    def __init__(self, form: FieldForm, company: CompanyData) -> None:
        self.form = form
        form.add_line("account_holder", tr("Account &holder:"))
        form.add_line("bank_name", tr("Ban&k:"))
        form.add_line("iban", tr("IB&AN:"), tr("e.g. DE89 3704 0044 0532 0130 00"))
        form.add_line("bic", tr("B&IC:"), tr("e.g. COBADEFFXXX"))
        for key in BANK_KEYS:
            form.fields[key].setText(str(getattr(company, key)))
        self._prefilled_holder = ""

    def prefill_holder(self, company_name: str) -> None:
        """An empty holder (or one still holding the name put there before) gets the
        company's name."""
        holder = self.form.fields["account_holder"]
        if not holder.text().strip() or holder.text() == self._prefilled_holder:
            self._prefilled_holder = company_name.strip()
            holder.setText(self._prefilled_holder)

    def values(self) -> dict[str, str]:
        return {key: self.form.fields[key].text().strip() for key in BANK_KEYS}


class DefaultsFields:
    """What new invoices start with: currency, tax rates, payment term, price basis."""

    def __init__(
        self, form: FieldForm, values: dict[str, object], currency: str, *, with_basis: bool
    ) -> None:
        self.form = form
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(CURRENCIES)
        self.currency.setCurrentText(currency or "EUR")
        form.form.addRow(tr("Default c&urrency:"), self.currency)
        rates = form.add_line("tax_rates", tr("&Tax rates (%):"), tr("e.g. 19, 7, 0"))
        rates.setText(", ".join(str(r) for r in values["tax_rates"]))  # type: ignore[attr-defined]
        default_rate = form.add_line(
            "default_tax_rate", tr("Default ta&x rate (%):"), tr("e.g. 19")
        )
        default_rate.setText(str(values["default_tax_rate"]))
        self.due_days = QSpinBox(minimum=0, maximum=365)
        # "1 day", "14 days": the suffix follows the number (the catalogue's plural rule).
        self.due_days.valueChanged.connect(self._due_suffix)
        self.due_days.setValue(int(values["default_due_days"]))  # type: ignore[call-overload]
        self._due_suffix(self.due_days.value())
        form.form.addRow(tr("Payment &due after:"), self.due_days)
        self.price_basis: QComboBox | None = None
        if with_basis:
            self.price_basis = QComboBox()
            self.price_basis.addItem(tr("Net (tax is added)"), "net")
            self.price_basis.addItem(tr("Gross (prices include tax)"), "gross")
            select_data(self.price_basis, values.get("price_basis") or "net")
            form.form.addRow(tr("&Prices are:"), self.price_basis)

    def _due_suffix(self, days: int) -> None:
        self.due_days.setSuffix(ntr(" day", " days", days))

    def values(self) -> dict[str, object]:
        values: dict[str, object] = {
            "tax_rates": [
                r.strip() for r in self.form.fields["tax_rates"].text().split(",") if r.strip()
            ],
            "default_tax_rate": self.form.fields["default_tax_rate"].text().strip(),
            "default_due_days": self.due_days.value(),
        }
        if self.price_basis is not None:
            values["price_basis"] = str(self.price_basis.currentData())
        return values

    def check(self) -> bool:
        """What can be checked before saving: the default rate is one of the rates."""
        values = self.values()
        if not same_rate(values["default_tax_rate"], values["tax_rates"]):
            return self.form.show_error(DomainError(
                tr("the default tax rate must be one of the tax rates"), "default_tax_rate"
            ))  # fmt: skip
        return True

    def currency_code(self) -> str:
        return self.currency.currentText().strip().upper() or "EUR"


class NumberingFields:
    """The number pattern of each sequence, each with the number it would give today."""

    def __init__(
        self, form: FieldForm, patterns: dict[str, str], keys: tuple[str, ...] | None = None
    ) -> None:
        self.form = form
        self.keys = tuple(k for k, _l, _e in SEQUENCES if keys is None or k in keys)
        self.previews: dict[str, QLabel] = {}
        for key, label, example in SEQUENCES:
            if key not in self.keys:
                continue
            edit = form.add_line(key, tr(label), tr("e.g. {example}").format(example=example))
            edit.setText(patterns.get(key, DEFAULT_PATTERNS[key]))
            preview = QLabel()
            preview.setObjectName(f"{key}-preview")
            form.form.addRow("", preview)
            self.previews[key] = preview
            edit.textChanged.connect(lambda text, k=key: self._preview(k, text))
            self._preview(key, edit.text())

    def _preview(self, key: str, pattern: str) -> None:
        try:
            validate_pattern(pattern)
        except DomainError as exc:
            self.previews[key].setText(f"<span style='color:#c62828'>{exc.message}</span>")
            return
        example = format_number(pattern, dt.date.today(), 1)
        self.previews[key].setText(tr("For example: {number}").format(number=example))

    def values(self) -> dict[str, str]:
        return {key: self.form.fields[key].text().strip() for key in self.keys}


class DocumentTextsFields:
    """The title, intro and note new documents start with, one tab per document language,
    each with Restore Defaults."""

    def __init__(self, form: FieldForm, values: dict[str, object]) -> None:
        self.form = form
        self.tabs = QTabWidget()
        self.tabs.setObjectName("document-texts")
        self.edits: dict[str, tuple[QLineEdit, QPlainTextEdit, QPlainTextEdit]] = {}
        for language in TEXT_LANGUAGES:
            texts = texts_of(values, language)
            page = QWidget()
            rows = QFormLayout(page)
            title = QLineEdit(texts.title)
            intro = QPlainTextEdit(texts.intro)
            note = QPlainTextEdit(texts.note)
            for edit in (intro, note):
                edit.setTabChangesFocus(True)  # Tab leaves the text, as in every other field
                edit.setMaximumHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
            rows.addRow(tr("Titl&e:"), title)
            rows.addRow(tr("&Intro:"), intro)
            rows.addRow(tr("&Note:"), note)
            restore = QPushButton(tr("&Restore Defaults"))
            restore.clicked.connect(lambda _c=False, lang=language: self.restore(lang))
            row = QHBoxLayout()
            row.addWidget(restore)
            row.addStretch(1)
            rows.addRow("", row)
            self.edits[language] = (title, intro, note)
            self.tabs.addTab(page, tr(dict(DOCUMENT_LANGUAGES)[language]))
        form.form.addRow(tr("Texts of new documents:"), self.tabs)

    def restore(self, language: str) -> None:
        title, intro, note = self.edits[language]
        texts = default_document_texts(language)
        title.setText(texts.title)
        intro.setPlainText(texts.intro)
        note.setPlainText(texts.note)

    def values(self) -> dict[str, dict[str, str]]:
        return {
            language: {"title": t.text().strip(), "intro": i.toPlainText().strip(),
                       "note": n.toPlainText().strip()}
            for language, (t, i, n) in self.edits.items()
        }  # fmt: skip

    def show_error(self, exc: DomainError) -> bool:
        """A refused text ("settings.document_texts.de.intro"): its tab, marked."""
        parts = (exc.field or "").split(".")
        language = next((p for p in parts if p in self.edits), "")
        if language:
            self.tabs.setCurrentIndex(list(self.edits).index(language))
            which = {"title": 0, "intro": 1, "note": 2}.get(parts[-1])
            if which is not None:
                widget = self.edits[language][which]
                widget.setStyleSheet(ERROR_STYLE)
                widget.setFocus()
        return self.form.show_error(exc)


class LogoPicker(QWidget):
    """The logo printed on documents: a preview with Choose… and Remove."""

    def __init__(self, logo: bytes | None) -> None:
        super().__init__()
        self.logo = logo
        self.preview = QLabel(tr("No logo"))
        self.preview.setFixedHeight(48)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        choose = QPushButton(tr("Choose &logo…"))
        choose.clicked.connect(self._choose)
        remove = QPushButton(tr("Remo&ve"))
        remove.clicked.connect(lambda: self.set_logo(None))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.preview, 1)
        row.addWidget(choose)
        row.addWidget(remove)
        self.set_logo(logo)

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Choose Logo"), "", tr("Images (*.png *.jpg *.jpeg)")
        )
        if path:
            self.set_logo(Path(path).read_bytes())

    def set_logo(self, data: bytes | None) -> None:
        self.logo = data
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.preview.setPixmap(
                pixmap.scaledToHeight(44, Qt.TransformationMode.SmoothTransformation)
            )
        else:
            self.preview.setText(tr("No logo"))


def company_data(company: CompanyFields, bank: BankFields, currency: str) -> CompanyData:
    """The company as the forms hold it."""
    return CompanyData(**company.values(), **bank.values(), currency=currency)


def same_rate(rate: object, rates: object) -> bool:
    """Whether ``rate`` is among ``rates`` as a number ("19" and "19.0" are the same)."""
    try:
        return Decimal(str(rate)) in {Decimal(str(r)) for r in rates}  # type: ignore[attr-defined]
    except InvalidOperation:
        return True  # the service names the bad value precisely
