"""Create or edit a client: details and addresses, contact persons, terms and notes."""

from __future__ import annotations

import re
from decimal import Decimal

from babel import Locale
from babel.numbers import list_currencies
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import current_language, ptr, tr
from invoicedesk.services.books import Books
from invoicedesk.services.clients import ClientView, create_client, get_client, update_client
from invoicedesk.services.inputs import ClientInput, ClientKind
from invoicedesk.services.settings import all_settings, get_company
from invoicedesk.ui.clients.address_editor import AddressEditor, select_data
from invoicedesk.ui.clients.contacts_model import (
    CONTACT_FIELDS,
    CONTACT_TITLES,
    ContactTableModel,
)
from invoicedesk.ui.clients.field_errors import FieldBox, FieldErrors, error_label, phrase, reveal
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.widgets.decimal_edit import DecimalEdit

LANGUAGES = {"en": "English", "de": "German"}  # the languages invoices are written in


def language_name(code: str) -> str:
    """A document language as the user reads it ("Deutsch" in a German program)."""
    names = {"en": ptr("language", "English"), "de": ptr("language", "German")}
    return names.get(code) or LANGUAGES.get(code, code)


COMMON_CURRENCIES = ("EUR", "USD", "GBP", "CHF", "PLN", "CZK", "DKK", "SEK", "NOK")
_SPLIT_EMAILS = re.compile(r"[,;\s]+")


def currency_combo(company_currency: str) -> QComboBox:
    """None (the company currency), the common currencies, then every other ISO code."""
    names = Locale.parse(current_language()).currencies
    combo = QComboBox()
    combo.addItem(tr("Company currency ({code})").format(code=company_currency), None)
    codes = [c for c in COMMON_CURRENCIES if c in names]
    for code in codes:
        combo.addItem(f"{code} — {names[code]}", code)
    combo.insertSeparator(combo.count())
    for code in sorted(set(list_currencies()) - set(codes)):
        combo.addItem(f"{code} — {names.get(code, code)}", code)
    combo.setMaxVisibleItems(20)
    return combo


def split_list(text: str, pattern: str | re.Pattern[str] = ",") -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(pattern, text) if part.strip())


