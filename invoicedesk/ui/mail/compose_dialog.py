"""The Send by email dialog: recipients, template, subject, body and attachments.

It opens on a :class:`Prepared` mail (``mail.actions.prepare`` composed it in a
worker: the client's addresses, the template's text, the archived PDF). Every
address field is checked as it is typed (``mail_message.check_addresses``) and
the subject too (``check_header``: a pasted line break would start a header of
its own); a problem is shown in red under its field and keeps Send disabled with
the reason as its tooltip. Choosing another template fills in its text, asking
first when the user has changed the current one. Send queues the mail in the
outbox (an operation); the change it returns wakes the outbox runner — also when the
dialog is gone by then. While it is being queued, Cancel, Esc and the close button
wait (the mail may be stored already).

``confirm`` and ``choose_files`` are module functions so tests can answer them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import shiboken6
from babel.numbers import format_decimal
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import DOC_TYPE_LABELS, DocType
from invoicedesk.i18n import N_, ntr, tr
from invoicedesk.services import mail_compose, mail_settings, outbox
from invoicedesk.services.mail_message import check_addresses, check_header
from invoicedesk.services.mail_types import Attachment, MailDraft, OutboxEntry
from invoicedesk.ui import formatting
from invoicedesk.ui.clients.field_errors import FieldBox, error_label, phrase
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.mail import password, plain
from invoicedesk.ui.messages import confirm
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.widgets.window_fit import resize_within_screen

SEPARATORS = re.compile(r"[,;]")
# (key, label, the service's field name): labels marked here, shown as tr(label).
FIELDS = (("to", N_("&To:"), "To field"), ("cc", N_("&Cc:"), "Cc field"),
          ("bcc", N_("&Bcc:"), "Bcc field"))  # fmt: skip


@dataclass(frozen=True, slots=True)
class MailTarget:
    """The document to send: an invoice list row or the editor's invoice."""

    id: int
    doc_type: DocType
    number: str | None

    @property
    def title(self) -> str:
        number = self.number or tr("draft {id}").format(id=self.id)
        return f"{tr(DOC_TYPE_LABELS[self.doc_type])} {number}"


@dataclass(frozen=True, slots=True)
class TemplateChoice:
    name: str
    language: str
    label: str
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class Prepared:
    """A composed mail and the templates it may switch to (each already rendered)."""

    target: MailTarget
    draft: MailDraft
    templates: tuple[TemplateChoice, ...] = ()
    current: int = -1  # the template the draft's text comes from (-1: none of them)
    note: str = ""  # said above the fields (e.g. the client has no e-mail address)


def split_addresses(text: str) -> list[str]:
    """``"a@x.de, b@y.de; c@z.de"`` → the addresses (blanks around them kept for the check)."""
    return [part for part in SEPARATORS.split(text) if part.strip()]


def size_text(size: int) -> str:
    kilobytes = max(1, round(size / 1024))
    return f"{format_decimal(kilobytes, locale=formatting.user_locale())} KB"


def plain_text(edit: QPlainTextEdit) -> str:
    """The text as typed. ``toPlainText()`` would turn the no-break spaces that money
    ("119,00\u00a0€") and dates carry into plain ones; the raw text keeps them."""
    raw = edit.document().toRawText()
    return raw.replace("\u2029", "\n").replace("\u2028", "\n")


def choose_files(parent: QWidget) -> list[Path]:
    """Ask for files to attach (tests replace this function)."""
    chosen, _filter = QFileDialog.getOpenFileNames(parent, tr("Attach files"))
    return [Path(p) for p in chosen]


class AddressField(QLineEdit):
    """Addresses separated by commas or semicolons, checked as they are typed."""

    def __init__(self, field: str, label: str = "") -> None:
        super().__init__()
        self.field = field
        self.label = label or field  # how a message names the field ("To field")
        self.addresses: tuple[str, ...] = ()
        self.problem = ""
        self.setPlaceholderText(tr("name@example.com, another@example.com"))
        self.textChanged.connect(self.check)

    def set_addresses(self, addresses: Sequence[str]) -> None:
        self.setText(", ".join(addresses))

    def check(self, *_args: object) -> str:
        try:
            self.addresses = check_addresses(split_addresses(self.text()), self.label)
            self.problem = ""
        except DomainError as exc:
            self.addresses = ()
            self.problem = phrase(self.label, exc.message)
        return self.problem


