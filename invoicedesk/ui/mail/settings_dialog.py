"""File › Email Settings…: the SMTP account, its password, its certificate, a test email.

OK stores the whole account in one operation (``mail_settings.save_account``); a
``DomainError`` is shown at the field it names and nothing is stored. The password
goes only to the system keyring (``secrets.store_password``); where no keyring
works the dialog says so in plain words and the password is kept for this session.
Choosing no encryption shows a red warning (on rows of its own: the dialog grows to
show it) and needs the "I understand…" box.

"Fetch certificate…" reads the server's certificate fingerprint in a worker and
asks before pinning it (a self-signed certificate is trusted only when pinned).
"Send test email…" sends with the values as typed (saved or not) in a worker and
shows the server's answer verbatim, success or not.

``confirm``, ``ask_recipient`` and ``password.ask_password`` are module functions
so tests can answer them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import N_, tr
from invoicedesk.services import mail_settings, secrets, smtp
from invoicedesk.services.books import Books
from invoicedesk.services.mail_types import Security, SmtpAccount
from invoicedesk.services.settings import get_company
from invoicedesk.ui.clients.field_errors import FieldBox, FieldErrors, error_label, phrase
from invoicedesk.ui.clients.table import warning_colour
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.mail import password, plain
from invoicedesk.ui.messages import confirm
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.widgets.window_fit import keep_text_height
from invoicedesk.ui.worker import run_task

SECURITY = (
    (Security.STARTTLS, N_("STARTTLS (port 587)")),
    (Security.SSL, N_("SSL/TLS (port 465)")),
    (Security.NONE, N_("None — unencrypted")),
)  # marked: shown as tr(label)
DEFAULT_PORTS = {Security.STARTTLS: 587, Security.SSL: 465, Security.NONE: 25}
OK_COLOUR = "#2e7d32"
INSECURE_TEXT = N_(
    "Without encryption your password, the invoices and your clients' addresses travel "
    "across the network in plain text. Use this only for a server on your own network."
)


def ask_recipient(parent: QWidget, default: str) -> str | None:
    """Where the test email goes (the sender address unless changed); None: cancelled."""
    text, ok = QInputDialog.getText(
        parent,
        tr("Send test email"),
        tr("Send a test email to:"),
        QLineEdit.EchoMode.Normal,
        default,
    )
    return text.strip() if ok and text.strip() else None


def spaced(fingerprint: str) -> str:
    """ "sha256:ab12…" in groups of four, readable enough to compare by eye."""
    digits = fingerprint.removeprefix("sha256:")
    return "SHA-256 " + " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


class EmailSettingsDialog(QDialog):
    saved = Signal(str)  # the account was stored; what to tell the user
    test_finished = Signal(bool, str)  # a test email: sent?, the text shown
    fetched = Signal(str)  # a certificate fingerprint was read ("" when that failed)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Email Settings"))
        self.setObjectName("email-settings")
        self._loaded = mail_settings.get_account(ctx.db)
        self._busy: set[str] = set()
        self.banner = error_label()
        self.errors = FieldErrors(self.banner)

        layout = QVBoxLayout(self)
        for group in (self._server_group(), self._login_group(), self._sender_group(),
                      self._certificate_group()):  # fmt: skip
            layout.addWidget(group)
        layout.addLayout(self._bottom())
        # The server's answers and the keyring's words, exactly as they are.
        plain.plain_labels(self.test_result, self.keyring_note, self.banner)
        plain.plain_field_messages(self)
        self._load(self._loaded)
        if not self._loaded.host:  # not set up yet: it sends as the company
            self._prefill_sender()
        self._security_changed()
        self.host.setFocus(Qt.FocusReason.OtherFocusReason)
        chars = self.fontMetrics().averageCharWidth()
        self.resize(max(chars * 115, self.sizeHint().width()), self.sizeHint().height())
        # The warning shown for no encryption and the server's answers wrap: the dialog
        # grows to show them whole instead of drawing them over the fields.
        keep_text_height(self)

    # ------------------------------------------------------------------ building

    def _form(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        """A group with a form; texts that wrap go below the form (``_below``): a form
        row gives a wrapped label the height of its preferred width, leaving gaps."""
        group = QGroupBox(title)
        column = QVBoxLayout(group)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        column.addLayout(form)
        return group, form

    @staticmethod
    def _below(group: QGroupBox, *widgets: QWidget) -> None:
        column = group.layout()
        assert isinstance(column, QVBoxLayout)
        for widget in widgets:
            column.addWidget(widget)

    def _field(self, form: QFormLayout, label: str, widget: QWidget, path: str) -> FieldBox:
        label = tr(label)
        box = FieldBox(widget)
        form.addRow(label, box)
        self.errors.add(path, box, label.replace("&", "").rstrip(":"))
        return box

    def _server_group(self) -> QGroupBox:
        group, form = self._form(tr("Server"))
        self.host = QLineEdit(placeholderText=tr("e.g. smtp.example.com"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 8 + 40)
        self.security = QComboBox()
        for value, label in SECURITY:
            self.security.addItem(tr(label), value)
        self._security_before = Security.STARTTLS
        self._field(form, N_("&Host:"), self.host, "smtp.host")
        self._field(form, N_("&Port:"), self.port, "smtp.port")
        self._field(form, N_("&Security:"), self.security, "smtp.security")
        self.insecure_warning = QLabel(tr(INSECURE_TEXT))
        self.insecure_warning.setObjectName("insecure-warning")
        self.insecure_warning.setWordWrap(True)
        self.insecure_warning.setStyleSheet(f"color: {warning_colour().name()};")
        self.allow_insecure = QCheckBox(
            tr("I un&derstand that my password and invoices are sent unencrypted")
        )
        self._below(group, self.insecure_warning, self.allow_insecure)
        self.security.currentIndexChanged.connect(self._security_changed)
        self.allow_insecure.toggled.connect(self._update_ok)
        return group

    def _login_group(self) -> QGroupBox:
        group, form = self._form(tr("Login"))
        self.username = QLineEdit(placeholderText=tr("Leave empty if the server needs no login"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.forget_button = QPushButton(tr("&Forget"))
        self.forget_button.setToolTip(tr("Remove the stored password"))
        self.forget_button.clicked.connect(self.forget_password)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.password, 1)
        row_layout.addWidget(self.forget_button)
        self._field(form, N_("&User name:"), self.username, "smtp.username")
        self._field(form, N_("Pass&word:"), row, "password")
        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("keyring-note")
        self.keyring_note.setWordWrap(True)
        self._below(group, self.keyring_note)
        return group

    def _sender_group(self) -> QGroupBox:
        group, form = self._form(tr("Sender"))
        self.sender_name = QLineEdit(placeholderText=tr("e.g. Muster Software GmbH"))
        self.sender = QLineEdit(placeholderText=tr("e.g. billing@example.com"))
        self.reply_to = QLineEdit(placeholderText=tr("Replies go to the sender address if empty"))
        self.bcc_self = QCheckBox(tr("Send a &blind copy of every email to the sender address"))
        self._field(form, N_("&Name:"), self.sender_name, "smtp.sender_name")
        self._field(form, N_("&Address:"), self.sender, "smtp.sender")
        self._field(form, N_("&Reply-to:"), self.reply_to, "smtp.reply_to")
        form.addRow("", self.bcc_self)
        return group

    def _certificate_group(self) -> QGroupBox:
        group, form = self._form(tr("Certificate"))
        self.trust_system = QRadioButton(tr("Trust the system's certificate author&ities"))
        self.trust_pinned = QRadioButton(tr("Trust onl&y this certificate:"))
        self._trust = QButtonGroup(self)
        self._trust.addButton(self.trust_system)
        self._trust.addButton(self.trust_pinned)
        self.pinned = QLineEdit(placeholderText=tr("sha256:… (fetch it, or paste it)"))
        self.fetch_button = QPushButton(tr("F&etch certificate…"))
        self.fetch_button.setToolTip(tr("Connect to the server and show its certificate to pin it"))
        self.fetch_button.clicked.connect(self.fetch_certificate)
        pinned_row = QWidget()
        pinned_layout = QHBoxLayout(pinned_row)
        pinned_layout.setContentsMargins(0, 0, 0, 0)
        pinned_layout.addWidget(self.trust_pinned)
        pinned_layout.addWidget(self.pinned, 1)
        pinned_layout.addWidget(self.fetch_button)
        form.addRow(self.trust_system)
        box = FieldBox(pinned_row)
        form.addRow(box)
        self.errors.add("smtp.pinned_certificate", box, tr("The certificate"))
        hint = QLabel(tr("Pin a certificate only for a server with a self-signed certificate."))
        hint.setEnabled(False)
        hint.setWordWrap(True)
        self._below(group, hint)
        self.trust_system.toggled.connect(self._trust_changed)
        return group

    def _bottom(self) -> QVBoxLayout:
        self.test_button = QPushButton(tr("Send &test email…"))
        self.test_button.clicked.connect(self.send_test)
        self.templates_button = QPushButton(tr("Te&mplates…"))
        self.templates_button.setToolTip(tr("Edit the subject and text of the emails"))
        self.templates_button.clicked.connect(self._open_templates)
        self.test_result = QLabel()
        self.test_result.setObjectName("test-result")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_result.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.templates_button)
        row.addStretch(1)
        row.addWidget(self.buttons)
        bottom = QVBoxLayout()
        bottom.addWidget(self.test_result)
        bottom.addWidget(self.banner)
        bottom.addLayout(row)
        return bottom

    # ------------------------------------------------------------------ values

    def _load(self, account: SmtpAccount) -> None:
        self.host.setText(account.host)
        self.security.blockSignals(True)
        self.security.setCurrentIndex(max(self.security.findData(account.security), 0))
        self.security.blockSignals(False)
        self._security_before = account.security
        self.port.setValue(account.port)
        self.allow_insecure.setChecked(account.allow_insecure)
        self.username.setText(account.username)
        self.sender_name.setText(account.sender_name)
        self.sender.setText(account.sender)
        self.reply_to.setText(account.reply_to)
        self.bcc_self.setChecked(account.bcc_self)
        self.pinned.setText(account.pinned_certificate)
        (self.trust_pinned if account.pinned_certificate else self.trust_system).setChecked(True)
        self._trust_changed()
        self._show_password_state()

    def _prefill_sender(self) -> None:
        """The company's e-mail address and name as the sender, where none is entered yet
        (the user can change them)."""
        company = get_company(self.ctx.db)
        sender = cast(QLineEdit, self.sender)  # the field (QObject.sender is a method)
        if not sender.text().strip():
            sender.setText(company.email)
        if not self.sender_name.text().strip():
            self.sender_name.setText(company.name)

    def account(self) -> SmtpAccount:
        """The account as the form shows it (unchecked, unsaved)."""
        security = Security(self.security.currentData())
        return replace(
            self._loaded,
            host=self.host.text().strip(),
            port=self.port.value(),
            security=security,
            username=self.username.text().strip(),
            sender=self.sender.text().strip(),
            sender_name=self.sender_name.text().strip(),
            reply_to=self.reply_to.text().strip(),
            bcc_self=self.bcc_self.isChecked(),
            allow_insecure=security is Security.NONE and self.allow_insecure.isChecked(),
            pinned_certificate=self.pinned.text().strip() if self.trust_pinned.isChecked()
            else "",
        )  # fmt: skip

    def _show_password_state(self) -> None:
        usable, sentence = secrets.keyring_status()
        stored = secrets.get_password(self._loaded) is not None if self._loaded.host else False
        self.password.setPlaceholderText(
            tr("•••••••• stored — type a new one to replace it") if stored else ""
        )
        self.forget_button.setVisible(stored)
        if usable:
            self.keyring_note.setText(tr("The password is stored in your system keyring."))
        else:
            self.keyring_note.setText(sentence)  # plainly: no error, the way it is here

    # ------------------------------------------------------------------ reacting

    def _security_changed(self, *_args: object) -> None:
        security = Security(self.security.currentData())
        if self.port.value() == DEFAULT_PORTS.get(self._security_before):
            self.port.setValue(DEFAULT_PORTS[security])
        self._security_before = security
        insecure = security is Security.NONE
        self.insecure_warning.setVisible(insecure)
        self.allow_insecure.setVisible(insecure)
        self._update_ok()

    def _trust_changed(self, *_args: object) -> None:
        self.pinned.setEnabled(self.trust_pinned.isChecked())

    def _update_ok(self, *_args: object) -> None:
        insecure = Security(self.security.currentData()) is Security.NONE
        blocked = insecure and not self.allow_insecure.isChecked()
        self.ok_button.setEnabled(not blocked and "save" not in self._busy)
        self.ok_button.setToolTip(
            tr("Tick “I understand…” to send without encryption") if blocked else ""
        )

    def is_busy(self) -> bool:
        return bool(self._busy)

    def _open_templates(self) -> None:
        from invoicedesk.ui.mail.templates_dialog import edit_templates

        edit_templates(self.ctx, self)

    # ------------------------------------------------------------------ password

    def forget_password(self) -> None:
        loaded = self._loaded

        def forgotten(_none: None) -> None:
            self.password.clear()
            self._show_password_state()

        self.forget_button.setEnabled(False)
        Operation(
            self, self.ctx, tr("Forget Password"), lambda _db: secrets.forget_password(loaded)
        ).success(forgotten).refused(
            lambda exc: self.errors.show_banner(phrase(tr("The password"), exc.message))
        ).finally_(lambda: self.forget_button.setEnabled(True)).run()  # fmt: skip

    # ------------------------------------------------------------------ saving

    def accept(self) -> None:
        if "save" in self._busy:
            return
        self.errors.clear()
        account = self.account()
        typed = self.password.text()

        def save(db: Books) -> tuple[SmtpAccount, bool]:
            """The account as stored, and whether a typed password found a keyring."""
            saved = mail_settings.save_account(db, account)
            return saved, not typed or secrets.store_password(saved, typed)

        self._busy.add("save")
        self._update_ok()  # one save at a time
        Operation(
            self, self.ctx, tr("Save Email Settings"), save, changes=Changes.of(settings=None)
        ).success(self._saved).refused(self.errors.show).finally_(self._save_ended).run()

    def reject(self) -> None:
        if "save" in self._busy:
            return  # a save under way: Esc, Cancel and the close button wait for its end
        super().reject()

    def _save_ended(self) -> None:
        self._busy.discard("save")
        self._update_ok()

    def _saved(self, result: tuple[SmtpAccount, bool]) -> None:
        """Stored; the status bar notes when no keyring took a typed password. (A stored
        one follows a changed host, port or user name: ``save_account``.)"""
        saved, in_keyring = result
        self._loaded = saved
        self.saved.emit(
            tr("Email settings saved") if in_keyring
            else tr("Email settings saved — the password is kept for this session only "
                    "(no keyring)")
        )  # fmt: skip
        super().accept()

    # ------------------------------------------------------------------ the server

    def _checked_account(self) -> SmtpAccount | None:
        self.errors.clear()
        try:
            return mail_settings.validated_account(self.account())
        except DomainError as exc:
            self.errors.show(exc)
            return None

    def _run(
        self, key: str, button: QPushButton, work: Callable[[], Any],
        done: Callable[[Any], None], failed: Callable[[BaseException], None],
    ) -> None:  # fmt: skip
        self._busy.add(key)
        button.setEnabled(False)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            if shiboken6.isValid(self):
                self._busy.discard(key)
                button.setEnabled(True)
                callback(value)

        run_task(
            lambda _task: work(),
            lambda result: finish(done, result),
            lambda exc, _trace: finish(failed, exc),
        )

    def fetch_certificate(self) -> None:
        self.errors.clear()
        host, port = self.host.text().strip(), self.port.value()
        security = Security(self.security.currentData())
        if not host:
            self.errors.show(
                DomainError("enter the server's host name first", "smtp.host", code="host_missing")
            )
            return
        if security is Security.NONE:
            self.errors.show(
                DomainError(
                    "without encryption the server shows no certificate",
                    "smtp.security",
                    code="no_certificate_without_encryption",
                )  # fmt: skip
            )
            return
        timeout = self._loaded.timeout

        def done(fingerprint: str) -> None:
            self.fetched.emit(fingerprint)
            if confirm(
                self,
                tr("Pin certificate"),
                tr("{host} presents this certificate:\n\n{fingerprint}").format(
                    host=host, fingerprint=spaced(fingerprint)
                ),
                tr("Pin certificate"),
                tr(
                    "Compare it with the one your provider or administrator gives you. Once "
                    "pinned, InvoiceDesk sends through this server only while it presents "
                    "exactly this certificate."
                ),  # fmt: skip
            ):
                self.pinned.setText(fingerprint)
                self.trust_pinned.setChecked(True)

        def failed(exc: BaseException) -> None:
            self.fetched.emit("")
            message = exc.message if isinstance(exc, DomainError | smtp.MailError) else str(exc)
            box = self.errors.box("smtp.pinned_certificate")
            box.set_error(tr("The certificate could not be read: {error}").format(error=message))

        self._run(
            "fetch", self.fetch_button,
            lambda: smtp.certificate_fingerprint(host, port, security, timeout), done, failed,
        )  # fmt: skip

    def send_test(self) -> None:
        account = self._checked_account()
        if account is None:
            return
        secret = self.password.text() or None
        if password.needed(account) and secret is None:
            secret = secrets.get_password(account) or password.ask_password(self, account)
            if secret is None:
                self._show_test(False, tr("Not sent: the password is needed for a test email."))
                return
        to = ask_recipient(self, account.sender)
        if to is None:
            return
        self.test_result.setText(tr("Sending a test email to {to}…").format(to=to))
        self.test_result.setStyleSheet("")
        self.test_result.show()

        def done(reply: str) -> None:
            text = tr("Test email sent to {to}.").format(to=to)
            if reply:
                text += "\n" + tr("The server answered: {reply}").format(reply=reply)
            self._show_test(True, text)

        def failed(exc: BaseException) -> None:
            not_sent = tr("The test email was not sent: {error}")
            if isinstance(exc, smtp.MailError):
                text = not_sent.format(error=exc.message)
                if exc.reply:
                    text += "\n" + tr("The server answered: {reply}").format(reply=exc.reply)
            elif isinstance(exc, DomainError):
                text = not_sent.format(error=exc.message)
            else:
                text = not_sent.format(error=f"{type(exc).__name__}: {exc}")
            self._show_test(False, text)

        self._run(
            "test", self.test_button,
            lambda: smtp.send_test_email(account, secret, to), done, failed,
        )  # fmt: skip

    def _show_test(self, ok: bool, text: str) -> None:
        self.test_result.setText(text)
        colour = OK_COLOUR if ok else warning_colour().name()
        self.test_result.setStyleSheet(f"color: {colour};")
        self.test_result.show()
        self.test_finished.emit(ok, text)


def edit_mail_settings(
    ctx: AppContext, parent: QWidget, say: Callable[[str], None]
) -> EmailSettingsDialog:
    """Show the dialog (window-modal); ``say`` reports a save."""
    dialog = EmailSettingsDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.saved.connect(say)
    dialog.open()
    return dialog
