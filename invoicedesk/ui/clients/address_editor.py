"""The client dialog's addresses: a short list and a form for the selected address."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from babel import Locale
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.i18n import N_, current_language, tr
from invoicedesk.services.inputs import AddressInput, AddressKind
from invoicedesk.ui.clients.field_errors import FieldBox, error_label, phrase, reveal

KIND_LABELS = {
    AddressKind.BILLING: N_("Billing address"),
    AddressKind.DELIVERY: N_("Delivery address"),
    AddressKind.OTHER: N_("Other address"),
}  # marked: show tr(label)
FIELD_LABELS = {
    "kind": N_("Kind"),
    "recipient": N_("Recipient"),
    "street": N_("Street"),
    "street2": N_("Street 2"),
    "zip": N_("ZIP"),
    "city": N_("City"),
    "country": N_("Country"),
}  # marked: show tr(label)
_TEXT_FIELDS = ("recipient", "street", "street2", "zip", "city")


def countries() -> tuple[tuple[str, str], ...]:
    """(ISO code, "Germany (DE)") for every country the services accept, by name in the
    program's language ("Deutschland (DE)" in German)."""
    return _countries(current_language())


@lru_cache(maxsize=2)
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    territories = Locale.parse(language).territories
    pairs = [
        (code, f"{name} ({code})")
        for code, name in territories.items()
        if isinstance(code, str) and code.isalpha() and len(code) == 2
    ]
    return tuple(sorted(pairs, key=lambda pair: _sort_key(pair[1])))