class ComposeDialog(QDialog):
    queued = Signal(object)  # the OutboxEntry, after Send
    checked = Signal()  # the fields were checked again (Send's state is current)

    def __init__(self, ctx: AppContext, prepared: Prepared, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prepared = prepared
        self.target = prepared.target
        self._sending = False
        self._attachments: list[Attachment] = list(prepared.draft.attachments)
        self.setWindowTitle(tr("Send {document} by email").format(document=self.target.title))
        self.setObjectName("compose-mail")

        self.note = QLabel(prepared.note)
        self.note.setObjectName("compose-note")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(prepared.note))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, AddressField] = {}
        self.boxes: dict[str, FieldBox] = {}
        field_names = {"to": tr("To field"), "cc": tr("Cc field"), "bcc": tr("Bcc field")}
        for key, label, field in FIELDS:
            edit = AddressField(field, field_names[key])
            edit.setObjectName(f"compose-{key}")
            self.fields[key] = edit
            self.boxes[key] = FieldBox(edit)
            form.addRow(tr(label), self.boxes[key])
        self.fields["bcc"].setPlaceholderText(
            tr("Blind copies (the other recipients do not see them)")
        )
        self.template = QComboBox()
        self.template.setObjectName("compose-template")
        for choice in prepared.templates:
            self.template.addItem(choice.label, choice.name)
        self.template.setEnabled(bool(prepared.templates))
        form.addRow(tr("Te&mplate:"), self.template)
        self.subject = QLineEdit()
        self.subject.setObjectName("compose-subject")
        self.boxes["subject"] = FieldBox(self.subject)
        form.addRow(tr("S&ubject:"), self.boxes["subject"])

        self.body = QPlainTextEdit()
        self.body.setObjectName("compose-body")
        self.body.setTabChangesFocus(True)
        self.body.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)

        self.attachments = QListWidget()
        self.attachments.setObjectName("compose-attachments")
        self.attachments.setMaximumHeight(self.fontMetrics().height() * 5 + 12)
        self.attachments.setToolTip(tr("Double-click a PDF to preview it"))
        self.add_button = QPushButton(tr("&Add files…"))
        self.remove_button = QPushButton(tr("&Remove"))
        attach_buttons = QVBoxLayout()
        attach_buttons.addWidget(self.add_button)
        attach_buttons.addWidget(self.remove_button)
        attach_buttons.addStretch(1)
        attach_row = QHBoxLayout()
        attach_row.addWidget(self.attachments, 1)
        attach_row.addLayout(attach_buttons)
        self.attach_label = QLabel()

        self.problem = error_label()
        self.problem.setObjectName("compose-problem")
        self.buttons = QDialogButtonBox()
        # Not the standard Cancel: GNOME's theme would make it "&Cancel", and Alt+C is Cc.
        # Esc cancels.
        self.cancel_button = self.buttons.addButton(
            tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.send_button = self.buttons.addButton(
            tr("&Send"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.send_button.setObjectName("compose-send")
        self.send_button.setDefault(True)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.problem, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.attach_label)
        layout.addLayout(attach_row)
        layout.addLayout(bottom)

        draft = prepared.draft
        for key in ("to", "cc", "bcc"):
            self.fields[key].set_addresses(getattr(draft, key))
            self.fields[key].textChanged.connect(self.update_state)
        self.subject.setText(draft.subject)
        self.body.setPlainText(draft.body)
        self._shown_text = (draft.subject, draft.body)  # the template's, to notice edits
        self._template_index = prepared.current
        self.template.setCurrentIndex(prepared.current)
        self.template.currentIndexChanged.connect(self._template_chosen)
        self.subject.textChanged.connect(self.update_state)
        self.add_button.clicked.connect(self.add_files)
        self.remove_button.clicked.connect(self.remove_attachment)
        self.attachments.itemDoubleClicked.connect(self.preview)
        self.attachments.currentRowChanged.connect(lambda _row: self._update_remove())
        # Addresses and file names as typed (an error quotes them), never as HTML.
        plain.plain_labels(self.note, self.problem, self.attach_label)
        plain.plain_field_messages(self, self.boxes.values())
        self._fill_attachments()
        self.update_state()
        resize_within_screen(self, 760, 680)
        (self.fields["to"] if not draft.to else self.body).setFocus()

    # ------------------------------------------------------------------ checking

    def problems(self) -> list[str]:
        """Why the mail cannot be sent as it is (empty: it can)."""
        found = []
        for key, box in self.boxes.items():
            if key == "subject":
                message = self._subject_problem()
            else:
                message = self.fields[key].check()
                if key == "to" and not message and not self.fields["to"].addresses:
                    message = tr("Enter at least one recipient.")
                    box.set_error(None)  # not wrong, only missing: no red
                    found.append(message)
                    continue
            box.set_error(message or None)
            if message:
                found.append(message)
        return found

    def _subject_problem(self) -> str:
        text = self.subject.text()
        try:
            check_header(text, "subject")
        except DomainError as exc:
            return phrase(tr("Subject"), exc.message)
        return "" if text.strip() else tr("Enter a subject.")

    def update_state(self, *_args: object) -> None:
        problems = self.problems()
        self.send_button.setEnabled(not problems and not self._sending)
        self.send_button.setToolTip(
            plain.plain_tooltip("\n".join(problems)) or tr("Put the mail in the outbox and send it")
        )
        self.problem.setText(problems[0] if problems else "")
        self.problem.setVisible(bool(problems))
        self.checked.emit()

    def draft(self) -> MailDraft:
        """The mail as the dialog shows it (check ``problems()`` first)."""
        return replace(
            self.prepared.draft,
            to=self.fields["to"].addresses,
            cc=self.fields["cc"].addresses,
            bcc=self.fields["bcc"].addresses,
            subject=self.subject.text().strip(),
            body=plain_text(self.body),
            attachments=tuple(self._attachments),
        )

    # ------------------------------------------------------------------ template

    def _template_chosen(self, index: int) -> None:
        if index < 0 or index == self._template_index:
            return
        edited = (self.subject.text(), plain_text(self.body)) != self._shown_text
        if edited and not confirm(
            self,
            tr("Use another template"),
            tr("Replace the subject and text you changed with the template's?"),
            tr("Replace"),
            destructive=True,
        ):
            self.template.blockSignals(True)
            self.template.setCurrentIndex(self._template_index)
            self.template.blockSignals(False)
            return
        choice = self.prepared.templates[index]
        self._template_index = index
        self.subject.setText(choice.subject)
        self.body.setPlainText(choice.body)
        self._shown_text = (choice.subject, choice.body)

    # ------------------------------------------------------------------ attachments

    def _fill_attachments(self) -> None:
        self.attachments.clear()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        for attachment in self._attachments:
            item = QListWidgetItem(
                icon, f"{attachment.filename}  ({size_text(len(attachment.content))})"
            )
            item.setToolTip(attachment.mime_type)
            self.attachments.addItem(item)
        total = sum(len(a.content) for a in self._attachments)
        n = len(self._attachments)
        self.attach_label.setText(
            ntr("Attachments: {n} file, {size}", "Attachments: {n} files, {size}", n).format(
                n=formatting.number(n), size=size_text(total)
            ) if n else tr("Attachments: none")
        )  # fmt: skip
        self._update_remove()

    def _update_remove(self) -> None:
        self.remove_button.setEnabled(self.attachments.currentRow() >= 0)

    def add_files(self) -> None:
        paths = choose_files(self)
        if not paths:
            return
        try:
            added = mail_compose.add_files(replace(self.draft(), attachments=()), paths)
        except DomainError as exc:
            where = Path(exc.field).name if exc.field else ""
            self.show_problem(f"{where}: {exc.message}" if where else exc.message)
            return
        self._attachments.extend(added.attachments)
        self._fill_attachments()

    def remove_attachment(self) -> None:
        row = self.attachments.currentRow()
        if 0 <= row < len(self._attachments):
            del self._attachments[row]
            self._fill_attachments()

    def preview(self, item: QListWidgetItem) -> None:
        attachment = self._attachments[self.attachments.row(item)]
        if attachment.mime_type != "application/pdf":
            return
        from invoicedesk.ui.pdf.actions import open_preview

        dialog = open_preview(self, attachment.filename)
        dialog.set_pdf(
            attachment.filename, attachment.content, tr("The PDF attached to this mail.")
        )

    # ------------------------------------------------------------------ sending

    def show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()

    def send(self) -> None:
        self.update_state()
        if self._sending or not self.send_button.isEnabled():
            return
        db = self.ctx.db
        account = mail_settings.get_account(db)
        if not mail_settings.is_configured(account):
            self.show_problem(
                tr("Email is not set up: enter the server under File › Email Settings…")
            )
            return
        if not password.ensure(self, account):
            self.show_problem(tr("Not sent: the password for the mail server is needed."))
            return
        draft = self.draft()
        self._set_sending(True)
        # The window it was opened from carries the operation: the mail reaches the outbox
        # (and the changes wake the runner) even if this dialog is gone by then.
        Operation(
            self.parentWidget() or self, self.ctx, tr("Send by Email"),
            lambda db: outbox.queue(db, draft, account),
            changes=lambda entry: Changes.of(mail=entry.id),  # the outbox runner delivers it
            waiting=tr("Putting the mail in the outbox…"),
        ).success(self._queued).refused(self._refused).finally_(self._send_ended).run()  # fmt: skip

    def _queued(self, entry: OutboxEntry) -> None:
        if not shiboken6.isValid(self):
            return
        self._sending = False
        self.queued.emit(entry)
        self.accept()

    def _refused(self, exc: DomainError) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_sending(False)  # checks the fields again: the service's word comes after
        box = self.boxes.get(str(exc.field or "").lower())
        message = phrase(tr("This"), exc.message)
        if box is not None:
            box.set_error(message)
        self.show_problem(tr("Not sent: {reason}").format(reason=message))

    def _send_ended(self) -> None:
        if shiboken6.isValid(self) and self._sending:
            self._set_sending(False)

    def _set_sending(self, sending: bool) -> None:
        """While the mail is being queued the dialog stays: Cancel, Esc and the window's
        close button wait for the queue to answer (the mail may be stored already)."""
        self._sending = sending
        self.send_button.setText(tr("Sending…") if sending else tr("&Send"))
        self.cancel_button.setEnabled(not sending)
        self.update_state()

    def reject(self) -> None:
        if self._sending:
            return  # Esc, Cancel or the close button while queueing: wait for the answer
        super().reject()

    def is_busy(self) -> bool:
        return self._sending