class ClientDialog(QDialog):
    """After ``exec()`` returns Accepted, ``client_id`` is the saved client's id."""

    def __init__(
        self, ctx: AppContext, client_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.client_id = client_id
        self.saved: ClientView | None = None
        self._original = get_client(ctx.db, client_id) if client_id is not None else None
        company = get_company(ctx.db)
        self._company_currency = company.currency or "EUR"
        self._company_language = company.language or "en"
        self._default_due = all_settings(ctx.db)["default_due_days"]
        self._name_follows = True

        self.banner = error_label()
        self.errors = FieldErrors(self.banner)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_page(company.country), tr("&General"))
        self.tabs.addTab(self._contacts_page(), tr("Con&tact persons"))
        self.tabs.addTab(self._terms_page(), tr("Te&rms && notes"))

        self.hint = QLabel()
        self.hint.setEnabled(False)  # drawn in the palette's muted text colour
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("Save"))
        self._saving = False  # a save runs on the write worker
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        messages = QVBoxLayout()
        messages.addWidget(self.banner)
        messages.addWidget(self.hint)
        bottom.addLayout(messages, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self._register_fields()
        self._load(self._original)
        self._update_kind()
        self._update_ok()
        chars = self.fontMetrics().averageCharWidth()
        self.setMinimumSize(chars * 120, self.sizeHint().height())
        self.resize(chars * 150, self.sizeHint().height())
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ pages

    def _general_page(self, company_country: str) -> QWidget:
        self.organisation = QRadioButton(tr("&Organisation"))
        self.person = QRadioButton(tr("&Person"))
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.organisation)
        self.kind_group.addButton(self.person)
        kind = QHBoxLayout()
        kind.addWidget(self.organisation)
        kind.addWidget(self.person)
        kind.addStretch()

        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.name = QLineEdit()
        self.customer_number = QLineEdit(placeholderText=tr("Assigned when saved"))
        self.email = QLineEdit(placeholderText=tr("Where invoices are sent"))
        self.emails = QLineEdit(placeholderText=tr("Copies, separated by commas"))
        self.phone = QLineEdit()
        self.vat_id = QLineEdit(placeholderText=tr("e.g. DE123456789"))

        self.details = QFormLayout()
        self.details.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.details.addRow(tr("Kind:"), kind)
        rows = [
            (tr("&First name:"), "first_name"),
            (tr("&Last name:"), "last_name"),
            (tr("&Name:"), "name"),
            (tr("Customer n&umber:"), "customer_number"),
            (tr("&E-mail:"), "email"),
            (tr("Further e-&mails:"), "emails"),
            (tr("P&hone:"), "phone"),
            (tr("&VAT ID:"), "vat_id"),
        ]
        self._boxes: dict[str, FieldBox] = {}
        for label, attr in rows:
            box = FieldBox(getattr(self, attr))
            self._boxes[attr] = box
            self.details.addRow(label, box)

        self.address_editor = AddressEditor(company_country or "DE")
        page = QWidget()
        columns = QHBoxLayout(page)
        left = QVBoxLayout()
        left.addLayout(self.details)
        left.addStretch()
        columns.addLayout(left, 1)
        columns.addSpacing(12)
        columns.addWidget(self.address_editor, 1)

        self.organisation.toggled.connect(self._update_kind)
        self.first_name.textEdited.connect(self._follow_name)
        self.last_name.textEdited.connect(self._follow_name)
        self.name.textEdited.connect(self._name_edited)
        return page

    def _contacts_page(self) -> QWidget:
        self.contacts = ContactTableModel(parent=self)
        self.contact_table = QTableView()
        self.contact_table.setModel(self.contacts)
        self.contact_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.contact_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.contact_table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move
        self.contact_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        header = self.contact_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.contact_table.verticalHeader().setDefaultSectionSize(
            self.contact_table.fontMetrics().height() + 12
        )
        self.add_contact_button = QPushButton(tr("&Add contact"))
        self.remove_contact_button = QPushButton(tr("Remove c&ontact"))
        self.contact_error = error_label()
        hint = QLabel(
            tr(
                "People to address at this client. Type into a cell to change it; "
                "Enter confirms, Tab moves to the next cell."
            )
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_contact_button)
        buttons.addWidget(self.remove_contact_button)
        buttons.addStretch()
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(hint)
        layout.addWidget(self.contact_table, 1)
        layout.addWidget(self.contact_error)
        layout.addLayout(buttons)

        self.add_contact_button.clicked.connect(self.add_contact)
        self.remove_contact_button.clicked.connect(self.remove_contact)
        self.contacts.dataChanged.connect(self._contact_edited)
        return page

    def _terms_page(self) -> QWidget:
        self.due_days = DecimalEdit(places=0)
        self.due_days.setPlaceholderText(str(self._default_due))
        self.due_days.setFixedWidth(self.fontMetrics().horizontalAdvance("0000") + 24)
        self.currency = currency_combo(self._company_currency)
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(language_name(code), code)
        self.tags = QLineEdit(placeholderText=tr("e.g. wholesale, key account"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText(tr("Internal notes; they do not appear on invoices"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        due_message = error_label()
        due_box = FieldBox(self.due_days, message=due_message)
        self._boxes["due_days"] = due_box
        due_hint = QLabel(
            tr("days after the invoice date; empty: the company default ({days})").format(
                days=self._default_due
            )
        )
        due_hint.setEnabled(False)
        due_hint.setFixedHeight(self.due_days.sizeHint().height() + 2)
        due_row = QHBoxLayout()
        due_row.addWidget(due_box, 0, Qt.AlignmentFlag.AlignTop)
        due_row.addWidget(due_hint, 1, Qt.AlignmentFlag.AlignTop)
        due_label = QLabel(tr("&Due days:"))
        due_label.setBuddy(self.due_days)
        form.addRow(due_label, due_row)
        form.addRow("", due_message)
        for label, attr in (
            (tr("C&urrency:"), "currency"),
            (tr("&Language:"), "language"),
            (tr("T&ags:"), "tags"),
            (tr("&Notes:"), "notes"),
        ):
            box = FieldBox(getattr(self, attr))
            self._boxes[attr] = box
            form.addRow(label, box)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.addLayout(form)
        return page

    def _register_fields(self) -> None:
        labels = {
            "first_name": tr("First name"),
            "last_name": tr("Last name"),
            "name": tr("Name"),
            "customer_number": tr("Customer number"),
            "email": tr("E-mail"),
            "emails": tr("Further e-mail"),
            "phone": tr("Phone"),
            "vat_id": tr("VAT ID"),
            "due_days": tr("Due days"),
            "currency": tr("Currency"),
            "language": tr("Language"),
            "tags": tr("A tag"),
            "notes": tr("Notes"),
        }
        for attr, label in labels.items():
            box = self._boxes[attr]
            self.errors.add(f"client.{attr}", box, label)
            widget = box.field
            signal = getattr(widget, "textEdited", None) or getattr(widget, "textChanged", None)
            if isinstance(widget, QComboBox):
                signal = widget.currentIndexChanged
            if signal is not None:
                signal.connect(lambda *_a, b=box: b.set_error(None) if b.has_error() else None)
        self.errors.add_handler(
            r"client\.addresses\[(\d+)\](?:\.(\w+))?",
            self._address_error,
            self.address_editor.clear_errors,
        )
        self.errors.add_handler(
            r"client\.contacts\[(\d+)\](?:\.(\w+))?", self._contact_error, self._clear_contacts
        )
        for widget in (self.name, self.first_name, self.last_name):
            widget.textChanged.connect(self._update_ok)
        self.due_days.textChanged.connect(self._update_ok)

    # ------------------------------------------------------------------ values

    def _load(self, view: ClientView | None) -> None:
        data = view.data if view is not None else ClientInput(name="")
        self.setWindowTitle(
            tr("Client {number} — {name}").format(number=view.customer_number, name=view.name)
            if view is not None
            else tr("New client")
        )
        (self.person if data.kind == ClientKind.PERSON else self.organisation).setChecked(True)
        self.first_name.setText(data.first_name)
        self.last_name.setText(data.last_name)
        self.name.setText(data.name)
        self._name_follows = data.name in ("", self._combined_name())
        self.customer_number.setText(view.customer_number if view is not None else "")
        self.email.setText(data.email)
        self.emails.setText(", ".join(data.emails))
        self.phone.setText(data.phone)
        self.vat_id.setText(data.vat_id)
        self.address_editor.set_addresses(data.addresses)
        self.contacts.set_contacts(data.contacts)
        self.due_days.setValue(Decimal(data.due_days) if data.due_days is not None else None)
        select_data(self.currency, data.currency, data.currency)
        language = data.language if view is not None else self._company_language
        select_data(self.language, language, language_name(language))
        self.tags.setText(", ".join(data.tags))
        self.notes.setPlainText(data.notes)
        for edit in self.findChildren(QLineEdit):
            edit.setCursorPosition(0)  # show the start of long e-mail addresses

    def client_input(self) -> tuple[ClientInput, list[int], list[int]]:
        """What the form says, and the rows the saved addresses and contacts came from."""
        addresses, address_rows = self.address_editor.addresses()
        contact_rows = [
            i
            for i, c in enumerate(self.contacts.contacts())
            if any(getattr(c, name).strip() for name in CONTACT_FIELDS)
        ]
        all_contacts = self.contacts.contacts()
        inp = ClientInput(
            name=self.name.text(),
            kind=ClientKind.PERSON if self.person.isChecked() else ClientKind.ORGANISATION,
            customer_number=self.customer_number.text().strip() or None,
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            email=self.email.text(),
            emails=split_list(self.emails.text(), _SPLIT_EMAILS),
            phone=self.phone.text(),
            vat_id=self.vat_id.text(),
            due_days=self._due_days(),
            currency=self.currency.currentData(),
            language=self.language.currentData() or "en",
            tags=split_list(self.tags.text()),
            notes=self.notes.toPlainText(),
            addresses=tuple(addresses),
            contacts=tuple(all_contacts[i] for i in contact_rows),
        )
        return inp, address_rows, contact_rows

    def _due_days(self) -> int | None:
        try:
            value = self.due_days.value()
        except ValueError:
            value = Decimal("NaN")
        if value is None:
            return None
        if not value.is_finite() or value != value.to_integral_value() or not 0 <= value <= 365:
            raise DomainError(
                "must be a whole number of days from 0 to 365", "client.due_days",
                code="due_days_range",
            )  # fmt: skip
        return int(value)

    # ------------------------------------------------------------------ saving

    def accept(self) -> None:
        if not self.ok_button.isEnabled():
            return
        self.errors.clear()
        try:
            inp, self._address_rows, self._contact_rows = self.client_input()
        except DomainError as error:
            self.errors.show(error)
            return
        client_id = self.client_id

        def save(db: Books) -> ClientView:
            if client_id is None:
                return create_client(db, inp)
            return update_client(db, client_id, inp)

        self._saving = True
        self.ok_button.setEnabled(False)  # one save at a time
        Operation(
            self, self.ctx, tr("Save Client"), save, changes=lambda view: Changes.of(client=view.id)
        ).success(self._saved).refused(self.errors.show).finally_(self._save_ended).run()

    def _save_ended(self) -> None:
        self._saving = False
        self._update_ok()

    def reject(self) -> None:
        if self._saving:  # the save finishes first (it would still commit after closing)
            return
        super().reject()

    def _saved(self, view: ClientView) -> None:
        self.saved = view
        self.client_id = view.id
        super().accept()

    def _missing(self) -> str:
        """Why the client cannot be saved yet ("" when it can)."""
        named = self.name.text().strip() or (
            self.person.isChecked() and (self.first_name.text() + self.last_name.text()).strip()
        )
        if not named:
            if self.person.isChecked():
                return tr("Enter the person's first or last name to save.")
            return tr("Enter the client's name to save.")
        if not self.due_days.is_valid():
            return tr("Enter the due days as a whole number, or leave them empty.")
        return ""

    def _update_ok(self) -> None:
        reason = self._missing()
        self.ok_button.setEnabled(not reason and not self._saving)
        self.ok_button.setToolTip(reason)
        self.hint.setText(reason)
        self.hint.setVisible(bool(reason))

    # ------------------------------------------------------------------ kind and name

    def _combined_name(self) -> str:
        return " ".join(
            p for p in (self.first_name.text().strip(), self.last_name.text().strip()) if p
        )

    def _update_kind(self) -> None:
        person = self.person.isChecked()
        for attr in ("first_name", "last_name"):
            self.details.setRowVisible(self._boxes[attr], person)
        self.name.setPlaceholderText(
            tr("Filled from first and last name") if person else tr("e.g. Muster Software GmbH")
        )
        self._update_ok()

    def _follow_name(self) -> None:
        if self._name_follows:
            self.name.setText(self._combined_name())

    def _name_edited(self, text: str) -> None:
        self._name_follows = text.strip() in ("", self._combined_name())

    # ------------------------------------------------------------------ contacts

    def add_contact(self) -> None:
        row = self.contacts.rowCount()
        self.contacts.insertRows(row, 1)
        index = self.contacts.index(row, 0)
        self.tabs.setCurrentIndex(1)
        self.contact_table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.contact_table.setCurrentIndex(index)
        self.contact_table.edit(index)

    def remove_contact(self) -> None:
        index = self.contact_table.currentIndex()
        if index.isValid():
            self.contacts.removeRows(index.row(), 1)

    def _contact_edited(self) -> None:
        if not self.contacts.has_errors():
            self.contact_error.hide()

    def _clear_contacts(self) -> None:
        self.contacts.clear_errors()
        self.contact_error.hide()

    def _contact_error(self, match: re.Match[str], message: str) -> bool:
        rows = getattr(self, "_contact_rows", [])
        sent = int(match.group(1))
        if sent >= len(rows):
            return False
        row, name = rows[sent], match.group(2)
        column = CONTACT_FIELDS.index(name) if name in CONTACT_FIELDS else None
        label = tr(CONTACT_TITLES[column]) if column is not None else tr("This contact person")
        self.contacts.set_error(row, column, message)
        self.contact_error.setText(
            tr("Contact person {n}: {problem}").format(n=row + 1, problem=phrase(label, message))
        )
        self.contact_error.show()
        reveal(self.contact_table)
        self.contact_table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.contact_table.setCurrentIndex(self.contacts.index(row, column or 0))
        return True

    def _address_error(self, match: re.Match[str], message: str) -> bool:
        rows = getattr(self, "_address_rows", [])
        sent = int(match.group(1))
        if sent >= len(rows):
            return False
        return self.address_editor.show_error(rows[sent], match.group(2) or "", message)