def _sort_key(name: str) -> str:
    """Österreich among the O's, as a German reader looks for it."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def country_combo(parent: QWidget | None = None) -> QComboBox:
    """A country picker; type the first letters of the name to jump to it."""
    combo = QComboBox(parent)
    combo.addItem("—", "")
    for code, label in countries():
        combo.addItem(label, code)
    combo.setMaxVisibleItems(20)
    return combo


def select_data(combo: QComboBox, value: object, label: str | None = None) -> None:
    """Select the item holding ``value``, adding it (as ``label``) when it is not listed."""
    index = combo.findData(value)
    if index < 0:
        combo.addItem(label or str(value), value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


def is_blank(address: AddressInput) -> bool:
    return not any(getattr(address, name).strip() for name in (*_TEXT_FIELDS, "region"))


def summary(address: AddressInput) -> str:
    place = " ".join(p for p in (address.zip, address.city) if p)
    parts = [p for p in (address.recipient, address.street, place, address.country) if p]
    if is_blank(address):
        parts = [tr("(not filled in yet)")]
    return tr("{kind}: {address}").format(
        kind=tr(KIND_LABELS[AddressKind(address.kind)]), address=", ".join(parts)
    )


class AddressEditor(QWidget):
    """Edits a list of :class:`AddressInput`; blank addresses are dropped on save."""

    changed = Signal()

    def __init__(self, default_country: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._default_country = default_country
        self._addresses: list[AddressInput] = []
        self._loading = False

        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setUniformItemSizes(True)
        self.list.setFixedHeight(self.list.fontMetrics().height() * 3 + 16)
        self.add_button = QPushButton(tr("&Add address"))
        self.remove_button = QPushButton(tr("Remove address"))
        self.remove_button.setToolTip(tr("Remove the selected address"))

        self.kind = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(tr(label), kind)
        self.recipient = QLineEdit(placeholderText=tr("e.g. Accounts payable"))
        self.street = QLineEdit()
        self.street2 = QLineEdit()
        self.zip = QLineEdit()
        self.zip.setMaximumWidth(self.zip.fontMetrics().horizontalAdvance("00000000") + 16)
        self.city = QLineEdit()
        self.country = country_combo()

        self.place_message = error_label()
        self.boxes = {
            name: FieldBox(getattr(self, name))
            for name in ("kind", "recipient", "street", "street2", "country")
        }
        for name in ("zip", "city"):
            self.boxes[name] = FieldBox(getattr(self, name), message=self.place_message)

        heading = QLabel(tr("A&ddresses"))
        heading.setBuddy(self.list)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        top = QHBoxLayout()
        top.addWidget(self.list, 1)
        top.addLayout(buttons)

        self.form = QWidget()
        form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(tr("&Kind:"), self.boxes["kind"])
        form.addRow(tr("Rec&ipient:"), self.boxes["recipient"])
        form.addRow(tr("&Street:"), self.boxes["street"])
        form.addRow(tr("Street &2:"), self.boxes["street2"])
        place = QHBoxLayout()
        place.setSpacing(6)
        place.addWidget(self.boxes["zip"])
        place.addWidget(self.boxes["city"], 1)
        place_label = QLabel(tr("&ZIP / city:"))
        place_label.setBuddy(self.zip)
        form.addRow(place_label, place)
        form.addRow("", self.place_message)
        form.addRow(tr("Countr&y:"), self.boxes["country"])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addLayout(top)
        layout.addWidget(self.form)
        layout.addStretch()

        self.list.currentRowChanged.connect(self._show)
        self.add_button.clicked.connect(self.add_address)
        self.remove_button.clicked.connect(self.remove_current)
        self.kind.currentIndexChanged.connect(self._store)
        self.country.currentIndexChanged.connect(self._store)
        for name in _TEXT_FIELDS:
            getattr(self, name).textEdited.connect(self._store)

    # ------------------------------------------------------------------ data

    def set_addresses(self, addresses: Sequence[AddressInput]) -> None:
        self._addresses = list(addresses) or [self._blank(AddressKind.BILLING)]
        self.list.clear()
        for address in self._addresses:
            self.list.addItem(QListWidgetItem(summary(address)))
        self.list.setCurrentRow(0)
        self._show(0)

    def addresses(self) -> tuple[list[AddressInput], list[int]]:
        """The addresses to save and, for each, its row here (for errors that name an index)."""
        kept = [(i, a) for i, a in enumerate(self._addresses) if not is_blank(a)]
        return [a for _, a in kept], [i for i, _ in kept]

    def add_address(self) -> None:
        kinds = {AddressKind(a.kind) for a in self._addresses}
        kind = AddressKind.DELIVERY if AddressKind.BILLING in kinds else AddressKind.BILLING
        self._addresses.append(self._blank(kind))
        self.list.addItem(QListWidgetItem(summary(self._addresses[-1])))
        self.list.setCurrentRow(len(self._addresses) - 1)
        self.street.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._addresses):
            return
        del self._addresses[row]
        self.list.takeItem(row)
        self._show(self.list.currentRow())
        self.changed.emit()

    def _blank(self, kind: AddressKind) -> AddressInput:
        return AddressInput(kind=kind, country=self._default_country)

    # ------------------------------------------------------------------ form

    def _show(self, row: int) -> None:
        has = 0 <= row < len(self._addresses)
        self.form.setEnabled(has)
        self.remove_button.setEnabled(has)
        self._loading = True
        try:
            address = self._addresses[row] if has else AddressInput(country="")
            select_data(self.kind, AddressKind(address.kind))
            for name in _TEXT_FIELDS:
                getattr(self, name).setText(getattr(address, name))
                getattr(self, name).setCursorPosition(0)
            select_data(self.country, address.country, address.country)
        finally:
            self._loading = False
        self.clear_errors()

    def _store(self) -> None:
        row = self.list.currentRow()
        if self._loading or not 0 <= row < len(self._addresses):
            return
        values = {name: getattr(self, name).text() for name in _TEXT_FIELDS}
        self._addresses[row] = replace(
            self._addresses[row],
            kind=self.kind.currentData(),
            country=self.country.currentData() or "",
            **values,
        )
        item = self.list.item(row)
        if item is not None:
            item.setText(summary(self._addresses[row]))
        for box in self.boxes.values():
            if box.has_error():
                box.set_error(None)
        self.changed.emit()

    # ------------------------------------------------------------------ errors

    def show_error(self, row: int, name: str, message: str) -> bool:
        """Select address ``row`` and flag its field ``name`` (or the street for the whole)."""
        if not 0 <= row < len(self._addresses):
            return False
        self.list.setCurrentRow(row)
        box = self.boxes.get(name) or self.boxes["street"]
        label = FIELD_LABELS.get(name)
        box.set_error(phrase(tr(label) if label else tr("This address"), message))
        reveal(box)
        box.field.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def clear_errors(self) -> None:
        for box in self.boxes.values():
            if box.has_error():
                box.set_error(None)
