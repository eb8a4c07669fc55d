"""Document Layout…: how PDFs look and are named, with a live preview of a sample invoice.

Every change re-renders the sample (``pdfs.sample_pdf`` with the unsaved values)
after a pause of 300 ms, in a worker; a result overtaken by a newer change is
dropped. The file name pattern is checked as it is typed (``pdf_names``): an
example shows what it gives, an error disables OK. OK stores all values in one
transaction (``pdf_settings.save_pdf_settings``, an operation); Cancel leaves them
all as they were. The logo belongs to File › Settings › Documents; a hint says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.core.numbering import format_number
from invoicedesk.i18n import N_, tr
from invoicedesk.pdf.labels import document_title
from invoicedesk.pdf.model import FONT_FAMILIES, DocumentKind
from invoicedesk.services import pdfs
from invoicedesk.services.pdf_build import language_of
from invoicedesk.services.pdf_names import NameFields, fill_pattern, validate_filename_pattern
from invoicedesk.services.pdf_settings import save_pdf_settings
from invoicedesk.services.settings import DEFAULTS, all_settings, get_company, get_logo
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.pdf import files
from invoicedesk.ui.pdf.preview import PdfView
from invoicedesk.ui.widgets.window_fit import keep_text_height, resize_within_screen
from invoicedesk.ui.worker import run_task

PREVIEW_DELAY_MS = 300
ERROR_COLOUR = "#c62828"
TEMPLATES = (("classic", N_("Classic")), ("modern", N_("Modern")))
PAPERS = (
    ("auto", N_("Automatic (from your company's country)")),
    ("A4", "A4"),
    ("Letter", N_("US Letter")),
)  # marked: shown as tr(label)
LOOK_KEYS = (
    "pdf_template", "pdf_accent_color", "pdf_font", "pdf_paper", "pdf_show_qr", "pdf_contact"
)  # fmt: skip
PLACEHOLDER_HELP = N_(
    "Placeholders: {type} {number} {client} {customer_number} {date} {year}. "
    "{type} is the document's title in its language. "
    "Characters that file names cannot hold become “_”."
)


def pick_colour(parent: QWidget, current: str) -> str | None:
    """Ask for a colour (tests replace this function); None: cancelled."""
    colour = QColorDialog.getColor(QColor(current), parent, tr("Accent colour"))
    return colour.name().upper() if colour.isValid() else None


def swatch(colour: str, size: int = 16) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


FORM_CHARS = 68  # the settings column, in average characters of the user's font
PREVIEW_MIN_WIDTH = 320  # a page still readable as a page


class DocumentLayoutDialog(QDialog):
    saved = Signal()  # the settings were stored (the dialog closes)
    preview_shown = Signal()  # the preview shows the current values

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Document Layout"))
        self.setObjectName("document-layout")
        self.setSizeGripEnabled(True)
        resize_within_screen(self, 1120, 780)
        self._generation = 0
        self._rendering = False
        self._saving = False
        stored = all_settings(ctx.db)
        self._number_pattern = str(stored["number_patterns"].get("invoice") or "")
        # {type} is the document's title in its language; the example uses the company's.
        language = language_of(get_company(ctx.db).language)
        self._type_word = document_title(DocumentKind.INVOICE, language)

        self.template = QComboBox()
        for value, label in TEMPLATES:
            self.template.addItem(tr(label), value)
        self.accent = QPushButton()
        self.accent.setObjectName("accent")
        self.accent.setIconSize(QSize(28, 16))
        self.accent.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.accent.setToolTip(tr("The colour of headings, lines and the totals box"))
        self.accent.clicked.connect(self._choose_accent)
        self._accent = ""
        self.font_family = QComboBox()
        for family in FONT_FAMILIES:
            self.font_family.addItem(family, family)
        self.paper = QComboBox()
        for value, label in PAPERS:
            self.paper.addItem(tr(label), value)
        self.paper.setToolTip(
            tr("Automatic: US Letter where your company's country uses it (the US, Canada, …), "
               "A4 elsewhere")
        )  # fmt: skip
        self.show_qr = QCheckBox(tr("Show the payment &QR code"))
        self.show_qr.setToolTip(
            tr("An EPC QR code (GiroCode) for SEPA transfers in euros, where the invoice has an "
               "IBAN")
        )  # fmt: skip
        self.contact = QLineEdit()
        self.contact.setObjectName("contact")
        self.contact.setMaxLength(60)
        self.contact.setPlaceholderText(tr("e.g. Erika Mustermann, +49 30 1234567"))
        self.contact.setToolTip(tr("Printed as the contact in the info block of every document"))
        self.contact.textChanged.connect(self._look_changed)
        self.pattern = QLineEdit()
        self.pattern.setObjectName("pattern")
        self.pattern.setPlaceholderText(str(DEFAULTS["pdf_filename_pattern"]))
        self.pattern.setToolTip(tr(PLACEHOLDER_HELP))
        self.example = QLabel()
        self.example.setObjectName("example")
        self.example.setWordWrap(True)
        self.example.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_COLOUR};")
        placeholders = QLabel(tr(PLACEHOLDER_HELP))
        placeholders.setWordWrap(True)
        placeholders.setEnabled(False)

        look = QFormLayout()
        look.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        look.addRow(tr("&Template:"), self.template)
        look.addRow(tr("&Accent colour:"), self.accent)
        look.addRow(tr("&Font:"), self.font_family)
        look.addRow(tr("&Paper:"), self.paper)
        look.addRow("", self.show_qr)
        look.addRow(tr("Co&ntact:"), self.contact)
        naming = QFormLayout()
        naming.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        naming.addRow(tr("Patte&rn:"), self.pattern)
        # The wrapped texts go below the form: a form row sizes them badly (gaps, overlaps).
        naming_column = QVBoxLayout()
        naming_column.addLayout(naming)
        for label in (self.example, self.error, placeholders):
            naming_column.addWidget(label)
        self.error.hide()
        logo = QVBoxLayout()
        logo.addWidget(self._logo_row(get_logo(ctx.db)))
        groups = []
        for title, box_layout in (
            (tr("Appearance"), look), (tr("File names"), naming_column), (tr("Logo"), logo)
        ):  # fmt: skip
            group = QGroupBox(title)
            group.setLayout(box_layout)
            groups.append(group)

        self.preview = PdfView(fit_page=True)
        self.preview.setObjectName("layout-preview")
        self.preview.setMinimumWidth(PREVIEW_MIN_WIDTH)
        self.preview.set_message(tr("Rendering a sample invoice…"))
        self.preview.rendered.connect(self._preview_rendered)
        preview_title = QLabel(
            tr("<b>Preview</b> — a sample invoice with these settings, not saved yet")
        )

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self.restore_defaults
        )

        left = QWidget()
        left.setObjectName("layout-form")
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        for group in groups:
            left_layout.addWidget(group)
        left_layout.addStretch(1)
        left.setFixedWidth(self.fontMetrics().averageCharWidth() * FORM_CHARS)
        right = QVBoxLayout()
        right.addWidget(preview_title)
        right.addWidget(self.preview, 1)
        columns = QHBoxLayout()
        columns.addWidget(left)
        columns.addSpacing(12)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        keep_text_height(self)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self._render_preview)
        self.load(stored)
        for combo in (self.template, self.font_family, self.paper):
            combo.currentIndexChanged.connect(self._look_changed)
        self.show_qr.toggled.connect(self._look_changed)
        self.pattern.textChanged.connect(self._check_pattern)
        self._timer.stop()
        self._render_preview()  # the first one at once

    def _logo_row(self, logo: bytes | None) -> QWidget:
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        image = QLabel()
        pixmap = QPixmap()
        if logo and pixmap.loadFromData(logo):
            image.setPixmap(
                pixmap.scaled(
                    96, 40, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )  # fmt: skip
            box.addWidget(image)
            text = tr("Change or remove it under File › Settings…, on the Documents page.")
        else:
            text = tr("No logo yet: add one under File › Settings…, on the Documents page.")
        hint = QLabel(text)
        hint.setObjectName("logo-hint")
        hint.setWordWrap(True)
        box.addWidget(hint, 1)
        return row

    # ------------------------------------------------------------------ values

    def load(self, values: dict[str, Any]) -> None:
        """Show ``values`` (stored settings, or the defaults) in the form."""
        blockers = [w.blockSignals(True) for w in (self.template, self.font_family, self.paper,
                                                   self.show_qr)]  # fmt: skip
        _select(self.template, values["pdf_template"])
        _select(self.font_family, values["pdf_font"])
        _select(self.paper, values["pdf_paper"])
        self.show_qr.setChecked(bool(values["pdf_show_qr"]))
        for widget, blocked in zip(
            (self.template, self.font_family, self.paper, self.show_qr), blockers, strict=True
        ):
            widget.blockSignals(blocked)
        self.set_accent(str(values["pdf_accent_color"]), preview=False)
        self.contact.blockSignals(True)
        self.contact.setText(str(values["pdf_contact"]))
        self.contact.blockSignals(False)
        self.pattern.setText(str(values["pdf_filename_pattern"]))
        self._check_pattern()
        self._look_changed()

    def restore_defaults(self) -> None:
        """The shipped look and file names in the form (stored only with OK)."""
        self.load(DEFAULTS)

    def values(self) -> dict[str, Any]:
        """Every layout setting as the form shows it (unsaved)."""
        return {
            "pdf_template": self.template.currentData(),
            "pdf_accent_color": self._accent,
            "pdf_font": self.font_family.currentData(),
            "pdf_paper": self.paper.currentData(),
            "pdf_filename_pattern": self.pattern.text().strip(),
            "pdf_show_qr": self.show_qr.isChecked(),
            "pdf_contact": self.contact.text().strip(),
        }

    def look(self) -> dict[str, Any]:
        """The values that change how the PDF looks (the file name does not)."""
        values = self.values()
        return {key: values[key] for key in LOOK_KEYS}

    def set_accent(self, colour: str, *, preview: bool = True) -> None:
        self._accent = colour.upper()
        self.accent.setIcon(swatch(self._accent, 28))
        self.accent.setText(" " + tr("{colour}  Choose…").format(colour=self._accent))
        if preview:
            self._look_changed()

    def _choose_accent(self) -> None:
        colour = pick_colour(self, self._accent)
        if colour is not None:
            self.set_accent(colour)

    # ------------------------------------------------------------------ checking

    def pattern_problem(self) -> str:
        """Why the file name pattern cannot be used ("" when it can)."""
        try:
            validate_filename_pattern(self.pattern.text())
        except DomainError as exc:
            return exc.message[:1].upper() + exc.message[1:] + "."
        return ""

    def _check_pattern(self, *_args: object) -> None:
        problem = self.pattern_problem()
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        self.pattern.setStyleSheet(f"border: 1px solid {ERROR_COLOUR};" if problem else "")
        self.example.setVisible(not problem)
        if not problem:
            today = dt.date.today()
            number = format_number(self._number_pattern, today, 1) if self._number_pattern else ""
            sample = NameFields(
                type=self._type_word,
                number=number or "RE-0001",
                client=tr("Sample Client Ltd"),
                customer_number="C-00001",
                date=today,
            )
            example = fill_pattern(self.pattern.text().strip(), sample)
            self.example.setText(tr("Example: {file}").format(file=example))
        self._update_ok()

    def _update_ok(self) -> None:
        problem = self.pattern_problem()
        self.ok_button.setEnabled(not problem and not self._saving)
        self.ok_button.setToolTip(
            problem or tr("Save these settings for all PDFs made from now on")
        )

    # ------------------------------------------------------------------ preview

    def _look_changed(self, *_args: object) -> None:
        self._generation += 1  # a result for older values is dropped when it comes
        self._timer.start()

    def is_busy(self) -> bool:
        return self._rendering or self._timer.isActive() or self.preview.is_busy() or self._saving

    def _render_preview(self) -> None:
        self._generation += 1
        generation, db, look = self._generation, self.ctx.db, self.look()
        self._rendering = True

        def current() -> bool:
            return shiboken6.isValid(self) and generation == self._generation

        def done(content: bytes) -> None:
            if current():
                self._rendering = False
                self.preview.set_pdf(content)

        def failed(exc: BaseException, _trace: str) -> None:
            if current():
                self._rendering = False
                self.preview.set_message(
                    tr("No preview: {error}").format(error=files.error_text(exc))
                )

        run_task(lambda _task: pdfs.sample_pdf(db, look), done, failed)

    def _preview_rendered(self) -> None:
        if not self._timer.isActive() and not self._rendering:
            self.preview_shown.emit()

    # ------------------------------------------------------------------ saving

    def accept(self) -> None:
        if self._saving or self.pattern_problem():
            return
        values = self.values()
        self._saving = True
        self._update_ok()
        Operation(
            self, self.ctx, tr("Save Document Layout"),
            lambda db: save_pdf_settings(db, values),
            changes=Changes.of(settings=None),
        ).success(self._saved).refused(self._refused).finally_(self._save_ended).run()  # fmt: skip

    def _saved(self, _stored: dict[str, Any]) -> None:
        self.saved.emit()
        super().accept()

    def _refused(self, exc: DomainError) -> None:
        self.error.setText(tr("Not saved: {error}").format(error=files.error_text(exc)))
        self.error.setVisible(True)

    def reject(self) -> None:
        if self._saving:
            return  # a save under way: Esc, Cancel and the close button wait for its end
        super().reject()

    def _save_ended(self) -> None:
        self._saving = False
        self._update_ok()


def edit_layout(ctx: AppContext, parent: QWidget, say: Callable[[str], None]) -> None:
    """Show the dialog (window-modal); ``say`` reports a save."""
    dialog = DocumentLayoutDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.saved.connect(lambda: say(tr("Document layout saved")))
    dialog.open()
