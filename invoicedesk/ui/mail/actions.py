"""Send by email… (Ctrl+M) on the invoice list and in the invoice editor.

One issued invoice or credit note at a time. Without a configured SMTP account the
user is offered Email Settings. Otherwise :func:`prepare` composes the mail in a
worker (it may render the PDF) and the compose dialog opens on it.

``confirm`` and ``report`` are module functions so tests can answer them.

The invoice list builds the action at start; what sending needs (templates, the PDF,
the compose dialog) is imported on the first Send, not then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QPushButton, QWidget

from invoicedesk.core.errors import DomainError
from invoicedesk.core.rules import Action, offers
from invoicedesk.i18n import N_, tr
from invoicedesk.services.books import Books
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.messages import confirm, report
from invoicedesk.ui.worker import Task, run_task

if TYPE_CHECKING:
    from invoicedesk.ui.invoice_editor.window import InvoiceEditor
    from invoicedesk.ui.mail.compose_dialog import ComposeDialog, MailTarget, Prepared

# Marked: shown with tr().
TEXT = N_("Send by &email…")
TIP = N_("Send the selected issued invoice or credit note by email, with its PDF (Ctrl+M)")
WHEN = N_("select one issued invoice or credit note")


def sendable(rows: Sequence[Any]) -> bool:
    """One document the rules table lets us send (an InvoiceRow or an InvoiceView)."""
    return len(rows) == 1 and offers(rows[0].doc_type, rows[0].status, Action.SEND)


def target_of(row: Any) -> MailTarget:
    from invoicedesk.ui.mail.compose_dialog import MailTarget

    return MailTarget(row.id, row.doc_type, row.number)


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


def prepare(db: Books, target: MailTarget) -> Prepared:
    """Compose the mail of ``target`` and render every template it may switch to.

    A client without an e-mail address still gets a mail to fill in (To empty, a note).
    """
    from invoicedesk.services import mail_templates, pdfs
    from invoicedesk.services.mail_compose import compose_for_invoice
    from invoicedesk.services.mail_types import Attachment, MailDraft
    from invoicedesk.ui.mail.compose_dialog import Prepared, TemplateChoice
    from invoicedesk.ui.mail.templates_dialog import language_label, template_label

    note = ""
    try:
        draft = compose_for_invoice(db, target.id)
    except DomainError as exc:
        if exc.field != "to":
            raise
        subject, body = mail_templates.render(db, target.id)
        pdf = pdfs.pdf_for(db, target.id)
        draft = MailDraft(
            to=(),
            subject=subject,
            body=body,
            attachments=(Attachment(pdf.filename, pdf.content, "application/pdf"),),
            invoice_id=target.id,
        )
        note = _sentence(exc.message)
    choices = []
    for view in mail_templates.list_templates(db, target.doc_type):
        try:
            subject, body = mail_templates.render(
                db, target.id, template=view.name, language=view.language
            )
        except DomainError:
            continue
        label = f"{template_label(view.name)} ({language_label(view.language)})"
        choices.append(TemplateChoice(view.name, view.language, label, subject, body))
    current = next(
        (i for i, c in enumerate(choices) if (c.subject, c.body) == (draft.subject, draft.body)),
        -1,
    )
    return Prepared(target, draft, tuple(choices), current, note)


class MailAction(QObject):
    """The Send by email… action for ``rows()`` (InvoiceRows or the editor's InvoiceView)."""

    status_message = Signal(str)
    opened = Signal(object)  # the ComposeDialog, once shown (tests reach it here)

    def __init__(self, ctx: AppContext, parent: QWidget, rows: Callable[[], Sequence[Any]]) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._parent = parent
        self._rows = rows
        self._task: Task | None = None
        self.dialog: ComposeDialog | None = None
        self.action = QAction(tr(TEXT), parent)
        self.action.setObjectName("mail-send")
        self.action.setShortcut(QKeySequence("Ctrl+M"))
        self.action.setStatusTip(tr(TIP))
        self.action.triggered.connect(self.send)
        self.update()

    def update(self, rows: Sequence[Any] | None = None) -> None:
        ok = sendable(self._rows() if rows is None else rows)
        self.action.setEnabled(ok)
        self.action.setToolTip(tr(TIP) if ok else f"{tr(TIP)} — {tr(WHEN)}")

    def busy(self) -> bool:
        return self._task is not None

    def send(self) -> None:
        from invoicedesk.services import mail_settings
        from invoicedesk.ui.pdf import files

        rows = self._rows()
        if not sendable(rows) or self._task is not None:
            return
        target = target_of(rows[0])
        db = self.ctx.db
        if not mail_settings.is_configured(mail_settings.get_account(db)):
            if confirm(
                self._parent,
                tr("Email is not set up"),
                tr(
                    "To send invoices by email, InvoiceDesk needs your mail server (SMTP) and "
                    "the address your invoices come from."
                ),
                tr("Open Email Settings…"),
                tr("Your email provider's help pages list the server, port and security."),
            ):
                from invoicedesk.ui.mail.settings_dialog import edit_mail_settings

                edit_mail_settings(self.ctx, self._parent, self.status_message.emit)
            return
        self.status_message.emit(
            tr("Preparing the email of {document}…").format(document=target.title)
        )

        def done(prepared: Prepared) -> None:
            self._task = None
            if shiboken6.isValid(self):
                self.status_message.emit("")
                self._open(prepared)

        def failed(exc: BaseException, _trace: str) -> None:
            self._task = None
            if shiboken6.isValid(self):
                message = files.error_text(exc)
                self.status_message.emit(
                    tr("{document} was not sent: {error}").format(
                        document=target.title, error=message
                    )
                )
                report(
                    self._parent,
                    tr("Not sent"),
                    tr("{document} cannot be sent: {error}").format(
                        document=target.title, error=message
                    ),
                )

        self._task = run_task(lambda _task: prepare(db, target), done, failed)

    def _open(self, prepared: Prepared) -> None:
        from invoicedesk.ui.mail.compose_dialog import ComposeDialog

        dialog = ComposeDialog(self.ctx, prepared, self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        title = prepared.target.title
        dialog.queued.connect(
            lambda entry: self.status_message.emit(
                tr("{document} is in the outbox for {to}").format(
                    document=title, to=", ".join(entry.to)
                )
            )
        )
        self.dialog = dialog
        dialog.open()
        self.opened.emit(dialog)


class EditorMail(QObject):
    """Send by email… in the editor's Invoice menu and beside Preview PDF."""

    def __init__(self, editor: InvoiceEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.mail = MailAction(editor.ctx, editor, self.rows)
        self.mail.status_message.connect(self._say)
        editor.addAction(self.mail.action)  # Ctrl+M anywhere in the window
        before = editor.ops.close
        editor.invoice_menu.insertAction(before, self.mail.action)
        editor.invoice_menu.insertSeparator(before)
        self.button = QPushButton(tr("Send by email…"))
        self.button.setObjectName("editor-send-mail")
        self.button.clicked.connect(self.mail.action.trigger)
        self.mail.action.changed.connect(self._sync)
        row = editor.button_row
        row.insertWidget(row.indexOf(editor.close_button), self.button)
        editor.reloaded.connect(self.mail.update)
        editor.saved.connect(lambda _id: self.mail.update())
        self.mail.update()
        self._sync()

    def rows(self) -> list[Any]:
        view = self.editor.view
        return [view] if view is not None else []

    def _sync(self) -> None:
        if not shiboken6.isValid(self.editor):
            return
        enabled = self.mail.action.isEnabled()
        self.button.setVisible(bool(self.rows()) and not self.editor.view.is_draft)  # type: ignore[union-attr]
        self.button.setEnabled(enabled)
        self.button.setToolTip(self.mail.action.toolTip())

    def _say(self, message: str) -> None:
        if message and shiboken6.isValid(self.editor) and not self.editor.problems:
            self.editor.problem_display.notice(message)
